"""Round trip: records written by bench/gen_wecom_archive.render read back unchanged by the wecom_archive reader."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import gen_wecom_archive
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from grpaudit.ingest import wecom_archive
from grpaudit.ingest.source import Source

TZ = ZoneInfo("Asia/Shanghai")
EPOCH = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))
PLACEHOLDERS = {"image": "[图片]", "voice": "[语音]", "video": "[视频]", "sticker": "[表情]"}

# Any text the archive can carry: line breaks, quotes, backslashes, @, JSON-ish
# braces, every plane but surrogates (JSON cannot carry a lone one).
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)
# Archive times are whole milliseconds.
times = st.integers(min_value=946_684_800_000, max_value=4_102_444_799_999).map(
    lambda ms: (EPOCH + timedelta(milliseconds=ms)).astimezone(TZ))
ids = st.from_regex(r"(?:[A-Za-z][A-Za-z0-9]{0,15}|w[om][A-Za-z0-9]{32})", fullmatch=True)


@st.composite
def records(draw) -> dict:
    kind = draw(st.sampled_from(["text", "text", "text", "image", "voice", "video", "sticker", "file", "link",
                                 "recall"]))
    rec = {"time": draw(times), "sender_id": draw(ids), "sender_name": None, "kind": kind,
           "group_id": draw(st.sampled_from(["wrRoomA0000000000000000000000001", "wrRoomB0000000000000000000000002"]))}
    if kind == "text":
        rec["text"] = draw(_TEXT)
    elif kind == "file":
        rec["text"] = "[文件] " + draw(_NAME)
    elif kind == "link":
        rec["text"] = "[链接] " + draw(_NAME)
    elif kind == "recall":
        rec["text"] = draw(ids)
    else:
        rec["text"] = PLACEHOLDERS[kind]
    return rec


@settings(max_examples=120, deadline=None)
@given(recs=st.lists(records(), min_size=1, max_size=12), array=st.booleans())
def test_render_then_read_gives_the_records_back(recs, array):
    data = gen_wecom_archive.render(recs, array=array)
    res = wecom_archive.read(Source("roundtrip.json", data=data))
    assert res.skipped == []

    sent = [r for r in recs if r["kind"] != "recall"]
    m = res.messages
    assert m["time"].tolist() == [pd.Timestamp(r["time"]) for r in sent]
    assert m["sender_id"].tolist() == [r["sender_id"] for r in sent]
    assert m["group_id"].tolist() == [r["group_id"] for r in sent]
    assert m["kind"].astype(str).tolist() == [r["kind"] for r in sent]
    assert m["text"].tolist() == [r["text"] for r in sent]
    assert m["sender_name"].isna().all()

    recalls = [r for r in recs if r["kind"] == "recall"]
    e = res.events
    assert e["event"].astype(str).tolist() == ["recall"] * len(recalls)
    assert e["detail"].tolist() == [r["text"] for r in recalls]
    assert e["actor_id"].tolist() == [r["sender_id"] for r in recalls]
    assert e["time"].tolist() == [pd.Timestamp(r["time"]) for r in recalls]
    # one object per line in JSON Lines: record i is on line i + 1
    if not array:
        lines = sorted(m["source_line"].tolist() + e["source_line"].tolist())
        assert lines == list(range(1, len(recs) + 1))


def test_generated_month_reads_completely():
    data = gen_wecom_archive.generate(3000, seed=7)
    res = wecom_archive.read(Source("month.jsonl", data=data))
    assert len(res.messages) == 3000
    lines = data.count(b"\n")
    assert len(res.messages) + len(res.events) + len(res.skipped) == lines
    assert all(s.level == "ignored" for s in res.skipped)
    m = res.messages
    assert m["time"].is_monotonic_increasing
    assert m["text"].str.contains("\n").any() and m["mentions"].map(len).gt(0).any()
    assert set(m["kind"].astype(str)) == {"text", "image", "file", "link", "sticker"}
