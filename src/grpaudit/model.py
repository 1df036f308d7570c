"""The normalised tables every later stage reads.

Readers produce these tables; rules, penalties and reports read only these.
Each table is a pandas DataFrame whose columns, order and dtypes are fixed
here, so a rule can rely on them whatever export the data came from.

Conventions
-----------
* Strings are pandas' Arrow-backed ``str`` dtype; missing values are NA.
* ``source_file`` (kind ``label``) is a categorical over the files read: it
  repeats on every row of a file, and a path per row would be the widest column.
* Instants are timezone-aware (``datetime64[ns, <tz>]``), in the audit's zone
  (Asia/Shanghai unless the export says otherwise or ``--tz`` is given).
* Calendar dates (hire date, registry end date…) are naive midnight
  ``datetime64[ns]``: they name a day, not an instant.
* ``source_file`` / ``source_line`` point at the physical line (1-based) where
  the record starts, so every finding can be traced back to the export.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

DEFAULT_TZ = "Asia/Shanghai"

PLATFORMS = ("wechat", "wecom", "qq", "dingtalk", "feishu", "other")

#: Message kinds. ``quote`` is a reply that quotes an earlier message.
#: ``system`` and ``recall`` exist for exports that mark a record as such but
#: carry nothing an event can be parsed from; parsed system lines go to
#: ``events`` instead.
KINDS = (
    "text", "image", "sticker", "voice", "video", "file", "link", "quote",
    "location", "card", "system", "recall", "other",
)

#: Membership and group events.
EVENTS = (
    "join",          # joined; actor = who invited/shared the QR code, detail = method
    "leave",         # quit on their own
    "removed",       # removed; actor = who removed them
    "rename",        # group renamed; detail = new name, actor = who
    "recall",        # a message was recalled; actor = who, detail = recalled message id
    "owner_change",  # target became the owner
    "admin_change",  # target became (detail='add') or stopped being ('remove') an admin
    "pat",           # "拍了拍": no compliance meaning, counted so nothing is lost
    "other",         # a system line no pattern matched; detail = the sentence
)

ROLES = ("owner", "admin", "member")

GROUP_TYPES = ("company", "department", "management", "project", "temporary", "interest", "other")

STR = "str"
_STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)   # what "str" means in pandas 3
TIME = "time"       # tz-aware instant, resolved against the audit's zone
DATE = "date"       # naive calendar day
INT = "Int32"      # nullable: a group seen only in exports has no registry line
BOOL = "bool"
OBJECT = "object"
#: text that repeats on most rows, kept as a categorical over its distinct values: the path
#: of the file a record came from would otherwise be stored, copied and sorted once per row
LABEL = "label"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str                 # STR, TIME, DATE, INT, BOOL, OBJECT or "cat:<enum>"
    doc: str


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _cat(values: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(values))


CATEGORIES = {
    "platform": _cat(PLATFORMS),
    "kind": _cat(KINDS),
    "event": _cat(EVENTS),
    "role": _cat(ROLES),
    "group_type": _cat(GROUP_TYPES),
}

_SOURCE = (
    Column("source_file", LABEL, "path of the export file the record came from"),
    Column("source_line", INT, "1-based physical line where the record starts"),
)

MESSAGES = Table("messages", "One row per chat message (system lines are in events).", (
    Column("platform", "cat:platform", "wechat, wecom, qq, dingtalk, feishu or other"),
    Column("group_id", STR, "the platform's group id (…@chatroom, QQ group number, WeCom roomid…); "
                            "file-derived when the export has none"),
    Column("group_name", STR, "group name as exported, or from member list / registry"),
    Column("msg_id", STR, "the platform's message id when the export has one"),
    Column("time", TIME, "when it was sent"),
    Column("sender_id", STR, "the sender's platform id (wxid, QQ number, WeCom userid, 工号…)"),
    Column("sender_name", STR, "the sender's display name in the group at that time"),
    Column("kind", "cat:kind", "message kind, see model.KINDS"),
    Column("text", STR, "text content; for non-text kinds a readable placeholder or title"),
    Column("mentions", OBJECT, "tuple of @-mentioned names or ids (without '@'), () when none"),
    Column("mentions_all", BOOL, "True when the message @-mentions everyone (@所有人, @全体成员, @all)"),
    Column("quote_ref", STR, "the quoted message: its id, or '显示名：text' as the export shows it"),
    Column("person_id", STR, "roster employee id of the sender, when resolved"),
) + _SOURCE)

EVENTS_TABLE = Table("events", "Membership and group events from system lines or structured fields.", (
    Column("platform", "cat:platform", "as in messages"),
    Column("group_id", STR, "as in messages"),
    Column("group_name", STR, "as in messages"),
    Column("time", TIME, "when it happened"),
    Column("event", "cat:event", "event kind, see model.EVENTS"),
    Column("actor_id", STR, "platform id of who did it, when known"),
    Column("actor_name", STR, "display name of who did it"),
    Column("target_id", STR, "platform id of who it happened to, when known"),
    Column("target_name", STR, "display name of who it happened to"),
    Column("detail", STR, "join method (invite/qr), new group name, recalled message id, or the raw sentence"),
) + _SOURCE)

MEMBERS = Table("members", "A snapshot of each group's member list.", (
    Column("platform", "cat:platform", "as in messages"),
    Column("group_id", STR, "as in messages"),
    Column("group_name", STR, "as in messages"),
    Column("member_id", STR, "the member's platform id"),
    Column("display_name", STR, "the name shown in the group (群昵称, else the account nickname)"),
    Column("nickname", STR, "the account's own nickname, when listed"),
    Column("role", "cat:role", "owner, admin or member"),
    Column("join_time", TIME, "when they joined, when known"),
    Column("person_id", STR, "roster employee id, when resolved"),
) + _SOURCE)

ROSTER = Table("roster", "The HR roster, departed staff included.", (
    Column("employee_id", STR, "工号"),
    Column("name", STR, "姓名"),
    Column("department", STR, "部门"),
    Column("title", STR, "职位/岗位"),
    Column("level", STR, "职级 as HR wrote it"),
    Column("is_manager", BOOL, "heads a department (职级 负责人/经理/总经理 or a manager flag)"),
    Column("manager_id", STR, "直属上级工号"),
    Column("hire_date", DATE, "入职日期"),
    Column("leave_date", DATE, "离职日期, NA while employed"),
    Column("wechat_id", STR, "微信号"),
    Column("qq", STR, "QQ号"),
    Column("wecom_id", STR, "企业微信账号"),
    Column("phone", STR, "手机"),
) + _SOURCE)

GROUPS = Table("groups", "The group registry (群备案), when the company keeps one.", (
    Column("group_id", STR, "platform group id"),
    Column("group_name", STR, "registered name"),
    Column("platform", "cat:platform", "as in messages"),
    Column("group_type", "cat:group_type", "company, department, management, project, temporary, interest, other"),
    Column("department", STR, "所属部门"),
    Column("owner", STR, "群主 as registered (a name)"),
    Column("responsible", STR, "群负责人 as registered (names separated by 、 when several)"),
    Column("registered", BOOL, "True for rows of the registry; False for groups only seen in exports"),
    Column("registered_date", DATE, "备案日期"),
    Column("end_date", DATE, "结束日期 of a temporary/project group"),
    Column("status", STR, "active or dissolved"),
) + _SOURCE)

TABLES = {t.name: t for t in (MESSAGES, EVENTS_TABLE, MEMBERS, ROSTER, GROUPS)}


def _dtype(kind: str, tz: str):
    if kind.startswith("cat:"):
        return CATEGORIES[kind[4:]]
    if kind == TIME:
        return pd.DatetimeTZDtype("ns", tz)
    if kind == DATE:
        return "datetime64[ns]"
    if kind == LABEL:
        return pd.CategoricalDtype(pd.Index([], dtype=_STR_DTYPE))
    return kind


def empty(table: Table, tz: str = DEFAULT_TZ) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    return pd.DataFrame({c.name: pd.Series([], dtype=_dtype(c.kind, tz)) for c in table.columns})


def _null_strings(n: int):
    """n missing strings, straight from an Arrow null array (a million in under a millisecond)."""
    return pd.array(pa.chunked_array([pa.nulls(n, pa.large_string())]), dtype=_STR_DTYPE)


def _categorical(s: pd.Series, dtype: pd.CategoricalDtype) -> pd.Series:
    """Text to a fixed categorical by hashing the few distinct values once; unknown values become NA."""
    codes, uniques = pd.factorize(s)
    cats = list(dtype.categories)
    pos = np.array([cats.index(u) if u in cats else -1 for u in uniques] + [-1], dtype=np.int16)
    return pd.Series(pd.Categorical.from_codes(pos[codes], dtype=dtype), index=s.index)


def conform(df: pd.DataFrame, table: Table, tz: str = DEFAULT_TZ) -> pd.DataFrame:
    """Return ``df`` with exactly the table's columns, in order, with its dtypes.

    Missing columns are added as NA (``mentions`` as ``()``, booleans as False);
    extra columns are dropped. Times are converted to ``tz``.
    """
    n = len(df)
    out = {}
    for c in table.columns:
        dtype = _dtype(c.kind, tz)
        if c.name in df.columns:
            s = df[c.name]
            if c.kind == TIME:
                s = pd.to_datetime(s)
                s = s.dt.tz_localize(tz) if s.dt.tz is None else s.dt.tz_convert(tz)
                s = s.astype(dtype)
            elif c.kind == OBJECT:
                s = s.astype(object)
            elif c.kind == LABEL:
                s = s if isinstance(s.dtype, pd.CategoricalDtype) else s.astype(_STR_DTYPE).astype("category")
            elif isinstance(dtype, pd.CategoricalDtype) and not isinstance(s.dtype, pd.CategoricalDtype):
                s = _categorical(s, dtype)
            elif str(s.dtype) != str(dtype):
                s = s.astype(dtype)
        elif c.kind == OBJECT:
            s = pd.Series([()] * n, dtype=object, index=df.index)
        elif c.kind == BOOL:
            s = pd.Series(False, index=df.index, dtype=bool)
        elif c.kind in (TIME, DATE):
            s = pd.Series(pd.NaT, index=df.index, dtype=dtype)
        elif c.kind == STR:
            s = pd.Series(_null_strings(n), index=df.index)
        elif c.kind == LABEL:
            s = pd.Series(pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), dtype=dtype), index=df.index)
        else:
            s = pd.Series(pd.NA, index=df.index).astype(dtype)
        out[c.name] = s
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


def describe() -> str:
    """The tables as Markdown, for the README and ``grpaudit tables``."""
    lines = []
    for t in TABLES.values():
        lines += [f"### `{t.name}`", "", t.doc, "", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.kind} | {c.doc} |" for c in t.columns]
        lines.append("")
    return "\n".join(lines)
