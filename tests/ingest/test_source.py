"""Encoding detection from bytes, sniffing from content, errors naming the file."""
import codecs

import pytest

from grpaudit.ingest import InputError, detect
from grpaudit.ingest.source import Source, detect_encoding

TEXT = "2026-10-08 09:00:00 销售部李娜\n报价单今天能发吗？\n"


@pytest.mark.parametrize("data, expected", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gb18030"), "gb18030"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
    (TEXT.encode("utf-16-le"), "utf-16-le"),       # no BOM: NUL pattern tells
])
def test_encodings_are_detected_and_decoded(tmp_path, data, expected):
    p = tmp_path / "f.txt"
    p.write_bytes(data)
    src = Source(p)
    assert src.encoding == expected
    assert src.text == TEXT
    assert src.utf8 == TEXT.encode("utf-8")


def test_gbk_sample_is_not_utf8(samples):
    assert detect_encoding((samples / "wechat_memotrace_gbk.csv").read_bytes())[0] == "gb18030"


def test_undecodable_bytes_are_an_error_naming_the_file(tmp_path):
    p = tmp_path / "junk.bin"
    p.write_bytes(bytes(range(0x80, 0x100)) * 4 + b"\xff\xff\xff")
    src = Source(p)
    with pytest.raises(InputError) as e:
        detect(src)
    assert "junk.bin" in str(e.value)


def test_empty_file_is_an_error(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        detect(Source(p))


def test_bytes_valid_as_both_utf8_and_gbk_read_as_utf8(tmp_path):
    # 图片 in GBK is CD BC C6 AC, which is also valid UTF-8 ("ͼƬ"): such a file is
    # ambiguous by nature; the rule is "valid UTF-8 is UTF-8", the same every time.
    p = tmp_path / "chat.txt"
    p.write_bytes("[图片]".encode("gb18030"))
    assert Source(p).encoding == "utf-8"

