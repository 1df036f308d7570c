"""The working calendar: chinese-calendar days, overrides, hours, and the uncovered-year fallback.

Dates and counts are those of shared/samples/README.md (chinese-calendar 1.11.0):
National Day 2026-10-01 … 10-07, adjusted workdays Sun 09-20 and Sat 10-10.
"""
import datetime as dt

import chinese_calendar as cc
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from grpaudit.cli.app import UsageError
from grpaudit.cli.calendar_cmd import calendar_command
from grpaudit.workcal import CC_VERSION, CalendarConfig, WorkCalendar

TZ = "Asia/Shanghai"
D = dt.date
WARN_2027 = (f"chinese-calendar {CC_VERSION} has no data for 2027: weekends and the policy's overrides "
             "are used for 2027")


def ts(*values: str, tz: str = TZ) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values), format="%Y-%m-%d %H:%M:%S")).dt.tz_localize(tz)


def at(value: str, tz: str = TZ) -> pd.Timestamp:
    return pd.Timestamp(value, tz=tz)


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar(CalendarConfig())


# ---- working days ----------------------------------------------------------

def test_national_day_and_adjusted_workdays(cal):
    days = pd.Series(pd.date_range("2026-09-19", "2026-10-12"))
    work = dict(zip(days.dt.date, cal.is_workday(days)))
    assert [d for d in work if not work[d]] == [
        D(2026, 9, 19), D(2026, 9, 25), D(2026, 9, 26), D(2026, 9, 27),   # 中秋 Fri 09-25
        *[D(2026, 10, i) for i in range(1, 8)], D(2026, 10, 11)]
    assert work[D(2026, 9, 20)] and work[D(2026, 10, 10)]          # 调休 Sunday and Saturday
    assert cal.is_nonworking_day(D(2026, 10, 11)) is True
    assert cal.warnings == []


def test_day_flags_match_chinese_calendar_for_all_2026(cal):
    days = pd.Series(pd.date_range("2026-01-01", "2026-12-31"))
    expected = [cc.is_workday(d) for d in days.dt.date]
    assert cal.is_workday(days).tolist() == expected
    assert cal.covered(days).all()


def test_month_table_marks_holidays_adjusted_days_and_in_lieu(cal):
    t = cal.month_table(2026, 10).set_index("date")
    assert len(t) == 31 and t["workday"].sum() == 18
    assert t.loc["2026-10-01", "holiday"] == "国庆节" and t.loc["2026-10-01", "weekday"] == 3
    assert t.loc["2026-10-10", ["workday", "adjusted", "holiday"]].tolist() == [True, True, "国庆节"]
    assert t.index[t["in_lieu"]].strftime("%m-%d").tolist() == ["10-06", "10-07"]
    assert pd.isna(t.loc["2026-10-11", "holiday"])
    assert t["override"].isna().all() and t["covered"].all()


def test_add_workdays_counts_from_the_next_day(cal):
    assert cal.add_workdays(D(2026, 10, 8), 3) == (D(2026, 10, 12), True)   # 10-09, 10-10 (调休), 10-12
    assert cal.add_workdays(D(2026, 9, 30), 1) == (D(2026, 10, 8), True)    # over the holiday
    assert cal.add_workdays(D(2026, 10, 16), 2) == (D(2026, 10, 20), True)  # Fri → Tue
    assert cal.add_workdays(D(2026, 10, 11), 1) == (D(2026, 10, 12), True)  # from a rest day
    assert cal.add_workdays(D(2026, 10, 11), 0) == (D(2026, 10, 11), True)


def test_add_workdays_over_a_column_keeps_index_and_missing_values(cal):
    left = ts("2026-10-16 17:33:02", "2026-09-30 23:59:59", "2026-10-08 08:47:02")
    left.index = [7, 8, 9]
    left[8] = pd.NaT
    deadline, covered = cal.add_workdays(left, 2)
    assert deadline.index.tolist() == [7, 8, 9]
    assert deadline[7] == pd.Timestamp("2026-10-20") and pd.isna(deadline[8])
    assert deadline[9] == pd.Timestamp("2026-10-10")
    assert deadline.dtype == "datetime64[ns]"
    assert covered.tolist() == [True, False, True]


def test_add_workdays_rejects_negative_n(cal):
    with pytest.raises(ValueError, match="n must be ≥ 0"):
        cal.add_workdays(D(2026, 10, 8), -1)


