"""WeCom group info reader (formats.md §5): rooms and their members."""
import codecs
import json

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.ingest import InputError, Source, detect, wecom_rooms

MGMT = "wrZdKq3LBwAAc1x8PjH5nWm2tR0eYvQf9g"
PROJECT = "wrZdKq3LBwAAx7Vd2sNcEo4uGk8pTyRiLw"
TZ = "Asia/Shanghai"


def read(path, data: bytes | None = None):
    return wecom_rooms.read(Source(path, data=data))


def test_sample_is_sniffed_as_group_info(samples):
    assert detect(Source(samples / "wecom_rooms.json")).name == "wecom_rooms"
    assert not wecom_rooms.sniff(Source(samples / "wecom_archive.jsonl"))
    assert not wecom_rooms.sniff(Source(samples / "members.csv"))


def test_sample_members(samples):
    res = read(samples / "wecom_rooms.json")
    m = res.members
    assert list(m.columns) == model.MEMBERS.names and res.skipped == []
    assert len(m) == 12
    assert m.groupby("group_name").size().to_dict() == {"澤東管理层工作群": 6, "澤東华南客户项目群": 6}
    assert dict(zip(m["group_id"], m["group_name"])) == {MGMT: "澤東管理层工作群", PROJECT: "澤東华南客户项目群"}
    owners = m.loc[m["role"] == "owner", ["group_id", "member_id"]].values.tolist()
    assert owners == [[MGMT, "ZhouJianGuo"], [PROJECT, "WangLei"]]
    assert (m["role"].astype(str).value_counts().to_dict()) == {"member": 10, "owner": 2}
    assert (m["platform"] == "wecom").all() and m["display_name"].isna().all()
    xie = m[m["member_id"] == "XieGang"].iloc[0]
    assert xie["join_time"] == pd.Timestamp("2026-10-20 11:02:45", tz=TZ)
    assert xie["source_line"] == 62                    # the member object's opening brace
    assert m["source_line"].tolist()[:2] == [9, 13]


def test_sample_matches_the_wecom_rows_of_the_member_list(samples):
    m = read(samples / "wecom_rooms.json").members
    listed = pd.read_csv(samples / "members.csv", dtype=str, encoding="utf-8-sig")
    listed = listed[listed["群ID"].isin([MGMT, PROJECT])]
    assert set(zip(m["group_id"], m["member_id"])) == set(zip(listed["群ID"], listed["成员ID"]))
    joined = pd.to_datetime(listed["入群时间"]).dt.tz_localize(TZ)
    assert dict(zip(m["member_id"] + m["group_id"], m["join_time"])) == dict(
        zip(listed["成员ID"] + listed["群ID"], joined))


@pytest.mark.parametrize("codec,bom", [("utf-8", codecs.BOM_UTF8), ("gb18030", b""),
                                       ("utf-16-le", codecs.BOM_UTF16_LE)])
def test_one_room_per_line_in_any_encoding(samples, codec, bom):
    rooms = json.loads((samples / "wecom_rooms.json").read_text("utf-8"))
    text = "\r\n".join(json.dumps(r, ensure_ascii=False) for r in rooms) + "\r\n"
    data = bom + text.encode(codec)
    assert detect(Source("rooms.jsonl", data=data)).name == "wecom_rooms"
    m = read("rooms.jsonl", data).members
    assert len(m) == 12
    assert m.groupby("source_line").size().to_dict() == {1: 6, 2: 6}


def test_incomplete_rooms_and_members():
    rooms = [
        {"roomid": "wr1", "roomname": "一群", "creator": "a",
         "members": [{"memberid": "a", "jointime": 1790000000}, {"jointime": 1790000001},
                     {"memberid": "b"}, {"memberid": "c", "jointime": "soon"}]},
        {"roomid": "wr2", "roomname": "二群", "creator": "x", "members": []},
        {"roomname": "无ID群", "members": [{"memberid": "z"}]},
        {"roomid": "", "roomname": "空ID群", "members": [{"memberid": "z"}]},
    ]
    text = json.dumps(rooms, ensure_ascii=False, indent=2)
    res = read("rooms.json", text.encode("utf-8"))
    m = res.members
    assert m["member_id"].tolist() == ["a", "b", "c"]
    assert m["role"].astype(str).tolist() == ["owner", "member", "member"]
    assert m["join_time"].iloc[0] == pd.Timestamp("2026-09-21 22:13:20", tz=TZ)
    assert m["join_time"].iloc[1:].isna().all()       # absent or unreadable join time: unknown
    lines = text.splitlines()
    member_line = [i + 1 for i, ln in enumerate(lines) if ln.strip() == '"jointime": 1790000001'][0] - 1
    room_lines = [i + 1 for i, ln in enumerate(lines) if ln == "  {"]
    assert [(s.line, s.level) for s in res.skipped] == [
        (member_line, "error"), (room_lines[1], "ignored"), (room_lines[2], "error"), (room_lines[3], "error")]
    assert "without a memberid" in res.skipped[0].reason
    assert "lists no members" in res.skipped[1].reason


def test_broken_room_line_is_skipped_and_the_rest_kept(samples):
    rooms = json.loads((samples / "wecom_rooms.json").read_text("utf-8"))
    text = json.dumps(rooms[0], ensure_ascii=False) + "\n" + '{"roomid": "wrX", "members": [\n' \
        + json.dumps(rooms[1], ensure_ascii=False) + "\n"
    res = read("rooms.jsonl", text.encode("utf-8"))
    assert res.members.groupby("source_line").size().to_dict() == {1: 6, 3: 6}
    assert [(s.line, s.level) for s in res.skipped] == [(2, "error")]


def test_empty_array_is_empty():
    res = read("rooms.json", b"[]")
    assert len(res.members) == 0 and res.skipped == []


@pytest.mark.parametrize("data", [b"nothing here\n", b'[{"roomid": "wr1"}]', b'{"msgid": "1", "action": "send"}\n'])
def test_not_group_info_raises(data):
    with pytest.raises(InputError, match="not WeCom group info"):
        read("x.json", data)
