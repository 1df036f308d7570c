"""Reader: generic chat table, CSV or Excel (formats.md §6).

For DingTalk and Feishu admin exports and anything else laid out as one row
per message. Columns are found by their header (Chinese or English, see
``ALIASES``); the user's column mapping (``Source.mapping``, field → header,
fields named like the ``messages`` columns) wins over the aliases, and a
mapping entry ``platform`` may also name the platform itself (``dingtalk``,
``钉钉``…) when the table has no platform column.

Rows whose kind is 系统 (system) or 撤回 (recall) become events through the
WeChat system-sentence parser (DingTalk writes the same sentences, often
without quotes); every other row is a message. A row with an unreadable
time, with no group, or (not being a system row) with no sender is a Skip
naming its physical line. A table without any group column is one chat
named after the file, as for the WeChat exports.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import model
from ..textscan.regexsafe import arrow_text
from .columns import label
from .reader import CHAT, Reader
from .source import InputError, ReadResult, Skip, Source
from .tabular import find_columns, read_table
from .textops import blank, extract_mentions, trimmed
from .times import parse_instants
from .wechat_system import parse_system_lines

FORMAT = "generic_chat"

#: field → accepted headers; matching ignores case, spaces, underscores and brackets.
ALIASES: dict[str, tuple[str, ...]] = {
    "group_name": ("群名称", "群名", "会话名称", "group", "group_name", "chat"),
    "group_id": ("群ID", "会话ID", "group_id", "chat_id"),
    "time": ("发送时间", "时间", "time", "timestamp", "sent_at"),
    "sender_id": ("发送人ID", "发送者ID", "用户ID", "sender_id", "user_id"),
    "sender_name": ("发送人", "发送者", "昵称", "sender", "sender_name", "name"),
    "kind": ("消息类型", "类型", "type", "kind"),
    "text": ("消息内容", "内容", "content", "text", "message"),
    "msg_id": ("消息ID", "message_id", "msgid"),
    "platform": ("平台", "platform"),
}

# Kind words of DingTalk, Feishu and hand-made exports (compared lower-cased).
_KINDS = {
    "文本": "text", "文字": "text", "text": "text", "富文本": "text", "post": "text", "markdown": "text",
    "图片": "image", "image": "image", "picture": "image", "photo": "image",
    "文件": "file", "file": "file", "链接": "link", "link": "link", "url": "link",
    "语音": "voice", "voice": "voice", "audio": "voice", "视频": "video", "video": "video", "media": "video",
    "表情": "sticker", "表情包": "sticker", "sticker": "sticker", "emoji": "sticker", "emotion": "sticker",
    "位置": "location", "location": "location", "名片": "card", "card": "card",
    "引用": "quote", "回复": "quote", "quote": "quote", "reply": "quote",
    "系统": "system", "系统消息": "system", "system": "system",
    "撤回": "recall", "recall": "recall", "revoke": "recall",
}
_PLATFORMS = {
    "钉钉": "dingtalk", "dingtalk": "dingtalk", "dingding": "dingtalk", "飞书": "feishu", "feishu": "feishu",
    "lark": "feishu", "企业微信": "wecom", "wecom": "wecom", "wework": "wecom", "微信": "wechat",
    "wechat": "wechat", "weixin": "wechat", "qq": "qq",
}
_KIND = {k: i for i, k in enumerate(model.KINDS)}
_STR = {t: pd.StringDtype("pyarrow", na_value=np.nan) for t in (pa.string(), pa.large_string())}
# What a row of a non-text kind shows when its text cell is empty.
_PLACEHOLDERS = {"image": "[图片]", "file": "[文件]", "link": "[链接]", "voice": "[语音]", "video": "[视频]",
                 "sticker": "[表情]", "location": "[位置]", "card": "[名片]"}


def _columns(src: Source, header: list[str]) -> tuple[dict[str, str], str | None, list[str]]:
    """(field → header, a platform named by the mapping, mapping entries that name no column here).

    The mapping may be meant for another file of the same run, so entries
    naming a column this file lacks are set aside, not fatal.
    """
    mapping, unused, platform = {}, [], None
    for fld, head in (src.mapping or {}).items():
        if head in header:
            mapping[fld] = head
        elif fld == "platform" and str(head).strip().lower() in _PLATFORMS:
            platform = _PLATFORMS[str(head).strip().lower()]
        elif fld in ALIASES:
            unused.append(f"{fld}={head!r}")
    return find_columns(header, ALIASES, mapping), platform, unused


def sniff(src: Source) -> bool:
    header = src.header
    if not header:
        return False
    cols = _columns(src, header)[0]
    return "time" in cols and "text" in cols


def _require(src: Source, cols: dict[str, str], unused: list[str], fields: tuple[str, ...]) -> None:
    if any(f in cols for f in fields):
        return
    accepted = ", ".join(h for f in fields for h in ALIASES[f])
    note = f"; the column mapping {', '.join(unused)} names no column of this file" if unused else ""
    raise InputError(src.name, f"no {' or '.join(fields)} column: expected a header among {accepted} "
                               f"or a column mapping for {fields[0]}{note}", line=1)


def _arrow(df: pd.DataFrame, cols: dict[str, str], fld: str) -> pa.Array | None:
    """A column as Arrow text, stripped, empty cells null; None when the table lacks it."""
    return trimmed(_text(df, cols, fld)) if fld in cols else None


def _text(df: pd.DataFrame, cols: dict[str, str], fld: str) -> pa.Array | pa.ChunkedArray | None:
    """A column as Arrow text as read (zero-copy: the columns are Arrow-backed); None when the table lacks it."""
    return pa.array(df[cols[fld]]) if fld in cols else None


def _codes(values: pa.Array | pa.ChunkedArray | None, words: dict[str, str], choices: tuple[str, ...],
           default: str, empty: str, n: int) -> np.ndarray:
    """Category codes for a column of words, looked up once per distinct cell.

    A cell is stripped and lower-cased before the lookup; a blank cell is ``empty``.
    """
    if values is None:
        return np.full(n, choices.index(empty), dtype=np.int8)
    cells = pc.dictionary_encode(arrow_text(values))        # a missing cell is "", blank like an empty one
    seen = pc.utf8_lower(pc.utf8_trim_whitespace(cells.dictionary)).to_pylist()
    table = [choices.index(words.get(w, default) if w else empty) for w in seen]
    return np.asarray(table, dtype=np.int8)[cells.indices.to_numpy()]


def _group_ids(gid: pa.Array, gname: pa.Array) -> pa.Array:
    """Fill missing group ids: the id other rows give the same name (when only one), else ``name:<name>``."""
    if not pc.any(pc.and_(pc.is_null(gid), pc.is_valid(gname))).as_py():
        return gid
    ids = (pa.table({"name": gname, "id": gid}).filter(pc.and_(pc.is_valid(gname), pc.is_valid(gid)))
           .group_by("name").aggregate([("id", "min"), ("id", "count_distinct")]))
    ids = ids.filter(pc.equal(ids["id_count_distinct"], 1))
    known = pc.take(ids["id_min"], pc.index_in(gname, value_set=ids["name"]))
    named = pc.binary_join_element_wise(pa.scalar("name:", gname.type), gname, pa.scalar("", gname.type))
    return pc.coalesce(gid, known.cast(gname.type), named)


def _strings(df: pd.DataFrame, cols: dict[str, str], src: Source) -> pa.Table:
    """The text columns of the messages and events, as Arrow."""
    n = len(df)
    found = {f: _arrow(df, cols, f) for f in ("group_name", "group_id", "sender_id", "sender_name", "msg_id")}
    out = {f: pa.nulls(n, pa.large_string()) if v is None else v for f, v in found.items()}
    if "group_name" not in cols and "group_id" not in cols:
        out["group_name"], out["group_id"] = pa.repeat(src.path.stem, n), pa.repeat(f"file:{src.path.name}", n)
    else:
        out["group_id"] = _group_ids(out["group_id"], out["group_name"])
    out["text"] = pc.fill_null(_text(df, cols, "text"), "")
    return pa.table(out)


def read(src: Source) -> ReadResult:
    df, lines, skipped = read_table(src)
    cols, platform, unused = _columns(src, [str(h) for h in df.columns])
    for fields in (("time",), ("text",), ("sender_id", "sender_name")):
        _require(src, cols, unused, fields)
    strings = _strings(df, cols, src)
    kind = _codes(_text(df, cols, "kind"), _KINDS, model.KINDS, "other", "text", len(df))
    platforms = _codes(_text(df, cols, "platform"), _PLATFORMS, model.PLATFORMS, "other", "other", len(df))
    if platform is not None:
        platforms[:] = model.PLATFORMS.index(platform)
    raw_time = df[cols["time"]]
    time = parse_instants(raw_time, src.tz)
    del df              # everything needed is in the arrays above: let the table go

    system = (kind == _KIND["system"]) | (kind == _KIND["recall"])
    bad_time = time.isna().to_numpy()
    no_group = pc.is_null(strings["group_id"]).to_numpy() & ~bad_time
    no_sender = (pc.and_(pc.is_null(strings["sender_id"]), pc.is_null(strings["sender_name"])).to_numpy()
                 & ~system & ~bad_time & ~no_group)
    head = cols["time"]
    for i in np.flatnonzero(bad_time):
        value = raw_time.iat[i].strip() if isinstance(raw_time.iat[i], str) else ""
        skipped.append(Skip(int(lines[i]), f"unparseable {head} {value!r}" if value else f"no time: {head} is empty"))
    heads = " and ".join(cols[f] for f in ("group_name", "group_id") if f in cols)
    skipped += [Skip(int(line), f"no group: {heads} empty") for line in lines[no_group]]
    heads = " and ".join(cols[f] for f in ("sender_id", "sender_name") if f in cols)
    skipped += [Skip(int(line), f"missing sender: {heads} empty") for line in lines[no_sender]]
    skipped.sort(key=lambda s: s.line or 0)

    def rows(mask: np.ndarray) -> pd.DataFrame:
        # Arrow filters the text columns faster than pandas' take() would.
        out = (strings if mask.all() else strings.filter(pa.array(mask))).to_pandas(types_mapper=_STR.get)
        at = np.flatnonzero(mask)
        return out.assign(time=time.array[at], source_line=lines[at], source_file=label(src.name, len(at)),
                          kind=pd.Categorical.from_codes(kind[at], dtype=model.CATEGORIES["kind"]),
                          platform=pd.Categorical.from_codes(platforms[at], dtype=model.CATEGORIES["platform"]))

    keep = ~(bad_time | no_group | no_sender)
    events = _events(rows(keep & system), src) if (keep & system).any() else model.empty(model.EVENTS_TABLE, src.tz)
    return ReadResult(FORMAT, messages=_messages(rows(keep & ~system), src.tz), events=events, skipped=skipped)


def _messages(rows: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Messages: non-text rows with an empty text cell show their placeholder."""
    text = rows["text"]
    maybe = np.flatnonzero(rows["kind"].isin(list(_PLACEHOLDERS)).to_numpy())
    if len(maybe):
        empty = maybe[blank(pa.array(text.iloc[maybe]))]
        if len(empty):
            text = text.copy()
            text.iloc[empty] = rows["kind"].iloc[empty].astype(str).map(_PLACEHOLDERS).to_numpy()
    mentions, everyone = extract_mentions(text)
    return model.conform(rows.assign(text=text, mentions=mentions, mentions_all=everyone), model.MESSAGES, tz)


