"""WeChat exporter CSV (formats.md §1): samples, encodings, odd rows."""
import pandas as pd
import pytest

from grpaudit.ingest import InputError, Source, detect, read_file
from grpaudit.ingest import wechat_csv
from grpaudit.ingest.wechat_csv import chat_name_from_stem, strip_chunk_suffix

HEADER = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender"
ROOM = "45127796301@chatroom"


def read(path, **kw):
    src, reader, res = read_file(path, "wechat_csv", **kw)
    return res


def write(tmp_path, rows, name="chat.csv", encoding="utf-8", newline="\n"):
    """A CSV of raw rows (already quoted) under the exporter's header."""
    p = tmp_path / name
    p.write_bytes(newline.join([HEADER, *rows, ""]).encode(encoding))
    return p


def row(local_id, typ, content, when="2026-10-08 09:00:00", epoch=1791421200, sub=0, sender="wxid_a",
        nick="销售部李娜", remark="", is_sender=0):
    return f"{local_id},{ROOM},{typ},{sub},{is_sender},{epoch},3,{content},{when},{remark},{nick},{sender}"


# ---------------------------------------------------------------- the samples

@pytest.fixture(scope="module")
def memotrace():
    from pathlib import Path
    here = Path(__file__).resolve().parents[1] / "data" / "samples"
    return read_file(here / "wechat_memotrace.csv")


def test_sample_is_sniffed_and_counts_add_up(memotrace):
    src, reader, res = memotrace
    assert reader.name == "wechat_csv" and src.encoding == "utf-8-sig"
    assert len(res.messages) == 57 and res.events["source_line"].nunique() == 9
    assert len(res.messages) + len(res.events) + len(res.skipped) == 66
    assert res.skipped == [] and res.warnings == []


def test_sample_kinds_and_events(memotrace):
    _, _, res = memotrace
    kinds = res.messages["kind"].value_counts()
    assert kinds[kinds > 0].to_dict() == {"text": 47, "sticker": 4, "image": 3, "file": 1, "link": 1, "quote": 1}
    ev = res.events
    assert ev["event"].value_counts()[lambda s: s > 0].to_dict() == {
        "join": 2, "recall": 2, "rename": 1, "removed": 1, "pat": 1, "leave": 1, "owner_change": 1}
    assert sorted(ev.loc[ev["event"] == "join", "detail"]) == ["invite", "qr"]
    rename = ev[ev["event"] == "rename"].iloc[0]
    assert (rename["actor_name"], rename["detail"], rename["source_line"]) == ("销售部郑雪", "澤東销售部工作群", 7)
    qr = ev[ev["detail"] == "qr"].iloc[0]
    assert (qr["actor_name"], qr["target_name"]) == ("销售部李娜", "恒达刘建华")
    assert qr["time"] == pd.Timestamp("2026-10-09 09:12:36", tz="Asia/Shanghai")
    assert ev.loc[ev["event"] == "leave", "target_name"].tolist() == ["吴昊"]
    assert ev.loc[ev["event"] == "pat", ["actor_name", "target_name"]].values.tolist() == [["Amy赵敏", "吴昊"]]


def test_you_is_the_exporting_accounts_display_name_and_id(memotrace):
    _, _, res = memotrace
    ev = res.events
    mine = ev[(ev["actor_id"] == "wanglei_sales") | (ev["target_id"] == "wanglei_sales")]
    assert mine["event"].tolist() == ["join", "owner_change", "recall"]
    assert mine["source_line"].tolist() == [84, 98, 105]
    assert set(mine["actor_name"].dropna()) | set(mine["target_name"].dropna()) == {"销售部王磊", "马骏"}


def test_me_option_names_the_exporting_account(samples):
    ev = read(samples / "wechat_memotrace.csv", me="王磊").events
    assert ev.loc[ev["event"] == "owner_change", "target_name"].tolist() == ["王磊"]
    assert ev.loc[ev["event"] == "recall", "actor_name"].tolist() == ["销售部李娜", "王磊"]
    assert ev.loc[ev["detail"] == "invite", ["actor_name", "target_name"]].values.tolist() == [["王磊", "马骏"]]


