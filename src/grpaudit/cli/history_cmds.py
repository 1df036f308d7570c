"""``grpaudit waive`` and ``grpaudit history``: appeals (申诉) upheld, and what the history holds."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..history import History, HistoryError


def waive_command(fingerprint: str, reason: str, by: str, history_path: Path, console: Console | None = None) -> int:
    """Mark a recorded finding as waived: it stays in reports, costs nothing, does not escalate. Exit 0, or 2."""
    console = console or Console()
    try:
        with History(history_path).session() as s:
            s.waive(fingerprint, reason, by)
    except HistoryError as exc:
        console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        return 2
    console.print(f"waived {fingerprint} ({by}: {reason})", markup=False, highlight=False)
    return 0


def history_command(history_path: Path, person: str | None = None, console: Console | None = None) -> int:
    """List the recorded runs, or one person's findings (roster id or name). Exit 0, or 2."""
    console = console or Console()
    if not Path(history_path).exists():
        console.print(f"no history at {history_path}", markup=False, highlight=False)
        return 2
    try:
        with History(history_path).session() as s:
            df = s.person(person) if person else s.runs()
    except HistoryError as exc:
        console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
        return 2
    table = Table(title=f"{person}: recorded findings" if person else "audit runs")
    for column in df.columns:
        table.add_column(str(column))
    for row in df.itertuples(index=False):
        # chat text and names are data, not rich markup
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    return 0
