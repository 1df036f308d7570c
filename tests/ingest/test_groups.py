"""Group registry reader (formats.md §9): samples, value tables, encodings, skips and warnings."""
import codecs

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.ingest import detect, groups
from grpaudit.ingest.source import Source

HEADER = "群名称,群ID,平台,类型,所属部门,群主,群负责人,备案日期,结束日期,状态"


def read(tmp_path, text: str, encoding: str = "utf-8"):
    p = tmp_path / "g.csv"
    p.write_bytes(codecs.BOM_UTF16_LE + text.encode(encoding) if encoding == "utf-16-le" else text.encode(encoding))
    src = Source(p)
    assert groups.sniff(src)
    return groups.read(src)


def test_sample_registry(samples):
    res = groups.read(Source(samples / "groups.csv"))
    df = res.groups
    assert res.format == "groups" and res.skipped == [] and res.warnings == []
    assert len(df) == 10 and list(df.columns) == model.GROUPS.names
    assert df["source_line"].tolist() == list(range(2, 12))
    assert df["group_type"].astype(str).value_counts().to_dict() == {
        "department": 4, "temporary": 2, "company": 1, "management": 1, "project": 1, "interest": 1}
    assert df["status"].value_counts().to_dict() == {"active": 9, "dissolved": 1}
    assert df["platform"].astype(str).value_counts().to_dict() == {"wechat": 4, "qq": 2, "wecom": 2, "dingtalk": 2}
    assert df["registered"].all()
    by_name = df.set_index("group_name")
    assert df.loc[df["end_date"].notna(), ["group_name", "end_date", "status"]].values.tolist() == [
        ["澤東国庆值班临时群", pd.Timestamp("2026-10-08"), "active"],
        ["澤東中秋活动临时群", pd.Timestamp("2026-09-27"), "dissolved"]]
    assert by_name.loc["澤東销售部工作群", ["group_id", "owner", "responsible", "registered_date"]].tolist() == [
        "45127796301@chatroom", "郑雪", "王磊", pd.Timestamp("2024-06-03")]
    assert by_name.loc["澤東研发部工作群", "group_id"] == "726381940"
    assert by_name.loc["澤東财务部工作群", ["platform", "department"]].tolist() == ["dingtalk", "财务部"]
    assert "智能仓储V3.2联调群" not in by_name.index


def test_sniffer_takes_registries_only(samples):
    assert groups.sniff(Source(samples / "groups.csv"))
    assert detect(Source(samples / "groups.csv")).name == "groups"      # no reader sniffed earlier takes it
    for name in ("roster.csv", "roster.xlsx", "members.csv", "generic_chat.csv", "wechat_memotrace.csv",
                 "wecom_rooms.json", "wechat_export.txt"):
        assert not groups.sniff(Source(samples / name)), name


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16-le"])
@pytest.mark.parametrize("eol", ["\r\n", "\n"])
def test_encodings_and_line_ends(tmp_path, encoding, eol):
    text = eol.join([HEADER, "澤東研发部工作群,726381940,QQ,部门群,研发部,林峰,林峰,2023/4/17,,正常",
                     "澤東中秋活动临时群,41120986534@chatroom,微信,临时群,行政中心,刘洋,刘洋,2026/9/15,2026/9/27,已解散", ""])
    df = read(tmp_path, text, encoding).groups
    assert df["group_type"].astype(str).tolist() == ["department", "temporary"]
    assert df["status"].tolist() == ["active", "dissolved"]
    assert df["end_date"].tolist()[1] == pd.Timestamp("2026-09-27")


def test_english_headers_unknown_values_and_platform_from_id(tmp_path):
    text = ("group_name,group_id,platform,type,department,owner,responsible,registration_date,end_date,status\n"
            "Sales,45127796301@chatroom,,Department,Sales,Wang,\"Wang, Li\",2024-06-03,,\n"      # 2
            "Ops,cidZd3Rt9bYcL5eWq8Nu2JmXkA==,DingTalk,temporary,Ops,Peng,Xie/Tang,2026-09-28,2026-10-08,Active\n"
            "Misc,123456789,MSN,闲聊群,,,,sometime,,归档\n")                                          # 4
    res = read(tmp_path, text)
    df = res.groups
    assert df["platform"].astype(str).tolist() == ["wechat", "dingtalk", "other"]
    assert df["group_type"].astype(str).tolist() == ["department", "temporary", "other"]
    assert df["status"].tolist()[:2] == ["active", "active"] and pd.isna(df["status"].iloc[2])
    assert df["responsible"].tolist()[:2] == ["Wang、Li", "Xie、Tang"]
    assert pd.isna(df["registered_date"].iloc[2])
    assert res.skipped == []
    assert sorted((w.line, w.reason.split()[0]) for w in res.warnings) == [
        (4, "备案日期"), (4, "平台"), (4, "状态"), (4, "类型")]


def test_header_only_file(tmp_path):
    res = read(tmp_path, HEADER + "\r\n", "utf-8-sig")
    assert len(res.groups) == 0 and res.skipped == [] and list(res.groups.columns) == model.GROUPS.names


def test_broken_rows_are_skipped_and_counted(tmp_path):
    rows = [
        HEADER,
        "A群,111111,QQ,部门群,研发部,甲,甲,2024-01-01,,正常",       # 2 kept
        ",,QQ,部门群,研发部,甲,甲,2024-01-01,,正常",                 # 3 no group
        "A2群,111111,QQ,项目群,研发部,乙,乙,2024-02-01,,正常",        # 4 repeats 111111
        "C群,333333,QQ",                                           # 5 wrong field count
        "只有名字的群,,微信,兴趣群,,,,,,",                             # 6 kept, id from name
    ]
    res = read(tmp_path, "\n".join(rows) + "\n")
    df = res.groups
    assert df["group_id"].tolist() == ["111111", "wechat:只有名字的群"]
    assert df["source_line"].tolist() == [2, 6]
    reasons = {s.line: s.reason for s in res.skipped}
    assert sorted(reasons) == [3, 4, 5] and "repeats line 2" in reasons[4]
    assert len(df) + len(res.skipped) == 5
