"""Generic chat CSV / Excel reader (formats.md §6) against the sample and hand-made tables."""
import codecs
import datetime as dt

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.ingest import InputError, Source, detect, generic_chat

HOLIDAY = "澤東国庆值班临时群"
FINANCE = "澤東财务部工作群"
TZ = "Asia/Shanghai"
HEADER = "群名称,群ID,发送时间,发送人ID,发送人,消息类型,消息内容,消息ID"


def read(path, data: bytes | None = None, mapping=None, me=None):
    return generic_chat.read(Source(path, data=data, mapping=mapping, me=me))


def table(*rows: str, header: str = HEADER, end: str = "\n", codec: str = "utf-8", bom: bytes = b"") -> bytes:
    return bom + (end.join((header,) + rows) + end).encode(codec)


@pytest.fixture(scope="module")
def sample():
    from pathlib import Path
    return read(Path(__file__).parents[1] / "data" / "samples" / "generic_chat.csv")


def test_sample_is_sniffed_and_other_tables_are_not(samples):
    assert detect(Source(samples / "generic_chat.csv")).name == "generic_chat"
    for name in ("members.csv", "roster.csv", "groups.csv", "roster.xlsx", "wechat_memotrace.csv",
                 "wecom_archive.jsonl", "qq_export.txt"):
        assert not generic_chat.sniff(Source(samples / name)), name


def test_sample_valid_rows_by_group_and_kind(sample):
    m, e = sample.messages, sample.events
    assert list(m.columns) == model.MESSAGES.names and list(e.columns) == model.EVENTS_TABLE.names
    assert len(m) == 21 and len(e) == 2
    by_group = pd.concat([m["group_name"], e["group_name"]]).value_counts().to_dict()
    assert by_group == {FINANCE: 14, HOLIDAY: 9}
    assert m["kind"].astype(str).value_counts().to_dict() == {"text": 16, "image": 2, "file": 2, "link": 1}
    assert (m["platform"] == "other").all()
    assert dict(zip(m["group_name"], m["group_id"])) == {HOLIDAY: "cidZd3Rt9bYcL5eWq8Nu2JmXkA==",
                                                        FINANCE: "cidZd8Kq2mVnP0aXo1Tg7HfWcA=="}


def test_sample_skips_name_their_physical_lines(sample):
    assert [(s.line, s.level) for s in sample.skipped] == [(26, "error"), (27, "error")]
    assert "#VALUE!" in sample.skipped[0].reason and "发送时间" in sample.skipped[0].reason
    assert "missing sender" in sample.skipped[1].reason
    lines = sample.messages["source_line"].tolist() + sample.events["source_line"].tolist()
    assert sorted(lines + [s.line for s in sample.skipped]) == [*range(2, 23), 26, 27, 28, 29]


def test_sample_system_and_recall_rows_become_events(sample):
    join, recall = sample.events.itertuples(index=False)
    assert (join.event, join.actor_name, join.target_name, join.source_line) == ("join", "钱芳", "孙丽", 15)
    assert join.time == pd.Timestamp("2026-10-12 09:00:00", tz=TZ) and pd.isna(join.actor_id)
    assert (recall.event, recall.actor_name, recall.actor_id, recall.source_line) == ("recall", "罗琳", "ZD1022", 21)
    assert recall.group_name == FINANCE


def test_sample_rows(sample):
    m = sample.messages.set_index("source_line")
    first = m.loc[2]
    assert (first["time"], first["sender_id"], first["sender_name"], first["msg_id"]) == (
        pd.Timestamp("2026-09-30 17:30:00", tz=TZ), "ZD1006", "彭勇", "msg6nx7IyqOBurvWx52i6ss2p==")
    # data row 21 is a multi-line message starting on physical line 22
    assert m.loc[22, "text"] == "10月报销注意事项：\n1. 发票日期须在10月内\n2. 餐费发票需注明用餐人数\n3. 10月28日（周三）截止"
    assert m.loc[16, ["kind", "text"]].tolist() == ["link", "电子发票查验平台 https://inv-veri.chinatax.gov.cn/"]
    assert m.loc[5, ["kind", "text"]].tolist() == ["image", "[图片]"]
    assert m["mentions_all"].sum() == 1 and m.loc[9, "mentions"] == ("所有人",)
    assert m.loc[18, "mentions"] == ("曹敏",)
    assert (m["time"] < pd.Timestamp("2026-10-01", tz=TZ)).sum() == 1


