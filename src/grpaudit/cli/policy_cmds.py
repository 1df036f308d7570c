"""``grpaudit validate POLICY``, ``grpaudit rules`` and ``grpaudit explain CODE``.

Each command function prints with rich and returns the exit code; app.py
wires them into the typer app. ``rules_markdown`` is the rule reference in
docs/policy.md, generated from the registry so it cannot drift.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined
from rich.cells import cell_len
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from ..policy import PolicyError, load_policy
from ..policy.describe import expected
from ..policy.errors import Problem, suggest
from ..policy.loader import read_text
from ..policy.patterns import Regex
from ..policy.templates import NameTemplate
from ..rules import RULES, Rule


def _codes():
    from .app import EXIT_OK, EXIT_USAGE  # here, not at import time: app imports this module
    return EXIT_OK, EXIT_USAGE


# ---- validate ------------------------------------------------------------

def _excerpt(problem: Problem, texts: dict[str, list[str] | None]) -> Text | None:
    """The offending line with a caret under the column, as compilers show it."""
    if problem.line is None:
        return None
    if problem.file not in texts:
        try:
            texts[problem.file] = read_text(Path(problem.file)).splitlines()
        except PolicyError:
            texts[problem.file] = None
    lines = texts[problem.file]
    if not lines or problem.line > len(lines):
        return None
    line = lines[problem.line - 1].replace("\t", " ")
    gutter = f"{problem.line:>5} | "
    caret = " " * (len(gutter) - 2) + "| " + " " * cell_len(line[:(problem.column or 1) - 1]) + "^"
    return Text.assemble((gutter, "dim"), line, "\n", (caret, "bold red"))


def validate_command(path: Path, console: Console, err: Console) -> int:
    """Check a policy; print every problem with its position, or a summary of the valid policy."""
    ok, usage = _codes()
    try:
        policy = load_policy(path)
    except PolicyError as exc:
        texts: dict[str, list[str] | None] = {}
        for p in exc.problems:
            err.print(Text.assemble((str(p), "red")))
            excerpt = _excerpt(p, texts)
            if excerpt is not None:
                err.print(excerpt)
        n = len(exc.problems)
        err.print(f"[bold red]{n} problem{'s' if n != 1 else ''}[/bold red] in {path}", highlight=False)
        return usage
    console.print(f"[green]valid[/green]: {path}" + (f" — {policy.title}" if policy.title else ""),
                  highlight=False)
    if len(policy.files) > 1:
        console.print("extends: " + " → ".join(policy.files[:-1]), highlight=False)
    console.print(f"classes (first match wins): {', '.join(policy.class_names)}; "
                  f"default: {policy.default_class}", highlight=False)
    table = Table("rule", "severity", "clause", "off for classes", title="Rules this policy runs")
    for code, s in policy.rules.items():
        if not s.enabled:
            continue
        off = [c for c in policy.class_names if not s.for_class(c).enabled]
        table.add_row(code, s.base.severity, s.base.clause, ", ".join(off))
    console.print(table)
    skipped = [c for c, s in policy.rules.items() if not s.enabled]
    if skipped:
        console.print(f"listed but switched off: {', '.join(skipped)}", highlight=False)
    if policy.manual:
        console.print(f"{len(policy.manual)} clause(s) for the manual checklist", highlight=False)
    return ok


# ---- rules and explain ---------------------------------------------------

def _plain(value):
    """An option value as the policy would write it."""
    if isinstance(value, NameTemplate):
        return value.source
    if isinstance(value, Regex):
        return {"regex": value.pattern}
    if isinstance(value, BaseModel):
        return _plain(value.model_dump())
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def option_rows(rule: Rule) -> list[tuple[str, str, str, str]]:
    """(option, what it takes, default, meaning) for each of a rule's options."""
    rows = []
    for name, f in rule.Options.model_fields.items():
        if f.is_required():
            default = "required"
        else:
            value = f.default_factory() if f.default is PydanticUndefined else f.default
            default = json.dumps(_plain(value), ensure_ascii=False)
        rows.append((name, expected(f.annotation, f.metadata), default, f.description or ""))
    return rows


def rules_command(console: Console, markdown: bool = False) -> int:
    """List every registered rule: code, name, category, severity, what it checks, options."""
    ok, _ = _codes()
    if markdown:
        console.print(rules_markdown(), markup=False, highlight=False, soft_wrap=True)
        return ok
    table = Table("code", "name", "category", "severity", "checks", "options", title="grpaudit rules")
    for code, rule in RULES.items():
        table.add_row(code, rule.name, rule.category, rule.severity, rule.summary,
                      ", ".join(rule.Options.model_fields))
    console.print(table)
    console.print("grpaudit explain CODE shows a rule's options and clauses.", style="dim")
    return ok


def find_rule(code: str) -> Rule | None:
    """A rule by code (any case) or by name."""
    code = code.strip()
    return RULES.get(code.upper()) or next((r for r in RULES.values() if r.name == code), None)


def explain_command(code: str, console: Console, err: Console) -> int:
    """One rule's documentation page: what it checks, its clauses and its options with defaults."""
    ok, usage = _codes()
    rule = find_rule(code)
    if rule is None:
        err.print(f"[red]error[/red]: unknown rule '{code}'" + suggest(code.upper(), RULES, "known rules are"),
                  highlight=False)
        return usage
    tags = f" · {', '.join(rule.tags)}" if rule.tags else ""
    console.print(Text.assemble((f"{rule.code} {rule.name}", "bold"), f"  ({rule.category}, default severity "
                                f"{rule.severity}{tags})"))
    console.print(Markdown(rule.doc))
    table = Table("option", "takes", "default", "meaning", title=f"{rule.code} options")
    for row in option_rows(rule):
        table.add_row(*row)
    console.print(table)
    console.print(f"clauses: {'; '.join(rule.clauses)}", highlight=False)
    return ok


def rules_markdown() -> str:
    """The rule reference section of docs/policy.md."""
    out = []
    for code, rule in RULES.items():
        tags = f" · {', '.join(rule.tags)}" if rule.tags else ""
        body = rule.doc.split("\n", 1)[1].strip() if "\n" in rule.doc else ""
        out += [f"### {code} `{rule.name}`", "", f"**{rule.summary}**", "",
                f"Category `{rule.category}` · default severity `{rule.severity}`{tags} · "
                f"clauses: {'; '.join(rule.clauses)}", ""]
        if body:
            out += [re.sub(r"^## ", "#### ", body, flags=re.M), ""]
        out += ["| option | takes | default | meaning |", "|---|---|---|---|"]
        out += ["| `{}` | {} | `{}` | {} |".format(*(c.replace("|", "\\|") for c in row)) for row in option_rows(rule)]
        out.append("")
    return "\n".join(out)
