"""Reader throughput and peak memory, one fresh process per format.

    python bench/bench_readers.py [--n 1000000] [--formats wechat_csv,qq_txt]

For each format, ``bench/gen_<format>.py`` writes a realistic export of N
messages into ``bench/out/``; a child process then reads it with grpaudit's
reader and reports seconds, messages per second and peak RSS. Peak memory is
measured in a fresh process so one format's allocations do not hide another's.
Targets (issue 3): ≥ 1,000,000 msg/s for CSV and JSON, ≥ 300,000 for text,
under 1 KB of peak memory per message.
"""
from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
FORMATS = {  # format -> (file suffix, target msg/s)
    "wechat_csv": (".csv", 1_000_000),
    "generic_chat": (".csv", 1_000_000),
    "wecom_archive": (".jsonl", 1_000_000),
    "wechat_txt": (".txt", 300_000),
    "qq_txt": (".txt", 300_000),
}

# Peak memory is VmHWM from /proc: ru_maxrss survives fork+exec on Linux and
# would report the parent's peak (the generator's) instead of the reader's.
CHILD = r"""
import json, sys, time
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
from grpaudit.ingest import read_file
base = hwm()
t0 = time.perf_counter()
src, reader, res = read_file(sys.argv[1], sys.argv[2])
dt = time.perf_counter() - t0
n = len(res.messages) if res.messages is not None else 0
print(json.dumps({"seconds": dt, "messages": n, "skipped": len(res.skipped), "peak_kb": hwm(), "base_kb": base}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--formats", default=",".join(FORMATS))
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    OUT.mkdir(exist_ok=True)
    rows = []
    for fmt in args.formats.split(","):
        suffix, target = FORMATS[fmt]
        path = OUT / f"{fmt}_{args.n}{suffix}"
        if not path.exists():
            t0 = time.perf_counter()
            path.write_bytes(importlib.import_module(f"gen_{fmt}").generate(args.n))
            print(f"generated {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s",
                  file=sys.stderr)
        out = subprocess.run([sys.executable, "-c", CHILD, str(path), fmt], capture_output=True, text=True)
        if out.returncode:
            print(f"{fmt}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
            continue
        r = json.loads(out.stdout)
        rate = r["messages"] / r["seconds"] if r["seconds"] else 0
        per_msg = (r["peak_kb"] - r["base_kb"]) * 1024 / max(1, r["messages"])
        rows.append((fmt, r["messages"], r["seconds"], rate, target, r["peak_kb"] / 1024, per_msg))
    print(f"{'format':<14} {'messages':>10} {'seconds':>8} {'msg/s':>11} {'target':>10} {'peak MB':>8} {'B/msg':>7}")
    for fmt, n, s, rate, target, peak, per in rows:
        flag = "" if rate >= target and per < 1024 else "  <- below target"
        print(f"{fmt:<14} {n:>10,} {s:>8.2f} {rate:>11,.0f} {target:>10,} {peak:>8.0f} {per:>7.0f}{flag}")


if __name__ == "__main__":
    main()
