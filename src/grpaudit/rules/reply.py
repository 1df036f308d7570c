"""Reply rules (REP): a question, request or @mention that the right person must answer in time.

Four rules share one engine and differ in who must answer (002 §五.1):

* REP001: an employee's question → the asker's direct department head;
* REP002: a leader's (department head's) message → the @-mentioned heads;
* REP003: a question nobody owns → the admin-centre head (``company.admin_head``);
* REP004: any @mention → the mentioned person (000-B §五.4, 003, 004).

A message that obliges someone is a text or quote message in the audit
period that ``textscan.questions.classify`` flags as a question or a request
(an @mention of a person is a request), is not only an acknowledgement and
is not from a bot. Who is a department head comes from the roster
(``is_manager``); an employee's *direct* department head is the first
``is_manager`` person up the ``manager_id`` chain (张伟 主管 → 王磊, since a
主管 is not a department head). Nobody has to answer their own message, and
a group's member list, when there is one, limits who has to answer to its
members and to the group's senders: nobody can answer what they cannot see,
and nobody owes an answer after leaving the company.

The engine builds (message, person who must answer) pairs once per audit
(cached per context), then per rule and class finds each pair's first
answer with ``pd.merge_asof(..., by=[group, person], direction="forward")``
over messages sorted by time, and compares it with the deadline: wall-clock
minutes, or working minutes from the calendar (``add_working_minutes``).
A pair whose deadline falls after the data's last message and has no answer
is not judged: the data cannot show whether it came. The same person failing
the same asker again before the first deadline (a follow-up, a reminder) is
one breach, the first; a person that several rules oblige for one message
is reported by REP001–REP003, not again by REP004. The judged pairs, breached
or not, are kept per context (``judged``): ``reply_record`` counts them per person.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from ..findings import concat
from ..ingest.textops import MENTION_ALL
from ..policy.schema import Pattern, RuleOptions
from ..textscan import pii
from ..textscan.questions import DEFAULT_CUES, Cues, classify
from ..workcal import CC_VERSION
from .base import AuditContext, Rule, Scope, memoized
from .common import responsible_people
from .messages import EXCERPT_CHARS, NOT_CHAT, local_time, roster_name, wall_text

_CONVERSATIONAL = ("text", "quote")
_MINUTE_NS = 60_000_000_000
_NONE = np.iinfo(np.int64).max          # "no answer" as a time, sorts after every real one
CueList = Literal["question_marks", "question_words", "question_particles", "request_words", "request_verbs",
                  "ack_words", "ack_particles", "media_placeholders"]
Trigger = Literal["question", "request"]


class ReplyOptions(RuleOptions):
    """Options every reply rule has; each rule sets its own defaults."""
    minutes: int = Field(20, ge=1, description="minutes the person has to answer")
    clock: Literal["working", "wall"] = Field(
        "working", description="working: minutes count only inside working hours of working days (the "
                               "calendar); wall: every minute counts")
    answer: Literal["any", "addressed"] = Field(
        "any", description="what counts as the person's answer: any later message of theirs in the group, "
                           "or only one addressed to the asker (a quote of the asker's message or an @ of them)")
    others_may_answer: bool = Field(
        False, description="an answer by someone else (a quote of the asker's message or an @ of them) also "
                           "closes the question; false: it stays open for the person who had to answer")
    triggers: list[Trigger] = Field(["question", "request"], min_length=1,
                                    description="what starts a clock: questions, requests (incl. @mentions)")
    add_words: dict[CueList, list[str]] = Field(
        default_factory=dict, description="words added to textscan.questions' cue lists, by list name")
    replace_words: dict[CueList, list[str]] = Field(
        default_factory=dict, description="cue lists replaced outright, by list name")
    bots: list[str] = Field(default_factory=list, description="names or platform ids of bot accounts: "
                                                              "their messages neither ask nor answer")
    bot_names: Pattern | None = Field("机器人|小助手|(?i:bot)$",
                                      description="display names matching this are bots too")


# ---- the shared pass: people, mentions, questions, answer candidates ------------


@dataclass
class _Shared:
    """What every reply rule reads, computed once per context and policy cues."""
    n: int
    group: np.ndarray          # group code per message position
    time: np.ndarray           # int64 ns per message
    local_day: np.ndarray      # datetime64[D] per message, in ctx.tz
    who: np.ndarray            # person key code per message (roster id, else ~platform id)
    is_question: np.ndarray
    is_request: np.ndarray
    keys: pd.Index             # person key code → key
    groups: pd.Index           # group code → group_id
    duties: pd.DataFrame       # qpos, person, basis (one row per message and person who must answer)
    chain: pd.DataFrame        # asker, proxy: managers between an employee and their head
    answers: pd.DataFrame      # g, who, at, apos: messages that may answer, sorted by at
    addressed: pd.DataFrame    # g, who, addressee, at, apos: their quotes and @s of someone, sorted by at
    horizon: int               # the data's last message time


def _shared(ctx: AuditContext, o: ReplyOptions) -> _Shared:
    """The shared pass for ``ctx`` with ``o``'s cues and bots, computed once per context."""
    cues = _cues(o)
    return memoized(ctx, ("reply", cues, tuple(o.bots), o.bot_names), (),
                    lambda: _prepare(ctx, cues, set(o.bots), o.bot_names))