@pytest.mark.parametrize("codec,bom", [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gb18030", b""),
                                       ("utf-16-le", codecs.BOM_UTF16_LE)])
@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_encodings_and_line_ends_give_the_same_rows(samples, sample, codec, bom, end):
    lines = (samples / "generic_chat.csv").read_text("utf-8").split("\n")
    # record ends only: the breaks inside the quoted cell (after lines 22-24) stay LF, as Excel writes them
    text = "".join(ln + ("\n" if i in (21, 22, 23) else end) for i, ln in enumerate(lines[:-1])) + lines[-1]
    data = bom + text.encode(codec)
    assert detect(Source("g.csv", data=data)).name == "generic_chat"
    res = read("g.csv", data)
    pd.testing.assert_frame_equal(res.messages.drop(columns="source_file"),
                                  sample.messages.drop(columns="source_file"))
    assert [s.line for s in res.skipped] == [26, 27]


def test_english_headers_epoch_and_iso_times_and_platform_column():
    data = table(
        "g1,Alice,a1,text,2026-10-08T09:00:00+08:00,DingTalk,hello",
        "g1,Bob,b1,image,1791421260,钉钉,",
        "g1,Bob,b1,sticker,1791421320000,飞书,[sticker]",
        "g1,Carol,c1,poll,2026-10-08 01:03:00Z,企业微信,who comes?",
        "g1,Carol,c1,TEXT,2026/10/08 09:04,微信,@Bob ok",
        "g1,Dan,d1,file,2026-10-08 09:05:00,QQ,a.pdf",
        "g1,Eve,e1,text,2026-10-08 09:06:00,MSN,hi",
        header="chat,sender,user_id,type,timestamp,platform,message")
    assert generic_chat.sniff(Source("x.csv", data=data))
    m = read("x.csv", data).messages
    assert m["time"].tolist() == [pd.Timestamp(f"2026-10-08 09:0{i}:00", tz=TZ) for i in range(7)]
    assert m["platform"].astype(str).tolist() == ["dingtalk", "dingtalk", "feishu", "wecom", "wechat", "qq", "other"]
    assert m["kind"].astype(str).tolist() == ["text", "image", "sticker", "other", "text", "file", "text"]
    assert m["text"].tolist() == ["hello", "[图片]", "[sticker]", "who comes?", "@Bob ok", "a.pdf", "hi"]
    assert m["mentions"].iloc[4] == ("Bob",)
    assert m["group_name"].tolist() == ["g1"] * 7 and m["group_id"].tolist() == ["name:g1"] * 7


def test_user_mapping_names_columns_and_platform():
    data = table("项目A,张三,2026-10-08 09:00:00,早", "项目A,李四,2026-10-08 09:01:00,收到", header="会话,谁,何时,说了什么")
    assert not generic_chat.sniff(Source("x.csv", data=data))
    mapping = {"group_name": "会话", "sender_name": "谁", "time": "何时", "text": "说了什么", "platform": "飞书",
               "employee_id": "工号"}          # an entry for another reader's file is ignored
    assert generic_chat.sniff(Source("x.csv", data=data, mapping=mapping))
    m = read("x.csv", data, mapping=mapping).messages
    assert m["sender_name"].tolist() == ["张三", "李四"] and m["sender_id"].isna().all()
    assert m["text"].tolist() == ["早", "收到"] and (m["platform"] == "feishu").all()


def test_missing_required_columns_is_an_input_error():
    with pytest.raises(InputError, match="no text column"):
        read("x.csv", table("g,张三,2026-10-08 09:00:00", header="群名称,发送人,发送时间"))
    with pytest.raises(InputError, match="no sender_id or sender_name column"):
        read("x.csv", table("g,2026-10-08 09:00:00,hi", header="群名称,发送时间,内容"))
    with pytest.raises(InputError, match="mapping time='When'"):
        read("x.csv", table("g,张三,hi", header="群名称,发送人,内容"), mapping={"time": "When"})


