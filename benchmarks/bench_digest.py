"""Benchmark: build and render one day's digest from a log of 1,000,000 events.

Run by hand: ``.venv/bin/python benchmarks/bench_digest.py [--events N] [--db PATH]``.
The synthetic database uses the real schema (``Store`` creates it) and is filled with
``executemany``: a year of events over 400 locations, their NOTAMs, hourly polls of
two sources and restriction episodes. The budget is 500 ms per day (build + render).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from notam_log.core import digest as dg
from notam_log.core import digest_render as render
from notam_log.core.config import parse_config
from notam_log.core.models import Notam, iso
from notam_log.core.validity import notam_json
from notam_log.shell import digests
from notam_log.shell.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summary import record  # noqa: E402

START = datetime(2025, 1, 1, tzinfo=UTC)
DAYS = 365
KINDS = ["published"] * 5 + ["expired"] * 3 + ["amended", "replaced", "cancelled", "withdrawn"]
CATS = ["aerodrome_closed", "runway_closed", "taxiway", "lighting", "obstacle", "navaid", "other"]


def generate(path: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    locations = [
        f"E{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}{chr(65 + i // 676)}" for i in range(400)
    ]
    locations[:3] = ["EGLL", "EGKK", "EGSS"]
    with Store(path) as store:
        conn = store.db.conn
        step = DAYS * 86400 / n
        n_notams = max(1, n // 5)
        events, locs, notams = [], [], []
        for k in range(n_notams):
            loc = locations[k % len(locations)]
            key = f"EGGN:A{k:06d}/25"
            t = START + timedelta(seconds=k * 5 * step)
            cat = CATS[k % len(CATS)]
            n_ = Notam(key=key, id=f"A{k:06d}/25", locations=(loc,), category=cat,
                       text=f"SYNTHETIC NOTAM {k} RWY 09/27 CLSD", start=t,
                       end=t + timedelta(days=3), end_estimated=k % 50 == 0)  # fmt: skip
            notams.append((key, n_.id, "bench", "all", "expired", "h", 1, iso(t), iso(t),
                           cat, " ".join(n_.locations), iso(t), iso(t + timedelta(days=3)),
                           int(n_.end_estimated), n_.text, json.dumps(notam_json(n_))))  # fmt: skip
        for seq in range(1, n + 1):
            t = START + timedelta(seconds=seq * step)
            k = rnd.randrange(n_notams)
            loc = locations[k % len(locations)]
            kind = rnd.choice(KINDS)
            if seq % 40 == 0:
                kind = rnd.choice(["restriction_imposed", "restriction_lifted"])
            after = t - timedelta(hours=1)
            detail: dict[str, object] = {"text": f"SYNTHETIC NOTAM {k}"}
            if kind == "restriction_lifted":
                detail = {"since_by": iso(after - timedelta(hours=5)), "since_after": None,
                          "since_effective": None, "keys": []}  # fmt: skip
            events.append((seq, kind, f"EGGN:A{k:06d}/25", f"A{k:06d}/25", json.dumps([loc]),
                           CATS[k % len(CATS)], "bench", iso(t), iso(after), None,
                           json.dumps(detail)))  # fmt: skip
            locs.append((loc, seq))
        polls = []
        for src in ("bench", "other"):
            for h in range(DAYS * 24):
                t = START + timedelta(hours=h)
                polls.append((src, "all", iso(t), iso(t), "complete" if h % 97 else "failed"))
        episodes = []
        for i in range(DAYS * 10):
            loc = locations[i % len(locations)]
            t = START + timedelta(hours=i * 2.4)
            episodes.append((loc, iso(t - timedelta(hours=1)), iso(t), iso(t + timedelta(hours=5)),
                             iso(t + timedelta(hours=6)), json.dumps([[iso(t), "runway_closed"]]),
                             json.dumps(["EGGN:A000001/25"])))  # fmt: skip
        with store.db.atomic():
            conn.executemany(
                "INSERT INTO notams (key, id, source, scope, status, hash, version, first_seen,"
                ' last_seen, category, locations, start, "end", end_estimated, text, data)'
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                notams,
            )
            conn.executemany(
                "INSERT INTO events (seq, kind, key, id, locations, category, source, observed_at,"
                ' "after", effective_at, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
                events,
            )
            conn.executemany("INSERT INTO event_locations (location, seq) VALUES (?, ?)", locs)
            conn.executemany(
                "INSERT INTO polls (source, scope, started_at, finished_at, status)"
                " VALUES (?,?,?,?,?)",
                polls,
            )
            conn.executemany(
                "INSERT INTO episodes (location, start_after, start_by, end_after, end_by,"
                " categories, keys) VALUES (?,?,?,?,?,?,?)",
                episodes,
            )


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, help="Keep the synthetic database here (reused).")
    args = ap.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "bench.db"
    if not path.exists():
        t = time.perf_counter()
        generate(path, args.events)
        print(f"generated {args.events:,} events in {time.perf_counter() - t:.1f} s: {path}")
    base = parse_config(
        {"database": str(path), "sources": [{"kind": "nats_pib", "name": "bench",
                                             "interval": 3600}]},
        "bench", {},
    )  # fmt: skip
    watched = dataclasses.replace(base, locations=("EGLL", "EGKK", "EGSS", "EAAB", "EBCD"))
    period = dg.day_period(date(2025, 7, 1))
    now = period.until + timedelta(hours=6)
    names = {"EGLL": "London Heathrow Airport"}
    rows = []
    with Store(path) as store:
        count = store.count_events()
        for label, cfg in (("all locations", base), ("5 watched", watched)):
            d = digests.load(store, cfg, period, now, names=names)
            evs = store.events(since=period.since, until=period.until + timedelta(hours=6))
            load_ms = timed(functools.partial(digests.load, store, cfg, period, now, names=names))
            build_ms = timed(
                functools.partial(dg.build, evs, [], [], period, now, locations=cfg.locations)
            )
            renders = {
                fmt: timed(functools.partial(render.render, d, fmt)) for fmt in render.FORMATS
            }
            total = load_ms + sum(renders.values())
            rows.append((label, len(evs), len(d.locations), load_ms, build_ms, renders, total))
    print(f"\n{count:,} events in the log; digest of {period.label} (best of 5, ms)\n")
    head = ("case", "events", "locs", "read+build", "build", *render.FORMATS, "total", "budget")
    print("  ".join(f"{h:>11}" for h in head))
    for label, n, locs, load_ms, build_ms, renders, total in rows:
        cells = [label, f"{n:,}", str(locs), f"{load_ms:.0f}", f"{build_ms:.0f}",
                 *(f"{renders[f]:.0f}" for f in render.FORMATS), f"{total:.0f}",
                 "ok" if total <= 500 else "OVER"]  # fmt: skip
        print("  ".join(f"{c:>11}" for c in cells))
        record(
            f"digest of a day from {count:,} events ({label}), read+build+render all formats",
            f"{total:.0f} ms",
            "<= 500 ms",
            total <= 500,
        )


if __name__ == "__main__":
    main()
