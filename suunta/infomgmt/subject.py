"""The data subject's copy (GDPR art. 15): everything Suunta holds about a person, as a
ZIP of JSON files and the documents.

What it holds (docs/information-management.md):
- `profile.json`: the account (never the password hash), `memberships.json`;
- `agreements/<id>/<app>.<model>.json`: every row of each director agreement the person
  is the executive of — plans, versions, goals, metrics, decisions, follow-ups, all
  assessments, metric values, pay, discussions with every section (restricted ones
  included: they are about the person), development items, survey answers (the
  respondent left out of anonymous surveys), evidence — found from the models as the
  organization export finds an organization's rows;
- `evidence/<stored name>`: the files the person uploaded, and those of the agreements;
- `authored.json`: what the person wrote on others' agreements, as facts only (kind,
  when, which agreement): the texts are about other people and stay out;
- `participation.json`: the discussions of others the person took part in, without
  their content;
- `audit_events.json`: the audit events the person caused (signing in included),
  without their changes (what the person wrote about others stays out);
- `restricted_reads.json`: the use log of the person's restricted notes: who was shown
  which of them and when (ids only);
- `documents/*.pdf`: the goals annex (PDF/A) of each approved version of the person's plans;
- `manifest.json`: SHA-256 and size of every file.
With an organization (an admin's copy for a request made by other means) only that
organization's rows and audit chain are included.
"""

import hashlib
import io
import zipfile

from suunta.agreements.models import DirectorAgreement, PlanVersion
from suunta.agreements.statuses import FROZEN_STATUSES
from suunta.audit import services as audit
from suunta.audit.models import AuditEvent
from suunta.discussions import services as discussion_services
from suunta.discussions.models import Discussion, Participant, Section, SurveyAnswer
from suunta.discussions.services import READ_RESTRICTED_ACTION
from suunta.evidence import uploads
from suunta.evidence.models import Evidence
from suunta.followup.models import Assessment
from suunta.lib.publicity import Publicity
from suunta.organizations.models import Membership

from .transfer import dumps, owned_models, row_of

USER_FIELDS = ("id", "username", "first_name", "last_name", "email", "date_joined", "last_login", "is_active")


def _agreement_models():
    """(model, lookup to the agreement's id) of every model whose rows belong to an agreement."""
    result = []
    for model, path in owned_models():
        if path == "agreement__organization" or path.endswith("__agreement__organization"):
            result.append((model, path.removesuffix("__organization")))
    return result


def _anonymous_rows(label: str, rows: list[dict]) -> list[dict]:
    if label != "discussions.surveyanswer":
        return rows
    anonymous = set(
        SurveyAnswer.objects.filter(pk__in=[r["id"] for r in rows], survey__anonymous=True).values_list(
            "pk", flat=True
        )
    )
    return [dict(r, respondent_id=None) if r["id"] in anonymous else r for r in rows]


