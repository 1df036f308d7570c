"""Table helpers several rule families share: who is responsible for a group, who is who."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .base import AuditContext, memoized


def responsible_people(ctx: AuditContext) -> pd.DataFrame:
    """One row per (group, responsible person) named by the registry's 群负责人.

    Columns ``group_id``, ``responsible_name`` (as registered) and
    ``responsible_id`` (roster employee id, NA when the name matches nobody
    or several people and nothing tells them apart). Same-name employees are
    told apart by membership of the group, then by the group's department.
    Worked out once per context: most rules charge the responsible person.
    """
    return memoized(ctx, ("responsible",), (ctx.groups, ctx.roster, ctx.members),
                    lambda: _responsible_people(ctx)).copy(deep=False)


def _responsible_people(ctx: AuditContext) -> pd.DataFrame:
    reg = ctx.groups.loc[ctx.groups["responsible"].notna(), ["group_id", "department", "responsible"]]
    if reg.empty:
        return pd.DataFrame({"group_id": pd.Series([], dtype="str"),
                             "responsible_name": pd.Series([], dtype="str"),
                             "responsible_id": pd.Series([], dtype="str")})
    names = reg.assign(responsible_name=reg["responsible"].str.split("、")).explode("responsible_name")
    names["responsible_name"] = names["responsible_name"].str.strip()
    names = names[names["responsible_name"].fillna("").ne("")].drop(columns="responsible")
    roster = ctx.roster[["employee_id", "name", "department"]].rename(
        columns={"employee_id": "cand", "name": "responsible_name", "department": "cand_dept"})
    cands = names.reset_index(drop=True).reset_index(names="row").merge(roster, on="responsible_name", how="left")
    members = ctx.members[["group_id", "person_id"]].dropna().drop_duplicates().assign(in_group=True)
    cands = cands.merge(members.rename(columns={"person_id": "cand"}), on=["group_id", "cand"], how="left")
    cands["in_group"] = cands["in_group"].fillna(False).astype(bool)
    cands["same_dept"] = (cands["cand_dept"] == cands["department"]).fillna(False).astype(bool)
    n = cands.groupby("row")["cand"].transform("count")
    # prefer: the only candidate; else the only one in the group; else the only one of the department
    score = cands["in_group"].astype(int) * 2 + cands["same_dept"].astype(int)
    best = score == score.groupby(cands["row"]).transform("max")
    unique_best = best & (best.groupby(cands["row"]).transform("sum") == 1)
    pick = cands["cand"].notna() & ((n == 1) | unique_best)
    chosen = cands[pick][["row", "cand"]]
    out = names.reset_index(drop=True).reset_index(names="row").merge(chosen, on="row", how="left")
    return out.rename(columns={"cand": "responsible_id"})[["group_id", "responsible_name", "responsible_id"]]


def attach_responsible(df: pd.DataFrame, ctx: AuditContext, others_only: bool = False,
                       own: pd.Series | None = None) -> pd.DataFrame:
    """Add ``responsible_id``/``responsible_name`` (the group's first responsible person) to ``df``.

    For joint liability (001 第十七条, 第十八条): a lapse in a group also
    charges the person responsible for it. Where the rulebook charges them
    only for *others'* lapses (``others_only``), a row about the responsible
    person themselves — or one where ``own`` is true — names nobody, and
    pricing reports the charge as unassigned. Rules whose lapse is the
    responsible person's own (LIF003's hand-over, NAM001's name) keep them.
    """
    first = responsible_people(ctx).drop_duplicates("group_id")
    out = df.drop(columns=[c for c in ("responsible_id", "responsible_name") if c in df.columns]).merge(
        first, on="group_id", how="left")
    mine = np.zeros(len(out), bool)
    if others_only:
        mine |= (out["responsible_id"] == out["person_id"]).fillna(False).to_numpy(dtype=bool)
    if own is not None:
        mine |= own.fillna(False).to_numpy(dtype=bool)
    out.loc[mine, ["responsible_id", "responsible_name"]] = pd.NA
    return out


def roster_names(ctx: AuditContext) -> pd.Series:
    """employee id → roster name."""
    return ctx.roster.set_index("employee_id")["name"]


def person_keys(*parts: pd.DataFrame) -> pd.DataFrame:
    """(group_id, key, person_id) rows whose key (a platform id or display name) names one person in its group.

    Each part is a (group_id, <id or name column>, person_id) frame; a key seen
    with two people in one group is dropped as ambiguous. Events name people by
    id or display name only, and this is how rules map them back.
    """
    t = pd.concat([p.set_axis(["group_id", "key", "person_id"], axis=1) for p in parts]).dropna().drop_duplicates()
    return t[~t.duplicated(["group_id", "key"], keep=False)]