def _cues(o: ReplyOptions) -> Cues:
    cues = DEFAULT_CUES.extend(**o.add_words) if o.add_words else DEFAULT_CUES
    return replace(cues, **{k: tuple(v) for k, v in o.replace_words.items()})


def _chains(roster: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Each employee's direct department head (the first is_manager person up the manager_id
    chain), and the managers met before reaching them (employee_id, proxy): 李娜 → 张伟 → 王磊."""
    manager = roster["manager_id"]
    is_head = roster["is_manager"].fillna(False).astype(bool)
    head = pd.Series(pd.NA, index=roster.index, dtype="str")
    between = []
    cur = manager
    for _ in range(32):            # a chain longer than this is a cycle in the roster
        found = cur.map(is_head).fillna(False).astype(bool)
        head = head.fillna(cur.where(found))
        cur = cur.where(~found & head.isna())
        between.append(cur.dropna())
        cur = cur.map(manager)
        if cur.isna().all():
            break
    heads = head.dropna()
    # managers passed on the way count only when the walk did reach a head
    proxies = pd.concat(between).rename("proxy").rename_axis("employee_id").reset_index()
    return heads, proxies[proxies["employee_id"].isin(heads.index)].drop_duplicates()


def _person(ctx: AuditContext, who: str | None) -> str | None:
    """A policy's name or employee id as a roster id (a name must be unambiguous, else a head among them)."""
    r = ctx.roster.drop_duplicates("employee_id")
    if not who:
        return None
    if who in set(r["employee_id"].dropna()):
        return who
    same = r[r["name"] == who]
    if len(same) > 1:
        same = same[same["is_manager"].fillna(False).astype(bool)]
    return same["employee_id"].iloc[0] if len(same) == 1 else None


def _name_keys(ctx: AuditContext, who_keys: pd.Index, who_code: np.ndarray, names: pd.Series) -> pd.DataFrame:
    """(group_id, name, key): what a name written in a group (an @, a quote) means there.

    The group's member list (display names, nicknames) and its senders' names
    first, then roster names and ids; a name meaning several people is dropped.
    ``who_keys[who_code]`` is each message's sender key.
    """
    m, mem = ctx.messages, ctx.members
    seen = m["sender_name"].isin(names.unique())
    local = pd.concat([
        pd.DataFrame({"group_id": mem["group_id"], "name": mem[col],
                      "key": mem["person_id"].fillna("~" + mem["member_id"])})
        for col in ("display_name", "nickname")] + [
        pd.DataFrame({"group_id": m.loc[seen, "group_id"], "name": m.loc[seen, "sender_name"],
                      "key": who_keys.take(who_code[seen.to_numpy()])})], ignore_index=True).dropna().drop_duplicates()
    local = local[~local.duplicated(["group_id", "name"], keep=False)]
    r = ctx.roster.drop_duplicates("employee_id")
    glob = pd.concat([pd.DataFrame({"name": r[c], "key": r["employee_id"]})
                      for c in ("name", "employee_id", "wechat_id", "qq", "wecom_id")]).dropna().drop_duplicates()
    glob = glob[~glob.duplicated("name", keep=False)].set_index("name")["key"]
    return local, glob


def _resolve(df: pd.DataFrame, local: pd.DataFrame, glob: pd.Series) -> pd.Series:
    """Keys for df's (group_id, name) rows; unknown names become '~@name'."""
    out = df[["group_id", "name"]].merge(local, on=["group_id", "name"], how="left")["key"]
    out.index = df.index
    return out.fillna(df["name"].map(glob).astype("str")).fillna("~@" + df["name"]).astype("str")


