"""A realistic month of work-group chat for a company of N employees, in every export format.

    .venv/bin/python bench/gen_company.py --messages 1000000 --out bench/out/company_1000000_s0 [--seed 0]
    .venv/bin/python bench/gen_company.py --employees 20000 --out DIR     # messages default to 250 a person

Writes into DIR:

* ``roster.csv`` (HR roster: departments of 10–200 people, each with a 部门负责人,
  主管 under them, a 总经理 over the heads, new hires and departed staff),
  ``members.csv`` (each group's members with group nicknames, a few bad ones,
  a few departed people still in groups), ``groups.csv`` (the registry, a few
  groups missing from it, temporary groups past their end date),
  ``policy.yaml`` (``extends: wechat-dingtalk`` plus the company block that
  matches the roster) and ``manifest.json`` (what was written: counts per
  format and file, for tests and the benchmark);
* ``chats/``: a company-wide group, a management group, one group per
  department, project groups of 5–30, temporary and interest groups, split
  across the formats so that most volume is WeCom archive JSONL and generic
  (DingTalk) CSV, as large companies export; WeChat CSV and TXT have one file
  per chat, QQ one file for all its groups.

Messages fall in October 2026 (国庆 1–7, the adjusted workday on Saturday
the 10th), mostly in working hours of working days. Text is Chinese built
from phrase pools (mean ~20 characters, a long tail of notices, some
multi-line): statements, questions, requests, acknowledgements, chit-chat,
@mentions, stickers and other media; questions get answers from the asker's
department head, most within the 20/30 working minutes, some later, some
never. About 0.5% of messages break a rule: listed words from
``policies/lexicons/``, phone, ID and bank-card numbers, salary talk, posts
in the quiet hours. Deterministic for a seed.

Volume is built on whole columns (numpy, pyarrow); the WeCom JSONL and the
generic CSV are assembled as Arrow strings and written from their buffers.
The minor formats go through the per-format writers of ``gen_wechat_csv``,
``gen_wechat_txt`` and ``gen_qq_txt`` (per record, but they carry ~12% of
the volume).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_qq_txt  # noqa: E402
import gen_roster  # noqa: E402
import gen_wechat_csv  # noqa: E402
import gen_wechat_txt  # noqa: E402
from grpaudit.textscan.lexicon import read_words  # noqa: E402

LEXICONS = HERE.parent / "policies" / "lexicons"
COMPANY, SHORT = "澤東科技", "澤東"
TZ = "Asia/Shanghai"
EPOCH = int(dt.datetime(2026, 10, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp())
DAY = 86400
#: October 2026 as chinese_calendar has it: 1–7 国庆, Saturday 10th an adjusted workday.
WORKDAYS = np.array([d not in (1, 2, 3, 4, 5, 6, 7, 11, 17, 18, 24, 25, 31) for d in range(1, 32)])
FORMATS = ("wecom_archive", "generic_chat", "wechat_csv", "wechat_txt", "qq_txt")
#: Share of the month's messages each format carries (large companies export through the archive API).
SHARES = {"wecom_archive": 0.55, "generic_chat": 0.33, "wechat_csv": 0.05, "wechat_txt": 0.04, "qq_txt": 0.03}
PLATFORM_OF = {"wecom_archive": "wecom", "generic_chat": "dingtalk", "wechat_csv": "wechat",
               "wechat_txt": "wechat", "qq_txt": "qq"}
PLATFORM_WORD = {"wecom": "企业微信", "dingtalk": "钉钉", "wechat": "微信", "qq": "QQ"}
TYPE_WORD = {"company": "公司群", "management": "管理群", "department": "部门群", "project": "项目群",
             "temporary": "临时群", "interest": "兴趣群"}
#: Files of the big formats hold at most this many lines, as archive pulls and console exports are chunked.
CHUNK = 1_000_000

_DEPT_BASES = ("销售", "研发", "财务", "人力资源", "市场", "客服", "仓储物流", "采购", "法务", "质量管理", "生产",
               "信息技术", "审计", "品牌", "运营", "测试", "产品", "设计", "售后", "供应链", "培训", "安全", "工程",
               "商务", "数据", "渠道", "物业", "投资")
_REGIONS = ("", "华东", "华南", "华北", "西南", "华中", "西北", "东北", "海外", "北京", "上海", "深圳", "杭州", "成都")
_ORDINALS = "一二三四五六七八九十"
_PROJECTS = ("智能仓储", "华南渠道", "ERP升级", "新品发布", "客户回访", "V3.2联调", "年度审计", "数字化转型",
             "供应商评估", "海外拓展", "品牌焕新", "成本优化", "质量提升", "招聘季", "双十一备货", "数据中台",
             "门店改造", "售后体系", "物流优化", "安全生产", "绩效改革", "移动办公", "直播带货", "大客户")
_TEMPS = ("国庆值班", "十月盘点", "展会筹备", "团建安排", "年会节目", "体检通知", "消防演练", "搬家协调")
_INTERESTS = ("羽毛球小分队", "跑步打卡", "读书会", "摄影爱好者", "篮球群", "宝妈交流", "美食分享", "钓鱼协会")
_BAD_NICKS = ("静待花开", "Leo", "一路向北", "小太阳", "Amy", "追风少年", "岁月静好", "Tony", "阿杰", "momo")

_SUBJECTS = ("常州客户的订单", "华南项目的样品", "本周的周报", "仓库的盘点", "V3.2版本", "差旅报销", "合同草稿",
             "新员工培训", "月底的回款", "供应商的报价", "测试环境", "生产线的排班", "明天的会议", "客户的投诉",
             "发票", "物流单", "项目预算", "季度目标", "采购申请", "设备维修", "系统权限", "用印申请", "招聘需求",
             "展会物料", "安全检查", "质检报告", "门店数据", "年度计划", "库存报表", "退货单", "样机", "宣传海报",
             "服务器迁移", "接口文档", "需求评审", "验收材料", "标书", "出差安排", "报价单", "付款申请")
_STATEMENTS = ("已经发到邮箱了，请注意查收", "下午两点装车，明天上午到货", "今天系统升级，晚上八点后暂停使用",
               "会议纪要已经整理好放在群文件里了", "客户那边反馈效果不错，下周继续跟进", "已经提交审批了",
               "数据已经更新到最新版本", "我这边已经处理完了", "还差两份材料，明天补齐", "进度比计划慢两天",
               "已经和对方确认过了", "按原计划执行", "周五前可以完成", "今天下午出结果", "已经安排专人跟进",
               "第一批已经发出", "问题已经定位到了，正在修复", "预算已经批下来了", "方案改了第三版", "现场验收通过",
               "流程已经走完了", "明天上午去客户现场", "合同已经盖章寄回", "库存还够两周", "新版本已经部署",
               "报表我晚点发群里", "这周先不动，下周再说", "签收单已经拍照上传", "质检没问题，可以入库",
               "我先整理一下再发出来")
_QUESTIONS = ("能否本周内完成？", "什么时候能给结论？", "谁负责跟进？", "今天能发吗", "具体怎么安排？",
              "有没有最新的版本？", "是不是要重新走流程？", "大概需要多久？", "放在哪个目录了？", "进度怎么样了？",
              "需要我这边配合什么吗？", "预算够不够？", "客户那边怎么说？", "是否需要领导签字？", "几点开始？",
              "还有哪些没提交？", "要不要提前通知客户？", "这个数对不对？", "哪位同事方便支援一下？", "明天能到吗？")
_REQUESTS = ("麻烦尽快确认一下", "请周五前提交", "收到请回复", "下班前发我", "麻烦帮忙看一下", "请大家注意查收",
             "请相关同事跟进一下", "麻烦整理一下发群里", "今天之内反馈一下", "请按时参加")
_ACKS = ("收到", "好的", "好的，谢谢", "明白", "👍", "收到，马上处理", "好的收到", "辛苦了", "OK", "了解",
         "没问题", "收到[OK]", "谢谢", "好的，我来处理", "已收到")
_CHAT = ("中午吃什么", "今天好冷啊", "周末有人去爬山吗", "楼下新开了一家奶茶店", "哈哈哈哈", "下雨了记得带伞",
         "电梯又坏了", "谁的快递放前台了", "咖啡机修好了", "明天降温，注意保暖")
_TAILS = ("", "", "", "。", "。", "，谢谢", "，辛苦", "！", "～", "，请知悉。")
_FILES = ("报价单_V3.pdf", "10月回款明细.xlsx", "项目周报.docx", "发货清单.xlsx", "会议纪要.docx", "培训课件.pptx",
          "采购合同.pdf", "验收报告.pdf", "排班表.xlsx", "需求说明书.docx")
_LINKS = ("关于规范差旅报销标准的通知", "10月安全生产检查安排", "新版考勤制度解读", "行业周报第42期",
          "客户案例分享", "产品发布会直播回放")
_SALARY = ("这个月工资怎么少了三百？", "绩效工资什么时候发", "我的工资条发一下", "年终奖比去年少了")
_PII_TEXT = ("我的手机号是{mobile}，有事打我电话", "客户电话{mobile}，麻烦回个电话", "身份证号{id}，帮忙登记一下",
             "报销打到这张卡{card}，谢谢", "新同事身份证{id}，请人事录入")
_LEX_TEXT = ("有人在群里说{w}的事，大家别信", "{w}，加我私聊", "群里别发{w}相关的内容", "听说{w}，是真的吗？",
             "{w}了解一下")


# --- the company ---------------------------------------------------------------------

def _department_sizes(n_staff: int, rng: np.random.Generator) -> np.ndarray:
    """Department head counts of 10–200 (median ~45) adding up to n_staff."""
    sizes: list[int] = []
    left = n_staff
    while left > 0:
        s = int(np.clip(rng.lognormal(np.log(45), 0.7), 10, 200))
        if left - s < 10:
            s = left
        sizes.append(s)
        left -= s
    return np.array(sizes)


def _department_names(k: int) -> list[str]:
    names = ["行政中心"]
    for region in _REGIONS:
        for base in _DEPT_BASES:
            for n in ("",) + tuple(_ORDINALS):
                if len(names) == k:
                    return names
                if region or n or base in ("销售", "研发"):   # a few plain names, then numbered ones
                    names.append(f"{region}{base}{n}部" if n else f"{region}{base}部")
    raise ValueError(f"too many departments: {k}")


def company(n: int, seed: int) -> tuple[pd.DataFrame, list[str]]:
    """(roster, departments): one row per employee, departments in roster order.

    Names and platform ids come from ``gen_roster.employees``; departments,
    ranks, reporting lines and the month's hires and leavers are set here.
    """
    rng = np.random.default_rng(seed)
    staff = pd.DataFrame(gen_roster.employees(n, seed))
    sizes = _department_sizes(n - 1, rng)
    depts = _department_names(len(sizes))
    dept_of = np.concatenate([[0], np.repeat(np.arange(len(sizes)), sizes)])      # row 0: the 总经理
    first = np.concatenate([[1], 1 + np.cumsum(sizes)[:-1]])                     # each department's head
    is_head = np.zeros(n, bool)
    is_head[first] = True
    # 主管: about one per 12 staff, the rows right after the head
    pos = np.arange(n) - first[dept_of]
    n_sup = np.maximum(1, sizes // 12)
    is_sup = (pos >= 1) & (pos <= n_sup[dept_of]) & (np.arange(n) > 0)
    ids = staff["employee_id"].to_numpy()
    sup_pick = first[dept_of] + 1 + (rng.integers(0, 1 << 30, n) % n_sup[dept_of])
    manager = np.where(is_head, ids[0], np.where(is_sup, ids[first[dept_of]], ids[np.minimum(sup_pick, n - 1)]))
    manager[0] = None
    level = np.where(is_head, "部门负责人", np.where(is_sup, "主管", "员工")).astype(object)
    level[0] = "总经理"
    base = np.array([d.removesuffix("部").removesuffix("中心") for d in depts])[dept_of]
    title = np.where(is_head, np.char.add(base, "经理"), np.char.add(base, np.where(is_sup, "主管", "专员")))
    title = title.astype(object)
    title[0] = "总经理"
    hire = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 5000, n), unit="D")
    new = (rng.random(n) < 0.01) & ~is_head & ~is_sup
    hire = hire.where(~new, pd.Timestamp("2026-10-08") + pd.to_timedelta(rng.integers(0, 15, n), unit="D"))
    leave = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    gone = (rng.random(n) < 0.02) & ~is_head & ~is_sup & ~new
    leave[gone] = pd.Timestamp("2026-06-01") + pd.to_timedelta(rng.integers(0, 140, int(gone.sum())), unit="D")
    staff = staff.assign(department=np.array(depts, dtype=object)[dept_of], title=title, level=level,
                         manager_id=manager, hire_date=hire.date, leave_date=[d.date() if pd.notna(d) else None
                                                                              for d in leave])
    return staff, depts


def _nicknames(staff: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Each person's group nickname: 部门+姓名 as 002 §三.2.2 asks (销售部李娜, 销售部-李娜); ~4% not."""
    name, dept = staff["name"].to_numpy(object), staff["department"].to_numpy(object)
    r = rng.random(len(staff))
    nick = np.where(r < 0.8, dept + name, dept + "-" + name)
    bad = rng.random(len(staff)) < 0.04
    nick[bad] = np.where(rng.random(int(bad.sum())) < 0.5, name[bad],
                         np.array(_BAD_NICKS, dtype=object)[rng.integers(0, len(_BAD_NICKS), int(bad.sum()))])
    return nick


