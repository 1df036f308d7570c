"""The contract every reader meets."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .source import ReadResult, Source

#: What a file holds, which decides where it may be passed on the command line.
CHAT, MEMBERS, ROSTER, GROUPS = "chat", "members", "roster", "groups"


@dataclass(frozen=True)
class Reader:
    """A format: a name users can pass to ``--format``, a content sniffer and a reader.

    ``sniff`` looks only at the start of the content (``Source.head`` or
    ``Source.header``) and answers whether the file is in this format.
    ``read`` turns the whole file into normalised tables (see ``model``),
    conformed with ``model.conform``, and lists every record it skipped.
    """
    name: str
    holds: str
    description: str
    sniff: Callable[[Source], bool]
    read: Callable[[Source], ReadResult]
    #: For formats whose records are one line each (WeCom JSON Lines): whether this file is laid out
    #: so, and the reader of any run of its whole lines, which reads them as the whole file would
    #: (``read_pieces``: a file larger than memory is read a range of lines at a time).
    by_lines: Callable[[Source], bool] | None = None
    read_lines: Callable[[Source], ReadResult] | None = None
