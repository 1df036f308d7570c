"""``grpaudit inspect``: what the readers made of the inputs, before any rule runs."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from ..dataset import Dataset


def _iso(ts) -> str | None:
    return None if ts is None or pd.isna(ts) else ts.isoformat()


def _lst(v) -> list:
    return list(v) if isinstance(v, (tuple, list)) else []


def summary(ds: Dataset) -> dict:
    """The JSON document ``inspect --json`` prints (documented in the README)."""
    files = [{
        "path": f.path, "role": f.role, "format": f.format, "encoding": f.encoding,
        "messages": f.messages, "events": f.events, "members": f.members, "roster": f.roster,
        "groups": f.groups, "first": _iso(f.first), "last": _iso(f.last),
        "skipped": [{"line": s.line, "reason": s.reason, "level": s.level} for s in f.skipped],
        "warnings": [{"line": s.line, "reason": s.reason} for s in f.warnings],
        "error": f.error,
    } for f in ds.files]

    msg_counts = ds.messages.groupby("group_id", observed=True).size()
    mem_counts = ds.members.groupby("group_id", observed=True).size()
    spans = ds.messages.groupby("group_id", observed=True)["time"].agg(["min", "max"])
    groups = []
    for g in ds.groups.itertuples(index=False):
        gid = g.group_id
        groups.append({
            "id": gid, "name": g.group_name, "platform": None if pd.isna(g.platform) else str(g.platform),
            "registered": bool(g.registered),
            "messages": int(msg_counts.get(gid, 0)), "members": int(mem_counts.get(gid, 0)),
            "first": _iso(spans["min"].get(gid)) if gid in spans.index else None,
            "last": _iso(spans["max"].get(gid)) if gid in spans.index else None,
        })

    ids = ds.identities
    names = ds.roster.set_index("employee_id")[["name", "department"]] if len(ds.roster) else None

    def entry(r) -> dict:
        d = {"display_name": None if pd.isna(r.display_name) else r.display_name,
             "platform": None if pd.isna(r.platform) else str(r.platform),
             "platform_id": None if pd.isna(r.platform_id) else r.platform_id,
             "groups": _lst(r.groups)}
        if r.status == "ambiguous":
            d["candidates"] = [{"employee_id": c,
                                "name": names.at[c, "name"] if names is not None and c in names.index else None,
                                "department": names.at[c, "department"] if names is not None and c in names.index else None}
                               for c in _lst(r.candidates)]
        return d

    identities = {
        "resolved": int((ids["status"] == "resolved").sum()),
        "unresolved": [entry(r) for r in ids[ids["status"] == "unresolved"].itertuples(index=False)],
        "ambiguous": [entry(r) for r in ids[ids["status"] == "ambiguous"].itertuples(index=False)],
    }
    totals = {
        "files": len(ds.files), "errors": len(ds.errors),
        "messages": len(ds.messages),
        # system lines, like files[].events (an invitation of two people is one line, two rows)
        "events": int(len(ds.events[["source_file", "source_line"]].drop_duplicates())), "members": len(ds.members),
        "roster": len(ds.roster), "groups": len(ds.groups),
        "skipped": ds.skipped, "duplicates": sum(ds.duplicates.values()),
    }
    return {"version": 1, "timezone": ds.tz, "files": files, "groups": groups, "identities": identities,
            "totals": totals, "notes": ds.notes}


def render(doc: dict, console: Console) -> None:
    t = Table(title="Files", show_lines=False)
    # "rows" are the member, roster or registry rows of a list file
    for col in ("file", "format", "encoding", "messages", "events", "rows", "skipped", "span"):
        t.add_column(col, justify="right" if col in ("messages", "events", "rows", "skipped") else "left")
    for f in doc["files"]:
        if f["error"]:
            t.add_row(Path(f["path"]).name, "[red]error[/red]", "", "", "", "", "", f"[red]{f['error']}[/red]")
            continue
        span = f"{(f['first'] or '')[:16]} → {(f['last'] or '')[:16]}" if f["first"] else ""
        t.add_row(Path(f["path"]).name, f["format"], f["encoding"], str(f["messages"]), str(f["events"]),
                  str(f["members"] or f["roster"] or f["groups"] or ""), str(len(f["skipped"])), span)
    console.print(t)

    g = Table(title="Groups")
    for col in ("group", "id", "platform", "registered", "messages", "members"):
        g.add_column(col)
    for r in doc["groups"]:
        g.add_row(r["name"] or "", r["id"] or "", r["platform"] or "", "yes" if r["registered"] else "[yellow]no[/yellow]",
                  str(r["messages"]), str(r["members"]))
    console.print(g)

    skipped = [(f["path"], s) for f in doc["files"] for s in f["skipped"]]
    warned = [(f["path"], s) for f in doc["files"] for s in f["warnings"]]
    if skipped or warned:
        s = Table(title="Skipped and suspect records")
        for col in ("file", "line", "what", "reason"):
            s.add_column(col)
        for path, rec in skipped:
            s.add_row(Path(path).name, str(rec["line"] or ""), rec["level"], rec["reason"])
        for path, rec in warned:
            s.add_row(Path(path).name, str(rec["line"] or ""), "[yellow]warning[/yellow]", rec["reason"])
        console.print(s)

    ids = doc["identities"]
    console.print(f"[bold]Identities[/bold]: {ids['resolved']} resolved, "
                  f"{len(ids['unresolved'])} unresolved, {len(ids['ambiguous'])} ambiguous")
    for r in ids["ambiguous"]:
        cands = ", ".join(f"{c['employee_id']} {c['name'] or ''} {c['department'] or ''}".strip()
                          for c in r["candidates"])
        console.print(f"  [yellow]ambiguous[/yellow] {r['display_name'] or r['platform_id']} "
                      f"in {', '.join(r['groups'])}: {cands}")
    for r in ids["unresolved"]:
        who = r["display_name"] or ""
        if r["platform_id"]:
            who = f"{who} ({r['platform_id']})" if who else r["platform_id"]
        console.print(f"  [red]unresolved[/red] {who} in {', '.join(r['groups'])}")
    for note in doc["notes"]:
        console.print(f"[yellow]note[/yellow]: {note}")
    tot = doc["totals"]
    console.print(f"[bold]Totals[/bold]: {tot['messages']} messages, {tot['events']} events, "
                  f"{tot['members']} member rows, {tot['roster']} employees, {tot['groups']} groups, "
                  f"{tot['skipped']} skipped, {tot['duplicates']} duplicates merged, {tot['errors']} unreadable files")
