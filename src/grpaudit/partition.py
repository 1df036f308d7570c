"""Partitioned audits: the groups split into parts, each part's per-group rules checked in its own process.

A rule listed in ``rules.PER_GROUP`` judges a group from that group's rows
and the roster, calendar and policy alone, so checking it over a part of the
groups gives that part's share of its findings. ``run`` splits the groups
into parts of about equal message counts (``plan``), checks the per-group
rules of each part (``check_part``) and the other rules over the whole
dataset (``check_whole``) as tasks of a process pool, and stacks the
findings; ``audit.run`` then puts them in the audit's fixed order, so the
table equals a single-process run's row for row. docs/scaling.md explains
the split.

Workers are forked: they inherit the dataset instead of receiving a pickled
copy, and each takes only its part's rows. ``engine="dask"`` sends each part
to a local Dask cluster instead, through the same ``check_part``.
"""
from __future__ import annotations

import copyreg
import os
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from . import forked
from .findings import concat
from .policy import PolicyError
from .rules import PER_GROUP, AuditContext, enabled_codes, run_rules
from .rules.reply_record import CODES as REPLY_CODES, enabled as reply_enabled, judged_pairs

ENGINES = ("local", "dask")

# A PolicyError (a word list the policy names is missing) raised in a worker comes back pickled;
# its __init__ takes the problems, not the message Exception.__reduce__ would pass.
copyreg.pickle(PolicyError, lambda e: (PolicyError, (e.problems,)))


def cpu_count() -> int:
    """CPUs this process may run on (``--jobs 0``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                 # not Linux
        return os.cpu_count() or 1


def plan(ctx: AuditContext, parts: int) -> list[pd.Index]:
    """The context's group ids in at most ``parts`` parts of about equal message counts.

    Largest group first into the part with the fewest messages so far (the
    classic greedy balance): one group never splits, so a group holding most
    of the messages is a part of its own and bounds the speed-up. Each part
    lists its groups in the order they first appear in the tables; parts come
    largest first, so the last free worker picks up a small one.
    """
    ids = pd.Index(pd.unique(pd.concat([ctx.groups["group_id"], ctx.messages["group_id"], ctx.events["group_id"],
                                        ctx.members["group_id"]], ignore_index=True)), name="group_id")
    if not len(ids):
        return []
    size = ctx.messages["group_id"].value_counts(dropna=False).reindex(ids, fill_value=0).to_numpy()
    # members and events are work too, far less per row than a message
    size = size + ctx.members["group_id"].value_counts(dropna=False).reindex(ids, fill_value=0).to_numpy() // 10 + 1
    parts = max(1, min(parts, len(ids)))
    load = np.zeros(parts, np.int64)
    where = np.empty(len(ids), np.int64)
    for g in np.argsort(-size, kind="stable"):          # one step per group, not per message
        where[g] = p = int(np.argmin(load))
        load[p] += size[g]
    return [ids[where == p] for p in np.argsort(-load, kind="stable") if (where == p).any()]


def part_context(ctx: AuditContext, group_ids: pd.Index) -> AuditContext:
    """A context over the rows of ``group_ids`` only; roster, policy, period and the data's last
    message time as in ``ctx``.

    The calendar is built afresh, so its warnings are the part's own.
    """
    def rows(df: pd.DataFrame) -> pd.DataFrame:
        return df[df["group_id"].isin(group_ids).to_numpy()].reset_index(drop=True)

    return AuditContext.build(ctx.policy, ctx.start, ctx.end, messages=rows(ctx.messages), events=rows(ctx.events),
                              members=rows(ctx.members), roster=ctx.roster, groups=rows(ctx.groups), tz=ctx.tz,
                              last_message=ctx.last_message)


@dataclass
class Checked:
    """What checking rules over a context gives: findings (in no particular order), calendar doubts,
    and the pairs the reply rules judged (``reply_record.judged_pairs``) when they were checked."""
    findings: pd.DataFrame
    #: the context's calendar doubts (years chinese-calendar does not cover)
    warnings: list[str]
    reply_pairs: pd.DataFrame | None = None


def check_part(ctx: AuditContext, codes: list[str]) -> Checked:
    """The findings of the per-group rules ``codes`` over one part's context."""
    return Checked(run_rules(ctx, codes), list(ctx.calendar.warnings))


