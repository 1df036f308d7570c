"""What the findings cost: the policy's penalty schedule priced per person, with grades and scores.

``price`` turns a findings table into four tables (``Priced``):

``charges``
    one row per finding × person charged: fingerprint, rule, category, role
    (``offender`` | ``responsible``), person_id, person_name, department,
    fine_fen (int64, 分), points, discretionary (shown for a human to decide,
    never added), action (Chinese labels, "; "-joined), occurrence (the nth
    non-waived occurrence in the rule's escalation window, earlier audits
    included; 0 for a waived finding), waived, basis, at_least (the amount is
    a minimum, "50元以上"), group_id, group_name, date.
``people``
    one row per person with a finding or a charge: findings, waived,
    ``findings_<category>`` columns, fine_fen (after the monthly cap),
    fine_uncapped_fen, points, actions, discretionary, reply_breaches (REP
    findings against them; with a ``reply_record``, its questions_owed,
    answered_in_time, answered_late, unanswered and median_reply_minutes
    follow), score, grade, warnings (cap applied, monthly deductions past
    the policy's share of pay: surfaced, not decided).
``groups`` / ``departments``
    findings, waived, fine_fen and a compliance score (see ``docs/policy.md``,
    "Grades").

Money is integer fen from the policy to the sums; reports show 元 with
``yuan``. Waived findings keep their rows but cost nothing and do not count
towards escalation.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .policy import Policy
from .policy.schema import ACTIONS, Charge
from .findings import fingerprints

#: columns of ``history_counts``: earlier non-waived occurrences per person, ladder key and window
COUNT_COLUMNS = ("person_key", "key", "window", "count")
CHARGE_COLUMNS = ("fingerprint", "rule", "category", "role", "person_id", "person_name", "department",
                  "fine_fen", "points", "discretionary", "action", "occurrence", "waived", "basis",
                  "at_least", "group_id", "group_name", "date")


@dataclass
class Priced:
    charges: pd.DataFrame
    people: pd.DataFrame
    groups: pd.DataFrame
    departments: pd.DataFrame
    #: sentences for the data-quality section: charges that had nobody to charge
    notes: list[str] = field(default_factory=list)


def yuan(fen: int) -> str:
    """Integer fen as 元 with two decimals: 1050 → '10.50'."""
    sign, fen = ("-" if fen < 0 else ""), abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def person_keys(ids: pd.Series, names: pd.Series) -> pd.Series:
    """Who a row is about: the roster id, else ``name:`` and the name seen (as fingerprints do)."""
    return ids.fillna("name:" + names.fillna("")).astype(object)


def empty_counts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "count" else object) for c in COUNT_COLUMNS})


def price(findings: pd.DataFrame, policy: Policy, history_counts: pd.DataFrame | None,
          roster: pd.DataFrame, waived: frozenset[str] | set[str] = frozenset(),
          reply_record: pd.DataFrame | None = None) -> Priced:
    """Price ``findings`` with ``policy``'s penalties; ``history_counts`` (see ``COUNT_COLUMNS``,
    from ``history.Session.earlier_counts``) carries repeats from earlier audits; ``waived`` holds
    fingerprints that cost nothing; ``reply_record`` (``rules.reply_record``) adds each person's
    reply-time record to ``people``."""
    counts = empty_counts() if history_counts is None else history_counts
    fps = fingerprints(findings) if len(findings) else pd.Series([], dtype=object)
    f = findings.assign(fingerprint=fps.to_numpy(), waived=fps.isin(set(waived)).to_numpy(),
                        person_key=person_keys(findings["person_id"], findings["person_name"]).to_numpy())
    dept = roster.set_index("employee_id")["department"] if len(roster) else pd.Series(dtype=object)
    managers = set(roster.loc[roster["is_manager"].fillna(False).astype(bool), "employee_id"]) if len(roster) else set()
    priced = {code: rs.penalty for code, rs in policy.rules.items()
              if rs.penalty is not None and (f["rule"] == code).any()}
    f = f.assign(occurrence=_occurrences(f, priced, counts))
    frames = [_charge_rule(f[f["rule"] == code], penalty, managers) for code, penalty in priced.items()]
    charges = pd.concat(frames, ignore_index=True) if frames else _empty_charges()
    charges["department"] = charges["person_id"].map(dept).astype(object)
    charges = charges[list(CHARGE_COLUMNS)]
    people = with_reply_record(_people(f, charges, policy, dept), reply_record, after="reply_breaches")
    return Priced(charges=charges, people=people, groups=_groups(f, charges, policy),
                  departments=_departments(people, roster, policy), notes=_unassigned(f, policy))


def _unassigned(f: pd.DataFrame, policy: Policy) -> list[str]:
    """Joint-liability charges that name nobody: said in the report, not dropped in silence."""
    out = []
    for code, rs in policy.rules.items():
        p = rs.penalty
        if p is None:
            continue
        charges = [p, *p.ladder, *([p.managers] if p.managers else [])]
        if not any(getattr(c, "responsible", None) or getattr(c, "responsible_points", None) for c in charges):
            continue
        rows = f[(f["rule"] == code) & ~f["waived"] & f["responsible_id"].isna() & f["responsible_name"].isna()]
        if len(rows):
            out.append(f"{code}: {len(rows)} finding(s) carry a responsible-person charge but name no responsible "
                       f"person (the group has none on record, or the lapse is their own); not charged")
    return out


def _empty_charges() -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series([], dtype=object) for c in CHARGE_COLUMNS})
    return out.astype({"fine_fen": "int64", "points": "int64", "occurrence": "int64", "waived": bool,
                       "at_least": bool})


def _occurrences(f: pd.DataFrame, priced: dict, counts: pd.DataFrame) -> pd.Series:
    """Which occurrence each finding is for its person, per counter (rule, or category) and window.

    Counted across every rule sharing the counter — with ``count_by: category``
    an ad (CON001) and a link (CON003) are the first and second content
    violations — in time order (state findings without a time last, by day),
    after the earlier audits' count; a waived finding is occurrence 0.
    """
    out = pd.Series(0, index=f.index, dtype="int64")
    g = f[f["rule"].isin(list(priced))].sort_values(["time", "date"], kind="stable", na_position="last")
    if g.empty:
        return out
    by_rule = g["rule"].map({code: p.count_by == "rule" for code, p in priced.items()}).astype(bool)
    counter = pd.DataFrame({
        "key": np.where(by_rule, "rule:" + g["rule"].astype(str), "category:" + g["category"].astype(str)),
        "window": g["rule"].map({code: p.window for code, p in priced.items()}).astype(object),
        "person_key": g["person_key"]}, index=g.index)
    earlier = counter.merge(counts.groupby(["key", "window", "person_key"], as_index=False)["count"].sum(),
                            on=["key", "window", "person_key"], how="left")["count"].fillna(0).astype("int64")
    live = (~g["waived"]).astype("int64")
    nth = live.groupby([counter["key"], counter["window"], counter["person_key"]]).cumsum()
    out.loc[g.index] = (nth + earlier.to_numpy()).where(~g["waived"], 0).astype("int64")
    return out


def _charge_rule(sub: pd.DataFrame, penalty, managers: set) -> pd.DataFrame:
    """Charges of one rule's findings: the step of the ladder each occurrence reaches, per role."""
    occurrence = sub["occurrence"]
    steps = penalty.ladder or [penalty]
    step = (occurrence.clip(lower=1) - 1).clip(upper=len(steps) - 1)
    is_manager = sub["person_id"].isin(managers) & (penalty.managers is not None)
    frames = []
    for (s, mgr), rows in sub.groupby([step.to_numpy(), is_manager.to_numpy()], sort=False):
        charge = penalty.managers if mgr else steps[s]
        frames += _rows(rows, occurrence.loc[rows.index], charge, penalty)
    return pd.concat(frames, ignore_index=True) if frames else _empty_charges()


