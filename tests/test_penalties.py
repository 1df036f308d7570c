"""Pricing: 001's fine schedule (第十五–二十一条), 002's ladders, managers' points, caps, grades."""
from pathlib import Path

import pandas as pd
import pytest

from grpaudit.findings import concat, make_findings
from grpaudit.penalties import empty_counts, price, yuan
from grpaudit.policy import PolicyError, load_policy
from grpaudit.rules import RULES

DATA = Path(__file__).parent / "policy" / "data"

ROSTER = pd.DataFrame({"employee_id": ["E1", "E2", "M1", "R1"], "name": ["张伟", "李娜", "王经理", "赵敏"],
                       "department": ["销售部", "销售部", "销售部", "研发部"],
                       "is_manager": [False, False, True, False]})

POLICY_002 = """\
rules:
  CON001:
    penalty:
      basis: 002 §五.2.2
      window: month
      ladder: [{action: criticism}, {member: 50}]
  CON002:
    options: {patterns: {secret: {pattern: "机密"}}}
    penalty:
      basis: 002 §五.2.1
      window: 12 months
      ladder: [{action: [serious_warning, month_pay]}, {action: termination}]
  REP001:
    penalty:
      basis: 002 §五.2.3
      managers: {points: 3, discretionary: "+2–5 分 by management"}
pay: {monthly_cap: 80, monthly_pay: 300, warn_share: 0.2}
"""


def finding(code, person="E1", name="张伟", day="2026-10-12", hour=10, group="G1", evidence="x", **more):
    t = pd.Timestamp(f"{day} {hour:02d}:00", tz="Asia/Shanghai")
    df = pd.DataFrame([{"person_id": person, "person_name": name, "group_id": group, "group_name": "销售群",
                        "responsible_id": "R1", "responsible_name": "赵敏", "time": t,
                        "message": f"{code} by {name}", "evidence": evidence, **more}])
    return make_findings(df, RULES[code])


