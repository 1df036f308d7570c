"""Reader for HR rosters (花名册, formats.md §8), CSV or Excel.

One row per employee, departed staff included. Headers come in Chinese or
English under many names; ``ALIASES`` lists the ones HR systems write. The
roster is what tells people apart, so ``工号`` and ``姓名`` are required and
every id (工号, QQ number, phone) stays text.

The cell helpers at the bottom are shared with the member-list and registry
readers, which read the same kind of hand-kept table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import model
from .reader import ROSTER, Reader
from .source import InputError, ReadResult, Skip, Source
from .tabular import find_columns, read_table
from .times import parse_dates

ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("工号", "员工编号", "员工工号", "职工号", "employee_id", "emp_id", "employee_no", "staff_id"),
    "name": ("姓名", "员工姓名", "name", "employee_name", "full_name"),
    "department": ("部门", "所属部门", "department", "dept"),
    "title": ("职位", "岗位", "职务", "title", "position", "job_title"),
    "level": ("职级", "级别", "level", "grade"),
    "manager_flag": ("负责人", "是否负责人", "manager", "is_manager"),
    "manager_id": ("直属上级工号", "直属上级", "上级工号", "manager_id", "supervisor_id", "reports_to"),
    "hire_date": ("入职日期", "入职时间", "hire_date", "start_date"),
    "leave_date": ("离职日期", "离职时间", "leave_date", "termination_date"),
    "wechat_id": ("微信号", "微信", "微信ID", "wechat_id", "wechat", "weixin"),
    "qq": ("QQ号", "QQ", "QQ号码", "qq_number"),
    "wecom_id": ("企业微信账号", "企业微信", "企业微信ID", "企微账号", "wecom_id", "wecom_userid", "wecom"),
    "phone": ("手机", "手机号", "手机号码", "mobile", "phone"),
}

#: Headers that mark a table as being about groups (member lists, registries,
#: chat exports), which a roster never is.
GROUP_ALIASES = ("群名称", "群名", "群聊名称", "群ID", "群号", "群聊ID", "group", "group_name", "group_id",
                 "chat_id", "roomid")
#: Headers that mark a chat export (the generic chat reader's text column).
TEXT_ALIASES = ("消息内容", "内容", "消息", "content", "text", "message")

# 职级 words that mean the person heads a unit. 主管 (team lead) is not one:
# the samples' 主管 report to a 部门负责人.
_HEAD_LEVEL = r"负责人|经理|总监|主任|(?i:head|manager|director)"
_TRUTHY = ("是", "y", "yes", "1", "true", "t", "√", "✓")


def has_any(header: list[str], names: tuple[str, ...]) -> bool:
    """Whether any header is one of ``names`` (same matching as find_columns)."""
    return bool(find_columns(header, {"x": names}))


def sniff(src: Source) -> bool:
    # An employee id or a name plus another roster column, in a table that is
    # not about groups or messages. Requiring only one of 工号/姓名 here lets
    # ``read`` say which required column is missing instead of "unknown format".
    header = src.header
    cols = find_columns(header, ALIASES)
    if not ({"employee_id", "name"} & cols.keys()) or len(cols) < 2:
        return False
    return not has_any(header, GROUP_ALIASES) and not has_any(header, TEXT_ALIASES)


def read(src: Source) -> ReadResult:
    """Read the roster; rows without 工号 or 姓名, or repeating a 工号, are skipped."""
    df, lines, skipped = read_table(src)
    header = list(df.columns)
    cols = find_columns(header, ALIASES)
    missing = [label for fld, label in (("employee_id", "工号 (employee_id)"), ("name", "姓名 (name)"))
               if fld not in cols]
    if missing:
        raise InputError(src.name, f"a roster needs the columns 工号 and 姓名; missing {', '.join(missing)} "
                                   f"(columns are {', '.join(header) or 'none'})", line=1)
    warnings: list[Skip] = []
    out = pd.DataFrame({fld: cells(df, cols, fld) for fld in
                        ("employee_id", "name", "department", "title", "level", "manager_id",
                         "wechat_id", "qq", "wecom_id", "phone")})
    out["hire_date"] = day_column(df, cols, "hire_date", "入职日期", lines, warnings)
    out["leave_date"] = day_column(df, cols, "leave_date", "离职日期", lines, warnings)
    head_level = out["level"].str.contains(_HEAD_LEVEL, regex=True).fillna(False).astype(bool)
    flag = cells(df, cols, "manager_flag").str.lower().isin(_TRUTHY).astype(bool)
    out["is_manager"] = head_level | flag
    out["source_file"] = src.name
    out["source_line"] = lines

    reasons = pd.Series(np.nan, index=out.index, dtype=object)
    # A 工号 listed twice would make every lookup by it ambiguous: the first row wins.
    again = repeat_of(out["employee_id"].where(out["name"].notna()).to_frame(), out["source_line"])
    reasons[again.notna()] = "工号 " + out["employee_id"] + " repeats line " + again.astype("Int64").astype("str")
    reasons[out["name"].isna()] = "工号 " + out["employee_id"] + " has no 姓名 (name)"
    reasons[out["employee_id"].isna()] = "no 工号 (employee id)"
    out = drop_rows(out, reasons, skipped, warnings)
    return ReadResult("roster", roster=model.conform(out, model.ROSTER, src.tz),
                      skipped=skipped, warnings=warnings)


READER = Reader("roster", ROSTER, "HR roster (花名册): 工号, 姓名, 部门, … (CSV or Excel)", sniff, read)


# --- cell helpers shared by the roster, member-list and registry readers -----

def cells(df: pd.DataFrame, cols: dict[str, str], field: str) -> pd.Series:
    """The field's column stripped, with empty cells as NA; all NA when the file lacks it."""
    if field not in cols:
        return pd.Series(np.nan, index=df.index, dtype="str")
    s = df[cols[field]].str.strip()
    return s.mask(s.eq(""))


