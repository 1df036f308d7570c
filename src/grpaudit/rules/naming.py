"""Naming rules (NAM): group names and members' display names."""
from __future__ import annotations

from typing import Literal

import pandas as pd
from pydantic import Field

from ..findings import concat
from ..policy.schema import DisplayNameForm, GroupNameForm, RuleOptions, Separators, WorkDays
from ..policy.templates import DEFAULT_SEPARATORS, NameTemplate, Vocabulary, matcher
from .base import AuditContext, Rule, Scope, memoized
from .common import attach_responsible, person_keys, responsible_people

ROLES = ("owner", "admin", "responsible")


def _day(times: pd.Series, tz: str) -> pd.Series:
    """The local calendar day (naive midnight) of tz-aware instants."""
    return times.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()


def _expected(forms, values: pd.DataFrame, vocab: Vocabulary, separator: str) -> pd.Series:
    """The accepted names for each row of ``values``, rendered ('A or B'); a regex form shows as /…/."""
    out = pd.Series(pd.NA, index=values.index, dtype="str")
    for form in forms:
        text = (form.render_frame(values, separator, vocab) if isinstance(form, NameTemplate)
                else pd.Series(str(form), index=values.index, dtype="str"))
        both = out.notna() & text.notna()
        out = out.where(~both, out + " or " + text).fillna(text)
    return out


def _owners(ctx: AuditContext) -> pd.DataFrame:
    """group_id → the owner the member list shows: person_id and name (roster name, else display name)."""
    own = ctx.members.loc[ctx.members["role"] == "owner", ["group_id", "person_id", "display_name"]]
    own = own.drop_duplicates("group_id").merge(
        ctx.roster[["employee_id", "name"]].rename(columns={"employee_id": "person_id"}), on="person_id", how="left")
    return pd.DataFrame({"group_id": own["group_id"], "person_id": own["person_id"],
                         "person_name": own["name"].fillna(own["display_name"])})


