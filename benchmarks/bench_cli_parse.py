"""``notam-log parse --json`` as a whole process against aviconv-notam 0.3.0, same texts.

Run by hand::

    .venv/bin/python benchmarks/bench_cli_parse.py [--count 60000] [--repeats 5] [--compiled]

The input: the ICAO texts (``raw``) of every NOTAM of the 77 hourly bulletins of
``tests/data/nats-pib/heathrow-2025-03/`` in file order, cut to ``--count`` texts,
written one per blank-line-separated block to a temporary file (about 16 MB for
60,000). Both sides run as separate processes, interleaved (ours, peer, ours, peer...)
so that the load of a shared machine falls on both alike; the median wall time of the
repeats is reported, with the median CPU time (user + system) of each process, which
the load of other processes moves less than the wall time, and the load average before
and after (a load above the 2 cores means the figures are slowed, both sides alike).

Both start cold: a fresh process each time, no memo of a run before. The Python
bytecode of notam-log is compiled first (``compileall``, what ``pip install`` does for
a regular install; aviconv-notam's was compiled when pip installed it), so that neither
side compiles its sources in the timed runs (an editable install with
``PYTHONDONTWRITEBYTECODE`` set would recompile notam-log's at every start).

What the figures leave out: they include start-up (imports), reading and splitting the
file, parsing, and for notam-log writing the JSON (to /dev/null); the peer writes
nothing. The input repeats its NOTAMs (hourly bulletins: 1,065 distinct texts among
60,000); notam-log's memos of item D readings and windows, Q-codes and words, kept
within one process, meet them again, as they would reading an archive; aviconv keeps
no memo. Records themselves are never reused: every text is read again.

* ours: ``python -m notam_log parse --json FILE > /dev/null`` (every record with every
  field, item D windows included, one JSON line each);
* peer: a script that reads the same file, cuts it at blank lines and calls
  ``aviconv_notam.parser.parse`` on each block (without its enclosing parentheses,
  which aviconv does not accept), writing nothing (texts it cannot read are counted
  and skipped; the count goes to stderr).

``--compiled`` builds the mypyc-compiled core (the modules of ``[tool.notam-log]
compiled``, as tests/test_compiled.py does) into a temporary copy and adds that run,
interleaved with the others, to the same table.

The processes run in the temporary folder, so that the notam-log imported is the
installed one (``--python``'s) or, for ``--compiled``, the compiled copy.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIB_DIR = ROOT / "tests" / "data" / "nats-pib" / "heathrow-2025-03"

PEER = """
import sys
from aviconv_notam.parser import parse
ok = bad = 0
for block in open(sys.argv[1], encoding="utf-8").read().split("\\n\\n"):
    block = block.strip()
    if block.startswith("(") and block.endswith(")"):
        block = block[1:-1]  # aviconv reads the text inside the parentheses
    if block:
        try:
            parse(block)
            ok += 1
        except Exception:
            bad += 1
print(ok, bad, file=sys.stderr)
"""


def build_input(count: int, path: Path) -> int:
    """Write ``count`` NOTAM texts of the shared bulletins, blank-line separated."""
    from notam_log.core.parse.pib import parse_pib

    texts: list[str] = []
    for f in sorted(PIB_DIR.glob("*.xml.gz")):
        texts.extend(n.raw.strip() for n in parse_pib(gzip.decompress(f.read_bytes())).notams)
        if len(texts) >= count:
            break
    texts = texts[:count]
    path.write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    return len(texts)


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one run of ``cmd``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{cmd[:4]} failed with exit code {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def compiled_copy(where: Path, python: str) -> Path:
    """A copy of the package whose core modules are mypyc extensions (setup.py's list)."""
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    modules = conf["tool"]["notam-log"]["compiled"]
    shutil.copytree(
        ROOT / "notam_log",
        where / "notam_log",
        ignore=shutil.ignore_patterns("*.so", "__pycache__"),
    )
    (where / "mypy.ini").write_text(
        "[mypy]\nstrict = True\n\n"
        "[mypy-sqlite_utils.*,apscheduler.*,airportsdata.*,aiosmtpd.*]\n"
        "ignore_missing_imports = True\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(where)}
    subprocess.run(
        [python, "-m", "mypyc", *modules], cwd=where, env=env, check=True, capture_output=True
    )
    return where


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=60000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--python", default=sys.executable, help="the Python running notam-log")
    ap.add_argument("--compiled", action="store_true", help="also the mypyc-compiled core")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "notams.txt"
        n = build_input(args.count, src)
        distinct = len(set(src.read_text(encoding="utf-8").split("\n\n")))
        peer = Path(tmp) / "peer.py"
        peer.write_text(PEER)
        subprocess.run(
            [
                args.python,
                "-c",
                "import compileall, notam_log, os;"
                " compileall.compile_dir(os.path.dirname(notam_log.__file__), quiet=1)",
            ],
            check=True,
            cwd=tmp,
        )
        env = dict(os.environ)
        runs: dict[str, tuple[list[str], dict[str, str]]] = {
            "notam-log parse --json": (
                [args.python, "-m", "notam_log", "parse", "--json", str(src)],
                env,
            ),
            "aviconv-notam 0.3.0": ([sys.executable, str(peer), str(src)], env),
        }
        if args.compiled:
            where = compiled_copy(Path(tmp) / "compiled", args.python)
            subprocess.run([args.python, "-m", "compileall", "-q", str(where)], check=True)
            runs["notam-log parse --json [compiled]"] = (
                runs["notam-log parse --json"][0],
                {**os.environ, "PYTHONPATH": str(where)},
            )
        load_before = os.getloadavg()
        wall: dict[str, list[float]] = {name: [] for name in runs}
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.repeats):
            for name, (cmd, run_env) in runs.items():
                w, c = timed(cmd, run_env, Path(tmp))
                wall[name].append(w)
                cpu[name].append(c)
        load_after = os.getloadavg()
        print(
            f"{n} texts ({distinct} distinct), {src.stat().st_size / 1e6:.1f} MB; median of"
            f" {args.repeats}, interleaved; load average {load_before[0]:.1f} before,"
            f" {load_after[0]:.1f} after (2 cores)"
        )
        peer_name = "aviconv-notam 0.3.0"
        pw, pc = statistics.median(wall[peer_name]), statistics.median(cpu[peer_name])
        for name in runs:
            mw, mc = statistics.median(wall[name]), statistics.median(cpu[name])
            ratio = "" if name == peer_name else f"  {pw / mw:.2f}x wall, {pc / mc:.2f}x CPU"
            print(
                f"{name:<34}: {mw:6.2f} s wall ({n / mw:6.0f} NOTAMs/s), {mc:6.2f} s CPU{ratio}"
                f"  walls {[round(x, 2) for x in wall[name]]}"
            )


if __name__ == "__main__":
    main()
