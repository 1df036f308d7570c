"""Writer for the WeChat exporter CSV (formats.md §1), for benchmarks and round-trip tests.

    python bench/gen_wechat_csv.py 1000000 > out.csv

``render(records)`` writes records the way MemoTrace does (UTF-8 BOM, CRLF
between records, RFC 4180 quoting, raw XML for media); ``generate(n)`` makes
a realistic month of one group. ``records(n)`` is shared with gen_wechat_txt.

A record is a dict with ``time`` (tz-aware), ``sender_id``, ``sender_name``,
``text``, ``kind`` (a model kind, or ``system`` for a system sentence in
``text``) and optionally ``quote_ref`` (``显示名：text``, for quotes) and
``is_sender`` (1 for the exporting account).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from xml.sax.saxutils import escape

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TALKER = "45127796301@chatroom"
HEADER = ["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status",
          "StrContent", "StrTime", "Remark", "NickName", "Sender"]

# 459 common characters: enough variety for realistic string lengths and hashing.
CHARS = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
         "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
         "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
         "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
         "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
         "必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
         "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信"
         "马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
         "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存"
         "候毛亲快效斯院查江")
NAMES = [("lina_zd0801", "销售部李娜"), ("wxid_zw7h2k9m4p1q22", "销售部张伟"), ("wxid_zm0t5y8e2r6u12", "Amy赵敏"),
         ("wanglei_sales", "销售部王磊"), ("majun_2026", "销售部马骏"), ("wxid_wh3j7f1d9s5a22", "吴昊"),
         ("wxid_zx6b4n2v8c0m12", "销售部郑雪"), ("wxid_lj5h8g2f6d4s22", "恒达刘建华")]
ME = "wanglei_sales"

# kind -> (Type, SubType)
TYPES = {"text": (1, 0), "image": (3, 0), "voice": (34, 0), "video": (43, 0), "sticker": (47, 0),
         "location": (48, 0), "card": (42, 0), "link": (49, 5), "file": (49, 6), "quote": (49, 57),
         "system": (10000, 0)}
PLACEHOLDER = {"image": "[图片]", "voice": "[语音]", "video": "[视频]", "sticker": "[表情]"}
_LABEL = {"file": "[文件] ", "link": "[链接] "}

_IMG = ('<?xml version="1.0"?>\n<msg>\n\t<img aeskey="46ae4f11a71f9834739461e0e65b5510" encryver="1" '
        'length="367479" md5="b8e71e05c7732fa0f88bb2591c76f9de" />\n</msg>\n')
_EMOJI = ('<msg><emoji fromusername = "{sid}" tousername = "{talker}" type="2" '
          'md5="97c2167f75318727f5cb731d5dfaebcb" len = "41417" width= "240" height= "240"></emoji>  </msg>')
_APPMSG = ('<?xml version="1.0"?>\n<msg>\n\t<appmsg appid="" sdkver="0">\n\t\t<title>{title}</title>\n'
           '\t\t<des></des>\n\t\t<type>{sub}</type>\n\t</appmsg>\n\t<fromusername>{sid}</fromusername>\n</msg>\n')
_VOICE = '<msg><voicemsg endflag="1" length="5323" voicelength="3200" /></msg>'
_VIDEO = '<?xml version="1.0"?>\n<msg>\n\t<videomsg length="1530721" playlength="12" />\n</msg>\n'


def _content(rec: dict, talker: str) -> str:
    kind, sid = rec["kind"], rec.get("sender_id") or ""
    if kind in ("text", "system"):
        return rec["text"]
    if kind == "quote":
        return f"{rec['text']}\n[引用] {rec['quote_ref']}"
    if kind in ("file", "link"):
        title = rec["text"].removeprefix(_LABEL[kind])
        return _APPMSG.format(title=escape(title), sub=TYPES[kind][1], sid=sid)
    return {"image": _IMG, "sticker": _EMOJI.format(sid=sid, talker=talker), "voice": _VOICE,
            "video": _VIDEO}.get(kind, rec["text"])


def render(records: list[dict], talker: str = TALKER) -> bytes:
    """The records as an exporter CSV (UTF-8 with BOM, CRLF record ends)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADER)
    for i, rec in enumerate(records):
        t = rec["time"]
        typ, sub = TYPES[rec["kind"]]
        system = rec["kind"] == "system"
        mine = int(rec.get("is_sender", rec.get("sender_id") == ME))
        w.writerow([18231 + i, talker, typ, sub, 0 if system else mine, int(t.timestamp()),
                    2 if mine else 3, _content(rec, talker), t.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
                    "", "" if system else rec["sender_name"], "" if system else rec["sender_id"]])
    return out.getvalue().encode("utf-8-sig")


def _sentence(rng: random.Random) -> str:
    a, b = rng.sample([n for _, n in NAMES], 2)
    return rng.choice([f'"{a}"邀请"{b}"加入了群聊', f'"{a}" 撤回了一条消息', f'"{b}"退出了群聊',
                       f'"{a}"将"{b}"移出了群聊', f'"{a}" 拍了拍 "{b}"', f'"{b}"通过扫描"{a}"分享的二维码加入群聊'])


def records(n: int, seed: int = 0, sticker: str = "[表情]") -> list[dict]:
    """n realistic records: ~20-character Chinese text, 5% multi-line, 10% @mentions,
    media and quotes, and system lines at 0.5%, one every ~40 s."""
    rng = random.Random(seed)
    t = dt.datetime(2026, 10, 1, 8, 0, tzinfo=SHANGHAI)
    step = dt.timedelta(seconds=1)
    placeholders = dict(PLACEHOLDER, sticker=sticker)
    out = []
    for _ in range(n):
        t += step * rng.randint(1, 80)
        sid, name = rng.choice(NAMES)
        r = rng.random()
        text = "".join(rng.choices(CHARS, k=rng.randint(8, 32)))
        rec = {"time": t, "sender_id": sid, "sender_name": name, "kind": "text"}
        if r < 0.005:
            rec.update(kind="system", sender_id=None, sender_name=None, text=_sentence(rng))
        elif r < 0.08:
            rec["kind"] = rng.choice(list(placeholders))
            rec["text"] = placeholders[rec["kind"]]
        elif r < 0.09:
            rec["kind"] = rng.choice(("file", "link"))
            rec["text"] = _LABEL[rec["kind"]] + text[:12] + (".xlsx" if rec["kind"] == "file" else "")
        elif r < 0.10:
            rec.update(kind="quote", text=text, quote_ref=f"{rng.choice(NAMES)[1]}：{text[::-1]}")
        elif r < 0.20:
            rec["text"] = f"@{rng.choice(NAMES)[1]}\u2005{text}"
        elif r < 0.25:
            rec["text"] = text + "\n" + "".join(rng.choices(CHARS, k=rng.randint(5, 20)))
        else:
            rec["text"] = text
        out.append(rec)
    return out


def generate(n: int, seed: int = 0) -> bytes:
    """A realistic exporter CSV of n records."""
    return render(records(n, seed))


if __name__ == "__main__":
    sys.stdout.buffer.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
