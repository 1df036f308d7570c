"""The workbook and the JSON files in detail: real Excel types and formats, untrusted chat text that
stays inert text, JSON laid out as the stdlib would and keeping Chinese as UTF-8."""
import datetime as dt
import json
import re
import zipfile
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

from grpaudit.reports import build, write_all

#: each must come back as the same plain string (formula-looking ones with the ' prefix)
INERT = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "@SUM(1)", "+1", "-1", "=1+1",
         "http://evil.example/login", "https://evil.example/", "mailto:boss@evil.example", "1e5", "0042",
         "  spaced  "]
#: Excel reads _xHHHH_ in cell text as an escaped character; literal text like this must be escaped itself
ESCAPE_LOOKALIKE = "_x0041_"
FORMULA_LIKE = ('=HYPERLINK("http://evil.example/?x="&A1,"点我")', "@SUM(1)", "+1", "-1", "=1+1")
CONTROL = "a\x00b\x07c\x0bd\x1fe\tf\ng"
SUB_SECOND = pd.Timestamp("2026-10-09 08:07:06.250", tz="Asia/Shanghai")


@pytest.fixture(scope="module")
def report(demo):
    f = demo.findings.copy()
    n = len(INERT)
    f.loc[:n - 1, "message"] = INERT
    f.loc[n, "message"] = CONTROL
    f.loc[n, "evidence"] = ESCAPE_LOOKALIKE
    f.loc[n + 1, "time"] = SUB_SECOND
    return build(replace(demo, findings=f))


@pytest.fixture(scope="module")
def written(report, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    write_all(report, out, formats=("xlsx", "json"))
    return out


def _column(ws, header: str) -> list:
    head = [c.value for c in ws[1]]
    return [row[head.index(header)] for row in ws.iter_rows(min_row=2)]


def test_untrusted_text_stays_plain_strings(written):
    wb = openpyxl.load_workbook(written / "audit-2026-10.xlsx")
    cells = _column(wb["违规明细"], "问题说明")
    assert all(c.data_type == "s" for c in cells)
    values = [c.value for c in cells]
    for text in INERT:
        assert ("'" + text if text in FORMULA_LIKE else text) in values, text
    assert "abcde\tf\ng" in values                      # XML-illegal control characters dropped, tab and LF kept
    with zipfile.ZipFile(written / "audit-2026-10.xlsx") as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not [n for n in sheets if "_rels" in n]                  # no hyperlink relationships
        xml = {name: z.read(name).decode("utf-8") for name in sheets}
    for name, text in xml.items():
        assert "<f>" not in text and "<hyperlink" not in text, name
    assert "<t>_x005F_x0041_</t>" in "".join(xml.values())     # shown by Excel as _x0041_, not as "A"


def test_times_dates_and_numbers_are_typed_cells(report, written):
    wb = openpyxl.load_workbook(written / "audit-2026-10.xlsx")
    ws = wb["违规明细"]
    times = _column(ws, "时间")
    filled = [c for c in times if c.value is not None]
    assert len(filled) == report.findings["time"].notna().sum() and len(times) == len(report.findings)
    assert all(c.is_date and c.number_format == "yyyy-mm-dd hh:mm:ss" for c in filled)
    assert dt.datetime(2026, 10, 9, 8, 7, 6, 250000) in [c.value for c in filled]   # wall clock, no zone
    dates = _column(ws, "日期")
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in dates)
    assert [c.value for c in dates] == [d.to_pydatetime() for d in report.findings["date"]]
    assert all(c.data_type == "n" and isinstance(c.value, int) for c in _column(ws, "行号") if c.value is not None)
    summary = {r[0].value: r[1] for r in wb["概览"].iter_rows(min_row=2)}
    assert summary["开始日期"].value == dt.datetime(2026, 10, 1) and summary["开始日期"].number_format == "yyyy-mm-dd"
    assert summary["违规数"].value == len(report.findings) and summary["违规数"].data_type == "n"
    for sheet in wb:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}{sheet.max_row}"
        for c in sheet[1]:
            assert c.font.b and c.fill.fill_type == "solid" and c.fill.fgColor.rgb.endswith("DDEBF7")
            assert c.alignment.vertical == "top"
    assert [c.value for c in wb["人工检查"][2]][2:] == [None, None]     # empty text is an empty cell


def test_summary_text_is_neutralised_too(report, tmp_path):
    write_all(replace(report, scope="=1+1", policy_title="@SUM(1)"), tmp_path, formats=("xlsx",))
    ws = openpyxl.load_workbook(tmp_path / "audit-2026-10.xlsx")["概览"]
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert values["工作群合规审计"] == "'=1+1" and values["制度"] == "'@SUM(1)"


def test_json_is_utf8_in_the_stdlib_layout(report, written):
    for name in ("violations.json", "people.json", "summary.json"):
        raw = (written / name).read_bytes()
        text = raw.decode("utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", name
    raw = (written / "people.json").read_bytes()
    assert "林峰".encode() in raw and not re.search(rb"\\u[0-9a-fA-F]{4}", raw)
    v = json.loads((written / "violations.json").read_text("utf-8"))
    assert [x["time"] for x in v] == [None if pd.isna(t) else t.isoformat() for t in report.findings["time"]]
    assert "2026-10-09T08:07:06.250000+08:00" in [x["time"] for x in v]
    assert [x["message"] for x in v][:len(INERT)] == INERT                  # JSON is for scripts: text as sent
    assert v[len(INERT)]["message"] == CONTROL
