"""Who is who: platform ids and display names → roster employees.

Work is done once per distinct (platform, platform id, display name, group)
seen in messages and member lists, never per message, and the answers are
merged back. For each identity, in order:

1. ``id`` — the platform id is the employee's id for that platform in the
   roster (wechat → 微信号, qq → QQ号, wecom → 企业微信账号, dingtalk →
   工号; feishu and other try every id column). Ids compare without case or
   spaces. A WeCom external contact id (``wo…``/``wm…``) is never an employee.
2. ``group`` — a sender with no id whose name, in the same group, belongs to
   accounts that have one (a member list row, or messages from exports that
   carry ids) is whoever those accounts are.
3. ``name`` — the display name is exactly an employee's 姓名.
4. ``template`` — the display name is a nickname template around a 姓名:
   department + name (``销售部李娜``, short forms ``研发何俊``), name +
   department, ``姓名(部门)``, ``姓名-岗位``, ``Tony(张伟)``, ``Amy赵敏``. Text
   beside the name must be a department, a job title or Latin letters, so
   ``韩梅梅`` is not taken for 韩梅. A department or title in the nickname
   picks one of several employees with the same name.
5. ``alias`` — once one display name of a platform id resolves, every name
   used with that id is the same person (people rename, accounts stay).

Two employees with the same name and nothing to tell them apart give
``ambiguous`` with both as candidates, never a guess; for a sender without
an id, a candidate who is (resolved) in the same group settles it (``group``).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import model

RESOLVED, AMBIGUOUS, UNRESOLVED = "resolved", "ambiguous", "unresolved"

#: Roster id columns consulted for each platform's ids.
ID_COLUMNS = {
    "wechat": ("wechat_id",),
    "qq": ("qq",),
    "wecom": ("wecom_id",),
    "dingtalk": ("employee_id",),
}
_ALL_IDS = ("employee_id", "wechat_id", "qq", "wecom_id", "phone")

# WeCom external contacts: external_userid is 'wo'/'wm' + ~30 characters.
_EXTERNAL = re.compile(r"w[om][0-9A-Za-z_-]{20,}")
# Between the parts of a nickname template (after NFKC: full-width brackets
# are ASCII by then).
_SEPARATORS = re.compile(r"[()\[\]{}<>【】「」『』《》〈〉@/|\\_·•・\-—–~:：,，;；、+]+")
# Latin letters, digits and punctuation around a Chinese name: 'Amy赵敏', '李娜2'.
_LATIN = "abcdefghijklmnopqrstuvwxyz0123456789.'&!?#* "
_DEPT_SUFFIXES = ("事业部", "部门", "中心", "团队", "部", "组", "科", "处", "室")

_Result = tuple  # (status, person_id | None, method | None, candidates tuple)
_UNRESOLVED: _Result = (UNRESOLVED, None, None, ())


def _has_cjk(s: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in s)


def _norm(s: pd.Series) -> pd.Series:
    """Compare form of names and ids: NFKC, no whitespace, case-folded, '' as NA."""
    s = s.astype("str").str.normalize("NFKC").str.replace(r"\s+", "", regex=True).str.casefold()
    return s.mask(s.eq(""))


def _dept_forms(dept: str) -> set[str]:
    """How people shorten a department in a nickname: 仓储物流部 → 仓储物流, 仓储, 物流…"""
    core = dept
    for suffix in _DEPT_SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    forms = {dept, core, core + "部"}
    forms.update(core[:k] for k in range(2, len(core)))
    if len(core) > 2:
        forms.add(core[-2:])
    return {f for f in forms if len(f) >= 2}


class _Roster:
    """The roster as lookup tables on compare forms."""

    def __init__(self, roster: pd.DataFrame):
        eid = roster["employee_id"].astype("str").to_numpy()
        self.ids = {col: self._multimap(_norm(roster[col]), eid) for col in _ALL_IDS}
        self.names = self._multimap(_norm(roster["name"]), eid)
        self.lengths = sorted({len(n) for n in self.names if 2 <= len(n) <= 6}, reverse=True)
        dept = _norm(roster["department"])
        title = _norm(roster["title"])
        self.dept_of = {e: d for e, d in zip(eid, dept) if isinstance(d, str)}
        self.title_of = {e: t for e, t in zip(eid, title) if isinstance(t, str)}
        self.depts_of_form: dict[str, set[str]] = {}
        for d in set(self.dept_of.values()):
            for form in _dept_forms(d):
                self.depts_of_form.setdefault(form, set()).add(d)
        self.titles = set(self.title_of.values())

    @staticmethod
    def _multimap(keys: pd.Series, eid: np.ndarray) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for k, e in zip(keys, eid):
            if isinstance(k, str) and e not in out.get(k, ()):
                out[k] = tuple(sorted(out.get(k, ()) + (e,)))
        return out

    def by_id(self, platform: str, pid: str) -> tuple[str, ...]:
        """Employees whose id for ``platform`` is ``pid`` (any id column for feishu/other)."""
        return tuple(sorted({e for col in ID_COLUMNS.get(platform, _ALL_IDS) for e in self.ids[col].get(pid, ())}))

    def _affix(self, s: str) -> bool:
        """Text that may stand beside a name in a nickname: a department, a title, or no Chinese."""
        return s in self.depts_of_form or s in self.titles or not _has_cjk(s)

    def _hinted(self, candidates: tuple[str, ...], hints: list[str]) -> tuple[str, ...]:
        """The candidates whose department or title a hint names (研发 → 研发部; 研发工程师 → 研发部)."""
        depts = set()
        for h in hints:
            depts.update(*(self.depts_of_form.get(h[:k], ()) for k in range(2, len(h) + 1)))
        return tuple(e for e in candidates if self.dept_of.get(e) in depts or self.title_of.get(e) in hints)

    def by_name(self, name: str) -> _Result:
        """Exact 姓名, else a nickname template around one."""
        exact = self.names.get(name)
        if exact:
            return (RESOLVED, exact[0], "name", ()) if len(exact) == 1 else (AMBIGUOUS, None, "name", exact)
        found: tuple[str, ...] = ()
        hints: list[str] = []
        for part in filter(None, _SEPARATORS.split(name)):
            core = part if part in self.names else part.strip(_LATIN)
            hit = self.names.get(core, ())
            for k in self.lengths:
                if hit or len(core) <= k:
                    continue
                if core[:k] in self.names and self._affix(core[k:]):          # 李娜销售部, 王磊leo
                    hit, rest = self.names[core[:k]], core[k:]
                elif core[-k:] in self.names and self._affix(core[:-k]):      # 销售部李娜, 研发何俊
                    hit, rest = self.names[core[-k:]], core[:-k]
                else:
                    continue
                hints.append(rest)
            if hit:
                found += tuple(e for e in hit if e not in found)
            elif core:
                hints.append(core)                                           # 张伟(研发): 研发 is a hint
        if len(found) > 1:
            found = self._hinted(found, hints) or found
        if not found:
            return _UNRESOLVED
        if len(found) == 1:
            return (RESOLVED, found[0], "template", ())
        return (AMBIGUOUS, None, "template", tuple(sorted(found)))


def _distinct(df: pd.DataFrame, id_col: str, name_col: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct (platform, id, name, group) of a table, and each row's index into them."""
    cols = ["platform", id_col, name_col, "group_id"]
    if df.empty:
        return pd.DataFrame(columns=["platform", "platform_id", "display_name", "group_id", "group_name"]), \
            np.zeros(0, dtype=np.int64)
    codes = df.groupby(cols, dropna=False, observed=True, sort=False).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)
    keys = df.iloc[first][cols + ["group_name"]].reset_index(drop=True)
    keys.columns = ["platform", "platform_id", "display_name", "group_id", "group_name"]
    return keys, codes


