"""A year's plan of an agreement: made (the first from scratch, later ones from last
year's with the goals' lineage kept, as agreements.services makes them), edited,
handled and approved by the freezing body with its snapshot (governance.services),
now and then returned, tabled or amended; its quantitative metrics measured month by
month, some week by week, a system-fed one day by day (imported as CSV each month).

The chief executive's plan is made in November for the next year (a new executive's in
January) and approved by the end of March; a sector director's after that, in April to
June, its goals each serving a goal of the chief's approved plan of the year."""

import datetime as dt
import hashlib
from decimal import Decimal

from django.utils.text import capfirst

from suunta.agreements.models import Checkpoint, GoalArea, GoalPlan, Metric, PlanVersion
from suunta.agreements.services import add_years, shift_year_numbers
from suunta.agreements.snapshot import canonical_text
from suunta.governance.models import Handling
from suunta.measures.models import MetricValue

from . import texts
from .events import create_changes
from .states import (
    APPROVED,
    CLOSED,
    DRAFT,
    PREPARATORY,
    PROPOSED,
    SUPERSEDED,
    CheckpointState,
    D,
    GoalState,
    MetricState,
    PlanState,
    VersionState,
    decimal_of,
    four_places,
    monday_on_or_after,
    month_end,
    plain,
)


