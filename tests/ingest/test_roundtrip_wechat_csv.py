"""Round trip: records written by bench/gen_wechat_csv.py read back unchanged."""
import datetime as dt
from zoneinfo import ZoneInfo

import gen_wechat_csv
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grpaudit.ingest import Source
from grpaudit.ingest import wechat_csv

# Any printable text: CJK, emoji, quotes, commas, U+2005; line breaks only where they belong.
CHARS = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))
LINE = st.text(CHARS, max_size=15)
MULTILINE = st.lists(LINE, min_size=1, max_size=4).map("\n".join)
NAME = st.text(CHARS, min_size=1, max_size=10).map(str.strip).filter(bool)
# Names inside system sentences: no quotes, and not an unexpanded $template$.
PLAIN_NAME = NAME.filter(lambda s: not set(s) & set('"“”') and not (s[0] == "$" and s[-1] == "$"))
TIMES = st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2037, 12, 31),
                     timezones=st.sampled_from([ZoneInfo("Asia/Shanghai"), ZoneInfo("UTC"),
                                                ZoneInfo("America/New_York")])).map(
    lambda t: t.replace(microsecond=0))
SENTENCES = {"join": '"{a}"邀请"{b}"加入了群聊', "removed": '"{a}"将"{b}"移出了群聊',
             "recall": '"{a}" 撤回了一条消息', "pat": '"{a}" 拍了拍 "{b}"', "leave": '"{b}"退出了群聊'}


@st.composite
def record(draw):
    kind = draw(st.sampled_from(["text", "text", "image", "sticker", "voice", "video", "file", "link", "quote",
                                 "system"]))
    rec = {"time": draw(TIMES), "sender_id": draw(st.from_regex(r"[a-z][a-z0-9_]{3,15}", fullmatch=True)),
           "sender_name": draw(NAME), "kind": kind}
    if kind == "text":
        rec["text"] = draw(MULTILINE)
    elif kind in gen_wechat_csv.PLACEHOLDER:
        rec["text"] = gen_wechat_csv.PLACEHOLDER[kind]
    elif kind in ("file", "link"):
        rec["text"] = ("[文件] " if kind == "file" else "[链接] ") + draw(NAME)
    elif kind == "quote":
        rec["text"] = draw(MULTILINE.filter(lambda s: "\n[引用]" not in s))
        rec["quote_ref"] = draw(NAME) + "：" + draw(MULTILINE)
    else:
        rec["event"] = draw(st.sampled_from(sorted(SENTENCES)))
        rec["a"], rec["b"] = draw(PLAIN_NAME), draw(PLAIN_NAME)
        rec["text"] = SENTENCES[rec["event"]].format(a=rec["a"], b=rec["b"])
    return rec


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(record(), max_size=12))
def test_records_read_back_unchanged(records):
    res = wechat_csv.read(Source("chat.csv", data=gen_wechat_csv.render(records)))
    msgs = [r for r in records if r["kind"] != "system"]
    m = res.messages
    assert m["time"].tolist() == [pd.Timestamp(r["time"]) for r in msgs]
    assert m["sender_id"].tolist() == [r["sender_id"] for r in msgs]
    assert m["sender_name"].tolist() == [r["sender_name"] for r in msgs]
    assert m["text"].tolist() == [r["text"] for r in msgs]
    assert m["kind"].tolist() == [r["kind"] for r in msgs]
    assert m["quote_ref"].dropna().tolist() == [r["quote_ref"] for r in msgs if r["kind"] == "quote"]
    assert res.skipped == []

    system = [r for r in records if r["kind"] == "system"]
    ev = res.events
    assert ev["event"].tolist() == [r["event"] for r in system]
    assert ev["time"].tolist() == [pd.Timestamp(r["time"]) for r in system]
    has_actor = [r["a"] for r in system if r["event"] != "leave"]
    assert ev["actor_name"].dropna().tolist() == has_actor
    assert ev["target_name"].dropna().tolist() == [r["b"] for r in system if r["event"] != "recall"]
    # every record is a row, on its own line
    lines = sorted(m["source_line"].tolist() + ev["source_line"].tolist())
    assert len(lines) == len(records) and len(set(lines)) == len(records)
