"""Assembly of many exports into one dataset: counts add up, groups unify, overlaps merge once."""
from pathlib import Path

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.dataset import load

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "tests" / "data" / "demo_month"   # the demo month frozen (sample_exports/ may grow)


@pytest.fixture(scope="module")
def demo():
    return load([DEMO / "chats"], members=[DEMO / "members.csv"], roster=[DEMO / "roster.csv"],
                groups=[DEMO / "groups.csv"])


def test_demo_reads_every_file_without_error(demo):
    assert demo.errors == []
    formats = {Path(f.path).name: f.format for f in demo.files}
    assert formats == {
        "members.csv": "members", "roster.csv": "roster", "groups.csv": "groups",
        "QQ群消息记录.txt": "qq_txt", "dingtalk_admin_export.csv": "generic_chat",
        "wecom_archive_2026-10.jsonl": "wecom_archive", "wecom_archive_2026-10_part1.json": "wecom_archive",
        "wecom_rooms.json": "wecom_rooms", "智能仓储V3.2联调群.txt": "qq_txt",
        "澤東仓储物流部工作群.csv": "wechat_csv", "澤東科技全员工作群.txt": "wechat_txt",
        "澤東销售部工作群.csv": "wechat_csv",
    }


def test_demo_counts_add_up(demo):
    per_file = sum(f.messages for f in demo.files)
    # the JSON array repeats the first 10 lines of the JSONL: merged once, counted
    assert demo.duplicates["messages"] == 10
    assert len(demo.messages) == per_file - 10 == 217
    # WeCom group info repeats the WeCom rows of members.csv
    assert demo.duplicates["members"] == 12
    assert len(demo.members) == 77
    # files count system lines; an invitation of 马骏 and Rain is one line, two event rows
    assert sum(f.events for f in demo.files) == 24
    assert len(demo.events) == 25
    skipped = {(Path(f.path).name, s.line, s.level) for f in demo.files for s in f.skipped}
    assert {(n, lvl) for n, _, lvl in skipped} >= {("dingtalk_admin_export.csv", "error"),
                                                   ("wecom_archive_2026-10.jsonl", "ignored")}
    assert ("dingtalk_admin_export.csv", 26, "error") in skipped
    assert ("dingtalk_admin_export.csv", 27, "error") in skipped
    assert demo.skipped == 4


def test_every_group_gets_its_registry_id_and_name(demo):
    by_name = demo.messages.groupby("group_name").size().to_dict()
    assert by_name == {
        "澤東销售部工作群": 57, "澤東仓储物流部工作群": 14, "澤東科技全员工作群": 28, "澤東研发部工作群": 22,
        "羽毛球小分队": 12, "智能仓储V3.2联调群": 15, "澤東管理层工作群": 25, "澤東华南客户项目群": 23,
        "澤東国庆值班临时群": 9, "澤東财务部工作群": 12,
    }
    ids = demo.messages.drop_duplicates("group_name").set_index("group_name")["group_id"].to_dict()
    assert ids["澤東科技全员工作群"] == "20381517325@chatroom"     # TXT has no id: from the registry by name
    assert ids["澤東研发部工作群"] == "726381940"                  # QQ export has only the name
    assert ids["智能仓储V3.2联调群"] == "815520936"                # unregistered, named in members.csv
    platforms = demo.messages.drop_duplicates("group_name").set_index("group_name")["platform"].astype(str)
    assert platforms["澤東财务部工作群"] == "dingtalk"             # generic CSV: platform from the registry


def test_unregistered_groups_are_listed(demo):
    unreg = demo.groups[~demo.groups["registered"]]
    assert unreg["group_name"].tolist() == ["智能仓储V3.2联调群"]
    assert len(demo.groups) == 11


def test_tables_have_the_model_columns(demo):
    for name in ("messages", "events", "members", "roster", "groups"):
        assert list(getattr(demo, name).columns) == model.TABLES[name].names, name
    assert str(demo.messages["time"].dt.tz) == "Asia/Shanghai"


