"""Personal data in chat text: ID numbers, bank cards, mobile numbers, pay talk.

Detection runs on candidates only: one Arrow (RE2) pass keeps the messages
with a run of at least 11 digits, one RE2 search per such message finds the
digit runs (digits, optionally grouped by single spaces or hyphens, optional
final X), and the checks below run on those few runs:

* **resident ID** (GB 11643): 17 digits and a check character, ISO 7064
  MOD 11-2 checksum, a real birth date (YYYYMMDD, 1900 to today) and a
  province code that exists;
* **bank card**: 13–19 digits passing the Luhn check and either a known
  issuer prefix (UnionPay 62, Visa 4, Mastercard, Amex, JCB…) or a card word
  nearby (卡号, 银行卡…): Luhn alone passes one random number in ten, and
  order numbers are long;
* **mobile**: ``1[3-9]`` and 9 more digits, optionally after 86, never part of
  a longer digit run;
* an 18-digit number can pass both the ID and the card checks: it is an ID
  unless a card word is near it and no ID word is.

A run grouped the way a number is written (``138-0000-1004``,
``6222 0200 1234 5678``, ``110105 19491231 002X``) is checked whole; other
groupings (``13800001004 13800001005``) are checked group by group.
Evidence is masked with ``mask`` (``110105********002X``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .lexicon import Lexicon
from .regexsafe import arrow_text, compile_pattern

ID_WORDS = ("身份证", "证件号", "身份号", "公民身份", "身份信息")
CARD_WORDS = ("卡号", "银行卡", "储蓄卡", "信用卡", "借记卡", "工资卡", "账号", "帐号", "开户", "收款")
#: Pay and salary talk (002 §四.2.1: employees' salaries are private).
SALARY_WORDS = ("工资", "薪资", "薪水", "薪酬", "月薪", "年薪", "底薪", "奖金", "年终奖", "绩效工资",
                "工资条", "涨薪", "加薪", "降薪", "扣工资", "扣薪", "税前", "税后", "到手多少", "提成")

#: How many characters on each side of a number are searched for ID_WORDS / CARD_WORDS.
CONTEXT_CHARS = 10

KINDS = ("id_card", "bank_card", "mobile")
#: Columns of ``find``'s result.
PII_COLUMNS = ("message", "kind", "start", "end", "value", "masked")

# Province-level codes of GB/T 2260, plus 81/82/83 of the residence permits
# for Hong Kong, Macao and Taiwan residents.
_PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45,
                        46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Issuer prefixes: UnionPay, Visa, Mastercard (51-55, 2221-2720), Amex, JCB,
# Diners, Discover, and the 95xx prefixes of older Chinese debit cards.
_BINS = ("62", "4", "51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27", "34", "37", "35",
         "30", "36", "38", "60", "65", "94", "95")

_HAS_CANDIDATE = r"\d(?:[ -]?\d){10}"
_CANDIDATE = compile_pattern(r"\d+(?:[ -]\d+)*[Xx]?")
# Groupings in which a number is written whole: phone 3-4-4, ID 6-8-4, card 4-4-4-4(-n) and 6-n.
_LAYOUTS = {(3, 4, 4), (6, 8, 4), (4, 4, 4, 4), (4, 4, 4, 4, 1), (4, 4, 4, 4, 2), (4, 4, 4, 4, 3),
            (4, 4, 4, 1), (4, 4, 4, 2), (4, 4, 4, 3), (6, 13), (6, 12), (6, 10)}


def id_checksum_ok(value: str) -> bool:
    """ISO 7064 MOD 11-2 check character of an 18-character ID number."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17].upper()


def id_number_ok(value: str, today: dt.date | None = None) -> bool:
    """A plausible resident ID: checksum, existing province code, real birth date."""
    if not id_checksum_ok(value) or int(value[:2]) not in _PROVINCES:
        return False
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= (today or dt.date.today())


