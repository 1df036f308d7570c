"""Reader: QQ message-manager text export (导出消息记录 → 文本文件), formats.md §4.

The layout is a banner line, then for each chat a block ``====`` /
``消息分组:…`` / ``====`` / ``消息对象:<群名>`` / ``====``, then its records: a
header line ``YYYY-MM-DD H:MM:SS [AM|PM] [【tag】]name(QQ号)`` (or
``name<email>``), the body lines, a blank line. One file may hold several
blocks; each record belongs to the block above it.

Reading works on whole columns, never a Python step per message: the text is
split into lines as one Arrow array, an RE2 regex flags the header lines, a
cumulative sum over header and block lines gives every line the record it
follows, and the body lines are gathered into a list array and joined.
Header fields come from plain string kernels and, for the time, from the
header bytes at fixed places: a regex with capture groups costs about a
second per million headers, these about a third of that.

Decisions where the export is silent:

* A header is a line matching the whole header pattern, so it must end in
  ``(digits)`` or ``<…>``; the QQ number is the *last* parenthesised group
  (names hold parentheses, ``Tony(张伟)(1287734509)``). A body line that only
  starts like a header (a pasted log line) stays body text. Dates are
  zero-padded (``2026-10-08``), as QQ writes them; hours are not.
* A body is every line between its header and the next header or block,
  minus the trailing blank (empty or white-space) lines, the separator.
  Blank lines inside a body are kept: QQ messages may contain them, and
  only a header starts a record. Non-blank text that follows no header is
  skipped, one Skip per run of lines.
* ``消息分组``/``消息对象`` lines count as a block only between two ``====``
  rules, as QQ writes them; elsewhere they are body text.
* ``AM``/``PM`` is read per line: a 24-hour export whose sender's name
  starts with "AM " cannot be told from a 12-hour one (the format's own
  ambiguity).
* A body that is exactly one placeholder (``[图片]``, ``[表情]``, ``[文件]``,
  ``[语音]``, ``[视频]``) is that kind; anything else, ``[图片]`` followed by
  text included, is ``text`` with the body kept whole.
* ``group_name`` is the ``消息对象`` name and ``group_id`` is ``qq:<name>``
  (the export has no group number). Records before any block (a file cut
  out of an export) take the file name's stem as the group name.
* The ``【群主】``/``【管理员】`` role tags and level titles (``【活跃】``) are
  removed from the name and not kept: the model has no column for them.
* Lines from ``系统消息(10000)`` or ``系统消息(1000000)`` become events; the QQ
  number in the sentence is the target (join, leave, removed) or the actor
  (recall). A sentence no pattern matches is event ``other``.
* A file that does not end with a line break was cut off while QQ wrote it:
  its last record is kept and named in ``warnings``.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import model
from .columns import KIND_CODE, constant, flags, kind_column, label, platform_column, text_column
from .reader import CHAT, Reader
from .source import InputError, ReadResult, Skip, Source
from .textops import extract_mentions

FORMAT = "qq_txt"
BANNER = "消息记录（此消息记录为文本格式，不支持重新导入）"

# One header line, for both RE2 (pyarrow) and Python's re: the U+202F is a
# literal character, not an escape (RE2 has no \u). Linear: the lazy name is
# followed by a tail of fixed shape anchored at the end of the line.
HEADER = (r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}(?:[ " "\u202f" r"][AaPp][Mm])? "
          r"(?:【[^】]*】)?.*?(?:\(\d+\)|<[^<>]+>)$")
_HEADER_RE = re.compile(HEADER)
_TAG = r"^【[^】]*】"
_LABEL_RE = re.compile(r"消息(?:分组|对象)[:：]")
_OBJECT = ("消息对象:", "消息对象：")

SYSTEM_NAME = "系统消息"
SYSTEM_IDS = ("10000", "1000000")
_SENTENCE = r"^(?P<name>.*?)(?:\((?P<qq>\d+)\))? ?(?P<verb>加入本群|退出本群|被管理员移出本群|撤回了一条消息)。?$"
_VERBS = {"加入本群": "join", "退出本群": "leave", "被管理员移出本群": "removed", "撤回了一条消息": "recall"}

PLACEHOLDERS = {"[图片]": "image", "[表情]": "sticker", "[文件]": "file", "[语音]": "voice", "[视频]": "video"}
_KIND_CODE = np.array([KIND_CODE[k] for k in PLACEHOLDERS.values()], dtype=np.int8)


def sniff(src: Source) -> bool:
    """The banner, a 消息分组/消息对象 line near the top, or a first line that is a QQ header."""
    lines = [line.strip() for line in src.head(4096).splitlines()[:20]]
    if any(line == BANNER or _LABEL_RE.match(line) for line in lines):
        return True
    first = next((line for line in lines if line), "")
    return bool(_HEADER_RE.match(first))


def read(src: Source) -> ReadResult:
    records, skipped, warnings = _records(src)
    system = records.pop("system")
    events = _events(src, _select(records, system))
    message_cols = _select(records, ~system)
    records.clear()         # free the unfiltered columns before the message table is built
    return ReadResult(FORMAT, messages=_messages(src, message_cols), events=events,
                      skipped=sorted(skipped, key=lambda s: s.line or 0), warnings=warnings)


def _records(src: Source) -> tuple[dict, list[Skip], list[Skip]]:
    """The columns of every record with a valid time, what was skipped, and what is suspect."""
    data = src.utf8
    scan = _scan(data)
    # The line array is gone; hand its pages back to the OS now rather than
    # when the pool decides, so they do not count twice in the peak.
    pa.default_memory_pool().release_unused()
    header_at, orphans = scan["header_at"], scan["orphans"]
    if len(header_at) == 0 and (len(orphans) or not scan["has_blocks"]):
        raise InputError(src.name, "not a QQ text export: no header line like "
                                   "'2026-10-09 9:02:41 name(QQ号)' or 'name<email>'",
                         int(orphans[0]) + 1 if len(orphans) else None)
    line = (header_at + 1).astype(np.int32)
    f = _header_fields(scan["headers"])
    time, bad = _times(f, src.tz)
    skipped = [Skip(int(i) + 1, "text outside any record: it follows no message header")
               for i in orphans]
    skipped += [Skip(int(line[i]), f"impossible time in header {scan['headers'][int(i)].as_py()!r} "
                                    f"(no such date, or no such clock time in {src.tz})")
                for i in np.flatnonzero(bad)]
    warnings = []
    if data and not data.endswith(b"\n") and scan["ends_in_record"]:
        warnings.append(Skip(int(line[-1]), "last record cut off: the file ends in the middle of it "
                                            "(QQ was closed while exporting); kept as far as it goes", "warning"))
    empty = flags(pc.equal(scan["bodies"], "")) & ~bad
    warnings += [Skip(int(i), "record has no body; kept with empty text", "warning") for i in line[empty]]
    names, ids = _groups(src, scan["objects"], header_at)
    system = flags(pc.is_in(f["id"], pa.array(SYSTEM_IDS))) & flags(pc.equal(f["name"], SYSTEM_NAME))
    cols = {"group_id": ids, "group_name": names, "time": time, "source_line": line, "body": scan["bodies"],
            "sender_id": f["id"], "sender_name": f["name"], "system": system}
    return _select(cols, ~bad), skipped, warnings


# --- lines and records -------------------------------------------------------------

def _split_lines(data: bytes) -> pa.Array:
    """The text's physical lines, without their line breaks, as one Arrow string array."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    whole = pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data))   # no copy of the file
    if b"\r\n" in data[:65536]:
        # QQ on Windows writes CRLF throughout; splitting on it saves a pass
        # that trims every line. Every LF must have been part of a CRLF.
        lines = pc.split_pattern(whole, "\r\n").flatten()
        if len(lines) - 1 == data.count(b"\n"):
            return lines
    lines = pc.split_pattern(whole, "\n").flatten()
    return pc.utf8_rtrim(lines, "\r") if b"\r" in data else lines