def test_header_only_file_is_empty():
    res = read("x.csv", table())
    assert len(res.messages) == 0 and len(res.events) == 0 and res.skipped == []
    assert list(res.messages.columns) == model.MESSAGES.names


def test_group_ids_are_filled_from_other_rows_or_the_name_or_the_file():
    data = table(",g1,2026-10-08 09:00:00,E1,张三,文本,a",
                 "甲群,,2026-10-08 09:01:00,E1,张三,文本,b",
                 "甲群,g1,2026-10-08 09:02:00,E1,张三,文本,c",
                 "乙群,,2026-10-08 09:03:00,E2,李四,文本,d",
                 ",,2026-10-08 09:04:00,E2,李四,文本,e", header=HEADER.rpartition(",")[0])
    res = read("x.csv", data)
    m = res.messages
    assert list(zip(m["group_id"], m["group_name"].fillna("-"))) == [
        ("g1", "-"), ("g1", "甲群"), ("g1", "甲群"), ("name:乙群", "乙群")]
    assert [(s.line, s.reason) for s in res.skipped] == [(6, "no group: 群名称 and 群ID empty")]
    no_group = read("澤東测试群.csv", table("2026-10-08 09:00:00,张三,hi", header="时间,发送者,内容")).messages
    assert (no_group["group_id"].iloc[0], no_group["group_name"].iloc[0]) == ("file:澤東测试群.csv", "澤東测试群")


def test_row_problems_are_skipped_and_counted():
    data = table("g,g1,2026-10-08 09:00:00,E1,张三,文本,ok,m1",
                 "g,g1,,E1,张三,文本,no time,m2",
                 "g,g1,2026-13-45 25:00:00,E1,张三,文本,bad time,m3",
                 "g,g1,2026-10-08 09:03:00,,,文本,no sender,m4",
                 "g,g1,2026-10-08 09:04:00,,,系统,张三修改群名为“新群”,m5",
                 "g,g1,2026-10-08 09:05:00,E1,张三,文本,too,many,cells",
                 '"g","g1","2026-10-08 09:06:00","E1","张三","神秘类型","  ","m7"',
                 "g,g1,2026-10-08 09:07:00,E1,张三,,untyped,m8")
    res = read("x.csv", data)
    m, e = res.messages, res.events
    assert [(s.line, s.level) for s in res.skipped] == [(3, "error"), (4, "error"), (5, "error"), (7, "error")]
    assert "no time" in res.skipped[0].reason and "'2026-13-45 25:00:00'" in res.skipped[1].reason
    assert "missing sender" in res.skipped[2].reason
    assert m["msg_id"].tolist() == ["m1", "m7", "m8"]
    assert list(zip(m["kind"].astype(str), m["text"])) == [("text", "ok"), ("other", "  "), ("text", "untyped")]
    assert (e["event"].iloc[0], e["actor_name"].iloc[0], e["detail"].iloc[0], e["source_line"].iloc[0]) == (
        "rename", "张三", "新群", 6)
    assert len(m) + len(e) + len(res.skipped) == 8


def test_multi_target_system_row_and_me():
    data = table('g,g1,2026-10-08 09:00:00,,系统,系统,"你邀请""李四""、""王五""加入了群聊",m1')
    e = read("x.csv", data, me="王磊").events
    assert e["target_name"].tolist() == ["李四", "王五"] and e["actor_name"].tolist() == ["王磊", "王磊"]
    assert e["source_line"].tolist() == [2, 2]


