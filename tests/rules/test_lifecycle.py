"""Lifecycle rules (LIF001–LIF004) over the demo month and over small synthetic tables."""
import datetime as dt
import textwrap
from pathlib import Path

import pandas as pd

from grpaudit import model
from grpaudit.findings import FINDINGS, concat
from grpaudit.policy import load_policy
from grpaudit.rules import RULES, AuditContext, run_rules

TZ = "Asia/Shanghai"
DATA = Path(__file__).resolve().parent / "data" / "lifecycle"
POLICY = DATA / "lifecycle.yaml"
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
LIF = ["LIF001", "LIF002", "LIF003", "LIF004"]
D = pd.Timestamp


def keys(findings: pd.DataFrame) -> set:
    """(rule, group, person id else name, day) of each finding."""
    who = findings["person_id"].fillna(findings["person_name"]).fillna("-")
    return set(zip(findings["rule"], findings["group_name"], who, findings["date"].dt.date))


def lifecycle(ctx: AuditContext) -> pd.DataFrame:
    """The LIF rules the policy enables (other families are tested on their own)."""
    return concat([RULES[c].check(ctx) for c in LIF if c in ctx.policy.rules], ctx.tz)


def extend(tmp_path: Path, rules: str) -> Path:
    """A policy extending data/lifecycle/lifecycle.yaml with ``rules`` (YAML under ``rules:``)."""
    path = tmp_path / "p.yaml"
    path.write_text(f"extends: {POLICY}\nrules:\n" + textwrap.indent(textwrap.dedent(rules).strip("\n"), "  ")
                    + "\n", encoding="utf-8")
    return path


# ---- synthetic tables --------------------------------------------------------

ROSTER = model.conform(pd.DataFrame([
    # id, name, department, leave date
    ("ZD1003", "王磊", "销售部", None),
    ("ZD1006", "彭勇", "仓储物流部", None),
    ("ZD1013", "张伟", "销售部", None),
    ("ZD1016", "吴昊", "销售部", "2026-10-16"),       # Fri: 2 working days → Tue 10-20
    ("ZD1018", "张伟", "研发部", "2026-09-29"),       # Tue: 2 working days → 09-30, 10-08 (National Day)
    ("ZD1026", "谢刚", "仓储物流部", "2026-10-29"),   # Thu: 2 working days → Mon 11-02, after the period
    ("ZD1040", "孔亮", "研发部", "2027-01-05"),
], columns=["employee_id", "name", "department", "leave_date"]).assign(
    leave_date=lambda d: pd.to_datetime(d["leave_date"])), model.ROSTER, TZ)


def groups(*rows: dict) -> pd.DataFrame:
    base = {"platform": "wechat", "group_type": "department", "department": "销售部", "registered": True,
            "status": "active", "registered_date": D("2025-01-06"), "source_file": "groups.csv"}
    df = pd.DataFrame([base | r for r in rows])
    for c in ("registered_date", "end_date"):
        if c in df:
            df[c] = pd.to_datetime(df[c])
    df["source_line"] = range(2, len(df) + 2)
    return model.conform(df, model.GROUPS, TZ)


def messages(*rows: tuple) -> pd.DataFrame:
    """(group_id, time, sender_name) rows, one line each of chat.csv."""
    df = pd.DataFrame(rows, columns=["group_id", "time", "sender_name"])
    df["time"] = pd.to_datetime(df["time"]).dt.tz_localize(TZ)
    return model.conform(df.assign(kind="text", text="…", source_file="chat.csv",
                                   source_line=range(2, len(df) + 2)), model.MESSAGES, TZ)


def members(*rows: tuple) -> pd.DataFrame:
    """(group_id, display_name, role, person_id) rows."""
    df = pd.DataFrame(rows, columns=["group_id", "display_name", "role", "person_id"])
    return model.conform(df.assign(member_id=df["display_name"]), model.MEMBERS, TZ)


def context(policy=POLICY, period=OCT, **tables) -> AuditContext:
    tables.setdefault("roster", ROSTER)
    return AuditContext.build(load_policy(policy), *period, tz=TZ, **tables)


# ---- the demo month ------------------------------------------------------------

