"""One audit: a dataset, a policy and a period in; findings and warnings out.

This is the library entry point the ``audit`` command calls; reports and
penalties read what it returns and never reach back into rules.
"""
from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .dataset import Dataset
from .findings import FINDINGS
from .history import History, file_hash
from .penalties import Priced, price
from .policy import Policy
from . import partition
from .rules import RULES, AuditContext, enabled_codes
from .rules.base import period_bounds
from .rules.reply_record import empty_record, summarise


class PeriodError(ValueError):
    """A period the user wrote that is not one."""


def parse_period(period: str | None = None, since: str | None = None,
                 until: str | None = None) -> tuple[dt.date, dt.date]:
    """(first day, last day) from ``--period 2026-10`` or ``--since``/``--until`` dates."""
    if period and (since or until):
        raise PeriodError("give --period or --since/--until, not both")
    if period:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", period.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise PeriodError(f"--period {period!r}: expected YYYY-MM, e.g. 2026-10")
        y, mo = int(m.group(1)), int(m.group(2))
        return dt.date(y, mo, 1), dt.date(y, mo, _calendar.monthrange(y, mo)[1])
    if since and until:
        try:
            start, end = dt.date.fromisoformat(since), dt.date.fromisoformat(until)
        except ValueError as exc:
            raise PeriodError(f"--since/--until: expected YYYY-MM-DD dates ({exc})") from None
        if start > end:
            raise PeriodError(f"--since {since} is after --until {until}")
        return start, end
    raise PeriodError("say which period to audit: --period YYYY-MM, or --since and --until")


def period_label(start: dt.date, end: dt.date) -> str:
    """``2026-10`` for a whole month, else ``2026-10-01_2026-10-15`` (safe in file names)."""
    last = _calendar.monthrange(start.year, start.month)[1]
    if start.day == 1 and end == start.replace(day=last):
        return f"{start:%Y-%m}"
    return f"{start:%Y-%m-%d}_{end:%Y-%m-%d}"


@dataclass
class AuditResult:
    findings: pd.DataFrame
    start: dt.date
    end: dt.date
    policy: Policy
    dataset: Dataset
    #: calendar doubts and other things the report's data-quality section shows
    warnings: list[str] = field(default_factory=list)
    #: per person the reply rules obliged: questions owed, answered in time or late, unanswered, median
    #: reply minutes (``rules.reply_record``); empty when no reply rule is enabled
    reply_record: pd.DataFrame = field(default_factory=empty_record)
    #: messages audited (after dropping repeats) and the groups they were sent in
    messages: int = 0
    chat_groups: int = 0


def run(ds: Dataset, policy: Policy, start: dt.date, end: dt.date, *, jobs: int = 1, parts: int | None = None,
        engine: str = "local") -> AuditResult:
    """Check every enabled rule over the dataset; keep the findings that fall in the period.

    With ``jobs`` above 1 (or ``parts`` given), the per-group rules run on parts
    of the groups in that many processes (``partition``); the result is the same.
    """
    ctx = context(ds, policy, start, end)
    out = partition.check_whole(ctx) if jobs == 1 and parts is None else partition.run(ctx, jobs, parts, engine)
    return result(out, ds, policy, start, end, messages=len(ds.messages),
                  chat_groups=int(ds.messages["group_id"].nunique()),
                  in_period=in_period(ds.messages, start, end, ds.tz))


def context(ds: Dataset, policy: Policy, start: dt.date, end: dt.date, messages: pd.DataFrame | None = None,
            last_message: pd.Timestamp | None = None) -> AuditContext:
    """The rules' context over the dataset (over ``messages`` instead of its own, when given)."""
    ctx = AuditContext.build(policy, start, end, messages=ds.messages if messages is None else messages,
                             events=ds.events, members=ds.members, roster=ds.roster, groups=ds.groups, tz=ds.tz,
                             last_message=last_message)
    # Touch the whole period once so an uncovered year is warned about even
    # when no rule happens to ask about one of its days.
    ctx.calendar.is_workday(pd.Series(pd.date_range(start, end, freq="D")))
    return ctx


