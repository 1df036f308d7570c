"""Which class each group belongs to: company-wide, department, project, interest…

A class matches a group when the registry's type (类型) is one of ``types``
or its name contains the ``name`` pattern (a group belongs to a class by
registry entry or by name), and, when ``departments`` is given, its registry
department is one of them. Classes are tried in the
order the policy lists them (an extending file's new classes come after its
base's) and the first match wins; a group no class matches gets the default
class (the one marked ``default: true``, else ``other``). Groups seen only in
exports have no type or department, so only name patterns can place them.
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from .schema import GroupClass

#: The default class when no class is marked ``default: true``.
FALLBACK = "other"


def default_class(classes: Mapping[str, GroupClass]) -> str:
    return next((name for name, c in classes.items() if c.default), FALLBACK)


def assign_classes(groups: pd.DataFrame, classes: Mapping[str, GroupClass]) -> pd.Series:
    """The class of every group in a ``groups`` table, as a str Series indexed by group_id."""
    groups = groups.drop_duplicates("group_id")
    out = pd.Series(pd.NA, index=pd.Index(groups["group_id"], name="group_id"), dtype="str", name="group_class")
    for name, c in classes.items():
        criteria = [c.types, c.name, c.departments]
        if not any(criteria):
            continue  # a class with no criteria is only ever the default
        hit = out.isna().to_numpy(copy=True)
        # "by registry entry or by name pattern": either one places a group,
        # so an unregistered 联调群 still lands in the project class.
        if c.types or c.name is not None:
            by_type = (groups["group_type"].astype("str").isin(c.types).to_numpy() if c.types
                       else False)
            by_name = c.name.search(groups["group_name"]).to_numpy() if c.name is not None else False
            hit &= by_type | by_name
        if c.departments:
            hit &= groups["department"].isin(c.departments).fillna(False).to_numpy(dtype=bool)
        out[hit] = name
    return out.fillna(default_class(classes))
