"""Byte-for-byte parity of what notam-log reads and records, between a commit and the
working tree (run by hand, after a change meant to alter speed and nothing else):

    .venv/bin/python benchmarks/parity.py BASE [--count 60000]

BASE (a commit, e.g. ``main~3``) is checked out into a temporary git worktree; both
trees' code then runs with this venv's Python (``PYTHONPATH`` set to the tree) and
writes, each into its own folder:

* ``parse --json`` of 60,000 NOTAM texts of the shared bulletins (``bench_cli_parse``'s
  input) and of every file under ``tests/data``;
* ``tests/parity_dump.py`` (the record dump ``tests/test_compiled.py`` compares): every
  corpus text whole, lower-cased and cut short, through its own parser and through
  ``parse_text``, and the shared bulletins read in turn (a record reused from the hour
  before is named, not dumped again: a change to that reuse shows here too);
* the replay of the 77 Heathrow bulletins into a fresh database: its summary line, every
  event as JSON (``events --json``), the EGLL timeline and the digest of 21 March (JSON).

The outputs are compared byte for byte, with the clock times of a run (``2026-...Z``
written as "now") masked; each line of the table says ``identical``,
``identical but the clock`` or ``DIFFERS`` with the first differing line. Exit 1 if
any differs. Nothing here is a test: it reads the whole of both trees' outputs
(a minute or two).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
HEATHROW = DATA / "nats-pib" / "heathrow-2025-03"
DUMP = ROOT / "tests" / "parity_dump.py"
#: A clock time of the run itself (this year or later), as every output writes it.
CLOCK = re.compile(rb"20[2-9][6-9]-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def outputs(tree: Path, out: Path, texts: Path) -> None:
    """Write the compared outputs of the code in ``tree`` into ``out``."""
    out.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(tree), "NOTAM_LOG_CONFIG": os.devnull}

    def run(name: str, *args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "notam_log", *args],
            env=env,
            cwd=out,
            capture_output=True,
            check=False,
        )
        (out / name).write_bytes(done.stdout + done.stderr)

    which = subprocess.run(
        [sys.executable, "-c", "import notam_log; print(notam_log.__file__)"],
        env=env,
        cwd=out,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if not which.startswith(str(tree)):
        raise SystemExit(f"{tree}: notam_log was imported from {which.strip()}")
    run("parse-texts.jsonl", "parse", "--json", str(texts))
    # every corpus text (whole, lower-cased, cut short) through its parser and
    # parse_text, and the bulletins in order: the record dump tests/test_compiled.py
    # compares, this tree's script run on each tree's code
    subprocess.run([sys.executable, str(DUMP), str(out / "records.dump")], env=env, check=True)
    for i, path in enumerate(sorted(p for p in DATA.rglob("*") if p.is_file())):
        if path.suffix in {".gz", ".xml", ".html", ".txt", ".json", ".jsonl"}:
            run(f"file-{i:03d}-{path.name}.out", "parse", "--json", str(path))
    db = str(out / "replay.db")
    run("replay.txt", "--db", db, "replay", "--source", "nats-uk", str(HEATHROW))
    run("events.jsonl", "--db", db, "events", "--json")
    run("timeline-EGLL.json", "--db", db, "timeline", "EGLL", "--json")
    run("digest-2025-03-21.json", "--db", db, "digest", "--date", "2025-03-21", "--format", "json")


def compare(base: Path, new: Path) -> bool:
    same = True
    names = sorted({p.name for p in base.iterdir()} | {p.name for p in new.iterdir()})
    for name in names:
        if name.endswith((".db", "-wal", "-shm")):
            continue
        a = (base / name).read_bytes() if (base / name).exists() else None
        b = (new / name).read_bytes() if (new / name).exists() else None
        if a == b:
            print(f"{name:40} identical")
        elif a is not None and b is not None and CLOCK.sub(b"NOW", a) == CLOCK.sub(b"NOW", b):
            print(f"{name:40} identical but the clock")
        else:
            same = False
            first = next(
                (
                    (x, y)
                    for x, y in zip((a or b"").splitlines(), (b or b"").splitlines(), strict=False)
                    if x != y
                ),
                (b"(missing or shorter)", b""),
            )
            print(f"{name:40} DIFFERS: {first[0][:200]!r} / {first[1][:200]!r}")
    return same


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("base", help="the commit to compare the working tree with")
    ap.add_argument("--count", type=int, default=60000, help="NOTAM texts parsed")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_cli_parse import build_input

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        texts = work / "texts.txt"
        build_input(args.count, texts)
        tree = work / "base-tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), args.base],
            check=True,
        )
        try:
            outputs(tree, work / "base", texts)
            outputs(ROOT, work / "new", texts)
            same = compare(work / "base", work / "new")
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
            )
    print("parity: identical" if same else "parity: DIFFERS")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
