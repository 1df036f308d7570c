"""The findings table: fixed columns and dtypes, the rule's identity, dates from times."""
import pandas as pd
import pytest

from grpaudit.findings import FINDINGS, SEVERITY_DTYPE, concat, empty_findings, make_findings
from grpaudit.rules import RULES

TZ = "Asia/Shanghai"
MEM001 = RULES["MEM001"]


def test_column_order_is_fixed():
    assert FINDINGS.names == [
        "rule", "category", "severity", "platform", "group_id", "group_name", "group_class", "person_id",
        "person_name", "responsible_id", "responsible_name", "time", "date", "clause", "message", "evidence",
        "calendar_note", "source_file", "source_line"]


def test_make_findings_fills_identity_and_conforms():
    df = pd.DataFrame({
        "message": ["吴昊 left on 2026-10-16 and is still in 澤東科技全员工作群"],
        "person_id": ["ZD1016"], "person_name": ["吴昊"], "group_id": ["20381517325@chatroom"],
        "date": [pd.Timestamp("2026-10-31")], "evidence": ["left 2026-10-16; deadline 2026-10-20; present on 10-31"],
        "platform": ["wechat"], "extra": [1]})
    out = make_findings(df, MEM001, tz=TZ)
    assert list(out.columns) == FINDINGS.names
    row = out.iloc[0]
    assert (row.rule, row.category, row.severity, row.clause) == ("MEM001", "membership", "major",
                                                                  "001 第九条; 003; 004")
    assert pd.isna(row.time) and row.date == pd.Timestamp("2026-10-31")
    assert out["severity"].dtype == SEVERITY_DTYPE
    assert str(out["time"].dtype) == "datetime64[ns, Asia/Shanghai]"
    assert str(out["platform"].dtype) == "category" and row.platform == "wechat"


def test_policy_severity_and_clause_and_per_row_severity():
    df = pd.DataFrame({"message": ["a", "b"]})
    out = make_findings(df, MEM001, severity="critical", clause="001 第九条")
    assert out["severity"].tolist() == ["critical", "critical"] and out["clause"].tolist() == ["001 第九条"] * 2
    out = make_findings(df.assign(severity=["info", "major"]), MEM001, severity="critical")
    assert out["severity"].tolist() == ["info", "major"]
    assert (out["severity"] >= "major").tolist() == [False, True]


def test_date_comes_from_the_local_time():
    t = pd.to_datetime(["2026-10-21 22:47:05", "2026-10-20 23:48:15"]).tz_localize(TZ)
    out = make_findings(pd.DataFrame({"message": ["x", "y"], "time": t.tz_convert("UTC")}), MEM001, tz=TZ)
    # 2026-10-20 23:48 in Shanghai is 15:48 UTC: the date is Shanghai's
    assert out["date"].tolist() == [pd.Timestamp("2026-10-21"), pd.Timestamp("2026-10-20")]
    assert out["time"].iloc[1].hour == 23


def test_rule_bugs_are_refused():
    with pytest.raises(ValueError, match="MEM001: every finding needs a message"):
        make_findings(pd.DataFrame({"message": ["ok", None]}), MEM001)
    with pytest.raises(ValueError, match="MEM001: every finding needs a message"):
        make_findings(pd.DataFrame({"person_id": ["ZD1016"]}), MEM001)
    with pytest.raises(ValueError, match=r"unknown severity \['high'\]"):
        make_findings(pd.DataFrame({"message": ["x"]}), MEM001, severity="high")


def test_empty_and_concat():
    empty = empty_findings(TZ)
    assert list(empty.columns) == FINDINGS.names and len(empty) == 0
    assert concat([], TZ).columns.tolist() == FINDINGS.names
    a = make_findings(pd.DataFrame({"message": ["a"]}), MEM001)
    b = make_findings(pd.DataFrame({"message": ["b"]}), RULES["LIF004"])
    both = concat([a, empty, b], TZ)
    assert both["rule"].tolist() == ["MEM001", "LIF004"]
    assert both["severity"].dtype == SEVERITY_DTYPE and both["severity"].tolist() == ["major", "info"]
