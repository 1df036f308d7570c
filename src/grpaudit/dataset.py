"""Everything an audit reads, assembled from many files into the normalised tables.

Steps, in order: read each file with its sniffed (or forced) reader; stack
each table; give every group one id and one name (exports often lack one or
the other: a WeChat TXT has neither, a QQ export has only the name, a WeCom
archive only the room id); drop messages and events that an earlier file
already holds (overlapping or re-exported chunks); add the groups seen in
exports but missing from the registry; resolve who is who.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import identity, model
from .ingest import CHAT, GROUPS, MEMBERS, ROSTER, InputError, Skip, read_pieces
from .ingest.columns import text_column


@dataclass
class FileReport:
    """What one input file gave, for ``inspect`` and the data-quality report."""
    path: str
    role: str                      # what the user passed it as: chat, members, roster, groups
    format: str | None = None
    encoding: str | None = None
    messages: int = 0
    events: int = 0
    members: int = 0
    roster: int = 0
    groups: int = 0
    skipped: list[Skip] = field(default_factory=list)
    warnings: list[Skip] = field(default_factory=list)
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None
    error: str | None = None        # the file could not be read at all
    pieces: int = 0                 # reads it took: more than one for a file read a range of lines at a time


@dataclass
class Dataset:
    messages: pd.DataFrame
    events: pd.DataFrame
    members: pd.DataFrame
    roster: pd.DataFrame
    groups: pd.DataFrame
    identities: pd.DataFrame
    files: list[FileReport]
    duplicates: dict[str, int]
    notes: list[str]
    tz: str

    @property
    def errors(self) -> list[FileReport]:
        return [f for f in self.files if f.error]

    @property
    def skipped(self) -> int:
        return sum(len(f.skipped) for f in self.files)


def expand(paths: list[str | Path]) -> list[Path]:
    """Files named, and the files inside folders named (recursively, sorted, hidden ones left out)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file()
                          and not any(part.startswith(".") for part in f.relative_to(p).parts))
        else:
            out.append(p)
    return out


_ROLE_OF = {CHAT: CHAT, MEMBERS: MEMBERS, ROSTER: ROSTER, GROUPS: GROUPS}
_OPTION_OF = {MEMBERS: "--members", ROSTER: "--roster", GROUPS: "--groups", CHAT: "a chat export path"}


def inputs(chats: list[str | Path], members: list[str | Path] = (), roster: list[str | Path] = (),
           groups: list[str | Path] = ()) -> list[tuple[Path, str]]:
    """Every input file with its role, in the order files are read: a file's position is its ``_file``.

    Files named with --members come first: when a chat folder also holds WeCom
    group info for the same rooms, the member list's rows (which carry display
    names) are the ones kept.
    """
    return ([(p, MEMBERS) for p in expand(members)] + [(p, ROSTER) for p in expand(roster)]
            + [(p, GROUPS) for p in expand(groups)] + [(p, CHAT) for p in expand(chats)])


def read_all(jobs: list[tuple[Path, str]], fmt: str | None, tz: str, me: str | None,
             mapping: dict[str, str] | None, keep: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
             piece_bytes: int | None = None) -> tuple[list[FileReport], dict[str, list[pd.DataFrame]]]:
    """Each file's report and its tables (with ``_file``, the file's position), table by table.
    ``keep`` shrinks each file's messages as soon as they are counted (a streamed audit's index),
    and ``piece_bytes`` has files of one-line records read that many bytes of lines at a time
    (``ingest.read_pieces``)."""
    reports: list[FileReport] = []
    frames: dict[str, list[pd.DataFrame]] = {t: [] for t in ("messages", "events", "members", "roster", "groups")}
    for path, role in jobs:
        rep = FileReport(str(path), role)
        reports.append(rep)
        before = {t: len(f) for t, f in frames.items()}
        try:
            for src, reader, res in read_pieces(path, fmt if role == CHAT else None, tz=tz, me=me, mapping=mapping,
                                                piece_bytes=piece_bytes):
                if rep.format is None:
                    rep.format, rep.encoding = reader.name, src.encoding
                    # Chat paths may carry member lists (WeCom group info) — formats.md says
                    # those are recognised by content — but a roster or member list passed
                    # as something else is a mistake worth stopping for.
                    if role != CHAT and reader.holds != role:
                        rep.error = (f"{path}: passed with {_OPTION_OF[role]} but it is a {reader.holds} file "
                                     f"({reader.name}); pass it with {_OPTION_OF[reader.holds]}")
                        break
                rep.pieces += 1
                _add(rep, res, frames, len(reports) - 1, keep)
                if keep is not None:
                    # this piece's whole tables go before the next is read, and their pages back to the OS
                    del res
                    pa.default_memory_pool().release_unused()
        except InputError as exc:
            rep.error = str(exc)
        except OSError as exc:
            rep.error = f"{path}: cannot open: {exc.strerror or exc}"
        if rep.error:
            for t, f in frames.items():         # nothing of a file that could not be read whole
                del f[before[t]:]
    return reports, frames


