"""Column-wise time parsing for the many ways exports write a time.

Each function takes a whole column of strings and returns a whole column:
formats are tried one after another on the values still unparsed, so a
million rows cost a handful of vectorised passes, not a million calls.
Each format is tried only on the values whose shape can fit it (see
``_Shapes``): a value that fails a format costs as much as one that parses,
so a column of 12-hour times would otherwise pay for every 24-hour format
first.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..textscan.regexsafe import arrow_text
from .columns import flags

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
# Literal marks of the formats. No directive reads one (the numbers read
# digits only, %p the letters AM/PM), so a value can only fit a format with
# as many of each mark as it has.
_MARKS = ("-", "/", ".", ":", "年")


class _Shapes:
    """Cheap whole-column tests that tell which formats a value can fit.

    A value fits a format only if it has the format's count of every mark
    the format uses, and ends in AM/PM exactly when the format ends in %p
    (``_clean`` has stripped trailing space). This is necessary, not
    sufficient, so trying a format only on these values changes no result:
    it skips values that would fail it. Each test is one Arrow pass, run
    when first needed.
    """

    def __init__(self, s: pd.Series):
        self._values = pa.array(s, pa.large_string())
        self._counts: dict[str, np.ndarray] = {}
        self._ampm: np.ndarray | None = None

    def fit(self, fmt: str, marks: tuple[str, ...] = _MARKS) -> np.ndarray:
        """Mask of the values that can fit ``fmt``, judged by ``marks`` only."""
        if self._ampm is None:
            ends = pc.or_(pc.ends_with(self._values, "m"), pc.ends_with(self._values, "M"))
            self._ampm = flags(ends)
        ok = self._ampm if fmt.endswith("%p") else ~self._ampm
        for mark in marks:
            if mark in fmt and ok.any():
                if mark not in self._counts:
                    self._counts[mark] = pc.fill_null(pc.count_substring(self._values, mark), -1).to_numpy()
                ok = ok & (self._counts[mark] == fmt.count(mark))
        return ok


def _first_fit(s: pd.Series, formats: tuple[str, ...], todo: np.ndarray, shapes: _Shapes,
               marks: tuple[str, ...] = _MARKS) -> pd.Series:
    """Parse the ``todo`` values with the first of ``formats`` that reads each; NaT elsewhere.

    ``todo`` is a mask of the values to parse; the values parsed are cleared from it.
    """
    out = np.full(len(s), np.datetime64("NaT"), dtype="datetime64[ns]")
    for fmt in formats:
        if not todo.any():
            break
        rows = todo & shapes.fit(fmt, marks)
        if not rows.any():
            continue
        got = _to_datetime(s[rows], fmt)
        ok = got.notna().to_numpy()
        if ok.any():
            at = np.flatnonzero(rows)[ok]
            out[at] = _in_range(got[ok]).astype("datetime64[ns]").to_numpy()
            todo[at] = False
    return pd.Series(out, index=s.index)


def _in_range(got: pd.Series) -> pd.Series:
    """NaT for years a nanosecond timestamp cannot hold (a typed "3026" is a bad cell, not a crash)."""
    return got.where(got.dt.year.between(1678, 2261))


def _to_datetime(values: pd.Series, fmt: str) -> pd.Series:
    """``pd.to_datetime(values, format=fmt, errors="coerce")``, faster for 12-hour formats.

    pandas reads ISO-like formats in C but formats with %p through its
    regex strptime, about ten times slower. A 12-hour value of the plain
    shape ``_twelve_hour_shape`` describes is read with the 24-hour twin of
    the format, without its AM/PM, and moved by 12 hours where due: the same
    result (tests/ingest/test_times.py compares the two over a grid of
    values). Other values take the format itself.
    """
    if not fmt.endswith(" %p"):
        return pd.to_datetime(values, format=fmt, errors="coerce")
    arr = pa.array(values, pa.large_string())
    plain = flags(pc.match_substring_regex(arr, _twelve_hour_shape(fmt)))
    if not plain.any():
        return pd.to_datetime(values, format=fmt, errors="coerce")
    arr = arr.filter(pa.array(plain))
    clock = pd.to_datetime(pd.Series(pc.utf8_slice_codeunits(arr, 0, -3), index=values.index[plain], dtype="str"),
                           format=fmt[:-3].replace("%I", "%H"), errors="coerce")
    # 12:xx AM is just after midnight, 1–11 PM are 13–23 and 12:xx PM is noon.
    pm = flags(pc.is_in(pc.utf8_slice_codeunits(arr, -2, -1), pa.array(["P", "p"])))
    noon = (clock.dt.hour == 12).to_numpy()
    clock += pd.to_timedelta(np.where(pm, 12, 0) - np.where(noon, 12, 0), unit="h")
    if plain.all():
        return clock
    return pd.concat([clock, pd.to_datetime(values[~plain], format=fmt, errors="coerce")]).sort_index()


def _twelve_hour_shape(fmt: str) -> str:
    """RE2 pattern of the values of a 12-hour ``fmt`` that its 24-hour twin reads alike.

    ASCII digits, single spaces, a year from 1000, the hour 1–12 and
    two-digit minutes and seconds below 60; anything else (year 0, two
    spaces, 60 seconds, full-width digits…) is left to the %p format, as
    the twin reads some of those differently.
    """
    fields = {"%Y": r"[1-9]\d{3}", "%m": r"\d{1,2}", "%d": r"\d{1,2}", "%I": "(?:0?[1-9]|1[0-2])",
              "%M": "[0-5][0-9]", "%S": "[0-5][0-9]", "%p": "[AaPp][Mm]"}
    return "^" + re.sub("%[A-Za-z]", lambda m: fields[m.group()], re.escape(fmt)) + "$"


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


# Day number (from 1970-01-01) of the first of each month in the years ``_in_range`` keeps, and its length.
_FIRST_YEAR, _LAST_YEAR = 1678, 2261
_MONTHS = (np.arange((_FIRST_YEAR - 1970) * 12, (_LAST_YEAR + 1 - 1970) * 12 + 1).astype("datetime64[M]")
           .astype("datetime64[D]").astype(np.int64))
_MONTH_START, _MONTH_DAYS = _MONTHS[:-1], np.diff(_MONTHS)


def _plain(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(mask, naive datetime64[ns]) of the values written exactly ``YYYY-MM-DD HH:MM:SS``.

    Most exports write every time this way, and reading the digits straight
    from the Arrow bytes is many times faster than the format search. Only
    values that the first of ``_INSTANT_FORMATS`` reads, with a year
    ``_in_range`` keeps, are taken (a valid calendar day, hours below 24,
    minutes and seconds below 60): these read the same either way. Anything
    else, including a typo such as 02-30, is left to the format search.
    """
    n = len(s)
    none = np.zeros(n, dtype=bool), np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if not n or not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"):
        return none
    arr = arrow_text(s)
    rows = flags(pc.equal(pc.binary_length(arr), 19))
    if not rows.any():
        return none
    # The values of 19 bytes, back to back: one row of a byte matrix each.
    if not rows.all():
        arr = arr.filter(pa.array(rows))
    _, offsets, data = arr.buffers()
    start = int(np.frombuffer(offsets, dtype=np.int64, count=1, offset=arr.offset * 8)[0])
    b = np.frombuffer(data, dtype=np.uint8, count=19 * len(arr), offset=start).reshape(-1, 19)
    ok = np.ones(len(b), dtype=bool)
    for i, mark in zip((4, 7, 10, 13, 16), b"-- ::"):
        ok &= b[:, i] == mark

    def number(*at: int) -> np.ndarray:
        # straight from the byte columns: no digit matrix to build and transpose
        out = np.zeros(len(b), dtype=np.int32)
        for i in at:
            digit = b[:, i] - np.uint8(48)      # a byte below '0' wraps round to a large number
            ok[:] &= digit < 10
            out *= 10
            out += digit
        return out

    year, month, day = number(0, 1, 2, 3), number(5, 6), number(8, 9)
    hour, minute, second = number(11, 12), number(14, 15), number(17, 18)
    ok &= ((year >= _FIRST_YEAR) & (year <= _LAST_YEAR) & (month >= 1) & (month <= 12)
           & (hour < 24) & (minute < 60) & (second < 60))
    at = np.where(ok, (year - _FIRST_YEAR) * 12 + month - 1, 0)
    ok &= (day >= 1) & (day <= _MONTH_DAYS[at])
    seconds = (_MONTH_START[at] + day - 1) * 86400 + hour * 3600 + minute * 60 + second
    ns = seconds * 1_000_000_000
    ns[~ok] = np.iinfo(np.int64).min        # NaT
    if rows.all():
        return ok, ns.view("datetime64[ns]")
    taken, out = none
    taken[rows], out[rows] = ok, ns.view("datetime64[ns]")
    return taken, out


