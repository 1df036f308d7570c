"""CSV and spreadsheet tables as all-text frames, with the line each row starts on.

Readers of tabular layouts (generic chat, member lists, rosters, registries)
share this: every cell is read as text so ids such as QQ numbers and 工号
keep their leading zeros, and each reader converts the columns it knows.
CSV goes through pyarrow, the only fast reader that handles quoted line
breaks; rows whose field count is wrong are returned as skips, not dropped.

The cell helpers at the bottom serve the readers of hand-kept tables
(rosters, member lists, registries): a missing column reads as all NA, a
value that is not a date or not a known word is a warning on a kept row, and
a row that cannot be kept becomes a skip.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .source import InputError, Skip, Source
from .textops import blank, byte_rows
from .times import parse_dates

#: Headers that mark a chat export (the generic chat reader's text column);
#: readers of other tables decline a file that has one.
TEXT_ALIASES = ("消息内容", "内容", "消息", "content", "text", "message")


def _norm_header(h: str) -> str:
    return re.sub(r"[\s_\-()（）]+", "", str(h)).lower()


def find_columns(header: list[str], aliases: dict[str, tuple[str, ...]],
                 mapping: dict[str, str] | None = None) -> dict[str, str]:
    """Map each field to the header that names it.

    ``aliases`` lists accepted header names per field (Chinese and English);
    matching ignores case, spaces, underscores, hyphens and brackets.
    ``mapping`` (field -> exact header, from the user) wins over aliases.
    Fields with no matching header are absent from the result.
    """
    by_norm = {}
    for h in header:
        by_norm.setdefault(_norm_header(h), h)
    found: dict[str, str] = {}
    for fld, names in aliases.items():
        if mapping and fld in mapping:
            if mapping[fld] not in header:
                raise KeyError(f"column mapping {fld}={mapping[fld]!r}: no such column "
                               f"(columns are {', '.join(header)})")
            found[fld] = mapping[fld]
            continue
        for name in names:
            h = by_norm.get(_norm_header(name))
            if h is not None:
                found[fld] = h
                break
    return found


def header_row(src: Source) -> list[str]:
    """First row of a CSV or workbook's first sheet; [] if the file is neither."""
    if src.is_excel:
        try:
            wb = _open_workbook(src)
        except Exception:
            return []
        ws = wb.worksheets[0]
        for row in ws.iter_rows(max_row=1, values_only=True):
            wb.close()
            return [("" if v is None else str(v)).strip() for v in row]
        wb.close()
        return []
    head = src.head(4096)
    first = head.splitlines()[0] if head else ""
    if "," not in first and "\t" not in first:
        return []
    delim = "\t" if first.count("\t") > first.count(",") else ","
    try:
        return [c.strip() for c in next(csv.reader([first], delimiter=delim))]
    except (csv.Error, StopIteration):
        return []


def _open_workbook(src: Source):
    import openpyxl
    return openpyxl.load_workbook(io.BytesIO(src.data), read_only=True, data_only=True)


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour or v.minute or v.second) else v.strftime("%Y-%m-%d")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _read_excel(src: Source) -> tuple[pd.DataFrame, np.ndarray, list[Skip]]:
    wb = _open_workbook(src)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = [_cell_text(v) for v in next(rows)]
    except StopIteration:
        wb.close()
        return pd.DataFrame(), np.array([], dtype=np.int32), []
    width = len(header)
    body, lines = [], []
    for i, row in enumerate(rows, start=2):
        cells = [_cell_text(v) for v in row[:width]]
        if not any(cells):
            continue        # Excel keeps formatted empty rows; they are not records
        body.append(cells + [""] * (width - len(cells)))
        lines.append(i)
    wb.close()
    df = pd.DataFrame(body, columns=header, dtype="str") if body else pd.DataFrame(columns=header, dtype="str")
    return df, np.asarray(lines, dtype=np.int32), []


