"""The ``grpaudit`` command line: thin commands over the library.

Exit codes (one place decides them, see ``main``):
0 completed · 1 findings at or above ``--fail-on`` · 2 usage or policy error ·
3 input error (unreadable file, unknown format).
"""
from __future__ import annotations

import contextlib
import functools
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from .. import __version__, model
from ..history import DEFAULT_PATH
from ..ingest import READERS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Compliance auditor for work group chats (WeChat, WeCom, QQ, DingTalk).")
err = Console(stderr=True)


def progress(quiet: bool):
    """A spinner per step on a terminal; nothing in cron, pipes or with --quiet."""
    if quiet or not sys.stderr.isatty():
        return lambda _what: contextlib.nullcontext()
    return lambda what: err.status(what)


def out_console() -> Console:
    """stdout: the terminal's width on a terminal; wide in cron logs and pipes, where rich would assume 80."""
    return Console() if sys.stdout.isatty() else Console(width=160)


class UsageError(Exception):
    """A command-line mistake: exit 2 with the message."""


def command(fn=None, *, name: str | None = None):
    """Register a command whose errors become exit codes: the one place that decides them.

    Usage mistakes and invalid policies exit 2, unreadable input exits 3;
    click itself exits 2 on unknown options and missing arguments.
    """
    if fn is None:
        return lambda f: command(f, name=name)
    from ..ingest import InputError
    from ..policy import PolicyError

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UsageError as exc:
            err.print(f"[red]error[/red]: {exc}", highlight=False)
            raise typer.Exit(EXIT_USAGE) from None
        except PolicyError as exc:
            for problem in exc.problems:
                err.print(f"[red]error[/red]: {problem}", highlight=False)
            raise typer.Exit(EXIT_USAGE) from None
        except InputError as exc:
            err.print(f"[red]error[/red]: {exc}", highlight=False)
            raise typer.Exit(EXIT_INPUT) from None
    return app.command(name=name)(run)


