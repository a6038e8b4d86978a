"""What a discussion page shows, for a user: the agenda with the memo, the goals the
discussion starts from, the development plan and the survey. Read only, except the use
log of restricted texts (`log_reads`), which the views write for what they showed.

Its number of queries does not grow with the sections, goals, items or answers.
"""

from suunta import policies
from suunta.agreements.models import GoalArea, GoalPlan
from suunta.followup.models import Assessment, AssessmentKind, FollowUp
from suunta.lib.clock import today
from suunta.lib.pagecache import on_every_view
from suunta.organizations import people

from . import services, uselog
from .forms import CloseMemoForm, DevelopmentItemForm, SectionForm, ShareItemsForm
from .models import Discussion, SectionKind, Survey


def _plan_goals(discussion, plans) -> tuple[dict, dict]:
    """The goals of the linked plans (their latest versions), each with its latest
    settled agreed follow-up: what the discussion starts from. Returns the goals by
    plan and the follow-up states by checkpoint."""
    versions = [
        p.latest_version()
        for p in GoalPlan.objects.filter(pk__in=[p.pk for p in plans]).prefetch_related("versions")
    ]
    versions = [v for v in versions if v]
    goals = list(
        GoalArea.objects.filter(version__in=versions)
        .select_related("version__plan")
        .prefetch_related("metrics")
        .order_by("version__plan__period_start", "order", "id")
    )
    statuses = dict(
        FollowUp.objects.filter(checkpoint__version__in=versions).values_list("checkpoint_id", "status")
    )
    agreed = {}
    for assessment in (
        Assessment.objects.filter(goal_area__in=goals, kind=AssessmentKind.AGREED)
        .select_related("rating", "checkpoint")
        .order_by("checkpoint__order", "checkpoint__window_start")
    ):
        # An agreed text counts once its checkpoint was agreed (or reported), not while drafted.
        if statuses.get(assessment.checkpoint_id) in policies.SETTLED_FOLLOWUP:
            agreed[assessment.goal_area_id] = assessment
    by_plan = {}
    for goal in goals:
        goal.latest_agreed = agreed.get(goal.pk)
        by_plan.setdefault(goal.version.plan_id, []).append(goal)
    return by_plan, statuses


def share_candidates(discussion, user):
    """People who take part in discussions, other than the user and the executive."""
    return people.discussion_candidates(discussion.agreement, today()).exclude(
        pk__in=[user.pk, discussion.agreement.executive_id]
    )


def _development_plan(user, discussion, can_read_restricted, can_write, item_forms) -> dict:
    """The development plan the user may read: only the items written in a room the
    user was in, or shared with the user; as confirmed on a frozen memo."""
    if not can_read_restricted:
        return {"items": [], "hidden_items": 0, "can_share": False, "items_as_confirmed": False}
    confirmed = services.confirmed_items(discussion) if discussion.is_frozen else None
    every_item = confirmed if confirmed is not None else services.development_items(discussion)
    items = services.readable_items(user, every_item)
    if confirmed is None:
        for item in items:
            item.form = (
                item_forms.get(item.pk) or DevelopmentItemForm(prefix=f"item{item.pk}", instance=item)
                if can_write
                else None
            )
    return {
        "items": items,
        "hidden_items": len(every_item) - len(items),
        # Shared from an open discussion's page: a frozen memo's page is read-only.
        "can_share": confirmed is None and any(policies.can(user, policies.SHARE_ITEM, i) for i in items),
        "items_as_confirmed": confirmed is not None,
    }


def _sections(discussion, can_read_restricted, can_write, section_forms) -> list:
    sections = list(discussion.sections.select_related("secrecy_basis").order_by("order", "id"))
    for section in sections:
        section.visible = not section.is_restricted or can_read_restricted
        section.form = section_forms.get(section.pk) or (
            SectionForm(prefix=f"s{section.pk}", initial={"text": section.text, "revision": section.revision})
            if can_write
            else None
        )
    return sections


