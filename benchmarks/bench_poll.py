"""Poll-cycle benchmark: six sources on the loopback test server, each answering after a
fixed delay d. Sources are polled concurrently, so one cycle should take about d (plus
the requests a source sends in turn), not 6 d.

Run by hand:  .venv/bin/python benchmarks/bench_poll.py [--delay 0.5]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from test_sources_adapters import SECRETS, setups  # noqa: E402

from notam_log.core.config import SourceConfig  # noqa: E402
from notam_log.shell.http import make_client, run_source, run_sources  # noqa: E402
from notam_log.sources import build_source  # noqa: E402
from notam_log.testing.server import NotamTestServer  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summary import record  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--delay", type=float, default=0.5)
    args = ap.parse_args()
    now = datetime(2025, 3, 21, 12, tzinfo=UTC)
    servers, sources = [], []
    for kind, setup in setups().items():
        server = NotamTestServer(delay=args.delay, **setup.server).__enter__()
        servers.append(server)
        cfg = SourceConfig(
            kind=kind,
            name=kind,
            locations=setup.locations,
            base_url=server.base_url,
            options=setup.options,
        )
        sources.append(build_source(cfg, SECRETS))
    try:
        with make_client(timeout=30) as client:
            serial = {}
            for s in sources:
                t0 = time.perf_counter()
                run = run_source(s, client, now)
                serial[s.name] = (time.perf_counter() - t0, run.requests)
                assert run.error is None, (s.name, run.error)
            for s in sources:  # fresh state, so the concurrent cycle does the same requests
                s.restore({})
            for srv in servers:
                srv.pib_index = 0
            t0 = time.perf_counter()
            runs = run_sources(sources, client, now)
            cycle = time.perf_counter() - t0
    finally:
        for srv in servers:
            srv.__exit__(None, None, None)
    slowest = max(t for t, _ in serial.values())
    total = sum(t for t, _ in serial.values())
    print("| source | requests | alone (s) |\n|---|---|---|")
    for name, (t, n) in serial.items():
        print(f"| {name} | {n} | {t:.2f} |")
    print(
        f"\ndelay d = {args.delay:.2f} s per answer; one concurrent cycle of six sources:"
        f" {cycle:.2f} s (the slowest source alone: {slowest:.2f} s; all in turn: {total:.2f} s)"
    )
    record(
        f"poll cycle of 6 sources, each answer delayed d = {args.delay:.1f} s",
        f"{cycle:.2f} s ({cycle / args.delay:.1f} d; one at a time: {total / args.delay:.1f} d)",
        "close to d (the longest chain of one source's own requests), not 6 d",
        cycle <= slowest * 1.2,
    )
    assert all(r.error is None for r in runs.values()), {k: r.error for k, r in runs.items()}


if __name__ == "__main__":
    main()
