"""The audit history: an SQLite file of runs, findings and waivers.

Each audit records its run (period, policy hash, input hashes, time) and its
findings by fingerprint. Re-running a period replaces that period's findings
in the same transaction that records the run, so findings are never doubled
and a crash leaves the file as it was. Escalation counts (how often a person
already broke a rule in the window) come from earlier periods here.

Concurrency: ``History.session()`` opens ``BEGIN IMMEDIATE`` with a busy
timeout, so a second audit waits for the first; past the timeout it raises
``HistoryLocked`` with a clear message instead of corrupting anything.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd

from .penalties import COUNT_COLUMNS, empty_counts, person_keys
from .findings import fingerprints

SCHEMA_VERSION = 1
DEFAULT_PATH = Path(".grpaudit") / "history.sqlite"
#: the escalation windows a penalty may name (schema.Penalty.window)
WINDOWS = ("month", "year", "12 months")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, start TEXT NOT NULL, end TEXT NOT NULL, policy_hash TEXT NOT NULL,
    inputs TEXT NOT NULL, recorded_at TEXT NOT NULL, findings INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS findings (
    fingerprint TEXT NOT NULL, run_id INTEGER NOT NULL REFERENCES runs(id),
    start TEXT NOT NULL, end TEXT NOT NULL, day TEXT NOT NULL,
    rule TEXT NOT NULL, category TEXT NOT NULL, severity TEXT, group_id TEXT, group_name TEXT,
    person_key TEXT NOT NULL, person_name TEXT, message TEXT,
    PRIMARY KEY (fingerprint, start));
CREATE INDEX IF NOT EXISTS findings_person ON findings (person_key, day);
CREATE TABLE IF NOT EXISTS waivers (
    fingerprint TEXT PRIMARY KEY, reason TEXT NOT NULL, by TEXT NOT NULL, at TEXT NOT NULL);
"""


class HistoryError(RuntimeError):
    """The history file cannot be used (locked, newer schema, unknown fingerprint)."""


class HistoryLocked(HistoryError):
    pass