class GroupName(Rule):
    """A group's name follows its class's name template.

    ## What it checks
    Every group's current name (the registry's, else the name seen in the
    exports; dissolved groups are skipped) against the templates of its
    class; a name that fits none is a finding dated on the last day of the
    audit, with the templates and a suggested name (the template filled with
    the company's name, the group's department and its current name) in the
    evidence. When a template has `{dept}` and the group is registered with a
    department, the department in the name must be that one. The person is
    the owner the member list shows (who can rename the group); the
    registry's responsible person is named as liable.

    ## Why it matters
    A template makes a group's owner and purpose readable at a glance and lets
    auditors tell company groups from private ones.

    ## Clauses
    - 001 第八条: 公司公共微信群必须按照统一格式（“公司名+群名”）进行命名 (fines: 第十五条, 第十六条)
    - 000-A: 澤東XXXX工作群 或者 澤東XXXX團隊
    - 000-B §三.2: “[部门/项目]-[群组用途]”, e.g. 市场部-新品推广组

    ## Example
    ```yaml
    NAM001:
      options: {templates: ["{company}{purpose}工作群", "{company}{purpose}團隊"]}
      classes:
        interest: {enabled: false}
    ```
    """
    code = "NAM001"
    name = "group-name-template"
    category = "naming"
    severity = "minor"
    clauses = ("001 第八条", "000-A", "000-B §三.2")

    class Options(RuleOptions):
        templates: list[GroupNameForm] = Field(
            min_length=1, description="accepted group names: templates (see docs/policy.md) or {regex: …}")
        separators: Separators = Field(list(DEFAULT_SEPARATORS), description="what a '+' in a template accepts")
        match_department: bool = Field(True, description="a {dept} in the name must be the group's registered "
                                                         "department")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        vocab = ctx.policy.vocabulary
        frames = []
        for scope in ctx.scopes(self.code):
            opts = scope.options
            g = ctx.groups[ctx.groups["group_id"].isin(scope.group_ids) & ctx.groups["status"].ne("dissolved")
                           .fillna(True)].drop_duplicates("group_id").reset_index(drop=True)
            names = g["group_name"].astype("str").str.strip()
            dept = pd.DataFrame({"dept": g["department"]}, index=g.index)
            ok = pd.Series(False, index=g.index)
            for form in opts.templates:
                fits = matcher(form, vocab, opts.separators).search(names)
                if (opts.match_department and isinstance(form, NameTemplate)
                        and {"dept", "dept_short"} & set(form.fields)):
                    # an unregistered group has no department to compare: its shape is all we can check
                    fits &= g["department"].isna().to_numpy() | form.fits(names, dept, vocab, opts.separators)
                ok |= fits
            bad = g[~ok]
            if bad.empty:
                continue
            frames.append(ctx.findings(self._rows(bad, names[~ok], ctx, opts), self, scope))
        return concat(frames, ctx.tz)

    def _rows(self, bad: pd.DataFrame, names: pd.Series, ctx: AuditContext, opts) -> pd.DataFrame:
        vocab = ctx.policy.vocabulary
        company = vocab.companies[0] if vocab.companies else pd.NA
        values = pd.DataFrame({"company": company, "dept": bad["department"], "name": names, "purpose": names,
                               "project": names}, index=bad.index).astype("str")
        suggested = _expected([f for f in opts.templates if isinstance(f, NameTemplate)], values, vocab,
                              opts.separators[0])
        templates = " | ".join(str(f) for f in opts.templates)
        evidence = "name " + names + "; templates " + templates
        evidence = evidence.where(suggested.isna(), evidence + "; e.g. " + suggested)
        out = pd.DataFrame({"platform": bad["platform"], "group_id": bad["group_id"], "group_name": names,
                            "date": pd.Timestamp(ctx.end), "evidence": evidence,
                            "message": "Group name " + names + " does not follow the naming template " + templates
                                       + ".",
                            "source_file": bad["source_file"], "source_line": bad["source_line"]})
        out = out.merge(_owners(ctx), on="group_id", how="left")
        return attach_responsible(out, ctx)


class DisplayName(Rule):
    """A member's display name follows the template for their role, with their roster name.

    ## What it checks
    Every member resolved to one roster employee, in each group: the display
    name in the member list (the snapshot at the end of the audit) and the
    names seen on their messages during the audit, against the templates for
    their role there: the owner and admins (member list) and the registry's
    responsible person(s) use `roles` templates when the policy gives them
    (any of their roles' templates is accepted), everyone else `templates`.
    Fields are filled from the roster (name, department, title). Members who
    cannot be resolved, or only to several people, are not checked here
    (unknown members are MEM003's concern), nor are departed employees after
    their leave date (MEM001's).

    A personnel change starts a grace period of `grace_workdays` working days
    (the last day allowed is the deadline): the member joining the group (the
    member list's join time or a join event) or being hired, whichever is
    later. Names seen up to the deadline are not findings, so `马骏` renamed to
    `销售部马骏` the day after joining is fine. The roster shows only the
    current department and title, so a name whose only fault is an old
    department or title (`销售部郑雪` after a transfer to 行政中心) is judged
    at the snapshot alone: messages before the transfer were right then.

    One finding per member and group, dated at the first wrong name seen on
    a message after the deadline, else at the deadline when it fell in the
    audit, else on the snapshot day. The evidence lists the names seen and
    the expected one (the template filled from the roster). The group's
    responsible person is named as liable, unless the member is one.

    ## Why it matters
    Real names make every message attributable; 001 fines both the member and
    the group's responsible person for each wrong name.

    ## Clauses
    - 001 第八条: 除群主和群负责人以外其他群成员必须以真实姓名作为群昵称; 群主 “群主”, 群负责人 “真实姓名+(群负责人)” (fines: 第十六条, 第十七条)
    - 001 第九条: 人事变动后 2 个工作日之内完成群昵称的修改
    - 002 §三.2.2: 修改群名称 “部门+姓名”
    - 000-A: 一律以真实姓名为群昵称
    - 000-B §三.5: “真实姓名+部门/岗位”
    - 003, 004: 群成员应使用真实姓名

    ## Example
    ```yaml
    NAM002:
      options:
        templates: ["{name}"]
        roles:
          owner: ["群主"]
          responsible: ["{name}(群负责人)"]
        grace_workdays: 2
    ```
    """
    code = "NAM002"
    name = "display-name-template"
    category = "naming"
    severity = "minor"
    clauses = ("001 第八条", "001 第九条", "002 §三.2.2", "000-A", "000-B §三.5", "003", "004")

    class Options(RuleOptions):
        templates: list[DisplayNameForm] = Field(
            ["{name}"], min_length=1, description="accepted display names for members without a role template")
        roles: dict[Literal["owner", "admin", "responsible"], list[DisplayNameForm]] = Field(
            default_factory=dict, description="templates for the owner, admins or the registry's responsible "
                                              "person(s), replacing `templates` for them")
        separators: Separators = Field(list(DEFAULT_SEPARATORS), description="what a '+' in a template accepts")
        grace_workdays: WorkDays = Field(2, description="working days after joining the group or being hired "
                                                        "before a wrong name is a finding")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for scope in ctx.scopes(self.code):
            subjects = _subjects(ctx, scope)
            if subjects.empty:
                continue
            wrong = pd.concat([_snapshot_wrong(ctx, scope, subjects), _messages_wrong(ctx, scope, subjects)],
                              ignore_index=True)
            if len(wrong):
                frames.append(ctx.findings(_display_rows(wrong, subjects, ctx), self, scope))
        return concat(frames, ctx.tz)


