"""Regular expressions from policies, run by a linear-time engine.

Policy patterns run over untrusted chat text and names, so they are never
handed to Python's ``re``: a pattern such as ``(a+)+$`` backtracks
exponentially there. They run on RE2 instead, through pyarrow's compute
functions (``match_substring_regex``, ``extract_regex``), which pandas also
uses for ``str.contains`` on Arrow strings. RE2 guarantees time linear in the
text whatever the pattern, so nested quantifiers are harmless and need no
heuristic check; what RE2 cannot do (look-around, back-references) is
rejected when the policy is loaded, with RE2's own explanation.

Rules receive ``Regex`` objects, not strings, so the only way to run a
policy pattern is the linear one.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import show

_HINT = ("policy patterns use RE2 syntax, which runs in linear time: no look-around (?=…) (?<=…) "
         "and no back-references \\1")


def _strings(values) -> pa.Array:
    """Any sequence of strings (pandas str, object, list) as an Arrow string array."""
    arr = pa.array(values, from_pandas=True)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.large_string())
    return arr


class Regex:
    """A validated RE2 pattern. ``search`` finds it anywhere, as ``re.search`` would."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: str):
        if not isinstance(pattern, str):
            raise ValueError(f"expected a regular expression (text), got {type(pattern).__name__}")
        if not pattern:
            raise ValueError("empty regular expression: it would match everything")
        try:
            pc.match_substring_regex(pa.array([""]), pattern)
        except pa.ArrowInvalid as exc:
            problem = str(exc).removeprefix("Invalid regular expression: ")
            # Python habits RE2 refuses: say why, once it is the reason
            hint = f" ({_HINT})" if "perl operator" in problem or "escape" in problem else ""
            raise ValueError(f"bad regular expression {show(pattern)}: {problem}{hint}") from None
        self.pattern = pattern

    def search(self, values) -> pd.Series:
        """True where the pattern occurs in the value; missing values are False."""
        index = values.index if isinstance(values, pd.Series) else None
        hit = pc.fill_null(pc.match_substring_regex(_strings(values), self.pattern), False)
        return pd.Series(hit.to_numpy(zero_copy_only=False), index=index, dtype=bool)

    def extract(self, values) -> pd.DataFrame:
        """One column per named group (``(?P<name>…)``); NA where the pattern does not occur."""
        index = values.index if isinstance(values, pd.Series) else None
        found = pc.extract_regex(_strings(values), self.pattern)
        cols = {f.name: pd.Series(pc.struct_field(found, f.name).to_pandas(), dtype="str")
                for f in found.type}
        out = pd.DataFrame(cols, index=pd.RangeIndex(len(found)))
        if index is not None:
            out.index = index
        return out

    def __eq__(self, other) -> bool:
        return isinstance(other, Regex) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"

    def __str__(self) -> str:
        return f"/{self.pattern}/"
