"""Reader: the WeChat exporter CSV (formats.md §1), e.g. MemoTrace / WeChatMsg.

One chat per file, header ``localId,TalkerId,Type,SubType,IsSender,CreateTime,
Status,StrContent,StrTime,Remark,NickName,Sender``. Type 10000 rows are system
sentences and 10002 rows recall/system XML: both go to ``events``; every
other row is a message whose kind comes from Type/SubType (unknown types are
kept as ``other`` with their content). Media rows carry WeChat's raw XML,
which becomes a placeholder (``[图片]``) or the attachment's title
(``[文件] name``), so no XML reaches the text scanners.

``你`` in system lines is the exporting account: its display name is
``src.me`` when the user gave one, otherwise the NickName it had on its own
rows (IsSender=1) — a display name like every other name in the events, so
identity resolution treats it the same way; its id is the Sender of those rows.

Speed: the file is read by pyarrow (the fastest CSV reader that handles
quoted line breaks) and every column stays an Arrow array through numpy and
``pyarrow.compute`` until the final frame; XML is only parsed on the few
rows that need it (RE2 regexes on a filtered slice, scattered back by take).
"""
from __future__ import annotations

import re
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
from .tabular import arrow_csv, read_table, record_lines
from .textops import trimmed
from .times import parse_instants
from .wechat_system import parse_system_lines

HEADER = ("localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status",
          "StrContent", "StrTime", "Remark", "NickName", "Sender")
_REQUIRED = ("TalkerId", "Type", "StrContent")

SYSTEM, SYSTEM_XML, APP = 10000, 10002, 49
QUOTE_SUBTYPE = 57
_KIND_OF_TYPE = {1: "text", 3: "image", 34: "voice", 43: "video", 42: "card", 47: "sticker", 48: "location"}
_PLACEHOLDER = {3: "[图片]", 34: "[语音]", 43: "[视频]", 47: "[表情]", 48: "[位置]", 42: "[名片]"}
# App messages (Type 49) by SubType: kind and the label put before the title.
_APP = {5: ("link", "[链接]"), 6: ("file", "[文件]"), 19: ("other", "[聊天记录]"),
        33: ("other", "[小程序]"), 36: ("other", "[小程序]"), 2000: ("other", "[转账]"),
        2001: ("other", "[红包]"), QUOTE_SUBTYPE: ("quote", "")}
_APP_LABEL = "[应用消息]"
# Attributes that name a location or a shared contact card.
_ATTR = {48: "poiname", 42: "nickname"}

# Chunk suffixes exporters and users add when a chat is split: _1, -2, (3), （3）, -part2.
_CHUNK = re.compile(r"(?:[_\-\s]+(?:part|p)?\s*\d{1,3}|\s*[(（]\d{1,3}[)）])$", re.IGNORECASE)
# Stands in for 你 until the exporting account's name is known.
_ME = "\x00me\x00"
_NA = -1


def strip_chunk_suffix(stem: str) -> str:
    """``澤東销售部工作群_2`` → ``澤東销售部工作群``; a stem without a suffix is returned as is."""
    return _CHUNK.sub("", stem).strip() or stem


def chat_name_from_stem(stem: str) -> str | None:
    """The chat's name when the exporter named the file after it, else None.

    An ASCII-only stem (``wechat_memotrace``, ``45127796301@chatroom``) is a
    tool's or a user's file name, not a Chinese group's name; the dataset
    layer then names the group from member lists or the registry by its id.
    """
    name = strip_chunk_suffix(stem)
    return None if name.isascii() else name


def sniff(src: Source) -> bool:
    header = set(src.header)
    return all(c in header for c in _REQUIRED) and bool({"CreateTime", "StrTime"} & header)


# ---------------------------------------------------------------- loading

def _load(src: Source) -> tuple[dict[str, pa.ChunkedArray], np.ndarray, list[Skip]]:
    """All columns as Arrow text, the physical line each row starts on, and skipped rows."""
    header = src.header
    table = arrow_csv(src)
    if table is None:
        # Malformed rows or blank lines: the line-exact (slower) shared reader.
        df, lines, skips = read_table(src)
        return {c: pa.chunked_array([pa.array(df[c], pa.string())]) for c in df.columns}, lines, skips
    first = {}
    for i, h in enumerate(header):
        first.setdefault(h, table.column(i))
    return first, record_lines(table.columns, table.num_rows), []


