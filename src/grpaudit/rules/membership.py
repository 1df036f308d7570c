"""Membership rules (MEM): who is in a group, who should be, and who runs it.

The member list is a snapshot taken on the last day of the audit (``ctx.end``);
the membership events of the period (join, leave, removed) and the messages
give the history before it. Everything is worked out on whole tables: one
merge of the people a rule is about with the groups of a class, never a loop
per member.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from .. import identity
from ..findings import concat
from ..policy.schema import RuleOptions, Section, WorkDays
from .base import AuditContext, Rule, memoized
from .common import attach_responsible, responsible_people

People = list[str]

_MEMBERSHIP_EVENTS = ("join", "leave", "removed")
_NOTE = "deadline computed without chinese-calendar data for some day walked (weekends and overrides only)"


# ---- table helpers ---------------------------------------------------------

def _day(times: pd.Series) -> pd.Series:
    """Instants as their local calendar day (naive midnight), comparable with roster dates."""
    return times.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def _ymd(days: pd.Series) -> pd.Series:
    """Days as 'YYYY-MM-DD' text, '' when missing (for evidence strings)."""
    return days.dt.strftime("%Y-%m-%d").fillna("").astype("str")


def _when(ctx: AuditContext) -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp(ctx.start), pd.Timestamp(ctx.end)


def _current_staff(ctx: AuditContext) -> pd.DataFrame:
    """Roster rows of people employed on the snapshot day: hired by then (or no hire date), not yet left."""
    r, (_, end) = ctx.roster, _when(ctx)
    hired = r["hire_date"].isna() | (r["hire_date"] <= end)
    staying = r["leave_date"].isna() | (r["leave_date"] > end)
    return r[hired & staying].drop_duplicates("employee_id")


def _people(ctx: AuditContext, names: list[str]) -> pd.Index:
    """Employee ids a policy list names, by 工号 or 姓名 (a name two employees share names both)."""
    r = ctx.roster
    return pd.Index(r.loc[r["employee_id"].isin(names) | r["name"].isin(names), "employee_id"].unique())


def _with_group(df: pd.DataFrame, ctx: AuditContext) -> pd.DataFrame:
    """``df`` with the group's name and platform from the registry table."""
    info = ctx.groups.drop_duplicates("group_id")[["group_id", "group_name", "platform"]]
    return df.drop(columns=[c for c in ("group_name", "platform") if c in df.columns]).merge(
        info, on="group_id", how="left")


def _listed_groups(ctx: AuditContext, ids: pd.Index) -> pd.DataFrame:
    """Registry rows of the groups among ``ids`` that have a member list and are not dissolved:
    the only groups whose membership can be judged."""
    g = ctx.groups.drop_duplicates("group_id")
    keep = g["group_id"].isin(ids) & g["group_id"].isin(ctx.members["group_id"]) & g["status"].ne("dissolved")
    return g[keep.fillna(False).astype(bool)]


