"""WeChat exporter TXT (formats.md §2): the sample, encodings, record boundaries."""
import pandas as pd
import pytest

from grpaudit.ingest import InputError, Source, detect, read_file
from grpaudit.ingest import wechat_txt

TZ = "Asia/Shanghai"


def read(path, **kw):
    return read_file(path, "wechat_txt", **kw)[2]


def write(tmp_path, text, name="chat.txt", encoding="utf-8", newline="\n"):
    p = tmp_path / name
    p.write_bytes(text.replace("\n", newline).encode(encoding))
    return p


# ---------------------------------------------------------------- the sample

@pytest.fixture
def export(samples):
    return read_file(samples / "wechat_export.txt")


def test_sample_is_sniffed_and_counts_add_up(export):
    src, reader, res = export
    assert reader.name == "wechat_txt" and src.encoding == "utf-8"
    assert len(res.messages) == 28
    # 4 system lines; the invitation of two people is one event row per person
    assert res.events["source_line"].nunique() == 4 and len(res.events) == 5
    assert len(res.messages) + res.events["source_line"].nunique() + len(res.skipped) == 32
    assert res.skipped == [] and res.warnings == []


def test_sample_kinds(export):
    m = export[2].messages
    kinds = m["kind"].value_counts()
    assert kinds[kinds > 0].to_dict() == {"text": 19, "sticker": 3, "file": 1, "link": 1, "image": 1, "quote": 1,
                                          "voice": 1, "video": 1}
    assert m.loc[m["kind"] == "file", "text"].tolist() == ["[文件] 2026年9月费用报销汇总.xlsx"]
    assert m.loc[m["kind"] == "link", "text"].tolist() == ["[链接] 澤東科技2026年度员工体检预约通知"]
    assert set(m.loc[m["kind"] == "sticker", "text"]) == {"[表情包]"}
    assert (m.loc[m["kind"] == "text", "text"].str.count("\n") > 0).sum() == 3


def test_sample_fields(export):
    m = export[2].messages
    assert m["time"].iloc[0] == pd.Timestamp("2026-10-01 09:00:12", tz=TZ)
    assert export[2].events["time"].iloc[-1] == pd.Timestamp("2026-10-30 17:45:09", tz=TZ)
    assert (m["group_id"] == "file:wechat_export").all() and (m["group_name"] == "wechat_export").all()
    assert m["sender_id"].isna().all() and m["msg_id"].isna().all() and (m["platform"] == "wechat").all()
    assert m["sender_name"].nunique() == 17
    assert {"周建国", "远方", "Rain", "马骏", "研发部张伟", "销售部张伟", "行政中心郑雪"} <= set(m["sender_name"])
    assert m["source_line"].tolist()[:4] == [1, 5, 8, 11]
    assert m["text"].iloc[0].endswith("假期如有紧急事务请直接电话联系各部门负责人。")
    notice = m[m["time"] == pd.Timestamp("2026-10-23 09:00:00", tz=TZ)].iloc[0]
    assert notice["text"].count("\n") == 4 and notice["source_line"] == 76
    q = m[m["kind"] == "quote"].iloc[0]
    assert q["time"] == pd.Timestamp("2026-10-21 08:35:40", tz=TZ)
    assert q["text"] == "已订好3楼大会议室，茶水也安排了。"
    assert q["quote_ref"] == "销售部李娜：明天有客户来访，麻烦行政帮忙订一下3楼会议室，上午10点到12点，谢谢"
    assert m["mentions_all"].sum() == 2
    assert m.loc[m["time"].dt.hour >= 22, "time"].dt.strftime("%m-%d %H:%M:%S").tolist() == ["10-20 23:48:15"]


def test_sample_events(export):
    ev = export[2].events
    cols = ["event", "actor_name", "target_name", "detail", "source_line"]
    assert ev[cols].astype(object).where(ev[cols].notna(), None).values.tolist() == [
        ["join", "行政中心孙丽", "马骏", "invite", 42],
        ["join", "行政中心孙丽", "Rain", "invite", 42],
        ["recall", "研发何俊", None, None, 73],
        ["removed", "行政中心陈静", "实习生小王", None, 86],
        ["pat", "行政中心刘洋", "行政中心郑雪", None, 101],
    ]


def test_qq_exports_and_csvs_are_not_taken_for_wechat_txt(samples):
    for name in ("qq_export.txt", "qq_export_utf16.txt", "wechat_memotrace.csv", "generic_chat.csv",
                 "wecom_archive.jsonl"):
        assert not wechat_txt.sniff(Source(samples / name)), name


def test_qq_headers_without_the_banner_are_not_wechat(tmp_path):
    p = write(tmp_path, "2026-10-09 10:02:41 【管理员】张三(123456789)\n你好\n\n")
    # the shape matches (two-digit hour), but the block header gives QQ away when present
    q = write(tmp_path, "消息对象:研发群\n\n2026-10-09 10:02:41 张三(123456789)\n你好\n\n", name="q.txt")
    assert wechat_txt.sniff(Source(p)) and not wechat_txt.sniff(Source(q))


