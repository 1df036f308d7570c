"""Membership rules (MEM001–MEM006) over the demo month and over small synthetic tables.

Calendar facts used below (chinese-calendar 1.11): National Day holiday
2026-10-01 … 10-07, adjusted working Saturday 10-10, no data for 2027.
"""
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.policy import load_policy
from grpaudit.rules import RULES, AuditContext, run_rules

DATA = Path(__file__).parent / "data" / "membership"
POLICY = DATA / "membership.yaml"
MEM = ("MEM001", "MEM002", "MEM003", "MEM004", "MEM005", "MEM006")
D = pd.Timestamp


def keys(findings: pd.DataFrame) -> set[tuple]:
    """(rule, group, person id or shown name, date) of each finding."""
    who = findings["person_id"].fillna(findings["person_name"])
    return {(r, g, p if isinstance(p, str) else None, d.date())
            for r, g, p, d in zip(findings["rule"], findings["group_name"], who, findings["date"])}


def mem(findings: pd.DataFrame) -> pd.DataFrame:
    return findings[findings["rule"].isin(MEM)]


# ---- the demo month ----------------------------------------------------------

def test_demo_001_finds_exactly_the_planted_membership_lapses(ctx_of):
    f = mem(run_rules(ctx_of("zedong-001.yaml")))
    assert keys(f) == {
        # 吴昊 leaves Fri 10-16: out by Tue 10-20, still in the company group on 10-31
        ("MEM001", "澤東科技全员工作群", "ZD1016", dt.date(2026, 10, 20)),
        # 马骏 starts Mon 10-12: 2 working days → 10-14; added to the company group on 10-16
        ("MEM002", "澤東科技全员工作群", "ZD1031", dt.date(2026, 10, 14)),
        # the driver invited into the warehouse group (the WeCom customer is allowed in project groups)
        ("MEM003", "澤東仓储物流部工作群", "恒通物流陈师傅", dt.date(2026, 10, 31)),
    }
    assert len(f) == 3


def test_demo_002_finds_the_early_new_hire_and_the_quit(ctx_of):
    f = mem(run_rules(ctx_of("zedong-002.yaml")))
    assert keys(f) == {
        # 冯晓雨 starts Thu 10-15: day 3 is 10-17; the company group added her on day 2
        ("MEM002", "澤東科技全员工作群", "ZD1032", dt.date(2026, 10, 16)),
        # 刘洋 (行政中心) quits the R&D QQ group; 吴昊 quitting the sales group on his last day is departure
        ("MEM004", "澤東研发部工作群", "ZD1011", dt.date(2026, 10, 26)),
    }


def test_demo_departed_member_evidence_and_joint_liability(ctx_of):
    f = RULES["MEM001"].check(ctx_of("zedong-001.yaml"))
    row = f.iloc[0]
    assert (row.person_name, row.responsible_id, row.responsible_name) == ("吴昊", "ZD1002", "陈静")
    assert row.evidence == ("left 2026-10-16, out by 2026-10-20; still in the member list of 2026-10-31; "
                            "last message 2026-10-16")
    assert (row.severity, row.clause, row.category, row.group_class) == ("major", "001 第九条", "membership",
                                                                         "company")
    assert pd.isna(row.calendar_note) and pd.isna(row.time)


def test_demo_new_hires_fit_002s_window(ctx_of):
    f = RULES["MEM002"].check(ctx_of("zedong-002.yaml"))
    # 马骏: sales group on day 3 (10-14), company group on day 5 (10-16); 冯晓雨: R&D group on day 5 (10-19)
    assert set(zip(f["person_id"], f["group_name"])) == {("ZD1032", "澤東科技全员工作群")}
    row = f.iloc[0]
    assert row.evidence == "starts 2026-10-15, to be added on days 3–5 (2026-10-17 … 2026-10-19); added 2026-10-16"
    assert row.responsible_name == "陈静"


