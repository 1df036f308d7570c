"""OFF001 (off-hours posts) over the demo month and over small synthetic message tables."""
import datetime as dt
from pathlib import Path

import pandas as pd

from grpaudit import model
from grpaudit.policy import load_policy
from grpaudit.rules import RULES, AuditContext

from .conftest import context

TZ = "Asia/Shanghai"
POLICY = Path(__file__).resolve().parent / "data" / "messages_misc" / "misc.yaml"
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
G = "45127796301@chatroom"


def keys(f: pd.DataFrame) -> set:
    """(rule, group, person id else name, first message time as text) of each finding."""
    who = f["person_id"].fillna(f["person_name"])
    return set(zip(f["rule"], f["group_name"], who, f["time"].dt.strftime("%Y-%m-%d %H:%M:%S")))


def messages(*rows: tuple) -> pd.DataFrame:
    """(time, sender_name, text) rows in the sales group, one line each of chat.csv; person ids from names."""
    df = pd.DataFrame(rows, columns=["time", "sender_name", "text"])
    df["time"] = pd.to_datetime(df["time"]).dt.tz_localize(TZ)
    ids = {"张伟": "ZD1013", "马骏": "ZD1031", "李娜": "ZD1014", "周凯": "ZD1099"}
    return model.conform(df.assign(group_id=G, group_name="澤東销售部工作群", kind="text",
                                   sender_id=df["sender_name"], person_id=df["sender_name"].map(ids),
                                   source_file="chat.csv", source_line=range(2, len(df) + 2)), model.MESSAGES, TZ)


ROSTER = model.conform(pd.DataFrame({
    "employee_id": ["ZD1013", "ZD1031", "ZD1014", "ZD1099"], "name": ["张伟", "马骏", "李娜", "周凯"],
    "title": ["销售主管", "销售代表", "销售代表", "值班经理"]}), model.ROSTER, TZ)
GROUPS = model.conform(pd.DataFrame({"group_id": [G], "group_name": ["澤東销售部工作群"],
                                     "group_type": ["department"], "registered": [True]}), model.GROUPS, TZ)


def off(tmp_path: Path, msgs: pd.DataFrame, options: str = "") -> pd.DataFrame:
    path = tmp_path / "p.yaml"
    path.write_text(f"extends: {POLICY}\nrules:\n  OFF001:\n    options: {{{options}}}\n", encoding="utf-8")
    ctx = AuditContext.build(load_policy(path), *OCT, messages=msgs, roster=ROSTER, groups=GROUPS)
    return RULES["OFF001"].check(ctx)


def test_demo_month_late_night_and_holiday_posts(demo):
    f = RULES["OFF001"].check(context(demo, POLICY))
    late = {(g, w, t) for r, g, w, t in keys(f) if t[11:] >= "21:00" or t[11:] < "07:00"}
    assert late == {
        ("澤東销售部工作群", "ZD1013", "2026-10-21 22:47:05"),
        ("澤東销售部工作群", "ZD1031", "2026-10-21 22:49:30"),
        ("澤東科技全员工作群", "ZD1014", "2026-10-20 23:48:15"),
        ("澤東研发部工作群", "ZD1021", "2026-10-21 22:30:47"),
        ("澤東科技全员工作群", "ZD1006", "2026-10-04 21:30:18"),   # a holiday, before the quiet hours
        ("智能仓储V3.2联调群", "ZD1021", "2026-10-13 00:15:08"),   # the night of 10-12
    }
    # every holiday post of the work groups; the interest and temporary classes are switched off
    assert keys(f) - {("OFF001", *k) for k in late} == {
        ("OFF001", "澤東科技全员工作群", "ZD1002", "2026-10-01 09:00:12"),
        ("OFF001", "澤東科技全员工作群", "ZD1001", "2026-10-01 09:03:40"),
        ("OFF001", "澤東科技全员工作群", "ZD1014", "2026-10-01 09:05:02"),
        ("OFF001", "澤東科技全员工作群", "ZD1020", "2026-10-01 09:06:31"),
        ("OFF001", "澤東销售部工作群", "ZD1014", "2026-10-02 20:14:37"),
        ("OFF001", "澤東销售部工作群", "ZD1013", "2026-10-02 20:31:05"),
        ("OFF001", "澤東销售部工作群", "ZD1015", "2026-10-05 10:22:18"),
        ("OFF001", "澤東销售部工作群", "ZD1003", "2026-10-05 11:03:51"),
    }
    assert set(f["category"]) == {"off_hours"} and set(f["severity"]) == {"minor"}
    night = f[f["group_name"] == "智能仓储V3.2联调群"].iloc[0]
    assert night["date"] == pd.Timestamp("2026-10-12") and night["source_line"] == 43
    assert night["evidence"] == "1 message(s) in quiet hours: 10-13 00:15:08 已修复并发布，早上上班后再验证一下"
    sales = f[(f["group_name"] == "澤東销售部工作群") & (f["person_id"] == "ZD1014")].iloc[0]
    assert sales["evidence"].startswith("2 message(s) in non-working day: 10-02 20:14:37 国庆期间")
    assert sales["responsible_name"] == "王磊"


