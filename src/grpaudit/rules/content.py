"""Content rules (CON): word lists per category, the policy's own patterns, links.

These rules read every message of the audit period (``messages.batches``).
Scanning is done by ``textscan`` over whole columns (Aho–Corasick, RE2
through Arrow); only the few messages with a hit are looked at one by one,
to cut an excerpt for the evidence. Scopes whose options are equal are
scanned together, so the usual policy (one set of options for every class)
costs one pass over the messages.

A finding is one message (CON001: one message and one category). Its
evidence quotes the part of the message around the hit, with every ID, card
and mobile number in it masked (``messages.mask_pii``) so a report never
repeats personal data.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from ..findings import concat
from ..policy.errors import PolicyError, Problem, format_path, suggest
from ..policy.loader import SHIPPED_DIRS
from ..policy.schema import Pattern, RuleOptions, Section, Severity
from ..textscan import links
from ..textscan.lexicon import Lexicon, LexiconError, read_words
from ..textscan.regexsafe import compile_pattern
from .base import AuditContext, Rule
from .messages import batches, finding_rows, first_hits, normal_text, per_scope, quoted, sentence

# ---- CON001: word lists ------------------------------------------------------

#: The word lists shipped in policies/lexicons/, by category, and the allow list.
CATEGORIES = ("redline_political", "redline_religious", "redline_porn", "redline_violence",
              "insult_discrimination", "ads_marketing", "gambling", "rumour", "private_matters")
RED_LINES = CATEGORIES[:5]
_LABELS = {"redline_political": "red-line political content", "redline_religious": "red-line religious content",
           "redline_porn": "red-line pornographic content", "redline_violence": "red-line violent content",
           "insult_discrimination": "insulting or discriminating words", "ads_marketing": "advertising",
           "gambling": "gambling content", "rumour": "rumour phrasing", "private_matters": "private chat"}
# The clause a category breaks, when the policy names none of its own.
_CLAUSES = {**{c: "002 §四.2.5.1; 001 第十一条; 000-A" for c in CATEGORIES[:4]},
            "insult_discrimination": "002 §四.2.5.2; 000-A; 003",
            "ads_marketing": "002 §四.2.3; 001 第十二条; 000-A; 003",
            "gambling": "002 §四.2.3; 001 第十二条; 000-A",
            "rumour": "001 第十二条; 000-A; 003",
            "private_matters": "002 §四.2.4; 000-B §五.1"}


def _shipped_dirs() -> list[Path]:
    return [d / "lexicons" for d in SHIPPED_DIRS]


def shipped_lists() -> list[str]:
    """Names of the shipped word lists (``allow`` included)."""
    return sorted({p.stem for d in _shipped_dirs() if d.is_dir() for p in d.glob("*.txt")})


def _is_path(ref: str) -> bool:
    # as loader.py tells a file from a shipped policy: a '/' or a file suffix
    return "/" in ref or "\\" in ref or ref.endswith(".txt")


def _list_ref(value: str, info: ValidationInfo) -> str:
    value = value.strip()
    if not value:
        raise ValueError("empty word-list name")
    if not _is_path(value):
        if value not in shipped_lists():
            raise ValueError(f"no shipped word list '{value}'" + suggest(value, shipped_lists(), "shipped lists are")
                             + "; a file of your own is written as a path, e.g. ./lists/ours.txt")
        return value
    # With the policy's files in the validation context a missing file is
    # reported at load time; otherwise check() reports it.
    files = (info.context or {}).get("policy_files")
    if files and not any((Path(f).parent / value).is_file() for f in files):
        raise ValueError(f"word list file '{value}' not found next to the policy")
    return value


ListRef = Annotated[str, AfterValidator(_list_ref)]
ListRefs = Annotated[list[ListRef], BeforeValidator(lambda v: [v] if isinstance(v, str) else v)]


def _where(ctx: AuditContext, code: str, ref: str):
    """The position the policy wrote ``ref`` at under rules.CODE (first match), else the policy file."""
    for path, mark in ctx.policy.located.values.items():
        if path[:2] == ("rules", code) and mark.text == ref:
            return path, mark
    return ("rules", code, "options"), ctx.policy.where(("rules", code, "options"))


def resolve_list(ctx: AuditContext, code: str, ref: str) -> Path:
    """The file a word-list reference names: a shipped list, or a path relative to the policy file that
    wrote it. A missing file is a PolicyError at the line that names it."""
    path, mark = _where(ctx, code, ref)
    if _is_path(ref):
        candidates = [Path(mark.file).parent / ref]
    else:
        candidates = [d / f"{ref}.txt" for d in _shipped_dirs()]
    for file in candidates:
        if file.is_file():
            return file
    raise PolicyError([Problem(mark.file, mark.line, mark.column, f"word list '{ref}' not found (looked for "
                               f"{', '.join(map(str, candidates))})", format_path(path))])


@lru_cache(maxsize=16)
def _lexicon(lists: tuple, allow: tuple, words: tuple, allow_words: tuple) -> Lexicon:
    """A Lexicon from (category, ((file, mtime), …)) pairs and inline words; cached per files and words."""
    categories: dict[str, list[str]] = {}
    for cat, files in lists:
        categories.setdefault(cat, []).extend(w for f, _ in files for w in read_words(f))
    for cat, extra in words:
        categories.setdefault(cat, []).extend(extra)
    return Lexicon(categories, [w for f, _ in allow for w in read_words(f)] + list(allow_words))


def lexicon(ctx: AuditContext, code: str, opts) -> Lexicon:
    """The options' word lists as one Lexicon (files read once per change)."""
    def stamp(refs):
        return tuple((str(p), p.stat().st_mtime_ns) for p in (resolve_list(ctx, code, r) for r in refs))
    try:
        return _lexicon(tuple((cat, stamp(refs)) for cat, refs in opts.lists.items()), stamp(opts.allow),
                        tuple((cat, tuple(w)) for cat, w in opts.words.items()), tuple(opts.allow_words))
    except LexiconError as exc:
        mark = ctx.policy.where(("rules", code, "options"))
        raise PolicyError([Problem(exc.path or mark.file, exc.line or (None if exc.path else mark.line),
                                   None if exc.path else mark.column, exc.problem)]) from None


