"""``notam-log parse --json`` as a whole process against aviconv-notam 0.3.0, same texts.

Run by hand::

    .venv/bin/python benchmarks/bench_cli_parse.py [--count 60000] [--repeats 3]

The input: the ICAO texts (``raw``) of every NOTAM of the 77 hourly bulletins of
``tests/data/nats-pib/heathrow-2025-03/`` in file order, cut to ``--count`` texts,
written one per blank-line-separated block to a temporary file (about 16 MB for
60,000). Both sides run as separate processes, interleaved (ours, peer, ours, peer...)
so that the load of a shared machine falls on both alike; the median wall time of the
repeats is reported.

* ours: ``python -m notam_log parse --json FILE > /dev/null`` (every record with every
  field, item D windows included, one JSON line each);
* peer: a script that reads the same file, cuts it at blank lines and calls
  ``aviconv_notam.parser.parse`` on each block (without its enclosing parentheses,
  which aviconv does not accept), writing nothing (texts it cannot read are counted
  and skipped; the count goes to stderr).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
import time
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


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=60000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--python", default=sys.executable, help="the Python running notam-log")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "notams.txt"
        n = build_input(args.count, src)
        peer = Path(tmp) / "peer.py"
        peer.write_text(PEER)
        ours_cmd = [args.python, "-m", "notam_log", "parse", "--json", str(src)]
        peer_cmd = [sys.executable, str(peer), str(src)]
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(args.repeats):
            ours.append(timed(ours_cmd))
            theirs.append(timed(peer_cmd))
        mo, mp = statistics.median(ours), statistics.median(theirs)
        print(
            f"{n} texts, {src.stat().st_size / 1e6:.1f} MB; median of {args.repeats}, interleaved"
        )
        print(f"notam-log parse --json : {mo:6.2f} s  ({n / mo:7.0f} NOTAMs/s)  runs {ours}")
        print(f"aviconv-notam 0.3.0    : {mp:6.2f} s  ({n / mp:7.0f} NOTAMs/s)  runs {theirs}")
        print(f"speed-up (peer time / ours): {mp / mo:.2f}x")


if __name__ == "__main__":
    main()
