"""Assertions shared by the editor, bad-input and access tests."""

import os
import subprocess
import sys
from pathlib import Path

from django.utils import translation

from suunta.agreements.models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion
from suunta.governance.models import Handling

from .dom import Element, parse

HTMX = {"HTTP_HX_REQUEST": "true"}

# Django's own Finnish messages (django/conf/locale/fi).
REQUIRED_FI = "Tämä kenttä vaaditaan."


def max_length_fi(limit: int, actual: int) -> str:
    return f"Tämän arvon tulee olla enintään {limit} merkkiä pitkä (tällä hetkellä {actual})."


def fi(msgid: str, **params) -> str:
    """Our own message as a Finnish user reads it (the msgid until the catalogue has it)."""
    with translation.override("fi"):
        text = translation.gettext(msgid)
    return text % params if params else text


def fi_n(singular: str, plural: str, count: int, **params) -> str:
    """A plural message of ours as a Finnish user reads it for `count`."""
    with translation.override("fi"):
        text = translation.ngettext(singular, plural, count)
    return text % {"counter": count, **params}


def snapshot() -> dict[str, list]:
    """Every row the editor can touch, with every column: compare before and after."""
    models = (DirectorAgreement, GoalPlan, PlanVersion, GoalArea, Metric, Checkpoint, Handling)
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


def goal_titles(version) -> list[str]:
    return list(
        GoalArea.objects.filter(version=version).order_by("order", "id").values_list("title", flat=True)
    )


def metric_texts(goal) -> list[str]:
    return list(Metric.objects.filter(goal_area=goal).order_by("order", "id").values_list("text", flat=True))


def checkpoint_labels(version) -> list[str]:
    return list(
        Checkpoint.objects.filter(version=version)
        .order_by("order", "window_start", "id")
        .values_list("label", flat=True)
    )


def assert_full_page(response) -> Element:
    assert response.status_code == 200, response.status_code
    content = response.content.decode()
    assert "<html" in content, "expected the whole page"
    assert 'id="annex"' in content
    return parse(content)


def assert_annex_fragment(response) -> Element:
    """An htmx response: the annex only, without the page shell around it."""
    assert response.status_code == 200, response.status_code
    content = response.content.decode()
    assert 'id="annex"' in content, "the fragment lacks the annex"
    assert "<html" not in content, "htmx got the whole page instead of the fragment"
    assert "<body" not in content
    assert 'class="site-header' not in content
    return parse(content)


def assert_redirect_to_plan(response, plan, anchor: str) -> None:
    assert response.status_code == 302, response.status_code
    assert response["Location"] == f"/plans/{plan.pk}/#{anchor}"


def assert_field_error(response, field_id: str, message: str, typed: str | None = None) -> None:
    """The message sits in the field's own group, the control is marked invalid and
    still holds what the user typed."""
    assert response.status_code == 200, response.status_code
    doc = parse(response.content)
    control = doc.by_id(field_id)
    assert control.attrs.get("aria-invalid") == "true", f"{field_id} is not marked aria-invalid"
    group = control.closest(lambda e: "field" in e.classes)
    assert group is not None, f"{field_id} has no field group"
    errors = group.find_all(lambda e: "errorlist" in e.classes)
    assert errors, f"no error list beside {field_id}"
    error_texts = [li.text().strip() for ul in errors for li in ul.find_all(lambda e: e.tag == "li")]
    assert message in error_texts, f"{message!r} not among the errors beside {field_id}: {error_texts}"
    described = control.attrs.get("aria-describedby", "").split()
    assert any(ul.attrs.get("id") in described for ul in errors), "the error is not tied to the control"
    if typed is not None:
        assert control.value() == typed, f"typed text lost in {field_id}: {control.value()!r}"


REPO = Path(__file__).resolve().parents[1]


def check_deploy(tmp_path, **extra_env) -> subprocess.CompletedProcess:
    """`manage.py check --deploy --fail-level WARNING` in a production-like environment
    (DEBUG off, a real-looking key, one host), without the suite's own settings: the
    browser tests' DJANGO_ALLOW_ASYNC_UNSAFE and any SUUNTA_ACCESSIBILITY_* variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_ALLOW_ASYNC_UNSAFE" and not k.startswith("SUUNTA_ACCESSIBILITY")
    }
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "suunta.example.fi",
        "SUUNTA_VAR_DIR": str(tmp_path),
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def known_sign_in(client) -> None:
    """A request before counting a page's queries. A person's first request reads the
    session and the user from the database, every later one from memory while neither
    changed (suunta/security/signin_cache.py): after this one, a count is the page's
    own plus the one read of the data generations."""
    response = client.get("/accessibility/")
    assert response.status_code == 200, response.status_code