def test_demo_001_reports_the_unregistered_group_and_the_overdue_temporary_group(ctx_of):
    found = lifecycle(ctx_of("zedong-001.yaml"))
    # 澤東中秋活动临时群 (ended 9/27, dissolved, no export) is not a finding; LIF004 is not in 001's policy
    assert keys(found) == {("LIF001", "智能仓储V3.2联调群", "ZD1004", dt.date(2026, 10, 9)),
                           ("LIF002", "澤東国庆值班临时群", "ZD1006", dt.date(2026, 10, 13))}
    unreg = found[found["rule"] == "LIF001"].iloc[0]
    assert unreg["group_id"] == "815520936" and unreg["platform"] == "qq" and unreg["group_class"] == "project"
    assert unreg["person_name"] == "林峰" and pd.isna(unreg["responsible_id"])
    assert unreg["time"] == D("2026-10-09 20:43:38", tz=TZ)
    assert unreg["evidence"] == ("id 815520936 (qq) not in the registry; 15 messages in the period, "
                                 "2026-10-09 … 2026-10-20; 6 members at the snapshot")
    assert unreg["clause"] == "001 第七条" and unreg["severity"] == "minor"
    temp = found[found["rule"] == "LIF002"].iloc[0]
    assert (temp["responsible_id"], temp["responsible_name"], temp["person_name"]) == ("ZD1026", "谢刚", "彭勇")
    assert temp["time"] == D("2026-10-13 10:20:33", tz=TZ)
    assert temp["evidence"] == ("ended 2026-10-08; last day to dissolve 2026-10-12 (3 working days); first "
                                "message after it 2026-10-13 10:20:33 by 唐亮; registry status active; "
                                "6 members at the snapshot")
    assert temp["message"] == ("澤東国庆值班临时群 ended on 2026-10-08 but was still alive after 2026-10-12, "
                               "the last day to dissolve it")
    assert temp["source_file"].endswith("dingtalk_admin_export.csv") and temp["source_line"] == 17
    assert pd.isna(temp["calendar_note"])


def test_demo_002_enables_no_lifecycle_rule(ctx_of):
    assert lifecycle(ctx_of("zedong-002.yaml")).empty


def test_demo_with_every_lifecycle_rule(ctx_of):
    found = run_rules(ctx_of(POLICY))   # the policy enables the LIF rules only
    # 14 days without a message by 10-31: only the duty group (last message 10-13); 吴昊 left but was no
    # one's owner or responsible person, so LIF003 has nothing
    assert keys(found) == {("LIF001", "智能仓储V3.2联调群", "ZD1004", dt.date(2026, 10, 9)),
                           ("LIF002", "澤東国庆值班临时群", "ZD1006", dt.date(2026, 10, 13)),
                           ("LIF004", "澤東国庆值班临时群", "ZD1006", dt.date(2026, 10, 31))}
    inactive = found[found["rule"] == "LIF004"].iloc[0]
    assert inactive["severity"] == "info" and pd.isna(inactive["time"])
    assert inactive["evidence"] == ("last message 2026-10-13 10:20:33 by 唐亮; 14 calendar days without one by "
                                    "2026-10-27; none up to 2026-10-31")
    assert inactive["message"] == ("澤東国庆值班临时群 has had no message since 2026-10-13 (18 days): "
                                   "review whether it is still needed")


def test_demo_registry_naming_a_departed_responsible_person(ctx_of, demo):
    # 吴昊 (left Fri 10-16) as the sales group's 群负责人: hand-over due by Tue 10-20
    reg = demo.groups.copy()
    reg.loc[reg["group_name"] == "澤東销售部工作群", "responsible"] = "吴昊、王磊"
    found = RULES["LIF003"].check(ctx_of(POLICY, groups=reg))
    assert keys(found) == {("LIF003", "澤東销售部工作群", "ZD1016", dt.date(2026, 10, 20))}
    row = found.iloc[0]
    assert row["evidence"] == ("ZD1016 (销售部); left 2026-10-16, hand-over due by 2026-10-20 (2 working days); "
                               "still 群负责人 in the registry at 2026-10-31")
    assert row["message"] == "吴昊, 群负责人 of 澤東销售部工作群, left the company on 2026-10-16 and was not replaced"
    assert (row["responsible_id"], row["severity"], row["source_line"]) == ("ZD1016", "major", 3)


