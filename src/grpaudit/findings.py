"""The one findings table: what every rule returns and every report formats.

Rules build a frame with the columns they know and pass it through
``make_findings``, which fills the rule's identity, conforms the columns to
``FINDINGS`` (order and dtypes fixed here) and refuses a finding without a
message. Penalties add columns after these; reporters only format them and
never recompute.

Columns, in order (see ``FINDINGS`` for each one's meaning): rule, category,
severity, platform, group_id, group_name, group_class, person_id,
person_name, responsible_id, responsible_name, time, date, clause, message,
evidence, calendar_note, source_file, source_line.

``severity`` is an ordered category, ``info < minor < major < critical``, so
``findings[findings.severity >= "major"]`` selects the serious ones.
"""
from __future__ import annotations

import hashlib

import pandas as pd

from . import model
from .model import DATE, INT, STR, TIME, Column, Table

SEVERITIES = ("info", "minor", "major", "critical")
SEVERITY_DTYPE = pd.CategoricalDtype(list(SEVERITIES), ordered=True)

FINDINGS = Table("findings", "One row per finding: a rule's verdict on one person, group or message.", (
    Column("rule", STR, "the rule's code, e.g. NAM002"),
    Column("category", STR, "naming, membership, lifecycle, reply, off_hours, content, privacy, notice, flooding"),
    Column("severity", "cat:severity", "info < minor < major < critical (the policy may change a rule's)"),
    Column("platform", "cat:platform", "as in messages"),
    Column("group_id", STR, "the group's platform id"),
    Column("group_name", STR, "the group's name"),
    Column("group_class", STR, "the policy class the group was assigned (company, department, …)"),
    Column("person_id", STR, "roster employee id of the person at fault, when resolved"),
    Column("person_name", STR, "their roster name, else the display name seen"),
    Column("responsible_id", STR, "roster id of the group's responsible person, liable jointly (001 第十七条)"),
    Column("responsible_name", STR, "their name"),
    Column("time", TIME, "when it happened; NaT for findings about a day or a state"),
    Column("date", DATE, "the day it concerns (the day of ``time`` when there is one)"),
    Column("clause", STR, "the rulebook clause(s) it breaks, e.g. '001 第八条'"),
    Column("message", STR, "one readable sentence saying what is wrong"),
    Column("evidence", STR, "what was seen against what was expected: the nickname and the expected one, "
                            "the leave date and the last day seen…"),
    Column("calendar_note", STR, "a doubt about the working calendar behind the finding "
                                 "(e.g. a deadline computed over a year chinese-calendar does not cover)"),
    Column("source_file", STR, "the export the evidence came from, when it is one record"),
    Column("source_line", INT, "its 1-based line"),
))

# model.conform knows the model's categories only; severity is cast after it.
_AS_TEXT = Table(FINDINGS.name, FINDINGS.doc, tuple(
    Column(c.name, STR, c.doc) if c.name == "severity" else c for c in FINDINGS.columns))


def empty_findings(tz: str = model.DEFAULT_TZ) -> pd.DataFrame:
    """A findings frame with no rows."""
    return make_findings(pd.DataFrame({"message": pd.Series([], dtype="str")}), None, tz=tz)


def make_findings(df: pd.DataFrame, rule, *, tz: str = model.DEFAULT_TZ,
                  severity: str | None = None, clause: str | None = None) -> pd.DataFrame:
    """``df`` as a findings table for ``rule`` (an object with ``code``, ``category``,
    ``severity`` and ``clauses``; None only for an empty table).

    ``rule`` and ``category`` always come from the rule. ``severity`` and
    ``clause`` come from the frame's own column when it has one (a rule whose
    severity differs per group class), else from the arguments (the policy's
    settings), else from the rule's defaults. ``date`` is filled from ``time``
    where missing. Raises ValueError for a row without a message or an
    unknown severity: both are bugs in the rule, not in the data.
    """
    df = df.copy()
    if len(df) and ("message" not in df or df["message"].isna().any()):
        raise ValueError(f"{getattr(rule, 'code', '?')}: every finding needs a message")
    if rule is not None:
        df["rule"], df["category"] = rule.code, rule.category
        if "severity" not in df:
            df["severity"] = severity or rule.severity
        if "clause" not in df:
            df["clause"] = clause or "; ".join(rule.clauses)
    if "time" not in df:
        # model.conform cannot yet add a missing tz-aware column (pandas refuses astype naive → aware)
        df["time"] = pd.Series(pd.NaT, index=df.index, dtype=pd.DatetimeTZDtype("ns", tz))
    out = model.conform(df, _AS_TEXT, tz)
    bad = set(out["severity"].dropna()) - set(SEVERITIES)
    if bad:
        raise ValueError(f"{getattr(rule, 'code', '?')}: unknown severity {sorted(bad)}; "
                         f"expected one of {', '.join(SEVERITIES)}")
    out["severity"] = out["severity"].astype(SEVERITY_DTYPE)
    from_time = out["time"].dt.tz_localize(None).dt.normalize().astype(out["date"].dtype)
    out["date"] = out["date"].fillna(from_time)
    return out


def concat(frames: list[pd.DataFrame], tz: str = model.DEFAULT_TZ) -> pd.DataFrame:
    """Findings frames as one table (an empty one when there are none)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_findings(tz)
    out = pd.concat(frames, ignore_index=True)
    out["severity"] = out["severity"].astype(SEVERITY_DTYPE)
    return out


def fingerprints(findings: pd.DataFrame) -> pd.Series:
    """A stable id per finding: rule, group, person, day and evidence, hashed.

    Re-running the same month gives the same fingerprints, which is what lets
    an audit history replace a period's findings instead of doubling them.
    """
    person = findings["person_id"].fillna("name:" + findings["person_name"].fillna(""))
    day = findings["date"].dt.strftime("%Y-%m-%d").fillna("")
    key = (findings["rule"] + "|" + findings["group_id"].fillna("") + "|" + person + "|" + day + "|"
           + findings["evidence"].fillna(""))
    return key.map(lambda k: hashlib.sha1(k.encode("utf-8")).hexdigest()[:16])
