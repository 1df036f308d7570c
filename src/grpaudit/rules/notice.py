"""Notice rules (NOT): who publishes notices, and messages taken back (recalled or removed).

Recalls sit with notices because both are about what the group was told by
whom: a notice by the wrong person, a message withdrawn after the fact.
"""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from ..findings import concat
from ..policy.schema import Pattern, RuleOptions
from ..policy.patterns import Regex
from .base import AuditContext, Rule, Scope
from .common import attach_responsible, person_keys, responsible_people
from .messages import excerpt, local_time, named, period_messages, roster_name

_NOTICE_START = r"^\s*(?:【\s*(?:通知|公告|通告)\s*】|\[(?:通知|公告)\]|(?:通知|公告)\s*[:：])"


class NoticePublisher(Rule):
    """A notice (通知/公告, @所有人) posted by someone who is not a designated publisher.

    ## What it checks
    Chat messages that are notices: the text matches `pattern` (by default
    it starts with 【通知】, 【公告】, [通知] or 通知：) or, with
    `mentions_all`, @-mentions everyone (@所有人, @全体成员). The sender
    must be one of `company.notice_publishers` or the rule's `publishers`
    (employee ids, roster names, display names or platform ids), or hold one
    of `allow_roles` in that group: `owner` or `admin` per the member list,
    `responsible` per the registry. A policy naming no publishers and no
    roles has nobody to compare with: the rule reports nothing. One finding
    per message, with a masked excerpt and the publishers in the evidence.

    ## Clauses
    - 000-A: 群内通知、公告由指定人员发布
    - 004: notices are published by designated people and state publisher and time; important ones use @所有人

    ## Example
    ```yaml
    NOT001:
      options:
        allow_roles: [owner]
        publishers: [ZD1002]
      classes:
        interest: {enabled: false}
    ```
    """
    code = "NOT001"
    name = "notice-publisher"
    category = "notice"
    severity = "minor"
    clauses = ("000-A", "004")

    class Options(RuleOptions):
        pattern: Pattern = Field(Regex(_NOTICE_START), description="a message whose text matches this is a notice")
        mentions_all: bool = Field(True, description="a message @-mentioning everyone is a notice")
        publishers: list[str] = Field(default_factory=list, description="publishers besides "
                                                                        "company.notice_publishers")
        allow_roles: list[Literal["owner", "admin", "responsible"]] = Field(
            default_factory=list, description="who may also publish in their own group: owner or admin (member "
                                              "list), responsible (registry)")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for scope in ctx.scopes(self.code):
            o = scope.options
            publishers = list(dict.fromkeys([*ctx.policy.company.notice_publishers, *o.publishers]))
            if not publishers and not o.allow_roles:
                continue
            m = period_messages(ctx, scope)
            notice = o.pattern.search(m["text"]) | (m["mentions_all"] if o.mentions_all else False)
            m = m[notice & ~named(m, publishers)]
            m = m[~self._role_holders(ctx, scope, m, o.allow_roles)].reset_index(drop=True)
            if m.empty:
                continue
            who = ", ".join(publishers + [f"the group's {r}" for r in o.allow_roles])
            m["evidence"] = ("notice " + excerpt(m["text"]).to_numpy() + "; may publish: " + who)
            m["message"] = (m["person_name"] + " published a notice in " + m["group_name"].fillna("?")
                            + " but is not a designated publisher")
            frames.append(ctx.findings(attach_responsible(m, ctx), self, scope))
        return concat(frames, ctx.tz)

    @staticmethod
    def _role_holders(ctx: AuditContext, scope: Scope, m: pd.DataFrame, roles: list[str]) -> pd.Series:
        """True for messages whose sender holds one of ``roles`` in the message's group."""
        if not roles or m.empty:
            return pd.Series(False, index=m.index)
        mem = ctx.members[ctx.members["group_id"].isin(scope.group_ids) & ctx.members["role"].isin(roles)]
        holders = [mem[["group_id", "person_id"]], mem[["group_id", "member_id"]].set_axis(
            ["group_id", "person_id"], axis=1)]
        if "responsible" in roles:
            resp = responsible_people(ctx)
            holders.append(resp[["group_id", "responsible_id"]].set_axis(["group_id", "person_id"], axis=1))
        pairs = pd.concat(holders).dropna().drop_duplicates()
        keys = pd.MultiIndex.from_frame(pairs)
        by_person = pd.MultiIndex.from_arrays([m["group_id"], m["person_id"]]).isin(keys)
        by_id = pd.MultiIndex.from_arrays([m["group_id"], m["sender_id"]]).isin(keys)
        return pd.Series(by_person | by_id, index=m.index)


# ---- recalls -------------------------------------------------------------------