def test_demo_dissolved_group_with_a_message_after_its_deadline_is_reported(ctx_of, demo):
    late = messages(("41120986534@chatroom", "2026-10-08 10:00:00", "刘洋")).assign(group_name="澤東中秋活动临时群")
    found = RULES["LIF002"].check(ctx_of(POLICY, messages=pd.concat([demo.messages, late], ignore_index=True)))
    # ended Sun 9/27: 3 working days are Mon 9-28, Tue 9-29, Wed 9-30
    assert ("LIF002", "澤東中秋活动临时群", "ZD1011", dt.date(2026, 10, 8)) in keys(found)
    row = found[found["group_name"] == "澤東中秋活动临时群"].iloc[0]
    assert "last day to dissolve 2026-09-30" in row["evidence"] and "registry status dissolved" in row["evidence"]


# ---- LIF001 ----------------------------------------------------------------------

def test_unregistered_options_and_near_misses(tmp_path):
    reg = groups({"group_id": "g1", "group_name": "澤東销售部工作群"},
                 {"group_id": "x1", "group_name": "澤東销售部工作群", "registered": False},   # name registered
                 {"group_id": "x2", "group_name": "私建项目群", "registered": False},
                 {"group_id": "x3", "group_name": "只在成员表的群", "registered": False},
                 {"group_id": "x4", "group_name": "九月的群", "registered": False})
    msgs = messages(("x1", "2026-10-09 09:00:00", "王磊"), ("x2", "2026-10-12 09:00:00", "王磊"),
                    ("x2", "2026-10-14 09:00:00", "张伟"), ("x4", "2026-09-30 09:00:00", "王磊"))
    mem = members(("x2", "王磊", "owner", "ZD1003"), ("x3", "老王", "owner", None))
    ctx = context(groups=reg, messages=msgs, members=mem)
    assert keys(RULES["LIF001"].check(ctx)) == {("LIF001", "私建项目群", "ZD1003", dt.date(2026, 10, 12))}

    ctx = context(extend(tmp_path, "LIF001: {options: {min_messages: 0, match_names: false}}"),
                  groups=reg, messages=msgs, members=mem)
    found = RULES["LIF001"].check(ctx)
    # a name match no longer counts; with 0 messages a member list (or an export outside the period) is enough
    assert keys(found) == {("LIF001", "澤東销售部工作群", "-", dt.date(2026, 10, 9)),
                           ("LIF001", "私建项目群", "ZD1003", dt.date(2026, 10, 12)),
                           ("LIF001", "只在成员表的群", "老王", dt.date(2026, 10, 31)),
                           ("LIF001", "九月的群", "-", dt.date(2026, 10, 31))}
    ev = found.set_index("group_id")["evidence"]
    assert ev["x3"] == "id x3 (wechat) not in the registry; no message in the period; 1 members at the snapshot"
    assert ev["x4"] == "id x4 (wechat) not in the registry; no message in the period; not in the member lists"

    ctx = context(extend(tmp_path, "LIF001: {options: {min_messages: 3}}"), groups=reg, messages=msgs)
    assert RULES["LIF001"].check(ctx).empty


def test_unregistered_needs_a_registry():
    seen_only = groups({"group_id": "x2", "group_name": "私建项目群", "registered": False})
    assert RULES["LIF001"].check(context(groups=seen_only,
                                         messages=messages(("x2", "2026-10-12 09:00:00", "王磊")))).empty


# ---- LIF002 ----------------------------------------------------------------------

def test_temporary_grace_period_across_national_day():
    # ended Wed 9-30: the 3 working days are Thu 10-08, Fri 10-09 and the adjusted Sat 10-10
    reg = groups({"group_id": "t1", "group_name": "节前临时群", "group_type": "temporary", "responsible": "王磊",
                  "end_date": "2026-09-30", "status": "dissolved"},
                 {"group_id": "t2", "group_name": "节前二号临时群", "group_type": "temporary", "responsible": "王磊",
                  "owner": "彭勇", "end_date": "2026-09-30", "status": "dissolved"})
    msgs = messages(("t1", "2026-10-02 10:00:00", "王磊"), ("t1", "2026-10-10 23:59:00", "王磊"),
                    ("t2", "2026-10-10 18:00:00", "王磊"), ("t2", "2026-10-11 08:00:00", "张伟"),
                    ("t2", "2026-10-12 08:00:00", "王磊"))
    found = RULES["LIF002"].check(context(groups=reg, messages=msgs))
    # no member list: the registry's 群主 is the person
    assert keys(found) == {("LIF002", "节前二号临时群", "ZD1006", dt.date(2026, 10, 11))}
    row = found.iloc[0]
    assert row["time"] == D("2026-10-11 08:00:00", tz=TZ) and row["source_line"] == 5
    assert row["responsible_id"] == "ZD1003"
    assert row["evidence"] == ("ended 2026-09-30; last day to dissolve 2026-10-10 (3 working days); first message "
                               "after it 2026-10-11 08:00:00 by 张伟; registry status dissolved; not in the member lists")