class PlanMixin:
    def chief_plan(self, year: int) -> PlanState | None:
        for agreement in self.agreement_states:
            if agreement.is_chief and year in agreement.plans:
                return agreement.plans[year]
        return None

    def plan(self, agreement, year: int) -> None:
        r = self.rng
        previous = agreement.plans.get(year - 1)
        if agreement.is_chief:
            created = self.at(D(year - 1, 11, r.randint(1, 28)) if previous else D(year, 1, r.randint(5, 20)))
        else:
            chief = self.chief_plan(year)
            if chief is None or chief.approved_at is None:
                return
            created = max(self.at(D(year, 4, r.randint(2, 20))), self.later(chief.approved_at, 600, 3000))
        if created >= self.now or (previous is not None and previous.in_force is None):
            return
        row = self.add(
            GoalPlan,
            created,
            agreement_id=agreement.row["id"],
            title=f"{capfirst(agreement.row['position_genitive'])} tavoitteet {year}",
            title_sv=f"{capfirst(agreement.genitive_sv)} mål {year}" if self.bilingual else "",
            period_start=D(year, 1, 1),
            period_end=D(year, 12, 31),
            publicity="public",
        )
        plan = PlanState(row, agreement, year)
        agreement.plans[year] = plan
        version = self.new_version(plan, 1, created)
        preparer = self.preparer
        request = self.request(preparer, created)
        if previous is None:
            changes = create_changes(GoalPlan, row) | {"version": [None, 1]}
            self.note(created, "plan.create", preparer, (GoalPlan, row, row["title"]), changes, request)
            goals, checkpoints = self.fresh_goals(agreement, year), self.fresh_checkpoints(agreement, year)
            self.materialize(version, goals, checkpoints, created, (preparer, request))
        else:
            changes = {
                "from_plan": [previous.row["id"], row["id"]],
                "period_start": [previous.row["period_start"].isoformat(), row["period_start"].isoformat()],
            }
            self.note(created, "plan.create_next", preparer, (GoalPlan, row, row["title"]), changes, request)
            source = previous.in_force
            checkpoints = [
                CheckpointState(
                    shift_year_numbers(c.label, 1),
                    shift_year_numbers(c.label_sv, 1),
                    add_years(c.start, 1),
                    add_years(c.end, 1),
                )
                for c, _row in source.checkpoints
            ]
            self.materialize(version, [g for g, _r, _m in source.goals], checkpoints, created)
            self.edit_next(plan, version, previous, self.later(created, 60, 4000))
        self.handle_and_approve(plan, version)
        if plan.approved_at is None:
            return
        self.maybe_amend(plan)
        self.values(plan)
        self.followups(plan)

    def new_version(self, plan: PlanState, number: int, moment) -> VersionState:
        row = self.add(
            PlanVersion,
            moment,
            plan_id=plan.row["id"],
            number=number,
            status=DRAFT,
            created_by_id=self.preparer.id,
        )
        version = VersionState(row)
        plan.versions.append(version)
        return version

    def version_repr(self, plan: PlanState, version: VersionState) -> str:
        return f"{plan.row['title']} v{version.row['number']}"

    def set_status(self, version: VersionState, status: str, moment) -> str:
        version.row.update(status=status, updated_at=moment)
        return status

    # --- Content --------------------------------------------------------------------------

    def pool(self, agreement) -> tuple:
        return texts.GOALS["chief" if agreement.is_chief else agreement.sector]

    def new_goal(self, agreement, template: texts.GoalText, year: int) -> GoalState:
        metrics = [self.new_metric(m) for m in template.metrics]
        goal = GoalState(
            self.new_uuid(), template, template.fi, template.sv if self.bilingual else "", metrics
        )
        if not agreement.is_chief:
            goal.serves = self.served_lineage(year)
        return goal

    def new_metric(self, template: texts.MetricText) -> MetricState:
        metric = MetricState(self.new_uuid(), template, template.fi, template.sv if self.bilingual else "")
        measure = template.measure
        if measure is not None:
            scale = self.rng.uniform(0.7, 1.4) if measure.unit in ("€", "kpl", "hlö", "MWh") else 1.0
            metric.unit = measure.unit
            metric.baseline = decimal_of(measure.baseline * scale, measure.decimals)
            metric.target = decimal_of(measure.target * scale, measure.decimals)
            if metric.target == metric.baseline:
                metric.target += 1
            metric.direction = "increase" if metric.target > metric.baseline else "decrease"
        return metric

    def served_lineage(self, year: int):
        """A goal of the chief's plan of the year in force, for a director's goal to serve."""
        chief = self.chief_plan(year)
        version = chief.in_force if chief else None
        return self.rng.choice(version.goals)[0].lineage if version else None

    def fresh_goals(self, agreement, year: int) -> list[GoalState]:
        pool = self.pool(agreement)
        low, high = (4, 7) if agreement.is_chief else (2, 4)
        goals = [
            self.new_goal(agreement, t, year)
            for t in self.rng.sample(pool, self.rng.randint(low, min(high, len(pool))))
        ]
        self.weigh(goals)
        return goals

    def weigh(self, goals: list[GoalState]) -> None:
        """Weights in fives summing to 100, where the organization weighs its goals."""
        if not self.org["use_weights"]:
            return
        parts = [self.rng.randint(2, 6) for _ in goals]
        weights = [5 * (20 * p // sum(parts)) for p in parts]
        weights[0] += 100 - sum(weights)
        for goal, weight in zip(goals, weights, strict=True):
            goal.weight = weight

    def fresh_checkpoints(self, agreement, year: int) -> list[CheckpointState]:
        """The organization's follow-up months: as the seed (August and January/February),
        June and December, or September and January (the directors')."""
        pattern = self.index % 3 if agreement.is_chief else 2
        return {
            0: [
                CheckpointState(f"elokuu {year}", f"augusti {year}", D(year, 8, 1), D(year, 8, 31)),
                CheckpointState(
                    f"tammikuu/helmikuu {year + 1}",
                    f"januari/februari {year + 1}",
                    D(year + 1, 1, 1),
                    month_end(year + 1, 2),
                ),
            ],
            1: [
                CheckpointState(f"kesäkuu {year}", f"juni {year}", D(year, 6, 1), D(year, 6, 30)),
                CheckpointState(f"joulukuu {year}", f"december {year}", D(year, 12, 1), D(year, 12, 31)),
            ],
            2: [
                CheckpointState(f"syyskuu {year}", f"september {year}", D(year, 9, 1), D(year, 9, 30)),
                CheckpointState(
                    f"tammikuu {year + 1}", f"januari {year + 1}", D(year + 1, 1, 1), D(year + 1, 1, 31)
                ),
            ],
        }[pattern]

    def materialize(self, version: VersionState, goals, checkpoints, moment, audited=None) -> None:
        """The version's rows from its content. `audited` = (person, request): each row's
        creation is an event, as the plan form's services write them (a copied plan's
        rows are not: its one event is plan.create_next or plan.amend)."""
        person, request = audited or (None, None)
        for order, goal in enumerate(goals, start=1):
            self.add_goal(version, goal, order, moment, person, request)
        for order, checkpoint in enumerate(checkpoints, start=1):
            row = self.add(
                Checkpoint,
                moment,
                version_id=version.row["id"],
                kind="followup",
                label=checkpoint.label,
                label_sv=checkpoint.label_sv if self.bilingual else "",
                window_start=checkpoint.start,
                window_end=checkpoint.end,
                order=order,
                publicity="public",
            )
            version.checkpoints.append((checkpoint, row))
            if person is not None:
                changes = create_changes(Checkpoint, row)
                self.note(
                    moment, "checkpoint.create", person, (Checkpoint, row, row["label"]), changes, request
                )

    def add_goal(self, version: VersionState, goal: GoalState, order: int, moment, person=None, request=None):
        row = self.add(
            GoalArea,
            moment,
            version_id=version.row["id"],
            lineage=goal.lineage,
            title=goal.title,
            title_sv=goal.title_sv,
            description=goal.description,
            description_sv="",
            order=order,
            weight=goal.weight,
            publicity="public",
            serves=goal.serves,
        )
        if person is not None:
            self.note(
                moment,
                "goal.create",
                person,
                (GoalArea, row, row["title"]),
                create_changes(GoalArea, row),
                request,
            )
        metrics = []
        for number, metric in enumerate(goal.metrics, start=1):
            metric_row = self.add(
                Metric,
                moment,
                goal_area_id=row["id"],
                lineage=metric.lineage,
                text=metric.text,
                text_sv=metric.text_sv,
                order=number,
                unit=metric.unit,
                baseline=metric.baseline,
                target=metric.target,
                direction=metric.direction,
                weight=None,
                scoring="rating",
                budget_indicator_id=None,
                publicity="public",
            )
            metrics.append((metric, metric_row))
            if person is not None:
                changes = create_changes(Metric, metric_row)
                self.note(
                    moment,
                    "metric.create",
                    person,
                    (Metric, metric_row, metric_row["text"]),
                    changes,
                    request,
                )
        version.goals.append((goal, row, metrics))

    def edit_next(self, plan: PlanState, version: VersionState, previous: PlanState, moment) -> None:
        """The preparer's edits of a plan made from last year's: each measure's baseline
        and target move on, a goal may go and another come, a director's goal is tied to
        a goal of the chief's plan of the year, the weights are set again."""
        r, preparer = self.rng, self.preparer
        if moment >= self.now:
            return
        request = self.request(preparer, moment)
        for _goal, _row, metrics in version.goals:
            for metric, row in metrics:
                if metric.measure is None:
                    continue
                before = {"baseline": row["baseline"], "target": row["target"], "direction": row["direction"]}
                self.move_target(metric, previous.last_values.get(metric.lineage))
                after = {"baseline": metric.baseline, "target": metric.target, "direction": metric.direction}
                row.update(after, updated_at=moment)
                # The stored decimals before (four places), as typed after.
                changes = {
                    name: [four_places(before[name]), str(after[name])]
                    if name != "direction"
                    else [before[name], after[name]]
                    for name in after
                    if before[name] != after[name]
                }
                if changes:
                    self.note(moment, "metric.update", preparer, (Metric, row, row["text"]), changes, request)
        if len(version.goals) > 2 and r.random() < 0.35:
            _goal, row, metrics = version.goals.pop(r.randrange(len(version.goals)))
            changes = {name: [pair[1], None] for name, pair in create_changes(GoalArea, row).items()}
            self.note(moment, "goal.delete", preparer, (GoalArea, row, row["title"]), changes, request)
            self.w.discard(row)
            for _metric, metric_row in metrics:
                self.w.discard(metric_row)
        taken = {g.template for g, _r, _m in version.goals}
        pool = [t for t in self.pool(plan.agreement) if t not in taken]
        if pool and (r.random() < 0.4 or len(version.goals) < 3):
            goal = self.new_goal(plan.agreement, r.choice(pool), plan.year)
            order = max((row["order"] for _g, row, _m in version.goals), default=0) + 1
            self.add_goal(version, goal, order, moment, preparer, request)
        if not plan.agreement.is_chief:
            served = {g.lineage for g, _r, _m in self.chief_plan(plan.year).in_force.goals}
            for goal, row, _metrics in version.goals:
                if goal.serves not in served:
                    before, goal.serves = goal.serves, self.served_lineage(plan.year)
                    row.update(serves=goal.serves, updated_at=moment)
                    changes = {"serves": [str(before) if before else None, str(goal.serves)]}
                    self.note(
                        moment, "goal.update", preparer, (GoalArea, row, row["title"]), changes, request
                    )
        if self.org["use_weights"]:  # measures.services.set_weights
            goals = [g for g, _r, _m in version.goals]
            before = [g.weight for g in goals]
            self.weigh(goals)
            for (goal, row, _m), old in zip(version.goals, before, strict=True):
                if goal.weight != old or row["weight"] != goal.weight:
                    row.update(weight=goal.weight, updated_at=moment)
                    changes = {"weight": [old, goal.weight]}
                    self.note(
                        moment, "goal.weight", preparer, (GoalArea, row, row["title"]), changes, request
                    )

    def move_target(self, metric: MetricState, last: Decimal | None) -> None:
        """Next year's baseline is this year's outcome; the target moves on from it. A
        yearly count starts from nothing again, its target a little changed."""
        measure = metric.measure
        if measure.baseline == 0:
            metric.target = decimal_of(
                float(metric.target) * self.rng.uniform(0.95, 1.15), measure.decimals
            ) or Decimal(1)
            return
        baseline = float(last) if last is not None else float(metric.target)
        step = (measure.target - measure.baseline) * self.rng.uniform(0.2, 0.6)
        metric.baseline = decimal_of(baseline, measure.decimals)
        metric.target = decimal_of(baseline + step, measure.decimals)
        if metric.target == metric.baseline:
            metric.target += 1 if step > 0 else -1
        metric.direction = "increase" if metric.target > metric.baseline else "decrease"

    # --- Handling and approval ------------------------------------------------------------

    def handling(
        self,
        version: VersionState,
        step_key,
        body,
        day,
        moment,
        *,
        outcome,
        section="",
        case_number="",
        text="",
        presenter=None,
        disqualified=(),
        checkpoint=None,
        snapshot=("", ""),
    ) -> dict:
        """governance.models.Handling, with those who left the room."""
        row = self.add(
            Handling,
            moment,
            version_id=version.row["id"],
            checkpoint_id=checkpoint["id"] if checkpoint else None,
            step_id=self.steps[step_key]["id"] if step_key else None,
            body_id=body["id"],
            outcome=outcome,
            meeting_date=day,
            section=section,
            case_number=case_number,
            presenter_id=presenter.id if presenter else None,
            text=text,
            meeting_changes="",
            snapshot=snapshot[0],
            snapshot_sha256=snapshot[1],
            recorded_by_id=self.preparer.id,
            publicity="public",
        )
        for person in disqualified:
            self.w.add(Handling.disqualified.through, {"handling_id": row["id"], "user_id": person.id})
        return row

    def step_event(self, moment, action, plan, version, changes, request=None) -> None:
        what = (PlanVersion, version.row, self.version_repr(plan, version))
        self.note(moment, action, self.preparer, what, changes, request)

    def handle_and_approve(self, plan: PlanState, version: VersionState) -> None:
        """governance.services.take_step along the organization's workflow: the
        preparatory body's handling (the chief's plan, where there is one), the
        proposal, and the freezing body's decision: approved, or first returned or
        tabled now and then."""
        r, agreement, year = self.rng, plan.agreement, plan.year
        created = version.row["created_at"]
        case_number = self.case_number(year)
        if agreement.is_chief:
            meeting = monday_on_or_after(D(year, 2, 20) + dt.timedelta(days=r.randint(0, 36)))
        else:
            earliest = max(D(year, 5, 4), created.date() + dt.timedelta(days=14))
            meeting = monday_on_or_after(earliest + dt.timedelta(days=r.randint(0, 30)))
        status = DRAFT
        if agreement.is_chief and self.preparatory is not None:
            day = meeting - dt.timedelta(days=r.randint(12, 30))
            moment = max(self.at(day + dt.timedelta(days=r.randint(0, 2))), self.later(created, 60, 600))
            if moment >= self.now:
                return
            self.handling(version, ("handle", DRAFT), self.preparatory, day, moment, outcome="handled")
            changes = {
                "status": [DRAFT, PREPARATORY],
                "handling": [None, self.reference(self.preparatory, day, "")],
            }
            self.step_event(moment, "plan.handle", plan, version, changes)
            status = self.set_status(version, PREPARATORY, moment)
        body, first_round = self.approver, True
        while True:
            moment = max(
                self.at(meeting - dt.timedelta(days=r.randint(7, 12))),
                self.later(version.row["updated_at"], 30, 300),
            )
            if moment >= self.now:
                return
            self.step_event(moment, "plan.propose", plan, version, {"status": [status, PROPOSED]})
            status = self.set_status(version, PROPOSED, moment)
            recorded = max(self.at(meeting + dt.timedelta(days=r.randint(1, 3))), self.later(moment))
            if recorded >= self.now:
                return
            roll = r.random() if first_round else 1.0
            first_round = False
            if roll < 0.07:  # returned for re-preparation, or tabled
                action, outcome = ("return", "returned") if roll < 0.04 else ("table", "tabled")
                section = self.section(body, meeting)
                self.handling(
                    version,
                    (action, PROPOSED),
                    body,
                    meeting,
                    recorded,
                    outcome=outcome,
                    section=section,
                    case_number=case_number,
                    disqualified=[agreement.executive],
                )
                after = DRAFT if action == "return" else PROPOSED
                changes = {
                    "status": [PROPOSED, after],
                    "handling": [None, self.reference(body, meeting, section)],
                }
                self.step_event(recorded, f"plan.{action}", plan, version, changes)
                status = self.set_status(version, after, recorded)
                meeting = monday_on_or_after(meeting + dt.timedelta(days=r.randint(14, 28)))
                if action == "return":
                    edited = self.later(recorded, 600, 9000)
                    goal, row, _m = version.goals[0]
                    before, goal.description = row["description"], "Tarkennettu palautuksen jälkeen."
                    row.update(description=goal.description, updated_at=edited)
                    changes = {"description": [before, goal.description]}
                    self.note(edited, "goal.update", self.preparer, (GoalArea, row, row["title"]), changes)
                    version.row["updated_at"] = edited
                    continue
                recorded = max(self.at(meeting + dt.timedelta(days=r.randint(1, 3))), self.later(recorded))
                if recorded >= self.now:
                    return
            self.approve(plan, version, meeting, recorded, case_number)
            return

    def approve(
        self, plan: PlanState, version: VersionState, meeting, recorded, case_number, superseded=None
    ) -> None:
        """The freezing body's approval: the handling with the snapshot, the texts pinned,
        the version approved (the one it replaces superseded)."""
        agreement, body = plan.agreement, self.approver
        section = self.section(body, meeting)
        genitive = agreement.row["position_genitive"]
        snapshot = self.snapshot(plan, version)
        row = self.handling(
            version,
            ("approve", PROPOSED),
            body,
            meeting,
            recorded,
            outcome="approved",
            section=section,
            case_number=case_number,
            text=f"{body['name']} hyväksyy {genitive} vuositavoitteet {plan.year} liitteen mukaisesti.",
            presenter=self.leader_of(agreement, meeting),
            disqualified=[agreement.executive],
            snapshot=snapshot,
        )
        if self.rng.random() < 0.05:
            row["meeting_changes"] = "Mittarin sanamuotoa täsmennettiin kokouksessa (tekninen muutos)."
        request = self.request(self.preparer, recorded)
        if superseded is not None:
            self.set_status(superseded, SUPERSEDED, recorded)
            self.step_event(
                recorded, "plan.supersede", plan, superseded, {"status": [APPROVED, SUPERSEDED]}, request
            )
        self.set_status(version, APPROVED, recorded)
        self.pin_texts(version.row, recorded)
        changes = {
            "status": [PROPOSED, APPROVED],
            "handling": [None, self.reference(body, meeting, section)],
            "snapshot_sha256": [None, snapshot[1]],
        }
        self.step_event(recorded, "plan.approve", plan, version, changes, request)
        plan.approved_at, plan.approval_day = recorded, meeting

    def snapshot(self, plan: PlanState, version: VersionState) -> tuple[str, str]:
        """agreements.snapshot.snapshot() of the version, from its rows."""
        goals = []
        for _goal, row, metrics in version.ordered_goals():
            content = {
                "lineage": str(row["lineage"]),
                "title": row["title"],
                "title_sv": row["title_sv"],
                "description": row["description"],
                "description_sv": row["description_sv"],
                "metrics": [
                    self.metric_content(m)
                    for _s, m in sorted(metrics, key=lambda m: (m[1]["order"], m[1]["id"]))
                ],
            }
            if row["weight"] is not None:
                content["weight"] = row["weight"]
            if row["serves"]:
                content["serves"] = str(row["serves"])
            goals.append(content)
        checkpoints = sorted(
            version.checkpoints, key=lambda c: (c[1]["order"], c[1]["window_start"], c[1]["id"])
        )
        content = {
            "plan": {
                "id": plan.row["id"],
                "title": plan.row["title"],
                "title_sv": plan.row["title_sv"],
                "period": [plan.row["period_start"].isoformat(), plan.row["period_end"].isoformat()],
            },
            "version": version.row["number"],
            "goals": goals,
            "checkpoints": [
                {
                    "label": row["label"],
                    "label_sv": row["label_sv"],
                    "window": [row["window_start"].isoformat(), row["window_end"].isoformat()],
                }
                for _c, row in checkpoints
            ],
        }
        text = canonical_text(content)
        return text, hashlib.sha256(text.encode("utf-8")).hexdigest()

    @staticmethod
    def metric_content(row: dict) -> dict:
        content = {"lineage": str(row["lineage"]), "text": row["text"], "text_sv": row["text_sv"]}
        if row["target"] is not None:
            content["measure"] = {
                "unit": row["unit"],
                "baseline": None if row["baseline"] is None else plain(row["baseline"]),
                "target": plain(row["target"]),
                "direction": row["direction"],
            }
        return content

    def maybe_amend(self, plan: PlanState) -> None:
        """Now and then the goals are amended before the summer: version 2, a metric
        reworded, approved in June, replaces version 1."""
        r = self.rng
        if r.random() >= 0.08 or plan.approval_day >= D(plan.year, 5, 1):
            return
        source = plan.versions[-1]
        moment = self.at(D(plan.year, 5, r.randint(2, 20)))
        if moment >= self.now:
            return
        version = self.new_version(plan, source.row["number"] + 1, moment)
        request = self.request(self.preparer, moment)
        self.materialize(
            version, [g for g, _r, _m in source.goals], [c for c, _r in source.checkpoints], moment
        )
        changes = {"version": [source.row["number"], version.row["number"]]}
        self.step_event(moment, "plan.amend", plan, version, changes, request)
        goal, _row, metrics = version.goals[-1]
        metric, metric_row = metrics[0]
        edited = self.later(moment, 5, 120)
        before = metric_row["text"]
        reworded = MetricState(
            metric.lineage,
            metric.template,
            before + " (tarkennettu)",
            metric.text_sv,
            metric.baseline,
            metric.target,
            metric.direction,
            metric.unit,
        )
        metrics[0] = (reworded, metric_row)
        goal.metrics = [m for m, _row in metrics]
        metric_row.update(text=reworded.text, updated_at=edited)
        changes = {"text": [before, reworded.text]}
        self.note(
            edited, "metric.update", self.preparer, (Metric, metric_row, metric_row["text"]), changes, request
        )
        meeting = monday_on_or_after(D(plan.year, 6, r.randint(1, 14)))
        proposed = max(self.at(meeting - dt.timedelta(days=r.randint(5, 10))), self.later(edited))
        recorded = max(self.at(meeting + dt.timedelta(days=r.randint(1, 3))), self.later(proposed))
        if recorded >= self.now:
            return  # still a draft: version 1 stays in force
        self.step_event(proposed, "plan.propose", plan, version, {"status": [DRAFT, PROPOSED]})
        self.set_status(version, PROPOSED, proposed)
        self.approve(plan, version, meeting, recorded, self.case_number(plan.year), superseded=source)

    def close_plan(self, plan: PlanState, moment) -> None:
        version = plan.in_force
        self.step_event(moment, "plan.close", plan, version, {"status": [APPROVED, CLOSED]})
        self.set_status(version, CLOSED, moment)

    # --- Values ---------------------------------------------------------------------------

    def values(self, plan: PlanState) -> None:
        """The quantitative metrics' values (measures.services)."""
        year = plan.year
        for _goal, _row, metrics in plan.in_force.goals:
            for metric, row in metrics:
                measure = metric.measure
                if measure is None:
                    continue
                if measure.every == "day":
                    days = [
                        D(year, 1, 1) + dt.timedelta(days=n)
                        for n in range((D(year + 1, 1, 1) - D(year, 1, 1)).days)
                    ]
                elif measure.every == "week":
                    sunday = D(year, 1, 1) + dt.timedelta(days=(6 - D(year, 1, 1).weekday()) % 7)
                    days = [d for d in (sunday + dt.timedelta(weeks=n) for n in range(53)) if d.year == year]
                else:
                    days = [month_end(year, month) for month in range(1, 13)]
                series = self.series(row, measure, days)
                if measure.every == "day":
                    last = self.imported(plan, metric, row, measure, days, series)
                else:
                    last = self.recorded(plan, metric, measure, days, series)
                if last is not None:
                    plan.last_values[metric.lineage] = last

    def series(self, row: dict, measure: texts.Measure, days: list) -> list[Decimal]:
        """From the baseline toward the target (reached, or not quite), with noise."""
        r = self.rng
        baseline, target = float(row["baseline"] or 0), float(row["target"])
        reach = r.uniform(0.55, 1.15)
        spread = abs(target - baseline) * 0.06 + (0.5 if measure.decimals == 0 else 0.05)
        values = []
        for number in range(1, len(days) + 1):
            value = baseline + (target - baseline) * number / len(days) * reach + r.gauss(0, spread)
            values.append(decimal_of(max(value, 0) if measure.baseline >= 0 else value, measure.decimals))
        return values

    def value_row(self, plan, metric, day, value, moment, comment, source) -> dict:
        return self.add(
            MetricValue,
            moment,
            plan_id=plan.row["id"],
            metric_lineage=metric.lineage,
            measured_on=day,
            value=value,
            comment=comment,
            source=source,
            recorded_by_id=self.preparer.id,
            publicity="public",
        )

    def recorded(self, plan, metric, measure, days, series) -> Decimal | None:
        """Each value typed in by the preparer after its month or week (record_value);
        the first months' after the approval."""
        r, last = self.rng, None
        for day, value in zip(days, series, strict=True):
            moment = max(
                self.at(day + dt.timedelta(days=r.randint(2, 10))), self.later(plan.approved_at, 30, 3000)
            )
            if moment >= self.now:
                break
            comment = r.choice(texts.VALUE_COMMENTS)
            entry = self.value_row(plan, metric, day, value, moment, comment, measure.source)
            changes = {
                "comment": [None, comment],
                "measured_on": [None, day.isoformat()],
                "source": [None, measure.source],
                "value": [None, str(value)],
            }
            self.note(
                moment, "metric_value.create", self.preparer, (MetricValue, entry, f"{day}: {value}"), changes
            )
            last = value
        return last

    def imported(self, plan, metric, row, measure, days, series) -> Decimal | None:
        """A month's daily values at a time from the system's CSV export (import_values)."""
        r, last, source = self.rng, None, self.c.labels["csv"]
        for month in range(1, 13):
            chunk = [(d, v) for d, v in zip(days, series, strict=True) if d.month == month]
            moment = max(
                self.at(chunk[-1][0] + dt.timedelta(days=r.randint(3, 8))),
                self.later(plan.approved_at, 30, 3000),
            )
            if moment >= self.now:
                break
            for day, value in chunk:
                self.value_row(plan, metric, day, value, moment, "", source)
            changes = {
                "created": [None, len(chunk)],
                "replaced": [None, 0],
                "dates": [None, f"{chunk[0][0].isoformat()}–{chunk[-1][0].isoformat()}"],
            }
            self.note(moment, "metric_value.import", self.preparer, (Metric, row, row["text"]), changes)
            last = chunk[-1][1]
        return last
