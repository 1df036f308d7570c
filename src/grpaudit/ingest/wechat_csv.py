"""Reader: wechat_csv (to be written)."""
from __future__ import annotations

from .reader import CHAT, Reader
from .source import ReadResult, Source


def sniff(src: Source) -> bool:
    return False


def read(src: Source) -> ReadResult:
    raise NotImplementedError


READER = Reader("wechat_csv", CHAT, "wechat_csv", sniff, read)
