"""The terminal summary of an audit: what an officer reads first, and what cron mails."""
from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from ..rules import CATEGORIES
from .data import ReportData, quality_lines, yuan


def summary(data: ReportData, console: Console, top: int = 5) -> None:
    """The short summary: totals by category, the top people and groups, data-quality warnings."""
    f = data.findings
    money = f" · fines {yuan(f['fine_fen']).sum():,.2f} 元" if data.priced else ""
    console.print(f"[bold]{data.scope or data.policy_title}[/bold] {data.period} · {data.messages:,} messages in "
                  f"{data.chat_groups} groups · [bold]{len(f)}[/bold] findings{money}", highlight=False)
    cats = Table(title="By category")
    cats.add_column("category")
    cats.add_column("findings", justify="right")
    for c in CATEGORIES:
        n = int((f["category"] == c).sum())
        if n:
            cats.add_row(c, str(n))
    console.print(cats)
    for title, df, name in (("Top people", data.people, "name"), ("Top groups", data.groups, "group_name")):
        t = Table(title=title)
        for col in (name, "findings", "fine (元)", "points"):
            t.add_column(col, justify="left" if col == name else "right")
        for r in df.sort_values("findings", ascending=False, kind="stable").head(top).itertuples(index=False):
            fen, points = getattr(r, "fine_fen", pd.NA), getattr(r, "points", pd.NA)
            t.add_row(getattr(r, name) or "", str(r.findings), "" if pd.isna(fen) else f"{fen / 100:,.2f}",
                      "" if pd.isna(points) else str(points))
        console.print(t)
    dq = quality_lines(data)
    if dq:
        console.print("[bold yellow]Data quality[/bold yellow]")
        for line in dq:
            console.print(f"  • {line}", highlight=False)


def listing(data: ReportData, console: Console, limit: int = 50) -> None:
    """Each finding on one line (the first ``limit``): what an officer checks before sending files on."""
    f = data.findings
    if f.empty:
        console.print("[green]No findings.[/green]")
        return
    t = Table(title="Findings")
    for col in ("rule", "group", "person", "date", "what"):
        t.add_column(col, overflow="fold")
    for r in f.head(limit).itertuples(index=False):
        # group-level findings (MEM005, LIF001…) name no person: NA, not text
        t.add_row(r.rule, "" if pd.isna(r.group_name) else r.group_name, "" if pd.isna(r.person_name) else r.person_name,
                  "" if pd.isna(r.date) else f"{r.date:%Y-%m-%d}", r.message)
    console.print(t)
    if len(f) > limit:
        console.print(f"… and {len(f) - limit} more (see the report files)")
