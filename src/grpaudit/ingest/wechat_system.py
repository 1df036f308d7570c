"""WeChat-style system sentences → events (to be written).

Used by the WeChat CSV and TXT readers and by the generic chat reader
(DingTalk exports write the same sentences, often without quotes).
"""
from __future__ import annotations

import pandas as pd


def parse_system_lines(text: pd.Series, me: str | None = None) -> pd.DataFrame:
    """Parse a column of system sentences into event columns.

    Returns a frame with the same index as ``text`` (one row per sentence; a
    sentence naming several targets, 邀请"A"、"B", yields one row per target,
    so the index may repeat) and the columns ``event``, ``actor_name``,
    ``target_name``, ``detail``. ``你`` (the exporting account) is replaced by
    ``me`` when given. Unmatched sentences get event ``other`` with the
    sentence in ``detail``.
    """
    raise NotImplementedError
