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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def _names(tokens: pd.Series, me: str | None) -> pd.Series:
    """Quoted or bare name tokens → display names (NA for none/templates, ``me`` for 你)."""
    tokens = tokens.str.strip()
    if me is not None:
        tokens = tokens.where(~tokens.isin(_SELF), me)
    names = tokens.str.strip('"“”').str.strip()
    bad = names.eq("") | names.str.match(_TEMPLATE).fillna(False).astype(bool)
    return names.where(~bad.fillna(True))


def _split_targets(targets: pd.Series) -> pd.Series:
    """A list of invitees/removed people → list of name tokens per row.

    Quoted lists are split on the quotes (a name may contain 、); a bare 你
    among quoted names (邀请你和"李四") is kept. Bare lists are split on 、 and commas.
    """
    quoted = targets.str.contains('["“”]', regex=True).fillna(False).astype(bool)
    out = pd.Series([[]] * len(targets), index=targets.index, dtype=object)
    if quoted.any():
        out[quoted] = targets[quoted].str.findall(r'[“"][^"“”]+[”"]|你')
    if (~quoted).any():
        out[~quoted] = targets[~quoted].str.split(r"\s*[、，,]\s*", regex=True)
    return out


def parse_system_lines(text: pd.Series, me: str | None = None) -> pd.DataFrame:
    """Parse a column of system sentences into event columns.

    Returns a frame with the same index as ``text`` (one row per sentence; a
    sentence naming several targets, 邀请"A"、"B", yields one row per target,
    so the index may repeat) and the columns ``event``, ``actor_name``,
    ``target_name``, ``detail``. ``你`` (the exporting account) is replaced by
    ``me`` when given. Unmatched sentences get event ``other`` with the
    sentence in ``detail``.
    """
    raw = text.astype("str").fillna("")
    # Exporters sometimes leave markup in the sentence (<_wc_custom_link_ …>撤销</…>).
    clean = raw.str.replace(r"</?[A-Za-z_][^<>]*>", "", regex=True).str.strip()
    arr = pa.array(clean)
    if isinstance(arr, pa.ChunkedArray):    # Series backed by several Arrow chunks
        arr = arr.combine_chunks()
    pending = np.arange(len(clean))
    parts: list[pd.DataFrame] = []
    for event, detail, pattern in _PATTERNS:
        if not len(pending):
            break
        found = pc.extract_regex(arr.take(pending), pattern)
        ok = np.asarray(found.is_valid())
        if not ok.any():
            continue
        hit = found.filter(ok)
        part = pd.DataFrame({"pos": pending[ok], "event": event, "detail": detail})
        for fld in hit.type:
            part[fld.name] = pd.Series(hit.field(fld.name)).astype("str").to_numpy()
        parts.append(part)
        pending = pending[~ok]
    # Sentences no pattern knows: kept whole so nothing is lost.
    parts.append(pd.DataFrame({"pos": pending, "event": "other", "detail": raw.to_numpy()[pending]}))
    df = pd.concat(parts, ignore_index=True).sort_values("pos", kind="stable")
    for col in ("actor", "target", "targets"):
        if col not in df:
            df[col] = pd.NA
    df = df.astype({"actor": "str", "target": "str", "targets": "str", "detail": "str"})

    many = df["targets"].notna()
    if many.any():
        df.loc[many, "target"] = pd.NA
        df["target"] = df["target"].astype(object)
        df.loc[many, "target"] = _split_targets(df.loc[many, "targets"])
        df = df.explode("target")
        df["target"] = df["target"].astype("str")
    renamed = df["event"].eq("rename")
    if renamed.any():
        df.loc[renamed, "detail"] = df.loc[renamed, "detail"].str.replace(r'^[“"](.*)[”"]$', r"\1", regex=True)

    out = pd.DataFrame({
        "event": df["event"].astype("str").to_numpy(),
        "actor_name": _names(df["actor"], me).to_numpy(),
        "target_name": _names(df["target"], me).to_numpy(),
        "detail": df["detail"].to_numpy(),
    }, index=text.index[df["pos"].to_numpy()])
    return out.astype("str")
