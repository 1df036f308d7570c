"""Name templates: how a group or a member should be named, as policies write it.

A template is text with fields in braces and ``+`` where the rulebook joins
two parts::

    {company}{purpose}工作群      澤東销售部工作群            (000-A)
    {company}+{name}             澤東+华南客户 / 澤東华南客户 (001 第八条, 公司名+群名)
    [{dept}]-{purpose}           [销售部]-周报 / 【销售部】-周报
    {dept}+{name}                销售部郑雪 / 销售部-郑雪      (002 §三.2.2, 部门+姓名)
    {name}(群负责人)              王磊(群负责人) / 王磊（群负责人）(001 第八条)
    群主                          群主

* ``+`` is a separator slot: any one of the policy's accepted separators
  (by default none, ``-``, ``_``, a space or ``·``); rendering uses the first.
* Brackets, colons and commas match their full-width forms too (``(`` also
  matches ``（``, ``[`` also ``［`` and ``【``), because Chinese input methods
  type those. Everything else is literal; ``\\`` makes the next character literal
  (``\\+`` for a real plus sign, ``\\{`` for a brace).
* Fields of group-name templates: ``company`` (the company's name or a short
  name), ``dept`` (a department's name), ``dept_short`` (a department's short
  form, or its name), and free text ``purpose``, ``name``, ``project``.
* Fields of display-name templates: ``name`` (the member's real name),
  ``dept`` / ``dept_short`` (the member's department), ``title`` (职位).

A template compiles to an anchored RE2 pattern (``patterns.Regex``) with one
named group per field, so a whole column of names is checked at once:
``fits`` extracts the fields and compares them with the person's (or the
group's) own values, and ``render_frame`` writes the expected names for a
finding ("expected 行政中心郑雪, seen 销售部郑雪").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping

import pandas as pd

from .errors import show, suggest
from .patterns import Regex

Kind = Literal["group", "display"]

GROUP_FIELDS = {
    "company": "the company's name or one of its short names",
    "dept": "a department's name",
    "dept_short": "a department's short form, or its name",
    "purpose": "any text: what the group is for",
    "name": "any text: the group's own name",
    "project": "any text: a project's name",
}
DISPLAY_FIELDS = {
    "name": "the member's real name (roster 姓名)",
    "dept": "the member's department (roster 部门)",
    "dept_short": "a short form of the member's department, or its name",
    "title": "the member's title (roster 职位)",
}
FIELDS: dict[str, dict[str, str]] = {"group": GROUP_FIELDS, "display": DISPLAY_FIELDS}

DEFAULT_SEPARATORS = ("", "-", "_", " ", "·")

# ASCII punctuation and the full-width forms Chinese input methods type for it.
_WIDE = {"(": "(（", ")": ")）", "[": "[［【", "]": "]］】", ":": ":：", ",": ",，"}
_SPECIAL = set("\\.^$|?*+()[]{}")


def _lit(text: str) -> str:
    """``text`` as a pattern matching itself (RE2 and Python ``re`` read it alike)."""
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def _char(c: str) -> str:
    if c in _WIDE:
        return "[" + "".join("\\" + x if x in "]\\[^-" else x for x in _WIDE[c]) + "]"
    return _lit(c)


def _one_of(words) -> str:
    """Alternatives, longest first so ``销售部`` wins over ``销售``; an empty one goes last."""
    words = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(_lit(w) for w in words)


@dataclass(frozen=True)
class Vocabulary:
    """What ``{company}`` and ``{dept}`` may stand for, from the policy's company section.

    ``departments`` pairs each department's name with its short forms. With no
    departments listed, department fields accept any text.
    """
    companies: tuple[str, ...] = ()
    departments: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def forms(self, field: str) -> tuple[str, ...]:
        """The words a field may be; () means free text."""
        if field == "company":
            return self.companies
        if field == "dept":
            return tuple(d for d, _ in self.departments)
        if field == "dept_short":
            return tuple(f for d, short in self.departments for f in (*short, d))
        return ()

    @property
    def department_forms(self) -> dict[str, str]:
        """Every department name and short form → the department it names."""
        return {f: d for d, short in self.departments for f in (*short, d)}

    def short_form(self, department: str) -> str:
        """A department's first short form, else its name."""
        return next((short[0] for d, short in self.departments if d == department and short), department)


