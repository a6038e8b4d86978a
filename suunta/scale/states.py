"""What the generator remembers of an organization while it makes it: people and their
roles, agreements, plans and their versions' content. Rows themselves are dicts kept by
the writer (writer.py) until written; these hold them with what is needed to go on."""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from . import texts

D = dt.date
DAY = dt.timedelta(days=1)

DRAFT, PREPARATORY, PROPOSED = "draft", "preparatory", "proposed"
APPROVED, CLOSED, SUPERSEDED = "approved", "closed", "superseded"


def monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def month_end(year: int, month: int) -> dt.date:
    return D(year + month // 12, month % 12 + 1, 1) - DAY


def decimal_of(value: float, decimals: int) -> Decimal:
    """Rounded to `decimals` places; never a negative zero (the database gives back 0,
    and a snapshot made of -0 would not match the rows)."""
    number = Decimal(str(round(value, decimals))) if decimals else Decimal(round(value))
    return abs(number) if number == 0 else number


def four_places(value: Decimal | None) -> str | None:
    """A decimal as the database gives it back (a DecimalField with four places)."""
    return None if value is None else f"{value:.4f}"


def plain(value: Decimal) -> str:
    """As agreements.snapshot writes a measure's number."""
    return format(value.normalize(), "f")


@dataclass(eq=False)
class Person:
    row: dict
    ip: str

    @property
    def id(self) -> int:
        return self.row["id"]

    @property
    def actor(self) -> tuple[int, str]:
        return (self.row["id"], self.row["username"])

    @property
    def name(self) -> str:
        return f"{self.row['first_name']} {self.row['last_name']}"


@dataclass(eq=False)
class Holding:
    """A role held (a membership), from and to a day."""

    person: Person | None
    role: str
    title: str
    agreement: dict | None
    valid_from: dt.date
    valid_to: dt.date | None = None
    row: dict | None = None
    seat: int | None = None  # a board member's seat (for choosing successors)

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(eq=False)
class MetricState:
    lineage: uuid.UUID
    template: texts.MetricText
    text: str
    text_sv: str
    baseline: Decimal | None = None
    target: Decimal | None = None
    direction: str = ""
    unit: str = ""

    @property
    def measure(self) -> texts.Measure | None:
        return self.template.measure


@dataclass(eq=False)
class GoalState:
    """A goal's content; a next-year plan or an amendment copies it with its lineage."""

    lineage: uuid.UUID
    template: texts.GoalText
    title: str
    title_sv: str
    metrics: list[MetricState]
    weight: int | None = None
    serves: uuid.UUID | None = None
    description: str = ""


@dataclass(eq=False)
class CheckpointState:
    label: str
    label_sv: str
    start: dt.date
    end: dt.date


@dataclass(eq=False)
class VersionState:
    row: dict
    goals: list = field(default_factory=list)  # (GoalState, goal row, [(MetricState, metric row)])
    checkpoints: list = field(default_factory=list)  # (CheckpointState, checkpoint row)

    def ordered_goals(self) -> list:
        return sorted(self.goals, key=lambda g: (g[1]["order"], g[1]["id"]))


@dataclass(eq=False)
class AgreementState:
    row: dict
    executive: Person
    holding: Holding  # the executive's role
    sector: str | None  # None: the chief executive's agreement
    first_year: int
    last_year: int  # the last year of plans (the generator's last: still in force)
    genitive_sv: str
    plans: dict = field(default_factory=dict)  # year → PlanState
    items: list = field(default_factory=list)  # development item rows, in order

    @property
    def is_chief(self) -> bool:
        return self.sector is None


@dataclass(eq=False)
class PlanState:
    row: dict
    agreement: AgreementState
    year: int
    versions: list[VersionState] = field(default_factory=list)
    approved_at: dt.datetime | None = None
    approval_day: dt.date | None = None
    last_values: dict = field(default_factory=dict)  # metric lineage → the year's last value

    @property
    def in_force(self) -> VersionState | None:
        frozen = [v for v in self.versions if v.row["status"] in (APPROVED, CLOSED)]
        return frozen[-1] if frozen else None
