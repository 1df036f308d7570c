"""One CSV per report table, for HR's Excel: UTF-8 with BOM (Excel on Chinese Windows reads
it right), headers in the report's language, formulas neutralised, money in 元 with two decimals."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from .data import ReportData, tables
from .labels import headers, label
from .safe import atomic_path, neutralise_frame

#: file stem of each table; ``findings-<period>.csv`` is the name the audit command has always written
STEMS = {"summary": "summary", "sheet_findings": "findings", "sheet_people": "people", "sheet_groups": "groups",
         "sheet_departments": "departments", "sheet_charges": "charges", "sheet_quality": "data-quality",
         "sheet_manual": "manual-checklist"}


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Times as local ``YYYY-MM-DD HH:MM:SS`` and dates as ``YYYY-MM-DD``: what Excel parses as dates in every locale."""
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.DatetimeTZDtype):
            out[c] = out[c].dt.strftime("%Y-%m-%d %H:%M:%S")
        elif out[c].dtype.kind == "M":
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    return out


def write(data: ReportData, out_dir: Path, suffix: str = "") -> list[Path]:
    """Write every table as ``<table>-<period><suffix>.csv`` in ``out_dir``; return the paths."""
    written = []
    for key, df in tables(data).items():
        df = as_text(df)
        if key == "summary":
            df["item"] = df["item"].map(lambda k: label(k, data.lang))
        df.columns = headers(df.columns, data.lang)
        path = Path(out_dir) / f"{STEMS[key]}-{data.period}{suffix}.csv"
        with atomic_path(path) as tmp:
            # Quote every field: pandas leaves a lone CR unquoted, and Excel would split the row there.
            neutralise_frame(df).to_csv(tmp, index=False, encoding="utf-8-sig", float_format="%.2f",
                                        quoting=csv.QUOTE_ALL)
        written.append(path)
    return written
