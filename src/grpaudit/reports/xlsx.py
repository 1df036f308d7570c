"""The Excel workbook HR opens: one sheet per report table, frozen headers, filters, sensible widths,
dates as real Excel dates, money as numbers in 元.

openpyxl in write-only mode streams rows to disk, so memory stays flat for
hundreds of thousands of findings (performance.md: 200k rows in 16 s;
xlsxwriter is faster but is one more dependency for a monthly report).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .data import ReportData, tables
from .labels import headers, label
from .safe import atomic_path, neutralise

MONEY_FORMAT = "#,##0.00"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
#: column width bounds, in Excel's character units
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def _text(col: pd.Series) -> pd.Series:
    """Text cells safe for a workbook: no formula starts, no XML-illegal control characters."""
    s = neutralise(col.astype("str"))
    return s.str.replace(ILLEGAL_CHARACTERS_RE.pattern, "", regex=True)


def _values(col: pd.Series) -> list:
    """A column as Python values openpyxl writes natively; None for NA (an empty cell)."""
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_localize(None)          # local wall time: Excel has no time zones
    if col.dtype.kind == "M":
        return [None if pd.isna(t) else t.to_pydatetime() for t in col]
    if col.dtype.kind in "biuf" or str(col.dtype) in ("Int64", "Int32", "Float64", "boolean"):
        return [None if pd.isna(v) else v.item() if hasattr(v, "item") else v for v in col.astype(object)]
    if col.dtype == object and col.map(lambda v: not isinstance(v, str) and pd.notna(v)).any():
        return [None if pd.isna(v) else v for v in col]        # summary values: numbers, dates, text
    return [None if pd.isna(v) else v for v in _text(col).astype(object)]


def _width(name: str, values: list) -> float:
    """Wide enough for the header and the longest of the first rows (CJK characters count twice)."""
    def w(v) -> int:
        s = str(v) if v is not None else ""
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s.split("\n")[0])
    sample = values[:200]
    return max(_MIN_WIDTH, min(_MAX_WIDTH, max([w(name), *map(w, sample)]) + 2))


def _sheet(wb: Workbook, title: str, df: pd.DataFrame, lang: str) -> None:
    ws = wb.create_sheet(title=title[:31])
    names = headers(df.columns, lang)
    cols = [_values(df[c]) for c in df.columns]
    formats = {}
    for i, c in enumerate(df.columns):
        if c == "fine_yuan":
            formats[i] = MONEY_FORMAT
        elif isinstance(df[c].dtype, pd.DatetimeTZDtype):
            formats[i] = TIME_FORMAT
        elif df[c].dtype.kind == "M":
            formats[i] = DATE_FORMAT
    for i, name in enumerate(names):
        ws.column_dimensions[get_column_letter(i + 1)].width = _width(name, cols[i])
    ws.freeze_panes = "A2"
    if len(df.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{len(df) + 1}"
    head = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, Alignment(vertical="top")
        head.append(cell)
    ws.append(head)
    for row in zip(*cols):
        if formats:
            row = list(row)
            for i, fmt in formats.items():
                if row[i] is not None:
                    cell = WriteOnlyCell(ws, value=row[i])
                    cell.number_format = fmt
                    row[i] = cell
        ws.append(row)


def write(data: ReportData, path: Path) -> Path:
    """The workbook at ``path`` (written beside it and moved into place)."""
    wb = Workbook(write_only=True)
    for key, df in tables(data).items():
        if key == "summary":
            df = df.assign(item=df["item"].map(lambda k: label(k, data.lang)))
        _sheet(wb, label(key, data.lang), df, data.lang)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
