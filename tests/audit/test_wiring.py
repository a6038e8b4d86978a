"""Issue 3: every change, refusal, login and password event reaches the audit log."""

import re

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from tests.helpers import known_sign_in
from tests.mail.common import deliver_queued


def last(action: str, **filters) -> AuditEvent:
    return AuditEvent.objects.filter(action=action, **filters).latest("id")


def test_editing_a_goal_records_before_and_after(demo):
    goal = demo.draft.versions.get().goal_areas.order_by("order").first()
    old_title = goal.title
    url = reverse("goal_edit", args=[demo.draft.pk, goal.pk])
    demo.client("pormestari").post(url, {f"goal-{goal.pk}-title": "Strategian toimeenpano"})
    event = last("goal.update")
    assert event.actor.username == "pormestari"
    assert event.organization == demo.org
    assert event.object_id == str(goal.pk)
    assert event.ip == "127.0.0.1"
    assert changes_of(event)["title"] == [old_title, "Strategian toimeenpano"]


def test_a_refused_edit_is_recorded_even_though_nothing_changed(demo):
    goal = demo.draft.versions.get().goal_areas.order_by("order").first()
    url = reverse("goal_edit", args=[demo.draft.pk, goal.pk])
    before = AuditEvent.objects.count()
    response = demo.client("kansliapaallikko").post(url, {f"goal-{goal.pk}-title": "Oma muutos"})
    assert response.status_code == 403
    goal.refresh_from_db()
    assert goal.title != "Oma muutos"
    event = AuditEvent.objects.latest("id")
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.outcome) == ("edit_plan.denied", "denied")
    assert event.actor.username == "kansliapaallikko"
    assert event.organization == demo.org


def test_another_organizations_id_is_a_404_and_an_audited_attempt(demo):
    response = demo.client("toinen-johtaja").get(reverse("plan_detail", args=[demo.plan.pk]))
    assert response.status_code == 404
    event = last("access.out_of_scope")
    assert event.actor.username == "toinen-johtaja"
    assert event.organization == demo.org  # recorded where the target lives
    assert event.object_id == str(demo.plan.pk)


def test_an_unknown_id_is_a_plain_404(demo):
    before = AuditEvent.objects.count()
    assert demo.client("pormestari").get(reverse("plan_detail", args=[999999])).status_code == 404
    assert AuditEvent.objects.count() == before


def test_logins_and_failed_logins_are_recorded_without_passwords(demo):
    client = Client()
    client.post("/accounts/login/", {"username": "pormestari", "password": "väärä-salasana"})
    failed = last("auth.login_failed")
    assert failed.outcome == "failed"
    assert changes_of(failed)["username"] == [None, "pormestari"]
    client.post("/accounts/login/", {"username": "pormestari", "password": "suunta-demo"})
    assert last("auth.login").actor.username == "pormestari"
    assert "väärä-salasana" not in "".join(AuditEvent.objects.values_list("payload", flat=True))


def test_a_password_typed_into_the_username_field_never_reaches_the_log(demo):
    Client().post("/accounts/login/", {"username": "Salainen-Salasana-123", "password": "x"})
    event = last("auth.login_failed")
    assert changes_of(event)["username"] == [None, None]
    assert changes_of(event)["known_user"] == [None, False]
    assert "Salainen-Salasana-123" not in "".join(AuditEvent.objects.values_list("payload", flat=True))


def test_password_reset_is_recorded(demo, smtp_server):
    user = demo.user("valmistelija")
    user.email = "sari@esimerkkikunta.fi"
    user.save()
    client = Client()
    client.post(reverse("password_reset"), {"email": user.email})
    requested = last("auth.password_reset_requested")
    assert "sari@esimerkkikunta.fi" not in requested.payload
    deliver_queued()
    link = re.search(r"(/accounts/reset/\S+/)", smtp_server.body()).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Uusi-salasana-55", "new_password2": "Uusi-salasana-55"})
    assert last("auth.password_reset").actor == user


def test_adding_a_member_is_recorded_in_the_organization(demo):
    demo.client("paakayttaja").post(
        reverse("member_new", args=["esimerkkikunta"]),
        {"person": demo.user("valmistelija").pk, "role": "board_member", "valid_from": "2026-01-01"},
    )
    event = last("membership.create")
    assert event.organization == demo.org
    assert changes_of(event)["role"] == [None, "board_member"]


def test_the_log_verifies_after_a_working_session(demo, capsys):
    client = demo.client("valmistelija")
    goal = demo.draft.versions.get().goal_areas.order_by("order").first()
    client.post(reverse("goal_move", args=[demo.draft.pk, goal.pk]), {"direction": "down"})
    demo.client("hallitus").get(reverse("plan_detail", args=[demo.draft.pk]))  # refused: 404
    call_command("verify_audit")
    assert "OK" in capsys.readouterr().out


# --- The audit page -------------------------------------------------------------------------

AUDIT = reverse("audit_log", args=["esimerkkikunta"])


def test_the_auditor_reads_the_organizations_events_and_no_others(demo):
    response = demo.client("tarkastaja").get(AUDIT)
    body = response.content.decode()
    assert response.status_code == 200
    assert "plan.approve" in body
    assert "Kunnanjohtajan tavoitteet 2025" not in body  # Toinen kunta's events stay there


def test_the_audit_page_filters_by_action_and_outcome(demo):
    demo.client("kansliapaallikko").get(reverse("goal_new", args=[demo.draft.pk]))  # refused
    client = demo.client("tarkastaja")
    denied = client.get(AUDIT, {"outcome": "denied"}).content.decode()
    assert "edit_plan.denied" in denied
    assert "plan.approve" not in denied
    approvals = client.get(AUDIT, {"action": "plan.approve"}).content.decode()
    assert "plan.approve" in approvals
    assert "goal.create" not in approvals


def test_the_audit_page_explains_a_bad_date_range(demo):
    response = demo.client("tarkastaja").get(AUDIT, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_audit_pages_query_count_does_not_grow_with_events(demo):
    client = demo.client("tarkastaja")
    known_sign_in(client)
    with CaptureQueriesContext(connection) as small:
        client.get(AUDIT, {"action": "plan.approve"})
    with CaptureQueriesContext(connection) as large:
        client.get(AUDIT)
    assert AuditEvent.objects.filter(organization=demo.org).count() > 20
    assert len(large) == len(small)
