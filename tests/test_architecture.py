"""How the code is cut (docs/architecture-notes.md), checked on the source:

- views parse, call a read function or a service, and render: no view function is
  longer than 40 lines;
- no app imports another app's views, and the schema (models.py) imports neither views
  nor services;
- reading modules (pages.py, access.py, people.py) never call a service that writes.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "suunta"
APPS = sorted(p.name for p in ROOT.iterdir() if p.is_dir() and (p / "apps.py").exists())
VIEW_LINES_MAX = 40


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path


def imported(path: Path) -> set[str]:
    """Dotted names the module imports (relative imports made absolute)."""
    tree = ast.parse(path.read_text())
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def app_of(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else None


def test_the_checks_see_the_apps():
    assert {"agreements", "discussions", "followup", "organizations", "site"} <= set(APPS)


@pytest.mark.parametrize("path", [p for p in modules() if p.name == "views.py"], ids=lambda p: p.parent.name)
def test_view_functions_are_short(path):
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > VIEW_LINES_MAX
    ]
    assert not long, f"{path.parent.name}/views.py: move page assembly to pages.py: {long}"


def test_no_app_imports_another_apps_views():
    wrong = []
    for path in modules():
        own = app_of(path)
        if own is None:  # the project's urls.py routes to every app's views
            continue
        for name in imported(path):
            parts = name.split(".")
            if len(parts) >= 3 and parts[0] == "suunta" and parts[2] == "views" and parts[1] != own:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, wrong


def test_models_import_neither_views_nor_services():
    wrong = []
    for path in modules():
        if path.name != "models.py":
            continue
        for name in imported(path):
            if {"views", "services", "pages"} & set(name.split(".")[2:3]):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, wrong


READERS = ("pages.py", "access.py", "people.py")


def test_reading_modules_call_no_writing_service():
    """A page builder reads. The one exception is the use log of restricted texts,
    which the discussion views write for what a page showed (pages.log_reads)."""
    allowed = {"suunta.discussions.services.log_restricted_ids"}
    wrong = []
    for path in modules():
        if path.name not in READERS:
            continue
        tree = ast.parse(path.read_text())
        service_modules = {n for n in imported(path) if n.endswith(".services")}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if isinstance(owner, ast.Name) and owner.id == "services" and service_modules:
                    target = f"{sorted(service_modules)[0]}.{node.func.attr}"
                    if _writes(target) and target not in allowed:
                        wrong.append(f"{path.relative_to(ROOT)} calls {target}")
    assert not wrong, wrong


ORM_WRITES = {
    "save",
    "create",
    "delete",
    "update",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}


def _is_orm_write(node) -> bool:
    """A call of an ORM write method. `update` with a positional argument is a dict's
    (QuerySet.update takes keywords only)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    if node.func.attr == "update" and node.args:
        return False
    return node.func.attr in ORM_WRITES


def _calls_orm_write(node) -> bool:
    return any(_is_orm_write(call) for call in ast.walk(node))


def _writes(target: str) -> bool:
    """A service function that writes: it opens a transaction (transaction.atomic) or
    calls an ORM write (save, create, update, delete …) itself."""
    module, name = target.rsplit(".", 1)
    path = ROOT.parent.joinpath(*module.split(".")).with_suffix(".py")
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return any("atomic" in ast.unparse(d) for d in node.decorator_list) or _calls_orm_write(node)
    return False


def test_reading_modules_write_no_rows_themselves():
    """Nor does a page builder save, create, update or delete through the ORM itself."""
    wrong = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.func.attr}()"
        for path in modules()
        if path.name in READERS
        for node in ast.walk(ast.parse(path.read_text()))
        if _is_orm_write(node)
    ]
    assert not wrong, wrong