def test_demo_removed_outsiders_are_not_reported(ctx_of):
    """恒达刘建华 (removed after 28 min), 深圳芯联-小吴 and 实习生小王 are gone by the snapshot."""
    f = RULES["MEM003"].check(ctx_of("zedong-001.yaml"))
    assert set(f["person_name"]) == {"恒通物流陈师傅"}
    row = f.iloc[0]
    assert row.evidence == ("not in the roster: id wxid_cs0a2s4d6f8g12, shown as 恒通物流陈师傅; "
                            "member since 2026-10-09 14:20")
    assert (row.responsible_name, row.source_line) == ("谢刚", 37)  # members.csv line 37


def test_demo_without_the_project_allowance_the_wecom_customer_is_reported(ctx_of, tmp_path):
    text = (Path(__file__).parents[1] / "policy" / "data" / "zedong-001.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace("project: {options: {allow_external: true}}", "project: {enabled: true}"),
                    encoding="utf-8")
    f = RULES["MEM003"].check(ctx_of(path))
    assert set(zip(f["group_name"], f["person_name"])) == {("澤東仓储物流部工作群", "恒通物流陈师傅"),
                                                           ("澤東华南客户项目群", "刘建华@广州恒达贸易")}


# ---- synthetic tables --------------------------------------------------------

ROSTER = [
    # id, name, department, level, is_manager, hire, leave, wechat id
    ("E01", "王经理", "销售部", "部门负责人", True, "2015-01-05", None, "w_wang"),
    ("E02", "李四", "销售部", "员工", False, "2020-03-02", None, "w_li"),
    ("E03", "张三", "销售部", "员工", False, "2020-03-02", "2026-09-30", "w_zhang3"),
    ("E04", "赵六", "销售部", "员工", False, "2020-03-02", "2026-10-08", "w_zhao"),
    ("E05", "张伟", "销售部", "员工", False, "2020-03-02", None, "w_zw1"),
    ("E06", "张伟", "研发部", "员工", False, "2021-03-01", None, "w_zw2"),
    ("E07", "周新", "销售部", "员工", False, "2026-10-09", None, "w_zhou"),
    ("E08", "钱小", "销售部", "实习生", False, "2026-07-01", None, "w_qian"),
    ("E09", "孙丽", "行政中心", "员工", False, "2019-05-06", None, "w_sun"),
    ("E10", "冬雪", "销售部", "员工", False, "2020-03-02", "2027-01-29", "w_dong"),
]


def roster(*extra) -> pd.DataFrame:
    cols = ["employee_id", "name", "department", "level", "is_manager", "hire_date", "leave_date", "wechat_id"]
    df = pd.DataFrame(ROSTER + list(extra), columns=cols)
    df["hire_date"], df["leave_date"] = pd.to_datetime(df["hire_date"]), pd.to_datetime(df["leave_date"])
    return model.conform(df, model.ROSTER)


SALES = dict(group_id="g_sales@chatroom", group_name="销售部工作群", platform="wechat", group_type="department",
             department="销售部", owner="王经理", responsible="王经理", registered=True,
             registered_date=D("2024-01-02"), status="active")


def groups(*rows) -> pd.DataFrame:
    return model.conform(pd.DataFrame(list(rows) or [SALES]), model.GROUPS)


def members(*rows, group=SALES) -> pd.DataFrame:
    """Member rows (member id, display name, role, join time, person id) of one group."""
    df = pd.DataFrame(rows, columns=["member_id", "display_name", "role", "join_time", "person_id"])
    df = df.assign(group_id=group["group_id"], group_name=group["group_name"], platform=group["platform"],
                   source_file="members.csv", source_line=range(2, len(df) + 2))
    df["join_time"] = pd.to_datetime(df["join_time"], format="mixed")
    return model.conform(df, model.MEMBERS)


def events(*rows, group=SALES) -> pd.DataFrame:
    """Events (time, event, target name, target id) in one group."""
    df = pd.DataFrame(rows, columns=["time", "event", "target_name", "target_id"])
    df = df.assign(group_id=group["group_id"], group_name=group["group_name"], platform=group["platform"],
                   time=pd.to_datetime(df["time"], format="mixed"), source_file="chat.csv",
                   source_line=range(2, len(df) + 2))
    return model.conform(df, model.EVENTS_TABLE)


