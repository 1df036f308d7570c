"""Word lists per category, matched with one Aho–Corasick automaton.

A policy names word-list files per category (``red_line``, ``insult``,
``ads``, ``gambling``, ``rumour``, ``private``…) and allow-list files. A list
file is UTF-8 (a BOM is fine), one word per line; ``#`` starts a comment
(a whole line, or after whitespace at the end of a line); blank lines are
skipped.

Words and messages go through the same ``normalize``, so a listed ``赌博``
finds ``賭博``, ``赌 博``, ``赌\\u200b博`` and ``ＤＵＢＯ`` when ``dubo`` is
listed. All words of all categories and the allow list are one automaton
(``ahocorasick_rs``, standard match kind, overlapping matches), run once over
the whole normalised column's UTF-8 bytes: every occurrence of every listed
word is found, including words inside longer words (``博彩`` inside
``赌博彩票``), and a million messages cost one C-level pass.

An allow-list hit wins over every deny hit it overlaps, unless the allowed
word lies wholly inside the deny word: ``路口交通`` (allowed) covers ``口交``,
and ``路口`` (allowed) straddles it, so neither reading is a hit; but an
allowed ``彩票`` does not excuse a listed ``赌博彩票`` around it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs
import numpy as np
import pandas as pd
import pyarrow as pa

from .normalize import align, normalize, normalize_array

#: Columns of ``Lexicon.scan``'s result.
HIT_COLUMNS = ("message", "category", "word", "start", "end", "matched")

# A comment: '#' at the start of a line or after whitespace (C# stays a word).
_COMMENT = re.compile(r"(?:^|\s)#.*")


class LexiconError(ValueError):
    """A word list that cannot be used: names the file, the line and the problem."""

    def __init__(self, problem: str, path: str | Path | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.problem = problem
        where = "" if path is None else f"{path}:{line}: " if line else f"{path}: "
        super().__init__(f"{where}{problem}")


def read_words(path: str | Path) -> list[str]:
    """The words of one list file, in file order."""
    data = Path(path).read_bytes()
    words = []
    for number, raw in enumerate(data.splitlines(), 1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise LexiconError("not UTF-8 text; save the word list as UTF-8", path, number) from None
        line = _COMMENT.sub("", line)
        line = line.strip()
        if line:
            words.append(line)
    return words


@dataclass(frozen=True)
class _Pattern:
    """One normalised word in the automaton and what it stands for."""
    allow: bool                            # on the allow list: its hits excuse overlapping deny hits
    listed: tuple[tuple[str, str], ...]    # (category, word as listed) per deny category


class Lexicon:
    """Deny words by category plus an allow list, ready to scan text columns."""

    def __init__(self, categories: Mapping[str, Iterable[str]], allow: Iterable[str] = ()):
        entries: list[tuple[str | None, str]] = [(cat, w) for cat, words in categories.items() for w in words]
        entries += [(None, w) for w in allow]
        if not any(cat is not None for cat, _ in entries):
            raise LexiconError("no words to look for")
        normal = normalize(pd.Series([w for _, w in entries], dtype="str")).tolist()
        allowed: set[str] = set()
        listed: dict[str, dict[str, str]] = {}     # normal form → {category: word as listed}
        for (cat, word), norm in zip(entries, normal):
            if not norm:
                raise LexiconError(f"word {word!r} is empty once invisible characters are removed")
            spellings = listed.setdefault(norm, {})
            if cat is None:
                allowed.add(norm)
            else:
                # The first listed spelling names the word in findings (賭博 and 赌博 are one word).
                spellings.setdefault(cat, word)
        self.categories = tuple(categories)
        self._patterns = [_Pattern(norm in allowed, tuple(cats.items())) for norm, cats in listed.items()]
        self._automaton = ahocorasick_rs.BytesAhoCorasick(
            [norm.encode("utf-8") for norm in listed], matchkind=ahocorasick_rs.MatchKind.Standard)

    @classmethod
    def from_files(cls, categories: Mapping[str, Sequence[str | Path]],
                   allow: Sequence[str | Path] = ()) -> Lexicon:
        """Build from list files: category → files, and allow-list files."""
        return cls({cat: [w for p in paths for w in read_words(p)] for cat, paths in categories.items()},
                   [w for p in allow for w in read_words(p)])

    def scan(self, text: pd.Series, normal: pa.Array | None = None) -> pd.DataFrame:
        """Every listed word in every message, allow-list hits removed.

        One row per (message, category, word, occurrence): ``message`` is the
        index label of the text, ``word`` the word as listed, ``start``/``end``
        the character span in the *original* text and ``matched`` that span
        (``赌 博`` for the listed ``赌博``), for evidence. ``normal`` is
        ``normalize_array(text)`` when the caller has it already.
        """
        arr = normalize_array(text) if normal is None else normal
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset:arr.offset + len(arr) + 1]
        chars = arr.buffers()[2]
        data = np.frombuffer(chars, dtype=np.uint8) if chars is not None else np.zeros(0, np.uint8)
        found = self._automaton.find_matches_as_indexes(data, overlapping=True)
        if not found:
            return _empty(text)
        pid, start, end = (np.array(col, dtype=np.int64) for col in zip(*found))
        # The column is one byte string: keep hits that start and end in the same message.
        row = np.searchsorted(offsets, start, side="right") - 1
        keep = (row == np.searchsorted(offsets, end - 1, side="right") - 1) & (row >= 0) & (row < len(arr))
        hits = pd.DataFrame({"row": row[keep], "pid": pid[keep],
                             "start": start[keep] - offsets[row[keep]], "end": end[keep] - offsets[row[keep]]})
        hits = self._drop_allowed(hits)
        if hits.empty:
            return _empty(text)
        return _locate(self._expand(hits), text)

    def _drop_allowed(self, hits: pd.DataFrame) -> pd.DataFrame:
        allow = np.array([p.allow for p in self._patterns])[hits["pid"].to_numpy()]
        allowed, deny = hits[allow], hits[~allow]
        if allowed.empty or deny.empty:
            return deny
        pairs = deny.reset_index().merge(allowed, on="row", suffixes=("", "_a"))
        overlap = (pairs["start_a"] < pairs["end"]) & (pairs["end_a"] > pairs["start"])
        inside = ((pairs["start_a"] >= pairs["start"]) & (pairs["end_a"] <= pairs["end"])
                  & ((pairs["start_a"] != pairs["start"]) | (pairs["end_a"] != pairs["end"])))
        return deny.drop(index=pairs.loc[overlap & ~inside, "index"].unique())

    def _expand(self, hits: pd.DataFrame) -> pd.DataFrame:
        """One row per deny category a hit's word is listed in."""
        listed = pd.Series([self._patterns[p].listed for p in hits["pid"]], index=hits.index)
        hits = hits.assign(listed=listed).explode("listed")
        cat_word = pd.DataFrame(hits.pop("listed").tolist(), index=hits.index, columns=["category", "word"])
        return pd.concat([hits, cat_word], axis=1)


