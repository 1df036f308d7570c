"""One self-contained HTML page: summary, charts (inline SVG), top people, and a findings table
that sorts and filters with a few lines of inline script.

It opens offline in any browser: no external URL, and a Content-Security-Policy
that forbids fetching anything. Every piece of chat text goes through
``html.escape``; the script reads cell text only (``textContent``), never HTML.
"""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from ..rules import CATEGORIES
from .data import ReportData, quality_lines, summary_rows, yuan
from .labels import label
from .safe import atomic_path

#: the page stays quick to open; the workbook has every finding
MAX_ROWS = 5000
TOP_PEOPLE = 10
_TABLE_COLUMNS = ("date", "time", "rule", "category", "severity", "group_name", "person_name", "department",
                  "message", "evidence", "clause")

_CARDS = ("messages", "chat_groups", "findings", "people", "total_fine")
_CSS = """
body{font:14px/1.5 system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:24px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.muted{color:#666}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px}
.card b{display:block;font-size:20px}.charts{display:flex;flex-wrap:wrap;gap:24px}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#eef3fa;position:sticky;top:0;cursor:pointer;white-space:nowrap}td.n{text-align:right}
td.t{max-width:420px;white-space:pre-wrap;word-break:break-word}input{padding:4px 8px;width:320px;margin:6px 0}
"""

# Sort on a header click (numbers numerically, text by locale), filter rows on every keystroke.
_SCRIPT = """
(function(){
var t=document.getElementById('findings');if(!t)return;var b=t.tBodies[0];
document.getElementById('filter').addEventListener('input',function(e){
 var q=e.target.value.toLowerCase();for(var r of b.rows){r.hidden=q&&r.textContent.toLowerCase().indexOf(q)<0;}});
t.tHead.addEventListener('click',function(e){
 var th=e.target.closest('th');if(!th)return;var i=th.cellIndex,d=th.dataset.dir==='asc'?-1:1;th.dataset.dir=d>0?'asc':'desc';
 var rows=Array.from(b.rows);rows.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i].textContent,
 na=parseFloat(a),nc=parseFloat(c);return d*(!isNaN(na)&&!isNaN(nc)&&a.trim()==String(na)?na-nc:a.localeCompare(c,'zh'));});
 rows.forEach(function(r){b.appendChild(r);});});
})();
"""


def esc(v) -> str:
    return "" if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else html.escape(str(v))


def bars(counts: pd.Series, title: str, width: int = 420) -> str:
    """A horizontal bar chart as inline SVG, one bar per label."""
    counts = counts[counts > 0]
    row, left = 22, 130
    h = row * max(len(counts), 1) + 30
    top = max(int(counts.max()), 1) if len(counts) else 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" role="img" '
             f'aria-label="{esc(title)}"><text x="0" y="14" font-weight="bold">{esc(title)}</text>']
    for i, (name, n) in enumerate(counts.items()):
        y = 24 + i * row
        w = (width - left - 40) * int(n) / top
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{esc(str(name)[:12])}</text>'
                     f'<rect x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="#4a7bd0"/>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 14}">{int(n)}</text>')
    return "".join(parts) + "</svg>"


def columns(counts: pd.Series, title: str, height: int = 160) -> str:
    """Findings per day as vertical bars (SVG), every day of the period shown, labels every few days."""
    n = len(counts)
    step, base = 18, height - 24
    top = max(int(counts.max()), 1) if n else 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{max(n * step + 40, 200)}" height="{height}" '
             f'role="img" aria-label="{esc(title)}"><text x="0" y="14" font-weight="bold">{esc(title)}</text>']
    for i, (day, v) in enumerate(counts.items()):
        h = (base - 30) * int(v) / top
        x = 20 + i * step
        parts.append(f'<rect x="{x}" y="{base - h:.1f}" width="{step - 4}" height="{h:.1f}" fill="#4a7bd0">'
                     f'<title>{esc(f"{day:%Y-%m-%d}")}: {int(v)}</title></rect>')
        if i % 5 == 0:
            parts.append(f'<text x="{x}" y="{height - 6}" font-size="11">{esc(f"{day:%m-%d}")}</text>')
    return "".join(parts) + "</svg>"


def _table(df: pd.DataFrame, lang: str, table_id: str | None = None) -> str:
    ident = f' id="{table_id}"' if table_id else ""
    head = "".join(f"<th>{esc(label(c, lang))}</th>" for c in df.columns)
    num = [df[c].dtype.kind in "biuf" or str(df[c].dtype) in ("Int64", "Float64") for c in df.columns]
    body = []
    for row in df.itertuples(index=False):
        cells = "".join(f'<td class="{"n" if k else "t"}">{esc(v)}</td>' for v, k in zip(row, num))
        body.append(f"<tr>{cells}</tr>")
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render(data: ReportData) -> str:
    """The page as a string."""
    lang, f = data.lang, data.findings
    title = f"{label('title', lang)} {data.period}" + (f" · {data.scope}" if data.scope else "")
    cards = "".join(f'<div class="card">{esc(label(k, lang))}<b>{esc(f"{v:.2f}" if k == "total_fine" else v)}</b></div>'
                    for k, v in summary_rows(data) if k in _CARDS)
    by_cat = pd.Series({label(c, lang): int((f["category"] == c).sum()) for c in CATEGORIES})
    by_dept = f["department"].fillna(label("unknown_department", lang)).value_counts()
    days = pd.date_range(data.start, data.end, freq="D")
    by_day = f["date"].value_counts().reindex(days, fill_value=0)
    people = data.people.head(TOP_PEOPLE)
    people = people.assign(fine_yuan=yuan(people["fine_fen"]))[
        ["person_id", "name", "department", "findings", "fine_yuan", "points", "grade"]]
    shown = f.sort_values(["date", "time"], kind="stable").head(MAX_ROWS)
    shown = shown.assign(date=shown["date"].dt.strftime("%Y-%m-%d"), time=shown["time"].dt.strftime("%H:%M:%S"),
                         severity=shown["severity"].map(lambda s: label(str(s), lang), na_action="ignore"),
                         category=shown["category"].map(lambda c: label(c, lang)))[list(_TABLE_COLUMNS)]
    note = (f'<p class="muted">{esc(label("shown_of", lang).format(shown=MAX_ROWS, total=len(f)))}</p>'
            if len(f) > MAX_ROWS else "")
    quality = "".join(f"<li>{esc(line)}</li>" for line in quality_lines(data))
    manual = _table(data.manual[["clause", "text"]], lang) if len(data.manual) else ""
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title><style>{_CSS}</style></head><body>
<h1>{esc(title)}</h1><div class="muted">{esc(data.policy_title)} · {esc(data.start)} – {esc(data.end)}</div>
<div class="cards">{cards}</div>
<div class="charts">{bars(by_cat, label('by_category', lang))}{bars(by_dept, label('by_department', lang))}</div>
{columns(by_day, label('by_day', lang))}
<h2>{esc(label('top_people', lang))}</h2>{_table(people, lang)}
<h2>{esc(label('sheet_findings', lang))} ({len(f)})</h2>{note}
<input id="filter" type="search" placeholder="{esc(label('filter', lang))}">
{_table(shown, lang, 'findings')}
<h2>{esc(label('sheet_quality', lang))}</h2><ul>{quality}</ul>
<h2>{esc(label('sheet_manual', lang))}</h2>{manual}
<script>{_SCRIPT}</script></body></html>
"""


def write(data: ReportData, path: Path) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(render(data), encoding="utf-8")
    return path
