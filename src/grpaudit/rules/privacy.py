"""Privacy rules (PRI): ID numbers, bank cards, mobile numbers and pay talk posted in groups.

The detectors are ``textscan.pii``'s: one RE2 pass keeps the messages with a
long run of digits, and only those are checked number by number (ID
checksum, birth date and province; Luhn and issuer prefix or a card word; an
18-digit number passing both is an ID unless only card words surround it).
A finding is one number in one message; its evidence shows the number
masked (``110105********002X``) and the message around it with every
number masked, never the number itself.
"""
from __future__ import annotations

from typing import ClassVar

import pandas as pd
from pydantic import Field

from ..findings import concat
from ..policy.schema import RuleOptions
from ..textscan import pii
from .base import AuditContext, Rule
from .messages import batch_pii, batches, finding_rows, first_hits, normal_text, per_scope, quoted, sentence


class _Numbers(Rule):
    """Shared check of the number rules: ``kind`` is one of ``pii.KINDS``."""
    kind: ClassVar[str]
    what: ClassVar[str]

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for opts, scopes, msgs in batches(ctx, self.code):
            found = batch_pii(ctx, msgs)
            found = self.keep(ctx, msgs, found[found["kind"].eq(self.kind).to_numpy()].reset_index(drop=True), opts)
            if found.empty:
                continue
            shown = self.what + " " + found["masked"] + " in " + quoted(msgs, found)["around"]
            rows = finding_rows(ctx, msgs, pd.DataFrame({"message": found["message"], "evidence": shown}))
            rows["message"] = sentence(rows, f"a {self.what}")
            frames += per_scope(ctx, self, scopes, rows)
        return concat(frames, ctx.tz)

    def keep(self, ctx: AuditContext, msgs: pd.DataFrame, found: pd.DataFrame, opts) -> pd.DataFrame:
        """The numbers to report (all of them unless a rule's options exempt some)."""
        return found


class IdNumbers(_Numbers):
    """Messages containing a resident ID number (checksum, birth date and province verified).

    ## What it checks
    Every message of the audit period for 18-character resident ID numbers
    (GB 11643), written whole or grouped `110105 19491231 002X`: the
    ISO 7064 check character, a real birth date and an existing province
    code must all hold, so order numbers and random digits are not
    reported. An 18-digit number that also passes the bank-card checks is an
    ID unless card words (卡号, 银行卡…) and no ID words (身份证…) are near
    it. One finding per number; the evidence shows it masked
    (`110105********002X`).

    ## Clauses
    - 000-B §六.2: 严禁发布涉及……客户信息、员工个人隐私等敏感信息
    - 003 §三: 对于涉及个人隐私的信息……应严格保密，不得在群内讨论
    - 002 §四.2.1: 群内的信息不能涉及个人隐私和非工作内容
    """
    code = "PRI001"
    name = "id-number-posted"
    category = "privacy"
    severity = "major"
    clauses = ("000-B §六.2", "003 §三", "002 §四.2.1")
    kind = "id_card"
    what = "resident ID number"


class BankCards(_Numbers):
    """Messages containing a bank card number (Luhn check and an issuer prefix or a card word).

    ## What it checks
    Every message of the audit period for 13–19-digit numbers, whole or in
    groups of four (`6222 0200 1234 5678`), that pass the Luhn check and
    either start with a known issuer prefix (UnionPay 62, Visa, Mastercard…)
    or stand near a card word (卡号, 银行卡, 工资卡…). A number failing Luhn
    is not a card. An 18-digit number that is also a valid ID number counts
    as a card only with card words and no ID words near it. One finding per
    number; the evidence shows it masked (`6222********5678`).

    ## Clauses
    - 000-B §六.2: 严禁发布涉及……客户信息、员工个人隐私等敏感信息
    - 003 §三: 对于涉及个人隐私的信息……应严格保密，不得在群内讨论
    - 002 §四.2.1: 群内的信息不能涉及个人隐私和非工作内容
    """
    code = "PRI002"
    name = "bank-card-posted"
    category = "privacy"
    severity = "major"
    clauses = ("000-B §六.2", "003 §三", "002 §四.2.1")
    kind = "bank_card"
    what = "bank card number"


