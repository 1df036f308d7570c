"""Helpers shared by the rules that read messages: the period's messages of a scope, person naming,
masked excerpts, evidence listings.

Two ways in: ``period_messages`` gives one scope's chat messages with wall
times and who sent them (off-hours, notice and flooding rules count per
person); ``batches`` gives the messages with text of all scopes whose options
are equal, so the content and privacy rules scan each message once whatever
the number of classes.

Evidence never repeats personal data: every ID, card and mobile number is
masked by ``mask_pii`` before a text is quoted, either whole (``excerpt``,
cut to a width) or around a hit (``excerpt_around``).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..textscan import pii
from ..textscan.normalize import normalize_array
from ..textscan.regexsafe import arrow_text
from .base import AuditContext, Rule, Scope, memoized
from .common import roster_names

#: Message kinds that are not chat messages (a reader keeps them when it could not parse an event).
NOT_CHAT = ("system", "recall")
#: Characters of message text quoted per message in evidence (``excerpt``).
EXCERPT_CHARS = 40
#: Characters of context on each side of a hit in the evidence (``excerpt_around``).
AROUND_CHARS = 15
#: Messages listed in one finding's evidence; the rest are counted.
LISTED = 5
# Digits of a number kept visible at its (head, tail), as pii.mask shows them.
_KEEP = {"id_card": (6, 4), "bank_card": (4, 4), "mobile": (3, 4)}


# ---- the messages of a scope or a batch ----------------------------------------

def local_time(times: pd.Series, tz: str) -> pd.Series:
    """Tz-aware instants as naive wall-clock times in ``tz``."""
    return times.dt.tz_convert(tz).dt.tz_localize(None)


# strftime formats ``wall_text`` writes, as the part of ISO 'YYYY-MM-DD HH:MM:SS' they show.
_ISO_PARTS = {"%Y-%m-%d %H:%M:%S": (0, 19), "%Y-%m-%d %H:%M": (0, 16), "%m-%d %H:%M:%S": (5, 19),
              "%H:%M:%S": (11, 19)}


def wall_text(times: pd.Series, fmt: str) -> pd.Series:
    """Times as ``fmt`` text (one of ``_ISO_PARTS``; tz-aware ones on their zone's wall clock), same index,
    NaT as NA. Cut from numpy's ISO text: ``dt.strftime`` is a Python call per value."""
    if getattr(times.dtype, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    iso = pa.array(np.datetime_as_string(times.to_numpy("datetime64[s]")), pa.string())
    lo, hi = _ISO_PARTS[fmt]
    text = pc.utf8_slice_codeunits(pc.replace_substring(iso, "T", " ", max_replacements=1), lo, hi)
    out = pd.Series(text.to_numpy(zero_copy_only=False), index=times.index, dtype="str")
    return out.mask(times.isna().to_numpy())


def roster_name(ctx: AuditContext, person_id: pd.Series) -> pd.Series:
    """The roster name of each employee id (the first roster row of an id listed twice), NA for none."""
    return person_id.map(roster_names(ctx).loc[lambda s: ~s.index.duplicated()]).astype("str")


def period_messages(ctx: AuditContext, scope: Scope) -> pd.DataFrame:
    """The scope's chat messages sent in the audit period (local days), with ``local`` wall time,
    ``who`` (person id, else platform id, else display name: the key a person is counted by) and
    ``person_name`` (roster name, else the display name, else the platform id).

    Built once per context and set of groups (off-hours, notice and flooding
    rules all start here); each call gets its own shallow copy, so a rule may
    add columns without touching the others'.
    """
    key = ("period", ctx.start, ctx.end, ctx.tz, tuple(scope.group_ids))
    m = memoized(ctx, key, (ctx.messages, ctx.roster), lambda: _period_messages(ctx, scope))
    return m.copy(deep=False)


def _period_messages(ctx: AuditContext, scope: Scope) -> pd.DataFrame:
    m = ctx.messages
    sel = m["group_id"].isin(scope.group_ids) & m["time"].notna() & ~m["kind"].isin(NOT_CHAT)
    if not sel.all():            # usually every message is kept: no copy of the table then
        m = m[sel]
    local = local_time(m["time"], ctx.tz)
    day = local.dt.normalize()
    keep = (day >= pd.Timestamp(ctx.start)) & (day <= pd.Timestamp(ctx.end))
    if not keep.all():
        m, local = m[keep], local[keep]
    m = m.assign(local=local)
    who = m["person_id"].fillna(m["sender_id"]).fillna(m["sender_name"]).fillna("?")
    name = roster_name(ctx, m["person_id"]).fillna(m["sender_name"]).fillna(m["sender_id"]).fillna("?")
    return m.assign(who=who, person_name=name).reset_index(drop=True)


def batches(ctx: AuditContext, code: str) -> list[tuple[Any, list[Scope], pd.DataFrame]]:
    """(options, scopes, messages) per distinct options of the rule's scopes.

    ``messages``: the scopes' messages sent during the audit period (local
    days ``ctx.start`` … ``ctx.end``) with some text, index reset.
    """
    by_options: dict[str, list[Scope]] = {}
    for scope in ctx.scopes(code):
        by_options.setdefault(repr(scope.options), []).append(scope)
    out = []
    m = ctx.messages
    lo, hi = ctx.period_bounds()
    for scopes in by_options.values():
        ids = pd.Index([]).append([s.group_ids for s in scopes])

        def select() -> pd.DataFrame | None:
            keep = m["group_id"].isin(ids) & (m["time"] >= lo) & (m["time"] < hi) & m["text"].fillna("").ne("")
            return m[keep.to_numpy()].reset_index(drop=True) if keep.any() else None

        # Most message rules read the same groups' messages: the copy is made once per context.
        msgs = memoized(ctx, ("batch", ctx.start, ctx.end, ctx.tz, tuple(sorted(set(ids)))), (m,), select)
        if msgs is not None:
            out.append((scopes[0].options, scopes, msgs))
    return out


def normal_text(ctx: AuditContext, msgs: pd.DataFrame) -> pa.Array:
    """The normal form (``textscan.normalize``) of a batch's texts (``msgs`` from ``batches``),
    worked out once per batch: every word-list rule scans it."""
    return memoized(ctx, ("normal", id(msgs)), (msgs,), lambda: normalize_array(msgs["text"]))


def batch_pii(ctx: AuditContext, msgs: pd.DataFrame) -> pd.DataFrame:
    """``pii.find`` over a batch's messages (``msgs`` from ``batches``), run once per batch.

    The three number rules (PRI001–003) read the same numbers, and checking
    each candidate is Python work: the first rule finds them, the others
    reuse them.
    """
    return memoized(ctx, ("pii", id(msgs)), (msgs,), lambda: pii.find(msgs["text"]))


# ---- masked excerpts ------------------------------------------------------------

def mask_pii(text: pd.Series) -> pd.Series:
    """``text`` (unique index labels) with every ID, card and mobile number masked digit for digit.

    The digits ``pii.mask`` hides become ``*``; separators and the length
    stay, so spans found in the original text stay valid.
    """
    found = pii.find(text)
    if found.empty:
        return text
    bodies = dict(zip(text.index, text.tolist()))
    for label, kind, start, end, value in found[["message", "kind", "start", "end", "value"]].itertuples(
            index=False):
        head, tail = _KEEP[kind]
        body, chars = bodies[label], []
        # digits written before the value (the 86 of 8613800001004) are shown like its head
        seen = len(value) - sum(ch.isdigit() or ch in "xX" for ch in body[start:end])
        for ch in body[start:end]:
            if ch.isdigit() or ch in "xX":
                ch = "*" if head <= seen < len(value) - tail else ch
                seen += 1
            chars.append(ch)
        bodies[label] = body[:start] + "".join(chars) + body[end:]
    return pd.Series([bodies[i] for i in text.index], index=text.index, dtype="str")


def excerpt(text: pd.Series, width: int = EXCERPT_CHARS) -> pd.Series:
    """Texts as one-line excerpts for evidence: personal numbers masked, line breaks as ' / ',
    cut at ``width`` characters with '…'."""
    text = text.fillna("").astype("str").reset_index(drop=True)
    one_line = mask_pii(text).str.replace(r"\s*\n\s*", " / ", regex=True)
    short = one_line.str.slice(0, width)
    return short.where(one_line.str.len() <= width, short + "…").set_axis(text.index)


def excerpt_around(text: str, start: int, end: int) -> str:
    """The hit ``text[start:end]`` of a masked text with some context, on one line, quoted."""
    lo, hi = max(0, start - AROUND_CHARS), min(len(text), end + AROUND_CHARS)
    cut = ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")
    return "“" + cut.replace("\r\n", "⏎").replace("\n", "⏎") + "”"


def first_hits(hits: pd.DataFrame, by: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Per ``by`` group of word hits (``Lexicon.scan`` rows): its first hit, and the words found in
    their order, joined with '、'. Both with a fresh index."""
    g = hits.groupby(by, sort=False)
    return g.first().reset_index(), pd.Series(g["word"].agg(lambda w: "、".join(dict.fromkeys(w))).to_numpy(),
                                              dtype="str")


def quoted(msgs: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """For each hit (``message`` label in ``msgs``, ``start``, ``end``; a fresh index) the hit in the
    masked text (``hit``) and the hit with its context, quoted (``around``)."""
    texts = mask_pii(msgs.loc[hits["message"].unique(), "text"])
    spans = list(hits[["message", "start", "end"]].itertuples(index=False))
    return pd.DataFrame({"hit": [texts[m][s:e] for m, s, e in spans],
                         "around": [excerpt_around(texts[m], s, e) for m, s, e in spans]}, dtype="str")


def listing(df: pd.DataFrame, by: list[str], fmt: str = "%H:%M:%S", limit: int = LISTED) -> pd.Series:
    """Per group of ``df`` (rows in time order), its first ``limit`` messages as
    'HH:MM:SS text; …' and '(+k more)': the evidence of a finding about several messages."""
    first = df.groupby(by, sort=False).cumcount() < limit
    shown = df[first]
    lines = wall_text(shown["local"], fmt) + " " + excerpt(shown["text"]).to_numpy()
    joined = lines.groupby([shown[c] for c in by], sort=False).agg("; ".join)
    n = df.groupby(by, sort=False).size()
    more = (n - limit).clip(lower=0)
    tail = pd.Series(np.where(more > 0, " (+" + more.astype("str") + " more)", ""), index=n.index)
    return (joined.reindex(n.index) + tail).rename("listed")


# ---- who and what -----------------------------------------------------------------

def marked(text: pd.Series, markers: list[str]) -> pd.Series:
    """True where the text contains any of ``markers`` (case-insensitive substrings)."""
    arr = arrow_text(text)
    hit = np.zeros(len(text), bool)
    for marker in markers:
        hit |= pc.fill_null(pc.match_substring(arr, marker, ignore_case=True), False).to_numpy(
            zero_copy_only=False)
    return pd.Series(hit, index=text.index)


def named(m: pd.DataFrame, people: list[str]) -> pd.Series:
    """True for messages whose sender is one of ``people``: employee ids, roster names,
    display names or platform ids, as a policy writes them."""
    people = [p.strip() for p in people if p.strip()]
    if not people:
        return pd.Series(False, index=m.index)
    return (m["person_id"].isin(people) | m["person_name"].isin(people) | m["sender_name"].str.strip().isin(people)
            | m["sender_id"].isin(people)).fillna(False).astype(bool)


# ---- findings of one message each -----------------------------------------------

def finding_rows(ctx: AuditContext, msgs: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """Finding columns for ``hits`` (one row per finding, ``message`` = row label in ``msgs``).

    Adds the group (registry name, else the exported one), the platform, the
    sender (roster name when resolved, else the display name), the time and
    the message's source; ``hits``' other columns are kept.
    """
    m = msgs.loc[hits["message"].to_numpy()].reset_index(drop=True)
    registered = ctx.groups.drop_duplicates("group_id").set_index("group_id")["group_name"]
    out = hits.drop(columns="message").reset_index(drop=True)
    return out.assign(
        platform=m["platform"], group_id=m["group_id"],
        group_name=m["group_id"].map(registered).fillna(m["group_name"]),
        person_id=m["person_id"],
        person_name=roster_name(ctx, m["person_id"]).fillna(m["sender_name"]).fillna(m["sender_id"]),
        time=m["time"], source_file=m["source_file"], source_line=m["source_line"])


def per_scope(ctx: AuditContext, rule: Rule, scopes: list[Scope], rows: pd.DataFrame) -> list[pd.DataFrame]:
    """``rows`` split by the scopes' groups, each part as findings of its scope."""
    return [ctx.findings(rows[rows["group_id"].isin(s.group_ids)], rule, s) for s in scopes
            if rows["group_id"].isin(s.group_ids).any()]


def sentence(rows: pd.DataFrame, what: str | pd.Series) -> pd.Series:
    """“张伟 posted WHAT in 澤東销售部工作群.”"""
    return rows["person_name"].fillna("someone") + " posted " + what + " in " \
        + rows["group_name"].fillna(rows["group_id"]) + "."