def file_hash(path: str | Path) -> str:
    """sha256 of a file, for the run's record of its inputs."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def window_start(window: str, start: dt.date) -> dt.date:
    """First day of ``window`` for an audit beginning on ``start``."""
    if window == "month":
        return start.replace(day=1)
    if window == "year":
        return start.replace(month=1, day=1)
    # the last 12 months: from the same day a year earlier (29 Feb falls back to the 28th)
    return start.replace(year=start.year - 1, day=min(start.day, 28) if start.month == 2 else start.day)


class History:
    """An audit history file; ``session()`` is the only way to read or write it."""

    def __init__(self, path: str | Path = DEFAULT_PATH, timeout: float = 30.0):
        self.path, self.timeout = Path(path), timeout

    @contextmanager
    def session(self) -> Iterator["Session"]:
        """One transaction holding the write lock: committed on success, rolled back on any error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise HistoryLocked(f"{self.path}: another audit is writing this history; waited "
                                        f"{self.timeout:g} s. Try again when it has finished.") from None
                raise HistoryError(f"{self.path}: {exc}") from None
            try:
                _migrate(conn, self.path)
                yield Session(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    # statement by statement: executescript would COMMIT the open transaction
    for statement in filter(str.strip, _SCHEMA.split(";")):
        conn.execute(statement)
    row = conn.execute("SELECT version FROM version").fetchone()
    if row is None:
        conn.execute("INSERT INTO version VALUES (?)", (SCHEMA_VERSION,))
    elif row[0] > SCHEMA_VERSION:
        raise HistoryError(f"{path}: written by a newer grpaudit (schema {row[0]}, this one knows "
                           f"{SCHEMA_VERSION}); upgrade grpaudit")


class Session:
    """Reads and writes inside one ``History.session()`` transaction."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def earlier_counts(self, start: dt.date) -> pd.DataFrame:
        """Non-waived findings before ``start`` per person, ``rule:CODE`` / ``category:NAME`` and window
        (``penalties.COUNT_COLUMNS``). The period being audited is left out: it is counted afresh."""
        parts = []
        for window in WINDOWS:
            for key, column in (("rule:", "rule"), ("category:", "category")):
                rows = self.conn.execute(
                    f"SELECT person_key, ? || {column}, ?, COUNT(*) FROM findings "
                    "WHERE day >= ? AND day < ? AND start < ? "
                    "AND fingerprint NOT IN (SELECT fingerprint FROM waivers) "
                    f"GROUP BY person_key, {column}",
                    (key, window, window_start(window, start).isoformat(), start.isoformat(),
                     start.isoformat())).fetchall()
                parts += rows
        if not parts:
            return empty_counts()
        out = pd.DataFrame(parts, columns=list(COUNT_COLUMNS)).astype({"count": "int64"})
        return out.astype({c: object for c in COUNT_COLUMNS if c != "count"})

    def waived(self) -> frozenset[str]:
        return frozenset(r[0] for r in self.conn.execute("SELECT fingerprint FROM waivers"))

    def record(self, findings: pd.DataFrame, start: dt.date, end: dt.date, policy_hash: str,
               inputs: dict[str, str]) -> int:
        """Record a run of ``start``–``end``, replacing that period's earlier findings; returns the run id."""
        s, e = start.isoformat(), end.isoformat()
        self.conn.execute("DELETE FROM findings WHERE start = ? AND end = ?", (s, e))
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        run = self.conn.execute(
            "INSERT INTO runs (start, end, policy_hash, inputs, recorded_at, findings) VALUES (?,?,?,?,?,?)",
            (s, e, policy_hash, json.dumps(inputs, ensure_ascii=False, sort_keys=True), now, len(findings))).lastrowid
        if len(findings):
            # a finding about a state (no day) counts on the period's first day
            day = findings["date"].dt.strftime("%Y-%m-%d").fillna(s)
            rows = pd.DataFrame({
                "fingerprint": fingerprints(findings), "run_id": run, "start": s, "end": e, "day": day,
                "rule": findings["rule"], "category": findings["category"],
                "severity": findings["severity"].astype(str), "group_id": findings["group_id"],
                "group_name": findings["group_name"],
                "person_key": person_keys(findings["person_id"], findings["person_name"]),
                "person_name": findings["person_name"], "message": findings["message"]}).astype(object)
            rows = rows.where(rows.notna(), None).drop_duplicates(["fingerprint"])
            self.conn.executemany(f"INSERT INTO findings VALUES ({','.join('?' * rows.shape[1])})",
                                  rows.itertuples(index=False, name=None))
        return run

    def waive(self, fingerprint: str, reason: str, by: str) -> None:
        """Mark a recorded finding as waived (申诉 upheld); raises HistoryError for an unknown one."""
        if not self.conn.execute("SELECT 1 FROM findings WHERE fingerprint = ?", (fingerprint,)).fetchone():
            raise HistoryError(f"no finding {fingerprint} in the history; run the audit with --history first")
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.conn.execute("INSERT OR REPLACE INTO waivers VALUES (?,?,?,?)", (fingerprint, reason, by, now))

    def runs(self) -> pd.DataFrame:
        return pd.read_sql_query("SELECT id, start, end, policy_hash, recorded_at, findings FROM runs "
                                 "ORDER BY id", self.conn)

    def person(self, who: str) -> pd.DataFrame:
        """A person's recorded findings (by roster id or name), with their waiver if any."""
        return pd.read_sql_query(
            "SELECT f.start, f.day, f.rule, f.category, f.severity, f.group_name, f.message, f.fingerprint, "
            "w.reason AS waived_reason, w.by AS waived_by FROM findings f "
            "LEFT JOIN waivers w USING (fingerprint) WHERE f.person_key = ? OR f.person_name = ? "
            "ORDER BY f.day, f.rule", self.conn, params=(who, who))
