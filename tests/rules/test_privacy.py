"""Privacy rules (PRI001–PRI004) over the demo month and over small synthetic message tables."""
import pandas as pd
import pytest

from grpaudit.findings import FINDINGS
from grpaudit.policy import load_policy
from grpaudit.rules import RULES, AuditContext

from .test_content import OCT, POLICY, check, keys, lines, messages, policy

GB_EXAMPLE = "11010519491231002X"        # the GB 11643 example, posted in the demo's finance group
ID_AND_LUHN = "110105199003070068"       # a valid ID that also passes Luhn (no card prefix)
CARD = "6222020012345678"                # UnionPay prefix, Luhn valid… checked below
T = pd.Timestamp


def luhn_fix(digits: str) -> str:
    """``digits`` with the last digit set so that the Luhn check passes."""
    for d in "0123456789":
        n = digits[:-1] + d
        total = sum((int(c) * (2 if i % 2 else 1)) - (9 if int(c) * (2 if i % 2 else 1) > 9 else 0)
                    for i, c in enumerate(reversed(n)))
        if total % 10 == 0:
            return n
    raise AssertionError


GOOD_CARD = luhn_fix("6222020012345670")
BAD_CARD = GOOD_CARD[:-1] + str((int(GOOD_CARD[-1]) + 1) % 10)


# ---- the demo month ----------------------------------------------------------

def test_demo_month(ctx_of):
    ctx = ctx_of(POLICY)
    found = {code: keys(RULES[code].check(ctx)) for code in ("PRI001", "PRI002", "PRI003", "PRI004")}
    # DingTalk finance group, data row 19: 韩梅 posts her mother's ID number
    assert found["PRI001"] == {("PRI001", "澤東财务部工作群", "ZD1024", "2026-10-19 10:05:09")}
    assert found["PRI002"] == set()
    assert found["PRI003"] == {
        ("PRI003", "澤東研发部工作群", "ZD1004", "2026-10-16 18:20:45"),          # 林峰, his own 13800001004
        ("PRI003", "澤東仓储物流部工作群", "恒通物流陈师傅", "2026-10-09 14:25:37"),  # the driver, not in the roster
    }
    # 王磊 reminds the sales group that late payment affects 提成 (commission): a pay word
    assert found["PRI004"] == {("PRI004", "澤東销售部工作群", "ZD1003", "2026-10-26 09:00:30")}


def test_demo_evidence_is_masked(ctx_of):
    ctx = ctx_of(POLICY)
    row = RULES["PRI001"].check(ctx).iloc[0]
    assert row["evidence"] == ("resident ID number 110105********002X in "
                               "“@曹敏 我妈的身份证号110105********002X，团险家属投保用一下”")
    assert (row["person_name"], row["source_line"], row["severity"]) == ("韩梅", 20, "major")
    assert row["source_file"].endswith("dingtalk_admin_export.csv")
    phones = RULES["PRI003"].check(ctx).set_index("person_name")
    assert phones.loc["林峰", "evidence"] == "mobile number 138****1004 in “…苦大家！周末有问题直接打我电话138****1004”"
    assert phones.loc["林峰", "source_line"] == 49 and phones.loc["林峰", "severity"] == "minor"
    every = pd.concat([RULES[c].check(ctx) for c in ("PRI001", "PRI003")])
    assert not every["evidence"].str.contains(r"\d{7}").any()


def test_demo_own_number_exemption(ctx_of, tmp_path):
    path = tmp_path / "own.yaml"
    path.write_text(f"extends: {POLICY}\nrules:\n  PRI003:\n    options: {{exempt_own_number: true}}\n",
                    encoding="utf-8")
    # 林峰's number is his roster 手机; the driver is not in the roster, so his stays
    assert keys(RULES["PRI003"].check(ctx_of(path))) == {
        ("PRI003", "澤東仓储物流部工作群", "恒通物流陈师傅", "2026-10-09 14:25:37")}


# ---- synthetic messages ---------------------------------------------------------

