"""The demo month audited with the two richest shipped policies, against reviewed expected files.

``sample_exports/policy-wechat-dingtalk.yaml`` and ``policy-wechat-fines.yaml``
are the shipped policies as they are, with 澤東科技's facts (company.yaml).
Each audit's findings — (rule, group, person, day), with repeats — and each
person's fine and points must equal ``tests/data/demo_expected/<policy>.yaml``,
and none of the file's near-misses may be reported (``*`` in a near-miss
stands for any person or day).

The expected files are reviewed by hand: after a deliberate change to the demo
data or a rule, rewrite them with ``python tests/test_demo_policies.py`` and
read the diff before committing it — planted cases carry comments, which the
rewrite keeps only for keys that are still there (it prints the ones it drops).
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from grpaudit.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_exports"
EXPECTED = Path(__file__).resolve().parent / "data" / "demo_expected"
POLICIES = ("wechat-dingtalk", "wechat-fines")


def audit(policy: str, out: Path) -> tuple[list[dict], list[dict], dict]:
    res = CliRunner().invoke(app, [
        "audit", str(DEMO / "chats"), "--members", str(DEMO / "members.csv"), "--roster", str(DEMO / "roster.csv"),
        "--groups", str(DEMO / "groups.csv"), "--policy", str(DEMO / f"policy-{policy}.yaml"),
        "--period", "2026-10", "--out", str(out), "--format", "json", "--no-history", "--quiet"])
    assert res.exit_code == 0, res.output
    load = lambda name: json.loads((out / name).read_text(encoding="utf-8"))  # noqa: E731
    return load("violations.json"), load("people.json"), load("summary.json")


def key(v: dict) -> str:
    return f"{v['rule']} {v['group']} {v['person_id'] or v['person_name'] or '-'} {v['date'] or '-'}"


def matches(k: str, pattern: str) -> bool:
    """A finding's key against a near-miss's: the same four fields, ``*`` standing for any."""
    return all(p in ("*", f) for f, p in zip(k.split(" "), pattern.split(" "), strict=True))


def money(people: list[dict]) -> dict[str, str]:
    """person → 'fine 元, points' for everyone charged anything."""
    return {p["person_id"] or p["name"]: f"{p['fine_yuan']:g} 元, {p['points']:g} 分"
            for p in people if p["fine_yuan"] or p["points"]}


@pytest.mark.parametrize("policy", POLICIES)
def test_demo_month_matches_the_reviewed_expectation(policy, tmp_path):
    expected = yaml.safe_load((EXPECTED / f"{policy}.yaml").read_text(encoding="utf-8"))
    violations, people, summary = audit(policy, tmp_path)
    found = Counter(key(v) for v in violations)
    want = Counter(expected["findings"])
    assert found - want == Counter(), "reported but not expected"
    assert want - found == Counter(), "expected but not reported"
    reported = [k for k in found if any(matches(k, near) for near in expected["near_misses"])]
    assert not reported, f"near-misses reported: {reported}"
    assert money(people) == expected["money"]
    assert (summary["findings"], summary["fine_yuan"]) == (expected["findings_total"], expected["fine_yuan_total"])


@pytest.mark.parametrize("policy", POLICIES)
def test_every_rule_of_the_policy_is_violated_at_least_once(policy):
    expected = yaml.safe_load((EXPECTED / f"{policy}.yaml").read_text(encoding="utf-8"))
    from grpaudit.policy import load_policy
    enabled = {code for code, s in load_policy(DEMO / f"policy-{policy}.yaml").rules.items() if s.enabled}
    violated = {k.split()[0] for k in expected["findings"]}
    assert enabled <= violated, f"never violated in the demo month: {sorted(enabled - violated)}"
    near = {k.split()[0] for k in expected["near_misses"]}
    assert len(near) >= 8, "near-misses should cover most of the rules"


def _rewrite(policy: str, out: Path) -> None:
    """Write the expected file anew from an audit, keeping the comments and near-misses of the old one."""
    path = EXPECTED / f"{policy}.yaml"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    notes = dict(re.findall(r"^  - (.+?)\s+# (.*)$", old, re.M))
    header = old.split("\nfindings:", 1)[0] if old else f"# The demo month under policy-{policy}.yaml."
    near = "near_misses:" + old.split("\nnear_misses:", 1)[1] if "\nnear_misses:" in old else "near_misses: []\n"
    violations, people, summary = audit(policy, out)
    keys = sorted(key(v) for v in violations)
    lines = [header, "findings:"]
    for k in keys:
        lines.append(f"  - {k}" + (f"   # {notes.pop(k)}" if k in notes else ""))
    lines.append(f"findings_total: {summary['findings']}")
    lines.append(f"fine_yuan_total: {summary['fine_yuan']:g}")
    lines.append("money:")
    lines += [f"  {p}: {m}" for p, m in sorted(money(people).items())]
    path.write_text("\n".join(lines) + "\n" + near, encoding="utf-8")
    for k, note in notes.items():
        if k not in near:
            print(f"{policy}: dropped the note of {k}: {note}", file=sys.stderr)


if __name__ == "__main__":
    import tempfile
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[1:] or POLICIES:
        with tempfile.TemporaryDirectory() as tmp:
            _rewrite(name, Path(tmp))
