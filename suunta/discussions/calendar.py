"""An .ics invitation (RFC 5545) for a discussion, in Europe/Helsinki time."""

import datetime
import zoneinfo

from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def invitation(discussion, url: str) -> bytes:
    start_time = discussion.starts_at or datetime.time(9, 0)
    start = datetime.datetime.combine(discussion.held_on, start_time, tzinfo=HELSINKI)
    cal = Calendar()
    cal.add("prodid", "-//Suunta//johtajasopimus//FI")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{discussion.uid}@suunta")
    event.add("dtstamp", discussion.updated_at)
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(minutes=discussion.duration_minutes))
    position = discussion.agreement.display_genitive
    event.add("summary", f"{discussion.get_kind_display()}: {position} {_('goals')}")
    if discussion.place:
        event.add("location", discussion.place)
    # Only the link: the memo may hold restricted text and calendars are widely shared.
    event.add("description", _("Agenda and memo in Suunta: %(url)s") % {"url": url})
    event.add("url", url)
    for participant in discussion.participants.all():
        user = participant.user
        if user.email:
            attendee = vCalAddress(f"mailto:{user.email}")
            attendee.params["cn"] = vText(user.get_full_name() or user.get_username())
            event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    # RFC 5545 3.2.19: each TZID used must be defined by a VTIMEZONE in the file.
    cal.add_missing_timezones()
    return cal.to_ical()
