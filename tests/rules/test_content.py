"""Content rules (CON001–CON003) over the demo month and over small synthetic message tables."""
import datetime as dt
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.findings import FINDINGS
from grpaudit.policy import PolicyError, load_policy
from grpaudit.rules import RULES, AuditContext
from grpaudit.rules.content import CATEGORIES, shipped_lists

TZ = "Asia/Shanghai"
DATA = Path(__file__).resolve().parent / "data" / "content"
POLICY = DATA / "content.yaml"
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
T = pd.Timestamp


def keys(findings: pd.DataFrame) -> set:
    """(rule, group, person id else name, local time) of each finding."""
    who = findings["person_id"].fillna(findings["person_name"])
    return set(zip(findings["rule"], findings["group_name"], who, findings["time"].dt.strftime("%Y-%m-%d %H:%M:%S")))


def policy(tmp_path: Path, rules: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text("classes:\n  work: {default: true}\n  interest: {types: interest}\nrules:\n"
                    + textwrap.indent(textwrap.dedent(rules).strip("\n"), "  ") + "\n", encoding="utf-8")
    return path


GROUPS = model.conform(pd.DataFrame({
    "group_id": ["g1", "g2"], "group_name": ["澤東销售部工作群", "羽毛球小分队"], "platform": ["wechat", "qq"],
    "group_type": ["department", "interest"], "registered": [True, True]}), model.GROUPS, TZ)
ROSTER = model.conform(pd.DataFrame({"employee_id": ["ZD1013", "ZD1014"], "name": ["张伟", "李娜"],
                                     "phone": ["13800001013", "13800001014"]}), model.ROSTER, TZ)


def messages(*texts: str, group: str = "g1", kind: str = "text", start: str = "2026-10-12 09:00") -> pd.DataFrame:
    """One message per text from 张伟 (ZD1013), a minute apart, lines 2, 3, …"""
    n = len(texts)
    return model.conform(pd.DataFrame({
        "platform": "wechat", "group_id": group, "group_name": "exported name",
        "time": pd.date_range(start, periods=n, freq="min"), "sender_id": "wxid_zw", "sender_name": "销售部张伟",
        "person_id": "ZD1013", "kind": kind, "text": list(texts), "source_file": "chat.csv",
        "source_line": range(2, n + 2)}), model.MESSAGES, TZ)


def check(code: str, path: Path, msgs: pd.DataFrame) -> pd.DataFrame:
    ctx = AuditContext.build(load_policy(path), *OCT, messages=msgs, groups=GROUPS, roster=ROSTER, tz=TZ)
    out = RULES[code].check(ctx)
    assert list(out.columns) == FINDINGS.names
    return out


def lines(findings: pd.DataFrame) -> list[int]:
    return sorted(findings["source_line"].tolist())


# ---- the demo month ----------------------------------------------------------

def test_demo_month(ctx_of):
    ctx = ctx_of(POLICY)
    found = {code: keys(RULES[code].check(ctx)) for code in ("CON001", "CON002", "CON003")}
    # no shipped word matches the demo month's ordinary work chat
    assert found["CON001"] == set()
    assert found["CON002"] == {
        ("CON002", "澤東管理层工作群", "ZD1005", "2026-10-22 15:40:12"),      # 回款386万 (unpublished financials)
        ("CON002", "澤東华南客户项目群", "ZD1014", "2026-10-13 09:40:02"),   # 单价是185元/台, later recalled
    }
    # the DingTalk finance group's row 15: chinatax.gov.cn is not on this policy's allow list
    assert found["CON003"] == {("CON003", "澤東财务部工作群", "ZD1024", "2026-10-12 11:22:40")}


def test_demo_month_evidence(ctx_of):
    ctx = ctx_of(POLICY)
    con2 = RULES["CON002"].check(ctx).set_index("person_id")
    assert con2.loc["ZD1014", "severity"] == "critical" and con2.loc["ZD1005", "severity"] == "major"
    assert con2.loc["ZD1014", "evidence"] == "单价: 单价是185元 in “刘总，合同模板发您邮箱了，单价是185元/台”"
    assert con2.loc["ZD1005", "person_name"] == "钱芳" and con2.loc["ZD1005", "clause"] == "000-B §六.2; 003 §三"
    link = RULES["CON003"].check(ctx).iloc[0]
    assert link["evidence"] == "https://inv-veri.chinatax.gov.cn/ (domain chinatax.gov.cn not allowed)"
    assert (link["person_name"], link["group_class"], link["source_line"]) == ("韩梅", "department", 16)
    assert link["source_file"].endswith("dingtalk_admin_export.csv")


def test_demo_government_link_is_fine_when_gov_cn_is_allowed(ctx_of, tmp_path):
    path = tmp_path / "gov.yaml"
    path.write_text(f"extends: {POLICY}\nrules:\n  CON003:\n    options:\n"
                    "      allow_domains: [zedongtech.example, qq.com, gov.cn]\n", encoding="utf-8")
    assert RULES["CON003"].check(ctx_of(path)).empty
    path.write_text(f"extends: {POLICY}\nrules:\n  CON003:\n    options:\n"
                    "      only_allowed: false\n      deny_domains: [chinatax.gov.cn]\n", encoding="utf-8")
    out = RULES["CON003"].check(ctx_of(path))
    assert out["evidence"].tolist() == ["https://inv-veri.chinatax.gov.cn/ (denied domain chinatax.gov.cn)"]


def test_shipped_lists():
    assert set(shipped_lists()) == set(CATEGORIES) | {"allow"}


# ---- CON001: word lists ------------------------------------------------------

EVASIONS = [
    # category, message, the word as listed, as written
    ("redline_political", "有人在传颠 覆 国 家 政 权的帖子", "颠覆国家政权", "颠 覆 国 家 政 权"),
    ("redline_religious", "周末去參加邪教聚会吗", "邪教", "邪教"),
    ("redline_porn", "别点那个黃色網站链接", "黄色网站", "黃色網站"),
    ("redline_violence", "再拖我就弄\u200b死你", "弄死你", "弄\u200b死你"),
    ("insult_discrimination", "你就是个ＳＢ，傻Ｂ一个", "傻b", "傻Ｂ"),
    ("ads_marketing", "兼职日结，日赚500，加微信领取", "兼职日结", "兼职日结"),
    ("gambling", "晚上一起赌 博吗", "赌博", "赌 博"),
    ("rumour", "内部消息称下月停发奖金", "内部消息称", "内部消息称"),
    ("private_matters", "周六相親的事回头聊", "相亲", "相親"),
]


@pytest.mark.parametrize("category,text,word,written", EVASIONS)
def test_every_category_with_an_evaded_spelling(tmp_path, category, text, word, written):
    out = check("CON001", policy(tmp_path, "CON001:"), messages("正常的工作消息", text))
    assert out["source_line"].tolist() == [3]
    row = out.iloc[0]
    assert row["evidence"].startswith(f"{written} ({category}: {word}") and ") in “" in row["evidence"]
    assert row["severity"] == ("critical" if category.startswith("redline") or category == "insult_discrimination"
                               else "major")
    assert row["person_id"] == "ZD1013" and row["person_name"] == "张伟" and row["group_name"] == "澤東销售部工作群"
    assert row["time"] == T("2026-10-12 09:01", tz=TZ) and row["group_class"] == "work"


def test_gambling_full_width_and_traditional(tmp_path):
    out = check("CON001", policy(tmp_path, "CON001:"), messages("賭博的事别提", "ｂａｉｊｉａｌｅ", "百家樂今晚开"))
    assert lines(out) == [2, 4]
    assert set(out["evidence"].str.split(" ").str[0]) == {"賭博", "百家樂"}


def test_allow_list_beats_the_deny_word_it_contains(tmp_path):
    out = check("CON001", policy(tmp_path, "CON001:"),
                messages("前面路口交通管制，绕行", "以下注意事项请看", "门口，交接一下", "这是口交"))
    # 路口交通 and 以下注意 are allowed; the comma keeps 口，交 apart; only the last is a hit
    assert lines(out) == [5]


def test_one_finding_per_message_and_category_with_all_words(tmp_path):
    out = check("CON001", policy(tmp_path, "CON001:"), messages("赌博、博彩、百家乐都别碰，也别刷单"))
    assert sorted(out["evidence"].str.extract(r"\((\w+): ([^)]*)\)").apply(tuple, axis=1)) == [
        ("ads_marketing", "刷单"), ("gambling", "赌博、博彩、百家乐")]
    assert set(out["clause"]) == {"002 §四.2.3; 001 第十二条; 000-A; 003", "002 §四.2.3; 001 第十二条; 000-A"}


def test_lists_from_files_next_to_the_policy_and_inline_words(tmp_path):
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "competitors.txt").write_text("# 竞品\n恒通科技\n", encoding="utf-8-sig")
    (tmp_path / "lists" / "ok.txt").write_text("赌博史研究\n", encoding="utf-8")
    path = policy(tmp_path, """
        CON001:
          severity: minor
          clause: 公司保密制度
          options:
            lists: {competitors: ./lists/competitors.txt, gambling: gambling}
            words: {gambling: [赌狗]}
            allow: [allow, lists/ok.txt]
            severities: {gambling: critical}
        """)
    out = check("CON001", path, messages("恒 通 科 技又降价了", "赌狗群别拉我", "我在写赌博史研究", "傻逼"))
    assert lines(out) == [2, 3]           # insults are not in this policy's lists; 赌博史研究 is allowed
    assert out.set_index("source_line")["severity"].to_dict() == {2: "minor", 3: "critical"}
    assert set(out["clause"]) == {"公司保密制度"}


