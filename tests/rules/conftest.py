"""Rules run over a real-shaped month (tests/data/demo_month/) with the test policies.

The month is the demo company as it was when these tests were written: a frozen copy, so
sample_exports/ can grow (its own end-to-end tests are tests/test_demo_*.py) without moving them.
"""
import datetime as dt
from pathlib import Path

import pytest

from grpaudit.dataset import load
from grpaudit.policy import load_policy
from grpaudit.rules import AuditContext

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "tests" / "data" / "demo_month"
POLICIES = ROOT / "tests" / "policy" / "data"
OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


@pytest.fixture(scope="session")
def demo():
    """The demo month's dataset (every reader, members, roster, registry)."""
    return load([DEMO / "chats"], members=[DEMO / "members.csv"], roster=[DEMO / "roster.csv"],
                groups=[DEMO / "groups.csv"])


def context(ds, policy: str | Path, start=OCTOBER[0], end=OCTOBER[1], **tables) -> AuditContext:
    """An AuditContext over ``ds`` (tables may be replaced by keyword) with a policy from tests/policy/data."""
    path = Path(policy)
    if not path.is_absolute():
        path = POLICIES / path
    t = dict(messages=ds.messages, events=ds.events, members=ds.members, roster=ds.roster, groups=ds.groups)
    t.update(tables)
    return AuditContext.build(load_policy(path), start, end, tz=ds.tz, **t)


@pytest.fixture
def ctx_of(demo):
    """ctx_of('zedong-001.yaml', **tables) -> AuditContext over the demo month."""
    return lambda policy, **kw: context(demo, policy, **kw)
