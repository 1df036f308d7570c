"""Reply rules (REP001–REP004): who must answer, what answers, and the two clocks."""
import datetime as dt
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from grpaudit import model
from grpaudit.findings import FINDINGS
from grpaudit.policy import load_policy
from grpaudit.rules import RULES, AuditContext

DATA = Path(__file__).parent / "data" / "reply"
TZ = "Asia/Shanghai"
G = "g1@chatroom"

# A small company: 周总 (general manager) over two heads; 李娜 reports to 张伟 (主管), who reports to 王磊.
ROSTER = model.conform(pd.DataFrame({
    "employee_id": ["E1", "E2", "E3", "E4", "E5", "E6"],
    "name": ["周总", "王磊", "彭勇", "张伟", "李娜", "陈静"],
    "department": ["行政中心", "销售部", "仓储物流部", "销售部", "销售部", "行政中心"],
    "is_manager": [True, True, True, False, False, True],
    "manager_id": [None, "E1", "E1", "E2", "E4", "E1"],
}), model.ROSTER)
IDS = {"周总": "E1", "王磊": "E2", "彭勇": "E3", "张伟": "E4", "李娜": "E5", "陈静": "E6", "机器人": None}
GROUPS = model.conform(pd.DataFrame({"group_id": [G], "group_name": ["澤東销售部工作群"], "platform": ["wechat"],
                                     "group_type": ["department"], "responsible": ["王磊"], "registered": [True]}),
                       model.GROUPS)


def msgs(*rows) -> pd.DataFrame:
    """Messages of group G from (time, sender, text[, kind[, quote_ref]]) rows; @names become mentions."""
    recs = []
    for i, r in enumerate(rows, start=1):
        when, who, text = r[:3]
        mentions = tuple(w.split()[0].rstrip("，,") for w in text.split("@")[1:])
        recs.append({"platform": "wechat", "group_id": G, "group_name": "澤東销售部工作群", "time": when,
                     "sender_id": f"wx_{who}", "sender_name": who, "person_id": IDS.get(who), "text": text,
                     "kind": r[3] if len(r) > 3 else "text", "quote_ref": r[4] if len(r) > 4 else None,
                     "mentions": mentions, "mentions_all": "所有人" in mentions,
                     "source_file": "chat.csv", "source_line": i + 1})
    return model.conform(pd.DataFrame(recs), model.MESSAGES, TZ)


def policy(tmp_path, rules: str, admin: str = "陈静"):
    path = tmp_path / "p.yaml"
    path.write_text(f"company: {{admin_head: {admin}}}\nclasses:\n  department: {{types: department}}\n"
                    f"rules:\n{textwrap.indent(textwrap.dedent(rules).strip(), '  ')}\n", encoding="utf-8")
    return load_policy(path)


def run(tmp_path, code, rules, messages, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), **tables):
    ctx = AuditContext.build(policy(tmp_path, rules), start, end, messages=messages, roster=ROSTER,
                             groups=GROUPS, tz=TZ, **tables)
    out = RULES[code].check(ctx)
    assert list(out.columns) == FINDINGS.names
    return out


def found(out) -> set:
    return {(r.rule, r.person_name, r.time.strftime("%m-%d %H:%M")) for r in out.itertuples()}


# ---- REP001: an employee's question, the direct department head -------------------

@pytest.mark.parametrize("clock", ["wall", "working"])
@pytest.mark.parametrize("minute, breached", [(19, False), (21, True)])
def test_head_answering_at_minute_19_is_in_time_and_at_21_late(tmp_path, clock, minute, breached):
    m = msgs(("2026-10-13 10:00:00", "李娜", "恒达那边问：单价能否再降3%？"),
             ("2026-10-13 10:05:00", "李娜", "在线等"),                       # own follow-up: not an answer
             (f"2026-10-13 10:{minute}:00", "王磊", "最多降2%"))
    out = run(tmp_path, "REP001", f"REP001: {{options: {{clock: {clock}}}}}", m)
    assert found(out) == ({("REP001", "王磊", "10-13 10:00")} if breached else set())
    if breached:
        f = out.iloc[0]
        assert (f["person_id"], f["group_id"], f["source_line"], f["category"]) == ("E2", G, 2, "reply")
        assert "deadline 2026-10-13 10:20:00" in f["evidence"] and "李娜 2026-10-13 10:00:00" in f["evidence"]
        assert "reply 2026-10-13 10:21:00 by 王磊 after 21 min" in f["evidence"]