def test_class_options_and_disabled_classes(tmp_path):
    path = policy(tmp_path, """
        CON001:
          classes:
            interest: {options: {lists: {gambling: gambling}}}
        """)
    msgs = pd.concat([messages("晚上约饭吗", "赌博不行"), messages("晚上约饭吗", "赌博不行", group="g2")],
                     ignore_index=True)
    out = check("CON001", path, msgs)
    assert sorted(zip(out["group_class"], out["source_line"])) == [("interest", 3), ("work", 2), ("work", 3)]


def test_messages_outside_the_period_are_ignored(tmp_path):
    msgs = pd.concat([messages("赌博", start="2026-09-30 23:59"), messages("赌博", start="2026-11-01 00:00"),
                      messages("赌博", start="2026-10-31 23:59")], ignore_index=True)
    out = check("CON001", policy(tmp_path, "CON001:"), msgs)
    assert out["time"].tolist() == [T("2026-10-31 23:59", tz=TZ)]


def test_evidence_masks_numbers(tmp_path):
    out = check("CON001", policy(tmp_path, "CON001:"),
                messages("赌博输了打13800001004", "身份证11010519491231002X借我去赌博"))
    assert out["evidence"].tolist() == ["赌博 (gambling: 赌博) in “赌博输了打138****1004”",
                                        "赌博 (gambling: 赌博) in “…********002X借我去赌博”"]