def test_valid_and_invalid_id_numbers(tmp_path):
    bad_check = GB_EXAMPLE[:-1] + "1"                       # wrong check character
    bad_date = "110105194913310027"                         # month 13
    out = check("PRI001", policy(tmp_path, "PRI001:"), messages(
        f"身份证 {GB_EXAMPLE.lower()}", f"身份证 {bad_check}", f"订单号 {bad_date}", "110105 19491231 002X"))
    assert lines(out) == [2, 5]
    assert out["evidence"].str.contains("110105********002X", regex=False).all()


def test_bank_card_luhn(tmp_path):
    assert GOOD_CARD != BAD_CARD
    path = policy(tmp_path, "PRI002:")
    out = check("PRI002", path, messages(f"卡号{GOOD_CARD}", f"卡号{BAD_CARD}",
                                          " ".join(GOOD_CARD[i:i + 4] for i in range(0, 16, 4))))
    assert lines(out) == [2, 4]
    assert out["evidence"].iloc[0] == f"bank card number 6222********{GOOD_CARD[-4:]} in “卡号6222********{GOOD_CARD[-4:]}”"
    assert out["evidence"].iloc[1].endswith(f"“6222 **** **** {GOOD_CARD[-4:]}”")


def test_18_digits_passing_both_checks_is_decided_by_context(tmp_path):
    texts = (f"工资卡卡号{ID_AND_LUHN}", f"身份证{ID_AND_LUHN}", ID_AND_LUHN)
    ids = check("PRI001", policy(tmp_path, "PRI001:"), messages(*texts))
    cards = check("PRI002", policy(tmp_path, "PRI002:", "q.yaml"), messages(*texts))
    assert lines(ids) == [3, 4] and lines(cards) == [2]


def test_mobile_numbers_and_own_number(tmp_path):
    texts = ("我电话13800001013", "李娜的电话 138-0000-1014", "订单20261013800001013号", "+86 13900002222")
    out = check("PRI003", policy(tmp_path, "PRI003:"), messages(*texts))
    assert lines(out) == [2, 3, 5]
    own = check("PRI003", policy(tmp_path, "PRI003: {options: {exempt_own_number: true}}", "o.yaml"),
                messages(*texts))
    assert lines(own) == [3, 5]                                # 张伟's own 13800001013 is exempt
    assert own["evidence"].tolist() == ["mobile number 138****1014 in “李娜的电话 138-****-1014”",
                                        "mobile number 139****2222 in “+86 139****2222”"]


def test_one_finding_per_number(tmp_path):
    out = check("PRI003", policy(tmp_path, "PRI003:"), messages("13800001013 13800001014"))
    assert out["evidence"].str.split(" in ").str[0].tolist() == ["mobile number 138****1013",
                                                                 "mobile number 138****1014"]


def test_pay_talk(tmp_path):
    path = policy(tmp_path, """
        PRI004:
          options: {extra_words: [调薪名单]}
          classes:
            interest: {enabled: false}
        """)
    msgs = pd.concat([messages("你月薪多少？年 終 獎发了吗", "调薪名单出来了", "明天开会"),
                      messages("工资发了吗", group="g2")], ignore_index=True)
    out = check("PRI004", path, msgs)
    assert lines(out) == [2, 3]
    assert out.set_index("source_line").loc[2, "evidence"] == "pay words 月薪、年终奖 in “你月薪多少？年 終 獎发了吗”"
    only = check("PRI004", policy(tmp_path, "PRI004: {options: {words: [年终奖]}}", "w.yaml"), msgs)
    assert lines(only) == [2]


@pytest.mark.parametrize("code", ["PRI001", "PRI002", "PRI003", "PRI004"])
def test_empty_tables(tmp_path, code):
    ctx = AuditContext.build(load_policy(policy(tmp_path, f"{code}:")), *OCT)
    out = RULES[code].check(ctx)
    assert out.empty and list(out.columns) == FINDINGS.names
