"""Links in chat text: where they point and whether that is a risk.

``extract`` finds URLs with one RE2 pattern: addresses with a scheme
(``https://…``) or ``www.``, and bare host names with a common top-level
domain (``t.cn/A6x…``, ``example.com/a``), since people paste links without
the scheme. An address stops at whitespace, quotes, Chinese characters and
Chinese punctuation; trailing ASCII punctuation is trimmed; a host right
after ``@`` is an e-mail address, not a link. One Arrow pass picks the
messages that contain a link and only those are searched link by link.

``classify`` marks each link against domain lists (a listed domain matches
itself and its subdomains, on label boundaries: ``qq.com`` matches
``docs.qq.com``, not ``faqq.com``; when both lists match, the more specific
entry decides, and an exact tie goes to the allow list), against the
built-in short-link services (which hide where a link goes), and flags links
to files that can carry malware (executables, scripts, installers, and
archives or executables behind a decoy extension such as ``发票.pdf.zip``).
"""
from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

import pandas as pd
import pyarrow.compute as pc

from .regexsafe import arrow_text, compile_pattern

#: Link shorteners: the destination is hidden until clicked.
SHORT_LINK_SERVICES = (
    "t.cn", "dwz.cn", "url.cn", "suo.im", "mrw.so", "sina.lt", "3.cn", "tb.cn",
    "bit.ly", "tinyurl.com", "goo.gl", "is.gd", "v.gd", "ow.ly", "t.co", "buff.ly",
    "rebrand.ly", "cutt.ly", "rb.gy", "shorturl.at", "tiny.cc", "t.ly", "s.id",
)

#: File types that run code when opened (Windows, Android, Java, scripts).
RISKY_EXTENSIONS = (
    ".apk", ".exe", ".bat", ".scr", ".js", ".jse", ".vbs", ".vbe", ".jar", ".msi", ".cmd",
    ".ps1", ".pif", ".hta", ".wsf", ".lnk",
)

#: Archives: risky when a decoy extension stands before them (``报价.pdf.zip``).
ARCHIVE_EXTENSIONS = (".zip", ".rar", ".7z")

#: Extensions people trust; seen before an archive or executable extension they are a decoy.
DECOY_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".jpg", ".jpeg",
    ".png", ".gif", ".mp4", ".wps",
)

# Second-level suffixes under which a registrable domain has three labels:
# China's category and province domains, and the common foreign ones.
_SECOND_LEVEL = frozenset(
    [f"{x}.cn" for x in ("com", "net", "org", "gov", "edu", "ac", "mil",
                         "bj", "sh", "tj", "cq", "he", "sx", "nm", "ln", "jl", "hl", "js", "zj",
                         "ah", "fj", "jx", "sd", "ha", "hb", "hn", "gd", "gx", "hi", "sc", "gz",
                         "yn", "xz", "sn", "gs", "qh", "nx", "xj")]
    + [f"{x}.{cc}" for cc in ("hk", "tw", "mo", "sg", "my", "au") for x in ("com", "net", "org", "edu", "gov")]
    + ["co.uk", "org.uk", "ac.uk", "gov.uk", "co.jp", "ne.jp", "or.jp", "ac.jp", "co.kr"])

# Top-level domains accepted on a bare host (no scheme, no www.); a short list
# so that version numbers and file names (V3.2, 报告.docx) are not links.
_BARE_TLDS = ("com", "cn", "net", "org", "gov", "edu", "io", "cc", "co", "me", "im", "top", "xyz",
              "info", "vip", "tv", "ly", "gl", "gd", "at", "so", "lt", "id", "site", "online", "club",
              "shop", "app", "dev", "ai", "hk", "tw", "jp", "uk", "us", "ru", "link", "icu", "wang", "ltd")

# What ends an address: whitespace, quotes, angle brackets, Chinese characters
# and Chinese punctuation.
_STOP = r"\s<>\"'\p{Han}，。；：！？、（）【】《》“”‘’「」『』…"
_URL = (rf"(?i)(?:(?:https?|ftp)://|www\.)[^{_STOP}]+"
        rf"|\b(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{'|'.join(_BARE_TLDS)})\b"
        rf"(?::\d{{1,5}})?(?:/[^{_STOP}]*)?")
_URL_RE = compile_pattern(_URL)
_TRAILING = ".,;:!?)]}"

#: Columns of ``extract``'s result.
LINK_COLUMNS = ("message", "start", "end", "url", "host", "domain", "path")