# --- groups --------------------------------------------------------------------------

def groups(staff: pd.DataFrame, depts: list[str], rng: np.random.Generator) -> list[dict]:
    """Every group with its members (roster row numbers), type, owner and share of the month's messages."""
    n = len(staff)
    dept_of = pd.Categorical(staff["department"], categories=depts).codes
    heads = np.flatnonzero(staff["level"].to_numpy() == "部门负责人")
    left = staff["leave_date"].notna().to_numpy()
    out: list[dict] = []

    def add(kind: str, name: str, members: np.ndarray, weight: float, dept: str = "行政中心", **kw):
        members = np.unique(members)
        out.append(dict(type=kind, name=name, members=members, weight=weight, dept=dept, **kw))

    # The company-wide group carries notices, not chat: a small share for its size.
    add("company", f"{SHORT}科技全员工作群", np.arange(n), 0.015 * n ** 0.9)
    add("management", f"{SHORT}管理层工作群", np.concatenate([[0], heads]), 0.3 * len(heads))
    for d, dept in enumerate(depts):
        members = np.flatnonzero(dept_of == d)
        add("department", f"{SHORT}{dept}工作群", np.concatenate([[0], members]) if d == 0 else members,
            len(members) ** 0.9, dept=dept)
    n_proj = max(2, n // 12)
    for p in range(n_proj):
        size = int(rng.integers(5, 31))
        home = rng.choice(len(depts), size=int(rng.integers(1, 4)))
        pool = np.flatnonzero(np.isin(dept_of, home))
        members = rng.choice(pool, size=min(size, len(pool)), replace=False)
        add("project", f"{SHORT}{_PROJECTS[p % len(_PROJECTS)]}{p // len(_PROJECTS) + 1}期项目群",
            members, 1.2 * len(members), dept=depts[home[0]])
    for t in range(max(1, n // 200)):
        members = rng.choice(n, size=int(rng.integers(5, 21)), replace=False)
        # half the temporary groups outlived their purpose (LIF: ended, still in use)
        add("temporary", f"{SHORT}{_TEMPS[t % len(_TEMPS)]}{t + 1}临时群", members, 0.5 * len(members),
            end=dt.date(2026, 10, int(rng.integers(5, 30))) if t % 2 else dt.date(2026, 12, 31))
    for i in range(max(1, n // 500)):
        members = rng.choice(n, size=int(rng.integers(8, 60)), replace=False)
        add("interest", f"{_INTERESTS[i % len(_INTERESTS)]}{i + 1 if i >= len(_INTERESTS) else ''}",
            members, 0.4 * len(members))
    # Leavers are taken out of their groups, but a few are still in one (MEM: departed members).
    for g in out:
        m = g["members"]
        keep = ~left[m] | (rng.random(len(m)) < 0.1)
        g["members"] = m[keep]
        g["posters"] = m[~left[m]]
    return out


def assign_formats(gs: list[dict], rng: np.random.Generator) -> None:
    """Give each group a format so that each format's share of the messages is near ``SHARES``."""
    total = sum(g["weight"] for g in gs)
    got = dict.fromkeys(FORMATS, 0.0)
    order = sorted(range(len(gs)), key=lambda i: (-gs[i]["weight"], rng.random()))
    for i in order:
        g = gs[i]
        if g["type"] in ("company", "management"):
            allowed = ("wecom_archive",)
        elif g["type"] == "interest":
            allowed = ("wechat_txt", "qq_txt", "wechat_csv")
        else:
            allowed = FORMATS
        # the format furthest below its share takes the group
        f = max(allowed, key=lambda f: SHARES[f] * total - got[f])
        g["format"] = f
        got[f] += g["weight"]


def _ids(gs: list[dict], rng: np.random.Generator) -> None:
    alnum = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))
    for i, g in enumerate(gs):
        platform = PLATFORM_OF[g["format"]]
        tail = "".join(rng.choice(alnum, 18))
        g["platform"] = platform
        g["id"] = {"wecom": f"wr{tail}{i:08d}AA", "dingtalk": f"cid{tail}{i:06d}==",
                   "wechat": f"{2038150000 + i * 7919:d}{i % 10}@chatroom", "qq": f"{700000000 + i * 7919:d}"}[platform]


def member_ids(staff: pd.DataFrame, platform: str) -> np.ndarray:
    """Each employee's account on the platform (QQ: None for those without a QQ number)."""
    col = {"wecom": "wecom_id", "dingtalk": "employee_id", "wechat": "wechat_id", "qq": "qq"}[platform]
    return staff[col].to_numpy(object)


# --- messages ------------------------------------------------------------------------

def _s(x) -> pa.Scalar:
    return pa.scalar(x, pa.large_string())


def _pool(words) -> pa.Array:
    return pa.array(list(words), pa.large_string())


def _take(pool, idx: np.ndarray) -> pa.Array:
    return pool.take(pa.array(idx)) if isinstance(pool, pa.Array) else pa.array(np.asarray(pool, object)[idx],
                                                                                  pa.large_string())


def _cat(*parts) -> pa.Array:
    """Element-wise concatenation of large_string arrays and scalars (plain str allowed)."""
    return pc.binary_join_element_wise(*(_s(p) if isinstance(p, str) else p for p in parts), _s(""))


def lexicon_words() -> list[str]:
    """Every word of the shipped word lists but the allow list (``bench/floor.py`` scans for them too)."""
    return [w for f in sorted(LEXICONS.glob("*.txt")) if f.stem != "allow" for w in read_words(f)]


def _id_number(rng: np.random.Generator) -> str:
    body = f"{rng.choice([110101, 310104, 440305, 320102, 510107])}{1970 + int(rng.integers(0, 35))}" \
           f"{int(rng.integers(1, 13)):02d}{int(rng.integers(1, 29)):02d}{int(rng.integers(0, 1000)):03d}"
    s = sum(int(c) * w for c, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)))
    return body + "10X98765432"[s % 11]


def _card(rng: np.random.Generator) -> str:
    body = "622202" + "".join(str(d) for d in rng.integers(0, 10, 12))
    digits = [int(c) for c in body][::-1]
    s = sum(d if i % 2 else sum(divmod(2 * d, 10)) for i, d in enumerate(digits))
    return body + str((10 - s % 10) % 10)


def _texts(kind_text: np.ndarray, rng: np.random.Generator) -> tuple[pa.Array, np.ndarray]:
    """(text, category) for n messages: 0 statement, 1 question, 2 request, 3 ack, 4 chat, 5 notice, 6 violation."""
    n = len(kind_text)
    cat = rng.choice(7, size=n, p=[0.38, 0.17, 0.10, 0.22, 0.07, 0.01, 0.05])
    cat[(cat == 6) & (rng.random(n) < 0.9)] = 0         # violations: ~0.5% of messages
    subj = _take(_pool(_SUBJECTS), rng.integers(0, len(_SUBJECTS), n))
    stmt = _take(_pool(_STATEMENTS), rng.integers(0, len(_STATEMENTS), n))
    tail = _take(_pool(_TAILS), rng.integers(0, len(_TAILS), n))
    ques = _take(_pool(_QUESTIONS), rng.integers(0, len(_QUESTIONS), n))
    req = _take(_pool(_REQUESTS), rng.integers(0, len(_REQUESTS), n))
    # a number in a tenth of the messages makes texts as varied as real ones (order numbers, counts)
    num = np.where(rng.random(n) < 0.1, rng.integers(100, 99999, n), -1)
    num_s = pc.if_else(pa.array(num >= 0), _cat("，单号", pc.cast(pa.array(num), pa.large_string())),
                       pa.scalar("", pa.large_string()))
    comma = pa.scalar("，", pa.large_string())
    statement = _cat(subj, num_s, comma, stmt, tail)
    question = _cat(_take(_pool(("", "", "请问", "想问下", "")), rng.integers(0, 5, n)), subj, num_s, ques)
    request = _cat(subj, num_s, comma, req)
    ack = _take(_pool(_ACKS), rng.integers(0, len(_ACKS), n))
    chat = _take(_pool(_CHAT), rng.integers(0, len(_CHAT), n))
    notice = _cat(pa.scalar("【通知】", pa.large_string()), statement, pa.scalar("；", pa.large_string()),
                  _cat(_take(_pool(_SUBJECTS), rng.integers(0, len(_SUBJECTS), n)), comma,
                       _take(_pool(_STATEMENTS), rng.integers(0, len(_STATEMENTS), n))),
                  pa.scalar("；", pa.large_string()), request, pa.scalar("。请各部门负责人转达到每位同事。",
                                                                          pa.large_string()))
    violation = _violations(n, rng)
    text = pc.choose(pa.array(cat.astype(np.int8)), statement, question, request, ack, chat, notice, violation)
    # 5% on two lines (a list, an afterthought)
    two = pa.array((rng.random(n) < 0.05) & (cat < 3))
    text = pc.if_else(two, _cat(text, pa.scalar("\n", pa.large_string()),
                                _take(_pool(_STATEMENTS), rng.integers(0, len(_STATEMENTS), n))), text)
    return text, cat


def _violations(n: int, rng: np.random.Generator) -> pa.Array:
    words = lexicon_words()
    lex = pc.replace_substring(_take(_pool(_LEX_TEXT), rng.integers(0, len(_LEX_TEXT), n)), "{w}", "\x00")
    lex = pc.binary_join_element_wise(*_split2(lex), _take(_pool(words), rng.integers(0, len(words), n)))
    mobiles = [f"1{rng.choice([3, 5, 8, 9])}{int(rng.integers(0, 10**9)):09d}" for _ in range(64)]
    ids = [_id_number(rng) for _ in range(64)]
    cards = [_card(rng) for _ in range(64)]
    pii = [t.format(mobile=mobiles[i % 64], id=ids[i % 64], card=cards[i % 64])
           for i, t in enumerate(_PII_TEXT * 64)]
    pii_pick = _take(_pool(pii), rng.integers(0, len(pii), n))
    salary = _take(_pool(_SALARY), rng.integers(0, len(_SALARY), n))
    return pc.choose(pa.array(rng.choice(3, size=n, p=[0.5, 0.35, 0.15]).astype(np.int8)), lex, pii_pick, salary)


def _split2(arr: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Text before and after the one NUL in each string (the slot a word goes into)."""
    parts = pc.split_pattern(arr, "\x00", max_splits=1)
    return pc.list_element(parts, 0), pc.list_element(parts, 1)


def messages(staff: pd.DataFrame, gs: list[dict], n_msg: int, rng: np.random.Generator) -> pd.DataFrame:
    """The month's messages as columns: group, sender (roster row), epoch seconds, kind, text, mention target."""
    n_emp = len(staff)
    weight = np.array([g["weight"] if len(g["posters"]) >= 2 else 0.0 for g in gs])
    # nine in ten questions and requests get an answer (p of a question or request × p of text × 0.9)
    reply_share = 0.9 * 0.27 * 0.84
    n_base = int(round(n_msg / (1 + reply_share)))
    n_reply = n_msg - n_base
    grp = rng.choice(len(gs), size=n_base, p=weight / weight.sum())
    sizes = np.array([len(g["posters"]) for g in gs])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate([g["posters"] for g in gs])
    # some people talk far more than others: skew toward the start of each (shuffled) poster list
    sender = flat[offsets[grp] + np.minimum((rng.random(n_base) ** 1.6 * sizes[grp]).astype(np.int64), sizes[grp] - 1)]
    # days: working days carry the month; holidays and weekends a little
    day_p = np.where(WORKDAYS, 1.0, 0.07)
    day = rng.choice(31, size=n_base, p=day_p / day_p.sum())
    r = rng.random(n_base)
    sec = np.where(r < 0.42, rng.integers(9 * 3600, 12 * 3600, n_base),
                   np.where(r < 0.88, rng.integers(13 * 3600 + 1800, 18 * 3600, n_base),
                            np.where(r < 0.997, rng.integers(7 * 3600, 22 * 3600, n_base),
                                     (22 * 3600 + rng.integers(0, 9 * 3600, n_base)) % DAY)))   # quiet hours
    t = EPOCH + day * DAY + sec
    kind = rng.choice(8, size=n_base, p=[0.84, 0.055, 0.05, 0.02, 0.01, 0.01, 0.005, 0.01])
    text, cat = _texts(kind, rng)
    # mentions: requests often @ someone in the group, statements seldom; notices @ everyone
    p_mention = np.array([0.04, 0.15, 0.4, 0.02, 0.0, 0.0, 0.02])[cat]
    mention = np.where((rng.random(n_base) < p_mention) & (kind == 0),
                       flat[offsets[grp] + (rng.random(n_base) * sizes[grp]).astype(np.int64)], -1)
    mention[(cat == 5) & (kind == 0)] = -2            # @所有人
    base = pd.DataFrame({"group": grp, "sender": sender, "t": t, "kind": kind, "cat": cat, "mention": mention})
    base["text"] = pd.arrays.ArrowExtensionArray(text)

    # replies: questions and requests answered by the asker's department head (others in other groups)
    asks = np.flatnonzero(((cat == 1) | (cat == 2)) & (kind == 0))
    asks = np.sort(rng.choice(asks, size=min(n_reply, len(asks)), replace=False))
    n_reply = len(asks)
    head_row = _head_rows(staff)
    gtype = np.array([g["type"] for g in gs])
    q_grp, q_sender = grp[asks], sender[asks]
    head = head_row[q_sender]
    other = flat[offsets[q_grp] + (rng.random(n_reply) * sizes[q_grp]).astype(np.int64)]
    # the head answers where they are a member (and are not the asker); elsewhere someone in the group does
    poster_key = np.concatenate([i * n_emp + g["posters"] for i, g in enumerate(gs)])
    head_here = np.isin(q_grp * n_emp + head, poster_key)
    replier = np.where(np.isin(gtype[q_grp], ("company", "department", "management")) & head_here
                       & (head != q_sender), head, other)
    u = rng.random(n_reply)
    delay = np.where(u < 0.85, rng.integers(20, 900, n_reply),                # in time
                     np.where(u < 0.93, rng.integers(900, 1500, n_reply),    # around the 20/30 minute line
                              rng.integers(1800, 4 * 3600, n_reply)))          # late
    r_text = _take(_pool(_ACKS + ("我看一下，稍后回复", "已处理", "这个我来跟进", "明天给你答复", "已经发你了")),
                   rng.integers(0, len(_ACKS) + 5, n_reply))
    addressed = rng.random(n_reply) < 0.3
    replies = pd.DataFrame({"group": q_grp, "sender": replier, "t": t[asks] + delay, "kind": 0, "cat": 3,
                            "mention": np.where(addressed, q_sender, -1)})
    replies["text"] = pd.arrays.ArrowExtensionArray(r_text)
    msgs = pd.concat([base, replies], ignore_index=True)
    msgs = msgs.sort_values(["t", "group"], kind="stable").reset_index(drop=True)
    assert len(msgs) <= n_msg and n_emp > 0
    return msgs


def _head_rows(staff: pd.DataFrame) -> np.ndarray:
    """Roster row of each employee's department head (the 总经理 for heads themselves)."""
    is_head = staff["level"].isin(["部门负责人", "总经理"]).to_numpy()
    dept_head = pd.Series(np.flatnonzero(is_head), index=staff["department"].to_numpy()[is_head])
    dept_head = dept_head[~dept_head.index.duplicated()]
    out = dept_head.reindex(staff["department"]).to_numpy(dtype=np.int64, copy=True)
    out[is_head] = 0                    # heads answer to the 总经理, roster row 0
    return out


# --- writers -------------------------------------------------------------------------

KINDS = ("text", "image", "sticker", "file", "link", "voice", "video", "quote")


def _write_lines(path: Path, lines: pa.Array, head: bytes = b"") -> None:
    """Write strings that each end in a line break, straight from the Arrow buffer."""
    lines = lines.cast(pa.large_string())
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset: lines.offset + len(lines) + 1]
    with open(path, "wb") as f:
        f.write(head)
        f.write(memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]])