def _rows(rows: pd.DataFrame, occurrence: pd.Series, charge: Charge, penalty) -> list[pd.DataFrame]:
    """Up to two frames: the offender's charge and the responsible person's."""
    action = "; ".join(ACTIONS[a] for a in charge.action)
    out = []
    for role, fen, points, who in (("offender", charge.member, charge.points, "person"),
                                   ("responsible", charge.responsible, charge.responsible_points, "responsible")):
        has_note = role == "offender" and (action or charge.discretionary)
        if not (fen or points or has_note):
            continue
        if role == "responsible":
            # Joint liability needs someone to charge: a rule leaves the responsible person empty
            # when the lapse is their own (001 第十七条 charges them for *others'* names) or the
            # group has none on record (which LIF001/MEM005 report).
            rows = rows[(rows["responsible_id"].notna() | rows["responsible_name"].notna()).to_numpy(dtype=bool)]
            if rows.empty:
                continue
        waived = rows["waived"].to_numpy()
        ids = rows[f"{who}_id"].astype(object)
        names = rows[f"{who}_name"].astype(object)
        out.append(pd.DataFrame({
            "fingerprint": rows["fingerprint"].to_numpy(), "rule": rows["rule"].to_numpy(),
            "category": rows["category"].to_numpy(), "role": role,
            "person_id": ids.to_numpy(), "person_name": names.to_numpy(),
            # a waived finding costs nothing and orders nothing
            "fine_fen": np.where(waived, 0, fen or 0).astype("int64"),
            "points": np.where(waived, 0, points or 0).astype("int64"),
            "discretionary": None if not charge.discretionary or role != "offender" else charge.discretionary,
            "action": np.where(waived, "", action if role == "offender" else ""),
            "occurrence": occurrence.loc[rows.index].to_numpy(), "waived": waived, "basis": penalty.basis,
            "at_least": penalty.at_least, "group_id": rows["group_id"].astype(object).to_numpy(),
            "group_name": rows["group_name"].astype(object).to_numpy(), "date": rows["date"].to_numpy()}))
    return out


