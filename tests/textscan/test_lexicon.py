import codecs

import pandas as pd
import pytest

from grpaudit.textscan.lexicon import HIT_COLUMNS, Lexicon, LexiconError, read_words


def hits(lexicon: Lexicon, texts: list, index=None) -> list[tuple]:
    found = lexicon.scan(pd.Series(texts, dtype="str", index=index))
    assert list(found.columns) == list(HIT_COLUMNS)
    return list(found.itertuples(index=False, name=None))


GAMBLING = Lexicon({"gambling": ["赌博", "dubo"]})


@pytest.mark.parametrize("written", ["赌 博", "賭博", "ＤＵＢＯ", "ｄｕｂｏ", "赌\u200b博", "赌-博", "赌.博", "赌*博"])
def test_evasions_match_and_evidence_quotes_the_original(written):
    listed = "dubo" if written.lower().startswith(("ｄ", "d")) else "赌博"
    text = f"周末一起{written}吗"
    assert hits(GAMBLING, [text]) == [(0, "gambling", listed, 4, 4 + len(written), written)]


def test_allowed_word_covering_the_deny_word_wins():
    lex = Lexicon({"porn": ["口交"]}, allow=["路口交通"])
    assert hits(lex, ["前面路口交通管制", "他们口交了"]) == [(1, "porn", "口交", 2, 4, "口交")]


def test_allowed_word_straddling_the_deny_word_wins():
    lex = Lexicon({"porn": ["口交"]}, allow=["路口"])
    assert hits(lex, ["路口交通管制"]) == []
    assert hits(lex, ["门口交接"]) == [(0, "porn", "口交", 1, 3, "口交")]


def test_allowed_word_inside_a_longer_deny_word_does_not_excuse_it():
    lex = Lexicon({"gambling": ["赌博彩票"]}, allow=["彩票"])
    assert hits(lex, ["买赌博彩票"]) == [(0, "gambling", "赌博彩票", 1, 5, "赌博彩票")]


def test_the_same_word_allowed_and_denied_is_allowed():
    lex = Lexicon({"ads": ["代理"], "gambling": ["赌博"]}, allow=["代理"])
    assert hits(lex, ["代理赌博"]) == [(0, "gambling", "赌博", 2, 4, "赌博")]


def test_every_listed_word_is_found_even_when_words_overlap():
    lex = Lexicon({"gambling": ["博彩", "赌博彩票", "赌博"], "ads": ["彩票"]})
    assert hits(lex, ["来赌博彩票"]) == [
        (0, "gambling", "赌博", 1, 3, "赌博"),
        (0, "gambling", "赌博彩票", 1, 5, "赌博彩票"),
        (0, "gambling", "博彩", 2, 4, "博彩"),
        (0, "ads", "彩票", 3, 5, "彩票"),
    ]


def test_a_word_in_two_categories_gives_one_row_per_category():
    lex = Lexicon({"gambling": ["彩票"], "ads": ["彩票", "代购"]})
    assert hits(lex, ["彩票代购"]) == [
        (0, "gambling", "彩票", 0, 2, "彩票"), (0, "ads", "彩票", 0, 2, "彩票"), (0, "ads", "代购", 2, 4, "代购")]


def test_repeated_occurrences_and_index_labels():
    found = hits(GAMBLING, ["没事", "赌博？不，赌博！", None, ""], index=["a", "b", "c", "d"])
    assert found == [("b", "gambling", "赌博", 0, 2, "赌博"), ("b", "gambling", "赌博", 5, 7, "赌博")]


def test_a_word_split_across_two_messages_is_no_hit():
    assert hits(GAMBLING, ["他说赌", "博很危险"]) == []


def test_traditional_listed_word_matches_simplified_text_and_keeps_its_spelling():
    lex = Lexicon({"gambling": ["賭博", "赌博"]})
    assert hits(lex, ["赌博"]) == [(0, "gambling", "賭博", 0, 2, "赌博")]


def test_no_hits_gives_typed_empty_frame():
    found = GAMBLING.scan(pd.Series(["你好", None], dtype="str"))
    assert found.empty and list(found.columns) == list(HIT_COLUMNS)
    assert str(found["start"].dtype) == "int64"
    assert GAMBLING.scan(pd.Series([], dtype="str")).empty


def test_word_that_is_only_invisible_characters_is_refused():
    with pytest.raises(LexiconError, match="empty"):
        Lexicon({"x": ["\u200b"]})


def test_no_deny_words_is_refused():
    with pytest.raises(LexiconError, match="no words"):
        Lexicon({}, allow=["路口"])


LIST = "# 赌博类\n赌博\n\n  博彩  # 2024 年加入\nC#\n"


@pytest.mark.parametrize("codec,bom", [("utf-8", b""), ("utf-8", codecs.BOM_UTF8)])
def test_read_words_skips_comments_and_blank_lines(tmp_path, codec, bom):
    path = tmp_path / "gambling.txt"
    path.write_bytes(bom + LIST.replace("\n", "\r\n").encode(codec))
    assert read_words(path) == ["赌博", "博彩", "C#"]


def test_read_words_refuses_gb18030_with_the_line(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("赌博\n".encode("utf-8") + "博彩\n".encode("gb18030"))
    with pytest.raises(LexiconError) as e:
        read_words(path)
    assert e.value.line == 2 and str(e.value).startswith(f"{path}:2: not UTF-8")


def test_from_files(tmp_path):
    (tmp_path / "porn.txt").write_text("口交\n", encoding="utf-8")
    (tmp_path / "allow.txt").write_text("# 地名与交通\n路口交通\n", encoding="utf-8")
    lex = Lexicon.from_files({"porn": [tmp_path / "porn.txt"]}, allow=[tmp_path / "allow.txt"])
    assert lex.categories == ("porn",)
    assert hits(lex, ["路口交通", "口交"]) == [(1, "porn", "口交", 0, 2, "口交")]
