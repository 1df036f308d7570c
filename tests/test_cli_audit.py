"""``grpaudit audit`` end to end: periods, policies, exit codes, the calendar fallback."""
import json
from pathlib import Path

from typer.testing import CliRunner

from grpaudit.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "data" / "demo_month"   # the demo month frozen (sample_exports/ may grow)
POL = ROOT / "tests" / "data" / "policies"
INPUTS = [str(DEMO / "chats"), "--members", str(DEMO / "members.csv"), "--roster", str(DEMO / "roster.csv"),
          "--groups", str(DEMO / "groups.csv")]


def run(*args):
    return CliRunner().invoke(app, ["audit", *args])


def test_a_month_chinese_calendar_does_not_cover_completes_with_a_warning(tmp_path):
    res = run(*INPUTS, "--policy", str(POL / "calendar-only.yaml"), "--period", "2027-03", "--out", str(tmp_path))
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["period"] == "2027-03"
    assert any("no data for 2027" in w for w in summary["data_quality"])
    assert "no data for 2027" in res.output


def test_invalid_policy_exits_2_and_points_at_the_line():
    res = run(*INPUTS, "--policy", str(POL / "broken.yaml"), "--period", "2026-10")
    assert res.exit_code == 2
    assert "broken.yaml:4:5" in res.output and "did you mean 'options'" in res.output


def test_bad_period_exits_2():
    for args in (["--period", "2026-13"], ["--period", "2026-10", "--since", "2026-10-01"], []):
        res = run(*INPUTS, "--policy", str(POL / "calendar-only.yaml"), *args)
        assert res.exit_code == 2, (args, res.output)


def test_unreadable_input_exits_3(tmp_path):
    bad = tmp_path / "export.txt"
    bad.write_text("这不是聊天记录\n只是一些笔记\n", encoding="utf-8")
    res = run(str(bad), "--policy", str(POL / "calendar-only.yaml"), "--period", "2026-10")
    assert res.exit_code == 3
    assert "export.txt" in res.output and "unknown format" in res.output


def test_strict_exits_3_on_skipped_records():
    res = run(*INPUTS, "--policy", str(POL / "calendar-only.yaml"), "--period", "2026-10", "--strict")
    assert res.exit_code == 3
    assert "#VALUE!" in res.output


def test_quiet_prints_nothing_on_success(tmp_path):
    res = run(*INPUTS, "--policy", str(POL / "calendar-only.yaml"), "--period", "2026-10", "--quiet")
    assert res.exit_code == 0 and res.output == ""


def test_fail_on_exits_1_when_a_finding_reaches_the_severity(tmp_path):
    policy = tmp_path / "p.yaml"
    policy.write_text(f"extends: {(ROOT / 'policies' / 'default.yaml').as_posix()}\n"
                      "company: {name: 澤東科技, short_names: [澤東]}\n", encoding="utf-8")
    base = [*INPUTS, "--policy", str(policy), "--period", "2026-10", "--quiet"]
    assert run(*base, "--fail-on", "major").exit_code == 1        # 吴昊 still in a group: major
    assert run(*base, "--fail-on", "critical").exit_code == 0     # nothing critical this month
    assert run(*base, "--fail-on", "severe").exit_code == 2       # not a severity


def test_since_until_limits_the_findings_to_those_days(tmp_path):
    res = run(*INPUTS, "--policy", str(ROOT / "sample_exports" / "policy.yaml"),
              "--since", "2026-10-20", "--until", "2026-10-22", "--out", str(tmp_path), "--quiet")
    assert res.exit_code == 0, res.output
    days = {v["date"] for v in json.loads((tmp_path / "violations.json").read_text(encoding="utf-8"))}
    assert days and all("2026-10-20" <= d <= "2026-10-22" for d in days)
    assert (tmp_path / "findings-2026-10-20_2026-10-22.csv").exists()


def test_missing_inputs_are_said_not_silent(tmp_path):
    res = run(str(DEMO / "chats"), "--policy", str(ROOT / "sample_exports" / "policy.yaml"), "--period", "2026-11",
              "--out", str(tmp_path), "--quiet")
    assert res.exit_code == 0, res.output
    dq = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["data_quality"]
    assert any("no message falls in the audited period" in w for w in dq)
    assert any("no group registry" in w for w in dq)
    assert any("no HR roster" in w for w in dq)
