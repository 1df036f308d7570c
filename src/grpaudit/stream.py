"""A streamed audit: inputs larger than memory, audited in parts of whole groups.

**Index** (``index``): every file is read once. Its events, member lists,
roster and registry rows are kept (they are small); of its messages only one
row per distinct (platform, group, group name, sender) is kept, with the
message count, the first and last time and the memory those messages took.
Group ids and names are made one, events and member rows deduplicated, and
senders resolved to employees over that index exactly as ``dataset.load``
does over every row: those steps read nothing else of the messages.

**Plan** (``plan``): whole groups are packed into parts whose messages fit
the memory budget; a group is never split.

**Parts** (``run``): per part, only the files that hold its groups are read
again, and only its groups' rows are kept; repeats are dropped and the rows
ordered as ``load`` does, and each sender gets the person the index resolved
(``identity.attach``). Every enabled rule is then checked over a context of
the part's messages and *every* group's events, members and registry, with
the data's last message time (``AuditContext.last_message``), and only the
findings of the part's own groups are kept. Every rule judges a group from
that group's messages plus tables the context holds whole (docs/scaling.md
goes rule by rule), so each group's findings are the ones an in-memory audit
finds, and the reply record is summarised from every part's judged pairs.

Files of one-line records (WeCom JSON Lines archives) larger than
``piece_size(budget)`` are read a range of lines at a time, in the index and
in every part (``ingest.read_pieces``); any other file is read whole, and one
too large for the budget is named in the warnings.

Cost: a file holding groups of several parts is read once per part, and the
rules that read only the small tables run once per part.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from . import identity, model, partition
from .audit import AuditResult, context, in_period, result
from .dataset import (CHAT, Dataset, GroupMap, assemble, by_group_and_time, expand, inputs, message_repeats,
                      read_all, stack)
from .findings import concat
from .ingest import InputError, read_pieces
from .policy import Policy
from .rules import PER_GROUP, RULES, enabled_codes
from .rules.reply_record import CODES as REPLY_CODES

#: Peak memory of an audit per byte of its messages table, measured at 1M and 5M messages
#: (bench/results.md): the readers' raw tables, the rules' working columns and the reports.
WORK_PER_BYTE = 4
#: Bytes of memory per byte of chat export read, measured the same way: what deciding from
#: file sizes alone (before anything is read) assumes.
MEMORY_PER_FILE_BYTE = 4

_THIN = ["platform", "group_id", "group_name", "sender_id", "sender_name", "_file"]
_NO_GROUP = "\x00"       # the planning key of messages without a group id (none of the readers give one)


def parse_size(text: str) -> int:
    """Bytes in ``2G``, ``1.5GB``, ``800M``, ``800MiB`` or a plain number of bytes."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not m:
        raise ValueError(f"{text!r}: expected a size such as 2G, 1.5GB or 800M")
    return int(float(m.group(1)) * 1024 ** " KMGT".index(m.group(2).upper() or " "))


def _proc(path: str, field: str) -> int | None:
    """A ``kB`` field of a /proc status file, in bytes (None where there is none: not Linux)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


#: cgroup v2 files: a container's limit and use (the host's MemAvailable does not see the limit)
CGROUP = Path("/sys/fs/cgroup")


def available_memory() -> int | None:
    """The memory this process can get without swapping, in bytes: the system's MemAvailable, or
    less when a container's memory limit (cgroup v2) leaves less room; None when neither is known."""
    room = [_proc("/proc/meminfo", "MemAvailable")]
    try:
        limit = (CGROUP / "memory.max").read_text().strip()
        if limit.isdigit():
            room.append(int(limit) - int((CGROUP / "memory.current").read_text()))
    except (OSError, ValueError):
        pass
    known = [r for r in room if r is not None]
    return max(0, min(known)) if known else None