@dataclass(frozen=True)
class NameTemplate:
    """A parsed template; ``parts`` are ("text", s), ("field", name) or ("sep", "+")."""
    source: str
    kind: Kind
    parts: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, source: str, kind: Kind) -> "NameTemplate":
        """Parse ``source``; a ValueError says what is wrong and where."""
        known = FIELDS[kind]
        parts: list[tuple[str, str]] = []
        text: list[str] = []
        seen: set[str] = set()

        def flush():
            if text:
                parts.append(("text", "".join(text)))
                text.clear()

        i = 0
        while i < len(source):
            c = source[i]
            if c == "\\":
                if i + 1 == len(source):
                    raise ValueError(f"template {show(source)} ends with a lone '\\'")
                text.append(source[i + 1])
                i += 2
            elif c == "{":
                end = source.find("}", i)
                if end < 0:
                    raise ValueError(f"template {show(source)}: '{{' at character {i + 1} is never closed")
                name = source[i + 1:end].strip()
                if name not in known:
                    raise ValueError(f"template {show(source)}: unknown field {{{name}}}"
                                     + suggest(name, known, f"{kind}-name fields are"))
                if name in seen:
                    raise ValueError(f"template {show(source)}: field {{{name}}} is used twice")
                seen.add(name)
                flush()
                parts.append(("field", name))
                i = end + 1
            elif c == "}":
                raise ValueError(f"template {show(source)}: '}}' at character {i + 1} has no '{{' "
                                 "(write \\} for a literal brace)")
            elif c == "+":
                flush()
                parts.append(("sep", "+"))
                i += 1
            else:
                text.append(c)
                i += 1
        flush()
        if not parts:
            raise ValueError("empty template")
        return cls(source, kind, tuple(parts))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(v for k, v in self.parts if k == "field")

    def regex(self, vocab: Vocabulary, separators=DEFAULT_SEPARATORS) -> Regex:
        """The anchored pattern: one named group per field, separators as alternatives."""
        out = []
        for kind, value in self.parts:
            if kind == "text":
                out.append("".join(_char(c) for c in value))
            elif kind == "sep":
                out.append(f"(?:{_one_of(separators)})")
            else:
                words = vocab.forms(value)
                out.append(f"(?P<{value}>{_one_of(words) if words else '.+?'})")
        return Regex("^" + "".join(out) + "$")

    def fits(self, names: pd.Series, values: pd.DataFrame, vocab: Vocabulary,
             separators=DEFAULT_SEPARATORS) -> pd.Series:
        """True where a name follows the template *with the row's own values*.

        ``values`` shares ``names``' index and has a column per non-free field the
        template uses (``name``, ``dept``, ``title``; ``dept_short`` is checked
        against ``dept``; ``company`` only has to be one of the company's names).
        A missing value never fits.
        """
        rx = self.regex(vocab, separators)
        ok = rx.search(names)
        got = rx.extract(names)
        for field in self.fields:
            if field in ("company", "purpose", "project") or (field == "name" and self.kind == "group"):
                continue
            seen = got[field]
            if field == "dept_short":
                seen = seen.map(vocab.department_forms).astype("str")
            want = values["dept" if field == "dept_short" else field].astype("str")
            ok &= (seen == want).fillna(False).astype(bool)
        return ok

    def render(self, values: Mapping[str, str | None], separator: str = "",
               vocab: Vocabulary | None = None) -> str | None:
        """The name for one set of field values; None when a value is missing.

        ``dept_short``, when not given, is the ``dept``'s first short form in ``vocab``.
        """
        if "dept_short" in self.fields and "dept_short" not in values and vocab and values.get("dept"):
            values = {**values, "dept_short": vocab.short_form(values["dept"])}
        out = []
        for kind, value in self.parts:
            if kind == "field":
                v = values.get(value)
                if v is None or pd.isna(v):
                    return None
                out.append(str(v))
            else:
                out.append(separator if kind == "sep" else value)
        return "".join(out)

    def render_frame(self, values: pd.DataFrame, separator: str = "",
                     vocab: Vocabulary | None = None) -> pd.Series:
        """``render`` for every row of ``values`` (a column per field); NA where a value is missing."""
        if "dept_short" in self.fields and "dept_short" not in values and vocab is not None:
            shorts = {d: vocab.short_form(d) for d, _ in vocab.departments}
            values = values.assign(dept_short=values["dept"].replace(shorts))
        out = pd.Series("", index=values.index, dtype="str")
        for kind, value in self.parts:
            if kind == "field":
                out = out + values[value].astype("str")
            else:
                out = out + (separator if kind == "sep" else value)
        return out

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return f"NameTemplate({self.source!r}, {self.kind!r})"


NameForm = NameTemplate | Regex


def matcher(form: NameForm, vocab: Vocabulary, separators=DEFAULT_SEPARATORS) -> Regex:
    """The pattern a name must match: a template's anchored regex, or the policy's own regex."""
    return form.regex(vocab, separators) if isinstance(form, NameTemplate) else form
