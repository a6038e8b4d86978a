"""A plan's follow-ups as followup.services leaves them: at each checkpoint the
executive's self-assessment of every goal (a draft first, sometimes; now and then never
written and the step closed by the preparer), each evaluator's views, the agreed
follow-up marked agreed (by the preparer; a director's by the chief) and the board's
noting of it. After the last report the plan is closed, more often than not."""

import datetime as dt

from suunta.audit.chain import format_datetime
from suunta.followup.models import Assessment, FollowUp, MetricNote, SkippedStep

from . import texts
from .states import D, monday_on_or_after

RATING_WEIGHTS = (
    ("achieved", 25),
    ("progressed", 40),
    ("partly", 22),
    ("not_progressed", 8),
    ("not_assessable", 5),
)


class FollowUpMixin:
    def rating(self, near: str | None = None) -> str:
        """A rating: mostly the one given (the executive's own), else by how common it is."""
        if near is not None and self.rng.random() < 0.7:
            return near
        codes, weights = zip(*RATING_WEIGHTS, strict=True)
        return self.rng.choices(codes, weights)[0]

    def followups(self, plan) -> None:
        """Each checkpoint in turn, as far as each has got; an executive who has left
        writes no more follow-ups."""
        last_report = None
        ends = D(plan.agreement.last_year, 12, 31)
        for _checkpoint, row in plan.in_force.checkpoints:
            if row["window_start"] > ends:
                return
            last_report = self.followup(plan, row)
            if last_report is None:
                return
        moment = self.later(last_report, 60 * 24 * 5, 60 * 24 * 40)
        if self.rng.random() < 0.6 and moment < self.now:
            self.close_plan(plan, moment)

    def followup(self, plan, checkpoint: dict) -> dt.datetime | None:
        """One checkpoint's follow-up: the FollowUp row at the first write, then each
        step in turn. Returns when it was reported to the board, None if not (yet)."""
        r = self.rng
        submit = max(
            self.at(checkpoint["window_start"] + dt.timedelta(days=r.randint(2, 12))),
            self.later(plan.approved_at, 60, 600),
        )
        skip_self = r.random() < 0.04
        drafted = None
        if skip_self:
            first = max(
                self.at(checkpoint["window_start"] + dt.timedelta(days=r.randint(14, 25))), self.later(submit)
            )
        else:
            if r.random() < 0.3:
                drafted = max(submit - dt.timedelta(hours=r.randint(2, 72)), self.later(plan.approved_at))
            first = drafted or submit
        if first >= self.now:
            return None
        self.current = Current(
            self,
            plan,
            checkpoint,
            self.add(
                FollowUp,
                first,
                checkpoint_id=checkpoint["id"],
                status="open",
                agreed_on=None,
                agreed_body_id=None,
                report_id=None,
            ),
        )
        if skip_self:
            self.current.close_step("self_assessed", first)
            done, own = first, {}
        else:
            done, own = self.self_assessment(submit, drafted)
            if done is None:
                return None
        done = self.views(done, own)
        if done is None:
            return None
        recorded = self.agreed(done, own)
        if recorded is None:
            return None
        return self.report(recorded)

    def self_assessment(self, submit, drafted) -> tuple:
        """The executive's own of every goal at once (save_assessments), sometimes saved
        as a draft first; returns (when submitted or None, the ratings by goal)."""
        r, current = self.rng, self.current
        executive = current.plan.agreement.executive
        submitted = submit < self.now
        draft_request = self.request(executive, drafted) if drafted else None
        request = self.request(executive, submit) if submitted else None
        own = {}
        for _goal, goal_row, metrics in current.goals:
            code = self.rating()
            own[goal_row["id"]] = code
            text = r.choice(texts.SELF_TEXTS[code])
            if drafted:
                draft = text[: len(text) // 2] + "…"
                row, what = current.assessment(
                    "self", executive, goal_row, code, draft, drafted, submitted=False
                )
                changes = {"rating": [None, row["rating_id"]], "text": [None, draft]}
                self.note(drafted, "assessment.self.save", executive, what, changes, draft_request)
                if submitted:
                    row.update(text=text, submitted_at=submit, revision=2, updated_at=submit)
                    changes = {"submitted_at": [None, format_datetime(submit)], "text": [draft, text]}
                    self.note(submit, "assessment.self.submit", executive, what, changes, request)
            else:
                row, what = current.assessment("self", executive, goal_row, code, text, submit)
                self.note(submit, "assessment.self.submit", executive, what, current.submitted(row), request)
            for _metric, metric_row in metrics:
                if r.random() < 0.25:
                    self.add(
                        MetricNote,
                        drafted or submit,
                        assessment_id=row["id"],
                        metric_id=metric_row["id"],
                        text=r.choice(texts.METRIC_NOTES),
                    )
        if not submitted:
            return None, own
        current.move("self_assessed", submit, executive, request=request)
        return submit, own

    def views(self, done, own: dict) -> dt.datetime | None:
        """Each evaluator's views of every goal, in the order they came in; when one never
        comes, the preparer closes the step."""
        r, current = self.rng, self.current
        evaluators = self.evaluators_of(current.plan.agreement, done.date())
        missing = evaluators[-1] if len(evaluators) > 1 and r.random() < 0.1 else None
        seen = sorted(
            (self.later(done, 60, 60 * 24 * 9), number, person)
            for number, person in enumerate(evaluators)
            if person is not missing
        )
        for moment, _number, person in seen:
            if moment >= self.now:
                return None
            request = self.request(person, moment)
            for _goal, goal_row, _m in current.goals:
                code = self.rating(own.get(goal_row["id"]))
                row, what = current.assessment(
                    "view", person, goal_row, code, r.choice(texts.VIEW_TEXTS), moment
                )
                self.note(moment, "assessment.view.submit", person, what, current.submitted(row), request)
            done = moment
        if seen and missing is None:
            moment, _number, person = seen[-1]
            current.move("views_in", moment, person)
            return done
        done = self.later(done, 60 * 24, 60 * 24 * 5)
        if done >= self.now:
            return None
        current.close_step("views_in", done)
        return done

    def agreed(self, done, own: dict) -> dt.datetime | None:
        """The agreed follow-up of every goal, written after the meeting and marked agreed."""
        r, current = self.rng, self.current
        agreement = current.plan.agreement
        agreed_on = max(done.date() + dt.timedelta(days=r.randint(3, 12)), current.checkpoint["window_start"])
        marker = (
            self.preparer if agreement.is_chief else (self.leader_of(agreement, agreed_on) or self.preparer)
        )
        recorded = max(self.at(agreed_on + dt.timedelta(days=r.randint(0, 2))), self.later(done))
        if recorded >= self.now:
            return None
        request = self.request(marker, recorded)
        for _goal, goal_row, _m in current.goals:
            code = self.rating(own.get(goal_row["id"]))
            text = r.choice(texts.AGREED_TEXTS[code])
            row, what = current.assessment("agreed", marker, goal_row, code, text, recorded)
            self.note(recorded, "assessment.agreed.save", marker, what, current.submitted(row), request)
        # The chief's follow-up is agreed in the preparatory body where there is one.
        body = self.preparatory if agreement.is_chief else None
        current.followup.update(agreed_on=agreed_on, agreed_body_id=body["id"] if body else None)
        extra = {"agreed_on": [None, str(agreed_on)], "agreed_body": [None, body["name"] if body else "None"]}
        current.move("agreed", recorded, marker, extra, request)
        return recorded

    def report(self, recorded) -> dt.datetime | None:
        """The board takes the follow-up for information (report_to_board)."""
        r, current = self.rng, self.current
        agreement = current.plan.agreement
        meeting = monday_on_or_after(current.followup["agreed_on"] + dt.timedelta(days=r.randint(5, 20)))
        reported = max(self.at(meeting + dt.timedelta(days=r.randint(1, 3))), self.later(recorded))
        if reported >= self.now:
            return None
        genitive = agreement.row["position_genitive"]
        handling = self.handling(
            current.plan.in_force,
            None,
            self.board,
            meeting,
            reported,
            outcome="noted",
            section=self.section(self.board, meeting),
            case_number=self.case_number(meeting.year),
            text=f"{self.board['name']} merkitsee {genitive} tavoitteiden seurannan tiedoksi.",
            disqualified=[agreement.executive],
            checkpoint=current.checkpoint,
        )
        current.followup["report_id"] = handling["id"]
        current.move("reported", reported, self.preparer)
        return reported


class Current:
    """The follow-up being written: its rows and the events of its steps."""

    def __init__(self, builder, plan, checkpoint: dict, followup: dict):
        self.b = builder
        self.plan = plan
        self.checkpoint = checkpoint
        self.followup = followup
        self.goals = plan.in_force.ordered_goals()

    def name(self) -> str:
        """str(FollowUp): `label (status)`."""
        return f"{self.checkpoint['label']} ({self.b.c.labels['followup'][self.followup['status']]})"

    def move(self, status, moment, person, extra=None, request=None) -> None:
        """followup.services._set_status."""
        before = self.followup["status"]
        self.followup.update(status=status, updated_at=moment)
        changes = {"status": [before, status]} | (extra or {})
        self.b.note(
            moment, f"followup.{status}", person, (FollowUp, self.followup, self.name()), changes, request
        )

    def close_step(self, to_status, moment) -> None:
        """followup.services.close_step by the preparer, with the reason."""
        reason = self.b.rng.choice(texts.STEP_CLOSE_REASONS)
        before = self.followup["status"]
        self.b.add(
            SkippedStep,
            moment,
            followup_id=self.followup["id"],
            from_status=before,
            to_status=to_status,
            reason=reason,
            closed_by_id=self.b.preparer.id,
        )
        self.followup.update(status=to_status, updated_at=moment)
        changes = {"status": [before, to_status], "reason": [None, reason]}
        self.b.note(
            moment, "followup.step_closed", self.b.preparer, (FollowUp, self.followup, self.name()), changes
        )

    def assessment(self, kind, person, goal_row, rating, text, moment, submitted=True) -> tuple[dict, tuple]:
        row = self.b.add(
            Assessment,
            moment,
            checkpoint_id=self.checkpoint["id"],
            goal_area_id=goal_row["id"],
            kind=kind,
            author_id=person.id,
            rating_id=self.b.ratings[rating]["id"],
            text=text,
            submitted_at=moment if submitted else None,
            revision=1,
            publicity="public",
        )
        label = self.b.c.labels["assessment"][kind]
        return row, (Assessment, row, f"{label}: {goal_row['title']} / {self.checkpoint['label']}")

    @staticmethod
    def submitted(row: dict) -> dict:
        """audit.diff({}, snapshot(["rating", "text", "submitted_at"])) of a new submitted one."""
        return {
            "rating": [None, row["rating_id"]],
            "submitted_at": [None, format_datetime(row["submitted_at"])],
            "text": [None, row["text"]],
        }