def test_temporary_adjusted_saturday_and_state_signs(tmp_path):
    temp = {"group_type": "temporary"}
    proj = {"group_type": "project"}
    reg = groups(
        # ended Fri 10-09, 1 working day: the adjusted Sat 10-10 is allowed, Sun 10-11 is too late
        temp | {"group_id": "a", "group_name": "周五结束临时群", "end_date": "2026-10-09", "status": "dissolved"},
        # still active in the registry, no message: a state, dated at the period's end
        temp | {"group_id": "b", "group_name": "未解散临时群", "end_date": "2026-10-20"},
        # ended Thu 10-29: the last day allowed is Fri 10-30
        temp | {"group_id": "e", "group_name": "月底结束临时群", "end_date": "2026-10-29"},
        # ended Fri 10-30: due Mon 11-02, after the period
        temp | {"group_id": "d", "group_name": "最后一天结束临时群", "end_date": "2026-10-30"},
        # project class: 3 working days, and only a member list shows life
        proj | {"group_id": "c", "group_name": "有成员项目群", "end_date": "2026-10-20", "status": "dissolved"},
        proj | {"group_id": "p", "group_name": "还在聊的项目群", "end_date": "2026-10-20"},
        proj | {"group_id": "f", "group_name": "无结束日期项目群"},
    )
    msgs = messages(("a", "2026-10-10 16:00:00", "王磊"), ("a", "2026-10-11 09:00:00", "王磊"),
                    ("p", "2026-10-28 09:00:00", "王磊"), ("f", "2026-10-30 09:00:00", "王磊"))
    mem = members(("c", "彭勇", "owner", "ZD1006"))
    policy = extend(tmp_path, """
        LIF002:
          options: {grace_workdays: 1}
          classes:
            project: {options: {grace_workdays: 3, alive_when: [members]}}
        """)
    found = RULES["LIF002"].check(context(policy, groups=reg, messages=msgs, members=mem))
    assert keys(found) == {("LIF002", "周五结束临时群", "-", dt.date(2026, 10, 11)),
                           ("LIF002", "未解散临时群", "-", dt.date(2026, 10, 31)),
                           ("LIF002", "月底结束临时群", "-", dt.date(2026, 10, 31)),
                           ("LIF002", "有成员项目群", "ZD1006", dt.date(2026, 10, 31))}
    by = found.set_index("group_id")
    assert by.loc["a", "evidence"].startswith("ended 2026-10-09; last day to dissolve 2026-10-10 (1 working days)")
    assert by.loc["c", "evidence"] == ("ended 2026-10-20; last day to dissolve 2026-10-23 (3 working days); no "
                                       "message after it in the period; registry status dissolved; 1 members at "
                                       "the snapshot")
    assert (by.loc["b", "source_file"], by.loc["b", "source_line"]) == ("groups.csv", 3)
    assert by.loc["c", "group_class"] == "project" and pd.isna(by.loc["c", "time"])
    # a period ending on the last day allowed is not overdue yet
    found = RULES["LIF002"].check(context(policy, period=(OCT[0], dt.date(2026, 10, 30)), groups=reg,
                                          messages=msgs, members=mem))
    assert "月底结束临时群" not in set(found["group_name"]) and "未解散临时群" in set(found["group_name"])


def test_temporary_deadline_in_an_uncovered_year():
    # ended Wed 2026-12-30: 12-31, then 2027 is counted Monday–Friday (01-01, 01-04)
    reg = groups({"group_id": "y", "group_name": "跨年临时群", "group_type": "temporary",
                  "end_date": "2026-12-30"})
    found = RULES["LIF002"].check(context(groups=reg, period=(dt.date(2027, 1, 1), dt.date(2027, 1, 31))))
    assert keys(found) == {("LIF002", "跨年临时群", "-", dt.date(2027, 1, 31))}
    assert "last day to dissolve 2027-01-04" in found.iloc[0]["evidence"]
    assert found.iloc[0]["calendar_note"] == ("deadline computed on weekends only: chinese-calendar 1.11.0 has no "
                                              "data for 2027")