def luhn_ok(value: str) -> bool:
    """The Luhn check of a card number."""
    if not value.isdigit():
        return False
    total = 0
    for i, d in enumerate(reversed(value)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def mask(value: str, kind: str) -> str:
    """Masked evidence: ID ``110105********002X``, card ``6222********1234``, mobile ``138****1004``."""
    keep = {"id_card": (6, 4), "bank_card": (4, 4), "mobile": (3, 4)}[kind]
    head, tail = keep
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def _near(text: str, start: int, end: int, words: tuple[str, ...]) -> bool:
    around = text[max(0, start - CONTEXT_CHARS):start] + " " + text[end:end + CONTEXT_CHARS]
    return any(w in around for w in words)


def _kind(value: str, text: str, start: int, end: int) -> tuple[str, str] | None:
    """(kind, value as reported) of one digit run, or None when it is none of them."""
    n = len(value)
    if n == 11 and value[0] == "1" and value[1] in "3456789":
        return "mobile", value
    if n == 13 and value.startswith("861") and value[3] in "3456789":
        return "mobile", value[2:]
    is_id = n == 18 and id_number_ok(value)
    is_card = (13 <= n <= 19 and luhn_ok(value)
               and (value.startswith(_BINS) or _near(text, start, end, CARD_WORDS)))
    if is_id and is_card:
        card_context = _near(text, start, end, CARD_WORDS) and not _near(text, start, end, ID_WORDS)
        return ("bank_card", value) if card_context else ("id_card", value)
    if is_id:
        return "id_card", value.upper()
    if is_card:
        return "bank_card", value
    return None


def _runs(body: str):
    """(start, end, digits) of each number to check in one message."""
    for m in _CANDIDATE.finditer(body):
        groups, pos = [], m.start()
        for part in m.group().replace("-", " ").split(" "):
            groups.append((pos, pos + len(part), part))
            pos += len(part) + 1
        if len(groups) == 1 or tuple(len(g) for _, _, g in groups) in _LAYOUTS:
            yield m.start(), m.end(), "".join(g for _, _, g in groups)
        else:
            yield from groups


def find(text: pd.Series) -> pd.DataFrame:
    """Every ID number, bank card and mobile number in every message.

    ``message`` is the text's index label, ``start``/``end`` the character
    span of the number as written, ``value`` its digits (no separators) and
    ``masked`` the value to show in a report.
    """
    arr = arrow_text(text)
    candidates = pc.match_substring_regex(arr, _HAS_CANDIDATE).to_numpy(zero_copy_only=False)
    rows = []
    for pos in candidates.nonzero()[0]:
        body = arr[int(pos)].as_py()
        for start, end, digits in _runs(body):
            found = _kind(digits, body, start, end)
            if found:
                kind, value = found
                rows.append((text.index[pos], kind, start, end, value, mask(value, kind)))
    out = pd.DataFrame(rows, columns=list(PII_COLUMNS))
    out = out.astype({"kind": "str", "value": "str", "masked": "str", "start": "int64", "end": "int64"})
    if not rows:
        out["message"] = text.index[:0]
    return out


def mask_text(text: pd.Series, found: pd.DataFrame) -> pd.Series:
    """``text`` with every number in ``found`` (from ``find``) replaced by its masked value.

    For evidence in reports; ``text`` must have unique index labels, as ``find`` reports them.
    """
    out = text.copy()
    for message, hits in found.groupby("message", sort=False):
        body = text.loc[message]
        for start, end, masked in hits.sort_values("start", ascending=False)[["start", "end", "masked"]].itertuples(
                index=False):
            body = body[:start] + masked + body[end:]
        out.loc[message] = body
    return out


@lru_cache(maxsize=8)
def _salary_lexicon(words: tuple[str, ...]) -> Lexicon:
    return Lexicon({"salary": words})


def salary_talk(text: pd.Series, words: Iterable[str] = SALARY_WORDS, normal: pa.Array | None = None
                ) -> pd.DataFrame:
    """Pay and salary words in each message, as ``Lexicon.scan`` rows (category ``salary``)."""
    return _salary_lexicon(tuple(words)).scan(text, normal)
