"""Writer of WeCom session archives (formats.md §5), for round-trip tests and benchmarks.

``render(records)`` writes records as the archive SDK's decrypted messages,
one JSON object per line (or as an indented JSON array); ``generate(n)``
makes a month of n messages across a few rooms, shaped like
``samples/wecom_archive.jsonl``: Chinese text of about 20 characters, some
multi-line, some @mentions, media with their sdkfileid, plus a few recalls,
enterprise-switch lines and one-to-one messages (which the reader skips).
"""
from __future__ import annotations

import datetime as dt
import json
import random
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
ROOM = "wrZdKq3LBwAAbEnChRoOm0000000000001"
_MEDIA = {"image": "image", "voice": "voice", "video": "video", "sticker": "emotion"}


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _sdkfileid(rng: random.Random) -> str:
    return "CtYBMzA2OTAyMDEwMjA0NjIz" + "".join(rng.choices(_B64, k=200))


def _object(rec: dict, rng: random.Random) -> dict:
    """One record as an archive object. Kinds: text, image, voice, video, sticker, file, link, recall."""
    ms = int(rec["time"].timestamp() * 1000 + 0.5) if isinstance(rec["time"], dt.datetime) else int(rec["time"])
    kind, text = rec["kind"], rec["text"]
    obj = {"msgid": rec.get("msg_id") or f"{rng.getrandbits(63)}_{ms // 1000}", "action": "send",
           "from": rec["sender_id"], "tolist": rec.get("tolist", []), "roomid": rec.get("group_id", ROOM),
           "msgtime": ms}
    if kind == "text":
        obj.update(msgtype="text", text={"content": text})
    elif kind in _MEDIA:
        obj.update(msgtype=_MEDIA[kind], **{_MEDIA[kind]: {"md5sum": f"{rng.getrandbits(128):032x}",
                                                            "sdkfileid": _sdkfileid(rng)}})
    elif kind == "file":
        name = text.removeprefix("[文件] ")
        obj.update(msgtype="file", file={"filename": name, "fileext": name.rpartition(".")[2],
                                         "filesize": rng.randint(1000, 900000), "sdkfileid": _sdkfileid(rng)})
    elif kind == "link":
        obj.update(msgtype="link", link={"title": text.removeprefix("[链接] "), "description": "",
                                         "link_url": "https://example.com/a", "image_url": ""})
    elif kind == "recall":
        obj.update(action="recall", msgtype="revoke", revoke={"pre_msgid": text})
    else:
        raise ValueError(f"no archive form for kind {kind!r}")
    return obj


def render(records: list[dict], array: bool = False, seed: int = 0) -> bytes:
    """Records as archive JSON Lines (or an indented JSON array when ``array``).

    A record's ``text`` is what the reader should give back: ``[文件] name``
    for files, ``[链接] title`` for links, the recalled msgid for a recall.
    """
    rng = random.Random(seed)
    objs = [_object(r, rng) for r in records]
    if array:
        return (json.dumps(objs, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return "".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n" for o in objs).encode("utf-8")


_PEOPLE = [("ZhouJianGuo", "周建国"), ("ChenJing", "陈静"), ("WangLei", "王磊"), ("LinFeng", "林峰"),
           ("QianFang", "钱芳"), ("PengYong", "彭勇"), ("ZhangWei", "张伟"), ("LiNa", "李娜"),
           ("XieGang", "谢刚"), ("SunLi", "孙丽"), ("LuoLin", "罗琳"), ("CaoMin", "曹敏"),
           ("woZdKq3LBwAAm8Hq2Rj5Tx0Uc7Vb4Nf1Ke", "刘建华")]
_PHRASES = ["收到，马上处理", "今天下班前把周报发到群里", "客户那边的报价单已经更新", "样品明天上午发顺丰",
            "这个问题我和研发确认一下", "下午三点会议室开会", "发票已经寄出了请查收", "合同条款法务还要再看",
            "仓库库存盘点完成", "请大家注意保密", "好的，谢谢", "月底前完成回款对账", "明天调休正常上班",
            "项目进度比计划慢两天", "设备已经安装调试完毕"]
_FILES = ["报价单_V3.pdf", "10月回款明细.xlsx", "项目周报.docx", "发货清单.xlsx"]


def generate(n: int, seed: int = 0) -> bytes:
    """A realistic archive with n messages in 8 rooms over October 2026, plus a few skipped lines."""
    rng = random.Random(seed)
    rooms = [(f"wrZdKq3LBwAA{i:04d}BenchRoom{i:08d}", rng.sample(_PEOPLE, rng.randint(4, 9))) for i in range(8)]
    t = dt.datetime(2026, 10, 1, 8, tzinfo=TZ).timestamp() * 1000
    step = 31 * 86400 * 1000 / max(n, 1)
    out: list[str] = []
    last: dict | None = None
    for i in range(n):
        t += rng.uniform(0.2, 1.8) * step
        roomid, members = rooms[rng.randrange(len(rooms))]
        sender = rng.choice(members)
        r = rng.random()
        kind, text = "text", "，".join(rng.sample(_PHRASES, 2)) + "。"
        if r < 0.10:
            text = f"@{rng.choice(members)[1]} {text}"
        elif r < 0.13:
            text = text + "\n1. " + rng.choice(_PHRASES) + "\n2. " + rng.choice(_PHRASES)
        elif r < 0.18:
            kind, text = "image", "[图片]"
        elif r < 0.20:
            kind, text = "file", "[文件] " + rng.choice(_FILES)
        elif r < 0.21:
            kind, text = "link", "[链接] 关于规范差旅报销标准的通知"
        elif r < 0.22:
            kind, text = "sticker", "[表情]"
        obj = _object({"time": int(t), "sender_id": sender[0], "kind": kind, "text": text, "group_id": roomid,
                       "tolist": [m[0] for m in members if m != sender]}, rng)
        out.append(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
        if last and rng.random() < 0.001:       # the previous message recalled
            out.append(json.dumps(_object({"time": int(t) + 1000, "sender_id": last["from"], "kind": "recall",
                                           "text": last["msgid"], "group_id": last["roomid"]}, rng),
                                  ensure_ascii=False, separators=(",", ":")))
        if rng.random() < 0.0005:
            out.append(json.dumps({"msgid": str(rng.getrandbits(63)), "action": "switch", "time": int(t),
                                   "user": sender[0]}))
        if rng.random() < 0.002:
            o = _object({"time": int(t) + 500, "sender_id": sender[0], "kind": "text", "text": "私聊：方便时回个电话",
                         "group_id": ""}, rng)
            out.append(json.dumps(o, ensure_ascii=False, separators=(",", ":")))
        last = obj
    return ("\n".join(out) + "\n").encode("utf-8")