BOSS = ("w_wang", "王经理", "owner", "2024-01-02", "E01")
LI = ("w_li", "李四", "admin", "2024-01-02", "E02")
ZW = ("w_zw1", "销售部张伟", "member", "2024-01-02", "E05")
QIAN = ("w_qian", "钱小", "member", "2026-07-01", "E08")
ZHOU = ("w_zhou", "周新", "member", "2026-10-12 09:00", "E07")
DONG = ("w_dong", "冬雪", "member", "2024-01-02", "E10")
STAFF = (BOSS, LI, ZW, QIAN, ZHOU, DONG)


def ctx(*member_rows, ev=None, policy=POLICY, start="2026-10-01", end="2026-10-31", grps=None, msgs=None,
        extra_roster=()) -> AuditContext:
    return AuditContext.build(load_policy(policy), D(start).date(), D(end).date(),
                              members=members(*member_rows) if member_rows else None, events=ev,
                              roster=roster(*extra_roster), groups=grps if grps is not None else groups(),
                              messages=msgs)


def check(code, c: AuditContext) -> pd.DataFrame:
    return RULES[code].check(c)


def policy(tmp_path, rules: str) -> Path:
    """A policy file with one department class and the given rules section."""
    path = tmp_path / "policy.yaml"
    path.write_text("classes:\n  department: {types: department}\n  other: {default: true}\nrules:\n" + rules,
                    encoding="utf-8")
    return path


# MEM001 ---------------------------------------------------------------------

def test_departed_deadline_skips_the_national_day_holiday():
    """张三 leaves Wed 09-30: 10-01 … 10-07 are holidays, so 2 working days end Fri 10-09."""
    on_time = ctx(*STAFF, ev=events(("2026-10-09 17:00", "removed", "张三", None)))
    assert check("MEM001", on_time).empty
    late = ctx(*STAFF, ev=events(("2026-10-10 09:00", "removed", "张三", None)))
    f = check("MEM001", late)
    assert keys(f) == {("MEM001", "销售部工作群", "E03", dt.date(2026, 10, 9))}
    assert f.iloc[0].evidence == "left 2026-09-30, out by 2026-10-09; removed 2026-10-10"
    assert (f.iloc[0].responsible_id, f.iloc[0].responsible_name) == ("E01", "王经理")


def test_departed_deadline_counts_the_adjusted_saturday():
    """赵六 leaves Thu 10-08: 10-09 and the adjusted working Saturday 10-10, so out by 10-10; still listed."""
    f = check("MEM001", ctx(*STAFF, ("w_zhao", "赵六", "member", "2024-01-02", "E04")))
    assert keys(f) == {("MEM001", "销售部工作群", "E04", dt.date(2026, 10, 10))}
    # quitting on Sun 10-11 is already late; there is no quit finding for someone who has left
    f = check("MEM001", ctx(*STAFF, ev=events(("2026-10-11 10:00", "leave", "赵六", None))))
    assert f.iloc[0].evidence == "left 2026-10-08, out by 2026-10-10; quit 2026-10-11"
    assert check("MEM004", ctx(*STAFF, ev=events(("2026-10-11 10:00", "leave", "赵六", None)))).empty


def test_departed_posting_after_the_deadline_is_seen_in_the_group():
    msgs = model.conform(pd.DataFrame({
        "platform": ["wechat"] * 2, "group_id": [SALES["group_id"]] * 2, "sender_id": ["w_zhao"] * 2,
        "sender_name": ["赵六"] * 2, "person_id": ["E04"] * 2, "kind": ["text"] * 2, "text": ["在吗", "交接"],
        "time": pd.to_datetime(["2026-10-09 10:00", "2026-10-13 10:00"])}), model.MESSAGES)
    f = check("MEM001", ctx(*STAFF, msgs=msgs))
    assert keys(f) == {("MEM001", "销售部工作群", "E04", dt.date(2026, 10, 10))}
    assert f.iloc[0].evidence == "left 2026-10-08, out by 2026-10-10; last message 2026-10-13"
    # a last message within the grace period is not presence after it
    assert check("MEM001", ctx(*STAFF, msgs=msgs.iloc[:1])).empty


