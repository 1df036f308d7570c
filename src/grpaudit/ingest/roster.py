"""Reader: roster (to be written)."""
from __future__ import annotations

from .reader import ROSTER, Reader
from .source import ReadResult, Source


def sniff(src: Source) -> bool:
    return False


def read(src: Source) -> ReadResult:
    raise NotImplementedError


READER = Reader("roster", ROSTER, "roster", sniff, read)