def _json_text(arr: pa.Array) -> pa.Array:
    for a, b in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n")):
        arr = pc.replace_substring(arr, a, b)
    return arr


def _mention_prefix(m: pd.DataFrame, names: np.ndarray, space: str) -> pa.Array:
    """``@name`` + space before texts that mention someone (``@所有人`` for notices)."""
    who = m["mention"].to_numpy()
    pre = np.full(len(m), "", dtype=object)
    pre[who >= 0] = "@" + names[who[who >= 0]] + space
    pre[who == -2] = "@所有人" + space
    return pa.array(pre, pa.large_string())


def write_wecom(m: pd.DataFrame, staff: pd.DataFrame, gs: list[dict], names: np.ndarray, out: Path,
                rng: np.random.Generator) -> list[dict]:
    """WeCom archive JSON Lines, chunked; plus recalls, switch lines and one-to-one chats the reader skips."""
    files = []
    uid = member_ids(staff, "wecom")
    room = np.array([g["id"] for g in gs], dtype=object)
    tolist = np.array([json.dumps(list(uid[g["members"][:5]]), separators=(",", ":")) for g in gs], dtype=object)
    sdk = [f"CtYBMzA2OTAyMDEwMjA0NjIz{rng.integers(0, 1 << 62):x}{'A' * 150}" for _ in range(512)]
    for part, lo in enumerate(range(0, len(m), CHUNK)):
        c = m.iloc[lo:lo + CHUNK]
        n = len(c)
        ms = c["t"].to_numpy() * 1000 + rng.integers(0, 1000, n)
        msgid = pc.cast(pa.array(rng.integers(1 << 60, 1 << 62, n)), pa.large_string())
        head = _cat(_s('{"msgid":"'), msgid, _s("_"), pc.cast(pa.array(c["t"].to_numpy()), pa.large_string()),
                    _s('","action":"send","from":"'), _take(uid, c["sender"].to_numpy()),
                    _s('","tolist":'), _take(tolist, c["group"].to_numpy()), _s(',"roomid":"'),
                    _take(room, c["group"].to_numpy()), _s('","msgtime":'), pc.cast(pa.array(ms), pa.large_string()))
        kind = c["kind"].to_numpy()
        text = _json_text(_cat(_mention_prefix(c, names, " "), pa.array(c["text"].array)))
        said = _cat(_s(',"msgtype":"text","text":{"content":"'), text, _s('"}}\n'))      # a text and a quote alike
        sdkid = _take(_pool(sdk), rng.integers(0, len(sdk), n))
        md5 = _s('{"md5sum":"97c2167f75318727f5cb731d5dfaebcb","sdkfileid":"')
        fname = _take(_pool(_FILES), rng.integers(0, len(_FILES), n))
        bodies = [
            said,                                                                                          # text
            _cat(_s(',"msgtype":"image","image":'), md5, sdkid, _s('"}}\n')),
            _cat(_s(',"msgtype":"emotion","emotion":'), md5, sdkid, _s('"}}\n')),
            _cat(_s(',"msgtype":"file","file":{"filename":"'), fname, _s('","fileext":"xlsx","filesize":35210,'
                                                                          '"sdkfileid":"'), sdkid, _s('"}}\n')),
            _cat(_s(',"msgtype":"link","link":{"title":"'), _take(_pool(_LINKS), rng.integers(0, len(_LINKS), n)),
                 _s('","description":"","link_url":"https://example.com/a","image_url":""}}\n')),
            _cat(_s(',"msgtype":"voice","voice":'), md5, sdkid, _s('"}}\n')),
            _cat(_s(',"msgtype":"video","video":'), md5, sdkid, _s('"}}\n')),
            said,                                                                                          # quote
        ]
        lines = _cat(head, pc.choose(pa.array(kind.astype(np.int8)), *bodies))
        # A recall of the message before (~0.1%), a switch line and a one-to-one chat now and then.
        extra_at = np.flatnonzero(rng.random(n) < 0.0015)
        kinds = rng.choice(3, size=len(extra_at), p=[0.6, 0.1, 0.3])
        extra = []
        for i, k in zip(extra_at, kinds):
            t_ms = int(ms[i]) + 1000
            if k == 0:
                prev = json.loads(lines[int(i)].as_py())
                extra.append(json.dumps({"msgid": f"{rng.integers(1 << 60, 1 << 62)}_{t_ms // 1000}",
                                         "action": "recall", "from": prev["from"], "tolist": [],
                                         "roomid": prev["roomid"], "msgtime": t_ms, "msgtype": "revoke",
                                         "revoke": {"pre_msgid": prev["msgid"]}}, ensure_ascii=False) + "\n")
            elif k == 1:
                extra.append(json.dumps({"msgid": str(rng.integers(1 << 60, 1 << 62)), "action": "switch",
                                         "time": t_ms, "user": str(uid[c["sender"].iat[int(i)]])}) + "\n")
            else:
                extra.append(json.dumps({"msgid": f"{rng.integers(1 << 60, 1 << 62)}_{t_ms // 1000}",
                                         "action": "send", "from": str(uid[c["sender"].iat[int(i)]]),
                                         "tolist": ["U000001"], "roomid": "", "msgtime": t_ms, "msgtype": "text",
                                         "text": {"content": "方便时回个电话"}}, ensure_ascii=False) + "\n")
        if extra:
            order = np.argsort(np.concatenate([np.arange(n), extra_at + 0.5]), kind="stable")
            lines = pa.concat_arrays([lines, pa.array(extra, pa.large_string())]).take(pa.array(order))
        path = out / f"wecom_archive_2026-10_part{part + 1:02d}.jsonl"
        _write_lines(path, lines)
        files.append({"file": path.name, "format": "wecom_archive", "messages": n,
                      "recalls": int((kinds == 0).sum())})
    return files