def needs_streaming(chats: list[str | Path], budget: int) -> bool:
    """True when reading ``chats`` whole would likely take more than ``budget`` bytes of memory."""
    size = sum(p.stat().st_size for p in expand(chats) if p.is_file())
    return size * MEMORY_PER_FILE_BYTE > budget


def _thin(df: pd.DataFrame) -> pd.DataFrame:
    """One file's messages as index rows: per distinct sender in a group, in first-seen order."""
    per_row = df.memory_usage(deep=False, index=False).sum() / max(len(df), 1)
    out = df.groupby(_THIN, dropna=False, observed=True, sort=False)["time"].agg(
        n="size", first="min", last="max").reset_index()
    # whole bytes: sums then do not depend on the order they are added in
    out["bytes"] = (out["n"] * per_row).round().astype("int64")
    return out


@dataclass
class Index:
    """What the first pass keeps: the dataset without its messages, and how to read them by part."""
    #: every table but the messages (an empty table): files, events, members, roster, registry,
    #: identities, notes and the repeats dropped from events and member lists
    dataset: Dataset
    #: one row per distinct (platform, group, group name, sender, file) after the group map, with
    #: n, first, last, bytes and the sender's person_id
    senders: pd.DataFrame
    groups: GroupMap
    jobs: list[tuple[Path, str]]
    #: each file's (size, modification time) before the first pass read it: a part reads it again
    stamps: list[tuple[int, int] | None]
    fmt: str | None
    me: str | None
    mapping: dict[str, str] | None
    #: files of one-line records larger than this are read this many bytes of lines at a time
    piece_bytes: int | None = None

    @property
    def messages(self) -> int:
        """Messages read, repeats included (a part drops those)."""
        return int(self.senders["n"].sum())

    @property
    def last_message(self) -> pd.Timestamp | None:
        last = self.senders["last"].max()
        return None if pd.isna(last) else last


def index(chats: list[str | Path], *, members: list[str | Path] = (), roster: list[str | Path] = (),
          groups: list[str | Path] = (), fmt: str | None = None, tz: str = model.DEFAULT_TZ,
          me: str | None = None, mapping: dict[str, str] | None = None, budget: int | None = None) -> Index:
    """The first pass over the inputs (the other arguments are ``dataset.load``'s). With a ``budget``,
    a file of one-line records (WeCom JSON Lines) too large to read whole within it is read a
    range of lines at a time, here and in every part."""
    jobs = inputs(chats, members, roster, groups)
    stamps = [_stamp(path) for path, _ in jobs]
    piece_bytes = None if budget is None else piece_size(budget)
    reports, frames = read_all(jobs, fmt, tz, me, mapping, keep=_thin, piece_bytes=piece_bytes)
    ds = {name: stack(frames[name], model.TABLES[name], tz) for name in ("events", "members", "roster", "groups")}
    thin = frames["messages"]
    ds["messages"] = pd.concat(thin, ignore_index=True) if thin else _thin(
        model.empty(model.MESSAGES, tz).assign(_file=pd.Series([], dtype="int64")))
    notes: list[str] = []
    dups, group_map = assemble(ds, notes, tz)
    # load resolves senders over messages ordered by group and time: the group name an identity
    # is listed under is the one of its first message, so the index is ordered the same way
    senders = ds["messages"].sort_values(["group_id", "first", "_file"], kind="stable", na_position="last",
                                         ignore_index=True)
    senders, mems, ids = identity.resolve(senders, ds["members"], ds["roster"])
    dataset = Dataset(messages=model.empty(model.MESSAGES, tz), events=ds["events"], members=mems,
                      roster=ds["roster"], groups=ds["groups"], identities=ids, files=reports, duplicates=dups,
                      notes=notes, tz=tz)
    return Index(dataset, senders, group_map, jobs, stamps, fmt, me, mapping, piece_bytes)