def check_whole(ctx: AuditContext, codes: list[str] | None = None) -> Checked:
    """The findings of ``codes`` (every enabled rule when None) and the reply pairs, over the whole
    ``ctx``: a single-process audit, a part of a streamed one, or the task of a partitioned one
    that needs every group."""
    findings = run_rules(ctx, codes)
    # after the rules: the pairs are the ones they judged (cached on ctx), so the two agree
    pairs = judged_pairs(ctx) if reply_enabled(ctx) and (codes is None or REPLY_CODES.intersection(codes)) else None
    return Checked(findings, list(ctx.calendar.warnings), pairs)


def _check_part_of(ctx: AuditContext, group_ids: pd.Index, codes: list[str]) -> Checked:
    # in the worker: the part's rows are copied out there, not in the parent
    return check_part(part_context(ctx, group_ids), codes)


def _dask_client(workers: int):
    """A client of a local Dask cluster of ``workers`` single-threaded processes."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise RuntimeError("--engine dask needs dask: pip install 'grpaudit[dask]'") from None
    return Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None))


def run(ctx: AuditContext, jobs: int, parts: int | None = None, engine: str = "local",
        codes: list[str] | None = None) -> Checked:
    """Every enabled rule (of ``codes``, when given) over ``ctx`` in ``jobs`` processes: the per-group
    rules part by part (``parts`` of them, ``jobs`` by default), the others over the whole context as
    one more task.
    Findings in no particular order (``audit.run`` orders them).

    Locally the whole-context task is one more job for the forked pool, so
    ``jobs`` processes share the cores and the parent waits. On Dask it runs
    here while the cluster checks the parts: shipping the whole dataset to a
    worker would cost more than it saves. Dask receives each part pickled
    (there is no fork to inherit the dataset from), which is why the local
    engine is the default on one machine.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r}: expected one of {', '.join(ENGINES)}")
    codes = [c for c in enabled_codes(ctx.policy) if codes is None or c in codes]
    per_group = [c for c in codes if c in PER_GROUP]
    whole = [c for c in codes if c not in PER_GROUP]
    # Each part costs a few tenths of a second whatever its size (every rule's fixed work), so no
    # more parts than processes: the whole-context task already gives the pool two sizes to balance.
    groups = plan(ctx, parts or jobs) if per_group else []
    if engine == "dask":
        client = _dask_client(max(1, min(jobs, len(groups))))
        try:
            # scattered, not embedded in the task graph: a part is megabytes of rows
            parts_sent = [client.scatter(part_context(ctx, g)) for g in groups]
            pending = [client.submit(check_part, part, per_group, pure=False) for part in parts_sent]
            results = [check_whole(ctx, whole)] + [f.result() for f in pending]
        finally:
            client.close()
            client.cluster.close()
    else:
        if not forked.available():
            raise RuntimeError("--jobs needs processes started by fork (Linux, macOS); "
                               "use --jobs 1 or --engine dask here")
        # the whole-context task is usually the biggest: first, so the parts fill in around it
        tasks = ([partial(check_whole, ctx, whole)] if whole else []) + [
            partial(_check_part_of, ctx, g, per_group) for g in groups]
        results = forked.run_all(tasks, jobs)
    pairs = next((r.reply_pairs for r in results if r.reply_pairs is not None), None)
    warnings = sorted(set(ctx.calendar.warnings).union(*(r.warnings for r in results)))
    return Checked(concat([r.findings for r in results], ctx.tz), warnings, pairs)
