"""Event-log benchmarks: replay vs parse, an unchanged snapshot vs parsing it, queries over
a synthetic database of 1,000,000 events, and a poll cycle of six delayed sources.

Run by hand:  .venv/bin/python benchmarks/bench_log.py [--events 1000000]
Prints one table. Nothing here is a test; figures go in the README and the issue notes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEATHROW = ROOT / "tests" / "data" / "nats-pib" / "heathrow-2025-03"

sys.path.insert(0, str(ROOT))

from notam_log.core import item_d, sun  # noqa: E402
from notam_log.shell import replay  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summary import record  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notam_log.core.models import Snapshot, iso  # noqa: E402
from notam_log.core.parse.pib import PibMemo, parse_pib  # noqa: E402
from notam_log.shell.recorder import Recorder  # noqa: E402
from notam_log.shell.store import Store  # noqa: E402

ROWS: list[tuple[str, str, str]] = []


def row(name: str, value: str, note: str = "") -> None:
    ROWS.append((name, value, note))
    print(f"  {name}: {value} {note}", file=sys.stderr)


def clear_caches() -> None:
    """Forget memoised schedules and sun times, so a parse is measured cold (a replay
    still reuses each bulletin's records in the next: its reads share a PibMemo)."""
    for module in (item_d, sun):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


def best(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        clear_caches()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def bench_replay(tmp: Path) -> None:
    files = sorted(HEATHROW.glob("PIB-*.xml.gz"))
    blobs = [f.read_bytes() for f in files]

    def parse_all() -> None:
        memo = PibMemo()
        for b in blobs:
            parse_pib(gzip.decompress(b), memo)

    parse_best, _ = best(parse_all, repeat=3)
    runs = []
    for i in range(3):
        clear_caches()
        db = tmp / f"replay{i}.db"
        t0 = time.perf_counter()
        with Store(db) as store:
            rec = Recorder(store)
            items = replay.items_from_paths([HEATHROW])
            replay.replay(
                rec, replay.timed(items, prefer_issued=False, at=None), source="nats-uk", scope="UK"
            )
        runs.append(time.perf_counter() - t0)
    rep = min(runs)
    row(
        "replay of 77 Heathrow bulletins",
        f"{rep:.2f} s",
        f"parse only {parse_best:.2f} s; ratio {rep / parse_best:.2f} (target <= 3)",
    )
    record(
        "replay of the 77 Heathrow bulletins / parsing them alone",
        f"{rep:.2f} s / {parse_best:.2f} s = {rep / parse_best:.2f}x",
        "<= 3x",
        rep / parse_best <= 3,
    )
    per = rep / len(files)
    row(
        "projected replay of 34,000 hourly bulletins",
        f"{per * 34000 / 60:.0f} min",
        f"({per * 1000:.0f} ms per bulletin)",
    )
    record(
        "whole UK archive (34,000 hourly bulletins), projected replay",
        f"{per * 34000 / 60:.0f} min",
        "well under 1 h",
        per * 34000 < 3600,
    )


def bench_unchanged(tmp: Path) -> None:
    biggest = max(HEATHROW.glob("PIB-*.xml.gz"), key=lambda p: p.stat().st_size)
    data = gzip.decompress(biggest.read_bytes())
    bulletin = parse_pib(data)
    n = len({x.key for x in bulletin.notams})
    parse_t, _ = best(lambda: parse_pib(data))
    with Store(tmp / "unchanged.db") as store:
        rec = Recorder(store)
        t0 = datetime(2025, 3, 21, tzinfo=UTC)
        rec.snapshot(Snapshot("uk", "UK", t0, bulletin.notams))
        times = []
        for i in range(1, 8):
            snap = Snapshot("uk", "UK", t0 + timedelta(minutes=i), bulletin.notams)
            s = time.perf_counter()
            rec.snapshot(snap)
            times.append(time.perf_counter() - s)
    ingest = min(times)
    row(
        f"ingest of an unchanged {n}-NOTAM snapshot",
        f"{ingest * 1000:.1f} ms",
        f"parse {parse_t * 1000:.1f} ms; (parse+ingest)/parse {(parse_t + ingest) / parse_t:.2f}"
        " (target <= 1.5)",
    )
    ratio = (parse_t + ingest) / parse_t
    record(
        f"parse + ingest of an unchanged {n}-NOTAM bulletin / parse alone",
        f"{ratio:.2f}x (ingest {ingest * 1000:.1f} ms, parse {parse_t * 1000:.1f} ms)",
        "<= 1.5x",
        ratio <= 1.5,
    )
    record(
        f"change detection + storage of a {n}-NOTAM response / its parse time",
        f"{ingest / parse_t:.2f}",
        "<= 0.5",
        ingest / parse_t <= 0.5,
    )


def make_big_db(path: Path, n_events: int) -> tuple[datetime, datetime]:
    """A database of ``n_events`` synthetic events in the real schema, over a year."""
    rng = random.Random(7)
    locations = [f"E{a}{b}{c}" for a in "GDH" for b in "ABCDEFGHIJ" for c in "ABCDEFGHIJ"]
    kinds = [
        "published",
        "expired",
        "withdrawn",
        "amended",
        "restriction_imposed",
        "restriction_lifted",
        "replaced",
    ]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    span = 366 * 86400
    with Store(path) as store:
        conn = store.db.conn
        conn.execute("PRAGMA synchronous=OFF")
        batch_e, batch_l = [], []
        t0 = time.perf_counter()
        for seq in range(1, n_events + 1):
            at = start + timedelta(seconds=span * seq // n_events)
            loc = rng.choice(locations)
            kind = rng.choice(kinds)
            key = f"EGGN:A{seq % 9999:04d}/24"
            batch_e.append(
                (
                    seq,
                    kind,
                    key,
                    key[5:],
                    json.dumps([loc]),
                    "aerodrome_closed",
                    "uk",
                    iso(at),
                    iso(at - timedelta(hours=1)),
                    None,
                    "{}",
                )
            )
            batch_l.append((loc, seq))
            if len(batch_e) == 50_000:
                _flush(conn, batch_e, batch_l)
        _flush(conn, batch_e, batch_l)
        eps = []
        for _ in range(20_000):
            loc = rng.choice(locations)
            a = start + timedelta(seconds=rng.randrange(span))
            b = a + timedelta(hours=rng.randrange(1, 48))
            eps.append(
                (
                    loc,
                    iso(a - timedelta(hours=1)),
                    iso(a),
                    iso(a),
                    iso(b - timedelta(hours=1)),
                    iso(b),
                    None,
                    json.dumps([[iso(a), "aerodrome_closed"]]),
                    "[]",
                )
            )
        conn.executemany(
            "INSERT INTO episodes (location, start_after, start_by, start_effective, end_after,"
            " end_by, end_effective, categories, keys) VALUES (?,?,?,?,?,?,?,?,?)",
            eps,
        )
        conn.commit()
        row(
            f"synthetic database of {n_events:,} events",
            f"{time.perf_counter() - t0:.0f} s",
            "to build (not a target)",
        )
    return start, start + timedelta(seconds=span)


def _flush(conn: object, batch_e: list, batch_l: list) -> None:  # type: ignore[type-arg]
    conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO events (seq, kind, key, id, locations, category, source, observed_at,"
        ' "after", effective_at, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
        batch_e,
    )
    conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO event_locations (location, seq) VALUES (?, ?)", batch_l
    )
    batch_e.clear()
    batch_l.clear()


def bench_queries(path: Path, start: datetime) -> None:
    day = start + timedelta(days=200)
    with Store(path, create=False) as store:
        cases: list[tuple[str, Callable[[], object]]] = [
            (
                "events of one day (all locations)",
                lambda: store.events(since=day, until=day + timedelta(days=1)),
            ),
            (
                "events --location X over 7 days",
                lambda: store.events(locations=["EGAA"], since=day, until=day + timedelta(days=7)),
            ),
            ("events --location X (all time)", lambda: store.events(locations=["EGAA"])),
            (
                "events --restrictions of one day",
                lambda: store.events(restrictions=True, since=day, until=day + timedelta(days=1)),
            ),
            ("events --limit 50 (newest)", lambda: store.events(limit=50, newest_first=True)),
            (
                "timeline X --days 7",
                lambda: store.episodes(location="EGAA", since=day, until=day + timedelta(days=7)),
            ),
            ("timeline X --days 365", lambda: store.episodes(location="EGAA", since=start)),
        ]
        for name, fn in cases:
            b, med = best(fn, repeat=5)
            got = fn()
            row(
                name,
                f"{b * 1000:.1f} ms",
                f"median {med * 1000:.1f} ms, {len(got)} rows"  # type: ignore[arg-type]
                " (target <= 200 ms)",
            )
            record(f"1,000,000 events: {name}", f"{med * 1000:.1f} ms", "<= 200 ms", med <= 0.2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--skip-big", action="store_true", help="skip the 1,000,000-event database")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_replay(tmp)
        bench_unchanged(tmp)
        if not args.skip_big:
            big = tmp / "big.db"
            start, _ = make_big_db(big, args.events)
            bench_queries(big, start)
    width = max(len(r[0]) for r in ROWS)
    print(f"| {'benchmark':<{width}} | result | notes |")
    print(f"|{'-' * (width + 2)}|---|---|")
    for name, value, note in ROWS:
        print(f"| {name:<{width}} | {value} | {note} |")


if __name__ == "__main__":
    main()