class WordLists(Rule):
    """Messages with words from the policy's word lists: red lines, insults, ads, gambling, rumours, private chat.

    ## What it checks
    Every message of the audit period against word lists per category, with
    one Aho–Corasick automaton over the normalised text: full-width forms,
    traditional characters, letter case, zero-width characters and spaces or
    symbols between Chinese characters are undone first, so a listed `赌博`
    also finds `賭博`, `赌 博` and `赌★博`. Every occurrence of every listed
    word is found. An allow-list entry wins over the listed words it overlaps
    (`路口交通` is not `口交`, `以下注意事项` is not `下注`).

    `lists` maps a category to word-list files: a shipped list by name
    (`policies/lexicons/NAME.txt`: redline_political, redline_religious,
    redline_porn, redline_violence, insult_discrimination, ads_marketing,
    gambling, rumour, private_matters) or a path relative to the policy file
    (UTF-8, one word per line, `#` comments). The default checks every
    shipped list; a policy's `lists` replaces that, so keep a shipped name to
    extend it (`gambling: [gambling, ./lists/gambling.txt]`). `words` adds
    words inline (a category may be new), `allow` and `allow_words` are the
    allow list. A list that does not exist is an error naming the policy line.

    One finding per message and category, with the words and the text around
    the first one (numbers masked) in the evidence. Red-line categories
    (political, religious, pornographic, violent, insults) are `critical`,
    other categories take the rule's severity; `severities` changes either.
    Each category names its own clause unless the policy gives `clause`.

    ## Clauses
    - 002 §四.2.5.1: 严禁在群内发送涉有不良政治倾向、宗教、色情、暴力等相关链接的内容 (red line)
    - 002 §四.2.5.2: 严禁在群内发布不当言论，包括但不限于歧视、侮辱、攻击等言论 (red line)
    - 001 第十一条: 禁止在群中发布或传播色情、暴力、有损国家及公司形象等负面的内容 (fine: 第十九条)
    - 001 第十二条: 嚴禁在群內發佈商業廣告、虛假信息、病毒鏈接等內容 (fine: 第十九条)
    - 002 §四.2.3: 禁止在群内发送与工作不相关的广告信息、推销信息
    - 002 §四.2.4, 000-B §五.1: no private, non-work chat (weak: words only)
    - 000-A: 嚴禁在群內發佈色情、賭博、病毒鏈接、廣告及其他有害信息; no insults or unverified news
    - 003: 不得发布不实信息、谣言; no ads, insults or discrimination

    ## Example
    ```yaml
    CON001:
      options:
        lists: {redline_porn: redline_porn, gambling: gambling, ads_marketing: ads_marketing}
        words: {gambling: [赌狗群]}
        allow_words: [彩票站]
        severities: {ads_marketing: minor}
      classes:
        interest: {options: {lists: {redline_porn: redline_porn}}}
    ```
    """
    code = "CON001"
    name = "prohibited-words"
    category = "content"
    severity = "major"
    clauses = ("002 §四.2.5.1", "002 §四.2.5.2", "001 第十一条", "001 第十二条", "002 §四.2.3", "002 §四.2.4",
               "000-B §五.1", "000-A", "003")

    class Options(RuleOptions):
        lists: dict[str, ListRefs] = Field(
            default_factory=lambda: {c: [c] for c in CATEGORIES},
            description="category → word-list files: shipped list names or paths relative to the policy file")
        words: dict[str, list[str]] = Field(default_factory=dict, description="category → more words, inline")
        allow: ListRefs = Field(["allow"], description="allow-list files (shipped names or paths)")
        allow_words: list[str] = Field(default_factory=list, description="more allowed words, inline")
        severities: dict[str, Severity] = Field(
            default_factory=dict, description="category → severity; red lines default to critical, other "
                                              "categories to the rule's severity")

        @model_validator(mode="after")
        def _some_words(self):
            if not self.lists and not any(self.words.values()):
                raise ValueError("no word lists and no words: give lists or words")
            return self

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for opts, scopes, msgs in batches(ctx, self.code):
            hits = lexicon(ctx, self.code, opts).scan(msgs["text"], normal_text(ctx, msgs))
            if hits.empty:
                continue
            rows = self._rows(ctx, msgs, hits)
            severity = {**{c: "critical" for c in RED_LINES}, **opts.severities}
            default_clause = "; ".join(self.clauses)
            for scope in scopes:
                part = rows[rows["group_id"].isin(scope.group_ids)]
                if part.empty:
                    continue
                part = part.assign(severity=part["category"].map(severity).fillna(scope.settings.severity))
                if scope.settings.clause == default_clause:
                    part = part.assign(clause=part["category"].map(_CLAUSES).fillna(default_clause))
                frames.append(ctx.findings(part.drop(columns="category"), self, scope))
        return concat(frames, ctx.tz)

    def _rows(self, ctx: AuditContext, msgs: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
        first, words = first_hits(hits, ["message", "category"])
        q = quoted(msgs, first)
        label = first["category"].map(_LABELS).fillna(first["category"] + " words")
        shown = q["hit"] + " (" + first["category"] + ": " + words + ") in " + q["around"]
        rows = finding_rows(ctx, msgs, pd.DataFrame({"message": first["message"], "category": first["category"],
                                                     "evidence": shown}))
        rows["message"] = sentence(rows, label.to_numpy() + " (" + words + ")")
        return rows


# ---- CON002: the policy's own patterns -----------------------------------------

class CustomPattern(Section):
    """A named policy pattern: the pattern, and optionally its own severity."""
    pattern: Pattern
    severity: Severity | None = None
    description: str = Field("", description="what the pattern finds, for the finding's sentence")

    @model_validator(mode="before")
    @classmethod
    def _bare(cls, value: Any) -> Any:
        return {"pattern": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _not_empty(self):
        if self.pattern.search([""]).iloc[0]:
            raise ValueError(f"pattern {self.pattern} matches an empty message, so it would flag every message")
        return self


class CustomPatterns(Rule):
    """Messages matching the policy's own regular expressions (secrets, prices, project code names…).

    ## What it checks
    Every message of the audit period against each named pattern of
    `patterns`. Patterns run on RE2 (through Arrow), which takes time linear
    in the text whatever the pattern, so a crafted message cannot stall the
    audit; what RE2 cannot run (look-around, back-references) and patterns
    that match an empty message are refused when the policy is loaded. Use
    `(?i)` for case-insensitive matching and `\\p{Han}` for Chinese characters.

    One finding per message and pattern, with the matched text and its
    context in the evidence (numbers masked). A pattern may carry its own
    `severity`; otherwise the rule's applies. The clauses are the secrecy
    ones; give `clause` when the patterns enforce something else.

    ## Clauses
    - 000-B §六.2: 严禁发布涉及国家秘密、公司商业秘密、技术秘密、未公开的财务数据、客户信息、员工个人隐私等敏感信息
    - 003 §三: 群内涉及单位机密、敏感信息的内容，严禁转发、截图或传播给无关人员

    ## Example
    ```yaml
    CON002:
      options:
        patterns:
          底价: '(?:底价|最低价|内部价)\\D{0,4}\\d+'
          未公开财务: {pattern: '(?:未公开|未披露).{0,6}(?:利润|营收|财报)', severity: critical}
    ```
    """
    code = "CON002"
    name = "custom-patterns"
    category = "content"
    severity = "major"
    clauses = ("000-B §六.2", "003 §三")

    class Options(RuleOptions):
        patterns: dict[str, CustomPattern] = Field(
            min_length=1, description="name → RE2 pattern, or {pattern, severity, description}")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for opts, scopes, msgs in batches(ctx, self.code):
            parts = []
            for name, p in opts.patterns.items():
                hit = p.pattern.search(msgs["text"])
                if not hit.any():
                    continue
                texts = msgs.loc[hit.to_numpy(), "text"]
                compiled = compile_pattern(p.pattern.pattern)
                spans = pd.DataFrame([compiled.search(t).span() for t in texts.tolist()], columns=["start", "end"])
                q = quoted(msgs, spans.assign(message=texts.index))
                shown = name + ": " + q["hit"] + " in " + q["around"]
                part = pd.DataFrame({"message": texts.index, "evidence": shown,
                                     "what": f"text matching the pattern '{name}'"
                                             + (f" ({p.description})" if p.description else "")})
                if p.severity:
                    part["severity"] = p.severity
                parts.append(part)
            if not parts:
                continue
            rows = finding_rows(ctx, msgs, pd.concat(parts, ignore_index=True))
            rows["message"] = sentence(rows, rows.pop("what"))
            for scope in scopes:
                part = rows[rows["group_id"].isin(scope.group_ids)]
                if len(part):
                    sev = part["severity"].fillna(scope.settings.severity) if "severity" in part else None
                    frames.append(ctx.findings(part if sev is None else part.assign(severity=sev), self, scope))
        return concat(frames, ctx.tz)


# ---- CON003: links -------------------------------------------------------------

def _domain(value: str) -> str:
    d = value.strip().lower().removeprefix("*.").strip(".")
    if not d or "/" in d or " " in d or "." not in d:
        raise ValueError(f"expected a domain such as example.com, got '{value}'")
    return d


Domain = Annotated[str, AfterValidator(_domain)]


class Links(Rule):
    """Links to denied or unlisted domains, short links, and links or files that can carry malware.

    ## What it checks
    Every link in the messages of the audit period (with or without
    `https://`, e.g. `t.cn/A6x…`), and the file name of file messages:

    - a host on `deny_domains` (a domain matches itself and its subdomains);
    - with `only_allowed: true`, a host not on `allow_domains`;
    - a short-link service (t.cn, dwz.cn, bit.ly…, plus `short_link_services`),
      which hides where the link goes, unless its domain is allowed;
    - a link or file whose type runs code when opened (`.apk`, `.exe`,
      `.bat`…) or an archive behind a decoy extension (`发票.pdf.zip`),
      wherever it is hosted.

    When both domain lists match a host, the more specific entry decides.
    One finding per message, listing each flagged link with its reason.

    ## Clauses
    - 001 第十二条: 嚴禁在群內發佈商業廣告、虛假信息、病毒鏈接等內容 (fine: 第十九条)
    - 000-A: 嚴禁在群內發佈色情、賭博、病毒鏈接、廣告及其他有害信息
    - 002 §四.2.3: 禁止在群内发送与工作不相关的广告信息、推销信息、图片分享、链接等
    - 002 §四.2.5.1: 严禁发送涉有不良政治倾向、宗教、色情、暴力等相关链接
    - 003: 成员不得在群内传播病毒、恶意软件等有害信息

    ## Example
    ```yaml
    CON003:
      options:
        allow_domains: [zedongtech.example, qq.com, gov.cn]
        deny_domains: [bet365.com]
        only_allowed: true
    ```
    """
    code = "CON003"
    name = "risky-links"
    category = "content"
    severity = "major"
    clauses = ("001 第十二条", "000-A", "002 §四.2.3", "002 §四.2.5.1", "003")

    class Options(RuleOptions):
        allow_domains: list[Domain] = Field(default_factory=list, description="trusted domains (and subdomains)")
        deny_domains: list[Domain] = Field(default_factory=list, description="forbidden domains (and subdomains)")
        only_allowed: bool = Field(False, description="every link outside allow_domains is a finding")
        short_links: bool = Field(True, description="report links through short-link services")
        short_link_services: list[Domain] = Field(default_factory=list,
                                                  description="short-link services added to the built-in ones")
        risky_files: bool = Field(True, description="report links and files of types that can carry malware")

        @field_validator("deny_domains")
        @classmethod
        def _not_both(cls, value, info: ValidationInfo):
            both = set(value) & set(info.data.get("allow_domains") or ())
            if both:
                raise ValueError(f"{', '.join(sorted(both))} on both allow_domains and deny_domains")
            return value

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for opts, scopes, msgs in batches(ctx, self.code):
            flagged = self._flagged(msgs, opts)
            if flagged.empty:
                continue
            flagged["shown"] = quoted(msgs, flagged)["hit"] + " (" + flagged["reason"] + ")"
            by = flagged.groupby("message", sort=False)
            hits = pd.DataFrame({"message": list(by.groups), "evidence": by["shown"].agg("; ".join).to_numpy(),
                                 "n": by.size().to_numpy()})
            rows = finding_rows(ctx, msgs, hits)
            what = pd.Series("a risky link", index=rows.index).where(rows.pop("n") == 1, "risky links")
            rows["message"] = sentence(rows, what)
            frames += per_scope(ctx, self, scopes, rows)
        return concat(frames, ctx.tz)

    def _flagged(self, msgs: pd.DataFrame, opts) -> pd.DataFrame:
        """(message, start, end, reason): each link or file name that breaks the options."""
        found = links.classify(links.extract(msgs["text"]), opts.allow_domains, opts.deny_domains,
                               links.SHORT_LINK_SERVICES + tuple(opts.short_link_services))
        reasons = pd.Series("", index=found.index, dtype="str")

        def add(mask, text):
            nonlocal reasons
            reasons = reasons.where(~mask, reasons + "; " + text)

        add(found["denied"], "denied domain " + found["domain"].fillna(found["host"]).fillna("?"))
        if opts.only_allowed:
            add(~found["allowed"] & ~found["denied"], "domain " + found["domain"].fillna("?") + " not allowed")
        if opts.short_links:
            add(found["short_link"] & ~found["allowed"], "short link hides the destination")
        if opts.risky_files:
            add(found["risky_file"].notna(), "file type " + found["risky_file"].fillna(""))
        out = found.assign(reason=reasons.str.removeprefix("; "))[["message", "start", "end", "reason"]]
        out = out[reasons.ne("").to_numpy()]
        if opts.risky_files:
            files = msgs[msgs["kind"].eq("file").to_numpy()]
            name = files["text"].str.removeprefix("[文件]").str.strip()
            risky = links.risky_extension(name)
            bad = risky.notna().to_numpy()
            if bad.any():
                length = files["text"].str.len()
                out = pd.concat([out, pd.DataFrame({
                    "message": files.index[bad], "start": (length - name.str.len())[bad].to_numpy(),
                    "end": length[bad].to_numpy(), "reason": ("file type " + risky[bad]).to_numpy()})],
                    ignore_index=True)
        return out.reset_index(drop=True)


#: the rules this module defines, in the order `grpaudit rules` lists them
RULES: tuple = (WordLists(), CustomPatterns(), Links())