def test_excel_input(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append([FINANCE, "cid1", dt.datetime(2026, 10, 8, 9, 0, 5), "ZD1005", "钱芳", "文本", "@所有人 交报销", "m1"])
    ws.append([FINANCE, "cid1", "2026-10-08 09:30:48", 1024, "韩梅", "图片", None, "m2"])
    ws.append([None] * 8)
    ws.append([FINANCE, "cid1", "#VALUE!", "ZD1023", "曹敏", "文本", "备用金", "m3"])
    ws.append([FINANCE, "cid1", dt.datetime(2026, 10, 12, 9), None, "系统", "系统", "钱芳邀请孙丽加入了群聊", "m4"])
    path = tmp_path / "钉钉导出.xlsx"
    wb.save(path)
    src = Source(path)
    assert detect(src).name == "generic_chat"
    res = generic_chat.read(src)
    m = res.messages
    assert m["time"].tolist() == [pd.Timestamp("2026-10-08 09:00:05", tz=TZ),
                                  pd.Timestamp("2026-10-08 09:30:48", tz=TZ)]
    assert m["sender_id"].tolist() == ["ZD1005", "1024"] and m["text"].tolist() == ["@所有人 交报销", "[图片]"]
    assert m["source_line"].tolist() == [2, 3]
    assert [(s.line, "#VALUE!" in s.reason) for s in res.skipped] == [(5, True)]
    assert res.events[["event", "actor_name", "target_name", "source_line"]].values.tolist() == [
        ["join", "钱芳", "孙丽", 6]]


def test_cut_off_last_record_is_skipped_with_its_line():
    data = table("g,g1,2026-10-08 09:00:00,E1,张三,文本,ok,m1",
                 'g,g1,2026-10-08 09:01:00,E1,张三,文本,"第一行\n第二行').rstrip(b"\n")
    res = read("x.csv", data)
    assert res.messages["msg_id"].tolist() == ["m1"]
    assert [(s.line, s.level) for s in res.skipped] == [(3, "error")]


@pytest.mark.parametrize("malformed", [False, True])
def test_line_breaks_blank_rows_spaces_and_mixed_time_layouts(malformed):
    # The fast paths (Arrow's reader, plain YYYY-MM-DD HH:MM:SS times) and their fallbacks
    # (the line-exact reader a malformed row sends the file to, the other time layouts)
    # must give the same rows, lines and skips.
    rows = ['群A,g1,2026-10-08 09:00:00,E1,张三,文本,"@李四 第一行\n第二行",m1',
            '" 群A ",g1,2026/10/08 09:01,E2,\u3000李四 ,图片,,m2',
            ",,,,,,,",
            '群A,g1,2026-10-08 9:02:03 PM,E1,张三,文本,"a\r\nb\r\nc",m3',
            "群A,g1,2026-02-30 09:00:00,E1,张三,文本,bad day,m4",
            "群A,g1,1791421260,E1,张三,文本,epoch,m5",
            "群A,g1,2026-10-08 09:06:00, , ,文本,no sender,m6",
            "群A,g1,2026-10-08 09:07:00,E1,张三,系统,张三邀请李四加入了群聊,m7"]
    rows += ["群A,g1,2026-10-08 09:08:00,E1,张三"] if malformed else []
    rows += ["群A,g1,2026-10-08 09:09:00,E1,张三,表情, ,m8"]
    res = read("x.csv", table(*rows))
    m, e, shift = res.messages, res.events, int(malformed)
    assert m["msg_id"].tolist() == ["m1", "m2", "m3", "m5", "m8"]
    assert m["source_line"].tolist() == [2, 4, 6, 10, 13 + shift]
    assert m["time"].tolist() == [pd.Timestamp(f"2026-10-08 {t}", tz=TZ)
                                  for t in ("09:00:00", "09:01:00", "21:02:03", "09:01:00", "09:09:00")]
    assert m["group_name"].tolist() == ["群A"] * 5 and m["sender_name"].tolist() == ["张三", "李四", "张三", "张三", "张三"]
    assert m["text"].tolist() == ["@李四 第一行\n第二行", "[图片]", "a\r\nb\r\nc", "epoch", "[表情]"]
    assert m["mentions"].iloc[0] == ("李四",) and m["kind"].astype(str).tolist()[1:] == ["image", "text", "text", "sticker"]
    assert (e["event"].tolist(), e["target_name"].tolist(), e["source_line"].tolist()) == (["join"], ["李四"], [12])
    skips = [(9, "unparseable 发送时间 '2026-02-30 09:00:00'"), (11, "missing sender: 发送人ID and 发送人 empty")]
    skips += [(13, "5 fields where the header has 8")] if malformed else []
    assert [(s.line, s.reason) for s in res.skipped] == skips