def test_multiline_record_and_its_physical_line(memotrace):
    _, _, res = memotrace
    m = res.messages.set_index("msg_id")
    text = m.loc["18237", "text"]
    assert text.count("\n") == 3 and '"澤東销售部工作群"' in text and ", 例如" in text
    assert m.loc["18237", "source_line"] == 8
    assert m.loc["18238", "source_line"] == 12          # after the 4 lines of 18237
    assert m.loc["18242", "source_line"] == 41          # after the 26-line file XML of 18241


def test_sample_fields(memotrace):
    _, _, res = memotrace
    m = res.messages.set_index("msg_id")
    assert (res.messages["group_id"] == ROOM).all() and res.messages["group_name"].isna().all()
    assert (res.messages["platform"] == "wechat").all()
    assert res.messages["time"].min() == pd.Timestamp("2026-10-02 20:14:37", tz="Asia/Shanghai")
    assert res.messages["time"].max() == pd.Timestamp("2026-10-30 18:03:10", tz="Asia/Shanghai")
    assert res.messages["sender_id"].nunique() == 8
    assert (m.loc["18232", "sender_name"], m.loc["18240", "sender_name"]) == ("伟哥", "销售部张伟")
    assert m.loc["18241", "text"] == "[文件] 华南区域报价单_20261008.xlsx"
    assert m.loc["18258", "text"] == "[链接] 澤東CRM客户拜访记录表（10月）"
    assert (m.loc["18254", "text"], m.loc["18233", "text"]) == ("[图片]", "[表情]")
    assert m.loc["18261", "kind"] == "quote"
    assert m.loc["18261", "text"] == "最多降2%，再低要报总经理批。"
    assert m.loc["18261", "quote_ref"] == "销售部李娜：恒达那边问：如果下500台，单价能否再降3%？"
    assert m.loc["18243", "mentions"] == ("销售部张伟",)
    assert m.loc["18286", "mentions_all"] and m["mentions_all"].sum() == 1
    assert m.loc["18241", "mentions"] == ()
    late = res.messages[res.messages["time"].dt.hour >= 22]
    assert late["time"].dt.strftime("%H:%M:%S").tolist() == ["22:47:05", "22:49:30"]


def test_gbk_sample_with_bare_lf_inside_crlf_records(samples):
    src, reader, res = read_file(samples / "wechat_memotrace_gbk.csv")
    assert reader.name == "wechat_csv" and src.encoding == "gb18030"
    assert len(res.messages) == 14 and len(res.events) == 2 and res.skipped == []
    kinds = res.messages["kind"].value_counts()
    assert kinds[kinds > 0].to_dict() == {"text": 12, "image": 1, "sticker": 1}
    assert res.events["event"].tolist() == ["join", "recall"]
    assert res.events[["actor_name", "target_name"]].iloc[0].tolist() == ["仓储物流部彭勇", "恒通物流陈师傅"]
    m = res.messages.set_index("msg_id")
    assert m.loc["5123", "text"].count("\n") == 3 and "\r" not in m.loc["5123", "text"]
    assert (m.loc["5123", "source_line"], m.loc["5124", "source_line"]) == (4, 8)
    assert m.loc["5130", "mentions"] == ("唐亮",)            # plain space after the name
    assert res.messages["group_id"].unique().tolist() == ["38860042117@chatroom"]


def test_other_formats_are_not_taken_for_wechat_csv(samples):
    for name in ("generic_chat.csv", "members.csv", "roster.csv", "groups.csv", "wechat_export.txt",
                 "qq_export.txt", "wecom_archive.jsonl"):
        assert not wechat_csv.sniff(Source(samples / name)), name


# ---------------------------------------------------------------- encodings, odd rows

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_every_encoding_and_line_end(tmp_path, encoding, newline):
    rows = [row(1, 1, '"第一行\n第二行，含逗号"'), row(2, 1, "@销售部张伟 好的"), row(3, 10000, '"""张三""退出了群聊"')]
    p = write(tmp_path, rows, encoding=encoding, newline=newline)
    src = Source(p)
    assert detect(src).name == "wechat_csv"
    res = wechat_csv.read(src)
    assert res.messages["text"].tolist() == ["第一行\n第二行，含逗号", "@销售部张伟 好的"]
    assert res.messages["source_line"].tolist() == [2, 4]
    assert res.messages["mentions"].tolist() == [(), ("销售部张伟",)]
    assert res.events[["event", "target_name", "source_line"]].values.tolist() == [["leave", "张三", 5]]


