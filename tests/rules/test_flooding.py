"""FLD001 (bursts), FLD002 (repeated texts), FLD003 (sticker runs) over small synthetic tables and the demo month."""
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from grpaudit import model
from grpaudit.policy import load_policy
from grpaudit.rules import RULES, AuditContext
from grpaudit.rules.flooding import _starts, near_same

from .conftest import context

TZ = "Asia/Shanghai"
POLICY = Path(__file__).resolve().parent / "data" / "messages_misc" / "misc.yaml"
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
G = "726381940"
T0 = pd.Timestamp("2026-10-12 10:00:00")


def messages(*rows: tuple) -> pd.DataFrame:
    """(seconds after 10-12 10:00, sender, kind, text) rows in the R&D group."""
    df = pd.DataFrame(rows, columns=["s", "sender_id", "kind", "text"])
    df["time"] = (T0 + pd.to_timedelta(df["s"], unit="s")).dt.tz_localize(TZ)
    ids = {"高远": "ZD1021", "徐婷": "ZD1020", "林峰": "ZD1004"}
    return model.conform(df.assign(group_id=G, group_name="澤東研发部工作群", sender_name=df["sender_id"],
                                   person_id=df["sender_id"].map(ids), source_file="qq.txt",
                                   source_line=range(10, 10 + len(df))), model.MESSAGES, TZ)


GROUPS = model.conform(pd.DataFrame({"group_id": [G], "group_name": ["澤東研发部工作群"], "group_type": ["department"],
                                     "registered": [True]}), model.GROUPS, TZ)


def run(code: str, msgs: pd.DataFrame) -> pd.DataFrame:
    ctx = AuditContext.build(load_policy(POLICY), *OCT, messages=msgs, groups=GROUPS)
    return RULES[code].check(ctx)


def found(f: pd.DataFrame) -> list:
    return sorted(zip(f["person_name"], f["time"].dt.strftime("%H:%M:%S"), f["evidence"].str.split(":").str[0]))


def test_burst_over_and_just_under_the_threshold():
    # 高远: 11 messages in 50 s (over 10 in 60 s), then 10 in 60 s an hour later (not over)
    over = [(i * 5, "高远", "text", f"消息{i}") for i in range(11)]
    under = [(3600 + i * 6, "高远", "text", f"再来{i}") for i in range(10)] + [(3600 + 61 + 54, "高远", "text", "x")]
    others = [(i * 5 + 1, "徐婷", "text", f"回复{i}") for i in range(10)]   # 10 in 45 s: at the limit
    f = run("FLD001", messages(*over, *under, *others))
    assert found(f) == [("高远", "10:00:00", "11 messages in 50 s")]
    assert f["source_line"].tolist() == [10] and f["person_id"].tolist() == ["ZD1021"]
    assert f["evidence"][0].endswith("10:00:20 消息4 (+6 more)")


def test_overlapping_windows_make_one_episode():
    f = run("FLD001", messages(*[(i * 5, "高远", "text", f"m{i}") for i in range(30)]))
    assert found(f) == [("高远", "10:00:00", "30 messages in 145 s")]


def test_repeated_and_near_same_texts():
    msgs = messages((0, "林峰", "text", "请尽快提交周报！"), (60, "林峰", "text", "请尽快 提交周报"),
                    (120, "林峰", "text", "請盡快提交週報😀"),                    # traditional + emoji: the same
                    (200, "徐婷", "text", "请尽快提交周报"),                       # someone else
                    (3000, "林峰", "text", "收到"), (3100, "林峰", "text", "收到"),  # only twice
                    (5000, "高远", "text", "好"), (5001, "高远", "text", "好"), (5002, "高远", "text", "好"))
    f = run("FLD002", msgs)
    assert found(f) == [("林峰", "10:00:00", "3 messages in 120 s")]
    assert near_same(pd.Series(["請盡快提交週報😀", "收 到！！"])).tolist() == ["请尽快提交周报", "收到"]


def test_sticker_run():
    run6 = [(i * 30, "徐婷", "sticker", "[表情]") for i in range(4)] + [(130, "徐婷", "text", "😂😂"),
                                                                    (150, "徐婷", "text", "[捂脸][OK]")]
    broken = [(1000, "高远", "sticker", "[表情]"), (1010, "高远", "sticker", "[表情]"), (1020, "高远", "text", "好的"),
              (1030, "高远", "sticker", "[表情]"), (1040, "高远", "sticker", "[表情]"),
              (1500, "高远", "sticker", "[表情]")]                          # the gap ends the run
    f = run("FLD003", messages(*run6, *broken))
    assert found(f) == [("徐婷", "10:00:00", "6 messages in 150 s")]
    assert f["message"][0] == "徐婷 posted a run of stickers in 澤東研发部工作群 (6 messages in 150 s)"


def test_window_starts_keep_people_apart():
    codes = np.array([0, 0, 0, 1, 1])
    ms = np.array([0, 1000, 5000, 5500, 6000])
    assert _starts(codes, ms, 1000).tolist() == [0, 0, 2, 3, 3]


def test_demo_month_has_no_flooding(demo):
    ctx = context(demo, POLICY)
    for code in ("FLD001", "FLD002", "FLD003"):
        assert RULES[code].check(ctx).empty


def test_demo_month_with_a_tight_policy(demo, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(f"extends: {POLICY}\nrules:\n  FLD001:\n    options: {{max_messages: 1, window_seconds: 60}}\n"
                    "  FLD003:\n    options: {run_length: 2}\n")
    f = RULES["FLD001"].check(context(demo, path))
    who = f["person_id"].fillna(f["person_name"])
    assert set(zip(f["group_name"], who, f["time"].dt.strftime("%m-%d %H:%M:%S"))) == {
        ("澤東科技全员工作群", "ZD1005", "10-08 09:15:33"), ("澤東科技全员工作群", "ZD1012", "10-13 10:00:21"),
        ("澤東科技全员工作群", "ZD1021", "10-28 14:20:56"), ("澤東销售部工作群", "ZD1003", "10-12 09:20:14"),
        ("澤東销售部工作群", "ZD1013", "10-08 10:15:09"), ("澤東销售部工作群", "ZD1013", "10-10 10:47:33"),
        ("澤東销售部工作群", "ZD1015", "10-28 10:40:22"), ("澤東销售部工作群", "ZD1015", "10-30 18:02:47"),
        ("澤東销售部工作群", "ZD1031", "10-27 15:12:09"), ("澤東研发部工作群", "深圳芯联-小吴", "10-12 10:05:27"),
        ("澤東财务部工作群", "ZD1005", "10-28 18:10:25"), ("澤東管理层工作群", "ZD1005", "10-14 16:05:10"),
        ("澤東华南客户项目群", "ZD1013", "10-12 11:30:20"), ("澤東华南客户项目群", "ZD1013", "10-29 16:00:00"),
        ("澤東华南客户项目群", "woZdKq3LBwAAm8Hq2Rj5Tx0Uc7Vb4Nf1Ke", "10-15 14:10:19")}
    # the interest group's 刘洋 posted an image and text 73 s apart: outside the minute
    assert RULES["FLD003"].check(context(demo, path)).empty
