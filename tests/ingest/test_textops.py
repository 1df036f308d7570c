"""@mentions taken from whole text columns: where a name ends, who is everyone, rows without one."""
import re

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from grpaudit.ingest.textops import MENTION_ALL, blank, byte_counts, extract_mentions, trimmed


def _m(values, dtype="str"):
    mentions, everyone = extract_mentions(pd.Series(values, dtype=dtype))
    return mentions.tolist(), everyone.tolist()


def test_a_name_ends_at_u2005_a_space_or_a_punctuation_mark():
    assert _m(["@张伟\u2005请看一下", "@Tony 看看", "@李娜，收到", "@王芳：好的", "@赵六。", "@钱七！", "@孙八？",
               "@周九；", "@吴十\u3000明天", "@郑一\n第二行", "@冯二"]) == (
        [("张伟",), ("Tony",), ("李娜",), ("王芳",), ("赵六",), ("钱七",), ("孙八",), ("周九",), ("吴十",),
         ("郑一",), ("冯二",)], [False] * 11)


def test_everyone_in_each_spelling():
    got, everyone = _m(["@所有人 明天放假", "@全体成员\u2005通知", "@all 10点开会", "@所有人员 不是所有人"])
    assert got == [("所有人",), ("全体成员",), ("all",), ("所有人员",)]
    assert everyone == [True, True, True, False]


def test_several_mentions_keep_their_order():
    assert _m(["@李娜，@王芳：请确认", "@Tony 看看@Lucy", "@所有人 @张伟 尤其是你"]) == (
        [("李娜", "王芳"), ("Tony", "Lucy"), ("所有人", "张伟")], [False, False, True])


def test_no_mention_na_and_lone_at_signs_give_an_empty_tuple():
    mentions, everyone = extract_mentions(pd.Series(["收到", None, "", "@", "@ 空", "@@", "价格 @ 100"],
                                                    dtype="str"))
    assert mentions.tolist() == [()] * 7 and everyone.tolist() == [False] * 7
    assert mentions.dtype == object and everyone.dtype == bool
    assert len({id(t) for t in mentions}) == 1      # one shared empty tuple, not one per row


def test_mail_address_and_doubled_at():
    # what follows an @ up to a space is a name, as the readers always took it
    assert _m(["发到 a@b.com 谢谢", "@@张伟 看"]) == ([("b.com",), ("张伟",)], [False, False])


def test_index_is_kept_and_object_columns_work():
    s = pd.Series(["@张伟 好", np.nan, "无"], index=[10, 20, 30], dtype=object)
    mentions, everyone = extract_mentions(s)
    assert mentions.index.tolist() == [10, 20, 30] and everyone.index.tolist() == [10, 20, 30]
    assert mentions.tolist() == [("张伟",), (), ()]


def test_empty_column():
    mentions, everyone = extract_mentions(pd.Series([], dtype="str"))
    assert len(mentions) == 0 and everyone.dtype == bool


# The rule as one Python regex (Python's \s is Unicode-wide): the Arrow
# implementation must give exactly its findall on any text.
_REFERENCE = re.compile(r"@([^\s@\u2005\u3000,，:：;；。!！?？]+)")
_ALPHABET = st.sampled_from(list("@ab张伟 ,，:：;；。!！?？\n\t\r\x0b\x1c\x85\xa0\u2005\u2009\u202f\u3000.") +
                            ["所有人", "all", "全体成员"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | st.lists(_ALPHABET, max_size=12).map("".join), max_size=20))
def test_same_as_python_findall(texts):
    mentions, everyone = extract_mentions(pd.Series(texts, dtype="str"))
    want = [tuple(_REFERENCE.findall(t)) if t else () for t in texts]
    assert mentions.tolist() == want
    assert everyone.tolist() == [any(n in MENTION_ALL for n in names) for names in want]


def test_byte_counts_over_chunks_slices_nulls_and_both_offset_widths():
    values = ["a\nb", "", None, "张\n三\n", "\n", "无@"] * 3
    want = [1, 0, 0, 2, 1, 0] * 3
    for typ in (pa.string(), pa.large_string()):
        arr = pa.array(values, typ)
        assert byte_counts(arr, "\n").tolist() == want
        assert byte_counts(arr.slice(4, 9), "\n").tolist() == want[4:13]
        assert byte_counts(pa.chunked_array([arr.slice(0, 5), arr.slice(5, 0), arr.slice(5)]), "\n").tolist() == want
        assert byte_counts(arr, "@").tolist() == [0, 0, 0, 0, 0, 1] * 3
    assert byte_counts(pa.chunked_array([], pa.large_string()), "@").tolist() == []
    # a null's slot may still hold bytes: they are not counted
    full = pa.array(["x\n", "y\n"])
    masked = pa.Array.from_buffers(pa.string(), 2, [pa.array([False, True]).buffers()[1], *full.buffers()[1:]])
    assert byte_counts(masked, "\n").tolist() == [0, 1]


def test_blank_is_what_strips_to_nothing_for_every_code_point():
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    got = blank(pa.array(chars + ["", " \u3000\t\u2005", None, " a "]))
    assert got.tolist() == [c.strip() == "" for c in chars] + [True, True, True, False]


def _python_trimmed(values):
    return [None if v is None or not v.strip() else v.strip() for v in values]


def test_trimmed_is_python_strip_with_empty_as_null_for_every_code_point():
    # each white space character at either end, and every other character between two
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    values = [f"{c}名" for c in chars] + [f"名{c}" for c in chars] + [f"a{c}b" for c in chars]
    values += ["", " ", "\u3000\u2005", None, " 张 三 ", "\t\n"]
    for typ in (pa.string(), pa.large_string()):
        got = trimmed(pa.array(values, typ))
        assert got.type == typ
        assert got.to_pylist() == _python_trimmed(values)
    # one white space character alone in its column: nothing else would get the column trimmed
    for w in (c for c in chars if c.isspace()):
        for value in (f"{w}名", f"名{w}", f"a{w}", f"{w}{w}"):
            assert trimmed(pa.array(["名", value])).to_pylist() == _python_trimmed(["名", value]), repr(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | st.lists(_ALPHABET, max_size=6).map("".join), max_size=20),
       st.integers(0, 5), st.integers(0, 5))
def test_trimmed_over_slices_and_chunks(texts, start, cut):
    arr = pa.array(texts, pa.large_string()).slice(start)
    want = _python_trimmed(texts[start:])
    assert trimmed(arr).to_pylist() == want
    split = min(cut, len(arr))
    chunked = pa.chunked_array([arr.slice(0, split), arr.slice(split)], type=arr.type)
    assert trimmed(chunked).to_pylist() == want


def test_trimmed_copies_no_text_when_nothing_needs_trimming():
    arr = pa.array(["张三", "", "ZD10170", None, "李四"] * 100, pa.large_string())
    got = trimmed(arr)
    assert got.to_pylist() == ["张三", None, "ZD10170", None, "李四"] * 100
    assert got.buffers()[2].address == arr.buffers()[2].address        # the same characters
    # a value that does need trimming still is
    assert trimmed(pa.array(["张三", "李四 "])).to_pylist() == ["张三", "李四"]
    assert trimmed(pa.nulls(3, pa.string())).to_pylist() == [None] * 3
    assert trimmed(pa.chunked_array([], pa.string())).to_pylist() == []
