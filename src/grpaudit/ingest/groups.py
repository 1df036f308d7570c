"""Reader: groups (to be written)."""
from __future__ import annotations

from .reader import GROUPS, Reader
from .source import ReadResult, Source


def sniff(src: Source) -> bool:
    return False


def read(src: Source) -> ReadResult:
    raise NotImplementedError


READER = Reader("groups", GROUPS, "groups", sniff, read)