def in_period(messages: pd.DataFrame, start: dt.date, end: dt.date, tz: str) -> bool:
    """True when some message was sent in the period (its days in ``tz``)."""
    first, after = period_bounds(start, end, tz)
    times = messages["time"]
    return bool(((times >= first) & (times < after)).any())


def result(out: partition.Checked, ds: Dataset, policy: Policy, start: dt.date, end: dt.date, *,
           messages: int, chat_groups: int, in_period: bool) -> AuditResult:
    """The audit's result from what the rules gave: the findings of the period in the audit's order,
    the reply record, and the warnings the report shows."""
    findings = out.findings
    day = findings["date"]
    inside = day.isna() | ((day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end)))
    findings = in_order(findings[inside.to_numpy()])
    record = empty_record() if out.reply_pairs is None else summarise(out.reply_pairs)
    gaps = _input_gaps(ds, policy, start, end, in_period)
    return AuditResult(findings=findings[FINDINGS.names], start=start, end=end, policy=policy, dataset=ds,
                       warnings=list(out.warnings) + list(ds.notes) + gaps, reply_record=record,
                       messages=messages, chat_groups=chat_groups)


_RULE_RANK = {code: i for i, code in enumerate(RULES)}


def in_order(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings in the audit's fixed order: by rule (registry order), group, time, day, person, then
    every other column, so two runs that find the same rows list them alike however the work was
    split (``partition``), and penalties that count repeats in order count them alike too."""
    first = ["group_id", "time", "date", "person_id"]
    keys = {"_rank": pa.array(findings["rule"].map(_RULE_RANK).to_numpy(), pa.int32())}
    for name in first + [c for c in FINDINGS.names if c not in first and c != "rule"]:
        col = findings[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            keys[name] = pa.array(col.cat.codes.to_numpy())          # severity in its own order
        elif isinstance(col.dtype, pd.DatetimeTZDtype):
            keys[name] = pa.array(col.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(), from_pandas=True)
        else:
            keys[name] = pa.array(col, from_pandas=True)
    # Arrow compares the long text columns directly; pandas would hash every one of them first (10x slower)
    order = pc.sort_indices(pa.table(keys), sort_keys=[(k, "ascending", "at_end") for k in keys]).to_numpy()
    return findings.iloc[order].reset_index(drop=True)


def _input_gaps(ds: Dataset, policy: Policy, start: dt.date, end: dt.date, in_period: bool) -> list[str]:
    """Inputs the enabled rules need but the audit was not given: said, so silence is not read as compliance."""
    out = []
    enabled = set(enabled_codes(policy))
    if not in_period:
        out.append(f"no message falls in the audited period {start} – {end}")
    if not ds.groups["registered"].any() and enabled & {"LIF001", "LIF002", "LIF003", "MEM005"}:
        out.append("no group registry (--groups) was given: registration, temporary-group and "
                   "responsible-person rules had nothing to check")
    if ds.roster.empty:
        out.append("no HR roster (--roster) was given: nobody can be matched to an employee")
    if ds.members.empty and enabled & {"MEM001", "MEM002", "MEM003", "MEM005", "MEM006", "NAM002"}:
        out.append("no member list (--members) was given: membership rules see only who posted")
    return out


def settle(res: AuditResult, history_path: Path | None, inputs: list[Path]) -> Priced:
    """Price the findings; with a history, count earlier repeats and honour waivers, then record this run.

    Pricing and recording happen in one history transaction: a crash leaves
    the history as it was, and a second audit on the same file waits for it.
    """
    if history_path is None:
        return price(res.findings, res.policy, None, res.dataset.roster, reply_record=res.reply_record)
    with History(history_path).session() as s:
        priced = price(res.findings, res.policy, s.earlier_counts(res.start), res.dataset.roster, s.waived(),
                       reply_record=res.reply_record)
        s.record(res.findings, res.start, res.end, policy_hash=file_hash(res.policy.path),
                 inputs={str(p): file_hash(p) for p in inputs})
    return priced
