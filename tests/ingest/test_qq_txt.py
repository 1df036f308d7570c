"""QQ message-manager text export (formats.md §4): the samples' exact counts, then edge cases."""
import codecs
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.ingest import READERS, InputError, detect, qq_txt
from grpaudit.ingest.source import Source

TZ = ZoneInfo("Asia/Shanghai")
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"      # module fixtures cannot use `samples`
RULE = "=" * 64
BLOCK = [RULE, "消息分组:我的QQ群", RULE, "消息对象:测试群", RULE, ""]


def t(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="Asia/Shanghai")


def export(tmp_path, lines, *, encoding="utf-8", newline="\r\n", end=True, name="qq.txt"):
    """Write a QQ export: banner and one block unless ``lines`` brings its own, then ``lines``."""
    text = newline.join(lines) + (newline if end else "")
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le") if encoding == "utf-16" else text.encode(encoding)
    path = tmp_path / name
    path.write_bytes(data)
    return Source(path)


def with_block(*records):
    return [qq_txt.BANNER, ""] + BLOCK + list(records)


@pytest.fixture(scope="module")
def qq():
    src = Source(SAMPLES / "qq_export.txt")
    return src, qq_txt.read(src)


@pytest.fixture(scope="module")
def utf16():
    src = Source(SAMPLES / "qq_export_utf16.txt")
    return src, qq_txt.read(src)


# --- qq_export.txt ------------------------------------------------------------------

def test_sample_groups_counts_and_event_kinds(qq):
    _, res = qq
    m, e = res.messages, res.events
    assert m.groupby("group_name").size().to_dict() == {"澤東研发部工作群": 22, "羽毛球小分队": 12}
    assert e.groupby("group_name").size().to_dict() == {"澤東研发部工作群": 4, "羽毛球小分队": 2}
    rd = e[e.group_name == "澤東研发部工作群"]
    assert rd.event.value_counts()[lambda s: s > 0].to_dict() == {"join": 1, "recall": 1, "leave": 1, "removed": 1}
    bd = e[e.group_name == "羽毛球小分队"]
    assert bd.event.value_counts()[lambda s: s > 0].to_dict() == {"join": 1, "recall": 1}
    # every one of the 40 records is a row; nothing skipped or suspect
    assert len(m) + len(e) == 40 and res.skipped == [] and res.warnings == []


def test_sample_tables_are_conformed(qq):
    src, res = qq
    assert list(res.messages.columns) == model.MESSAGES.names
    assert list(res.events.columns) == model.EVENTS_TABLE.names
    assert res.messages.dtypes.equals(model.conform(res.messages, model.MESSAGES).dtypes)
    assert set(res.messages.platform) == {"qq"} and set(res.events.platform) == {"qq"}
    assert set(res.messages.group_id) == {"qq:澤東研发部工作群", "qq:羽毛球小分队"}
    assert set(res.messages.source_file) == {src.name}
    assert res.messages.msg_id.isna().all()


def test_sample_time_ranges_and_late_message(qq):
    _, res = qq
    both = pd.concat([res.messages[["group_name", "time"]], res.events[["group_name", "time"]]])
    span = both.groupby("group_name").time.agg(["min", "max"])
    assert span.loc["澤東研发部工作群"].tolist() == [t("2026-10-08 09:02:41"), t("2026-10-30 17:20:33")]
    assert span.loc["羽毛球小分队"].tolist() == [t("2026-10-09 12:10:05"), t("2026-10-31 19:45:27")]
    late = res.messages[res.messages.time.dt.hour >= 22]
    assert late.time.tolist() == [t("2026-10-21 22:30:47")]
    row = late.iloc[0]
    assert (row.sender_id, row.sender_name, row.source_line) == ("3016628845", "高远", 61)
    assert row.text == "线上问题：\n1. 仓储系统扫码枪偶发断连\n2. 日志在 /var/log/wms/scan.log\n明早我再细看"
    # single-digit hours in the R&D block, messages and system lines alike
    rd = both[both.group_name == "澤東研发部工作群"]
    assert (rd.time.dt.hour < 10).sum() == 11