def test_company_overrides():
    cal = WorkCalendar(CalendarConfig(extra_holidays=(D(2026, 10, 12),), extra_workdays=(D(2026, 10, 11),)))
    assert cal.is_workday(D(2026, 10, 12)) is False
    assert cal.is_workday(D(2026, 10, 11)) is True
    assert cal.add_workdays(D(2026, 10, 8), 3) == (D(2026, 10, 11), True)
    assert cal.add_workdays(D(2026, 10, 9), 3) == (D(2026, 10, 13), True)
    t = cal.month_table(2026, 10).set_index("date")
    assert t.loc["2026-10-12", "override"] == "extra_holiday"
    assert t.loc["2026-10-11", "override"] == "extra_workday"
    assert t.loc["2026-10-11", "adjusted"] == False  # noqa: E712 — the policy's, not a 调休 day


def test_override_on_a_statutory_holiday_and_in_an_uncovered_year():
    cal = WorkCalendar(CalendarConfig(extra_workdays=(D(2026, 10, 3),), extra_holidays=(D(2027, 1, 4),)))
    assert cal.is_workday(D(2026, 10, 3)) is True
    assert cal.is_workday(D(2027, 1, 4)) is False
    assert cal.add_workdays(D(2027, 1, 1), 1) == (D(2027, 1, 5), False)


def test_conflicting_overrides_are_refused():
    with pytest.raises(ValueError, match="2026-10-12 listed both"):
        WorkCalendar(CalendarConfig(extra_holidays=(D(2026, 10, 12),), extra_workdays=(D(2026, 10, 12),)))


# ---- years chinese-calendar does not cover -----------------------------------

def test_uncovered_month_falls_back_to_weekends_with_a_warning(cal):
    t = cal.month_table(2027, 1).set_index("date")
    assert t.loc["2027-01-01", "workday"] == True  # noqa: E712 — New Year is unknown to the fallback
    assert not t.loc["2027-01-02", "workday"] and not t.loc["2027-01-03", "workday"]
    assert t["workday"].sum() == 21 and not t["covered"].any() and t["holiday"].isna().all()
    assert cal.warnings == [WARN_2027]
    cal.is_workday(pd.Series(pd.to_datetime(["2027-03-01", "2027-05-03"])))
    assert cal.warnings == [WARN_2027]                      # one sentence per year


def test_grace_period_running_into_an_uncovered_year_is_flagged(cal):
    assert cal.add_workdays(D(2026, 12, 28), 2) == (D(2026, 12, 30), True)
    assert cal.warnings == []
    assert cal.add_workdays(D(2026, 12, 30), 3) == (D(2027, 1, 4), False)
    assert cal.warnings == [WARN_2027]
    assert cal.add_workdays(D(2027, 1, 4), 0) == (D(2027, 1, 4), False)   # the start day counts too


def test_asking_about_coverage_does_not_warn(cal):
    assert cal.covered(D(2027, 6, 1)) is False and cal.covered(D(2026, 6, 1)) is True
    assert cal.covered_between(at("2026-12-31 10:00:00"), at("2027-01-01 10:00:00")) is False
    assert cal.covered_between(at("2026-12-31 18:00:00"), at("2026-12-31 10:00:00")) is True
    assert cal.warnings == [WARN_2027]          # covered_between walked over 2027: that is a use
    assert WorkCalendar().covered(pd.Series([pd.Timestamp("2003-05-01")])).tolist() == [False]


def test_years_before_coverage_warn_too(cal):
    assert cal.is_workday(D(2003, 5, 1)) is True
    assert cal.warnings == [f"chinese-calendar {CC_VERSION} has no data for 2003: weekends and the policy's "
                            "overrides are used for 2003"]


def test_long_walks_grow_the_table_like_numpy_busdays(cal):
    start = np.array(["2027-01-04", "2027-03-05", "2028-02-28"], "datetime64[D]")
    deadline, covered = cal.add_workdays(pd.Series(start), 300)
    assert deadline.to_numpy().astype("datetime64[D]").tolist() == np.busday_offset(start, 300).tolist()
    assert not covered.any()
    assert cal.warnings == [WARN_2027.replace("2027", str(y)) for y in (2027, 2028, 2029)]


def _reference_add(d: dt.date, n: int) -> dt.date:
    """Day by day, asking chinese-calendar (weekday fallback outside its years)."""
    def work(x):
        try:
            return cc.is_workday(x)
        except NotImplementedError:
            return x.weekday() < 5
    while n:
        d += dt.timedelta(1)
        n -= work(d)
    return d


@settings(max_examples=200, deadline=None)
@given(st.dates(D(2024, 12, 1), D(2026, 12, 31)), st.integers(0, 20))
def test_add_workdays_matches_a_day_by_day_walk(d, n):
    got, covered = WorkCalendar().add_workdays(d, n)
    assert got == _reference_add(d, n)
    assert covered == (got.year <= 2026)


# ---- working hours and the working clock ---------------------------------------