def _csv_cell(arr: pa.Array) -> pa.Array:
    """RFC 4180: quote the cells a CSV parser could split on."""
    needs = pc.match_substring_regex(arr, '[,"\r\n]')
    quoted = _cat(_s('"'), pc.replace_substring(arr, '"', '""'), _s('"'))
    return pc.if_else(needs, quoted, arr)


def write_generic(m: pd.DataFrame, staff: pd.DataFrame, gs: list[dict], nick: np.ndarray, out: Path,
                  rng: np.random.Generator) -> list[dict]:
    """DingTalk admin export CSV (generic chat, formats.md §6), chunked; 系统 and 撤回 rows become events."""
    files = []
    gname = np.array([g["name"] for g in gs], dtype=object)
    gid = np.array([g["id"] for g in gs], dtype=object)
    eid = staff["employee_id"].to_numpy(object)
    words = ("文本", "图片", "表情", "文件", "链接", "语音", "视频", "引用")
    header = "群名称,群ID,发送时间,发送人ID,发送人,消息类型,消息内容,消息ID\n".encode("utf-8")
    for part, lo in enumerate(range(0, len(m), CHUNK)):
        c = m.iloc[lo:lo + CHUNK]
        n = len(c)
        kind = c["kind"].to_numpy()
        when = pc.strftime(pa.array(c["t"].to_numpy() + 8 * 3600, pa.timestamp("s")), "%Y-%m-%d %H:%M:%S").cast(pa.large_string())
        text = _cat(_mention_prefix(c, nick, " "), pa.array(c["text"].array))      # DingTalk shows the nickname
        media = np.array(["", "[图片]", "[表情]", "", "", "[语音]", "[视频]", ""], dtype=object)[kind]
        text = pc.if_else(pa.array(np.isin(kind, (1, 2, 5, 6))), pa.array(media, pa.large_string()), text)
        text = pc.if_else(pa.array(kind == 3), _take(_pool(_FILES), rng.integers(0, len(_FILES), n)), text)
        text = pc.if_else(pa.array(kind == 4), _take(_pool(_LINKS), rng.integers(0, len(_LINKS), n)), text)
        grp, snd = c["group"].to_numpy(), c["sender"].to_numpy()
        msgid = _cat(_s("msg"), pc.cast(pa.array(rng.integers(1 << 40, 1 << 62, n)), pa.large_string()), _s("=="))
        lines = pc.binary_join_element_wise(
            _take(gname, grp), _take(gid, grp), when, _take(eid, snd), _take(nick, snd),
            _take(_pool(words), kind), _csv_cell(text), _cat(msgid, "\n"), _s(","))
        # a join or a recall now and then
        extra_at = np.flatnonzero(rng.random(n) < 0.002)
        extra = []
        n_ev = 0
        for i in extra_at:
            g, s = int(grp[i]), int(snd[i])
            t = when[int(i)].as_py()
            if rng.random() < 0.5:
                other = nick[int(rng.choice(gs[g]["posters"]))]
                extra.append(f"{gname[g]},{gid[g]},{t},,系统,系统,{nick[s]}邀请{other}加入了群聊,\n")
            else:
                extra.append(f"{gname[g]},{gid[g]},{t},{eid[s]},{nick[s]},撤回,{nick[s]}撤回了一条消息,\n")
            n_ev += 1
        if extra:
            order = np.argsort(np.concatenate([np.arange(n), extra_at + 0.5]), kind="stable")
            lines = pa.concat_arrays([lines, pa.array(extra, pa.large_string())]).take(pa.array(order))
        path = out / f"dingtalk_export_2026-10_part{part + 1:02d}.csv"
        _write_lines(path, lines, head=header)
        files.append({"file": path.name, "format": "generic_chat", "messages": n, "events": n_ev})
    return files


