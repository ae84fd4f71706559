"""Benchmark of the watcher (run by hand): screen load and render times, and memory.

    .venv/bin/python benchmarks/bench_watch.py [--notams 30000] [--restrictions 2000]

Builds a database with synthetic NOTAMs (one complete snapshot, so every NOTAM gives a
``published`` event and every restriction a ``restriction_imposed`` one, plus amendments),
then times :func:`notam_log.shell.watch.load_screen` and :func:`notam_log.shell.watch.render_screen`
(captured at 80x24 and 200x60) and measures the peak memory of a fresh process that
does what ``watch`` does (the scheduler's recorder loads every active NOTAM, then ten
screen refreshes), polling the loopback server twice: the NOTAMs all expiring at the first
poll (they end in 2025), then on a second database whose NOTAMs are still in force. The
loopback server runs in this process, so that the peak is the watcher's alone. Prints a
table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from notam_log.core.config import Config, SourceConfig
from notam_log.core.models import Notam, Snapshot
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store
from notam_log.shell.watch import load_screen, render_screen

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summary import record  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 3, 21, 12, tzinfo=UTC)
CATS = ("aerodrome_closed", "aerodrome_limited", "runway_closed", "airspace_restricted")


def _code(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "X" + letters[i // 676 % 26] + letters[i // 26 % 26] + letters[i % 26]


def _notams(total: int, restrictions: int, version: int, days: int = 30) -> list[Notam]:
    out = []
    for i in range(total):
        restricted = i < restrictions
        text = f"SYNTHETIC NOTAM {i} VERSION {version if i % 10 == 0 else 0}. " + "X " * 120
        out.append(
            Notam(
                key=f"BNCH:A{i:05d}/25",
                id=f"A{i:05d}/25",
                type="N",
                qcode="QFALC" if restricted else "QOBCE",
                locations=(_code(i % 3000),),
                start=NOW - timedelta(days=1),
                end=NOW + timedelta(days=days),
                text=text,
                category=CATS[i % len(CATS)] if restricted else "obstacle",
                restriction=restricted,
                source_format="bench",
                raw=text,
            )
        )
    return out


def build(db: Path, total: int, restrictions: int, days: int = 30) -> dict[str, int]:
    """The database; its NOTAMs end ``days`` after NOW (2025-03-21): with the default,
    a poll at today's clock finds every one of them expired."""
    with Store(db) as store:
        rec = Recorder(store)
        for v, at in enumerate((NOW - timedelta(hours=2), NOW - timedelta(hours=1), NOW)):
            notams = tuple(_notams(total, restrictions, v, days))
            rec.snapshot(Snapshot("bench", "ALL", at, notams))
        return {
            "notams": total,
            "in force (rows)": sum(len(i.keys) for i in store.in_force().values()),
            "events": store.count_events(),
        }


def _config(db: Path) -> Config:
    return Config(
        path="<bench>",
        database=str(db),
        locations=(),
        sources=(SourceConfig(kind="nats_pib", name="bench", interval=900),),
    )


def timings(db: Path, runs: int = 15) -> list[tuple[str, float, float]]:
    """load_screen alone, then whole refreshes as ``watch`` does them: the database read
    (load_screen, on the open store) and the screen rendered and drawn."""
    out = []
    with Store(db, create=False) as store:
        cfg = _config(db)
        load = [_timed(lambda: load_screen(store, cfg)) for _ in range(runs)]
        out.append(("load_screen (all locations)", statistics.median(load), max(load)))
        for w, h in ((80, 24), (200, 60)):
            console = Console(width=w, height=h, force_terminal=True, color_system="truecolor")

            def draw(w: int = w, h: int = h, console: Console = console) -> None:
                screen = load_screen(store, cfg)
                console.begin_capture()
                console.print(render_screen(screen, NOW, w, h))
                console.end_capture()

            t = [_timed(draw) for _ in range(runs)]
            name = f"whole refresh (load_screen + render + draw) {w}x{h}"
            out.append((name, statistics.median(t), max(t)))
    return out


def _timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


#: Bulletins the polling memory figure polls from the loopback server.
POLLS = 10


