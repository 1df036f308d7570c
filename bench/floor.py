"""The floor: the least any audit of a generated month could cost (performance.md's definition).

    .venv/bin/python bench/floor.py bench/out/company_1000000_s0 [--json]

On the files ``gen_company.py`` wrote: read and decode every chat export
with the fastest library for its layout (``pyarrow.json`` for the WeCom
archive, ``pyarrow.csv`` for the CSVs, one compiled regex over the whole
text for WeChat TXT and QQ), parse the times from integers where the export
has them, scan every message for 2,000 words with ``ahocorasick_rs``, flag
questions and find each one's next message in its group with
``pd.merge_asof``, and write the hits with pyarrow. No identities, no
calendar, no rules: what is left is the cost of touching the data once.
Timed stage by stage, imports excluded.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import ahocorasick_rs
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_company import lexicon_words  # noqa: E402
from gen_wechat_csv import CHARS  # noqa: E402
_TXT_HEAD = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2})(?: [AP]M)? (.+?)\r?$", re.M)
_WECOM_SCHEMA = pa.schema([("msgid", pa.string()), ("action", pa.string()), ("from", pa.string()),
                           ("roomid", pa.string()), ("msgtime", pa.int64()), ("msgtype", pa.string()),
                           ("text", pa.struct([("content", pa.string())]))])


def words(n: int = 2000, seed: int = 0) -> list[str]:
    """The shipped lexicons' words, filled up to ``n`` with random two-to-four-character words."""
    out = lexicon_words()
    rng = np.random.default_rng(seed)
    chars = np.array(list(CHARS))
    seen = set(out)
    while len(out) < n:
        w = "".join(rng.choice(chars, int(rng.integers(2, 5))))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def scan(texts: pa.ChunkedArray, found: list[str]) -> np.ndarray:
    """The message of every hit of ``found`` in ``texts``: one automaton pass over the column's bytes,
    hits mapped to their message by the offsets (a hit across two messages is dropped)."""
    arr = texts.combine_chunks().cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    ac = ahocorasick_rs.BytesAhoCorasick([w.encode("utf-8") for w in found],
                                         matchkind=ahocorasick_rs.MATCHKIND_STANDARD)
    hits = ac.find_matches_as_indexes(data, overlapping=True)
    if not hits:
        return np.zeros(0, dtype=np.int64)
    _, start, end = (np.array(col, dtype=np.int64) for col in zip(*hits))
    row = np.searchsorted(offsets, start, side="right") - 1
    return row[row == np.searchsorted(offsets, end - 1, side="right") - 1]


def _wecom(path: Path) -> pa.Table:
    t = pajson.read_json(path, parse_options=pajson.ParseOptions(explicit_schema=_WECOM_SCHEMA,
                                                                 unexpected_field_behavior="ignore"))
    t = t.filter(pc.and_(pc.equal(t["action"], "send"), pc.not_equal(t["roomid"], "")))
    return pa.table({"group": t["roomid"], "sender": t["from"],
                     "time": pc.cast(t["msgtime"], pa.timestamp("ms", "UTC")).cast(pa.timestamp("ns", "UTC")),
                     "text": pc.fill_null(t["text"].combine_chunks().field("content"), "")})


def _csv(path: Path, group: str, sender: str, time_col: str, text: str, epoch: bool) -> pa.Table:
    t = pacsv.read_csv(path, parse_options=pacsv.ParseOptions(newlines_in_values=True),
                       convert_options=pacsv.ConvertOptions(column_types={time_col: pa.int64() if epoch
                                                                          else pa.string()}))
    if epoch:
        when = pc.cast(pc.multiply(t[time_col], 1_000_000_000), pa.timestamp("ns", "UTC"))
    else:       # local wall time, China has one offset
        when = pc.strptime(t[time_col], "%Y-%m-%d %H:%M:%S", "s")
        when = pc.cast(pc.subtract(pc.cast(when, pa.int64()), 8 * 3600), pa.timestamp("s", "UTC"))
        when = when.cast(pa.timestamp("ns", "UTC"))
    return pa.table({"group": pc.cast(t[group], pa.string()), "sender": pc.cast(t[sender], pa.string()),
                     "time": when, "text": pc.fill_null(pc.cast(t[text], pa.string()), "")})