def test_question_at_1755_on_both_clocks(tmp_path):
    m = msgs(("2026-10-13 17:55:00", "李娜", "明天的样品能发吗？"),
             ("2026-10-13 18:16:00", "王磊", "能发"))
    assert found(run(tmp_path, "REP001", "REP001: {options: {clock: wall}}", m)) == {("REP001", "王磊", "10-13 17:55")}
    # working clock: 5 minutes until 18:00, the other 15 from 09:00 on Wed 10-14
    assert run(tmp_path, "REP001", "REP001: {options: {clock: working}}", m).empty
    late = msgs(("2026-10-13 17:55:00", "李娜", "明天的样品能发吗？"), ("2026-10-14 09:16:00", "王磊", "能发"))
    out = run(tmp_path, "REP001", "REP001: {options: {clock: working}}", late)
    assert found(out) == {("REP001", "王磊", "10-13 17:55")}
    assert "deadline 2026-10-14 09:15:00 (20 working minutes)" in out.iloc[0]["evidence"]


@pytest.mark.parametrize("answer_at, breached", [("2026-10-08 09:05:00", False), ("2026-10-08 09:12:00", True)])
def test_question_before_national_day_has_its_working_deadline_on_10_08(tmp_path, answer_at, breached):
    m = msgs(("2026-09-30 17:50:00", "李娜", "节后的发货计划是什么？"), (answer_at, "王磊", "8号再定"))
    out = run(tmp_path, "REP001", "REP001: {options: {clock: working}}", m, start=dt.date(2026, 9, 1))
    assert found(out) == ({("REP001", "王磊", "09-30 17:50")} if breached else set())
    if breached:
        # 10 working minutes on 09-30, then the holiday 10-01…10-07, then 10 on Thu 10-08
        assert "deadline 2026-10-08 09:10:00" in out.iloc[0]["evidence"]


def test_acknowledgements_stickers_and_bots_neither_ask_nor_answer(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "李娜", "好的，收到，谢谢！"),
             ("2026-10-13 10:01:00", "李娜", "[表情]", "sticker"),
             ("2026-10-13 11:00:00", "李娜", "请问周报模板在哪里？"),
             ("2026-10-13 11:01:00", "机器人", "@李娜 周报模板见群公告"),        # a bot's @ is no answer
             ("2026-10-13 11:40:00", "王磊", "群公告里有"))
    out = run(tmp_path, "REP001", "REP001: {options: {clock: wall}}", m)
    assert found(out) == {("REP001", "王磊", "10-13 11:00")}
    assert "reply 2026-10-13 11:40:00 by 王磊" in out.iloc[0]["evidence"]


def test_a_manager_between_may_answer_for_the_head_and_others_only_by_quote_or_at(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "李娜", "客户要的资料谁来准备？"),
             ("2026-10-13 10:10:00", "张伟", "我来"),                          # her 主管: answers for 王磊
             ("2026-10-13 14:00:00", "李娜", "报价能否再降？"),
             ("2026-10-13 14:05:00", "彭勇", "今天仓库盘点"),                  # unrelated: not an answer
             ("2026-10-13 14:08:00", "彭勇", "不能再降了", "quote", "李娜：报价能否再降？"),
             ("2026-10-13 15:00:00", "周总", "散会"))
    assert run(tmp_path, "REP001", "REP001: {options: {clock: wall}}", m).empty
    strict = run(tmp_path, "REP001", "REP001: {options: {clock: wall, chain_may_answer: false, "
                                     "others_may_answer: false}}", m)
    assert found(strict) == {("REP001", "王磊", "10-13 10:00"), ("REP001", "王磊", "10-13 14:00")}
    assert "no reply up to the data's end 2026-10-13 15:00:00" in strict.iloc[1]["evidence"]