def _records(c: pd.DataFrame, nick: np.ndarray, ids: np.ndarray, space: str, sticker: str) -> list[dict]:
    """Rows as the per-record writers' dicts (``gen_wechat_csv`` documents the shape)."""
    when = pd.to_datetime(c["t"].to_numpy(), unit="s", utc=True).tz_convert(TZ).to_pydatetime()
    text = pa.array(_cat(_mention_prefix(c, nick, space), pa.array(c["text"].array))).to_pylist()
    placeholders = ("", "[图片]", sticker, "[文件] ", "[链接] ", "[语音]", "[视频]", "")
    out = []
    for t, s, k, body in zip(when, c["sender"].to_numpy(), c["kind"].to_numpy(), text):
        kind = KINDS[k]
        rec = {"time": t, "sender_id": ids[s], "sender_name": nick[s], "kind": kind, "text": body}
        if kind in ("file", "link"):
            rec["text"] = placeholders[k] + (_FILES[s % len(_FILES)] if kind == "file" else _LINKS[s % len(_LINKS)])
        elif kind == "quote":
            rec["quote_ref"] = f"{nick[(s + 1) % len(nick)]}：{_STATEMENTS[s % len(_STATEMENTS)]}"
        elif k:
            rec["text"] = placeholders[k]
        out.append(rec)
    return out


