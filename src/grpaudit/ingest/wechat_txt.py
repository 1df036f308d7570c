"""Reader: the WeChat exporter TXT (formats.md §2).

One chat per file; each record is a header line ``YYYY-MM-DD HH:MM:SS 显示名``,
its body on one or more lines, and a blank line. ``系统消息`` records are
system sentences (→ ``events``); bodies that are exactly a placeholder
(``[图片]``…) or start with ``[文件] ``/``[链接] `` give the kind; a body with
a ``[引用] …`` line is a quote. The file has no group id or name: both come
from the file name (``file:<stem>``), which the dataset layer maps to the real
group by name or by member overlap.

Where a record starts: a line is a header when it has the header's fixed
shape (checked byte by byte) *and* it is the file's first line or follows a
blank line. The exporter separates records with a blank line and writes no
blank line inside a body, so a body line that merely looks like a header —
a pasted chat excerpt, say — stays in its body. The one case this cannot
tell apart is a body with a blank line followed by a header-shaped line;
that is read as two records, as any reader of the format would.

How it stays fast: no Python loop per line. The UTF-8 bytes are scanned with
numpy for line breaks; header lines are found from fixed byte positions; the
file is then cut, without copying, into alternating header / body /
separator segments (one Arrow string array over the original buffer) and
headers and bodies are taken out of it in one go each.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import model
from .columns import (KIND_CODE, constant, flags, kind_column, label, mentions_of, platform_column, scatter,
                      text_column)
from .reader import CHAT, Reader
from .source import InputError, ReadResult, Skip, Source
from .wechat_csv import strip_chunk_suffix
from .wechat_system import parse_system_lines

SYSTEM_SENDER = "系统消息"
#: Bodies that are exactly a placeholder, and their kind.
PLACEHOLDERS = {"[图片]": "image", "[语音]": "voice", "[视频]": "video", "[表情包]": "sticker",
                "[表情]": "sticker", "[位置]": "location", "[名片]": "card"}
#: Bodies that start with a label and a name/title.
PREFIXES = {"[文件] ": "file", "[链接] ": "link"}
QUOTE_MARK = "\n[引用] "

_HEADER_LEN = 20            # "YYYY-MM-DD HH:MM:SS " — then the display name
_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18)
_PUNCT = {4: b"-", 7: b"-", 10: b" ", 13: b":", 16: b":", 19: b" "}
_NL, _CR = 10, 13


def _header_shape(buf: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Which lines (given by start offsets) begin with ``YYYY-MM-DD HH:MM:SS `` and a name."""
    ok = starts + _HEADER_LEN < len(buf)      # at least one byte of name after the time
    s = starts[ok]
    good = np.ones(len(s), dtype=bool)
    for i in _DIGITS:
        b = buf[s + i]
        good &= (b >= 0x30) & (b <= 0x39)
    for i, ch in _PUNCT.items():
        good &= buf[s + i] == ch[0]
    name0 = buf[s + _HEADER_LEN]
    good &= (name0 != _NL) & (name0 != _CR) & (name0 != 0x20)
    out = np.zeros(len(starts), dtype=bool)
    out[ok] = good
    return out


def _first_line(src: Source) -> str:
    for line in src.head(2048).splitlines():
        if line.strip():
            return line
    return ""


def sniff(src: Source) -> bool:
    line = _first_line(src).encode("utf-8")
    if not _header_shape(np.frombuffer(line + b"\n", dtype=np.uint8), np.array([0]))[0]:
        return False
    # QQ's export has the same date-time-name shape but a banner, block headers
    # and (QQ号)/<email> after every name; its hours have no leading zero.
    head = src.head(4096)
    return "消息对象:" not in head and "消息记录（" not in head