def arrow_csv(src: Source, delimiter: str = ",", text: pa.DataType = pa.string()) -> pa.Table | None:
    """The rows after the header as Arrow text columns (empty cells ""), or None if any row is malformed.

    ``text`` is the columns' type (``pa.large_string()`` is what pandas'
    ``str`` holds). A row with the wrong number of fields or a blank line
    makes the result None: line numbers after such a row are only exact from
    a line-tracking parser (``read_table``), and such files are rare.

    When the file's first bytes say UTF-8, Arrow reads it straight from disk
    and checks the UTF-8 as it converts each value: the file is neither
    copied into memory first nor checked twice. If a later part is not UTF-8
    after all, the file is read again from its decoded text (``src.utf8``).
    """
    if src.likely_encoding in ("utf-8", "utf-8-sig") and not src.checked:
        try:
            if src.loaded:
                table = _parse_csv(src, pa.BufferReader(src.data), delimiter, text, check_utf8=True)
            else:
                with pa.OSFile(str(src.path)) as f:
                    table = _parse_csv(src, f, delimiter, text, check_utf8=True)
            src.confirm(src.likely_encoding)
            return table
        except _NotUtf8:
            pass
    # decoded (or already checked) text: no need to check it again
    return _parse_csv(src, pa.BufferReader(src.utf8), delimiter, text, check_utf8=False)


class _NotUtf8(Exception):
    pass


def _parse_csv(src: Source, stream, delimiter: str, text: pa.DataType, check_utf8: bool) -> pa.Table | None:
    names = [f"c{i}" for i in range(len(src.header))]
    bad: list[int | None] = []

    def on_invalid(row):
        bad.append(row.number)
        return "skip"

    try:
        table = pacsv.read_csv(
            stream,
            # Arrow skips a UTF-8 BOM itself
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            # A blank line must count as a (bad) row: pyarrow would otherwise
            # skip it silently and every later row's line number would be off.
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: text for n in names}, check_utf8=check_utf8,
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as exc:
        if check_utf8 and "invalid UTF8" in str(exc):
            raise _NotUtf8 from exc
        raise InputError(src.name, f"not a readable CSV: {exc}") from exc
    return None if bad else table


def _read_csv(src: Source) -> tuple[pd.DataFrame, np.ndarray, list[Skip]]:
    header = src.header
    if not header:
        raise InputError(src.name, "no header row", line=1)
    first = src.head(4096).splitlines()[0]
    delim = "\t" if first.count("\t") > first.count(",") else ","
    table = arrow_csv(src, delim, pa.large_string())
    if table is None:
        return _read_csv_exact(src, header, delim)
    df = table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)
    df.columns = header
    return df, record_lines(table.columns, table.num_rows), []


def record_lines(columns, n: int) -> np.ndarray:
    """The physical line each of ``n`` CSV records starts on (the header is line 1): 2 + its index
    + the line breaks inside the cells of earlier records, counted in ``columns`` (Arrow text)."""
    lines = np.arange(2, n + 2, dtype=np.int32)
    rows = np.concatenate([np.zeros(0, dtype=np.int64), *(byte_rows(col, "\n") for col in columns)])
    if len(rows):       # most files have no line break in any cell
        lines[1:] += np.cumsum(np.bincount(rows, minlength=n)[:n - 1]).astype(np.int32)
    return lines


def _read_csv_exact(src: Source, header: list[str], delim: str):
    rows, lines, skips = [], [], []
    reader = csv.reader(io.StringIO(src.text, newline=""), delimiter=delim)
    next(reader, None)
    start = reader.line_num + 1
    for rec in reader:
        if len(rec) != len(header):
            if any(c.strip() for c in rec):
                skips.append(Skip(start, f"{len(rec)} fields where the header has {len(header)}"))
        else:
            rows.append(rec)
            lines.append(start)
        start = reader.line_num + 1
    df = pd.DataFrame(rows, columns=header, dtype="str") if rows else pd.DataFrame(columns=header, dtype="str")
    return df, np.asarray(lines, dtype=np.int32), skips


def read_table(src: Source) -> tuple[pd.DataFrame, np.ndarray, list[Skip]]:
    """Read a CSV or spreadsheet as text columns named by its header.

    Returns (frame, start line of each row, skipped rows). Fully blank rows
    are not records and are not counted.
    """
    if src.is_excel:
        return _read_excel(src)
    df, lines, skips = _read_csv(src)
    if len(df):
        # Column by column, only the rows still blank so far are looked at: after the
        # first column there are usually none, so big files pay for one column, not all.
        cand = np.arange(len(df))
        for j in range(df.shape[1]):
            if not len(cand):
                break
            cells = pa.array(df.iloc[:, j])
            cand = cand[blank(cells.take(pa.array(cand)) if len(cand) < len(df) else cells)]
        if len(cand):
            keep = np.ones(len(df), dtype=bool)
            keep[cand] = False
            df, lines = df[keep].reset_index(drop=True), lines[keep]
    return df, lines, skips


