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



# ---- files larger than the sample: format told from the first bytes, the rest read once ----

def _big_csv(n: int) -> str:
    rows = [f"技术群,g1,2026-10-08 09:{i // 60 % 60:02d}:{i % 60:02d},u{i % 7},员工{i % 7},文本,第{i}条消息"
            for i in range(n - 1)]
    rows.append("技术群,g1,2026-10-08 10:00:00,u1,员工1,文本,收到")
    return "群名称,群ID,发送时间,发送人ID,发送人,消息类型,消息内容\n" + "\n".join(rows) + "\n"


def test_a_large_utf8_csv_is_read_without_loading_it_whole_and_its_encoding_confirmed(tmp_path):
    from grpaudit.ingest import read_file
    from grpaudit.ingest.source import SAMPLE_BYTES
    p = tmp_path / "big.csv"
    p.write_bytes(codecs.BOM_UTF8 + _big_csv(12000).encode("utf-8"))
    assert p.stat().st_size > 2 * SAMPLE_BYTES
    src, reader, res = read_file(p)
    assert reader.name == "generic_chat" and len(res.messages) == 12000
    assert res.messages["source_line"].iloc[-1] == 12001
    assert "data" not in src.__dict__          # Arrow streamed it from disk
    assert src.encoding == "utf-8-sig"         # ...and checked it as it went


def test_a_csv_that_turns_gbk_after_the_sample_is_read_as_gb18030(tmp_path):
    # ASCII up to the last row, which is GBK only: the sample looks like UTF-8
    from grpaudit.ingest import read_file
    rows = [f"g1,2026-10-08 09:{i // 60 % 60:02d}:{i % 60:02d},u{i % 7},message {i}" for i in range(12000)]
    p = tmp_path / "mixed.csv"
    p.write_bytes(("group,time,sender,text\n" + "\n".join(rows) + "\ng1,2026-10-08 10:00:00,u1,").encode("ascii")
                  + "收到\n".encode("gb18030"))
    src, reader, res = read_file(p)
    assert src.likely_encoding == "utf-8" and src.encoding == "gb18030"
    assert res.messages["text"].iloc[-1] == "收到" and len(res.messages) == 12001


def test_a_file_blank_past_the_sample_is_empty_and_one_with_text_after_it_is_not(tmp_path):
    from grpaudit.ingest.source import SAMPLE_BYTES
    p = tmp_path / "blank.csv"
    p.write_bytes(b" \n" * SAMPLE_BYTES)
    with pytest.raises(InputError, match="empty"):
        detect(Source(p))
    assert not Source(tmp_path.joinpath("x.txt"), data=b" \n" * SAMPLE_BYTES + b"x").is_blank