def day_column(df: pd.DataFrame, cols: dict[str, str], field: str, label: str,
               lines: np.ndarray, warnings: list[Skip]) -> pd.Series:
    """Parse a date column; a non-empty cell that is no date is a warning and NaT.

    The row is kept: an employee without a readable 入职日期 is still an
    employee, and dropping them would turn each of their messages into an
    outsider's, while a missing date only leaves the date rules without it.
    Besides what ``times.parse_dates`` reads, this takes Excel serial day
    numbers (``46303`` is 2026-10-08), which a CSV saved from a sheet whose
    date column was formatted "General" holds.
    """
    raw = cells(df, cols, field)
    out = parse_dates(raw)
    serial = out.isna() & raw.str.fullmatch(r"[2-7]\d{4}(?:\.0+)?").fillna(False).astype(bool)
    if serial.any():
        days = pd.to_numeric(raw[serial]).astype("int64")
        out[serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")
    for i in np.flatnonzero((out.isna() & raw.notna()).to_numpy()):
        warnings.append(Skip(int(lines[i]), f"{label} {raw.iloc[i]!r} is not a date; row kept without it",
                             "warning"))
    return out


def map_values(raw: pd.Series, table: dict[str, str], label: str, unknown: str | None,
               lines: np.ndarray, warnings: list[Skip]) -> pd.Series:
    """Map a column through ``table`` (lower-cased keys); an unknown non-empty value
    becomes ``unknown`` (NA when None) with a warning, the row is kept."""
    got = raw.str.lower().map(table)
    bad = (got.isna() & raw.notna()).to_numpy()
    for i in np.flatnonzero(bad):
        warnings.append(Skip(int(lines[i]), f"{label} {raw.iloc[i]!r} is not a known value; "
                                            f"taken as {unknown or 'unknown'}", "warning"))
    if unknown is not None:
        got = got.mask(bad, unknown)
    return got


def repeat_of(keys: pd.DataFrame, lines: pd.Series) -> pd.Series:
    """For rows whose keys repeat an earlier row's, that row's line; NA otherwise.

    Rows with an NA key repeat nothing.
    """
    complete = keys.notna().all(axis=1)
    first = lines.groupby([keys[c] for c in keys.columns], dropna=True, sort=False).transform("first")
    return first.where(complete & keys.duplicated())


def drop_rows(out: pd.DataFrame, reasons: pd.Series, skipped: list[Skip], warnings: list[Skip]) -> pd.DataFrame:
    """Turn rows with a reason into (error) skips and return the others.

    Warnings about skipped rows are removed: each record is either a row
    (possibly with warnings) or a skip, never both.
    """
    bad = reasons.notna().to_numpy()
    for line, reason in zip(out["source_line"].to_numpy()[bad], reasons[bad]):
        skipped.append(Skip(int(line), reason))
    kept = set(out["source_line"].to_numpy()[~bad].tolist())
    warnings[:] = [w for w in warnings if w.line in kept]
    return out[~bad]