# --- cells of hand-kept tables: rosters, member lists, registries -------------

def has_any(header: list[str], names: tuple[str, ...]) -> bool:
    """Whether any header is one of ``names`` (same matching as find_columns)."""
    return bool(find_columns(header, {"x": names}))


def cells(df: pd.DataFrame, cols: dict[str, str], field: str) -> pd.Series:
    """The field's column stripped, with empty cells as NA; all NA when the file lacks it."""
    if field not in cols:
        return pd.Series(np.nan, index=df.index, dtype="str")
    s = df[cols[field]].str.strip()
    return s.mask(s.eq(""))


def day_column(df: pd.DataFrame, cols: dict[str, str], field: str, label: str,
               lines: np.ndarray, warnings: list[Skip]) -> pd.Series:
    """Parse a date column; a non-empty cell that is no date is a warning and NaT.

    The row is kept: an employee without a readable 入职日期 is still an
    employee, and dropping them would turn each of their messages into an
    outsider's, while a missing date only leaves the date rules without it.
    Besides what ``times.parse_dates`` reads, this takes Excel serial day
    numbers (``46303`` is 2026-10-08), which a CSV saved from a sheet whose
    date column was formatted "General" holds.
    """
    raw = cells(df, cols, field)
    out = parse_dates(raw)
    serial = out.isna() & raw.str.fullmatch(r"[2-7]\d{4}(?:\.0+)?").fillna(False).astype(bool)
    if serial.any():
        days = pd.to_numeric(raw[serial]).astype("int64")
        out[serial] = pd.Timestamp("1899-12-30") + pd.to_timedelta(days, unit="D")
    warn_values(raw, (out.isna() & raw.notna()).to_numpy(), label, "is not a date; row kept without it",
                lines, warnings)
    return out


def map_values(raw: pd.Series, table: dict[str, str], label: str, unknown: str | None,
               lines: np.ndarray, warnings: list[Skip]) -> pd.Series:
    """Map a column through ``table`` (lower-cased keys); an unknown non-empty value
    becomes ``unknown`` (NA when None) with a warning, the row is kept."""
    got = raw.str.lower().map(table)
    bad = (got.isna() & raw.notna()).to_numpy()
    warn_values(raw, bad, label, f"is not a known value; taken as {unknown or 'unknown'}", lines, warnings)
    if unknown is not None:
        got = got.mask(bad, unknown)
    return got


def warn_values(raw: pd.Series, bad: np.ndarray, label: str, says: str, lines: np.ndarray,
                warnings: list[Skip]) -> None:
    """A warning on each row of ``bad``, which is kept: ``<label> '<value>' <says>``."""
    for i in np.flatnonzero(bad):
        warnings.append(Skip(int(lines[i]), f"{label} {raw.iloc[i]!r} {says}", "warning"))


def repeats(keys: pd.DataFrame, lines: pd.Series, what: pd.Series) -> pd.Series:
    """Skip reasons ``<what> repeats line N`` for rows whose keys repeat an earlier row's; NA elsewhere.

    The first row wins. Rows with an NA key repeat nothing.
    """
    complete = keys.notna().all(axis=1)
    first = lines.groupby([keys[c] for c in keys.columns], dropna=True, sort=False).transform("first")
    again = first.where(complete & keys.duplicated())
    reasons = pd.Series(np.nan, index=keys.index, dtype=object)
    reasons[again.notna()] = what + " repeats line " + again.astype("Int64").astype("str")
    return reasons


def drop_rows(out: pd.DataFrame, reasons: pd.Series, skipped: list[Skip], warnings: list[Skip]) -> pd.DataFrame:
    """Turn rows with a reason into (error) skips and return the others.

    Warnings about skipped rows are removed: each record is either a row
    (possibly with warnings) or a skip, never both.
    """
    bad = reasons.notna().to_numpy()
    for line, reason in zip(out["source_line"].to_numpy()[bad], reasons[bad]):
        skipped.append(Skip(int(line), reason))
    kept = set(out["source_line"].to_numpy()[~bad].tolist())
    warnings[:] = [w for w in warnings if w.line in kept]
    return out[~bad]
