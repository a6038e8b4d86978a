"""Walking the clock day by day: the scheduler runs each morning, the mail task delivers
to the test's SMTP server, and every mail is kept with the day it arrived."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from suunta.reminders import services
from tests.mail.common import deliver_queued

HELSINKI_MORNING = dt.time(6, 0, tzinfo=dt.UTC)  # 8.00 in Helsinki


@dataclass
class Received:
    day: dt.date
    to: str
    kind: str
    subject: str
    text: str
    html: str
    headers: dict


def parts(message) -> tuple[str, str]:
    text = html = ""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        elif part.get_content_type() == "text/html":
            html = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return text, html


def run_day(traveller, smtp, day: dt.date, received: list) -> list:
    """The morning's run on `day` and its deliveries; the reminders it wrote."""
    traveller.move_to(dt.datetime.combine(day, HELSINKI_MORNING))
    written = services.run()
    before = len(smtp.messages)
    deliver_queued()
    for message in smtp.messages[before:]:
        text, html = parts(message)
        received.append(
            Received(
                day,
                message["X-Envelope-To"],
                message["X-Suunta-Reminder"],
                message["Subject"],
                text,
                html,
                dict(message.items()),
            )
        )
    return written


def username(address: str) -> str:
    return get_user_model().objects.get(email=address).username