def test_sample_sender_forms(qq):
    _, res = qq
    senders = set(zip(res.messages.sender_id, res.messages.sender_name))
    assert {("1184520073", "研发部林峰"), ("2750193364", "张伟（研发）"), ("1523067781", "何俊(硬件)"),
            ("1287734509", "Tony(张伟)"), ("3016628845", "高远"), ("xuting.zd@example.com", "研发部徐婷"),
            ("1910473256", "深圳芯联-小吴")} <= senders
    assert not res.messages.sender_name.str.contains("【").any()      # role and level tags removed
    email = res.messages[res.messages.sender_id.str.contains("@")]
    assert email.groupby("group_name").size().to_dict() == {"澤東研发部工作群": 2, "羽毛球小分队": 1}


def test_sample_bodies_kinds_and_mentions(qq):
    _, res = qq
    m = res.messages
    rd, bd = m[m.group_name == "澤東研发部工作群"], m[m.group_name == "羽毛球小分队"]
    assert rd.text.str.contains("\n").sum() == 3 and bd.text.str.contains("\n").sum() == 0
    assert rd.kind.value_counts()[lambda s: s > 0].to_dict() == {"text": 20, "file": 1, "sticker": 1}
    assert bd.kind.value_counts()[lambda s: s > 0].to_dict() == {"text": 10, "image": 1, "sticker": 1}
    # [图片] followed by text is a text message, kept whole
    pic = m[m.time == t("2026-10-09 14:12:30")].iloc[0]
    assert (pic.kind, pic.text) == ("text", "[图片]\n主板第二版的飞线问题，拍了张照片")
    assert rd.mentions_all.sum() == 2 and bd.mentions_all.sum() == 1
    assert m[m.source_line == 40].mentions.iloc[0] == ("张伟（研发）",)
    assert m[m.source_line == 55].mentions.iloc[0] == ("冯晓雨",)


def test_sample_system_lines(qq):
    _, res = qq
    e = res.events.set_index("source_line")
    assert e.loc[52, ["event", "time", "target_id", "target_name"]].tolist() == [
        "join", t("2026-10-19 09:40:11"), "1308817442", "冯晓雨"]
    assert pd.isna(e.loc[52, "actor_id"])
    assert e.loc[70, ["event", "actor_id", "actor_name"]].tolist() == ["recall", "2750193364", "张伟（研发）"]
    assert pd.isna(e.loc[70, "target_id"])
    assert e.loc[76, ["event", "target_id", "target_name"]].tolist() == ["leave", "2012345678", "行政中心刘洋"]
    assert e.loc[79, ["event", "target_id", "target_name"]].tolist() == ["removed", "1910473256", "深圳芯联-小吴"]
    assert e.loc[136, ["event", "actor_id", "actor_name"]].tolist() == ["recall", "2395517820", "李娜"]
    assert e.detail.isna().all()


# --- qq_export_utf16.txt ------------------------------------------------------------

def test_utf16_sample_twelve_hour_times(utf16):
    src, res = utf16
    m = res.messages
    assert src.encoding == "utf-16-le"
    assert len(m) == 15 and len(res.events) == 0 and res.skipped == []
    assert set(m.group_name) == {"智能仓储V3.2联调群"}
    assert m.time.iloc[0] == t("2026-10-09 20:43:38")
    assert m.set_index("source_line").time[43] == t("2026-10-13 00:15:08")     # 12:15:08 AM
    assert m.set_index("source_line").time[49] == t("2026-10-16 12:00:00")     # 12:00:00 PM
    assert (m.time.dt.hour < 12).sum() == 7 and (m.time.dt.hour >= 12).sum() == 8
    assert m.time.is_monotonic_increasing


def test_utf16_sample_truncated_last_record(utf16):
    _, res = utf16
    last = res.messages.iloc[-1]
    assert (last.time, last.sender_id, last.sender_name, last.source_line) == (
        t("2026-10-20 17:42:10"), "3016628845", "高远", 52)
    assert last.text.endswith("3. 升级完成后重新导")
    assert last.text.count("\n") == 3
    assert [(w.line, w.level) for w in res.warnings] == [(52, "warning")]
    assert "cut off" in res.warnings[0].reason


# --- sniffing -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["qq_export.txt", "qq_export_utf16.txt"])
def test_samples_are_detected(samples, name):
    assert detect(Source(samples / name)).name == "qq_txt"


@pytest.mark.parametrize("name", ["wechat_export.txt", "wechat_memotrace.csv", "wecom_archive.jsonl",
                                  "generic_chat.csv", "members.csv", "roster.csv"])
def test_other_samples_are_not_qq(samples, name):
    assert not qq_txt.sniff(Source(samples / name))