def _score(f: pd.DataFrame, policy: Policy) -> pd.Series:
    """Severity weight per non-waived finding (0 for a waived one)."""
    w = f["severity"].astype(object).map(policy.grades.weights).fillna(0).astype(float)
    return w.where(~f["waived"], 0.0)


def _grade(score: pd.Series, policy: Policy) -> pd.Series:
    levels = policy.grades.levels
    out = pd.Series(levels[-1].grade, index=score.index, dtype=object)
    for level in reversed(levels):
        out = out.mask(score >= level.min, level.grade)
    return out


def _people(f: pd.DataFrame, charges: pd.DataFrame, policy: Policy, dept: pd.Series) -> pd.DataFrame:
    """Per person: findings against them, money (capped per month), points, actions, grade."""
    c = charges.assign(person_key=person_keys(charges["person_id"], charges["person_name"]).to_numpy(),
                       month=pd.to_datetime(charges["date"]).dt.strftime("%Y-%m").fillna(""))
    names = pd.concat([f[["person_key", "person_id", "person_name"]],
                       c[["person_key", "person_id", "person_name"]]]).drop_duplicates("person_key")
    people = names.set_index("person_key").rename(columns={"person_name": "name"})
    people["department"] = people["person_id"].map(dept).astype(object)
    live = f[~f["waived"]]
    people["findings"] = live.groupby("person_key").size().reindex(people.index, fill_value=0).astype("int64")
    people["waived"] = f[f["waived"]].groupby("person_key").size().reindex(people.index, fill_value=0).astype("int64")
    by_cat = live.groupby(["person_key", "category"]).size().unstack(fill_value=0)
    for cat in sorted(by_cat.columns):
        people[f"findings_{cat}"] = by_cat[cat].reindex(people.index, fill_value=0).astype("int64")
    people["reply_breaches"] = (live[live["category"] == "reply"].groupby("person_key").size()
                                .reindex(people.index, fill_value=0).astype("int64"))
    monthly = c.groupby(["person_key", "month"])["fine_fen"].sum()
    pay = policy.pay
    capped = monthly.clip(upper=pay.monthly_cap) if pay.monthly_cap is not None else monthly
    people["fine_uncapped_fen"] = monthly.groupby(level=0).sum().reindex(people.index, fill_value=0).astype("int64")
    people["fine_fen"] = capped.groupby(level=0).sum().reindex(people.index, fill_value=0).astype("int64")
    people["points"] = c.groupby("person_key")["points"].sum().reindex(people.index, fill_value=0).astype("int64")
    people["actions"] = _joined(c, "action").reindex(people.index).fillna("")
    people["discretionary"] = _joined(c, "discretionary").reindex(people.index).fillna("")
    people["warnings"] = _warnings(monthly, capped, policy).reindex(people.index).fillna("")
    g = policy.grades
    lost = _score(f, policy).groupby(f["person_key"]).sum().reindex(people.index, fill_value=0.0)
    people["score"] = (g.start - lost - g.per_point * people["points"]).clip(lower=0).round(1)
    people["grade"] = _grade(people["score"], policy)
    return people.reset_index().sort_values(["fine_fen", "findings", "name"], ascending=[False, False, True],
                                            ignore_index=True)