def test_follow_ups_before_the_deadline_count_once(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "李娜", "合同能否今天盖章？"),
             ("2026-10-13 10:10:00", "李娜", "？？能否今天？"),
             ("2026-10-13 11:00:00", "李娜", "明天的会议室订了吗？"),              # a new question after the deadline
             ("2026-10-13 11:30:00", "王磊", "都办好了"))
    out = run(tmp_path, "REP001", "REP001: {options: {clock: wall}}", m)
    assert found(out) == {("REP001", "王磊", "10-13 10:00"), ("REP001", "王磊", "10-13 11:00")}


def test_addressed_answers_must_quote_or_mention_the_asker(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "李娜", "样品能否今天寄？"),
             ("2026-10-13 10:05:00", "王磊", "下午开会"),
             ("2026-10-13 10:10:00", "王磊", "@李娜 可以寄"))
    opts = "REP001: {options: {clock: wall, answer: addressed, minutes: %d}}"
    assert run(tmp_path, "REP001", opts % 10, m).empty
    out = run(tmp_path, "REP001", opts % 9, m)
    assert "reply 2026-10-13 10:10:00 by 王磊 after 10 min" in out.iloc[0]["evidence"]


def test_unanswered_question_whose_deadline_is_after_the_data_is_not_judged(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "王磊", "今天周报都交了吗"),
             ("2026-10-13 10:30:00", "李娜", "周报模板在哪？"),
             ("2026-10-13 10:40:00", "张伟", "交了"))
    assert run(tmp_path, "REP001", "REP001: {options: {clock: wall, chain_may_answer: false}}", m).empty


def test_messages_outside_the_period_and_other_classes_are_ignored(tmp_path):
    m = msgs(("2026-09-29 10:00:00", "李娜", "九月的报销什么时候截止？"), ("2026-09-29 11:00:00", "王磊", "30号"))
    assert run(tmp_path, "REP001", "REP001: {options: {clock: wall}}", m).empty
    assert run(tmp_path, "REP001", "REP001: {options: {clock: wall}, classes: {department: {enabled: false}}}",
               m, start=dt.date(2026, 9, 1)).empty


def test_question_text_in_evidence_is_masked(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "李娜", "客户身份证号11010519491231002X能否用于开户？"),
             ("2026-10-13 11:00:00", "王磊", "不行"))
    ev = run(tmp_path, "REP001", "REP001: {options: {clock: wall}}", m).iloc[0]["evidence"]
    assert "11010519491231002X" not in ev and "110105********002X" in ev


def test_word_lists_can_be_extended(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "李娜", "样品寄出与否烦请示下"), ("2026-10-13 11:00:00", "王磊", "寄"))
    assert run(tmp_path, "REP001", "REP001: {options: {clock: wall}}", m).empty
    out = run(tmp_path, "REP001", "REP001: {options: {clock: wall, add_words: {question_words: [与否]}}}", m)
    assert found(out) == {("REP001", "王磊", "10-13 10:00")}


# ---- REP002: a leader's message, the @-mentioned heads --------------------------------

def test_leader_at_two_heads_one_confirms_in_time(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "周总", "@王磊 @彭勇 常州客户投诉的事，中午前给我一个说明"),
             ("2026-10-13 10:06:00", "王磊", "收到"),
             ("2026-10-13 10:52:00", "彭勇", "收到，下午补发"))
    out = run(tmp_path, "REP002", "REP002: {options: {clock: wall}}", m)
    assert found(out) == {("REP002", "彭勇", "10-13 10:00")}
    assert out.iloc[0]["person_id"] == "E3"
    assert "reply 2026-10-13 10:52:00 by 彭勇 after 52 min" in out.iloc[0]["evidence"]
    # 王磊's message does not answer for 彭勇 even when others may answer
    assert len(run(tmp_path, "REP002", "REP002: {options: {clock: wall, others_may_answer: true}}", m)) == 1