def test_missing_list_file_names_the_policy_line(tmp_path):
    path = policy(tmp_path, """
        CON001:
          options:
            lists: {gambling: ./missing.txt}
        """)
    with pytest.raises(PolicyError) as err:
        check("CON001", path, messages("赌博"))
    assert "missing.txt" in str(err.value) and f"{path}:7:" in str(err.value)


def test_unknown_shipped_list_is_refused_at_load(tmp_path):
    with pytest.raises(PolicyError, match="no shipped word list 'gambing'; did you mean 'gambling'"):
        load_policy(policy(tmp_path, "CON001:\n  options: {lists: {gambling: gambing}}"))


# ---- CON002: the policy's patterns --------------------------------------------

def test_custom_patterns(tmp_path):
    path = policy(tmp_path, r"""
        CON002:
          options:
            patterns:
              项目代号: '(?i)project\s*falcon'
              底价: {pattern: '底价\D{0,3}\d+', severity: critical, description: 内部底价}
        """)
    out = check("CON002", path, messages("Project  FALCON 下周上线", "底价是 3200，别外传", "报价3200", "falcon"))
    by = out.set_index("source_line")
    assert sorted(by.index) == [2, 3]
    assert by.loc[2, "evidence"] == "项目代号: Project  FALCON in “Project  FALCON 下周上线”"
    assert by.loc[3, ["severity", "message"]].tolist() == [
        "critical", "张伟 posted text matching the pattern '底价' (内部底价) in 澤東销售部工作群."]
    assert by.loc[2, "severity"] == "major"


