"""Evasion-resistant normal form of chat text, for word-list matching.

People dodge keyword filters by writing a word differently, not by writing a
different word. The normal form undoes the common tricks, so one listed word
(normalised the same way) matches them all:

1. compatibility forms, by NFKC: full-width ``ｄｕｂｏ`` → ``dubo``, circled
   and styled letters, Kangxi radicals ``⼝`` → ``口``;
2. letter case, by case folding;
3. traditional characters, one by one: ``賭博`` → ``赌博`` (see below);
4. invisible characters removed: format characters (zero-width space and
   joiners, bidi marks, BOM, soft hyphen, tag characters), variation
   selectors, enclosing marks, Hangul fillers;
5. separators between two Chinese characters removed: whitespace, symbols
   (``★ ♥ + = ~ |``…) and ``- _ . * · # % & / \\ @ ' "``, so ``赌 博``,
   ``赌-博``, ``赌.博`` and ``赌*博`` all read ``赌博``.

Clause punctuation (``，。！？：；、``, brackets, Chinese quotes, ``…``) is
kept as it is: it separates clauses in ordinary writing, and removing it would
join the end of one clause to the start of the next (``门口，交接`` would
contain ``口交``).

Steps 1–4 are one per-character table built once; step 5 is one regular
expression. One RE2 pass over the column picks the messages that need either
(most Chinese messages need neither: plain characters, full-width commas, no
spaced-out words), and only those go through ``str.translate`` and the
regex. Because every step maps characters one by one, ``align`` can map a hit
in the normal form back to the original characters for evidence.

Traditional → simplified uses OpenCC's character table (``TSCharacters.txt``,
shipped in the ``opencc-python-reimplemented`` package), first candidate of
each entry. Character by character is enough for word lists and, unlike
OpenCC's phrase conversion, it never changes the length of the text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .regexsafe import arrow_text

# Full-width clause punctuation keeps its form (NFKC would make it ASCII):
# it is a boundary either way, and leaving it alone means most Chinese
# messages need no per-character pass at all.
_KEEP = "，！？：；（）［］｛｝…"

# Invisible characters that are not format characters (category Cf).
_INVISIBLE = "\u034f\u115f\u1160\u3164\uffa0\u2800"

# Separators that are punctuation rather than symbols or spaces.
_SEPARATOR_PUNCT = "-_.*·•・#%&/\\@'\""

# Chinese characters: CJK unified ideographs and extensions, compatibility
# ideographs, 々 and 〇. Kangxi radicals need not be listed: NFKC maps them.
_HAN_RANGES = ((0x3005, 0x3005), (0x3007, 0x3007), (0x3021, 0x3029), (0x3038, 0x303B),
               (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))

# Planes with assigned characters: BMP, SMP, SIP, TIP, and the variation
# selectors in plane 14. Planes 4-13 are unassigned, 15-16 private use.
_ASSIGNED = (range(0x0, 0xD800), range(0xE000, 0x40000), range(0xE0000, 0xE1000))


def _traditional_to_simplified() -> dict[str, str]:
    """OpenCC's single-character traditional → simplified table, first candidate."""
    path = files("opencc") / "dictionary" / "TSCharacters.txt"
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        if len(trad) == 1 and simp:
            table[trad] = simp.split()[0]
    # A few entries chain (薴 → 苧 → 苎): resolve them so the table is idempotent.
    for trad, simp in table.items():
        while simp in table and table[simp] != simp:
            simp = table[simp]
        table[trad] = simp
    return table


def _invisible(ch: str) -> bool:
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Cf", "Me") or ch in _INVISIBLE
            or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)


