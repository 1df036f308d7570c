"""Writer of generic chat CSVs (formats.md §6), for round-trip tests and benchmarks.

``render(records)`` writes the DingTalk admin-export layout of
``samples/generic_chat.csv`` (RFC 4180 quoting, times as local
``YYYY-MM-DD HH:MM:SS``); ``generate(n)`` makes a month of n messages in a
few groups: Chinese text of about 20 characters, some multi-line, some
@mentions, and a few 系统 (join) and 撤回 (recall) rows that become events.
"""
from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
HEADER = ["群名称", "群ID", "发送时间", "发送人ID", "发送人", "消息类型", "消息内容", "消息ID"]
KIND_WORDS = {"text": "文本", "image": "图片", "file": "文件", "link": "链接", "voice": "语音", "video": "视频",
              "sticker": "表情", "system": "系统", "recall": "撤回", "other": "其他"}


def _cell(value: str) -> str:
    # Quote whatever a CSV parser could split on, CR included (the csv module
    # leaves a lone CR unquoted when the line terminator is LF).
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _row(rec: dict) -> str:
    when = rec["time"].astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")
    cells = [rec.get("group_name", "测试群"), rec.get("group_id", "cidBenchGroup0001=="), when,
             rec.get("sender_id", ""), rec.get("sender_name", ""), KIND_WORDS[rec["kind"]], rec["text"],
             rec.get("msg_id", "")]
    return ",".join(map(_cell, cells)) + "\n"


def render(records: list[dict]) -> bytes:
    """Records as a UTF-8, LF generic chat CSV with Chinese headers."""
    return (",".join(HEADER) + "\n" + "".join(map(_row, records))).encode("utf-8")


_PEOPLE = [("ZD1001", "周建国"), ("ZD1002", "陈静"), ("ZD1003", "王磊"), ("ZD1004", "林峰"), ("ZD1005", "钱芳"),
           ("ZD1006", "彭勇"), ("ZD1012", "孙丽"), ("ZD1013", "张伟"), ("ZD1014", "李娜"), ("ZD1022", "罗琳"),
           ("ZD1023", "曹敏"), ("ZD1024", "韩梅"), ("ZD1026", "谢刚"), ("ZD1027", "唐亮"), ("ZD1028", "袁芳")]
_PHRASES = ["收到，马上处理", "今天下班前把周报发到群里", "报销单请按时提交", "样品明天上午发顺丰",
            "这个问题我和财务确认一下", "下午三点会议室开会", "发票已经寄出了请查收", "合同条款法务还要再看",
            "仓库库存盘点完成", "请大家注意保密", "好的，谢谢", "月底前完成回款对账", "明天调休正常上班",
            "备用金已经打到账户", "设备已经安装调试完毕"]


def generate(n: int, seed: int = 0) -> bytes:
    """A realistic DingTalk admin export with n messages in 6 groups over October 2026, plus a few events."""
    rng = random.Random(seed)
    groups = [(f"澤東测试{i}群", f"cidZd{i:02d}Bench{i:012d}==", rng.sample(_PEOPLE, rng.randint(4, 10)))
              for i in range(6)]
    t = dt.datetime(2026, 10, 1, 8, tzinfo=TZ).timestamp()
    step = 31 * 86400 / max(n, 1)
    out = [",".join(HEADER) + "\n"]
    for i in range(n):
        t += rng.uniform(0.2, 1.8) * step
        name, gid, members = groups[rng.randrange(len(groups))]
        sid, sname = rng.choice(members)
        r = rng.random()
        kind, text = "text", "，".join(rng.sample(_PHRASES, 2)) + "。"
        if r < 0.10:
            text = f"@{rng.choice(members)[1]} {text}"
        elif r < 0.13:
            text = text + "\n1. " + rng.choice(_PHRASES) + "\n2. " + rng.choice(_PHRASES)
        elif r < 0.18:
            kind, text = "image", "[图片]"
        elif r < 0.20:
            kind, text = "file", "10月回款明细.xlsx"
        when = dt.datetime.fromtimestamp(int(t), TZ)
        rec = {"group_name": name, "group_id": gid, "time": when, "sender_id": sid, "sender_name": sname,
               "kind": kind, "text": text, "msg_id": f"msg{rng.getrandbits(64):016x}=="}
        out.append(_row(rec))
        if rng.random() < 0.001:
            a, b = rng.sample(_PEOPLE, 2)
            sys_rec = {"group_name": name, "group_id": gid, "time": when, "sender_name": "系统", "kind": "system",
                       "text": f"{a[1]}邀请{b[1]}加入了群聊"}
            out.append(_row(sys_rec))
        elif rng.random() < 0.001:
            out.append(_row({**rec, "kind": "recall", "text": f"{sname}撤回了一条消息", "msg_id": ""}))
    return "".join(out).encode("utf-8")
