"""Readers for chat exports, member lists, rosters and registries.

``READERS`` is the one registry: sniffing tries them in this order, so a
more specific layout comes before a more general one (the generic chat CSV
accepts any table with a time and a text column, so it is last).
"""
from __future__ import annotations

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

__all__ = ["READERS", "Reader", "ReadResult", "Skip", "Source", "InputError", "detect", "read_file",
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
    src = Source(path, tz=tz, me=me, mapping=mapping)
    if fmt:
        if fmt not in READERS:
            raise InputError(src.name, f"unknown --format {fmt!r}; known formats: {', '.join(READERS)}")
        reader = READERS[fmt]
    else:
        reader = detect(src)
    return src, reader, reader.read(src)
