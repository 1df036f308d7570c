"""Writer for the WeChat exporter TXT (formats.md §2), for benchmarks and round-trip tests.

    python bench/gen_wechat_txt.py 300000 > out.txt

Records are those of gen_wechat_csv (see there); a record of kind ``system``
is written with the display name ``系统消息``. Media and file/link records
carry their placeholder (``[图片]``, ``[文件] name``) in ``text``.
"""
from __future__ import annotations

import sys

from gen_wechat_csv import SHANGHAI, records

SYSTEM_SENDER = "系统消息"


def render(records: list[dict]) -> bytes:
    """The records as an exporter TXT: header line, body, blank line; UTF-8, LF."""
    parts = []
    for rec in records:
        name = SYSTEM_SENDER if rec["kind"] == "system" else rec["sender_name"]
        body = rec["text"] + (f"\n[引用] {rec['quote_ref']}" if rec["kind"] == "quote" else "")
        parts.append(f"{rec['time'].astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S} {name}\n{body}\n\n")
    return "".join(parts).encode("utf-8")


def generate(n: int, seed: int = 0) -> bytes:
    """A realistic exporter TXT of n records."""
    return render(records(n, seed, sticker="[表情包]"))


if __name__ == "__main__":
    sys.stdout.buffer.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
