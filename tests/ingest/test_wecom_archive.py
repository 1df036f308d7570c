"""WeCom session archive reader (formats.md §5) against the samples and hand-made edge cases."""
import codecs
import json

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.ingest import InputError, Source, detect, wecom_archive

MGMT = "wrZdKq3LBwAAc1x8PjH5nWm2tR0eYvQf9g"      # 澤東管理层工作群
PROJECT = "wrZdKq3LBwAAx7Vd2sNcEo4uGk8pTyRiLw"   # 澤東华南客户项目群
EXTERNAL = "woZdKq3LBwAAm8Hq2Rj5Tx0Uc7Vb4Nf1Ke"
TZ = "Asia/Shanghai"


def read(path, data: bytes | None = None):
    return wecom_archive.read(Source(path, data=data))


def line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def msg(n: int, **over) -> dict:
    """A text message in the management room, n seconds after 2026-10-08 09:00 (Shanghai)."""
    base = {"msgid": f"m{n}", "action": "send", "from": "WangLei", "tolist": ["LiNa"], "roomid": MGMT,
            "msgtime": 1791421200000 + n * 1000, "msgtype": "text", "text": {"content": f"消息{n}"}}
    base.update(over)
    return base


def jsonl(*objs, end: str = "\n") -> bytes:
    return (end.join(o if isinstance(o, str) else line(o) for o in objs) + end).encode("utf-8")


@pytest.fixture(scope="module")
def jl():
    from pathlib import Path
    return read(Path(__file__).parents[1] / "data" / "samples" / "wecom_archive.jsonl")


def test_samples_are_sniffed_as_wecom_archive(samples):
    assert detect(Source(samples / "wecom_archive.jsonl")).name == "wecom_archive"
    assert detect(Source(samples / "wecom_archive.json")).name == "wecom_archive"
    assert not wecom_archive.sniff(Source(samples / "wecom_rooms.json"))
    assert not wecom_archive.sniff(Source(samples / "generic_chat.csv"))


def test_jsonl_sample_counts_by_room_and_every_line_is_accounted_for(jl):
    m = jl.messages
    assert list(m.columns) == model.MESSAGES.names
    assert m.groupby("group_id").size().to_dict() == {MGMT: 25, PROJECT: 23}
    assert len(jl.events) == 1
    assert len(m) + len(jl.events) + len(jl.skipped) == 51
    assert sorted(m["source_line"].tolist() + jl.events["source_line"].tolist()
                  + [s.line for s in jl.skipped]) == list(range(1, 52))
    assert (m["platform"] == "wecom").all() and m["sender_name"].isna().all() and m["group_name"].isna().all()


def test_jsonl_sample_skips_switch_and_one_to_one_as_ignored(jl):
    assert [(s.line, s.level) for s in jl.skipped] == [(13, "ignored"), (14, "ignored")]
    assert "switch" in jl.skipped[0].reason
    assert "one-to-one" in jl.skipped[1].reason


def test_jsonl_sample_recall_event(jl):
    ev = jl.events.iloc[0]
    assert ev["event"] == "recall" and ev["platform"] == "wecom" and ev["group_id"] == PROJECT
    assert ev["actor_id"] == "LiNa"
    assert ev["detail"] == "17021531718735830149_1791855602_external"
    assert ev["time"] == pd.Timestamp("2026-10-13 09:41:30.381", tz=TZ)
    assert ev["source_line"] == 24
    recalled = jl.messages.set_index("msg_id").loc[ev["detail"]]
    assert recalled["text"] == "刘总，合同模板发您邮箱了，单价是185元/台" and recalled["source_line"] == 23


