"""Round trip: records written by bench/gen_wechat_txt.py read back unchanged."""
import datetime as dt
from zoneinfo import ZoneInfo

import gen_wechat_txt
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from grpaudit.ingest import Source
from grpaudit.ingest import wechat_txt

from .helpers import valid_utf8

CHARS = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
NAME = st.text(CHARS, min_size=1, max_size=10).map(str.strip).filter(
    lambda s: s and s != gen_wechat_txt.SYSTEM_SENDER)
# Names inside system sentences: no quotes, and not an unexpanded $template$.
PLAIN_NAME = NAME.filter(lambda s: not set(s) & set('"“”') and not (s[0] == "$" and s[-1] == "$"))
TIMES = st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2037, 12, 31),
                     timezones=st.just(ZoneInfo("Asia/Shanghai"))).map(lambda t: t.replace(microsecond=0))
# A body line is never empty (the exporter writes no blank line inside a body),
# but may look exactly like a record header: it follows a non-blank line.
HEADER_LIKE = st.builds(lambda t, n: f"{t:%Y-%m-%d %H:%M:%S} {n}", TIMES, NAME)
LINE = st.one_of(st.text(CHARS, min_size=1, max_size=15), HEADER_LIKE)
BODY = st.lists(LINE, min_size=1, max_size=4).map("\n".join)
LABELS = tuple(wechat_txt.PLACEHOLDERS) + tuple(wechat_txt.PREFIXES)
TEXT = BODY.filter(lambda s: s not in wechat_txt.PLACEHOLDERS and not s.startswith(LABELS)
                   and wechat_txt.QUOTE_MARK not in s)
SENTENCES = {"join": '"{a}"邀请"{b}"加入了群聊', "removed": '"{a}"将"{b}"移出了群聊',
             "recall": '"{a}" 撤回了一条消息', "leave": '"{b}"退出了群聊'}


@st.composite
def record(draw):
    kind = draw(st.sampled_from(["text", "text", "image", "sticker", "voice", "video", "file", "link", "quote",
                                 "system"]))
    rec = {"time": draw(TIMES), "sender_id": None, "sender_name": draw(NAME), "kind": kind}
    if kind == "text":
        rec["text"] = draw(TEXT)
    elif kind in ("file", "link"):
        rec["text"] = ("[文件] " if kind == "file" else "[链接] ") + draw(NAME)
    elif kind == "quote":
        rec["text"], rec["quote_ref"] = draw(TEXT), draw(NAME) + "：" + draw(BODY)
    elif kind == "system":
        rec["event"] = draw(st.sampled_from(sorted(SENTENCES)))
        rec["a"], rec["b"] = draw(PLAIN_NAME), draw(PLAIN_NAME)
        rec["text"] = SENTENCES[rec["event"]].format(a=rec["a"], b=rec["b"])
    else:
        rec["text"] = {"image": "[图片]", "sticker": "[表情包]", "voice": "[语音]", "video": "[视频]"}[kind]
    return rec


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(record(), max_size=12), st.sampled_from(["utf-8", "gb18030", "utf-16"]), st.booleans())
def test_records_read_back_unchanged(records, encoding, crlf):
    data = gen_wechat_txt.render(records).decode("utf-8")
    if crlf:
        data = data.replace("\n", "\r\n")
    try:
        raw = data.encode(encoding)
    except UnicodeEncodeError:      # GB18030 covers all of Unicode, but keep the test honest
        raw = data.encode("utf-8")
    # GB18030 bytes that are also valid UTF-8 (a lone 图片 is) read as UTF-8 by rule: not a round trip
    assume(encoding != "gb18030" or not valid_utf8(raw))
    res = wechat_txt.read(Source("chat.txt", data=raw))
    msgs = [r for r in records if r["kind"] != "system"]
    m = res.messages
    assert m["time"].tolist() == [pd.Timestamp(r["time"]) for r in msgs]
    assert m["sender_name"].tolist() == [r["sender_name"] for r in msgs]
    assert m["text"].tolist() == [r["text"] for r in msgs]
    assert m["kind"].tolist() == [r["kind"] for r in msgs]
    assert m["quote_ref"].dropna().tolist() == [r["quote_ref"] for r in msgs if r["kind"] == "quote"]
    assert res.skipped == [] and res.warnings == []

    system = [r for r in records if r["kind"] == "system"]
    ev = res.events
    assert ev["event"].tolist() == [r["event"] for r in system]
    assert ev["actor_name"].dropna().tolist() == [r["a"] for r in system if r["event"] != "leave"]
    assert ev["target_name"].dropna().tolist() == [r["b"] for r in system if r["event"] != "recall"]
    # each record starts on its header line: header + body lines + blank line
    expected, line = [], 1
    for r in records:
        expected.append(line)
        line += 2 + (r["text"] + (r.get("quote_ref") and "\n" + r["quote_ref"] or "")).count("\n") + 1
    assert sorted(m["source_line"].tolist() + ev["source_line"].tolist()) == expected
