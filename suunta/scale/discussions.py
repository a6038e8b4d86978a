"""The yearly goal and development discussion of an agreement, as discussions.services
leaves it: made by the leading evaluator with the participants and the agenda's
sections (three restricted, with their secrecy basis), sometimes a survey of the board
members before it; after it the memo written (restricted texts enter the audit log only
as hashes), development items raised and last year's closed, every participant's
confirmation and the frozen memo (or closed without one confirmation, with a reason),
and later the participants' reads of the restricted notes (the use log)."""

import datetime as dt
import hashlib
import json

from suunta.discussions.models import (
    DevelopmentItem,
    Discussion,
    Participant,
    Section,
    Survey,
    SurveyAnswer,
)

from . import texts
from .events import create_changes
from .states import D

ITEM_FIELDS = ("need", "action", "responsible", "due_on", "status")
RESTRICTED_ITEM_FIELDS = ("need", "action", "responsible")
CARRIED = ("open", "in_progress")


class DiscussionMixin:
    def discussion(self, agreement, year: int) -> None:
        r = self.rng
        start = D(year, 1, 15) if agreement.is_chief else D(year, 2, 10)
        held_on = start + dt.timedelta(days=r.randint(0, 44 if agreement.is_chief else 40))
        if held_on < agreement.row["starts_on"] or held_on < self.founded + dt.timedelta(days=60):
            return
        creator = self.leader_of(agreement, held_on)
        created = self.at(held_on - dt.timedelta(days=r.randint(14, 30)))
        if creator is None or created >= self.now:
            return
        evaluators = self.evaluators_of(agreement, held_on)
        participants = [agreement.executive, *evaluators] + ([self.preparer] if r.random() < 0.5 else [])
        plans = [
            agreement.plans[y]
            for y in (year - 1, year)
            if y in agreement.plans and agreement.plans[y].row["created_at"] < created
        ]
        discussion = self.add(
            Discussion,
            created,
            agreement_id=agreement.row["id"],
            kind="annual",
            held_on=held_on,
            starts_at=dt.time(r.choice((9, 10, 13, 14)), r.choice((0, 30))),
            duration_minutes=r.choice((60, 90, 120)),
            place=r.choice(("Kunnantalo, kokoushuone 2", "Hallituksen kokoushuone", "Teams", "Virastotalo")),
            status="open",
            closed_reason="",
            frozen_at=None,
            memo_sha256="",
            memo_json="",
            created_by_id=creator.id,
            uid=self.new_uuid(),
        )
        self.raised_on[discussion["id"]] = held_on
        for plan in plans:
            self.w.add(
                Discussion.plans.through, {"discussion_id": discussion["id"], "goalplan_id": plan.row["id"]}
            )
        members = [
            self.add(Participant, created, discussion_id=discussion["id"], user_id=p.id, confirmed_at=None)
            for p in participants
        ]
        sections = [
            self.add(
                Section,
                created,
                discussion_id=discussion["id"],
                kind=agenda["kind"],
                title=agenda["title"],
                title_sv=agenda["title_sv"],
                secrecy_basis_id=agenda["secrecy_basis_id"],
                text="",
                order=agenda["order"],
                revision=1,
                publicity=agenda["publicity"],
            )
            for agenda in self.agenda
        ]
        what = (Discussion, discussion, f"{self.c.labels['discussion']} {held_on:%d.%m.%Y}")
        changes = {
            "held_on": [None, held_on.isoformat()],
            "participants": [None, sorted(p.row["username"] for p in participants)],
        }
        self.note(created, "discussion.create", creator, what, changes)
        if agreement.is_chief and r.random() < 0.2:
            self.survey(discussion, plans, creator, created, what)
        writer = r.choice(evaluators) if evaluators else creator
        moment = self.memo_texts(sections, writer, self.at(held_on + dt.timedelta(days=r.randint(0, 3))))
        if moment is None:
            return
        items = self.development_items(agreement, discussion, writer, moment)
        if items is None:
            return
        frozen = self.confirmations(members, participants, creator, moment, what)
        if frozen is None:
            return
        last, by, reason = frozen
        memo = self.memo(discussion, sections, items)
        digest = hashlib.sha256(memo.encode()).hexdigest()
        discussion.update(
            status="frozen",
            frozen_at=last,
            closed_reason=reason,
            memo_json=memo,
            memo_sha256=digest,
            updated_at=last,
        )
        self.note(
            last, "discussion.freeze", by, what, {"status": ["open", "frozen"], "memo_sha256": [None, digest]}
        )
        self.restricted_reads(participants, sections, items, last, what)

    def memo_texts(self, sections, writer, moment) -> dt.datetime | None:
        """Every section's text (save_section): restricted or not, the log keeps a hash."""
        for section in sections:
            moment = self.later(moment, 2, 20)
            if moment >= self.now:
                return None
            text = self.rng.choice(texts.SECTION_TEXTS[section["kind"]])
            section.update(text=text, revision=2, updated_at=moment)
            # A restricted section's name in the log is neutral (audit.services._object_repr).
            name = (
                section["title"]
                if section["publicity"] == "public"
                else f"{self.c.labels['section']} {section['id']}"
            )
            changes = {"text": {"changed": True, "sha256": hashlib.sha256(text.encode()).hexdigest()}}
            self.note(moment, "discussion.section.update", writer, (Section, section, name), changes)
        return moment

    def development_items(self, agreement, discussion, writer, moment) -> list | None:
        """Items raised in the discussion and the earlier open ones (most of them closed
        in it): the memo's development plan (services.development_items) as it stands at
        the freeze, as copies. None when it was cut short by now."""
        r = self.rng
        shown = []
        for item in agreement.items:
            if item["status"] not in CARRIED:
                continue
            moment = self.later(moment, 2, 10)
            if moment >= self.now:
                return None
            if r.random() < 0.8:
                status = r.choice(("done", "done", "dropped"))
                changes = {"status": [item["status"], status]}
                self.note(
                    moment,
                    "development_item.update",
                    writer,
                    (DevelopmentItem, item, self.c.labels["item"]),
                    changes,
                )
                item.update(status=status, closed_in_id=discussion["id"], updated_at=moment)
            shown.append(item)
        for need, action, responsible in r.sample(texts.DEVELOPMENT_NEEDS, r.randint(1, 2)):
            moment = self.later(moment, 2, 10)
            if moment >= self.now:
                return None
            item = self.add(
                DevelopmentItem,
                moment,
                agreement_id=agreement.row["id"],
                raised_in_id=discussion["id"],
                need=need,
                action=action,
                responsible=responsible,
                due_on=D(discussion["held_on"].year, 12, 31),
                status=r.choice(CARRIED),
                closed_in_id=None,
            )
            changes = create_changes(DevelopmentItem, item, ITEM_FIELDS, restricted=RESTRICTED_ITEM_FIELDS)
            self.note(
                moment,
                "development_item.create",
                writer,
                (DevelopmentItem, item, self.c.labels["item"]),
                changes,
            )
            agreement.items.append(item)
            shown.append(item)
        shown.sort(key=lambda i: (i["due_on"] is None, i["due_on"], i["id"]))
        return [dict(i, raised_on=self.raised_on[i["raised_in_id"]]) for i in shown] if shown else []

    def confirmations(self, members, participants, creator, moment, what) -> tuple | None:
        """Each participant's "read and approved" (confirm_memo); one now and then never
        confirms and the leading evaluator closes the memo with a reason (close_memo).
        Returns (when frozen, by whom, the reason), None if not frozen by now."""
        r = self.rng
        unconfirmed = r.choice(members[1:]) if len(members) > 1 and r.random() < 0.08 else None
        last, by = moment, None
        for member, person in zip(members, participants, strict=True):
            if member is unconfirmed:
                continue
            confirmed = self.later(moment, 30, 60 * 24 * 10)
            if confirmed >= self.now:
                return None
            member.update(confirmed_at=confirmed, updated_at=confirmed)
            self.note(confirmed, "discussion.confirm", person, what)
            if confirmed > last:
                last, by = confirmed, person
        if unconfirmed is None:
            return last, by, ""
        last = self.later(last, 60 * 24 * 14, 60 * 24 * 30)
        if last >= self.now:
            return None
        return last, creator, r.choice(texts.CLOSE_MEMO_REASONS)

    def memo(self, discussion: dict, sections: list, items: list) -> str:
        """services.canonical_memo at the freeze."""
        bases = {b["id"]: b["label"] for b in self.secrecy.values()}
        content = {
            "discussion": discussion["id"],
            "held_on": discussion["held_on"].isoformat(),
            "sections": [
                {
                    "title": s["title"],
                    "publicity": s["publicity"],
                    "secrecy_basis": bases[s["secrecy_basis_id"]] if s["secrecy_basis_id"] else None,
                    "text": s["text"],
                }
                for s in sorted(sections, key=lambda s: (s["order"], s["id"]))
            ],
            "items": [
                {
                    "id": i["id"],
                    "raised_in": i["raised_in_id"],
                    "raised_on": i["raised_on"].isoformat(),
                    "need": i["need"],
                    "action": i["action"],
                    "responsible": i["responsible"],
                    "due_on": i["due_on"].isoformat() if i["due_on"] else None,
                    "status": i["status"],
                }
                for i in items
            ],
        }
        return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def restricted_reads(self, participants, sections, items, frozen, what) -> None:
        """Participants open the memo later: each showing of restricted texts is logged
        (services.log_restricted_read)."""
        restricted = sorted(s["id"] for s in sections if s["publicity"] == "restricted")
        shown = sorted(i["id"] for i in items)
        for person in participants:
            read = self.later(frozen, 60, 60 * 24 * 60)
            if self.rng.random() < 0.5 and read < self.now:
                changes = {"sections": [None, restricted]} | ({"items": [None, shown]} if shown else {})
                self.note(read, "discussion.read_restricted", person, what, changes)

    def survey(self, discussion, plans, creator, created, what) -> None:
        """Views asked from the board members before the discussion (create_survey,
        answer_survey), on the goals of the linked plans' latest versions."""
        r = self.rng
        moment = self.later(created, 30, 60 * 24 * 2)
        recipients = self.board_on(moment.date())
        closes_on = discussion["held_on"] - dt.timedelta(days=r.randint(2, 5))
        if moment >= self.now or not recipients or closes_on <= moment.date():
            return
        survey = self.add(
            Survey,
            moment,
            discussion_id=discussion["id"],
            anonymous=r.random() < 0.3,
            closes_on=closes_on,
            created_by_id=creator.id,
        )
        name = f"Survey object ({survey['id']})"  # (the model has no __str__ of its own)
        for person in recipients:
            self.w.add(Survey.recipients.through, {"survey_id": survey["id"], "user_id": person.id})
        changes = {
            "recipients": [None, sorted(p.row["username"] for p in recipients)],
            "anonymous": [None, survey["anonymous"]],
        }
        self.note(moment, "survey.create", creator, (Survey, survey, name), changes)
        goals = []
        for plan in plans:
            latest = [v for v in plan.versions if v.row["created_at"] < moment][-1]
            goals += [row for _g, row, _m in latest.ordered_goals()]
        for person in recipients:
            answered = self.later(moment, 60, 60 * 24 * 8)
            if r.random() < 0.4 or answered.date() > closes_on or answered >= self.now:
                continue
            kept = 0
            for goal in goals:
                if r.random() < 0.7:
                    self.add(
                        SurveyAnswer,
                        answered,
                        survey_id=survey["id"],
                        goal_area_id=goal["id"],
                        respondent_id=person.id,
                        text=r.choice(texts.VIEW_TEXTS),
                    )
                    kept += 1
            self.note(answered, "survey.answer", person, (Survey, survey, name), {"answers": [None, kept]})
