"""The demo month audited once per test session: the reports' real input."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "tests" / "data" / "demo_month"   # frozen: sample_exports/ may grow


def audit_demo():
    from grpaudit.audit import parse_period, run
    from grpaudit.dataset import load
    from grpaudit.policy import load_policy
    ds = load([DEMO / "chats"], members=[DEMO / "members.csv"], roster=[DEMO / "roster.csv"],
              groups=[DEMO / "groups.csv"])
    return run(ds, load_policy(DEMO / "policy.yaml"), *parse_period("2026-10"))


@pytest.fixture(scope="session")
def demo():
    return audit_demo()