@pytest.mark.parametrize("pattern,problem", [
    (r"(a)\1", "bad regular expression"),              # back-reference: needs backtracking
    (r"(?=a)b", "bad regular expression"),             # look-ahead
    (r"x*", "matches an empty message"),
])
def test_patterns_re2_cannot_run_safely_are_refused(tmp_path, pattern, problem):
    with pytest.raises(PolicyError, match=problem):
        load_policy(policy(tmp_path, f"CON002:\n  options: {{patterns: {{p: '{pattern}'}}}}"))


def test_catastrophic_pattern_runs_in_linear_time(tmp_path):
    # (a+)+$ backtracks exponentially in Python's re; RE2 does not
    out = check("CON002", policy(tmp_path, "CON002:\n  options: {patterns: {p: '(a+)+b$'}}"),
                messages("a" * 50_000 + "!", "aaab"))
    assert lines(out) == [3]


# ---- CON003: links -------------------------------------------------------------

def test_links(tmp_path):
    path = policy(tmp_path, """
        CON003:
          options:
            allow_domains: [zedongtech.example, qq.com]
            deny_domains: [bet365.com]
        """)
    out = check("CON003", path, messages(
        "报表见 https://docs.qq.com/sheet/abc，谢谢",                 # allowed
        "点这里 t.cn/A6xYz9 领红包",                                 # short link
        "m.bet365.com/zh 注册送彩金",                                # denied (subdomain)
        "驱动在 http://files.zedongtech.example/tool.exe",           # allowed domain, but an executable
        "外网资料 https://www.example.org/a.pdf",                     # not allow-only: fine
        "[文件] 发票.pdf.exe",                                        # a file message with a decoy extension
    ))
    ev = out.set_index("source_line")["evidence"].to_dict()
    assert ev == {
        3: "t.cn/A6xYz9 (short link hides the destination)",
        4: "m.bet365.com/zh (denied domain bet365.com)",
        5: "http://files.zedongtech.example/tool.exe (file type .exe)",
    }
    files = check("CON003", path, messages("[文件] 发票.pdf.exe", "[文件] 报告.pdf", kind="file"))
    assert files["evidence"].tolist() == ["发票.pdf.exe (file type .pdf.exe)"]


def test_links_only_allowed_and_switches(tmp_path):
    path = policy(tmp_path, """
        CON003:
          options: {allow_domains: [qq.com], only_allowed: true, short_links: false, risky_files: false}
        """)
    out = check("CON003", path, messages("https://docs.qq.com/x", "t.cn/A6xYz9 和 www.example.org/a.apk"))
    assert out["evidence"].tolist() == [
        "t.cn/A6xYz9 (domain t.cn not allowed); www.example.org/a.apk (domain example.org not allowed)"]
    assert out["message"].tolist() == ["张伟 posted risky links in 澤東销售部工作群."]


def test_domain_lists_are_validated(tmp_path):
    with pytest.raises(PolicyError, match="on both allow_domains and deny_domains"):
        load_policy(policy(tmp_path, "CON003:\n  options: {allow_domains: [a.com], deny_domains: [A.com]}"))
    with pytest.raises(PolicyError, match="expected a domain"):
        load_policy(policy(tmp_path, "CON003:\n  options: {deny_domains: ['https://a.com/x']}"))


def test_empty_tables(tmp_path):
    for code, rules in (("CON001", "CON001:"), ("CON002", "CON002: {options: {patterns: {p: x}}}"),
                        ("CON003", "CON003:")):
        ctx = AuditContext.build(load_policy(policy(tmp_path, rules)), *OCT)
        out = RULES[code].check(ctx)
        assert out.empty and list(out.columns) == FINDINGS.names
