"""Flooding rules (FLD): bursts of messages, repeated texts, sticker runs.

All three look at one person's messages in one group, in time order. The
windows are computed on whole columns: messages are sorted by (group,
person, time) and each message's window start is found with one
``numpy.searchsorted`` over a key that keeps people apart (see ``_starts``),
never a loop per message.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from ..findings import concat
from ..policy.schema import RuleOptions
from ..textscan.normalize import normalize_array
from ..textscan.regexsafe import arrow_text
from .base import AuditContext, Rule, Scope, memoized
from .common import attach_responsible
from .messages import listing, period_messages

# A text of nothing but emoji, symbols, spaces and WeChat/QQ bracket emoticons ([微笑], [OK]).
_EMOJI_ONLY = r"^(?:[\p{So}\p{Sk}\p{Me}\p{Mn}\p{Cf}\s]|\[[^\[\]\s]{1,4}\])+$"
# What near-same texts may differ in: everything but letters and digits (after textscan.normalize).
_NOT_WORD = r"[^\p{L}\p{N}]+"


def _order(m: pd.DataFrame, by: list[str], ns: np.ndarray) -> np.ndarray:
    """Row positions of ``m`` ordered by ``by`` then the times ``ns``, ties in table order.

    Sorting integer codes and moving only positions: the rows themselves are
    taken later, for the few that make a finding.
    """
    codes = [pd.factorize(m[c], sort=True, use_na_sentinel=False)[0] for c in by]
    return np.lexsort([ns, *reversed(codes)])


def _runs(*keys: np.ndarray) -> np.ndarray:
    """For rows sorted by ``keys``: a code per distinct key tuple, increasing along the rows."""
    new = np.zeros(len(keys[0]), bool)
    if len(new):
        new[0] = True
        for k in keys:
            new[1:] |= k[1:] != k[:-1]
    return np.cumsum(new) - 1


def _by_person(ctx: AuditContext, scope: Scope) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """The scope's period messages and their order by (group, person, time): (m, order, codes, ms) with
    each ordered row's (group, person) code and time in ms. Sorted once per context: every rule here
    reads the same order."""
    m = period_messages(ctx, scope)

    def order() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ms_all = m["time"].to_numpy("datetime64[ms]").astype(np.int64)
        rows = _order(m, ["group_id", "who"], m["time"].to_numpy("datetime64[ns]").astype(np.int64))
        gcode = pd.factorize(m["group_id"], use_na_sentinel=False)[0][rows]
        wcode = pd.factorize(m["who"], use_na_sentinel=False)[0][rows]
        return rows, _runs(gcode, wcode), ms_all[rows]

    key = ("by-person", ctx.start, ctx.end, ctx.tz, tuple(scope.group_ids))
    return (m, *memoized(ctx, key, (ctx.messages,), order))


def _starts(codes: np.ndarray, ms: np.ndarray, window_ms: int) -> np.ndarray:
    """For each row (sorted by code then time), the first row of its code sent at most ``window_ms`` before it.

    One searchsorted over code·stride + time: ``stride`` exceeds the time span plus
    the window, so a window never reaches into the previous code's rows.
    """
    if not len(ms):
        return np.zeros(0, np.int64)
    t = ms - ms.min()
    stride = int(t.max()) + window_ms + 1
    if int(codes.max()) * stride >= 2 ** 62:
        # Years of data over millions of people: seconds keep the key in range.
        t, window_ms, stride = t // 1000, window_ms // 1000, int(t.max()) // 1000 + window_ms // 1000 + 1
    key = codes * stride + t
    return np.searchsorted(key, key - window_ms, "left")


def _episodes(codes: np.ndarray, starts: np.ndarray, flagged: np.ndarray) -> pd.DataFrame:
    """Overlapping flagged windows [start, row] of one code merged into episodes: (first, last) rows."""
    rows = np.flatnonzero(flagged)
    if not len(rows):
        return pd.DataFrame({"first": [], "last": []}, dtype=np.int64)
    s, c = starts[rows], codes[rows]
    new = np.ones(len(rows), bool)
    new[1:] = (c[1:] != c[:-1]) | (s[1:] > rows[:-1])
    heads = np.flatnonzero(new)
    return pd.DataFrame({"first": np.minimum.reduceat(s, heads), "last": np.maximum.reduceat(rows, heads)})


def _findings(ctx: AuditContext, m: pd.DataFrame, pos: np.ndarray, ms: np.ndarray, ep: pd.DataFrame,
              what: str) -> pd.DataFrame:
    """One finding per episode: the ordered rows first…last (``m``'s rows ``pos``, times ``ms``), listed
    in the evidence."""
    n = (ep["last"] - ep["first"] + 1).to_numpy()
    rows = np.repeat(ep["first"].to_numpy(), n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    msgs = m.iloc[pos[rows]].reset_index(drop=True).assign(episode=np.repeat(np.arange(len(ep)), n))
    first = m.iloc[pos[ep["first"].to_numpy()]].reset_index(drop=True)
    secs = (ms[ep["last"].to_numpy()] - ms[ep["first"].to_numpy()] + 500) // 1000
    listed = listing(msgs, ["episode"]).to_numpy()
    head = pd.Series(n, dtype="str") + " messages in " + pd.Series(secs, dtype="str") + " s"
    first["evidence"] = head + ": " + listed
    first["message"] = (first["person_name"] + " " + what + " in " + first["group_name"].fillna("?") + " ("
                        + head + ")")
    return attach_responsible(first, ctx)


class Burst(Rule):
    """More than `max_messages` messages by one person in one group within `window_seconds`.

    ## What it checks
    Each person's chat messages in each group, in time order: a window of
    `window_seconds` holding more than `max_messages` of them is a burst.
    Overlapping windows make one episode and one finding, timed at its first
    message, with the count, the span and the first messages (masked) in the
    evidence. Stickers and files count like text: a burst is about the
    number of messages pushing others' work out of view.

    ## Clauses
    - 000-A: 禁止刷屏
    - 000-B §五.6: 避免连续发送大量无关或简短消息刷屏
    - 003 §四.1: 不得刷屏

    ## Example
    ```yaml
    FLD001:
      options: {max_messages: 10, window_seconds: 60}
    ```
    """
    code = "FLD001"
    name = "message-burst"
    category = "flooding"
    severity = "minor"
    clauses = ("000-A", "000-B §五.6", "003 §四.1")

    class Options(RuleOptions):
        max_messages: int = Field(10, ge=1, description="messages allowed within the window")
        window_seconds: int = Field(60, ge=1, description="the window's length")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for scope in ctx.scopes(self.code):
            o = scope.options
            m, order, codes, ms = _by_person(ctx, scope)
            starts = _starts(codes, ms, o.window_seconds * 1000)
            flagged = np.arange(len(m)) - starts + 1 > o.max_messages
            ep = _episodes(codes, starts, flagged)
            if len(ep):
                frames.append(ctx.findings(_findings(ctx, m, order, ms, ep, "flooded the group"), self, scope))
        return concat(frames, ctx.tz)


def near_same(text: pd.Series) -> pd.Series:
    """The text reduced to what near-same messages share: normalised (textscan.normalize) and
    stripped of everything but letters and digits (punctuation, spaces, emoji)."""
    distinct, indices = _reduced(arrow_text(text))
    return pd.Series(distinct.take(indices).to_numpy(zero_copy_only=False), index=text.index, dtype="str")


def _reduced(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """``near_same`` of an Arrow text array as (reduced distinct texts, each row's index into them).

    Chat repeats texts (收到, 好的, the same notice): normalising each distinct
    text once instead of every message is most of the rule's time.
    """
    enc = pc.dictionary_encode(arr)
    reduced = pc.replace_substring_regex(normalize_array(enc.dictionary), _NOT_WORD, "")
    return reduced, enc.indices.to_numpy(zero_copy_only=False)


class Repeated(Rule):
    """The same or nearly the same text posted `repeats` times by one person within `window_seconds`.

    ## What it checks
    Each person's text messages in each group, reduced to their letters and
    digits after normalisation (full-width, case, traditional characters,
    spacing tricks; punctuation and emoji dropped), so `收到！！`, `收到` and
    `收 到😀` are the same text. `repeats` of one text within
    `window_seconds` make an episode (overlapping windows merge), one
    finding each. Texts shorter than `min_chars` after reduction (`1`, `好`)
    are not compared.

    ## Clauses
    - 000-A: 禁止刷屏
    - 003 §四.1: 不得重复发送相同内容刷屏

    ## Example
    ```yaml
    FLD002:
      options: {repeats: 3, window_seconds: 600}
    ```
    """
    code = "FLD002"
    name = "repeated-text"
    category = "flooding"
    severity = "minor"
    clauses = ("000-A", "003 §四.1")

    class Options(RuleOptions):
        repeats: int = Field(3, ge=2, description="copies of one text that make a finding")
        window_seconds: int = Field(600, ge=1, description="the window the copies fall in")
        min_chars: int = Field(2, ge=1, description="shorter reduced texts are not compared")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for scope in ctx.scopes(self.code):
            o = scope.options
            m, order, codes, ms = _by_person(ctx, scope)
            # k: ordered rows of text messages, still in (group, person, time) order
            k = np.flatnonzero(m["kind"].isin(["text", "quote"]).to_numpy()[order])
            reduced, idx = _reduced(arrow_text(m["text"]).take(order[k]))
            keep = (pc.utf8_length(reduced).to_numpy(zero_copy_only=False) >= o.min_chars)[idx]
            k, idx = k[keep], idx[keep]
            same = pd.factorize(pd.Series(reduced.to_numpy(zero_copy_only=False), dtype="str"), sort=True)[0][idx]
            # then by (group, person, reduced text); the stable sort keeps time order within each
            perm = np.lexsort([same, codes[k]])
            k, same = k[perm], same[perm]
            runs, rms = _runs(codes[k], same), ms[k]
            starts = _starts(runs, rms, o.window_seconds * 1000)
            ep = _episodes(runs, starts, np.arange(len(k)) - starts + 1 >= o.repeats)
            if len(ep):
                frames.append(ctx.findings(_findings(ctx, m, order[k], rms, ep, "repeated the same text"), self,
                                           scope))
        return concat(frames, ctx.tz)


def sticker_like(kind: pd.Series, text: pd.Series) -> np.ndarray:
    """True for stickers and for texts made only of emoji, symbols and bracket emoticons."""
    kinds = arrow_text(kind.astype("str"))
    is_text = pc.equal(kinds, "text").to_numpy(zero_copy_only=False)
    # the emoji pattern runs once per distinct text: stickers and emoji replies repeat a lot
    enc = pc.dictionary_encode(arrow_text(text))
    emoji = pc.match_substring_regex(enc.dictionary, _EMOJI_ONLY).to_numpy(zero_copy_only=False)
    return pc.equal(kinds, "sticker").to_numpy(zero_copy_only=False) | (
        is_text & emoji[enc.indices.to_numpy(zero_copy_only=False)])


class StickerRun(Rule):
    """A run of `run_length` stickers or emoji-only messages by one person.

    ## What it checks
    Each person's messages in each group, in time order: consecutive
    stickers or emoji-only texts (a message of theirs with words ends the
    run, and so does a pause longer than `max_gap_seconds`); a run of
    `run_length` or more is one finding, timed at its first sticker, with
    the run in the evidence.

    ## Clauses
    - 000-B §五.6: 避免发送大量表情包刷屏
    - 003 §四.1: 不得刷屏（含表情）

    ## Example
    ```yaml
    FLD003:
      options: {run_length: 5, max_gap_seconds: 120}
    ```
    """
    code = "FLD003"
    name = "sticker-run"
    category = "flooding"
    severity = "minor"
    clauses = ("000-B §五.6", "003 §四.1")

    class Options(RuleOptions):
        run_length: int = Field(5, ge=2, description="stickers in a row that make a finding")
        max_gap_seconds: int = Field(120, ge=1, description="a longer pause between two stickers ends the run")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for scope in ctx.scopes(self.code):
            o = scope.options
            m, order, codes, ms = _by_person(ctx, scope)
            sticker = sticker_like(m["kind"], m["text"])[order]
            new = np.ones(len(m), bool)
            new[1:] = ((codes[1:] != codes[:-1]) | ~sticker[1:] | ~sticker[:-1]
                       | (np.diff(ms) > o.max_gap_seconds * 1000))
            run = np.cumsum(new)
            size = pd.Series(run).map(pd.Series(run[sticker]).value_counts()).fillna(0).to_numpy()
            keep = sticker & (size >= o.run_length)
            if not keep.any():
                continue
            rows = pd.DataFrame({"run": run[keep], "row": np.flatnonzero(keep)}).groupby("run")["row"]
            ep = pd.DataFrame({"first": rows.min().to_numpy(), "last": rows.max().to_numpy()})
            frames.append(ctx.findings(_findings(ctx, m, order, ms, ep, "posted a run of stickers"), self, scope))
        return concat(frames, ctx.tz)


#: the rules this module defines, in the order `grpaudit rules` lists them
RULES: tuple = (Burst(), Repeated(), StickerRun())
