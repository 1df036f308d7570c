"""WeChat system sentences (formats.md §3) → event columns."""
import pandas as pd
import pytest

from grpaudit.ingest.wechat_system import COLUMNS, parse_system_lines

NA = None


def one(sentence, me=None):
    """The (event, actor, target, detail) rows parsed from one sentence, NA as None."""
    df = parse_system_lines(pd.Series([sentence]), me=me)
    return [tuple(None if pd.isna(v) else v for v in row) for row in df[COLUMNS].itertuples(index=False)]


def curly(s):
    """The same sentence with curly quotes, as some clients write them."""
    out, opening = [], True
    for ch in s:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


CASES = [
    ('"张三"邀请"李四"加入了群聊', [("join", "张三", "李四", "invite")]),
    ('"张三"邀请"李四"、"王五"加入了群聊', [("join", "张三", "李四", "invite"), ("join", "张三", "王五", "invite")]),
    ('"李四"通过扫描"张三"分享的二维码加入群聊', [("join", "张三", "李四", "qr")]),
    ('"张三"将"李四"移出了群聊', [("removed", "张三", "李四", NA)]),
    ('"李四"退出了群聊', [("leave", NA, "李四", NA)]),
    ('"张三"修改群名为"新群名"', [("rename", "张三", NA, "新群名")]),
    ('"张三"已成为新群主', [("owner_change", NA, "张三", NA)]),
    ('"张三" 撤回了一条消息', [("recall", "张三", NA, NA)]),
    ('"张三" 拍了拍 "李四"', [("pat", "张三", "李四", NA)]),
]


@pytest.mark.parametrize("quotes", [str, curly], ids=["straight", "curly"])
@pytest.mark.parametrize("sentence,rows", CASES, ids=[c[0] for c in CASES])
def test_every_sentence_of_formats_section_3(sentence, rows, quotes):
    assert one(quotes(sentence)) == rows


@pytest.mark.parametrize("sentence,rows", [
    ('你邀请"李四"加入了群聊', [("join", "王磊", "李四", "invite")]),
    ('你将"李四"移出了群聊', [("removed", "王磊", "李四", NA)]),
    ('你修改群名为"新群名"', [("rename", "王磊", NA, "新群名")]),
    ("你已成为新群主", [("owner_change", NA, "王磊", NA)]),
    ("你撤回了一条消息", [("recall", "王磊", NA, NA)]),
    ('"李四"通过扫描你分享的二维码加入群聊', [("join", "王磊", "李四", "qr")]),
    ('"张三"邀请你和"李四"加入了群聊，群聊参与人还有：小桔、桔小秘',
     [("join", "张三", "王磊", "invite"), ("join", "张三", "李四", "invite")]),
    ('你被"张三"移出群聊', [("removed", "张三", "王磊", NA)]),
    ('"张三" 拍了拍我', [("pat", "张三", "王磊", NA)]),
])
def test_you_is_the_exporting_account(sentence, rows):
    assert one(sentence, me="王磊") == rows


def test_you_stays_you_when_the_account_is_unknown():
    assert one("你撤回了一条消息") == [("recall", "你", NA, NA)]


def test_a_quoted_you_is_someone_nicknamed_you():
    assert one('"你"撤回了一条消息', me="王磊") == [("recall", "你", NA, NA)]


def test_unexpanded_templates_keep_the_event_but_name_nobody():
    assert one('"$username$"邀请"$names$"加入了群聊') == [("join", NA, NA, "invite")]
    assert one('"${wxid_a1}" 拍了拍 "${wxid_b2}"') == [("pat", NA, NA, NA)]


@pytest.mark.parametrize("sentence,rows", [
    ("钱芳邀请孙丽加入了群聊", [("join", "钱芳", "孙丽", "invite")]),
    ("钱芳邀请孙丽、罗琳加入了群聊", [("join", "钱芳", "孙丽", "invite"), ("join", "钱芳", "罗琳", "invite")]),
    ("罗琳撤回了一条消息", [("recall", "罗琳", NA, NA)]),
    ("XX退出了群聊", [("leave", NA, "XX", NA)]),
    ("XX将YY移出了群聊", [("removed", "XX", "YY", NA)]),
])
def test_dingtalk_sentences_without_quotes(sentence, rows):
    assert one(sentence) == rows


def test_other_join_methods():
    assert one('"李四"通过"张三"的邀请二维码加入群聊') == [("join", "张三", "李四", "qr")]
    assert one('"李四"通过扫描二维码加入群聊') == [("join", NA, "李四", "qr")]
    assert one('"李四"加入了群聊') == [("join", NA, "李四", NA)]


def test_quote_pairs_split_names_that_contain_the_list_separator():
    assert one('"张三"邀请"研发、测试"、"王五"加入了群聊') == [
        ("join", "张三", "研发、测试", "invite"), ("join", "张三", "王五", "invite")]


def test_markup_left_by_the_exporter_is_ignored():
    s = '"张三"邀请"李四"加入了群聊  <_wc_custom_link_ href="weixin://revoke">撤销</_wc_custom_link_>'
    assert one(s) == [("join", "张三", "李四", "invite")]
    # …but a name that only looks like brackets is a name (hypothesis found "<>")
    assert one('"<>"邀请"<李四>"加入了群聊') == [("join", "<>", "<李四>", "invite")]


def test_unknown_sentences_are_kept_whole_as_other():
    assert one("群公告已更新：本周五团建") == [("other", NA, NA, "群公告已更新：本周五团建")]
    # a recall sentence with a different verb is not mistaken for a recall
    assert one('"张三"撤回了一条成员消息')[0][0] == "other"


def test_index_is_kept_and_repeated_for_several_targets():
    s = pd.Series(['"甲"退出了群聊', '"乙"邀请"丙"、"丁"加入了群聊', "未知句子"], index=[10, 20, 30])
    out = parse_system_lines(s)
    assert list(out.columns) == COLUMNS
    assert out.index.tolist() == [10, 20, 20, 30]
    assert out["event"].tolist() == ["leave", "join", "join", "other"]
    assert out["target_name"].tolist()[:3] == ["甲", "丙", "丁"]
    assert all(str(out[c].dtype) == "str" for c in COLUMNS)


def test_empty_column():
    out = parse_system_lines(pd.Series([], dtype="str"))
    assert out.empty and list(out.columns) == COLUMNS


def test_long_pathological_sentence_is_fast():
    # RE2 patterns are linear: a huge line of quotes and verbs must not hang.
    import time
    s = pd.Series(['"' * 20000 + "邀请" * 20000 + "加入了群聊x" * 2000])
    t0 = time.perf_counter()
    parse_system_lines(s)
    assert time.perf_counter() - t0 < 2