def test_jsonl_sample_kinds_and_texts(jl):
    m = jl.messages
    assert m["kind"].astype(str).value_counts().to_dict() == {
        "text": 35, "file": 3, "sticker": 3, "link": 3, "image": 2, "voice": 1, "other": 1}
    by_line = m.set_index("source_line")
    assert by_line.loc[4, "text"] == "[文件] 常州客户发货延误说明.docx"
    assert by_line.loc[9, ["kind", "text"]].tolist() == ["sticker", "[表情]"]
    assert by_line.loc[26, ["kind", "text"]].tolist() == ["link", "[链接] 关于规范差旅报销标准的通知（2026版）"]
    assert by_line.loc[33, ["kind", "text"]].tolist() == ["link", "[文档] 华南恒达项目周报（第2周）"]
    assert by_line.loc[40, ["kind", "text"]].tolist() == ["voice", "[语音]"]
    # the unknown sphfeed message is kept, as other, with what text it has
    assert by_line.loc[17, ["kind", "text", "sender_id"]].tolist() == [
        "other", "[sphfeed] 物流装备观察 智能仓储AGV落地案例：3个月节省人工40%", "PengYong"]
    # mixed: the text parts (their content is itself JSON) joined, the image part left out
    assert by_line.loc[28, ["kind", "text"]].tolist() == ["text", "恒达仓库现场勘查照片：\n装卸平台高度1.2米，叉车可直接进"]
    assert by_line.loc[47, "text"] == "智能仓储项目联调进度：入库、出库流程已走通，库位同步问题已修复。现场照片："


def test_jsonl_sample_times_senders_and_mentions(jl):
    m = jl.messages
    assert str(m["time"].dt.tz) == TZ
    assert m["time"].iloc[0] == pd.Timestamp("2026-10-08 08:35:12.667", tz=TZ)
    assert m["time"].iloc[-1] == pd.Timestamp("2026-10-29 16:00:30.565", tz=TZ)
    assert m["time"].is_monotonic_increasing
    assert (m["sender_id"] == EXTERNAL).sum() == 6
    assert m["msg_id"].iloc[0] == "13106858529064595311_1791419712"
    assert m["mentions"].iloc[0] == ("王磊", "彭勇")
    assert m["mentions_all"].sum() == 1
    assert m.loc[m["mentions_all"], "source_line"].tolist() == [49]
    assert m.loc[m["mentions_all"], "mentions"].iloc[0] == ("所有人",)


def test_json_array_sample_is_the_first_ten_lines(samples, jl):
    arr = read(samples / "wecom_archive.json")
    m = arr.messages
    assert len(m) == 10 and arr.skipped == [] and len(arr.events) == 0
    assert m["kind"].astype(str).value_counts().to_dict() == {"text": 8, "file": 1, "sticker": 1}
    # an indented array: each object's opening brace
    assert m["source_line"].tolist()[:3] == [2, 20, 38]
    cols = ["msg_id", "time", "sender_id", "group_id", "kind", "text"]
    pd.testing.assert_frame_equal(m[cols], jl.messages[cols].head(10))


@pytest.mark.parametrize("codec,bom", [("utf-8", codecs.BOM_UTF8), ("gb18030", b""),
                                       ("utf-16-le", codecs.BOM_UTF16_LE)])
@pytest.mark.parametrize("crlf", [False, True])
def test_encodings_and_line_ends_give_the_same_rows(samples, jl, codec, bom, crlf):
    text = (samples / "wecom_archive.jsonl").read_text("utf-8")
    if crlf:
        text = text.replace("\n", "\r\n")
    res = read("a.jsonl", bom + text.encode(codec))
    assert detect(Source("a.jsonl", data=bom + text.encode(codec))).name == "wecom_archive"
    pd.testing.assert_frame_equal(res.messages.drop(columns="source_file"), jl.messages.drop(columns="source_file"))
    assert [(s.line, s.level) for s in res.skipped] == [(13, "ignored"), (14, "ignored")]


def test_broken_lines_are_skipped_with_their_line_and_the_rest_kept():
    data = jsonl(msg(1), '{"msgid":"m2","action":"send","from":"LiNa","roomid":"', msg(3),
                 "not json at all", msg(5), '{"msgid":"m6","action":"send","from":"L')   # last line cut off
    res = read("broken.jsonl", data)
    assert res.messages["text"].tolist() == ["消息1", "消息3", "消息5"]
    assert res.messages["source_line"].tolist() == [1, 3, 5]
    assert [(s.line, s.level) for s in res.skipped] == [(2, "error"), (4, "error"), (6, "error")]
    assert all("not valid JSON" in s.reason for s in res.skipped)


