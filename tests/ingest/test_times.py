"""Whole-column time parsing: every layout the exports use, and the known traps."""
import pandas as pd

from grpaudit.ingest.times import parse_dates, parse_instants

TZ = "Asia/Shanghai"


def _p(values):
    return [None if pd.isna(t) else t.strftime("%Y-%m-%d %H:%M:%S") for t in parse_instants(pd.Series(values), TZ)]


def test_layouts_and_epochs():
    assert _p(["2026-10-09 20:43:38", "2026/10/9 8:02:41", "2026-10-09 8:43:38 PM",
               "2026-10-09 8:43:38\u202fPM",            # narrow no-break space before PM
               "2026-10-09 12:15:08 AM", "2026-10-09 12:00:00 PM",
               "1791419712667", "1790943277",             # Unix ms and s (UTC instants)
               "2026-10-08T01:00:00Z", "2026-10-08T09:00:00+08:00", "2026年10月8日 09:00"]) == [
        "2026-10-09 20:43:38", "2026-10-09 08:02:41", "2026-10-09 20:43:38", "2026-10-09 20:43:38",
        "2026-10-09 00:15:08", "2026-10-09 12:00:00",
        "2026-10-08 08:35:12", "2026-10-02 20:14:37",
        "2026-10-08 09:00:00", "2026-10-08 09:00:00", "2026-10-08 09:00:00"]


def test_unparseable_values_are_nat_not_errors():
    assert _p(["#VALUE!", "", "yesterday"]) == [None, None, None]


def test_day_first_vs_month_first_decided_per_column():
    # 25/10 can only be day-first, so the whole column is read day-first
    assert _p(["10/08/2026 09:00:00", "25/10/2026 10:00:00"]) == ["2026-08-10 09:00:00", "2026-10-25 10:00:00"]
    # 10/25 can only be month-first
    assert _p(["10/08/2026 09:00:00", "10/25/2026 10:00:00"]) == ["2026-10-08 09:00:00", "2026-10-25 10:00:00"]


def test_result_is_in_the_given_zone():
    s = parse_instants(pd.Series(["2026-10-08 09:00:00"]), "UTC")
    assert str(s.dt.tz) == "UTC" and s.iloc[0].hour == 9


def test_dates():
    got = parse_dates(pd.Series(["2026/10/16", "2014-06-09", "", "2025-03-10 14:00:00", "2026年10月8日", "x"]))
    assert [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in got] == [
        "2026-10-16", "2014-06-09", None, "2025-03-10", "2026-10-08", None]


def test_mixed_column_reads_each_value_by_its_own_layout():
    # every layout in one column, each after values of layouts it must not be read as
    assert _p(["2026-10-09 8:43:38 PM", "2026/10/09 20:43", "20261009", "2026.10.09 20:43:38",
               "2026年10月9日 20:43:38", "2026/10/9 12:05:00 am", "2026-10-09", "1791419712667",
               "2026-10-09T20:43:38+08:00", "25/10/2026 10:00:00", "2026-10-09 20:43", "10/25/2026 10:00:00",
               "2026-10-09 20:43:38", "2026/10/09", "2026-10-09 13:43:38 PM", ""]) == [
        "2026-10-09 20:43:38", "2026-10-09 20:43:00", "2026-10-09 00:00:00", "2026-10-09 20:43:38",
        "2026-10-09 20:43:38", "2026-10-09 00:05:00", "2026-10-09 00:00:00", "2026-10-08 08:35:12",
        "2026-10-09 20:43:38", None, "2026-10-09 20:43:00", "2026-10-25 10:00:00",
        "2026-10-09 20:43:38", "2026-10-09 00:00:00", None, None]
    # 10/25 can only be month-first, so 25/10 in the same column is no date; 13 PM is no time


