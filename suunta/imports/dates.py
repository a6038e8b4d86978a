"""When a follow-up named in a document takes place: its window from its label.

"elokuu 2025" is August 2025 (1.8.–31.8.2025); "tammikuu/helmikuu 2026" and
"tammi–helmikuu 2026" run from the first month's first day to the last month's last;
"8/2025" is a month too; "31.8.2025" is a day, and "1.8.–31.8.2025" a range. A label
with no date in it has no window: the preview asks for one.
"""

import calendar
import datetime
import re

from .words import MONTH_STEMS

_STEMS = sorted(
    ((stem, month) for month, stems in MONTH_STEMS.items() for stem in stems),
    key=lambda pair: len(pair[0]),
    reverse=True,
)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_DAY = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})?")
_MONTH_NUMBER = re.compile(r"\b(\d{1,2})\s*/\s*(\d{4})\b")
_WORD = re.compile(r"[^\W\d_]+")


def _month_of(word: str) -> int | None:
    lowered = word.lower()
    for stem, month in _STEMS:
        if lowered.startswith(stem):
            return month
    return None


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _days(text: str, year: int) -> tuple[datetime.date, datetime.date] | None:
    found = []
    for day, month, day_year in _DAY.findall(text):
        try:
            found.append(datetime.date(int(day_year or year), int(month), int(day)))
        except ValueError:
            return None
    if not found:
        return None
    if len(found) == 1:
        return found[0].replace(day=1), found[0]
    return found[0], found[-1]


def window(label: str) -> tuple[datetime.date | None, datetime.date | None]:
    """(start, end) of the follow-up the label names, or (None, None)."""
    years = _YEAR.findall(label)
    numeric = _MONTH_NUMBER.search(label)
    if numeric and 1 <= int(numeric.group(1)) <= 12:
        year, month = int(numeric.group(2)), int(numeric.group(1))
        return datetime.date(year, month, 1), _last_day(year, month)
    if not years:
        return None, None
    year = int(years[-1])
    days = _days(label, year)
    if days:
        return days
    months = [m for m in (_month_of(word) for word in _WORD.findall(label)) if m]
    if not months:
        return None, None
    first_year = int(years[0]) if len(years) > 1 else year
    start = datetime.date(first_year, months[0], 1)
    end = _last_day(year, months[-1])
    if end < start:  # "joulukuu/tammikuu 2026": December of the year before
        start = start.replace(year=start.year - 1)
    return start, end