def _separator(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "ZS" or ch in _SEPARATOR_PUNCT


def _char_class(cps: list[int]) -> str:
    """A character class of the code points, as literal characters and ranges.

    Literal characters (with ``\\ ] [ ^ -`` escaped) mean the same to Python's
    ``re`` and to RE2, so the class can be used by both engines.
    """
    def lit(cp: int) -> str:
        ch = chr(cp)
        return "\\" + ch if ch in "\\[]^-" else ch

    cps = sorted(cps)
    parts, first, last = [], cps[0], cps[0]
    for cp in cps[1:] + [-1]:
        if cp != last + 1:
            parts.append(lit(first) if first == last else f"{lit(first)}-{lit(last)}")
            first = cp
        last = cp
    return "[" + "".join(parts) + "]"


def _py_class(cps: list[int]) -> str:
    """The class for Python's ``re``, split at the BMP.

    ``re`` tests a class holding characters beyond U+FFFF range by range; the
    BMP part alone becomes a bitmap. The lookahead keeps the slow part for the
    rare characters beyond the BMP.
    """
    bmp = [cp for cp in cps if cp <= 0xFFFF]
    astral = [cp for cp in cps if cp > 0xFFFF]
    if not astral:
        return _char_class(bmp)
    return f"(?:{_char_class(bmp)}|(?=[\U00010000-\U0010ffff]){_char_class(astral)})"


@dataclass(frozen=True)
class _Rules:
    """Everything built once from the Unicode and OpenCC tables."""
    table: dict[int, str | None]   # code point → replacement, None: delete (steps 1-4)
    needs_work: str                # RE2: a text has a character to map or a separator to drop
    separators: re.Pattern         # Python re: a separator run between Chinese characters


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    simplified = _traditional_to_simplified()
    table: dict[int, str | None] = {}
    separators = []
    for cp in (cp for block in _ASSIGNED for cp in block):
        ch = chr(cp)
        if unicodedata.category(ch) == "Cn":
            continue        # unassigned: no mapping, neither invisible nor a separator
        if _invisible(ch):
            table[cp] = None
            continue
        if _separator(ch):
            separators.append(cp)
        if ch in _KEEP:
            continue
        if unicodedata.is_normalized("NFKC", ch) and ch.casefold() == ch:
            out = simplified.get(ch, ch)        # most characters: quick checks instead of two NFKC passes
        else:
            folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", ch).casefold())
            out = "".join(simplified.get(c, c) for c in folded if not _invisible(c))
        if out != ch:
            table[cp] = out
    han = [cp for a, b in _HAN_RANGES for cp in range(a, b + 1)]
    # ASCII capitals are left out: an Arrow kernel lowercases ASCII first.
    mapped = _char_class([cp for cp in table if not 0x41 <= cp <= 0x5A])
    py_han = _py_class(han)
    return _Rules(
        table=table,
        needs_work=f"{mapped}|{_char_class(han)}{_char_class(separators)}+{_char_class(han)}",
        # Linear despite the lookarounds: only the first character of a run
        # has a Chinese character behind it, so a run is tried once.
        separators=re.compile(f"(?<={py_han}){_py_class(separators)}+(?={py_han})"),
    )


_JOIN = "\x00"


def _normalize_one(text: str, rules: _Rules) -> str:
    return rules.separators.sub("", text.translate(rules.table))


def normalize_array(text: pd.Series | pa.Array | pa.ChunkedArray) -> pa.LargeStringArray:
    """The normal form of a text column as an Arrow array (missing values as '')."""
    rules = _rules()
    arr = pc.ascii_lower(arrow_text(text))
    # Most messages have nothing to map and no spaced-out Chinese: one RE2 pass
    # finds the others, and only those go through Python.
    todo = pc.match_substring_regex(arr, rules.needs_work)
    if pc.any(todo).as_py():
        texts = arr.filter(todo).to_pylist()
        # One translate and one regex pass over all of them, joined by a character that
        # maps to itself and is no separator; per text only if a text holds it.
        joined = _JOIN.join(texts)
        if joined.count(_JOIN) == len(texts) - 1:
            done = _normalize_one(joined, rules).split(_JOIN)
        else:
            done = [_normalize_one(s, rules) for s in texts]
        arr = pc.replace_with_mask(arr, todo, pa.array(done, pa.large_string()))
    return arr


def normalize(text: pd.Series) -> pd.Series:
    """The normal form of each text, same index; NA stays NA."""
    out = normalize_array(text).to_pandas(types_mapper=pd.ArrowDtype).astype("str")
    out.index = text.index
    return out.mask(text.isna())


@dataclass(frozen=True)
class Alignment:
    """One text's normal form and, per normal-form character, the index of the
    original character it came from."""
    text: str
    origins: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original characters that produced normal-form characters [start, end)."""
        return self.origins[start], self.origins[end - 1] + 1


def align(text: str) -> Alignment:
    """Normalise one text the way ``normalize`` does, keeping where each character came from.

    Meant for the few messages that have a hit: it walks the text in Python.
    """
    rules = _rules()
    outs = [rules.table.get(ord(ch), ch) for ch in text]
    origins = [i for i, out in enumerate(outs) if out for _ in out]
    mapped = "".join(out for out in outs if out)
    kept, done = [], 0
    for m in rules.separators.finditer(mapped):
        kept += origins[done:m.start()]
        done = m.end()
    kept += origins[done:]
    return Alignment(rules.separators.sub("", mapped), tuple(kept))