def registrable_domain(host: str) -> str:
    """The domain a company registers: ``docs.qq.com`` → ``qq.com``,
    ``inv-veri.chinatax.gov.cn`` → ``chinatax.gov.cn``; an IP address stays whole."""
    labels = host.split(".")
    if len(labels) <= 2 or labels[-1].isdigit() or ":" in host:
        return host
    keep = 3 if ".".join(labels[-2:]) in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _parts(url: str) -> tuple[str | None, str | None]:
    """(host, path) of a URL with or without its scheme; None when unparseable."""
    try:
        split = urlsplit(url if "://" in url else "http://" + url)
    except ValueError:     # e.g. a malformed IPv6 literal: keep the link, host unknown
        return None, None
    return (split.hostname or "").rstrip(".") or None, unquote(split.path)


def extract(text: pd.Series) -> pd.DataFrame:
    """Every link in every message: ``message`` is the text's index label,
    ``start``/``end`` the character span, ``host`` lower-case without port,
    ``domain`` its registrable domain, ``path`` percent-decoded."""
    arr = arrow_text(text)
    has_link = pc.match_substring_regex(arr, _URL).to_numpy(zero_copy_only=False)
    rows = []
    for pos in has_link.nonzero()[0]:
        body = arr[int(pos)].as_py()
        for m in _URL_RE.finditer(body):
            start, url = m.start(), m.group().rstrip(_TRAILING)
            if start and body[start - 1] == "@" and "://" not in url:
                continue
            host, path = _parts(url)
            domain = registrable_domain(host) if host else None
            rows.append((text.index[pos], start, start + len(url), url, host, domain, path))
    out = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    out = out.astype({c: "str" for c in ("url", "host", "domain", "path")}).astype({"start": "int64", "end": "int64"})
    if not rows:
        out["message"] = text.index[:0]
    return out


def _suffixes(host: str) -> list[str]:
    """``a.b.c`` → [``a.b.c``, ``b.c``, ``c``]: the entries that can match it."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def _most_specific(host: str, domains: frozenset[str]) -> int:
    """Labels in the longest listed domain that ``host`` is or is under (0: none)."""
    for suffix in _suffixes(host):
        if suffix in domains:
            return suffix.count(".") + 1
    return 0


def _domain_set(domains: Iterable[str]) -> frozenset[str]:
    return frozenset(d.strip().lower().strip(".") for d in domains if d.strip())


def in_domains(hosts: pd.Series, domains: Iterable[str]) -> pd.Series:
    """Boolean column: is each host one of ``domains`` or under one of them."""
    listed = _domain_set(domains)
    return hosts.fillna("").map(lambda h: _most_specific(h, listed) > 0).astype(bool)


def risky_extension(names: pd.Series) -> pd.Series:
    """For file names (or URL paths): the extension that makes the file risky, else NA.

    ``setup.exe`` → ``.exe``; ``发票.pdf.exe`` → ``.pdf.exe``; ``报价.pdf.zip``
    → ``.pdf.zip``; ``资料.zip`` and ``报告.pdf`` → NA.
    """
    def check(name) -> str | None:
        if not isinstance(name, str):
            return None
        parts = name.rsplit("/", 1)[-1].lower().split(".")
        if len(parts) < 2:
            return None
        last = "." + parts[-1].strip()
        before = "." + parts[-2] if len(parts) > 2 else ""
        decoy = before in DECOY_EXTENSIONS
        if last in RISKY_EXTENSIONS:
            return before + last if decoy else last
        if last in ARCHIVE_EXTENSIONS and decoy:
            return before + last
        return None

    return names.map(check).astype("str")


def classify(links: pd.DataFrame, allow: Iterable[str] = (), deny: Iterable[str] = (),
             short_links: Iterable[str] = SHORT_LINK_SERVICES) -> pd.DataFrame:
    """``links`` (from ``extract``) with ``allowed``, ``denied``, ``short_link``
    and ``risky_file`` (the risky extension, else NA) added."""
    allow_set, deny_set = _domain_set(allow), _domain_set(deny)
    hosts = links["host"].fillna("")
    allow_level = hosts.map(lambda h: _most_specific(h, allow_set))
    deny_level = hosts.map(lambda h: _most_specific(h, deny_set))
    return links.assign(
        allowed=((allow_level > 0) & (allow_level >= deny_level)).astype(bool),
        denied=((deny_level > 0) & (deny_level > allow_level)).astype(bool),
        short_link=in_domains(hosts, short_links),
        risky_file=risky_extension(links["path"]),
    )