def memory(db: Path, polling: bool) -> float:
    """Peak RSS (MB) of a fresh process doing what `watch` does (with ``polling``, the
    scheduler's recorder too, which holds every active NOTAM in memory). The loopback
    test server that serves the bulletins runs here, in the benchmark's process: the
    figure is the watcher's alone."""
    from notam_log.testing.server import NotamTestServer, load_pib_folder

    snapshots = load_pib_folder(ROOT / "tests/data/nats-pib/heathrow-2025-03")[:POLLS]
    with NotamTestServer(pib_snapshots=snapshots) as server:
        return _peak_rss(db, polling, server.base_url)


def _peak_rss(db: Path, polling: bool, base_url: str) -> float:
    code = f"""
import sys, httpx
sys.path.insert(0, "benchmarks")
from pathlib import Path
from notam_log.core.config import Config, SourceConfig
from notam_log.shell.store import Store
from notam_log.shell.daemon import NotamScheduler
from notam_log.shell.runtime import open_runtime
from notam_log.shell.watch import load_screen, render_screen
from rich.console import Console
import bench_watch as b
db = Path({str(db)!r})
cfg = b._config(db)
if {polling!r}:
    # the loopback test server (in the benchmark's process) serves one bulletin a poll
    cfg = Config(
        path="<bench>",
        database=str(db),
        locations=(),
        sources=(
            SourceConfig(kind="nats_pib", name="nats-uk", interval=900, base_url={base_url!r}),
        ),
    )
    held = open_runtime(cfg, db, sources=True, client=httpx.Client)  # kept open
    sched = NotamScheduler(held.__enter__())
    for _ in range({POLLS}):
        for source in sched.sources:
            summary = sched.poll_source(source)
            assert summary is not None and summary.error is None, summary
view_store = Store(db, create=False)
console = Console(width=200, height=60, force_terminal=True)
for _ in range(10):
    console.begin_capture()
    console.print(render_screen(load_screen(view_store, cfg), b.NOW, 200, 60))
    console.end_capture()
# VmHWM, not ru_maxrss: on Linux ru_maxrss is inherited from the (large) parent
# across fork and exec, and would report the benchmark's own peak.
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(int(status["VmHWM"].split()[0]) / 1024)
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if res.returncode:
        raise SystemExit(f"memory measurement failed:\n{res.stderr}")
    return float(res.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notams", type=int, default=30000)
    parser.add_argument("--restrictions", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        sizes = build(db, args.notams, args.restrictions)
        built = time.perf_counter() - t0
        table = Table(title="notam-log watch benchmark")
        table.add_column("measure")
        table.add_column("median ms", justify="right")
        table.add_column("max ms", justify="right")
        for name, med, mx in timings(db):
            table.add_row(name, f"{med:.1f}", f"{mx:.1f}")
            if name.startswith("whole refresh"):
                record(
                    f"watch screen, {args.restrictions:,} restrictions: {name}",
                    f"{med:.0f} ms (max {mx:.0f})",
                    "<= 50 ms",
                    mx <= 50,
                )
        # the NOTAMs above ended in April 2025: the first poll (at today's clock) expires
        # all of them at once; a second database whose NOTAMs are still in force measures
        # polling as it goes on from day to day
        lasting = Path(tmp) / "lasting.db"
        build(lasting, args.notams, args.restrictions, days=365 * 20)
        for base, polling, label in (
            (db, False, "watch --no-poll"),
            (
                db,
                True,
                f"watch polling ({POLLS} bulletins from the loopback server),"
                " all NOTAMs expiring at the first poll",
            ),
            (
                lasting,
                True,
                f"watch polling ({POLLS} bulletins from the loopback server), NOTAMs in force",
            ),
        ):
            mb = memory(base, polling)
            table.add_row(f"peak RSS, {label} (MB)", f"{mb:.0f}", "")
            record(
                f"peak memory, {label}, {args.notams:,} NOTAMs",
                f"{mb:.0f} MB",
                "< 150 MB",
                mb < 150,
            )
        console = Console()
        size = db.stat().st_size / 1e6
        console.print(f"database: {json.dumps(sizes)}, {size:.0f} MB, built in {built:.0f} s")
        console.print(table)


if __name__ == "__main__":
    main()