def test_a_broken_line_costs_only_its_piece(monkeypatch):
    monkeypatch.setattr(wecom_archive, "_PIECE", 600)       # a few lines per piece
    feed = msg(0, msgtype="sphfeed", sphfeed={"sph_name": "视频号A"})
    del feed["text"]
    objs = [msg(i, text={"content": f"@李娜 消息{i}"}) for i in range(1, 30)]
    objs[3] = dict(feed, msgid="f4")                        # unknown type in a piece pyarrow reads
    objs[17] = dict(feed, msgid="f18")                      # and in the piece read value by value
    lines = [line(o) for o in objs]
    lines[18] = lines[18][:40]                              # line 19 cut off
    lines.insert(25, "")                                    # a blank line 26
    res = read("t.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    m = res.messages
    assert [(s.line, s.level) for s in res.skipped] == [(19, "error")]
    assert m["source_line"].tolist() == [*range(1, 19), *range(20, 26), *range(27, 31)]
    assert m["msg_id"].tolist() == [o["msgid"] for i, o in enumerate(objs) if i != 18]
    assert m.set_index("msg_id").loc[["f4", "f18"], "text"].tolist() == ["[sphfeed] 视频号A"] * 2
    # the text column now comes in several Arrow chunks, one per piece
    assert m["mentions"].map(len).tolist() == [0 if i in ("f4", "f18") else 1 for i in m["msg_id"]]


def test_missing_or_bad_msgtime_and_sender_are_skipped():
    data = jsonl(msg(1), {k: v for k, v in msg(2).items() if k != "msgtime"}, msg(3, msgtime="yesterday"),
                 msg(4, msgtime="1791421204000"), msg(5, **{"from": ""}), msg(6, action="forward"))
    res = read("t.jsonl", data)
    assert res.messages["source_line"].tolist() == [1, 4]
    # a numeric string is still Unix milliseconds
    assert res.messages["time"].iloc[1] == pd.Timestamp("2026-10-08 09:00:04", tz=TZ)
    skips = {s.line: s.reason for s in res.skipped}
    assert skips[2] == "no msgtime"
    assert "'yesterday'" in skips[3] and "Unix milliseconds" in skips[3]
    assert "no sender" in skips[5]
    assert "unknown action 'forward'" == skips[6]
    assert all(s.level == "error" for s in res.skipped)


def test_blank_lines_between_records_keep_line_numbers():
    data = jsonl(msg(1), "", msg(2), "   ", "", msg(3), "")
    res = read("t.jsonl", data)
    assert res.messages["source_line"].tolist() == [1, 3, 6]
    assert res.skipped == []


def test_other_message_types():
    def typed(n, msgtype, body, key=None):
        o = msg(n, msgtype=msgtype)
        del o["text"]
        o[key or msgtype] = body
        return o

    data = jsonl(
        typed(1, "markdown", {"content": "**周报**已发"}, key="info"),
        typed(2, "location", {"longitude": 113.3, "latitude": 23.1, "address": "广州市天河区", "title": "恒达仓库"}),
        typed(3, "news", {"item": [{"title": "新闻一", "url": "https://a"}, {"title": "新闻二"}]}, key="info"),
        typed(4, "mixed", {"item": [{"type": "image", "content": "{\"md5sum\":\"x\"}"},
                                    {"type": "image", "content": "{}"}]}),
        typed(5, "card", {"corpname": "广州恒达贸易", "userid": "wo123"}),
        typed(6, "channel_live", {"live_id": "L1", "feed_desc": "直播：新品发布", "nested": [{"name": "主播小王"}]}),
        typed(7, "video", {"play_length": 10, "sdkfileid": "abc"}),
        typed(8, "file", {"filename": "", "fileext": "pdf"}),
        msg(9, text={"content": ""}),
        {k: v for k, v in msg(10).items() if k not in ("msgtype", "text")},
    )
    m = read("t.jsonl", data).messages
    got = list(zip(m["source_line"], m["kind"].astype(str), m["text"]))
    assert got == [
        (1, "text", "**周报**已发"),
        (2, "location", "[位置] 恒达仓库 广州市天河区"),
        (3, "other", "[图文] 新闻一 新闻二"),
        (4, "image", "[图片]\n[图片]"),
        (5, "card", "[名片] 广州恒达贸易 wo123"),
        (6, "other", "[channel_live] 直播：新品发布 主播小王"),
        (7, "video", "[视频]"),
        (8, "file", "[文件]"),
        (9, "text", ""),
        (10, "other", ""),
    ]


def test_recall_in_a_one_to_one_chat_is_ignored():
    recall = msg(2, action="recall", roomid="", msgtype="revoke", revoke={"pre_msgid": "m1"})
    del recall["text"]
    res = read("t.jsonl", jsonl(msg(1, roomid=""), recall))
    assert len(res.messages) == 0 and len(res.events) == 0
    assert [(s.line, s.level) for s in res.skipped] == [(1, "ignored"), (2, "ignored")]


def test_pretty_array_with_a_broken_element_resumes_at_the_next_one():
    good = [msg(1), msg(2), msg(3)]
    text = json.dumps(good, ensure_ascii=False, indent=2)
    # break the second element: drop the colon after its "action" key
    second = text.index('"msgid": "m2"')
    broken = text[:second] + text[second:].replace('"action": "send"', '"action" "send"', 1)
    res = read("t.json", broken.encode("utf-8"))
    assert res.messages["msg_id"].tolist() == ["m1", "m3"]
    starts = [i + 1 for i, ln in enumerate(broken.splitlines()) if ln == "  {"]
    assert res.messages["source_line"].tolist() == [starts[0], starts[2]]
    assert [s.line for s in res.skipped] == [starts[1]]


def test_compact_array_on_one_line():
    data = json.dumps([msg(1), msg(2)], ensure_ascii=False).encode("utf-8")
    res = read("t.json", data)
    assert res.messages["msg_id"].tolist() == ["m1", "m2"]
    assert res.messages["source_line"].tolist() == [1, 1]


def test_empty_array_is_valid_and_empty():
    res = read("t.json", b"[]\n")
    assert len(res.messages) == 0 and len(res.events) == 0 and res.skipped == []
    assert list(res.messages.columns) == model.MESSAGES.names


@pytest.mark.parametrize("data", [b"   \n", b"hello\nworld\n", b"[1, 2, 3]", b'{"a": 1}\n{"b": 2}\n'])
def test_garbage_raises_input_error(data):
    with pytest.raises(InputError):
        read("bad.jsonl", data)


def test_group_info_read_as_archive_is_an_input_error(samples):
    with pytest.raises(InputError, match="not a WeCom archive"):
        read(samples / "wecom_rooms.json")


@pytest.mark.parametrize("piece", [300, 1000, 5000])
def test_read_a_range_of_lines_at_a_time_gives_the_whole_files_rows_and_line_numbers(tmp_path, piece):
    from pathlib import Path

    from grpaudit.ingest import read_file, read_pieces
    demo = Path(__file__).resolve().parents[2] / "sample_exports" / "chats" / "wecom_archive_2026-10.jsonl"
    lines = demo.read_text("utf-8").splitlines()
    # a blank line, a line cut off mid-object and a CRLF line end, in the middle of the file
    lines[10:10] = ["", lines[12][:40]]
    lines[20] += "\r"
    path = tmp_path / "archive.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, _, whole = read_file(path)
    pieces = [res for _, _, res in read_pieces(path, piece_bytes=piece)]
    assert len(pieces) >= path.stat().st_size // (piece + 1000)
    for table in ("messages", "events"):
        got = pd.concat([getattr(r, table) for r in pieces], ignore_index=True)
        want = getattr(whole, table).reset_index(drop=True)
        # the file's name is a categorical per piece: compare it as text
        pd.testing.assert_frame_equal(got.astype({"source_file": str}), want.astype({"source_file": str}), obj=table)
    skips = [(s.line, s.reason, s.level) for r in pieces for s in r.skipped]
    assert skips == [(s.line, s.reason, s.level) for s in whole.skipped]
    assert (12, "error") in {(line, level) for line, _, level in skips}          # the cut-off line, by its number