# ---- NAM002: who is checked, against what, and what was seen ---------------

_KEYS = ["group_id", "person_id"]


def _in_scope(df: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    return df[df["group_id"].isin(scope.group_ids) & df["person_id"].notna()]


def _period_names(ctx: AuditContext, scope: Scope) -> pd.DataFrame:
    """Distinct (group_id, person_id, sender_id, name) of the scope's messages in the audit period
    sent by resolved senders with a display name (``name`` stripped).

    What the NAM002 steps need of a million messages is a few thousand such
    rows: they are found once per context, over the columns they read only.
    """
    def make() -> pd.DataFrame:
        m = ctx.messages
        lo, hi = ctx.period_bounds()
        keep = (m["person_id"].notna() & m["sender_name"].notna() & (m["time"] >= lo) & (m["time"] < hi)).to_numpy()
        seen = m.loc[keep, ["group_id", "person_id", "sender_id", "sender_name"]].drop_duplicates()
        seen = seen.assign(name=seen["sender_name"].str.strip()).drop(columns="sender_name")
        return seen.drop_duplicates().reset_index(drop=True)

    names = memoized(ctx, ("NAM002 names", ctx.start, ctx.end, ctx.tz), (ctx.messages,), make)
    return names[names["group_id"].isin(scope.group_ids).to_numpy()]


def _sightings(ctx: AuditContext, wanted: pd.DataFrame) -> pd.DataFrame:
    """The period's messages whose (group_id, person_id, stripped sender name as ``seen``) is a row of
    ``wanted``, joined to it, with their local ``day``."""
    m = ctx.messages
    lo, hi = ctx.period_bounds()
    # the people first: one cheap test that leaves the few rows the merge must look at
    keep = (m["person_id"].isin(wanted["person_id"].unique()) & (m["time"] >= lo) & (m["time"] < hi)).to_numpy()
    m = m.loc[keep, _KEYS + ["sender_name", "time", "source_file", "source_line"]]
    m = m.assign(seen=m["sender_name"].str.strip(), day=_day(m["time"], ctx.tz)).drop(columns="sender_name")
    return m.merge(wanted, on=_KEYS + ["seen"])


def _keys(df: pd.DataFrame, col: str) -> pd.DataFrame:
    """(group_id, ``col``, person_id) of a table with person ids, for ``person_keys``."""
    return df[["group_id", col, "person_id"]]


def _joined(ctx: AuditContext, scope: Scope, members: pd.DataFrame, messages: pd.DataFrame) -> pd.DataFrame:
    """(group_id, person_id) → the last day they joined: the member list's join time or a join event.

    Join events name their target by platform id or display name; both are
    matched to the ids and names the person used in that group.
    """
    listed = members.assign(day=_day(members["join_time"], ctx.tz))[_KEYS + ["day"]]
    ids = person_keys(_keys(members, "member_id"), _keys(messages, "sender_id"))
    names = person_keys(_keys(members, "display_name"), _keys(members, "nickname"), _keys(messages, "name"))
    ev = ctx.events[(ctx.events["event"] == "join") & ctx.events["group_id"].isin(scope.group_ids)
                    & ctx.events["time"].notna()]
    ev = ev.assign(day=_day(ev["time"], ctx.tz))
    ev = ev[ev["day"] <= pd.Timestamp(ctx.end)]
    matched = [ev.merge(table, left_on=["group_id", col], right_on=["group_id", "key"])[_KEYS + ["day"]]
               for col, table in (("target_id", ids), ("target_name", names))]
    days = pd.concat([listed, *matched])
    return days.groupby(_KEYS, as_index=False)["day"].max().rename(columns={"day": "joined"})


def _subjects(ctx: AuditContext, scope: Scope) -> pd.DataFrame:
    """One row per (group, resolved employee) seen in the scope's groups.

    Roster values (``name``, ``dept``, ``title``, ``leave_date``), the role key
    (``owner+responsible``… among the roles the policy has templates for;
    ``""`` for the general templates), the grace ``deadline`` with its
    ``covered`` flag, and the ``expected`` name.
    """
    opts, vocab = scope.options, ctx.policy.vocabulary
    members, messages = _in_scope(ctx.members, scope), _period_names(ctx, scope)
    subjects = pd.concat([members[_KEYS], messages[_KEYS]]).drop_duplicates()
    roster = ctx.roster.rename(columns={"employee_id": "person_id", "department": "dept"})
    # an id the roster lists twice cannot be told apart: not checked
    roster = roster[~roster["person_id"].duplicated(keep=False)]
    subjects = subjects.merge(roster[["person_id", "name", "dept", "title", "hire_date", "leave_date"]],
                              on="person_id")
    roles = pd.DataFrame({"group_id": members["group_id"], "person_id": members["person_id"],
                          "owner": members["role"] == "owner", "admin": members["role"] == "admin"})
    resp = responsible_people(ctx)[["group_id", "responsible_id"]].dropna().drop_duplicates()
    roles = pd.concat([roles, resp.rename(columns={"responsible_id": "person_id"}).assign(responsible=True)])
    roles = roles.fillna({r: False for r in ROLES}).astype({r: bool for r in ROLES})
    subjects = subjects.merge(roles.groupby(_KEYS, as_index=False)[list(ROLES)].any(), on=_KEYS, how="left")
    subjects[list(ROLES)] = subjects[list(ROLES)].fillna(False).astype(bool)
    key = pd.Series("", index=subjects.index, dtype="str")
    for role in ROLES:
        if role in opts.roles:
            key = key.where(~subjects[role], key + "+" + role)
    subjects["key"] = key

    subjects = subjects.merge(_joined(ctx, scope, members, messages), on=_KEYS, how="left")
    subjects["change"] = subjects[["joined", "hire_date"]].max(axis=1)
    deadline, covered = ctx.calendar.add_workdays(subjects["change"], opts.grace_workdays)
    subjects["deadline"], subjects["covered"] = deadline, covered
    subjects["expected"] = pd.Series(pd.NA, index=subjects.index, dtype="str")
    for k, rows in subjects.groupby("key").groups.items():
        subjects.loc[rows, "expected"] = _expected(_forms(opts, k), subjects.loc[rows], vocab, opts.separators[0])
    return subjects.reset_index(drop=True)


def _forms(opts, key: str) -> list:
    """The templates for a role key: the union of its roles' templates, else the general ones."""
    roles = [r for r in key.split("+") if r]
    return [f for r in roles for f in opts.roles[r]] if roles else list(opts.templates)


def _judge(obs: pd.DataFrame, ctx: AuditContext, scope: Scope) -> pd.DataFrame:
    """Add ``fits`` (``seen`` follows a template with the roster's values), ``shape`` (it does
    with the real name, whatever department or title it shows) and ``seen_dept``."""
    opts, vocab, seps = scope.options, ctx.policy.vocabulary, scope.options.separators
    obs = obs.assign(fits=False, shape=False, seen_dept=pd.Series(pd.NA, index=obs.index, dtype="str"))
    for k, rows in obs.groupby("key").groups.items():
        sub = obs.loc[rows]
        for form in _forms(opts, k):
            rx = matcher(form, vocab, seps)
            fits = shape = rx.search(sub["seen"])
            if isinstance(form, NameTemplate):
                fits = form.fits(sub["seen"], sub, vocab, seps)
                got = rx.extract(sub["seen"])
                if "name" in form.fields:
                    shape = shape & (got["name"] == sub["name"]).fillna(False).astype(bool)
                for field in {"dept", "dept_short"} & set(form.fields):
                    dept = got[field].map(vocab.department_forms).astype("str") if vocab.departments else got[field]
                    obs.loc[rows, "seen_dept"] = obs.loc[rows, "seen_dept"].fillna(dept)
            obs.loc[rows, "fits"] |= fits.to_numpy()
            obs.loc[rows, "shape"] |= shape.to_numpy()
    return obs


def _with_values(obs: pd.DataFrame, subjects: pd.DataFrame) -> pd.DataFrame:
    """Observations (``seen`` names) joined to their subject's roster values, role key and grace."""
    cols = _KEYS + ["name", "dept", "title", "key", "deadline", "leave_date"]
    return obs.merge(subjects[cols], on=_KEYS).reset_index(drop=True)


def _snapshot_wrong(ctx: AuditContext, scope: Scope, subjects: pd.DataFrame) -> pd.DataFrame:
    """Member-list names that break the template at the snapshot, past the grace, of current staff."""
    m = _in_scope(ctx.members, scope)
    m = m[m["display_name"].notna()].assign(seen=m["display_name"].str.strip())
    m = m.drop_duplicates(_KEYS + ["seen"])[_KEYS + ["seen", "source_file", "source_line"]]
    end = pd.Timestamp(ctx.end)
    obs = _with_values(m, subjects)
    current = obs["leave_date"].isna() | (obs["leave_date"] > end)
    obs = _judge(obs[(obs["deadline"].isna() | (obs["deadline"] < end)) & current], ctx, scope)
    bad = obs[~obs["fits"]]
    stale = bad["shape"] & bad["seen_dept"].ne(bad["dept"]).fillna(False).astype(bool)
    note = ("; the name shows " + bad["seen_dept"] + ", the roster " + bad["dept"]
            + " (no transfer date known: judged at the snapshot)")
    return pd.DataFrame({"group_id": bad["group_id"], "person_id": bad["person_id"], "seen": bad["seen"],
                         "piece": bad["seen"] + " (member list " + end.strftime("%Y-%m-%d") + ")",
                         "time": pd.Series(pd.NaT, index=bad.index, dtype=f"datetime64[ns, {ctx.tz}]"),
                         "note": note.where(stale, "").fillna(""),
                         "source_file": bad["source_file"], "source_line": bad["source_line"]})


def _messages_wrong(ctx: AuditContext, scope: Scope, subjects: pd.DataFrame) -> pd.DataFrame:
    """Names on messages after the grace (and before leaving) that are wrong whatever the transfers.

    Distinct names are judged once; only the messages of wrong names are then
    looked at, to find when each was first and last seen.
    """
    names = _with_values(_period_names(ctx, scope).rename(columns={"name": "seen"})[_KEYS + ["seen"]]
                         .drop_duplicates(), subjects)
    wrong = _judge(names, ctx, scope)
    wrong = wrong.loc[~wrong["shape"], _KEYS + ["seen", "deadline", "leave_date"]]
    m = _sightings(ctx, wrong)
    m = m[(m["deadline"].isna() | (m["day"] > m["deadline"])) & (m["leave_date"].isna() | (m["day"] <= m["leave_date"]))]
    m = m.sort_values("time", kind="stable")
    keys = _KEYS + ["seen"]
    first = m.drop_duplicates(keys)
    last = m.drop_duplicates(keys, keep="last")[keys + ["time"]].rename(columns={"time": "last"})
    out = first.merge(last, on=keys)
    fmt = "%Y-%m-%d %H:%M"
    span = out["time"].dt.strftime(fmt)
    span = span.where(out["time"].eq(out["last"]), span + "–" + out["last"].dt.strftime(fmt))
    return pd.DataFrame({"group_id": out["group_id"], "person_id": out["person_id"], "seen": out["seen"],
                         "piece": out["seen"] + " (messages " + span + ")", "time": out["time"], "note": "",
                         "source_file": out["source_file"], "source_line": out["source_line"]})


def _display_rows(wrong: pd.DataFrame, subjects: pd.DataFrame, ctx: AuditContext) -> pd.DataFrame:
    """One finding row per (group, person) from their wrong sightings: the first one dates it."""
    # messages by time first, the member list (no time) last
    wrong = wrong.sort_values("time", kind="stable", na_position="last")
    by = wrong.groupby(_KEYS, sort=False)
    rows = by.first()[["time", "source_file", "source_line"]].join(by.agg(
        seen=("seen", lambda s: "、".join(dict.fromkeys(s))), pieces=("piece", ", ".join),
        note=("note", "".join))).reset_index()
    rows = rows.merge(subjects, on=_KEYS)
    start, end = pd.Timestamp(ctx.start), pd.Timestamp(ctx.end)
    in_audit = rows["deadline"].between(start, end)
    day = rows["deadline"].where(in_audit, end)
    rows["date"] = _day(rows["time"], ctx.tz).fillna(day)
    grace = "; grace until " + rows["deadline"].dt.strftime("%Y-%m-%d") + " (joined or hired " \
        + rows["change"].dt.strftime("%Y-%m-%d") + ")"
    relevant = rows["deadline"] >= start
    evidence = ("seen " + rows["pieces"] + "; expected " + rows["expected"].fillna("(a name the roster cannot fill)")
                + grace.where(relevant, "").fillna("") + rows["note"])
    uncovered = rows["deadline"].notna() & ~rows["covered"].astype(bool) & relevant
    note = ("grace deadline " + rows["deadline"].dt.strftime("%Y-%m-%d") + " counted on weekends only: "
            "chinese-calendar has no data for " + rows["deadline"].dt.year.astype("str"))
    groups = ctx.groups.drop_duplicates("group_id")[["group_id", "group_name", "platform"]]
    out = pd.DataFrame({"group_id": rows["group_id"], "person_id": rows["person_id"], "person_name": rows["name"],
                        "time": rows["time"], "date": rows["date"], "evidence": evidence,
                        "calendar_note": note.where(uncovered, pd.NA),
                        "source_file": rows["source_file"], "source_line": rows["source_line"],
                        "is_responsible": rows["responsible"]}).merge(groups, on="group_id", how="left")
    out["message"] = (out["person_name"] + "'s display name in " + out["group_name"].fillna(out["group_id"])
                      + " is " + rows["seen"] + ", expected " + rows["expected"].fillna("a name the template accepts")
                      + ".")
    # 001 第十七条 charges the responsible person for *other* members' names; their own is theirs alone
    out = attach_responsible(out, ctx, others_only=True, own=out["is_responsible"])
    return out.drop(columns="is_responsible")
