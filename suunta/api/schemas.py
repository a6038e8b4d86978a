"""What the API answers and takes (OpenAPI 3.1 is generated from these)."""

import datetime
from decimal import Decimal

from ninja import Field, Schema


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    errors: list[dict] | None = None


class OrganizationOut(Schema):
    slug: str
    name: str
    business_id: str
    kind: str


class AgreementOut(Schema):
    id: int
    organization: str  # the organization's slug
    position_title: str
    executive: str
    starts_on: datetime.date
    signed_on: datetime.date | None
    decision: str


class HandlingOut(Schema):
    id: int
    version: int
    body: str
    reference: str
    outcome: str
    meeting_date: datetime.date
    section: str
    case_number: str
    decision_text: str
    checkpoint_id: int | None


class VersionSummary(Schema):
    number: int
    status: str
    handlings: list[HandlingOut]


class PlanOut(Schema):
    id: int
    organization: str
    agreement_id: int
    title: str
    period_start: datetime.date
    period_end: datetime.date
    versions: list[VersionSummary]


class MetricOut(Schema):
    id: int
    lineage: str
    text: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    direction: str
    budget_indicator_id: int | None


class StrategyLink(Schema):
    id: int
    number: str
    title: str


class BudgetLink(Schema):
    id: int
    year: int
    title: str


class GoalOut(Schema):
    id: int
    lineage: str
    title: str
    description: str
    weight: int | None
    metrics: list[MetricOut]
    objectives: list[StrategyLink]
    budget_targets: list[BudgetLink]


class CheckpointOut(Schema):
    id: int
    kind: str
    label: str
    window_start: datetime.date
    window_end: datetime.date
    followup_status: str


class VersionOut(Schema):
    plan_id: int
    number: int
    status: str
    goals: list[GoalOut]
    checkpoints: list[CheckpointOut]
    handlings: list[HandlingOut]


class AssessmentOut(Schema):
    goal_id: int
    kind: str
    author: str
    rating: str | None
    text: str
    submitted: bool


class FollowUpOut(Schema):
    checkpoint_id: int
    status: str
    assessments: list[AssessmentOut]


class MetricValueOut(Schema):
    id: int
    plan_id: int
    metric_lineage: str
    measured_on: datetime.date
    value: Decimal
    comment: str
    source: str


class MetricValueIn(Schema):
    measured_on: datetime.date
    value: Decimal = Field(max_digits=16, decimal_places=4)
    comment: str = Field("", max_length=500)
    source: str = Field("", max_length=200)
    client_key: str | None = Field(None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:\-]+$")


class BatchItemIn(MetricValueIn):
    plan_id: int
    metric_id: int


class BatchIn(Schema):
    items: list[BatchItemIn] = Field(min_length=1, max_length=500)


class BatchItemOut(Schema):
    created: bool
    value: MetricValueOut


class BatchOut(Schema):
    created: int
    unchanged: int
    items: list[BatchItemOut]


class BudgetIndicatorOut(Schema):
    id: int
    year: int
    target: str
    text: str
    unit: str
    target_value: Decimal | None


class RealisationIn(Schema):
    measured_on: datetime.date
    value: Decimal = Field(max_digits=16, decimal_places=4)


class RealisationOut(Schema):
    indicator_id: int
    measured_on: datetime.date
    value: Decimal
