"""Off-hours rules (OFF): posting in quiet hours or on rest days."""
from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from ..findings import concat
from ..policy.schema import RuleOptions
from .base import AuditContext, Rule
from .common import attach_responsible
from .messages import listing, marked, named, period_messages


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
