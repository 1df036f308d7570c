"""The whole audit at growing sizes: seconds, messages per second and peak memory per stage.

    .venv/bin/python bench/bench_audit.py                       # 100k, 1M and 5M messages
    .venv/bin/python bench/bench_audit.py --sizes 100000,1000000 --profile 1000000
    .venv/bin/python bench/bench_audit.py --quick               # 20k and 100k, no CLI run

For each size, ``gen_company.py`` writes a month (cached in ``bench/out/
company_<size>_s<seed>/``, rewritten when the generator changes). A fresh
child process then runs the audit stages as ``grpaudit audit`` does — load
(parse), run (rules), settle (penalties, no history), build and write the
reports in every format — timing each and reading the peak resident memory
(VmHWM, reset before each stage through /proc/self/clear_refs so each stage
shows its own peak). In the same run, ``floor.py`` measures the floor on the
same files, the generic CSV reader is compared with ``pandas.read_csv`` of
the same file, and (at 1M, or the size nearest it) the ``grpaudit audit``
command itself is timed, imports and all. Results are printed and written
to ``bench/results.md`` with the machine and its load.

Targets (issue 9): 1M messages in < 15 s, ≤ 3× the floor, < 1.5 GB peak;
5M in < 2 min with time per message ≤ 1.2× that at 1M; the generic CSV read
≤ 2× ``pandas.read_csv``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
RESULTS = HERE / "results.md"
GRPAUDIT = Path(sys.executable).parent / "grpaudit"
GENERATORS = ("gen_company.py", "gen_roster.py", "gen_wechat_csv.py", "gen_wechat_txt.py", "gen_qq_txt.py")
STAGES = ("load", "rules", "penalties", "reports")
ONE_M = 1_000_000

# Runs in a fresh interpreter: the stages as cli/app.py's audit command runs them.
CHILD = r"""
import json, sys, time
from pathlib import Path

def hwm_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

def reset_peak():
    # "5" resets the peak RSS to the current RSS (Linux >= 4.0): each stage reports its own peak.
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass

company, out, profile = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
t0 = time.perf_counter()
from grpaudit import model
from grpaudit.audit import parse_period, run, settle
from grpaudit.dataset import load
from grpaudit.policy import load_policy
from grpaudit.reports import FORMATS, build, write_all
imports = time.perf_counter() - t0
result = {"imports": imports, "import_peak_kb": hwm_kb(), "stages": {}}

def stage(name, fn):
    reset_peak()
    t = time.perf_counter()
    value = fn()
    result["stages"][name] = {"seconds": time.perf_counter() - t, "peak_kb": hwm_kb()}
    return value

prof = None
if profile != "-":
    import cProfile
    prof = cProfile.Profile()
    prof.enable()
policy = company / "policy.yaml"
start, end = parse_period("2026-10")
pol = load_policy(policy)
ds = stage("load", lambda: load([company / "chats"], members=[company / "members.csv"],
                                  roster=[company / "roster.csv"], groups=[company / "groups.csv"],
                                  fmt=None, tz=model.DEFAULT_TZ, me=None, mapping={}))
assert not ds.errors, [f.error for f in ds.errors]
res = stage("rules", lambda: run(ds, pol, start, end))
priced = stage("penalties", lambda: settle(res, None, [Path(f.path) for f in ds.files] + [policy]))
def reports():
    data = build(res, priced, "zh")
    write_all(data, out, list(FORMATS), None)
stage("reports", reports)
if prof is not None:
    prof.disable()
    prof.dump_stats(profile)
result.update(messages=len(ds.messages), events=len(ds.events), findings=len(res.findings),
              skipped=ds.skipped, peak_kb=max(s["peak_kb"] for s in result["stages"].values()))
print(json.dumps(result))
"""

# The generic CSV reader against pandas' own read_csv of the same file, each in a fresh process.
READ_CHILD = r"""
import json, sys, time
how, path = sys.argv[1], sys.argv[2]
if how == "pandas":
    import pandas as pd
    t = time.perf_counter()
    n = len(pd.read_csv(path))
else:
    from grpaudit.ingest import read_file
    t = time.perf_counter()
    n = len(read_file(path, "generic_chat")[2].messages)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": n}))
