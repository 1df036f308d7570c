"""China's working calendar as the audit sees it.

Working days come from ``chinese-calendar`` (statutory holidays and the
adjusted working days, 调休), then the policy's overrides (extra days off,
extra workdays). Working hours and quiet hours are the policy's.

``chinese-calendar`` only knows the years it was released with (1.11: 2004–2026)
and raises ``NotImplementedError`` for any other. Such a year is not an error
here: its working days fall back to Monday–Friday plus the overrides, every
answer that touched it says so in ``WorkCalendar.warnings``, and the questions
that walk over days (``add_workdays``, ``covered_between``) report per row
whether every day they walked was covered, so a finding can carry the doubt.

Calendar questions are per day: the class keeps a table of day flags for whole
years (built once, grown when a question reaches further) and answers column
questions by indexing that table with day numbers, never one library call per
message. Times of day are wall-clock times in the calendar's zone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version

import chinese_calendar as cc
import numpy as np
import pandas as pd

from .model import DEFAULT_TZ

CC_VERSION = version("chinesecalendar")

_HOLIDAY_ZH = {h.value: h.chinese for h in cc.Holiday}
_MINUTE = np.timedelta64(1, "m")
# A year of working days, rounded down: how far to grow the table per missing year.
_WORKDAYS_PER_YEAR = 200


@dataclass(frozen=True)
class CalendarConfig:
    """The policy's calendar section, already validated."""
    extra_holidays: tuple[dt.date, ...] = ()
    extra_workdays: tuple[dt.date, ...] = ()
    #: working periods within a working day, e.g. ((09:00, 12:00), (13:30, 18:00))
    working_hours: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(18)))
    #: quiet hours, may wrap midnight, e.g. (22:00, 07:00); None for none
    quiet_hours: tuple[dt.time, dt.time] | None = (dt.time(22), dt.time(7))


def _minutes(t: dt.time) -> float:
    return t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 60e6


