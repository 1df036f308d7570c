"""Arrow-backed column helpers of the chat readers."""
import numpy as np
import pandas as pd
import pyarrow as pa

from grpaudit import model
from grpaudit.ingest.columns import KIND_CODE, constant, flags, kind_column, mentions_of, platform_column, scatter


def test_mentions_only_in_text_and_quote_messages():
    text = pa.chunked_array([pa.array(["@张伟 看下", "[文件] 报价@2026.pdf"]), pa.array(["好的 @所有人", "@李娜 收到"])])
    kind = np.array([KIND_CODE["text"], KIND_CODE["file"], KIND_CODE["quote"], KIND_CODE["link"]], dtype=np.int8)
    mentions, everyone = mentions_of(text, kind)
    assert mentions.tolist() == [("张伟",), (), ("所有人",), ()]
    assert everyone.tolist() == [False, False, True, False]


def test_scatter_puts_values_on_the_masked_rows():
    got = scatter(pa.array(["a", "b"]), np.array([False, True, False, True]))
    assert got.to_pylist() == [None, "a", None, "b"]


def test_constant_and_category_columns():
    assert constant("x.csv", 3).tolist() == ["x.csv"] * 3 and constant("x.csv", 3).dtype == "str"
    assert constant(None, 2).isna().all() and constant(None, 2).dtype == "str"
    platform = platform_column("qq", 2)
    assert list(platform) == ["qq", "qq"] and platform.dtype == model.CATEGORIES["platform"]
    assert list(kind_column(np.array([KIND_CODE["image"], KIND_CODE["text"]], dtype=np.int8))) == ["image", "text"]
    assert flags(pa.array([True, None, False])).tolist() == [True, False, False]
    assert isinstance(constant("a", 0), pd.Series) and len(constant("a", 0)) == 0
