"""``grpaudit calendar 2026-10``: one month as the audit sees it.

Holidays, adjusted workdays (调休) and the policy's overrides are marked on a
Monday-first grid, followed by the working and quiet hours and any warning about
years chinese-calendar does not cover.
"""
from __future__ import annotations

import re

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..workcal import CalendarConfig, WorkCalendar

_WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")
LEGEND = ("休 holiday · 班 adjusted workday (调休) · "
          "公司休 / 公司班 the policy's extra day off / workday · grey: weekend rest")


def _month(text: str) -> tuple[int, int]:
    from .app import UsageError  # here, not at import time: app imports this module

    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text)
    if not m or not 1 <= int(m[2]) <= 12:
        raise UsageError(f"month {text!r}: expected YYYY-MM, e.g. 2026-10")
    return int(m[1]), int(m[2])


def _cell(day) -> Text:
    """A day's number and, below it, why it is (not) a working day."""
    if day.override == "extra_holiday":
        return Text(f"{day.date.day}\n公司休", style="bold magenta")
    if day.override == "extra_workday":
        return Text(f"{day.date.day}\n公司班", style="bold cyan")
    if day.adjusted:
        return Text(f"{day.date.day}\n班 调休", style="bold yellow")
    if not day.workday and isinstance(day.holiday, str):
        return Text(f"{day.date.day}\n休 {day.holiday}", style="bold red")
    return Text(f"{day.date.day}\n", style="" if day.workday else "dim")


def _span(a, b) -> str:
    return f"{a:%H:%M}–{b:%H:%M}"


def calendar_command(month: str, policy_calendar: CalendarConfig | None) -> Group:
    """The month ``YYYY-MM`` under the policy's calendar (the defaults when None)."""
    year, mon = _month(month)
    config = policy_calendar or CalendarConfig()
    cal = WorkCalendar(config)
    days = cal.month_table(year, mon)

    grid = Table(title=f"{year}-{mon:02d}", show_lines=True)
    for name in _WEEKDAYS:
        grid.add_column(name, justify="left", min_width=8)
    row: list[Text] = [Text("")] * int(days["weekday"].iloc[0])
    for day in days.itertuples(index=False):
        row.append(_cell(day))
        if len(row) == 7:
            grid.add_row(*row)
            row = []
    if row:
        grid.add_row(*row, *[Text("")] * (7 - len(row)))

    work = int(days["workday"].sum())
    hours = ", ".join(_span(a, b) for a, b in config.working_hours) or "none"
    quiet = _span(*config.quiet_hours) if config.quiet_hours else "none"
    lines = [
        grid,
        Text(LEGEND, style="dim"),
        Text(f"{work} working days, {len(days) - work} rest days · working hours {hours} · quiet hours {quiet}"),
    ]
    lines += [Text.assemble(("warning", "yellow"), f": {w}") for w in cal.warnings]
    return Group(*lines)
