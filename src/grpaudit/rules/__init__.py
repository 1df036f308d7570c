"""The one rule registry: code → rule, in the order ``grpaudit rules`` lists them.

Families live in one module each (``naming``, ``membership``, ``lifecycle``;
later ``reply``, ``off_hours``, ``content``, ``privacy``, ``notice``,
``flooding``). A code never changes meaning once released; a new check gets
a new code.
"""
from __future__ import annotations

import pandas as pd

from ..findings import concat
from .base import CATEGORIES, AuditContext, Rule, Scope
from . import content, flooding, notice, off_hours, privacy, reply
from .lifecycle import Inactive, ResponsibleLeft, TemporaryOverdue, Unregistered
from .membership import DepartedMember, GroupManagement, OutOfScope, OwnerNotEmployee, RequiredMissing, SelfQuit
from .naming import DisplayName, GroupName


def _register(*rules: Rule) -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for r in rules:
        if r.code in out:
            raise ValueError(f"rule code {r.code} registered twice ({type(out[r.code]).__name__}, "
                             f"{type(r).__name__})")
        out[r.code] = r
    return out


RULES: dict[str, Rule] = _register(
    GroupName(), DisplayName(),
    DepartedMember(), RequiredMissing(), OutOfScope(), SelfQuit(), GroupManagement(), OwnerNotEmployee(),
    Unregistered(), TemporaryOverdue(), ResponsibleLeft(), Inactive(),
    *reply.RULES, *off_hours.RULES, *content.RULES, *privacy.RULES, *notice.RULES, *flooding.RULES,
)


def run_rules(ctx: AuditContext) -> pd.DataFrame:
    """Every rule the policy enables, checked over ``ctx``: one findings table, in registry order."""
    enabled = {code for code, settings in ctx.policy.rules.items() if settings.enabled}
    return concat([rule.check(ctx) for code, rule in RULES.items() if code in enabled], ctx.tz)


__all__ = ["RULES", "CATEGORIES", "AuditContext", "Rule", "Scope", "run_rules"]
