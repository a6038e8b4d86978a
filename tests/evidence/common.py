"""Shared helpers for the evidence tests (issue 6, part 4)."""

from pathlib import Path

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation

from suunta.audit.models import AuditEvent
from suunta.evidence.models import Evidence
from suunta.followup.models import Assessment

from ..followup.common import goals, open_checkpoint, page_url
from . import files

EXECUTIVE = "kansliapaallikko"
MAYOR = "pormestari"
DEPUTY = "apulaispormestari"


def first_goal(demo):
    return goals(demo.current)[0]


def add_url(demo, goal=None) -> str:
    goal = goal or first_goal(demo)
    return reverse("evidence_add", args=[demo.current.pk, open_checkpoint(demo).pk, goal.pk])


def download_url(evidence) -> str:
    return reverse("evidence_download", args=[evidence.pk])


def remove_url(evidence) -> str:
    return reverse("evidence_remove", args=[evidence.pk])


def followup_url(demo) -> str:
    return page_url(demo.current, open_checkpoint(demo))


def field_id(goal, name: str) -> str:
    return f"id_evidence-{goal.pk}-{name}"


def post_files(client, demo, *uploads, goal=None):
    goal = goal or first_goal(demo)
    return client.post(add_url(demo, goal), {f"evidence-{goal.pk}-files": list(uploads)})


def post_link(client, demo, url: str, title: str, goal=None):
    goal = goal or first_goal(demo)
    return client.post(
        add_url(demo, goal), {f"evidence-{goal.pk}-url": url, f"evidence-{goal.pk}-title": title}
    )


def upload_as(
    demo, username: str, name: str = "tulos.pdf", content: bytes | None = None, goal=None
) -> Evidence:
    """Attach one file through the page; the new Evidence row."""
    response = post_files(demo.client(username), demo, files.upload(name, content or files.pdf()), goal=goal)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Evidence.objects.latest("id")


def stored_files(root: Path) -> list[str]:
    """Every file under the evidence root, temporary ones included."""
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def state() -> dict:
    return {
        "evidence": list(Evidence.objects.order_by("pk").values()),
        "assessments": list(Assessment.objects.order_by("pk").values()),
    }


def events(action: str, organization=None, outcome: str | None = None) -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(action=action)
    if organization is not None:
        qs = qs.filter(organization=organization)
    if outcome is not None:
        qs = qs.filter(outcome=outcome)
    return list(qs.order_by("chain", "sequence"))


def in_finnish(function, *args):
    with translation.override("fi"):
        return function(*args)


def size_fi(size: int) -> str:
    return in_finnish(filesizeformat, size)
