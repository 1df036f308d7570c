"""The JSON files scripts read: violations.json, people.json and summary.json.

Field names are the internal English ones whatever ``--lang`` says. ``VERSION``
(in summary.json) changes only when a field is removed or changes meaning;
new fields may appear at any time.

orjson writes the files, ten times faster than ``json.dumps(indent=2)`` and in
the same layout (UTF-8 text, two-space indent). Rows become dicts of plain
Python values a column at a time, not through pandas' per-cell boxing.
"""
from __future__ import annotations

from pathlib import Path

import orjson
import pandas as pd

from ..rules import CATEGORIES
from ..rules.reply_record import RECORD_COLUMNS
from .data import ReportData, plain_values, quality_lines, yuan
from .safe import atomic_path

VERSION = 2      # 2: penalty is an object when priced; people.json; summary has people, fine_yuan, by_department

#: the charge fields each violation's ``penalty.charges`` lists
CHARGE_FIELDS = ("role", "person_id", "person_name", "department", "fine_yuan", "points", "discretionary",
                 "action", "occurrence", "waived", "basis")


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts with JSON values."""
    keys = list(df.columns)
    return [dict(zip(keys, row)) for row in zip(*(plain_values(df[c]) for c in keys))]


def _penalties(data: ReportData) -> list:
    """Each finding's penalty: null when not priced, else totals and the charges behind them."""
    f = data.findings
    if not data.priced:
        return [None] * len(f)
    ch = data.charges.assign(fine_yuan=yuan(data.charges["fine_fen"]))
    cols = [c for c in CHARGE_FIELDS if c in ch]
    # One conversion for all charges, then a dict append per charge: a groupby with a frame per
    # fingerprint costs a few ms each, minutes for a large company's month.
    lists: dict = {}
    for fp, rec in zip(plain_values(ch["fingerprint"]), _records(ch[cols])):
        lists.setdefault(fp, []).append(rec)
    fines, points = plain_values(yuan(f["fine_fen"])), plain_values(f["points"])
    return [{"fine_yuan": fine, "points": pts, "charges": lists.get(fp, [])}
            for fp, fine, pts in zip(plain_values(f["fingerprint"]), fines, points)]


def violations(data: ReportData) -> list[dict]:
    """One item per finding: who, where, when (ISO 8601 with offset), which clause, the evidence, the penalty."""
    f = data.findings
    # orjson writes datetimes as Timestamp.isoformat() did (offset, microseconds when nonzero),
    # without a Python call per finding; NaT becomes None in _records.
    time = pd.Series(f["time"].dt.to_pydatetime(), index=f.index, dtype=object)
    df = pd.DataFrame({
        "fingerprint": f["fingerprint"], "rule": f["rule"], "category": f["category"],
        "severity": f["severity"].astype(str), "group": f["group_name"], "group_id": f["group_id"],
        "person_id": f["person_id"], "person_name": f["person_name"], "department": f["department"],
        "responsible_id": f["responsible_id"], "responsible_name": f["responsible_name"],
        "time": time, "date": f["date"].dt.strftime("%Y-%m-%d"), "clause": f["clause"], "message": f["message"],
        "evidence": f["evidence"], "calendar_note": f["calendar_note"]})
    items = _records(df)
    for item, pen in zip(items, _penalties(data)):
        item["penalty"] = pen
    return items


def people(data: ReportData) -> list[dict]:
    """One item per person: id (null when unresolved), name, department, counts, fine in 元, points, actions,
    grade, and the reply-time record (questions_owed … median_reply_minutes) when the audit has one."""
    p = data.people
    df = pd.DataFrame({"person_id": p["person_id"], "name": p["name"], "department": p["department"],
                       "findings": p["findings"], "fine_yuan": yuan(p["fine_fen"]), "points": p["points"],
                       "actions": p["actions"], "grade": p["grade"]})
    record = [c for c in RECORD_COLUMNS[1:] if c in p]
    df[record] = p[record]
    items = _records(df)
    # priced, the penalty engine names the category counts findings_<category>
    by_cat = p.rename(columns=lambda c: c.removeprefix("findings_"))
    cats = _records(by_cat.reindex(columns=list(CATEGORIES), fill_value=0))
    for item, by in zip(items, cats):
        item["by_category"] = by
    return items


def summary(data: ReportData) -> dict:
    f = data.findings
    return {"version": VERSION, "period": data.period, "start": str(data.start), "end": str(data.end),
            "policy": data.policy_title, "scope": data.scope, "messages": data.messages, "groups": data.chat_groups,
            "findings": len(f), "people": len(data.people),
            "fine_yuan": float(yuan(f["fine_fen"]).sum()) if data.priced else None,
            "by_category": {c: int((f["category"] == c).sum()) for c in CATEGORIES},
            "by_severity": {str(k): int(v) for k, v in f["severity"].value_counts(sort=False).items()},
            "by_department": {str(k): int(v) for k, v in f["department"].value_counts().items()},
            "data_quality": quality_lines(data)}


def write_json(doc, path: Path) -> Path:
    """``doc`` as indented UTF-8 JSON (non-ASCII text kept as is, not \\u-escaped)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
    return path


def write(data: ReportData, out_dir: Path, suffix: str = "") -> list[Path]:
    out_dir = Path(out_dir)
    return [write_json(violations(data), out_dir / f"violations{suffix}.json"),
            write_json(people(data), out_dir / f"people{suffix}.json"),
            write_json(summary(data), out_dir / f"summary{suffix}.json")]
