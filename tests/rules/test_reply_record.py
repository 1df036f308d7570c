"""The reply-time record: per person who had to answer, questions owed, answered in time or late,
unanswered, median reply minutes; it agrees with the REP findings."""
import datetime as dt
import json

import pandas as pd
from typer.testing import CliRunner

from grpaudit.audit import parse_period, run
from grpaudit.cli.app import app
from grpaudit.dataset import load
from grpaudit.policy import load_policy
from grpaudit.reports import build
from grpaudit.rules import AuditContext, run_rules
from grpaudit.rules.reply_record import RECORD_COLUMNS, reply_record

from .conftest import DEMO, context
from .test_reply import GROUPS, ROSTER, TZ, msgs, policy


def record(tmp_path, rules: str, messages) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(findings, record) of one context over ``messages`` in October 2026."""
    ctx = AuditContext.build(policy(tmp_path, rules), dt.date(2026, 10, 1), dt.date(2026, 10, 31),
                             messages=messages, roster=ROSTER, groups=GROUPS, tz=TZ)
    return run_rules(ctx), reply_record(ctx)


# 李娜 asks her head 王磊 three questions: answered after 10 minutes, after 25, never.
THREE = msgs(("2026-10-13 10:00:00", "李娜", "恒达那边问：单价能否再降3%？"),
             ("2026-10-13 10:10:00", "王磊", "最多降2%"),
             ("2026-10-13 11:00:00", "李娜", "样品什么时候能发？"),
             ("2026-10-13 11:25:00", "王磊", "明天上午发"),
             ("2026-10-13 14:00:00", "李娜", "合同谁来盖章？"),
             ("2026-10-13 16:00:00", "彭勇", "仓库今天盘点"))      # the data runs past the last deadline


def test_three_questions_to_one_head(tmp_path):
    findings, rec = record(tmp_path, "REP001: {options: {clock: wall, minutes: 20}}", THREE)
    assert list(rec.columns) == list(RECORD_COLUMNS)
    assert rec.to_dict("records") == [{"person_id": "E2", "questions_owed": 3, "answered_in_time": 1,
                                       "answered_late": 1, "unanswered": 1, "median_reply_minutes": 17.5}]
    assert rec.dtypes.to_dict() == {"person_id": "str", "questions_owed": "int64", "answered_in_time": "int64",
                                    "answered_late": "int64", "unanswered": "int64",
                                    "median_reply_minutes": "Float64"}
    # late + unanswered are the findings
    assert findings["person_id"].tolist() == ["E2", "E2"]


def test_minutes_are_on_the_rules_clock_and_unjudged_pairs_are_not_owed(tmp_path):
    m = msgs(("2026-10-13 17:55:00", "李娜", "明天的样品能发吗？"),
             ("2026-10-14 09:10:00", "王磊", "能发"),                  # 5 + 10 working minutes later
             ("2026-10-14 10:00:00", "李娜", "运费谁出？"),
             ("2026-10-14 10:05:00", "李娜", "运费谁出？在线等"),       # a follow-up: the same question
             ("2026-10-14 10:30:00", "王磊", "我们出"),                 # 30 minutes: late
             ("2026-10-14 16:00:00", "李娜", "发票开了吗？"))            # due 16:20, the data ends first
    findings, rec = record(tmp_path, "REP001: {options: {clock: working, minutes: 20}}", m)
    assert rec.iloc[0].to_dict() == {"person_id": "E2", "questions_owed": 2, "answered_in_time": 1,
                                     "answered_late": 1, "unanswered": 0, "median_reply_minutes": 22.5}
    assert len(findings) == 1


def test_only_enabled_reply_rules_count(tmp_path):
    findings, rec = record(tmp_path, "NAM002: {}", THREE)
    assert rec.empty and list(rec.columns) == list(RECORD_COLUMNS)
    # REP004 alone: 王磊 owes nothing, nobody was @-ed
    assert reply_record(AuditContext.build(policy(tmp_path, "REP004: {}"), dt.date(2026, 10, 1),
                                           dt.date(2026, 10, 31), messages=THREE, roster=ROSTER,
                                           groups=GROUPS, tz=TZ)).empty


def test_demo_month_breaches_in_the_record_are_the_rep_findings(demo):
    ctx = context(demo, DEMO / "policy.yaml")
    f = run_rules(ctx)
    rec = reply_record(ctx).set_index("person_id")
    breaches = (rec["answered_late"] + rec["unanswered"])
    rep = f[f["rule"].str.startswith("REP")].groupby("person_id").size()
    assert breaches[breaches > 0].sort_index().to_dict() == rep.sort_index().to_dict() == {
        "ZD1003": 3, "ZD1004": 2, "ZD1005": 1, "ZD1006": 2}
    assert (rec["questions_owed"] == rec["answered_in_time"] + breaches).all()
    assert rec["answered_in_time"].sum() > 0                     # the record sees what findings do not


def test_audit_result_report_and_people_json_carry_the_record(tmp_path):
    ds = load([DEMO / "chats"], members=[DEMO / "members.csv"], roster=[DEMO / "roster.csv"],
              groups=[DEMO / "groups.csv"])
    res = run(ds, load_policy(DEMO / "policy.yaml"), *parse_period("2026-10"))
    assert list(res.reply_record.columns) == list(RECORD_COLUMNS) and len(res.reply_record)
    # unpriced: the counted people table has the columns right after the reply count
    people = build(res).people.set_index("person_id")
    assert list(people.columns[people.columns.get_loc("reply") + 1:][:5]) == list(RECORD_COLUMNS[1:])
    assert people.loc["ZD1003", "unanswered"] + people.loc["ZD1003", "answered_late"] == people.loc["ZD1003", "reply"]

    out = CliRunner().invoke(app, [
        "audit", str(DEMO / "chats"), "--members", str(DEMO / "members.csv"), "--roster", str(DEMO / "roster.csv"),
        "--groups", str(DEMO / "groups.csv"), "--policy", str(DEMO / "policy.yaml"), "--period", "2026-10",
        "--out", str(tmp_path), "--format", "json", "--no-history", "--quiet"])
    assert out.exit_code == 0, out.output
    items = json.loads((tmp_path / "people.json").read_text(encoding="utf-8"))
    assert all(set(RECORD_COLUMNS[1:]) <= p.keys() for p in items)
    by_id = {p["person_id"]: p for p in items if p["person_id"]}
    wang = by_id["ZD1003"]
    assert wang["answered_late"] + wang["unanswered"] == wang["by_category"]["reply"] == 3
    assert wang["questions_owed"] == wang["answered_in_time"] + 3 and isinstance(wang["median_reply_minutes"], float)
    # nobody had to answer 高远: zero owed, no median
    assert (by_id["ZD1021"]["questions_owed"], by_id["ZD1021"]["median_reply_minutes"]) == (0, None)
