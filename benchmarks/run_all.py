"""Run every benchmark, one after the other, and print one table.

    .venv/bin/pip install -e '.[bench]'      # adds aviconv-notam for the parse comparison
    .venv/bin/python benchmarks/run_all.py   # about 5 minutes on 2 cores

With ``--compiled PYTHON`` (the Python of a venv where ``NOTAM_LOG_MYPYC=1 pip install
'.[bench]'`` installed the core compiled with mypyc), bench_parse.py runs a second time
with that Python, and the table has its rows too, marked ``[compiled]``.

Each script still prints its own detailed table on stderr-free stdout as it runs; the
summary at the end has one row per headline figure with its target.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_parse.py", "bench_log.py", "bench_poll.py", "bench_watch.py", "bench_digest.py"]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()};"
        f" Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument(
        "--compiled",
        metavar="PYTHON",
        help="also run bench_parse.py with this Python (a venv with the mypyc build)",
    )
    args = ap.parse_args(argv)
    runs = [(sys.executable, script) for script in SCRIPTS]
    if args.compiled:
        runs.insert(1, (args.compiled, "bench_parse.py"))
    with tempfile.TemporaryDirectory() as tmp:
        summary = Path(tmp) / "summary.jsonl"
        env = {**os.environ, "NOTAM_LOG_BENCH_SUMMARY": str(summary)}
        failed = []
        for python, script in runs:
            print(f"\n=== {script} ({python})", flush=True)
            code = subprocess.run([python, str(HERE / script)], env=env).returncode
            if code:
                failed.append(f"{script} ({python})")
        rows = (
            [json.loads(line) for line in summary.read_text().splitlines()]
            if summary.exists()
            else []
        )
    print(f"\nMeasured on: {machine()}\n")
    width = max([len(r["name"]) for r in rows] + [9])
    print(f"| {'benchmark':<{width}} | result | target | met |")
    print(f"|{'-' * (width + 2)}|---|---|---|")
    for r in rows:
        met = {True: "yes", False: "**no**", None: ""}[r["ok"]]
        print(f"| {r['name']:<{width}} | {r['result']} | {r['target']} | {met} |")
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
