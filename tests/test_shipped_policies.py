"""The shipped policies: each validates, covers every checkable clause of its rulebook, and audits the demo month.

tests/data/clauses.yaml transcribes the clause tables of shared/docs/policy-clauses.md; each clause must be
enforced by rules the policy of its source runs, or be on that policy's manual checklist.
"""
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from grpaudit.cli.app import app
from grpaudit.findings import make_findings
from grpaudit.penalties import empty_counts, price
from grpaudit.policy import load_policy
from grpaudit.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
DEMO = ROOT / "tests" / "data" / "demo_month"   # the demo month frozen (sample_exports/ may grow)
CLAUSES = yaml.safe_load((ROOT / "tests" / "data" / "clauses.yaml").read_text(encoding="utf-8"))
RULEBOOKS = sorted(set(CLAUSES["policies"].values()))
SHIPPED = ["default", *RULEBOOKS]


def policy_of(source: str) -> str:
    """The shipped policy for a source label: `003 §四.1` → unit-wechat."""
    return CLAUSES["policies"][source.split()[0]]


def runs(policy, code: str) -> bool:
    """The policy runs the rule for at least one class of groups."""
    s = policy.rules.get(code)
    return s is not None and any(s.for_class(c).enabled for c in policy.class_names)


def manual_labels(item) -> list[str]:
    return [c.strip() for c in item.clause.split(",")]


@pytest.fixture(scope="module")
def loaded():
    return {name: load_policy(POLICIES / f"{name}.yaml") for name in SHIPPED}