def test_sniff_a_file_that_starts_with_a_header(tmp_path):
    src = export(tmp_path, ["", "2026-10-08 9:02:41 张三(123456789)", "你好", ""])
    assert qq_txt.sniff(src)
    assert "qq_txt" in READERS


# --- encodings and line ends ----------------------------------------------------------

RECORDS = ["2026-10-08 9:02:41 【群主】张三(123456789)", "第一行", "第二行 @李四 看一下", "",
           "2026-10-08 13:05:03 李四<lisi@example.com>", "[图片]", ""]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_encodings_and_line_ends(tmp_path, encoding, newline):
    res = qq_txt.read(export(tmp_path, with_block(*RECORDS), encoding=encoding, newline=newline))
    m = res.messages
    assert m.text.tolist() == ["第一行\n第二行 @李四 看一下", "[图片]"]
    assert m.kind.tolist() == ["text", "image"]
    assert m.sender_id.tolist() == ["123456789", "lisi@example.com"]
    assert m.sender_name.tolist() == ["张三", "李四"]
    assert m.time.tolist() == [t("2026-10-08 09:02:41"), t("2026-10-08 13:05:03")]
    assert m.source_line.tolist() == [9, 13]
    assert m.mentions.tolist() == [("李四",), ()]
    assert set(m.group_name) == {"测试群"} and res.skipped == [] and res.warnings == []


def test_mixed_line_ends(tmp_path):
    text = "\r\n".join(with_block(*RECORDS[:4])) + "\n".join(["", *RECORDS[4:]]) + "\n"
    path = tmp_path / "mixed.txt"
    path.write_bytes(text.encode())
    m = qq_txt.read(Source(path)).messages
    assert m.text.tolist() == ["第一行\n第二行 @李四 看一下", "[图片]"]
    assert m.source_line.tolist() == [9, 13]


# --- bodies and record boundaries -------------------------------------------------------

def test_blank_lines_inside_a_body_are_kept_trailing_ones_are_not(tmp_path):
    res = qq_txt.read(export(tmp_path, with_block(
        "2026-10-08 9:02:41 张三(123456789)", "上", "", "", "下", "", "", "",
        "2026-10-08 9:03:00 李四(987654321)", "好", "")))
    assert res.messages.text.tolist() == ["上\n\n\n下", "好"]
    assert res.messages.source_line.tolist() == [9, 17]


def test_header_lookalikes_in_bodies_stay_text(tmp_path):
    body = ["2026-10-21 22:30:47 ERROR scan timeout", RULE, "消息对象:不是新群", "普通一行",
            "2026-10-08 9:02:41 没有号码"]
    res = qq_txt.read(export(tmp_path, with_block("2026-10-08 9:02:41 张三(123456789)", *body, "")))
    assert len(res.messages) == 1
    assert res.messages.text.iloc[0] == "\n".join(body)
    assert res.messages.group_name.iloc[0] == "测试群"


def test_several_blocks_assign_their_group(tmp_path):
    second = [RULE, "消息分组:我的QQ群", RULE, "消息对象:第二个群", RULE, ""]
    res = qq_txt.read(export(tmp_path, with_block(
        "2026-10-08 9:02:41 张三(123456789)", "一", "", *second,
        "2026-10-09 9:02:41 张三(123456789)", "二", "")))
    assert res.messages.group_name.tolist() == ["测试群", "第二个群"]
    assert res.messages.group_id.tolist() == ["qq:测试群", "qq:第二个群"]
    assert res.messages.text.tolist() == ["一", "二"]


def test_no_block_takes_the_file_name(tmp_path):
    res = qq_txt.read(export(tmp_path, ["2026-10-08 9:02:41 张三(123456789)", "你好", ""], name="研发群.txt"))
    assert res.messages.group_name.tolist() == ["研发群"] and res.messages.group_id.tolist() == ["qq:研发群"]


def test_placeholders_and_kinds(tmp_path):
    bodies = ["[图片]", "[表情]", "[文件]", "[语音]", "[视频]", "[图片][图片]", "[图片]\n看这里", "[链接]"]
    lines = []
    for i, body in enumerate(bodies):
        lines += [f"2026-10-08 9:0{i}:00 张三(123456789)", *body.split("\n"), ""]
    m = qq_txt.read(export(tmp_path, with_block(*lines))).messages
    assert m.kind.tolist() == ["image", "sticker", "file", "voice", "video", "text", "text", "text"]
    assert m.text.tolist() == bodies


