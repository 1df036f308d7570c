"""Text-scanning throughput and peak memory over generated chat messages.

    python bench/bench_textscan.py [--n 1000000] [--words 2000] [--seed 0]

Builds N realistic work-chat messages in memory (Chinese text of ~20
characters; some @mentions, questions, requests, acknowledgements, stickers,
links, phone and ID numbers, traditional characters and spaced-out words)
and times, in this process: building a lexicon of W words in 6 categories,
normalise + scan, PII detection, question flags and link extraction. Peak RSS
is reported for the whole run, the messages themselves included.
Target (issue): the whole text pass in a few seconds per million messages.
"""
from __future__ import annotations

import argparse
import random
import resource
import time

import pandas as pd

from grpaudit.textscan import links, pii
from grpaudit.textscan.lexicon import Lexicon
from grpaudit.textscan.questions import classify

_SUBJECTS = ["明天的会议", "客户的报价单", "10月的报销", "仓库盘点", "V3.2版本", "样机发货", "合同模板", "节后排班",
             "年度体检", "消防演练", "项目周报", "发票", "物流单", "测试报告", "验收标准"]
_BODIES = ["已经发到群里了", "下午三点在二楼会议室", "还差两张发票没交", "周五之前要定下来", "按上次说的流程走",
           "请大家留意一下时间", "仓库那边已经确认过了", "财务说下周统一处理", "客户那边还在走审批",
           "先按这个版本执行"]
_QUESTIONS = ["能否本周内完成？", "什么时候能给结论", "谁负责跟进？", "今天能发吗", "具体怎么安排"]
_REQUESTS = ["麻烦今天下班前确认一下", "请各部门周五前提交", "收到请回复", "帮忙看一下"]
_ACKS = ["收到", "好的，谢谢", "[表情]", "👍", "好的", "明白"]
_NAMES = ["张伟", "李娜", "王磊", "彭勇", "林峰", "钱芳", "陈静", "周建国"]
_EXTRAS = ["详见https://docs.qq.com/doc/DZmVkb25n", "有问题打我电话13800001004", "點擊t.cn/A6xYz9領取",
           "赌 博 彩 票别碰", "身份证11010519491231002X", "內部資料請勿外傳"]
# Rare characters for the generated word list, so the scan finds what a real list would: few hits.
_WORD_CHARS = "赌博彩票裸聊代购刷单兼职贷款返利暴恐邪教辱骂歧视谣言传销色情枪支毒品诈骗外挂博彩私服"


def _message(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        text = rng.choice(_ACKS)
    elif r < 0.30:
        text = rng.choice(_SUBJECTS) + rng.choice(_QUESTIONS)
    elif r < 0.40:
        text = rng.choice(_REQUESTS) + rng.choice(_SUBJECTS)
    else:
        text = rng.choice(_SUBJECTS) + rng.choice(_BODIES) + "。"
    if rng.random() < 0.10:
        text = f"@{rng.choice(_NAMES)}\u2005" + text
    if rng.random() < 0.05:
        text += "\n" + rng.choice(_BODIES)
    if rng.random() < 0.02:
        text += rng.choice(_EXTRAS)
    return text


def generate_messages(n: int, seed: int = 0, chunk: int = 100_000) -> pd.Series:
    """N chat messages: mostly statements, some questions, requests, acks and special content.

    Built in chunks so that the Python strings of only one chunk are alive at a
    time: peak memory then reflects the scanners, not the generator.
    """
    rng = random.Random(seed)
    parts = [pd.Series([_message(rng) for _ in range(min(chunk, n - done))], dtype="str")
             for done in range(0, n, chunk)]
    return pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype="str")


def generate_lexicon(words: int, seed: int = 0) -> Lexicon:
    """W distinct 2–4-character words spread over 6 categories, plus a small allow list."""
    rng = random.Random(seed)
    chosen: set[str] = {"赌博", "博彩", "代购", "刷单"}
    while len(chosen) < words:
        chosen.add("".join(rng.choices(_WORD_CHARS, k=rng.randint(2, 4))))
    categories = ("red_line", "insult", "ads", "gambling", "rumour", "private")
    by_cat: dict[str, list[str]] = {c: [] for c in categories}
    for i, word in enumerate(sorted(chosen)):
        by_cat[categories[i % len(categories)]].append(word)
    return Lexicon(by_cat, allow=["彩票站"])


def timed(label: str, fn, *args):
    t0 = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - t0
    print(f"{label:<28} {seconds:>7.2f} s", flush=True)
    return result, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--words", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    text, _ = timed(f"generate {args.n:,} messages", generate_messages, args.n, args.seed)
    base_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    lexicon, _ = timed(f"build lexicon ({args.words:,} words)", generate_lexicon, args.words, args.seed)
    total = 0.0
    hits, s = timed("normalise + lexicon scan", lexicon.scan, text)
    total += s
    found, s = timed("PII (ID, card, mobile)", pii.find, text)
    total += s
    flags, s = timed("question/request/ack flags", classify, text)
    total += s
    urls, s = timed("link extraction", links.extract, text)
    total += s
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{'text pass total':<28} {total:>7.2f} s   ({args.n / total:,.0f} messages/s)")
    print(f"hits: lexicon {len(hits):,}, PII {len(found):,}, links {len(urls):,}, "
          f"questions {int(flags['is_question'].sum()):,}, requests {int(flags['is_request'].sum()):,}, "
          f"acks {int(flags['is_ack'].sum()):,}")
    print(f"peak RSS {peak_kb / 1024:,.0f} MB (after generating the messages: {base_kb / 1024:,.0f} MB; "
          f"scanning added {(peak_kb - base_kb) * 1024 / args.n:,.0f} B/message)")


if __name__ == "__main__":
    main()
