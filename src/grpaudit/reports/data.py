"""What every report shows, assembled once: findings with their department and penalty, the
summaries per person, group and department, data quality, and the manual checklist.

Writers format a ``ReportData`` and compute nothing. The summaries come from
the penalty tables when penalties have been priced (``penalties.price``) and
from the findings alone otherwise (counts, with money and points NA), so every
report works before and after pricing. Money is kept in integer fen here and
turned into 元 only when written.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from ..audit import AuditResult, period_label
from ..penalties import with_reply_record
from ..rules import CATEGORIES
from ..findings import fingerprints

#: findings columns as reports show them, in order (penalty columns follow when priced)
FINDING_COLUMNS = ("fingerprint", "rule", "category", "severity", "group_id", "group_name", "group_class", "person_id",
                   "person_name", "department", "responsible_id", "responsible_name", "time", "date", "clause",
                   "message", "evidence", "calendar_note", "source_file", "source_line")
PENALTY_COLUMNS = ("fine_fen", "points")
#: people columns; the reply-time record's (``AuditResult.reply_record``) follow "reply" when the audit has
#: one (priced, the penalty engine's people table, which replaces this one, carries them)
PEOPLE_COLUMNS = ("person_id", "name", "department", "findings", *CATEGORIES, "fine_fen", "points", "actions", "grade")
GROUP_COLUMNS = ("group_id", "group_name", "group_class", "findings", "people", *CATEGORIES, "fine_fen", "points")
DEPARTMENT_COLUMNS = ("department", "people", "findings", *CATEGORIES, "fine_fen", "points")
QUALITY_COLUMNS = ("kind", "file", "line", "level", "detail")
MANUAL_COLUMNS = ("clause", "text", "checked", "notes")


@dataclass
class ReportData:
    findings: pd.DataFrame          # FINDING_COLUMNS (+ PENALTY_COLUMNS when priced)
    people: pd.DataFrame            # PEOPLE_COLUMNS (+ the reply-time record's)
    groups: pd.DataFrame            # GROUP_COLUMNS
    departments: pd.DataFrame       # DEPARTMENT_COLUMNS
    quality: pd.DataFrame           # QUALITY_COLUMNS: one row per skipped record, identity or warning
    manual: pd.DataFrame            # MANUAL_COLUMNS: the policy's clauses that logs cannot show
    start: dt.date
    end: dt.date
    policy_title: str
    lang: str = "zh"
    charges: pd.DataFrame | None = None   # penalties.Priced.charges, when priced
    messages: int = 0
    chat_groups: int = 0
    #: the title of a per-department report (None for the whole company)
    scope: str | None = None

    @property
    def period(self) -> str:
        return period_label(self.start, self.end)

    @property
    def priced(self) -> bool:
        return self.charges is not None

    def counts(self, column: str) -> pd.Series:
        """Findings per value of ``column``, most first (NA counted under the unknown label)."""
        return self.findings[column].value_counts(dropna=False).sort_values(ascending=False, kind="stable")


def build(res: AuditResult, priced=None, lang: str = "zh") -> ReportData:
    """The report of an audit; ``priced`` is ``penalties.price(...)``'s result or None."""
    ds = res.dataset
    f = res.findings
    dept = ds.roster.drop_duplicates("employee_id").set_index("employee_id")["department"]
    findings = f.assign(fingerprint=fingerprints(f), department=f["person_id"].map(dept).astype("str"))
    charges = getattr(priced, "charges", None)
    findings = _with_penalties(findings[list(FINDING_COLUMNS)], charges)
    data = ReportData(
        findings=findings, people=with_reply_record(_people(findings, charges), res.reply_record, after="reply"),
        groups=_groups(findings, charges),
        departments=_departments(findings, charges), quality=quality(res, getattr(priced, "notes", ())), manual=manual(res.policy),
        start=res.start, end=res.end, policy_title=res.policy.title or str(res.policy.path), lang=lang,
        charges=charges, messages=res.messages, chat_groups=res.chat_groups)
    # The penalty engine's own summaries (grades, actions) replace the counted ones when present.
    for name in ("people", "groups", "departments"):
        table = getattr(priced, name, None)
        if table is not None:
            setattr(data, name, table)
    return data


def for_department(data: ReportData, department: str) -> ReportData:
    """The part of a report one department head may see: their people's findings and nothing else."""
    keep = (data.findings["department"] == department).fillna(False).to_numpy(bool)
    findings = data.findings[keep].reset_index(drop=True)
    charges = data.charges
    if charges is not None:
        charges = charges[(charges["department"] == department).fillna(False).to_numpy(bool)]
    people = data.people[(data.people["department"] == department).fillna(False).to_numpy(bool)]
    return replace(data, findings=findings, charges=charges, people=people.reset_index(drop=True),
                   groups=_groups(findings, charges), departments=_departments(findings, charges),
                   quality=data.quality.iloc[0:0], scope=department)


