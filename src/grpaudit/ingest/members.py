"""Reader: members (to be written)."""
from __future__ import annotations

from .reader import MEMBERS, Reader
from .source import ReadResult, Source


def sniff(src: Source) -> bool:
    return False


def read(src: Source) -> ReadResult:
    raise NotImplementedError


READER = Reader("members", MEMBERS, "members", sniff, read)