def write_wechat(m: pd.DataFrame, staff: pd.DataFrame, gs: list[dict], nick: np.ndarray, out: Path, fmt: str,
                 rng: np.random.Generator) -> list[dict]:
    """One exporter file per chat (named after it), through gen_wechat_csv / gen_wechat_txt."""
    files = []
    ids = member_ids(staff, "wechat")
    for g, c in m.groupby("group", sort=True):
        g = int(c["group"].iat[0])
        if fmt == "wechat_txt":       # the TXT layout has no quote type: quotes become plain text
            c = c.assign(kind=np.where(c["kind"].to_numpy() == 7, 0, c["kind"].to_numpy()))
        recs = _records(c, nick, ids, "\u2005", "[表情]" if fmt == "wechat_csv" else "[表情包]")
        # a join by invitation, as the exports show it
        inviter, invitee = rng.choice(gs[g]["posters"], 2)
        recs.insert(len(recs) // 2, {"time": recs[len(recs) // 2]["time"], "sender_id": None, "sender_name": None,
                                     "kind": "system", "text": f'"{nick[inviter]}"邀请"{nick[invitee]}"加入了群聊'})
        if fmt == "wechat_csv":
            data = gen_wechat_csv.render(recs, talker=gs[g]["id"])
            path = out / f"{gs[g]['name']}.csv"
        else:
            data = gen_wechat_txt.render(recs)
            path = out / f"{gs[g]['name']}.txt"
        path.write_bytes(data)
        files.append({"file": path.name, "format": fmt, "messages": len(c), "events": 1})
    return files