# ---- LIF003 ----------------------------------------------------------------------

def test_responsible_left_grace_periods_roles_and_near_misses():
    reg = groups(
        {"group_id": "g1", "group_name": "澤東销售部工作群", "owner": "吴昊", "responsible": "吴昊"},
        # left Tue 9-29: 2 working days are 9-30 and 10-08 (National Day in between)
        {"group_id": "g2", "group_name": "澤東研发部工作群", "department": "研发部", "responsible": "王磊",
         "owner": "孔亮"},
        # left Thu 10-29: hand-over due Mon 11-02, after the period
        {"group_id": "g3", "group_name": "澤東仓储物流部工作群", "department": "仓储物流部", "responsible": "谢刚"},
        # the registry's owner left, but the member list shows a new owner: replaced
        {"group_id": "g4", "group_name": "澤東华南客户项目群", "owner": "吴昊", "responsible": "王磊"},
    )
    mem = members(("g1", "吴昊", "owner", "ZD1016"), ("g2", "研发部张伟", "owner", "ZD1018"),
                  ("g4", "王磊", "owner", "ZD1003"))
    found = RULES["LIF003"].check(context(groups=reg, members=mem))
    assert keys(found) == {("LIF003", "澤東销售部工作群", "ZD1016", dt.date(2026, 10, 20)),
                           ("LIF003", "澤東研发部工作群", "ZD1018", dt.date(2026, 10, 8))}
    by = found.set_index("group_id")
    # one row per group and person: both roles in one finding
    assert by.loc["g1", "message"] == ("吴昊, 群负责人、群主 of 澤東销售部工作群, left the company on 2026-10-16 "
                                       "and was not replaced")
    assert by.loc["g1", "evidence"].endswith("still 群负责人 in the registry and 群主 in the member list at 2026-10-31")
    # an owner who left: the group's responsible person is liable
    assert (by.loc["g2", "person_name"], by.loc["g2", "responsible_id"]) == ("张伟", "ZD1003")
    assert by.loc["g2", "evidence"] == ("ZD1018 (研发部); left 2026-09-29, hand-over due by 2026-10-08 "
                                        "(2 working days); still 群主 in the member list at 2026-10-31")


def test_responsible_left_check_owner_off(tmp_path):
    reg = groups({"group_id": "g1", "group_name": "澤東销售部工作群", "owner": "吴昊", "responsible": "王磊"})
    ctx = context(extend(tmp_path, "LIF003: {options: {check_owner: false, grace_workdays: 0}}"), groups=reg)
    assert RULES["LIF003"].check(ctx).empty
    found = RULES["LIF003"].check(context(groups=reg))
    assert keys(found) == {("LIF003", "澤東销售部工作群", "ZD1016", dt.date(2026, 10, 20))}


def test_responsible_left_same_name_employees():
    # two 张伟 (ZD1013 销售部 employed, ZD1018 研发部 left 9-29)
    reg = groups(
        # the departed one is told apart by the group's department: a finding
        {"group_id": "r", "group_name": "澤東研发部工作群", "department": "研发部", "responsible": "张伟"},
        # the employed one is in the group: not a finding
        {"group_id": "s", "group_name": "澤東销售部工作群", "department": "研发部", "responsible": "张伟"},
        # nothing tells them apart: reported without an id, the candidates in the evidence
        {"group_id": "u", "group_name": "澤東管理层工作群", "department": "行政中心", "responsible": "张伟"},
    )
    mem = members(("s", "销售部张伟", "member", "ZD1013"))
    found = RULES["LIF003"].check(context(groups=reg, members=mem))
    assert keys(found) == {("LIF003", "澤東研发部工作群", "ZD1018", dt.date(2026, 10, 8)),
                           ("LIF003", "澤東管理层工作群", "张伟", dt.date(2026, 10, 8))}
    amb = found.set_index("group_id").loc["u"]
    assert pd.isna(amb["person_id"]) and pd.isna(amb["responsible_id"]) and amb["responsible_name"] == "张伟"
    assert amb["evidence"] == ("the name 张伟 matches 2 employees (ZD1013 销售部 employed, ZD1018 研发部 left "
                               "2026-09-29); left 2026-09-29, hand-over due by 2026-10-08 (2 working days); "
                               "still 群负责人 in the registry at 2026-10-31")
    assert amb["message"] == ("张伟, 群负责人 of 澤東管理层工作群, may have left the company (ambiguous name) on "
                              "2026-09-29 and was not replaced")


