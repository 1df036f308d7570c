"""Member-list reader (formats.md §7): samples, platforms, roles, encodings, skips and warnings."""
import codecs

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.ingest import detect, members
from grpaudit.ingest.source import Source

HEADER = "群名称,群ID,成员ID,群昵称,昵称,角色,入群时间"


def read(tmp_path, text: str, encoding: str = "utf-8"):
    p = tmp_path / "m.csv"
    p.write_bytes(codecs.BOM_UTF16_LE + text.encode(encoding) if encoding == "utf-16-le" else text.encode(encoding))
    src = Source(p)
    assert members.sniff(src)
    return members.read(src)


@pytest.fixture
def sample(samples):
    return members.read(Source(samples / "members.csv"))


def test_sample_counts(sample):
    df = sample.members
    assert sample.format == "members" and sample.skipped == [] and sample.warnings == []
    assert len(df) == 77 and list(df.columns) == model.MEMBERS.names
    assert df["source_line"].tolist() == list(range(2, 79))
    assert df["role"].value_counts().to_dict() == {"member": 57, "owner": 10, "admin": 10}
    assert (df[df["role"] == "owner"].groupby("group_name").size() == 1).all()
    assert df.groupby("group_name").size().to_dict() == {
        "澤東科技全员工作群": 25, "澤東销售部工作群": 6, "澤東仓储物流部工作群": 5, "澤東研发部工作群": 6, "羽毛球小分队": 6,
        "智能仓储V3.2联调群": 6, "澤東管理层工作群": 6, "澤東华南客户项目群": 6, "澤東财务部工作群": 5, "澤東国庆值班临时群": 6}
    assert df["platform"].astype(str).value_counts().to_dict() == {"wechat": 36, "qq": 18, "wecom": 12, "dingtalk": 11}
    assert df["join_time"].isna().sum() == 5
    t = df["join_time"].dropna()
    assert (t == t.dt.normalize()).sum() == 16                # the date-only 入群时间 cells, read as midnight
    assert df["person_id"].isna().all()                       # identity.resolve fills it


def test_display_name_falls_back_to_nickname(samples, sample):
    raw = pd.read_csv(samples / "members.csv", dtype=str, keep_default_na=False)
    empty = (raw["群昵称"] == "").to_numpy()
    assert empty.sum() == 24
    df = sample.members
    assert (df.loc[empty, "display_name"] == df.loc[empty, "nickname"]).all()
    assert df["display_name"].notna().all()
    by_id = df[df["group_name"] == "澤東科技全员工作群"].set_index("member_id")
    assert by_id.loc["wxid_gy8u6i4o2p0l12", ["display_name", "nickname"]].tolist() == ["远方", "远方"]
    assert by_id.loc["wxid_fxy4k6m8n0p2q22", "display_name"] == "Rain"
    assert by_id.loc["wxid_4q8zk2m7c1n922", ["display_name", "nickname", "role"]].tolist() == ["行政中心陈静", "静待花开",
                                                                                              "owner"]


def test_join_times_and_ids(sample):
    df = sample.members
    row = df[(df["member_id"] == "1308817442")].iloc[0]
    assert row["join_time"] == pd.Timestamp("2026-10-19 09:40:11", tz="Asia/Shanghai")
    assert row["group_id"] == "726381940" and row["platform"] == "qq" and row["source_line"] == 43
    caomin = df[df["member_id"] == "caomin_cw"].iloc[0]
    assert caomin["join_time"] == pd.Timestamp("2025-03-11", tz="Asia/Shanghai")     # date only: midnight
    ext = df[df["member_id"].str.startswith("wo")]
    assert ext[["platform", "display_name"]].values.tolist() == [["wecom", "刘建华@广州恒达贸易"]]
    assert df.loc[df["group_name"] == "澤東财务部工作群", "member_id"].tolist()[0] == "ZD1005"


def test_sniffer_takes_member_lists_only(samples):
    assert members.sniff(Source(samples / "members.csv"))
    assert detect(Source(samples / "members.csv")).name == "members"      # no reader sniffed earlier takes it
    for name in ("roster.csv", "roster.xlsx", "groups.csv", "generic_chat.csv", "wechat_memotrace.csv",
                 "wecom_rooms.json", "wecom_archive.jsonl", "qq_export.txt"):
        assert not members.sniff(Source(samples / name)), name


