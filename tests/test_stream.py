"""Streamed audits (``--memory``): inputs read part by part give the in-memory audit's result.

Runs are compared with the in-memory run of the same inputs, never with fixed
findings: the demo data changes as the demo company grows.
"""
import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from typer.testing import CliRunner

from grpaudit import stream
from grpaudit.audit import run
from grpaudit.cli.app import app
from grpaudit.dataset import Dataset, load
from grpaudit.policy import load_policy

from .conftest import every_rule_policy

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "sample_exports"
FROZEN = ROOT / "tests" / "data" / "demo_month"
OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def _inputs(base: Path) -> dict:
    return dict(members=[base / "members.csv"], roster=[base / "roster.csv"], groups=[base / "groups.csv"])


def _same(chats: list[Path], inputs: dict, policy, budget: int, jobs: int = 1) -> tuple[int, stream.Index, Dataset]:
    """Audit in memory and streamed; assert the results agree; return the number of parts the streamed
    audit made, its index and the in-memory dataset."""
    ds = load(chats, **inputs)
    whole = run(ds, policy, *OCT)
    idx = stream.index(chats, budget=budget, **inputs)
    streamed = stream.run(idx, policy, *OCT, budget, jobs=jobs)
    assert len(whole.findings) > 0
    assert_frame_equal(whole.findings, streamed.findings)
    assert_frame_equal(whole.reply_record, streamed.reply_record)
    assert (whole.messages, whole.chat_groups) == (streamed.messages, streamed.chat_groups)
    for table in ("events", "members", "roster", "groups", "identities"):
        assert_frame_equal(getattr(ds, table), getattr(streamed.dataset, table), obj=table)
    assert ds.duplicates == streamed.dataset.duplicates
    assert [_report(f) for f in ds.files] == [_report(f) for f in streamed.dataset.files]
    assert ds.notes == streamed.dataset.notes
    assert set(whole.warnings) <= set(streamed.warnings)
    extra = [w for w in streamed.warnings if w not in whole.warnings]
    parts = re.search(r"in (\d+) part\(s\) of whole groups", extra[0])
    assert parts, extra
    # every file read whole is over a tiny budget, and each is named once
    assert all("reading this file whole takes about" in w for w in extra[1:])
    read_whole = {f for f in set(idx.senders["_file"]) if idx.dataset.files[f].pieces == 1}
    assert len(extra) - 1 == (len(read_whole) if budget < 1000 else 0)
    return int(parts.group(1)), idx, ds


def _report(f) -> tuple:
    """What a file's report says, but how many reads it took."""
    return (f.path, f.role, f.format, f.encoding, f.messages, f.events, f.members, f.roster, f.groups,
            [(s.line, s.reason, s.level) for s in f.skipped], [(s.line, s.reason, s.level) for s in f.warnings],
            f.first, f.last, f.error)


def test_archives_read_a_few_lines_at_a_time_find_what_memory_finds(tmp_path, monkeypatch):
    # pieces of 2,000 bytes: the demo's JSON Lines archive is read in a dozen runs of lines,
    # in the index pass and again in every part
    monkeypatch.setattr(stream, "_MIN_PIECE", 2000)
    policy = load_policy(every_rule_policy(tmp_path, DEMO / "policy.yaml"))
    _, idx, _ = _same([DEMO / "chats"], _inputs(DEMO), policy, budget=1)
    pieces = {Path(f.path).name: f.pieces for f in idx.dataset.files}
    assert pieces["wecom_archive_2026-10.jsonl"] > 5
    assert pieces["wecom_archive_2026-10_part1.json"] == 1          # a JSON array is read whole
    assert all(n == 1 for name, n in pieces.items() if not name.endswith(".jsonl"))


@pytest.mark.parametrize("base", [DEMO, FROZEN], ids=["demo", "frozen-demo-month"])
def test_one_group_per_part_finds_what_memory_finds(tmp_path, base):
    # a budget of one byte puts every group in a part of its own: the hardest split there is
    policy = load_policy(every_rule_policy(tmp_path, base / "policy.yaml"))
    parts, _, ds = _same([base / "chats"], _inputs(base), policy, budget=1)
    assert parts == ds.messages["group_id"].nunique()


def test_real_shaped_samples_streamed(samples):
    """Every format of the shared samples at once: WeChat TXT groups named by file, QQ, WeCom, DingTalk."""
    chats = [p for p in sorted(samples.iterdir())
             if p.is_file() and not p.name.startswith(("roster", "members", "groups", "README"))]
    inputs = dict(members=[samples / "members.csv"], roster=[samples / "roster.csv"],
                  groups=[samples / "groups.csv"])
    assert _same(chats, inputs, load_policy(ROOT / "policies" / "default.yaml"), budget=1)[0] > 1


def test_parts_fork_jobs_alike(tmp_path):
    # each part's rules in two forked processes (partition.run), against the in-memory audit
    policy = load_policy(every_rule_policy(tmp_path, DEMO / "policy.yaml"))
    assert _same([DEMO / "chats"], _inputs(DEMO), policy, budget=200_000, jobs=2)[0] > 1


