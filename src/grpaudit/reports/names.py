"""File names built from group and department names: readable, stable, and safe on every OS.

A department called ``../../etc/passwd`` or ``CON`` must not write outside
``--out`` or onto a Windows device; ``销售部/华南`` must stay recognisable.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

#: path separators, characters Windows refuses, and control characters
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
#: names Windows reserves for devices, with or without an extension
_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$")
#: keeps a name under common file-system limits (255 bytes) with room for a prefix and suffix
_MAX_BYTES = 120


def safe_name(name: str | None) -> str:
    """``name`` as one file-name component: no separators, no leading dots, no reserved names."""
    s = unicodedata.normalize("NFC", str(name or "")).strip()
    s = _UNSAFE.sub("_", s)
    s = re.sub(r"\s+", " ", s)
    s = s.lstrip(". ").rstrip(". ")          # no hidden files, no '..', Windows drops trailing dots
    if _RESERVED.match(s):
        s = "_" + s
    if len(s.encode("utf-8")) > _MAX_BYTES:
        # Cut on a character boundary and add a hash of the whole name so two long names stay apart.
        digest = hashlib.sha1(str(name).encode("utf-8")).hexdigest()[:8]
        s = s.encode("utf-8")[:_MAX_BYTES - 9].decode("utf-8", "ignore") + "-" + digest
    return s or "_"


def unique_names(names) -> dict[str, str]:
    """Each distinct name mapped to a safe name; names that sanitise alike get a short hash each.

    ``销售部/华南`` and ``销售部:华南`` both become ``销售部_华南`` alone; together
    neither may overwrite the other's file.
    """
    names = sorted({str(n) for n in names})
    safe = {n: safe_name(n) for n in names}
    seen: dict[str, int] = {}
    for s in safe.values():
        seen[s.casefold()] = seen.get(s.casefold(), 0) + 1
    return {n: s if seen[s.casefold()] == 1 else f"{s}-{hashlib.sha1(n.encode('utf-8')).hexdigest()[:8]}"
            for n, s in safe.items()}
