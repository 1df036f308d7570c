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


# First and last bytes of the UTF-8 of each white space character (str.isspace(), which
# is what Arrow's utf8_trim_whitespace removes; Unicode has none above U+3000).
_SPACE_LEAD = np.zeros(256, dtype=bool)
_SPACE_TRAIL = np.zeros(256, dtype=bool)
for _c in (chr(c).encode() for c in range(0x3001) if chr(c).isspace()):
    _SPACE_LEAD[_c[0]] = _SPACE_TRAIL[_c[-1]] = True


def trimmed(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A text column with white space trimmed at both ends and empty values null.

    Names, ids and other short cells rarely carry white space, so the
    characters are copied only when some value needs trimming: a value can
    only if its first or last byte could be part of a white space
    character, and Arrow trims just those values to find out.
    """
    if isinstance(values, pa.ChunkedArray):
        return pa.chunked_array([_trimmed(chunk) for chunk in values.chunks], type=values.type)
    return _trimmed(values)


def _trimmed(arr: pa.Array) -> pa.Array:
    off, data = _offsets(arr)
    if off is None:
        cut = pc.utf8_trim_whitespace(arr)
        return pc.if_else(pc.equal(pc.binary_length(cut), 0), pa.scalar(None, arr.type), cut)
    empty = off[1:] == off[:-1]
    if len(data):
        # Byte-sized temporaries: at a million short cells, every int64 one is 8 MB of fresh memory.
        # (An empty value's "first byte" is its neighbour's: it only makes a needless candidate.)
        maybe = _SPACE_LEAD[data.take(off[:-1], mode="clip")]
        maybe |= _SPACE_TRAIL[data.take(off[1:] - 1, mode="clip")]
        maybe &= ~empty
        maybe = np.flatnonzero(maybe)
        if len(maybe):
            part = arr.take(pa.array(maybe))
            cut = pc.utf8_trim_whitespace(part)
            if pc.any(pc.not_equal(pc.binary_length(cut), pc.binary_length(part))).as_py():
                arr = pc.utf8_trim_whitespace(arr)
                off, _ = _offsets(arr)
                empty = off[1:] == off[:-1]
    if not empty.any():
        return arr
    # Null where empty, on the same characters: a new validity bitmap, not a copy of the text.
    valid = ~empty if not arr.null_count else ~empty & arr.is_valid().to_numpy(zero_copy_only=False)
    bits = np.packbits(np.concatenate([np.zeros(arr.offset, dtype=bool), valid]), bitorder="little")
    return pa.Array.from_buffers(arr.type, len(arr), [pa.py_buffer(bits), *arr.buffers()[1:3]],
                                 offset=arr.offset)


def _offsets(arr: pa.Array) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(n + 1 value offsets, the bytes) of a string or binary array, read off its buffers;
    (None, None) for a layout without offsets (e.g. string_view)."""
    if pa.types.is_large_string(arr.type) or pa.types.is_large_binary(arr.type):
        width = np.int64
    elif pa.types.is_string(arr.type) or pa.types.is_binary(arr.type):
        width = np.int32
    else:
        return None, None
    n = len(arr)
    _, offsets, data = arr.buffers()[:3]
    if offsets is None:     # an empty array may have no buffers
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    off = np.frombuffer(offsets, dtype=width, count=n + 1, offset=arr.offset * np.dtype(width).itemsize)
    return off.astype(np.int64, copy=False), (np.zeros(0, dtype=np.uint8) if data is None
                                              else np.frombuffer(data, dtype=np.uint8))


_BLOCK = 1 << 18


def byte_counts(values: pa.Array | pa.ChunkedArray, char: str) -> np.ndarray:
    """How often the ASCII ``char`` occurs in each value of a text column (0 for null).

    Read straight off the column's buffers: one numpy pass over the bytes,
    several times faster than Arrow's per-value substring search on a
    column of short texts. In UTF-8 an ASCII byte is never part of another
    character, so counting bytes counts characters.
    """
    return np.bincount(byte_rows(values, char), minlength=len(values)).astype(np.int64, copy=False)


def byte_rows(values: pa.Array | pa.ChunkedArray, char: str) -> np.ndarray:
    """The row of each occurrence of the ASCII ``char`` in a text column, in order (none in nulls).

    What ``byte_counts`` counts, without an array as long as the column: a
    column without the character costs one pass over its bytes and nothing more.
    """
    code = ord(char)
    assert code < 0x80, char
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    out, first = [np.zeros(0, dtype=np.int64)], 0
    for chunk in chunks:
        out.append(_byte_rows(chunk, code) + first)
        first += len(chunk)
    return out[0] if len(out) == 1 else out[1] if len(out) == 2 else np.concatenate(out)


def _byte_rows(arr: pa.Array, code: int) -> np.ndarray:
    off, data = _offsets(arr)
    if off is None:     # e.g. string_view: no offsets to read
        counts = pc.fill_null(pc.count_substring(arr, chr(code)), 0).to_numpy(zero_copy_only=False)
        return np.repeat(np.arange(len(arr), dtype=np.int64), counts)
    lo, hi = int(off[0]), int(off[-1])
    if hi == lo:
        return np.zeros(0, dtype=np.int64)
    # Block by block into one reused mask: a mask as long as the column would be
    # fresh memory, and touching fresh memory costs more than the comparison.
    mask, hits = np.empty(min(_BLOCK, hi - lo), dtype=bool), [np.zeros(0, dtype=np.int64)]
    for start in range(lo, hi, _BLOCK):
        block = mask[:min(_BLOCK, hi - start)]
        np.equal(data[start:start + len(block)], code, out=block)
        hits.append(np.flatnonzero(block) + start)
    rows = np.searchsorted(off, np.concatenate(hits), side="right") - 1
    if arr.null_count and len(rows):
        rows = rows[arr.is_valid().to_numpy(zero_copy_only=False)[rows]]     # a null's slot may hold stale bytes
    return rows


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
