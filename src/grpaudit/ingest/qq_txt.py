"""Reader: qq_txt (to be written)."""
from __future__ import annotations

from .reader import CHAT, Reader
from .source import ReadResult, Source


def sniff(src: Source) -> bool:
    return False


def read(src: Source) -> ReadResult:
    raise NotImplementedError


READER = Reader("qq_txt", CHAT, "qq_txt", sniff, read)