def _merge_evidence(results: list[_Result]) -> _Result:
    """What several accounts sharing one name in a group say about a sender of that name."""
    persons = {r[1] for r in results if r[0] == RESOLVED}
    cands = {c for r in results for c in r[3]}
    if len(persons) == 1 and all(r[0] == RESOLVED for r in results):
        return (RESOLVED, persons.pop(), "group", ())
    if persons or cands:
        return (AMBIGUOUS, None, "group", tuple(sorted(persons | cands)))
    return _UNRESOLVED


def resolve(messages: pd.DataFrame, members: pd.DataFrame, roster: pd.DataFrame
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Fill ``person_id`` on messages and members; return (messages, members, identities).

    ``identities`` has one row per distinct (platform, platform id, display name) seen,
    with columns ``platform``, ``platform_id``, ``display_name``, ``status``
    (resolved / ambiguous / unresolved), ``person_id``, ``method`` (id / group / name /
    template / alias, see the module docstring), ``candidates`` (tuple of employee ids
    when ambiguous) and ``groups`` (tuple of group names where it was seen). A name
    without an id that means different people in different groups (two 张伟, each on
    one group's member list) has one row per meaning.
    """
    index = _Roster(roster)
    msg_keys, msg_codes = _distinct(messages, "sender_id", "sender_name")
    mem_keys, mem_codes = _distinct(members, "member_id", "display_name")
    # A member's account nickname is evidence about the account, not an identity of its own.
    nick_keys, _ = _distinct(members, "member_id", "nickname")
    keys = pd.concat([msg_keys.assign(_out=True), mem_keys.assign(_out=True),
                      nick_keys[nick_keys["platform_id"].notna()].assign(_out=False)], ignore_index=True)
    keys["platform"] = keys["platform"].astype("str").fillna("other")
    keys["_pid"] = _norm(keys["platform_id"])
    keys["_name"] = _norm(keys["display_name"])

    results = _resolve_keys(keys, index)
    person = np.array([r[1] for r in results], dtype=object)
    n_msg, n_mem = len(msg_keys), len(mem_keys)
    # assign: under copy-on-write the other columns are shared, not copied
    messages = messages.assign(person_id=pd.array(person[:n_msg][msg_codes], dtype="str"))
    members = members.assign(person_id=pd.array(person[n_msg:n_msg + n_mem][mem_codes], dtype="str"))
    return messages, members, _identities(keys, results)


_SENDER = ["platform", "platform_id", "display_name", "group_id"]


def attach(messages: pd.DataFrame, senders: pd.DataFrame) -> pd.DataFrame:
    """``messages`` with the ``person_id`` that ``senders`` (messages ``resolve`` returned, with at
    least every sender of ``messages`` in the same group) gives each sender.

    A streamed audit resolves the distinct senders of all its files once, then
    gives each part's messages their person this way: resolving a part alone
    would miss the evidence of the other parts (an account's other names).
    """
    if messages.empty:
        return messages.assign(person_id=pd.array([], dtype="str"))
    keys, codes = _distinct(messages, "sender_id", "sender_name")
    known = senders[["platform", "sender_id", "sender_name", "group_id", "person_id"]].set_axis(
        _SENDER + ["person_id"], axis=1).drop_duplicates(_SENDER)
    # the platform is a categorical in one table and may be text in the other: compare as text
    keys, known = (df.assign(platform=df["platform"].astype("str")) for df in (keys[_SENDER], known))
    person = keys.merge(known, on=_SENDER, how="left")["person_id"].to_numpy(dtype=object)
    return messages.assign(person_id=pd.array(person[codes], dtype="str"))


def _resolve_keys(keys: pd.DataFrame, index: _Roster) -> list[_Result]:
    """One result per row of ``keys``."""
    platforms, pids, names = (keys[c].tolist() for c in ("platform", "_pid", "_name"))
    gids = [g if isinstance(g, str) else None for g in keys["group_id"].tolist()]
    by_name: dict[str, _Result] = {}

    def name_result(name) -> _Result:
        if not isinstance(name, str):
            return _UNRESOLVED
        if name not in by_name:
            by_name[name] = index.by_name(name)
        return by_name[name]

    # Accounts with an id: the id; else what their names say, one answer per account.
    account_of: dict[tuple[str, str], _Result] = {}
    named: dict[tuple[str, str], set[str]] = {}
    for plat, pid, name in zip(platforms, pids, names):
        if not isinstance(pid, str):
            continue
        account = (plat, pid)
        if account not in account_of:
            if plat == "wecom" and _EXTERNAL.fullmatch(pid):
                account_of[account] = _UNRESOLVED
            else:
                found = index.by_id(plat, pid)
                account_of[account] = ((RESOLVED, found[0], "id", ()) if len(found) == 1
                                       else (AMBIGUOUS, None, "id", found) if found else None)
        if account_of[account] is None:
            res = name_result(name)
            persons = named.setdefault(account, set())
            if res[0] == RESOLVED:
                persons.add(res[1])
    results: list[_Result] = [_UNRESOLVED] * len(keys)
    for i, (plat, pid, name) in enumerate(zip(platforms, pids, names)):
        if not isinstance(pid, str):
            continue
        res = account_of[(plat, pid)]
        if res is None:
            res = name_result(name)
            persons = named[(plat, pid)]
            if len(persons) == 1 and res[1] not in persons:
                res = (RESOLVED, next(iter(persons)), "alias", ())
            elif len(persons) > 1:
                res = (AMBIGUOUS, None, "alias", tuple(sorted(persons)))
        results[i] = res

    # Senders without an id: accounts of that name in the group, else the name.
    evidence: dict[tuple[str, str], dict[tuple[str, str], _Result]] = {}
    in_group: dict[str, set[str]] = {}
    for i, (plat, pid, name, gid) in enumerate(zip(platforms, pids, names, gids)):
        if isinstance(pid, str):
            if isinstance(name, str):
                evidence.setdefault((gid, name), {})[(plat, pid)] = results[i]
            if results[i][0] == RESOLVED:
                in_group.setdefault(gid, set()).add(results[i][1])
    for i, (pid, name, gid) in enumerate(zip(pids, names, gids)):
        if isinstance(pid, str) or not isinstance(name, str):
            continue
        if (gid, name) in evidence:
            results[i] = _merge_evidence(list(evidence[(gid, name)].values()))
            continue
        res = name_result(name)
        if res[0] == AMBIGUOUS:
            here = [c for c in res[3] if c in in_group.get(gid, ())]
            if len(here) == 1:
                res = (RESOLVED, here[0], "group", ())
        results[i] = res
    return results


def _identities(keys: pd.DataFrame, results: list[_Result]) -> pd.DataFrame:
    """One row per identity (per meaning for id-less names), with the groups it was seen in."""
    slot: dict[tuple, int] = {}
    first: list[int] = []
    seen_in: list[set] = []
    labels = keys["group_name"].fillna(keys["group_id"]).tolist()
    # NA becomes None: NaN is not equal to itself, so it cannot be part of a key.
    ids, names = ([v if isinstance(v, str) else None for v in keys[c].tolist()]
                  for c in ("platform_id", "display_name"))
    for i, (plat, pid, out, res) in enumerate(zip(
            keys["platform"].tolist(), keys["_pid"].tolist(), keys["_out"].tolist(), results)):
        if not out:
            continue
        # An id answers the same in every group; an id-less name may not, so
        # its answer is part of what makes it one identity.
        key = (plat, ids[i], names[i]) if isinstance(pid, str) else (plat, None, names[i]) + res
        j = slot.get(key)
        if j is None:
            slot[key] = j = len(first)
            first.append(i)
            seen_in.append(set())
        if isinstance(labels[i], str):
            seen_in[j].add(labels[i])
    df = keys.iloc[first][["platform", "platform_id", "display_name"]].reset_index(drop=True)
    chosen = [results[i] for i in first]
    for n, col in enumerate(("status", "person_id", "method")):
        df[col] = pd.array([r[n] for r in chosen], dtype="str")
    df["candidates"] = pd.Series([r[3] for r in chosen], dtype=object)
    df["groups"] = pd.Series([tuple(sorted(g)) for g in seen_in], dtype=object)
    df["platform"] = df["platform"].astype(model.CATEGORIES["platform"])
    df["platform_id"] = df["platform_id"].astype("str")
    df["display_name"] = df["display_name"].astype("str")
    return df.sort_values(["platform", "platform_id", "display_name"], na_position="last",
                          kind="stable").reset_index(drop=True)