def _shift(mask: np.ndarray, by: int) -> np.ndarray:
    """``mask`` moved down by ``by`` lines (up when negative): out[i] = mask[i - by]."""
    out = np.zeros_like(mask)
    if by > 0:
        out[by:] = mask[:-by]
    else:
        out[:by] = mask[-by:]
    return out


def _refine(lines: pa.Array, candidates: pa.Array, test) -> np.ndarray:
    """A mask of the candidate lines that pass ``test``; candidates are few (block lines), so Python is fine."""
    at = np.flatnonzero(flags(candidates))
    out = np.zeros(len(lines), dtype=bool)
    out[at[[bool(test(s)) for s in lines.take(pa.array(at)).to_pylist()]]] = True
    return out


def _scan(data: bytes) -> dict:
    """Find the records: header lines, their bodies, the 消息对象 blocks and text outside any record."""
    lines = _split_lines(data)
    header = flags(pc.match_substring_regex(lines, HEADER))
    rule = _refine(lines, pc.starts_with(lines, "=" * 10), lambda s: s.strip("=") == "")
    # 消息分组/消息对象 are block lines only between two rules, so a body line
    # that happens to start with 消息对象: stays text.
    label = _refine(lines, pc.starts_with(lines, "消息"), _LABEL_RE.match) & _shift(rule, 1) & _shift(rule, -1)
    block = flags(pc.equal(lines, BANNER)) | label | (rule & (_shift(label, 1) | _shift(label, -1)))
    boundary = header | block
    blank = flags(pc.or_(pc.equal(lines, ""), pc.utf8_is_space(lines)))

    # seg: the boundary line a line follows (-1 before the first one).
    seg = np.cumsum(boundary, dtype=np.int32) - 1
    seg_is_record = np.append(header[boundary], False)      # seg -1 → False
    in_record = seg_is_record[seg] & ~boundary
    # A body ends at its last non-blank line; blank lines after it separate records.
    content = np.flatnonzero(in_record & ~blank)
    last = np.full(len(seg_is_record), -1, dtype=np.int64)
    ends = np.append(seg[content][1:] != seg[content][:-1], True)[:len(content)]
    last[seg[content[ends]]] = content[ends]
    body = in_record & (np.arange(len(seg)) <= last[seg])

    counts = np.bincount(seg[body], minlength=len(seg_is_record))[seg[header]]
    offsets = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    bodies = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), lines.filter(pa.array(body))),
                            pa.scalar("\n", lines.type))
    orphan = np.flatnonzero(~boundary & ~blank & ~in_record)
    label_at = np.flatnonzero(label)
    return {
        "header_at": np.flatnonzero(header), "headers": lines.filter(pa.array(header)), "bodies": bodies,
        "objects": [(int(i), t) for i, t in zip(label_at, lines.take(pa.array(label_at)).to_pylist())
                    if t.startswith(_OBJECT)],
        "orphans": orphan[np.append(True, np.diff(orphan) != 1)] if len(orphan) else orphan,  # first of each run
        "has_blocks": bool(block.any()),
        "ends_in_record": bool(len(lines) and (header[-1] or body[-1])),
    }


