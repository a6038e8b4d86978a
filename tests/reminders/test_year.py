"""A year of the demo's cycle on the clock: exactly which reminder mails each persona
gets and when, none with a confidential text (issue 25).

From 27.11.2026 to 26.11.2027 the scheduler runs every morning and the mail task
delivers to a real SMTP server. The people act on some days: the chief of staff writes
the self-assessment of the November 2026 follow-up, two of the three evaluators their
views, the preparer closes the missing view's step, agrees and reports; a discussion in
March 2027 has a survey and a memo. The deputy mayor takes the weekly digest, the
council chair stops the "about to close" reminders from a mail's link, and one of
Pikkujärvi's evaluators has no e-mail address.
"""

import datetime as dt
import re
from collections import defaultdict

from django.test import Client

from suunta.agreements.models import Checkpoint
from suunta.discussions import services as discussion_services
from suunta.discussions.models import DiscussionKind, Section, SurveyAnswer
from suunta.followup import services as followup_services
from suunta.followup.models import Assessment, AssessmentKind, Rating
from suunta.governance.models import Handling
from suunta.reminders import services
from suunta.reminders.models import Reminder, ReminderState

from .common import run_day, username

D = dt.date
START = D(2026, 11, 27)
SELF_TEXT = "LUOTTAMUKSELLINEN-ITSEARVIO tavoite %s"
VIEW_TEXT = "LUOTTAMUKSELLINEN-NÄKEMYS %s"
MEMO_TEXT = "SALAINEN-MUISTIO terveydentila"


def _act(demo, day: D, state: dict) -> None:
    """What the people do on `day`, before the morning's run."""
    people = {u: demo.user(u) for u in ("kansliapaallikko", "pormestari", "valtuuston-pj", "valmistelija")}
    checkpoint = Checkpoint.objects.get(version__plan=demo.current, version__status="approved", order=1)
    goals = list(checkpoint.version.goal_areas.order_by("order"))
    rating = Rating.objects.filter(organization=demo.org).order_by("order").first()
    if day == D(2026, 12, 1):
        for goal in goals:
            followup_services.save_assessment(
                people["kansliapaallikko"], checkpoint, goal, AssessmentKind.SELF,
                rating=rating, text=SELF_TEXT % goal.pk, submit=True,
            )  # fmt: skip
    elif day == D(2026, 12, 3):
        for evaluator in ("pormestari", "valtuuston-pj"):
            for goal in goals:
                followup_services.save_assessment(
                    people[evaluator], checkpoint, goal, AssessmentKind.VIEW,
                    rating=rating, text=VIEW_TEXT % evaluator, submit=True,
                )  # fmt: skip
    elif day == D(2026, 12, 17):
        followup_services.close_step(people["valmistelija"], checkpoint, "Näkemys puuttuu.")
    elif day == D(2026, 12, 18):
        for goal in goals:
            followup_services.save_assessment(
                people["valmistelija"],
                checkpoint,
                goal,
                AssessmentKind.AGREED,
                rating=rating,
                text="Sovittu.",
            )
        followup_services.mark_agreed(people["valmistelija"], checkpoint, day)
    elif day == D(2027, 1, 12):
        followup_services.report_to_board(
            people["valmistelija"], checkpoint, meeting_date=day, section="3", text="Merkitään tiedoksi."
        )
    elif day == D(2027, 3, 1):
        discussion = discussion_services.create_discussion(
            people["pormestari"],
            demo.current.agreement,
            participants=[people["pormestari"], people["valtuuston-pj"], people["kansliapaallikko"]],
            plans=[demo.current],
            kind=DiscussionKind.ANNUAL,
            held_on=D(2027, 3, 15),
            starts_at=dt.time(13, 0),
            place="Kunnantalo",
        )
        discussion_services.create_survey(
            people["pormestari"], discussion, recipients=[demo.user("hallitus")], closes_on=D(2027, 3, 12),
            anonymous=False,
        )  # fmt: skip
        state["discussion"] = discussion
    elif day == D(2027, 3, 15):
        discussion = state["discussion"]
        section = Section.objects.filter(discussion=discussion, publicity="restricted").first() or (
            discussion.sections.first()
        )
        discussion_services.save_section(
            people["pormestari"], section, text=MEMO_TEXT, revision=section.revision
        )
        discussion_services.confirm_memo(people["kansliapaallikko"], discussion)


