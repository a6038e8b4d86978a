"""Discussion pages. Every path (page, section fragment, calendar file, survey) finds the
discussion through the scoped query set and asks suunta.policies before showing a
restricted text."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suunta import policies
from suunta.agreements import access
from suunta.agreements.models import GoalPlan
from suunta.audit import services as audit
from suunta.lib import once
from suunta.lib.clock import today
from suunta.lib.forms import apply_validation_error
from suunta.lib.pagecache import cached_page
from suunta.organizations import people

from . import calendar, forms, pages, services, uselog
from .forms import (
    CloseMemoForm,
    DevelopmentItemForm,
    DiscussionForm,
    SectionForm,
    SurveyAnswerForm,
    SurveyForm,
)
from .models import DevelopmentItem, Discussion, ItemShare, Participant, Section, Survey


def get_discussion(request, pk: int) -> Discussion:
    qs = (
        Discussion.objects.for_user(request.user)
        .select_related("agreement__organization", "agreement__executive")
        .prefetch_related(
            Prefetch("participants", queryset=Participant.objects.select_related("user")),
            Prefetch("plans", queryset=GoalPlan.objects.order_by("period_start")),
        )
    )
    return policies.get_scoped_or_404(qs, request.user, pk=pk)


def _section(request, discussion, section_id: int) -> Section:
    sections = Section.objects.filter(discussion=discussion).select_related("secrecy_basis")
    return policies.get_scoped_or_404(sections, request.user, pk=section_id)


def _refuse_restricted(request, discussion, section) -> None:
    """A restricted section asked for by someone outside the room: 403, audited."""
    if section.is_restricted:
        policies.require(request.user, policies.READ_RESTRICTED, discussion)


def _form_kwargs(agreement, day):
    return {
        "people": people.discussion_candidates(agreement, day or today()),
        "plans": GoalPlan.objects.filter(agreement=agreement).order_by("period_start"),
    }


# --- Creating and editing -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def discussion_new(request, pk: int):
    agreement = access.agreement(request.user, pk)
    policies.require(request.user, policies.CREATE_DISCUSSION, agreement)
    day = _posted_day(request)
    form = DiscussionForm(
        request.POST or None,
        initial={"participants": [agreement.executive_id], "held_on": today()},
        **_form_kwargs(agreement, day),
    )
    if request.method == "POST":
        with once.submission(request) as submission:
            if submission.replayed:
                return submission.replay()
            if form.is_valid():
                data = form.cleaned_data
                try:
                    discussion = services.create_discussion(
                        request.user,
                        agreement,
                        participants=list(data["participants"]),
                        plans=list(data["plans"]),
                        **{k: data[k] for k in DiscussionForm.Meta.fields},
                    )
                except ValidationError as error:
                    apply_validation_error(form, error)
                else:
                    messages.success(request, _("The discussion was created with the organization's agenda."))
                    return submission.done(redirect("discussion_detail", pk=discussion.pk))
            return _discussion_form(request, agreement, form)
    return _discussion_form(request, agreement, form)


def _discussion_form(request, agreement, form):
    return render(
        request,
        "discussions/discussion_form.html",
        {"agreement": agreement, "organization": agreement.organization, "form": form, "discussion": None},
    )


def _posted_day(request):

    try:
        return datetime.date.fromisoformat(request.POST.get("held_on", ""))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def discussion_edit(request, pk: int):
    discussion = get_discussion(request, pk)
    policies.require(request.user, policies.EDIT_DISCUSSION, discussion)
    agreement = discussion.agreement
    form = DiscussionForm(
        request.POST or None,
        instance=discussion,
        initial={
            "participants": [p.user_id for p in discussion.participants.all()],
            "plans": [p.pk for p in discussion.plans.all()],
        },
        **_form_kwargs(agreement, _posted_day(request) or discussion.held_on),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_discussion(
                request.user,
                discussion,
                participants=list(data["participants"]),
                plans=list(data["plans"]),
                **{k: data[k] for k in DiscussionForm.Meta.fields},
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The discussion details were saved."))
            return redirect("discussion_detail", pk=discussion.pk)
    return render(
        request,
        "discussions/discussion_form.html",
        {
            "agreement": agreement,
            "organization": agreement.organization,
            "form": form,
            "discussion": discussion,
        },
    )


# --- The discussion page --------------------------------------------------------------------


def _context(request, discussion, **given) -> dict:
    return pages.discussion_page(request.user, discussion, **given)


def _page(request, discussion, context):
    """The whole discussion page; what it showed of restricted texts goes to the use log."""
    pages.log_reads(request, discussion, context)
    return render(request, "discussions/discussion_detail.html", context)


@require_GET
@cached_page
def discussion_detail(request, pk: int):
    discussion = get_discussion(request, pk)
    return _page(request, discussion, _context(request, discussion))


@require_GET
def section_fragment(request, pk: int, section_id: int):
    """One section as an HTML fragment (htmx swaps it in after a save); opened directly
    (a bookmark, a new tab), the whole discussion page, a complete document."""
    discussion = get_discussion(request, pk)
    section = _section(request, discussion, section_id)
    _refuse_restricted(request, discussion, section)
    context = _context(request, discussion)
    if not request.htmx:
        return _page(request, discussion, context)
    context["section"] = next(s for s in context["sections"] if s.pk == section.pk)
    pages.log_reads(request, discussion, {"sections": [context["section"]]})
    return render(request, "discussions/discussion_detail.html#section", context)


@require_POST
def section_save(request, pk: int, section_id: int):
    discussion = get_discussion(request, pk)
    section = _section(request, discussion, section_id)
    _refuse_restricted(request, discussion, section)
    policies.require(request.user, policies.WRITE_MEMO, discussion)
    form = SectionForm(request.POST, prefix=f"s{section.pk}")
    conflict = None
    message = ""
    if form.is_valid():
        try:
            _saved, cleared = services.save_section(
                request.user, section, text=form.cleaned_data["text"], revision=form.cleaned_data["revision"]
            )
        except services.ConflictError as error:
            conflict = {"section": section, "theirs": error.section.text}
            data = request.POST.copy()
            data[f"s{section.pk}-revision"] = error.section.revision
            form = SectionForm(data, prefix=f"s{section.pk}")
            form.is_valid()
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            message = _("Saved: %(title)s.") % {"title": section.display_title}
            if cleared:
                message += " " + _("The memo changed, so its confirmations were cleared.")
            if not request.htmx:
                messages.success(request, message)
                return redirect(reverse("discussion_detail", args=[discussion.pk]) + f"#section-{section.pk}")
            form = None
    context = _context(
        request, discussion, section_forms={section.pk: form} if form else {}, conflict=conflict
    )
    if request.htmx:
        context["section"] = next(s for s in context["sections"] if s.pk == section.pk)
        context["focus_section"] = section.pk
        response = render(request, "discussions/discussion_detail.html#section", context)
        if message:
            response.content += render(request, "agreements/_announce.html", {"message": message}).content
        return response
    return _page(request, discussion, context)


@require_http_methods(["POST"])
def item_save(request, pk: int, item_id: int | None = None):
    discussion = get_discussion(request, pk)
    policies.require(request.user, policies.WRITE_MEMO, discussion)
    item = None
    if item_id is not None:
        item = policies.get_scoped_or_404(
            services.items_with_circles(DevelopmentItem.objects.filter(agreement=discussion.agreement)),
            request.user,
            pk=item_id,
        )
        policies.require(request.user, policies.READ_ITEM, item)
    prefix = "item" if item is None else f"item{item.pk}"
    form = DevelopmentItemForm(request.POST, prefix=prefix, instance=item)
    # The form for a new item carries a one-time key: a double submit adds one item.
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        if form.is_valid():
            try:
                services.save_item(request.user, discussion, item, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The development plan was updated."))
                url = reverse("discussion_detail", args=[discussion.pk]) + "#development-plan"
                return submission.done(redirect(url))
        # An edited item's errors show in its own form; a new item's in the form for adding.
        forms = {"item_form": form} if item is None else {"item_forms": {item.pk: form}}
        return _page(request, discussion, _context(request, discussion, **forms))


@require_POST
def share_items(request, pk: int):
    discussion = get_discussion(request, pk)
    if not services.shareable_items(request.user, discussion):
        # Audited by the refusal middleware.
        raise audit.Refused(
            "development_item.share.denied",
            actor=request.user,
            organization=discussion.agreement.organization_id,
            obj=discussion,
        )
    form = forms.ShareItemsForm(
        request.POST, people=pages.share_candidates(discussion, request.user), prefix="share"
    )
    if form.is_valid():
        person = form.cleaned_data["person"]
        try:
            shared = services.share_items(request.user, discussion, person)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            name = person.get_full_name() or person.get_username()
            messages.success(
                request,
                ngettext(
                    "%(count)d development item was shared with %(name)s.",
                    "%(count)d development items were shared with %(name)s.",
                    shared,
                )
                % {"count": shared, "name": name}
                if shared
                else _("%(name)s can already read these development items.") % {"name": name},
            )
            return redirect(reverse("discussion_detail", args=[discussion.pk]) + "#development-plan")
    return _page(request, discussion, _context(request, discussion, share_form=form))


@require_POST
def confirm(request, pk: int):
    discussion = get_discussion(request, pk)
    frozen = services.confirm_memo(request.user, discussion)
    messages.success(
        request,
        _("Your confirmation was recorded. Everyone has confirmed: the memo is now frozen.")
        if frozen
        else _("Your confirmation was recorded."),
    )
    return redirect("discussion_detail", pk=discussion.pk)


@require_POST
def close(request, pk: int):
    discussion = get_discussion(request, pk)
    policies.require(request.user, policies.CLOSE_MEMO, discussion)
    form = CloseMemoForm(request.POST)
    if form.is_valid():
        try:
            services.close_memo(request.user, discussion, form.cleaned_data["reason"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The memo was closed and frozen; the reason was recorded."))
            return redirect("discussion_detail", pk=discussion.pk)
    return _page(request, discussion, _context(request, discussion, close_form=form))


@require_GET
def calendar_file(request, pk: int):
    """An invitation for the participants' calendars. No memo text goes in it."""
    discussion = get_discussion(request, pk)
    body = calendar.invitation(
        discussion, request.build_absolute_uri(reverse("discussion_detail", args=[pk]))
    )
    audit.record(
        "discussion.calendar",
        actor=request.user,
        organization=discussion.agreement.organization_id,
        obj=discussion,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="keskustelu-{discussion.held_on.isoformat()}.ics"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Survey ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def survey_new(request, pk: int):
    discussion = get_discussion(request, pk)
    recipients = people.survey_recipients(discussion.agreement)
    form = SurveyForm(request.POST or None, people=recipients, initial={"recipients": list(recipients)})
    if request.method == "POST":
        with once.submission(request) as submission:
            # Replayed before the policy: the survey the first submission made means
            # "no more surveys here", and the second click deserves the first one's answer.
            if submission.replayed:
                return submission.replay()
            policies.require(request.user, policies.CREATE_SURVEY, discussion)
            if form.is_valid():
                try:
                    services.create_survey(
                        request.user,
                        discussion,
                        recipients=list(form.cleaned_data["recipients"]),
                        closes_on=form.cleaned_data["closes_on"],
                        anonymous=form.cleaned_data["anonymous"],
                    )
                except ValidationError as error:
                    apply_validation_error(form, error)
                else:
                    messages.success(request, _("The survey was opened to the recipients."))
                    url = reverse("discussion_detail", args=[discussion.pk]) + "#survey"
                    return submission.done(redirect(url))
            return _survey_form(request, discussion, form)
    policies.require(request.user, policies.CREATE_SURVEY, discussion)
    return _survey_form(request, discussion, form)


def _survey_form(request, discussion, form):
    return render(
        request,
        "discussions/survey_form.html",
        {"discussion": discussion, "organization": discussion.agreement.organization, "form": form},
    )


@require_http_methods(["GET", "POST"])
def survey_answer(request, pk: int):
    """A recipient's answer page. Recipients (board members among them) see the goals
    asked about and their own answers, never the discussion."""
    surveys = Survey.objects.filter(recipients=request.user).select_related(
        "discussion__agreement__organization"
    )
    survey = policies.get_scoped_or_404(surveys, request.user, pk=pk)
    goals = services.survey_goals(survey)
    mine = {a.goal_area_id: a.text for a in survey.answers.filter(respondent=request.user)}
    can_answer = policies.can(request.user, policies.ANSWER_SURVEY, survey)
    form = SurveyAnswerForm(
        request.POST if request.method == "POST" else None,
        goals=goals,
        initial={f"goal_{g}": text for g, text in mine.items()},
    )
    if request.method == "POST":
        policies.require(request.user, policies.ANSWER_SURVEY, survey)
        if form.is_valid():
            try:
                services.answer_survey(request.user, survey, form.answers())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("Thank you. Your answers were saved; you can change them until the survey closes."),
                )
                return redirect("survey_answer", pk=survey.pk)
    return render(
        request,
        "discussions/survey_answer.html",
        {
            "survey": survey,
            "organization": survey.discussion.agreement.organization,
            "agreement": survey.discussion.agreement,
            "form": form,
            "can_answer": can_answer,
        },
    )


# --- The executive's view of who reads his or her restricted notes ------------------------


@require_GET
def restricted_use(request, pk: int):
    """Who has been shown the executive's restricted discussion notes, development items
    and survey answers, and with whom items have been shared. The executive's own page."""
    agreement = access.agreement(request.user, pk)
    policies.require(request.user, policies.VIEW_RESTRICTED_USE, agreement)
    return render(
        request,
        "discussions/restricted_use.html",
        {
            "agreement": agreement,
            "organization": agreement.organization,
            "repeat_minutes": uselog.window_minutes(),
            **services.restricted_use(agreement),
        },
    )


@require_POST
def share_withdraw(request, pk: int, share_id: int):
    agreement = access.agreement(request.user, pk)
    share = policies.get_scoped_or_404(
        ItemShare.objects.filter(item__agreement=agreement).select_related("user"), request.user, pk=share_id
    )
    services.withdraw_share(request.user, share)
    messages.success(
        request,
        _("%(name)s no longer reads that development item.")
        % {"name": share.user.get_full_name() or share.user.get_username()},
    )
    if request.user.pk == agreement.executive_id:
        return redirect("restricted_use", pk=agreement.pk)
    return redirect("agreement_detail", pk=agreement.pk)
