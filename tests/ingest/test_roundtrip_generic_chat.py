"""Round trip: records written by bench/gen_generic_chat.render read back unchanged by the generic_chat reader."""
from datetime import datetime
from zoneinfo import ZoneInfo

import gen_generic_chat
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from grpaudit.ingest import generic_chat
from grpaudit.ingest.source import Source

TZ = ZoneInfo("Asia/Shanghai")

# Message text may hold anything a CSV cell can: commas, quotes, CR and LF,
# leading and trailing spaces, any non-surrogate character.
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
# Names and ids are stripped by the reader, so they are generated stripped.
_NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12).map(
    str.strip).filter(bool)
# Whole seconds: the layout writes YYYY-MM-DD HH:MM:SS.
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59, 59),
                     timezones=st.just(TZ)).map(lambda t: t.replace(microsecond=0))
NON_TEXT = {"image": "[图片]", "voice": "[语音]", "video": "[视频]", "sticker": "[表情]"}


@st.composite
def records(draw) -> dict:
    kind = draw(st.sampled_from(["text", "text", "text", "image", "voice", "video", "sticker", "file", "link"]))
    rec = {"time": draw(times), "sender_id": draw(st.from_regex(r"ZD[0-9]{4}", fullmatch=True)),
           "sender_name": draw(_NAME), "kind": kind, "group_name": draw(st.sampled_from(["甲群", "乙群, 丙"])),
           "msg_id": draw(st.from_regex(r"msg[A-Za-z0-9+/]{8}==", fullmatch=True))}
    rec["group_id"] = {"甲群": "cidA==", "乙群, 丙": "cidB=="}[rec["group_name"]]
    if kind == "text":
        rec["text"] = draw(_TEXT)
    elif kind in ("file", "link"):
        rec["text"] = draw(_NAME)
    else:
        rec["text"] = draw(st.sampled_from([NON_TEXT[kind], draw(_NAME)]))
    return rec


@settings(max_examples=120, deadline=None)
@given(recs=st.lists(records(), min_size=1, max_size=12))
def test_render_then_read_gives_the_records_back(recs):
    data = gen_generic_chat.render(recs)
    res = generic_chat.read(Source("roundtrip.csv", data=data))
    assert res.skipped == [] and len(res.events) == 0

    m = res.messages
    assert m["time"].tolist() == [pd.Timestamp(r["time"]) for r in recs]
    for col in ("sender_id", "sender_name", "kind", "text", "group_name", "group_id", "msg_id"):
        assert m[col].astype(str).tolist() == [r[col] for r in recs], col
    # each record starts after the line breaks of the ones before it
    starts, line = [], 2
    for r in recs:
        starts.append(line)
        line += 1 + r["text"].count("\n") + r["sender_name"].count("\n")
    assert m["source_line"].tolist() == starts


def test_system_and_recall_rows_round_trip_as_events():
    t = datetime(2026, 10, 12, 9, tzinfo=TZ)
    recs = [{"time": t, "sender_id": "ZD1005", "sender_name": "钱芳", "kind": "text", "text": "欢迎"},
            {"time": t, "sender_name": "系统", "kind": "system", "text": "钱芳邀请孙丽、罗琳加入了群聊"},
            {"time": t, "sender_id": "ZD1022", "sender_name": "罗琳", "kind": "recall", "text": "罗琳撤回了一条消息"}]
    res = generic_chat.read(Source("x.csv", data=gen_generic_chat.render(recs)))
    assert res.messages["text"].tolist() == ["欢迎"]
    e = res.events
    assert e[["event", "actor_name", "target_name"]].astype(str).fillna("-").values.tolist() == [
        ["join", "钱芳", "孙丽"], ["join", "钱芳", "罗琳"], ["recall", "罗琳", "-"]]
    assert e["actor_id"].fillna("-").tolist() == ["-", "-", "ZD1022"]
    assert e["source_line"].tolist() == [3, 3, 4]


def test_generated_month_reads_completely():
    data = gen_generic_chat.generate(3000, seed=3)
    res = generic_chat.read(Source("month.csv", data=data))
    assert len(res.messages) == 3000 and res.skipped == []
    rows = data.count(b"\n") - 1 - res.messages["text"].str.count("\n").sum()
    assert len(res.messages) + res.events["source_line"].nunique() == rows
    m = res.messages
    assert m["time"].is_monotonic_increasing
    assert m["text"].str.contains("\n").any() and m["mentions"].map(len).gt(0).any()
    assert set(m["kind"].astype(str)) == {"text", "image", "file"}