def build(person, organization=None) -> tuple[bytes, dict]:
    """(ZIP bytes, counts). Everything about `person`; only `organization`'s when given."""
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}

    def put(name, data):
        files[name] = data if isinstance(data, bytes) else dumps(data)

    user_row = {key: value for key, value in row_of(person).items() if key in USER_FIELDS}
    put("profile.json", user_row)
    memberships = Membership.objects.filter(user=person).order_by("pk")
    agreements = DirectorAgreement.objects.filter(executive=person).order_by("pk")
    events = AuditEvent.objects.filter(actor=person).order_by("chain", "sequence")
    if organization is not None:
        memberships = memberships.filter(organization=organization)
        agreements = agreements.filter(organization=organization)
        events = events.filter(organization=organization)
    put("memberships.json", [row_of(m) for m in memberships])
    agreement_ids = list(agreements.values_list("pk", flat=True))
    stored = set()
    for agreement_id in agreement_ids:
        for model, lookup in _agreement_models():
            label = model._meta.label_lower
            rows = [
                row_of(obj) for obj in model._base_manager.filter(**{lookup: agreement_id}).order_by("pk")
            ]
            if label == "agreements.directoragreement" or not rows:
                continue
            put(f"agreements/{agreement_id}/{label}.json", _anonymous_rows(label, rows))
            counts[label] = counts.get(label, 0) + len(rows)
            if label == "evidence.evidence":
                stored |= {r["stored_name"] for r in rows if r["stored_name"]}
        agreement = DirectorAgreement.objects.get(pk=agreement_id)
        put(f"agreements/{agreement_id}/agreements.directoragreement.json", [row_of(agreement)])
        if agreement.signed_file:
            stored.add(agreement.signed_file)
    uploaded = Evidence.objects.filter(uploaded_by=person)
    if organization is not None:
        uploaded = uploaded.filter(
            assessment__checkpoint__version__plan__agreement__organization=organization
        )
    put("evidence_uploaded.json", [row_of(e) for e in uploaded.order_by("pk")])
    stored |= {e.stored_name for e in uploaded if e.stored_name}
    for name in sorted(stored):
        try:
            with uploads.open_stored(name) as handle:
                put(f"evidence/{name}", handle.read())
        except OSError:
            counts["missing_files"] = counts.get("missing_files", 0) + 1
    others = Assessment.objects.filter(author=person).exclude(
        checkpoint__version__plan__agreement_id__in=agreement_ids
    )
    answers = SurveyAnswer.objects.filter(respondent=person).exclude(
        survey__discussion__agreement_id__in=agreement_ids
    )
    participation = Participant.objects.filter(user=person).exclude(
        discussion__agreement_id__in=agreement_ids
    )
    if organization is not None:
        others = others.filter(checkpoint__version__plan__agreement__organization=organization)
        answers = answers.filter(survey__discussion__agreement__organization=organization)
        participation = participation.filter(discussion__agreement__organization=organization)
    put(
        "authored.json",
        {
            "assessments": [
                {
                    "id": a.pk,
                    "kind": a.kind,
                    "agreement": agreement,
                    "checkpoint": a.checkpoint_id,
                    "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                }
                for a, agreement in (
                    (a, a.checkpoint.version.plan.agreement_id)
                    for a in others.select_related("checkpoint__version__plan").order_by("pk")
                )
            ],
            "survey_answers": [
                {"id": a.pk, "survey": a.survey_id, "created_at": a.created_at.isoformat()}
                for a in answers.order_by("pk")
            ],
        },
    )
    put(
        "participation.json",
        [
            {
                "discussion": p.discussion_id,
                "held_on": p.discussion.held_on.isoformat(),
                "agreement": p.discussion.agreement_id,
                "confirmed_at": p.confirmed_at.isoformat() if p.confirmed_at else None,
            }
            for p in participation.select_related("discussion").order_by("pk")
        ],
    )
    # What the person did and when, without `changes`: the texts a person wrote about
    # others' goals are about those others (the event's hash still identifies it).
    put(
        "audit_events.json",
        [
            {key: value for key, value in row_of(e).items() if key not in ("payload", "changes")}
            for e in events
        ],
    )
    counts["audit_events"] = events.count()
    # The use log of the person's restricted notes (tiedonhallintalaki 17 §): who was shown
    # which of them, and when (ids only, as the log holds them).
    discussion_ids = [
        str(pk)
        for pk in Discussion.objects.filter(agreement_id__in=agreement_ids).values_list("pk", flat=True)
    ]
    reads = AuditEvent.objects.filter(
        action=READ_RESTRICTED_ACTION, object_type="discussions.discussion", object_id__in=discussion_ids
    ).order_by("chain", "sequence")
    put(
        "restricted_reads.json",
        [
            {
                key: value
                for key, value in row_of(e).items()
                if key in ("created_at", "actor_label", "object_id", "changes", "hash")
            }
            for e in reads
        ],
    )
    counts["documents"] = _documents(agreement_ids, put)
    manifest = {
        "person": person.username,
        "organization": organization.slug if organization is not None else None,
        "counts": counts,
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(files.items())
        },
    }
    put("manifest.json", manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
    return buffer.getvalue(), counts


def _documents(agreement_ids, put) -> int:
    from suunta.documents import render  # noqa: PLC0415

    versions = (
        PlanVersion.objects.filter(plan__agreement_id__in=agreement_ids, status__in=FROZEN_STATUSES)
        .filter(handlings__outcome="approved")
        .distinct()
        .select_related("plan__agreement__organization")
        .order_by("plan_id", "number")
    )
    count = 0
    for version in versions:
        body, _name, _type = render.render(render.Request("annex", version, "fi"), "pdf")
        put(f"documents/plan-{version.plan_id}-v{version.number}-annex.pdf", body)
        count += 1
    return count


def produce(actor, person, organization=None) -> bytes:
    """Build the copy and record who produced whose copy (the person's own request: in
    the global chain; an admin's: in the organization's)."""
    data, counts = build(person, organization)
    if actor is not None and actor != person:
        _log_restricted_reads(actor, person, organization)
    audit.record(
        "subject_copy.produce",
        actor=actor,
        organization=organization,
        obj=person,
        changes={
            "copy": [None, {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "counts": counts}]
        },
    )
    return data


def _log_restricted_reads(actor, person, organization) -> None:
    """An admin who produces someone's copy is shown that person's restricted notes: in
    the use log (tiedonhallintalaki 17 §) like any other reading, so the executive sees
    it on the restricted-use page."""
    sections = Section.objects.filter(
        discussion__agreement__executive=person, publicity=Publicity.RESTRICTED
    ).select_related("discussion__agreement")
    if organization is not None:
        sections = sections.filter(discussion__agreement__organization=organization)
    by_discussion: dict = {}
    for section in sections:
        by_discussion.setdefault(section.discussion, []).append(section)
    for discussion, shown in by_discussion.items():
        discussion_services.log_restricted_read(actor, discussion, sections=shown)
