"""NAM001 (group names) and NAM002 (display names) over the demo month and small synthetic tables."""
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.policy import load_policy
from grpaudit.rules import RULES, AuditContext

DATA = Path(__file__).resolve().parent / "data" / "naming"
TZ = model.DEFAULT_TZ


def found(findings: pd.DataFrame) -> set[tuple]:
    """(rule, group, person id or name, day 'MM-DD') of each finding."""
    return {(r.rule, r.group_name, r.person_id if pd.notna(r.person_id) else r.person_name, f"{r.date:%m-%d}")
            for r in findings.itertuples()}


def one(findings: pd.DataFrame, group: str, person: str) -> pd.Series:
    rows = findings[(findings["group_name"] == group) & (findings["person_id"] == person)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# ---- the demo month ----------------------------------------------------------

ALL, SALES, WAREHOUSE, RD = "澤東科技全员工作群", "澤東销售部工作群", "澤東仓储物流部工作群", "澤東研发部工作群"
BADMINTON, JOINT, MGMT, PROJECT = "羽毛球小分队", "智能仓储V3.2联调群", "澤東管理层工作群", "澤東华南客户项目群"
FINANCE, DUTY = "澤東财务部工作群", "澤東国庆值班临时群"

# 002 §三.2.2 “部门+姓名” in every class. WeCom and DingTalk members without a 群昵称 show their
# account name, which is the bare real name: under this template that is a finding like any other.
NAM002_002 = {
    (ALL, "ZD1001", "10-01"), (ALL, "ZD1031", "10-20"), (ALL, "ZD1032", "10-20"), (ALL, "ZD1021", "10-28"),
    (ALL, "ZD1015", "10-31"), (ALL, "ZD1019", "10-31"), (ALL, "ZD1024", "10-31"),
    (SALES, "ZD1013", "10-02"), (SALES, "ZD1015", "10-05"), (SALES, "ZD1016", "10-10"), (SALES, "ZD1017", "10-31"),
    (WAREHOUSE, "ZD1026", "10-08"), (WAREHOUSE, "ZD1027", "10-08"),
    (RD, "ZD1018", "10-08"), (RD, "ZD1019", "10-08"), (RD, "ZD1021", "10-09"), (RD, "ZD1032", "10-21"),
    (BADMINTON, "ZD1011", "10-09"), (BADMINTON, "ZD1012", "10-09"), (BADMINTON, "ZD1013", "10-09"),
    (BADMINTON, "ZD1014", "10-09"), (BADMINTON, "ZD1027", "10-13"),
    (JOINT, "ZD1021", "10-09"), (JOINT, "ZD1026", "10-09"), (JOINT, "ZD1018", "10-10"), (JOINT, "ZD1027", "10-10"),
    (JOINT, "ZD1028", "10-10"),
    (MGMT, "ZD1001", "10-31"), (MGMT, "ZD1002", "10-31"), (MGMT, "ZD1003", "10-31"), (MGMT, "ZD1004", "10-31"),
    (MGMT, "ZD1005", "10-31"), (MGMT, "ZD1006", "10-31"),
    (PROJECT, "ZD1026", "10-22"), (PROJECT, "ZD1003", "10-31"), (PROJECT, "ZD1006", "10-31"),
    (PROJECT, "ZD1013", "10-31"), (PROJECT, "ZD1014", "10-31"),
    (FINANCE, "ZD1005", "10-08"), (FINANCE, "ZD1022", "10-08"), (FINANCE, "ZD1024", "10-08"),
    (FINANCE, "ZD1023", "10-09"), (FINANCE, "ZD1012", "10-14"),
    (DUTY, "ZD1003", "10-02"), (DUTY, "ZD1026", "10-02"), (DUTY, "ZD1014", "10-05"), (DUTY, "ZD1027", "10-05"),
    (DUTY, "ZD1028", "10-06"), (DUTY, "ZD1006", "10-08"),
}

# 001 第八条: real name; the owner “群主”, the responsible person “姓名(群负责人)”.
NAM002_001 = {
    (ALL, "ZD1002", "10-01"), (ALL, "ZD1014", "10-01"), (ALL, "ZD1020", "10-01"), (ALL, "ZD1006", "10-04"),
    (ALL, "ZD1005", "10-08"), (ALL, "ZD1013", "10-08"), (ALL, "ZD1011", "10-09"), (ALL, "ZD1018", "10-09"),
    (ALL, "ZD1012", "10-13"), (ALL, "ZD1004", "10-16"), (ALL, "ZD1016", "10-16"), (ALL, "ZD1017", "10-19"),
    (ALL, "ZD1032", "10-20"), (ALL, "ZD1028", "10-23"), (ALL, "ZD1021", "10-28"), (ALL, "ZD1003", "10-31"),
    (ALL, "ZD1019", "10-31"), (ALL, "ZD1022", "10-31"), (ALL, "ZD1023", "10-31"), (ALL, "ZD1024", "10-31"),
    (ALL, "ZD1026", "10-31"), (ALL, "ZD1027", "10-31"),
    (SALES, "ZD1013", "10-02"), (SALES, "ZD1014", "10-02"), (SALES, "ZD1003", "10-05"), (SALES, "ZD1015", "10-05"),
    (SALES, "ZD1017", "10-19"), (SALES, "ZD1031", "10-21"),
    (WAREHOUSE, "ZD1006", "10-08"), (WAREHOUSE, "ZD1026", "10-08"), (WAREHOUSE, "ZD1028", "10-08"),
    (RD, "ZD1004", "10-08"), (RD, "ZD1018", "10-08"), (RD, "ZD1019", "10-08"), (RD, "ZD1020", "10-08"),
    (BADMINTON, "ZD1011", "10-09"), (BADMINTON, "ZD1013", "10-09"), (BADMINTON, "ZD1020", "10-11"),
    (JOINT, "ZD1004", "10-10"), (JOINT, "ZD1018", "10-10"),
    (MGMT, "ZD1001", "10-31"), (MGMT, "ZD1002", "10-31"),
    (PROJECT, "ZD1003", "10-31"),
    (FINANCE, "ZD1005", "10-08"),
    (DUTY, "ZD1026", "10-02"), (DUTY, "ZD1006", "10-08"), (DUTY, "ZD1003", "10-31"), (DUTY, "ZD1027", "10-31"),
}


@pytest.fixture(scope="module")
def demo_findings(demo):
    from .conftest import context
    out = {}
    for policy in ("zedong-001.yaml", "zedong-002.yaml", DATA / "zedong-000a.yaml", DATA / "dept-short.yaml"):
        ctx = context(demo, policy)
        out[Path(policy).stem] = {code: RULES[code].check(ctx) for code in ("NAM001", "NAM002")
                                  if code in ctx.policy.rules}
    return out


def test_002_display_names(demo_findings):
    f = demo_findings["zedong-002"]["NAM002"]
    assert found(f) == {("NAM002", g, p, d) for g, p, d in NAM002_002}
    assert set(f["clause"]) == {"002 §三.2.2"} and set(f["category"]) == {"naming"}
    assert "NAM001" not in demo_findings["zedong-002"]


def test_002_planted_nicknames_show_what_was_seen_and_expected(demo_findings):
    f = demo_findings["zedong-002"]["NAM002"]
    # stale after the transfer: judged at the snapshot, her 10-19 message predates nothing we know
    zx = one(f, SALES, "ZD1017")
    assert zx["evidence"] == ("seen 销售部郑雪 (member list 2026-10-31); expected 行政中心郑雪; the name shows 销售部, "
                              "the roster 行政中心 (no transfer date known: judged at the snapshot)")
    assert pd.isna(zx["time"]) and zx["responsible_name"] == "王磊" and zx["responsible_id"] == "ZD1003"
    assert zx["message"] == "郑雪's display name in 澤東销售部工作群 is 销售部郑雪, expected 行政中心郑雪."
    # wrong department forms: {dept} is the department's name, the short forms are for {dept_short}
    assert one(f, ALL, "ZD1019")["evidence"] == "seen 研发何俊 (member list 2026-10-31); expected 研发部何俊"
    xg = one(f, WAREHOUSE, "ZD1026")
    assert xg["evidence"].startswith("seen 仓储谢刚 (messages 2026-10-08 08:31–2026-10-30 18:20), 仓储谢刚 (member list")
    assert pd.isna(xg["responsible_id"])  # 谢刚 is the group's responsible person: his own name is his alone
    assert one(f, DUTY, "ZD1027")["evidence"].startswith("seen 唐亮 (messages 2026-10-05 15:48–2026-10-13 10:20), "
                                                         "仓储唐亮 (member list")
    # 伟哥 until 10-08: a finding from the messages although the snapshot name is right
    zw = one(f, SALES, "ZD1013")
    assert zw["evidence"] == "seen 伟哥 (messages 2026-10-02 20:31); expected 销售部张伟"
    assert zw["time"] == pd.Timestamp("2026-10-02 20:31:05", tz=TZ) and zw["source_file"].endswith("澤東销售部工作群.csv")
    # plain nicknames, empty 群昵称 shown as 昵称, and a join within the period
    assert one(f, ALL, "ZD1024")["evidence"] == "seen 韩梅梅 (member list 2026-10-31); expected 财务部韩梅"
    rain = one(f, ALL, "ZD1032")
    assert rain["evidence"] == ("seen Rain (member list 2026-10-31); expected 研发部冯晓雨; "
                                "grace until 2026-10-20 (joined or hired 2026-10-16)")
    assert rain["source_line"] == 26 and rain["person_name"] == "冯晓雨"


def test_002_near_misses(demo_findings):
    f = demo_findings["zedong-002"]["NAM002"]
    who = set(zip(f["group_name"], f["person_id"]))
    assert (SALES, "ZD1031") not in who   # 马骏 → 销售部马骏 the day after joining: within the grace
    assert (ALL, "ZD1017") not in who     # 行政中心郑雪 in the company group is right
    assert (BADMINTON, "ZD1020") not in who  # 研发部徐婷
    assert (ALL, "ZD1016") not in who     # 吴昊 left on 10-16; his snapshot name is MEM001's business
    assert f["person_id"].notna().all()   # 陈师傅, 刘建华: not employees, not NAM002's concern
    # 吴昊 was wrong in the sales group while still employed (up to his leave date)
    assert one(f, SALES, "ZD1016")["evidence"] == "seen 吴昊 (messages 2026-10-10 17:58–2026-10-16 17:30); expected 销售部吴昊"


def test_short_forms_accepted_when_the_template_says_dept_short(demo_findings):
    short = found(demo_findings["dept-short"]["NAM002"])
    assert ("NAM002", ALL, "ZD1019", "10-31") not in short           # 研发何俊
    assert ("NAM002", WAREHOUSE, "ZD1026", "10-08") not in short     # 仓储谢刚
    # 仓储唐亮 is fine now, but he also posted as plain 唐亮 in the duty group
    assert one(demo_findings["dept-short"]["NAM002"], DUTY, "ZD1027")["evidence"].startswith("seen 唐亮 (messages")
    assert short == {("NAM002", g, p, d) for g, p, d in NAM002_002 - {(ALL, "ZD1019", "10-31"),
                                                                      (WAREHOUSE, "ZD1026", "10-08")}}


def test_001_display_names(demo_findings):
    f = demo_findings["zedong-001"]["NAM002"]
    assert found(f) == {("NAM002", g, p, d) for g, p, d in NAM002_001}
    # the owner and the responsible person may use either role's template
    chen = one(f, ALL, "ZD1002")
    assert chen["evidence"].endswith("expected 群主 or 陈静(群负责人)") and pd.isna(chen["responsible_id"])
    assert one(f, MGMT, "ZD1002")["evidence"] == "seen 陈静 (member list 2026-10-31); expected 陈静(群负责人)"
    assert one(f, MGMT, "ZD1001")["evidence"] == "seen 周建国 (member list 2026-10-31); expected 群主"
    zw = one(f, SALES, "ZD1013")
    assert zw["evidence"].startswith("seen 伟哥 (messages 2026-10-02 20:31), 销售部张伟 (messages 2026-10-08 09:31")
    assert zw["evidence"].endswith("; expected 张伟") and zw["responsible_name"] == "王磊"
    # 马骏 renamed himself 销售部马骏 within the grace: only his messages after 10-16 count
    mj = one(f, SALES, "ZD1031")
    assert mj["evidence"].endswith("expected 马骏; grace until 2026-10-16 (joined or hired 2026-10-14)")
    assert mj["time"] == pd.Timestamp("2026-10-21 22:49:30", tz=TZ)
    # 吴昊 left on 10-16: his company-group message that day counts, the snapshot does not
    assert one(f, ALL, "ZD1016")["evidence"] == "seen 销售部吴昊 (messages 2026-10-16 17:35); expected 吴昊"
    assert set(f.loc[f["group_name"] == BADMINTON, "severity"]) == {"info"}
    assert set(f.loc[f["group_name"] != BADMINTON, "severity"]) == {"minor"}


def test_001_group_names(demo_findings):
    f = demo_findings["zedong-001"]["NAM001"]
    assert found(f) == {("NAM001", JOINT, "ZD1004", "10-31")}   # 羽毛球小分队: NAM001 is off for interest groups
    row = f.iloc[0]
    assert row["evidence"] == "name 智能仓储V3.2联调群; templates {company}+{name}; e.g. 澤東科技智能仓储V3.2联调群"
    assert row["group_class"] == "project" and row["person_name"] == "林峰" and pd.isna(row["responsible_id"])


def test_000a_group_names(demo_findings):
    f = demo_findings["zedong-000a"]["NAM001"]
    assert {(r.group_name, r.person_name) for r in f.itertuples()} == {
        (BADMINTON, "刘洋"), (JOINT, "林峰"), (PROJECT, "王磊"), (DUTY, "彭勇")}
    bm = f[f["group_name"] == BADMINTON].iloc[0]
    assert bm["evidence"] == ("name 羽毛球小分队; templates {company}{purpose}工作群 | {company}{purpose}團隊; "
                              "e.g. 澤東科技羽毛球小分队工作群 or 澤東科技羽毛球小分队團隊")
    assert bm["responsible_name"] == "刘洋" and bm["source_line"] == 6 and bm["date"] == pd.Timestamp("2026-10-31")


# ---- synthetic tables ----------------------------------------------------------

def roster(*rows):
    cols = ["employee_id", "name", "department", "title", "hire_date", "leave_date"]
    df = pd.DataFrame([dict(zip(cols, r)) for r in rows])
    for c in ("hire_date", "leave_date"):
        df[c] = pd.to_datetime(df[c])
    return model.conform(df, model.ROSTER, TZ)


def members(*rows, group="g1"):
    cols = ["member_id", "display_name", "role", "join_time", "person_id"]
    df = pd.DataFrame([dict(zip(cols, r)) for r in rows]).assign(group_id=group, platform="wechat")
    df["join_time"] = pd.to_datetime(df["join_time"])
    return model.conform(df.assign(source_file="members.csv", source_line=range(2, len(df) + 2)), model.MEMBERS, TZ)


def messages(*rows, group="g1"):
    cols = ["time", "sender_id", "sender_name", "person_id"]
    df = pd.DataFrame([dict(zip(cols, r)) for r in rows]).assign(group_id=group, platform="wechat", kind="text")
    df["time"] = pd.to_datetime(df["time"])
    return model.conform(df.assign(source_file="chat.csv", source_line=range(2, len(df) + 2)), model.MESSAGES, TZ)


def groups(*rows):
    cols = ["group_id", "group_name", "group_type", "department", "responsible", "registered", "status"]
    return model.conform(pd.DataFrame([dict(zip(cols, r)) for r in rows]).assign(platform="wechat"),
                         model.GROUPS, TZ)


SALES_GROUP = ("g1", "[销售]-周报", "department", "销售部", "王磊", True, "active")
STAFF = roster(("E1", "王磊", "销售部", "经理", "2016-02-22", None),
               ("E2", "李娜", "销售部", "销售代表", "2022-08-01", None),
               ("E3", "赵敏", "销售部", "销售代表", "2023-02-20", None))


def run(code, start="2026-10-01", end="2026-10-31", **tables):
    tables.setdefault("groups", groups(SALES_GROUP))
    tables.setdefault("roster", STAFF)
    ctx = AuditContext.build(load_policy(DATA / "synthetic.yaml"), dt.date.fromisoformat(start),
                             dt.date.fromisoformat(end), tz=TZ, **tables)
    return RULES[code].check(ctx)


def test_grace_runs_across_the_national_day_holiday():
    # joined Wed 09-30: the 2 working days are 10-08 and 10-09, the holiday 10-01…07 does not count
    mem = members(("w2", "娜娜", "member", "2026-09-30 10:00", "E2"))
    msg = messages(("2026-10-05 10:00", "w2", "娜娜", "E2"), ("2026-10-09 17:00", "w2", "娜娜", "E2"))
    assert run("NAM002", end="2026-10-09", members=mem, messages=msg).empty
    f = run("NAM002", members=mem, messages=msg)
    assert found(f) == {("NAM002", "[销售]-周报", "E2", "10-09")}   # dated at the deadline, nothing later seen
    assert f["evidence"].iloc[0] == ("seen 娜娜 (member list 2026-10-31); expected 销售部李娜; "
                                     "grace until 2026-10-09 (joined or hired 2026-09-30)")
    assert pd.isna(f["time"].iloc[0]) and f["source_file"].iloc[0] == "members.csv" and pd.isna(f["calendar_note"].iloc[0])


def test_grace_counts_the_adjusted_saturday_as_a_working_day():
    # joined Thu 10-08: Fri 10-09 and Sat 10-10 (调休 workday) → the deadline is 10-10, so Sun 10-11 is late
    mem = members(("w3", "销售部赵敏", "member", "2026-10-08 09:00", "E3"))
    msg = messages(("2026-10-10 11:00", "w3", "Amy", "E3"), ("2026-10-11 09:30", "w3", "Amy", "E3"),
                   ("2026-10-12 09:30", "w3", "销售部赵敏", "E3"))
    f = run("NAM002", members=mem, messages=msg)
    assert found(f) == {("NAM002", "[销售]-周报", "E3", "10-11")}
    row = f.iloc[0]
    assert row["evidence"] == ("seen Amy (messages 2026-10-11 09:30); expected 销售部赵敏; "
                               "grace until 2026-10-10 (joined or hired 2026-10-08)")
    assert row["time"] == pd.Timestamp("2026-10-11 09:30", tz=TZ) and row["source_line"] == 3
    assert row["responsible_id"] == "E1" and row["responsible_name"] == "王磊"


def test_join_event_starts_the_grace_when_the_member_list_has_no_join_time():
    mem = members(("w2", "娜娜", "member", None, "E2"))
    ev = model.conform(pd.DataFrame({"group_id": ["g1"], "time": pd.to_datetime(["2026-10-29 10:00"]),
                                     "event": ["join"], "target_name": ["娜娜"]}), model.EVENTS_TABLE, TZ)
    assert run("NAM002", members=mem, events=ev).empty          # deadline Mon 11-02, after the snapshot
    assert found(run("NAM002", members=mem)) == {("NAM002", "[销售]-周报", "E2", "10-31")}


def test_deadline_in_an_uncovered_year_has_a_calendar_note():
    late = roster(("E1", "王磊", "销售部", "经理", "2016-02-22", None),
                  ("E4", "孙浩", "销售部", "销售代表", "2027-03-05", None))
    mem = members(("w4", "浩子", "member", "2027-03-05 09:00", "E4"))
    f = run("NAM002", start="2027-03-01", end="2027-03-31", members=mem, roster=late)
    assert found(f) == {("NAM002", "[销售]-周报", "E4", "03-09")}   # Fri 03-05 + Mon, Tue (weekends only)
    assert f["calendar_note"].iloc[0] == ("grace deadline 2027-03-09 counted on weekends only: "
                                          "chinese-calendar has no data for 2027")


def test_unresolved_and_ambiguous_members_are_not_checked():
    twins = roster(("E1", "王磊", "销售部", "经理", "2016-02-22", None),
                   ("E5", "张伟", "销售部", "销售主管", "2019-04-15", None),
                   ("E5", "张伟", "研发部", "软件工程师", "2023-07-10", None))
    mem = members(("x1", "客户老刘", "member", "2026-09-01", None),       # not an employee
                  ("x2", "伟哥", "member", "2026-09-01", None),           # identity ambiguous: left unresolved
                  ("x3", "伟哥", "member", "2026-09-01", "E5"))           # an id the roster lists twice
    assert run("NAM002", members=mem, roster=twins).empty


def test_roles_owner_and_responsible():
    mem = members(("w1", "王磊(群负责人)", "admin", "2024-01-01", "E1"),
                  ("w2", "群主", "owner", "2024-01-01", "E2"),
                  ("w3", "赵敏", "owner", "2024-01-01", "E3"))
    f = run("NAM002", members=mem)
    # 王磊 is the responsible person, 李娜 the owner: both right; 赵敏 is also listed owner but not named 群主
    assert found(f) == {("NAM002", "[销售]-周报", "E3", "10-31")}
    assert f["evidence"].iloc[0] == "seen 赵敏 (member list 2026-10-31); expected 群主"


def test_stale_department_on_messages_is_judged_at_the_snapshot_only():
    moved = roster(("E1", "王磊", "销售部", "经理", "2016-02-22", None),
                   ("E2", "李娜", "行政中心", "行政助理", "2022-08-01", None))
    mem = members(("w2", "行政中心李娜", "member", "2024-01-01", "E2"))
    msg = messages(("2026-10-12 10:00", "w2", "销售部李娜", "E2"), ("2026-10-13 10:00", "w2", "销售部-李娜", "E2"))
    assert run("NAM002", members=mem, messages=msg, roster=moved).empty
    # a short form is not the department's name under {dept}: wrong whatever the transfer
    msg = messages(("2026-10-13 10:00", "w2", "销售-李娜", "E2"))
    assert found(run("NAM002", members=mem, messages=msg, roster=moved)) == {("NAM002", "[销售]-周报", "E2", "10-13")}


def test_departed_member_after_the_leave_date_is_not_checked():
    gone = roster(("E1", "王磊", "销售部", "经理", "2016-02-22", None),
                  ("E2", "李娜", "销售部", "销售代表", "2022-08-01", "2026-10-16"))
    mem = members(("w2", "娜娜", "member", "2024-01-01", "E2"))
    msg = messages(("2026-10-20 10:00", "w2", "娜娜", "E2"))
    assert run("NAM002", members=mem, messages=msg, roster=gone).empty
    msg = messages(("2026-10-16 10:00", "w2", "娜娜", "E2"), ("2026-10-20 10:00", "w2", "娜娜", "E2"))
    f = run("NAM002", members=mem, messages=msg, roster=gone)
    assert f["evidence"].tolist() == ["seen 娜娜 (messages 2026-10-16 10:00); expected 销售部李娜"]


def test_group_names_match_the_registered_department():
    g = groups(SALES_GROUP,
               ("g2", "[研发]-周报", "department", "销售部", "王磊", True, "active"),   # someone else's department
               ("g3", "【销售部】-客户", "department", "销售部", "王磊", True, "active"),  # full-width, full name
               ("g4", "澤東篮球團隊", "other", None, None, False, None),               # the regex form
               ("g5", "[财务]-报销", "other", None, None, False, None),                # not a department
               ("g6", "老同事群", "other", "销售部", "王磊", True, "dissolved"))
    f = run("NAM001", groups=g)
    assert set(f["group_name"]) == {"[研发]-周报", "[财务]-报销"} and set(f["date"]) == {pd.Timestamp("2026-10-31")}
    row = f[f["group_name"] == "[研发]-周报"].iloc[0]
    assert row["evidence"] == "name [研发]-周报; templates [{dept_short}]-{purpose} | /^澤東.+團隊$/; e.g. [销售]-[研发]-周报"
    assert row["responsible_id"] == "E1" and row["group_class"] == "department"