def _txt(path: Path) -> pa.Table:
    text = path.read_bytes().decode("utf-8-sig")
    heads = list(_TXT_HEAD.finditer(text))
    starts = [m.end() for m in heads]
    ends = [m.start() for m in heads[1:]] + [len(text)]
    bodies = [text[s:e].strip() for s, e in zip(starts, ends)]
    times = pd.to_datetime([m.group(1) for m in heads], format="mixed").tz_localize("Asia/Shanghai")
    return pa.table({"group": pa.repeat(path.stem, len(heads)), "sender": [m.group(2) for m in heads],
                     "time": pa.array(times.tz_convert("UTC")), "text": bodies})


def read_all(chats: Path) -> pa.Table:
    parts = []
    for p in sorted(chats.iterdir()):
        if p.suffix == ".jsonl":
            parts.append(_wecom(p))
        elif p.name.startswith("dingtalk_export"):
            parts.append(_csv(p, "群ID", "发送人ID", "发送时间", "消息内容", epoch=False))
        elif p.suffix == ".csv":
            parts.append(_csv(p, "TalkerId", "Sender", "CreateTime", "StrContent", epoch=True))
        elif p.suffix == ".txt":
            parts.append(_txt(p))
    return pa.concat_tables([t.cast(parts[0].schema) for t in parts])


def floor(company: Path, out: Path | None = None) -> dict:
    """Seconds per stage of the floor on one generated month, and what it found."""
    stages: dict[str, float] = {}
    t0 = time.perf_counter()
    t = read_all(company / "chats")
    stages["read+parse"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    at = scan(t["text"], words())
    stages["scan 2,000 words"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    df = pd.DataFrame({"group": pd.Categorical(t["group"].to_pandas()),
                       "time": t["time"].to_pandas(), "sender": t["sender"].to_pandas()})
    question = pc.match_substring_regex(t["text"], "？|\\?|吗").to_numpy(zero_copy_only=False)
    df = df.sort_values("time", kind="stable")
    asks = df[question[df.index.to_numpy()]].reset_index(names="msg")
    answers = df.rename(columns={"time": "answered", "sender": "by"})
    pairs = pd.merge_asof(asks, answers, left_on="time", right_on="answered", by="group", direction="forward",
                          allow_exact_matches=False)
    wait = pairs["answered"] - pairs["time"]
    late = pairs[wait.isna() | (wait > pd.Timedelta(minutes=20))]
    stages["match replies"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    out = out or company / "floor_hits.csv"
    found = pa.table({"message": np.concatenate([at, late["msg"].to_numpy(np.int64)]),
                      "what": pa.array(["word"] * len(at) + ["late reply"] * len(late))})
    found = found.append_column("text", pc.take(t["text"], pa.array(found["message"])))
    pacsv.write_csv(found, out)
    stages["write hits"] = time.perf_counter() - t3
    return {"messages": len(t), "stages": stages, "seconds": time.perf_counter() - t0,
            "word_hits": len(at), "late_replies": len(late)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("company", type=Path, help="a folder gen_company.py wrote")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    args = ap.parse_args()
    r = floor(args.company)
    if args.json:
        print(json.dumps(r))
        return
    for stage, s in r["stages"].items():
        print(f"{stage:<18} {s:7.2f} s")
    print(f"{'floor':<18} {r['seconds']:7.2f} s  ({r['messages']:,} messages, {r['word_hits']:,} word hits, "
          f"{r['late_replies']:,} late or unanswered questions)")


if __name__ == "__main__":
    sys.exit(main())
