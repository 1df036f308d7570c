"""Reader for group member lists (formats.md §7), CSV or Excel.

A snapshot of each group's members: group, member id, the name shown in
the group (群昵称, falling back to the account's 昵称 as the clients do),
role and join time. Lists typed by a group's owner may lack ids; such rows
are kept with the name alone. The platform comes from a 平台 column or,
failing that, from the shape of the group id.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import model
from .reader import MEMBERS, Reader
from .source import ReadResult, Skip, Source
from .tabular import (TEXT_ALIASES, cells, drop_rows, find_columns, has_any, map_values, read_table, repeats,
                      warn_values)
from .times import parse_instants

ALIASES: dict[str, tuple[str, ...]] = {
    "group_name": ("群名称", "群名", "群聊名称", "group_name", "group"),
    "group_id": ("群ID", "群号", "群聊ID", "group_id", "chat_id", "roomid"),
    "platform": ("平台", "platform"),
    "member_id": ("成员ID", "成员账号", "成员微信号", "成员QQ", "member_id", "memberid", "userid", "user_id"),
    "display_name": ("群昵称", "群名片", "群内昵称", "display_name", "group_nickname", "group_card"),
    "nickname": ("昵称", "微信昵称", "nickname", "nick_name", "name"),
    "role": ("角色", "身份", "群身份", "role"),
    "join_time": ("入群时间", "加入时间", "join_time", "joined_at", "jointime"),
}

#: Platform names as people write them (lower-cased) → model.PLATFORMS.
PLATFORM_NAMES = {
    "微信": "wechat", "wechat": "wechat", "weixin": "wechat",
    "企业微信": "wecom", "企微": "wecom", "wecom": "wecom", "wework": "wecom",
    "qq": "qq", "qq群": "qq",
    "钉钉": "dingtalk", "dingtalk": "dingtalk",
    "飞书": "feishu", "feishu": "feishu", "lark": "feishu",
    "其他": "other", "other": "other",
}
_ROLES = {
    "群主": "owner", "owner": "owner", "创建者": "owner",
    "管理员": "admin", "群管理员": "admin", "admin": "admin", "administrator": "admin",
    "成员": "member", "群成员": "member", "普通成员": "member", "member": "member",
}

# The shape of each platform's group ids, tried in order (formats.md §1, §4, §5).
_ID_SHAPES = (
    (r".+@chatroom", "wechat"),
    (r"wr[0-9A-Za-z_-]{8,}", "wecom"),
    (r"cid[0-9A-Za-z+/=_-]{6,}", "dingtalk"),
    (r"oc_[0-9a-f]{8,}", "feishu"),
    (r"\d{5,12}", "qq"),
)


def platform_of_group_id(group_id: pd.Series) -> pd.Series:
    """Platform told by the shape of each group id; ``other`` when no shape fits."""
    out = pd.Series("other", index=group_id.index, dtype="str")
    todo = group_id.notna().to_numpy().copy()
    for pattern, platform in _ID_SHAPES:
        hit = todo & group_id.str.fullmatch(pattern).fillna(False).astype(bool).to_numpy()
        out[hit] = platform
        todo &= ~hit
    return out


def group_ids(group_id: pd.Series, group_name: pd.Series, platform: pd.Series) -> pd.Series:
    """The group id, or ``<platform>:<name>`` when the file gives only a name.

    That is the form chat readers give groups they know only by name, so
    the dataset can give them all the real id once any file names it.
    """
    return group_id.fillna(platform.astype("str") + ":" + group_name)


def platform_and_group_id(df: pd.DataFrame, cols: dict[str, str], group_name: pd.Series, lines: np.ndarray,
                          warnings: list[Skip]) -> tuple[pd.Series, pd.Series]:
    """Each row's platform (its 平台 cell, else told by the group id) and group id (``group_ids``).

    The registry reader names its groups the same way.
    """
    gid = cells(df, cols, "group_id")
    platform = map_values(cells(df, cols, "platform"), PLATFORM_NAMES, "平台", "other", lines, warnings)
    platform = platform.fillna(platform_of_group_id(gid))
    return platform, group_ids(gid, group_name, platform)


def sniff(src: Source) -> bool:
    # A group column plus a member id, or plus a member's name with a role or
    # join time (a list typed without ids); never a table of messages.
    header = src.header
    cols = find_columns(header, ALIASES)
    if not ({"group_name", "group_id"} & cols.keys()) or has_any(header, TEXT_ALIASES):
        return False
    named = bool({"display_name", "nickname"} & cols.keys()) and bool({"role", "join_time"} & cols.keys())
    return "member_id" in cols or named


def read(src: Source) -> ReadResult:
    """Read the member list; rows with no group, or neither id nor name, are skipped."""
    df, lines, skipped = read_table(src)
    cols = find_columns(list(df.columns), ALIASES)
    warnings: list[Skip] = []
    out = pd.DataFrame({fld: cells(df, cols, fld) for fld in ("group_name", "member_id", "nickname")})
    out["platform"], out["group_id"] = platform_and_group_id(df, cols, out["group_name"], lines, warnings)
    out["display_name"] = cells(df, cols, "display_name").fillna(out["nickname"])
    # Lists typed by hand leave ordinary members' role blank.
    out["role"] = map_values(cells(df, cols, "role"), _ROLES, "角色", "member", lines, warnings).fillna("member")
    out["join_time"] = _join_times(cells(df, cols, "join_time"), src.tz, lines, warnings)
    out["source_file"] = src.name
    out["source_line"] = lines

    reasons = repeats(out[["group_id", "member_id"]], out["source_line"], "成员ID " + out["member_id"])
    reasons[out["member_id"].isna() & out["display_name"].isna()] = "no 成员ID and no name"
    reasons[out["group_id"].isna()] = "no 群名称 or 群ID"
    out = drop_rows(out, reasons, skipped, warnings)
    return ReadResult("members", members=model.conform(out, model.MEMBERS, src.tz),
                      skipped=skipped, warnings=warnings)


def _join_times(raw: pd.Series, tz: str, lines: np.ndarray, warnings: list[Skip]) -> pd.Series:
    """Join times as instants in ``tz``; a value that is no time is a warning and NaT."""
    out = parse_instants(raw, tz)
    warn_values(raw, (out.isna() & raw.notna()).to_numpy(), "入群时间", "is not a time; row kept without it",
                lines, warnings)
    return out


READER = Reader("members", MEMBERS, "group member list: 群名称, 群ID, 成员ID, 群昵称, 昵称, 角色, 入群时间 "
                                     "(CSV or Excel)", sniff, read)