def _groups(src: Source, objects: list[tuple[int, str]], header_at: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Group name and id of each record: the 消息对象 above it, else the file name's stem."""
    names = [Path(src.name).stem] + [text[len(_OBJECT[0]):].strip() for _, text in objects]
    which = pa.array(np.searchsorted(np.array([i for i, _ in objects], dtype=np.int64), header_at, side="right"))
    return (pa.array(names, pa.string()).take(which),
            pa.array([f"qq:{name}" for name in names], pa.string()).take(which))


# --- header fields -------------------------------------------------------------------

def _header_fields(headers: pa.Array) -> dict:
    """Date, clock and sender of each header line (all of them matched HEADER).

    HEADER fixes the start: ``YYYY-MM-DD H:MM:SS`` or ``…HH:MM:SS``, then a
    space, or a space / U+202F and AM or PM and a space. The numbers are read
    from the bytes at those places; the sender is what follows.
    """
    _, offsets, data = headers.buffers()
    start = np.frombuffer(offsets, np.int64, len(headers), headers.offset * 8)
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)

    def num(at: np.ndarray, width: int = 2) -> np.ndarray:
        value = np.zeros(len(at), dtype=np.int64)
        for k in range(width):
            value = value * 10 + raw[at + k] - 48
        return value

    two = raw[start + 12] != ord(":")          # a two-digit hour
    after = start + 18 + two                   # the byte after the seconds
    nnbsp = raw[after] == 0xE2                 # U+202F is E2 80 AF
    mark = np.where(nnbsp, after + 3, after + 1)
    twelve = nnbsp | (np.isin(raw[mark], list(b"AaPp")) & np.isin(raw[mark + 1], list(b"Mm"))
                      & (raw[mark + 2] == ord(" ")))      # HEADER leaves at least 3 bytes after the clock
    fields = {"y": num(start, 4), "mo": num(start + 5), "d": num(start + 8),
              "h": np.where(two, num(start + 11), num(start + 11, 1)),
              "mi": num(after - 5), "s": num(after - 2), "twelve": twelve,
              "pm": twelve & ((raw[mark] | 0x20) == ord("p"))}
    # The sender follows the second space, or the third after " AM" (U+202F is no space).
    sender = _after_spaces(headers, 2 + (twelve & ~nnbsp))
    if pc.any(pc.starts_with(sender, "【")).as_py():
        sender = pc.replace_substring_regex(sender, _TAG, "")
    fields["name"], fields["id"] = _name_and_id(sender)
    return fields