def test_leader_mention_of_a_non_head_is_rep004_not_rep002(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "王磊", "@李娜 合同跟进一下"), ("2026-10-13 12:00:00", "周总", "好"))
    rules = "REP002: {options: {clock: wall}}\nREP004: {options: {clock: wall, minutes: 30}}"
    assert run(tmp_path, "REP002", rules, m).empty
    assert found(run(tmp_path, "REP004", rules, m)) == {("REP004", "李娜", "10-13 10:00")}


def test_rep004_leaves_pairs_to_the_rule_that_owns_them(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "周总", "@王磊 @李娜 合同今天能签吗"), ("2026-10-13 12:00:00", "周总", "？"))
    rules = "REP002: {options: {clock: wall}}\nREP004: {options: {clock: wall}}"
    assert found(run(tmp_path, "REP002", rules, m)) == {("REP002", "王磊", "10-13 10:00")}
    assert found(run(tmp_path, "REP004", rules, m)) == {("REP004", "李娜", "10-13 10:00")}
    # with REP002 off, 王磊 is an @-mentioned person like any other
    assert found(run(tmp_path, "REP004", "REP004: {options: {clock: wall}}", m)) == {
        ("REP004", "王磊", "10-13 10:00"), ("REP004", "李娜", "10-13 10:00")}


# ---- REP003: unowned questions, the admin-centre head ----------------------------

def test_unowned_question_goes_to_the_admin_head_or_the_groups_responsible(tmp_path):
    m = msgs(("2026-10-13 10:00:00", "周总", "下周的团建谁在安排？"),
             ("2026-10-13 10:50:00", "王磊", "我来问问"))
    out = run(tmp_path, "REP003", "REP003: {options: {clock: wall}}", m)
    assert found(out) == {("REP003", "陈静", "10-13 10:00")}
    # the member list shows 陈静 is not in the group: its 群负责人 王磊 answers, late
    members = model.conform(pd.DataFrame({"group_id": [G, G], "member_id": ["wx_周总", "wx_王磊"],
                                          "person_id": ["E1", "E2"]}), model.MEMBERS, TZ)
    out = run(tmp_path, "REP003", "REP003: {options: {clock: wall}}", m, members=members)
    assert found(out) == {("REP003", "王磊", "10-13 10:00")}
    assert "群负责人" in out.iloc[0]["evidence"]


def test_people_who_have_left_the_company_owe_no_answers(tmp_path):
    # the 群负责人 王磊 left on 10-12: the question of 10-13 is nobody's to miss (LIF003 reports the
    # stale registry); the one of 10-12, his last day, was still his
    gone = ROSTER.assign(leave_date=pd.to_datetime(["NaT", "2026-10-12", "NaT", "NaT", "NaT", "NaT"]))
    m = msgs(("2026-10-12 10:00:00", "周总", "样品寄了吗？"), ("2026-10-13 10:00:00", "周总", "下周的团建谁在安排？"),
             ("2026-10-13 10:50:00", "彭勇", "我来问问"))
    members = model.conform(pd.DataFrame({"group_id": [G, G, G], "member_id": ["wx_周总", "wx_王磊", "wx_彭勇"],
                                          "person_id": ["E1", "E2", "E3"]}), model.MEMBERS, TZ)
    ctx = AuditContext.build(policy(tmp_path, "REP003: {options: {clock: wall}}"), dt.date(2026, 10, 1),
                             dt.date(2026, 10, 31), messages=m, roster=model.conform(gone, model.ROSTER),
                             groups=GROUPS, members=members, tz=TZ)
    assert found(RULES["REP003"].check(ctx)) == {("REP003", "王磊", "10-12 10:00")}


# ---- the demo month ------------------------------------------------------------------

def keys(out) -> set:
    return {(r.rule, r.group_name, r.person_name, r.time.strftime("%Y-%m-%d %H:%M:%S")) for r in out.itertuples()}