def test_sender_name_forms(tmp_path):
    heads = ["【管理员】张伟（研发）(2750193364)", "何俊(硬件)(1523067781)", "【活跃】Tony(张伟)(1287734509)",
             "A】B(5)", "【群主】(12345)", "徐婷(研发)<xu(t)@example.com>", "a<b<c@d.e>"]
    lines = []
    for i, head in enumerate(heads):
        lines += [f"2026-10-08 9:0{i}:00 {head}", "好", ""]
    m = qq_txt.read(export(tmp_path, with_block(*lines))).messages
    assert list(zip(m.sender_name, m.sender_id)) == [
        ("张伟（研发）", "2750193364"), ("何俊(硬件)", "1523067781"), ("Tony(张伟)", "1287734509"),
        ("A】B", "5"), ("", "12345"), ("徐婷(研发)", "xu(t)@example.com"), ("a<b", "c@d.e")]


# --- times ------------------------------------------------------------------------------

def test_twelve_hour_forms(tmp_path):
    heads = ["2026-10-13 12:15:08 AM", "2026-10-13 12:00:00 PM", "2026-10-13 1:05:00\u202fPM",
             "2026-10-13 11:59:59 pm", "2026-10-13 9:00:00\u202fAM", "2026-10-13 23:10:00"]
    lines = []
    for head in heads:
        lines += [f"{head} 【管理员】高远(3016628845)", "好", ""]
    m = qq_txt.read(export(tmp_path, with_block(*lines))).messages
    assert m.time.dt.strftime("%H:%M:%S").tolist() == ["00:15:08", "12:00:00", "13:05:00", "23:59:59",
                                                       "09:00:00", "23:10:00"]
    assert set(m.sender_name) == {"高远"}


def test_other_time_zone(tmp_path):
    path = export(tmp_path, with_block("2026-10-08 9:02:41 张三(123456789)", "hi", "")).path
    m = qq_txt.read(Source(path, tz="Europe/Berlin")).messages
    assert m.time.iloc[0] == pd.Timestamp("2026-10-08 09:02:41", tz="Europe/Berlin")


def test_clock_time_a_dst_change_skips_is_skipped(tmp_path):
    path = export(tmp_path, with_block("2026-03-29 2:30:00 张三(123456789)", "不存在的时刻", "",
                                       "2026-03-29 3:30:00 张三(123456789)", "好", "")).path
    res = qq_txt.read(Source(path, tz="Europe/Berlin"))
    assert res.messages.time.tolist() == [pd.Timestamp("2026-03-29 03:30:00", tz="Europe/Berlin")]
    assert [s.line for s in res.skipped] == [9] and "Europe/Berlin" in res.skipped[0].reason


def test_impossible_times_are_skipped_and_counted(tmp_path):
    lines = with_block(
        "2026-10-08 9:02:41 张三(123456789)", "好", "",
        "2026-02-30 9:02:41 张三(123456789)", "二月没有三十号", "",
        "2026-10-08 25:00:00 张三(123456789)", "没有25点", "",
        "2026-10-08 13:00:00 PM 张三(123456789)", "没有下午13点", "",
        "2026-10-08 9:61:00 张三(123456789)", "没有61分", "",
        "2028-02-29 0:00:00 张三(123456789)", "闰年", "")
    res = qq_txt.read(export(tmp_path, lines))
    assert res.messages.source_line.tolist() == [9, 24]
    assert res.messages.time.tolist() == [t("2026-10-08 09:02:41"), t("2028-02-29 00:00:00")]
    assert [(s.line, s.level) for s in res.skipped] == [(12, "error"), (15, "error"), (18, "error"), (21, "error")]
    assert "2026-02-30" in res.skipped[0].reason
    assert len(res.messages) + len(res.events) + len(res.skipped) == 6


# --- system lines -----------------------------------------------------------------------

