"""Time every registered message rule on N generated messages (default 1,000,000).

    .venv/bin/python bench/bench_message_rules.py [N]

Builds a month of a large company directly as normalised tables (no export
to parse): ~2,000 employees in 20 departments with heads and 主管, 300
groups, and messages of ~20 Chinese characters drawn from a pool of
statements, questions, requests, acknowledgements, stickers, @mentions,
links, a few phone numbers and late-night posts. A policy enabling every
registered rule of the message categories (reply, off_hours, content,
privacy, notice, flooding) with its defaults is written to a temporary file;
each rule's ``check`` is timed, then the peak RSS of the process is printed.
A family whose module registers no rule yet simply does not appear.
"""
from __future__ import annotations

import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

import chinese_calendar
import numpy as np
import pandas as pd

from grpaudit import model
from grpaudit.policy import PolicyError, load_policy
from grpaudit.rules import RULES, AuditContext

MESSAGE_CATEGORIES = ("reply", "off_hours", "content", "privacy", "notice", "flooding")
TZ = "Asia/Shanghai"
_SUBJECTS = ["常州客户的订单", "华南项目的样品", "本周的周报", "仓库的盘点", "V3.2版本", "差旅报销", "合同草稿", "新员工培训"]
_STATEMENTS = ["已经发到邮箱了，请大家注意查收相关附件", "下午两点装车，明天上午到货", "今天系统升级，晚上八点后暂停使用",
               "会议纪要已经整理好放在群文件里了", "客户那边反馈效果不错，下周继续跟进"]
_QUESTIONS = ["能否本周内完成？", "什么时候能给结论", "谁负责跟进？", "今天能发吗", "具体怎么安排"]
_REQUESTS = ["麻烦尽快确认一下", "请周五前提交", "收到请回复", "下班前发我"]
_ACKS = ["收到", "好的", "好的，谢谢", "明白", "👍"]


def _people(n_emp: int, n_dept: int) -> pd.DataFrame:
    ids = np.array([f"E{i:05d}" for i in range(n_emp)])
    dept = np.arange(n_emp) % n_dept
    head = np.arange(n_emp) < n_dept                    # E00000…: one head per department
    supervisor = (np.arange(n_emp) >= n_dept) & (np.arange(n_emp) < 3 * n_dept)
    manager = np.where(head, "E00000", np.where(supervisor, ids[dept], ids[n_dept + dept]))
    manager[0] = ""
    names = np.array([f"员工{i}" for i in range(n_emp)])
    return model.conform(pd.DataFrame({
        "employee_id": ids, "name": names, "department": [f"部门{d}" for d in dept], "is_manager": head,
        "manager_id": pd.Series(manager).replace("", None), "wechat_id": np.char.add("wx", ids)}), model.ROSTER)