def test_departed_deadline_in_an_uncovered_year_has_a_calendar_note():
    """冬雪 leaves Fri 2027-01-29; chinese-calendar has no 2027: weekdays only → Tue 02-02."""
    c = ctx(*STAFF, start="2027-02-01", end="2027-02-28")
    f = check("MEM001", c)
    assert keys(f) == {("MEM001", "销售部工作群", "E10", dt.date(2027, 2, 2))}
    assert "chinese-calendar" in f.iloc[0].calendar_note
    assert any("2027" in w for w in c.calendar.warnings)


# MEM002 ---------------------------------------------------------------------

def test_required_missing_department_staff_after_the_grace_period():
    """李四 is not in the sales group: reported; 孙丽 (行政中心) and departed 张三 are not required.

    李四 was hired before the group was registered (2024-01-02, a Tuesday): required from then."""
    f = check("MEM002", ctx(BOSS, ZW, QIAN, ZHOU, DONG))
    assert keys(f) == {("MEM002", "销售部工作群", "E02", dt.date(2024, 1, 4))}
    assert f.iloc[0].evidence == "required since 2024-01-02, to be added by 2024-01-04; " \
                                 "not in the member list of 2026-10-31"
    assert f.iloc[0].responsible_name == "王经理"


def test_required_grace_counts_the_adjusted_saturday():
    """周新 starts Fri 10-09: 10-10 (adjusted Saturday) and Mon 10-12, so in by 10-12."""
    in_time = (*STAFF[:4], DONG, ("w_zhou", "周新", "member", "2026-10-12 18:00", "E07"))
    assert check("MEM002", ctx(*in_time)).empty
    late = (*STAFF[:4], DONG, ("w_zhou", "周新", "member", "2026-10-13 09:00", "E07"))
    f = check("MEM002", ctx(*late))
    assert keys(f) == {("MEM002", "销售部工作群", "E07", dt.date(2026, 10, 12))}
    assert f.iloc[0].message == "周新 was added on 2026-10-13, after the deadline 2026-10-12"


def test_required_join_time_from_a_join_event_when_the_list_has_none():
    rows = (*STAFF[:4], DONG, ("w_zhou", "周新", "member", None, "E07"))
    ev = events(("2026-10-14 09:00", "join", "周新", None))
    assert keys(check("MEM002", ctx(*rows, ev=ev))) == {("MEM002", "销售部工作群", "E07", dt.date(2026, 10, 12))}
    assert check("MEM002", ctx(*rows)).empty  # no join time at all: present, nothing to judge


def test_required_window_in_working_days_across_the_holiday(tmp_path):
    """A new hire starting Wed 09-30, window working days 3–5: day 3 = Fri 10-09, day 5 = Mon 10-12."""
    p = policy(tmp_path, "  MEM002:\n    options:\n      required: department\n"
                         "      new_hire_window: {first: 3, last: 5, days: working}\n")
    hire = ("E11", "陈新", "销售部", "员工", False, "2026-09-30", None, "w_chen")
    base = (BOSS, LI, ZW, QIAN, ZHOU, DONG)
    for joined, expected in [("2026-10-08 10:00", {dt.date(2026, 10, 8)}),       # day 2: too early
                             ("2026-10-09 10:00", set()), ("2026-10-12 17:00", set()),
                             ("2026-10-13 10:00", {dt.date(2026, 10, 12)})]:    # after day 5
        f = check("MEM002", ctx(*base, ("w_chen", "陈新", "member", joined, "E11"), policy=p, extra_roster=[hire]))
        assert {d for r, g, pid, d in keys(f) if pid == "E11"} == expected, joined
    missing = check("MEM002", ctx(*base, policy=p, extra_roster=[hire]))
    assert keys(missing) >= {("MEM002", "销售部工作群", "E11", dt.date(2026, 10, 12))}


def test_required_counts_an_ambiguous_member_for_each_candidate(tmp_path):
    """A 张伟 on an unknown account could be either: neither is reported missing (require everyone)."""
    p = policy(tmp_path, "  MEM002:\n    options: {required: all, exempt: [E08, 周新, 钱小, 孙丽, E10]}\n")
    unknown = ("w_other", "张伟", "member", "2024-01-02", None)
    f = check("MEM002", ctx(BOSS, LI, unknown, policy=p))
    assert keys(f) == set()
    f = check("MEM002", ctx(BOSS, LI, policy=p))
    assert {k[2] for k in keys(f)} == {"E05", "E06"}