def test_demo_month_quiet_hours_only(demo, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(f"extends: {POLICY}\nrules:\n  OFF001:\n    options: {{nonworking_days: false}}\n")
    f = RULES["OFF001"].check(context(demo, path))
    assert {t for *_, t in keys(f)} == {"2026-10-21 22:47:05", "2026-10-21 22:49:30", "2026-10-20 23:48:15",
                                        "2026-10-21 22:30:47", "2026-10-13 00:15:08"}


def test_urgent_marker_allows_a_late_message(tmp_path):
    f = off(tmp_path, messages(("2026-10-21 23:10:00", "张伟", "【紧急】客户系统宕机，请值班同事马上处理"),
                               ("2026-10-22 23:10:00", "张伟", "URGENT: server down"),
                               ("2026-10-23 23:10:00", "张伟", "客户系统宕机，请值班同事马上处理")))
    assert keys(f) == {("OFF001", "澤東销售部工作群", "ZD1013", "2026-10-23 23:10:00")}
    assert f["date"].tolist() == [pd.Timestamp("2026-10-23")]


def test_one_evening_is_one_finding_listing_its_messages(tmp_path):
    f = off(tmp_path, messages(*[(f"2026-10-21 {h}", "张伟", f"第{i}条") for i, h in enumerate(
        ["22:05:00", "22:30:00", "23:15:00", "23:59:59"], 1)],
        ("2026-10-22 00:20:00", "张伟", "第5条"),         # after midnight: the same night
        ("2026-10-22 06:59:59", "张伟", "第6条"),         # still quiet hours
        ("2026-10-22 07:00:00", "张伟", "早"),            # the quiet hours end at 07:00
        ("2026-10-22 22:00:00", "张伟", "下一晚")))
    assert keys(f) == {("OFF001", "澤東销售部工作群", "ZD1013", "2026-10-21 22:05:00"),
                       ("OFF001", "澤東销售部工作群", "ZD1013", "2026-10-22 22:00:00")}
    first = f.sort_values("time").iloc[0]
    assert first["date"] == pd.Timestamp("2026-10-21") and first["source_line"] == 2
    assert first["evidence"] == ("6 message(s) in quiet hours: 10-21 22:05:00 第1条; 10-21 22:30:00 第2条; "
                                 "10-21 23:15:00 第3条; 10-21 23:59:59 第4条; 10-22 00:20:00 第5条 (+1 more)")
    assert first["message"] == "张伟 posted 6 message(s) in 澤東销售部工作群 outside working time (quiet hours) on 2026-10-21"


def test_adjusted_saturday_is_a_working_day_and_national_day_is_not(tmp_path):
    msgs = messages(("2026-10-10 10:00:00", "张伟", "调休上班"), ("2026-10-03 10:00:00", "马骏", "假期问一下"),
                    ("2026-10-11 10:00:00", "李娜", "周日问一下"))
    assert keys(off(tmp_path, msgs, "nonworking_days: true")) == {
        ("OFF001", "澤東销售部工作群", "ZD1031", "2026-10-03 10:00:00"),
        ("OFF001", "澤東销售部工作群", "ZD1014", "2026-10-11 10:00:00")}
    assert off(tmp_path, msgs, "nonworking_days: false").empty  # daytime rest-day posts need the option


def test_exempt_senders_and_titles(tmp_path):
    msgs = messages(("2026-10-21 23:00:00", "张伟", "a"), ("2026-10-21 23:00:00", "马骏", "b"),
                    ("2026-10-21 23:00:00", "周凯", "c"), ("2026-10-21 23:00:00", "李娜", "d"))
    f = off(tmp_path, msgs, "exempt: [张伟, ZD1031], exempt_titles: [值班]")
    assert keys(f) == {("OFF001", "澤東销售部工作群", "ZD1014", "2026-10-21 23:00:00")}


def test_outside_the_period_and_pii_masked(tmp_path):
    f = off(tmp_path, messages(("2026-09-30 23:00:00", "张伟", "九月"), ("2026-11-01 23:00:00", "张伟", "十一月"),
                               ("2026-10-31 23:30:00", "李娜", "我的手机13800001004，身份证11010519491231002X")))
    assert keys(f) == {("OFF001", "澤東销售部工作群", "ZD1014", "2026-10-31 23:30:00")}
    assert "138****1004" in f["evidence"][0] and "13800001004" not in f["evidence"][0]
    assert "110105********002X" in f["evidence"][0]


def test_interest_class_override_and_empty_tables(tmp_path):
    msgs = messages(("2026-10-21 23:00:00", "张伟", "a"))
    groups = GROUPS.assign(group_type=pd.Series(["interest"], dtype=GROUPS["group_type"].dtype))
    ctx = AuditContext.build(load_policy(POLICY), *OCT, messages=msgs, roster=ROSTER, groups=groups)
    assert RULES["OFF001"].check(ctx).empty
    assert RULES["OFF001"].check(AuditContext.build(load_policy(POLICY), *OCT)).empty


def test_a_context_given_other_messages_is_checked_again():
    # Rules share work per context (rules.base.memoized); swapping the context's
    # messages for another table, even an equal-looking one, must not reuse the old result.
    night = messages(("2026-10-21 22:47:05", "张伟", "方案我改好了"))
    ctx = AuditContext.build(load_policy(POLICY), *OCT, messages=night, roster=ROSTER, groups=GROUPS)
    assert len(RULES["OFF001"].check(ctx)) == 1
    ctx.messages = messages(("2026-10-21 10:47:05", "张伟", "方案我改好了"))
    assert RULES["OFF001"].check(ctx).empty
    ctx.messages = night.copy()
    assert len(RULES["OFF001"].check(ctx)) == 1
