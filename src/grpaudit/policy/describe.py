"""Words for what a policy value should be, and pydantic's errors turned into ``Problem``s.

pydantic does the type checking; this module only finds the field an error
is about (to say "a whole number ≥ 1" rather than "Input should be a valid
integer") and the position the value was written at. ``expected`` is also
what ``grpaudit explain`` prints as an option's type.
"""
from __future__ import annotations

import datetime as dt
import types
from inspect import isclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import BaseModel, ValidationError

from .errors import Problem, format_path, show, suggest
from .loader import Located


class Expect(str):
    """Annotation metadata naming what a custom type expects, e.g. ``Expect("a regular expression")``."""


def _unwrap(tp: Any) -> tuple[Any, list]:
    """``tp`` without Annotated and Optional, and the metadata that was on it."""
    meta: list = []
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp, *extra = get_args(tp)
            meta += extra
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp, meta
            tp = args[0]
        else:
            return tp, meta


def field_at(model: type[BaseModel], loc: tuple) -> tuple[Any, list] | None:
    """The type and metadata (constraints) of the value at ``loc`` inside ``model``."""
    tp, meta = model, []
    for part in loc:
        tp, more = _unwrap(tp)
        if isclass(tp) and issubclass(tp, BaseModel):
            f = tp.model_fields.get(part) if isinstance(part, str) else None
            if f is None:
                return None
            tp, meta = f.annotation, list(f.metadata)
        elif get_origin(tp) in (list, tuple, set, frozenset) and isinstance(part, int):
            tp, meta = get_args(tp)[0], []
        elif get_origin(tp) is dict:
            tp, meta = get_args(tp)[1], []
        else:
            return None
    tp, more = _unwrap(tp)
    return tp, meta + more


def _bounds(meta: list) -> str:
    words = []
    for m in meta:
        for cls, attr, sign in ((at.Ge, "ge", "≥"), (at.Gt, "gt", ">"), (at.Le, "le", "≤"), (at.Lt, "lt", "<")):
            if isinstance(m, cls):
                words.append(f"{sign} {getattr(m, attr)}")
        if isinstance(m, at.MinLen) and m.min_length:
            words.append(f"of at least {m.min_length}")
    return (" " + " and ".join(words)) if words else ""


def expected(tp: Any, meta: list | None = None) -> str:
    """What a value of type ``tp`` looks like, in a policy author's words."""
    tp, more = _unwrap(tp)
    meta = list(meta or []) + more
    for m in meta:
        if isinstance(m, Expect):
            return str(m) + _bounds(meta)
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(map(str, get_args(tp)))
    if origin in (list, tuple, set, frozenset):
        return f"a list{_bounds(meta)}, each {expected(get_args(tp)[0])}"
    if origin is dict:
        key, value = get_args(tp)
        if value is Any:
            return "a mapping"
        keys = ", ".join(map(str, get_args(key))) if get_origin(key) is Literal else expected(key)
        return f"a mapping from {keys} to {expected(value)}"
    if isclass(tp) and issubclass(tp, BaseModel):
        return f"a mapping with {', '.join(tp.model_fields)}"
    if origin in (Union, types.UnionType):
        return " or ".join(expected(a) for a in get_args(tp) if a is not type(None))
    words = {bool: "true or false", int: "a whole number", float: "a number", str: "text",
             dt.date: "a date (YYYY-MM-DD)", Any: "any value"}
    return words.get(tp, getattr(tp, "__name__", str(tp))) + _bounds(meta)


def _got(mark, value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if mark is not None and mark.text is not None:
        # as written: YAML may have read `22:00` as 1320 or `no` as false
        return show(mark.text) if isinstance(value, str) else mark.text
    return show(value)


def problems(exc: ValidationError, model: type[BaseModel], doc: Located, *prefixes: tuple) -> list[Problem]:
    """One Problem per pydantic error in validating ``model`` at ``prefixes[0]`` of ``doc``.

    An error is placed under the first prefix whose file actually wrote the path
    (class overrides are validated merged onto the rule's own options, so an
    error may belong to either); the first prefix is the fallback.
    """
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if p != "[key]")
        prefix = next((p for p in prefixes if p + loc in doc.values or p + loc in doc.keys), prefixes[0])
        path = prefix + loc
        kind = err["type"]
        if err["loc"][-1:] == ("[key]",):
            parent = field_at(model, loc[:-1])
            keys = get_args(get_args(parent[0])[0]) if parent and get_origin(parent[0]) is dict else ()
            message = f"unknown key '{loc[-1]}'" + suggest(loc[-1], keys, "valid keys are")
            mark = doc.mark(path, key=True)
        elif kind == "extra_forbidden":
            parent = field_at(model, loc[:-1])
            allowed = list(parent[0].model_fields) if parent and isclass(parent[0]) and issubclass(
                parent[0], BaseModel) else []
            message = f"unknown key '{loc[-1]}'" + suggest(loc[-1], allowed, "valid keys are")
            mark = doc.mark(path, key=True)
        elif kind == "missing":
            message = f"missing required key '{loc[-1]}'"
            mark = doc.mark(path[:-1], key=True)
        elif kind in ("value_error", "assertion_error"):
            message = str(err["ctx"]["error"])
            mark = doc.mark(path)
        else:
            found = field_at(model, loc)
            what = expected(*found) if found else err["msg"][0].lower() + err["msg"][1:]
            mark = doc.values.get(path)
            message = f"expected {what.removeprefix('Input should be ')}, got {_got(mark, err['input'])}"
            mark = mark or doc.mark(path)
        out.append(Problem(mark.file, mark.line, mark.column, message, format_path(path)))
    return out
