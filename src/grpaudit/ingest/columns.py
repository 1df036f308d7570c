"""Arrow-backed column helpers shared by the chat readers.

The readers keep their columns as Arrow arrays while they work and turn
them into the model's pandas columns at the end; these helpers do both
ends without building a Python object per row (a million-row constant
column is one Arrow buffer, not a million strings).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import model
from .textops import mentions_in

#: Category code of each message kind, for building the ``kind`` column from codes.
KIND_CODE = {k: i for i, k in enumerate(model.KINDS)}


def flags(col) -> np.ndarray:
    """An Arrow boolean column as a numpy mask (null = False)."""
    return pc.fill_null(col, False).to_numpy(zero_copy_only=False)


def text_column(col) -> pd.Series:
    """An Arrow text column as the model's ``str`` Series (no copy)."""
    return pd.Series(col, dtype="str")


def constant(value: str | None, n: int) -> pd.Series:
    """n copies of one text (or NA), built by Arrow."""
    if value is None:
        return text_column(pa.nulls(n, pa.string()))
    return text_column(pa.repeat(pa.scalar(value, pa.string()), n))


def label(value: str, n: int) -> pd.Categorical:
    """n copies of one text as a ``label`` column (``model.LABEL``): the file's path on each of its
    records is a categorical of that one path, not n strings."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([value] if n else [], dtype="str"))


def kind_column(codes: np.ndarray) -> pd.Categorical:
    """The ``kind`` column from ``KIND_CODE`` codes."""
    return pd.Categorical.from_codes(codes, dtype=model.CATEGORIES["kind"])


def platform_column(platform: str, n: int) -> pd.Categorical:
    """The ``platform`` column of n rows from one platform."""
    return pd.Categorical.from_codes(np.full(n, model.PLATFORMS.index(platform), dtype=np.int8),
                                     dtype=model.CATEGORIES["platform"])


def scatter(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """A full-length array with ``values`` on the rows of ``mask`` and null elsewhere."""
    idx = np.cumsum(mask) - 1
    return pc.take(values, pa.array(idx, mask=~mask))


def mentions_of(text, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mentions of text and quote messages; an '@' in a file or link title mentions no one."""
    return mentions_in(text, among=(kind == KIND_CODE["text"]) | (kind == KIND_CODE["quote"]))
