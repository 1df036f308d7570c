import datetime as dt

import pandas as pd
import pytest

from grpaudit.textscan import pii

GB_EXAMPLE = "11010519491231002X"          # the GB 11643 example, also in the samples
ID_AND_LUHN = "110105199003070068"         # passes the ID checks and Luhn; no card prefix
ID_AND_UNIONPAY = "620102198506120553"     # passes the ID checks and Luhn, starts with UnionPay's 62


def found(texts: list, index=None) -> list[tuple]:
    out = pii.find(pd.Series(texts, dtype="str", index=index))
    assert list(out.columns) == list(pii.PII_COLUMNS)
    return list(out.itertuples(index=False, name=None))


def test_the_constructed_numbers_are_what_the_tests_say():
    for value in (ID_AND_LUHN, ID_AND_UNIONPAY):
        assert pii.id_number_ok(value) and pii.luhn_ok(value)


def test_id_checksum():
    assert pii.id_checksum_ok(GB_EXAMPLE)
    assert pii.id_checksum_ok(GB_EXAMPLE.lower())
    assert not pii.id_checksum_ok("110105194912310021")       # wrong check digit
    assert not pii.id_checksum_ok("1101051949123100")         # too short


def complete(first17: str) -> str:
    """The 18-character ID with the right check character."""
    return next(first17 + c for c in "0123456789X" if pii.id_checksum_ok(first17 + c))


def test_id_birth_date_and_province():
    assert pii.id_number_ok(GB_EXAMPLE)
    assert complete("11010519490230001") and not pii.id_number_ok(complete("11010519490230001"))  # Feb 30
    assert not pii.id_number_ok(complete("11010518991231001"))                           # before 1900
    assert not pii.id_number_ok(GB_EXAMPLE, today=dt.date(1949, 12, 30))                 # born tomorrow
    assert not pii.id_number_ok(complete("99010519491231002"))                           # no province 99
    assert pii.id_number_ok(complete("44030519800101001"))                               # Shenzhen


def test_luhn():
    assert pii.luhn_ok("6222020012345671")
    assert not pii.luhn_ok("6222020012345672")
    assert not pii.luhn_ok("62220200123456X1")


def test_id_number_in_the_sample_message():
    text = "@曹敏 我妈的身份证号11010519491231002X，团险家属投保用一下"
    assert found([text]) == [(0, "id_card", 11, 29, GB_EXAMPLE, "110105********002X")]


def test_id_with_wrong_check_digit_is_not_reported():
    assert found(["身份证号110105194912310021"]) == []


def test_bank_card_luhn_valid_and_invalid():
    assert found(["卡号6222020012345671", "卡号6222020012345672"]) == [
        (0, "bank_card", 2, 18, "6222020012345671", "6222********5671")]


def test_bank_card_needs_a_known_prefix_or_a_card_word():
    # 7 + 15 digits passing Luhn: no issuer prefix, no card word → an order number
    assert pii.luhn_ok("7000000000000005")
    assert found(["订单7000000000000005"]) == []
    assert found(["银行卡7000000000000005"]) == [(0, "bank_card", 3, 19, "7000000000000005", "7000********0005")]


def test_grouped_card_number_is_one_number():
    assert found(["工资卡 6222 0200 1234 5671 好的"]) == [
        (0, "bank_card", 4, 23, "6222020012345671", "6222********5671")]


def test_18_digits_passing_both_checks_with_id_word_is_an_id():
    assert found([f"身份证：{ID_AND_UNIONPAY}"]) == [(0, "id_card", 4, 22, ID_AND_UNIONPAY, "620102********0553")]


def test_18_digits_passing_both_checks_without_context_is_an_id():
    assert found([ID_AND_UNIONPAY]) == [(0, "id_card", 0, 18, ID_AND_UNIONPAY, "620102********0553")]


def test_18_digits_passing_both_checks_with_card_word_only_is_a_card():
    assert found([f"工资卡卡号{ID_AND_LUHN}"]) == [(0, "bank_card", 5, 23, ID_AND_LUHN, "1101**********0068")]
    assert found([f"卡号{ID_AND_LUHN}，身份证也发你"]) == [(0, "id_card", 2, 20, ID_AND_LUHN, "110105********0068")]


def test_mobile_numbers():
    assert found(["周末有问题直接打我电话13800001004"]) == [(0, "mobile", 11, 22, "13800001004", "138****1004")]
    assert found(["138-0000-1004", "+86 13800001004", "8613800001004"]) == [
        (0, "mobile", 0, 13, "13800001004", "138****1004"),
        (1, "mobile", 4, 15, "13800001004", "138****1004"),
        (2, "mobile", 0, 13, "13800001004", "138****1004"),
    ]


def test_two_numbers_separated_by_a_space_are_two_numbers():
    assert found(["13800001004 13800001005"]) == [
        (0, "mobile", 0, 11, "13800001004", "138****1004"), (0, "mobile", 12, 23, "13800001005", "138****1005")]


def test_mobile_inside_a_longer_number_is_not_a_mobile():
    assert found(["订单号213800001004567", "12800001004", "2026-10-19 10:05:09"]) == []


def test_index_labels_and_missing_text():
    assert found([None, "13800001004"], index=["x", "y"]) == [("y", "mobile", 0, 11, "13800001004", "138****1004")]
    empty = pii.find(pd.Series([], dtype="str"))
    assert empty.empty and list(empty.columns) == list(pii.PII_COLUMNS)


def test_mask():
    assert pii.mask("110105194912311234", "id_card") == "110105********1234"
    assert pii.mask("6222020012345671", "bank_card") == "6222********5671"
    assert pii.mask("13800001004", "mobile") == "138****1004"
    with pytest.raises(KeyError):
        pii.mask("1", "email")


def test_mask_text():
    s = pd.Series(["电话13800001004，身份证11010519491231002X", "无", None], dtype="str", index=[5, 6, 7])
    masked = pii.mask_text(s, pii.find(s))
    assert masked.tolist()[:2] == ["电话138****1004，身份证110105********002X", "无"]
    assert pd.isna(masked.iloc[2]) and masked.index.tolist() == [5, 6, 7]


def test_salary_talk():
    talk = pii.salary_talk(pd.Series(["这个月工资条发了吗", "项目进度"], dtype="str"))
    assert list(talk[["message", "word", "start", "end"]].itertuples(index=False, name=None)) == [
        (0, "工资", 3, 5), (0, "工资条", 3, 6)]


def test_samples(samples):
    chat = pd.read_csv(samples / "generic_chat.csv", dtype=str, keep_default_na=False)
    hits = pii.find(chat["消息内容"])
    # data row 19 (0-based 18) is the one ID number of the file
    assert list(hits[["message", "kind", "value"]].itertuples(index=False, name=None)) == [
        (18, "id_card", GB_EXAMPLE)]
    lines = (samples / "qq_export.txt").read_text(encoding="utf-8").splitlines()
    qq = pii.find(pd.Series(lines, index=range(1, len(lines) + 1), dtype="str"))
    assert list(qq[["message", "kind", "value", "masked"]].itertuples(index=False, name=None)) == [
        (50, "mobile", "13800001004", "138****1004")]