def piece_size(budget: int) -> int:
    """Bytes of a file read at a time within ``budget``: half of it for the reader, which peaks at
    about ``READ_PER_FILE_BYTE`` times what it reads; the other half for what the audit holds."""
    return max(_MIN_PIECE, budget // (2 * READ_PER_FILE_BYTE))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _key(group_id: pd.Series) -> pd.Series:
    return group_id.astype("str").fillna(_NO_GROUP)


def plan(idx: Index, budget: int, held: int = 0) -> list[set[str]]:
    """Group ids (``_NO_GROUP`` for none) in parts whose messages take at most ``budget - held``
    bytes of working memory each (``held``: what the process holds already, the index and the
    small tables): largest group first into the first part it fits (first-fit decreasing); a
    group that alone exceeds the budget is a part of its own."""
    size = idx.senders.assign(_g=_key(idx.senders["group_id"])).groupby("_g")["bytes"].sum()
    capacity = max(budget - held, budget / 4) / WORK_PER_BYTE
    parts: list[set[str]] = []
    load: list[int] = []
    for g, b in size.sort_values(ascending=False, kind="stable").items():
        p = next((i for i, used in enumerate(load) if used + b <= capacity), None)
        if p is None:
            parts.append(set())
            load.append(0)
            p = len(parts) - 1
        parts[p].add(g)
        load[p] += b
    return parts or [set()]


def read_part(idx: Index, part: set[str]) -> tuple[pd.DataFrame, int]:
    """The messages of the part's groups, as ``dataset.load`` gives them, and the repeats dropped."""
    tz = idx.dataset.tz
    raw = set(part) | {src for src, dst in idx.groups.remap.items() if dst in part}
    held = idx.senders.loc[_key(idx.senders["group_id"]).isin(part).to_numpy(), "_file"]
    frames = [_rows_of(idx, f, raw) for f in sorted(held.unique())]
    msgs = stack(frames, model.MESSAGES, tz)
    idx.groups.apply(msgs)
    dup = message_repeats(msgs)
    msgs = by_group_and_time(msgs.drop(columns=["_file"]), ~dup)
    return identity.attach(msgs, idx.senders), int(dup.sum())


#: Rules that need every group's member lists, events or registry rows, besides the messages of the
#: group they judge (``rules.PER_GROUP`` gives each one's reason); the reply rules are not among them
#: once they know the data's last message time.
_ACROSS_GROUPS = frozenset(RULES) - PER_GROUP - REPLY_CODES


def _rows_of(idx: Index, f: int, raw: set[str]) -> pd.DataFrame:
    """File ``f``'s messages whose (raw) group id is in ``raw``. The file's whole tables die on
    return, and their pages go back to the OS before the next file is read: only the part's
    rows of each file add up."""
    path, role = idx.jobs[f]
    # A file rewritten since the first pass (an export still being copied in) would give rows the
    # index never counted, or lose some: the parts would no longer add up to one audit.
    if _stamp(path) != idx.stamps[f]:
        raise InputError(path, "changed while the audit read it in parts (its size or modification time is not "
                               "what the first pass saw); run the audit again once the exports are complete")
    kept = []
    try:
        for _, _, res in read_pieces(path, idx.fmt if role == CHAT else None, tz=idx.dataset.tz, me=idx.me,
                                     mapping=idx.mapping, piece_bytes=idx.piece_bytes):
            m = res.messages
            if m is not None and len(m):
                kept.append(m[_key(m["group_id"]).isin(raw).to_numpy()])
            del res, m
            pa.default_memory_pool().release_unused()
    except OSError as exc:
        raise InputError(path, f"cannot read it again for its part: {exc.strerror or exc}") from None
    m = pd.concat(kept, ignore_index=True) if kept else model.empty(model.MESSAGES, idx.dataset.tz)
    return m.assign(_file=f)


def run(idx: Index, policy: Policy, start, end, budget: int, *, jobs: int = 1, engine: str = "local",
        progress=None) -> AuditResult:
    """Every enabled rule over the indexed inputs, part by part (``plan``): the same result as
    ``audit.run`` over ``dataset.load`` of the same inputs. ``progress(i, n, messages)`` is told
    before each part.

    Per part, the rules that judge a group from its own rows run over the part's
    groups alone (member lists, events and registry rows cut to them), so their
    cost follows the part's size; the few that look across groups run over
    every group's small tables with the part's messages, and keep only the
    findings of the part's groups. Groups without messages go with the first part.
    """
    ds = idx.dataset
    parts = plan(idx, budget, held=_resident())
    owner = {g: p for p, groups in enumerate(parts) for g in groups}
    for df in (ds.events, ds.members, ds.groups):
        for g in pd.unique(_key(df["group_id"])):
            owner.setdefault(g, 0)
    last = idx.last_message
    enabled = enabled_codes(policy)
    codes = [c for c in enabled if c not in _ACROSS_GROUPS]
    across = [c for c in enabled if c in _ACROSS_GROUPS]
    found, pairs, warnings = [], [], set()
    total = chat_groups = repeats = 0
    any_in_period = False
    for p, part in enumerate(parts):
        msgs, dup = read_part(idx, part)
        if progress is not None:
            progress(p, len(parts), len(msgs))
        total, repeats = total + len(msgs), repeats + dup
        chat_groups += int(msgs["group_id"].nunique())
        any_in_period = any_in_period or in_period(msgs, start, end, ds.tz)
        wide = context(ds, policy, start, end, messages=msgs, last_message=last)
        mine = pd.Index([None if g == _NO_GROUP else g for g, q in owner.items() if q == p], dtype="str")
        ctx = partition.part_context(wide, mine)
        out = partition.check_whole(ctx, codes) if jobs == 1 else partition.run(ctx, jobs, engine=engine, codes=codes)
        found.append(out.findings)
        if out.reply_pairs is not None:
            pairs.append(out.reply_pairs)
        warnings.update(out.warnings)
        if across:
            out = partition.check_whole(wide, across)
            found.append(out.findings[out.findings["group_id"].isin(mine).to_numpy()])
            warnings.update(out.warnings)
        del msgs, wide, ctx, out
    ds.duplicates["messages"] = repeats
    checked = partition.Checked(concat(found, ds.tz), sorted(warnings),
                                pd.concat(pairs, ignore_index=True) if pairs else None)
    res = result(checked, ds, policy, start, end, messages=total, chat_groups=chat_groups, in_period=any_in_period)
    res.warnings.append(f"inputs audited in {len(parts)} part(s) of whole groups to stay within "
                        f"{_size(budget)} of memory (--memory)")
    res.warnings.extend(_too_big(idx, budget))
    return res


#: Peak memory of a reader per byte of the table it returns (docs/scaling.md: 2.5–3.3x).
READ_PER_BYTE = 3
#: Peak memory of a reader per byte of file it reads, measured on the WeCom archive (the format
#: read in pieces): 1.77 GB for a 300 MB JSON Lines file.
READ_PER_FILE_BYTE = 6
#: The least a file is read in at a time: smaller pieces only add per-piece work.
_MIN_PIECE = 16 << 20


def _too_big(idx: Index, budget: int) -> list[str]:
    """Files a reader needs more than the budget to read, of those it reads whole (all but files of
    one-line records, which ``index`` reads in pieces): such a file sets a floor."""
    table = idx.senders.groupby("_file")["bytes"].sum()
    pieces = [r.pieces for r in idx.dataset.files]
    return [f"{idx.jobs[f][0]}: reading this file whole takes about {_size(b * READ_PER_BYTE)}, more than "
            f"--memory allows; split the export into smaller files to stay within it"
            for f, b in table.items() if b * READ_PER_BYTE > budget and pieces[f] <= 1]


def _resident() -> int:
    """This process's resident memory in bytes (0 where /proc is missing)."""
    return _proc("/proc/self/status", "VmRSS") or 0


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
