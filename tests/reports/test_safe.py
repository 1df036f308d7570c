"""Hostile chat text in spreadsheets, and reports that appear whole or not at all."""
import pandas as pd
import pytest

from grpaudit.reports.safe import atomic_path, neutralise


def test_formula_starts_are_neutralised():
    col = pd.Series(["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "正常文本", None])
    got = neutralise(col).tolist()
    assert got[:6] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx"]
    assert got[6] == "正常文本" and pd.isna(got[7])


def test_numbers_are_left_alone():
    assert neutralise(pd.Series([-1, 2])).tolist() == [-1, 2]


def test_a_failed_write_leaves_no_file(tmp_path):
    target = tmp_path / "report.csv"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []
    with atomic_path(target) as tmp:
        tmp.write_text("whole", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "whole" and len(list(tmp_path.iterdir())) == 1
