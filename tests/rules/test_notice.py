"""NOT001 (notice publishers), NOT002 (recalls), NOT003 (others' messages removed): demo month and synthetic tables."""
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
G = "wrZdKq3LBwAAc1x8PjH5nWm2tR0eYvQf9g"


def keys(f: pd.DataFrame) -> set:
    who = f["person_id"].fillna(f["person_name"])
    return set(zip(f["rule"], f["group_name"], who, f["time"].dt.strftime("%Y-%m-%d %H:%M:%S")))


def messages(*rows: tuple) -> pd.DataFrame:
    """(time, sender_id, person_id, text, mentions_all, msg_id) rows in the management group."""
    df = pd.DataFrame(rows, columns=["time", "sender_id", "person_id", "text", "mentions_all", "msg_id"])
    df["time"] = pd.to_datetime(df["time"]).dt.tz_localize(TZ)
    return model.conform(df.assign(group_id=G, group_name="澤東管理层工作群", kind="text", sender_name=df["sender_id"],
                                   source_file="a.jsonl", source_line=range(1, len(df) + 1)), model.MESSAGES, TZ)


def events(*rows: tuple) -> pd.DataFrame:
    """(time, actor_id, actor_name, target_name, detail) recall events in the management group."""
    df = pd.DataFrame(rows, columns=["time", "actor_id", "actor_name", "target_name", "detail"])
    df["time"] = pd.to_datetime(df["time"]).dt.tz_localize(TZ)
    return model.conform(df.assign(group_id=G, group_name="澤東管理层工作群", event="recall", source_file="a.jsonl",
                                   source_line=range(50, len(df) + 50)), model.EVENTS_TABLE, TZ)


ROSTER = model.conform(pd.DataFrame({"employee_id": ["ZD1001", "ZD1002", "ZD1003", "ZD1005"],
                                     "name": ["周建国", "陈静", "王磊", "钱芳"]}), model.ROSTER, TZ)
GROUPS = model.conform(pd.DataFrame({"group_id": [G], "group_name": ["澤東管理层工作群"], "group_type": ["management"],
                                     "registered": [True]}), model.GROUPS, TZ)
MEMBERS = model.conform(pd.DataFrame({"group_id": [G, G], "member_id": ["WangLei", "QianFang"],
                                      "display_name": ["王磊", "钱芳"], "role": ["owner", "member"],
                                      "person_id": ["ZD1003", "ZD1005"]}), model.MEMBERS, TZ)


def run(code: str, tmp_path: Path, options: str = "", **tables) -> pd.DataFrame:
    path = tmp_path / "p.yaml"
    path.write_text(f"extends: {POLICY}\nrules:\n  {code}:\n    options: {{{options}}}\n", encoding="utf-8")
    ctx = AuditContext.build(load_policy(path), *OCT, roster=ROSTER, groups=GROUPS, members=MEMBERS, **tables)
    return RULES[code].check(ctx)


def test_demo_month_notices_by_non_publishers(demo):
    f = RULES["NOT001"].check(context(demo, POLICY))
    # 陈静's 【通知】 and @所有人, 周建国's @所有人 (ZD1001) are by publishers; 刘洋's is in the interest group
    assert keys(f) == {
        ("NOT001", "澤東仓储物流部工作群", "ZD1006", "2026-10-15 11:00:00"),
        ("NOT001", "澤東销售部工作群", "ZD1003", "2026-10-26 09:00:30"),
        ("NOT001", "澤東研发部工作群", "ZD1004", "2026-10-08 09:02:41"),
        ("NOT001", "澤東研发部工作群", "ZD1004", "2026-10-30 17:20:33"),
        ("NOT001", "澤東财务部工作群", "ZD1005", "2026-10-08 09:00:05"),
    }
    row = f[f["person_id"] == "ZD1005"].iloc[0]
    assert row["evidence"] == "notice @所有人 9月报销单今天下班前交齐，逾期转到11月处理。; may publish: 陈静, 孙丽, ZD1001"
    assert row["message"] == "钱芳 published a notice in 澤東财务部工作群 but is not a designated publisher"