def _add(rep: FileReport, res, frames: dict[str, list[pd.DataFrame]], file: int,
         keep: Callable[[pd.DataFrame], pd.DataFrame] | None) -> None:
    """One piece of a file (the whole file, mostly) into its report and the tables."""
    rep.skipped += res.skipped
    rep.warnings += res.warnings
    for table in frames:
        df = getattr(res, table)
        if df is not None and len(df):
            df = df.assign(_file=file)
            # events count system lines read: one line inviting two people
            # is two event rows but one record of the file
            setattr(rep, table, getattr(rep, table) + (int(df["source_line"].nunique()) if table == "events"
                                                        else len(df)))
            frames[table].append(keep(df) if keep is not None and table == "messages" else df)
    for t in ("messages", "events"):
        df = getattr(res, t)
        if df is not None and len(df):
            first, last = df["time"].min(), df["time"].max()
            rep.first = first if rep.first is None or first < rep.first else rep.first
            rep.last = last if rep.last is None or last > rep.last else rep.last


def stack(parts: list[pd.DataFrame], table: model.Table, tz: str) -> pd.DataFrame:
    if not parts:
        return model.empty(table, tz).assign(_file=pd.Series([], dtype="int32"))
    # One set of categories for every file's labels, so the stacked column stays a categorical.
    labels = [c.name for c in table.columns if c.kind == model.LABEL]
    for col in labels:
        parts = [p.assign(**{col: p[col].astype("category")}) for p in parts]
        cats = pd.Index(pd.unique(np.concatenate([p[col].cat.categories.to_numpy(dtype=object) for p in parts])),
                        dtype="str")
        parts = [p.assign(**{col: p[col].cat.set_categories(cats)}) for p in parts]
    df = pd.concat(parts, ignore_index=True)
    return model.conform(df, table, tz).assign(_file=df["_file"].to_numpy())


