"""A run killed mid-write leaves no report under a final name (at most a hidden .tmp file)."""
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd

CHILD = textwrap.dedent("""
    import sys
    from dataclasses import replace
    import pandas as pd
    sys.path.insert(0, sys.argv[2])
    from conftest import audit_demo
    from grpaudit.reports import build, write_all
    res = audit_demo()
    big = pd.concat([res.findings] * 1000, ignore_index=True)      # ~39k findings: seconds of writing
    write_all(build(replace(res, findings=big)), sys.argv[1], formats=("xlsx", "csv"))
""")


def test_killed_run_leaves_no_partial_report(tmp_path):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(out), str(Path(__file__).parent)])
    try:
        deadline = time.monotonic() + 120
        # Kill as soon as the first temporary file exists: the workbook is being written.
        while not (out.exists() and any(p.name.endswith(".tmp") for p in out.iterdir())):
            assert proc.poll() is None, "the writer finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.3)
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # The workbook is written by a forked process beside the CSVs (reports.PARALLEL_ROWS): it must
    # die with the run, not finish the workbook afterwards and move it into place.
    assert workers
    deadline = time.monotonic() + 60
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers), "a worker outlived the run"
    left = [p.name for p in out.iterdir()]
    assert any(n.startswith(".audit-") and n.endswith(".tmp") for n in left), left
    finished = [n for n in left if not n.endswith(".tmp")]
    # what was finished before the kill is whole: a CSV that parses to its last line
    assert all(n.endswith(".csv") for n in finished), finished
    for n in finished:
        assert (out / n).read_bytes().endswith(b"\n")
        pd.read_csv(out / n, encoding="utf-8-sig")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found
