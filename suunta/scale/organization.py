"""One generated organization's life, year by year, up to the moment of generation.

Everything an organization does in the app is made as the services would leave it: the
organization from its preset (bodies, positions, workflow, rating scale, agenda and
secrecy bases), its people invited and their roles (evaluators per council term and
per agreement, board members, an auditor), the chief executive's and the sector
directors' agreements, each held by one executive or two in turn. Every year each
agreement has its plan (plans.py), follow-ups (followups.py) and its goal and
development discussion (discussions.py).

Every change is noted as an audit event at the moment it was made; nothing is made
that would happen after `now` (a follow-up open today stays open, next year's plan may
be a draft). All choices come from the organization's own random generator, seeded by
the run's seed and the organization's number: the same seed gives the same data.
"""

import datetime as dt
import random
import uuid

from django.utils.text import capfirst, slugify

from suunta.accounts.models import User
from suunta.agreements.models import DirectorAgreement
from suunta.discussions.defaults import DEFAULT_AGENDA, HEALTH, PRIVATE_LIFE
from suunta.discussions.models import AgendaSection, SecrecyBasis
from suunta.documents.models import DocumentTexts, VersionTexts
from suunta.followup.models import Rating
from suunta.followup.scale import DEFAULT_SCALE
from suunta.governance.models import Outcome, StepAction, WorkflowStep
from suunta.governance.workflow import PREPARING, RECORDING
from suunta.organizations.models import Body, BodyKind, Invitation, Membership, Organization, Position, Role
from suunta.organizations.presets import PRESETS

from . import texts
from .discussions import DiscussionMixin
from .events import Chain, create_changes, write_head
from .followups import FollowUpMixin
from .plans import PlanMixin
from .states import APPROVED, CLOSED, DAY, DRAFT, PREPARATORY, PROPOSED, AgreementState, D, Holding, Person

UTC = dt.UTC
# The presets' shares of the organizations (the rest: the municipal manager).
PRESET_SHARES = (
    ("mayor", 0.06),
    ("chair-group", 0.12),
    ("joint-authority", 0.12),
    ("wellbeing-county", 0.08),
)
# Council terms start on 1 June every four years (2017, 2021, 2025 …).
TERM_MONTH = 6
# The position in which the chief executive evaluates the sector directors.
CHIEF_POSITION_CODE = "chief_executive"
RIGHTS = ("presents", "may_mark_agreed", "may_close_memo", "may_create_survey", "asked_for_views")
AGREEMENT_FIELDS = (
    "executive",
    "position_title",
    "position_title_sv",
    "position_genitive",
    "position_genitive_sv",
    "legal_basis",
    "starts_on",
    "signed_on",
    "decided_by",
    "decided_on",
    "decision_section",
    "decision_case_number",
)
INVITATION_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "role",
    "title",
    "agreement",
    "valid_from",
    "valid_to",
    "basis",
)