def test_system_sentences(tmp_path):
    sentences = ["李四(987654321) 加入本群。", "王五(222333444) 被管理员移出本群。", "赵六(555666777) 退出本群。",
                 "张三(123456789) 撤回了一条消息", "张三撤回了一条消息", "张三(123456789) 修改了群名称",
                 "何俊(硬件)(1523067781) 加入本群。"]
    lines = []
    for i, s in enumerate(sentences):
        lines += [f"2026-10-08 9:0{i}:00 系统消息({'1000000' if i == 1 else '10000'})", s, ""]
    lines += ["2026-10-08 9:09:00 系统消息(20000)", "同名的普通成员", ""]
    res = qq_txt.read(export(tmp_path, with_block(*lines)))
    e = res.events
    assert e.event.tolist() == ["join", "removed", "leave", "recall", "recall", "other", "join"]
    assert e.target_id.tolist()[:3] == ["987654321", "222333444", "555666777"]
    assert e.target_name.tolist()[:3] == ["李四", "王五", "赵六"]
    assert e.actor_id.iloc[3] == "123456789" and pd.isna(e.actor_id.iloc[4]) and e.actor_name.iloc[4] == "张三"
    assert e.detail.iloc[5] == "张三(123456789) 修改了群名称" and pd.isna(e.target_id.iloc[5])
    assert (e.target_name.iloc[6], e.target_id.iloc[6]) == ("何俊(硬件)", "1523067781")
    # a member whose name is 系统消息 but whose number is not QQ's is an ordinary sender
    assert res.messages.sender_id.tolist() == ["20000"]
    assert e.source_line.tolist() == [9, 12, 15, 18, 21, 24, 27]


# --- broken files -------------------------------------------------------------------------

def test_truncated_last_record_warns(tmp_path):
    lines = with_block("2026-10-08 9:02:41 张三(123456789)", "好", "", "2026-10-08 9:03:00 李四(987654321)",
                       "1. 先备份", "2. 升级完成后重新导")
    res = qq_txt.read(export(tmp_path, lines, end=False))
    assert res.messages.text.tolist() == ["好", "1. 先备份\n2. 升级完成后重新导"]
    assert [w.line for w in res.warnings] == [12]
    # the same file with its final line break is complete
    assert qq_txt.read(export(tmp_path, lines, end=True, name="whole.txt")).warnings == []


def test_file_cut_after_a_header(tmp_path):
    res = qq_txt.read(export(tmp_path, with_block("2026-10-08 9:02:41 张三(123456789)"), end=False))
    assert res.messages.text.tolist() == [""]
    assert sorted(w.reason.split(":")[0] for w in res.warnings) == [
        "last record cut off", "record has no body; kept with empty text"]


def test_text_before_the_first_header_is_skipped(tmp_path):
    lines = with_block("这行不属于任何消息", "这行也不是", "", "又一行",
                       "2026-10-08 9:02:41 张三(123456789)", "好", "")
    res = qq_txt.read(export(tmp_path, lines))
    assert len(res.messages) == 1
    assert [(s.line, s.level) for s in res.skipped] == [(9, "error"), (12, "error")]


def test_header_only_file_is_empty(tmp_path):
    res = qq_txt.read(export(tmp_path, [qq_txt.BANNER, ""] + BLOCK))
    assert res.messages.empty and res.events.empty and res.skipped == []
    assert list(res.messages.columns) == model.MESSAGES.names
    assert str(res.messages.time.dtype) == "datetime64[ns, Asia/Shanghai]"


@pytest.mark.parametrize("lines, line", [
    (["这不是QQ导出的文件", "只是一些文字"], 1),
    ([qq_txt.BANNER, "", "后面全是乱码", "没有消息头"], 3),
    (["", "  ", ""], None),
])
def test_garbage_raises(tmp_path, lines, line):
    with pytest.raises(InputError) as err:
        qq_txt.read(export(tmp_path, lines))
    assert err.value.line == line
    assert "not a QQ text export" in err.value.problem


# --- the benchmark generator ---------------------------------------------------------------

def test_generated_export_reads_back_complete():
    import gen_qq_txt
    data = gen_qq_txt.generate(3000, seed=1)
    res = qq_txt.read(Source("gen.txt", data=data))
    system = data.decode().count("系统消息(10000)")
    assert len(res.messages) == 3000 and len(res.events) == system > 0
    assert res.skipped == [] and res.warnings == []
    assert res.messages.group_name.nunique() == 3
    assert res.messages.text.str.contains("\n").any() and res.messages.mentions_all.any()
    assert set(res.messages.kind) >= {"text", "image", "sticker"}
    assert res.messages.groupby("group_name").time.is_monotonic_increasing.all()
    assert res.messages.time.min() >= datetime(2026, 10, 1, tzinfo=TZ)
