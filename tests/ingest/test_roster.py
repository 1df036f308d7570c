"""HR roster reader (formats.md §8): samples, header aliases, encodings, skips and warnings."""
import codecs
import datetime as dt

import gen_roster
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grpaudit import model
from grpaudit.ingest import InputError, detect, roster
from grpaudit.ingest.source import Source

HEADER = "工号,姓名,部门,职位,职级,直属上级工号,入职日期,离职日期,微信号,QQ号,企业微信账号,手机"


def read(tmp_path, text: str, encoding: str = "utf-8", name: str = "r.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if encoding != "utf-16-le" else codecs.BOM_UTF16_LE + text.encode(encoding))
    src = Source(p)
    assert roster.sniff(src)
    return roster.read(src)


def test_sample_csv_has_the_25_employees(samples):
    res = roster.read(Source(samples / "roster.csv"))
    df = res.roster
    assert res.format == "roster" and res.skipped == [] and res.warnings == []
    assert len(df) == 25 and list(df.columns) == model.ROSTER.names
    assert df["source_line"].tolist() == list(range(2, 27))
    assert df["department"].value_counts().to_dict() == {"销售部": 6, "研发部": 6, "行政中心": 5, "财务部": 4,
                                                         "仓储物流部": 4}
    assert sorted(df.loc[df["qq"].isna(), "employee_id"]) == ["ZD1001", "ZD1015", "ZD1022", "ZD1024", "ZD1031"]
    assert df.loc[df["leave_date"].notna(), ["employee_id", "leave_date"]].values.tolist() == [
        ["ZD1016", pd.Timestamp("2026-10-16")]]
    assert sorted(df.loc[df["is_manager"], "name"]) == sorted(["周建国", "陈静", "王磊", "林峰", "钱芳", "彭勇"])
    by_id = df.set_index("employee_id")
    # HR typed dates both ways: 2014/6/9, 2026/10/15, 2026-10-12
    assert by_id.loc["ZD1002", "hire_date"] == pd.Timestamp("2014-06-09")
    assert by_id.loc["ZD1031", "hire_date"] == pd.Timestamp("2026-10-12")
    assert by_id.loc["ZD1032", "hire_date"] == pd.Timestamp("2026-10-15")
    assert by_id.loc["ZD1013", ["name", "department", "wechat_id", "qq", "wecom_id", "manager_id"]].tolist() == [
        "张伟", "销售部", "wxid_zw7h2k9m4p1q22", "1287734509", "ZhangWei", "ZD1003"]
    assert pd.isna(by_id.loc["ZD1001", "manager_id"]) and by_id.loc["ZD1001", "level"] == "总经理"
    assert by_id.loc["ZD1013", "is_manager"] == False  # noqa: E712 — 主管 leads a team, not a department
    assert (df["name"] == "张伟").sum() == 2


def test_sample_xlsx_equals_the_csv(samples):
    csv_df = roster.read(Source(samples / "roster.csv")).roster
    xl = roster.read(Source(samples / "roster.xlsx"))
    assert xl.skipped == [] and xl.warnings == []
    pd.testing.assert_frame_equal(xl.roster.drop(columns="source_file"), csv_df.drop(columns="source_file"))
    assert xl.roster["phone"].iloc[0] == "13800001001" and xl.roster["qq"].iloc[1] == "1038824561"


def test_sniffer_takes_rosters_only(samples):
    for name in ("roster.csv", "roster.xlsx"):
        assert roster.sniff(Source(samples / name))
        assert detect(Source(samples / name)).name == "roster"      # no reader sniffed earlier takes it
    for name in ("members.csv", "groups.csv", "generic_chat.csv", "wechat_memotrace.csv", "wecom_rooms.json",
                 "wechat_export.txt", "qq_export.txt"):
        assert not roster.sniff(Source(samples / name)), name


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16-le"])
@pytest.mark.parametrize("eol", ["\r\n", "\n"])
def test_encodings_and_line_ends(tmp_path, encoding, eol):
    text = eol.join([HEADER, "ZD1001,周建国,行政中心,总经理,总经理,,2012-03-05,,zhoujianguo_zd,,ZhouJianGuo,13800001001",
                     "ZD1002,陈静,行政中心,主任,部门负责人,ZD1001,2014/6/9,,wxid_4q,1038824561,ChenJing,13800001002",
                     ""])
    df = read(tmp_path, text, encoding).roster
    assert df["name"].tolist() == ["周建国", "陈静"]
    assert df["hire_date"].tolist() == [pd.Timestamp("2012-03-05"), pd.Timestamp("2014-06-09")]
    assert df["source_line"].tolist() == [2, 3]


def test_english_and_other_hr_headers(tmp_path):
    text = ("员工编号,员工姓名,所属部门,岗位,级别,是否负责人,上级工号,入职时间,手机号,QQ\n"
            "00123,李四,市场部,市场专员,P5,否,00100,2020/1/2,13900000001,0012345\n"
            "00100,王五,市场部,市场总监,P9,是,,2015-05-05,13900000002,\n"
            "00101,赵六,市场部,顾问,Director,,,2016-06-06,,\n")
    res = read(tmp_path, text)
    df = res.roster
    assert df["employee_id"].tolist() == ["00123", "00100", "00101"]      # leading zeros kept
    assert df["qq"].tolist()[0] == "0012345" and df["manager_id"].tolist()[0] == "00100"
    assert df["is_manager"].tolist() == [False, True, True]                 # flag 是; level 'Director'
    assert df["phone"].tolist()[:2] == ["13900000001", "13900000002"]
    assert df["wechat_id"].isna().all()                                      # no such column: all NA


def test_a_roster_without_id_or_name_says_which_column_is_missing(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("姓名,部门,职位\n张三,销售部,代表\n", encoding="utf-8")
    src = Source(p)
    assert roster.sniff(src)          # recognised as a roster, so the user learns what is missing
    with pytest.raises(InputError) as e:
        roster.read(src)
    assert "工号" in e.value.problem and "姓名 (name)" not in e.value.problem and e.value.line == 1
    p.write_text("部门,职位,入职日期\n销售部,代表,2020-01-01\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        roster.read(Source(p))
    assert "工号 (employee_id)" in e.value.problem and "姓名 (name)" in e.value.problem


def test_header_only_file_is_an_empty_roster(tmp_path):
    res = read(tmp_path, HEADER + "\r\n", "utf-8-sig")
    assert len(res.roster) == 0 and res.skipped == [] and list(res.roster.columns) == model.ROSTER.names
    assert str(res.roster["hire_date"].dtype) == "datetime64[ns]"


def test_broken_rows_are_skipped_and_counted(tmp_path):
    rows = [
        HEADER,
        "ZD1,张三,销售部,代表,员工,,2020-01-01,,,,,",             # line 2 kept
        ",李四,销售部,代表,员工,,2020-01-01,,,,,",                  # line 3 no 工号
        "ZD2,,销售部,代表,员工,,2020-01-01,,,,,",                   # line 4 no 姓名
        'ZD3,王五,销售部,"销售\n代表",员工,,2020-01-01,,,,,',        # lines 5-6 kept, multi-line title
        "ZD1,张三丰,研发部,工程师,员工,,2021-01-01,,,,,",            # line 7 repeats ZD1
        "ZD4,赵六,研发部",                                           # line 8 wrong field count
        "ZD5,钱七,研发部,工程师,员工,,2021-01-01,,,,,",              # line 9 kept
    ]
    res = read(tmp_path, "\n".join(rows) + "\n")
    df = res.roster
    assert df["employee_id"].tolist() == ["ZD1", "ZD3", "ZD5"]
    assert df["source_line"].tolist() == [2, 5, 9]
    assert df.loc[1, "title"] == "销售\n代表"
    reasons = {s.line: s.reason for s in res.skipped}
    assert sorted(reasons) == [3, 4, 7, 8]
    assert "工号" in reasons[3] and "ZD2" in reasons[4] and "repeats line 2" in reasons[7] and "fields" in reasons[8]
    assert all(s.level == "error" for s in res.skipped)
    assert len(df) + len(res.skipped) == 7           # every record is a row or a skip


def test_bad_dates_keep_the_employee_with_a_warning(tmp_path):
    text = (HEADER + "\n"
            "ZD1,张三,销售部,代表,员工,,2020-13-45,,,,,\n"
            "ZD2,李四,销售部,代表,员工,,46303,待定,,,,\n"
            "ZD3,王五,销售部,代表,员工,,2026年10月8日,2026.10.31,,,,\n")
    res = read(tmp_path, text)
    df = res.roster.set_index("employee_id")
    assert len(df) == 3 and res.skipped == []
    assert pd.isna(df.loc["ZD1", "hire_date"])
    assert df.loc["ZD2", "hire_date"] == pd.Timestamp("2026-10-08")   # Excel serial: to_excel(2026-10-08) == 46303
    assert df.loc["ZD3", "hire_date"] == pd.Timestamp("2026-10-08")
    assert df.loc["ZD3", "leave_date"] == pd.Timestamp("2026-10-31")
    assert [(w.line, w.level) for w in res.warnings] == [(2, "warning"), (3, "warning")]
    assert "2020-13-45" in res.warnings[0].reason and "待定" in res.warnings[1].reason


def test_xlsx_with_english_headers_and_date_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["employee_id", "name", "department", "level", "hire_date", "leave_date", "qq", "mobile"])
    ws.append(["ZD9", "孙八", "财务部", "经理", dt.datetime(2026, 10, 8), None, "0123", "13800000009"])
    ws.append([None, None, None, None, None, None, None, None])        # formatted empty row: not a record
    ws.append(["ZD10", "周九", "财务部", "员工", "2026/10/9", dt.datetime(2026, 10, 30), 12345, None])
    p = tmp_path / "hr.xlsx"
    wb.save(p)
    res = roster.read(Source(p))
    df = res.roster
    assert df["employee_id"].tolist() == ["ZD9", "ZD10"] and df["source_line"].tolist() == [2, 4]
    assert df["hire_date"].tolist() == [pd.Timestamp("2026-10-08"), pd.Timestamp("2026-10-09")]
    assert df["leave_date"].tolist()[1] == pd.Timestamp("2026-10-30")
    assert df["qq"].tolist() == ["0123", "12345"] and df["is_manager"].tolist() == [True, False]


def test_generated_roster_reads_back(tmp_path):
    people = gen_roster.employees(300, seed=3)
    res = read(tmp_path, gen_roster.generate(300, seed=3).decode("utf-8-sig"), "utf-8-sig")
    df = res.roster
    assert len(df) == 300 and res.skipped == [] and res.warnings == []
    assert df["name"].duplicated().any()               # the generator makes duplicate names on purpose
    assert df["is_manager"].sum() == len(gen_roster.DEPARTMENTS)
    assert df["leave_date"].notna().sum() == sum(p["leave_date"] is not None for p in people)


_CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=4)
_ID = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=12)
_CELL = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")) | st.sampled_from(",\"\n"),
                min_size=1, max_size=10).map(str.strip).filter(bool)
