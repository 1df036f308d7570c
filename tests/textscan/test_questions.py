import dataclasses
import json

import pandas as pd
import pytest

from grpaudit.textscan.questions import DEFAULT_CUES, classify


def flags(text: str, **kw) -> tuple[bool, bool, bool]:
    out = classify(pd.Series([text], dtype="str"), **kw)
    return tuple(bool(v) for v in out.iloc[0])


Q, R, A, NONE = (True, False, False), (False, True, False), (False, False, True), (False, False, False)


@pytest.mark.parametrize("text,expected", [
    ("请问10号调休那天门禁是否正常开放？", Q),
    ("收到", A),
    ("好的，谢谢", A),
    ("[表情]", A),
    ("麻烦今天下班前确认一下", R),
    ("@张伟 你安排一下测试，今天下班前给结论？", (True, True, False)),
    ("明天几点开会", Q),
    ("方案定了吗", Q),
    ("这个能否本周完成?", Q),                # half-width question mark
    ("吗啡类药品不能报销", NONE),            # 吗 not closing a clause
    ("请大家周五前提交周报", R),             # 请 … 提交
    ("收到请回复", R),
    ("@李娜 看看这个", R),                  # an @mention of a person
    ("@所有人 国庆放假安排见公告", NONE),     # a notice
    ("发到zhang@zedong.com就行", NONE),      # an e-mail address, not a mention
    ("好的呢", A),
    ("OK👍", A),
    ("👍👍", A),
    ("[强][抱拳]", A),
    ("@张伟 收到！", A),
    ("好的？", Q),                          # 'ok?' asks back
    ("[图片]", NONE),
    ("。。。", NONE),
    ("", NONE),
])
def test_flags(text, expected):
    assert flags(text) == expected


def test_missing_text_and_index():
    out = classify(pd.Series([None, "吗？"], index=["a", "b"], dtype="str"))
    assert out.index.tolist() == ["a", "b"]
    assert out.values.tolist() == [[False, False, False], [True, False, False]]


def test_kind_sticker_is_ack_and_only_text_can_ask():
    text = pd.Series(["[动画表情]", "如何提高仓储效率？", "如何提高仓储效率？", "谁负责？"], dtype="str")
    kind = pd.Series(["sticker", "link", "text", "quote"], dtype="category")
    out = classify(text, kind=kind)
    assert out.values.tolist() == [[False, False, True], [False, False, False], [True, False, False],
                                   [True, False, False]]


def test_policy_extends_and_replaces_cue_lists():
    assert flags("收悉") == NONE
    assert flags("收悉", cues=DEFAULT_CUES.extend(ack_words=("收悉",))) == A
    no_particles = dataclasses.replace(DEFAULT_CUES, question_particles=())
    assert flags("方案定了吗", cues=no_particles) == NONE
    assert flags("方案定了吗？", cues=no_particles) == Q
    with pytest.raises(ValueError, match="unknown cue lists: thanks"):
        DEFAULT_CUES.extend(thanks=("谢",))


def test_cue_words_are_literal():
    cues = DEFAULT_CUES.extend(request_words=("a.b (c)",))
    assert flags("see a.b (c) now", cues=cues) == R
    assert flags("see axb c now", cues=cues) == NONE


def test_samples_wecom(samples):
    lines = {}
    for number, line in enumerate((samples / "wecom_archive.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        record = json.loads(line)
        if record.get("msgtype") == "text":
            lines[number] = record["text"]["content"]
    out = classify(pd.Series(lines, dtype="str"))
    # 周建国's @-question of 10-08, 钱芳's 能否 question, the external contact's 请问, 周建国's 10-22 question
    assert out.loc[[1, 7, 20, 41], "is_question"].all()
    assert out.loc[[46, 48], "is_ack"].all()                         # 好的 / 辛苦！
    assert not out.loc[[2, 3, 22, 42], ["is_question", "is_ack"]].any(axis=None)  # answers that carry content
    assert out.loc[[14, 16, 45], "is_request"].all()                 # 先发我看一眼 / 请查收 / 跟进一下
