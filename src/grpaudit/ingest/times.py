"""Column-wise time parsing for the many ways exports write a time.

Each function takes a whole column of strings and returns a whole column:
formats are tried one after another on the values still unparsed, so a
million rows cost a handful of vectorised passes, not a million calls.
"""
from __future__ import annotations

import pandas as pd

# Tried in order; the first that parses a value wins for that value.
_INSTANT_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y/%m/%d %I:%M:%S %p",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y.%m.%d %H:%M:%S",
)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _clean(s: pd.Series) -> pd.Series:
    s = s.astype("str")
    # U+202F (narrow no-break space) before AM/PM is what newer locales write;
    # U+00A0 comes from Excel copies. Both must read as a plain space.
    s = s.str.replace("\u202f", " ", regex=False).str.replace("\u00a0", " ", regex=False)
    return s.str.strip()


def _first_two_parts(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    parts = s.str.extract(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}")
    return pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")


def _dayfirst(s: pd.Series) -> bool:
    """Decide day-first vs month-first for 'a/b/YYYY' values, for the whole column.

    A first part above 12 can only be a day, a second part above 12 only a day
    too; when nothing tells, month-first (what English-locale Excel writes).
    """
    a, b = _first_two_parts(s)
    return bool((a > 12).any()) and not bool((b > 12).any())


def _epoch(s: pd.Series, tz: str) -> pd.Series:
    out = pd.Series(pd.NaT, index=s.index, dtype=pd.DatetimeTZDtype("ns", tz))
    digits = s.str.fullmatch(r"\d{9,13}(\.\d+)?").fillna(False).astype(bool)
    if digits.any():
        num = pd.to_numeric(s[digits], errors="coerce")
        ms = num >= 1e11
        if ms.any():
            out[ms[ms].index] = pd.to_datetime(num[ms], unit="ms", utc=True).dt.tz_convert(tz)
        if (~ms).any():
            out[ms[~ms].index] = pd.to_datetime(num[~ms], unit="s", utc=True).dt.tz_convert(tz)
    return out


def parse_instants(s: pd.Series, tz: str) -> pd.Series:
    """Parse text times to tz-aware instants; NaT where nothing fits.

    Accepts ``YYYY-MM-DD HH:MM[:SS]`` (and ``/``, ``.``, 年月日 forms), 12-hour
    ``AM``/``PM`` (with a narrow no-break space too), ISO 8601 with or without
    an offset, Unix seconds or milliseconds, and ``D/M/YYYY`` or ``M/D/YYYY``
    decided per column. Naive values are taken as ``tz``.
    """
    s = _clean(s)
    out = _epoch(s, tz)
    todo = out.isna() & s.ne("")
    naive = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for fmt in _INSTANT_FORMATS + _DATE_FORMATS:
        if not todo.any():
            break
        got = pd.to_datetime(s[todo], format=fmt, errors="coerce")
        ok = got.notna()
        if ok.any():
            naive[ok[ok].index] = got[ok].astype("datetime64[ns]")
            todo[ok[ok].index] = False
    if todo.any():
        sub = s[todo]
        fmt = "%d/%m/%Y" if _dayfirst(sub) else "%m/%d/%Y"
        for f in (fmt + " %H:%M:%S", fmt + " %H:%M", fmt + " %I:%M:%S %p", fmt):
            got = pd.to_datetime(s[todo].str.replace(r"[.-]", "/", regex=True), format=f, errors="coerce")
            ok = got.notna()
            if ok.any():
                naive[ok[ok].index] = got[ok].astype("datetime64[ns]")
                todo[ok[ok].index] = False
    if todo.any():
        # ISO 8601 with 'T' and/or an offset: values with an offset keep it.
        got = pd.to_datetime(s[todo], format="ISO8601", errors="coerce", utc=True)
        has_offset = s[todo].str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
        ok = got.notna()
        with_off = ok & has_offset
        if with_off.any():
            out[with_off[with_off].index] = got[with_off].dt.tz_convert(tz)
        without = ok & ~has_offset
        if without.any():
            naive[without[without].index] = got[without].dt.tz_localize(None).astype("datetime64[ns]")
    have = naive.notna()
    if have.any():
        out[have] = naive[have].dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    return out


def parse_dates(s: pd.Series) -> pd.Series:
    """Parse text dates (or date-times) to naive midnight dates; NaT where nothing fits."""
    s = _clean(s)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    todo = s.ne("") & s.notna()
    for fmt in _DATE_FORMATS + _INSTANT_FORMATS:
        if not todo.any():
            break
        got = pd.to_datetime(s[todo], format=fmt, errors="coerce")
        ok = got.notna()
        if ok.any():
            out[ok[ok].index] = got[ok].dt.normalize().astype("datetime64[ns]")
            todo[ok[ok].index] = False
    if todo.any():
        sub = s[todo]
        fmt = "%d/%m/%Y" if _dayfirst(sub) else "%m/%d/%Y"
        got = pd.to_datetime(sub.str.slice(0, 10).str.replace(r"[.-]", "/", regex=True), format=fmt,
                             errors="coerce")
        ok = got.notna()
        out[ok[ok].index] = got[ok].astype("datetime64[ns]")
        todo[ok[ok].index] = False
    if todo.any():
        got = pd.to_datetime(s[todo], format="ISO8601", errors="coerce", utc=True)
        ok = got.notna()
        out[ok[ok].index] = got[ok].dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
    return out