def _prepare(ctx: AuditContext, cues: Cues, bots: set[str], bot_names) -> _Shared:
    m = ctx.messages.reset_index(drop=True)
    n = len(m)
    # Each distinct sender's key is worked out once, not once per message: codes index the keys.
    who_code, who_keys = pd.factorize(m["person_id"].fillna("~" + m["sender_id"].fillna(m["sender_name"])
                                                            .fillna("?")))
    who_keys = pd.Index(who_keys.astype("str"))
    bot = m["sender_id"].isin(bots) | m["sender_name"].isin(bots)
    if bot_names is not None and n:
        names = pd.Series(m["sender_name"].dropna().unique(), dtype="str")
        bot |= m["sender_name"].isin(names[bot_names.search(names)])
    bot = bot.to_numpy(bool)
    wall = local_time(m["time"], ctx.tz).to_numpy()
    time = m["time"].array.asi8 if n else np.zeros(0, np.int64)

    # Flags for conversational messages only: a file or a link asks nobody anything.
    talk = m["kind"].isin(_CONVERSATIONAL).to_numpy() & ~bot & m["text"].notna().to_numpy()
    is_q, is_r = np.zeros(n, bool), np.zeros(n, bool)
    if talk.any():
        f = classify(m.loc[talk, "text"], m.loc[talk, "kind"], cues)
        is_q[talk], is_r[talk] = f["is_question"].to_numpy(), f["is_request"].to_numpy()

    # @mentions and quotes: who each message addresses.
    has = np.flatnonzero(m["mentions"].astype(bool).to_numpy())
    ment = pd.DataFrame({"pos": has, "group_id": m["group_id"].take(has).to_numpy(),
                         "name": m["mentions"].take(has).to_numpy()}).explode("name")
    ment = ment[ment["name"].notna() & ~ment["name"].isin(MENTION_ALL)].astype({"name": "str"})
    quoted = np.flatnonzero(m["quote_ref"].notna().to_numpy())
    q = pd.DataFrame({"pos": quoted, "group_id": m["group_id"].take(quoted).to_numpy(),
                      "ref": m["quote_ref"].take(quoted).to_numpy()}).astype({"ref": "str"})
    # a quote names its message by id, or as '显示名：text'
    cited = m["msg_id"].isin(q["ref"]).to_numpy()
    by_id = m.loc[cited, ["group_id", "msg_id"]].assign(
        key=who_keys.take(who_code[cited]).to_numpy()).drop_duplicates(["group_id", "msg_id"])
    q = q.merge(by_id.rename(columns={"msg_id": "ref"}), on=["group_id", "ref"], how="left")
    q["name"] = q["ref"].str.extract(r"^([^：:\n]{1,40})[：:]", expand=False)
    local, glob = _name_keys(ctx, who_keys, who_code, pd.concat([ment["name"], q["name"].dropna()]))
    ment["key"] = _resolve(ment, local, glob)
    named = q["key"].isna() & q["name"].notna()
    q.loc[named, "key"] = _resolve(q[named], local, glob)
    addr = pd.concat([ment[["pos", "key"]], q.dropna(subset=["key"])[["pos", "key"]]], ignore_index=True)

    # One code space for people: roster ids, senders, names seen.
    roster = ctx.roster.drop_duplicates("employee_id").set_index("employee_id")
    keys = pd.Index(pd.unique(pd.concat([pd.Series(roster.index, dtype="str"), pd.Series(who_keys), addr["key"]],
                                        ignore_index=True)))
    who = keys.get_indexer(who_keys)[who_code]
    addr["key"] = keys.get_indexer(addr["key"])
    gcode, groups = pd.factorize(m["group_id"].fillna("?"))
    gcode = gcode.astype(np.int64)

    day = wall.astype("datetime64[D]")
    duties = _duties(ctx, m, roster, keys, who, gcode, groups, addr.iloc[:len(ment)], is_q | is_r, bot, day)

    between = _chains(roster)[1]
    chain = pd.DataFrame({"asker": keys.get_indexer(between["employee_id"]),
                          "proxy": keys.get_indexer(between["proxy"])})
    ok = ~bot & ~m["kind"].isin(NOT_CHAT).to_numpy()
    order = np.argsort(time, kind="stable")
    order = order[ok[order]]
    answers = pd.DataFrame({"g": gcode[order], "who": who[order], "at": time[order], "apos": order})
    addr = addr[ok[addr["pos"].to_numpy()]]
    addr = addr.assign(g=gcode[addr["pos"]], who=who[addr["pos"]], at=time[addr["pos"]])
    addr = addr[addr["who"] != addr["key"]].rename(columns={"key": "addressee", "pos": "apos"})
    addressed = addr.sort_values("at", kind="stable")[["g", "who", "addressee", "at", "apos"]].reset_index(drop=True)
    return _Shared(n=n, group=gcode, time=time, local_day=day, who=who,
                   is_question=is_q, is_request=is_r, keys=keys, groups=pd.Index(groups), duties=duties,
                   chain=chain, answers=answers, addressed=addressed, horizon=_horizon(ctx, time))


