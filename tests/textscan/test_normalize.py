import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grpaudit.textscan.normalize import align, normalize, normalize_array


def norm(text: str) -> str:
    return normalize(pd.Series([text], dtype="str")).iloc[0]


@pytest.mark.parametrize("written", [
    "赌博",
    "賭博",               # traditional
    "赌 博",              # space
    "赌\u3000博",         # ideographic space
    "赌\u2005博",         # WeChat's mention space
    "赌-博", "赌.博", "赌*博", "赌_博", "赌/博", "赌★博", "赌♥博", "赌~博",
    "赌＊博", "赌．博",    # full-width separators
    "赌 - 博",            # a run of separators
    "赌\u200b博",         # zero-width space
    "赌\u200d博", "赌\ufeff博", "赌\u2060博", "赌\u00ad博",
    "赌\ufe0f博",         # variation selector
    "赌\u20dd博",         # enclosing circle
    "賭 博",              # traditional and spaced
])
def test_evasions_of_a_word_normalise_to_it(written):
    assert norm(written) == "赌博"


def test_full_width_letters_and_case():
    assert norm("ＤＵＢＯ") == "dubo"
    assert norm("ｄｕｂｏ") == "dubo"
    assert norm("DuBo") == "dubo"
    assert norm("①号") == "1号"


def test_kangxi_radical_reads_as_the_character():
    assert norm("⼝交") == "口交"       # U+2F1D KANGXI RADICAL MOUTH


def test_clause_punctuation_is_kept_so_clauses_do_not_join():
    assert norm("门口，交接") == "门口，交接"
    assert norm("门口。交接") == "门口。交接"
    assert norm("门口！交接") == "门口！交接"
    assert norm("门口……交接") == "门口……交接"
    assert norm("门口,交接") == "门口,交接"


def test_separators_between_latin_letters_stay():
    assert norm("a b") == "a b"
    assert norm("V3.2 版本") == "v3.2 版本"     # only between two Chinese characters
    assert norm("赌 a 博") == "赌 a 博"


def test_three_spaced_characters_lose_both_separators():
    assert norm("赌 博 彩 票") == "赌博彩票"
    assert norm("赌\u200b 博 彩") == "赌博彩"


def test_na_stays_na_and_index_is_kept():
    s = pd.Series(["賭博", None, ""], index=[10, 11, 12], dtype="str")
    out = normalize(s)
    assert out.index.tolist() == [10, 11, 12]
    assert out.iloc[0] == "赌博" and pd.isna(out.iloc[1]) and out.iloc[2] == ""
    assert normalize_array(s).to_pylist() == ["赌博", "", ""]


def test_align_maps_back_to_original_characters():
    a = align("他说：賭 博\u200b彩票！")
    assert a.text == "他说：赌博彩票！"
    start = a.text.index("博彩")
    assert a.original_span(start, start + 2) == (5, 8)      # 博\u200b彩
    assert a.original_span(3, 5) == (3, 6)                  # 賭 博


def test_expanding_character_maps_to_itself():
    a = align("㈱公司")                       # NFKC: (株)
    assert a.text == "(株)公司"
    assert a.original_span(1, 2) == (0, 1)


_ALPHABET = st.sampled_from(list("赌博彩票口交路通好的abcABC12 -._*★，。！？…")
                            + ["\u200b", "\u3000", "\u2005", "賭", "ｄ", "Ｄ", "⼝", "㈱", "\ufe0f", "\U0001f600",
                               "\U00020000", "ß", "İ", "\t", "\n", "\x00"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(_ALPHABET, max_size=12), min_size=1, max_size=5))
def test_align_agrees_with_the_column_function_and_is_idempotent(texts):
    column = normalize(pd.Series(texts, dtype="str"))
    for text, normal in zip(texts, column):
        a = align(text)
        assert a.text == normal
        assert len(a.origins) == len(normal)
        assert list(a.origins) == sorted(a.origins)
        assert norm(normal) == normal


def test_a_column_normalises_each_text_as_alone_even_with_the_joining_character():
    # The column is normalised in one pass over its texts joined by NUL; a text
    # holding a NUL itself must not shift the others.
    texts = ["賭 博", "ｄｕｂｏ\x00賭博", "赌\u200b博", "门口，交接", "a\x00\x00b"]
    column = normalize(pd.Series(texts, dtype="str")).tolist()
    assert column == [norm(t) for t in texts]
    assert column[:4] == ["赌博", "dubo\x00赌博", "赌博", "门口，交接"]