def test_in_working_hours_edges(cal):
    s = ts("2026-10-09 08:59:59", "2026-10-09 09:00:00", "2026-10-09 11:59:59", "2026-10-09 12:00:00",
           "2026-10-09 13:29:59", "2026-10-09 13:30:00", "2026-10-09 17:59:59", "2026-10-09 18:00:00",
           "2026-10-10 10:00:00", "2026-10-02 10:00:00", "2026-10-11 10:00:00")
    assert cal.in_working_hours(s).tolist() == [False, True, True, False, False, True, True, False,
                                                True, False, False]


@pytest.mark.parametrize(("start", "end", "minutes"), [
    ("2026-10-09 11:50:00", "2026-10-09 13:40:00", 20),      # across lunch
    ("2026-10-15 17:55:00", "2026-10-16 09:15:00", 20),      # across the end of day
    ("2026-10-16 17:00:00", "2026-10-19 10:00:00", 120),     # across a weekend
    ("2026-09-30 17:50:00", "2026-10-08 09:10:00", 20),      # across National Day
    ("2026-10-09 17:00:00", "2026-10-12 09:30:00", 60 + 450 + 30),  # over the adjusted Saturday
    ("2026-10-03 10:00:00", "2026-10-04 16:00:00", 0),       # inside the holiday
    ("2026-10-09 12:10:00", "2026-10-09 12:50:00", 0),       # inside lunch
    ("2026-10-09 09:00:30", "2026-10-09 09:01:00", 0.5),
])
def test_working_minutes_between(cal, start, end, minutes):
    assert cal.working_minutes_between(at(start), at(end)) == pytest.approx(minutes)
    assert cal.working_minutes_between(at(end), at(start)) == pytest.approx(-minutes)


def test_working_minutes_over_columns_with_missing_values(cal):
    a = ts("2026-10-09 11:50:00", "2026-10-09 11:50:00")
    b = ts("2026-10-09 13:40:00", "2026-10-09 13:40:00")
    b[1] = pd.NaT
    out = cal.working_minutes_between(a, b)
    assert out[0] == 20 and np.isnan(out[1])


@pytest.mark.parametrize(("start", "minutes", "deadline"), [
    ("2026-10-15 17:55:00", 20, "2026-10-16 09:15:00"),
    ("2026-10-16 17:55:00", 20, "2026-10-19 09:15:00"),
    ("2026-09-30 17:50:00", 20, "2026-10-08 09:10:00"),
    ("2026-10-09 11:50:00", 20, "2026-10-09 13:40:00"),
    ("2026-10-09 11:50:00", 10, "2026-10-09 12:00:00"),      # the earliest instant, not 13:30
    ("2026-10-09 17:55:00", 5, "2026-10-09 18:00:00"),
    ("2026-10-17 20:00:00", 30, "2026-10-19 09:30:00"),      # asked on a rest day
    ("2026-10-11 20:00:00", 0, "2026-10-11 20:00:00"),
    ("2026-10-09 09:00:00", 450 * 3, "2026-10-12 18:00:00"),  # whole days: 10-09, 10-10, 10-12
])
def test_add_working_minutes(cal, start, minutes, deadline):
    assert cal.add_working_minutes(at(start), minutes) == at(deadline)


def test_add_working_minutes_over_a_column(cal):
    s = ts("2026-10-15 17:55:00", "2026-10-15 17:55:00", "2026-12-31 17:59:00")
    s.index = ["a", "b", "c"]
    s["b"] = pd.NaT
    out = cal.add_working_minutes(s, 20)
    assert out.index.tolist() == ["a", "b", "c"] and str(out.dtype) == "datetime64[ns, Asia/Shanghai]"
    assert out["a"] == at("2026-10-16 09:15:00") and pd.isna(out["b"])
    assert out["c"] == at("2027-01-01 09:19:00")   # fallback: 2027-01-01 is a Friday
    assert cal.warnings == [WARN_2027]
    with pytest.raises(ValueError, match="minutes must be ≥ 0"):
        cal.add_working_minutes(s, -1)


def test_no_working_hours_means_no_working_clock():
    cal = WorkCalendar(CalendarConfig(working_hours=()))
    assert cal.working_minutes_between(at("2026-10-09 09:00:00"), at("2026-10-12 09:00:00")) == 0
    with pytest.raises(ValueError, match="no working hours"):
        cal.add_working_minutes(at("2026-10-09 09:00:00"), 1)


def test_bad_working_hours_are_refused():
    with pytest.raises(ValueError, match="working hours"):
        WorkCalendar(CalendarConfig(working_hours=((dt.time(13), dt.time(18)), (dt.time(9), dt.time(12)))))
    with pytest.raises(ValueError, match="working hours"):
        WorkCalendar(CalendarConfig(working_hours=((dt.time(18), dt.time(9)),)))


