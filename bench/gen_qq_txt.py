"""Writer of QQ message-manager text exports (formats.md §4), for round-trip tests and benchmarks.

``render(records)`` writes records the way QQ's "导出消息记录 → 文本文件" does:
the banner, one ``消息分组``/``消息对象`` block per group, then for each record
a header line ``YYYY-MM-DD H:MM:SS [【tag】]name(QQ号)`` (or ``name<email>``),
the body lines and a blank line, CRLF by default. ``generate(n)`` makes a
month of n messages in three groups shaped like ``samples/qq_export.txt``:
Chinese text of about 20 characters, some multi-line, some @mentions,
placeholders, role and level tags, names with parentheses, e-mail senders,
plus a few system lines from ``系统消息(10000)``.
"""
from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
BANNER = "消息记录（此消息记录为文本格式，不支持重新导入）"
RULE = "=" * 64
SYSTEM = ("系统消息", "10000")
#: What a record of each non-text kind looks like in the export.
PLACEHOLDERS = {"image": "[图片]", "sticker": "[表情]", "file": "[文件]", "voice": "[语音]", "video": "[视频]"}


def _clock(t: dt.datetime, twelve_hour: bool, ampm_sep: str) -> str:
    """QQ's time: hour without leading zero, 24-hour or 12-hour with AM/PM."""
    if not twelve_hour:
        return f"{t:%Y-%m-%d} {t.hour}:{t:%M:%S}"
    return f"{t:%Y-%m-%d} {t.hour % 12 or 12}:{t:%M:%S}{ampm_sep}{'AM' if t.hour < 12 else 'PM'}"


def _sender(rec: dict) -> str:
    tag = f"【{rec['tag']}】" if rec.get("tag") else ""
    sid = rec["sender_id"]
    return f"{tag}{rec['sender_name']}" + (f"<{sid}>" if "@" in sid else f"({sid})")


def render(records: list[dict], *, group_name: str = "澤東研发部工作群", folder: str = "我的QQ群",
           tz: str = "Asia/Shanghai", twelve_hour: bool = False, ampm_sep: str = " ",
           newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    """Records as a QQ text export.

    A record is a dict with ``time`` (tz-aware), ``sender_id`` (QQ number or
    e-mail), ``sender_name``, ``text`` and ``kind``; optional ``tag`` (the
    ``【…】`` before the name) and ``group_name`` (a new ``消息对象`` block
    starts whenever it changes). Kind ``system`` writes the text as a line
    from ``系统消息(10000)``. ``encoding="utf-16"`` writes UTF-16 LE with a BOM,
    as QQ on Windows does.
    """
    zone = ZoneInfo(tz)
    out = [BANNER, ""]
    current = None
    for rec in records:
        name = rec.get("group_name", group_name)
        if name != current:
            out += [RULE, f"消息分组:{folder}", RULE, f"消息对象:{name}", RULE, ""]
            current = name
        if rec["kind"] == "system":
            rec = dict(rec, sender_name=SYSTEM[0], sender_id=SYSTEM[1], tag=None)
        out += [f"{_clock(rec['time'].astimezone(zone), twelve_hour, ampm_sep)} {_sender(rec)}", rec["text"], ""]
    text = newline.join(out) + newline
    if encoding == "utf-16":
        return text.encode("utf-16")         # Python writes the BOM, little-endian here
    return text.encode(encoding)


# --- a realistic month -------------------------------------------------------------

_MEMBERS = [  # (name, QQ number or e-mail, tag)
    ("研发部林峰", "1184520073", "群主"), ("张伟（研发）", "2750193364", "管理员"), ("何俊(硬件)", "1523067781", None),
    ("研发部徐婷", "xuting.zd@example.com", None), ("高远", "3016628845", "活跃"), ("深圳芯联-小吴", "1910473256", None),
    ("冯晓雨", "1308817442", None), ("Tony(张伟)", "1287734509", None), ("刘洋", "2012345678", "管理员"),
    ("孙丽", "1650983342", None), ("李娜", "2395517820", "活跃"), ("唐亮", "2847163059", None),
    ("谢刚", "1397740216", None), ("袁芳", "1061592837", None), ("Rain", "rain.zd@example.com", None),
]
_QQ_MEMBERS = [m for m in _MEMBERS if m[1].isdigit()]
_GROUPS = ["澤東研发部工作群", "羽毛球小分队", "智能仓储V3.2联调群"]
_PHRASES = ["收到，马上处理", "今天下班前把周报发到群里", "V3.2回归测试通过率96%", "扫码枪断连问题已修复，待现场验证",
            "下午三点会议室开会，请准时参加", "测试环境数据库今晚重置", "驱动新版本已经传到群文件了",
            "明天调休正常上班", "项目进度比计划慢两天", "设备已经安装调试完毕", "好的，谢谢", "请大家注意保密",
            "本周六羽毛球改到周日下午", "日志在 /var/log/wms/scan.log", "固件问题今天刷一版新的"]
_SYSTEM = ["{n}({q}) 加入本群。", "{n}({q}) 退出本群。", "{n}({q}) 被管理员移出本群。", "{n}({q}) 撤回了一条消息",
           "{n}({q}) 已成为新群主"]


def _text(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.08:
        kind = rng.choice(("image", "image", "sticker", "sticker", "file", "voice", "video"))
        return kind, PLACEHOLDERS[kind]
    text = rng.choice(_PHRASES) + "，" + rng.choice(_PHRASES)
    if r < 0.13:
        text += "".join(f"\n{i}. {rng.choice(_PHRASES)}" for i in range(1, rng.randint(2, 4)))
    elif r < 0.23:
        text = f"@{rng.choice(_MEMBERS)[0]} {text}"
    elif r < 0.235:
        text = f"@全体成员 {text}"
    return "text", text


def generate(n: int, seed: int = 0) -> bytes:
    """A QQ export of n messages in three groups over October 2026, plus about 0.3% system lines."""
    rng = random.Random(seed)
    records = []
    for g, group in enumerate(_GROUPS):
        count = n // len(_GROUPS) + (g < n % len(_GROUPS))
        start = dt.datetime(2026, 10, 1, 8, tzinfo=TZ).timestamp()
        step = 30 * 86400 / max(1, count)
        for i in range(count):
            t = dt.datetime.fromtimestamp(int(start + i * step), TZ)
            if rng.random() < 0.003:
                name, qq, _ = rng.choice(_QQ_MEMBERS)
                records.append({"time": t, "sender_id": SYSTEM[1], "sender_name": SYSTEM[0], "kind": "system",
                                "text": rng.choice(_SYSTEM).format(n=name, q=qq), "group_name": group})
            name, sid, tag = rng.choice(_MEMBERS)
            kind, text = _text(rng)
            records.append({"time": t, "sender_id": sid, "sender_name": name, "tag": tag, "kind": kind,
                            "text": text, "group_name": group})
    return render(records)
