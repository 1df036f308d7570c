"""The terminal summary of an audit: what an officer reads first, and what cron mails."""
from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from ..audit import AuditResult
from ..rules import CATEGORIES
from .data import ReportData, quality_lines, yuan


def render(res: AuditResult, console: Console, top: int = 10) -> None:
    """The detailed listing of an audit result (by rule, then each finding)."""
    f = res.findings
    console.print(f"[bold]Audit {res.start} → {res.end}[/bold] · policy {res.policy.path} · "
                  f"{len(res.dataset.messages):,} messages in {res.dataset.messages['group_id'].nunique()} groups")
    if f.empty:
        console.print("[green]No findings.[/green]")
    else:
        t = Table(title=f"{len(f)} findings by rule")
        for col in ("rule", "category", "severity", "findings", "people", "groups"):
            t.add_column(col, justify="right" if col in ("findings", "people", "groups") else "left")
        by = f.groupby(["rule", "category"], observed=True).agg(
            severity=("severity", "max"), findings=("rule", "size"),
            people=("person_name", "nunique"), groups=("group_id", "nunique")).reset_index()
        for r in by.itertuples(index=False):
            t.add_row(r.rule, r.category, str(r.severity), str(r.findings), str(r.people), str(r.groups))
        console.print(t)
        d = Table(title="Findings")
        for col in ("rule", "group", "person", "date", "what"):
            d.add_column(col, overflow="fold")
        for r in f.head(50).itertuples(index=False):
            d.add_row(r.rule, r.group_name or "", r.person_name or "",
                      "" if pd.isna(r.date) else f"{r.date:%Y-%m-%d}", r.message)
        console.print(d)
        if len(f) > 50:
            console.print(f"… and {len(f) - 50} more (see the report files)")
    dq = data_quality_lines(res)
    if dq:
        console.print("[bold yellow]Data quality[/bold yellow]")
        for line in dq:
            console.print(f"  • {line}", highlight=False)


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
        for r in df.head(top).itertuples(index=False):
            fine = "" if pd.isna(r.fine_fen) else f"{r.fine_fen / 100:,.2f}"
            t.add_row(getattr(r, name) or "", str(r.findings), fine, "" if pd.isna(r.points) else str(r.points))
        console.print(t)
    dq = quality_lines(data)
    if dq:
        console.print("[bold yellow]Data quality[/bold yellow]")
        for line in dq:
            console.print(f"  • {line}", highlight=False)


def data_quality_lines(res: AuditResult) -> list[str]:
    ds = res.dataset
    out = list(res.warnings)
    errors = [s for f in ds.files for s in f.skipped if s.level == "error"]
    if errors:
        out.append(f"{len(errors)} records could not be parsed and were skipped (see grpaudit inspect)")
    ids = ds.identities
    unresolved = int((ids["status"] == "unresolved").sum())
    ambiguous = int((ids["status"] == "ambiguous").sum())
    if unresolved or ambiguous:
        out.append(f"{unresolved} unresolved and {ambiguous} ambiguous identities")
    dups = sum(ds.duplicates.values())
    if dups:
        out.append(f"{dups} duplicate rows from overlapping exports merged")
    return out