def test_plan_packs_whole_groups_within_the_budget():
    idx = stream.index([DEMO / "chats"], **_inputs(DEMO))
    size = idx.senders.groupby("group_id")["bytes"].sum()
    assert stream.plan(idx, 10 ** 12) == [set(size.index)]
    budget = int(size.max() * stream.WORK_PER_BYTE)           # the largest group just fits
    parts = stream.plan(idx, budget)
    assert 1 < len(parts) < len(size)
    assert sorted(g for p in parts for g in p) == sorted(size.index)          # every group once
    assert all(size[list(p)].sum() <= budget / stream.WORK_PER_BYTE for p in parts)
    small = stream.plan(idx, budget // 2)       # the largest group alone is over: a part of its own
    assert {size.idxmax()} in small


def test_a_part_reads_only_the_files_holding_its_groups(monkeypatch):
    idx = stream.index([FROZEN / "chats"], **_inputs(FROZEN))
    files_of = idx.senders.groupby("group_id")["_file"].agg(set)
    groups_of = idx.senders.groupby("_file")["group_id"].agg(set)
    group, lone = next((g, min(fs)) for g, fs in files_of.items() if len(fs) == 1 and groups_of[min(fs)] == {g})
    opened = []
    real = stream.read_pieces
    monkeypatch.setattr(stream, "read_pieces", lambda path, *a, **k: opened.append(Path(path)) or real(path, *a, **k))
    msgs, _ = stream.read_part(idx, {group})
    assert opened == [idx.jobs[lone][0]]
    assert set(msgs["group_id"]) == {group} and len(msgs) > 0
    assert msgs["person_id"].notna().any()


def test_needs_streaming_from_file_sizes(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"x" * 1000)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_bytes(b"x" * 1000)
    assert stream.needs_streaming([tmp_path], 2000 * stream.MEMORY_PER_FILE_BYTE - 1)
    assert not stream.needs_streaming([tmp_path], 2000 * stream.MEMORY_PER_FILE_BYTE)


def test_available_memory_sees_a_container_limit(tmp_path, monkeypatch):
    gib = 1024 ** 3
    monkeypatch.setattr(stream, "_proc", lambda path, field: 8 * gib)        # the host's MemAvailable
    monkeypatch.setattr(stream, "CGROUP", tmp_path)
    (tmp_path / "memory.max").write_text("max\n")             # no limit: the system's figure
    (tmp_path / "memory.current").write_text("1000\n")
    assert stream.available_memory() == 8 * gib
    (tmp_path / "memory.max").write_text(f"{3 * gib}\n")      # a limit leaving less room wins
    (tmp_path / "memory.current").write_text(f"{1 * gib}\n")
    assert stream.available_memory() == 2 * gib
    (tmp_path / "memory.max").write_text(f"{64 * gib}\n")     # one leaving more does not
    assert stream.available_memory() == 8 * gib


@pytest.mark.parametrize("text, size", [("2G", 2 * 1024 ** 3), ("1.5GB", int(1.5 * 1024 ** 3)),
                                        ("800m", 800 * 1024 ** 2), ("512MiB", 512 * 1024 ** 2), ("100K", 102400),
                                        ("4096", 4096)])
def test_parse_size(text, size):
    assert stream.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "2 gigs", "-1G", "1e9"])
def test_parse_size_refuses(text):
    with pytest.raises(ValueError, match="expected a size"):
        stream.parse_size(text)


def _cli(tmp_path: Path, out: str, *extra: str):
    return CliRunner().invoke(app, [
        "audit", str(FROZEN / "chats"), "--policy", str(FROZEN / "policy.yaml"),
        "--members", str(FROZEN / "members.csv"), "--roster", str(FROZEN / "roster.csv"),
        "--groups", str(FROZEN / "groups.csv"), "--period", "2026-10", "--out", str(tmp_path / out),
        "--no-history", "--quiet", *extra])


def test_cli_memory_streams_and_reports_alike(tmp_path):
    whole = _cli(tmp_path, "whole")
    parts = _cli(tmp_path, "parts", "--memory", "100K")
    assert whole.exit_code == parts.exit_code == 0, parts.output
    for name in ("findings", "charges", "people", "groups", "departments", "summary"):
        a = (tmp_path / "whole" / f"{name}-2026-10.csv").read_bytes()
        assert a == (tmp_path / "parts" / f"{name}-2026-10.csv").read_bytes(), name
    quality = pd.read_csv(tmp_path / "parts" / "data-quality-2026-10.csv", encoding="utf-8-sig").astype(str)
    assert quality.apply(lambda col: col.str.contains("part(s) of whole groups", regex=False)).any().any()


def test_cli_memory_refuses_nonsense(tmp_path):
    res = _cli(tmp_path, "x", "--memory", "lots")
    assert res.exit_code == 2 and "--memory" in res.output


def test_an_export_changed_between_the_passes_stops_the_audit_naming_it(tmp_path):
    import os
    import shutil

    from grpaudit.ingest import InputError
    chats = tmp_path / "chats"
    shutil.copytree(DEMO / "chats", chats)
    policy = load_policy(DEMO / "policy.yaml")
    idx = stream.index([chats], **_inputs(DEMO))
    # still being copied in: a line more, and a later modification time
    changed = sorted(chats.glob("*.csv"))[0]
    with open(changed, "a", encoding="utf-8") as f:
        f.write("\n")
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 1_000_000_000))
    with pytest.raises(InputError, match="changed while the audit read it in parts") as e:
        stream.run(idx, policy, *OCT, budget=10 ** 12)          # one part: the first read finds it
    assert e.value.path == str(changed)
