"""Top-level JSON values of a file with the line each starts on, for the JSON readers.

WeCom's archive and group-info files come as JSON Lines, a JSON array
(indented or on one line) or concatenated objects; a broken value must cost
only itself and be reported with its line, never the whole file.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Iterator, NamedTuple

from .source import Source


class JsonRecord(NamedTuple):
    """One top-level JSON value of a file and where it is."""
    line: int               # physical line of its first character
    index: int              # 0-based position among the file's values
    start: int              # character offsets in the text
    end: int
    value: object           # the parsed value; None when ``problem`` is set
    problem: str | None     # why it could not be parsed


_WS = re.compile(r"[ \t\r\n\ufeff]*")
_INDENT = re.compile(r"[ \t]*")


@lru_cache(maxsize=32)
def _next_value(indent: int) -> re.Pattern:
    """A line that opens an object or array at exactly ``indent`` columns."""
    return re.compile(r"\n[ \t]{%d}[{\[]" % indent)


def iter_json(text: str) -> Iterator[JsonRecord]:
    """The top-level values of a JSON array, JSON Lines or concatenated JSON text.

    A value that does not parse yields a record with ``problem`` set, and
    reading resumes at the next line that opens a value at the same
    indentation (the next line of JSON Lines, the next element of an indented
    array); without one, the rest of the file belongs to the broken value.
    Each value is decoded from a slice that ends at that next opening, so a
    broken value costs its own length, not the file's.
    """
    decoder = json.JSONDecoder()
    n = len(text)
    pos = _WS.match(text).end()
    in_array = text.startswith("[", pos)
    if in_array:
        pos = _WS.match(text, pos + 1).end()
    line, counted, line_start, index = 1, 0, 0, 0
    ahead: dict[int, tuple[int, re.Match | None]] = {}  # indent → (searched from, next opening)
    while pos < n:
        if in_array and text[pos] == "]":
            after = _WS.match(text, pos + 1).end()
            if after < n:
                line += text.count("\n", counted, after)
                yield JsonRecord(line, index, after, n, None, "text after the end of the JSON array")
            return
        # Positions only grow, so lines, the line start and the next opening
        # are found incrementally: a compact one-line array stays linear.
        line += text.count("\n", counted, pos)
        line_start = max(line_start, text.rfind("\n", counted, pos) + 1)
        counted = pos
        indent = pos - line_start
        if _INDENT.match(text, line_start, pos).end() < pos:
            nxt = None                     # not first on its line (a compact array): nothing to resume at
        else:
            seen = ahead.get(indent)
            if seen is None or (seen[1] is not None and seen[1].start() <= pos):
                seen = ahead[indent] = (pos, _next_value(indent).search(text, pos + 1))
            nxt = seen[1]
        stop = nxt.start() if nxt else n
        try:
            if nxt:
                value, length = decoder.raw_decode(text[pos:stop])
                end = pos + length
            else:
                value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield JsonRecord(line, index, pos, stop, None, f"not valid JSON (value #{index + 1}): {exc.msg}")
            if not nxt:
                return
            pos, index = nxt.end() - 1, index + 1
            continue
        yield JsonRecord(line, index, pos, end, value, None)
        index += 1
        pos = _WS.match(text, end).end()
        if in_array and text.startswith(",", pos):
            pos = _WS.match(text, pos + 1).end()


def first_object(src: Source) -> dict | None:
    """The file's first JSON object (first element of an array), or None."""
    head = src.head(65536).lstrip("\ufeff \t\r\n")
    if not head.startswith(("[", "{")):
        return None
    first = next(iter_json(head), None)
    return first.value if first and isinstance(first.value, dict) else None