@pytest.fixture
def p002(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(POLICY_002, encoding="utf-8")
    return load_policy(path)


def test_001_schedule_joint_liability_and_minimums():
    policy = load_policy(DATA / "zedong-001.yaml")
    f = concat([finding("NAM002", evidence="a"), finding("NAM002", person="E2", name="李娜", evidence="b"),
                finding("MEM001", evidence="c"), finding("LIF002", evidence="d")])
    c = price(f, policy, empty_counts(), ROSTER).charges
    got = sorted(zip(c.rule, c.role, c.person_name, c.fine_fen, c.basis, c.at_least))
    # 第十七条: member 20 元 + responsible 10 元/人次; 第十八条 20 元/人次 to the responsible; 第二十一条 ≥30 元
    assert got == [("LIF002", "responsible", "赵敏", 3000, "第二十一条", True),
                   ("MEM001", "responsible", "赵敏", 2000, "第十八条", False),
                   ("NAM002", "offender", "张伟", 2000, "第十七条", False),
                   ("NAM002", "offender", "李娜", 2000, "第十七条", False),
                   ("NAM002", "responsible", "赵敏", 1000, "第十七条", False),
                   ("NAM002", "responsible", "赵敏", 1000, "第十七条", False)]
    assert c.fine_fen.dtype == "int64" and set(c.department.dropna()) == {"销售部", "研发部"}
    people = price(f, policy, empty_counts(), ROSTER).people.set_index("name")
    assert people.loc["赵敏", "fine_fen"] == 1000 + 1000 + 2000 + 3000
    assert people.loc["张伟", ["findings", "findings_naming", "findings_membership"]].tolist() == [3, 1, 1]
    assert yuan(people.loc["赵敏", "fine_fen"]) == "70.00"


def test_content_ladder_over_two_months_with_waiver(p002):
    oct_ = concat([finding("CON001", day="2026-10-05", evidence="1"), finding("CON001", day="2026-10-06", evidence="2"),
                   finding("CON001", day="2026-10-07", evidence="3")])
    c = price(oct_, p002, empty_counts(), ROSTER).charges.sort_values("date")
    assert c.occurrence.tolist() == [1, 2, 3]
    assert c.action.tolist() == ["通报批评", "", ""] and c.fine_fen.tolist() == [0, 5000, 5000]
    # the 2nd is waived: it costs nothing and the 3rd becomes the 2nd
    fp2 = c.fingerprint.iloc[1]
    c = price(oct_, p002, empty_counts(), ROSTER, waived={fp2}).charges.sort_values("date")
    assert c.occurrence.tolist() == [1, 0, 2] and c.fine_fen.tolist() == [0, 0, 5000]
    assert c.waived.tolist() == [False, True, False]
    # the window is the month: November starts again; earlier counts from another month do not apply
    counts = pd.DataFrame({"person_key": ["E1"], "key": ["rule:CON001"], "window": ["month"], "count": [2]})
    nov = finding("CON001", day="2026-11-03")
    assert price(nov, p002, counts, ROSTER).charges.occurrence.tolist() == [3]
    assert price(nov, p002, empty_counts(), ROSTER).charges.action.tolist() == ["通报批评"]


def test_red_line_then_termination(p002):
    first = price(finding("CON002", day="2026-10-05"), p002, empty_counts(), ROSTER).charges
    assert first.action.tolist() == ["严重警告; 扣除当月绩效"] and first.fine_fen.tolist() == [0]
    counts = pd.DataFrame({"person_key": ["E1"], "key": ["rule:CON002"], "window": ["12 months"], "count": [1]})
    second = price(finding("CON002", day="2026-12-01"), p002, counts, ROSTER).charges
    assert second.action.tolist() == ["建议解除劳动合同"] and second.occurrence.tolist() == [2]


def test_reply_points_for_managers_only_and_discretionary_not_added(p002):
    f = concat([finding("REP001", person="M1", name="王经理", evidence="q1"),
                finding("REP001", person="M1", name="王经理", evidence="q2"), finding("REP001", evidence="q3")])
    pr = price(f, p002, empty_counts(), ROSTER)
    assert pr.charges.person_name.tolist() == ["王经理", "王经理"]
    assert pr.charges.points.tolist() == [3, 3]
    mgr = pr.people.set_index("name").loc["王经理"]
    assert (mgr.points, mgr.reply_breaches, mgr.discretionary) == (6, 2, "+2–5 分 by management")
    # score 100 − 2 minor findings × 2 − 6 points = 90 → 良好; the discretionary add-on is not in it
    assert (mgr.score, mgr.grade) == (90.0, "良好")
    assert pr.people.set_index("name").loc["张伟", "grade"] == "优秀"


def test_monthly_cap_and_pay_share_warning(p002):
    f = concat([finding("CON001", day=f"2026-10-{d:02d}", evidence=str(d)) for d in range(1, 5)])
    person = price(f, p002, empty_counts(), ROSTER).people.set_index("name").loc["张伟"]
    assert (person.fine_uncapped_fen, person.fine_fen) == (15000, 8000)
    assert "capped at 80.00 元" in person.warnings and "20% of monthly pay" in person.warnings


def test_groups_and_departments_scores(p002):
    f = concat([finding("CON001", evidence="1"), finding("CON001", evidence="2", group="G2")])
    pr = price(f, p002, empty_counts(), ROSTER)
    g = pr.groups.set_index("group_id")
    assert g.loc["G1", "score"] == 95.0 and g.loc["G2", "fine_fen"] == 5000
    d = pr.departments.set_index("department")
    assert d.loc["销售部", "fine_fen"] == 5000 and d.loc["销售部", "findings"] == 2


def test_no_findings_prices_to_empty_tables(p002):
    pr = price(concat([]), p002, None, ROSTER)
    assert pr.charges.empty and pr.people.empty and pr.groups.empty


@pytest.mark.parametrize("penalty, where, expected", [
    ("{member: 12.345}", (3, 14), "at most 2 decimals"),
    ("{action: critisism}", (3, 14), "criticism"),
    ("{member: 20, ladder: [{member: 50}]}", (3, 14), "a ladder or a single charge"),
    ("{window: week}", (3, 14), "window"),
])
def test_bad_penalty_points_at_its_line(tmp_path, penalty, where, expected):
    path = tmp_path / "p.yaml"
    path.write_text(f"rules:\n  CON001:\n    penalty: {penalty}\n", encoding="utf-8")
    with pytest.raises(PolicyError) as exc:
        load_policy(path)
    text = str(exc.value)
    assert expected in text and f"p.yaml:{where[0]}:" in text and "rules.CON001.penalty" in text


def test_count_by_category_numbers_occurrences_across_the_rules_of_the_category(tmp_path):
    # 002 §五.2.2 counts "other violations" together: an ad (CON001) then a risky link (CON003) in the
    # same month are the first and the second, whichever rule found them; per rule they would both be first.
    path = tmp_path / "p.yaml"
    ladder = "{basis: 002 §五.2.2, window: month, count_by: %s, ladder: [{action: criticism}, {member: 50}]}"
    for count_by, second in (("category", 5000), ("rule", 0)):
        path.write_text(f"rules:\n  CON001:\n    penalty: {ladder % count_by}\n"
                        f"  CON003:\n    penalty: {ladder % count_by}\n", encoding="utf-8")
        f = concat([finding("CON003", hour=11, evidence="link"), finding("CON001", hour=10, evidence="ad"),
                    finding("CON001", person="E2", name="李娜", hour=12, evidence="other person")])
        c = price(f, load_policy(path), empty_counts(), ROSTER).charges.sort_values(["person_id", "occurrence"])
        got = list(zip(c.person_id, c.rule, c.occurrence, c.fine_fen))
        assert got == ([("E1", "CON001", 1, 0), ("E1", "CON003", 2, second), ("E2", "CON001", 1, 0)]
                       if count_by == "category" else
                       [("E1", "CON001", 1, 0), ("E1", "CON003", 1, 0), ("E2", "CON001", 1, 0)])
