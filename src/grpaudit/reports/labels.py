"""Column headers and section titles in Chinese (the default, for HR) and English.

Reports keep the stable English column names internally; only what a person
reads (sheet names, headers, chart titles) goes through ``label``. JSON is for
scripts and always uses the internal names.
"""
from __future__ import annotations

LANGS = ("zh", "en")

#: internal name -> (zh, en)
_LABELS: dict[str, tuple[str, str]] = {
    # findings
    "fingerprint": ("编号", "Fingerprint"), "rule": ("规则", "Rule"), "category": ("类别", "Category"),
    "severity": ("严重程度", "Severity"), "platform": ("平台", "Platform"), "group_id": ("群ID", "Group id"),
    "group_name": ("群名称", "Group"), "group_class": ("群类别", "Group class"),
    "person_id": ("工号", "Employee id"), "person_name": ("姓名", "Name"), "name": ("姓名", "Name"),
    "department": ("部门", "Department"), "responsible_id": ("群负责人工号", "Responsible id"),
    "responsible_name": ("群负责人", "Responsible"), "time": ("时间", "Time"), "date": ("日期", "Date"),
    "clause": ("制度条款", "Clause"), "message": ("问题说明", "What is wrong"), "evidence": ("证据", "Evidence"),
    "calendar_note": ("日历说明", "Calendar note"), "source_file": ("来源文件", "Source file"),
    "source_line": ("行号", "Line"),
    # penalties
    "fine_yuan": ("罚款（元）", "Fine (yuan)"), "points": ("扣分", "Points"), "actions": ("处理措施", "Actions"),
    "grade": ("等级", "Grade"), "findings": ("违规数", "Findings"), "people": ("涉及人数", "People"),
    "groups": ("涉及群数", "Groups"), "role": ("责任类型", "Role"), "discretionary": ("酌情处理", "Discretionary"),
    "action": ("处理措施", "Action"), "occurrence": ("第几次", "Occurrence"), "waived": ("已豁免", "Waived"),
    "basis": ("依据", "Basis"),
    # the reply-time record (rules.reply_record)
    "reply_breaches": ("回复超时数", "Reply breaches"), "questions_owed": ("应回复数", "Questions owed"),
    "answered_in_time": ("按时回复", "Answered in time"), "answered_late": ("超时回复", "Answered late"),
    "unanswered": ("未回复", "Unanswered"),
    "median_reply_minutes": ("回复用时中位数（分钟）", "Median reply (minutes)"),
    # data quality and the manual checklist
    "kind": ("类型", "Kind"), "file": ("文件", "File"), "line": ("行号", "Line"), "level": ("级别", "Level"),
    "detail": ("说明", "Detail"), "text": ("检查内容", "What to check"), "checked": ("已检查", "Checked"),
    "notes": ("备注", "Notes"), "item": ("项目", "Item"), "value": ("数值", "Value"),
    # categories (finding categories are stable codes; these are their readable names)
    "naming": ("群名/昵称", "Naming"), "membership": ("成员", "Membership"), "lifecycle": ("群生命周期", "Lifecycle"),
    "reply": ("回复时效", "Reply"), "off_hours": ("非工作时间", "Off hours"), "content": ("内容", "Content"),
    "privacy": ("隐私", "Privacy"), "notice": ("通知/撤回", "Notices"), "flooding": ("刷屏", "Flooding"),
    "info": ("提示", "Info"), "minor": ("轻微", "Minor"), "major": ("严重", "Major"),
    "critical": ("重大", "Critical"),
    # sheets and sections
    "summary": ("概览", "Summary"), "sheet_findings": ("违规明细", "Findings"), "sheet_people": ("人员", "People"),
    "sheet_groups": ("群", "Groups"), "sheet_departments": ("部门", "Departments"),
    "sheet_quality": ("数据质量", "Data quality"), "sheet_manual": ("人工检查", "Manual checklist"),
    "sheet_charges": ("处罚明细", "Charges"),
    "title": ("工作群合规审计", "Work group chat audit"), "period": ("审计期间", "Period"),
    "policy": ("制度", "Policy"), "start": ("开始日期", "From"), "end": ("结束日期", "To"),
    "messages": ("消息数", "Messages"), "chat_groups": ("群数", "Groups"), "total_fine": ("罚款合计（元）", "Fines total (yuan)"),
    "by_category": ("按类别", "Findings by category"), "by_department": ("按部门", "Findings by department"),
    "by_day": ("按日期", "Findings by day"), "top_people": ("违规最多的人员", "People with the most findings"),
    "filter": ("筛选…", "Filter…"), "shown_of": ("显示前 {shown} 条，共 {total} 条，完整列表见 Excel 报告",
                                               "showing {shown} of {total}; the Excel report has them all"),
    "unknown_department": ("（未知部门）", "(unknown department)"),
    "no_findings": ("无违规", "No findings"),
}


def label(key: str, lang: str = "zh") -> str:
    """The readable name of ``key`` in ``lang``; the key itself when there is none (e.g. a new category)."""
    pair = _LABELS.get(key)
    return key if pair is None else pair[LANGS.index(lang)]


def headers(columns, lang: str = "zh") -> list[str]:
    return [label(c, lang) for c in columns]
