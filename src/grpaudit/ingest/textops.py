"""Column operations on message text shared by the chat readers."""
from __future__ import annotations

import pandas as pd

#: Names that mean "everyone" after an @.
MENTION_ALL = ("所有人", "全体成员", "全体", "all", "All", "ALL", "everyone", "Everyone")

# A mention runs from @ to the next whitespace (WeChat puts U+2005 after it,
# QQ and WeCom a space) or the end of the text.
_MENTION = r"@([^\s@\u2005\u3000,，:：;；。!！?？]+)"


def extract_mentions(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (mentions as tuples of names, mentions-everyone flags) for a text column.

    Only rows that contain '@' are searched, so the cost follows the share of
    messages that mention someone, not the size of the month.
    """
    empty = ()
    mentions = pd.Series([empty] * len(text), index=text.index, dtype=object)
    everyone = pd.Series(False, index=text.index, dtype=bool)
    has_at = text.str.contains("@", regex=False).fillna(False).astype(bool)
    if has_at.any():
        found = text[has_at].str.findall(_MENTION)
        mentions[has_at] = found.map(tuple)
        everyone[has_at] = found.map(lambda names: any(n in MENTION_ALL for n in names)).astype(bool)
    return mentions, everyone
