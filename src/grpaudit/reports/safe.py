"""What every writer needs: cells that cannot run as formulas, files that appear whole or not at all."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

#: A cell starting with one of these is a formula (or DDE) to Excel and
#: LibreOffice (OWASP "CSV injection"); chat text must never start one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(col: pd.Series) -> pd.Series:
    """Prefix a ' to text cells that a spreadsheet would read as a formula."""
    if col.dtype.kind in "biufcmM":
        return col
    s = col.astype("str")
    bad = s.str.startswith(FORMULA_START).fillna(False).astype(bool)
    return s.where(~bad, "'" + s) if bad.any() else col


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    return df.apply(neutralise) if len(df) else df


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside ``target``; it replaces ``target`` only if the block succeeds.

    A crash or kill mid-write leaves at most a hidden ``.tmp`` file, never a
    half-written report under the real name.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
