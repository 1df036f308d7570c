"""Does a message ask something, ask for something, or only acknowledge?

Reply rules start a timer on questions and requests and stop it on an
answer; an acknowledgement is neither. ``classify`` flags a text column
with three booleans:

* ``is_question``: a question mark (full- or half-width), an interrogative
  word or phrase (是否, 能否, 怎么, 如何, 什么时候, 请问, 谁…), or a question
  particle (吗, 呢, 么) closing a clause;
* ``is_request``: a request or assignment (麻烦…, 请…确认, 收到请回复,
  安排一下, 下班前…), or an @mention of a person (``@所有人`` and the other
  everyone-mentions are notices, not requests);
* ``is_ack``: the message is only closers and acknowledgements (好的, 收到,
  谢谢, OK…), emoji, WeChat emoji codes or a sticker placeholder like
  ``[表情]``, with punctuation, particles and @mentions around them. An
  acknowledgement is never a question or a request: ``好的呢`` is an ack.

The word lists are ``Cues``; a policy extends them (``DEFAULT_CUES.extend(
ack_words=("收悉",))``) or replaces one (``dataclasses.replace(DEFAULT_CUES,
request_verbs=(...))``). Each flag is one RE2 pass over the column in Arrow.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache

import pandas as pd
import pyarrow.compute as pc

from ..ingest.textops import MENTION_ALL
from .regexsafe import arrow_text


@dataclass(frozen=True)
class Cues:
    """The words each flag looks for."""
    question_marks: tuple[str, ...] = ("?", "？")
    question_words: tuple[str, ...] = (
        "是否", "能否", "可否", "有没有", "是不是", "能不能", "可不可以", "要不要", "会不会", "行不行",
        "对不对", "好不好", "怎么", "怎样", "如何", "为什么", "为何", "什么时候", "什么时间", "何时", "几点",
        "几号", "多少", "多久", "哪里", "哪儿", "哪个", "哪些", "哪位", "哪天", "谁", "请问", "请教",
        "想问", "问一下", "有人知道", "啥", "咋")
    #: question particles, counted only where a clause ends (好吗 / 好吗，… but not 吗啡)
    question_particles: tuple[str, ...] = ("吗", "呢", "么")
    request_words: tuple[str, ...] = (
        "麻烦", "烦请", "劳驾", "帮忙", "帮我", "协助", "务必", "尽快", "抓紧", "及时", "收到请回复",
        "收到回复", "下班前", "今天之内", "确认一下", "确认下", "安排一下", "安排下", "处理一下", "看一下",
        "看下", "跟进一下", "跟进下", "回复一下", "反馈一下", "核对一下", "提交一下", "整理一下", "准备一下",
        "检查一下", "补充一下", "更新一下", "发一下", "发我", "发给我", "统计一下", "落实")
    #: verbs that make 请 … a request when they follow it closely (请周五前提交)
    request_verbs: tuple[str, ...] = (
        "确认", "回复", "处理", "查收", "查阅", "审批", "审核", "反馈", "提交", "安排", "跟进", "核对",
        "填写", "签字", "参加", "准时", "注意", "知悉", "配合", "准备", "转达", "转告", "通知", "完成",
        "提供", "发送", "上传", "更新", "补充", "评估")
    ack_words: tuple[str, ...] = (
        "好的", "好", "好滴", "好嘞", "好哒", "嗯", "哦", "噢", "喔", "ok", "okay", "收到", "已收到",
        "谢谢", "感谢", "多谢", "谢了", "辛苦了", "辛苦", "明白", "了解", "知道了", "清楚", "没问题",
        "可以", "行", "对", "是的", "没错", "马上", "马上处理", "稍等", "1")
    #: particles that may close an acknowledgement (好的呢, 收到啦)
    ack_particles: tuple[str, ...] = ("啊", "呀", "哈", "哦", "啦", "嘞", "咯", "哒", "呢", "了", "的")
    #: placeholders of media messages: bracketed like a sticker, but not an acknowledgement
    media_placeholders: tuple[str, ...] = (
        "[图片]", "[语音]", "[视频]", "[文件]", "[位置]", "[链接]", "[名片]", "[红包]", "[转账]",
        "[聊天记录]", "[小程序]")

    def extend(self, **more: tuple[str, ...]) -> Cues:
        """These cues with words added to the named lists."""
        unknown = set(more) - {f.name for f in fields(self)}
        if unknown:
            raise ValueError(f"unknown cue lists: {', '.join(sorted(unknown))}")
        return replace(self, **{k: getattr(self, k) + tuple(v) for k, v in more.items()})


DEFAULT_CUES = Cues()

# Clause ends after a particle; '$' is the end of the text.
_CLAUSE_END = r"(?:[\s~～…。.!！?？,，;；]|$)"
_EMOJI = r"\x{1F000}-\x{1FAFF}\x{2600}-\x{27BF}\x{2B00}-\x{2BFF}\x{FE0F}\x{200D}\x{2005}"
# What may surround acknowledgements: spaces, emoji, punctuation but '?'.
_AROUND_ACK = rf"[\s{_EMOJI}~～…。.!！,，、;；:：]"
_BRACKET = r"\[[^\[\]\s]{1,8}\]"
_MENTION = r"@[^\s@\x{2005}]+"
# An @ that starts a mention, not one inside an e-mail address.
_MENTION_AT = r"(?:^|[^A-Za-z0-9._%+-])@"


def _escape(word: str) -> str:
    # Only the metacharacters: RE2 refuses some of the escapes re.escape writes (a space).
    return "".join("\\" + c if c in "\\.^$|?*+()[]{}" else c for c in word)


def _any(words: tuple[str, ...]) -> str:
    """An alternation of the words, longest first; matches nothing when there are none."""
    words = tuple(w for w in words if w)
    if not words:
        return r"[^\x00-\x{10FFFF}]"
    return "(?:" + "|".join(_escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


@dataclass(frozen=True)
class _Patterns:
    question: str
    request: str
    ack_only: str
    ack_substance: str
    media: str
    mention: str
    everyone: str


@lru_cache(maxsize=8)
def _patterns(cues: Cues) -> _Patterns:
    ack = _any(cues.ack_words + cues.ack_particles)
    return _Patterns(
        question=f"{_any(cues.question_marks + cues.question_words)}"
                 f"|{_any(cues.question_particles)}{_CLAUSE_END}",
        request=f"{_any(cues.request_words)}|请[^。！!？?\\n]{{0,8}}{_any(cues.request_verbs)}",
        ack_only=f"(?i)^(?:{ack}|{_AROUND_ACK}|{_BRACKET}|{_MENTION})+$",
        ack_substance=f"(?i){_any(cues.ack_words)}|[{_EMOJI}]|{_BRACKET}",
        media=f"^{_any(cues.media_placeholders)}",
        mention=_MENTION_AT,
        everyone=f"{_MENTION_AT}{_any(MENTION_ALL)}",
    )


def classify(text: pd.Series, kind: pd.Series | None = None, cues: Cues = DEFAULT_CUES) -> pd.DataFrame:
    """``is_question``, ``is_request``, ``is_ack`` for each message, same index.

    With ``kind`` (the messages table's column, row for row with ``text``),
    a sticker is an ack and only text and quote messages can be questions or
    requests (a shared article titled 如何… asks nobody anything).
    """
    p = _patterns(cues)
    # Each distinct text is classified once: chat repeats texts (收到, 好的, the same question).
    enc = pc.dictionary_encode(arrow_text(text))
    arr, rows = enc.dictionary, enc.indices.to_numpy(zero_copy_only=False)

    def flag(pattern: str):
        return pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False)

    mentions = pc.count_substring_regex(arr, p.mention).to_numpy(zero_copy_only=False)
    everyone = pc.count_substring_regex(arr, p.everyone).to_numpy(zero_copy_only=False)
    ack = flag(p.ack_only) & flag(p.ack_substance) & ~flag(p.media)
    question = (flag(p.question) & ~ack)[rows]
    request = ((flag(p.request) | (mentions > everyone)) & ~ack)[rows]
    ack = ack[rows]
    if kind is not None:
        kinds = kind.astype(str).to_numpy()
        conversational = (kinds == "text") | (kinds == "quote")
        ack = ack | (kinds == "sticker")
        question, request = question & conversational & ~ack, request & conversational & ~ack
    return pd.DataFrame({"is_question": question, "is_request": request, "is_ack": ack}, index=text.index)
