"""Lifecycle rules (LIF): registration, dissolution, hand-over and review of groups.

These rules judge groups, not messages: a finding is one group (LIF003: one
group and one departed person), built from the registry (``groups``), the
member-list snapshot taken at the end of the period and the period's
messages, with merges and group-bys over those small tables. The person of a
group-level finding is the group's owner (the snapshot's 群主, else the
registry's); the registry's first 群负责人 is named as responsible, since 001
fines the responsible person for lifecycle lapses (第二十条, 第二十一条).
"""
from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from ..findings import concat
from ..policy.schema import RuleOptions, WorkDays
from ..workcal import CC_VERSION
from .base import AuditContext, Rule
from .common import attach_responsible, responsible_people

# ---- shared table helpers --------------------------------------------------


def _day(ts: pd.Series, tz: str) -> pd.Series:
    """Local calendar days (naive midnight) of tz-aware instants."""
    return ts.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()


def _ymd(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m-%d").astype("str")


def _text(values, index) -> pd.Series:
    """np.where output (or a scalar) as a str Series on ``index``."""
    return pd.Series(values, index=index, dtype="str")


def _groups(ctx: AuditContext) -> pd.DataFrame:
    """The registry plus the groups only seen in exports, one row per group id."""
    return ctx.groups.drop_duplicates("group_id").reset_index(drop=True)


def _messages_upto_end(ctx: AuditContext, from_start: bool) -> pd.DataFrame:
    """The columns these rules read of the messages sent on or before the period's last day
    (and on or after its first, with ``from_start``), with their local ``day``."""
    m = ctx.messages
    day = _day(m["time"], ctx.tz)
    keep = day <= pd.Timestamp(ctx.end)
    if from_start:
        keep &= day >= pd.Timestamp(ctx.start)
    cols = ["group_id", "time", "sender_name", "source_file", "source_line"]
    return m.loc[keep, cols].assign(day=day[keep])


def _first(df: pd.DataFrame, last: bool = False, time: str = "time") -> pd.DataFrame:
    """Each group's earliest (or latest) row by ``time``; no sort of the whole table."""
    by = df.groupby("group_id")[time]
    return df.loc[by.idxmax() if last else by.idxmin()].reset_index(drop=True)


def _roster_names(ctx: AuditContext) -> pd.Series:
    return ctx.roster.drop_duplicates("employee_id").set_index("employee_id")["name"]


def _registered_people(ctx: AuditContext, column: str) -> pd.DataFrame:
    """(group_id, name, person_id) for the names the registry gives as ``owner`` or
    ``responsible``, resolved the way ``common.responsible_people`` resolves 群负责人
    (person_id NA when the name matches nobody or several people)."""
    if column == "owner":
        ctx = dataclasses.replace(ctx, groups=ctx.groups.assign(responsible=ctx.groups["owner"]))
    return responsible_people(ctx).rename(columns={"responsible_name": "name", "responsible_id": "person_id"})


def _owners(ctx: AuditContext) -> pd.DataFrame:
    """Each group's owner: (group_id, person_id, person_name, seen_in).

    The member-list snapshot's 群主 when the group has one (it is current: the
    registry may still name a former owner), else the registry's 群主.
    """
    snap = ctx.members.loc[ctx.members["role"] == "owner", ["group_id", "person_id", "display_name"]]
    snap = snap.drop_duplicates("group_id")
    snap = snap.assign(person_name=snap["person_id"].map(_roster_names(ctx)).astype("str").fillna(snap["display_name"]),
                       seen_in="member list")
    reg = _registered_people(ctx, "owner").drop_duplicates("group_id")
    reg = reg[~reg["group_id"].isin(snap["group_id"])].rename(columns={"name": "person_name"})
    out = pd.concat([snap.drop(columns="display_name"), reg.assign(seen_in="registry")], ignore_index=True)
    return out.astype({"group_id": "str", "person_id": "str", "person_name": "str", "seen_in": "str"})


def _calendar_note(ctx: AuditContext, first: pd.Series, last: pd.Series, covered: pd.Series) -> pd.Series:
    """Where a working-day walk from ``first`` to ``last`` left chinese-calendar's years, say so."""
    y1 = last.dt.year
    y0 = first.dt.year.where(~ctx.calendar.covered(first).astype(bool), y1)
    years = y1.astype("str").where(y0 == y1, y0.astype("str") + "–" + y1.astype("str"))
    note = f"deadline computed on weekends only: chinese-calendar {CC_VERSION} has no data for " + years
    return note.where(~covered.astype(bool))


def _member_counts(ctx: AuditContext) -> pd.Series:
    return ctx.members.groupby("group_id").size().rename("n_members")


# ---- the rules ---------------------------------------------------------------


class Unregistered(Rule):
    """A group is in use but not in the group registry (群备案).

    ## What it checks
    Groups seen in the exports or member lists whose id is not in the
    registry (nor, with `match_names`, their name), with at least
    `min_messages` messages in the audit period. The finding is dated at the
    group's first message in the period (else the period's last day) and
    names its owner from the member list; the evidence gives the id, the
    messages of the period and the member count. Without any registry
    (no `--groups`), there is nothing to check against and nothing is reported.

    ## Clauses
    - 000-A: 必須到黨群辦登記備案
    - 001 第七条: 由信息中心进行新建及备案
    - 003: 群组创建需经部门负责人或直接上级审批, 报信息技术部门备案
    """
    code = "LIF001"
    name = "group-unregistered"
    category = "lifecycle"
    severity = "minor"
    clauses = ("000-A", "001 第七条", "003")

    class Options(RuleOptions):
        min_messages: int = Field(1, ge=0, description="messages in the period that make a group 'in use' "
                                                       "(0: listed in a member list is enough)")
        match_names: bool = Field(True, description="a group whose registered name matches counts as registered "
                                                    "even when its id differs")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        groups = _groups(ctx)
        if not groups["registered"].any():
            return concat([], ctx.tz)
        registered_names = groups.loc[groups["registered"], "group_name"].dropna()
        msgs = _messages_upto_end(ctx, from_start=True)
        used = msgs.groupby("group_id").agg(n_messages=("time", "size"), last=("time", "max")).reset_index()
        used = _first(msgs)[["group_id", "time", "source_file", "source_line"]].merge(used, on="group_id")
        frames = []
        for scope in ctx.scopes(self.code):
            o = scope.options
            g = groups[groups["group_id"].isin(scope.group_ids) & ~groups["registered"]]
            if o.match_names:
                g = g[~g["group_name"].isin(registered_names)]
            g = (g[["group_id", "group_name", "platform"]].merge(used, on="group_id", how="left")
                 .merge(_member_counts(ctx), left_on="group_id", right_index=True, how="left")
                 .merge(_owners(ctx), on="group_id", how="left"))
            g["n_messages"] = g["n_messages"].fillna(0).astype(int)
            g = g[g["n_messages"] >= o.min_messages].reset_index(drop=True)
            if g.empty:
                continue
            seen = _text(np.where(g["n_messages"] > 0, "; " + g["n_messages"].astype("str") + " messages in the "
                                  "period, " + _ymd(g["time"]).fillna("") + " … " + _ymd(g["last"]).fillna(""),
                                  "; no message in the period"), g.index)
            members = _text(np.where(g["n_members"].notna(), "; " + g["n_members"].fillna(0).astype(int).astype(
                "str") + " members at the snapshot", "; not in the member lists"), g.index)
            platform = g["platform"].astype("str").fillna("?")
            g["evidence"] = "id " + g["group_id"] + " (" + platform + ") not in the registry" + seen + members
            g["message"] = g["group_name"] + " is in use but not in the group registry"
            g["date"] = _day(g["time"], ctx.tz).fillna(pd.Timestamp(ctx.end))
            frames.append(ctx.findings(attach_responsible(g, ctx), self, scope))
        return concat(frames, ctx.tz)


class TemporaryOverdue(Rule):
    """A temporary group is still alive after its work ended.

    ## What it checks
    Registered groups with an end date (结束日期) that are still alive
    `grace_workdays` working days after it: a message after the deadline, a
    registry status still active, or members at the snapshot (`alive_when`).
    3 working days after Thu 2026-10-08 end on Mon 10-12 (Sat 10-10 is an
    adjusted working day), so a message on 10-13 is a finding. One finding
    per group, dated at its first message after the deadline (else, for a
    status or members, the period's last day); the evidence gives the end
    date, the deadline, that message, the registry status and the member
    count. A dissolved group with no message after its deadline is not
    reported.

    ## Clauses
    - 001 第十四条: 临时性工作而建立的微信群需在该项工作结束后 3 个工作日之内申请解散 (fine: 第二十一条, ≥30 元)
    - 000-B §三.6: 项目结束、任务完成, 群主应及时宣布解散该群
    """
    code = "LIF002"
    name = "temporary-group-overdue"
    category = "lifecycle"
    severity = "minor"
    clauses = ("001 第十四条", "000-B §三.6")

    class Options(RuleOptions):
        grace_workdays: WorkDays = Field(3, description="working days after the end date to dissolve the group")
        alive_when: list[Literal["message", "active_status", "members"]] = Field(
            ["message", "active_status"], min_length=1,
            description="what shows the group still exists after the deadline")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        groups = _groups(ctx)
        groups = groups[groups["end_date"].notna()]
        msgs = _messages_upto_end(ctx, from_start=True).rename(
            columns={"time": "msg_time", "sender_name": "msg_sender", "source_file": "msg_file",
                     "source_line": "msg_line"})
        frames = []
        for scope in ctx.scopes(self.code):
            o = scope.options
            g = groups[groups["group_id"].isin(scope.group_ids)].reset_index(drop=True)
            if g.empty:
                continue
            deadline, covered = ctx.calendar.add_workdays(g["end_date"], o.grace_workdays)
            g = g.assign(deadline=deadline, covered=covered)
            # overdue only once the period runs past the last day allowed
            g = g[g["deadline"] < pd.Timestamp(ctx.end)]
            after = msgs[msgs["group_id"].isin(g["group_id"])].merge(g[["group_id", "deadline"]], on="group_id")
            after = _first(after[after["day"] > after["deadline"]], time="msg_time")
            g = (g.merge(after.drop(columns=["day", "deadline"]), on="group_id", how="left")
                 .merge(_member_counts(ctx), left_on="group_id", right_index=True, how="left"))
            signs = pd.DataFrame({"message": g["msg_time"].notna(),
                                  "active_status": g["status"].eq("active").fillna(False).astype(bool),
                                  "members": g["n_members"].fillna(0) > 0})
            g = g[signs[o.alive_when].any(axis=1)].reset_index(drop=True)
            if g.empty:
                continue
            # the first message dates the finding only when messages are a sign of life here
            g["time"] = g["msg_time"].where(pd.Series("message" in o.alive_when, index=g.index))
            has_time = g["time"].notna()
            g["date"] = _day(g["time"], ctx.tz).fillna(pd.Timestamp(ctx.end))
            # text, not categoricals: the message and registry files are different categories
            g["source_file"] = g["msg_file"].astype("str").where(has_time, g["source_file"].astype("str"))
            g["source_line"] = g["msg_line"].where(has_time, g["source_line"])
            first = _text(np.where(g["msg_time"].notna(), "first message after it " + g["msg_time"].dt.strftime(
                "%Y-%m-%d %H:%M:%S").astype("str") + " by " + g["msg_sender"].fillna("?"),
                "no message after it in the period"), g.index)
            members = _text(np.where(g["n_members"].notna(), g["n_members"].fillna(0).astype(int).astype("str")
                                     + " members at the snapshot", "not in the member lists"), g.index)
            g["evidence"] = ("ended " + _ymd(g["end_date"]) + "; last day to dissolve " + _ymd(g["deadline"])
                             + f" ({o.grace_workdays} working days); " + first + "; registry status "
                             + g["status"].fillna("unknown") + "; " + members)
            g["message"] = (g["group_name"] + " ended on " + _ymd(g["end_date"]) + " but was still alive after "
                            + _ymd(g["deadline"]) + ", the last day to dissolve it")
            g["calendar_note"] = _calendar_note(ctx, g["end_date"], g["deadline"], g["covered"])
            g = g.drop(columns=["owner", "responsible"]).merge(_owners(ctx), on="group_id", how="left")
            frames.append(ctx.findings(attach_responsible(g, ctx), self, scope))
        return concat(frames, ctx.tz)


class ResponsibleLeft(Rule):
    """A group's responsible person (or owner) has left the company and was not replaced.

    ## What it checks
    The registry's 群负责人 (and, with `check_owner`, the owner: the member
    list's 群主, else the registry's) resolved to an employee whose leave date
    is more than `grace_workdays` working days before the end of the audit
    period. Names resolve as for every rule (same-name employees told apart
    by membership of the group, then by its department); a name that still
    matches several employees, one of whom has left, is reported without an
    employee id and the evidence lists the candidates. One finding per group
    and person, dated at the hand-over deadline (the period's first day when
    that was earlier); the group's first 群负责人 is named as responsible.

    ## Clauses
    - 001 第十三条: 群负责人因离职或调岗不负责群管理时, 必须确定新的群负责人 (fine: 第二十条, ≥50 元)
    """
    code = "LIF003"
    name = "responsible-left"
    category = "lifecycle"
    severity = "major"
    clauses = ("001 第十三条",)

    class Options(RuleOptions):
        grace_workdays: WorkDays = Field(2, description="working days after the leave date to hand the group over")
        check_owner: bool = Field(True, description="also report an owner who has left")

    @staticmethod
    def _people(ctx: AuditContext) -> pd.DataFrame:
        """(group_id, role, name, person_id, seen_in): who the registry and member list put in charge."""
        resp = _registered_people(ctx, "responsible").assign(role="群负责人", seen_in="registry")
        owners = _owners(ctx).rename(columns={"person_name": "name"}).assign(role="群主")
        return pd.concat([resp, owners], ignore_index=True).astype("str")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        people = self._people(ctx)
        roster = ctx.roster.drop_duplicates("employee_id")[["employee_id", "name", "department", "leave_date"]]
        # A name the registry gives that matches several employees: each candidate, for the evidence.
        unresolved = people[people["person_id"].isna()].merge(
            roster.rename(columns={"employee_id": "cand"}), on="name")
        unresolved = unresolved[unresolved.groupby(["group_id", "role", "name"])["cand"].transform("size") > 1]
        resolved = people.dropna(subset=["person_id"]).merge(
            roster.drop(columns="name").rename(columns={"employee_id": "person_id"}), on="person_id")
        end = pd.Timestamp(ctx.end)
        frames = []
        for scope in ctx.scopes(self.code):
            o = scope.options
            roles = ["群负责人", "群主"] if o.check_owner else ["群负责人"]
            parts = []
            for df, ambiguous in ((resolved, False), (unresolved, True)):
                df = df[df["group_id"].isin(scope.group_ids) & df["role"].isin(roles)
                        & df["leave_date"].notna()].reset_index(drop=True)
                if df.empty:
                    continue
                deadline, covered = ctx.calendar.add_workdays(df["leave_date"], o.grace_workdays)
                df = df.assign(deadline=deadline, covered=covered)
                parts.append(self._rows(ctx, df[df["deadline"] < end], ambiguous, unresolved))
            parts = [p for p in parts if len(p)]
            if not parts:
                continue
            f = pd.concat(parts, ignore_index=True)
            f["evidence"] = (f["evidence"] + "; left " + _ymd(f["leave_date"]) + ", hand-over due by "
                             + _ymd(f["deadline"]) + f" ({o.grace_workdays} working days); still " + f["where"]
                             + " at " + ctx.end.isoformat())
            f["date"] = f["deadline"].clip(lower=pd.Timestamp(ctx.start))
            f["calendar_note"] = _calendar_note(ctx, f["leave_date"], f["deadline"], f["covered"])
            f = f.merge(_groups(ctx)[["group_id", "group_name", "platform", "source_file", "source_line"]],
                        on="group_id", how="left")
            f["message"] = (f["person_name"] + ", " + f["roles"] + " of " + f["group_name"] + ", "
                            + f["verb"] + " on " + _ymd(f["leave_date"]) + " and was not replaced")
            frames.append(ctx.findings(attach_responsible(f, ctx), self, scope))
        return concat(frames, ctx.tz)

    @staticmethod
    def _rows(ctx: AuditContext, df: pd.DataFrame, ambiguous: bool, candidates: pd.DataFrame) -> pd.DataFrame:
        """One row per (group, person) from one row per (group, role, person): roles joined."""
        if df.empty:
            return df
        df = df.assign(where=df["role"] + " in the " + df["seen_in"])
        if ambiguous:
            # several employees share the name: the earliest departure decides, all are listed
            df = df.sort_values("deadline").assign(key=df["name"], person_id=pd.NA, person_name=df["name"])
            c = candidates.merge(df[["group_id", "name"]].drop_duplicates(), on=["group_id", "name"])
            c = c.assign(desc=c["cand"] + " " + c["department"].fillna("?") + " " + (
                "left " + _ymd(c["leave_date"])).fillna("employed"))
            listed = c.drop_duplicates(["group_id", "name", "cand"]).groupby(["group_id", "name"]).agg(
                cands=("desc", ", ".join), n=("cand", "size"))
            df = df.merge(listed, left_on=["group_id", "name"], right_index=True, how="left")
            df["evidence"] = ("the name " + df["name"] + " matches " + df["n"].astype("str") + " employees ("
                              + df["cands"] + ")")
            df["verb"] = "may have left the company (ambiguous name)"
        else:
            df = df.assign(key=df["person_id"], person_name=df["person_id"].map(_roster_names(ctx)),
                           evidence=df["person_id"] + " (" + df["department"].fillna("?") + ")",
                           verb="left the company")
        df = df.sort_values(["group_id", "key", "deadline"], kind="stable")
        joined = df.groupby(["group_id", "key"], sort=False).agg(
            roles=("role", lambda s: "、".join(dict.fromkeys(s))),
            where=("where", lambda s: " and ".join(dict.fromkeys(s))))
        first = df.drop(columns="where").drop_duplicates(["group_id", "key"])
        return first.merge(joined, left_on=["group_id", "key"], right_index=True)


class Inactive(Rule):
    """A group has had no message for a long time: review whether it is still needed.

    ## What it checks
    Days from a group's last message (else its registration date, else the
    period's first day) to the end of the audit period, counted in calendar
    or working `days`; `inactive_days` of them make a finding, dated at the
    period's last day. Advisory: a prompt for the periodic review, not a
    breach. A dissolved group is not inactive, and a registered group that
    appears in no export, member list or event is not judged (nothing shows
    whether it was exported at all; the data-quality report lists it).

    ## Clauses
    - 000-B §四.5: 定期梳理, 评估群的存续必要性
    - 004 §五: periodic review of groups
    """
    code = "LIF004"
    name = "group-inactive"
    category = "lifecycle"
    severity = "info"
    clauses = ("000-B §四.5", "004 §五")
    tags = ("advisory",)

    class Options(RuleOptions):
        inactive_days: int = Field(30, ge=1, description="days without a message before a group is reported")
        days: Literal["calendar", "working"] = Field("calendar", description="how the days are counted")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        groups = _groups(ctx)
        last = _first(_messages_upto_end(ctx, from_start=False), last=True).rename(
            columns={"time": "last_time", "sender_name": "last_sender", "source_file": "msg_file",
                     "source_line": "msg_line"})
        seen = pd.concat([ctx.members["group_id"], ctx.events["group_id"], last["group_id"]]).unique()
        groups = groups[groups["group_id"].isin(seen) & groups["status"].ne("dissolved").fillna(True).astype(bool)]
        end = pd.Timestamp(ctx.end)
        frames = []
        for scope in ctx.scopes(self.code):
            o = scope.options
            g = groups[groups["group_id"].isin(scope.group_ids)].merge(last, on="group_id", how="left")
            g["since"] = g["day"].fillna(g["registered_date"]).fillna(pd.Timestamp(ctx.start))
            if o.days == "working":
                threshold, covered = ctx.calendar.add_workdays(g["since"], o.inactive_days)
                g = g.assign(threshold=threshold, covered=covered)
                g["calendar_note"] = _calendar_note(ctx, g["since"], g["threshold"], g["covered"])
            else:
                g["threshold"] = g["since"] + pd.Timedelta(days=o.inactive_days)
            g = g[g["threshold"] <= end].reset_index(drop=True)
            if g.empty:
                continue
            has_msg = g["last_time"].notna()
            origin = _text(np.where(has_msg, "last message " + g["last_time"].dt.strftime("%Y-%m-%d %H:%M:%S")
                                    .astype("str") + " by " + g["last_sender"].fillna("?"),
                                    np.where(g["registered_date"].notna(), "no message in the data; registered "
                                             + _ymd(g["registered_date"]).fillna(""),
                                             "no message in the data")), g.index)
            g["evidence"] = (origin + f"; {o.inactive_days} {o.days} days without one by "
                             + _ymd(g["threshold"]) + "; none up to " + ctx.end.isoformat())
            idle = (end - g["since"]).dt.days.astype("str")
            g["message"] = (g["group_name"] + " has had no message since " + _ymd(g["since"]) + " (" + idle
                            + " days): review whether it is still needed")
            g["date"] = end
            # text, not categoricals: the message and registry files are different categories
            g["source_file"] = g["msg_file"].astype("str").where(has_msg, g["source_file"].astype("str"))
            g["source_line"] = g["msg_line"].where(has_msg, g["source_line"])
            g = g.drop(columns=["owner", "responsible"]).merge(_owners(ctx), on="group_id", how="left")
            frames.append(ctx.findings(attach_responsible(g, ctx), self, scope))
        return concat(frames, ctx.tz)