def write_qq(m: pd.DataFrame, staff: pd.DataFrame, gs: list[dict], nick: np.ndarray, out: Path) -> list[dict]:
    """All QQ groups in one message-manager export, one 消息对象 block per group (gen_qq_txt)."""
    qq = member_ids(staff, "qq")
    recs = []
    for g, c in m.groupby("group", sort=True):
        c = c.assign(kind=np.where(np.isin(c["kind"].to_numpy(), (4, 7)), 0, c["kind"].to_numpy()))
        for rec in _records(c, nick, qq, " ", "[表情]"):
            rec["group_name"] = gs[int(g)]["name"]
            if rec["kind"] == "file":
                rec["text"] = "[文件]"
            recs.append(rec)
    if not recs:
        return []
    path = out / "QQ群消息记录.txt"
    path.write_bytes(gen_qq_txt.render(recs))
    return [{"file": path.name, "format": "qq_txt", "messages": len(m), "events": 0}]


def write_tables(staff: pd.DataFrame, gs: list[dict], nick: np.ndarray, out: Path,
                 rng: np.random.Generator) -> dict:
    (out / "roster.csv").write_bytes(gen_roster.render(staff.to_dict("records")))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["群名称", "群ID", "成员ID", "群昵称", "昵称", "角色", "入群时间"])
    hire = pd.to_datetime(staff["hire_date"]).to_numpy()
    name = staff["name"].to_numpy(object)
    rows = 0
    ids_on = {p: member_ids(staff, p) for p in {g["platform"] for g in gs}}      # once per platform, not group
    for g in gs:
        ids = ids_on[g["platform"]]
        created = np.datetime64("2025-03-10T14:00")
        for j, p in enumerate(g["members"]):
            if ids[p] is None or (isinstance(ids[p], float)):
                continue
            # new hires join a few days after starting (MEM002's window); everyone else long ago
            joined = max(created, hire[p] + np.timedelta64(int(3 + rng.integers(0, 4)), "D") + np.timedelta64(10, "h"))
            role = "群主" if j == 0 else ("管理员" if j == 1 else "成员")
            w.writerow([g["name"], g["id"], ids[p], nick[p], name[p], role,
                        str(joined.astype("datetime64[s]")).replace("T", " ")])
            rows += 1
    (out / "members.csv").write_bytes(buf.getvalue().encode("utf-8-sig"))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["群名称", "群ID", "平台", "类型", "所属部门", "群主", "群负责人", "备案日期", "结束日期", "状态"])
    registered = 0
    for g in gs:
        if g["type"] != "company" and rng.random() < 0.03:      # never registered (LIF001)
            continue
        owner = name[g["members"][0]] if len(g["members"]) else ""
        w.writerow([g["name"], g["id"], PLATFORM_WORD[g["platform"]], TYPE_WORD[g["type"]], g["dept"], owner, owner,
                    "2025-03-10", g.get("end", ""), "正常"])
        registered += 1
    (out / "groups.csv").write_bytes(buf.getvalue().encode("utf-8-sig"))
    return {"member_rows": rows, "registered_groups": registered}