def test_demo_month_on_the_working_clock(ctx_of):
    ctx = ctx_of(DATA / "demo-002.yaml")
    # 周建国's 08:35 @ of 王磊 and 彭勇 (10-08): 彭勇 answered 52 min later, but only 28 working minutes
    # (work starts 09:00), so 002's 30 minutes are kept; 钱芳 (37 min) and 彭勇 in the project room (38 min) are not.
    assert keys(RULES["REP002"].check(ctx)) == {
        ("REP002", "澤東管理层工作群", "钱芳", "2026-10-22 15:02:30"),
        ("REP002", "澤東华南客户项目群", "彭勇", "2026-10-12 15:20:10")}
    assert keys(RULES["REP001"].check(ctx)) == {
        ("REP001", "澤東科技全员工作群", "林峰", "2026-10-09 11:20:45"),   # 张伟 (研发) asks; 刘洋 answers, not his head
        ("REP001", "澤東研发部工作群", "林峰", "2026-10-08 10:48:55"),     # 张伟 @徐婷 after 41 min
        ("REP001", "澤東销售部工作群", "王磊", "2026-10-12 11:05:37"),     # 王磊 quotes it after 20 min 25 s
        ("REP001", "澤東销售部工作群", "王磊", "2026-10-15 16:20:11"),     # 主管 张伟 after 38 min
        ("REP001", "澤東国庆值班临时群", "王磊", "2026-10-05 15:20:08"),   # holiday: due 10-08 09:20, never answered
        ("REP001", "澤東国庆值班临时群", "彭勇", "2026-10-13 10:20:33")}   # 唐亮 @彭勇 这个群还要吗？
    assert RULES["REP003"].check(ctx).empty
    f = RULES["REP002"].check(ctx).set_index("person_name").loc["钱芳"]
    assert f["person_id"] == "ZD1005" and f["source_line"] == 41 and f["source_file"].endswith(".jsonl")
    assert "reply 2026-10-22 15:40:12 by 钱芳 after 37 min" in f["evidence"]
    assert "deadline 2026-10-22 15:32:30" in f["evidence"]


def test_demo_month_on_the_wall_clock(ctx_of):
    ctx = ctx_of(DATA / "demo-002-wall.yaml")
    assert keys(RULES["REP002"].check(ctx)) == {
        ("REP002", "澤東管理层工作群", "彭勇", "2026-10-08 08:35:12"),
        ("REP002", "澤東管理层工作群", "钱芳", "2026-10-22 15:02:30"),
        ("REP002", "澤東华南客户项目群", "彭勇", "2026-10-12 15:20:10")}
    # holiday questions are due the same day on the wall clock
    rep001 = keys(RULES["REP001"].check(ctx))
    assert ("REP001", "澤東销售部工作群", "王磊", "2026-10-05 10:22:18") in rep001
    assert ("REP001", "澤東销售部工作群", "王磊", "2026-10-30 18:02:47") in rep001
    assert keys(RULES["REP003"].check(ctx)) == {("REP003", "澤東国庆值班临时群", "谢刚", "2026-10-02 09:12:45")}


def test_demo_month_mentions(ctx_of):
    out = RULES["REP004"].check(ctx_of(DATA / "demo-mentions.yaml"))
    assert ("曹敏", "2026-10-19 10:05:09") in {(r.person_name, r.time.strftime("%Y-%m-%d %H:%M:%S"))
                                               for r in out.itertuples()}
    # the heads 周建国 @-ed are REP002's, not REP004's
    assert not (out["group_name"] == "澤東管理层工作群").any()
    assert "110105********002X" in out.set_index("person_name").loc["曹敏", "evidence"]


@pytest.mark.parametrize("code", ["REP001", "REP002", "REP003", "REP004"])
def test_empty_tables(tmp_path, code):
    out = run(tmp_path, code, f"{code}: {{}}", model.empty(model.MESSAGES, TZ))
    assert out.empty and list(out.columns) == FINDINGS.names