"""


def generator_hash() -> str:
    h = hashlib.sha256()
    for name in GENERATORS:
        h.update((HERE / name).read_bytes())
    return h.hexdigest()[:16]


def company(size: int, seed: int) -> tuple[Path, dict]:
    """The generated month for ``size`` messages and its manifest, generated now unless cached by the
    same generator."""
    path = OUT / f"company_{size}_s{seed}"
    manifest = path / "manifest.json"
    want = generator_hash()
    if manifest.exists():
        m = json.loads(manifest.read_text("utf-8"))
        if m.get("generator") == want:
            return path, m
    t = time.perf_counter()
    # In a child: this process stays small, so the CLI run's peak (ru_maxrss, which a fork
    # inherits) is the CLI's own and not the generator's.
    subprocess.run([sys.executable, str(HERE / "gen_company.py"), "--messages", str(size), "--seed", str(seed),
                    "--out", str(path)], check=True, cwd=ROOT)
    m = json.loads(manifest.read_text("utf-8"))
    m["generator"] = want
    manifest.write_text(json.dumps(m, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"  generated {m['messages']:,} messages ({m['bytes'] / 1e6:,.0f} MB, {m['employees']:,} employees, "
          f"{m['groups']:,} groups) in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path, m


def _child(*argv: str) -> dict:
    """Run ``python argv…`` in a fresh interpreter and return the JSON it prints."""
    out = subprocess.run([sys.executable, *argv], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise RuntimeError(f"child failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def audit(path: Path, profile: Path | None) -> dict:
    reports = path / "reports"
    return _child("-c", CHILD, str(path), str(reports), str(profile) if profile else "-")


def floor(path: Path) -> dict:
    return _child(str(HERE / "floor.py"), str(path), "--json")


def read_vs_pandas(path: Path) -> dict:
    """The largest generic CSV of the month, read by grpaudit and by pandas.read_csv (best of 2 each)."""
    csv = max((path / "chats").glob("dingtalk_export_*.csv"), key=lambda p: p.stat().st_size)
    best = {}
    for how in ("pandas", "grpaudit"):
        best[how] = min(_child("-c", READ_CHILD, how, str(csv))["seconds"] for _ in range(2))
    return {"file": csv.name, "mb": csv.stat().st_size / 1e6, **best, "ratio": best["grpaudit"] / best["pandas"]}


def cli_run(path: Path, *extra: str, out: str = "reports-cli") -> dict:
    """``grpaudit audit … --no-history --quiet`` as a user runs it: wall time and peak memory (wait4)."""
    cmd = [str(GRPAUDIT), "audit", str(path / "chats"), "--policy", str(path / "policy.yaml"),
           "--members", str(path / "members.csv"), "--roster", str(path / "roster.csv"),
           "--groups", str(path / "groups.csv"), "--period", "2026-10", "--out", str(path / out),
           "--no-history", "--quiet", *extra]
    # stderr to a file, not a pipe: wait4 reads nothing, so a long traceback would fill a pipe and hang here
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            err.seek(0)
            raise RuntimeError(f"grpaudit audit exited {code}:\n{err.read().decode()[-3000:]}")
    return {"seconds": seconds, "peak_kb": usage.ru_maxrss, "exit": code}


def streamed_run(path: Path, in_memory: dict) -> dict:
    """The CLI with ``--memory`` at half the in-memory audit's peak, so it must stream: wall time, peak,
    the parts it made, and whether its findings are the in-memory run's."""
    budget_mb = int(in_memory["peak_kb"] / 1024 / 2)
    run = cli_run(path, "--memory", f"{budget_mb}M", out="reports-streamed")
    quality = json.loads((path / "reports-streamed" / "summary.json").read_text("utf-8"))["data_quality"]
    parts = next((m.group(1) for m in (re.search(r"audited in (\d+) part", json.dumps(q, ensure_ascii=False))
                                       for q in quality) if m), "?")
    same = ((path / "reports" / "findings-2026-10.csv").read_bytes()
            == (path / "reports-streamed" / "findings-2026-10.csv").read_bytes())
    return dict(run, budget_mb=budget_mb, parts=parts, same=same)


def machine() -> dict:
    import pandas
    import pyarrow
    mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": mem / 2**20, "python": platform.python_version(),
            "pandas": pandas.__version__, "pyarrow": pyarrow.__version__, "kernel": platform.release()}


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- report --------------------------------------------------------------------------

def _mb(kb: int) -> str:
    return f"{kb / 1024:,.0f}"


