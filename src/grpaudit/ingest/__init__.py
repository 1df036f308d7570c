"""Readers for chat exports, member lists, rosters and registries.

``READERS`` is the one registry: sniffing tries them in this order, so a
more specific layout comes before a more general one (the generic chat CSV
accepts any table with a time and a text column, so it is last).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from . import (generic_chat, groups, members, qq_txt, roster, wechat_csv, wechat_txt,
               wecom_archive, wecom_rooms)
from .reader import CHAT, GROUPS, MEMBERS, ROSTER, Reader
from .source import InputError, ReadResult, Skip, Source

READERS: dict[str, Reader] = {r.name: r for r in (
    wechat_csv.READER,
    wecom_archive.READER,
    wecom_rooms.READER,
    qq_txt.READER,
    wechat_txt.READER,
    roster.READER,
    groups.READER,
    members.READER,
    generic_chat.READER,
)}

__all__ = ["READERS", "Reader", "ReadResult", "Skip", "Source", "InputError", "detect", "read_file", "read_pieces",
           "CHAT", "MEMBERS", "ROSTER", "GROUPS"]


def detect(src: Source) -> Reader:
    """The reader whose sniffer accepts the content, or an InputError saying none did."""
    # the sample decides: a file whose later part does not decode fails in its reader, naming it
    if src.likely_encoding == "unknown":
        raise InputError(src.name, "cannot decode: not UTF-8, UTF-16 or GB18030 text, nor a spreadsheet")
    if src.is_blank:
        raise InputError(src.name, "file is empty")
    for reader in READERS.values():
        if reader.sniff(src):
            return reader
    first = src.head(200).splitlines()[0][:80] if src.head(200) else "(binary)"
    raise InputError(src.name, f"unknown format: the content matches none of {', '.join(READERS)} "
                               f"(first line: {first!r}); pass --format to choose one", line=1)


def read_file(path: str | Path, fmt: str | None = None, *, tz: str = "Asia/Shanghai",
              me: str | None = None, mapping: dict[str, str] | None = None) -> tuple[Source, Reader, ReadResult]:
    """Read one file with the named format, or the sniffed one."""
    return next(read_pieces(path, fmt, tz=tz, me=me, mapping=mapping))


def _reader(src: Source, fmt: str | None) -> Reader:
    if not fmt:
        return detect(src)
    if fmt not in READERS:
        raise InputError(src.name, f"unknown --format {fmt!r}; known formats: {', '.join(READERS)}")
    return READERS[fmt]


def read_pieces(path: str | Path, fmt: str | None = None, *, tz: str = "Asia/Shanghai", me: str | None = None,
                mapping: dict[str, str] | None = None, piece_bytes: int | None = None
                ) -> Iterator[tuple[Source, Reader, ReadResult]]:
    """``read_file`` as one piece; or, for a file of one-line records (``Reader.by_lines``) larger than
    ``piece_bytes``, one piece per run of whole lines of about that many bytes, read in turn, its
    line numbers the whole file's. A file larger than memory is then never in memory at once."""
    src = Source(path, tz=tz, me=me, mapping=mapping)
    reader = _reader(src, fmt)
    # a line end is byte 0x0A in these encodings, and in no other character (unlike UTF-16)
    whole = (piece_bytes is None or src.size <= piece_bytes or reader.by_lines is None
             or src.likely_encoding not in ("utf-8", "utf-8-sig", "gb18030") or not reader.by_lines(src))
    if whole:
        yield src, reader, reader.read(src)
        return
    for data, first in _line_runs(src.path, piece_bytes):
        piece = Source(path, data=data, tz=tz, me=me, mapping=mapping)
        yield piece, reader, _shifted(reader.read_lines(piece), first - 1)


def _line_runs(path: Path, size: int) -> Iterator[tuple[bytes, int]]:
    """(bytes, number of their first line) of consecutive runs of about ``size`` bytes of whole lines."""
    with open(path, "rb") as f:
        line = 1
        while data := f.read(size):
            if not data.endswith(b"\n"):
                data += f.readline()        # to the end of the line the run stopped in
            yield data, line
            line += data.count(b"\n")


def _shifted(res: ReadResult, lines: int) -> ReadResult:
    """``res`` with every line number ``lines`` further on."""
    if not lines:
        return res
    for table in ("messages", "events", "members", "groups", "roster"):
        df = getattr(res, table)
        if df is not None and len(df):
            setattr(res, table, df.assign(source_line=df["source_line"] + lines))
    res.skipped, res.warnings = ([Skip(None if s.line is None else s.line + lines, s.reason, s.level) for s in skips]
                                 for skips in (res.skipped, res.warnings))
    return res