def _horizon(ctx: AuditContext, time: np.ndarray) -> int:
    """The data's last message time (ns): the context's own last, unless it holds only a part."""
    if ctx.last_message is not None:
        return int(ctx.last_message.value)
    return int(time.max()) if len(time) else 0


def _duties(ctx, m, roster, keys, who, gcode, groups, ment, asks, bot, day) -> pd.DataFrame:
    """(qpos, person, basis) for every message that asks and every person who must answer it.

    Bases: ``employee`` (the asker's direct head, when the message @s nobody
    or @s that head), ``leader`` (heads a leader @s), ``public`` (the admin-
    centre head, else the group's 群负责人, for an unaddressed question whose
    asker has no direct head: a leader, an outsider), ``mention`` (everyone @-ed).
    """
    qpos = np.flatnonzero(asks & ~bot)
    pid = pd.Series(m["person_id"].take(qpos).to_numpy(), dtype="str")
    heads = roster.index[roster["is_manager"].fillna(False).astype(bool)]
    direct = _chains(roster)[0]
    leader = pid.isin(heads).to_numpy()
    employee = (pid.isin(roster.index) & ~pid.isin(heads)).to_numpy()
    head = keys.get_indexer(pid.map(direct).astype("str").fillna("\0").astype("str"))   # -1: none

    # the people each asking message @s (quotes address someone too, but oblige nobody)
    at = ment[np.isin(ment["pos"].to_numpy(), qpos)]
    at = at[at["key"].to_numpy() != who[at["pos"].to_numpy()]].drop_duplicates()
    mentioned = np.zeros(len(m), bool)
    mentioned[at["pos"].to_numpy()] = True
    is_emp = np.isin(at["key"].to_numpy(), keys.get_indexer(roster.index))
    head_keys = keys.get_indexer(heads)
    pos_leader = np.zeros(len(m), bool)
    pos_leader[qpos[leader]] = True
    pos_head = np.full(len(m), -1, np.int64)
    pos_head[qpos] = head

    parts = [pd.DataFrame({"qpos": at["pos"], "person": at["key"], "basis": "mention"})[is_emp]]
    lead = at[pos_leader[at["pos"]] & np.isin(at["key"], head_keys)]
    parts.append(pd.DataFrame({"qpos": lead["pos"], "person": lead["key"], "basis": "leader"}))
    # an employee's message @-ing their own head, or nobody
    own = at[pos_head[at["pos"]] == at["key"]]["pos"].unique()
    emp = qpos[employee & (head >= 0)]
    emp = emp[~mentioned[emp] | np.isin(emp, own)]
    parts.append(pd.DataFrame({"qpos": emp, "person": pos_head[emp], "basis": "employee"}))
    pub = qpos[(~employee | (head < 0)) & ~mentioned[qpos]]
    parts.append(_public(ctx, keys, gcode, groups, pub))
    d = pd.concat(parts, ignore_index=True).astype({"qpos": np.int64, "person": np.int64})
    d = d[(d["person"] >= 0) & (d["person"].to_numpy() != who[d["qpos"].to_numpy()])].drop_duplicates()
    # Nobody answers for the company after leaving it: a head or 群负责人 who has
    # left is the registry's problem (LIF003), not a missed reply.
    left = pd.to_datetime(roster["leave_date"].reindex(keys)).to_numpy("datetime64[D]")[d["person"].to_numpy()]
    d = d[~(left < day[d["qpos"].to_numpy()])]
    return _visible(ctx, d, keys, who, gcode, groups).reset_index(drop=True)


def _public(ctx, keys, gcode, groups, pub) -> pd.DataFrame:
    """Unowned questions → the admin-centre head, or the group's 群负责人 where the head is not a member."""
    admin = _person(ctx, ctx.policy.company.admin_head)
    g = pd.Series(groups[gcode[pub]], dtype="str")
    members = ctx.members
    listed = set(members["group_id"])
    inside = set(members.loc[members["person_id"] == admin, "group_id"]) if admin else set()
    admin_there = (~g.isin(listed) | g.isin(inside)).to_numpy() & (admin is not None)
    resp = responsible_people(ctx).dropna(subset=["responsible_id"]).drop_duplicates("group_id")
    fallback = g.map(resp.set_index("group_id")["responsible_id"]).astype("str").fillna("\0").astype("str")
    person = np.where(admin_there, keys.get_indexer([admin or "\0"])[0], keys.get_indexer(fallback))
    return pd.DataFrame({"qpos": pub, "person": person, "basis": "public",
                         "fallback": ~admin_there})


