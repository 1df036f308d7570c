"""Reader: WeCom group info (formats.md §5), the member lists of archived rooms.

WeCom's group-info API answers one JSON object per room; users save the
answers as a JSON array or one object per line::

    {"roomid": "wr…", "roomname": "…", "creator": "zhangsan", "room_create_time": 1790000000,
     "notice": "…", "members": [{"memberid": "lisi", "jointime": 1790100000}, …]}

Each member becomes a row of ``members``: the creator is the owner, everyone
else a member (the API does not list admins); ``jointime`` is Unix seconds.
Files are small (one object per room), so they are read value by value with
``json`` (``wecom_archive.iter_json``), which keeps each object's position:
``source_line`` is the line where the member's object starts (the room's
line when the room is written on one line).
"""
from __future__ import annotations

import json
import re

import pandas as pd

from .. import model
from .reader import MEMBERS, Reader
from .source import InputError, ReadResult, Skip, Source
from .jsonvalues import JsonRecord, first_object, iter_json

FORMAT = "wecom_rooms"

# The members array. Inside a JSON string a quote is escaped, so this only
# matches a real key.
_MEMBERS = re.compile(r'"members"\s*:\s*\[')
_WS = re.compile(r"\s*")


def sniff(src: Source) -> bool:
    obj = first_object(src)
    return obj is not None and "roomid" in obj and "members" in obj


def read(src: Source) -> ReadResult:
    text = src.text
    rows: list[dict] = []
    skipped: list[Skip] = []
    rooms = 0
    for rec in iter_json(text):
        room = rec.value
        if rec.problem:
            skipped.append(Skip(rec.line, rec.problem))
        elif not isinstance(room, dict) or "roomid" not in room or "members" not in room:
            skipped.append(Skip(rec.line, "not a WeCom group-info object (no roomid and members)"))
        else:
            rooms += 1
            _room_rows(text, rec, room, rows, skipped)
    if not rooms and skipped:
        raise InputError(src.name, f"not WeCom group info: {skipped[0].reason}", skipped[0].line)
    df = pd.DataFrame(rows, columns=["group_id", "group_name", "member_id", "role", "jointime", "source_line"])
    joined = pd.to_numeric(df["jointime"], errors="coerce")
    df["join_time"] = pd.to_datetime(joined, unit="s", utc=True).dt.tz_convert(src.tz)
    df = df.assign(platform="wecom", source_file=src.name)
    return ReadResult(FORMAT, members=model.conform(df, model.MEMBERS, src.tz), skipped=skipped)


def _text(value) -> str | None:
    """A JSON scalar as text (ids may be numbers in hand-made files); None when empty."""
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value).strip()
    return value or None


def _room_rows(text: str, rec: JsonRecord, room: dict, rows: list[dict], skipped: list[Skip]) -> None:
    roomid, creator = _text(room.get("roomid")), _text(room.get("creator"))
    members = room.get("members")
    if roomid is None:
        skipped.append(Skip(rec.line, "room without a roomid"))
        return
    if not isinstance(members, list) or not members:
        skipped.append(Skip(rec.line, f"room {roomid} lists no members", "ignored"))
        return
    lines = _member_lines(text, rec, len(members))
    for member, line in zip(members, lines):
        member_id = _text(member.get("memberid")) if isinstance(member, dict) else None
        if member_id is None:
            skipped.append(Skip(line, f"member of room {roomid} without a memberid"))
            continue
        jointime = member.get("jointime")
        rows.append({"group_id": roomid, "group_name": _text(room.get("roomname")), "member_id": member_id,
                     "role": "owner" if member_id == creator else "member",
                     "jointime": jointime if isinstance(jointime, (int, float, str)) else None,
                     "source_line": line})


def _member_lines(text: str, rec: JsonRecord, count: int) -> list[int]:
    """The line where each member object starts; the room's line when the array cannot be walked."""
    found = _MEMBERS.search(text, rec.start, rec.end)
    if not found:
        return [rec.line] * count
    lines, pos, counted, line = [], found.end(), rec.start, rec.line
    decoder = json.JSONDecoder()
    for _ in range(count):
        pos = _WS.match(text, pos).end()
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        try:
            pos = decoder.raw_decode(text, pos)[1]
        except json.JSONDecodeError:
            return [rec.line] * count
        pos = _WS.match(text, pos).end()
        pos += text.startswith(",", pos)
    return lines


READER = Reader(FORMAT, MEMBERS, "WeCom group info (群详情): rooms and their members, JSON", sniff, read)