def _repeats(df: pd.DataFrame, keys: list[str], narrow: list[str], among: np.ndarray | None = None,
             near: int | None = None) -> np.ndarray:
    """Mask of the rows (of ``among``, default all) that an earlier file already holds.

    A person who sends the same sticker twice in a second did send it twice;
    the same row in two exports of the same group is one message. A month
    exported in several files puts millions of rows in groups read from
    several files, nearly all unique, and hashing all their keys (texts
    among them) would be most of the work of loading them. So the whole key
    is built only for the rows that could repeat: in a group read from
    several files; with ``near`` (nanoseconds), timed within ``near`` of the
    span in which another file holds rows of the group (exports are
    usually cut by date, and then no row is); and sharing their ``narrow``
    columns (some of ``keys``, cheap to compare) with another row.
    """
    dup = np.zeros(len(df), dtype=bool)
    files = df["_file"].to_numpy().astype(np.int64)
    group = _codes(df["group_id"])
    rows = np.flatnonzero(group >= 0 if among is None else among & (group >= 0))       # no group: no repeats
    if not len(rows) or files[rows].min() == files[rows].max():
        return dup
    width = int(files.max()) + 1
    pair = group * width + files                # one number per (group, file)
    spread = np.bincount(pd.unique(pair[rows]) // width, minlength=int(group.max()) + 1) > 1
    rows = rows[spread[group[rows]]]
    if near is not None and len(rows):
        rows = rows[_near_other_files(pair[rows], width, df["time"].array.asi8[rows], near)]
    hint = group[rows]
    for col in narrow:
        # codes mixed into one number: rows that share it by chance are only looked at more closely
        hint = hint * _MIX + _codes(df[col].iloc[rows])
    rows = rows[pd.Series(hint).duplicated(keep=False).to_numpy()]
    if not len(rows):
        return dup
    sub = df[keys].iloc[rows]
    key = sub.groupby(keys, dropna=False, observed=True, sort=False).ngroup().to_numpy()
    first = np.full(key.max(initial=-1) + 1, np.iinfo(np.int64).max)
    np.minimum.at(first, key, files[rows])
    dup[rows] = files[rows] != first[key]
    return dup


def _near_other_files(pair: np.ndarray, width: int, times: np.ndarray, near: int) -> np.ndarray:
    """Mask of rows (``pair``: group × ``width`` + file) timed within ``near`` of the span where another
    file holds rows of the same group (each file's span: its first to its last row of the group)."""
    code, pairs = pd.factorize(pair)
    by = pd.Series(times).groupby(code, sort=True)
    lo, hi = by.min().to_numpy(), by.max().to_numpy()
    start = np.full(len(pairs), np.iinfo(np.int64).max)
    end = np.full(len(pairs), np.iinfo(np.int64).min)
    # a Python loop over (group, file) pairs, a few per group: thousands, not millions
    order = np.argsort(pairs, kind="stable")
    groups = pairs[order] // width
    for block in np.split(order, np.flatnonzero(np.diff(groups)) + 1):
        for i in block:
            others = block[block != i]
            a = np.maximum(lo[i], lo[others]) - near
            b = np.minimum(hi[i], hi[others]) + near
            meet = a <= b
            if meet.any():
                start[i], end[i] = a[meet].min(), b[meet].max()
    return (times >= start[code]) & (times <= end[code])


_DAY_NS = 86_400_000_000_000
_MIX = np.int64(0x9E3779B97F4A7C15 - (1 << 64))        # odd: multiplying mixes, wrapping is harmless


def _codes(col: pd.Series) -> np.ndarray:
    """One int64 per value that equal values share (-1 for missing): instants as they are, else
    factorised."""
    if col.dtype.kind == "M":
        return col.array.asi8
    return pd.factorize(col)[0].astype(np.int64, copy=False)


def by_group_and_time(df: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The ``keep`` rows ordered by group id, then time, ties in file order — one take of every column."""
    rows = np.flatnonzero(keep)
    codes, _ = pd.factorize(df["group_id"], sort=True, use_na_sentinel=True)
    codes = codes[rows]
    codes = np.where(codes < 0, codes.max(initial=0) + 1, codes)       # no id sorts last
    stamps = df["time"].array.asi8[rows]
    stamps = np.where(stamps == np.iinfo(np.int64).min, np.iinfo(np.int64).max, stamps)   # NaT sorts last
    order = rows[np.lexsort((stamps, codes))]
    out = {}
    for name, col in df.items():
        if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
            # Stacked from many files, a text column has a chunk per file; Arrow's take
            # across chunks is up to ten times slower than joining them first.
            out[name] = text_column(_one_piece(col).take(order))
        else:
            out[name] = col.array.take(order)
    return pd.DataFrame(out)


def _group_names(frames: list[pd.DataFrame]) -> tuple[dict[str, str], dict[str, str]]:
    """(id → name, name → id) from every table that has both, registry first."""
    id_to_name: dict[str, str] = {}
    name_to_id: dict[str, str] = {}
    for df in frames:
        if df.empty:
            continue
        pairs = df[["group_id", "group_name"]].drop_duplicates().dropna()
        pairs = pairs[~pairs["group_id"].str.contains(":", regex=False)]
        for gid, name in zip(pairs["group_id"], pairs["group_name"]):
            id_to_name.setdefault(gid, name)
            name_to_id.setdefault(name, gid)
    return id_to_name, name_to_id


def _infer_by_members(senders: set, known: pd.Series) -> tuple[str | None, float]:
    """The member list (``known``: group id → display names) whose names cover most of a chat's senders."""
    if len(senders) < 3 or known.empty:
        return None, 0.0
    best, share = None, 0.0
    for cand, names in known.items():
        s = len(senders & names) / len(senders)
        if s > share:
            best, share = cand, s
    return (best, share) if share >= 0.5 else (None, share)


@dataclass
class GroupMap:
    """How every table's group columns are made one: file-derived ids (``file:…``, ``qq:…``) → real
    ids, ids → names, ids → registry platforms. Worked out once over every table (``_group_map``),
    then applied row by row to any table of the same inputs: a streamed audit applies it to each
    part's messages."""
    remap: dict[str, str]
    id_to_name: dict[str, str]
    platforms: dict[str, str]

    def apply(self, df: pd.DataFrame) -> None:
        """Rewrite ``df``'s group_id, group_name and platform in place.

        On the Arrow arrays: pandas' fillna and mask on Arrow-backed text cost
        ten times Arrow's coalesce and if_else over a million rows.
        """
        # one piece each: if_else over arrays chunked unlike each other (a piece per file) is slow
        gid = _one_piece(df["group_id"])
        if self.remap:
            gid = pc.coalesce(_lookup(gid, self.remap), gid)
            df["group_id"] = text_column(gid).set_axis(df.index)
        name = _one_piece(df["group_name"])
        if self.id_to_name:
            missing = pc.or_(pc.is_null(name), pc.is_in(gid, value_set=pa.array(list(self.remap.values()), gid.type)))
            if pc.any(missing).as_py():
                name = pc.if_else(missing, pc.coalesce(_lookup(gid, self.id_to_name), name), name)
        df["group_name"] = text_column(pc.coalesce(name, gid)).set_axis(df.index)
        # generic exports know no platform; the registry does
        if self.platforms:
            platform = _lookup(gid, self.platforms)
            other = ((df["platform"] == "other").to_numpy() & pc.is_valid(platform).to_numpy(zero_copy_only=False))
            if other.any():
                cats = df["platform"].cat.categories
                codes = df["platform"].cat.codes.to_numpy().copy()
                codes[other] = cats.get_indexer(platform.filter(pa.array(other)).to_numpy(zero_copy_only=False))
                df["platform"] = pd.Series(pd.Categorical.from_codes(codes, dtype=df["platform"].dtype),
                                           index=df.index)


def _one_piece(col: pd.Series) -> pa.Array:
    """An Arrow-backed column as one Arrow array (its chunks joined)."""
    arr = pa.array(col)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _lookup(values: pa.Array | pa.ChunkedArray, table: dict[str, str]) -> pa.Array | pa.ChunkedArray:
    """Each value's entry in ``table``, null where it has none."""
    keys = pa.array(list(table), values.type)
    return pc.take(pa.array(list(table.values()), values.type), pc.index_in(values, value_set=keys))


def _group_map(ds: dict[str, pd.DataFrame], notes: list[str]) -> GroupMap:
    """The group map of the stacked tables; registry rows without a 群ID get theirs here.

    ``ds["messages"]`` may be any subset of the messages' rows that keeps the
    first row of every (group id, group name, sender name) in file order: the
    map reads nothing else of them.
    """
    id_to_name, name_to_id = _group_names([ds["groups"], ds["members"], ds["messages"], ds["events"]])
    # A registry row without a 群ID has a name-derived id; the exports know the real one.
    reg = ds["groups"]
    placeholder = reg["group_id"].str.contains(":", regex=False).fillna(False).to_numpy(dtype=bool)
    if placeholder.any():
        reg.loc[placeholder, "group_id"] = reg.loc[placeholder, "group_name"].map(name_to_id).fillna(
            reg.loc[placeholder, "group_id"])
    remap: dict[str, str] = {}
    known = senders = None      # member-list names and each chat's senders: built once, when first needed
    for table in ("messages", "events", "members"):
        df = ds[table]
        # one pass over the rows with a placeholder id: a company has thousands of such chats
        sub = df.loc[df["group_id"].str.contains(":", regex=False).fillna(False).to_numpy(dtype=bool),
                     ["group_id", "group_name"] + (["sender_name"] if table == "messages" else [])]
        first_name = sub.dropna(subset=["group_name"]).drop_duplicates("group_id").set_index("group_id")["group_name"]
        for gid in sub["group_id"].unique():
            if gid in remap:
                continue
            name = first_name.get(gid)
            if name in name_to_id:
                remap[gid] = name_to_id[name]
            elif gid.startswith("file:") and table == "messages":
                if known is None:
                    m = ds["members"].dropna(subset=["display_name"])
                    known = m.groupby("group_id")["display_name"].agg(set)
                    senders = sub.dropna(subset=["sender_name"]).groupby("group_id")["sender_name"].agg(set)
                cand, share = _infer_by_members(senders.get(gid, set()), known)
                if cand:
                    remap[gid] = cand
                    notes.append(f"group of {gid[5:]!r} taken to be {id_to_name.get(cand, cand)} "
                                 f"({share:.0%} of its senders are on that member list); "
                                 f"name the file after the group to be sure")
                else:
                    notes.append(f"group of {gid[5:]!r} is not named in the export and matches no "
                                 f"member list or registry entry; audited under the file name")
    reg = reg.dropna(subset=["group_id"])
    reg = reg[reg["platform"].notna() & (reg["platform"] != "other")]
    return GroupMap(remap, id_to_name, dict(zip(reg["group_id"], reg["platform"].astype(str))))


def _add_unregistered(ds: dict[str, pd.DataFrame], tz: str) -> None:
    """Groups seen in exports or member lists but absent from the registry, marked unregistered."""
    reg = ds["groups"]
    seen = pd.concat([ds[t][["group_id", "group_name", "platform"]] for t in ("messages", "events", "members")],
                     ignore_index=True).drop_duplicates("group_id")
    extra = seen[~seen["group_id"].isin(reg["group_id"].dropna())]
    if extra.empty:
        return
    extra = model.conform(extra.assign(registered=False), model.GROUPS, tz)
    ds["groups"] = pd.concat([reg, extra], ignore_index=True)


def load(chats: list[str | Path], *, members: list[str | Path] = (), roster: list[str | Path] = (),
         groups: list[str | Path] = (), fmt: str | None = None, tz: str = model.DEFAULT_TZ,
         me: str | None = None, mapping: dict[str, str] | None = None) -> Dataset:
    """Read every input and return the assembled tables.

    Files that cannot be read are reported in ``Dataset.files`` with their
    error; the caller decides whether that stops the audit.
    """
    reports, frames = read_all(inputs(chats, members, roster, groups), fmt, tz, me, mapping)
    ds = {name: stack(frames[name], model.TABLES[name], tz)
          for name in ("messages", "events", "members", "roster", "groups")}
    notes: list[str] = []
    dups, _ = assemble(ds, notes, tz)
    dup = message_repeats(ds["messages"])
    dups["messages"] = int(dup.sum())
    ds["messages"] = by_group_and_time(ds["messages"].drop(columns=["_file"]), ~dup)
    msgs, mems, ids = identity.resolve(ds["messages"], ds["members"], ds["roster"])
    return Dataset(messages=msgs, events=ds["events"], members=mems, roster=ds["roster"], groups=ds["groups"],
                   identities=ids, files=reports, duplicates=dups, notes=notes, tz=tz)


def assemble(ds: dict[str, pd.DataFrame], notes: list[str], tz: str) -> tuple[dict[str, int], GroupMap]:
    """Every step of ``load`` between stacking and the messages' own: group ids and names made one
    (on the messages too), repeated events and member rows dropped, events ordered, unregistered
    groups added. Returns the repeats dropped per table (messages: 0, they are the caller's) and
    the group map; the message table keeps ``_file``.

    ``ds["messages"]`` may be the thin index of a streamed audit (``stream``): see ``_group_map``.
    """
    if not ds["groups"].empty:
        ds["groups"]["registered"] = True
    groups = _group_map(ds, notes)
    for table in ("messages", "events", "members"):
        groups.apply(ds[table])
    ev_dup = _repeats(ds["events"], ["platform", "group_id", "time", "event", "actor_name", "target_name", "detail"],
                      ["time"], near=0)
    mem_dup = _repeats(ds["members"], ["platform", "group_id", "member_id"], ["member_id"])
    if mem_dup.any():
        ds["members"] = ds["members"][~mem_dup].reset_index(drop=True)
    _add_unregistered(ds, tz)
    for name in ("events", "members", "roster", "groups"):
        if "_file" in ds[name].columns:
            ds[name] = ds[name].drop(columns=["_file"])
    ds["events"] = by_group_and_time(ds["events"], ~ev_dup)
    return {"messages": 0, "events": int(ev_dup.sum()), "members": int(mem_dup.sum())}, groups


def message_repeats(msgs: pd.DataFrame) -> np.ndarray:
    """Mask of the messages (stacked, with ``_file``) that an earlier file already holds: the same
    sender, time and text in the same group, or the same message id."""
    dup = _repeats(msgs.assign(_who=msgs["sender_id"].fillna(msgs["sender_name"])),
                   ["platform", "group_id", "time", "_who", "text"], ["time"], near=0)
    with_id = msgs["msg_id"].notna().to_numpy() & ~dup
    if with_id.any():
        # one message's id in two exports: its time may be written differently, not a day apart
        dup |= _repeats(msgs, ["platform", "group_id", "msg_id"], ["msg_id"], among=with_id, near=_DAY_NS)
    return dup