@settings(max_examples=150, deadline=None)
@given(st.datetimes(dt.datetime(2026, 9, 1), dt.datetime(2026, 12, 20)), st.integers(1, 5000))
def test_the_working_clock_runs_back_and_forth(start, minutes):
    cal = WorkCalendar()
    s = pd.Timestamp(start.replace(microsecond=0), tz=TZ)
    end = cal.add_working_minutes(s, minutes)
    assert cal.working_minutes_between(s, end) == pytest.approx(minutes)
    assert cal.in_working_hours(end - pd.Timedelta(seconds=1))


# ---- quiet hours ----------------------------------------------------------

def test_quiet_hours_wrap_midnight(cal):
    s = ts("2026-10-21 21:59:59", "2026-10-21 22:00:00", "2026-10-21 22:47:05", "2026-10-21 22:49:30",
           "2026-10-22 00:00:00", "2026-10-22 06:59:59", "2026-10-22 07:00:00", "2026-10-22 12:00:00")
    assert cal.in_quiet_hours(s).tolist() == [False, True, True, True, True, True, False, False]


def test_quiet_hours_within_a_day_and_none():
    s = ts("2026-10-21 11:59:59", "2026-10-21 12:00:00", "2026-10-21 13:29:59", "2026-10-21 13:30:00")
    lunch = WorkCalendar(CalendarConfig(quiet_hours=(dt.time(12), dt.time(13, 30))))
    assert lunch.in_quiet_hours(s).tolist() == [False, True, True, False]
    assert not WorkCalendar(CalendarConfig(quiet_hours=None)).in_quiet_hours(s).any()
    with pytest.raises(ValueError, match="quiet hours"):
        WorkCalendar(CalendarConfig(quiet_hours=(dt.time(22), dt.time(22))))


# ---- time zones and input shapes ------------------------------------------------

def test_instants_are_read_in_the_calendars_zone():
    utc = at("2026-09-30 16:30:00", tz="UTC")      # 10-01 00:30 in Shanghai
    assert WorkCalendar().is_workday(utc) is False
    assert WorkCalendar(tz="UTC").is_workday(utc) is True
    assert WorkCalendar().in_quiet_hours(at("2026-10-21 14:47:05", tz="UTC")) is True  # 22:47 in Shanghai
    deadline = WorkCalendar().add_working_minutes(at("2026-10-15 09:55:00", tz="UTC"), 20)
    assert deadline == at("2026-10-16 09:15:00") and str(deadline.tz) == TZ


def test_a_zone_with_daylight_saving_counts_wall_clock_hours():
    berlin = WorkCalendar(tz="Europe/Berlin")      # DST starts Sun 2026-03-29
    a, b = at("2026-03-27 17:00:00", "Europe/Berlin"), at("2026-03-30 10:00:00", "Europe/Berlin")
    assert berlin.working_minutes_between(a, b) == 120
    assert berlin.add_working_minutes(a, 120) == b


def test_naive_dates_and_datetimes_are_local(cal):
    assert cal.is_workday([D(2026, 10, 10), D(2026, 10, 11)]).tolist() == [True, False]
    naive = pd.Series(pd.to_datetime(["2026-10-09 22:30:00", "2026-10-09 10:00:00"]))
    assert cal.in_quiet_hours(naive).tolist() == [True, False]
    assert cal.in_working_hours(naive).tolist() == [False, True]


# ---- the calendar command ---------------------------------------------------------

def render(month: str, config: CalendarConfig | None = None) -> str:
    console = Console(record=True, width=120)
    console.print(calendar_command(month, config))
    return console.export_text()


def test_calendar_command_marks_the_month():
    out = render("2026-10")
    assert out.count("休 国庆节") == 7 and out.count("班 调休") == 1
    assert "18 working days, 13 rest days" in out
    assert "working hours 09:00–12:00, 13:30–18:00 · quiet hours 22:00–07:00" in out
    assert "warning" not in out


def test_calendar_command_shows_overrides_and_the_uncovered_year_warning():
    out = render("2027-01", CalendarConfig(extra_holidays=(D(2027, 1, 1),), extra_workdays=(D(2027, 1, 9),)))
    assert "公司休" in out and "公司班" in out
    assert "21 working days, 10 rest days" in out
    assert "warning: " + WARN_2027 in out.replace("\n", " ").replace("  ", " ")


@pytest.mark.parametrize("month", ["2026-13", "2026", "10-2026", "2026/10"])
def test_calendar_command_refuses_a_bad_month(month):
    with pytest.raises(UsageError, match="expected YYYY-MM"):
        calendar_command(month, None)
