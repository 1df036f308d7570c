"""Off-hours rules (OFF): posting in quiet hours or on rest days.

Also the message helpers the notice and flooding families share (the
scope's messages in the audit period, who sent them, masked excerpts for
evidence): every message rule needs the same few columns the same way.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from pydantic import Field

from ..findings import concat
from ..policy.schema import RuleOptions
from ..textscan import pii
from ..textscan.regexsafe import arrow_text
from .base import AuditContext, Rule, Scope
from .common import attach_responsible, roster_names

#: Message kinds that are not chat messages (a reader keeps them when it could not parse an event).
NOT_CHAT = ("system", "recall")
#: Characters of message text quoted per message in evidence.
EXCERPT_CHARS = 40
#: Messages listed in one finding's evidence; the rest are counted.
LISTED = 5


# ---- helpers shared by the message rules ------------------------------------

def local_time(times: pd.Series, tz: str) -> pd.Series:
    """Tz-aware instants as naive wall-clock times in ``tz``."""
    return times.dt.tz_convert(tz).dt.tz_localize(None)


def period_messages(ctx: AuditContext, scope: Scope) -> pd.DataFrame:
    """The scope's chat messages sent in the audit period (local days), with ``local`` wall time,
    ``who`` (person id, else platform id, else display name: the key a person is counted by) and
    ``person_name`` (roster name, else the display name, else the platform id)."""
    m = ctx.messages
    m = m[m["group_id"].isin(scope.group_ids) & m["time"].notna() & ~m["kind"].isin(NOT_CHAT)]
    local = local_time(m["time"], ctx.tz)
    day = local.dt.normalize()
    keep = (day >= pd.Timestamp(ctx.start)) & (day <= pd.Timestamp(ctx.end))
    m = m[keep].assign(local=local[keep])
    who = m["person_id"].fillna(m["sender_id"]).fillna(m["sender_name"]).fillna("?")
    name = m["person_id"].map(roster_names(ctx).loc[lambda s: ~s.index.duplicated()]).astype("str")
    return m.assign(who=who, person_name=name.fillna(m["sender_name"]).fillna(m["sender_id"]).fillna("?")).reset_index(
        drop=True)


def excerpt(text: pd.Series, width: int = EXCERPT_CHARS) -> pd.Series:
    """Texts as one-line excerpts for evidence: personal numbers masked, line breaks as ' / ',
    cut at ``width`` characters with '…'."""
    text = text.fillna("").astype("str").reset_index(drop=True)
    text = pii.mask_text(text, pii.find(text))
    one_line = text.str.replace(r"\s*\n\s*", " / ", regex=True)
    short = one_line.str.slice(0, width)
    return short.where(one_line.str.len() <= width, short + "…").set_axis(text.index)


def listing(df: pd.DataFrame, by: list[str], fmt: str = "%H:%M:%S", limit: int = LISTED) -> pd.Series:
    """Per group of ``df`` (rows in time order), its first ``limit`` messages as
    'HH:MM:SS text; …' and '(+k more)': the evidence of a finding about several messages."""
    first = df.groupby(by, sort=False).cumcount() < limit
    shown = df[first]
    lines = shown["local"].dt.strftime(fmt).astype("str") + " " + excerpt(shown["text"]).to_numpy()
    joined = lines.groupby([shown[c] for c in by], sort=False).agg("; ".join)
    n = df.groupby(by, sort=False).size()
    more = (n - limit).clip(lower=0)
    tail = pd.Series(np.where(more > 0, " (+" + more.astype("str") + " more)", ""), index=n.index)
    return (joined.reindex(n.index) + tail).rename("listed")


def marked(text: pd.Series, markers: list[str]) -> pd.Series:
    """True where the text contains any of ``markers`` (case-insensitive substrings)."""
    arr = arrow_text(text)
    hit = np.zeros(len(text), bool)
    for marker in markers:
        hit |= pc.fill_null(pc.match_substring(arr, marker, ignore_case=True), False).to_numpy(
            zero_copy_only=False)
    return pd.Series(hit, index=text.index)


def named(m: pd.DataFrame, people: list[str]) -> pd.Series:
    """True for messages whose sender is one of ``people``: employee ids, roster names,
    display names or platform ids, as a policy writes them."""
    people = [p.strip() for p in people if p.strip()]
    if not people:
        return pd.Series(False, index=m.index)
    return (m["person_id"].isin(people) | m["person_name"].isin(people) | m["sender_name"].str.strip().isin(people)
            | m["sender_id"].isin(people)).fillna(False).astype(bool)


def _ymd(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m-%d").astype("str")


# ---- OFF001 -------------------------------------------------------------------

class OffHours(Rule):
    """Messages posted in quiet hours (or on rest days) without an urgent marker: one finding per person per night.

    ## What it checks
    Chat messages sent in the calendar's quiet hours (`calendar.quiet_hours`,
    e.g. "22:00-07:00", every day) and, with `nonworking_days`, at any time
    of a non-working day: weekends and holidays of China's calendar and the
    policy's extra days off; an adjusted working day (调休, e.g. Sat
    2026-10-10) is a working day. A message containing one of
    `urgent_markers` (case-insensitive, e.g. 【紧急】, urgent) is allowed, and
    so are the `exempt` senders (employee ids, roster names, display names or
    platform ids: on-call staff) and senders whose roster 职位 contains one of
    `exempt_titles`. Classes whose groups are private (interest groups) are
    usually switched off.

    Messages are counted per group, person and day, so one late evening is
    one finding whatever the number of messages, dated on that day, timed at
    its first message, with the messages (time and a masked excerpt) in the
    evidence. A message after midnight but still in the quiet hours belongs
    to the evening before: with quiet hours 22:00-07:00, 23:48 on 10-20 and
    00:15 on 10-21 are the same night, the night of 10-20. Messages are
    selected by their own day in the audit period.

    ## Clauses
    - 000-B §五.6: 避免在休息时间（深夜、清晨）发送非紧急消息
    - 003 §五: 非紧急事项不在休息时间发群消息

    ## Example
    ```yaml
    OFF001:
      options:
        nonworking_days: false
        urgent_markers: ["【紧急】", "[紧急]", "urgent"]
        exempt_titles: ["值班"]
      classes:
        interest: {enabled: false}
    ```
    """
    code = "OFF001"
    name = "off-hours-post"
    category = "off_hours"
    severity = "minor"
    clauses = ("000-B §五.6", "003 §五")

    class Options(RuleOptions):
        quiet_hours: bool = Field(True, description="count messages in the calendar's quiet hours")
        nonworking_days: bool = Field(False, description="also count messages at any hour of a non-working day "
                                                         "(weekends, holidays; adjusted workdays are working days)")
        urgent_markers: list[str] = Field(["【紧急】", "[紧急]", "【加急】", "urgent"],
                                          description="a message containing one of these (any case) is allowed")
        exempt: list[str] = Field(default_factory=list, description="senders allowed at any time: employee ids, "
                                                                    "roster names, display names or platform ids")
        exempt_titles: list[str] = Field(default_factory=list, description="senders whose roster title (职位) "
                                                                           "contains one of these are allowed")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        quiet_range = ctx.calendar.config.quiet_hours
        frames = []
        for scope in ctx.scopes(self.code):
            o = scope.options
            m = period_messages(ctx, scope)
            quiet = (ctx.calendar.in_quiet_hours(m["time"]).to_numpy(bool) if o.quiet_hours and quiet_range
                     else np.zeros(len(m), bool))
            rest = (ctx.calendar.is_nonworking_day(m["time"]).to_numpy(bool) if o.nonworking_days
                    else np.zeros(len(m), bool))
            hit = (quiet | rest) & ~marked(m["text"], o.urgent_markers).to_numpy() & ~named(m, o.exempt).to_numpy()
            if o.exempt_titles:
                titles = m["person_id"].map(ctx.roster.drop_duplicates("employee_id").set_index("employee_id")["title"])
                hit &= ~marked(titles.astype("str"), o.exempt_titles).to_numpy()
            m = m.assign(quiet=quiet)[hit].reset_index(drop=True)
            if m.empty:
                continue
            m["night"] = self._night(m, quiet_range)
            frames.append(ctx.findings(self._rows(ctx, m.sort_values("time", kind="stable")), self, scope))
        return concat(frames, ctx.tz)

    @staticmethod
    def _night(m: pd.DataFrame, quiet_range) -> pd.Series:
        """The day a message is counted on: its own, or the evening before for the small hours of a
        quiet period that wraps midnight."""
        day = m["local"].dt.normalize()
        if not quiet_range or quiet_range[0] <= quiet_range[1]:
            return day
        end = quiet_range[1]
        tod = m["local"] - day
        small_hours = m["quiet"] & (tod < pd.Timedelta(hours=end.hour, minutes=end.minute, seconds=end.second))
        return day - pd.to_timedelta(small_hours.astype(int), unit="D")

    @staticmethod
    def _rows(ctx: AuditContext, m: pd.DataFrame) -> pd.DataFrame:
        keys = ["group_id", "who", "night"]
        g = m.assign(rest=~m["quiet"]).groupby(keys, sort=False)
        out = m.drop_duplicates(keys).set_index(keys)[["platform", "group_name", "person_id", "person_name", "time",
                                                       "source_file", "source_line"]]
        out["n"] = g.size()
        quiet, rest = g["quiet"].any(), g["rest"].any()
        out["why"] = np.select([quiet & rest, quiet], ["quiet hours and non-working day", "quiet hours"],
                               "non-working day")
        out = out.join(listing(m, keys, fmt="%m-%d %H:%M:%S")).reset_index()
        n = out["n"].astype("str")
        out["date"] = out["night"]
        out["evidence"] = n + " message(s) in " + out["why"] + ": " + out["listed"]
        out["message"] = (out["person_name"] + " posted " + n + " message(s) in " + out["group_name"].fillna("?")
                          + " outside working time (" + out["why"] + ") on " + _ymd(out["night"]))
        return attach_responsible(out, ctx)


#: the rules this module defines, in the order `grpaudit rules` lists them
RULES: tuple = (OffHours(),)