def render(runs: dict[int, dict], info: dict, load_start: str, load_end: str, reading: dict | None,
           cli: dict | None, elapsed: float, streamed: dict | None = None) -> str:
    lines = [f"# Benchmark: the whole audit at {', '.join(f'{n:,}' for n in runs)} messages", "",
             f"Written by `bench/bench_audit.py` on {dt.datetime.now():%Y-%m-%d %H:%M}. Machine: {info['cpus']} cores "
             f"({info['cpu']}), {info['memory_gib']:.1f} GiB, Linux {info['kernel']}; Python {info['python']}, "
             f"pandas {info['pandas']}, pyarrow {info['pyarrow']}. Load average (1, 5, 15 min) at start "
             f"{load_start}, at end {load_end}; the machine is shared, so times vary ±50% between runs — "
             f"compare the ratios. The whole benchmark took {elapsed / 60:.1f} min.", "",
             "Each size is a generated month (`bench/gen_company.py`): a company of one employee per 250 "
             "messages, most messages in WeCom archive JSONL and DingTalk CSV, some WeChat CSV/TXT and QQ; "
             "policy `wechat-dingtalk` with the company's facts; every report format. Each audit runs in a "
             "fresh process; peak memory is the stage's own peak (VmHWM, reset before each stage).", ""]
    head = "| stage | " + " | ".join(f"{n:,}: s | msg/s | peak MB" for n in runs) + " |"
    lines += [head, "|---|" + "---:|---:|---:|" * len(runs)]
    for st in STAGES + ("total",):
        cells = []
        for n, r in runs.items():
            a = r["audit"]
            if st == "total":
                s, peak = a["total"], a["peak_kb"]
            else:
                s, peak = a["stages"][st]["seconds"], a["stages"][st]["peak_kb"]
            cells.append(f"{s:,.2f} | {a['messages'] / s:,.0f} | {_mb(peak)}")
        lines.append(f"| {'**total**' if st == 'total' else st} | " + " | ".join(cells) + " |")
    lines += ["", "| size | messages | employees | groups | MB of exports | findings | imports s | floor s | "
              "audit ÷ floor | µs per message |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, r in runs.items():
        a, f, m = r["audit"], r["floor"], r["manifest"]
        lines.append(f"| {n:,} | {a['messages']:,} | {m['employees']:,} | {m['groups']:,} | {m['bytes'] / 1e6:,.0f} | "
                     f"{a['findings']:,} | {a['imports']:.2f} | {f['seconds']:.2f} | {a['total'] / f['seconds']:.1f} | "
                     f"{a['total'] / a['messages'] * 1e6:.1f} |")
    sizes = list(runs)
    lines += ["", "Growth of time per message between sizes (1.0 = linear):", ""]
    for a, b in zip(sizes, sizes[1:]):
        ra, rb = runs[a]["audit"], runs[b]["audit"]
        per = {st: (rb["stages"][st]["seconds"] / rb["messages"]) / (ra["stages"][st]["seconds"] / ra["messages"])
               for st in STAGES}
        total = (rb["total"] / rb["messages"]) / (ra["total"] / ra["messages"])
        lines.append(f"- {b:,} vs {a:,}: total **{total:.2f}×** (" +
                     ", ".join(f"{st} {v:.2f}×" for st, v in per.items()) + ")")
    lines += ["", "Floor stages (`bench/floor.py`): " + "; ".join(
        f"{n:,}: " + ", ".join(f"{k} {v:.2f} s" for k, v in runs[n]["floor"]["stages"].items()) for n in sizes)]
    if reading:
        lines += ["", f"Generic CSV read ({reading['file']}, {reading['mb']:,.0f} MB, best of 2, fresh processes): "
                      f"grpaudit {reading['grpaudit']:.2f} s, `pandas.read_csv` {reading['pandas']:.2f} s — "
                      f"**{reading['ratio']:.2f}×**."]
    if cli:
        lines += ["", f"`grpaudit audit … --no-history --quiet` at {cli['size']:,} messages (imports, CLI path, "
                      f"every report): **{cli['seconds']:.1f} s**, peak {_mb(cli['peak_kb'])} MB (exit {cli['exit']})."]
    if streamed:
        lines += ["", f"Streamed (`--memory {streamed['budget_mb']}M`, half the in-memory peak) at "
                      f"{streamed['size']:,} messages: **{streamed['seconds']:.1f} s**, "
                      f"peak {_mb(streamed['peak_kb'])} MB, "
                      f"{streamed['parts']} parts, findings {'identical to' if streamed['same'] else 'DIFFERENT from'} "
                      f"the in-memory run's (exit {streamed['exit']})."]
    lines += ["", "## Targets", ""] + [f"- {'PASS' if ok else 'FAIL'}: {what}"
                                       for ok, what in targets(runs, reading, cli, streamed)]
    return "\n".join(lines) + "\n"


def targets(runs: dict[int, dict], reading: dict | None, cli: dict | None,
            streamed: dict | None = None) -> list[tuple[bool, str]]:
    out = []
    if ONE_M in runs:
        a, f = runs[ONE_M]["audit"], runs[ONE_M]["floor"]
        out.append((a["total"] < 15, f"1M messages end to end in < 15 s: {a['total']:.1f} s"))
        out.append((a["total"] <= 3 * f["seconds"], f"1M ≤ 3× the floor of the same run: {a['total'] / f['seconds']:.1f}× "
                                                     f"(floor {f['seconds']:.2f} s)"))
        out.append((a["peak_kb"] < 1.5 * 2**20, f"1M peak memory < 1.5 GB: {_mb(a['peak_kb'])} MB"))
    if 5 * ONE_M in runs:
        a = runs[5 * ONE_M]["audit"]
        out.append((a["total"] < 120, f"5M messages in < 2 min: {a['total']:.1f} s"))
        if ONE_M in runs:
            b = runs[ONE_M]["audit"]
            g = (a["total"] / a["messages"]) / (b["total"] / b["messages"])
            out.append((g <= 1.2, f"time per message at 5M ≤ 1.2× that at 1M: {g:.2f}×"))
    if reading:
        out.append((reading["ratio"] <= 2, f"generic CSV read ≤ 2× pandas.read_csv: {reading['ratio']:.2f}×"))
    if cli and cli["size"] == ONE_M:
        out.append((cli["seconds"] < 15, f"`grpaudit audit` CLI at 1M (imports included) < 15 s: {cli['seconds']:.1f} s"))
    if streamed:
        out.append((streamed["same"] and streamed["peak_kb"] <= streamed["budget_mb"] * 1024,
                    f"streamed audit within --memory {streamed['budget_mb']}M at {streamed['size']:,} messages, same "
                    f"findings: peak {_mb(streamed['peak_kb'])} MB"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000,5000000", help="message counts, comma-separated")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="20k and 100k messages, no CLI run")
    ap.add_argument("--profile", type=int, metavar="SIZE", help="cProfile the audit at this size "
                                                                "(bench/out/profile_<SIZE>.pstats)")
    ap.add_argument("--no-cli", action="store_true", help="skip the grpaudit CLI run")
    ap.add_argument("--results", type=Path, default=RESULTS, help="where to write the Markdown results")
    args = ap.parse_args()
    sizes = [20_000, 100_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    OUT.mkdir(exist_ok=True)
    t_all = time.perf_counter()
    info, load_start = machine(), load_avg()
    print(f"load average {load_start}; {info['cpus']} cores, {info['memory_gib']:.1f} GiB", file=sys.stderr)
    runs: dict[int, dict] = {}
    for n in sizes:
        print(f"{n:,} messages", file=sys.stderr)
        path, manifest = company(n, args.seed)
        prof = OUT / f"profile_{n}.pstats" if args.profile == n else None
        a = audit(path, prof)
        a["total"] = sum(s["seconds"] for s in a["stages"].values())
        f = floor(path)
        runs[n] = {"audit": a, "floor": f, "manifest": manifest}
        st = "  ".join(f"{k} {v['seconds']:.2f} s/{_mb(v['peak_kb'])} MB" for k, v in a["stages"].items())
        print(f"  audit {a['total']:.2f} s ({st}); floor {f['seconds']:.2f} s; "
              f"ratio {a['total'] / f['seconds']:.1f}; load {load_avg()}", file=sys.stderr)
    biggest_csv = max(sizes, key=lambda n: (n <= ONE_M, n))
    reading = read_vs_pandas(OUT / f"company_{biggest_csv}_s{args.seed}")
    cli = streamed = None
    if not (args.quick or args.no_cli):
        size = min(sizes, key=lambda n: abs(n - ONE_M))
        cli = dict(cli_run(OUT / f"company_{size}_s{args.seed}"), size=size)
        size = max(sizes)
        print(f"streamed CLI run at {size:,}", file=sys.stderr)
        streamed = dict(streamed_run(OUT / f"company_{size}_s{args.seed}", runs[size]["audit"]), size=size)
    text = render(runs, info, load_start, load_avg(), reading, cli, time.perf_counter() - t_all, streamed)
    args.results.write_text(text, encoding="utf-8")
    print(text)
    if args.profile in runs:
        import pstats
        print(f"profile of the audit at {args.profile:,} (top 40 by cumulative time):")
        pstats.Stats(str(OUT / f"profile_{args.profile}.pstats")).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
