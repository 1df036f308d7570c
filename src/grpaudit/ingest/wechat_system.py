"""WeChat-style system sentences → events.

Used by the WeChat CSV and TXT readers and by the generic chat reader
(DingTalk exports write the same sentences, often without quotes).

Each sentence shape is one RE2 pattern (``pyarrow.compute.extract_regex``:
linear time, whole column at once) tried on the sentences no earlier
pattern matched, so the cost is a handful of passes over the system lines,
never a Python call per sentence. Names are captured with their quotes,
which tells a quoted ``"你"`` (someone's nickname) from the bare ``你``
(the exporting account) and lets a list of invitees be split on the quotes.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..textscan.regexsafe import arrow_text
from .columns import text_column

COLUMNS = ["event", "actor_name", "target_name", "detail"]

# A name in straight or curly double quotes, or a bare one (DingTalk, or 你).
# The bare form is lazy so it stops at the verb that follows it.
_Q = r'[“"][^"“”]*[”"]'
_NAME = rf'{_Q}|[^"“”]+?'

# (event, detail, pattern). Groups: actor, target (one name), targets (a list
# of names split afterwards), detail. Order matters: the catch-all join comes
# after the specific join sentences.
_PATTERNS: tuple[tuple[str, str | None, str], ...] = (
    # "李四"通过扫描"张三"分享的二维码加入群聊 · "李四"通过"张三"的邀请二维码加入群聊
    # · "李四"通过扫描二维码加入群聊 (no sharer shown)
    ("join", "qr", rf'^(?P<target>{_NAME})\s*通过(?:扫描)?\s*(?:(?P<actor>{_NAME})\s*(?:分享)?的)?'
                   rf'(?:邀请)?二维码加入了?群聊'),
    # "张三"邀请"李四"、"王五"加入了群聊 · "张三"邀请你和"李四"加入了群聊，群聊参与人还有：…
    ("join", "invite", rf'^(?P<actor>{_NAME})\s*邀请\s*(?P<targets>.+?)\s*加入了?群聊'),
    ("removed", None, rf'^(?P<actor>{_NAME})\s*将\s*(?P<targets>.+?)\s*移出了?群聊'),
    # 你被"张三"移出群聊 (what the removed account itself sees)
    ("removed", None, rf'^(?P<target>{_NAME})\s*被\s*(?P<actor>{_NAME})\s*移出了?群聊'),
    ("leave", None, rf'^(?P<target>{_NAME})\s*已?退出了?群聊'),
    ("rename", None, rf'^(?P<actor>{_NAME})\s*修改群名为\s*(?P<detail>.*?)\s*$'),
    ("owner_change", None, rf'^(?P<target>{_NAME})\s*已成为新群主'),
    ("owner_change", None, rf'^(?P<actor>{_NAME})\s*已?将群主(?:身份)?转让给\s*(?P<target>{_NAME})\s*$'),
    ("recall", None, rf'^(?P<actor>{_NAME})\s*撤回了一条消息'),
    # "张三" 拍了拍 "李四" — WeChat may append the patted person's suffix (…的肩膀)
    ("pat", None, rf'^(?P<actor>{_NAME})\s*拍了拍\s*(?P<target>{_Q}|[^"“”\s]+)'),
    # anything else that says someone joined (method not shown)
    ("join", None, rf'^(?P<target>{_NAME})\s*加入了?群聊'),
)

# The exporting account, written bare: 你 in third-person lines, 我 in pats.
_SELF = ("你", "我")
# Unexpanded exporter templates ("$username$", "${wxid_…}") name nobody.
_TEMPLATE = r"^(?:\$[^$]*\$|\$\{[^}]*\})$"


def _names(tokens: pa.Array, me: str | None) -> pa.Array:
    """Quoted or bare name tokens → display names (null for none/templates, ``me`` for 你)."""
    tokens = pc.utf8_trim_whitespace(tokens)
    if me is not None:
        tokens = pc.if_else(pc.is_in(tokens, value_set=pa.array(_SELF, tokens.type)), pa.scalar(me, tokens.type),
                            tokens)
    names = pc.utf8_trim_whitespace(pc.utf8_trim(tokens, '"“”'))
    bad = pc.or_(pc.equal(names, ""), pc.match_substring_regex(names, _TEMPLATE))
    return pc.if_else(pc.fill_null(bad, True), pa.scalar(None, names.type), names)


def _split_targets(targets: list[str]) -> list[list[str]]:
    """Lists of invitees/removed people → name tokens per list.

    Quoted lists are split on the quotes (a name may contain 、); a bare 你
    among quoted names (邀请你和"李四") is kept. Bare lists are split on 、 and commas.
    Only sentences naming several people come here, a few per export.
    """
    return [_QUOTED.findall(t) if _QUOTE.search(t) else _BARE_SEP.split(t) for t in targets]


_QUOTE = re.compile('["“”]')
_QUOTED = re.compile(r'[“"][^"“”]+[”"]|你')
_BARE_SEP = re.compile(r"\s*[、，,]\s*")


def parse_system_lines(text: pd.Series, me: str | None = None) -> pd.DataFrame:
    """Parse a column of system sentences into event columns.

    Returns a frame with the same index as ``text`` (one row per sentence; a
    sentence naming several targets, 邀请"A"、"B", yields one row per target,
    so the index may repeat) and the columns ``event``, ``actor_name``,
    ``target_name``, ``detail``. ``你`` (the exporting account) is replaced by
    ``me`` when given. Unmatched sentences get event ``other`` with the
    sentence in ``detail``.

    Every step is an Arrow kernel over the column: exports come one file per
    group, so this runs once per file, and its cost per call matters as much
    as its cost per line.
    """
    raw = arrow_text(text.astype("str"))
    # Exporters sometimes leave markup in the sentence (<_wc_custom_link_ …>撤销</…>).
    clean = pc.utf8_trim_whitespace(pc.replace_substring_regex(raw, r"</?[A-Za-z_][^<>]*>", ""))
    pending = np.arange(len(clean))
    pos, events = [], []
    fields: dict[str, list[pa.Array]] = {f: [] for f in ("actor", "target", "targets", "detail")}
    for event, detail, pattern in _PATTERNS:
        if not len(pending):
            break
        found = pc.extract_regex(clean if len(pending) == len(clean) else clean.take(pending), pattern)
        ok = found.is_valid().to_numpy(zero_copy_only=False)
        if not ok.any():
            continue
        hit, k = found.filter(ok), int(ok.sum())
        names = [f.name for f in hit.type]
        for fld, parts in fields.items():
            if fld in names:
                parts.append(hit.field(fld).cast(pa.large_string()))
            else:
                parts.append(pa.repeat(pa.scalar(detail if fld == "detail" else None, pa.large_string()), k))
        pos.append(pending[ok])
        events.append(np.full(k, event, dtype=object))
        pending = pending[~ok]
    # Sentences no pattern knows: kept whole so nothing is lost.
    pos.append(pending)
    events.append(np.full(len(pending), "other", dtype=object))
    for fld, parts in fields.items():
        parts.append(raw.take(pending) if fld == "detail" else pa.nulls(len(pending), pa.large_string()))
    at = np.concatenate(pos)
    order = pa.array(np.argsort(at, kind="stable"))
    at = at[order.to_numpy()]
    event = pa.array(np.concatenate(events), pa.large_string()).take(order)
    cols = {fld: pa.concat_arrays(parts).take(order) for fld, parts in fields.items()}

    many = cols["targets"].is_valid().to_numpy(zero_copy_only=False)
    if many.any():
        # One row per named target: the others stay one row with their single target.
        split = iter(_split_targets(cols["targets"].filter(pa.array(many)).to_pylist()))
        tokens = [(next(split) or [None]) if m else [t] for m, t in zip(many, cols["target"].to_pylist())]
        repeat = np.array([len(t) for t in tokens])
        rows = np.repeat(np.arange(len(at)), repeat)
        at, event = at[rows], event.take(pa.array(rows))
        cols = {fld: col.take(pa.array(rows)) for fld, col in cols.items()}
        cols["target"] = pa.array([t for ts in tokens for t in ts] if len(rows) else [], pa.large_string())
    renamed = pc.equal(event, "rename")
    cols["detail"] = pc.if_else(renamed, pc.replace_substring_regex(cols["detail"], r'^[“"](.*)[”"]$', r"\1"),
                                cols["detail"])
    columns = {"event": event, "actor_name": _names(cols["actor"], me), "target_name": _names(cols["target"], me),
               "detail": cols["detail"]}
    return pd.DataFrame({c: text_column(a).set_axis(text.index[at]) for c, a in columns.items()})
