"""The rule registry's integrity: codes, docs, options, examples, and the generated reference."""
import datetime as dt
import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import grpaudit.rules as rules_pkg
from grpaudit.cli.policy_cmds import rules_markdown
from grpaudit.findings import FINDINGS, SEVERITIES, concat
from grpaudit.policy import load_policy
from grpaudit.policy.schema import RuleOptions
from grpaudit.rules import CATEGORIES, RULES, AuditContext, Rule, run_rules

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = {"NAM": "naming", "MEM": "membership", "LIF": "lifecycle", "REP": "reply", "OFF": "off_hours",
            "CON": "content", "PRI": "privacy", "NOT": "notice", "FLD": "flooding"}
SKELETONS = ["NAM001", "NAM002", "MEM001", "MEM002", "MEM003", "MEM004", "MEM005", "MEM006",
             "LIF001", "LIF002", "LIF003", "LIF004"]


def test_registry_holds_the_skeletons_in_order():
    assert list(RULES)[:len(SKELETONS)] == SKELETONS


def test_codes_are_unique_and_registered_once():
    with pytest.raises(ValueError, match="rule code NAM001 registered twice"):
        rules_pkg._register(RULES["NAM001"], RULES["NAM001"])
    names = [r.name for r in RULES.values()]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("code", list(RULES))
def test_rule_is_complete(code):
    rule = RULES[code]
    assert rule.code == code and re.fullmatch(r"[A-Z]{3}\d{3}", code)
    assert FAMILIES[code[:3]] == rule.category and rule.category in CATEGORIES
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert rule.severity in SEVERITIES
    # the docstring is the documentation page: a summary, what it checks, and every clause it enforces
    assert rule.summary.endswith(".") and "## What it checks" in rule.doc and "## Clauses" in rule.doc
    clauses = rule.doc.split("## Clauses", 1)[1]
    assert rule.clauses
    for clause in rule.clauses:
        assert all(part in clauses for part in clause.split()), f"{code}'s docstring does not name {clause}"
    # a typed option model: unknown keys rejected, every option described
    assert issubclass(rule.Options, RuleOptions) and rule.Options.model_config["extra"] == "forbid"
    for name, field in rule.Options.model_fields.items():
        assert field.description, f"{code}.{name} has no description"


@pytest.mark.parametrize("code", [c for c in RULES if "```yaml" in RULES[c].doc])
def test_docstring_examples_are_valid_policies(code, write):
    example = RULES[code].doc.split("```yaml", 1)[1].split("```", 1)[0]
    path = write("example.yaml", "classes:\n  company: {types: company}\n  project: {types: project}\n"
                                 "  interest: {types: interest}\nrules:\n" + textwrap.indent(example.strip("\n"), "  "))
    assert load_policy(path).rules[code].enabled


@pytest.mark.parametrize("code", SKELETONS)
def test_every_rule_checks_empty_tables_into_an_empty_findings_table(code):
    policy = load_policy(ROOT / "tests" / "rules" / "data" / "lifecycle" / "lifecycle.yaml") \
        if code.startswith("LIF") else load_policy(ROOT / "tests" / "policy" / "data" / "zedong-001.yaml")
    ctx = AuditContext.build(policy, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    out = RULES[code].check(ctx)
    assert out.empty and list(out.columns) == FINDINGS.names


def test_docs_rule_reference_is_current():
    text = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
    section = text.split("<!-- rules:start -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert section == rules_markdown(), "regenerate the section of docs/policy.md with `grpaudit rules --markdown`"


class _Quitters(Rule):
    """Reports every leave event (a test rule).

    ## What it checks
    Leave events.

    ## Clauses
    - 000-A: 執意退群
    """
    code = "MEM004"
    name = "test-quit"
    category = "membership"
    clauses = ("000-A",)

    def check(self, ctx):
        frames = []
        for scope in ctx.scopes(self.code):
            ev = ctx.events[(ctx.events["event"] == "leave") & ctx.events["group_id"].isin(scope.group_ids)]
            frames.append(ctx.findings(pd.DataFrame({
                "group_id": ev["group_id"], "group_name": ev["group_name"], "person_name": ev["target_name"],
                "time": ev["time"], "message": ev["target_name"] + " quit the group"}), self, scope))
        return concat(frames, ctx.tz)


def test_run_rules_runs_enabled_rules_per_class(write, monkeypatch):
    monkeypatch.setitem(RULES, "MEM004", _Quitters())
    policy = load_policy(write("p.yaml", """
        classes:
          interest: {types: interest}
          work: {default: true}
        rules:
          MEM004:
            severity: major
            clause: 002 §三.2.4
            classes:
              interest: {enabled: false}
        """))
    groups = pd.DataFrame({"group_id": ["g1", "g2"], "group_name": ["澤東销售部工作群", "羽毛球小分队"],
                           "group_type": ["department", "interest"]})
    t = pd.to_datetime(["2026-10-16 17:40:15", "2026-10-20 12:00:00"]).tz_localize("Asia/Shanghai")
    events = pd.DataFrame({"group_id": ["g1", "g2"], "group_name": ["澤東销售部工作群", "羽毛球小分队"],
                           "time": t, "event": ["leave", "leave"], "target_name": ["吴昊", "刘洋"]})
    ctx = AuditContext.build(policy, dt.date(2026, 10, 1), dt.date(2026, 10, 31), events=events, groups=groups)
    out = run_rules(ctx)
    assert list(out.columns) == FINDINGS.names
    assert out[["rule", "category", "severity", "group_class", "person_name", "clause", "message"]].values.tolist() == [
        ["MEM004", "membership", "major", "work", "吴昊", "002 §三.2.4", "吴昊 quit the group"]]
    assert out["date"].iloc[0] == pd.Timestamp("2026-10-16")
