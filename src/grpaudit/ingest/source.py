"""One input file: its bytes, its detected encoding, and what readers return.

Encodings are decided from the bytes, never guessed from the extension:
a BOM wins (UTF-8, UTF-16 LE/BE); otherwise strict UTF-8, then GB18030
(a superset of GBK that Excel and older QQ write on Chinese Windows),
then UTF-16 without a BOM when every other byte is NUL.
"""
from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa


class InputError(Exception):
    """A file that cannot be read at all: names the file, the line and the problem."""

    def __init__(self, path: str | Path, problem: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")


@dataclass
class Skip:
    """A record that was not turned into a row, and why.

    ``level`` is ``error`` for records that are broken (bad time, no sender,
    cut off) and ``ignored`` for records deliberately left out (a one-to-one
    chat in a group archive, an enterprise-switch log line).
    """
    line: int | None
    reason: str
    level: str = "error"


@dataclass
class ReadResult:
    """What one reader made of one file. Frames may be None when the format has no such table."""
    format: str
    messages: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    members: pd.DataFrame | None = None
    groups: pd.DataFrame | None = None
    roster: pd.DataFrame | None = None
    skipped: list[Skip] = field(default_factory=list)
    #: records kept but suspect (e.g. a last record cut off mid-body)
    warnings: list[Skip] = field(default_factory=list)


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def _is_utf8(data: bytes, whole: bool = True) -> bool:
    """Validate UTF-8 without decoding: Arrow checks the bytes in place.

    ``data.decode("utf-8")`` would build a second copy of a file of hundreds
    of megabytes only to throw it away. A part of a file (``whole`` false)
    may end inside a character.
    """
    if not whole:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
            return True
        except UnicodeDecodeError:
            return False
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    arr = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        arr.cast(pa.large_string())
        return True
    except pa.ArrowInvalid:
        return False


def detect_encoding(data: bytes, whole: bool = True) -> tuple[str, int]:
    """Return (codec name, BOM length) for ``data`` (the file's first bytes only, when not ``whole``)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    sample = data[:4096]
    if len(sample) >= 4:
        even_nul = sample[0::2].count(0) / max(1, len(sample[0::2]))
        odd_nul = sample[1::2].count(0) / max(1, len(sample[1::2]))
        if odd_nul > 0.3 and even_nul < 0.05:
            return "utf-16-le", 0
        if even_nul > 0.3 and odd_nul < 0.05:
            return "utf-16-be", 0
    if _is_utf8(data, whole):
        return "utf-8", 0
    try:
        data.decode("gb18030") if whole else codecs.getincrementaldecoder("gb18030")().decode(data, final=False)
        return "gb18030", 0
    except UnicodeDecodeError:
        return "unknown", 0


#: Bytes read to tell a file's format and likely encoding before (or without) reading all of it.
SAMPLE_BYTES = 1 << 18


class Source:
    """A file as readers see it. Reading and decoding happen once, lazily.

    Telling the format needs only the first ``SAMPLE_BYTES``: ``sample``,
    ``head``, ``header`` and ``is_excel`` read no further. ``data``, ``text``
    and ``utf8`` read the whole file; ``encoding`` checks all of it, unless a
    reader that read the file some other way (Arrow, checking UTF-8 as it
    parses) has ``confirm``-ed it.
    """

    def __init__(self, path: str | Path, data: bytes | None = None, tz: str = "Asia/Shanghai",
                 me: str | None = None, mapping: dict[str, str] | None = None):
        self.path = Path(path)
        self.name = str(path)
        if data is None:
            # open now, so a missing or unreadable file fails here as before
            with open(self.path, "rb") as f:
                self.sample = f.read(SAMPLE_BYTES)
                self.size = os.fstat(f.fileno()).st_size
        else:
            self.data, self.sample, self.size = data, data[:SAMPLE_BYTES], len(data)
        self.tz = tz
        #: display name of the exporting account ("你" in WeChat system lines)
        self.me = me
        #: user-given column mapping for tabular formats: field -> header
        self.mapping = mapping or {}

    @cached_property
    def data(self) -> bytes:
        """The whole file."""
        return self.path.read_bytes()

    @property
    def whole_in_sample(self) -> bool:
        return len(self.sample) >= self.size

    @property
    def is_excel(self) -> bool:
        return self.sample.startswith(_ZIP_MAGIC) or self.sample.startswith(_OLE_MAGIC)

    @cached_property
    def _likely(self) -> tuple[str, int]:
        """The encoding the sample shows: the file's, unless a later part breaks it."""
        if self.is_excel:
            return "xlsx", 0
        return detect_encoding(self.sample, self.whole_in_sample)

    @cached_property
    def _encoding(self) -> tuple[str, int]:
        if self.is_excel:
            return "xlsx", 0
        return self._likely if self.whole_in_sample else detect_encoding(self.data)

    @property
    def likely_encoding(self) -> str:
        return self._likely[0]

    @property
    def encoding(self) -> str:
        return self._encoding[0]

    @property
    def loaded(self) -> bool:
        """Whether the whole file is in memory (``data``) already."""
        return "data" in self.__dict__

    @property
    def checked(self) -> bool:
        """Whether the whole file's encoding is known (decided from all of it, or ``confirm``-ed)."""
        return "_encoding" in self.__dict__

    def confirm(self, encoding: str) -> None:
        """Record that the whole file was read as ``encoding`` (by a reader that checked it)."""
        self.__dict__["_encoding"] = (encoding, len(codecs.BOM_UTF8) if encoding == "utf-8-sig" else 0)

    @property
    def is_blank(self) -> bool:
        """Empty, or nothing but whitespace (isspace() stops at the first other byte)."""
        return not self.size or (self.sample.isspace() and (self.whole_in_sample or self.data.isspace()))

    @cached_property
    def text(self) -> str:
        """The whole file decoded, BOM removed, line ends kept as they are."""
        enc, bom = self._encoding
        if enc == "xlsx":
            raise InputError(self.name, "is a spreadsheet, not a text file")
        if enc == "unknown":
            raise InputError(self.name, "cannot decode: not UTF-8, UTF-16 or GB18030 text")
        return self.data[bom:].decode(enc.replace("-sig", ""))

    @cached_property
    def utf8(self) -> bytes:
        """The content as UTF-8 bytes without BOM (what pyarrow's readers want)."""
        enc, bom = self._encoding
        if enc == "utf-8" or enc == "utf-8-sig":
            return self.data[bom:]
        return self.text.encode("utf-8")

    def head(self, chars: int = 8192) -> str:
        """The first characters of the text ('' for spreadsheets or undecodable files).

        Up to ``SAMPLE_BYTES // 3`` characters come from the sample (a little
        fewer if it holds characters of four bytes, such as emoji).
        """
        enc, bom = self._likely
        if enc in ("xlsx", "unknown"):
            return ""
        fits = self.whole_in_sample or bom + chars * 3 <= len(self.sample)
        chunk = (self.sample if fits else self.data)[bom: bom + chars * 4]
        return chunk.decode(enc.replace("-sig", ""), errors="ignore")[:chars]

    @cached_property
    def header(self) -> list[str]:
        """The first row of a CSV or spreadsheet, stripped; [] when there is none."""
        from .tabular import header_row
        return header_row(self)
