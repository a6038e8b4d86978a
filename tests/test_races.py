"""Races and double submits against a real server (tests/served.py), on the suite's
database: SQLite (a file with WAL and BEGIN IMMEDIATE) or PostgreSQL.

Threads released together by a barrier post at once, each as its own browser tab (its
own cookies, so each sees its own messages). Every answer must be a redirect or a page
(never a 500 or a 403), the database must hold exactly one of what was created, and
each loser's page must say what happened.
"""

import threading

from .helpers import fi

PREPARER = "valmistelija"

CREATED_NEXT = "The next period's plan was created from this one. Check its goals and checkpoints."
EXISTED_NEXT = "The next period's plan had already been created; here it is."
CREATED_PLAN = "The plan was created. Add its goals, metrics and checkpoints."
EXISTED_PLAN = "A plan for this period had already been created; here it is."
STARTED_AMENDMENT = (
    "Version %(number)s was started as a draft. It is handled and approved like the earlier versions."
)
EXISTED_AMENDMENT = "Version %(number)s had already been started; here it is."
STEP_SAVED = "Saved. The plan is now “%(status)s”."
STEP_STALE = "Someone recorded “%(handling)s” on this version a moment ago. Nothing was saved."
ALREADY_SENT = "This form had already been sent: it was saved once. Here is the result."


def together(count: int, action) -> list:
    """`action(i)` in `count` threads released at the same moment; their results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = action(index)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def assert_no_errors(served, responses) -> None:
    """Every answer (and every page a redirect led to) is a 2xx or 3xx."""
    statuses = [response.statuses for response in responses]
    assert all(status < 400 for chain in statuses for status in chain), (statuses, served.output())


def count_with(responses, message: str) -> int:
    return sum(1 for response in responses if message in response.page_text)


def latest_plan(served) -> tuple[int, int]:
    """(plan id, agreement id) of the demo's "current year's plan" of Esimerkkikunta."""
    return served.sql(
        "SELECT id, agreement_id FROM agreements_goalplan WHERE title LIKE %s ORDER BY period_start DESC",
        ["Kansliapäällikön tavoitteet %"],
    )[0]


def plan_count(served, agreement_id: int) -> int:
    return served.scalar("SELECT count(*) FROM agreements_goalplan WHERE agreement_id = %s", [agreement_id])


def tabs(browser, count: int, page: str, action: str) -> list[tuple]:
    """`count` tabs of the same login, each with the form posting to `action` as it
    renders on `page` (its hidden fields: CSRF token, the one-time key, what it saw)."""
    opened = []
    for _ in range(count):
        tab = browser.clone()
        response = tab.get(page)
        assert response.status == 200, response.status
        opened.append((tab, response.hidden_fields(action)))
    return opened


def step_id(served, plan_id: int, action: str, from_status: str) -> int:
    return served.scalar(
        "SELECT s.id FROM governance_workflowstep s"
        " JOIN agreements_directoragreement a ON a.organization_id = s.organization_id"
        " JOIN agreements_goalplan p ON p.agreement_id = a.id"
        " WHERE p.id = %s AND s.action = %s AND s.from_status = %s",
        [plan_id, action, from_status],
    )


def next_period_draft(served, browser) -> int:
    """The next period's plan made from the current one through the page: its id."""
    plan_id, _ = latest_plan(served)
    response = browser.post(f"/plans/{plan_id}/next-period/", follow=True)
    assert response.statuses == [302, 200], response.statuses
    return int(response.url.rstrip("/").rsplit("/", 1)[1])


def proposed_draft(served, browser) -> tuple[int, int]:
    """A plan whose version 1 has been proposed to the board: (plan id, version id)."""
    plan_id = next_period_draft(served, browser)
    path = f"/plans/{plan_id}/steps/{step_id(served, plan_id, 'propose', 'draft')}/"
    fields = browser.get(path).hidden_fields("")
    assert browser.post(path, fields).status == 302
    version_id = served.scalar("SELECT id FROM agreements_planversion WHERE plan_id = %s", [plan_id])
    assert (
        served.scalar("SELECT status FROM agreements_planversion WHERE id = %s", [version_id]) == "proposed"
    )
    return plan_id, version_id


def handling_count(served, version_id: int) -> int:
    return served.scalar("SELECT count(*) FROM governance_handling WHERE version_id = %s", [version_id])


TABLING = {"meeting_date": "2026-11-02", "case_number": "12/2026", "text": "Asia jätettiin pöydälle."}


def tabling_reference() -> str:
    return f"Kunnanhallitus 2.11.2026, {fi('tabled')}"


# --- Create once -----------------------------------------------------------------------------


def test_five_concurrent_next_period_posts_make_one_plan(served):
    preparer = served.login(PREPARER)
    plan_id, agreement_id = latest_plan(served)
    before = plan_count(served, agreement_id)
    action = f"/plans/{plan_id}/next-period/"
    opened = tabs(preparer, 5, f"/plans/{plan_id}/", action)

    responses = together(5, lambda i: opened[i][0].post(action, opened[i][1], follow=True))

    assert_no_errors(served, responses)
    assert plan_count(served, agreement_id) == before + 1
    new_id = latest_plan(served)[0]
    assert {response.url for response in responses} == {f"{served.url}/plans/{new_id}/"}
    assert served.scalar("SELECT count(*) FROM agreements_planversion WHERE plan_id = %s", [new_id]) == 1
    assert count_with(responses, fi(CREATED_NEXT)) == 1
    assert count_with(responses, fi(EXISTED_NEXT)) == 4


