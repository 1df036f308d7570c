"""The policy's sections as pydantic models, and the option types rules share.

Every model forbids unknown keys (reported with the nearest valid one) and
validates its defaults, so a default template is parsed like a written one.
The shape of a policy is documented in docs/policy.md; in short::

    title:    text
    extends:  base | ./local.yaml | [a, b]          (see loader.py)
    company:  name, short_names, departments [{name, short}], notice_publishers, admin_head
    calendar: holidays [dates], workdays [dates], working_hours ["09:00-12:00", …], quiet_hours "22:00-07:00"
    classes:  NAME: {types, name, departments, default, description}   (first match wins)
    rules:    CODE: {enabled, severity, clause, options, classes: {CLASS: {enabled, severity, options}}, penalty}
    manual:   [{clause, text}]
    grades:   start, weights {severity: n}, per_point, levels [{grade, min}]
    pay:      monthly_cap, monthly_pay, warn_share

Cross-references that need the whole policy (rule codes, class names in
rule overrides, each rule's options) are checked in ``resolve.py``; references
to departments are checked here, against ``company.departments``, through
the validation context.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator,
                      ValidationInfo, field_validator, model_validator)

from .. import model
from ..findings import SEVERITIES
from ..workcal import CalendarConfig, WorkCalendar
from .describe import Expect
from .errors import show, suggest
from .patterns import Regex
from .templates import NameForm, NameTemplate

Severity = Literal[SEVERITIES]
GroupType = Literal[model.GROUP_TYPES]


def _as_list(value: Any) -> Any:
    """A single value where a list is expected is a list of one (``short: 销售``)."""
    return [value] if isinstance(value, (str, dict)) else value


def _regex(value: Any) -> Regex:
    if isinstance(value, Regex):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a regular expression (text), got {type(value).__name__}")
    return Regex(value)


def _form(kind: str):
    def parse(value: Any) -> NameForm:
        if isinstance(value, (NameTemplate, Regex)):
            return value
        if isinstance(value, str):
            return NameTemplate.parse(value, kind)
        if isinstance(value, dict) and set(value) == {"regex"}:
            return _regex(value["regex"])
        raise ValueError(f"expected a {kind}-name template such as "
                         f"{'{company}{purpose}工作群' if kind == 'group' else '{dept}+{name}'} "
                         f"or {{regex: PATTERN}}, got {show(value)}")
    return parse


def _department(value: str, info: ValidationInfo) -> str:
    known = (info.context or {}).get("departments")
    if known and value not in known:
        raise ValueError(f"unknown department '{value}'" + suggest(value, known, "company.departments lists"))
    return value


_TIME_RANGE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*[-–~至到]\s*(\d{1,2}):(\d{2})\s*")


def _time_range(value: Any) -> tuple[dt.time, dt.time]:
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, dt.time) for v in value):
        return tuple(value)
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError("expected a time range such as \"22:00-07:00\", got a number: YAML reads an unquoted "
                         "HH:MM as minutes, so write the range in quotes")
    m = _TIME_RANGE.fullmatch(value) if isinstance(value, str) else None
    if not m or int(m[1]) > 23 or int(m[3]) > 23 or int(m[2]) > 59 or int(m[4]) > 59:
        raise ValueError(f"expected a time range such as \"09:00-12:00\" (24-hour HH:MM-HH:MM), got {show(value)}")
    return dt.time(int(m[1]), int(m[2])), dt.time(int(m[3]), int(m[4]))


#: A regular expression, run by RE2 (see patterns.py).
Pattern = Annotated[Regex, PlainValidator(_regex), Expect("a regular expression (RE2 syntax)")]
#: A group-name template or {regex: …}.
GroupNameForm = Annotated[NameForm, PlainValidator(_form("group")),
                          Expect("a group-name template or {regex: PATTERN}")]
#: A display-name template or {regex: …}.
DisplayNameForm = Annotated[NameForm, PlainValidator(_form("display")),
                            Expect("a display-name template or {regex: PATTERN}")]
#: A department listed in company.departments.
Department = Annotated[str, AfterValidator(_department), Expect("a department from company.departments")]
TimeRange = Annotated[tuple[dt.time, dt.time], PlainValidator(_time_range), Expect('a time range "HH:MM-HH:MM"')]
#: Accepted separators for the ``+`` of name templates; rendering uses the first.
Separators = Annotated[list[str], BeforeValidator(_as_list), Field(min_length=1)]
#: A count of working days (chinese-calendar, with the policy's overrides).
WorkDays = Annotated[int, Field(ge=0)]


class Section(BaseModel):
    """Base of every policy model: unknown keys are errors, defaults are validated, values are frozen."""
    model_config = ConfigDict(extra="forbid", validate_default=True, frozen=True)


class RuleOptions(Section):
    """Base of every rule's options; each rule documents its own fields with ``Field(description=…)``."""


