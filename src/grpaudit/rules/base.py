"""The rule framework: what a rule is, and the context it checks.

A rule is a small class with a stable ``code`` (family prefix + number:
NAM001, MEM002, LIF003…), a readable ``name``, a ``category``, a default
``severity``, the ``clauses`` it enforces (rulebook + article, as in
shared/docs/policy-clauses.md), an ``Options`` pydantic model with defaults,
and a docstring that is its documentation page (``grpaudit explain``). Its
``check(ctx)`` works on whole tables and returns findings (``findings.py``):
no I/O, no printing, no state kept between calls.

The policy decides per group class whether a rule runs and with which
options; ``AuditContext.scopes`` hands a rule one ``Scope`` per class with the
groups of that class, so a rule loops over a handful of classes, never over
groups or messages::

    def check(self, ctx):
        frames = []
        for scope in ctx.scopes(self.code):
            members = ctx.members[ctx.members.group_id.isin(scope.group_ids)]
            bad = ...                                  # vectorised over members
            frames.append(ctx.findings(bad, self, scope))
        return concat(frames, ctx.tz)
"""
from __future__ import annotations

import datetime as dt
import inspect
import weakref
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

import pandas as pd

from .. import model
from ..findings import make_findings
from ..policy import Policy, Settings, assign_classes
from ..policy.schema import RuleOptions
from ..workcal import WorkCalendar

CATEGORIES = ("naming", "membership", "lifecycle", "reply", "off_hours", "content", "privacy",
              "notice", "flooding")


@dataclass(frozen=True)
class Scope:
    """The groups of one class and the rule's settings for them."""
    group_class: str
    settings: Settings
    group_ids: pd.Index

    @property
    def options(self):
        return self.settings.options


def period_bounds(start: dt.date, end: dt.date, tz: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first instant of the days ``start`` … ``end`` and the first instant after them (local
    midnights in ``tz``): comparing times with these needs no local day per message."""
    return pd.Timestamp(start).tz_localize(tz), pd.Timestamp(end + dt.timedelta(days=1)).tz_localize(tz)


@dataclass
class AuditContext:
    """Everything a rule may read. Tables are the normalised ones of ``model``."""
    messages: pd.DataFrame
    events: pd.DataFrame
    members: pd.DataFrame
    roster: pd.DataFrame
    groups: pd.DataFrame
    policy: Policy
    calendar: WorkCalendar
    #: the audit period, both days included
    start: dt.date
    end: dt.date
    #: group_id → class name, for every group of ``groups``
    classes: pd.Series
    tz: str = model.DEFAULT_TZ
    #: the time of the data's last message when ``messages`` holds only some groups' rows (a part of
    #: a streamed audit); None: the last of ``messages``. Reply rules stop judging there.
    last_message: pd.Timestamp | None = None

    @classmethod
    def build(cls, policy: Policy, start: dt.date, end: dt.date, *, messages: pd.DataFrame | None = None,
              events: pd.DataFrame | None = None, members: pd.DataFrame | None = None,
              roster: pd.DataFrame | None = None, groups: pd.DataFrame | None = None,
              tz: str = model.DEFAULT_TZ, last_message: pd.Timestamp | None = None) -> "AuditContext":
        """A context over the given tables (missing ones empty), with the policy's calendar and classes."""
        def table(df, t):
            return model.empty(t, tz) if df is None else df

        groups = table(groups, model.GROUPS)
        return cls(messages=table(messages, model.MESSAGES), events=table(events, model.EVENTS_TABLE),
                   members=table(members, model.MEMBERS), roster=table(roster, model.ROSTER), groups=groups,
                   policy=policy, calendar=WorkCalendar(policy.calendar, tz), start=start, end=end,
                   classes=assign_classes(groups, policy.classes), tz=tz, last_message=last_message)

    def period_bounds(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """``period_bounds`` of the context's period."""
        return period_bounds(self.start, self.end, self.tz)

    def scopes(self, code: str) -> list[Scope]:
        """One Scope per class the rule is enabled for and that has groups, in the policy's class order."""
        settings = self.policy.rules.get(code)
        if settings is None:
            return []
        out = []
        for name in self.policy.class_names:
            s = settings.for_class(name)
            ids = self.classes.index[(self.classes == name).to_numpy()]
            if s.enabled and len(ids):
                out.append(Scope(name, s, pd.Index(ids, name="group_id")))
        return out

    def findings(self, df: pd.DataFrame, rule: "Rule", scope: Scope) -> pd.DataFrame:
        """``df`` as findings of ``rule`` for ``scope``'s class: severity, clause and class filled in."""
        df = df.assign(group_class=scope.group_class)
        return make_findings(df, rule, tz=self.tz, severity=scope.settings.severity,
                             clause=scope.settings.clause)


class Rule:
    """Base of every rule; subclasses set the class attributes and ``check``."""
    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[str] = "minor"
    #: clauses enforced, e.g. ("001 第八条", "000-A"); the docstring names them too
    clauses: ClassVar[tuple[str, ...]]
    #: e.g. ("advisory",) for findings that ask for a review rather than report a breach
    tags: ClassVar[tuple[str, ...]] = ()
    Options: ClassVar[type[RuleOptions]] = RuleOptions

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        """Findings over the context's tables (see ``findings.make_findings``)."""
        raise NotImplementedError(f"{self.code} is registered but not implemented yet")

    @property
    def doc(self) -> str:
        """The rule's documentation page: its docstring, dedented."""
        return inspect.cleandoc(type(self).__doc__ or "")

    @property
    def summary(self) -> str:
        """The docstring's first line: what the rule checks, in one sentence."""
        return self.doc.split("\n", 1)[0]


_MEMOS: dict[int, dict] = {}


def context_memo(ctx: AuditContext) -> dict:
    """A dict that lives as long as ``ctx``: for work several rules would otherwise repeat."""
    memo = _MEMOS.get(id(ctx))
    if memo is None:
        memo = _MEMOS[id(ctx)] = {}
        weakref.finalize(ctx, _MEMOS.pop, id(ctx), None)
    return memo


def memoized(ctx: AuditContext, key: tuple, reads: tuple[pd.DataFrame, ...], make: Callable[[], Any]) -> Any:
    """``make()``, worked out once per context for ``key`` and the tables it ``reads``.

    The tables are compared by identity, so a context given other tables
    (a test swapping in other messages) works it out again.
    """
    memo = context_memo(ctx)
    entry = memo.get(key)
    if entry is None or any(ref() is not table for ref, table in zip(entry[0], reads)):
        entry = memo[key] = (tuple(weakref.ref(table) for table in reads), make())
    return entry[1]
