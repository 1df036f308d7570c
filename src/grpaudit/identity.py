"""Who is who: display names and platform ids → roster employees (to be written)."""
from __future__ import annotations

import pandas as pd


def resolve(messages: pd.DataFrame, members: pd.DataFrame, roster: pd.DataFrame
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Fill ``person_id`` on messages and members; return (messages, members, identities).

    ``identities`` has one row per distinct (platform, platform id, display name) seen,
    with columns ``platform``, ``platform_id``, ``display_name``, ``status``
    (resolved / ambiguous / unresolved), ``person_id``, ``method`` (id / name /
    template), ``candidates`` (tuple of employee ids when ambiguous) and ``groups``
    (tuple of group names where it was seen).
    """
    raise NotImplementedError
