"""The audit history: re-runs replace, repeats escalate across months, waivers, locking, rollback."""
import datetime as dt
import multiprocessing as mp
import sqlite3

import pytest
from rich.console import Console

from grpaudit.cli.history_cmds import history_command, waive_command
from grpaudit.findings import concat
from grpaudit.history import History, HistoryLocked
from grpaudit.penalties import price
from grpaudit.findings import fingerprints

from .test_penalties import POLICY_002, ROSTER, finding

OCT, NOV = (dt.date(2026, 10, 1), dt.date(2026, 10, 31)), (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def policy(tmp_path):
    from grpaudit.policy import load_policy
    path = tmp_path / "p.yaml"
    path.write_text(POLICY_002, encoding="utf-8")
    return load_policy(path)


def audit(h, findings, period, policy):
    """What the audit command does with a history: count, price and record in one transaction."""
    with h.session() as s:
        priced = price(findings, policy, s.earlier_counts(period[0]), ROSTER, s.waived())
        s.record(findings, *period, policy_hash="p1", inputs={"a.csv": "h"})
    return priced


def count_rows(path):
    with sqlite3.connect(path) as c:
        return c.execute("SELECT COUNT(*) FROM findings").fetchone()[0], c.execute("SELECT COUNT(*) FROM runs").fetchone()[0]


def test_months_rerun_waiver_and_repeat(tmp_path, policy):
    h = History(tmp_path / "h.sqlite")
    red = finding("CON002", day="2026-10-05", evidence="r1")
    content = concat([finding("CON001", day="2026-10-06", evidence="c1"), red])
    first = audit(h, content, OCT, policy).charges.set_index("rule")
    assert first.loc["CON002", "action"] == "严重警告; 扣除当月绩效"
    assert first.loc["CON001", "action"] == "通报批评"
    # re-running October replaces its findings: nothing doubles, nothing escalates against itself
    again = audit(h, content, OCT, policy).charges.set_index("rule")
    assert again.loc["CON002", "occurrence"] == 1 and count_rows(h.path) == (2, 2)
    # November: the red line repeats within 12 months → termination; the content ladder restarts
    nov = concat([finding("CON002", day="2026-11-02", evidence="r2"),
                  finding("CON001", day="2026-11-03", evidence="c2")])
    charges = audit(h, nov, NOV, policy).charges.set_index("rule")
    assert charges.loc["CON002", "action"] == "建议解除劳动合同" and charges.loc["CON002", "occurrence"] == 2
    assert charges.loc["CON001", "action"] == "通报批评"
    # an appeal upheld on October's red line: November's re-run is a first occurrence again
    out = Console(record=True, width=200)
    assert waive_command(fingerprints(red).iat[0], "误报", "人事行政部", h.path, out) == 0
    assert audit(h, nov, NOV, policy).charges.set_index("rule").loc["CON002", "occurrence"] == 1
    assert count_rows(h.path) == (4, 4)
    assert history_command(h.path, "E1", out) == 0 and "误报" in out.export_text()
    assert waive_command("0" * 16, "x", "y", h.path, out) == 2


def test_crash_mid_run_leaves_history_as_it_was(tmp_path, policy):
    h = History(tmp_path / "h.sqlite")
    audit(h, finding("CON001"), OCT, policy)
    with pytest.raises(RuntimeError):
        with h.session() as s:
            s.record(concat([]), *OCT, policy_hash="p2", inputs={})
            raise RuntimeError("killed")
    assert count_rows(h.path) == (1, 1)


def _hold_lock(path, ready, release):
    with History(path).session():
        ready.set()
        release.wait(20)


def _audit_in_child(path, start, policy_path, out):
    from grpaudit.policy import load_policy
    try:
        audit(History(path, timeout=20), finding("CON001", evidence=str(start)), OCT, load_policy(policy_path))
        out.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        out.put(repr(exc))


def test_two_audits_at_once(tmp_path):
    path, policy_path = tmp_path / "h.sqlite", tmp_path / "p.yaml"
    policy_path.write_text(POLICY_002, encoding="utf-8")
    ctx = mp.get_context("spawn")
    ready, release, out = ctx.Event(), ctx.Event(), ctx.Queue()
    holder = ctx.Process(target=_hold_lock, args=(path, ready, release))
    holder.start()
    assert ready.wait(30)
    # while one audit holds the history, another fails fast with a clear message…
    with pytest.raises(HistoryLocked, match="another audit is writing"):
        with History(path, timeout=0.2).session():
            pass
    # …or, given time, waits for it; two audit processes both complete and the file stays whole
    workers = [ctx.Process(target=_audit_in_child, args=(path, i, policy_path, out)) for i in range(2)]
    for w in workers:
        w.start()
    release.set()
    for p in (holder, *workers):
        p.join(60)
    assert sorted(out.get(timeout=5) for _ in workers) == ["ok", "ok"]
    with sqlite3.connect(path) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 2
