import time

import pandas as pd
import pyarrow as pa
import pytest

from grpaudit.textscan.regexsafe import PatternError, arrow_text, check_pattern, compile_pattern, matches


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?<=微信)转账", r"foo(?=bar)", r"a++", r"(?>a)", "[unclosed"])
def test_backtracking_only_and_broken_patterns_are_refused(pattern):
    problem = check_pattern(pattern)
    assert problem is not None and problem.startswith(f"pattern {pattern!r} cannot run on a linear-time engine: ")


def test_pattern_matching_every_message_is_refused():
    assert "matches an empty message" in check_pattern(r"\s*")


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"微信.{0,5}转账", r"\p{Han}{2}群", r"(?i)VX\d+"])
def test_ordinary_patterns_pass(pattern):
    assert check_pattern(pattern) is None


def test_compile_pattern_raises_pattern_error():
    with pytest.raises(PatternError):
        compile_pattern(r"(a)\1")
    assert compile_pattern("ABC", ignore_case=True).search("xabc") is not None


def test_hostile_input_returns_promptly():
    hostile = pd.Series(["a" * 30 + "b", "a" * 100_000 + "b", "aaa"], dtype="str")
    start = time.perf_counter()
    out = matches(hostile, r"(a+)+$")
    assert time.perf_counter() - start < 1.0       # a backtracking engine needs ~2^30 steps for row 0
    assert out.tolist() == [False, False, True]
    start = time.perf_counter()
    assert compile_pattern(r"(a+)+$").search("a" * 30 + "b") is None
    assert time.perf_counter() - start < 1.0


def test_matches_is_vectorised_over_the_column():
    s = pd.Series(["加我微信转账", None, "微 信 转账", "WX123"], index=[3, 4, 5, 6], dtype="str")
    assert matches(s, r"微信.{0,3}转账").tolist() == [True, False, False, False]
    assert matches(s, r"wx\d+", ignore_case=True).tolist() == [False, False, False, True]
    assert matches(s, r"wx\d+", ignore_case=True).index.tolist() == [3, 4, 5, 6]
    with pytest.raises(PatternError):
        matches(s, r"(?<=微信)转账")


def test_arrow_text_accepts_every_column_shape():
    expected = ["a", "", "b"]
    assert arrow_text(pd.Series(["a", None, "b"], dtype="str")).to_pylist() == expected
    assert arrow_text(pd.Series(["a", None, "b"], dtype=object)).to_pylist() == expected
    assert arrow_text(pa.chunked_array([["a", None], ["b"]])).to_pylist() == expected
    assert arrow_text(pa.chunked_array([], pa.string())).to_pylist() == []
    assert arrow_text(pd.Series(["a", None, "b"], dtype="str")).type == pa.large_string()