def test_every_rulebook_has_a_shipped_policy():
    assert RULEBOOKS == ["unit-wechat", "wechat-dingtalk", "wechat-fines", "workgroup-handbook", "zedong"]
    assert sorted(p.stem for p in POLICIES.glob("*.yaml")) == sorted(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_grpaudit_validate_passes(name):
    res = CliRunner().invoke(app, ["validate", str(POLICIES / f"{name}.yaml")])
    assert res.exit_code == 0, res.output
    assert "valid" in res.output


@pytest.mark.parametrize("row", CLAUSES["clauses"], ids=lambda r: r["clause"][:40])
def test_every_checkable_clause_is_a_rule_or_on_the_manual_checklist(row, loaded):
    assert ("rules" in row) != ("manual" in row), row
    for source in row["sources"]:
        name = policy_of(source)
        policy = loaded[name]
        if "manual" in row:
            texts = [m.text for m in policy.manual if source in manual_labels(m)]
            assert any(w in t for t in texts for w in row["manual"]), (name, source, texts)
        else:
            needed = row["rules"] + row.get("also", {}).get(source, [])
            missing = [code for code in needed if not runs(policy, code)]
            assert not missing, f"{name} does not run {missing} for {source}: {row['clause']}"


def test_the_coverage_data_names_only_known_sources():
    for row in CLAUSES["clauses"]:
        assert set(row.get("also", {})) <= set(row["sources"]), row
        for source in row["sources"]:
            assert source.split()[0] in CLAUSES["policies"], source


@pytest.mark.parametrize("name", RULEBOOKS)
def test_every_rule_cites_its_own_rulebook(name, loaded):
    labels = {k for k, v in CLAUSES["policies"].items() if v == name}
    policy = loaded[name]
    assert policy.manual, name
    for code in policy.enabled_rules():
        clause = policy.rules[code].base.clause or ""
        assert clause.split()[0].rstrip(",") in labels, (name, code, clause)
    for item in policy.manual:
        assert item.clause.split()[0].rstrip(",") in labels, (name, item.clause)


def test_rulebook_specifics(loaded):
    fines = loaded["wechat-fines"].rules
    assert [str(t) for t in fines["NAM001"].base.options.templates] == ["{company}+{name}"]
    assert {k: [str(t) for t in v] for k, v in fines["NAM002"].base.options.roles.items()} == \
        {"owner": ["群主"], "responsible": ["{name}(群负责人)"]}
    assert fines["LIF002"].base.options.grace_workdays == 3
    assert fines["MEM001"].base.options.grace_workdays == 2
    dd = loaded["wechat-dingtalk"]
    assert dd.class_names == ("company", "work", "department", "other")
    window = dd.rules["MEM002"].base.options.new_hire_window
    assert (window.first, window.last) == (3, 5)
    assert (dd.rules["REP001"].base.options.minutes, dd.rules["REP002"].base.options.minutes) == (20, 30)
    zd = loaded["zedong"].rules
    assert [str(t) for t in zd["NAM001"].base.options.templates][:2] == ["{company}{purpose}工作群",
                                                                         "{company}{purpose}團隊"]
    assert (zd["MEM005"].base.options.min_admins, zd["MEM005"].base.options.max_admins) == (1, 2)
    assert zd["MEM004"].for_class("department").severity == "minor"
    assert loaded["unit-wechat"].rules["MEM003"].base.options.allow_external is False


def test_rulebook_penalties_are_policy_keys_and_keep_their_article_comments(loaded):
    def pen(name, code):
        return loaded[name].rules[code].penalty
    # 001 第十五–二十一条: fen per finding (member, responsible), at least?, the article
    got = {code: (pen("wechat-fines", code).member, pen("wechat-fines", code).responsible,
                  pen("wechat-fines", code).at_least, pen("wechat-fines", code).basis)
           for code in ("NAM001", "NAM002", "MEM001", "MEM002", "MEM003", "LIF002", "LIF003", "CON001", "CON003")}
    assert got == {"NAM001": (None, 5000, True, "001 第十五条, 第十六条"),
                   "NAM002": (2000, 1000, False, "001 第十七条"),
                   "MEM001": (None, 2000, False, "001 第十八条"), "MEM002": (None, 2000, False, "001 第十八条"),
                   "MEM003": (None, 2000, False, "001 第十八条"), "LIF002": (None, 3000, True, "001 第二十一条"),
                   "LIF003": (None, 5000, True, "001 第二十条"),
                   "CON001": (2000, None, False, "001 第十九条"), "CON003": (2000, None, False, "001 第十九条")}
    # 002 §五.2.2: 1st 通报批评, then 50 元 each, repeats of the category within the month
    for code in ("NAM002", "MEM004", "CON001", "CON003", "PRI001", "PRI002", "PRI003", "PRI004"):
        p = pen("wechat-dingtalk", code)
        assert ([s.action for s in p.ladder], [s.member for s in p.ladder]) == ([["criticism"], []], [None, 5000]), code
        assert (p.window, p.count_by, p.basis) == ("month", "category", "002 §五.2.2"), code
    for code in ("REP001", "REP002", "REP003"):
        p = pen("wechat-dingtalk", code)
        assert (p.points, p.managers.points, p.basis) == (None, 3, "002 §五.2.3"), code
        assert "2–5" in p.managers.discretionary
    # 000-A: 警告處分 for quitting, ads and virus links; no amount anywhere
    for code in ("MEM004", "CON001", "CON003"):
        assert (pen("zedong", code).action, pen("zedong", code).member) == (["warning"], None), code
    assert pen("zedong", "NAM001") is None and pen("zedong", "NAM002") is None
    fines = (POLICIES / "wechat-fines.yaml").read_text(encoding="utf-8")
    for article in ("第十五条", "第十六条", "第十七条", "第十八条", "第十九条", "第二十条", "第二十一条"):
        assert f"# 罚则: {article}" in fines or f"#       {article}" in fines, article
    assert "§五.2.1" in (POLICIES / "wechat-dingtalk.yaml").read_text(encoding="utf-8")


def audit_demo(policy: Path, out: Path) -> tuple[list[dict], dict[str, dict]]:
    """Audit the demo month with ``policy``: violations.json and people.json (by person id or name)."""
    res = CliRunner().invoke(app, ["audit", str(DEMO / "chats"), "--members", str(DEMO / "members.csv"),
                                   "--roster", str(DEMO / "roster.csv"), "--groups", str(DEMO / "groups.csv"),
                                   "--policy", str(policy), "--period", "2026-10", "--out", str(out),
                                   "--no-history"])
    assert res.exit_code == 0, res.output
    violations = json.loads((out / "violations.json").read_text(encoding="utf-8"))
    people = json.loads((out / "people.json").read_text(encoding="utf-8"))
    return violations, {p["person_id"] or p["name"]: p for p in people}


def extend(tmp_path: Path, base: str, extra: str = "") -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(f"extends: {POLICIES / base}\ncompany: {{name: 澤東科技, short_names: [澤東]{extra}}}\n",
                    encoding="utf-8")
    return path


#: 001's schedule in fen: (to the person at fault, to the group's responsible person) per finding
FINES_001 = {"NAM001": (0, 5000), "NAM002": (2000, 1000), "MEM001": (0, 2000), "MEM002": (0, 2000),
             "MEM003": (0, 2000), "LIF002": (0, 3000), "LIF003": (0, 5000), "CON001": (2000, 0),
             "CON003": (2000, 0)}


def test_wechat_fines_prices_the_demo_month(tmp_path):
    violations, people = audit_demo(extend(tmp_path, "wechat-fines.yaml"), tmp_path / "out")
    by = {(v["rule"], v["group"], v["person_name"]): v for v in violations}
    # 吴昊 left on 10-16 and is still in the company group: 第十八条, 20 元 to its responsible person 陈静
    mem = by["MEM001", "澤東科技全员工作群", "吴昊"]
    assert (mem["person_id"], mem["responsible_name"]) == ("ZD1016", "陈静")
    assert [(c["role"], c["person_name"], c["fine_yuan"], c["basis"]) for c in mem["penalty"]["charges"]] == \
        [("responsible", "陈静", 20.0, "001 第十八条")]
    # 高远 shows as 远方 in the company group: 第十七条, 20 元 to him and 10 元 to 陈静
    nam = by["NAM002", "澤東科技全员工作群", "高远"]
    assert sorted((c["role"], c["person_name"], c["fine_yuan"]) for c in nam["penalty"]["charges"]) == \
        [("offender", "高远", 20.0), ("responsible", "陈静", 10.0)]
    # the temporary group outlived its work: 第二十一条, ≥30 元 to its responsible person 谢刚
    lif = by["LIF002", "澤東国庆值班临时群", "彭勇"]
    assert [(c["person_name"], c["fine_yuan"]) for c in lif["penalty"]["charges"]] == [("谢刚", 30.0)]
    # each person's month, summed from the findings with 001's schedule (no cap in 001)
    owed: dict[str, int] = {}
    for v in violations:
        member, responsible = FINES_001.get(v["rule"], (0, 0))
        if v["person_id"]:
            owed[v["person_id"]] = owed.get(v["person_id"], 0) + member
        if v["responsible_id"]:
            owed[v["responsible_id"]] = owed.get(v["responsible_id"], 0) + responsible
    for pid in ("ZD1002", "ZD1026", "ZD1016", "ZD1021", "ZD1003"):      # 陈静, 谢刚, 吴昊, 高远, 王磊
        assert round(people[pid]["fine_yuan"] * 100) == owed[pid], (pid, people[pid]["name"])
    # 陈静: responsible for 21 misnamed members of the company group and 周建国 in 管理层 (10 元 each),
    # 吴昊 (MEM001) and 马骏 (MEM002) at 20 元, and her own two display names at 20 元
    assert owed["ZD1002"] == 22 * 1000 + 2 * 2000 + 2 * 2000 == 30000
    assert people["ZD1016"]["fine_yuan"] == 20.0         # 吴昊: his own display name; MEM001 costs 陈静


def test_wechat_dingtalk_charges_managers_three_points_per_reply_breach(tmp_path):
    violations, people = audit_demo(extend(tmp_path, "wechat-dingtalk.yaml", ", admin_head: 陈静"),
                                    tmp_path / "out")
    replies = [v for v in violations if v["rule"].startswith("REP")]
    assert len(replies) == 6
    breaches: dict[str, int] = {}
    for v in replies:
        assert [(c["role"], c["person_id"], c["fine_yuan"], c["points"], c["basis"]) for c in v["penalty"]["charges"]] \
            == [("offender", v["person_id"], 0.0, 3, "002 §五.2.3")]
        assert "2–5" in v["penalty"]["charges"][0]["discretionary"]
        breaches[v["person_id"]] = breaches.get(v["person_id"], 0) + 1
    assert breaches == {"ZD1004": 2, "ZD1003": 2, "ZD1005": 1, "ZD1006": 1}   # 林峰, 王磊, 钱芳, 彭勇
    for pid, n in breaches.items():
        assert people[pid]["points"] == 3 * n, pid
    # an employee who is not a manager owes no points for a late reply (§五.2.3 binds 经理级 and above)
    policy = load_policy(POLICIES / "wechat-dingtalk.yaml")
    roster = pd.DataFrame({"employee_id": ["E1", "M1"], "name": ["张伟", "王经理"], "department": ["销售部"] * 2,
                           "is_manager": [False, True]})
    rows = pd.DataFrame([{"person_id": pid, "person_name": name, "group_id": "G1", "group_name": "销售群",
                          "responsible_id": None, "responsible_name": None,
                          "time": pd.Timestamp("2026-10-12 10:00", tz="Asia/Shanghai"), "message": "late",
                          "evidence": pid} for pid, name in (("E1", "张伟"), ("M1", "王经理"))])
    charges = price(make_findings(rows, RULES["REP001"]), policy, empty_counts(), roster).charges
    assert list(zip(charges.person_id, charges.points)) == [("M1", 3)]


@pytest.mark.parametrize("name", RULEBOOKS)
def test_audit_of_the_demo_month_completes(name, tmp_path):
    res = CliRunner().invoke(app, ["audit", str(DEMO / "chats"), "--members", str(DEMO / "members.csv"),
                                   "--roster", str(DEMO / "roster.csv"), "--groups", str(DEMO / "groups.csv"),
                                   "--policy", str(POLICIES / f"{name}.yaml"), "--period", "2026-10",
                                   "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    summary = yaml.safe_load((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["findings"] > 0