def _day_number(d: dt.date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def _year_start(year: int) -> int:
    return _day_number(dt.date(year, 1, 1))


@lru_cache(maxsize=None)
def _cc_year(year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """chinese-calendar's (workday, holiday name in Chinese, in lieu) for every day of
    ``year``, or None when the installed release has no data for it."""
    first = dt.date(year, 1, 1)
    n = (dt.date(year + 1, 1, 1) - first).days
    work, lieu = np.zeros(n, bool), np.zeros(n, bool)
    names = np.full(n, None, object)
    try:
        for i in range(n):
            day = first + dt.timedelta(i)
            holiday, name = cc.get_holiday_detail(day)
            work[i], lieu[i] = not holiday, cc.is_in_lieu(day)
            # An adjusted workday carries the name of the holiday it pays for.
            names[i] = _HOLIDAY_ZH.get(name, name)
    except NotImplementedError:
        return None
    return work, names, lieu


class _Times:
    """Instants or dates parsed once: local day numbers and wall-clock minutes."""

    def __init__(self, values, tz: str):
        self.scalar = not isinstance(values, (pd.Series, pd.Index, np.ndarray, list, tuple))
        s = pd.Series([values]) if self.scalar else pd.Series(values)
        if not (isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(s.dtype)):
            s = pd.to_datetime(s)
        self.tz = tz
        #: the input as instants in ``tz`` when it had a zone (wall times may repeat in DST zones)
        self.aware = s.dt.tz_convert(tz) if isinstance(s.dtype, pd.DatetimeTZDtype) else None
        if self.aware is not None:
            s = self.aware.dt.tz_localize(None)
        self.index = s.index
        self.wall = s.to_numpy()
        self.valid = ~np.isnat(self.wall)
        midnight = self.wall.astype("datetime64[D]")
        self.day = np.where(self.valid, midnight.astype(np.int64), 0)
        self.tod = np.where(self.valid, (self.wall - midnight) / _MINUTE, 0.0)

    def instants(self) -> pd.Series:
        """The input as tz-aware instants in ``tz``."""
        if self.aware is not None:
            return self.aware
        return _localize(pd.Series(self.wall, index=self.index), self.tz)

    def wrap(self, values: np.ndarray, fill, valid: np.ndarray | None = None):
        """A Series on the input's index (a scalar for a scalar input); rows not ``valid``
        (default: the input's own missing values) get ``fill``."""
        valid = self.valid if valid is None else valid
        values = np.where(valid, values, np.datetime64("NaT") if values.dtype.kind == "M" else fill)
        if self.scalar:
            v = values[0]
            if values.dtype.kind == "M":
                return pd.Timestamp(v)
            return v.item() if isinstance(v, np.generic) else v
        return pd.Series(values, index=self.index)


def _localize(wall: pd.Series, tz: str) -> pd.Series:
    """Naive wall-clock times as instants in ``tz``; a repeated wall time (DST ends) is
    its first occurrence, a skipped one (DST starts) moves forward."""
    return wall.dt.tz_localize(tz, ambiguous=np.ones(len(wall), bool), nonexistent="shift_forward")


class WorkCalendar:
    """Working days, working hours and quiet hours for one policy, in one time zone.

    Inputs are pandas Series (or scalars) of tz-aware instants, which are read in
    ``tz``, or of naive dates/datetimes, which are taken as local wall-clock
    values. Missing values (NaT) answer False, NaT or NaN.
    """

    def __init__(self, config: CalendarConfig | None = None, tz: str = DEFAULT_TZ):
        self.config = config = config or CalendarConfig()
        self.tz = tz
        both = set(config.extra_holidays) & set(config.extra_workdays)
        if both:
            listed = ", ".join(sorted(map(str, both)))
            raise ValueError(f"calendar: {listed} listed both as extra holiday and extra workday")
        periods = [(_minutes(a), _minutes(b)) for a, b in config.working_hours]
        for (a, b), (a2, _) in zip(periods, periods[1:] + [(24 * 60, None)]):
            if not a < b <= a2:
                raise ValueError("calendar: working hours must be increasing, non-overlapping periods within a day, "
                                 f"got {[(str(x), str(y)) for x, y in config.working_hours]}")
        if config.quiet_hours is not None and config.quiet_hours[0] == config.quiet_hours[1]:
            raise ValueError("calendar: quiet hours start and end at the same time")
        self._p_start = np.array([a for a, _ in periods], float)
        self._p_len = np.array([b - a for a, b in periods], float)
        self._p_cum = np.cumsum(self._p_len)  # working minutes at the end of each period
        self._day_minutes = float(self._p_len.sum())
        self._overrides = ({_day_number(d): "extra_holiday" for d in config.extra_holidays}
                           | {_day_number(d): "extra_workday" for d in config.extra_workdays})
        self._warned: set[int] = set()
        self._years = (0, -1)  # the table holds years _years[0] … _years[1]

    # ---- the day table ---------------------------------------------------

    def _ensure(self, first_day: int, last_day: int) -> None:
        """Grow the table to whole years covering ``first_day`` … ``last_day``."""
        y0 = int(np.datetime64(first_day, "D").astype("datetime64[Y]").astype(int)) + 1970
        y1 = int(np.datetime64(last_day, "D").astype("datetime64[Y]").astype(int)) + 1970
        if self._years[0] <= y0 and y1 <= self._years[1]:
            return
        if self._years[1] >= self._years[0]:
            y0, y1 = min(y0, self._years[0]), max(y1, self._years[1])
        self._build(y0, y1)

    def _build(self, y0: int, y1: int) -> None:
        self._years, self._lo = (y0, y1), _year_start(y0)
        days = np.arange(self._lo, _year_start(y1 + 1))
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
        work, lieu, cov = weekday < 5, np.zeros(len(days), bool), np.zeros(len(days), bool)
        names = np.full(len(days), None, object)
        year = np.zeros(len(days), np.int32)
        for y in range(y0, y1 + 1):
            sl = slice(_year_start(y) - self._lo, _year_start(y + 1) - self._lo)
            year[sl] = y
            flags = _cc_year(y)
            if flags is not None:
                work[sl], names[sl], lieu[sl] = flags
                cov[sl] = True
        adjusted = work & (weekday >= 5)
        override = np.full(len(days), None, object)
        for d, kind in self._overrides.items():
            if self._lo <= d < self._lo + len(days):
                override[d - self._lo] = kind
                work[d - self._lo] = kind == "extra_workday"
        self._weekday, self._work, self._names, self._lieu = weekday, work, names, lieu
        self._adjusted, self._override, self._cov, self._year = adjusted, override, cov, year
        # Cumulative counts, inclusive of the day, turn walks over days into lookups.
        self._cwork = np.cumsum(work)
        self._cunc = np.cumsum(~cov)
        self._cmin = np.cumsum(work * self._day_minutes)

    def _grow_until(self, total, target: float, per_year: float) -> None:
        """Grow the table forward until ``total()``, a cumulative column, reaches ``target``.

        Every year has working days (uncovered ones have Monday–Friday), so this ends.
        """
        while total()[-1] < target:
            missing = target - total()[-1]
            self._build(self._years[0], self._years[1] + max(1, int(missing // per_year)))

    def _at(self, *times: _Times) -> list[np.ndarray]:
        """Table indices of each parsed column's days, growing the table to hold them all."""
        days = np.concatenate([t.day[t.valid] for t in times])
        if len(days):
            self._ensure(int(days.min()), int(days.max()))
        elif self._years[1] < self._years[0]:
            # Nothing valid to look up, but indexing needs a table: any year will do.
            self._build(1970, 1970)
        return [np.where(t.valid, t.day - self._lo, 0) for t in times]

    def _note(self, rows: np.ndarray) -> None:
        """Remember a warning for each uncovered year among the table rows ``rows``."""
        unc = ~self._cov[rows]
        if unc.any():
            self._warned.update(int(y) for y in np.unique(self._year[rows[unc]]))

    def _note_spans(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Whether every day from row i to row j (inclusive, i ≤ j) is covered; warns for the rest."""
        uncovered = self._cunc[j] - self._cunc[i] + ~self._cov[i]
        if uncovered.any():
            ys, ye = self._year[i[uncovered > 0]], self._year[j[uncovered > 0]]
            for y in np.unique(self._year[~self._cov]):
                if ((ys <= y) & (y <= ye)).any():
                    self._warned.add(int(y))
        return uncovered == 0

    @property
    def warnings(self) -> list[str]:
        """One sentence per uncovered year that an answer depended on, oldest first."""
        return [f"chinese-calendar {CC_VERSION} has no data for {y}: weekends and the policy's overrides "
                f"are used for {y}" for y in sorted(self._warned)]

    # ---- days ------------------------------------------------------------

    def is_workday(self, dates):
        """True on working days (chinese-calendar, else Monday–Friday; then the overrides)."""
        t = _Times(dates, self.tz)
        (i,) = self._at(t)
        self._note(i[t.valid])
        return t.wrap(self._work[i], False)

    def is_nonworking_day(self, ts):
        """True on weekends, holidays and the policy's extra days off (not counting adjusted workdays)."""
        t = _Times(ts, self.tz)
        (i,) = self._at(t)
        self._note(i[t.valid])
        return t.wrap(~self._work[i], False)

    def covered(self, dates):
        """True where chinese-calendar has data for the day's year (the check itself never warns)."""
        t = _Times(dates, self.tz)
        (i,) = self._at(t)
        return t.wrap(self._cov[i], False)

    def covered_between(self, start, end):
        """True where chinese-calendar covers every day from start's day to end's day (in either order)."""
        a, b = _Times(start, self.tz), _Times(end, self.tz)
        i, j = self._at(a, b)
        valid = a.valid & b.valid
        ok = np.zeros(len(i), bool)
        ok[valid] = self._note_spans(np.minimum(i, j)[valid], np.maximum(i, j)[valid])
        return a.wrap(ok, False, valid)

    def add_workdays(self, dates, n: int):
        """The date ``n`` working days after each date, and whether every day walked was covered.

        Counting starts the day after: 3 working days after Thu 2026-10-08 are
        10-09, the adjusted Saturday 10-10 and Mon 10-12, so the answer is 10-12;
        "within 2 working days" of leaving on Fri 10-16 ends on Tue 10-20. The date
        is the last day allowed (its end is the deadline). ``n`` = 0 gives the date
        itself. Returns naive midnight dates and a bool, both Series (or scalars).
        """
        if n < 0:
            raise ValueError(f"add_workdays: n must be ≥ 0, got {n}")
        t = _Times(dates, self.tz)
        (i,) = self._at(t)
        target = self._cwork[i] + n
        self._grow_until(lambda: self._cwork, int(target.max(initial=0)), _WORKDAYS_PER_YEAR)
        j = np.searchsorted(self._cwork, target, "left") if n else i
        ok = self._note_spans(i[t.valid], j[t.valid])
        covered = np.zeros(len(i), bool)
        covered[t.valid] = ok
        out = (j + self._lo).astype("datetime64[D]").astype("datetime64[ns]")
        deadline = t.wrap(out, None)
        if t.scalar:
            deadline = None if pd.isna(deadline) else deadline.date()
        return deadline, t.wrap(covered, False)

    # ---- hours -----------------------------------------------------------

    def _worked(self, tod: np.ndarray) -> np.ndarray:
        """Working minutes from midnight to the wall-clock minute ``tod`` on a working day."""
        return np.clip(tod[:, None] - self._p_start, 0, self._p_len).sum(axis=1)

    def _clock(self, t: _Times, i: np.ndarray) -> np.ndarray:
        """Working minutes from the table's first day to each instant."""
        before = self._cmin[i] - self._work[i] * self._day_minutes
        return before + self._work[i] * self._worked(t.tod)

    def in_working_hours(self, ts):
        """True for instants inside a working period ([start, end)) of a working day."""
        t = _Times(ts, self.tz)
        (i,) = self._at(t)
        self._note(i[t.valid])
        inside = ((t.tod[:, None] >= self._p_start) & (t.tod[:, None] < self._p_start + self._p_len)).any(axis=1)
        return t.wrap(self._work[i] & inside, False)

    def in_quiet_hours(self, ts):
        """True for instants inside the quiet hours ([start, end), wrapping midnight when start > end).

        A matter of the clock only: combine with ``is_nonworking_day`` for rest days.
        """
        t = _Times(ts, self.tz)
        if self.config.quiet_hours is None:
            return t.wrap(np.zeros(len(t.tod), bool), False)
        a, b = map(_minutes, self.config.quiet_hours)
        quiet = (t.tod >= a) & (t.tod < b) if a < b else (t.tod >= a) | (t.tod < b)
        return t.wrap(quiet, False)

    def working_minutes_between(self, start, end):
        """Minutes of working time from ``start`` to ``end`` (negative when end is earlier).

        The clock runs only inside working periods of working days, like a
        service-desk SLA calendar. Spans over uncovered years add a warning; ask
        ``covered_between`` to flag the rows themselves.
        """
        a, b = _Times(start, self.tz), _Times(end, self.tz)
        i, j = self._at(a, b)
        valid = a.valid & b.valid
        self._note_spans(np.minimum(i, j)[valid], np.maximum(i, j)[valid])
        return a.wrap(self._clock(b, j) - self._clock(a, i), np.nan, valid)

    def add_working_minutes(self, start, minutes):
        """The instant at which ``minutes`` of working time have passed since ``start``.

        The earliest such instant: 5 minutes from 17:55 with hours ending 18:00 is
        18:00 that day, 20 minutes is 09:15 on the next working day. 0 minutes is
        ``start`` itself. Returns tz-aware instants in the calendar's zone; walks
        into uncovered years add a warning (``covered_between`` flags the rows).
        """
        t = _Times(start, self.tz)
        minutes = np.broadcast_to(np.asarray(minutes, float), t.tod.shape)
        if (minutes < 0).any():
            raise ValueError("add_working_minutes: minutes must be ≥ 0")
        if self._day_minutes == 0 and (minutes > 0).any():
            raise ValueError("add_working_minutes: the policy has no working hours")
        (i,) = self._at(t)
        target = self._clock(t, i) + minutes
        per_year = _WORKDAYS_PER_YEAR * self._day_minutes
        self._grow_until(lambda: self._cmin, float(target[t.valid].max(initial=0)), per_year)
        j = np.searchsorted(self._cmin, target, "left")
        # Minutes into day j's working time, then into its periods: the same lookup twice.
        into_day = target - (self._cmin[j] - self._day_minutes)
        k = np.minimum(np.searchsorted(self._p_cum, into_day, "left"), len(self._p_cum) - 1)
        tod = self._p_start[k] + into_day - (self._p_cum[k] - self._p_len[k])
        wall = ((j + self._lo).astype("datetime64[D]").astype("datetime64[us]")
                + np.round(tod * 60e6).astype("timedelta64[us]")).astype("datetime64[ns]")
        self._note_spans(i[t.valid], np.maximum(i, j)[t.valid])
        out = _localize(pd.Series(wall, index=t.index), self.tz).where(minutes > 0, t.instants())
        out = out.where(pd.Series(t.valid, index=t.index))
        return out.iloc[0] if t.scalar else out

    # ---- the calendar command ------------------------------------------

    def month_table(self, year: int, month: int) -> pd.DataFrame:
        """One row per day of the month: date, weekday (0 = Monday), workday, holiday
        (Chinese name; on an adjusted workday the holiday it pays for), adjusted
        (调休 workday), in_lieu, override (extra_holiday / extra_workday) and covered."""
        first = dt.date(year, month, 1)
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(1)
        self._ensure(_day_number(first), _day_number(last))
        rows = np.arange(_day_number(first), _day_number(last) + 1) - self._lo
        self._note(rows)
        return pd.DataFrame({
            "date": (rows + self._lo).astype("datetime64[D]").astype("datetime64[ns]"),
            "weekday": self._weekday[rows].astype("int8"),
            "workday": self._work[rows],
            "holiday": pd.array(self._names[rows], dtype="str"),
            "adjusted": self._adjusted[rows],
            "in_lieu": self._lieu[rows],
            "override": pd.array(self._override[rows], dtype="str"),
            "covered": self._cov[rows],
        })