def write_policy(staff: pd.DataFrame, depts: list[str], out: Path) -> None:
    """The shipped 002 rulebook plus this company's facts (departments, admin-centre head, publishers)."""
    heads = staff[staff["level"] == "部门负责人"]
    admin_head = heads.loc[heads["department"] == "行政中心", "employee_id"].iloc[0]
    gm = staff["employee_id"].iloc[0]
    lines = ["# Generated by bench/gen_company.py: the 002 rulebook with the generated company's facts.",
             "title: 基准测试公司 (002)", "extends: wechat-dingtalk", "company:", f"  name: {COMPANY}",
             f"  short_names: [{SHORT}]", "  departments:"]
    lines += [f"    - {{name: {d}}}" for d in depts]
    lines += [f"  notice_publishers: [{gm}, {admin_head}]", f"  admin_head: {admin_head}", ""]
    (out / "policy.yaml").write_text("\n".join(lines), encoding="utf-8")


def generate(out: Path, n_msg: int | None = None, n_emp: int | None = None, seed: int = 0) -> dict:
    """Write a month into ``out``; return the manifest (also written as ``manifest.json``)."""
    t0 = time.perf_counter()
    if n_emp is None:
        n_emp = max(60, round((n_msg or 250_000) / 250))
    if n_msg is None:
        n_msg = 250 * n_emp
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    chats = out / "chats"
    chats.mkdir(exist_ok=True)
    for old in chats.iterdir():
        old.unlink()
    staff, depts = company(n_emp, seed)
    nick = _nicknames(staff, rng)
    gs = groups(staff, depts, rng)
    for g in gs:
        rng.shuffle(g["posters"])
    assign_formats(gs, rng)
    _ids(gs, rng)
    has_qq = staff["qq"].notna().to_numpy()
    for g in gs:
        if g["platform"] == "qq":            # a QQ group holds only people with a QQ number
            g["members"], g["posters"] = g["members"][has_qq[g["members"]]], g["posters"][has_qq[g["posters"]]]
    msgs = messages(staff, gs, n_msg, rng)
    fmt = np.array([g["format"] for g in gs])[msgs["group"].to_numpy()]
    files = []
    files += write_wecom(msgs[fmt == "wecom_archive"], staff, gs, staff["name"].to_numpy(object), chats, rng)
    files += write_generic(msgs[fmt == "generic_chat"], staff, gs, nick, chats, rng)
    files += write_wechat(msgs[fmt == "wechat_csv"], staff, gs, nick, chats, "wechat_csv", rng)
    files += write_wechat(msgs[fmt == "wechat_txt"], staff, gs, nick, chats, "wechat_txt", rng)
    files += write_qq(msgs[fmt == "qq_txt"], staff, gs, nick, chats)
    tables = write_tables(staff, gs, nick, out, rng)
    write_policy(staff, depts, out)
    per_format = {f: sum(x["messages"] for x in files if x["format"] == f) for f in FORMATS}
    manifest = {"seed": seed, "employees": n_emp, "departments": len(depts), "groups": len(gs),
                "messages": sum(per_format.values()), "per_format": per_format,
                "bytes": sum((chats / x["file"]).stat().st_size for x in files), "files": files,
                "violations_in_text": int((msgs["cat"] == 6).sum()),
                "quiet_hour_posts": int((((msgs["t"] - EPOCH) % DAY) // 3600).isin(list(range(22, 24)) +
                                                                                   list(range(0, 7))).sum()),
                **tables, "seconds": round(time.perf_counter() - t0, 2)}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, help="messages in the month (default 250 per employee)")
    ap.add_argument("--employees", type=int, help="employees (default one per 250 messages)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if not (args.messages or args.employees):
        ap.error("give --messages or --employees")
    m = generate(args.out, args.messages, args.employees, args.seed)
    print(f"{m['messages']:,} messages, {m['employees']:,} employees, {m['groups']:,} groups, "
          f"{m['bytes'] / 1e6:.0f} MB of chats in {m['seconds']} s → {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
