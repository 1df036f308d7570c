"""Policy mistakes as a person can act on them: file, line, column, key path, what is wrong.

Every mistake found while loading a policy becomes a ``Problem``; loading
collects as many as it can and raises one ``PolicyError`` carrying them all,
so ``grpaudit validate`` can list every mistake in one run. A problem prints
as compilers print theirs::

    policy.yaml:14:7: rules.NAM002.options.grace_workdays: expected a whole number ≥ 0, got "two"
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Mark:
    """A position in a policy file; line and column are 1-based.

    ``text`` is the scalar as written in the file (``22:00``, ``"twenty"``),
    kept so a message can quote what the person typed rather than what YAML
    made of it (YAML 1.1 reads ``22:00`` as the number 1320).
    """
    file: str
    line: int
    column: int
    text: str | None = None


@dataclass(frozen=True)
class Problem:
    """One mistake: where it is, which key, and what to do about it."""
    file: str
    line: int | None
    column: int | None
    message: str
    path: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class PolicyError(Exception):
    """A policy that cannot be used; ``problems`` lists every mistake found, in file order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0))
        super().__init__("\n".join(map(str, self.problems)))


def show(value) -> str:
    """A value quoted as the policy would write it: ``"twenty"``, ``5``, ``[1, 2]``."""
    return json.dumps(value, ensure_ascii=False, default=str)


def format_path(path: tuple) -> str:
    """A key path as people write it: ``rules.NAM002.options.templates[1]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def suggest(word: str, choices: Iterable[str], what: str = "") -> str:
    """``; did you mean 'options'?`` for a near miss, else the list of valid choices."""
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    if not close:
        # Codes and keys differ in case more often than in spelling (nam001, Options).
        close = [c for c in choices if c.lower() == str(word).lower()]
    if close:
        return f"; did you mean '{close[0]}'?"
    if not choices:
        return ""
    listed = ", ".join(choices[:20]) + (", …" if len(choices) > 20 else "")
    return f"; {what or 'expected one of'}: {listed}"
