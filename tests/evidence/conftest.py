import pytest


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    """Every evidence test writes its files under its own temporary directory."""
    root = tmp_path / "evidence"
    settings.EVIDENCE_ROOT = root
    return root
