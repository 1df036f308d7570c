"""Each kind of policy mistake is reported at the right line and column with an actionable message."""
import pytest

from grpaudit.policy import PolicyError, Problem, load_policy

COMPANY = """\
company:
  name: 澤東科技
  departments: [行政中心, {name: 销售部, short: 销售}]
"""

CASES = {
    "unknown top-level key": (
        "compnay:\n  name: x\n",
        (1, 1, "compnay", "unknown key 'compnay'; did you mean 'company'?")),
    "unknown key inside a rule": (
        "rules:\n  NAM002:\n    optons: {grace_workdays: 2}\n",
        (3, 5, "rules.NAM002.optons", "unknown key 'optons'; did you mean 'options'?")),
    "unknown option": (
        "rules:\n  MEM001:\n    options:\n      grace_days: 2\n",
        (4, 7, "rules.MEM001.options.grace_days", "unknown key 'grace_days'; did you mean 'grace_workdays'?")),
    "unknown key with no near miss lists the valid ones": (
        "rules:\n  MEM004:\n    options: {zzz: 1}\n",
        (3, 15, "rules.MEM004.options.zzz", "unknown key 'zzz'; valid keys are: leaving_window_workdays")),
    "wrong type": (
        "rules:\n  NAM002:\n    options:\n      grace_workdays: two\n",
        (4, 23, "rules.NAM002.options.grace_workdays", 'expected a whole number ≥ 0, got "two"')),
    "below the minimum": (
        "rules:\n  LIF004:\n    options: {inactive_days: 0}\n",
        (3, 30, "rules.LIF004.options.inactive_days", "expected a whole number ≥ 1, got 0")),
    "not one of the choices": (
        "rules:\n  MEM002:\n    options: {required: everyone}\n",
        (3, 25, "rules.MEM002.options.required",
         'expected one of all, department, managers, none, got "everyone"')),
    "unknown severity": (
        "rules:\n  MEM005:\n    severity: fatal\n",
        (3, 15, "rules.MEM005.severity", 'expected one of info, minor, major, critical, got "fatal"')),
    "penalty must be a mapping": (
        "rules:\n  MEM001:\n    penalty: 20\n",
        (3, 14, "rules.MEM001.penalty", "expected a mapping, got 20")),
    "unknown rule": (
        "rules:\n  MEM001: {}\n  NAM009: {}\n",
        (3, 3, "rules.NAM009", "unknown rule 'NAM009'; did you mean 'NAM002'?")),
    "rule code in the wrong case": (
        "rules:\n  nam001: {}\n",
        (2, 3, "rules.nam001", "unknown rule 'nam001'; did you mean 'NAM001'?")),
    "missing required option": (
        "rules:\n  NAM001:\n    severity: minor\n",
        (2, 3, "rules.NAM001.options.templates", "missing required key 'templates'")),
    "bad regex": (
        "classes:\n  temp: {name: '临时(群'}\n",
        (2, 16, "classes.temp.name", 'bad regular expression "临时(群": missing ): 临时(群')),
    "look-around is not RE2": (
        "classes:\n  temp: {name: '(?<=澤東)临时群'}\n",
        (2, 16, "classes.temp.name", 'bad regular expression "(?<=澤東)临时群": invalid perl operator: (?<= '
                                     "(policy patterns use RE2 syntax, which runs in linear time: no look-around "
                                     "(?=…) (?<=…) and no back-references \\1)")),
    "bad regex in a name form": (
        "rules:\n  NAM001:\n    options:\n      templates: ['{company}+{name}', {regex: '[a-'}]\n",
        (4, 39, "rules.NAM001.options.templates[1]", 'bad regular expression "[a-": missing ]: [a-')),
    "unknown template field": (
        "rules:\n  NAM002:\n    options:\n      templates: ['{dept}+{nmae}']\n",
        (4, 19, "rules.NAM002.options.templates[0]",
         "template \"{dept}+{nmae}\": unknown field {nmae}; did you mean 'name'?")),
    "group field in a display template": (
        "rules:\n  NAM002:\n    options:\n      roles:\n        owner: ['{purpose}']\n",
        (5, 17, "rules.NAM002.options.roles.owner[0]",
         "template \"{purpose}\": unknown field {purpose}; display-name fields are: name, dept, dept_short, title")),
    "unknown role": (
        "rules:\n  NAM002:\n    options:\n      roles: {ownr: [群主]}\n",
        (4, 15, "rules.NAM002.options.roles.ownr", "unknown key 'ownr'; did you mean 'owner'?")),
    "unknown department in a class": (
        COMPANY + "classes:\n  sales: {departments: [销售部, 研发中心]}\n",
        (5, 30, "classes.sales.departments[1]",
         "unknown department '研发中心'; company.departments lists: 行政中心, 销售部")),
    "unknown registry type in a class": (
        "classes:\n  dept: {types: [departement]}\n",
        (2, 18, "classes.dept.types[0]",
         'expected one of company, department, management, project, temporary, interest, other, got "departement"')),
    "class that matches nothing": (
        "classes:\n  misc: {description: 其他}\n",
        (2, 9, "classes.misc", "this class matches no group: give types, name or departments, or default: true")),
    "two default classes": (
        "classes:\n  a: {default: true}\n  b: {types: interest, default: true}\n",
        (3, 24, "classes.b.default", "'a' is already the default class; only one class can be")),
    "unknown class in a rule override": (
        "classes:\n  interest: {types: interest}\nrules:\n  NAM002:\n    classes:\n      intrest: {enabled: false}\n",
        (6, 7, "rules.NAM002.classes.intrest", "unknown class 'intrest'; did you mean 'interest'?")),
    "bad option in a class override": (
        "classes:\n  interest: {types: interest}\nrules:\n  MEM001:\n    options: {grace_workdays: 2}\n"
        "    classes:\n      interest: {options: {grace_workdays: many}}\n",
        (7, 44, "rules.MEM001.classes.interest.options.grace_workdays", 'expected a whole number ≥ 0, got "many"')),
    "option model check": (
        "rules:\n  MEM005:\n    options: {min_admins: 3, max_admins: 2}\n",
        (3, 14, "rules.MEM005.options", "min_admins (3) is above max_admins (2)")),
    "nested option model": (
        "rules:\n  MEM002:\n    options:\n      new_hire_window: {first: 5, last: 3}\n",
        (4, 24, "rules.MEM002.options.new_hire_window", "first (5) is after last (3)")),
    "bad date": (
        "calendar:\n  holidays: [2026-10-09, 2026/10/12]\n",
        (2, 26, "calendar.holidays[1]", 'expected a date (YYYY-MM-DD), got "2026/10/12"')),
    "impossible date": (
        "calendar:\n  workdays: [2026-02-30]\n",
        (2, 14, "calendar.workdays[0]", 'cannot read "2026-02-30": day is out of range for month')),
    "bad time range": (
        "calendar:\n  working_hours: ['09:00-12:00', '13:30-25:00']\n",
        (2, 34, "calendar.working_hours[1]",
         'expected a time range such as "09:00-12:00" (24-hour HH:MM-HH:MM), got "13:30-25:00"')),
    "unquoted time": (
        "calendar:\n  quiet_hours: 22:00\n",
        (2, 16, "calendar.quiet_hours", 'expected a time range such as "22:00-07:00", got a number: YAML reads '
                                        "an unquoted HH:MM as minutes, so write the range in quotes")),
    "overlapping working hours": (
        "calendar:\n  working_hours: ['09:00-12:00', '11:00-18:00']\n",
        (2, 18, "calendar.working_hours", "working hours must be increasing, non-overlapping periods within a day, "
                                          "got [('09:00:00', '12:00:00'), ('11:00:00', '18:00:00')]")),
    "a day both off and on": (
        "calendar:\n  holidays: [2026-10-12]\n  workdays: [2026-10-12]\n",
        (2, 3, "calendar", "2026-10-12 listed both as extra holiday and extra workday")),
    "department short form shared": (
        "company:\n  departments:\n    - {name: 仓储部, short: 仓储}\n    - {name: 仓储物流部, short: [仓储]}\n",
        (2, 3, "company", "'仓储' names both 仓储部 and 仓储物流部: a department name or short form must name one department")),
    "manual item without text": (
        "manual:\n  - clause: 001 第七条\n",
        (2, 5, "manual[0].text", "missing required key 'text'")),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_mistake_is_located(write, text, expected):
    path = write("policy.yaml", text)
    with pytest.raises(PolicyError) as e:
        load_policy(path)
    got = [(p.line, p.column, p.path, p.message) for p in e.value.problems]
    assert got == [expected]
    assert all(p.file == str(path) for p in e.value.problems)


def test_problem_format_is_file_line_column_path_message():
    p = Problem("policy.yaml", 14, 7, 'expected a whole number ≥ 1, got "twenty"', "rules.REP001.options.minutes")
    assert str(p) == 'policy.yaml:14:7: rules.REP001.options.minutes: expected a whole number ≥ 1, got "twenty"'
    assert str(Problem("policy.yaml", None, None, "cannot read: No such file")) == \
        "policy.yaml: cannot read: No such file"


def test_every_mistake_is_reported_at_once_in_file_order(write):
    path = write("policy.yaml", """
        rules:
          NAM009: {}
          MEM001:
            options: {grace_workdays: x}
        compnay: {}
        calendar:
          quiet_hours: 22:00
        """)
    with pytest.raises(PolicyError) as e:
        load_policy(path)
    assert [(p.line, p.path) for p in e.value.problems] == [
        (2, "rules.NAM009"), (4, "rules.MEM001.options.grace_workdays"), (5, "compnay"), (7, "calendar.quiet_hours")]
    assert str(e.value).splitlines()[0] == f"{path}:2:3: rules.NAM009: unknown rule 'NAM009'; did you mean 'NAM002'?"


def test_department_check_needs_departments(write):
    # With no departments listed there is nothing to check a reference against.
    policy = load_policy(write("policy.yaml", "classes:\n  sales: {departments: [销售部]}\n"))
    assert policy.classes["sales"].departments == ["销售部"]