def _with_penalties(findings: pd.DataFrame, charges: pd.DataFrame | None) -> pd.DataFrame:
    """Each finding's total fine and points over its charges that were not waived (offender and responsible)."""
    if charges is None:
        return findings
    due = charges[~charges["waived"].fillna(False).astype(bool)]
    per = due.groupby("fingerprint")[["fine_fen", "points"]].sum()
    out = findings.join(per, on="fingerprint")
    return out.fillna({"fine_fen": 0, "points": 0}).astype({"fine_fen": "Int64", "points": "Int64"})


def _key(ids: pd.Series, names: pd.Series) -> pd.Series:
    """Who a row is about: the employee id, or the display name when the person is unresolved."""
    return ids.fillna("name:" + names.fillna(""))


def _by_category(findings: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    wide = pd.crosstab([findings[c] for c in by], findings["category"]) if len(findings) else None
    return (wide if wide is not None else pd.DataFrame()).reindex(columns=list(CATEGORIES), fill_value=0)


def _money(charges: pd.DataFrame | None, by: pd.Series | None) -> pd.DataFrame | None:
    """Fines and points of charges not waived, summed per value of ``by`` (aligned with ``charges``)."""
    if charges is None or by is None:
        return None
    due = ~charges["waived"].fillna(False).astype(bool).to_numpy()
    return charges[due][["fine_fen", "points"]].groupby(by[due].to_numpy()).sum()


def _finish(df: pd.DataFrame, columns, money: pd.DataFrame | None, index) -> pd.DataFrame:
    if money is not None:
        df["fine_fen"] = pd.Series(index).map(money["fine_fen"]).fillna(0).to_numpy()
        df["points"] = pd.Series(index).map(money["points"]).fillna(0).to_numpy()
    for c in ("fine_fen", "points"):
        df[c] = df[c].astype("Int64") if c in df else pd.array([pd.NA] * len(df), dtype="Int64")
    for c in CATEGORIES:
        df[c] = df[c].astype("int64")
    return df.reindex(columns=list(columns)).reset_index(drop=True)


def _people(findings: pd.DataFrame, charges: pd.DataFrame | None) -> pd.DataFrame:
    """One row per person with findings, most findings first."""
    f = findings[findings["person_name"].notna() | findings["person_id"].notna()]
    f = f.assign(_key=_key(f["person_id"], f["person_name"]))
    first = f.drop_duplicates("_key").set_index("_key")
    wide = _by_category(f, ["_key"])
    df = pd.DataFrame({"person_id": first["person_id"], "name": first["person_name"],
                       "department": first["department"], "findings": f["_key"].value_counts()}
                      ).join(wide).rename_axis(None)
    df = df.sort_values(["findings", "name"], ascending=[False, True], kind="stable")
    money = _money(charges, None if charges is None else _key(charges["person_id"], charges["person_name"]))
    out = _finish(df, PEOPLE_COLUMNS, money, df.index)
    out["actions"] = out["actions"].astype("str")
    out["grade"] = out["grade"].astype("str")
    return out


def _groups(findings: pd.DataFrame, charges: pd.DataFrame | None) -> pd.DataFrame:
    """One row per group with findings, most findings first (findings about no group are left out)."""
    g = findings[findings["group_name"].notna()]
    name = g["group_name"].to_numpy()
    first = g.drop_duplicates("group_name").set_index("group_name").rename_axis(None)
    df = pd.DataFrame({"group_id": first["group_id"], "group_name": first.index, "group_class": first["group_class"],
                       "findings": g["group_name"].value_counts(),
                       "people": _key(g["person_id"], g["person_name"]).groupby(name).nunique()}
                      ).join(_by_category(g, ["group_name"]).rename_axis(None))
    df = df.sort_values(["findings", "group_name"], ascending=[False, True], kind="stable")
    group_of = findings.drop_duplicates("fingerprint").set_index("fingerprint")["group_name"]
    money = _money(charges, None if charges is None else charges["fingerprint"].map(group_of))
    return _finish(df, GROUP_COLUMNS, money, df.index)


def _departments(findings: pd.DataFrame, charges: pd.DataFrame | None) -> pd.DataFrame:
    d = findings[findings["department"].notna()]
    person = _key(d["person_id"], d["person_name"])
    df = pd.DataFrame({"people": person.groupby(d["department"].to_numpy()).nunique(),
                       "findings": d["department"].value_counts()}).join(_by_category(d, ["department"]))
    df = df.rename_axis(None)
    df.insert(0, "department", df.index)
    df = df.sort_values(["findings", "department"], ascending=[False, True], kind="stable")
    money = _money(charges, None if charges is None else charges["department"])
    return _finish(df, DEPARTMENT_COLUMNS, money, df.index)


def quality(res: AuditResult, pricing_notes=()) -> pd.DataFrame:
    """Data quality as rows: skipped and suspect records, unresolved identities, calendar, pricing and other warnings."""
    ds = res.dataset
    rows = [("warning", None, None, "warning", w) for w in [*res.warnings, *pricing_notes]]
    for f in ds.files:
        if f.error:
            rows.append(("file", f.path, None, "error", f.error))
        rows += [("skipped", f.path, s.line, s.level, s.reason) for s in f.skipped]
        rows += [("suspect", f.path, s.line, "warning", s.reason) for s in f.warnings]
    ids = ds.identities[ds.identities["status"] != "resolved"]
    for r in ids.itertuples(index=False):
        where = "、".join(r.groups) if isinstance(r.groups, tuple) else ""
        extra = f" (candidates {', '.join(r.candidates)})" if r.status == "ambiguous" and r.candidates else ""
        who = "" if pd.isna(r.display_name) else r.display_name
        pid = "-" if pd.isna(r.platform_id) else r.platform_id
        rows.append((r.status, None, None, "warning", f"{who} [{r.platform} {pid}] in {where}{extra}"))
    rows += [("duplicates", None, None, "info", f"{n} duplicate {table} rows from overlapping exports merged")
             for table, n in ds.duplicates.items() if n]
    df = pd.DataFrame(rows, columns=list(QUALITY_COLUMNS))
    return df.astype({"kind": "str", "file": "str", "level": "str", "detail": "str", "line": "Int64"})


def manual(policy) -> pd.DataFrame:
    """The checklist of clauses logs cannot show, with empty columns for the officer to fill in."""
    return pd.DataFrame({"clause": [m.clause for m in policy.manual], "text": [m.text for m in policy.manual],
                         "checked": "", "notes": ""}, columns=list(MANUAL_COLUMNS)).astype("str")


def quality_lines(data: ReportData) -> list[str]:
    """Data quality in a few sentences: warnings verbatim, then counts of the rest."""
    q = data.quality
    out = q.loc[q["kind"] == "warning", "detail"].tolist()
    out += q.loc[q["kind"] == "file", "detail"].tolist()
    n = {k: int(v) for k, v in q["kind"].value_counts().items()}
    broken = int(((q["kind"] == "skipped") & (q["level"] == "error")).sum())
    if broken:
        out.append(f"{broken} records could not be parsed and were skipped (see grpaudit inspect)")
    if n.get("suspect"):
        out.append(f"{n['suspect']} records were kept but look cut off")
    if n.get("unresolved") or n.get("ambiguous"):
        out.append(f"{n.get('unresolved', 0)} unresolved and {n.get('ambiguous', 0)} ambiguous identities")
    out += q.loc[q["kind"] == "duplicates", "detail"].tolist()
    return out


def plain_values(col: pd.Series) -> list:
    """A column as plain Python values for a writer: NA as None, numpy scalars as Python ones."""
    return col.to_numpy(dtype=object, na_value=None).tolist()


def yuan(fen: pd.Series) -> pd.Series:
    """Fen as 元 for writing: a float with two exact decimals (fen/100), NA kept."""
    return fen.astype("Float64") / 100


def summary_rows(data: ReportData) -> list[tuple[str, object]]:
    """The summary as (label key, value) pairs, in reading order; categories and severities by count."""
    f = data.findings
    rows: list[tuple[str, object]] = [
        ("title", data.scope or data.policy_title), ("period", data.period), ("start", data.start),
        ("end", data.end), ("policy", data.policy_title), ("messages", data.messages),
        ("chat_groups", data.chat_groups), ("findings", len(f)), ("people", len(data.people))]
    if data.priced:
        rows.append(("total_fine", float(yuan(f["fine_fen"]).sum())))
    rows += [(c, int((f["category"] == c).sum())) for c in CATEGORIES]
    rows += [(s, int(n)) for s, n in f["severity"].value_counts(sort=False).items()]
    return rows


def tables(data: ReportData) -> dict[str, pd.DataFrame]:
    """Every table a spreadsheet shows, keyed by its label key, money in 元; columns keep internal names."""
    def money(df: pd.DataFrame) -> pd.DataFrame:
        if "fine_fen" not in df:
            return df
        return df.assign(fine_fen=yuan(df["fine_fen"])).rename(columns={"fine_fen": "fine_yuan"})

    rows = summary_rows(data)
    out = {"summary": pd.DataFrame({"item": [k for k, _ in rows], "value": pd.Series([v for _, v in rows],
                                                                                      dtype=object)}),
           "sheet_findings": money(data.findings), "sheet_people": money(data.people),
           "sheet_groups": money(data.groups), "sheet_departments": money(data.departments)}
    if data.charges is not None:
        out["sheet_charges"] = money(data.charges)
    out["sheet_quality"] = data.quality
    out["sheet_manual"] = data.manual
    return out
