"""The one rule registry: code → rule, in the order ``grpaudit rules`` lists them.

Families live in one module each (``naming``, ``membership``, ``lifecycle``;
later ``reply``, ``off_hours``, ``content``, ``privacy``, ``notice``,
``flooding``). A code never changes meaning once released; a new check gets
a new code.
"""
from __future__ import annotations

import pandas as pd

from ..findings import concat
from ..policy import Policy
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


#: Rules whose findings for a group depend only on that group's rows (messages, events, members,
#: registry row) and the broadcast roster, calendar and policy: an audit may check them one set of
#: groups at a time (``partition``) and get the same findings. A rule not listed here is checked
#: over the whole dataset, which is always right; docs/scaling.md gives each code's reason.
#: Global for now: MEM001–004 and MEM006 resolve event targets against every group's members
#: (``membership._identify``), LIF001 compares names with the whole registry, and REP001–004
#: stop judging at the data's last message, which a set of groups does not know.
PER_GROUP = frozenset({
    "NAM001", "NAM002", "MEM005", "LIF002", "LIF003", "LIF004", "OFF001", "CON001", "CON002", "CON003",
    "PRI001", "PRI002", "PRI003", "PRI004", "NOT001", "NOT002", "NOT003", "FLD001", "FLD002", "FLD003",
})


def enabled_codes(policy: Policy) -> list[str]:
    """The codes of the rules ``policy`` enables, in registry order."""
    enabled = {code for code, settings in policy.rules.items() if settings.enabled}
    return [code for code in RULES if code in enabled]


def run_rules(ctx: AuditContext, codes: list[str] | None = None) -> pd.DataFrame:
    """Every rule the policy enables (of ``codes``, when given), checked over ``ctx``: one findings
    table, in registry order."""
    chosen = enabled_codes(ctx.policy)
    if codes is not None:
        wanted = set(codes)
        chosen = [c for c in chosen if c in wanted]
    return concat([RULES[code].check(ctx) for code in chosen], ctx.tz)


__all__ = ["RULES", "CATEGORIES", "PER_GROUP", "AuditContext", "Rule", "Scope", "enabled_codes", "run_rules"]
