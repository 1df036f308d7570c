"""Reader: generic_chat (to be written)."""
from __future__ import annotations

from .reader import CHAT, Reader
from .source import ReadResult, Source


def sniff(src: Source) -> bool:
    return False


def read(src: Source) -> ReadResult:
    raise NotImplementedError


READER = Reader("generic_chat", CHAT, "generic_chat", sniff, read)
