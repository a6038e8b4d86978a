from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suunta import policies
from suunta.organizations.models import Organization

from . import feeds, pages, services
from .forms import DefaultsForm, PreferenceForm
from .models import CHOOSABLE, OrganizationReminderSettings, ReminderKind, ReminderPreference


@require_http_methods(["GET", "POST"])
def preferences(request):
    """The user's own reminders and calendar feed. Only the user's own row."""
    user = request.user
    preference = ReminderPreference.objects.filter(user=user).first()
    first_org = next(iter(sorted(policies.roles_by_organization(user))), None)
    chosen = services.resolve(
        preference, OrganizationReminderSettings.objects.filter(organization_id=first_org).first()
    )
    initial = {"kinds": [k for k in CHOOSABLE if k not in chosen.kinds_off], "digest": chosen.digest}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_preferences(user, kinds_off=form.kinds_off(), digest=form.cleaned_data["digest"])
        messages.success(request, _("Your settings were saved."))
        return redirect("reminder_preferences")
    token = preference.feed_token if preference else None
    feed = request.build_absolute_uri(reverse("calendar_feed", args=[token])) if token else None
    organizations = Organization.objects.filter(pk__in=list(policies.roles_by_organization(user))).order_by(
        "name"
    )
    organization_feeds = [
        (o, request.build_absolute_uri(reverse("organization_calendar_feed", args=[token, o.slug])))
        for o in organizations
        if token and policies.can(user, policies.ORGANIZATION_FEED, o)
    ]
    context = {"form": form, "feed": feed, "organization_feeds": organization_feeds}
    return render(request, "reminders/preferences.html", context)


@require_POST
def feed_renew(request):
    services.renew_feed(request.user)
    messages.success(request, _("Your calendar has a new address. The old one no longer works."))
    return redirect(reverse("reminder_preferences") + "#calendar")


@login_not_required
@csrf_exempt  # the signed token is the authority; mail programs post here (RFC 8058) without a cookie
@require_http_methods(["GET", "POST"])
def stop(request, token: str):
    found = services.read_stop_token(token)
    user = get_user_model().objects.filter(pk=found[0], is_active=True).first() if found else None
    if user is None:
        raise Http404
    kind = ReminderKind(found[1])
    if request.method == "POST":
        services.stop_kind(user, kind)
        return render(request, "reminders/stopped.html", {"kind": kind.label})
    return render(request, "reminders/stop.html", {"kind": kind.label})


def _feed_owner(token: str):
    """The feed's owner while the address is the latest and the owner holds a role."""
    preference = ReminderPreference.objects.filter(feed_token=token).select_related("user").first()
    if preference is None or not preference.user.is_active:
        raise Http404
    user = preference.user
    if not policies.roles_by_organization(user):
        raise Http404  # every membership has ended
    return user


def _ics(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="suunta.ics"'
    return response


@login_not_required
@require_GET
def personal_feed(request, token: str):
    return _ics(feeds.personal(_feed_owner(token)))


@login_not_required
@require_GET
def organization_feed(request, token: str, slug: str):
    user = _feed_owner(token)
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not policies.can(user, policies.ORGANIZATION_FEED, organization):
        raise Http404
    return _ics(feeds.organization(user, organization))


def _organization(request, slug: str, action: str) -> Organization:
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    policies.require(request.user, action, organization)
    return organization


@require_GET
def reminder_log(request, slug: str):
    organization = _organization(request, slug, policies.VIEW_REMINDER_LOG)
    rows = pages.log(organization)
    context = {
        "organization": organization,
        "rows": rows,
        "failed": [r for r in rows if r.failed],
        "can_set_defaults": policies.can(request.user, policies.SET_REMINDER_DEFAULTS, organization),
    }
    return render(request, "reminders/log.html", context)


@require_POST
def resend(request, slug: str, reminder_id: int):
    """Send a failed reminder's mail again (to the address the person has now)."""
    organization = _organization(request, slug, policies.VIEW_REMINDER_LOG)
    reminder = get_object_or_404(pages.log_rows(organization), pk=reminder_id)
    if reminder.mail is not None and services.resend(request.user, reminder):
        messages.success(request, _("The mail is on its way again."))
    else:
        messages.info(request, _("This mail is not waiting to be sent again."))
    return redirect("reminder_log", slug=organization.slug)


@require_http_methods(["GET", "POST"])
def defaults(request, slug: str):
    organization = _organization(request, slug, policies.SET_REMINDER_DEFAULTS)
    current = OrganizationReminderSettings.objects.filter(organization=organization).first()
    chosen = services.resolve(None, current)
    initial = {
        "days_before": ", ".join(str(d) for d in (current.days_before if current else [7, 1])),
        "kinds": [k for k in CHOOSABLE if k not in chosen.kinds_off],
        "digest": chosen.digest,
    }
    form = DefaultsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_organization_defaults(
            request.user,
            organization,
            days_before=form.cleaned_data["days_before"],
            kinds_off=form.kinds_off(),
            digest=form.cleaned_data["digest"],
        )
        messages.success(request, _("The reminder settings were saved."))
        return redirect("reminder_log", slug=organization.slug)
    return render(request, "reminders/defaults.html", {"organization": organization, "form": form})
