"""Reader for HR rosters (花名册, formats.md §8), CSV or Excel.

One row per employee, departed staff included. Headers come in Chinese or
English under many names; ``ALIASES`` lists the ones HR systems write. The
roster is what tells people apart, so ``工号`` and ``姓名`` are required and
every id (工号, QQ number, phone) stays text.
"""
from __future__ import annotations

import pandas as pd

from .. import model
from .reader import ROSTER, Reader
from .source import InputError, ReadResult, Skip, Source
from .tabular import TEXT_ALIASES, cells, day_column, drop_rows, find_columns, has_any, read_table, repeats

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

# 职级 words that mean the person heads a unit. 主管 (team lead) is not one:
# the samples' 主管 report to a 部门负责人.
_HEAD_LEVEL = r"负责人|经理|总监|主任|(?i:head|manager|director)"
_TRUTHY = ("是", "y", "yes", "1", "true", "t", "√", "✓")


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

    # A 工号 listed twice would make every lookup by it ambiguous: the first row wins.
    reasons = repeats(out["employee_id"].where(out["name"].notna()).to_frame(), out["source_line"],
                      "工号 " + out["employee_id"])
    reasons[out["name"].isna()] = "工号 " + out["employee_id"] + " has no 姓名 (name)"
    reasons[out["employee_id"].isna()] = "no 工号 (employee id)"
    out = drop_rows(out, reasons, skipped, warnings)
    return ReadResult("roster", roster=model.conform(out, model.ROSTER, src.tz),
                      skipped=skipped, warnings=warnings)


READER = Reader("roster", ROSTER, "HR roster (花名册): 工号, 姓名, 部门, … (CSV or Excel)", sniff, read)
