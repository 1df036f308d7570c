"""Findings as CSV and JSON: for HR's Excel and for scripts."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..findings import fingerprints
from .safe import atomic_path, neutralise_frame

#: version of violations.json; bumped only when a field is removed or changes meaning
JSON_VERSION = 1


def _iso(s: pd.Series) -> pd.Series:
    out = s.map(lambda t: t.isoformat() if pd.notna(t) else None)
    return out.astype(object)


def write_csv(findings: pd.DataFrame, path: Path) -> Path:
    """UTF-8 with BOM (Excel on Chinese Windows reads it right), times as text, formulas neutralised."""
    df = findings.copy()
    df.insert(0, "fingerprint", fingerprints(findings))
    df["time"] = df["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    df["date"] = df["date"].dt.strftime("%Y-%m-%d")
    with atomic_path(path) as tmp:
        neutralise_frame(df).to_csv(tmp, index=False, encoding="utf-8-sig")
    return path


def violations(findings: pd.DataFrame) -> list[dict]:
    """The documented JSON items: fingerprint, rule, category, severity, group, person, time, clause, evidence."""
    df = pd.DataFrame({
        "fingerprint": fingerprints(findings),
        "rule": findings["rule"], "category": findings["category"],
        "severity": findings["severity"].astype(str), "group": findings["group_name"],
        "group_id": findings["group_id"], "person_id": findings["person_id"],
        "person_name": findings["person_name"], "responsible_id": findings["responsible_id"],
        "responsible_name": findings["responsible_name"],
        "time": _iso(findings["time"]), "date": findings["date"].dt.strftime("%Y-%m-%d"),
        "clause": findings["clause"], "message": findings["message"], "evidence": findings["evidence"],
        "calendar_note": findings["calendar_note"], "penalty": None,
    }).astype(object)
    return df.where(pd.notna(df), None).to_dict(orient="records")


def write_json(doc, path: Path) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