def _recalls(ctx: AuditContext, scope: Scope) -> pd.DataFrame:
    """The scope's recall events in the audit period, with the recalling ``person_id``/``person_name``
    and, when the event names the recalled message (``detail``) and the export has it, that
    message's sender (``orig_*``) and masked ``orig_text``."""
    ev = ctx.events
    ev = ev[(ev["event"] == "recall") & ev["group_id"].isin(scope.group_ids) & ev["time"].notna()]
    day = local_time(ev["time"], ctx.tz).dt.normalize()
    ev = ev[(day >= pd.Timestamp(ctx.start)) & (day <= pd.Timestamp(ctx.end))].reset_index(drop=True)
    if ev.empty:
        return ev
    ids, names = _people_keys(ctx, scope)
    pid = ev[["group_id", "actor_id"]].merge(ids, how="left", left_on=["group_id", "actor_id"],
                                             right_on=["group_id", "key"])["person_id"]
    by_name = ev[["group_id", "actor_name"]].merge(names, how="left", left_on=["group_id", "actor_name"],
                                                   right_on=["group_id", "key"])["person_id"]
    ev["person_id"] = pid.fillna(by_name).astype("str")
    ev["person_name"] = roster_name(ctx, ev["person_id"]).fillna(ev["actor_name"]).fillna(ev["actor_id"])
    msgs = ctx.messages[ctx.messages["msg_id"].notna() & ctx.messages["group_id"].isin(scope.group_ids)]
    orig = msgs.drop_duplicates(["group_id", "msg_id"])[["group_id", "msg_id", "sender_id", "sender_name",
                                                         "person_id", "text"]]
    orig = orig.set_axis(["group_id", "detail", "orig_id", "orig_name", "orig_person", "orig_text"], axis=1)
    ev = ev.merge(orig, on=["group_id", "detail"], how="left")
    ev["orig_text"] = excerpt(ev["orig_text"]).where(ev["orig_text"].notna().to_numpy())
    return ev


def _people_keys(ctx: AuditContext, scope: Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(group_id, key, person_id) tables: platform ids and display names that name one person in their group."""
    msgs = ctx.messages[ctx.messages["group_id"].isin(scope.group_ids) & ctx.messages["person_id"].notna()]
    mem = ctx.members[ctx.members["group_id"].isin(scope.group_ids) & ctx.members["person_id"].notna()]

    ids = person_keys(msgs[["group_id", "sender_id", "person_id"]], mem[["group_id", "member_id", "person_id"]])
    names = person_keys(msgs[["group_id", "sender_name", "person_id"]],
                        mem[["group_id", "display_name", "person_id"]])
    return ids, names


def _recall_rows(ctx: AuditContext, ev: pd.DataFrame, what: pd.Series) -> pd.DataFrame:
    shown = ev["orig_text"].fillna("")
    ev = ev.assign(evidence=("recall by " + ev["actor_name"].fillna(ev["actor_id"]).fillna("?") + what
                             + np.where(shown != "", "; recalled message: " + shown, "")))
    return attach_responsible(ev, ctx)


class Recalled(Rule):
    """A message was recalled (撤回), as the export's system lines or recall records show.

    ## What it checks
    Every recall event in the audit period, one finding each, on the person
    who recalled (resolved through the ids and display names seen in the
    group). When the export names the recalled message and still has it (the
    WeCom archive's `pre_msgid`), its masked excerpt is in the evidence.
    Informational by default: a recall is allowed, but the policy wants it
    on record. Recalling someone else's message is NOT003's.

    ## Clauses
    - 003 §四.4: 不得随意撤回、删除群内消息

    ## Example
    ```yaml
    NOT002:
      severity: info
    ```
    """
    code = "NOT002"
    name = "message-recalled"
    category = "notice"
    severity = "info"
    clauses = ("003 §四.4",)

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for scope in ctx.scopes(self.code):
            ev = _recalls(ctx, scope)
            if ev.empty:
                continue
            ev["message"] = ev["person_name"].fillna("?") + " recalled a message in " + ev["group_name"].fillna("?")
            frames.append(ctx.findings(_recall_rows(ctx, ev, pd.Series("", index=ev.index)), self, scope))
        return concat(frames, ctx.tz)


class OthersRemoved(Rule):
    """Someone recalled or removed another member's message.

    ## What it checks
    Recall events whose message belonged to someone else: the event names a
    target other than the actor (an admin withdrawing a member's message,
    where the platform writes it so), or the recalled message is in the
    export and was sent by another person (compared by employee id, else by
    platform id). One finding per event, on the person who removed it, with
    the author and the masked message in the evidence.

    ## Clauses
    - 003 §四.4: 不得删除他人发布的信息

    ## Example
    ```yaml
    NOT003:
      severity: major
    ```
    """
    code = "NOT003"
    name = "others-message-removed"
    category = "notice"
    severity = "minor"
    clauses = ("003 §四.4",)

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for scope in ctx.scopes(self.code):
            ev = _recalls(ctx, scope)
            if ev.empty:
                continue
            target = ev["target_id"].notna() | ev["target_name"].notna()
            other_target = target & ((ev["target_id"] != ev["actor_id"]).fillna(True)
                                     & (ev["target_name"] != ev["actor_name"]).fillna(True))
            same_person = (ev["orig_person"] == ev["person_id"]).fillna(False)
            same_id = (ev["orig_id"] == ev["actor_id"]).fillna(False)
            known_actor = ev["person_id"].notna() | ev["actor_id"].notna()
            other_author = ev["orig_id"].notna() & known_actor & ~same_person & ~same_id
            ev = ev[(other_target | other_author).to_numpy()].reset_index(drop=True)
            if ev.empty:
                continue
            author = ev["target_name"].fillna(ev["orig_name"]).fillna(ev["target_id"]).fillna(ev["orig_id"])
            ev["message"] = (ev["person_name"].fillna("?") + " removed a message of " + author + " in "
                             + ev["group_name"].fillna("?"))
            frames.append(ctx.findings(_recall_rows(ctx, ev, "; author " + author), self, scope))
        return concat(frames, ctx.tz)


#: the rules this module defines, in the order `grpaudit rules` lists them
RULES: tuple = (NoticePublisher(), Recalled(), OthersRemoved())