def parse_instants(s: pd.Series, tz: str) -> pd.Series:
    """Parse text times to tz-aware instants; NaT where nothing fits.

    Accepts ``YYYY-MM-DD HH:MM[:SS]`` (and ``/``, ``.``, 年月日 forms), 12-hour
    ``AM``/``PM`` (with a narrow no-break space too), ISO 8601 with or without
    an offset, Unix seconds or milliseconds, and ``D/M/YYYY`` or ``M/D/YYYY``
    decided per column. Naive values are taken as ``tz``.
    """
    taken, naive = _plain(s)
    if not taken.any():
        return _parse_instants(s, tz)
    out = pd.Series(pd.DatetimeIndex(naive).tz_localize(tz, ambiguous="NaT", nonexistent="NaT"), index=s.index)
    if not taken.all():
        # Each value is read on its own (the day-first choice looks only at values
        # no format read, never at these), so the rest read alike without them.
        out.iloc[np.flatnonzero(~taken)] = _parse_instants(s[~taken], tz).array
    return out


def _parse_instants(s: pd.Series, tz: str) -> pd.Series:
    index = s.index
    s = _clean(s).reset_index(drop=True)
    out = _epoch(s, tz)
    todo = (out.isna() & s.ne("")).to_numpy(dtype=bool, copy=True)
    shapes = _Shapes(s)
    naive = _first_fit(s, _INSTANT_FORMATS + _DATE_FORMATS, todo, shapes)
    if todo.any():
        fmt = "%d/%m/%Y" if _dayfirst(s[todo]) else "%m/%d/%Y"
        slashed = s.copy()
        slashed[todo] = s[todo].str.replace(r"[.-]", "/", regex=True)
        # The date marks differ once replaced; the time's still tell the formats apart.
        again = _first_fit(slashed, (fmt + " %H:%M:%S", fmt + " %H:%M", fmt + " %I:%M:%S %p", fmt), todo,
                           shapes, marks=(":",))
        naive = naive.fillna(again)
    if todo.any():
        # ISO 8601 with 'T' and/or an offset: values with an offset keep it.
        got = _in_range(pd.to_datetime(s[todo], format="ISO8601", errors="coerce", utc=True))
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
    return out.set_axis(index)


def parse_dates(s: pd.Series) -> pd.Series:
    """Parse text dates (or date-times) to naive midnight dates; NaT where nothing fits."""
    index = s.index
    s = _clean(s).reset_index(drop=True)
    todo = (s.ne("") & s.notna()).to_numpy(dtype=bool, copy=True)
    out = _first_fit(s, _DATE_FORMATS + _INSTANT_FORMATS, todo, _Shapes(s)).dt.normalize()
    if todo.any():
        sub = s[todo]
        fmt = "%d/%m/%Y" if _dayfirst(sub) else "%m/%d/%Y"
        got = pd.to_datetime(sub.str.slice(0, 10).str.replace(r"[.-]", "/", regex=True), format=fmt,
                             errors="coerce")
        ok = got.notna()
        out[ok[ok].index] = _in_range(got[ok]).astype("datetime64[ns]")
        todo[ok[ok].index] = False
    if todo.any():
        got = _in_range(pd.to_datetime(s[todo], format="ISO8601", errors="coerce", utc=True))
        ok = got.notna()
        out[ok[ok].index] = got[ok].dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
    return out.set_axis(index)