def _locate(hits: pd.DataFrame, text: pd.Series) -> pd.DataFrame:
    """Turn byte offsets in the normal form into character spans of the original text.

    Runs once per message that has a hit, and those are few.
    """
    # Stable: a word listed in several categories keeps the policy's category order.
    hits = hits.sort_values(["row", "start", "end"], kind="stable").reset_index(drop=True)
    byte_start, byte_end = hits["start"].to_numpy(), hits["end"].to_numpy()
    starts = np.empty(len(hits), np.int64)
    ends = np.empty(len(hits), np.int64)
    matched = [""] * len(hits)
    groups = hits.groupby("row").indices
    originals = text.iloc[list(groups)].tolist()
    for (row, positions), original in zip(groups.items(), originals):
        aligned = align(original)
        encoded = np.frombuffer(aligned.text.encode("utf-8"), dtype=np.uint8)
        # Characters before each byte offset: count the bytes that start a UTF-8 character.
        chars_before = np.concatenate(([0], np.cumsum((encoded & 0xC0) != 0x80)))
        origins = np.array(aligned.origins, dtype=np.int64)
        cs, ce = chars_before[byte_start[positions]], chars_before[byte_end[positions]]
        starts[positions], ends[positions] = origins[cs], origins[ce - 1] + 1
        for i in positions:
            matched[i] = original[starts[i]:ends[i]]
    return pd.DataFrame({
        "message": text.index[hits["row"].to_numpy()],
        "category": pd.Series(hits["category"].to_numpy(), dtype="str"),
        "word": pd.Series(hits["word"].to_numpy(), dtype="str"),
        "start": starts,
        "end": ends,
        "matched": pd.Series(matched, dtype="str"),
    })


def _empty(text: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({
        "message": text.index[:0],
        **{c: pd.Series([], dtype="str") for c in ("category", "word")},
        **{c: np.zeros(0, np.int64) for c in ("start", "end")},
        "matched": pd.Series([], dtype="str"),
    })