def test_required_include_and_exempt(tmp_path):
    p = policy(tmp_path, "  MEM002:\n    options: {required: managers, include: [孙丽]}\n")
    f = check("MEM002", ctx(*STAFF, policy=p))
    assert {k[2] for k in keys(f)} == {"E09"}
    p = policy(tmp_path, "  MEM002:\n    options: {required: department, exempt: [李四, E07]}\n")
    assert check("MEM002", ctx(BOSS, ZW, QIAN, DONG, policy=p)).empty


def test_required_ignores_groups_without_a_member_list_or_dissolved():
    assert check("MEM002", ctx()).empty
    dissolved = groups({**SALES, "status": "dissolved"})
    assert check("MEM002", ctx(BOSS, grps=dissolved)).empty


# MEM003 ---------------------------------------------------------------------

def test_out_of_scope_outsiders_staff_of_other_departments_and_allowances():
    rows = (*STAFF,
            ("w_sun", "行政中心孙丽", "member", "2025-01-02", "E09"),          # other department
            ("w_driver", "物流王师傅", "member", "2026-10-09 14:20", None),      # not an employee
            ("w_lee", "外聘顾问老李", "member", "2026-10-09 14:20", None),      # allowed by name
            ("w_other", "张伟", "member", "2026-10-09 14:20", None),            # ambiguous: someone's account
            ("w_zhang3", "张三", "member", "2024-01-02", "E03"))               # departed: MEM001's
    f = check("MEM003", ctx(*rows))
    assert keys(f) == {("MEM003", "销售部工作群", "E09", dt.date(2026, 10, 31)),
                       ("MEM003", "销售部工作群", "物流王师傅", dt.date(2026, 10, 31))}
    by = f.set_index("person_name")
    assert by.loc["孙丽", "evidence"] == "孙丽 is in 行政中心, the group belongs to 销售部; member since 2025-01-02 00:00"
    assert by.loc["物流王师傅", "message"] == "物流王师傅 is a member but not an employee"
    assert set(f["responsible_name"]) == {"王经理"}


def test_out_of_scope_managers_may_join_any_department_group(tmp_path):
    other = {**SALES, "group_id": "g_rd", "group_name": "研发部工作群", "department": "研发部"}
    c = ctx(grps=groups(other))
    c.members = members(BOSS, ("w_zw2", "研发部张伟", "member", "2024-01-02", "E06"), group=other)
    assert check("MEM003", c).empty


# MEM004 ---------------------------------------------------------------------

def test_self_quit_reported_once_per_person_with_repeats_counted():
    ev = events(("2026-10-12 09:00", "leave", "李四", "w_li"), ("2026-10-12 09:30", "join", "李四", "w_li"),
                ("2026-10-20 09:00", "leave", "李四", "w_li"),
                ("2026-10-13 09:00", "leave", "物流王师傅", "w_driver"),      # not an employee
                ("2026-10-14 09:00", "leave", "张伟", None))                  # one of two 张伟
    # (with 销售部张伟 in the member list the name would be his: identity's group evidence)
    f = check("MEM004", ctx(BOSS, LI, QIAN, ZHOU, DONG, ev=ev))
    assert keys(f) == {("MEM004", "销售部工作群", "E02", dt.date(2026, 10, 12)),
                       ("MEM004", "销售部工作群", "张伟", dt.date(2026, 10, 14))}
    by = f.set_index("person_name")
    assert by.loc["李四", "evidence"] == "quit 2026-10-12 09:00 (2 quits in the period)"
    assert by.loc["张伟", "evidence"] == "quit 2026-10-14 09:00; the name fits several employees"
    assert by.loc["李四", "time"] == D("2026-10-12 09:00", tz="Asia/Shanghai")
    assert by.loc["李四", "source_line"] == 2 and pd.isna(by.loc["李四", "responsible_id"])