class DepartmentEntry(Section):
    name: str = Field(min_length=1)
    short: Annotated[list[str], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="short forms people write, e.g. 销售 for 销售部")

    @model_validator(mode="before")
    @classmethod
    def _bare_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


class Company(Section):
    name: str | None = None
    short_names: Annotated[list[str], BeforeValidator(_as_list)] = Field(default_factory=list)
    departments: list[DepartmentEntry] = Field(default_factory=list)
    notice_publishers: Annotated[list[str], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="names or employee ids of those who may publish notices")
    admin_head: str | None = Field(None, description="name or employee id of the admin-centre head (002 §五.1.3)")

    @model_validator(mode="after")
    def _unique_forms(self) -> "Company":
        owner: dict[str, str] = {}
        for d in self.departments:
            for form in (d.name, *d.short):
                if owner.setdefault(form, d.name) != d.name:
                    raise ValueError(f"'{form}' names both {owner[form]} and {d.name}: "
                                     "a department name or short form must name one department")
        return self


_DEFAULT_CAL = CalendarConfig()


def _check(config: CalendarConfig) -> None:
    try:
        WorkCalendar(config)
    except ValueError as exc:
        raise ValueError(str(exc).removeprefix("calendar: ")) from None


class Calendar(Section):
    holidays: list[dt.date] = Field(default_factory=list, description="extra days off (the company's own)")
    workdays: list[dt.date] = Field(default_factory=list, description="extra working days")
    working_hours: list[TimeRange] = Field(default_factory=lambda: list(_DEFAULT_CAL.working_hours))
    quiet_hours: TimeRange | None = _DEFAULT_CAL.quiet_hours

    # WorkCalendar owns the rules for hours and days; asking it keeps one definition of "valid".
    @field_validator("working_hours")
    @classmethod
    def _periods(cls, value):
        _check(CalendarConfig(working_hours=tuple(value)))
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value):
        _check(CalendarConfig(quiet_hours=value))
        return value

    @model_validator(mode="after")
    def _days(self) -> "Calendar":
        _check(CalendarConfig(extra_holidays=tuple(self.holidays), extra_workdays=tuple(self.workdays)))
        return self

    def config(self) -> CalendarConfig:
        return CalendarConfig(extra_holidays=tuple(self.holidays), extra_workdays=tuple(self.workdays),
                              working_hours=tuple(self.working_hours), quiet_hours=self.quiet_hours)


class GroupClass(Section):
    description: str = ""
    types: Annotated[list[GroupType], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="registry group types (类型) that belong to the class")
    name: Pattern | None = Field(None, description="a regular expression found in the group's name")
    departments: Annotated[list[Department], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="registry departments (所属部门) that belong to the class")
    default: bool = Field(False, description="the class of groups no other class matches")

    @model_validator(mode="after")
    def _matches_something(self) -> "GroupClass":
        if not (self.types or self.name or self.departments or self.default):
            raise ValueError("this class matches no group: give types, name or departments, or default: true")
        return self