def test_overlapping_chunks_merge_once_but_repeats_inside_a_file_stay(tmp_path):
    header = "群名称,群ID,发送时间,发送人ID,发送人,消息类型,消息内容\n"
    rows = ["测试群,g1,2026-10-08 09:00:00,E1,张三,文本,早\n",
            "测试群,g1,2026-10-08 09:00:00,E1,张三,文本,早\n",     # sent twice: real
            "测试群,g1,2026-10-08 09:01:00,E2,李四,文本,收到\n"]
    (tmp_path / "a.csv").write_text(header + "".join(rows), encoding="utf-8")
    (tmp_path / "b.csv").write_text(header + "".join(rows[1:]) + "测试群,g1,2026-10-08 09:02:00,E1,张三,文本,好\n",
                                    encoding="utf-8")
    ds = load([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert ds.messages["text"].tolist() == ["早", "早", "收到", "好"]
    assert ds.duplicates["messages"] == 2


def test_messages_are_ordered_by_group_then_time_ties_in_file_order(tmp_path):
    header = "群名称,群ID,发送时间,发送人ID,发送人,消息类型,消息内容,消息ID\n"
    (tmp_path / "a.csv").write_text(header + "".join([
        "乙群,g2,2026-10-08 09:05:00,E1,张三,文本,乙一,m1\n",
        "甲群,g1,2026-10-08 09:00:00,E2,李四,文本,甲二,\n",        # same second as the next: file order kept
        "甲群,g1,2026-10-08 09:00:00,E1,张三,文本,甲三,m3\n",
        "甲群,g1,2026-10-08 08:59:00,E1,张三,文本,甲一,m2\n"]), encoding="utf-8")
    # a re-export of g2 whose message id repeats with other text (an edited export): one message
    (tmp_path / "b.csv").write_text(header + "乙群,g2,2026-10-08 09:06:00,E1,张三,文本,乙一（编辑）,m1\n"
                                    + "乙群,g2,2026-10-08 09:07:00,E1,张三,文本,乙二,m4\n", encoding="utf-8")
    ds = load([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert ds.messages["text"].tolist() == ["甲一", "甲二", "甲三", "乙一", "乙二"]
    assert ds.duplicates["messages"] == 1
    # the file of each row is a categorical over the files read, not a copy of the path per row
    files = ds.messages["source_file"]
    assert isinstance(files.dtype, pd.CategoricalDtype)
    assert sorted(files.cat.categories) == sorted(str(tmp_path / f) for f in ("a.csv", "b.csv"))
    assert files.astype(str).str[-5:].tolist() == ["a.csv", "a.csv", "a.csv", "a.csv", "b.csv"]


def test_unknown_format_is_an_error_naming_the_file(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("just some notes\nnothing like an export\n", encoding="utf-8")
    ds = load([bad])
    assert len(ds.errors) == 1
    assert "notes.txt" in ds.errors[0].error and "unknown format" in ds.errors[0].error


def test_roster_passed_as_members_is_refused(tmp_path):
    ds = load([], members=[DEMO / "roster.csv"])
    assert ds.errors and "--roster" in ds.errors[0].error


def test_a_registry_row_without_id_takes_the_exports_id(tmp_path):
    (tmp_path / "reg.csv").write_text("群名称,群ID,平台,类型,所属部门,群主,群负责人,备案日期,结束日期,状态\n"
                                      "测试群,,钉钉,部门群,销售部,张三,张三,2026-01-05,,正常\n", encoding="utf-8")
    (tmp_path / "chat.csv").write_text("群名称,群ID,发送时间,发送人ID,发送人,消息类型,消息内容\n"
                                       "测试群,cidX==,2026-10-08 09:00:00,E1,张三,文本,早\n", encoding="utf-8")
    ds = load([tmp_path / "chat.csv"], groups=[tmp_path / "reg.csv"])
    assert ds.groups[["group_id", "registered"]].values.tolist() == [["cidX==", True]]


def test_repeats_are_found_where_exports_overlap_and_only_there(tmp_path):
    # Exports of one group cut by date: only the rows in the span two files share can repeat.
    header = "群名称,群ID,发送时间,发送人ID,发送人,消息类型,消息内容,消息ID\n"
    files = {
        "a.csv": ["g1,2026-10-01 10:00:00,E1,张三,文本,一号,",
                  "g1,2026-10-03 10:00:00,E1,张三,文本,三号,",         # also in b.csv
                  "g1,2026-10-03 11:00:00,E2,李四,文本,同秒不同人,m9"],
        "b.csv": ["g1,2026-10-03 10:00:00,E1,张三,文本,三号,",
                  "g1,2026-10-03 11:00:00,E1,张三,文本,同秒不同人,m8",   # same time and text, other sender
                  "g1,2026-10-05 10:00:00,E2,李四,文本,五号,"],
        "c.csv": ["g1,2026-10-05 10:00:00,E2,李四,文本,五号,",           # overlaps b only
                  "g1,2026-10-07 10:00:00,E2,李四,文本,七号,m1"],
        # the same message id written 20 hours later (another tool's time zone or rounding): one message;
        # three days later it is another message that reuses an id, and stays
        "d.csv": ["g1,2026-10-08 06:00:00,E2,李四,文本,七号（转存）,m1",
                  "g1,2026-10-10 10:00:00,E2,李四,文本,十号,m1"],
    }
    for name, rows in files.items():
        (tmp_path / name).write_text(header + "".join(f"测试群,{r}\n" for r in rows), encoding="utf-8")
    ds = load([tmp_path / n for n in files])
    assert ds.messages["text"].tolist() == ["一号", "三号", "同秒不同人", "同秒不同人", "五号", "七号", "十号"]
    assert ds.duplicates["messages"] == 3