def test_self_quit_near_the_leave_date_is_departure():
    """赵六 leaves Thu 10-08: quitting from 2 working days before (09-29, over the holiday) is not reported."""
    for day, reported in [("2026-09-28 10:00", True), ("2026-09-29 10:00", False), ("2026-10-08 18:00", False)]:
        f = check("MEM004", ctx(*STAFF, ev=events((day, "leave", "赵六", "w_zhao")), start="2026-09-01"))
        assert (not f.empty) == reported, day


def test_self_quit_outside_the_period_is_not_reported():
    ev = events(("2026-09-30 10:00", "leave", "李四", "w_li"))
    assert check("MEM004", ctx(*STAFF, ev=ev)).empty


# MEM005 ---------------------------------------------------------------------

def test_group_management_responsible_and_admin_counts(tmp_path):
    three = (BOSS, LI, ("w_zw1", "销售部张伟", "admin", "2024", "E05"), ("w_qian", "钱小", "admin", "2026", "E08"))
    f = check("MEM005", ctx(*three, grps=groups({**SALES, "responsible": None})))
    assert keys(f) == {("MEM005", "销售部工作群", None, dt.date(2026, 10, 31))}
    row = f.iloc[0]
    assert row.message == ("the registry names 0 responsible person(s), at least 1 required; "
                           "3 admins, at most 2 allowed")
    assert row.evidence == "admins: 李四、销售部张伟、钱小; responsible persons registered: 0"
    assert check("MEM005", ctx(BOSS, LI)).empty
    none = check("MEM005", ctx(BOSS, ZW))
    assert none.iloc[0].message == "0 admin(s), at least 1 required"
    p = policy(tmp_path, "  MEM005:\n    options: {max_admins: 1, count_owner: true}\n")
    assert check("MEM005", ctx(BOSS, LI, policy=p)).iloc[0].message == "2 admins, at most 1 allowed"


def test_group_management_skips_unregistered_responsible_and_dissolved_groups():
    unregistered = groups({**SALES, "registered": False, "responsible": None, "group_type": None})
    assert check("MEM005", ctx(BOSS, LI, grps=unregistered)).empty
    assert check("MEM005", ctx(grps=groups({**SALES, "responsible": None, "status": "dissolved"}))).empty


# MEM006 ---------------------------------------------------------------------

@pytest.mark.parametrize("owner, person, why", [
    (("w_boss", "老板朋友", "owner", "2024", None), "老板朋友", "is not in the roster"),
    (("w_zhao", "赵六", "owner", "2024", "E04"), "E04", "left the company on 2026-10-08"),
    (("w_qian", "钱小", "owner", "2024", "E08"), "E08", "has 职级 实习生"),
])
def test_owner_not_employee(owner, person, why):
    f = check("MEM006", ctx(owner, LI))
    assert keys(f) == {("MEM006", "销售部工作群", person, dt.date(2026, 10, 31))}
    assert f.iloc[0].evidence.endswith("(member list) " + why)


def test_owner_ambiguous_or_employee_is_not_reported():
    assert check("MEM006", ctx(BOSS, LI)).empty
    assert check("MEM006", ctx(("w_other", "张伟", "owner", "2024", None), LI)).empty


def test_owner_from_the_registry_when_the_member_list_has_none():
    assert check("MEM006", ctx(LI, grps=groups({**SALES, "owner": "王经理"}))).empty
    f = check("MEM006", ctx(LI, grps=groups({**SALES, "owner": "钱小"})))
    assert f.iloc[0].evidence == "owner 钱小 (registry) has 职级 实习生"
    f = check("MEM006", ctx(LI, grps=groups({**SALES, "owner": "外包小刘"})))
    assert keys(f) == {("MEM006", "销售部工作群", "外包小刘", dt.date(2026, 10, 31))}
    assert check("MEM006", ctx(LI, grps=groups({**SALES, "owner": "张伟"}))).empty  # two 张伟


def test_rules_disabled_for_a_class_report_nothing(tmp_path):
    p = policy(tmp_path, "".join(f"  {c}:\n    classes:\n      department: {{enabled: false}}\n" for c in MEM))
    c = ctx(("w_boss", "老板朋友", "owner", "2024", None), ev=events(("2026-10-12 09:00", "leave", "李四", "w_li")),
            policy=p)
    assert all(check(code, c).empty for code in MEM)
