"""CSV/xlsx as text tables with exact start lines; header aliases."""
import pytest

from grpaudit.ingest.source import Source
from grpaudit.ingest.tabular import find_columns, read_table


def test_start_lines_follow_multiline_records(samples):
    df, lines, skips = read_table(Source(samples / "generic_chat.csv"))
    assert len(df) == 25 and skips == []
    # data row 21 spans lines 22–25; the two rows after it start on 26 and 27
    assert list(lines[19:23]) == [21, 22, 26, 27]
    assert df.iloc[20]["消息内容"].count("\n") == 3


def test_ids_stay_text_in_csv_and_excel(samples):
    csv_df, _, _ = read_table(Source(samples / "roster.csv"))
    xl_df, xl_lines, _ = read_table(Source(samples / "roster.xlsx"))
    assert csv_df["QQ号"].tolist() == xl_df["qq"].tolist()
    assert csv_df["手机"].iloc[0] == "13800001001"
    assert list(xl_lines[:2]) == [2, 3]
    assert xl_df["hire_date"].iloc[0] == "2012-03-05"


def test_rows_with_wrong_field_count_are_skipped_with_their_line(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('a,b,c\n1,2,3\n"x\ny",2,3\n4,5\n6,7,8\n', encoding="utf-8")
    df, lines, skips = read_table(Source(p))
    assert df["a"].tolist() == ["1", "x\ny", "6"]
    assert list(lines) == [2, 3, 6]
    assert [(s.line, "2 fields" in s.reason) for s in skips] == [(5, True)]


def test_find_columns_ignores_case_spaces_and_brackets():
    header = ["Employee ID", "姓名", "入职日期（yyyy-mm-dd）", "x"]
    got = find_columns(header, {"id": ("employee_id",), "name": ("姓名", "name"), "hire": ("入职日期yyyymmdd",),
                                "missing": ("nope",)})
    assert got == {"id": "Employee ID", "name": "姓名", "hire": "入职日期（yyyy-mm-dd）"}
    with pytest.raises(KeyError):
        find_columns(header, {"name": ("姓名",)}, mapping={"name": "Name"})


def test_blank_lines_do_not_shift_line_numbers(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("a,b\n1,x\n\n2,y\n", encoding="utf-8")
    df, lines, skips = read_table(Source(p))
    assert df["a"].tolist() == ["1", "2"] and list(lines) == [2, 4] and skips == []


def test_start_lines_with_breaks_in_several_columns_and_blank_rows_over_many_blocks(tmp_path):
    # Enough rows for several of pyarrow's 1 MB blocks; line breaks (LF and CRLF) in two
    # columns; blank rows (only commas or spaces) are not records but still take their line.
    body, want_a, want_lines, line = [], [], [], 2
    c = "澤東" * 30
    for i in range(40000):
        if i % 997 == 3:
            body.append(f'"a{i}\nmore",b,{c}')
            want_a.append(f"a{i}\nmore")
            want_lines.append(line)
            line += 2
        elif i % 991 == 5:
            body.append(f'a{i},"b\r\n\nend",{c}')
            want_a.append(f"a{i}")
            want_lines.append(line)
            line += 3
        elif i % 1009 == 7:
            body.append(" , ,\u3000" if i % 2 else ",,")
            line += 1
        else:
            body.append(f"a{i},b,{c}")
            want_a.append(f"a{i}")
            want_lines.append(line)
            line += 1
    p = tmp_path / "t.csv"
    p.write_bytes(("a,b,c\n" + "\n".join(body) + "\n").encode("utf-8"))
    assert p.stat().st_size > 3 * 2**20
    df, lines, skips = read_table(Source(p))
    assert skips == [] and df["a"].tolist() == want_a and lines.tolist() == want_lines
    assert str(df["a"].dtype) == "str"