def test_platform_from_group_id_shape():
    ids = pd.Series(["20381517325@chatroom", "wrZdKq3LBwAAc1x8PjH5nWm2tR0eYvQf9g", "726381940",
                     "cidZd8Kq2mVnP0aXo1Tg7HfWcA==", "oc_5ad11d72b830411d72b836c20", "澤東群", None], dtype="str")
    assert members.platform_of_group_id(ids).tolist() == ["wechat", "wecom", "qq", "dingtalk", "feishu", "other",
                                                          "other"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16-le"])
@pytest.mark.parametrize("eol", ["\r\n", "\n"])
def test_encodings_and_line_ends(tmp_path, encoding, eol):
    text = eol.join([HEADER, "研发群,726381940,1184520073,研发部林峰,山风,群主,2023-04-17",
                     '研发群,726381940,2750193364,"张伟,研发",代码搬运工,管理员,2023/7/10 9:30', ""])
    df = read(tmp_path, text, encoding).members
    assert df["display_name"].tolist() == ["研发部林峰", "张伟,研发"]
    assert df["role"].tolist() == ["owner", "admin"]
    assert df["join_time"].tolist()[1] == pd.Timestamp("2023-07-10 09:30", tz="Asia/Shanghai")


def test_english_headers_with_a_platform_column_and_lists_without_ids(tmp_path):
    text = ("group,platform,nickname,role,joined_at\n"
            "Design team,Feishu,Lily,Owner,1791419723\n"
            "Design team,飞书,Bob,,\n"
            "羽毛球小分队,QQ,唐亮,member,2026-10-11 13:20:37\n")
    res = read(tmp_path, text)
    df = res.members
    assert df["platform"].astype(str).tolist() == ["feishu", "feishu", "qq"]
    # no group id: '<platform>:<name>', the form chat readers use, so the dataset can unify them
    assert df["group_id"].tolist() == ["feishu:Design team", "feishu:Design team", "qq:羽毛球小分队"]
    assert df["member_id"].isna().all() and df["display_name"].tolist() == ["Lily", "Bob", "唐亮"]
    assert df["role"].tolist() == ["owner", "member", "member"]          # blank role: an ordinary member
    assert df["join_time"].tolist()[0] == pd.Timestamp("2026-10-08 08:35:23", tz="Asia/Shanghai")  # Unix s, UTC
    assert res.skipped == [] and res.warnings == []


def test_header_only_file(tmp_path):
    res = read(tmp_path, HEADER + "\r\n", "utf-8-sig")
    assert len(res.members) == 0 and res.skipped == [] and list(res.members.columns) == model.MEMBERS.names


def test_broken_rows_are_skipped_and_suspect_values_warned(tmp_path):
    rows = [
        HEADER,
        "A群,111111,u1,小一,一,成员,2026-10-01 10:00:00",         # 2 kept
        ",,u2,小二,二,成员,",                                       # 3 no group
        "A群,111111,,,,成员,",                                      # 4 neither id nor name
        "A群,111111,u1,小一,一,管理员,",                             # 5 repeats u1 of line 2
        'A群,111111,u3,"小\n三",三,副群主,昨天',                      # 6-7 kept: unknown role, bad time
        "A群,111111,u4",                                            # 8 wrong field count
        "B群,,,王五,,成员,",                                         # 9 kept: no id, name only
    ]
    res = read(tmp_path, "\n".join(rows) + "\n")
    df = res.members
    assert df["source_line"].tolist() == [2, 6, 9]
    assert df["display_name"].tolist() == ["小一", "小\n三", "王五"]
    assert df["role"].tolist() == ["member", "member", "member"] and pd.isna(df["join_time"].iloc[1])
    assert df["group_id"].tolist()[2] == "other:B群"
    assert {s.line: s.level for s in res.skipped} == {3: "error", 4: "error", 5: "error", 8: "error"}
    reasons = {s.line: s.reason for s in res.skipped}
    assert "群" in reasons[3] and "repeats line 2" in reasons[5]
    assert sorted((w.line, w.reason.split()[0]) for w in res.warnings) == [(6, "入群时间"), (6, "角色")]
    assert len(df) + len(res.skipped) == 7
