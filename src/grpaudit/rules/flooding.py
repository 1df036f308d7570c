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
import pyarrow.compute as pc
from pydantic import Field

from ..findings import concat
from ..policy.schema import RuleOptions
from ..textscan.normalize import normalize_array
from ..textscan.regexsafe import arrow_text
from .base import AuditContext, Rule
from .common import attach_responsible
from .messages import listing, period_messages

# A text of nothing but emoji, symbols, spaces and WeChat/QQ bracket emoticons ([微笑], [OK]).
_EMOJI_ONLY = r"^(?:[\p{So}\p{Sk}\p{Me}\p{Mn}\p{Cf}\s]|\[[^\[\]\s]{1,4}\])+$"
# What near-same texts may differ in: everything but letters and digits (after textscan.normalize).
_NOT_WORD = r"[^\p{L}\p{N}]+"


def _sorted(m: pd.DataFrame, by: list[str]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """``m`` sorted by ``by`` then time, with each row's integer key code and time in ms."""
    m = m.sort_values([*by, "time"], kind="stable").reset_index(drop=True)
    codes = m.groupby(by, sort=False, dropna=False).ngroup().to_numpy(np.int64)
    ms = m["time"].to_numpy("datetime64[ms]").astype(np.int64)
    return m, codes, ms


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


def _findings(ctx: AuditContext, m: pd.DataFrame, ms: np.ndarray, ep: pd.DataFrame, what: str) -> pd.DataFrame:
    """One finding per episode: the rows first…last of ``m`` (times ``ms``), listed in the evidence."""
    n = (ep["last"] - ep["first"] + 1).to_numpy()
    rows = np.repeat(ep["first"].to_numpy(), n) + (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n))
    msgs = m.iloc[rows].assign(episode=np.repeat(np.arange(len(ep)), n))
    first = m.iloc[ep["first"].to_numpy()].reset_index(drop=True)
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
            m, codes, ms = _sorted(period_messages(ctx, scope), ["group_id", "who"])
            starts = _starts(codes, ms, o.window_seconds * 1000)
            flagged = np.arange(len(m)) - starts + 1 > o.max_messages
            ep = _episodes(codes, starts, flagged)
            if len(ep):
                frames.append(ctx.findings(_findings(ctx, m, ms, ep, "flooded the group"), self, scope))
        return concat(frames, ctx.tz)


def near_same(text: pd.Series) -> pd.Series:
    """The text reduced to what near-same messages share: normalised (textscan.normalize) and
    stripped of everything but letters and digits (punctuation, spaces, emoji)."""
    arr = pc.replace_substring_regex(normalize_array(text), _NOT_WORD, "")
    return pd.Series(arr.to_numpy(zero_copy_only=False), index=text.index, dtype="str")


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
            m = period_messages(ctx, scope)
            m = m[m["kind"].isin(["text", "quote"]).to_numpy()]
            m = m.assign(same=near_same(m["text"]))
            m = m[(m["same"].str.len() >= o.min_chars).fillna(False).to_numpy()]
            m, codes, ms = _sorted(m, ["group_id", "who", "same"])
            starts = _starts(codes, ms, o.window_seconds * 1000)
            ep = _episodes(codes, starts, np.arange(len(m)) - starts + 1 >= o.repeats)
            if len(ep):
                frames.append(ctx.findings(_findings(ctx, m, ms, ep, "repeated the same text"), self, scope))
        return concat(frames, ctx.tz)


def sticker_like(m: pd.DataFrame) -> pd.Series:
    """True for stickers and for texts made only of emoji, symbols and bracket emoticons."""
    text = m["kind"].eq("text").to_numpy() & pc.fill_null(
        pc.match_substring_regex(arrow_text(m["text"]), _EMOJI_ONLY), False).to_numpy(zero_copy_only=False)
    return pd.Series(m["kind"].eq("sticker").to_numpy() | text, index=m.index)


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
            m, codes, ms = _sorted(period_messages(ctx, scope), ["group_id", "who"])
            sticker = sticker_like(m).to_numpy()
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
            frames.append(ctx.findings(_findings(ctx, m, ms, ep, "posted a run of stickers"), self, scope))
        return concat(frames, ctx.tz)


#: the rules this module defines, in the order `grpaudit rules` lists them
RULES: tuple = (Burst(), Repeated(), StickerRun())