def _ints(col: pa.ChunkedArray) -> np.ndarray:
    """Text column → int64, -1 where the cell is not a non-negative number."""
    try:  # Arrow's cast succeeds on every well-formed export and is ~10x faster
        return pc.fill_null(pc.cast(col, pa.int64()), _NA).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        s = pd.to_numeric(pd.Series(col, dtype="str").str.strip(), errors="coerce")
        return s.fillna(_NA).to_numpy(dtype=np.int64)


def _extract(col, pattern: str) -> pa.Array:
    """First named group of an RE2 pattern; null where it does not match."""
    found = pc.extract_regex(col, pattern)
    if isinstance(found, pa.ChunkedArray):
        found = found.combine_chunks()
    return pc.if_else(found.is_valid(), found.field(0), pa.scalar(None, found.type.field(0).type))


def _unescape(col):
    for ent, ch in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        col = pc.replace_substring(col, ent, ch)
    return col


# ---------------------------------------------------------------- columns

def _times(create: pa.ChunkedArray, local: pa.ChunkedArray, tz: str) -> pd.Series:
    """CreateTime (Unix s, or ms) when it is a positive number, else StrTime (local time)."""
    epoch = _ints(create)
    ok = epoch > 0
    ns = np.where(epoch >= 10**11, epoch * 1_000_000, epoch * 1_000_000_000)
    time = pd.Series(pd.DatetimeIndex(np.where(ok, ns, np.iinfo(np.int64).min).view("datetime64[ns]"))
                     .tz_localize("UTC").tz_convert(tz))
    if not ok.all():
        rows = np.flatnonzero(~ok)
        time.iloc[rows] = parse_instants(pd.Series(local.take(pa.array(rows)), dtype="str"), tz).to_numpy()
    return time


def _texts(content: pa.ChunkedArray, typ: np.ndarray, sub: np.ndarray):
    """(kind codes, text, quote_ref) for every row, from Type/SubType and StrContent."""
    n = len(typ)
    kind = np.full(n, KIND_CODE["other"], dtype=np.int8)
    for t, k in _KIND_OF_TYPE.items():
        kind[typ == t] = KIND_CODE[k]
    quote_ref = pa.nulls(n, pa.string())
    # (rows, their new text): applied in one pass at the end, so the text
    # column is built once rather than rewritten per message type.
    parts: list[tuple[np.ndarray, pa.Array]] = []
    for t, placeholder in _PLACEHOLDER.items():
        rows = typ == t
        if not rows.any():
            continue
        labels = pc.take(pa.array([placeholder]), pa.array(np.zeros(int(rows.sum()), dtype=np.int64)))
        if t in _ATTR:
            what = _unescape(_extract(content.filter(rows), rf'{_ATTR[t]}\s*=\s*"(?P<v>[^"]+)"'))
            labels = pc.coalesce(pc.binary_join_element_wise(labels, what, " "), labels)
        parts.append((rows, labels))
    app = typ == APP
    if app.any():
        body = content.filter(app)
        asub = sub[app]
        title = pc.utf8_trim_whitespace(_unescape(_extract(body, r"<title>(?P<t>(?s:.*?))</title>")))
        akind = np.full(len(asub), KIND_CODE["other"], dtype=np.int8)
        alabel = np.full(len(asub), _APP_LABEL, dtype=object)
        for s, (k, lab) in _APP.items():
            akind[asub == s], alabel[asub == s] = KIND_CODE[k], lab
        alabel = pa.array(alabel, pa.string())
        atext = pc.coalesce(pc.binary_join_element_wise(alabel, title, " "), alabel)
        quote = asub == QUOTE_SUBTYPE
        if quote.any():
            qtext, qref = _quote(body.filter(quote), title.filter(quote))
            atext = pc.coalesce(scatter(qtext, quote), atext)
            full = np.zeros(n, dtype=bool)
            full[np.flatnonzero(app)[quote]] = True
            quote_ref = scatter(qref, full)
        kind[app] = akind
        parts.append((app, atext))
    if not parts:
        return kind, content, quote_ref
    idx = np.full(n, _NA, dtype=np.int64)
    offset = 0
    for rows, values in parts:
        idx[rows] = offset + np.arange(len(values))
        offset += len(values)
    new = pc.take(pa.concat_arrays([v for _, v in parts]),
                  pa.array(idx, mask=idx < 0))
    return kind, pc.coalesce(new, content), quote_ref