def test_twelve_hour_values_read_as_pandas_reads_the_am_pm_format():
    # The 12-hour formats are read through their 24-hour twins: over every
    # edge of every field the result must be what the %p format itself gives.
    from itertools import product

    from grpaudit.ingest.times import _to_datetime

    fields = list(product(("2026", "0000", "0999", "1999", "9999"), ("0", "1", "01", "02", "12", "13"),
                          ("0", "01", "9", "28", "29", "31", "32"), ("0", "00", "1", "09", "11", "12", "13"),
                          ("00", "59", "5", "60"), ("00", "7", "60"), ("AM", "pm", "Pm")))
    odd = ["2026-10-09  8:43:38 PM", "2026-10-09 8:43:38\tPM", "２０２６-10-09 8:43:38 PM", "2026-10-09 8:43:38 P",
           "2026-10-09 8:43:38 AMPM", "2026-10-09 8:43 PM"]
    for fmt in ("%Y-%m-%d %I:%M:%S %p", "%Y/%m/%d %I:%M:%S %p", "%d/%m/%Y %I:%M:%S %p"):
        values = [fmt.replace("%Y", y).replace("%m", mo).replace("%d", d).replace("%I", h).replace("%M", mi)
                  .replace("%S", sec).replace("%p", ap) for y, mo, d, h, mi, sec, ap in fields] + odd
        s = pd.Series(values, dtype="str")
        want = pd.to_datetime(s, format=fmt, errors="coerce")
        got = _to_datetime(s, fmt)
        assert got.index.equals(s.index) and want.notna().sum() > 1000
        assert got.equals(want)


def test_years_a_timestamp_cannot_hold_are_unparsed_not_a_crash():
    # a typo such as 3026 must make the row a skipped record, not stop the reader
    assert _p(["3026-10-08 09:00:00", "3026-10-08T09:00:00+08:00", "2026-10-08 09:00:00"]) == [
        None, None, "2026-10-08 09:00:00"]
    assert parse_dates(pd.Series(["3026/10/8", "2026-10-08"])).isna().tolist() == [True, False]


def test_plain_layout_reads_as_the_format_search_on_every_field_edge():
    # YYYY-MM-DD HH:MM:SS is read straight from the bytes (times._plain); on every
    # edge of every field, in zones with gaps and overlaps, the result must be what
    # the general format search gives (what read every value before).
    from itertools import product

    from grpaudit.ingest.times import _parse_instants

    values = ["-".join(ymd) + " " + ":".join(hms) for ymd, hms in product(
        product(("2026", "2024", "2100", "2000", "1677", "1678", "2261", "2262", "0000"),
                ("00", "01", "02", "12", "13"), ("00", "01", "28", "29", "30", "31", "32")),
        product(("00", "23", "24"), ("00", "59", "60"), ("00", "59", "60")))]
    values += ["２０２６-10-01 08:00:00", "2026-10-01T08:00:00", "2026/10/01 08:00:00", "2026-10-01 08:00:0x",
               " 2026-10-01 08:00:0", "2026-1-01 08:00:00 ", "2026-10-01 8:00:00", "+2026-10-01 08:00:0",
               # a mark just past '9' would make a number in range: only the digit test stops these
               "202:-10-01 08:00:00", "2026-10-0: 08:00:00", "2026-10-01 0;:00:00", "2026-10-01 08:00:1?",
               "2026-03-08 02:30:00", "2026-11-01 01:30:00", "1986-05-04 02:30:00", "1986-09-14 01:30:00", "", None]
    s = pd.Series(values, dtype="str", index=range(3 * len(values), 0, -3))
    for tz in (TZ, "America/New_York", "UTC"):
        got, want = parse_instants(s, tz), _parse_instants(s, tz)
        assert got.dtype == want.dtype and got.index.equals(s.index)
        assert got.equals(want) and want.notna().sum() > 800


def test_plain_values_among_other_layouts():
    s = pd.Series(["2026-10-09 20:43:38", "25/10/2026 10:00:00", "2026-02-30 10:00:00", "2026-10-09 8:43:38 PM",
                   "2024-02-29 23:59:59", None, "1791419712667", " 2026-10-09 20:43:38 "],
                  dtype="str", index=[5, 3, 9, 1, 0, 7, 2, 4])
    got = parse_instants(s, TZ)
    assert got.index.tolist() == [5, 3, 9, 1, 0, 7, 2, 4]
    assert [None if pd.isna(t) else t.strftime("%Y-%m-%d %H:%M:%S") for t in got] == [
        "2026-10-09 20:43:38", "2026-10-25 10:00:00", None, "2026-10-09 20:43:38", "2024-02-29 23:59:59", None,
        "2026-10-08 08:35:12", "2026-10-09 20:43:38"]
    assert str(got.dtype) == "datetime64[ns, Asia/Shanghai]"
