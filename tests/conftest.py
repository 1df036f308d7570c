import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "data" / "samples"

# bench/ holds the format writers (generators) that round-trip tests reuse.
sys.path.insert(0, str(ROOT / "bench"))


@pytest.fixture
def samples() -> Path:
    """The real-shaped specimens from shared/samples (copied into the repo)."""
    return SAMPLES


@pytest.fixture(autouse=True)
def _private_history(tmp_path, monkeypatch):
    """Each test's audits get their own history file, never the working directory's."""
    monkeypatch.setenv("GRPAUDIT_HISTORY", str(tmp_path / "history.sqlite"))


# CI runs the same examples every time (a red build must be reproducible);
# locally hypothesis keeps exploring new ones.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