def with_reply_record(people: pd.DataFrame, record: pd.DataFrame | None, after: str) -> pd.DataFrame:
    """``people`` with the reply-time record's columns inserted after column ``after``, matched on
    person_id: counts 0 and minutes NA for people nobody had to answer. Unchanged without a record
    (None or empty: no reply rule ran, or it obliged nobody)."""
    if record is None or record.empty:
        return people
    rec = record.set_index("person_id")
    ids = people["person_id"].astype(object)
    at = people.columns.get_loc(after) + 1 if after in people else len(people.columns)
    out = people.copy()
    for i, c in enumerate(rec.columns):
        col = ids.map(rec[c])
        col = col.astype("Float64") if rec[c].dtype == "Float64" else col.fillna(0).astype("int64")
        out.insert(at + i, c, col)
    return out


def _joined(c: pd.DataFrame, column: str) -> pd.Series:
    """Distinct non-empty texts per person, in order, '; '-joined."""
    notes = c[c[column].notna() & (c[column].astype(str) != "")]
    return notes.groupby("person_key")[column].agg(lambda s: "; ".join(dict.fromkeys(s)))


def _warnings(monthly: pd.Series, capped: pd.Series, policy: Policy) -> pd.Series:
    """Per person: months where the cap cut the money, and months past the policy's share of pay."""
    pay, notes = policy.pay, []
    for (key, month), fen in monthly.items():
        if capped[(key, month)] < fen:
            notes.append((key, f"{month}: capped at {yuan(pay.monthly_cap)} 元 (charged {yuan(fen)} 元)"))
        if pay.monthly_pay and pay.warn_share and capped[(key, month)] > pay.warn_share * pay.monthly_pay:
            notes.append((key, f"{month}: deductions {yuan(capped[(key, month)])} 元 pass "
                               f"{pay.warn_share:.0%} of monthly pay — for HR to decide"))
    if not notes:
        return pd.Series(dtype=object)
    df = pd.DataFrame(notes, columns=["person_key", "note"])
    return df.groupby("person_key")["note"].agg("; ".join)


def _groups(f: pd.DataFrame, charges: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per group: findings, money, and a compliance score of start minus the severity weights."""
    f = f.assign(weight=_score(f, policy))
    out = f.groupby("group_id", dropna=False).agg(
        group_name=("group_name", "first"), findings=("waived", lambda w: int((~w).sum())),
        waived=("waived", "sum"), lost=("weight", "sum"))
    out["fine_fen"] = charges.groupby("group_id")["fine_fen"].sum().reindex(out.index, fill_value=0).astype("int64")
    out["score"] = (policy.grades.start - out.pop("lost")).clip(lower=0).round(1)
    out["waived"] = out["waived"].astype("int64")
    return out.reset_index().sort_values(["score", "group_name"], ignore_index=True)


def _departments(people: pd.DataFrame, roster: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per department: its people's findings and money; score = start minus the weights lost per roster member."""
    p = people.assign(lost=policy.grades.start - people["score"] - policy.grades.per_point * people["points"],
                      department=people["department"].fillna("(unknown)"))
    out = p.groupby("department").agg(findings=("findings", "sum"), waived=("waived", "sum"),
                                      fine_fen=("fine_fen", "sum"), points=("points", "sum"), lost=("lost", "sum"))
    size = roster.groupby("department").size() if len(roster) else pd.Series(dtype="int64")
    members = size.reindex(out.index).fillna(0).clip(lower=1)
    out["score"] = (policy.grades.start - out.pop("lost") / members).clip(lower=0).round(1)
    return out.reset_index().sort_values(["score", "department"], ignore_index=True)
