"""``grpaudit inspect`` as scripts and people run it."""
import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from grpaudit.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "data" / "demo_month"   # the demo month frozen (sample_exports/ may grow)
ARGS = [str(DEMO / "chats"), "--members", str(DEMO / "members.csv"), "--roster", str(DEMO / "roster.csv"),
        "--groups", str(DEMO / "groups.csv")]


def test_inspect_json_has_the_documented_shape():
    res = CliRunner().invoke(app, ["inspect", *ARGS, "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["version"] == 1
    f = next(f for f in doc["files"] if f["path"].endswith("dingtalk_admin_export.csv"))
    assert f["format"] == "generic_chat" and f["encoding"] == "utf-8"
    assert f["messages"] == 21 and f["events"] == 2
    assert [s["line"] for s in f["skipped"]] == [26, 27]
    assert all(set(s) >= {"line", "reason"} for s in f["skipped"])
    g = next(g for g in doc["groups"] if g["name"] == "澤東销售部工作群")
    assert (g["id"], g["platform"], g["messages"], g["members"]) == ("45127796301@chatroom", "wechat", 57, 6)
    ids = doc["identities"]
    assert ids["resolved"] > 0
    unresolved = {u["platform_id"] for u in ids["unresolved"]}
    assert "wxid_cs0a2s4d6f8g12" in unresolved                    # 陈师傅, not an employee
    assert "woZdKq3LBwAAm8Hq2Rj5Tx0Uc7Vb4Nf1Ke" in unresolved     # the external WeCom contact
    for a in ids["ambiguous"]:
        assert len(a["candidates"]) >= 2 and a["groups"]
    assert doc["totals"] == {"files": 12, "errors": 0, "messages": 217, "events": 24, "members": 77,
                             "roster": 25, "groups": 11, "skipped": 4, "duplicates": 22}


def test_inspect_exit_code_3_on_unreadable_input(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"\x00\x01\x02garbage\xff\xfe\xfd" * 10)
    res = CliRunner().invoke(app, ["inspect", str(bad)])
    assert res.exit_code == 3
    assert "x.txt" in res.output


def test_inspect_exit_code_2_on_usage_error():
    proc = subprocess.run([sys.executable, "-m", "grpaudit", "inspect", str(DEMO / "chats"), "--format", "nope"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "--format" in proc.stderr


def test_inspect_terminal_summary_runs_as_a_subprocess():
    proc = subprocess.run([sys.executable, "-m", "grpaudit", "inspect", *ARGS], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "澤東销售部工作群" in proc.stdout and "Totals" in proc.stdout