def _visible(ctx, d, keys, who, gcode, groups) -> pd.DataFrame:
    """Duties of people who can see the group: on its member list (when it has one) or a sender in it."""
    mem = ctx.members.dropna(subset=["person_id"])
    listed = np.isin(groups, ctx.members["group_id"].unique())
    g = gcode[d["qpos"].to_numpy()]
    width = np.int64(max(len(keys), 1))
    pair = g * width + d["person"].to_numpy()
    mg = pd.Index(groups).get_indexer(mem["group_id"])
    ok_pairs = np.concatenate([(mg * width + keys.get_indexer(mem["person_id"]))[mg >= 0], gcode * width + who])
    return d[~listed[g] | np.isin(pair, ok_pairs)]


def _instants(ns, tz: str) -> pd.Series:
    """int64 UTC nanoseconds as tz-aware instants in ``tz`` (a fresh 0… index)."""
    return pd.Series(pd.to_datetime(np.asarray(ns, dtype=np.int64), utc=True)).dt.tz_convert(tz)


class QuestionOptions(ReplyOptions):
    """Options of the rules that give a question to one owner (REP001, REP003)."""
    triggers: list[Trigger] = Field(["question"], min_length=1,
                                    description="what starts a clock: questions, requests (incl. @mentions)")
    others_may_answer: bool = Field(
        True, description="an answer by someone else (a quote of the asker's message or an @ of them) also "
                          "closes the question; false: it stays open for the person who must answer")


# ---- the rules -------------------------------------------------------------------


