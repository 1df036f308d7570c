"""The shipped policies: each validates, covers every checkable clause of its rulebook, and audits the demo month.

tests/data/clauses.yaml transcribes the clause tables of shared/docs/policy-clauses.md; each clause must be
enforced by rules the policy of its source runs, or be on that policy's manual checklist.
"""
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from grpaudit.cli.app import app
from grpaudit.policy import load_policy

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "policies"
DEMO = ROOT / "sample_exports"
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


def test_shipped_policies_write_no_penalty_keys_yet():
    # issue 6 designs `penalty:`; until then the rulebooks' penalties are comments on each rule
    for name in RULEBOOKS:
        text = (POLICIES / f"{name}.yaml").read_text(encoding="utf-8")
        assert "\n    penalty:" not in text
    assert "第十七条" in (POLICIES / "wechat-fines.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", RULEBOOKS)
def test_audit_of_the_demo_month_completes(name, tmp_path):
    res = CliRunner().invoke(app, ["audit", str(DEMO / "chats"), "--members", str(DEMO / "members.csv"),
                                   "--roster", str(DEMO / "roster.csv"), "--groups", str(DEMO / "groups.csv"),
                                   "--policy", str(POLICIES / f"{name}.yaml"), "--period", "2026-10",
                                   "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    summary = yaml.safe_load((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["findings"] > 0
