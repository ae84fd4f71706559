"""Event-log benchmarks: replay vs parse, an unchanged snapshot vs parsing it, queries over
a synthetic database of 1,000,000 events, and a poll cycle of six delayed sources.

Run by hand:  .venv/bin/python benchmarks/bench_log.py [--events 1000000]
Prints one table. Nothing here is a test; figures go in the README and the issue notes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEATHROW = ROOT / "tests" / "data" / "nats-pib" / "heathrow-2025-03"
#: Where the measured notam_log package is: this checkout, or (``--compiled`` runs this
#: script again with it) a copy whose core modules are mypyc extensions.
PACKAGE = Path(os.environ.get("NOTAM_LOG_BENCH_PACKAGE", str(ROOT)))

sys.path.insert(0, str(PACKAGE))

from lxml import etree  # noqa: E402

from notam_log.core import item_d, sun  # noqa: E402
from notam_log.core.parse.safe_xml import _OPTIONS  # noqa: E402
from notam_log.shell import replay  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summary import record  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notam_log.core.models import Snapshot, iso  # noqa: E402
from notam_log.core.parse import pib  # noqa: E402
from notam_log.core.parse.pib import parse_pib  # noqa: E402
from notam_log.shell.recorder import Recorder  # noqa: E402
from notam_log.shell.store import Store  # noqa: E402

#: The build measured: rows of the compiled core are marked.
TAG = "" if str(pib.__file__).endswith(".py") else " [compiled]"

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
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times), statistics.median(times)


def lxml_floor(blobs: list[bytes], parser: etree.XMLParser | None) -> float:
    """CPU seconds to gunzip and parse every bulletin with lxml alone (trees dropped)."""
    t0 = time.process_time()
    for b in blobs:
        etree.fromstring(gzip.decompress(b), parser)
    return time.process_time() - t0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def replay_once(
    db: Path,
    per_item: list[float] | None = None,
    rss: list[float] | None = None,
    per_item_wall: list[float] | None = None,
) -> float:
    """CPU seconds of one replay of the 77 bulletins into a fresh database (opening it,
    its schema, every bulletin read from disk, closing it); per bulletin, CPU and wall
    seconds (from the end of the one before: reading its file included)."""
    clear_caches()
    last = [time.process_time(), time.perf_counter()]

    def on_item(_name: str) -> None:
        now, wall = time.process_time(), time.perf_counter()
        if per_item is not None:
            per_item.append(now - last[0])
        if per_item_wall is not None:
            per_item_wall.append(wall - last[1])
        if rss is not None:
            rss.append(rss_mb())
        last[0], last[1] = now, wall

    t0 = time.process_time()
    with Store(db) as store:
        rec = Recorder(store)
        last[:] = [time.process_time(), time.perf_counter()]  # per item: from here
        items = replay.items_from_paths([HEATHROW])
        replay.replay(
            rec,
            replay.timed(items, prefer_issued=False, at=None),
            source="nats-uk",
            scope="UK",
            on_item=on_item,
        )
    return time.process_time() - t0


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def bench_replay(tmp: Path, repeats: int = 3, long_runs: int = 5) -> None:
    """Target 2 and 3 of issue 16: replay vs lxml alone (same parser settings as
    parse_pib, and lxml's defaults), interleaved in one run; per-bulletin cost and RSS."""
    files = sorted(HEATHROW.glob("PIB-*.xml.gz"))
    blobs = [f.read_bytes() for f in files]
    same = etree.XMLParser(**_OPTIONS, huge_tree=True)  # parse_pib's settings (safe_xml)
    floors, defaults, reps = [], [], []
    for i in range(repeats):  # interleaved, so that the load of a shared machine falls on all
        floors.append(lxml_floor(blobs, same))
        defaults.append(lxml_floor(blobs, None))
        reps.append(replay_once(tmp / f"replay{i}.db"))
    floor, default, rep = (statistics.median(x) for x in (floors, defaults, reps))
    ratio = rep / floor
    row(
        f"replay of 77 Heathrow bulletins (CPU s, median of {repeats}){TAG}",
        f"{rep:.2f} s",
        f"lxml alone (gunzip + parse, parse_pib's settings) {floor:.2f} s: {ratio:.2f}x;"
        f" lxml defaults {default:.2f} s: {rep / default:.2f}x (target <= 2x)",
    )
    record(
        "replay of the 77 Heathrow bulletins / lxml alone on the same files (gunzip"
        f" included, parse_pib's parser settings; CPU time, median of 3 interleaved){TAG}",
        f"{rep:.2f} s / {floor:.2f} s = {ratio:.2f}x (lxml defaults: {default:.2f} s,"
        f" {rep / default:.2f}x)",
        "<= 2x",
        ratio <= 2,
    )
    per: list[float] = []
    per_wall: list[float] = []
    rss: list[float] = []
    replay_once(tmp / "per.db", per, rss, per_wall)
    steady = per[1:]  # the first bulletin reads and writes every NOTAM it lists
    med = statistics.median(steady)
    med_wall = statistics.median(per_wall[1:])
    row(
        f"per bulletin (CPU ms), bulletins 2-77{TAG}",
        f"median {med * 1000:.1f}",
        f"p10 {pct(steady, 0.1) * 1000:.1f}, p90 {pct(steady, 0.9) * 1000:.1f},"
        f" max {max(steady) * 1000:.1f}; the first {per[0] * 1000:.0f} ms;"
        f" wall median {med_wall * 1000:.1f} ms",
    )
    breakdown(tmp, blobs)
    long_rss: list[float] = []
    for i in range(long_runs):  # the 77 into fresh databases, one after the other
        replay_once(tmp / f"long{i}.db", None, long_rss)
    row(
        "RSS during replay (MB)",
        f"{min(rss):.0f} - {max(rss):.0f}",
        f"first bulletin {rss[0]:.0f}, last {rss[-1]:.0f}; over {long_runs} more replays"
        f" of the 77 into fresh databases: {min(long_rss):.0f} - {max(long_rss):.0f}",
    )
    record(
        f"per-bulletin replay cost, bulletins 2-77 (CPU time){TAG}",
        f"median {med * 1000:.1f} ms (p10 {pct(steady, 0.1) * 1000:.1f}, p90"
        f" {pct(steady, 0.9) * 1000:.1f}, max {max(steady) * 1000:.1f}; first"
        f" {per[0] * 1000:.0f} ms; wall median {med_wall * 1000:.1f} ms)",
    )
    projected = max(med, med_wall) * 34000 / 60
    record(
        "whole UK archive (34,000 hourly bulletins): PROJECTION = 34,000 x the median"
        f" per-bulletin cost above, CPU or wall whichever is longer (not measured){TAG}",
        f"{projected:.1f} min",
        "< 15 min",
        projected < 15,
    )
    record(
        f"RSS over the replay; over {long_runs} more replays of the 77 (fresh databases)",
        f"{min(rss):.0f}-{max(rss):.0f} MB; {min(long_rss):.0f}-{max(long_rss):.0f} MB",
        "flat, < 200 MB",
        max(rss + long_rss) < 200,
    )


def breakdown(tmp: Path, blobs: list[bytes]) -> None:
    """What a replayed bulletin costs, part by part (CPU medians over bulletins 2-77,
    each read after the one before as replay reads them, then recorded): gunzip, the
    scan for the elements' bytes, the skeleton's parse, the whole read (those
    included), and the recording (change detection and the store's write)."""
    from notam_log.core.parse.pib_spans import notam_spans, skeleton
    from notam_log.core.parse.safe_xml import parse_xml

    names = ("gunzip", "scan", "skeleton", "read", "record")
    parts: dict[str, list[float]] = {k: [] for k in names}
    memo = pib.PibMemo()
    with Store(tmp / "breakdown.db") as store:
        rec = Recorder(store)
        for i, blob in enumerate(blobs):
            t0 = time.process_time()
            xml = gzip.decompress(blob)
            t1 = time.process_time()
            spans = notam_spans(xml, inside=False)
            t2 = time.process_time()
            parse_xml(skeleton(xml, spans or []), huge_tree=True)
            t3 = time.process_time()
            bulletin = parse_pib(blob, memo)
            t4 = time.process_time()
            at = datetime(2025, 3, 20, tzinfo=UTC) + timedelta(hours=i)
            rec.snapshot(Snapshot("nats-uk", "UK", at, bulletin.notams))
            t5 = time.process_time()
            if i:  # the first reads and records every NOTAM
                for key, value in zip(
                    names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True
                ):
                    parts[key].append(value)
    med = {k: statistics.median(v) * 1000 for k, v in parts.items()}
    text = (
        f"read {med['read']:.1f} ms (gunzip {med['gunzip']:.1f}, scan for the elements"
        f" {med['scan']:.1f}, skeleton parse {med['skeleton']:.1f}, the rest of the read"
        f" {med['read'] - med['gunzip'] - med['scan'] - med['skeleton']:.1f}); change"
        f" detection + store {med['record']:.1f} ms"
    )
    row(f"per bulletin, what it is spent on (CPU, medians){TAG}", text)
    record(f"what a replayed bulletin is spent on (CPU medians, bulletins 2-77){TAG}", text)


def bench_unchanged(tmp: Path) -> None:
    """An unchanged bulletin polled again: parsed afresh (new, equal records, as a poll
    without the hour before's memo makes them) and ingested at a later time."""
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
            fresh = parse_pib(data).notams  # equal records, not the same objects
            assert all(a is not b and a == b for a, b in zip(fresh, bulletin.notams, strict=True))
            snap = Snapshot("uk", "UK", t0 + timedelta(minutes=i), fresh)
            s = time.process_time()
            rec.snapshot(snap)
            times.append(time.process_time() - s)
    ingest = min(times)
    row(
        f"ingest of an unchanged {n}-NOTAM snapshot",
        f"{ingest * 1000:.1f} ms",
        f"parse {parse_t * 1000:.1f} ms; (parse+ingest)/parse {(parse_t + ingest) / parse_t:.2f}"
        " (target <= 1.5)",
    )
    ratio = (parse_t + ingest) / parse_t
    record(
        f"parse + ingest of an unchanged {n}-NOTAM bulletin / parse alone (fresh, equal"
        " records each time; parse cold, CPU time)",
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
    bench_unchanged_in_turn(tmp, biggest.read_bytes(), n)


def bench_unchanged_in_turn(tmp: Path, blob: bytes, n: int) -> None:
    """The same bulletin served again an hour later (the very same bytes),
    read as a poller reads it (after the one before: every element reused, read from the
    skeleton) and recorded: against lxml alone gunzipping and parsing it (parse_pib's
    settings). CPU time, best of 5 each, interleaved."""
    same = etree.XMLParser(**_OPTIONS, huge_tree=True)
    memo = pib.PibMemo()
    first = parse_pib(blob, memo)
    ours, peer, reads = [], [], []
    with Store(tmp / "in-turn.db") as store:
        rec = Recorder(store)
        t0 = datetime(2025, 3, 21, tzinfo=UTC)
        rec.snapshot(Snapshot("uk", "UK", t0, first.notams))
        for i in range(1, 6):
            s = time.process_time()
            etree.fromstring(gzip.decompress(blob), same)
            peer.append(time.process_time() - s)
            s = time.process_time()
            again = parse_pib(blob, memo)
            reads.append(time.process_time() - s)
            rec.snapshot(Snapshot("uk", "UK", t0 + timedelta(hours=i), again.notams))
            ours.append(time.process_time() - s)
    a, b = min(ours), min(peer)
    text = (
        f"{a * 1000:.1f} ms / lxml alone {b * 1000:.1f} ms = {a / b:.2f}x (the read"
        f" {min(reads) * 1000:.1f} ms of it, {min(reads) / b:.2f}x)"
    )
    row(f"an unchanged {n}-NOTAM bulletin read in turn + recorded{TAG}", text)
    record(
        f"an unchanged {n}-NOTAM bulletin (gzip) read as a poller reads it (after the one"
        f" before) and recorded / lxml alone gunzipping and parsing it (CPU, best of 5){TAG}",
        text,
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


def compiled_replay(tmp: Path) -> None:
    """The replay figures of the core compiled with mypyc: built into a copy of the
    package (as bench_cli_parse.py --compiled), this script run again on it."""
    from bench_cli_parse import compiled_copy

    where = compiled_copy(tmp / "compiled", sys.executable)
    env = {**os.environ, "NOTAM_LOG_BENCH_PACKAGE": str(where), "PYTHONPATH": str(where)}
    out = subprocess.run(
        [sys.executable, __file__, "--replay-only"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(out.stderr)
    for line in out.stdout.splitlines()[2:]:  # its table's rows, marked [compiled]
        name, value, note = (cell.strip() for cell in line.strip("|").split(" | ", 2))
        ROWS.append((name, value, note.rstrip(" |")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--skip-big", action="store_true", help="skip the 1,000,000-event database")
    ap.add_argument("--replay-only", action="store_true", help="only the replay figures")
    ap.add_argument(
        "--compiled",
        action="store_true",
        help="then the replay figures again with the mypyc-compiled core (built here)",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_replay(tmp)
        if args.compiled:
            compiled_replay(tmp)
        if not args.replay_only:
            bench_unchanged(tmp)
        if not args.skip_big and not args.replay_only:
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
