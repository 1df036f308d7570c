"""The example policies for rulebooks 001 and 002 validate, and class the sample groups as intended."""
import datetime as dt

import pandas as pd
import pytest

from grpaudit.ingest import read_file
from grpaudit.policy import load_policy
from grpaudit.policy.classes import assign_classes
from grpaudit.policy.templates import NameTemplate
from grpaudit.rules import AuditContext

from .conftest import DATA


@pytest.fixture
def groups(samples):
    """The sample registry (groups.csv, 10 groups) plus the unregistered 智能仓储V3.2联调群 as exports show it."""
    _, _, res = read_file(samples / "groups.csv")
    seen = pd.DataFrame({"group_id": ["815520936"], "group_name": ["智能仓储V3.2联调群"], "registered": [False]})
    return pd.concat([res.groups, seen], ignore_index=True)


def test_001_validates_with_its_clauses():
    p = load_policy(DATA / "zedong-001.yaml")
    assert p.title == "公司微信群管理办法 (001) — 命名与成员"
    assert p.enabled_rules() == ["NAM001", "NAM002", "MEM001", "MEM002", "MEM003", "MEM005",
                                 "LIF001", "LIF002", "LIF003"]
    nam002 = p.rules["NAM002"]
    assert nam002.base.clause == "001 第八条, 第九条"
    assert [str(t) for t in nam002.base.options.templates] == ["{name}"]
    assert {k: [str(t) for t in v] for k, v in nam002.base.options.roles.items()} == \
        {"owner": ["群主"], "responsible": ["{name}(群负责人)"]}
    assert nam002.base.options.separators == [""]
    pen = nam002.penalty
    assert (pen.member, pen.responsible, pen.per, pen.basis) == (2000, 1000, "person_time", "第十七条")
    # per-class: interest groups get info severity, everything else as set
    assert nam002.for_class("interest").severity == "info"
    assert nam002.for_class("department").severity == "minor"
    # MEM002: who is required depends on the class; class options merge onto the rule's
    mem002 = p.rules["MEM002"]
    assert mem002.for_class("department").options.required == "department"
    assert mem002.for_class("company").options.required == "all"
    management = mem002.for_class("management").options
    assert (management.required, management.include, management.grace_workdays) == ("managers", ["陈静"], 2)
    assert [c for c in p.class_names if not mem002.for_class(c).enabled] == ["project", "temporary", "interest"]
    assert not p.rules["NAM001"].for_class("interest").enabled
    assert p.rules["MEM003"].for_class("project").options.allow_external is True
    assert p.rules["LIF002"].base.options.grace_workdays == 3
    lif002 = p.rules["LIF002"].penalty
    assert (lif002.responsible, lif002.member, lif002.at_least) == (3000, None, True)
    assert [m.clause for m in p.manual] == ["001 第七条", "001 第十三条"]
    assert p.calendar.quiet_hours == (dt.time(22), dt.time(7))
    assert p.calendar.working_hours == ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(18)))
    v = p.vocabulary
    assert v.companies == ("澤東科技", "澤東")
    assert v.department_forms["物流"] == "仓储物流部" and v.short_form("销售部") == "销售"
    # positions survive for later stages (penalties point at their own lines)
    assert p.where(("rules", "LIF002", "penalty")).line == 84


def test_002_validates_with_its_clauses():
    p = load_policy(DATA / "zedong-002.yaml")
    assert p.enabled_rules() == ["NAM002", "MEM002", "MEM004", "MEM006"]
    assert p.company.admin_head == "陈静" and p.company.notice_publishers == ["周建国", "陈静"]
    assert p.company.short_names == ["澤東"]
    t = p.rules["NAM002"].base.options.templates[0]
    assert isinstance(t, NameTemplate) and t.render({"name": "郑雪", "dept": "行政中心"}) == "行政中心郑雪"
    w = p.rules["MEM002"].base.options.new_hire_window
    assert (w.first, w.last, w.days) == (3, 5, "calendar")
    assert p.rules["MEM006"].base.options.excluded_levels == ["实习生"]
    assert p.rules["MEM002"].for_class("company").options.required == "all"
    assert [c for c in p.class_names if p.rules["MEM002"].for_class(c).enabled] == ["company", "department"]


def test_classes_of_the_sample_groups(groups):
    p = load_policy(DATA / "zedong-001.yaml")
    classes = assign_classes(groups, p.classes)
    assert classes.to_dict() == {
        "20381517325@chatroom": "company",                    # 澤東科技全员工作群
        "45127796301@chatroom": "department",                 # 澤東销售部工作群
        "38860042117@chatroom": "department",
        "726381940": "department",
        "693027415": "interest",                              # 羽毛球小分队
        "wrZdKq3LBwAAc1x8PjH5nWm2tR0eYvQf9g": "management",
        "wrZdKq3LBwAAx7Vd2sNcEo4uGk8pTyRiLw": "project",      # 项目群 by type and name
        "cidZd8Kq2mVnP0aXo1Tg7HfWcA==": "department",
        "cidZd3Rt9bYcL5eWq8Nu2JmXkA==": "temporary",          # 澤東国庆值班临时群
        "41120986534@chatroom": "temporary",
        "815520936": "project",                               # unregistered: placed by its name (联调)
    }


def test_name_only_classes_place_unregistered_groups(groups, write):
    p = load_policy(write("p.yaml", """
        classes:
          project:   {name: '项目|联调'}
          temporary: {types: temporary, departments: [仓储物流部]}
          misc:      {default: true}
        """))
    classes = assign_classes(groups, p.classes)
    assert classes["815520936"] == "project"
    assert classes["wrZdKq3LBwAAx7Vd2sNcEo4uGk8pTyRiLw"] == "project"
    assert classes["cidZd3Rt9bYcL5eWq8Nu2JmXkA=="] == "temporary"   # 仓储物流部's temporary group
    assert classes["41120986534@chatroom"] == "misc"                # 行政中心's is not
    assert p.default_class == "misc" and p.class_names == ("project", "temporary", "misc")


def test_context_scopes_follow_classes_and_overrides(groups):
    p = load_policy(DATA / "zedong-001.yaml")
    ctx = AuditContext.build(p, dt.date(2026, 10, 1), dt.date(2026, 10, 31), groups=groups)
    assert ctx.calendar.is_workday(dt.date(2026, 10, 10))          # the adjusted Saturday
    assert len(ctx.messages) == 0 and list(ctx.roster.columns)[:2] == ["employee_id", "name"]
    scopes = ctx.scopes("MEM002")
    assert [(s.group_class, len(s.group_ids)) for s in scopes] == [("company", 1), ("department", 4),
                                                                   ("management", 1)]
    assert "815520936" not in set(scopes[1].group_ids)             # the 联调群 is a project group: off
    assert scopes[0].options.required == "all"
    nam002 = ctx.scopes("NAM002")
    assert [(s.group_class, s.settings.severity) for s in nam002][-2:] == [("temporary", "minor"), ("interest", "info")]
    assert ctx.scopes("MEM004") == []                                # not listed: does not run