def _events(rows: pd.DataFrame, src: Source) -> pd.DataFrame:
    """Events from 系统 and 撤回 rows (a sentence naming several people gives one event each)."""
    rows = rows.reset_index(drop=True)
    parsed = parse_system_lines(rows["text"].fillna("").str.strip(), me=src.me)
    at = parsed.index.to_numpy()
    ev = rows.iloc[at].reset_index(drop=True)
    parsed = parsed.reset_index(drop=True)
    recall = (ev["kind"] == "recall").to_numpy()
    # A 撤回 row is a recall whatever its sentence says, and its sender did it.
    event = parsed["event"].astype(str).mask(recall, "recall")
    actor = parsed["actor_name"].astype("str").mask(recall & parsed["actor_name"].isna().to_numpy(),
                                                    ev["sender_name"])
    actor_id = ev["sender_id"].where(recall | (ev["sender_name"] == actor).fillna(False).to_numpy())
    out = ev.assign(event=event, actor_name=actor, actor_id=actor_id,
                    target_name=parsed["target_name"], detail=parsed["detail"])
    return model.conform(out, model.EVENTS_TABLE, src.tz)


READER = Reader(FORMAT, CHAT, "generic chat table (CSV or Excel; DingTalk, Feishu, admin consoles)", sniff, read)
