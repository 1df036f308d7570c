"""Reports: each output format is one small module that only formats a ``ReportData``.

``write_all`` writes the chosen formats into ``--out``, and with
``split_by="department"`` one folder per department holding only that
department's people, so each head receives only their own staff.
"""
from __future__ import annotations

from pathlib import Path

from .. import forked
from . import csv_out, html, json_out, xlsx
from .data import ReportData, build, for_department
from .names import unique_names

FORMATS = ("xlsx", "csv", "json", "html")
SPLITS = ("department",)
#: Report rows from which the workbook is written in a forked process while this one writes the other
#: formats: xlsxwriter spends some microseconds per cell in Python, most of the reports' time on a
#: large month; below this, forking costs more than it saves.
PARALLEL_ROWS = 20_000


def write_all(data: ReportData, out_dir: Path, formats=FORMATS, split_by: str | None = None) -> list[Path]:
    """Write ``formats`` for the whole report, then per department when asked; return every path written.

    Each file is written under a temporary name and moved into place, so an
    interrupted run leaves no file that looks complete.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report format(s) {sorted(unknown)}; expected {', '.join(FORMATS)}")
    if split_by not in (None, *SPLITS):
        raise ValueError(f"--split-by {split_by!r}: expected one of {', '.join(SPLITS)}")
    out_dir = Path(out_dir)
    rest = [f for f in FORMATS if f in formats and f != "xlsx"]
    if "xlsx" in formats and rest and _rows(data) >= PARALLEL_ROWS and forked.available():
        with forked.beside(lambda: _write_each(data, out_dir, ["xlsx"], split_by)) as workbooks:
            others = _write_each(data, out_dir, rest, split_by)
        return workbooks.result() + others
    return _write_each(data, out_dir, formats, split_by)


def _rows(data: ReportData) -> int:
    """The rows of the workbook's large sheets (the others hold one row per group or department)."""
    return len(data.findings) + len(data.people) + (0 if data.charges is None else len(data.charges))


def _write_each(data: ReportData, out_dir: Path, formats, split_by: str | None) -> list[Path]:
    written = _write(data, out_dir, formats, "")
    if split_by == "department":
        names = unique_names(data.findings["department"].dropna())
        for dept, safe in names.items():
            written += _write(for_department(data, dept), out_dir / "departments" / safe, formats, f"-{safe}")
    return written


def _write(data: ReportData, out_dir: Path, formats, suffix: str) -> list[Path]:
    written = []
    if "xlsx" in formats:
        written.append(xlsx.write(data, out_dir / f"audit-{data.period}{suffix}.xlsx"))
    if "csv" in formats:
        written += csv_out.write(data, out_dir, suffix)
    if "json" in formats:
        written += json_out.write(data, out_dir, suffix)
    if "html" in formats:
        written.append(html.write(data, out_dir / f"audit-{data.period}{suffix}.html"))
    return written


__all__ = ["FORMATS", "ReportData", "build", "for_department", "write_all"]
