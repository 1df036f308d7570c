"""Reader for the group registry (群备案, formats.md §9), CSV or Excel.

One row per registered group: its id, platform, type, owning department,
owner and responsible person, registration and end dates, and status.
Values come in Chinese or English and are mapped to the model's enums;
a value no table knows is kept as ``other`` (or NA for the status) with a
warning, so a typo in the registry is seen rather than silently audited.

A table with member columns (成员ID, 群昵称) is a member list, not a registry.
"""
from __future__ import annotations

import pandas as pd

from .. import model
from .members import ALIASES as MEMBER_ALIASES
from .members import platform_and_group_id
from .reader import GROUPS, Reader
from .source import ReadResult, Skip, Source
from .tabular import (TEXT_ALIASES, cells, day_column, drop_rows, find_columns, has_any, map_values, read_table,
                      repeats)

ALIASES: dict[str, tuple[str, ...]] = {
    **{f: MEMBER_ALIASES[f] for f in ("group_name", "group_id", "platform")},     # named as in member lists
    "group_type": ("类型", "群类型", "type", "group_type", "category"),
    "department": ("所属部门", "部门", "department", "dept"),
    "owner": ("群主", "群主姓名", "owner", "owner_name"),
    "responsible": ("群负责人", "负责人", "责任人", "responsible", "person_in_charge"),
    "registered_date": ("备案日期", "备案时间", "登记日期", "registered_date", "registration_date", "registered_on"),
    "end_date": ("结束日期", "到期日期", "end_date", "expiry_date"),
    "status": ("状态", "status"),
}
#: Columns only a registry has (the group columns are shared with member lists).
_REGISTRY_ONLY = ("group_type", "responsible", "registered_date", "end_date", "status")
#: A member list's member columns: a table with one is not a registry.
_MEMBER_COLUMNS = {f: MEMBER_ALIASES[f] for f in ("member_id", "display_name", "nickname")}

_TYPES = {
    "公司群": "company", "全员群": "company", "company": "company",
    "部门群": "department", "department": "department",
    "管理群": "management", "管理层群": "management", "management": "management",
    "项目群": "project", "project": "project",
    "临时群": "temporary", "temporary": "temporary", "temp": "temporary",
    "兴趣群": "interest", "interest": "interest",
    "其他": "other", "other": "other",
}
_STATUS = {
    "正常": "active", "在用": "active", "启用": "active", "active": "active", "normal": "active",
    "已解散": "dissolved", "解散": "dissolved", "dissolved": "dissolved", "closed": "dissolved",
}


def sniff(src: Source) -> bool:
    header = src.header
    cols = find_columns(header, ALIASES)
    return (bool({"group_name", "group_id"} & cols.keys()) and bool(set(_REGISTRY_ONLY) & cols.keys())
            and not find_columns(header, _MEMBER_COLUMNS) and not has_any(header, TEXT_ALIASES))


def read(src: Source) -> ReadResult:
    """Read the registry; rows naming no group, or repeating a group id, are skipped."""
    df, lines, skipped = read_table(src)
    cols = find_columns(list(df.columns), ALIASES)
    warnings: list[Skip] = []
    out = pd.DataFrame({fld: cells(df, cols, fld) for fld in ("group_name", "department", "owner")})
    # Several responsible people are written with whatever separator was at hand.
    out["responsible"] = cells(df, cols, "responsible").str.replace(r"\s*[,，;；/]\s*", "、", regex=True)
    out["platform"], out["group_id"] = platform_and_group_id(df, cols, out["group_name"], lines, warnings)
    out["group_type"] = map_values(cells(df, cols, "group_type"), _TYPES, "类型", "other",
                                   lines, warnings).fillna("other")
    # A registry lists live groups; a blank 状态 means nobody marked it dissolved.
    status = cells(df, cols, "status")
    out["status"] = map_values(status, _STATUS, "状态", None, lines, warnings).mask(status.isna(), "active")
    out["registered_date"] = day_column(df, cols, "registered_date", "备案日期", lines, warnings)
    out["end_date"] = day_column(df, cols, "end_date", "结束日期", lines, warnings)
    out["registered"] = True
    out["source_file"] = src.name
    out["source_line"] = lines

    reasons = repeats(out[["group_id"]], out["source_line"], "群ID " + out["group_id"])
    reasons[out["group_id"].isna()] = "no 群名称 or 群ID"
    out = drop_rows(out, reasons, skipped, warnings)
    return ReadResult("groups", groups=model.conform(out, model.GROUPS, src.tz),
                      skipped=skipped, warnings=warnings)


READER = Reader("groups", GROUPS, "group registry (群备案): 群名称, 群ID, 平台, 类型, … (CSV or Excel)",
                sniff, read)
