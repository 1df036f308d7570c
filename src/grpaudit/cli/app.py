"""The ``grpaudit`` command line: thin commands over the library.

Exit codes (one place decides them, see ``main``):
0 completed · 1 findings at or above ``--fail-on`` · 2 usage or policy error ·
3 input error (unreadable file, unknown format).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from .. import __version__, model
from ..ingest import READERS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Compliance auditor for work group chats (WeChat, WeCom, QQ, DingTalk).")
err = Console(stderr=True)


class UsageError(Exception):
    """A command-line mistake: exit 2 with the message."""


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


@app.command()
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
        render(doc, Console())
    for f in ds.errors:
        err.print(f"[red]error[/red]: {f.error}", highlight=False)
    raise typer.Exit(EXIT_INPUT if ds.errors else EXIT_OK)


@app.command()
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
    """Entry point: the one place where exceptions become exit codes.

    click itself exits 2 on usage mistakes (unknown option, missing argument).
    """
    from ..ingest import InputError
    try:
        app()
    except UsageError as exc:
        err.print(f"[red]error[/red]: {exc}", highlight=False)
        sys.exit(EXIT_USAGE)
    except InputError as exc:
        err.print(f"[red]error[/red]: {exc}", highlight=False)
        sys.exit(EXIT_INPUT)