# ---------------------------------------------------------------- encodings, boundaries

BASIC = ("2026-10-08 09:00:00 销售部李娜\n第一行\n第二行 @销售部张伟\u2005看下\n\n"
         "2026-10-08 09:01:00 系统消息\n你邀请\"马骏\"加入了群聊\n\n"
         "2026-10-08 09:02:00 销售部张伟\n[图片]\n\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_every_encoding_and_line_end(tmp_path, encoding, newline):
    p = write(tmp_path, BASIC, encoding=encoding, newline=newline)
    src = Source(p, me="王磊")
    assert detect(src).name == "wechat_txt"
    res = wechat_txt.read(src)
    m, ev = res.messages, res.events
    assert m["text"].tolist() == ["第一行\n第二行 @销售部张伟\u2005看下", "[图片]"]
    assert m["kind"].tolist() == ["text", "image"] and m["source_line"].tolist() == [1, 8]
    assert m["mentions"].tolist() == [("销售部张伟",), ()]
    assert ev[["event", "actor_name", "target_name", "source_line"]].values.tolist() == [["join", "王磊", "马骏", 5]]
    assert m["time"].tolist() == [pd.Timestamp("2026-10-08 09:00:00", tz=TZ), pd.Timestamp("2026-10-08 09:02:00", tz=TZ)]


def test_a_header_shaped_line_inside_a_body_stays_in_the_body(tmp_path):
    text = ("2026-10-08 09:00:00 李娜\n转发一段记录：\n2026-10-07 18:00:00 客户\n能便宜点吗\n\n"
            "2026-10-08 09:05:00 张伟\n好\n\n")
    m = read(write(tmp_path, text)).messages
    assert m["sender_name"].tolist() == ["李娜", "张伟"]
    assert m["text"].iloc[0] == "转发一段记录：\n2026-10-07 18:00:00 客户\n能便宜点吗"


def test_after_a_blank_line_a_header_shaped_line_starts_a_record(tmp_path):
    # the documented ambiguity: a blank line then a header-shaped line is a new record
    text = "2026-10-08 09:00:00 李娜\n上面\n\n中间的空行\n\n2026-10-08 09:05:00 张伟\n好\n\n"
    m = read(write(tmp_path, text)).messages
    assert m["text"].tolist() == ["上面\n\n中间的空行", "好"]
    assert m["source_line"].tolist() == [1, 6]


def test_text_before_the_first_header_is_reported(tmp_path):
    res = read(write(tmp_path, "导出自某工具\n\n2026-10-08 09:00:00 李娜\n好\n\n"))
    assert len(res.messages) == 1 and [(s.line, s.level) for s in res.skipped] == [(1, "error")]


def test_truncated_last_record_is_kept_with_a_warning(tmp_path):
    res = read(write(tmp_path, "2026-10-08 09:00:00 李娜\n好\n\n2026-10-08 09:05:00 张伟\n1. 升级完成后重新导"))
    assert res.messages["text"].tolist() == ["好", "1. 升级完成后重新导"]
    assert [w.line for w in res.warnings] == [4] and res.skipped == []


def test_bad_time_and_missing_name_are_skipped_with_their_line_and_empty_bodies_are_kept(tmp_path):
    text = ("2026-10-08 09:00:00 李娜\n好\n\n2026-13-45 09:00:00 张伟\n坏\n\n2026-10-08 09:10:00 王磊\n\n"
            "2026-10-08 09:11:00 \u3000\n谁\n\n")
    res = read(write(tmp_path, text))
    assert res.messages["text"].tolist() == ["好", ""]
    assert [(s.line, s.reason[:7]) for s in res.skipped] == [(4, "invalid"), (9, "header ")]
    assert len(res.messages) + len(res.skipped) == 4


def test_empty_file_gives_empty_tables_and_garbage_raises(tmp_path):
    res = read(write(tmp_path, "\n\n"))
    assert res.messages.empty and res.events.empty
    with pytest.raises(InputError, match="not a WeChat TXT"):
        read(write(tmp_path, "这不是聊天记录\n随便写的\n", name="x.txt"))


def test_group_from_the_file_name_without_chunk_suffix(tmp_path):
    m = read(write(tmp_path, BASIC, name="澤東科技全员工作群(2).txt")).messages
    assert set(m["group_id"]) == {"file:澤東科技全员工作群"} and set(m["group_name"]) == {"澤東科技全员工作群"}


def test_you_stays_you_without_me(tmp_path):
    ev = read(write(tmp_path, BASIC)).events
    assert ev["actor_name"].tolist() == ["你"]