def _identify(ctx: AuditContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The member list and the period's membership events, with who each row is about.

    Members keep their ``person_id`` and gain ``ambiguous`` (the name or id fits
    several employees) and ``candidates`` (their ids). Join/leave/removed events
    of the period gain the same three columns for their target, resolved like a
    sender (``identity.resolve``, with the member lists as evidence: ``吴昊``
    quitting, ``Rain`` being invited). Worked out once per context: five rules
    read it, and resolving builds the roster's lookup tables each time.
    """
    return memoized(ctx, ("identify",) + _when(ctx), (ctx.events, ctx.members, ctx.roster),
                    lambda: _identify_now(ctx))


def _identify_now(ctx: AuditContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    start, end = _when(ctx)
    ev = ctx.events
    day = _day(ev["time"])
    ev = ev[ev["event"].isin(_MEMBERSHIP_EVENTS).to_numpy() & (day >= start).to_numpy() & (day <= end).to_numpy()]
    targets = pd.DataFrame({"platform": ev["platform"], "group_id": ev["group_id"], "group_name": ev["group_name"],
                            "sender_id": ev["target_id"], "sender_name": ev["target_name"]})
    targets, _, ids = identity.resolve(targets, _evidence(ctx.members, ev), ctx.roster)
    keys = ["platform", "platform_id", "display_name"]
    amb = ids.loc[ids["status"].eq(identity.AMBIGUOUS), keys + ["candidates"]].drop_duplicates(keys)
    amb["platform"] = amb["platform"].astype("str")

    def flag(df: pd.DataFrame, pid: str, name: str, person: pd.Series) -> pd.DataFrame:
        k = pd.DataFrame({"platform": df["platform"].astype("str").to_numpy(), "platform_id": df[pid].to_numpy(),
                          "display_name": df[name].to_numpy()})
        found = k.merge(amb, on=keys, how="left")["candidates"].to_numpy()
        ambiguous = person.isna().to_numpy() & pd.notna(found)
        return df.assign(person_id=person.to_numpy(), ambiguous=ambiguous,
                         candidates=np.where(ambiguous, found, None))

    members = flag(ctx.members, "member_id", "display_name", ctx.members["person_id"])
    events = flag(ev.reset_index(drop=True), "target_id", "target_name", targets["person_id"])
    return members, events


def _evidence(members: pd.DataFrame, ev: pd.DataFrame) -> pd.DataFrame:
    """The member rows identity resolution needs: unresolved members, and the accounts and
    same-group names of event targets (all rows of an account, so aliases still count).
    Resolving the whole member list again would cost a second per rule on large companies."""
    sep = "\x1f"
    account = members["platform"].astype("str") + sep + members["member_id"].fillna("")
    unresolved = members["person_id"].isna()
    wanted = pd.concat([account[unresolved], ev["platform"].astype("str") + sep + ev["target_id"].fillna("")])
    named = (members["group_id"].fillna("") + sep + members["display_name"].fillna("")).isin(
        ev["group_id"].fillna("") + sep + ev["target_name"].fillna(""))
    return members[(unresolved | account.isin(wanted) | named).to_numpy()]


def _findings(ctx: AuditContext, rule: Rule, parts: list[tuple]) -> pd.DataFrame:
    """Findings of ``rule`` from (frame, scope) pairs, with group names filled in."""
    return concat([ctx.findings(_with_group(df, ctx), rule, scope) for df, scope in parts if len(df)], ctx.tz)


# ---- rules -----------------------------------------------------------------

class DepartedMember(Rule):
    """Departed staff are still in a group after the grace period.

    ## What it checks
    Every roster employee with a leave date (离职日期) on or before the last
    day of the audit, in every group of the class: still in the member list
    (the snapshot of the last day), or seen in the group — a message, or a
    join, quit or removal event of the period — after the deadline,
    `grace_workdays` working days after the leave date (leaving Fri 2026-10-16
    with 2 working days: out by Tue 10-20). One finding per person and group,
    dated on the deadline that passed. Evidence: the leave date, the deadline,
    whether the member list still holds them, the late event and their last
    message in the group. The group's responsible person is named as liable
    (unless that is the departed person: LIF003 reports the missing hand-over).

    ## Clauses
    - 001 第九条: 人事变动后 2 个工作日之内完成离职人员的清除 (fine: 第十八条, 20 元/人次 to the responsible person)
    - 003, 004: 离职人员应在离职手续办理完成后, 及时退出单位微信群
    """
    code = "MEM001"
    name = "departed-still-member"
    category = "membership"
    severity = "major"
    clauses = ("001 第九条", "003", "004")

    class Options(RuleOptions):
        grace_workdays: WorkDays = Field(2, description="working days after the leave date to remove someone")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        _, end = _when(ctx)
        r = ctx.roster
        left = r.loc[r["leave_date"].notna() & (r["leave_date"] <= end),
                     ["employee_id", "name", "leave_date"]].drop_duplicates("employee_id")
        scopes = ctx.scopes(self.code)
        if left.empty or not scopes:
            return concat([], ctx.tz)
        members, events = _identify(ctx)
        ids = left["employee_id"]
        listed = members.loc[members["person_id"].isin(ids), ["group_id", "person_id"]].drop_duplicates()
        ev = events[events["person_id"].isin(ids)].assign(day=lambda e: _day(e["time"]))
        m = ctx.messages
        m = m.loc[m["person_id"].isin(ids), ["group_id", "person_id", "time"]]
        said = m.groupby(["group_id", "person_id"], as_index=False)["time"].max().assign(
            last_said=lambda x: _day(x["time"]))[["group_id", "person_id", "last_said"]]
        parts = []
        for scope in scopes:
            deadline, covered = ctx.calendar.add_workdays(left["leave_date"], scope.options.grace_workdays)
            who = left.assign(deadline=deadline, covered=covered).rename(columns={"employee_id": "person_id"})
            late = ev[ev["group_id"].isin(scope.group_ids)].merge(who[["person_id", "deadline"]], on="person_id")
            late = late[late["day"] > late["deadline"]].sort_values("time").drop_duplicates(
                ["group_id", "person_id"], keep="last")[["group_id", "person_id", "day", "event"]]
            pairs = pd.concat([listed, late, said])[["group_id", "person_id"]].drop_duplicates()
            pairs = pairs[pairs["group_id"].isin(scope.group_ids)]
            df = (pairs.merge(who, on="person_id").merge(listed.assign(listed=True), how="left")
                  .merge(late, how="left").merge(said, how="left"))
            df["listed"] = df["listed"].fillna(False).astype(bool)
            df = df[df["listed"] | df["day"].notna() | (df["last_said"] > df["deadline"])]
            if df.empty:
                continue
            quit_or_removed = df["event"].astype("str").map({"join": "added", "leave": "quit",
                                                              "removed": "removed"}).fillna("")
            df["evidence"] = ("left " + _ymd(df["leave_date"]) + ", out by " + _ymd(df["deadline"])
                              + np.where(df["listed"], "; still in the member list of " + end.strftime("%Y-%m-%d"), "")
                              + np.where(df["day"].notna(), "; " + quit_or_removed + " " + _ymd(df["day"]), "")
                              + np.where(df["last_said"].notna(), "; last message " + _ymd(df["last_said"]), ""))
            df["message"] = (df["name"] + " left the company on " + _ymd(df["leave_date"])
                             + " but was still in the group after " + _ymd(df["deadline"]))
            df = df.assign(person_name=df["name"], date=df["deadline"],
                           calendar_note=np.where(df["covered"], None, _NOTE))
            # a departed 群负责人 cannot answer for removing themselves; LIF003 charges the hand-over
            parts.append((attach_responsible(df, ctx, others_only=True), scope))
        return _findings(ctx, self, parts)


class Window(Section):
    """Days counted from a start date (day 1 is the start date itself)."""
    first: int = Field(ge=1, description="the first day the person may be added")
    last: int = Field(ge=1, description="the last day by which the person must be added")
    days: Literal["calendar", "working"] = Field("calendar", description="how the days are counted")

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        if self.first > self.last:
            raise ValueError(f"first ({self.first}) is after last ({self.last})")
        return self

    def day(self, ctx: AuditContext, start: pd.Series, n: int) -> tuple[pd.Series, pd.Series]:
        """Day ``n`` of the window for each start date, and whether the calendar covered the walk."""
        if self.days == "calendar":
            return start + pd.Timedelta(days=n - 1), pd.Series(True, index=start.index)
        # day 1 is the start date: day n is n - 1 working days after it
        return ctx.calendar.add_workdays(start, n - 1)


class RequiredMissing(Rule):
    """Staff who belong in a group are missing from it after the grace period.

    ## What it checks
    Who must be in a group depends on its class (`required`): all current
    staff, the staff of the group's registered department, or the department
    heads; plus `include`, minus `exempt`. Someone becomes required on their
    hire date, or on the group's registration date when that is later; anyone
    required who is not in the member list `grace_workdays` working days after
    that is a finding dated on that deadline, and so is someone of that kind
    who joined (member list 入群时间, else a join event) after it, when they
    became required during the audit. Only groups with a member list and not
    dissolved are judged; a member whose name fits several employees counts as
    present for each of them.

    With `new_hire_window`, people hired within the window's reach of the
    audit instead must be added from day `first` to day `last`, day 1 being
    the start date (002: 马骏 starts Mon 10-12, so 10-14 … 10-16): missing
    after the last day or added later is a finding dated on the last day;
    added before the first day is one dated on the day they were added.

    The roster has no transfer dates, so a transfer counts from the hire date:
    someone moved in the last days of the period may be reported before their
    grace period ends (list them in `exempt` for that audit).

    ## Clauses
    - 000-A: 相关工作人员必须加入本群
    - 001 第十条: 所有与该群业务相关的人员必须加入至群中 (fine: 第十八条)
    - 002 §三.2.1: 新员工入职, 从上班的第一天起算, 三天后, 五天以内, 拉入公司总群和部门群

    ## Example
    ```yaml
    MEM002:
      options: {required: department, new_hire_window: {first: 3, last: 5}}
      classes:
        company: {options: {required: all}}
        project: {enabled: false}
    ```
    """
    code = "MEM002"
    name = "required-member-missing"
    category = "membership"
    severity = "minor"
    clauses = ("000-A", "001 第十条", "002 §三.2.1")

    class Options(RuleOptions):
        required: Literal["all", "department", "managers", "none"] = Field(
            "department", description="who must be in a group of the class: all staff, the staff of its "
                                      "registered department, department heads, or nobody (only `include`)")
        include: People = Field(default_factory=list, description="names or employee ids also required")
        exempt: People = Field(default_factory=list, description="names or employee ids never required")
        grace_workdays: WorkDays = Field(2, description="working days after someone becomes required "
                                                        "(hire, transfer) to add them")
        new_hire_window: Window | None = Field(None, description="for new hires, the days after the start "
                                                                 "date within which they must be added")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        scopes = ctx.scopes(self.code)
        if not scopes:
            return concat([], ctx.tz)
        members, events = _identify(ctx)
        # present: resolved members, and every candidate of an ambiguous one
        cand = members[members["ambiguous"]].explode("candidates")
        present = pd.concat([members[["group_id", "person_id", "join_time"]],
                             cand[["group_id", "candidates", "join_time"]].rename(columns={"candidates": "person_id"})])
        joins = events[events["event"].eq("join") & events["person_id"].notna()]
        joins = joins.groupby(["group_id", "person_id"], as_index=False)["time"].min()
        present = present.dropna(subset=["person_id"]).groupby(["group_id", "person_id"], as_index=False).agg(
            join_time=("join_time", "min")).merge(joins, how="left")
        present["joined"] = _day(present["join_time"].fillna(present["time"]))
        parts = [(self._check(ctx, scope, present), scope) for scope in scopes]
        return _findings(ctx, self, [(attach_responsible(df, ctx), s) for df, s in parts if len(df)])

    def _required(self, ctx: AuditContext, groups: pd.DataFrame, opts) -> pd.DataFrame:
        """(group, person) pairs the class requires, with the roster row and the group's registration date."""
        staff = _current_staff(ctx)
        g = groups[["group_id", "department", "registered_date"]]
        if opts.required == "department":
            req = g.dropna(subset=["department"]).merge(staff, on="department")
        else:
            pick = {"all": staff, "managers": staff[staff["is_manager"]], "none": staff.iloc[:0]}[opts.required]
            req = g.merge(pick.drop(columns="department"), how="cross")
        extra = g.merge(staff[staff["employee_id"].isin(_people(ctx, opts.include))].drop(columns="department"),
                        how="cross")
        req = pd.concat([req, extra]).drop_duplicates(["group_id", "employee_id"])
        return req[~req["employee_id"].isin(_people(ctx, opts.exempt))].rename(columns={"employee_id": "person_id"})

    def _check(self, ctx: AuditContext, scope, present: pd.DataFrame) -> pd.DataFrame:
        opts, (start, end) = scope.options, _when(ctx)
        req = self._required(ctx, _listed_groups(ctx, scope.group_ids), opts)
        if req.empty:
            return req
        req = req.merge(present[["group_id", "person_id", "joined"]].assign(present=True), how="left",
                        on=["group_id", "person_id"])
        req["present"] = req["present"].fillna(False).astype(bool)
        later = req["registered_date"].notna() & ~(req["hire_date"] >= req["registered_date"]).fillna(False)
        req["since"] = req["hire_date"].where(~later, req["registered_date"])
        # no hire or registration date: required since before anything the audit sees, no grace left
        req["due"], covered = ctx.calendar.add_workdays(req["since"], opts.grace_workdays)
        req["covered"], req["first"], req["window"] = covered | req["since"].isna(), pd.NaT, False
        w = opts.new_hire_window
        if w is not None:
            first, ok_first = w.day(ctx, req["hire_date"], w.first)
            last, ok_last = w.day(ctx, req["hire_date"], w.last)
            hire = (last >= start).fillna(False).astype(bool)
            req["first"], req["due"] = first.where(hire), last.where(hire, req["due"])
            req["covered"] = np.where(hire, ok_first & ok_last, req["covered"])
            req["window"] = hire
        missing = ~req["present"] & (req["due"].isna() | (req["due"] < end))
        # a late join is judged only when the requirement began in the period: transfers have no date
        late = req["present"] & (req["joined"] > req["due"]) & (req["window"] | (req["since"] >= start))
        early = req["present"] & req["window"] & (req["joined"] < req["first"])
        df = req[missing | late | early].copy()
        if df.empty:
            return df
        missing, late = missing[df.index], late[df.index]
        due, joined = _ymd(df["due"]), _ymd(df["joined"])
        span = f"days {w.first}–{w.last}" if w is not None else ""
        rule = np.where(df["window"], "starts " + _ymd(df["hire_date"]) + ", to be added on " + span + " ("
                        + _ymd(df["first"]) + " … " + due + ")",
                        np.where(df["since"].notna(), "required since " + _ymd(df["since"]) + ", to be added by "
                                 + due, "required (no hire date)"))
        seen = np.where(missing, "not in the member list of " + end.strftime("%Y-%m-%d"), "added " + joined)
        df["evidence"] = pd.Series(rule, index=df.index) + "; " + seen
        df["message"] = np.select(
            [missing & df["due"].notna(), missing, late],
            [df["name"] + " is not in the group; they were to be added by " + due,
             df["name"] + " is not in the group",
             df["name"] + " was added on " + joined + ", after the deadline " + due],
            df["name"] + " was added on " + joined + ", before the window opened on " + _ymd(df["first"]))
        df["date"] = df["due"].fillna(end).where(missing | late, df["joined"])
        return df.assign(person_name=df["name"], calendar_note=np.where(df["covered"].astype(bool), None, _NOTE))


class OutOfScope(Rule):
    """People who are not employees, or not in the group's scope, are members.

    ## What it checks
    The member list (the snapshot of the audit's last day): members who
    resolve to no roster employee (customers, drivers, contractors, WeCom
    external contacts), unless `allowed` names them or `allow_external`; with
    `scope: department`, also current employees outside the group's registered
    department who are not department heads. Someone removed before the
    snapshot is not reported: removal is the remedy (恒达刘建华, removed 28
    minutes after scanning a QR code). A member whose name fits several
    employees is someone's account and is not reported; departed staff are
    MEM001's concern. Dated on the snapshot day; the evidence has the member's
    id, name and join time. The group's responsible person is named as liable.

    ## Clauses
    - 000-A: 嚴禁與工作無關人員進群
    - 001 第十条: 其他与该群无关的人员谢绝加入 (fine: 第十八条)
    - 003, 004: 单位微信群仅限于本单位员工加入, 不得随意邀请外部人员入群
    """
    code = "MEM003"
    name = "member-out-of-scope"
    category = "membership"
    severity = "major"
    clauses = ("000-A", "001 第十条", "003", "004")

    class Options(RuleOptions):
        scope: Literal["company", "department"] = Field(
            "company", description="company: any employee may be a member; department: only the group's "
                                   "department, department heads and `allowed`")
        allowed: People = Field(default_factory=list, description="names, employee ids or platform ids always "
                                                                  "allowed (a customer in a project group)")
        allow_external: bool = Field(False, description="accept every non-employee (customer project groups)")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        scopes = ctx.scopes(self.code)
        if not scopes:
            return concat([], ctx.tz)
        members, _ = _identify(ctx)
        members = members.drop_duplicates(["group_id", "member_id", "display_name"])
        r = ctx.roster.drop_duplicates("employee_id").rename(columns={"employee_id": "person_id"})
        members = members.merge(r[["person_id", "name", "department", "is_manager"]], on="person_id", how="left")
        depts = ctx.groups.drop_duplicates("group_id")[["group_id", "department"]].rename(
            columns={"department": "group_department"})
        members = members.merge(depts, on="group_id", how="left")
        staff = members["person_id"].isin(_current_staff(ctx)["employee_id"])
        outsider = members["person_id"].isna() & ~members["ambiguous"]
        parts = []
        for scope in scopes:
            opts = scope.options
            allowed = (members["member_id"].isin(opts.allowed) | members["display_name"].isin(opts.allowed)
                       | members["nickname"].isin(opts.allowed) | members["person_id"].isin(opts.allowed)
                       | members["name"].isin(opts.allowed))
            bad = outsider & ~pd.Series(opts.allow_external, index=members.index)
            if opts.scope == "department":
                elsewhere = members["group_department"].notna() & (members["department"] != members["group_department"])
                bad |= staff & elsewhere.fillna(False).astype(bool) & ~members["is_manager"].fillna(False).astype(bool)
            df = members[bad & ~allowed & members["group_id"].isin(scope.group_ids)].copy()
            if df.empty:
                continue
            seen = df["display_name"].fillna(df["nickname"]).fillna(df["member_id"])
            since = df["join_time"].dt.strftime("%Y-%m-%d %H:%M").fillna("unknown").astype("str")
            df["evidence"] = np.where(df["person_id"].isna(),
                                      "not in the roster: id " + df["member_id"].fillna("?") + ", shown as " + seen,
                                      df["name"].fillna("") + " is in " + df["department"].fillna("?")
                                      + ", the group belongs to " + df["group_department"].fillna("?")) \
                + "; member since " + since
            df["message"] = np.where(df["person_id"].isna(),
                                     seen + " is a member but not an employee",
                                     df["name"].fillna("") + " is a member but works outside the group's department")
            df = df.assign(person_name=df["name"].fillna(seen), date=pd.Timestamp(ctx.end),
                           source_file=df["source_file"], source_line=df["source_line"])
            parts.append((attach_responsible(df, ctx), scope))
        return _findings(ctx, self, parts)


class SelfQuit(Rule):
    """Members quit a group on their own.

    ## What it checks
    "退出了群聊" events (`leave`) of the audit period by employees (resolved,
    or whose name fits several employees); a quit by someone who is no
    employee is not reported. Leaving the company is not quitting the group:
    someone who quits `leaving_window_workdays` working days before their own
    leave date or any time after it is not reported (吴昊 quits the sales group
    on his last day). One finding per person and group, at the first quit;
    the evidence counts repeats.

    ## Clauses
    - 000-A: 如果群內成員不聽從群管理, 執意退群, 將給以警告處分
    - 002 §三.2.4: 更加不能随意退出自己所在的群
    """
    code = "MEM004"
    name = "member-quit"
    category = "membership"
    severity = "minor"
    clauses = ("000-A", "002 §三.2.4")

    class Options(RuleOptions):
        leaving_window_workdays: WorkDays = Field(2, description="working days before one's leave date from "
                                                                 "which quitting is not reported")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        scopes = ctx.scopes(self.code)
        if not scopes:
            return concat([], ctx.tz)
        _, events = _identify(ctx)
        quits = events[events["event"].eq("leave") & (events["person_id"].notna() | events["ambiguous"])]
        r = ctx.roster.drop_duplicates("employee_id").rename(columns={"employee_id": "person_id"})
        quits = quits.merge(r[["person_id", "name", "leave_date"]], on="person_id", how="left")
        quits["day"] = _day(quits["time"])
        parts = []
        for scope in scopes:
            q = quits[quits["group_id"].isin(scope.group_ids)]
            reach, covered = ctx.calendar.add_workdays(q["day"], scope.options.leaving_window_workdays)
            departing = q["leave_date"].notna() & (reach >= q["leave_date"])
            q = q.assign(calendar_note=np.where(q["leave_date"].notna() & ~covered, _NOTE, None))
            q = q[~departing.fillna(False).astype(bool)]
            if q.empty:
                continue
            who = q["person_id"].fillna("?" + q["target_name"].fillna(""))
            q = q.assign(who=who, times=q.groupby(["group_id", who])["time"].transform("size"))
            q = q.sort_values("time").drop_duplicates(["group_id", "who"])
            q["person_name"] = q["name"].fillna(q["target_name"])
            q["message"] = q["person_name"] + " quit the group on their own"
            q["evidence"] = ("quit " + q["time"].dt.strftime("%Y-%m-%d %H:%M").astype("str")
                             + np.where(q["times"] > 1, " (" + q["times"].astype(str) + " quits in the period)", "")
                             + np.where(q["ambiguous"], "; the name fits several employees", ""))
            parts.append((q.drop(columns=["who", "times"]), scope))
        return _findings(ctx, self, parts)


class GroupManagement(Rule):
    """A group has no responsible person, or too few or too many admins.

    ## What it checks
    The registry's 群负责人 (at least `min_responsible` names) of registered
    groups, and the member list's admins (between `min_admins` and
    `max_admins`; the owner counts as one when `count_owner`) of groups with a
    member list. Dissolved groups are skipped; unregistered ones are LIF001's
    concern, so only their admins are counted. One finding per group, dated
    on the snapshot day; the evidence names the admins.

    ## Clauses
    - 001 第六条: 每个群必须设置至少一个群负责人
    - 000-A: 微信群要求明確設專人管理, 可設管理員1--2人
    """
    code = "MEM005"
    name = "group-management"
    category = "membership"
    severity = "minor"
    clauses = ("001 第六条", "000-A")

    class Options(RuleOptions):
        min_responsible: int = Field(1, ge=0, description="responsible persons the registry must name")
        min_admins: int = Field(0, ge=0, description="fewest admins allowed")
        max_admins: int = Field(2, ge=0, description="most admins allowed")
        count_owner: bool = Field(False, description="count the owner as an admin")

        @model_validator(mode="after")
        def _ordered(self):
            if self.min_admins > self.max_admins:
                raise ValueError(f"min_admins ({self.min_admins}) is above max_admins ({self.max_admins})")
            return self

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        g = ctx.groups.drop_duplicates("group_id")
        g = g[g["status"].ne("dissolved").fillna(True).astype(bool)][["group_id", "registered"]]
        n_resp = responsible_people(ctx).groupby("group_id").size().rename("n_resp")
        m = ctx.members.assign(shown=ctx.members["display_name"].fillna(ctx.members["member_id"]))
        m = m.drop_duplicates(["group_id", "member_id"])
        listed = pd.Index(m["group_id"].unique())
        parts = []
        for scope in ctx.scopes(self.code):
            o = scope.options
            roles = ["admin", "owner"] if o.count_owner else ["admin"]
            admins = m[m["role"].isin(roles)].groupby("group_id").agg(n_admin=("shown", "size"),
                                                                      admins=("shown", "、".join))
            df = g[g["group_id"].isin(scope.group_ids)].merge(n_resp, on="group_id", how="left").merge(
                admins, on="group_id", how="left")
            df["n_resp"] = df["n_resp"].fillna(0).astype(int)
            df["n_admin"] = df["n_admin"].fillna(0).astype(int)
            no_resp = df["registered"].fillna(False).astype(bool) & (df["n_resp"] < o.min_responsible)
            judged = df["group_id"].isin(listed)
            few, many = judged & (df["n_admin"] < o.min_admins), judged & (df["n_admin"] > o.max_admins)
            df = df.assign(no_resp=no_resp, few=few, many=many)[no_resp | few | many]
            if df.empty:
                continue
            n_admin = df["n_admin"].astype(str)
            resp = np.where(df["no_resp"], "the registry names " + df["n_resp"].astype(str) + " responsible "
                            "person(s), at least " + str(o.min_responsible) + " required", "")
            adm = np.select([df["few"], df["many"]],
                            [n_admin + " admin(s), at least " + str(o.min_admins) + " required",
                             n_admin + " admins, at most " + str(o.max_admins) + " allowed"], "")
            both = np.where(df["no_resp"] & (df["few"] | df["many"]), "; ", "")
            df["message"] = pd.Series(resp, index=df.index) + both + adm
            df["evidence"] = np.where(df["n_admin"] > 0, "admins: " + df["admins"].fillna(""), "no admin") \
                + "; responsible persons registered: " + df["n_resp"].astype(str)
            parts.append((df.assign(date=pd.Timestamp(ctx.end)), scope))
        return _findings(ctx, self, parts)


class OwnerNotEmployee(Rule):
    """A group's owner is not a current (formal) employee.

    ## What it checks
    The owner in the member list (else the registry's 群主) must resolve to a
    roster employee who has not left by the snapshot day and whose 职级 is
    not one of `excluded_levels`. An owner whose name fits several employees
    is not reported. Dissolved groups are skipped. Dated on the snapshot day.

    ## Clauses
    - 002 §三.1.2: 群主必须为公司内的员工
    - 003: 群主必须是单位内的正式员工
    """
    code = "MEM006"
    name = "owner-not-employee"
    category = "membership"
    severity = "major"
    clauses = ("002 §三.1.2", "003")

    class Options(RuleOptions):
        excluded_levels: list[str] = Field(default_factory=list, description="roster 职级 values that are not "
                                                                             "formal employees, e.g. 实习生")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        scopes = ctx.scopes(self.code)
        if not scopes:
            return concat([], ctx.tz)
        members, _ = _identify(ctx)
        owners = members[members["role"].eq("owner").fillna(False).astype(bool) & ~members["ambiguous"]]
        owners = owners.drop_duplicates(["group_id", "member_id"]).assign(
            shown=lambda o: o["display_name"].fillna(o["member_id"]), source="member list")
        # groups whose member list names no owner: the registry's 群主, told apart like 群负责人
        g = ctx.groups.drop_duplicates("group_id")
        g = g[g["status"].ne("dissolved").fillna(True).astype(bool) & ~g["group_id"].isin(owners["group_id"])]
        reg = responsible_people(replace(ctx, groups=g.assign(responsible=g["owner"])))
        homonyms = ctx.roster["name"].value_counts()
        reg = reg[reg["responsible_id"].notna() | ~reg["responsible_name"].map(homonyms).gt(1)]
        reg = reg.rename(columns={"responsible_id": "person_id", "responsible_name": "shown"}).assign(
            source="registry")
        owners = pd.concat([owners[["group_id", "person_id", "shown", "source", "source_file", "source_line"]], reg])
        r = ctx.roster.drop_duplicates("employee_id").rename(columns={"employee_id": "person_id"})
        owners = owners.merge(r[["person_id", "name", "level", "leave_date"]], on="person_id", how="left")
        gone = owners["leave_date"] <= pd.Timestamp(ctx.end)
        parts = []
        for scope in scopes:
            o = owners[owners["group_id"].isin(scope.group_ids)]
            gone_ = gone[o.index].fillna(False).astype(bool)
            level = o["level"].isin(scope.options.excluded_levels) & o["person_id"].notna()
            df = o[o["person_id"].isna() | gone_ | level].copy()
            if df.empty:
                continue
            why = np.select([df["person_id"].isna(), gone_[df.index]],
                            ["is not in the roster", "left the company on " + _ymd(df["leave_date"])],
                            "has 职级 " + df["level"].fillna(""))
            df["person_name"] = df["name"].fillna(df["shown"])
            df["message"] = "the owner " + df["person_name"] + " " + why
            df["evidence"] = "owner " + df["shown"] + " (" + df["source"] + ") " + why
            parts.append((df.assign(date=pd.Timestamp(ctx.end)), scope))
        return _findings(ctx, self, parts)