def test_three_concurrent_new_plans_for_one_period_make_one_plan(served):
    preparer = served.login(PREPARER)
    _, agreement_id = latest_plan(served)
    before = plan_count(served, agreement_id)
    action = f"/agreements/{agreement_id}/plans/new/"
    opened = tabs(preparer, 3, action, "")
    typed = {"title": "Rinnakkain 2040", "period_start": "2040-01-01", "period_end": "2040-12-31"}

    responses = together(3, lambda i: opened[i][0].post(action, {**opened[i][1], **typed}, follow=True))

    assert_no_errors(served, responses)
    assert plan_count(served, agreement_id) == before + 1
    new_id = served.scalar("SELECT id FROM agreements_goalplan WHERE title = %s", ["Rinnakkain 2040"])
    assert {response.url for response in responses} == {f"{served.url}/plans/{new_id}/"}
    assert count_with(responses, fi(CREATED_PLAN)) == 1
    assert count_with(responses, fi(EXISTED_PLAN)) == 2


def test_three_concurrent_amendments_start_one_version(served):
    preparer = served.login(PREPARER)
    plan_id, _ = latest_plan(served)
    action = f"/plans/{plan_id}/amend/"
    opened = tabs(preparer, 3, f"/plans/{plan_id}/", action)

    responses = together(3, lambda i: opened[i][0].post(action, opened[i][1], follow=True))

    assert_no_errors(served, responses)
    numbers = served.sql("SELECT number, status FROM agreements_planversion WHERE plan_id = %s", [plan_id])
    assert sorted(numbers) == [(1, "approved"), (2, "draft")]
    assert count_with(responses, fi(STARTED_AMENDMENT, number=2)) == 1
    assert count_with(responses, fi(EXISTED_AMENDMENT, number=2)) == 2


# --- A step that changes no status -------------------------------------------------------------


def test_concurrent_tabling_records_one_handling(served):
    preparer = served.login(PREPARER)
    plan_id, version_id = proposed_draft(served, preparer)
    path = f"/plans/{plan_id}/steps/{step_id(served, plan_id, 'table', 'proposed')}/"
    opened = tabs(preparer, 3, path, "")

    responses = together(3, lambda i: opened[i][0].post(path, {**opened[i][1], **TABLING}, follow=True))

    assert_no_errors(served, responses)
    assert handling_count(served, version_id) == 1
    assert count_with(responses, fi(STEP_SAVED, status=fi("Proposed to the board"))) == 1
    assert count_with(responses, fi(STEP_STALE, handling=tabling_reference())) == 2


# --- Double submits of one form ---------------------------------------------------------------


def test_a_goal_form_sent_twice_adds_one_goal(served):
    preparer = served.login(PREPARER)
    plan_id = next_period_draft(served, preparer)
    action = f"/plans/{plan_id}/goals/new/"
    form = preparer.get(action).hidden_fields(action)
    data = {**form, "new-goal-title": "Kahdesti lähetetty tavoite", "new-goal-description": "Kerran."}
    first, second = preparer.clone(), preparer.clone()

    def goals() -> int:
        return served.scalar(
            "SELECT count(*) FROM agreements_goalarea WHERE title = %s", ["Kahdesti lähetetty tavoite"]
        )

    # A double click: the same form twice at once.
    responses = together(2, lambda i: (first, second)[i].post(action, data, follow=True))
    assert_no_errors(served, responses)
    assert goals() == 1
    assert {response.history[0][1] for response in responses} == {served.url + action}
    assert len({response.url for response in responses}) == 1
    assert count_with(responses, fi("Goal added.")) == 1
    assert count_with(responses, fi(ALREADY_SENT)) == 1

    # Back and send again: the first result again, nothing added.
    again = first.post(action, data, follow=True)
    assert_no_errors(served, [again])
    assert goals() == 1
    assert again.url == responses[0].url
    assert fi(ALREADY_SENT) in again.page_text


def test_a_step_form_sent_twice_records_one_handling(served):
    preparer = served.login(PREPARER)
    plan_id, version_id = proposed_draft(served, preparer)
    path = f"/plans/{plan_id}/steps/{step_id(served, plan_id, 'table', 'proposed')}/"
    data = {**preparer.get(path).hidden_fields(""), **TABLING}
    first, second = preparer.clone(), preparer.clone()

    responses = together(2, lambda i: (first, second)[i].post(path, data, follow=True))
    assert_no_errors(served, responses)
    assert handling_count(served, version_id) == 1
    assert {response.url for response in responses} == {f"{served.url}/plans/{plan_id}/"}
    assert count_with(responses, fi(STEP_SAVED, status=fi("Proposed to the board"))) == 1
    assert count_with(responses, fi(ALREADY_SENT)) == 1

    again = second.post(path, data, follow=True)
    assert_no_errors(served, [again])
    assert handling_count(served, version_id) == 1
    assert fi(ALREADY_SENT) in again.page_text
