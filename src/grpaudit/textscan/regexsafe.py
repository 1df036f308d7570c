"""Regular expressions over untrusted chat text, on a linear-time engine only.

Policy patterns run on every message, and a message is written by whoever is
in the group: a backtracking engine (Python's ``re``) can be stalled for hours
by one crafted line against a pattern like ``(a+)+$``. Every pattern here runs
on RE2, which guarantees time linear in the text:

* ``check_pattern`` validates a policy pattern with google-re2 (the ``re2``
  module) and returns an error message for what RE2 refuses: backreferences,
  lookaround, possessive quantifiers — exactly the constructs that need
  backtracking — so such a pattern is rejected when the policy is loaded, not
  when the audit runs.
* ``matches`` runs a pattern over a whole column with Arrow's compute kernels,
  which use the same RE2 library, so a column costs one C-level pass.

RE2 syntax is Python's minus those constructs; ``\\d``, ``\\w`` and ``\\s``
are ASCII-only, and ``\\p{Han}`` names Chinese characters.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import re2


class PatternError(ValueError):
    """A policy pattern that cannot run safely; the message says why."""


def _options(ignore_case: bool) -> re2.Options:
    options = re2.Options()
    options.case_sensitive = not ignore_case
    # RE2 would also print every refused pattern to stderr; the error we raise says it.
    options.log_errors = False
    return options


def _reason(error: re2.error) -> str:
    detail = error.args[0] if error.args else "invalid pattern"
    return detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)


def compile_pattern(pattern: str, ignore_case: bool = False):
    """Compile ``pattern`` with RE2; raises ``PatternError`` when RE2 refuses it."""
    try:
        return re2.compile(pattern, _options(ignore_case))
    except re2.error as e:
        raise PatternError(f"pattern {pattern!r} cannot run on a linear-time engine: {_reason(e)}") from None


def check_pattern(pattern: str, ignore_case: bool = False) -> str | None:
    """Return why ``pattern`` cannot be used on chat text, or None when it can.

    Refused: anything RE2 cannot compile (backreferences, lookaround and other
    backtracking-only syntax, malformed patterns), and a pattern that matches
    the empty text, which would flag every message.
    """
    try:
        compiled = compile_pattern(pattern, ignore_case)
    except PatternError as e:
        return str(e)
    if compiled.search("") is not None:
        return f"pattern {pattern!r} matches an empty message, so it would flag every message"
    return None


def arrow_text(column: pd.Series | pa.Array | pa.ChunkedArray) -> pa.LargeStringArray:
    """The column as one contiguous Arrow large_string array, missing values as ''.

    Arrow-backed pandas strings convert without copying the characters; the
    result can be handed to Arrow kernels and to byte-level scanners alike.
    """
    if isinstance(column, pd.Series):
        column = pa.array(column, from_pandas=True)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks else pa.array([], pa.large_string())
    if column.type != pa.large_string():
        column = column.cast(pa.large_string())
    return column.fill_null("") if column.null_count else column


def matches(column: pd.Series, pattern: str, ignore_case: bool = False) -> pd.Series:
    """Boolean column: does ``pattern`` match anywhere in each text (NA → False).

    The pattern is validated with ``compile_pattern`` first, so a refused pattern
    raises ``PatternError`` instead of an Arrow error.
    """
    compile_pattern(pattern, ignore_case)
    found = pc.match_substring_regex(arrow_text(column), pattern, ignore_case=ignore_case)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=column.index, dtype=bool)