def test_demo_month_owners_may_publish(demo, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(f"extends: {POLICY}\nrules:\n  NOT001:\n    options: {{allow_roles: [owner]}}\n")
    # 林峰, 彭勇, 钱芳 and 王磊 (owner since 10-19) own their department groups
    assert RULES["NOT001"].check(context(demo, path)).empty


def test_notice_by_non_publisher_vs_publisher(tmp_path):
    msgs = messages(("2026-10-12 09:00:00", "ChenJing", "ZD1002", "【通知】明天停电", False, "m1"),
                    ("2026-10-12 09:05:00", "QianFang", "ZD1005", "【 公告 】财务系统升级", False, "m2"),
                    ("2026-10-12 09:06:00", "QianFang", "ZD1005", "请大家查收通知，谢谢", False, "m3"),
                    ("2026-10-12 09:07:00", "QianFang", "ZD1005", "@所有人 月底对账", True, "m4"),
                    ("2026-10-12 09:08:00", "WangLei", "ZD1003", "通知：下午开会", False, "m5"))
    f = run("NOT001", tmp_path, messages=msgs)
    assert keys(f) == {("NOT001", "澤東管理层工作群", "ZD1005", "2026-10-12 09:05:00"),
                       ("NOT001", "澤東管理层工作群", "ZD1005", "2026-10-12 09:07:00"),
                       ("NOT001", "澤東管理层工作群", "ZD1003", "2026-10-12 09:08:00")}
    f = run("NOT001", tmp_path, "publishers: [钱芳], mentions_all: false, allow_roles: [owner]", messages=msgs)
    assert f.empty
    f = run("NOT001", tmp_path, "mentions_all: false", messages=msgs)
    assert len(f) == 2


def test_recalls_and_others_messages(tmp_path):
    msgs = messages(("2026-10-13 09:40:02", "QianFang", "ZD1005", "单价185元/台，电话13800001004", False, "m1"),
                    ("2026-10-13 09:50:00", "WangLei", "ZD1003", "好", False, "m2"))
    ev = events(("2026-10-13 09:41:00", "QianFang", None, None, "m1"),       # her own message
                ("2026-10-13 10:00:00", "WangLei", None, None, "m1"),        # the owner removes hers
                ("2026-10-14 10:00:00", None, "王磊", "钱芳", None),          # a line naming the target
                ("2026-10-15 10:00:00", None, "钱芳", None, None),            # nothing known about the message
                ("2026-11-01 10:00:00", None, "钱芳", None, None))            # after the period
    f = run("NOT002", tmp_path, messages=msgs, events=ev)
    assert sorted(zip(f["person_id"], f["time"].dt.strftime("%m-%d %H:%M"))) == [
        ("ZD1003", "10-13 10:00"), ("ZD1003", "10-14 10:00"), ("ZD1005", "10-13 09:41"), ("ZD1005", "10-15 10:00")]
    assert set(f["severity"]) == {"info"}
    own = f[f["time"].dt.strftime("%H:%M") == "09:41"].iloc[0]
    assert own["evidence"] == "recall by QianFang; recalled message: 单价185元/台，电话138****1004"
    f = run("NOT003", tmp_path, messages=msgs, events=ev)
    assert sorted(zip(f["person_id"], f["time"].dt.strftime("%m-%d %H:%M"), f["message"])) == [
        ("ZD1003", "10-13 10:00", "王磊 removed a message of QianFang in 澤東管理层工作群"),
        ("ZD1003", "10-14 10:00", "王磊 removed a message of 钱芳 in 澤東管理层工作群")]


def test_demo_month_recalls(demo):
    ctx = context(demo, POLICY)
    f = RULES["NOT002"].check(ctx)
    assert keys(f) == {
        ("NOT002", "澤東科技全员工作群", "ZD1019", "2026-10-22 16:10:05"),
        ("NOT002", "澤東仓储物流部工作群", "ZD1028", "2026-10-22 09:12:40"),
        ("NOT002", "澤東销售部工作群", "ZD1014", "2026-10-13 15:40:12"),
        ("NOT002", "澤東销售部工作群", "ZD1003", "2026-10-22 11:10:02"),
        ("NOT002", "澤東研发部工作群", "ZD1018", "2026-10-22 10:03:22"),
        ("NOT002", "澤東财务部工作群", "ZD1022", "2026-10-22 11:30:00"),
        ("NOT002", "澤東华南客户项目群", "ZD1014", "2026-10-13 09:41:30"),
        ("NOT002", "羽毛球小分队", "ZD1014", "2026-10-25 09:15:00"),
    }
    wecom = f[f["group_name"] == "澤東华南客户项目群"].iloc[0]
    assert wecom["evidence"] == "recall by LiNa; recalled message: 刘总，合同模板发您邮箱了，单价是185元/台"
    assert wecom["source_line"] == 24
    # every recall in the demo is of the recaller's own message (or says nothing about whose)
    assert RULES["NOT003"].check(ctx).empty
