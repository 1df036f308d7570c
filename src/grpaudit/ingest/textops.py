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
_END_OF_NAME = rf"(?s)[{_SPACE},，:：;；。!！?？].*"
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
    has_at = pc.fill_null(pc.match_substring(values, "@"), False).to_numpy(zero_copy_only=False)
    if among is not None:
        has_at = has_at & among
    if has_at.any():
        with_at = values.filter(pa.array(has_at))
        if isinstance(with_at, pa.ChunkedArray):
            with_at = with_at.combine_chunks()     # one list array below, one row numbering
        mentions[has_at], everyone[has_at] = _mentions(with_at)
    return mentions, everyone


def _mentions(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Names and everyone flags of texts that all contain '@'.

    Splitting at every '@' gives, after the first piece, one piece per '@';
    a piece's name is what comes before its first space or mark, and an '@'
    with no name right after it ("@ ", "@@", a last "@") mentions no one.
    """
    pieces = pc.split_pattern(values, "@")
    row = pc.list_parent_indices(pieces).to_numpy()
    first = np.ones(len(row), dtype=bool)
    first[1:] = row[1:] != row[:-1]
    names = pc.replace_substring_regex(pc.list_flatten(pieces), _END_OF_NAME, "", max_replacements=1)
    named = ~first & pc.not_equal(names, "").to_numpy(zero_copy_only=False)
    names, row = names.filter(pa.array(named)), row[named]
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