class ClassOverride(Section):
    enabled: bool = True
    severity: Severity | None = None
    options: dict[str, Any] = Field(default_factory=dict)


def _bare(empty: type) -> BeforeValidator:
    """A bare key (``company:`` with nothing after it) is an empty mapping or list, not an error."""
    return BeforeValidator(lambda value: empty() if value is None else value)


class RuleEntry(Section):
    enabled: bool = True
    severity: Severity | None = None
    clause: str | None = Field(None, description="the rulebook clause this policy enforces with the rule")
    options: Annotated[dict[str, Any], _bare(dict)] = Field(default_factory=dict)
    classes: dict[str, Annotated[ClassOverride, _bare(dict)]] = Field(default_factory=dict)
    penalty: Annotated[dict[str, Any], _bare(dict)] = Field(
        default_factory=dict, description="validated as a Penalty in resolve.py, where its line is known")


# ---- penalties and grades (docs/policy.md "Penalties", "Grades") ----

#: Actions without a price, as the policy writes them, and how reports say them.
ACTIONS = {
    "reminder": "提醒", "criticism": "通报批评", "warning": "警告", "serious_warning": "严重警告",
    "removal": "移出群聊", "month_pay": "扣除当月绩效", "termination": "建议解除劳动合同",
}


def _fen(value: Any) -> int:
    """元 as written (20, 12.5, "0.50") to integer fen; never through a float sum."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected an amount in 元 such as 20 or 12.50, got {show(value)}")
    try:
        fen = Decimal(str(value).strip()) * 100
    except InvalidOperation:
        raise ValueError(f"expected an amount in 元 such as 20 or 12.50, got {show(value)}") from None
    if fen < 0 or fen != fen.to_integral_value():
        raise ValueError(f"expected a non-negative amount in 元 with at most 2 decimals, got {show(value)}")
    return int(fen)


def _action(value: Any) -> Any:
    if isinstance(value, str) and value not in ACTIONS:
        raise ValueError(f"unknown action '{value}'" + suggest(value, ACTIONS, "actions are"))
    return value


#: An amount in 元 in the YAML, held as integer fen.
Fen = Annotated[int, PlainValidator(_fen), Expect("an amount in 元, e.g. 20 or 12.50")]
Action = Annotated[str, AfterValidator(_action), Expect("an action: " + ", ".join(ACTIONS))]


class Charge(Section):
    """What one occurrence costs: money and points per role, actions, a discretionary note."""
    member: Fen | None = Field(None, description="元 charged to the person at fault")
    responsible: Fen | None = Field(None, description="元 charged to the group's responsible person")
    points: int | None = Field(None, ge=0, description="performance points deducted from the person at fault")
    responsible_points: int | None = Field(None, ge=0, description="points deducted from the responsible person")
    action: Annotated[list[Action], BeforeValidator(_as_list)] = Field(
        default_factory=list, description="actions without a price, to the person at fault")
    discretionary: str | None = Field(None, description="an add-on for a human to decide, shown, never added")

    @model_validator(mode="before")
    @classmethod
    def _amount_to(cls, value: Any) -> Any:
        """``{amount: 50, to: responsible}`` is ``{responsible: 50}`` (the rulebooks' "予以相应责任人50元")."""
        if isinstance(value, dict) and "amount" in value:
            value = dict(value)
            to = value.pop("to", "member")
            if to not in ("member", "responsible"):
                raise ValueError(f"to: expected member or responsible, got {show(to)}")
            if value.get(to) is not None:
                raise ValueError(f"give amount or {to}, not both")
            value[to] = value.pop("amount")
        return value


class Penalty(Charge):
    """A rule's penalty: a charge, or a ladder of charges over repeats in a window."""
    basis: str | None = Field(None, description="the article that sets the penalty, e.g. 第十七条")
    per: Literal["occurrence", "person_time"] = Field(
        "occurrence", description="元/次 or 元/人次: a label for reports (one finding is one of either)")
    at_least: bool = Field(False, description="the amount is a minimum (50元以上): reports show ≥")
    ladder: list[Charge] = Field(default_factory=list,
                                 description="charge of the 1st, 2nd, … occurrence; the last repeats")
    window: Literal["month", "year", "12 months"] = Field(
        "month", description="where repeats are counted: the calendar month, the calendar year, the last 12 months")
    count_by: Literal["rule", "category"] = Field("rule", description="repeats of this rule or of its category")
    managers: Charge | None = Field(None, description="the charge instead when the person at fault is a manager")

    @model_validator(mode="after")
    def _one_schedule(self) -> "Penalty":
        flat = {"member", "responsible", "points", "responsible_points", "action", "discretionary"}
        if self.ladder and flat & self.model_fields_set:
            raise ValueError("give a ladder or a single charge, not both")
        return self


class GradeLevel(Section):
    grade: str = Field(min_length=1)
    min: float = Field(description="lowest score that earns the grade")


class Grades(Section):
    """Per-person score: start, minus each non-waived finding's severity weight, minus points."""
    start: float = 100
    weights: dict[Severity, float] = Field(
        default_factory=lambda: {"info": 0, "minor": 2, "major": 5, "critical": 20})
    per_point: float = Field(1, description="score lost per performance point")
    levels: list[GradeLevel] = Field(default_factory=lambda: [
        GradeLevel(grade="优秀", min=95), GradeLevel(grade="良好", min=85),
        GradeLevel(grade="合格", min=60), GradeLevel(grade="不合格", min=float("-inf"))])

    @field_validator("levels")
    @classmethod
    def _descending(cls, value):
        if not value or any(a.min <= b.min for a, b in zip(value, value[1:])):
            raise ValueError("levels must go from the best grade down, each min lower than the one before")
        return value


class Pay(Section):
    """Monthly limits: a cap on money per person, and a warning at a share of pay (not a decision)."""
    monthly_cap: Fen | None = Field(None, description="most 元 charged to one person in one month")
    monthly_pay: Fen | None = Field(None, description="monthly pay assumed for the share warning")
    warn_share: float | None = Field(None, gt=0, le=1, description="warn when a month's money passes this share")


class ManualItem(Section):
    clause: str
    text: str


class PolicyDoc(Section):
    """The whole policy, ``extends`` already merged in."""
    title: str | None = None
    company: Annotated[Company, _bare(dict)] = Field(default_factory=Company)
    calendar: Annotated[Calendar, _bare(dict)] = Field(default_factory=Calendar)
    classes: Annotated[dict[str, GroupClass], _bare(dict)] = Field(default_factory=dict)
    rules: Annotated[dict[str, Annotated[RuleEntry, _bare(dict)]], _bare(dict)] = Field(default_factory=dict)
    manual: Annotated[list[ManualItem], _bare(list)] = Field(default_factory=list)
    grades: Annotated[Grades, _bare(dict)] = Field(default_factory=Grades)
    pay: Annotated[Pay, _bare(dict)] = Field(default_factory=Pay)


def department_names(data: Any) -> list[str]:
    """Department names written in raw policy data, for the validation context (before validating it)."""
    company = data.get("company") if isinstance(data, dict) else None
    entries = company.get("departments") if isinstance(company, dict) else None
    if not isinstance(entries, list):
        return set()
    return list(dict.fromkeys(e if isinstance(e, str) else e.get("name") for e in entries
                              if isinstance(e, str) or (isinstance(e, dict) and isinstance(e.get("name"), str))))


__all__ = ["ACTIONS", "Calendar", "Charge", "Fen", "Grades", "GradeLevel", "Pay", "Penalty", "ClassOverride", "Company", "Department", "DepartmentEntry", "DisplayNameForm",
           "GroupClass", "GroupNameForm", "GroupType", "ManualItem", "RuleOptions", "Pattern", "PolicyDoc",
           "RuleEntry", "Section", "Separators", "Severity", "TimeRange", "WorkDays"]