def test_responsible_left_deadline_in_an_uncovered_year():
    reg = groups({"group_id": "k", "group_name": "澤東研发部工作群", "department": "研发部", "responsible": "孔亮"})
    found = RULES["LIF003"].check(context(groups=reg, period=(dt.date(2027, 1, 1), dt.date(2027, 1, 31))))
    assert keys(found) == {("LIF003", "澤東研发部工作群", "ZD1040", dt.date(2027, 1, 7))}
    assert found.iloc[0]["calendar_note"] == ("deadline computed on weekends only: chinese-calendar 1.11.0 has no "
                                              "data for 2027")


# ---- LIF004 ----------------------------------------------------------------------

def test_inactive_calendar_and_working_days_across_national_day(tmp_path):
    reg = groups({"group_id": "q", "group_name": "节前最后发言群", "responsible": "王磊"},
                 {"group_id": "w", "group_name": "活跃群"},
                 {"group_id": "z", "group_name": "已解散群", "status": "dissolved"},
                 {"group_id": "n", "group_name": "没有导出的群"},
                 {"group_id": "m", "group_name": "只有成员的群", "registered_date": "2025-03-10"},
                 {"group_id": "e", "group_name": "无备案日期群", "registered": False, "registered_date": None})
    msgs = messages(("q", "2026-09-30 17:00:00", "王磊"), ("w", "2026-10-30 09:00:00", "王磊"),
                    ("z", "2026-08-01 09:00:00", "王磊"), ("w", "2026-11-03 09:00:00", "王磊"))
    mem = members(("m", "彭勇", "owner", "ZD1006"), ("e", "王磊", "owner", "ZD1003"))
    tables = dict(groups=reg, messages=msgs, members=mem)
    # 20 calendar days after 9-30 is 10-20; 20 working days (skipping 10-01…07) is 11-03
    cal = RULES["LIF004"].check(context(extend(tmp_path, "LIF004: {options: {inactive_days: 20}}"), **tables))
    assert keys(cal) == {("LIF004", "节前最后发言群", "-", dt.date(2026, 10, 31)),
                         ("LIF004", "只有成员的群", "ZD1006", dt.date(2026, 10, 31)),
                         ("LIF004", "无备案日期群", "ZD1003", dt.date(2026, 10, 31))}
    ev = cal.set_index("group_id")["evidence"]
    assert ev["q"] == ("last message 2026-09-30 17:00:00 by 王磊; 20 calendar days without one by 2026-10-20; "
                       "none up to 2026-10-31")
    assert ev["m"] == ("no message in the data; registered 2025-03-10; 20 calendar days without one by 2025-03-30; "
                       "none up to 2026-10-31")
    # no registration date: counted from the period's first day
    assert ev["e"].startswith("no message in the data; 20 calendar days without one by 2026-10-21")
    assert cal.set_index("group_id").loc["q", "responsible_name"] == "王磊"
    assert cal.set_index("group_id").loc["q", "source_file"] == "chat.csv"

    work = RULES["LIF004"].check(context(extend(tmp_path, "LIF004: {options: {inactive_days: 20, days: working}}"),
                                         **tables))
    assert keys(work) == {("LIF004", "只有成员的群", "ZD1006", dt.date(2026, 10, 31))}
    assert work["calendar_note"].isna().all()


def test_empty_tables_give_empty_findings():
    ctx = context(groups=groups({"group_id": "g1", "group_name": "澤東销售部工作群", "end_date": "2026-09-01",
                                 "status": "dissolved"}))
    nothing = AuditContext.build(load_policy(POLICY), *OCT, tz=TZ)
    for code in LIF:
        for c in (ctx, nothing):
            out = RULES[code].check(c)
            assert out.empty and list(out.columns) == FINDINGS.names, code
