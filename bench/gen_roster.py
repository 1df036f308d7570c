"""Writer of HR rosters (formats.md §8) for benchmarks and round-trip tests.

    employees(n, seed)  -> list of employee dicts (realistic Chinese names,
                           duplicates included, departments, ids)
    render(employees)   -> roster CSV bytes (UTF-8 BOM, CRLF, Chinese headers)
    generate(n, seed)   -> render(employees(n, seed))

Each employee dict has the roster fields: employee_id, name, department,
title, level, manager_id, hire_date, leave_date (``datetime.date`` or None),
wechat_id, qq, wecom_id, phone (None when empty).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random

# Common surnames, most frequent first (frequency falls off like the real list).
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅琳雪飞峰亮婷俊浩宇欣怡晨"
         "阳帆博文杰佳琪思雨晓燕子涵嘉豪晖晶鑫宁昊然轩泽瑞凯翔海波春燕彬斌")
DEPARTMENTS = ("行政中心", "销售一部", "销售二部", "研发中心", "研发部", "财务部", "人力资源部", "市场部", "客服中心",
               "仓储物流部", "采购部", "法务部", "质量管理部", "生产部", "信息技术部", "审计部", "品牌部", "运营中心")
TITLES = ("专员", "主管", "工程师", "代表", "助理", "会计", "经理")
HEADER = ("工号", "姓名", "部门", "职位", "职级", "直属上级工号", "入职日期", "离职日期", "微信号", "QQ号",
          "企业微信账号", "手机")
FIELDS = ("employee_id", "name", "department", "title", "level", "manager_id", "hire_date", "leave_date",
          "wechat_id", "qq", "wecom_id", "phone")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _name(rng: random.Random) -> str:
    surname = SURNAMES[min(int(rng.expovariate(1 / 12)), len(SURNAMES) - 1)]
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))


def employees(n: int, seed: int = 0) -> list[dict]:
    """``n`` employees; each department has one 部门负责人 whom its staff report to."""
    rng = random.Random(seed)
    heads: dict[str, str] = {}
    out = []
    for i in range(n):
        eid = f"ZD{10001 + i}"
        dept = DEPARTMENTS[i % len(DEPARTMENTS)]
        is_head = dept not in heads
        heads.setdefault(dept, eid)
        hire = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(6000))
        out.append({
            "employee_id": eid,
            # Real rosters repeat common names (two 张伟) more often than random draws do.
            "name": rng.choice(out)["name"] if out and rng.random() < 0.03 else _name(rng),
            "department": dept,
            "title": dept.rstrip("部中心") + ("经理" if is_head else rng.choice(TITLES)),
            "level": "部门负责人" if is_head else rng.choice(("员工", "员工", "员工", "主管")),
            "manager_id": None if is_head else heads[dept],
            "hire_date": hire,
            "leave_date": hire + dt.timedelta(days=rng.randrange(30, 3000)) if rng.random() < 0.05 else None,
            "wechat_id": ("wxid_" + "".join(rng.choices(_ALNUM, k=14)) if rng.random() < 0.6
                          else "".join(rng.choices(_ALNUM[:26], k=6)) + f"_{i}"),
            "qq": str(rng.randrange(10**7, 4 * 10**9)) if rng.random() < 0.8 else None,
            "wecom_id": f"U{i:06d}",
            "phone": f"139{i:08d}",
        })
    return out


def _cell(v, slash: bool) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        # HR types dates both ways (formats.md §8)
        return f"{v.year}/{v.month}/{v.day}" if slash else v.isoformat()
    return str(v)


def render(rows: list[dict]) -> bytes:
    """Roster CSV as Excel's "CSV UTF-8" writes it: BOM, CRLF, RFC 4180 quoting."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    for i, r in enumerate(rows):
        w.writerow([_cell(r.get(f), slash=i % 2 == 1) for f in FIELDS])
    return buf.getvalue().encode("utf-8-sig")


def generate(n: int, seed: int = 0) -> bytes:
    return render(employees(n, seed))