class _ReplyRule(Rule):
    """The engine: per class, the pairs of this rule's basis, their answers and deadlines."""
    basis: ClassVar[str]
    #: what the message was, for sentences: "question" or "message"
    noun: ClassVar[str] = "question"
    #: why the person had to answer, for the evidence
    role: ClassVar[str]
    Options = ReplyOptions

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for scope in ctx.scopes(self.code):
            s, d = self.judged(ctx, scope)
            d = d[d["breach"].to_numpy(bool)]
            if len(d):
                frames.append(ctx.findings(self._rows(ctx, s, d, scope.options), self, scope))
        return concat(frames, ctx.tz)

    def judged(self, ctx: AuditContext, scope: Scope) -> tuple[_Shared, pd.DataFrame]:
        """The shared pass and every pair this rule judges in ``scope`` (see ``_judge``), once per context:
        the findings and the reply-time record (``reply_record``) read the same pairs."""
        def judge() -> tuple[_Shared, pd.DataFrame]:
            s = _shared(ctx, scope.options)
            d = self._pairs(ctx, s, scope)
            if self.basis == "mention":
                d = self._unclaimed(ctx, s, d)
            return s, _judge(ctx, s, d, scope.options)

        return memoized(ctx, ("reply-judged", self.code, scope.group_class), (), judge)

    def _pairs(self, ctx: AuditContext, s: _Shared, scope: Scope, basis: str | None = None) -> pd.DataFrame:
        """This basis's (message, person) pairs in the scope's groups, the period and the triggers."""
        o = scope.options
        d = s.duties[s.duties["basis"] == (basis or self.basis)]
        qpos = d["qpos"].to_numpy()
        trig = (s.is_question if "question" in o.triggers else False) | (
            s.is_request if "request" in o.triggers else False)
        in_groups = np.isin(s.groups, scope.group_ids)
        day = s.local_day[qpos]
        keep = (np.asarray(trig)[qpos] & in_groups[s.group[qpos]]
                & (day >= np.datetime64(ctx.start)) & (day <= np.datetime64(ctx.end)))
        return d[keep]

    def _unclaimed(self, ctx: AuditContext, s: _Shared, d: pd.DataFrame) -> pd.DataFrame:
        """Drop pairs another enabled reply rule already judges: one person, one message, one finding."""
        claimed = []
        for rule in RULES:
            if rule is self:
                continue
            for scope in ctx.scopes(rule.code):
                claimed.append(rule._pairs(ctx, s, scope)[["qpos", "person"]])
        if not claimed:
            return d
        c = pd.concat(claimed).drop_duplicates().assign(_c=True)
        return d[d.merge(c, on=["qpos", "person"], how="left")["_c"].isna().to_numpy()]

    def _rows(self, ctx: AuditContext, s: _Shared, d: pd.DataFrame, o: ReplyOptions) -> pd.DataFrame:
        """Findings columns for breached pairs."""
        m = ctx.messages.reset_index(drop=True)
        q = m.iloc[d["qpos"].to_numpy()].reset_index(drop=True)
        d = d.reset_index(drop=True)
        person_id = pd.Series(s.keys[d["person"].to_numpy()], dtype="str")
        asker = roster_name(ctx, q["person_id"]).fillna(q["sender_name"]).fillna(q["sender_id"]).fillna("?")
        answered = d["at"].to_numpy() != _NONE
        a = m.iloc[np.where(answered, d["apos"].to_numpy(), 0)].reset_index(drop=True) if len(m) else q
        answerer = roster_name(ctx, a["person_id"]).fillna(a["sender_name"]).fillna(a["sender_id"]).fillna("?")
        qt = q["time"]
        deadline = _instants(d["deadline"], ctx.tz)
        reply_t = _instants(np.where(answered, d["at"].to_numpy(), 0), ctx.tz)
        late = ((d["at"] - d["qt"]) // _MINUTE_NS).astype("int64").astype("str")

        # each time column formatted once; to the minute is a prefix of to the second
        qt_s, deadline_s, reply_s = (wall_text(t, "%Y-%m-%d %H:%M:%S") for t in (qt, deadline, reply_t))
        end_s = wall_text(_instants([s.horizon], ctx.tz), "%Y-%m-%d %H:%M:%S").iloc[0]

        def hm(t_s):
            return t_s.str.slice(0, 16)

        clock = "working minutes" if o.clock == "working" else "minutes"
        outcome = pd.Series(np.where(answered, "answered " + hm(reply_s) + " (" + late + " min later)",
                                     "no answer in the data"), dtype="str")
        proxy = np.select([d["answered_by"].eq("chain").to_numpy(), d["answered_by"].eq("other").to_numpy()],
                          [" (the asker's manager, answering for the head)", " (not the person who had to answer)"], "")
        reply_ev = pd.Series(np.where(answered, "reply " + reply_s + " by " + answerer + " after " + late
                                      + " min" + proxy,
                                      "no reply up to the data's end " + end_s),
                             dtype="str")
        role = pd.Series(self.role, index=d.index, dtype="str")
        if "fallback" in d and d["fallback"].fillna(False).astype(bool).any():
            role = role.where(~d["fallback"].fillna(False).astype(bool).to_numpy(),
                              "the group's 群负责人 (the admin-centre head is not in the group)")
        text = q["text"].fillna("").str.replace(r"\s+", " ", regex=True)
        text = pii.mask_text(text, pii.find(text))
        excerpt = text.str.slice(0, EXCERPT_CHARS) + np.where(text.str.len() > EXCERPT_CHARS, "…", "")
        out = pd.DataFrame({
            "platform": q["platform"], "group_id": q["group_id"], "group_name": q["group_name"],
            "person_id": person_id, "person_name": roster_name(ctx, person_id).fillna(person_id),
            "time": qt, "source_file": q["source_file"], "source_line": q["source_line"]})
        out["message"] = (out["person_name"] + f" did not answer within {o.minutes} {clock} the {self.noun} "
                          + asker + " asked at " + hm(qt_s) + " (deadline " + hm(deadline_s) + "; " + outcome + ")")
        out["evidence"] = (asker + " " + qt_s + ": 「" + excerpt + "」; must answer: " + out["person_name"]
                           + ", " + role + "; deadline " + deadline_s + f" ({o.minutes} {clock}); " + reply_ev)
        if o.clock == "working":
            covered = ctx.calendar.covered_between(qt, deadline).astype(bool)
            out["calendar_note"] = pd.Series(
                f"working minutes counted on weekends only: chinese-calendar {CC_VERSION} has no data for "
                + deadline.dt.year.astype("str"), dtype="str").where(~covered)
        return out


def _first_after(left: pd.DataFrame, right: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Position of the first ``right`` message strictly after each ``left`` row's qt, -1 for none.

    ``left`` sorted by qt, ``right`` by at: one sorted merge per key, no loop per question.
    """
    if left.empty:
        return np.zeros(0, np.int64)
    hit = pd.merge_asof(left[by + ["qt"]], right[by + ["at", "apos"]], left_on="qt", right_on="at", by=by,
                        direction="forward", allow_exact_matches=False)
    return hit["apos"].fillna(-1).astype(np.int64).to_numpy()


def _judge(ctx: AuditContext, s: _Shared, d: pd.DataFrame, o: ReplyOptions) -> pd.DataFrame:
    """The judged pairs of ``d``, with qt, at (answer time, _NONE for none), apos (-1 for none),
    answered_by ("person", "chain" or "other"), deadline (int64 ns) and breach (answered late or not
    at all), sorted by qt and person. Follow-ups are dropped, and so are unanswered pairs still
    within their deadline at the data's end."""
    if d.empty:
        return d.assign(**{c: pd.Series(dtype=np.int64) for c in ("g", "asker", "qt", "apos", "at", "deadline")},
                        answered_by=pd.Series(dtype=object), breach=pd.Series(dtype=bool))
    qpos = d["qpos"].to_numpy()
    d = (d.assign(g=s.group[qpos], asker=s.who[qpos], qt=s.time[qpos]).sort_values("qt", kind="stable")
         .reset_index(drop=True))
    if o.answer == "any":
        own = _first_after(d, s.answers.rename(columns={"who": "person"}), ["g", "person"])
    else:
        own = _first_after(d, s.addressed.rename(columns={"who": "person", "addressee": "asker"}),
                           ["g", "person", "asker"])
    # candidates: (row, apos, source); the earliest answer wins
    cands = [pd.DataFrame({"row": d.index, "apos": own, "src": "person"})]
    if getattr(o, "chain_may_answer", False):
        # a manager between the asker and the head (a 主管) may answer for the head
        proxy = d[["g", "asker", "qt"]].reset_index(names="row").merge(s.chain, on="asker")
        proxy = proxy.sort_values("qt", kind="stable").reset_index(drop=True)
        if len(proxy):
            cands.append(pd.DataFrame({"row": proxy["row"], "src": "chain", "apos": _first_after(
                proxy, s.answers.rename(columns={"who": "proxy"}), ["g", "proxy"]) if o.answer == "any" else
                _first_after(proxy, s.addressed.rename(columns={"who": "proxy", "addressee": "asker"}),
                             ["g", "proxy", "asker"])}))
    if o.others_may_answer:
        other = s.addressed.drop(columns="who").rename(columns={"addressee": "asker"})
        cands.append(pd.DataFrame({"row": d.index, "apos": _first_after(d, other, ["g", "asker"]), "src": "other"}))
    c = pd.concat(cands, ignore_index=True)
    c = c[c["apos"] >= 0]
    c["at"] = s.time[c["apos"].to_numpy()]
    c = c.sort_values(["row", "at"], kind="stable").drop_duplicates("row")
    d = d.join(c.set_index("row")[["apos", "at", "src"]].rename(columns={"src": "answered_by"}))
    d["apos"] = d["apos"].fillna(-1).astype(np.int64)
    d["at"] = np.where(d["apos"] >= 0, s.time[d["apos"].clip(lower=0).to_numpy()], _NONE)
    qt = _instants(d["qt"], ctx.tz)
    if o.clock == "working":
        deadline = ctx.calendar.add_working_minutes(qt, float(o.minutes))
    else:
        deadline = qt + pd.Timedelta(minutes=o.minutes)
    d["deadline"] = deadline.array.asi8
    # a follow-up before the previous question's deadline, waiting for the same answer, is the same matter
    d = d.sort_values(["g", "person", "asker", "qt"], kind="stable")
    key = d[["g", "person", "asker"]]
    same = (key == key.shift()).all(axis=1)
    follow = same & (d["qt"] < d["deadline"].shift()) & (d["at"] == d["at"].shift())
    d = d[~follow]
    pending = (d["at"] == _NONE) & (d["deadline"] > s.horizon)
    d = d[~pending].assign(breach=lambda x: x["at"] > x["deadline"])
    return d.sort_values(["qt", "person"], kind="stable")


class EmployeeQuestion(_ReplyRule):
    """An employee's question was not answered by their direct department head in time.

    ## What it checks
    Questions (`triggers`) by roster employees who are not department heads,
    asked in the audit period, that @-mention nobody or the asker's own head.
    The direct department head is the first department head (roster
    `is_manager`) up the asker's `manager_id` chain. The head must answer
    within `minutes` on the `clock`: any later message of theirs in the
    group (`answer: any`), or one quoting or @-ing the asker (`addressed`).
    With `others_may_answer`, a colleague's quote or @ of the asker also
    closes it. A question at 17:55 with working hours ending 18:00 has, on
    the working clock, until 09:15 the next working day. One finding per
    head and question (follow-ups before the deadline are the same
    question), dated at the question, naming the asker, the deadline and
    the answer (or that none came).

    ## Clauses
    - 002 §五.1.1: 员工在群内提出工作上直接性的疑问, 该员工所在部门的直接负责人应在20分钟以内予以回复
    - 000-A: problems raised in the group are answered by the responsible department head

    ## Example
    ```yaml
    REP001:
      options: {minutes: 20, clock: working, answer: any}
      classes:
        interest: {enabled: false}
    ```
    """
    code = "REP001"
    name = "employee-question-unanswered"
    category = "reply"
    severity = "minor"
    clauses = ("002 §五.1.1", "000-A")
    basis = "employee"
    role = "the asker's direct department head"

    class Options(QuestionOptions):
        chain_may_answer: bool = Field(
            True, description="an answer by a manager between the asker and the head (a 主管) counts as the "
                              "head's, given the same way (`answer`)")


class LeaderMessage(_ReplyRule):
    """A department head @-mentioned by a leader did not confirm in time.

    ## What it checks
    Messages in the audit period by leaders (roster `is_manager`: department
    heads and the general manager) that ask or request something and
    @-mention department heads. Each mentioned head must confirm within
    `minutes` (30) on the `clock`: any later message of theirs in the group
    (`answer: any`; 收到 is a confirmation), or one quoting or @-ing the
    leader (`addressed`). One head's answer does not answer for another:
    when a leader @s two heads and one replies in time, the other is a
    finding. One finding per head and message, dated at the message.

    ## Clauses
    - 002 §五.1.2: 领导人或部门负责人在群内发布的工作联络或问题反馈, 相关部门负责人必须马上予以回复确认; 超出30分钟没有回复的按违反规定处理

    ## Example
    ```yaml
    REP002:
      options: {minutes: 30, clock: wall}
    ```
    """
    code = "REP002"
    name = "leader-message-unconfirmed"
    category = "reply"
    severity = "minor"
    clauses = ("002 §五.1.2",)
    basis = "leader"
    noun = "message"
    role = "a department head @-mentioned by a leader"

    class Options(ReplyOptions):
        minutes: int = Field(30, ge=1, description="minutes the person has to answer")


class PublicQuestion(_ReplyRule):
    """A question nobody owns was not answered by the admin-centre head in time.

    ## What it checks
    Questions in the audit period that @-mention nobody and whose asker has
    no direct department head: a leader's question to the group, a question
    by someone outside the roster (a customer in a project group), an
    employee whose manager chain reaches no head. The policy's
    `company.admin_head` (a name or employee id) must answer within
    `minutes`; in a group whose member list does not hold the admin-centre
    head, the group's first 群负责人 (registry) answers instead. Answers
    and clocks as for REP001; `others_may_answer` (default on) lets whoever
    the head asks to answer do it by quoting or @-ing the asker. Without an
    admin head in the policy only groups with a 群负责人 are judged.

    ## Clauses
    - 002 §五.1.3: 公共性问题 (行政后勤相关或暂时没有归属的问题), 由行政中心负责人第一时间予以回复或联系相关人员回复处理
    - 000-A: problems raised in the group are answered by the responsible department head

    ## Example
    ```yaml
    REP003:
      options: {minutes: 20, others_may_answer: true}
    ```
    """
    code = "REP003"
    name = "public-question-unanswered"
    category = "reply"
    severity = "minor"
    clauses = ("002 §五.1.3", "000-A")
    basis = "public"
    role = "the admin-centre head"

    Options = QuestionOptions


class MentionUnanswered(_ReplyRule):
    """An @-mentioned employee did not respond in time.

    ## What it checks
    Messages in the audit period that @-mention roster employees (an @ of a
    person is a request; @所有人 is a notice, not a mention). Each mentioned
    employee must respond within `minutes` on the `clock`: any later message
    of theirs in the group, or (`answer: addressed`) one quoting or @-ing
    the sender. A person another enabled reply rule already obliges for the
    same message (a head @-ed by a leader, an employee's own head) is
    judged there, not again here. Off unless the policy enables it.

    ## Clauses
    - 000-B §五.4: 被@或被分配任务时及时回应
    - 003: respond promptly to @mentions and assignments
    - 004: respond promptly to @mentions and assignments

    ## Example
    ```yaml
    REP004:
      options: {minutes: 60, clock: working}
      classes:
        interest: {enabled: false}
    ```
    """
    code = "REP004"
    name = "mention-unanswered"
    category = "reply"
    severity = "info"
    clauses = ("000-B §五.4", "003", "004")
    basis = "mention"
    noun = "message"
    role = "@-mentioned"

    class Options(ReplyOptions):
        minutes: int = Field(60, ge=1, description="minutes the person has to answer")


#: the rules this module defines, in the order `grpaudit rules` lists them
RULES: tuple = (EmployeeQuestion(), LeaderMessage(), PublicQuestion(), MentionUnanswered())