def _segments(data: bytes) -> tuple[pa.Array, np.ndarray, np.ndarray, int, bool]:
    """Cut the text into segments without copying it.

    Returns (segments, header line numbers (1-based), index of each record's
    header segment, length of the text before the first header, whether the
    file uses CRLF). Segment 0 is the text before the first header; record k
    is segment 3k+1 (its header line), 3k+2 (its body, blank lines after it
    left out) and 3k+3 (the blank separator lines).
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(buf == _NL)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [len(buf)]))          # exclusive, before the \n
    if starts[-1] == len(buf):                       # text ends with \n: no last line
        starts, ends = starts[:-1], ends[:-1]
    crlf = bool(len(nl)) and bool((buf[nl[nl > 0] - 1] == _CR).any())
    if crlf:
        ends = ends - (buf[np.maximum(ends - 1, 0)] == _CR) * (ends > starts)
    blank = ends == starts
    prev_blank = np.concatenate(([True], blank[:-1]))
    header = np.flatnonzero(_header_shape(buf, starts) & prev_blank)
    if not len(header):
        return pa.array([], pa.large_string()), header, header, 0, crlf
    # Last non-blank line at or before each line: a body ends there.
    last_full = np.maximum.accumulate(np.where(blank, -1, np.arange(len(starts))))
    next_header = np.concatenate((header[1:], [len(starts)]))
    body_last = last_full[next_header - 1]            # == header when the body is empty
    h_start, h_end = starts[header], ends[header]
    b_start = np.where(body_last > header, starts[np.minimum(header + 1, len(starts) - 1)], h_end)
    b_end = np.where(body_last > header, ends[body_last], h_end)
    # Offsets: lead-in, then per record header [h_start, b_start), body
    # [b_start, b_end), separator [b_end, next h_start).
    offsets = np.empty(3 * len(header) + 2, dtype=np.int64)
    offsets[0] = 0
    offsets[1:-1:3], offsets[2:-1:3], offsets[3:-1:3] = h_start, b_start, b_end
    offsets[-1] = len(buf)
    segs = pa.Array.from_buffers(pa.large_string(), len(offsets) - 1,
                                 [None, pa.py_buffer(offsets), pa.py_buffer(data)])
    return segs, header + 1, 1 + 3 * np.arange(len(header)), int(h_start[0]), crlf


def read(src: Source) -> ReadResult:
    data = src.utf8
    segs, lines, hdr_idx, lead, crlf = _segments(data)
    tz, skips, warnings = src.tz, [], []
    if not len(lines):
        if data.strip():
            raise InputError(src.name, "not a WeChat TXT export: no line of the form "
                                       "'YYYY-MM-DD HH:MM:SS name'", line=1)
        return ReadResult("wechat_txt", messages=model.empty(model.MESSAGES, tz),
                          events=model.empty(model.EVENTS_TABLE, tz))
    if data[:lead].strip():
        skips.append(Skip(1, "text before the first message header"))
    if not data.endswith(b"\n"):
        # Exporters end every record with a blank line; a file that stops
        # mid-line was cut off while being written.
        warnings.append(Skip(int(lines[-1]), "file ends without a line break: the last message may be cut off",
                             "warning"))

    headers = segs.take(pa.array(hdr_idx))
    stamp = pc.strptime(pc.utf8_slice_codeunits(headers, 0, 19), format="%Y-%m-%d %H:%M:%S",
                        unit="s", error_is_null=True)
    time = pd.Series(stamp.to_numpy(zero_copy_only=False)).dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    name = pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(headers, _HEADER_LEN))
    bad_time = time.isna().to_numpy()
    no_name = ~bad_time & flags(pc.equal(name, ""))
    for i in np.flatnonzero(bad_time):
        skips.append(Skip(int(lines[i]), f"invalid time {headers[i].as_py()[:19]!r} in the header"))
    for i in np.flatnonzero(no_name):
        skips.append(Skip(int(lines[i]), "header has no sender name"))
    bad = bad_time | no_name
    name = name.filter(pa.array(~bad))
    body = segs.take(pa.array(hdr_idx[~bad] + 1))
    if crlf:
        body = pc.replace_substring(body, "\r\n", "\n")
    time, lines = time[~bad].reset_index(drop=True), lines[~bad]
    system = flags(pc.equal(name, SYSTEM_SENDER))

    stem = strip_chunk_suffix(Path(src.name).stem)

    def where(rows: np.ndarray) -> pd.DataFrame:
        """Group, time and source of the records in ``rows``."""
        k = int(rows.sum())
        return pd.DataFrame({"platform": platform_column("wechat", k), "group_id": constant("file:" + stem, k),
                             "group_name": constant(stem, k), "time": time[rows].reset_index(drop=True),
                             "source_file": label(src.name, k), "source_line": lines[rows]})

    chat = ~system
    msgs = where(chat).join(_messages(body.filter(pa.array(chat)), name.filter(pa.array(chat))))
    events = where(system).join(parse_system_lines(text_column(body.filter(pa.array(system))), me=src.me))
    return ReadResult("wechat_txt", messages=model.conform(msgs, model.MESSAGES, tz),
                      events=model.conform(events, model.EVENTS_TABLE, tz), skipped=skips, warnings=warnings)


def _messages(body: pa.Array, name: pa.Array) -> pd.DataFrame:
    """Kind, text, quote and mentions from the bodies."""
    n = len(body)
    kind = np.full(n, KIND_CODE["text"], dtype=np.int8)
    codes = np.array([KIND_CODE[k] for k in PLACEHOLDERS.values()], dtype=np.int8)
    which = pc.index_in(body, pa.array(list(PLACEHOLDERS))).to_numpy(zero_copy_only=False)
    exact = ~np.isnan(which)
    kind[exact] = codes[which[exact].astype(np.int64)]
    for prefix, k in PREFIXES.items():
        kind[flags(pc.starts_with(body, prefix))] = KIND_CODE[k]
    quote = (kind == KIND_CODE["text"]) & flags(pc.match_substring(body, QUOTE_MARK))
    quote_ref = pa.nulls(n, pa.large_string())
    if quote.any():
        # The reply is above the first [引用] line, the quoted message after it.
        kind[quote] = KIND_CODE["quote"]
        parts = pc.extract_regex(body.filter(pa.array(quote)), r"(?s)^(?P<text>.*?)\n\[引用\] (?P<ref>.*)$")
        body = pc.coalesce(scatter(parts.field(0), quote), body)
        quote_ref = scatter(parts.field(1), quote)
    mentions, everyone = mentions_of(body, kind)
    return pd.DataFrame({
        "sender_name": text_column(name), "kind": kind_column(kind),
        "text": text_column(body), "mentions": mentions, "mentions_all": everyone,
        "quote_ref": text_column(quote_ref), "msg_id": constant(None, n), "sender_id": constant(None, n),
        "person_id": constant(None, n),
    })


READER = Reader("wechat_txt", CHAT, "WeChat exporter TXT ('YYYY-MM-DD HH:MM:SS name', body, blank line)",
                sniff, read)