def _quote(content: pa.ChunkedArray, title: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Reply text and ``显示名：quoted text`` of quote rows.

    The exporters write the reply, a line break and ``[引用] 显示名：text``
    (formats.md §1); a raw appmsg XML (reply in <title>, quoted message in
    <refermsg>) is read too. The ``[引用]`` marker itself is dropped: the
    reference is the quoted message as the model defines it. A quote whose
    quoted part cannot be found keeps its whole content as text.
    """
    content = content.combine_chunks()
    found = pc.extract_regex(content, r"(?s)^(?P<text>.*?)\r?\n\[引用\]\s*(?P<ref>.*)$")
    ok = found.is_valid()
    text = pc.if_else(ok, found.field(0), content)
    ref = pc.if_else(ok, found.field(1), pa.scalar(None, pa.string()))
    # The XML form only where the exporter's own form is not found: a reply may start with "<".
    xml = pc.and_(pc.invert(ok), pc.match_substring(content, "<refermsg>"))
    if pc.any(xml).as_py():
        refer = _extract(content, r"(?s)<refermsg>(?P<r>.*?)</refermsg>")
        who = _unescape(_extract(refer, r"<displayname>(?P<d>[^<]*)</displayname>"))
        said = _unescape(_extract(refer, r"(?s)<content>(?P<c>.*?)</content>"))
        text = pc.if_else(xml, title, text)
        ref = pc.if_else(xml, pc.binary_join_element_wise(who, said, "："), ref)
    return text, ref


# ---------------------------------------------------------------- the reader

def read(src: Source) -> ReadResult:
    cols, lines, skips = _load(src)
    missing = [c for c in _REQUIRED if c not in cols]
    if missing or not {"CreateTime", "StrTime"} & set(cols):
        raise InputError(src.name, f"not a WeChat exporter CSV: missing column(s) "
                                   f"{', '.join(missing or ['CreateTime/StrTime'])}", line=1)
    n, tz = len(lines), src.tz
    for c in HEADER:
        if c not in cols:
            cols[c] = pa.chunked_array([pa.nulls(n, pa.string())])
    # Columns are popped once used: at a million rows each one is tens of MB.
    typ, sub, own = _ints(cols.pop("Type")), _ints(cols.pop("SubType")), _ints(cols.pop("IsSender")) == 1
    time = _times(cols.pop("CreateTime"), cols.pop("StrTime"), tz)
    # an empty remark or nickname is not a name
    sender_id, nick = trimmed(cols.pop("Sender")), trimmed(cols.pop("NickName"))
    # Some exporters write a fake sender "0" on system and service lines: no one's id.
    sender_id = pc.if_else(pc.equal(sender_id, "0"), pa.scalar(None, sender_id.type), sender_id)
    name = pc.coalesce(nick, trimmed(cols.pop("Remark")), sender_id)
    me_name = src.me or _most_common(nick.filter(own))
    me_id = _most_common(sender_id.filter(own))
    del nick
    if own.any() and (me_name or me_id):
        # The exporting account's own rows may lack the name or id the others have.
        name = pc.if_else(pa.array(own), pc.coalesce(name, pa.scalar(me_name, pa.string())), name)
        sender_id = pc.if_else(pa.array(own), pc.coalesce(sender_id, pa.scalar(me_id, pa.string())), sender_id)

    no_time = time.isna().to_numpy()
    system = (typ == SYSTEM) | (typ == SYSTEM_XML)
    no_sender = ~system & ~no_time & ~flags(pc.is_valid(name))
    for i in np.flatnonzero(no_time):
        skips.append(Skip(int(lines[i]), "no time: CreateTime and StrTime are both empty or unreadable"))
    for i in np.flatnonzero(no_sender):
        skips.append(Skip(int(lines[i]), "message with no sender: Sender, NickName and Remark are empty"))
    keep, rows = ~system & ~no_time & ~no_sender, system & ~no_time

    stem = Path(src.name).stem
    group_id = pc.coalesce(trimmed(cols.pop("TalkerId")), pa.scalar("file:" + strip_chunk_suffix(stem)))
    where = _Where(src.name, chat_name_from_stem(stem), group_id, time, lines)
    # Texts are made for every row and filtered after: the raw content with
    # its XML is the biggest column, so it is never copied, only dropped.
    kind, text, quote_ref = _texts(cols["StrContent"], typ, sub)
    events = where.frame(rows).join(_system_events(text_column(cols.pop("StrContent").filter(pa.array(rows))),
                                                   typ[rows], me_name, me_id))
    mk = pa.array(keep)
    kind, text = kind[keep], text.filter(mk)
    mentions, everyone = mentions_of(text, kind)
    msgs = where.frame(keep).assign(
        msg_id=text_column(trimmed(cols.pop("localId")).filter(mk)), sender_id=text_column(sender_id.filter(mk)),
        sender_name=text_column(name.filter(mk)), kind=kind_column(kind),
        text=text_column(text), mentions=mentions, mentions_all=everyone, quote_ref=text_column(quote_ref.filter(mk)),
        person_id=constant(None, len(kind)))
    del cols, where, text, name, sender_id, group_id
    return ReadResult("wechat_csv", messages=model.conform(msgs, model.MESSAGES, tz),
                      events=model.conform(events, model.EVENTS_TABLE, tz),
                      skipped=sorted(skips, key=lambda s: s.line or 0))


class _Where:
    """Platform, group, time and source columns of a selection of rows."""

    def __init__(self, source_file: str, group_name: str | None, group_id, time: pd.Series, lines: np.ndarray):
        self.source_file, self.group_name, self.group_id = source_file, group_name, group_id
        self.time, self.lines = time, lines

    def frame(self, rows: np.ndarray) -> pd.DataFrame:
        k = int(rows.sum())
        return pd.DataFrame({
            "platform": platform_column("wechat", k), "group_id": text_column(self.group_id.filter(pa.array(rows))),
            "group_name": constant(self.group_name, k), "time": self.time[rows].reset_index(drop=True),
            "source_file": label(self.source_file, k), "source_line": self.lines[rows],
        })


def _system_events(content: pd.Series, typ: np.ndarray, me_name: str | None, me_id: str | None) -> pd.DataFrame:
    """Event columns for 10000 (a sentence) and 10002 (XML wrapping a sentence) rows."""
    sentence = content.fillna("").str.strip()
    xml = (typ == SYSTEM_XML) & sentence.str.startswith("<").to_numpy(dtype=bool)
    if xml.any():
        # The sentence is the <replacemsg> of a revokemsg or the <template> of
        # a sysmsgtemplate / pat; names in templates stay unexpanded ($…$).
        inner = text_column(_extract(pa.array(sentence[xml]),
                              r"(?s)<(?:replacemsg|template)>\s*(?:<!\[CDATA\[)?(?P<s>.*?)"
                              r"(?:\]\]>)?\s*</(?:replacemsg|template)>"))
        sentence[xml] = inner.fillna(pd.Series(sentence[xml].to_numpy())).to_numpy()
    ev = parse_system_lines(sentence, me=_ME)
    for role in ("actor", "target"):
        is_me = ev[f"{role}_name"].eq(_ME).fillna(False).to_numpy(dtype=bool)
        ev[f"{role}_id"] = pd.Series(pd.NA, index=ev.index, dtype="str").mask(is_me, me_id)
        ev[f"{role}_name"] = ev[f"{role}_name"].mask(is_me, me_name or "你")
    return ev


def _most_common(col) -> str | None:
    counts = pc.value_counts(pc.drop_null(col))
    if not len(counts):
        return None
    return counts.field("values")[int(np.argmax(counts.field("counts").to_numpy()))].as_py()


READER = Reader("wechat_csv", CHAT, "WeChat exporter CSV (MemoTrace/WeChatMsg: localId,TalkerId,Type,…)",
                sniff, read)