def test_a_year_of_reminders(demo, smtp_server, fixed_today):
    # The deputy mayor wants the weekly digest; the council chair stops one kind from a
    # mail's link (signed, no login); one of Pikkujärvi's evaluators has no address.
    services.save_preferences(demo.user("apulaispormestari"), kinds_off=[], digest=True)
    stop = services.stop_token(demo.user("valtuuston-pj").pk, "window_closes")
    assert Client().post(f"/reminders/stop/{stop}/", {"List-Unsubscribe": "One-Click"}).status_code == 200
    no_address = demo.user("pikku-kv-pj")
    no_address.email = ""
    no_address.save()

    received, state = [], {}
    for offset in range(365):
        day = START + dt.timedelta(offset)
        fixed_today.move_to(dt.datetime.combine(day, dt.time(5, 0, tzinfo=dt.UTC)))
        _act(demo, day, state)
        run_day(fixed_today, smtp_server, day, received)

    got = defaultdict(list)
    for mail in received:
        got[username(mail.to)].append((mail.day.isoformat(), mail.kind))
    chief_plan = demo.current.pk
    pikku_plan = Checkpoint.objects.get(label="tammikuu 2027").version.plan_id
    assert dict(got) == {
        "kansliapaallikko": [
            # November's self-assessment was written on 1.12 (no "about to close" for it)
            ("2027-01-01", "window_opens"),  # January/February 2027
            ("2027-02-21", "window_closes"),
            ("2027-02-27", "window_closes"),
        ],
        "pormestari": [
            ("2026-12-01", "views_turn"),  # the self-assessment is in
            ("2027-01-01", "window_opens"),
            ("2027-02-21", "window_closes"),
            ("2027-02-27", "window_closes"),
            ("2027-03-15", "confirm_memo"),
        ],
        "valtuuston-pj": [
            ("2026-12-01", "views_turn"),
            ("2027-01-01", "window_opens"),  # "about to close" stopped from the mail
            ("2027-03-15", "confirm_memo"),
        ],
        "apulaispormestari": [  # Mondays' digests only
            ("2026-12-07", "digest"),
            ("2026-12-14", "digest"),
            ("2026-12-21", "digest"),
            ("2027-01-04", "digest"),
            ("2027-02-22", "digest"),
            ("2027-03-01", "digest"),
        ],
        "valmistelija": [
            ("2026-12-17", "agree_turn"),
            ("2026-12-18", "report_turn"),
        ],
        "hallitus": [("2027-03-01", "survey")],
        "pikku-johtaja": [
            ("2027-01-01", "window_opens"),
            ("2027-01-24", "window_closes"),
            ("2027-01-30", "window_closes"),
        ],
        "pikku-kh-pj": [
            ("2027-01-01", "window_opens"),
            ("2027-01-24", "window_closes"),
            ("2027-01-30", "window_closes"),
        ],
        "pikku-kh-vpj": [
            ("2027-01-01", "window_opens"),
            ("2027-01-24", "window_closes"),
            ("2027-01-30", "window_closes"),
        ],
    }, dict(got)

    # The digests carry the deputy mayor's items of the week before.
    digests = [m for m in received if m.kind == "digest"]
    assert [len(re.findall(r"^- ", m.text, re.M)) for m in digests] == [1, 1, 1, 1, 1, 1]
    # Without an address: no mail, and the preparer's log says why.
    missing = Reminder.objects.filter(user=no_address)
    assert {(r.kind, r.state) for r in missing} == {
        ("window_opens", ReminderState.NO_ADDRESS),
        ("window_closes", ReminderState.NO_ADDRESS),
    }
    assert missing.count() == 3

    # Every mail: plain text and HTML, a direct link, the preferences, nothing confidential.
    secrets = {MEMO_TEXT}
    secrets |= set(Assessment.objects.exclude(text="").values_list("text", flat=True))
    secrets |= set(Section.objects.exclude(text="").values_list("text", flat=True))
    secrets |= set(SurveyAnswer.objects.values_list("text", flat=True))
    secrets |= set(Handling.objects.exclude(text="").values_list("text", flat=True))
    secrets |= {label for r in Rating.objects.all() for label in (r.label, r.label_sv, r.label_en) if label}
    assert any(s.startswith("LUOTTAMUKSELLINEN-ITSEARVIO") for s in secrets)  # the test sees them
    for mail in received:
        assert mail.text and mail.html
        assert "http://127.0.0.1:8000/" in mail.text
        assert "/accounts/reminders/" in mail.text
        for secret in secrets:
            assert secret not in mail.text and secret not in mail.html, (mail.to, mail.kind, secret)
    assert all(m.text.count("/reminders/stop/") == 1 for m in digests)  # one per item
    single = [m for m in received if m.kind != "digest"]
    assert all("/reminders/stop/" in m.headers["List-Unsubscribe"] for m in single)
    assert all(m.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in single)
    assert f"/plans/{chief_plan}/followup/" in next(m.text for m in received if m.kind == "views_turn")
    assert f"/plans/{pikku_plan}/followup/" in next(
        m.text for m in received if m.to.startswith("pikku-johtaja")
    )