def test_header_only_file_is_empty_not_an_error(tmp_path):
    res = read(write(tmp_path, []))
    assert res.messages.empty and res.events.empty and res.skipped == []
    assert list(res.messages.columns)[:3] == ["platform", "group_id", "group_name"]


def test_malformed_and_blank_rows_are_skipped_with_their_line(tmp_path):
    rows = [row(1, 1, "好"), "2,broken,row", "", row(3, 1, '"多\n行"'), row(4, 1, "完")]
    res = read(write(tmp_path, rows))
    assert res.messages["msg_id"].tolist() == ["1", "3", "4"]
    assert res.messages["source_line"].tolist() == [2, 5, 7]
    assert [s.line for s in res.skipped] == [3]
    assert len(res.messages) + len(res.skipped) == 4      # the blank line is not a record


def test_time_falls_back_to_strtime_and_rows_without_time_or_sender_are_skipped(tmp_path):
    rows = [row(1, 1, "好", epoch=""), row(2, 1, "坏", epoch="abc", when="#VALUE!"),
            row(3, 1, "谁", sender="", nick="", remark=""), row(4, 1, "备注名", nick="", remark="李娜(客户)"),
            row(5, 1, "毫秒", epoch=1791421200123)]
    res = read(write(tmp_path, rows))
    m = res.messages.set_index("msg_id")
    assert m.loc["1", "time"] == pd.Timestamp("2026-10-08 09:00:00", tz="Asia/Shanghai")
    assert m.loc["5", "time"] == pd.Timestamp("2026-10-08 09:00:00.123", tz="Asia/Shanghai")
    assert m.loc["4", "sender_name"] == "李娜(客户)"
    assert [(s.line, s.reason.split(":")[0]) for s in res.skipped] == [(3, "no time"), (4, "message with no sender")]
    assert len(res.messages) + len(res.skipped) == 5


def test_own_rows_without_sender_take_the_exporting_account(tmp_path):
    rows = [row(1, 1, "我发的", sender="wanglei_sales", nick="销售部王磊", is_sender=1),
            row(2, 1, "也是我", sender="", nick="", is_sender=1)]
    m = read(write(tmp_path, rows)).messages
    assert m[["sender_id", "sender_name"]].values.tolist() == [["wanglei_sales", "销售部王磊"]] * 2


def test_types_placeholders_and_unknown_types(tmp_path):
    loc = '"<msg><location x=""31.2"" y=""121.4"" label=""上海市"" poiname=""澤東科技园"" /></msg>"'
    card = '"<msg username=""wxid_x"" nickname=""恒达刘总"" /></msg>"'
    record = '"<msg><appmsg><title>群聊的聊天记录</title><type>19</type></appmsg></msg>"'
    mini = '"<msg><appmsg><title>报销小程序 &amp; 审批</title><type>33</type></appmsg></msg>"'
    odd = '"<msg><appmsg><type>999</type></appmsg></msg>"'
    rows = [row(1, 34, '"<msg><voicemsg length=""1"" /></msg>"'), row(2, 43, "<msg/>"), row(3, 48, loc),
            row(4, 42, card), row(5, 49, record, sub=19), row(6, 49, mini, sub=33), row(7, 49, odd, sub=999),
            row(8, 50, "voip_content_voice"), row(9, "", "类型缺失")]
    m = read(write(tmp_path, rows)).messages
    assert m["kind"].tolist() == ["voice", "video", "location", "card", "other", "other", "other", "other", "other"]
    assert m["text"].tolist() == ["[语音]", "[视频]", "[位置] 澤東科技园", "[名片] 恒达刘总", "[聊天记录] 群聊的聊天记录",
                                  "[小程序] 报销小程序 & 审批", "[应用消息]", "voip_content_voice", "类型缺失"]


def test_quote_as_raw_appmsg_xml(tmp_path):
    xml = ('"<msg><appmsg><title>可以，按这个价</title><type>57</type><refermsg><type>1</type>'
           '<displayname>销售部李娜</displayname><content>能否再降3%？</content></refermsg></appmsg></msg>"')
    m = read(write(tmp_path, [row(1, 49, xml, sub=57)])).messages
    assert m[["kind", "text", "quote_ref"]].values.tolist() == [["quote", "可以，按这个价", "销售部李娜：能否再降3%？"]]


