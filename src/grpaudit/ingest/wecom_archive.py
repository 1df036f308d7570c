"""Reader: WeCom session archive (会话内容存档), formats.md §5.

Each decrypted archive message is one JSON object; files hold them one per
line (JSON Lines, what the archive SDK's pull loop writes) or as a JSON array.

* JSON Lines go through ``pyarrow.json``, in pieces of 32 MB, with an
  explicit schema naming only the fields read here, so the media fields
  (sdkfileid, md5sum…) and the per-type objects are neither inferred nor
  materialised; the rare types are read from their raw line. A piece pyarrow
  rejects (a broken or cut-off line, a field of an unexpected type) is read
  value by value with ``json``: the broken line becomes a Skip with its line
  number and every other line is kept.
* JSON arrays and pretty-printed objects are read value by value with
  ``json`` (see ``iter_json``); ``source_line`` is the line of the object's
  opening brace. In a compact array written on one line every object is on
  line 1, so JSON syntax problems also name the value's position in the file.

``action: send`` in a room → messages; ``action: recall`` → a recall event;
``action: switch`` and one-to-one chats (empty roomid) → ignored skips.
Archives carry user ids only: ``sender_name`` and ``group_name`` stay NA for
the identity layer and the group info (``wecom_rooms``) to fill.
"""
from __future__ import annotations

import json
import re
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from .. import model
from .columns import label
from .jsonvalues import JsonRecord, first_object, iter_json
from .reader import CHAT, Reader
from .source import InputError, ReadResult, Skip, Source
from .textops import extract_mentions

FORMAT = "wecom_archive"

# msgtype → (message kind, placeholder put before the text, fields of the
# object under the msgtype key that hold readable text). Placeholders are the
# ones the WeCom client shows; media carry nothing readable.
_TYPES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "text": ("text", "", ("content",)),
    "image": ("image", "[图片]", ()),
    "voice": ("voice", "[语音]", ()),
    "video": ("video", "[视频]", ()),
    "emotion": ("sticker", "[表情]", ()),
    "file": ("file", "[文件]", ("filename",)),
    "link": ("link", "[链接]", ("title",)),
    "mixed": ("text", "", ()),           # typed parts in mixed.item[]: _mixed_text
    "markdown": ("text", "", ("content",)),
    "docmsg": ("link", "[文档]", ("title",)),
    "weapp": ("link", "[小程序]", ("title",)),
    "location": ("location", "[位置]", ("title", "address")),
    "card": ("card", "[名片]", ("corpname", "userid")),
    "chatrecord": ("other", "[聊天记录]", ("title",)),
    "todo": ("other", "[待办]", ("title", "content")),
    "vote": ("other", "[投票]", ("votetitle",)),
    "redpacket": ("other", "[红包]", ("wish",)),
    "meeting": ("other", "[会议]", ("topic",)),
    "calendar": ("other", "[日程]", ("title",)),
    "news": ("other", "[图文]", ("title",)),   # one title per item of info.item[]
    "agree": ("other", "[同意存档]", ()),
    "disagree": ("other", "[不同意存档]", ()),
    "revoke": ("recall", "[撤回]", ()),       # the recall itself, which becomes an event
}
#: markdown and news keep their object under "info", not under their msgtype.
_KEY = {"markdown": "info", "news": "info"}
#: Types whose text pyarrow reads. Every field in the schema costs memory on
#: every row, so the rarer types are read from their raw line instead.
_IN_SCHEMA = ("text", "file", "link")
_KIND_CODE = {k: i for i, k in enumerate(model.KINDS)}
# Keys of an unknown type's object that hold ids, hashes or addresses, not text.
_NOT_TEXT = re.compile(r"(?:id|url|md5sum|sdkfileid|size|time|type)$", re.I)


def _needs_raw(msgtype: str | None) -> bool:
    """Whether a message of this type is read from its raw object (rare or unknown types)."""
    return msgtype is not None and msgtype not in _IN_SCHEMA and (msgtype not in _TYPES or msgtype == "mixed"
                                                                  or bool(_TYPES[msgtype][2]))


def _build_schema() -> pa.Schema:
    top = [(name, pa.string()) for name in ("msgid", "action", "from", "roomid", "msgtype")]
    structs = [(name, pa.struct([(f, pa.string()) for f in _TYPES[name][2]])) for name in _IN_SCHEMA]
    return pa.schema(top + [("msgtime", pa.int64())] + structs
                     + [("revoke", pa.struct([("pre_msgid", pa.string())]))])


