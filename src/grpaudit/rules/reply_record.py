"""The reply-time record: per person who had to answer, how many questions they owed and how they did.

Findings only carry breaches; the record also counts the questions answered
in time, from the very pairs the enabled REP rules judge (their classes'
groups, the audit period, the same exclusions: follow-ups before the first
deadline, pairs another reply rule judges, unanswered questions still
within their deadline at the data's end). So per person ``answered_late +
unanswered`` is the number of REP findings against them, and
``questions_owed = answered_in_time + answered_late + unanswered``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import AuditContext
from .reply import _MINUTE_NS, _NONE, RULES, _instants

#: the record's columns; counts are int64, the median Float64 (NA when nothing was answered)
RECORD_COLUMNS = ("person_id", "questions_owed", "answered_in_time", "answered_late", "unanswered",
                  "median_reply_minutes")
_COUNTS = RECORD_COLUMNS[1:5]


def empty_record() -> pd.DataFrame:
    """A record with no rows (no reply rule enabled, or nobody owed an answer)."""
    return pd.DataFrame({"person_id": pd.Series([], dtype="str"),
                         **{c: pd.Series([], dtype="int64") for c in _COUNTS},
                         "median_reply_minutes": pd.Series([], dtype="Float64")})


#: the rules whose judged pairs make the record
CODES = frozenset(rule.code for rule in RULES)


def enabled(ctx: AuditContext) -> bool:
    """True when the policy runs some reply rule."""
    return any(ctx.scopes(rule.code) for rule in RULES)


def reply_record(ctx: AuditContext) -> pd.DataFrame:
    """One row per person some enabled REP rule obliged to answer in the period (``RECORD_COLUMNS``),
    most questions owed first. Reply minutes are on each rule's clock (working or wall minutes
    from the question to the answer that closed it, whoever gave it)."""
    return summarise(judged_pairs(ctx))


#: one row per judged pair: who owed the answer, reply minutes (NaN when unanswered) and the outcome
PAIR_COLUMNS = ("person_id", "minutes", "in_time", "late", "unanswered")


def judged_pairs(ctx: AuditContext) -> pd.DataFrame:
    """The pairs (question, person owing the answer) the enabled REP rules judged over ``ctx``
    (``PAIR_COLUMNS``). A record over several contexts (the parts of a streamed audit) is
    ``summarise`` of their pairs stacked: a median does not add up part by part."""
    frames = [pd.DataFrame({c: pd.Series([], dtype=t) for c, t in
                            zip(PAIR_COLUMNS, ("str", "float64", "bool", "bool", "bool"))})]
    for rule in RULES:
        for scope in ctx.scopes(rule.code):
            s, d = rule.judged(ctx, scope)
            if d.empty:
                continue
            answered = d["at"].to_numpy() != _NONE
            minutes = np.full(len(d), np.nan)
            qt, at = d["qt"].to_numpy()[answered], d["at"].to_numpy()[answered]
            if scope.options.clock == "working":
                minutes[answered] = ctx.calendar.working_minutes_between(
                    _instants(qt, ctx.tz), _instants(at, ctx.tz)).to_numpy(float)
            else:
                minutes[answered] = (at - qt) / _MINUTE_NS
            frames.append(pd.DataFrame({
                "person_id": pd.array(s.keys[d["person"].to_numpy()], dtype="str"), "minutes": minutes,
                "in_time": answered & ~d["breach"].to_numpy(bool), "late": answered & d["breach"].to_numpy(bool),
                "unanswered": ~answered}))
    return pd.concat(frames, ignore_index=True)


def summarise(pairs: pd.DataFrame) -> pd.DataFrame:
    """The record (``RECORD_COLUMNS``) of judged pairs (``judged_pairs``, of one context or several)."""
    if pairs.empty:
        return empty_record()
    by = pairs.groupby("person_id", sort=False)
    out = pd.DataFrame({"questions_owed": by.size(), "answered_in_time": by["in_time"].sum(),
                        "answered_late": by["late"].sum(), "unanswered": by["unanswered"].sum()}).astype("int64")
    out["median_reply_minutes"] = by["minutes"].median().round(1).astype("Float64")
    out = out.rename_axis("person_id").reset_index().astype({"person_id": "str"})
    return out.sort_values(["questions_owed", "person_id"], ascending=[False, True], ignore_index=True)[
        list(RECORD_COLUMNS)]
