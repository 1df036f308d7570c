"""``init_command``: a starting policy that extends a shipped one, validates, audits, and never overwrites by accident."""
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from grpaudit.cli.app import app
from grpaudit.cli.init_cmd import init_command, shipped
from grpaudit.policy import load_policy

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_exports"


def init(tmp_path, from_="wechat-dingtalk", company=None, out="grpaudit.yaml", force=False):
    console, err = Console(record=True, width=200), Console(record=True, width=200)
    code = init_command(from_, company, tmp_path / out, force, console, err)
    return code, console.export_text(), err.export_text()


def nam001_findings(tmp_path, policy: Path) -> list[dict]:
    out = tmp_path / policy.stem
    res = CliRunner().invoke(app, ["audit", str(DEMO / "chats"), "--members", str(DEMO / "members.csv"),
                                   "--roster", str(DEMO / "roster.csv"), "--groups", str(DEMO / "groups.csv"),
                                   "--policy", str(policy), "--period", "2026-10", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return [v for v in json.loads((out / "violations.json").read_text(encoding="utf-8")) if v["rule"] == "NAM001"]


def test_lists_every_shipped_policy():
    assert {"default", "zedong", "workgroup-handbook", "wechat-fines", "wechat-dingtalk", "unit-wechat"} <= set(shipped())


def test_writes_a_policy_extending_the_shipped_one_with_the_company(tmp_path):
    code, out, err = init(tmp_path, company="澤東科技")
    assert (code, err) == (0, "")
    assert "wrote" in out and "extends wechat-dingtalk" in out
    p = load_policy(tmp_path / "grpaudit.yaml")
    base = load_policy(ROOT / "policies" / "wechat-dingtalk.yaml")
    assert p.company.name == "澤東科技"
    assert p.title == "澤東科技 — 微信与钉钉群管理制度 (002)"
    assert p.enabled_rules() == base.enabled_rules()
    assert [m.clause for m in p.manual] == [m.clause for m in base.manual]
    assert p.rules["REP002"].base.options.minutes == 30


def test_without_a_company_the_policy_still_validates(tmp_path):
    code, _, _ = init(tmp_path, from_="wechat-fines")
    assert code == 0
    p = load_policy(tmp_path / "grpaudit.yaml")
    assert p.company.name is None and p.vocabulary.companies == ()
    res = CliRunner().invoke(app, ["validate", str(tmp_path / "grpaudit.yaml")])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("company", ['A: "B" # c', "null", "{x}", "澤東\n科技"])
def test_any_company_name_is_written_safely(tmp_path, company):
    code, _, _ = init(tmp_path, company=company)
    assert code == 0
    assert load_policy(tmp_path / "grpaudit.yaml").company.name == company.strip()


def test_the_company_name_fills_the_group_name_template(tmp_path):
    # zedong: 澤東XXXX工作群 / 團隊; the demo's groups are named 澤東…, so another company's name fails them all
    assert init(tmp_path, from_="zedong", company="澤東", out="ours.yaml")[0] == 0
    assert init(tmp_path, from_="zedong", company="恒通", out="theirs.yaml")[0] == 0
    ours = nam001_findings(tmp_path, tmp_path / "ours.yaml")
    theirs = nam001_findings(tmp_path, tmp_path / "theirs.yaml")
    # under 000-A a 项目群 / 临时群 is named …工作群 too; the unregistered 联调群 lacks both parts
    assert sorted(f["group"] for f in ours) == ["智能仓储V3.2联调群", "澤東华南客户项目群", "澤東国庆值班临时群"]
    assert "澤東销售部工作群" in {f["group"] for f in theirs} and len(theirs) > len(ours)


def test_never_overwrites_without_force(tmp_path):
    target = tmp_path / "grpaudit.yaml"
    target.write_text("# mine\n", encoding="utf-8")
    code, _, err = init(tmp_path)
    assert code == 2 and "exists" in err and "--force" in err
    assert target.read_text(encoding="utf-8") == "# mine\n"
    assert init(tmp_path, force=True)[0] == 0
    assert "extends: wechat-dingtalk" in target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["grpaudit.yaml"]   # no temporary file left behind


def test_unknown_policy_is_a_usage_error_with_a_suggestion(tmp_path):
    code, _, err = init(tmp_path, from_="wechat-dingtalks")
    assert code == 2 and "did you mean 'wechat-dingtalk'" in err
    assert not (tmp_path / "grpaudit.yaml").exists()


def test_empty_company_is_a_usage_error(tmp_path):
    code, _, err = init(tmp_path, company="  ")
    assert code == 2 and "empty" in err
    assert not (tmp_path / "grpaudit.yaml").exists()


def test_out_may_name_a_new_folder(tmp_path):
    assert init(tmp_path, out="conf/policy.yaml")[0] == 0
    assert load_policy(tmp_path / "conf" / "policy.yaml").files[0].endswith("wechat-dingtalk.yaml")
