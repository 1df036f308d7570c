"""Column operations on message text shared by the chat readers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Names that mean "everyone" after an @.
MENTION_ALL = ("所有人", "全体成员", "全体", "all", "All", "ALL", "everyone", "Everyone")

# A mention runs from @ to the next white space (WeChat puts U+2005 after it,
# QQ and WeCom a space), a punctuation mark below or the end of the text.
# RE2's \s is ASCII only, so the class spells out every character Python's
# \s matches (what str.isspace() calls space), U+2005 and U+3000 included.
_SPACE = (r"\t\n\x{0b}\f\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
          r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}")
# Anchored, so each piece is read only up to where its name ends.
_NAME = rf"^(?P<name>[^{_SPACE},，:：;；。!！?？]*)"
_NO_MENTIONS = ()


def extract_mentions(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (mentions as tuples of names, mentions-everyone flags) for a text column.

    Rows without a mention share one empty tuple; NA text mentions no one.
    """
    mentions, everyone = mentions_in(pa.array(text.astype("str")))
    return pd.Series(mentions, index=text.index), pd.Series(everyone, index=text.index)


def mentions_in(values: pa.Array | pa.ChunkedArray,
                among: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``extract_mentions`` on an Arrow text column, as numpy arrays.

    Only rows of ``among`` (a mask; all rows when None) that contain '@'
    are read, so the cost follows the share of messages that mention
    someone, not the size of the month.
    """
    n = len(values)
    mentions = np.empty(n, dtype=object)
    mentions.fill(_NO_MENTIONS)
    everyone = np.zeros(n, dtype=bool)
    has_at = byte_counts(values, "@") > 0
    if among is not None:
        has_at = has_at & among
    if has_at.any():
        with_at = values.filter(pa.array(has_at))
        if isinstance(with_at, pa.ChunkedArray):
            with_at = with_at.combine_chunks()     # one list array below, one row numbering
        mentions[has_at], everyone[has_at] = _mentions(with_at)
    return mentions, everyone


def blank(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Mask of the values that strip to "" (empty or all white space; null counts as blank).

    The same as ``str.strip() == ""`` on Arrow-backed text (its strip is
    Arrow's, whose white space ``utf8_is_space`` shares), without building
    the stripped column.
    """
    empty = pc.equal(pc.binary_length(values), 0)
    return pc.fill_null(pc.or_(empty, pc.utf8_is_space(values)), True).to_numpy(zero_copy_only=False)


_BLOCK = 1 << 18


def byte_counts(values: pa.Array | pa.ChunkedArray, char: str) -> np.ndarray:
    """How often the ASCII ``char`` occurs in each value of a text column (0 for null).

    Read straight off the column's buffers: one numpy pass over the bytes,
    several times faster than Arrow's per-value substring search on a
    column of short texts. In UTF-8 an ASCII byte is never part of another
    character, so counting bytes counts characters.
    """
    code = ord(char)
    assert code < 0x80, char
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    out = [_byte_counts(chunk, code) for chunk in chunks]
    return out[0] if len(out) == 1 else np.concatenate([np.zeros(0, dtype=np.int64), *out])


def _byte_counts(arr: pa.Array, code: int) -> np.ndarray:
    n = len(arr)
    if pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type):
        width = np.int64
    elif pa.types.is_string(arr.type) or pa.types.is_binary(arr.type):
        width = np.int32
    else:       # e.g. string_view: no offsets to read
        return pc.fill_null(pc.count_substring(arr, chr(code)), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    _, offsets, data = arr.buffers()
    if n == 0 or data is None:
        return np.zeros(n, dtype=np.int64)
    off = np.frombuffer(offsets, dtype=width, count=n + 1, offset=arr.offset * np.dtype(width).itemsize)
    data = np.frombuffer(data, dtype=np.uint8)
    # Block by block into one reused mask: a mask as long as the column would be
    # fresh memory, and touching fresh memory costs more than the comparison.
    lo, hi = int(off[0]), int(off[-1])
    mask, hits = np.empty(min(_BLOCK, hi - lo), dtype=bool), [np.zeros(0, dtype=np.int64)]
    for start in range(lo, hi, _BLOCK):
        block = mask[:min(_BLOCK, hi - start)]
        np.equal(data[start:start + len(block)], code, out=block)
        hits.append(np.flatnonzero(block) + start)
    at = np.concatenate(hits)
    counts = np.bincount(np.searchsorted(off, at, side="right") - 1, minlength=n).astype(np.int64, copy=False)
    if arr.null_count:
        counts[~arr.is_valid().to_numpy(zero_copy_only=False)] = 0     # a null's slot may hold stale bytes
    return counts


def _mentions(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Names and everyone flags of texts that all contain '@'.

    Splitting at every '@' gives, after the first piece, one piece per '@';
    a piece's name is what comes before its first space or mark, and an '@'
    with no name right after it ("@ ", "@@", a last "@") mentions no one.
    """
    pieces = pc.split_pattern(values, "@")
    row = pc.list_parent_indices(pieces).to_numpy()
    after = np.zeros(len(row), dtype=bool)        # pieces after an '@'; the first is the text before it
    after[1:] = row[1:] == row[:-1]
    names = pc.extract_regex(pc.list_flatten(pieces).filter(pa.array(after)), _NAME).field("name")
    named = pc.not_equal(names, "").to_numpy(zero_copy_only=False)
    names, row = names.filter(pa.array(named)), row[after][named]
    offsets = np.zeros(len(values) + 1, dtype=np.int32)
    np.cumsum(np.bincount(row, minlength=len(values)), out=offsets[1:])
    per_text = pa.ListArray.from_arrays(pa.array(offsets), names)
    # Each text's names joined by a line break (which ends a name, so is in
    # none): the same mentions give the same key, and each distinct key
    # becomes one tuple shared by its rows, not one tuple per message.
    keys = pc.dictionary_encode(pc.binary_join(per_text, pa.scalar("\n", names.type)))
    distinct = [tuple(k.split("\n")) if k else _NO_MENTIONS for k in keys.dictionary.to_pylist()]
    every = [any(name in MENTION_ALL for name in mentioned) for mentioned in distinct]
    which = keys.indices.to_numpy()
    return np.fromiter(distinct, dtype=object, count=len(distinct))[which], np.array(every, dtype=bool)[which]
