import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "data" / "samples"

# bench/ holds the format writers (generators) that round-trip tests reuse.
sys.path.insert(0, str(ROOT / "bench"))


def every_rule_policy(tmp_path: Path, base: Path) -> Path:
    """A policy extending ``base`` with every registered rule enabled (CON002 needs a pattern to run)."""
    from grpaudit.rules import RULES
    lines = [f"extends: {base}", "rules:"]
    for code in RULES:
        extra = ", options: {patterns: {价格: '\\d{3,}元|报价'}}" if code == "CON002" else ""
        lines.append(f"  {code}: {{enabled: true{extra}}}")
    path = tmp_path / "every-rule.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


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