def _after_spaces(values: pa.Array, spaces: np.ndarray) -> pa.Array:
    """What follows the first ``spaces[i]`` spaces of each value; ``spaces`` takes one or two values."""
    out = None
    for k in np.unique(spaces):
        rows = spaces == k
        part = pc.list_element(pc.split_pattern(values if rows.all() else values.filter(pa.array(rows)), " ",
                                                max_splits=int(k)), int(k))
        out = part if rows.all() else pc.replace_with_mask(values if out is None else out, pa.array(rows), part)
    return out if out is not None else values


def _name_and_id(sender: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Split ``name(QQ号)`` at its last '(' and ``name<email>`` at its last '<'."""
    email = flags(pc.ends_with(sender, ">"))
    name, sid = sender, sender
    for rows, sep in ((~email, "("), (email, "<")):
        if not rows.any():
            continue
        whole = rows.all()
        parts = pc.split_pattern(sender if whole else sender.filter(pa.array(rows)), sep,
                                 max_splits=1, reverse=True)
        part_name = pc.list_element(parts, 0)
        part_id = pc.utf8_slice_codeunits(pc.list_element(parts, 1), 0, -1)      # without ')' or '>'
        if whole:
            return part_name, part_id
        name = pc.replace_with_mask(name, pa.array(rows), part_name)
        sid = pc.replace_with_mask(sid, pa.array(rows), part_id)
    return name, sid


def _times(f: dict, tz: str) -> tuple[pd.Series, np.ndarray]:
    """Header times as instants in ``tz``, and a mask of impossible ones (2026-02-30, 25:00:00, 13 PM)."""
    y, mo, d, h, mi, s, twelve = (f[k] for k in ("y", "mo", "d", "h", "mi", "s", "twelve"))
    bad = (y < 1900) | (y > 2200) | (mo < 1) | (mo > 12) | (d < 1) | (mi > 59) | (s > 59)
    bad |= np.where(twelve, (h < 1) | (h > 12), h > 23)
    h = np.where(twelve, h % 12 + 12 * f["pm"], h)     # 12:xx AM is after midnight, 12:xx PM is noon
    month = ((np.clip(y, 1900, 2200) - 1970) * 12 + np.clip(mo, 1, 12) - 1).astype("datetime64[M]")
    first = month.astype("datetime64[D]")
    bad |= d > ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
    seconds = (first.astype(np.int64) + d - 1) * 86400 + h * 3600 + mi * 60 + s
    local = pd.Series(pd.to_datetime(np.where(bad, 0, seconds), unit="s").tz_localize(
        tz, ambiguous="NaT", nonexistent="NaT"))
    return local, bad | local.isna().to_numpy()      # also clock times a DST change skips or repeats


# --- tables --------------------------------------------------------------------------

def _select(cols: dict, rows: np.ndarray) -> dict:
    """The rows of every column (a new dict, the same columns when all rows are kept)."""
    if rows.all():
        return dict(cols)
    mask = pa.array(rows)
    return {k: (v[rows].reset_index(drop=True) if isinstance(v, pd.Series) else
                v[rows] if isinstance(v, np.ndarray) else v.filter(mask)) for k, v in cols.items()}


def _common(src: Source, cols: dict) -> dict:
    """The columns messages and events share; constants built once, not per row."""
    n = len(cols["source_line"])
    return {"platform": platform_column("qq", n), "source_file": label(src.name, n),
            "group_id": text_column(cols["group_id"]), "group_name": text_column(cols["group_name"]),
            "time": cols["time"], "source_line": cols["source_line"]}


def _messages(src: Source, cols: dict) -> pd.DataFrame:
    text = cols["body"]
    codes = np.full(len(text), KIND_CODE["text"], dtype=np.int8)
    which = pc.index_in(text, value_set=pa.array(list(PLACEHOLDERS), text.type))
    found = np.flatnonzero(flags(pc.is_valid(which)))
    codes[found] = _KIND_CODE[pc.fill_null(which, 0).to_numpy()[found]]
    text_s = text_column(text)
    mentions, everyone = extract_mentions(text_s)
    # Columns the export has no value for, as Arrow nulls: conform would build them from Python objects.
    unknown = constant(None, len(text))
    df = pd.DataFrame({**_common(src, cols), "msg_id": unknown, "quote_ref": unknown, "person_id": unknown,
                       "sender_id": text_column(cols["sender_id"]),
                       "sender_name": text_column(cols["sender_name"]),
                       "kind": kind_column(codes),
                       "text": text_s, "mentions": mentions, "mentions_all": everyone})
    return model.conform(df, model.MESSAGES, src.tz)


def _events(src: Source, cols: dict) -> pd.DataFrame:
    sentence = cols["body"]
    parts = pc.extract_regex(sentence, _SENTENCE)
    verbs = pc.struct_field(parts, "verb").to_pylist()          # system lines are few: a list is fine
    event = np.array([_VERBS.get(v, "other") for v in verbs], dtype=object)
    qq = pc.struct_field(parts, "qq")
    name, qq = text_column(pc.struct_field(parts, "name")), text_column(pc.if_else(pc.equal(qq, ""), None, qq))
    actor, target = event == "recall", (event != "recall") & (event != "other")
    df = pd.DataFrame({**_common(src, cols), "event": pd.Categorical(event, dtype=model.CATEGORIES["event"]),
                       "actor_name": name.where(actor), "actor_id": qq.where(actor),
                       "target_name": name.where(target), "target_id": qq.where(target),
                       "detail": text_column(sentence).where(event == "other")})
    return model.conform(df, model.EVENTS_TABLE, src.tz)


READER = Reader(FORMAT, CHAT, "QQ message-manager text export (导出消息记录 → 文本文件)", sniff, read)
