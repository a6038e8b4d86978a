import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override

from suunta import settings as project_settings
from tests.helpers import check_deploy
from tests.mail.common import deliver_queued

LOGIN = "/accounts/login/"
REPO = Path(__file__).resolve().parents[2]


def login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_it_logs_in_with_the_login_form(demo):
    client = Client()
    response = login(client, "pormestari", "suunta-demo")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get("/").status_code == 200


def test_a_wrong_password_shows_a_finnish_message_and_keeps_the_username(demo):
    response = login(Client(), "pormestari", "väärä")
    body = response.content.decode()
    assert response.status_code == 200
    with override("fi"):
        expected = str(AuthenticationForm.error_messages["invalid_login"]).split("%(username)s")[0]
    assert expected.strip() and expected in body
    assert 'value="pormestari"' in body


def test_it_locks_out_after_five_failures_even_with_the_right_password(demo, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "pormestari", "väärä")
    response = login(client, "pormestari", "suunta-demo")
    assert response.status_code == 429
    with override("fi"):
        assert gettext("Too many failed logins") in response.content.decode()
    assert client.get("/").status_code == 302  # still not logged in


def test_a_lockout_of_one_username_does_not_lock_out_another(demo, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "pormestari", "väärä")
    assert login(client, "valmistelija", "suunta-demo").status_code == 302


def test_the_lockout_ends_after_the_cool_off(demo, settings):
    client = Client()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, "pormestari", "väärä")
        assert login(client, "pormestari", "suunta-demo").status_code == 429
        traveller.shift(dt.timedelta(minutes=16))
        assert login(client, "pormestari", "suunta-demo").status_code == 302


def test_a_session_expires_after_a_working_day(demo):
    client = Client()
    with time_machine.travel(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC), tick=False) as traveller:
        login(client, "pormestari", "suunta-demo")
        assert client.get("/").status_code == 200
        traveller.shift(dt.timedelta(hours=8, minutes=1))
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_password_reset_goes_through_a_real_smtp_server(demo, smtp_server):
    user = demo.user("pormestari")
    user.email = "aino.virtanen@esimerkkikunta.fi"
    user.save()
    client = Client()
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    # Queued with the request; it leaves when the mail task runs.
    assert smtp_server.messages == []
    assert deliver_queued() == ["sent"]

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["X-Envelope-To"] == user.email
    body = smtp_server.body()
    assert "pormestari" in body
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    new_password = "Uusi-salasana-2026"
    done = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert login(Client(), "pormestari", new_password).status_code == 302
    assert login(Client(), "pormestari", "suunta-demo").status_code == 200  # the old one no longer works


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(demo, smtp_server):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.fi"}, follow=True)
    assert response.status_code == 200
    assert deliver_queued() == []
    assert smtp_server.messages == []


def test_a_used_reset_link_is_refused(demo, smtp_server):
    user = demo.user("valmistelija")
    user.email = "sari@esimerkkikunta.fi"
    user.save()
    client = Client()
    client.post(reverse("password_reset"), {"email": user.email})
    deliver_queued()
    link = re.search(r"(/accounts/reset/\S+/)", smtp_server.body()).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Toinen-salasana-77", "new_password2": "Toinen-salasana-77"})
    again = Client().get(link, follow=True)
    with override("fi"):
        assert (
            gettext("This link has already been used or has expired. Ask for a new one.")
            in again.content.decode()
        )


def test_production_hashes_passwords_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = get_user_model().objects.create_user("uusi", password="Pitkä-salasana-1")
    assert user.password.startswith("argon2$")
    assert user.check_password("Pitkä-salasana-1")


def test_pages_send_a_csp_without_unsafe_inline(demo):
    response = demo.client("pormestari").get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = check_deploy(tmp_path, SUUNTA_ACCESSIBILITY_FEEDBACK_EMAIL="saavutettavuus@example.fi")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_production_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DEBUG": "0", "SUUNTA_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