def generate(n: int, seed: int = 0, n_emp: int = 2000, n_dept: int = 20, n_groups: int = 300):
    """(messages, roster, groups) for a month of ``n`` messages."""
    rng = np.random.default_rng(seed)
    roster = _people(n_emp, n_dept)
    names = roster["name"].to_numpy()
    # a pool of texts with their mentions: statements, questions, requests, acks, @s, PII, links
    pool, pool_m = [], []
    for s in _SUBJECTS:
        pool += [s + x for x in _STATEMENTS + _QUESTIONS + _REQUESTS] + _ACKS
        pool_m += [()] * (len(_STATEMENTS) + len(_QUESTIONS) + len(_REQUESTS) + len(_ACKS))
    pool += ["我的手机13800001234，有事打我", "参考 https://www.gov.cn/zhengce/ 的通知", "@所有人 明天全员大会\n请准时参加"]
    pool_m += [(), (), ("所有人",)]
    kind = np.where(rng.random(n) < 0.05, "sticker", "text")
    pick = np.where(kind == "sticker", 0, rng.integers(0, len(pool), n))    # pool[0] mentions nobody
    texts = np.array(pool, dtype=object)[pick]
    pm = np.empty(len(pool_m), dtype=object)
    for i, m in enumerate(pool_m):
        pm[i] = m
    mentions = pm[pick]
    everyone = pick == len(pool) - 1
    texts = np.where(kind == "sticker", "[表情]", texts)
    group = rng.integers(0, n_groups, n)
    # senders: mostly people of the group's department, its head now and then
    dept = group % n_dept
    sender = np.where(rng.random(n) < 0.1, dept, n_dept + dept + n_dept * rng.integers(0, n_emp // n_dept - 1, n))
    sender = np.minimum(sender, n_emp - 1)
    at = np.flatnonzero((kind == "text") & ~everyone & (rng.random(n) < 0.05))
    target = np.minimum(n_dept + dept[at] + n_dept * rng.integers(0, n_emp // n_dept - 1, len(at)), n_emp - 1)
    q = rng.integers(0, len(_QUESTIONS), len(at))
    texts[at] = "@" + names[target].astype(object) + " " + np.array(_QUESTIONS, dtype=object)[q]
    mentions[at] = pd.Series(names[target]).map(lambda x: (x,)).to_numpy()   # bench set-up, not the rule
    # Work chat happens in working time: most messages on working days between
    # 08:30 and 18:30, a few percent at any hour of any day (the off-hours rules
    # then find what a real month has, not half of all messages).
    start = pd.Timestamp("2026-10-01", tz=TZ).value
    days = pd.date_range("2026-10-01", "2026-10-31")
    workdays = np.flatnonzero([chinese_calendar.is_workday(d.date()) for d in days])
    anytime = rng.random(n) < 0.03
    day = np.where(anytime, rng.integers(0, 31, n), workdays[rng.integers(0, len(workdays), n)])
    second = np.where(anytime, rng.integers(0, 86400, n), rng.integers(8 * 3600 + 1800, 18 * 3600 + 1800, n))
    t = np.sort(start + (day * 86400 + second) * 1_000_000_000)
    gid = np.char.add("g", group.astype(str)).astype(object) + "@chatroom"
    messages = model.conform(pd.DataFrame({
        "platform": "wechat", "group_id": gid, "group_name": np.char.add("澤東部门群", group.astype(str)),
        "time": pd.to_datetime(t, utc=True), "sender_id": roster["wechat_id"].to_numpy()[sender],
        "sender_name": names[sender], "person_id": roster["employee_id"].to_numpy()[sender], "kind": kind,
        "text": texts, "mentions": mentions, "mentions_all": everyone,
        "source_file": "bench.csv", "source_line": np.arange(n) + 2}), model.MESSAGES, TZ)
    gids = np.char.add("g", np.arange(n_groups).astype(str)).astype(object) + "@chatroom"
    groups = model.conform(pd.DataFrame({
        "group_id": gids, "group_name": np.char.add("澤東部门群", np.arange(n_groups).astype(str)),
        "platform": "wechat", "group_type": "department", "department": [f"部门{g % n_dept}" for g in range(n_groups)],
        "responsible": names[np.arange(n_groups) % n_dept], "registered": True}), model.GROUPS)
    return messages, roster, groups


def policy_file(codes: list[str], folder: Path) -> Path:
    path = folder / "bench-policy.yaml"
    rules = "".join(f"  {c}: {{}}\n" for c in codes)
    path.write_text(f"company: {{admin_head: 员工0}}\nclasses:\n  department: {{types: department}}\n"
                    f"rules:\n{rules}", encoding="utf-8")
    return path


def main(n: int) -> None:
    t0 = time.perf_counter()
    messages, roster, groups = generate(n)
    print(f"generated {len(messages):,} messages in {time.perf_counter() - t0:.1f} s")
    codes = [c for c, r in RULES.items() if r.category in MESSAGE_CATEGORIES]
    if not codes:
        print("no message rule is registered yet")
        return
    with tempfile.TemporaryDirectory() as tmp:
        # a rule whose options have no defaults (a word list to give) cannot run on defaults alone
        usable = []
        for code in codes:
            try:
                load_policy(policy_file([code], Path(tmp)))
                usable.append(code)
            except PolicyError as exc:
                print(f"{code} skipped: needs options ({str(exc).splitlines()[0]})")
        codes = usable
        pol = load_policy(policy_file(codes, Path(tmp)))
    ctx = AuditContext.build(pol, dt.date(2026, 10, 1), dt.date(2026, 10, 31), messages=messages, roster=roster,
                             groups=groups, tz=TZ)
    total = 0.0
    for code in codes:
        t0 = time.perf_counter()
        try:
            out = RULES[code].check(ctx)
        except NotImplementedError:
            continue
        took = time.perf_counter() - t0
        total += took
        print(f"{code} {RULES[code].name:<34} {took:7.2f} s  {len(out):>9,} findings")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"all message rules: {total:.2f} s for {n:,} messages ({n / max(total, 1e-9):,.0f} messages/s); "
          f"peak RSS {peak:,.0f} MiB ({peak * 1024 * 1024 / n:,.0f} bytes per message, generation included)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
