"""The demo month audited with the shipped default policy (what `make demo` runs), end to end."""
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from grpaudit.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_exports"


def test_demo_audit_finds_exactly_the_planted_cases(tmp_path):
    res = CliRunner().invoke(app, [
        "audit", str(DEMO / "chats"), "--members", str(DEMO / "members.csv"), "--roster", str(DEMO / "roster.csv"),
        "--groups", str(DEMO / "groups.csv"), "--policy", str(DEMO / "policy.yaml"), "--period", "2026-10",
        "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    violations = json.loads((tmp_path / "violations.json").read_text(encoding="utf-8"))
    found = {(v["rule"], v["group"], v["person_id"] or v["person_name"]) for v in violations}
    assert found == {
        ("NAM001", "智能仓储V3.2联调群", "ZD1004"),            # no 澤東…群 name; owner 林峰
        ("NAM002", "澤東科技全员工作群", "ZD1021"),            # 高远 shows as 远方
        ("NAM002", "澤東科技全员工作群", "ZD1024"),            # 韩梅 shows as 韩梅梅
        ("NAM002", "澤東科技全员工作群", "ZD1032"),            # 冯晓雨 still Rain after her grace period
        ("NAM002", "澤東销售部工作群", "ZD1013"),              # 张伟 (sales) posted as 伟哥 on 10-02
        ("NAM002", "澤東销售部工作群", "ZD1015"),              # Amy赵敏
        ("NAM002", "澤東销售部工作群", "ZD1017"),              # 销售部郑雪 after her transfer
        ("NAM002", "澤東研发部工作群", "ZD1018"),              # 张伟（研发）: 研发 is no title
        ("NAM002", "澤東研发部工作群", "ZD1019"),              # 何俊(硬件)
        ("NAM002", "智能仓储V3.2联调群", "ZD1018"),
        ("MEM001", "澤東科技全员工作群", "ZD1016"),            # 吴昊 left 10-16, still in on 10-31
        ("MEM001", "澤東华南客户项目群", "ZD1016"),            # … and in the client project group he owns
        ("MEM005", "澤東财务部工作群", None),                 # the registry names no 群负责人
        ("MEM006", "澤東华南客户项目群", "ZD1016"),            # its owner has left
        ("LIF003", "澤東华南客户项目群", "ZD1016"),            # its 群负责人 has left, nobody took over
        ("MEM003", "澤東仓储物流部工作群", "恒通物流陈师傅"),    # a driver, not an employee
        ("MEM004", "澤東研发部工作群", "ZD1011"),              # 刘洋 quit the R&D QQ group
        ("LIF001", "智能仓储V3.2联调群", "ZD1004"),            # exported, not registered
        ("LIF002", "澤東国庆值班临时群", "ZD1006"),            # ended 10-08, message on 10-13
        # reply timers on the working clock (20 / 30 working minutes)
        ("REP001", "澤東科技全员工作群", "ZD1004"),            # 研发部张伟's question, 林峰 never answered
        ("REP001", "澤東研发部工作群", "ZD1004"),              # 徐婷 asks, 林峰 does not answer; 张伟 does
        ("REP001", "澤東销售部工作群", "ZD1003"),              # 李娜 10-12, 王磊 late
        ("REP001", "澤東销售部工作群", "ZD1003"),
        ("REP001", "澤東国庆值班临时群", "ZD1003"),            # asked on the holiday, due 10-08, never answered
        ("REP001", "澤東国庆值班临时群", "ZD1006"),
        ("REP002", "澤東管理层工作群", "ZD1005"),              # 钱芳 answers 周建国 after 37 minutes
        ("REP002", "澤東华南客户项目群", "ZD1006"),            # 彭勇 answers 王磊 after 38 minutes
        ("REP003", "澤東科技全员工作群", "ZD1002"),            # 周建国's question, 陈静 answers after 67 minutes
        ("REP003", "澤東华南客户项目群", "ZD1016"),            # the customer's question, the 群负责人 never answers
        # late-night posts (22:00-07:00), one per person per evening
        ("OFF001", "澤東科技全员工作群", "ZD1014"),
        ("OFF001", "澤東研发部工作群", "ZD1021"),
        ("OFF001", "澤東销售部工作群", "ZD1013"),
        ("OFF001", "澤東销售部工作群", "ZD1031"),
        ("OFF001", "智能仓储V3.2联调群", "ZD1021"),            # 12:15:08 AM on 10-13
        # content
        ("CON001", "澤東科技全员工作群", "ZD1037"),            # 砍一刀
        ("CON003", "澤東科技全员工作群", "ZD1037"),            # … behind a t.cn short link
        ("CON001", "澤東销售部工作群", "ZD1031"),              # 兼职日结
        ("CON001", "澤東仓储物流部工作群", "ZD1026"),          # 脑残
        # personal data
        ("PRI002", "澤東财务部工作群", "ZD1023"),              # a UnionPay card number
        ("PRI001", "澤東财务部工作群", "ZD1024"),              # an ID number (GB 11643 example)
        ("PRI003", "澤東仓储物流部工作群", "恒通物流陈师傅"),
        ("PRI003", "澤東研发部工作群", "ZD1004"),              # 林峰 posts his own mobile
        # recalls, for review
        ("NOT002", "澤東科技全员工作群", "ZD1019"), ("NOT002", "澤東仓储物流部工作群", "ZD1028"),
        ("NOT002", "澤東销售部工作群", "ZD1014"), ("NOT002", "澤東销售部工作群", "ZD1003"),
        ("NOT002", "澤東研发部工作群", "ZD1018"), ("NOT002", "澤東财务部工作群", "ZD1022"),
        ("NOT002", "澤東华南客户项目群", "ZD1014"), ("NOT002", "羽毛球小分队", "ZD1014"),
    }
    csv = pd.read_csv(tmp_path / "findings-2026-10.csv", encoding="utf-8-sig", dtype=str)
    assert len(csv) == len(violations) == 50 and csv.columns[0] == "编号"        # --lang zh is the default
    assert len({v["fingerprint"] for v in violations}) == len(violations)
    assert (tmp_path / "findings-2026-10.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_demo_audit_writes_every_report_and_per_department_files(tmp_path):
    res = CliRunner().invoke(app, [
        "audit", str(DEMO / "chats"), "--members", str(DEMO / "members.csv"), "--roster", str(DEMO / "roster.csv"),
        "--groups", str(DEMO / "groups.csv"), "--policy", str(DEMO / "policy.yaml"), "--period", "2026-10",
        "--out", str(tmp_path), "--split-by", "department", "--lang", "en", "--quiet"])
    assert res.exit_code == 0, res.output
    for name in ("audit-2026-10.xlsx", "audit-2026-10.html", "findings-2026-10.csv", "people-2026-10.csv",
                 "violations.json", "people.json", "summary.json"):
        assert (tmp_path / name).is_file(), name
    sales = pd.read_csv(next((tmp_path / "departments" / "销售部").glob("people-*.csv")), encoding="utf-8-sig")
    assert set(sales["Department"]) == {"销售部"}


def test_demo_money_follows_the_demo_schedule(tmp_path):
    """sample_exports/policy.yaml charges 001's amounts; each figure below is worked out by hand."""
    res = CliRunner().invoke(app, [
        "audit", str(DEMO / "chats"), "--members", str(DEMO / "members.csv"), "--roster", str(DEMO / "roster.csv"),
        "--groups", str(DEMO / "groups.csv"), "--policy", str(DEMO / "policy.yaml"), "--period", "2026-10",
        "--out", str(tmp_path), "--format", "json", "--quiet"])
    assert res.exit_code == 0, res.output
    people = {p["person_id"]: p for p in json.loads((tmp_path / "people.json").read_text(encoding="utf-8"))
              if p["person_id"]}
    # 陈静 is responsible for the company group: 3 wrong nicknames × 10 元 + 吴昊 not removed 20 元
    assert people["ZD1002"]["fine_yuan"] == 50
    # 谢刚: 陈师傅 in the warehouse group 20 元 + the holiday duty group not dissolved 30 元 (at least)
    assert people["ZD1026"]["fine_yuan"] == 50
    # 王磊: 3 wrong nicknames in his sales group × 10 元; 3 late replies as a manager × 3 points
    assert (people["ZD1003"]["fine_yuan"], people["ZD1003"]["points"]) == (30, 9)
    # a member with a wrong nickname pays 20 元 (高远 also has late-night posts: reminders only)
    assert people["ZD1021"]["fine_yuan"] == 20
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    # 9 nicknames × 20 + 8 joint charges × 10 (the unregistered 联调群 has nobody responsible)
    # + 20 + 20 + 30; NAM001's 50 is for the 联调群 too, so nobody can be charged it
    assert summary["fine_yuan"] == 330
    # the 50 元 of NAM001 and the 联调群's joint 10 元 had nobody to charge: said, not dropped
    assert any(w.startswith("NAM001: 1 finding(s) carry a responsible-person charge")
               for w in summary["data_quality"])