_EMPLOYEE = st.fixed_dictionaries({
    "employee_id": _ID, "name": _CJK, "department": _CELL | st.none(), "title": _CELL | st.none(),
    "level": st.sampled_from(["员工", "主管", "部门负责人", "总经理", None]),
    "manager_id": _ID | st.none(),
    "hire_date": st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)) | st.none(),
    "leave_date": st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)) | st.none(),
    "wechat_id": _ID | st.none(), "qq": st.from_regex(r"0?[1-9][0-9]{4,10}", fullmatch=True) | st.none(),
    "wecom_id": _ID | st.none(), "phone": st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True) | st.none(),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_EMPLOYEE, min_size=1, max_size=8, unique_by=lambda e: e["employee_id"]))
def test_round_trip(tmp_path, people):
    res = read(tmp_path, gen_roster.render(people).decode("utf-8-sig"), "utf-8-sig")
    assert res.skipped == [] and res.warnings == []
    got = res.roster.astype(object).where(res.roster.notna(), None).to_dict("records")
    for want, row in zip(people, got, strict=True):
        for fld, value in want.items():
            if isinstance(value, dt.date):
                value = pd.Timestamp(value)
            assert row[fld] == value, (fld, row[fld], value)
        assert row["is_manager"] == (want["level"] in ("部门负责人", "总经理"))