_SCHEMA = _build_schema()
_PARSE = pajson.ParseOptions(explicit_schema=_SCHEMA, unexpected_field_behavior="ignore")
# JSON Lines are parsed in pieces of this size (pyarrow threads over the
# blocks of each); a line longer than a block fails its piece over to json.
_PIECE = 32 << 20
_READ = pajson.ReadOptions(block_size=4 << 20)
_STR = {pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get
_VALUE_NO = re.compile(r" \(value #\d+\)")


def sniff(src: Source) -> bool:
    obj = first_object(src)
    return obj is not None and "msgid" in obj and ("msgtime" in obj or "action" in obj)


# --- reading -------------------------------------------------------------------

def read(src: Source) -> ReadResult:
    if not src.head(65536).lstrip("\ufeff \t\r\n"):
        raise InputError(src.name, "no JSON in the file")
    return _finish(src, list(_json_lines(src) if is_json_lines(src) else _values(src)))


def is_json_lines(src: Source) -> bool:
    """Whether the archive is JSON Lines (one object per line), not an array or pretty-printed."""
    head = src.head(65536).lstrip("\ufeff \t\r\n")
    return head.startswith("{") and _is_json_object(head.split("\n", 1)[0])


def read_lines(src: Source) -> ReadResult:
    """Whole lines of a JSON Lines archive, read as the whole file reads them (a range of a file
    larger than memory): a range whose every line is broken is skips, not an error."""
    return _finish(src, list(_json_lines(src)), whole=False)


def _finish(src: Source, loaded: list, whole: bool = True) -> ReadResult:
    """The tables from what ``_json_lines`` or ``_values`` loaded.

    ``loaded`` is emptied here, so that nothing else holds the parsed table
    once its message columns are copied out: it is freed before the frames
    are built.
    """
    table, lines, raw, bad_times, skipped = loaded
    loaded.clear()
    if whole and table.num_rows == 0 and skipped:
        first = skipped[0]
        raise InputError(src.name, f"not a WeCom archive: no line holds a JSON object ({first.reason})", first.line)
    parts = _split(src, table, lines, raw, bad_times, skipped, whole)
    del table
    return _result(src, *parts, skipped)


def _is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _json_lines(src: Source):
    """JSON Lines, piece by piece through pyarrow; a piece pyarrow rejects is read value by value.

    So a broken line (often the last one, cut off) costs its piece, not the file.
    """
    data = src.utf8
    tables, lines, skipped = [], [], []
    bad_times: dict[int, object] = {}
    raws: dict[int, dict] = {}
    for start, end, first, breaks in _pieces(data):
        piece = data[start:end]
        try:
            table = pajson.read_json(pa.BufferReader(piece), read_options=_READ, parse_options=_PARSE)
            at = _row_lines(piece, table.num_rows, breaks)
        except pa.ArrowInvalid:
            own: list[Skip] = []
            table, at, bad, raw = _fit_records(iter_json(piece.decode("utf-8")), own)
            # the line number places a record; a value's position would count from the piece's start
            skipped += [Skip(s.line + first - 1, _VALUE_NO.sub("", s.reason), s.level) for s in own]
            offset = sum(t.num_rows for t in tables)
            bad_times.update({offset + i: v for i, v in bad.items()})
            raws.update({offset + i: v for i, v in raw.items()})
        tables.append(table)
        lines.append(at + (first - 1))
    table = pa.concat_tables(tables) if tables else _SCHEMA.empty_table()
    lines = np.concatenate(lines) if lines else np.zeros(0, dtype=np.int32)
    starts: list[np.ndarray] = []          # line offsets, found only if a row needs its raw line

    def raw_rows(rows: np.ndarray) -> list[dict]:
        if not starts:
            starts.append(_line_starts(data))
        ends = np.append(starts[0][1:], len(data))
        return [raws[i] if i in raws else json.loads(data[starts[0][k - 1]:ends[k - 1]])
                for i, k in zip(rows.tolist(), lines[rows].tolist())]

    return table, lines, raw_rows, bad_times, skipped


def _pieces(data: bytes):
    """(start, end, first line, line breaks) of pieces of about _PIECE bytes that end at a line end."""
    start, line = 0, 1
    while start < len(data):
        end = data.find(b"\n", start + _PIECE)
        end = len(data) if end < 0 else end + 1
        breaks = data.count(b"\n", start, end)
        yield start, end, line, breaks
        line += breaks
        start = end


def _row_lines(data: bytes, n: int, breaks: int) -> np.ndarray:
    """The physical line of each JSON Lines row: row i is on line i + 1 unless blank lines intervene.
    ``breaks``: the line breaks in ``data`` (counted once, by ``_pieces``)."""
    start = re.compile(rb"\s*").match(data).end()
    end = len(data)
    while end > start and data[end - 1] in b" \t\r\n":
        end -= 1
    first = data.count(b"\n", 0, start) + 1
    inside = breaks - (first - 1) - data.count(b"\n", end)       # the breaks between the first and last record
    if n == 0 or inside + 1 == n:
        return np.arange(first, first + n, dtype=np.int32)
    # Blank lines between records: only lines that start with white space can be blank.
    starts = _line_starts(data)
    maybe = np.flatnonzero(np.isin(np.frombuffer(data, np.uint8)[starts], list(b" \t\r\n")))
    ends = np.append(starts[1:], len(data))
    blank = np.zeros(len(starts), dtype=bool)
    blank[maybe] = [not data[starts[k]:ends[k]].strip() for k in maybe]
    return (np.flatnonzero(~blank) + 1).astype(np.int32)[:n]


def _line_starts(data: bytes, chunk: int = 1 << 24) -> np.ndarray:
    """Byte offset where each line starts, found chunk by chunk to bound memory."""
    parts = [np.zeros(1, dtype=np.int64)]
    for off in range(0, len(data), chunk):
        nl = np.flatnonzero(np.frombuffer(data, np.uint8, min(chunk, len(data) - off), off) == 10)
        parts.append(nl.astype(np.int64) + off + 1)
    starts = np.concatenate(parts)
    return starts[starts < len(data)]


def _values(src: Source):
    """Arrays and pretty-printed objects, value by value."""
    skipped: list[Skip] = []
    table, lines, bad_times, raws = _fit_records(iter_json(src.text), skipped)
    return table, lines, lambda rows: [raws[i] for i in rows], bad_times, skipped


def _fit_records(records: Iterable[JsonRecord], skipped: list[Skip]):
    """Records shaped to the schema, in batches: (table, lines, {row: bad msgtime}, {row: raw object})."""
    batches, batch, lines = [], [], []
    bad_times: dict[int, object] = {}
    raws: dict[int, dict] = {}
    for rec in records:
        if rec.problem:
            skipped.append(Skip(rec.line, rec.problem))
            continue
        obj = rec.value
        if not isinstance(obj, dict):
            skipped.append(Skip(rec.line, f"not a JSON object but {type(obj).__name__}"))
            continue
        row = {f.name: _fit(obj.get(f.name), f.type) for f in _SCHEMA}
        if row["msgtime"] is None and obj.get("msgtime") is not None:
            bad_times[len(lines)] = obj["msgtime"]
        if _needs_raw(row["msgtype"]):
            raws[len(lines)] = obj
        batch.append(row)
        lines.append(rec.line)
        if len(batch) == 65536:
            batches.append(pa.RecordBatch.from_pylist(batch, schema=_SCHEMA))
            batch = []
    if batch or not batches:
        batches.append(pa.RecordBatch.from_pylist(batch, schema=_SCHEMA))
    return pa.Table.from_batches(batches, _SCHEMA), np.asarray(lines, dtype=np.int32), bad_times, raws


def _fit(value, typ: pa.DataType):
    """``value`` shaped to the schema type; None where it cannot be."""
    if value is None:
        return None
    if pa.types.is_struct(typ):
        if not isinstance(value, dict):
            return None
        return {typ.field(i).name: _fit(value.get(typ.field(i).name), typ.field(i).type)
                for i in range(typ.num_fields)}
    if pa.types.is_integer(typ):
        if isinstance(value, bool):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        return value if isinstance(value, int) else None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# --- from rows to tables ---------------------------------------------------------

def _mask(values: pa.ChunkedArray, equal_to: str, null: bool = False) -> np.ndarray:
    return pc.fill_null(pc.equal(values, equal_to), null).to_numpy(zero_copy_only=False)


def _str(values) -> pd.Series:
    return values.to_pandas(types_mapper=_STR).reset_index(drop=True)


def _split(src: Source, t: pa.Table, lines: np.ndarray, raw: Callable[[np.ndarray], list[dict]],
           bad_times: dict[int, object], skipped: list[Skip], whole: bool = True) -> tuple[pa.Table, pd.DataFrame]:
    """Sort the rows: skips into ``skipped``, recalls into an events frame, messages into a table."""
    if whole and t.num_rows and not (pc.any(pc.is_valid(t["msgtime"])).as_py()
                                     or pc.any(pc.is_valid(t["msgid"])).as_py()):
        raise InputError(src.name, "not a WeCom archive: no object has a msgid or msgtime", int(lines[0]))
    action = t["action"]
    switch = _mask(action, "switch")
    recall = _mask(action, "recall")
    send = _mask(action, "send", null=True)        # an object without action is a sent message
    unknown = ~(switch | recall | send)
    one_to_one = _mask(t["roomid"], "", null=True) & ~(switch | unknown)
    no_time = pc.is_null(t["msgtime"]).to_numpy(zero_copy_only=False) & ~(switch | unknown | one_to_one)
    no_from = _mask(t["from"], "", null=True) & send & ~(one_to_one | no_time)
    is_msg = send & ~(one_to_one | no_time | no_from)
    is_event = recall & ~(one_to_one | no_time)

    for rows, reason, level in (
            (switch, "enterprise-switch log line (action switch), not a message", "ignored"),
            (one_to_one, "one-to-one chat (empty roomid): one-to-one chats are not audited", "ignored"),
            (no_from, "no sender: 'from' is empty", "error")):
        skipped += [Skip(int(line), reason, level) for line in lines[rows]]
    for i in np.flatnonzero(unknown):
        skipped.append(Skip(int(lines[i]), f"unknown action {action[int(i)].as_py()!r}"))
    for i in np.flatnonzero(no_time):
        why = f"msgtime {bad_times[i]!r} is not Unix milliseconds" if i in bad_times else "no msgtime"
        skipped.append(Skip(int(lines[i]), why))
    skipped.sort(key=lambda s: s.line or 0)

    # filter, not take: take on a chunked column concatenates its chunks first
    e = t.select(["roomid", "msgtime", "from", "revoke"]).filter(pa.array(is_event))
    events = pd.DataFrame({
        "group_id": _str(e["roomid"]), "time": _times(e["msgtime"], src.tz), "actor_id": _str(e["from"]),
        "detail": _str(pc.struct_field(e["revoke"], "pre_msgid")), "source_line": lines[is_event],
        "platform": _wecom(e.num_rows), "source_file": label(src.name, e.num_rows)}).assign(event="recall")
    codes, text = _contents(t, raw)
    cols = pa.table({"group_id": t["roomid"], "msg_id": t["msgid"], "sender_id": t["from"], "text": text,
                     "msgtime": t["msgtime"], "kind": codes, "source_line": lines})
    return (cols if is_msg.all() else cols.filter(pa.array(is_msg))), events


def _result(src: Source, cols: pa.Table, events: pd.DataFrame, skipped: list[Skip]) -> ReadResult:
    """The normalised tables from the message columns and events of ``_split``."""
    messages = cols.drop_columns(["msgtime", "kind", "source_line"]).to_pandas(types_mapper=_STR)
    mentions, everyone = extract_mentions(messages["text"])
    n = len(messages)
    messages = messages.assign(
        time=_times(cols["msgtime"], src.tz), mentions=mentions, mentions_all=everyone,
        kind=pd.Categorical.from_codes(cols["kind"].to_numpy(), dtype=model.CATEGORIES["kind"]),
        platform=_wecom(n), source_file=label(src.name, n), source_line=cols["source_line"].to_numpy(),
        group_name=_na(n), sender_name=_na(n), quote_ref=_na(n), person_id=_na(n))
    return ReadResult(FORMAT, messages=model.conform(messages, model.MESSAGES, src.tz),
                      events=model.conform(events, model.EVENTS_TABLE, src.tz), skipped=skipped)


# Constant and empty columns built directly: from a million Python objects
# they would cost more than the whole parse.
def _na(n: int) -> pd.Series:
    return _str(pa.nulls(n, pa.string()))


def _wecom(n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.full(n, model.PLATFORMS.index("wecom"), dtype=np.int8),
                                     dtype=model.CATEGORIES["platform"])


def _times(ms: pa.ChunkedArray, tz: str) -> pd.Series:
    return pd.Series(pd.to_datetime(ms.to_numpy(), unit="ms", utc=True).tz_convert(tz))


def _contents(t: pa.Table, raw: Callable[[np.ndarray], list[dict]]) -> tuple[np.ndarray, pa.ChunkedArray]:
    """Kind codes and readable text of every row.

    Text messages (the bulk) keep their content column as it is; the rows of
    other types are computed per type and put in place in one pass.
    """
    n = t.num_rows
    codes = np.full(n, _KIND_CODE["other"], dtype=np.int8)
    msgtype = t["msgtype"]
    text = pc.struct_field(t["text"], "content")
    codes[_mask(msgtype, "text")] = _KIND_CODE["text"]
    fill_rows, fill_texts = [], []
    for name in pc.unique(msgtype).to_pylist():
        if name is None or name == "text":
            continue                       # no msgtype: kind other, no text
        is_type = _mask(msgtype, name)
        rows = np.flatnonzero(is_type)
        kind, label, fields = _TYPES.get(name, ("other", f"[{name}]", ()))
        codes[rows] = _KIND_CODE[kind]
        if _needs_raw(name):
            pairs = [_raw_text(name, obj) for obj in raw(rows)]
            codes[rows] = [_KIND_CODE[k] for k, _ in pairs]
            texts = pa.array([s for _, s in pairs], pa.string())
        elif fields:
            value = pc.filter(pc.struct_field(t[name], fields[0]), pa.array(is_type))
            value = pc.if_else(pc.equal(value, ""), None, value)
            texts = pc.binary_join_element_wise(label, value, " ", null_handling="skip").combine_chunks()
        else:
            texts = pa.repeat(label, len(rows))
        fill_rows.append(rows)
        fill_texts.append(texts)
    filled = np.zeros(n, dtype=bool)
    for rows in fill_rows:
        filled[rows] = True
    # Text messages without content, and lines without msgtype, read as "".
    empty = np.flatnonzero(pc.is_null(text).to_numpy(zero_copy_only=False) & ~filled)
    fill_rows.append(empty)
    fill_texts.append(pa.repeat("", len(empty)))
    rows = np.concatenate(fill_rows)
    if len(rows):
        filled[empty] = True
        text = pc.replace_with_mask(text, pa.array(filled), pa.concat_arrays(fill_texts).take(np.argsort(rows)))
    return codes, text


def _raw_text(name: str, obj: dict) -> tuple[str, str]:
    """Kind and text of a message read from its raw object."""
    body = obj.get(_KEY.get(name, name))
    if name == "mixed":
        return _mixed_text(body)
    if name not in _TYPES:
        return "other", _readable(f"[{name}]", body)
    kind, label, fields = _TYPES[name]
    if name == "news":
        body = (body or {}).get("item") if isinstance(body, dict) else None
    items = body if isinstance(body, list) else [body]
    found = [str(item[f]) for item in items if isinstance(item, dict) for f in fields if item.get(f)]
    if not label:
        return kind, "".join(found)
    return kind, " ".join([label] + found)


def _mixed_text(body) -> tuple[str, str]:
    """A mixed message: its text parts, one per line; without any, the parts' placeholders."""
    items = body.get("item") if isinstance(body, dict) else None
    parts, labels = [], []
    for item in items if isinstance(items, list) else []:
        item = item if isinstance(item, dict) else {}
        if item.get("type") == "text":
            parts.append(_part_content(item.get("content")))
        else:
            labels.append(_TYPES.get(item.get("type"), ("other", f"[{item.get('type')}]", ()))[:2])
    if parts:
        return "text", "\n".join(parts)
    kinds = {k for k, _ in labels}
    return (kinds.pop() if len(kinds) == 1 else "other"), "\n".join(label for _, label in labels)


def _part_content(content) -> str:
    """A mixed text part: its ``content`` is itself JSON (``{"content": "…"}``); kept as is when not."""
    if isinstance(content, dict):
        return str(content.get("content", ""))
    try:
        inner = json.loads(content or "")
    except (TypeError, ValueError):
        return str(content or "")
    return str(inner.get("content", "")) if isinstance(inner, dict) else str(inner)


def _readable(label: str, obj) -> str:
    """Placeholder and the text-like string values of an unknown type's object."""
    found: list[str] = []

    def walk(value, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and value.strip() and not _NOT_TEXT.search(key):
            found.append(value.strip())

    walk(obj)
    return " ".join([label] + found)


READER = Reader(FORMAT, CHAT, "WeCom session archive (会话内容存档), JSON Lines or a JSON array", sniff, read,
                by_lines=is_json_lines, read_lines=read_lines)