def _mapping(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for p in pairs or []:
        if "=" not in p:
            raise UsageError(f"--map {p!r}: expected FIELD=HEADER, e.g. --map text=聊天内容")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out


Paths = Annotated[list[Path], typer.Argument(help="Chat export files or folders.", show_default=False)]
MembersOpt = Annotated[Optional[list[Path]], typer.Option("--members", help="Group member list(s), CSV or Excel.")]
RosterOpt = Annotated[Optional[list[Path]], typer.Option("--roster", help="HR roster, CSV or Excel.")]
GroupsOpt = Annotated[Optional[list[Path]], typer.Option("--groups", help="Group registry (群备案), CSV or Excel.")]
FormatOpt = Annotated[Optional[str], typer.Option("--format", help=f"Force a chat format: {', '.join(READERS)}.")]
TzOpt = Annotated[str, typer.Option("--tz", help="Time zone of exports that carry none.")]
MeOpt = Annotated[Optional[str], typer.Option("--me", help="Display name of the exporting account (WeChat's 你).")]
MapOpt = Annotated[Optional[list[str]], typer.Option("--map", help="Column mapping for generic CSV: FIELD=HEADER.")]


@command
def inspect(paths: Paths, members: MembersOpt = None, roster: RosterOpt = None, groups: GroupsOpt = None,
            format: FormatOpt = None, tz: TzOpt = model.DEFAULT_TZ, me: MeOpt = None, map: MapOpt = None,
            as_json: Annotated[bool, typer.Option("--json", help="Print JSON to stdout for scripts.")] = False):
    """Show what each file holds: format, encoding, counts, skipped records, groups and identities."""
    from ..dataset import load
    from .inspect_cmd import render, summary

    if format and format not in READERS:
        raise UsageError(f"--format {format!r}: known formats are {', '.join(READERS)}")
    ds = load(paths, members=members or [], roster=roster or [], groups=groups or [], fmt=format,
              tz=tz, me=me, mapping=_mapping(map))
    doc = summary(ds)
    if as_json:
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        render(doc, out_console())
    for f in ds.errors:
        err.print(f"[red]error[/red]: {f.error}", highlight=False)
    raise typer.Exit(EXIT_INPUT if ds.errors else EXIT_OK)


DEFAULT_HISTORY = DEFAULT_PATH
HistoryOpt = Annotated[Optional[Path], typer.Option(
    "--history", envvar="GRPAUDIT_HISTORY", help=f"Audit history database (default {DEFAULT_HISTORY}).")]
PolicyOpt = Annotated[Optional[Path], typer.Option("--policy", help="Policy YAML (its calendar section applies).")]


@command
def calendar(month: Annotated[str, typer.Argument(help="The month, YYYY-MM.", show_default=False)],
             policy: PolicyOpt = None):
    """Print a month as the audit sees it: holidays, 调休 days, the policy's overrides, hours."""
    from ..policy import load_policy
    from .calendar_cmd import calendar_command
    Console().print(calendar_command(month, load_policy(policy).calendar if policy else None))


@command
def validate(policy: Annotated[Path, typer.Argument(help="Policy YAML file.", show_default=False)]):
    """Check a policy; print every mistake with file:line:column. Exit 2 when invalid."""
    from .policy_cmds import validate_command
    raise typer.Exit(validate_command(policy, Console(), err))


@command
def rules(markdown: Annotated[bool, typer.Option("--markdown", help="Print the reference as Markdown.")] = False):
    """List every rule: code, category, what it checks, options."""
    from .policy_cmds import rules_command
    raise typer.Exit(rules_command(Console(), markdown))


@command
def explain(code: Annotated[str, typer.Argument(help="A rule code (NAM001) or name.", show_default=False)]):
    """Show one rule: what it checks, why, its options and the clauses it serves."""
    from .policy_cmds import explain_command
    raise typer.Exit(explain_command(code, Console(), err))


@command
def audit(paths: Paths,
          policy: Annotated[Path, typer.Option("--policy", help="Policy YAML.", show_default=False)],
          members: MembersOpt = None, roster: RosterOpt = None, groups: GroupsOpt = None,
          period: Annotated[Optional[str], typer.Option("--period", help="Month to audit, YYYY-MM.")] = None,
          since: Annotated[Optional[str], typer.Option("--since", help="First day, YYYY-MM-DD.")] = None,
          until: Annotated[Optional[str], typer.Option("--until", help="Last day, YYYY-MM-DD.")] = None,
          out: Annotated[Optional[Path], typer.Option("--out", help="Folder for the report files.")] = None,
          fail_on: Annotated[Optional[str], typer.Option(
              "--fail-on", help="Exit 1 when a finding is at or above this severity (info, minor, major, critical)."
          )] = None,
          strict: Annotated[bool, typer.Option("--strict", help="Exit 3 when records were skipped as broken.")] = False,
          quiet: Annotated[bool, typer.Option("--quiet", help="Print only errors.")] = False,
          history: HistoryOpt = None,
          no_history: Annotated[bool, typer.Option("--no-history", help="Do not read or write the audit history.")] = False,
          format: Annotated[Optional[str], typer.Option(
              "--format", help="Report formats to write, comma-separated: xlsx,csv,json,html (default all).")] = None,
          lang: Annotated[str, typer.Option("--lang", help="Report headers: zh or en.")] = "zh",
          split_by: Annotated[Optional[str], typer.Option(
              "--split-by", help="Also write one set of files per department (department).")] = None,
          input_format: Annotated[Optional[str], typer.Option(
              "--input-format", help=f"Force a chat export format: {', '.join(READERS)}.")] = None,
          jobs: Annotated[int, typer.Option(
              "--jobs", help="Processes checking the rules, split by group: 1 (default) checks in this process, "
                             "0 uses every CPU. Findings are the same whatever the number.")] = 1,
          engine: Annotated[str, typer.Option(
              "--engine", help="Where --jobs run: local (forked processes) or dask (a local Dask cluster; "
                               "needs the optional dask extra).")] = "local",
          memory: Annotated[Optional[str], typer.Option(
              "--memory", help="Memory the audit may use, e.g. 4G (default: what is available now, within "
                               "a container's limit). Inputs "
                               "likely to need more are audited in parts of whole groups, each part's files "
                               "read again; findings are the same.")] = None,
          tz: TzOpt = model.DEFAULT_TZ, me: MeOpt = None, map: MapOpt = None):
    """Audit exports against a policy for a period; print a summary and write reports."""
    from ..audit import PeriodError, parse_period, run, settle
    from .. import stream
    from ..partition import ENGINES, cpu_count
    from ..history import HistoryError
    from ..dataset import load
    from ..findings import SEVERITIES
    from ..policy import load_policy
    from ..reports import FORMATS, build, write_all
    from ..reports.terminal import listing, summary

    if fail_on and fail_on not in SEVERITIES:
        raise UsageError(f"--fail-on {fail_on!r}: expected one of {', '.join(SEVERITIES)}")
    if input_format and input_format not in READERS:
        raise UsageError(f"--input-format {input_format!r}: known formats are {', '.join(READERS)}")
    formats = [f.strip() for f in (format or ",".join(FORMATS)).split(",") if f.strip()]
    if unknown := [f for f in formats if f not in FORMATS]:
        raise UsageError(f"--format {','.join(unknown)}: report formats are {', '.join(FORMATS)}")
    if lang not in ("zh", "en"):
        raise UsageError(f"--lang {lang!r}: expected zh or en")
    if split_by not in (None, "department"):
        raise UsageError(f"--split-by {split_by!r}: only 'department' is supported")
    if jobs < 0:
        raise UsageError(f"--jobs {jobs}: expected 0 (one per CPU) or more")
    if engine not in ENGINES:
        raise UsageError(f"--engine {engine!r}: expected one of {', '.join(ENGINES)}")
    if engine == "dask" and jobs == 1:
        raise UsageError("--engine dask runs the parts on a cluster: give --jobs 2 or more (or 0)")
    try:
        budget = stream.parse_size(memory) if memory else stream.available_memory()
    except ValueError as exc:
        raise UsageError(f"--memory {exc}") from None
    try:
        start, end = parse_period(period, since, until)
    except PeriodError as exc:
        raise UsageError(str(exc)) from None
    pol = load_policy(policy)                    # PolicyError: exit 2, before any input is read
    step = progress(quiet)
    inputs = dict(members=members or [], roster=roster or [], groups=groups or [], fmt=input_format,
                  tz=tz, me=me, mapping=_mapping(map))
    streamed = budget is not None and stream.needs_streaming(paths, budget)
    if streamed:
        with step("Indexing exports (larger than --memory allows at once)…"):
            idx = stream.index(paths, budget=budget, **inputs)
        ds = idx.dataset
    else:
        with step("Reading exports…"):
            ds = load(paths, **inputs)
    if ds.errors:
        for f in ds.errors:
            err.print(f"[red]error[/red]: {f.error}", highlight=False)
        raise typer.Exit(EXIT_INPUT)
    broken = [(f.path, s) for f in ds.files for s in f.skipped if s.level == "error"]
    if strict and broken:
        for path, s in broken:
            err.print(f"[red]error[/red]: {path}:{s.line}: {s.reason}", highlight=False)
        raise typer.Exit(EXIT_INPUT)
    if streamed:
        with step(f"Checking {idx.messages:,} messages in parts…") as status:
            def told(i: int, n: int, count: int) -> None:
                if status is not None:
                    status.update(f"Checking part {i + 1} of {n} ({count:,} messages)…")
            res = stream.run(idx, pol, start, end, budget, jobs=jobs or cpu_count(), engine=engine, progress=told)
    else:
        with step(f"Checking {len(ds.messages):,} messages…"):
            res = run(ds, pol, start, end, jobs=jobs or cpu_count(), engine=engine)
    try:
        with step("Pricing and recording…"):
            priced = settle(res, None if no_history else (history or DEFAULT_HISTORY),
                            [Path(f.path) for f in ds.files] + [policy])
    except HistoryError as exc:
        raise UsageError(str(exc)) from None
    data = build(res, priced, lang)
    if not quiet:
        con = out_console()
        summary(data, con)
        listing(data, con)
    if out:
        with step("Writing reports…"):
            write_all(data, out, formats, split_by)
    if fail_on and bool((res.findings["severity"] >= fail_on).any()):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


@command
def waive(fingerprint: Annotated[str, typer.Argument(help="The finding's fingerprint (violations.json).")],
          reason: Annotated[str, typer.Option("--reason", help="Why it is waived (the appeal's outcome).")],
          by: Annotated[str, typer.Option("--by", help="Who decided.")],
          history: HistoryOpt = None):
    """Waive a recorded finding (申诉): it stays in reports but costs nothing and does not escalate."""
    from .history_cmds import waive_command
    raise typer.Exit(waive_command(fingerprint, reason, by, history or DEFAULT_HISTORY))


@command(name="history")
def history_(person: Annotated[Optional[str], typer.Option("--person", help="A roster id or name.")] = None,
             history: HistoryOpt = None):
    """List recorded audit runs, or one person's record."""
    from .history_cmds import history_command
    raise typer.Exit(history_command(history or DEFAULT_HISTORY, person))


@command
def init(from_: Annotated[str, typer.Option("--from", help="Shipped policy to start from.", show_default=False)],
         company: Annotated[Optional[str], typer.Option(
             "--company", help="The company's name ({company} in group-name templates).")] = None,
         out: Annotated[Path, typer.Option("--out", help="File to write.")] = Path("grpaudit.yaml"),
         force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False):
    """Write a starting policy that extends a shipped rulebook; never overwrites without --force."""
    from .init_cmd import init_command
    raise typer.Exit(init_command(from_, company, out, force, Console(), err))


@command
def tables():
    """Print the normalised tables' columns (Markdown)."""
    Console().print(model.describe(), markup=False, highlight=False)


def version_callback(value: bool):
    if value:
        print(f"grpaudit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True)] = False):
    pass


def main() -> None:
    """Entry point of the ``grpaudit`` script."""
    app()