def term_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the council terms from the one in force on `first` to `last`."""
    year = first.year - ((first.year - 2017) % 4)
    if D(year, TERM_MONTH, 1) > first:
        year -= 4
    starts = []
    while D(year, TERM_MONTH, 1) <= last:
        starts.append(D(year, TERM_MONTH, 1))
        year += 4
    return starts


class OrganizationBuilder(PlanMixin, FollowUpMixin, DiscussionMixin):
    """Makes one organization: `build()` gives the writer its rows and its chain."""

    def __init__(self, context, index: int):
        self.c = context
        self.w = context.writer
        self.index = index
        self.rng = random.Random(f"suunta-scale:{context.seed}:{index}")  # noqa: S311 (no secrets here)
        self.now = context.now
        self.people: list[Person] = []
        self.holdings: list[Holding] = []
        self.logins: dict = {}  # (person, day) → the login before the person's first request that day
        self.sections_used: dict = {}
        self.cases = 0
        self.texts = None
        self.raised_on: dict = {}  # discussion id → the day it was held

    # --- Helpers -------------------------------------------------------------------------

    def at(self, day: dt.date, first_hour: int = 6, last_hour: int = 14) -> dt.datetime:
        """A moment of the working day (UTC: 8–17 in Finland)."""
        r = self.rng
        return dt.datetime(
            day.year,
            day.month,
            day.day,
            r.randint(first_hour, last_hour),
            r.randint(0, 59),
            r.randint(0, 59),
            r.randint(0, 999_999),
            tzinfo=UTC,
        )

    def later(self, moment: dt.datetime, low_minutes: int = 1, high_minutes: int = 30) -> dt.datetime:
        return moment + dt.timedelta(
            minutes=self.rng.randint(low_minutes, high_minutes), microseconds=self.rng.randint(0, 999_999)
        )

    def new_uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def add(self, model, moment: dt.datetime, **fields) -> dict:
        """A row of a model with created_at and updated_at, made at `moment`."""
        return self.w.add(model, {**fields, "created_at": moment, "updated_at": moment})

    def request(self, person: Person, moment: dt.datetime) -> tuple[str, str]:
        """A web request of the person: its id and the person's address. The person
        logged in before the first request of the day (the global chain's event)."""
        login = moment - dt.timedelta(
            minutes=self.rng.randint(1, 20), microseconds=self.rng.randint(0, 999_999)
        )
        key = (person, moment.date())
        if key not in self.logins or login < self.logins[key]:
            self.logins[key] = login
        return (self.new_uuid().hex, person.ip)

    def note(self, moment, action, person: Person | None, obj=None, changes=None, request=None) -> None:
        """An event of the person's request (a new one unless given); obj: (model, row, name)."""
        if person is not None and request is None:
            request = self.request(person, moment)
        if obj is not None:
            model, row, name = obj
            obj = (model, row["id"], name)
        self.chain.note(
            moment, action, actor=person.actor if person else None, obj=obj, changes=changes, request=request
        )

    def case_number(self, year: int) -> str:
        self.cases += 1
        number = 10 + self.cases * 3 + self.rng.randint(0, 2)
        return (f"TUUDno-{year}-{number}", f"{number}/00.01.02/{year}", f"D/{number}/00.01.02/{year}")[
            self.case_style
        ]

    def section(self, body: dict, day: dt.date) -> str:
        """The § of a meeting's item: rising through the year in each body."""
        key = (body["id"], day.year)
        number = max((day.timetuple().tm_yday * 230) // 366, self.sections_used.get(key, 0) + 1)
        number += self.rng.randint(0, 3)
        self.sections_used[key] = number
        return str(number)

    @staticmethod
    def reference(body: dict, day: dt.date, section: str) -> str:
        """Handling.reference: `KH 31.3.2025 § 45`."""
        text = f"{body['short_name'] or body['name']} {day.day}.{day.month}.{day.year}"
        return f"{text} § {section}" if section else text

    # --- The whole ------------------------------------------------------------------------

    def build(self) -> None:
        self.organization()
        self.staff()
        self.agreements()
        for year in range(self.c.first_year, self.c.last_year + 2):
            for chief_first in (True, False):  # the directors' plans serve the chief's
                for agreement in self.agreement_states:
                    if (
                        agreement.is_chief == chief_first
                        and agreement.first_year <= year <= agreement.last_year
                    ):
                        self.plan(agreement, year)
                        self.discussion(agreement, year)
        for (person, _day), moment in sorted(self.logins.items(), key=lambda item: item[1]):
            person.row["last_login"] = moment
            self.c.add_login(person, moment)
        sequence, head = self.chain.write(self.w)
        write_head(self.w, self.chain.key, sequence, head)

    # --- The organization and its set-up ------------------------------------------------------

    def organization(self) -> None:
        r = self.rng
        roll, code = r.random(), "manager"
        for preset_code, share in PRESET_SHARES:
            if roll < share:
                code = preset_code
                break
            roll -= share
        self.preset = PRESETS[code]
        kind = self.preset.kind
        if code in ("manager", "mayor", "chair-group") and r.random() < 0.25:
            kind = "city"
        self.kind = kind
        self.bilingual = r.random() < 0.12
        start, (end, end_genitive) = r.choice(texts.PLACE_STARTS), r.choice(texts.PLACE_ENDS)
        place, genitive = start + end, start + end_genitive
        self.name, name_sv = {
            "municipality": (f"{genitive} kunta", f"{place} kommun"),
            "city": (f"{genitive} kaupunki", f"{place} stad"),
            "joint_authority": (f"{genitive} kuntayhtymä", f"Samkommunen {place}"),
            "wellbeing_county": (f"{genitive} hyvinvointialue", f"Välfärdsområdet {place}"),
        }[kind]
        self.slug = self.c.unique_slug(slugify(place))
        self.founded = D(self.c.first_year - 1, r.randint(8, 10), r.randint(1, 28))
        moment = self.at(self.founded)
        self.org = self.add(
            Organization,
            moment,
            name=self.name,
            name_sv=name_sv if self.bilingual else "",
            slug=self.slug,
            business_id=self.c.business_id(),
            kind=kind,
            preset=code,
            use_weights=r.random() < 0.2,
            assess_metrics=False,
            public_page=r.random() < 0.2,
            annex_shows_objectives=False,
        )
        self.chain = Chain(str(self.org["id"]), self.org["id"])
        self.case_style = r.randint(0, 2)
        # manage.py create_organization: an operator's command, no request, no actor.
        self.chain.note(
            moment,
            "organization.create",
            obj=(Organization, self.org["id"], self.name),
            changes=create_changes(
                Organization, self.org, ["name", "name_sv", "slug", "business_id", "kind", "preset"]
            ),
        )
        self.bodies_and_positions(moment)
        self.workflow(moment)
        self.ratings = {}
        for order, (rating, fi, sv, en, background, text, points) in enumerate(DEFAULT_SCALE, start=1):
            self.ratings[rating] = self.add(
                Rating,
                moment,
                organization_id=self.org["id"],
                code=rating,
                label=fi,
                label_sv=sv,
                label_en=en,
                background=background,
                text_colour=text,
                order=order,
                points=points,
            )
        self.secrecy = {}
        for order, (fi, sv) in enumerate((PRIVATE_LIFE, HEALTH), start=1):
            self.secrecy[fi] = self.add(
                SecrecyBasis, moment, organization_id=self.org["id"], label=fi, label_sv=sv, order=order
            )
        self.agenda = [
            self.add(
                AgendaSection,
                moment,
                organization_id=self.org["id"],
                kind=kind_code,
                title=fi,
                title_sv=sv,
                publicity="restricted" if basis else "public",
                secrecy_basis_id=self.secrecy[basis[0]]["id"] if basis else None,
                order=order,
            )
            for order, (kind_code, fi, sv, basis) in enumerate(DEFAULT_AGENDA, start=1)
        ]

    def bodies_and_positions(self, moment) -> None:
        """The preset's bodies (a city's board and council named as a city's) and positions."""
        city = {
            "Kunnanhallitus": ("Kaupunginhallitus", "Stadsstyrelsen"),
            "Kunnanvaltuusto": ("Kaupunginvaltuusto", "Stadsfullmäktige"),
        }
        self.bodies = {}
        for order, spec in enumerate(self.preset.bodies, start=1):
            name, name_sv = (
                city.get(spec.name, (spec.name, spec.name_sv))
                if self.kind == "city"
                else (spec.name, spec.name_sv)
            )
            self.bodies[spec.kind] = self.add(
                Body,
                moment,
                organization_id=self.org["id"],
                kind=spec.kind,
                name=name,
                name_sv=name_sv,
                short_name=spec.short_name,
                short_name_sv=spec.short_name_sv,
                order=order,
            )
        self.positions = [
            self.add(
                Position,
                moment,
                organization_id=self.org["id"],
                code=spec.code,
                name=spec.name,
                name_sv=spec.name_sv,
                genitive=spec.genitive,
                genitive_sv=spec.genitive_sv,
                order=order,
                **{right: right in spec.rights for right in RIGHTS},
            )
            for order, spec in enumerate(self.preset.positions, start=1)
        ]
        key = {"joint_authority": "joint-authority", "wellbeing_county": "wellbeing-county"}.get(
            self.kind, self.kind
        )
        key = "mayor" if self.preset.code == "mayor" else key
        self.chief_position = texts.CHIEF_POSITIONS[key]
        self.legal_basis = texts.LEGAL_BASIS[key]
        self.chief_evaluator = None  # the chief's position, where there are directors

    def workflow(self, moment) -> None:
        """governance.workflow.default_steps for the preset's bodies."""
        preparatory = self.bodies.get(BodyKind.PREPARATORY)
        approver = self.bodies.get(self.preset.freezing_body)
        rows = []
        if preparatory:
            rows += [
                (StepAction.HANDLE, DRAFT, PREPARATORY, preparatory, Outcome.HANDLED, PREPARING),
                (StepAction.HANDLE, PREPARATORY, PREPARATORY, preparatory, Outcome.HANDLED, PREPARING),
                (StepAction.PROPOSE, PREPARATORY, PROPOSED, None, "", PREPARING),
            ]
        rows += [
            (StepAction.PROPOSE, DRAFT, PROPOSED, None, "", PREPARING),
            (StepAction.APPROVE, PROPOSED, APPROVED, approver, Outcome.APPROVED, RECORDING),
            (StepAction.RETURN, PROPOSED, DRAFT, approver, Outcome.RETURNED, RECORDING),
            (StepAction.TABLE, PROPOSED, PROPOSED, approver, Outcome.TABLED, RECORDING),
            (StepAction.CLOSE, APPROVED, CLOSED, None, "", PREPARING),
        ]
        label, label_sv = self.preset.propose_label
        self.steps = {}
        for order, (action, start, end, body, outcome, roles) in enumerate(rows, start=1):
            proposing = action == StepAction.PROPOSE
            self.steps[(str(action), start)] = self.add(
                WorkflowStep,
                moment,
                organization_id=self.org["id"],
                action=str(action),
                from_status=start,
                to_status=end,
                body_id=body["id"] if body else None,
                outcome=str(outcome),
                requires_section=action == StepAction.APPROVE,
                allowed_roles=roles,
                label=label if proposing else "",
                label_sv=label_sv if proposing else "",
                order=order,
            )
        self.approver = approver
        self.board = self.bodies.get(BodyKind.BOARD, approver)
        self.preparatory = preparatory

    def all_positions(self) -> list[dict]:
        return self.positions + ([self.chief_evaluator] if self.chief_evaluator else [])

    def document_texts(self) -> None:
        """The defaults documents.texts.default_texts gives the organization, saved as
        version 1 at its first approval (pin_texts)."""

        def unsaved(model, row):
            return model(**{k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")})

        self.text_values = self.c.default_texts(
            self.preset,
            [unsaved(Position, p) for p in self.all_positions()],
            unsaved(Body, self.approver),
            unsaved(Body, self.board),
        )

    def pin_texts(self, version_row: dict, moment: dt.datetime) -> None:
        """documents.texts.pin at an approval."""
        if self.texts is None:
            self.texts = self.w.add(
                DocumentTexts,
                {"organization_id": self.org["id"], "number": 1, "created_at": moment, "created_by_id": None}
                | self.text_values,
            )
        self.w.add(VersionTexts, {"version_id": version_row["id"], "texts_id": self.texts["id"]})

    # --- People ------------------------------------------------------------------------------

    def new_person(self, code: str, moment: dt.datetime) -> Person:
        """A user named `<slug>-<code>` (the first free one), with the demo's password."""
        r = self.rng
        username = self.c.unique_username(f"{self.slug}-{code}")
        row = self.w.add(
            User,
            {
                "password": self.c.password_hash,
                "last_login": None,
                "is_superuser": False,
                "username": username,
                "first_name": r.choice(texts.FIRST_NAMES),
                "last_name": r.choice(texts.LAST_NAMES),
                "email": f"{username}@{self.slug}.example",
                "is_staff": False,
                "is_active": True,
                "date_joined": moment,
                "preferred_language": "sv" if self.bilingual and r.random() < 0.3 else "",
            },
        )
        number = len(self.people)
        person = Person(row, f"10.{self.index % 250}.{number // 250}.{number % 250 + 2}")
        self.people.append(person)
        return person

    def basis(self, holding: Holding) -> str:
        """The decision a confidential or elected role rests on."""
        if holding.role not in (Role.EVALUATOR, Role.EXECUTIVE, Role.BOARD_MEMBER):
            return ""
        day = holding.valid_from
        body = self.bodies.get(BodyKind.COUNCIL) or self.board
        return f"{body['short_name']} {day.day}.{day.month}.{day.year} § {self.rng.randint(10, 60)}"

    def membership_repr(self, holding: Holding) -> str:
        """str(Membership): `name – position or role (organization)`."""
        if holding.title:
            label = next(p["name"] for p in self.all_positions() if p["code"] == holding.title)
        else:
            label = self.c.labels["role"][holding.role]
        return f"{holding.person.name} – {label} ({self.name})"

    def membership_row(self, holding: Holding, moment, granted_by: Person | None) -> dict:
        return self.add(
            Membership,
            moment,
            organization_id=self.org["id"],
            user_id=holding.person.id,
            role=holding.role,
            title=holding.title,
            agreement_id=holding.agreement["id"] if holding.agreement else None,
            valid_from=holding.valid_from,
            valid_to=None,
            basis=self.basis(holding),
            granted_by_id=granted_by.id if granted_by else None,
            awaiting_confirmation=False,
            confirmed_by_id=None,
            confirmed_at=None,
        )

    def invite(self, holding: Holding, moment: dt.datetime, admin: Person | None) -> dt.datetime:
        """A new person's role through an invitation: the admin invites (the operator's
        command the first admin), the person makes an account and accepts. Returns
        when the role was taken."""
        person = holding.person
        invitation = self.add(
            Invitation,
            moment,
            organization_id=self.org["id"],
            email=person.row["email"],
            first_name=person.row["first_name"] if admin else "",
            last_name=person.row["last_name"] if admin else "",
            role=holding.role,
            title=holding.title,
            agreement_id=holding.agreement["id"] if holding.agreement else None,
            valid_from=holding.valid_from,
            valid_to=None,
            basis=self.basis(holding) if admin else "",
            invited_by_id=admin.id if admin else None,
            status="open",
            token_sha256="",
            printed_token_sha256="",
            link_expires_at=moment + dt.timedelta(days=14),
            accepted_by_id=None,
            accepted_at=None,
            membership_id=None,
        )
        what = (
            Invitation,
            invitation,
            f"{invitation['first_name']} {invitation['last_name']} <{invitation['email']}>",
        )
        if admin is None:
            changes = create_changes(Invitation, invitation, ["email", "role", "valid_from"])
            self.chain.note(
                moment, "invitation.create", obj=(Invitation, invitation["id"], what[2]), changes=changes
            )
        else:
            self.note(
                moment,
                "invitation.create",
                admin,
                what,
                create_changes(Invitation, invitation, INVITATION_FIELDS),
            )
        accepted = max(self.at(moment.date() + dt.timedelta(days=self.rng.randint(0, 4))), self.later(moment))
        person.row["date_joined"] = accepted
        request = self.request(person, accepted)
        user_changes = create_changes(User, person.row, ["username", "first_name", "last_name", "email"])
        self.note(accepted, "user.create", person, (User, person.row, person.name), user_changes, request)
        holding.row = self.membership_row(holding, accepted, admin)
        self.note(
            accepted,
            "membership.create",
            person,
            (Membership, holding.row, self.membership_repr(holding)),
            create_changes(Membership, holding.row),
            request,
        )
        invitation.update(
            status="accepted",
            accepted_by_id=person.id,
            accepted_at=accepted,
            membership_id=holding.row["id"],
            updated_at=accepted,
        )
        self.note(accepted, "invitation.accept", person, what, {"status": ["open", "accepted"]}, request)
        self.holdings.append(holding)
        return accepted

    def grant(self, holding: Holding, moment: dt.datetime) -> None:
        """A role for one of the organization's people, given by an admin."""
        holding.row = self.membership_row(holding, moment, self.admin)
        what = (Membership, holding.row, self.membership_repr(holding))
        self.note(moment, "membership.create", self.admin, what, create_changes(Membership, holding.row))
        self.holdings.append(holding)

    def end(self, holding: Holding, valid_to: dt.date) -> None:
        """The admin ends a role a few days or weeks before its last day (if that is past)."""
        moment = max(
            self.at(valid_to - dt.timedelta(days=self.rng.randint(3, 20))),
            self.later(holding.row["created_at"]),
        )
        if moment >= self.now:
            return
        holding.valid_to = valid_to
        holding.row.update(valid_to=valid_to, updated_at=moment)
        what = (Membership, holding.row, self.membership_repr(holding))
        self.note(moment, "membership.end", self.admin, what, {"valid_to": [None, valid_to.isoformat()]})

    def staff(self) -> None:
        """Two admins, the preparer, and per council term the board members and the auditor."""
        moment = self.later(self.chain.events[-1].time)
        self.admin = self.new_person("paakayttaja", moment)
        done = self.invite(Holding(self.admin, Role.ADMIN, "", None, self.founded), moment, None)
        second = self.new_person("paakayttaja2", done)
        done = self.invite(Holding(second, Role.ADMIN, "", None, done.date()), self.later(done), self.admin)
        self.preparer = self.new_person("valmistelija", done)
        done = self.invite(
            Holding(self.preparer, Role.PREPARER, "", None, done.date()), self.later(done), self.admin
        )
        self.board_members: list[Holding] = []
        self.auditors: list[Holding] = []
        self.terms = term_starts(self.founded, self.c.today)
        seats = self.rng.randint(4, 7)
        for number, start in enumerate(self.terms):
            first = number == 0
            moment = (
                self.later(done, 60, 600)
                if first
                else self.at(start - dt.timedelta(days=self.rng.randint(5, 25)))
            )
            if moment >= self.now:
                break
            valid_from = self.founded if first else start
            for seat in range(seats):
                previous = next((h for h in reversed(self.board_members) if h.seat == seat), None)
                if previous is not None and self.rng.random() < 0.5:
                    continue  # re-elected: the role goes on
                if previous is not None:
                    self.end(previous, start - DAY)
                person = self.new_person(f"hallitus{len(self.board_members) + 1}", moment)
                holding = Holding(person, Role.BOARD_MEMBER, "", None, valid_from, seat=seat)
                self.invite(holding, self.later(moment), self.admin)
                self.board_members.append(holding)
            previous = self.auditors[-1] if self.auditors else None
            if previous is None or self.rng.random() < 0.6:
                if previous is not None:
                    self.end(previous, start - DAY)
                person = self.new_person(f"tarkastaja{len(self.auditors) + 1}", moment)
                holding = Holding(person, Role.AUDITOR, "", None, valid_from)
                self.invite(holding, self.later(moment), self.admin)
                self.auditors.append(holding)

    def board_on(self, day: dt.date) -> list[Person]:
        return [h.person for h in self.board_members if h.valid_on(day)]

    # --- Agreements and evaluators --------------------------------------------------------

    def agreements(self) -> None:
        """The chief executive's agreement and the sector directors', each held by one
        executive or two in turn, and the evaluators of each."""
        r = self.rng
        first, last = self.c.first_year, self.c.last_year + 1
        count = {
            "mayor": r.randint(4, 6),
            "chair-group": r.randint(0, 2),
            "joint-authority": r.randint(0, 2),
            "wellbeing-county": r.randint(3, 5),
        }.get(self.preset.code, r.randint(3, 5) if self.kind == "city" else r.choice((0, 0, 1, 2, 2, 3)))
        sectors = texts.SECTORS_BY_PRESET[self.preset.code][:count]
        if sectors:
            title, title_sv, genitive, genitive_sv = self.chief_position
            self.chief_evaluator = self.add(
                Position,
                self.org["created_at"],
                organization_id=self.org["id"],
                code=CHIEF_POSITION_CODE,
                name=capfirst(title),
                name_sv=capfirst(title_sv),
                genitive=genitive,
                genitive_sv=genitive_sv,
                order=len(self.positions) + 1,
                presents=True,
                may_mark_agreed=True,
                may_close_memo=True,
                may_create_survey=False,
                asked_for_views=False,
            )
        self.document_texts()
        self.agreement_states: list[AgreementState] = []
        for sector in [None, *sectors]:
            change = first + 2 + r.randint(0, max(0, last - first - 3)) if r.random() < 0.3 else None
            spans = [(first, change - 1), (change, last)] if change and change < last else [(first, last)]
            for start_year, end_year in spans:
                self.agreement_states.append(self.new_agreement(sector, start_year, end_year))
        self.evaluators()

    def new_agreement(self, sector: str | None, start_year: int, end_year: int) -> AgreementState:
        r = self.rng
        if sector is None:
            title, title_sv, genitive, genitive_sv = self.chief_position
            code, legal = "johtaja", self.legal_basis
        else:
            title, title_sv, genitive, genitive_sv = texts.SECTORS[sector]
            code, legal = slugify(title), texts.LEGAL_BASIS["director"]
        if start_year == self.c.first_year:  # in office when the organization started using Suunta
            starts_on = D(start_year - r.randint(1, 6), r.choice((1, 3, 6, 8)), 1)
            moment = self.later(self.org["created_at"], 300, 5000)
        else:  # a new executive from the new year, chosen in the autumn
            starts_on = D(start_year, 1, 1)
            moment = self.at(D(start_year - 1, r.randint(9, 11), r.randint(1, 28)))
        executive = self.new_person(code, moment)
        holding = Holding(executive, Role.EXECUTIVE, "", None, starts_on)
        accepted = self.invite(holding, moment, self.admin)
        decided_by = self.bodies.get(BodyKind.COUNCIL) if sector is None else self.board
        decided_on = min(starts_on - dt.timedelta(days=r.randint(20, 120)), accepted.date())
        agreement = self.add(
            DirectorAgreement,
            self.later(accepted, 30, 600),
            organization_id=self.org["id"],
            executive_id=executive.id,
            position_title=title,
            position_title_sv=title_sv if self.bilingual else "",
            position_genitive=genitive,
            position_genitive_sv=genitive_sv if self.bilingual else "",
            legal_basis=legal,
            starts_on=starts_on,
            signed_on=decided_on + dt.timedelta(days=r.randint(3, 15)),
            decided_by_id=decided_by["id"] if decided_by else None,
            decided_on=decided_on if decided_by else None,
            decision_section=str(r.randint(10, 90)) if decided_by else "",
            decision_case_number=self.case_number(decided_on.year) if decided_by else "",
            publicity="public",
            signed_file="",
            signed_file_name="",
            signed_file_size=None,
            signed_file_sha256="",
        )
        self.note(
            agreement["created_at"],
            "agreement.create",
            self.admin,
            (DirectorAgreement, agreement, f"{capfirst(title)}: {executive.name} ({self.name})"),
            create_changes(DirectorAgreement, agreement, AGREEMENT_FIELDS),
        )
        state = AgreementState(agreement, executive, holding, sector, start_year, end_year, genitive_sv)
        if end_year <= self.c.last_year:
            self.end(holding, D(end_year, 12, 31))
        return state

    def ends(self, agreement: AgreementState) -> dt.date | None:
        return D(agreement.last_year, 12, 31) if agreement.last_year <= self.c.last_year else None

    def evaluators(self) -> None:
        """Per council term, the holder of each position (re-elected or new), who
        evaluates the chief's agreements in force meanwhile. The chief executive
        evaluates the directors' agreements while both are in force."""
        chiefs = [a for a in self.agreement_states if a.is_chief]
        holders = []  # [position, held from, held to]
        for number, start in enumerate(self.terms):
            for position in self.positions:
                current = next((h for h in reversed(holders) if h[0] is position), None)
                if current is not None and self.rng.random() < 0.45:
                    continue  # re-elected
                if current is not None:
                    current[2] = start - DAY
                holders.append([position, self.founded if number == 0 else start, None])
        for position, held_from, held_to in holders:
            person = None
            for agreement in chiefs:
                person = self.evaluate(
                    agreement, person, position["code"], held_from, held_to, slugify(position["name"])
                )
        for director in (a for a in self.agreement_states if not a.is_chief):
            for chief in chiefs:
                self.evaluate(
                    director,
                    chief.executive,
                    CHIEF_POSITION_CODE,
                    chief.row["starts_on"],
                    self.ends(chief),
                    "",
                )

    def evaluate(self, agreement, person, title, held_from, held_to, code) -> Person | None:
        """The person's evaluator role on the agreement for the overlap of the position
        held and the agreement (a new person comes through an invitation)."""
        valid_from = max(held_from, agreement.row["starts_on"])
        ends = [d for d in (held_to, self.ends(agreement)) if d is not None]
        valid_to = min(ends) if ends else None
        if valid_to is not None and valid_to < valid_from:
            return person
        moment = max(
            self.at(valid_from - dt.timedelta(days=self.rng.randint(3, 20))),
            self.later(agreement.row["created_at"], 5, 300),
        )
        if moment >= self.now:
            return person
        holding = Holding(person, Role.EVALUATOR, title, agreement.row, valid_from)
        if person is None:
            holding.person = person = self.new_person(code, moment)
            self.invite(holding, moment, self.admin)
        else:
            self.grant(holding, max(moment, self.later(person.row["date_joined"], 5, 300)))
        if valid_to is not None:
            self.end(holding, valid_to)
        return person

    def evaluators_of(self, agreement: AgreementState, day: dt.date) -> list[Person]:
        """people.evaluator_ids: the agreement's evaluators on the day, in the positions' order."""
        order = {p["code"]: p["order"] for p in self.all_positions()}
        found = sorted(
            (
                h
                for h in self.holdings
                if h.role == Role.EVALUATOR
                and h.agreement is agreement.row
                and h.valid_on(day)
                and h.person is not agreement.executive
            ),
            key=lambda h: (order[h.title], h.row["id"]),
        )
        people = []
        for holding in found:
            if holding.person not in people:
                people.append(holding.person)
        return people

    def leader_of(self, agreement: AgreementState, day: dt.date) -> Person | None:
        """The evaluator whose position presents the executive's matters (people.default_presenter)."""
        presenting = {p["code"] for p in self.all_positions() if p["presents"]}
        evaluators = self.evaluators_of(agreement, day)
        for holding in self.holdings:
            if (
                holding.agreement is agreement.row
                and holding.title in presenting
                and holding.valid_on(day)
                and holding.person in evaluators
            ):
                return holding.person
        return evaluators[0] if evaluators else None
