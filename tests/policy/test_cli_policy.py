"""``validate``, ``rules`` and ``explain`` as command functions (app.py wires them into typer)."""
import io

from rich.console import Console

from grpaudit.cli.policy_cmds import explain_command, find_rule, option_rows, rules_command, validate_command
from grpaudit.rules import RULES

from .conftest import DATA


def consoles():
    out, err = io.StringIO(), io.StringIO()
    return out, err, Console(file=out, width=200, color_system=None), Console(file=err, width=200, color_system=None)


def test_validate_prints_each_problem_with_its_line_and_exits_2(write):
    path = write("policy.yaml", """
        rules:
          NAM002:
            options:
              grace_workdays: two
          NAM009: {}
        """)
    out, err, console, errc = consoles()
    assert validate_command(path, console, errc) == 2
    lines = err.getvalue().splitlines()
    assert lines[0] == f'{path}:4:23: rules.NAM002.options.grace_workdays: expected a whole number ≥ 0, got "two"'
    assert lines[1] == "    4 |       grace_workdays: two"
    assert lines[2] == "      |                       ^"
    assert lines[3] == f"{path}:5:3: rules.NAM009: unknown rule 'NAM009'; did you mean 'NAM002'?"
    assert lines[-1] == f"2 problems in {path}"
    assert out.getvalue() == ""


def test_validate_caret_counts_wide_characters(write):
    path = write("policy.yaml", "company:\n  departments: [行政中心]\nclasses:\n  a: {departments: [行政中心, 研发中心]}\n")
    _, err, console, errc = consoles()
    assert validate_command(path, console, errc) == 2
    line, caret = err.getvalue().splitlines()[1:3]
    assert line.endswith("a: {departments: [行政中心, 研发中心]}")
    # the caret sits under 研, after 2 + 21 narrow and 4 wide characters
    assert caret.index("^") == line.index("研") + 4


def test_validate_a_valid_policy_summarises_it():
    out, err, console, errc = consoles()
    assert validate_command(DATA / "zedong-001.yaml", console, errc) == 0
    text = out.getvalue()
    assert text.startswith(f"valid: {DATA / 'zedong-001.yaml'} — 公司微信群管理办法 (001) — 命名与成员")
    assert "classes (first match wins): company, department, management, project, temporary, interest, other" in text
    assert "MEM002" in text and "project, temporary, interest" in text
    assert "2 clause(s) for the manual checklist" in text
    assert err.getvalue() == ""


def test_validate_names_the_extends_chain():
    out, _, console, errc = consoles()
    assert validate_command(DATA / "extends" / "company.yaml", console, errc) == 0
    assert "extends: " in out.getvalue() and "base.yaml" in out.getvalue()


def test_rules_lists_every_rule():
    out, _, console, _ = consoles()
    assert rules_command(console) == 0
    text = out.getvalue()
    for code, rule in RULES.items():
        assert code in text and rule.name in text
    out, _, console, _ = consoles()
    assert rules_command(console, markdown=True) == 0
    assert out.getvalue().startswith("### NAM001 `group-name-template`")


def test_explain_shows_options_and_clauses():
    out, _, console, errc = consoles()
    assert explain_command("nam002", console, errc) == 0
    text = out.getvalue()
    assert text.startswith("NAM002 display-name-template  (naming, default severity minor)")
    assert "grace_workdays" in text and "a whole number ≥ 0" in text
    assert "clauses: 001 第八条; 001 第九条; 002 §三.2.2; 000-A; 000-B §三.5; 003; 004" in text
    assert find_rule("group-inactive") is RULES["LIF004"]


def test_explain_unknown_code_suggests_and_exits_2():
    out, err, console, errc = consoles()
    assert explain_command("LIF01", console, errc) == 2
    assert err.getvalue().strip() == "error: unknown rule 'LIF01'; did you mean 'LIF001'?"


def test_option_rows_show_defaults_as_written():
    rows = {r[0]: r[1:] for r in option_rows(RULES["NAM002"])}
    assert rows["templates"][1] == '["{name}"]'
    assert rows["separators"][1] == '["", "-", "_", " ", "·"]'
    assert rows["roles"][0] == ("a mapping from owner, admin, responsible to a list, each a display-name template "
                                "or {regex: PATTERN}")
    assert dict((r[0], r[2]) for r in option_rows(RULES["NAM001"]))["templates"] == "required"
    assert dict((r[0], r[1]) for r in option_rows(RULES["MEM002"]))["new_hire_window"] == \
        "a mapping with first, last, days"
