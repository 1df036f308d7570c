"""``grpaudit init --from NAME [--company NAME] [--out FILE] [--force]``: a starting policy.

The file written extends a shipped policy (``extends: NAME``) and sets only
the company's name, with the other company facts as commented examples, so
it validates and audits as it is: a company that sets nothing else gets its
rulebook enforced. The result is checked before it replaces anything and is
moved into place whole; an existing file is kept unless ``force``.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rich.console import Console

from ..policy import PolicyError, load_policy
from ..policy.errors import suggest
from ..policy.loader import SHIPPED_DIRS


def shipped() -> dict[str, Path]:
    """Shipped policies by name; the package's copy wins over the checkout's."""
    found: dict[str, Path] = {}
    for d in SHIPPED_DIRS:
        for p in sorted(d.glob("*.yaml")) if d.is_dir() else ():
            found.setdefault(p.stem, p)
    return found


def render(base: str, title: str | None, company: str | None) -> str:
    """The starting policy's text."""
    # JSON strings are YAML double-quoted scalars: any company name is written safely
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731
    name = (f"company:\n  name: {q(company)}\n" if company else
            "company:\n  name: null                 # 公司名称: {company} in group-name templates; "
            "without it only the name's shape is checked\n")
    heading = f"{company} — {title}" if company and title else (title or base)
    return (f"# Starting policy from the shipped `{base}` ({title or base}), written by `grpaudit init`.\n"
            "# It validates and audits as it is; add your company's facts below and change only what differs:\n"
            "# mappings merge onto the shipped policy key by key, lists replace (docs/policy.md).\n"
            f"title: {q(heading)}\n"
            f"extends: {base}\n\n"
            f"{name}"
            "  # short_names: [简称]          # other names {company} accepts (澤東 for 澤東科技)\n"
            "  # departments:                 # {dept} in names; departments of classes\n"
            "  #   - {name: 销售部, short: 销售}\n"
            "  # notice_publishers: [姓名或工号]  # NOT001: who may publish notices\n"
            "  # admin_head: 姓名或工号         # REP003: the admin-centre head\n\n"
            "# calendar:                      # the company's own days off and extra working days\n"
            "#   holidays: [2026-10-09]\n"
            "#   workdays: [2026-10-11]\n\n"
            "# rules:                         # change a rule's options, severity, or switch it off\n"
            "#   LIF004:\n"
            "#     options: {inactive_days: 14}\n")


def init_command(from_: str, company: str | None, out: Path, force: bool, console: Console, err: Console) -> int:
    """Write a policy extending the shipped ``from_`` to ``out``; the exit code (0, or 2 for a usage error)."""
    from .app import EXIT_OK, EXIT_USAGE  # here, not at import time: app imports this module

    policies = shipped()
    if from_ not in policies:
        err.print(f"[red]error[/red]: --from {from_!r}: no shipped policy of that name"
                  + suggest(from_, sorted(policies), "shipped"), highlight=False)
        return EXIT_USAGE
    if company is not None and not company.strip():
        err.print("[red]error[/red]: --company: the company's name is empty", highlight=False)
        return EXIT_USAGE
    if out.exists() and not force:
        err.print(f"[red]error[/red]: {out} exists; use --force to replace it", highlight=False)
        return EXIT_USAGE
    base = load_policy(policies[from_])
    text = render(from_, base.title, company.strip() if company else None)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        policy = load_policy(tmp)  # never leave a policy that does not validate
        os.replace(tmp, out)
    except (OSError, PolicyError):
        Path(tmp).unlink(missing_ok=True)
        raise
    console.print(f"[green]wrote[/green] {out}: extends {from_} ({base.title or from_}), "
                  f"{len(policy.enabled_rules())} rules, {len(policy.manual)} manual checks", highlight=False)
    console.print(f"next: grpaudit validate {out}; grpaudit audit EXPORTS --policy {out} --roster ROSTER",
                  highlight=False)
    return EXIT_OK
