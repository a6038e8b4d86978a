"""The live-server harness itself (tests/served.py)."""

import pytest

from .served import ServedProcessDied


def test_the_served_demo_takes_a_login_and_answers_sql(served):
    browser = served.login("valmistelija")
    front = browser.get("/")
    assert front.status == 200
    assert "/accounts/logout/" in front.text
    assert served.scalar("SELECT count(*) FROM accounts_user WHERE username = %s", ["valmistelija"]) == 1
    assert served.scalar("SELECT count(*) FROM agreements_goalplan") >= 3

    # Further processes run on the same database, with extra environment variables.
    script = "import os; print(os.environ['DATABASE_URL'], os.environ['EXTRA'])"
    printed = served.run("-c", script, env={"EXTRA": "lisä"}).stdout.split()
    assert printed == [served.database.url, "lisä"]


def test_a_process_that_dies_fails_the_test_with_its_stderr(served):
    process = served.start("-c", "import sys; sys.stderr.write('kaatui\\n'); sys.exit(3)", name="kaatuva")
    process.popen.wait(timeout=60)
    with pytest.raises(ServedProcessDied, match=r"(?s)kaatuva exited with 3.*kaatui"):
        served.check()
    process.stopped = True  # seen: the teardown need not fail this test as well
