"""The terminal summary of an audit: what an officer reads first."""
from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table

from ..audit import AuditResult


def render(res: AuditResult, console: Console, top: int = 10) -> None:
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