def discussion_page(user, discussion, **given) -> dict:
    """Everything the discussion page shows the user. Forms given (bound, with errors):
    section_forms, item_forms, item_form, close_form, share_form; and conflict."""
    can_read_restricted = policies.can(user, policies.READ_RESTRICTED, discussion)
    can_write = policies.can(user, policies.WRITE_MEMO, discussion)
    plans = list(discussion.plans.all())
    goals_by_plan, statuses = _plan_goals(discussion, plans)
    # Last year's plan ended before the discussion; the coming one is in force or ahead.
    earlier_plan = next((p for p in reversed(plans) if p.period_end < discussion.held_on), None)
    coming_plan = next((p for p in plans if p.period_end >= discussion.held_on), None)
    development = _development_plan(
        user, discussion, can_read_restricted, can_write, given.get("item_forms", {})
    )
    survey = Survey.objects.filter(discussion=discussion).prefetch_related("recipients").first()
    answers = []
    if survey is not None and can_read_restricted:
        answers = list(survey.answers.select_related("goal_area", "respondent"))
    participants = list(discussion.participants.all())
    me = next((p for p in participants if p.user_id == user.pk), None)
    share_form = given.get("share_form")
    if share_form is None and development["can_share"]:
        share_form = ShareItemsForm(people=share_candidates(discussion, user), prefix="share")
    close_form = given.get("close_form")
    if close_form is None and policies.can(user, policies.CLOSE_MEMO, discussion):
        close_form = CloseMemoForm()
    return {
        "discussion": discussion,
        "agreement": discussion.agreement,
        "organization": discussion.agreement.organization,
        "sections": _sections(discussion, can_read_restricted, can_write, given.get("section_forms", {})),
        "participants": participants,
        "me": me,
        "plans": plans,
        "earlier_goals": goals_by_plan.get(earlier_plan.pk, []) if earlier_plan else [],
        "coming_goals": goals_by_plan.get(coming_plan.pk, []) if coming_plan else [],
        "earlier_plan": earlier_plan,
        "coming_plan": coming_plan,
        "kinds": SectionKind,
        "can_read_restricted": can_read_restricted,
        "can_write": can_write,
        "can_edit": policies.can(user, policies.EDIT_DISCUSSION, discussion),
        "can_confirm": me is not None
        and me.confirmed_at is None
        and policies.can(user, policies.CONFIRM_MEMO, discussion),
        "close_form": close_form,
        "item_form": given.get("item_form") or (DevelopmentItemForm(prefix="item") if can_write else None),
        "items": development["items"],
        "hidden_items": development["hidden_items"],
        "items_as_confirmed": development["items_as_confirmed"],
        "share_form": share_form,
        "survey": survey,
        "answers": answers,
        "can_create_survey": policies.can(user, policies.CREATE_SURVEY, discussion),
        "conflict": given.get("conflict"),
        "statuses": statuses,
    }


def log_reads(request, discussion, context) -> None:
    """Write to the use log what of restricted texts the page (or fragment) showed, and
    again each time the page cache serves the same page (pagecache.on_every_view),
    unless it is a repeat of a logged showing (uselog.py)."""
    shown = {
        "sections": [s for s in context.get("sections", ()) if s.is_restricted and s.visible and s.text],
        "items": context.get("items", ()),
        "answers": context.get("answers", ()),
    }
    ids = services.restricted_ids(**shown)
    if ids:
        on_every_view(request, log_read_ids, discussion.pk, ids, uselog.fingerprint(**shown))


def log_read_ids(request, discussion_id: int, ids: dict, fingerprint: str) -> None:
    if uselog.is_repeat(request, discussion_id, fingerprint):
        return
    discussion = Discussion.objects.select_related("agreement").get(pk=discussion_id)
    services.log_restricted_ids(request.user, discussion, ids)
    uselog.logged(request, discussion_id, fingerprint)