class MobileNumbers(_Numbers):
    """Messages containing a mainland mobile number.

    ## What it checks
    Every message of the audit period for mobile numbers (`1[3-9]` and nine
    more digits, optionally after 86, written whole or `138-0000-1004`,
    never part of a longer number). One finding per number; the evidence
    shows it masked (`138****1004`).

    People often post their own number so colleagues can call them
    (`有问题直接打我电话…`); that still exposes it to everyone in the group,
    external members included, so it is reported by default.
    `exempt_own_number: true` skips a number equal to the sender's own 手机
    in the roster (senders not in the roster are never exempt).

    ## Clauses
    - 000-B §六.2: 严禁发布涉及……客户信息、员工个人隐私等敏感信息
    - 003 §三: 对于涉及个人隐私的信息……应严格保密，不得在群内讨论
    - 002 §四.2.1: 群内的信息不能涉及个人隐私和非工作内容

    ## Example
    ```yaml
    PRI003:
      severity: minor
      options: {exempt_own_number: true}
    ```
    """
    code = "PRI003"
    name = "mobile-number-posted"
    category = "privacy"
    severity = "minor"
    clauses = ("000-B §六.2", "003 §三", "002 §四.2.1")
    kind = "mobile"
    what = "mobile number"

    class Options(RuleOptions):
        exempt_own_number: bool = Field(False, description="a sender posting their own roster mobile number "
                                                           "is not a finding")

    def keep(self, ctx, msgs, found, opts):
        if not opts.exempt_own_number or found.empty:
            return found
        phones = ctx.roster.drop_duplicates("employee_id").set_index("employee_id")["phone"]
        own = msgs.loc[found["message"].to_numpy(), "person_id"].map(phones)
        own = own.str.replace(r"\D", "", regex=True).str[-11:].to_numpy()
        return found[~(found["value"].to_numpy() == own)].reset_index(drop=True)


class PayTalk(Rule):
    """Messages discussing salaries and pay (工资, 薪资, 年终奖…).

    ## What it checks
    Every message of the audit period for pay words, matched like CON001's
    word lists (full-width, traditional characters and spaced-out words are
    undone first, so `薪 資` is `薪资`). `words` replaces the built-in list,
    `extra_words` adds to it. Weak on its own (a payroll notice in the
    finance group is work): disable the rule for the classes where pay is
    the group's business. One finding per message, with the words and the
    text around the first one (numbers masked).

    ## Clauses
    - 002 §四.2.1: 群内的信息不能涉及个人隐私和非工作内容
    - 003 §三: 对于涉及个人隐私的信息，如员工薪资、福利等，应严格保密，不得在群内讨论
    - 000-B §六.2: 员工个人隐私等敏感信息

    ## Example
    ```yaml
    PRI004:
      options: {extra_words: [调薪名单]}
      classes:
        interest: {enabled: false}
    ```
    """
    code = "PRI004"
    name = "pay-talk"
    category = "privacy"
    severity = "minor"
    clauses = ("002 §四.2.1", "003 §三", "000-B §六.2")

    class Options(RuleOptions):
        words: list[str] = Field(list(pii.SALARY_WORDS), min_length=1, description="the pay words looked for")
        extra_words: list[str] = Field(default_factory=list, description="more pay words, added to `words`")

    def check(self, ctx: AuditContext) -> pd.DataFrame:
        frames = []
        for opts, scopes, msgs in batches(ctx, self.code):
            hits = pii.salary_talk(msgs["text"], tuple(dict.fromkeys(opts.words + opts.extra_words)),
                                   normal_text(ctx, msgs))
            if hits.empty:
                continue
            first, words = first_hits(hits, ["message"])
            shown = "pay words " + words + " in " + quoted(msgs, first)["around"]
            rows = finding_rows(ctx, msgs, pd.DataFrame({"message": first["message"], "evidence": shown}))
            rows["message"] = sentence(rows, "pay talk (" + words + ")")
            frames += per_scope(ctx, self, scopes, rows)
        return concat(frames, ctx.tz)


#: the rules this module defines, in the order `grpaudit rules` lists them
RULES: tuple = (IdNumbers(), BankCards(), MobileNumbers(), PayTalk())