def test_type_10002_system_xml(tmp_path):
    revoke = ('"<sysmsg type=""revokemsg""><revokemsg><session>x@chatroom</session><msgid>1</msgid>'
              '<replacemsg><![CDATA[""销售部李娜"" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>"')
    template = ('"<sysmsg type=""sysmsgtemplate""><sysmsgtemplate><content_template type=""tmpl_type_profile"">'
                '<plain><![CDATA[]]></plain><template><![CDATA[""$username$""邀请""$names$""加入了群聊]]>'
                '</template></content_template></sysmsgtemplate></sysmsg>"')
    rows = [row(1, 10002, revoke, sender="", nick=""), row(2, 10002, template, sender="", nick=""),
            row(3, 10002, '"<sysmsg type=""unknown""><x>y</x></sysmsg>"', sender="", nick="")]
    ev = read(write(tmp_path, rows)).events
    assert ev["event"].tolist() == ["recall", "join", "other"]
    assert ev["actor_name"].tolist()[0] == "销售部李娜"
    assert ev.iloc[1][["actor_name", "target_name", "detail"]].isna().tolist() == [True, True, False]
    assert ev["detail"].iloc[2].startswith("<sysmsg")


def test_group_name_from_a_file_named_after_the_chat(tmp_path):
    res = read(write(tmp_path, [row(1, 1, "好")], name="澤東销售部工作群_2.csv"))
    assert res.messages["group_name"].tolist() == ["澤東销售部工作群"]
    assert strip_chunk_suffix("澤東销售部工作群(2)") == "澤東销售部工作群"
    assert strip_chunk_suffix("澤東销售部工作群-part3") == "澤東销售部工作群"
    assert strip_chunk_suffix("智能仓储V3.2联调群") == "智能仓储V3.2联调群"
    assert chat_name_from_stem("wechat_memotrace_1") is None


def test_missing_talker_id_falls_back_to_the_file(tmp_path):
    p = tmp_path / "导出.csv"
    p.write_text(HEADER + "\n1,,1,0,0,1791421200,3,好,2026-10-08 09:00:00,,李娜,wxid_a\n", encoding="utf-8")
    assert read(p).messages["group_id"].tolist() == ["file:导出"]


def test_files_that_are_not_wechat_csv_raise(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("time,text\n2026-10-08,hi\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read(p)


def test_generated_export_reads_back(tmp_path):
    import gen_wechat_csv
    data = gen_wechat_csv.generate(2000, seed=3)
    recs = gen_wechat_csv.records(2000, seed=3)
    p = tmp_path / "g.csv"
    p.write_bytes(data)
    res = read(p)
    system = sum(r["kind"] == "system" for r in recs)
    assert len(res.messages) == 2000 - system and res.events["source_line"].nunique() == system
    msgs = [r for r in recs if r["kind"] != "system"]
    assert res.messages["time"].tolist() == [pd.Timestamp(r["time"]) for r in msgs]
    assert res.messages["kind"].tolist() == [r["kind"] for r in msgs]


def test_fake_sender_zero_and_unexpanded_templates(tmp_path):
    """Two traps peers' users met: sender "0" on system lines, and $…$ names never filled in."""
    header = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"
    rows = ('1,1@chatroom,10000,0,0,1791420422,3,"""$username$""邀请""$names$""加入了群聊",2026-10-08 08:47:02,,,0\n'
            '2,1@chatroom,1,0,0,1791420450,3,大家好,2026-10-08 08:47:30,,系统通知,0\n'
            '3,1@chatroom,1,0,0,1791420480,3,收到,2026-10-08 08:48:00,,销售部李娜,lina_zd0801\n')
    p = tmp_path / "群.csv"
    p.write_text(header + rows, encoding="utf-8")
    res = wechat_csv.read(Source(p))
    ev = res.events.iloc[0]
    assert ev["event"] == "join" and pd.isna(ev["actor_name"]) and pd.isna(ev["target_name"])
    assert pd.isna(ev["actor_id"])
    assert res.messages["sender_id"].isna().tolist() == [True, False]    # "0" is nobody's id
    assert res.messages["sender_name"].tolist() == ["系统通知", "销售部李娜"]
