"""The offline demo: the closure of London Heathrow on 21 March 2025, replayed through
the real path (loopback HTTP server -> ``nats_pib`` source -> scheduler -> store -> watcher).

The bulletins are trimmed copies of the hourly UK NATS PIB.xml of 20-22 March 2025
shipped in ``notam_log/data/demo/`` (see its ``PROVENANCE.md``; :func:`build_demo_data`
made them). The loopback server serves one bulletin per request; the scheduler polls
it on an accelerated clock (``speed`` simulated seconds per real second), and the
"now" given to the recorder is the bulletin's own hour (a simulated clock).
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import re
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import IO

import httpx
from rich.console import Console

from notam_log.core.config import Config, SourceConfig
from notam_log.core.display import event_line, fmt_time
from notam_log.core.errors import NotamLogError
from notam_log.shell import clock as wall_clock
from notam_log.shell.daemon import NotamScheduler, stop_on_signals
from notam_log.shell.digests import render_day
from notam_log.shell.http import USER_AGENT
from notam_log.shell.logs import filtered
from notam_log.shell.poll import PollSummary
from notam_log.shell.runtime import open_runtime
from notam_log.shell.store import Store
from notam_log.shell.watch import live_loop, load_screen, screen_events
from notam_log.testing.server import NotamTestServer

#: The aerodromes whose AD-section items the trimmed bulletins keep.
DEMO_AERODROMES: tuple[str, ...] = ("EGLL", "EGKK", "EGSS", "EGLC", "EGCC")
#: The watch list of the demo.
DEMO_LOCATIONS: tuple[str, ...] = ("EGLL", "EGKK", "EGSS", "EGLC")
#: Keep one navigation warning in this many (by NOTAM number, so the same ones each hour).
WARNING_SHARE = 10
DEMO_SOURCE = "nats-uk"
DEMO_DAY = datetime(2025, 3, 21, tzinfo=UTC)
#: Simulated seconds per real second: an hour of feed every two seconds.
SCREEN_SPEED = 1800.0
#: Without the screen: an hour of feed every quarter of a second.
PLAIN_SPEED = 14400.0
_STAMP = re.compile(r"PIB-(\d{4}-\d{2}-\d{2}T\d{4}Z)\.xml(?:\.gz)?$")


# ---------------------------------------------------------------------- data


def trim_bulletin(
    data: bytes,
    aerodromes: Iterable[str] = DEMO_AERODROMES,
    warning_share: int = WARNING_SHARE,
) -> bytes:
    """One PIB.xml cut down for the demo, same shape: the header's aerodrome list and
    the ``ADSection`` elements keep only ``aerodromes``; every ``En-route`` (FIR) item
    stays; one ``Warnings`` item in ``warning_share`` stays (chosen by NOTAM number, so
    that the same ones stay in every bulletin and trimming invents no change)."""
    from lxml import etree

    keep = set(aerodromes)
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    root = etree.fromstring(data)
    for listing in root.iter("AerodromeList"):
        for aerodrome in list(listing):
            if aerodrome.findtext("Code") not in keep:
                listing.remove(aerodrome)
    for section in root.iter("FIRSection"):
        for ad in section.findall("ADSection"):
            if ad.findtext("Code") not in keep:
                section.remove(ad)
        for warnings in section.findall("Warnings"):
            for notam_list in warnings.iter("NotamList"):
                for notam in list(notam_list):
                    number = (notam.findtext("Number") or "0").strip()
                    if notam.tag == "Notam" and (
                        not number.isdigit() or int(number) % warning_share
                    ):
                        notam_list.remove(notam)
    out: bytes = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
    return out


def build_demo_data(
    src: str | Path,
    dst: str | Path,
    first: datetime = datetime(2025, 3, 20, 0, 0, tzinfo=UTC),
    last: datetime = datetime(2025, 3, 22, 2, 0, tzinfo=UTC),
) -> list[Path]:
    """Write the trimmed bulletins of ``src`` (``PIB-*.xml.gz``) issued from ``first``
    to ``last`` into ``dst``, gzip-compressed with a fixed mtime (reproducible bytes).

    This is how ``notam_log/data/demo/`` was made, from ``tests/data/nats-pib/heathrow-2025-03``.
    """
    out = []
    Path(dst).mkdir(parents=True, exist_ok=True)
    for path in sorted(Path(src).glob("PIB-*.xml.gz")):
        at = bulletin_time(path.name)
        if at is None or not first <= at <= last:
            continue
        target = Path(dst) / path.name
        target.write_bytes(gzip.compress(trim_bulletin(path.read_bytes()), 9, mtime=0))
        out.append(target)
    return out


def bulletin_time(name: str) -> datetime | None:
    """``PIB-2025-03-21T0200Z.xml.gz`` -> 2025-03-21 02:00 UTC."""
    m = _STAMP.search(name)
    if not m:
        return None
    return datetime.strptime(m.group(1), "%Y-%m-%dT%H%MZ").replace(tzinfo=UTC)


def demo_bulletins() -> list[tuple[datetime, bytes]]:
    """The packaged bulletins, oldest first, each with its hour."""
    folder = resources.files("notam_log").joinpath("data/demo")
    found = []
    for entry in folder.iterdir():
        at = bulletin_time(entry.name)
        if at is not None:
            found.append((at, entry.read_bytes()))
    if not found:
        raise NotamLogError("the demo bulletins are missing from the installed package")
    return sorted(found, key=lambda item: item[0])


def demo_config(db: str, base_url: str, interval: float = 3600.0) -> Config:
    """The built-in configuration of the demo: one ``nats_pib`` source on the loopback server."""
    source = SourceConfig(
        kind="nats_pib",
        name=DEMO_SOURCE,
        interval=interval,
        base_url=base_url,
        where="demo",
    )
    return Config(
        path="<demo>",
        database=db,
        locations=DEMO_LOCATIONS,
        tick_interval=1200.0,
        sources=(source,),
    )


# ---------------------------------------------------------------------- clock


class SimClock:
    """The demo's simulated clock. Each poll takes the next bulletin's hour as "now";
    between polls time runs ``speed`` times faster than real time, but never reaches
    the next bulletin's hour (a tick must not get ahead of the next poll)."""

    def __init__(self, times: Sequence[datetime], speed: float) -> None:
        self.times = list(times)
        self.speed = speed
        self.index = -1
        self._real = time.monotonic()
        self._lock = threading.Lock()

    @property
    def exhausted(self) -> bool:
        return self.index >= len(self.times) - 1

    def next_poll(self) -> datetime | None:
        """The hour of the bulletin the next request gets; None when all were served."""
        with self._lock:
            if self.index + 1 >= len(self.times):
                return None
            self.index += 1
            self._real = time.monotonic()
            return self.times[self.index]

    def now(self) -> datetime:
        with self._lock:
            if self.index < 0:
                return self.times[0] - timedelta(minutes=1)
            current = self.times[self.index]
            limit = (
                self.times[self.index + 1] - timedelta(minutes=1)
                if self.index + 1 < len(self.times)
                else current + timedelta(minutes=59)
            )
            elapsed = timedelta(seconds=(time.monotonic() - self._real) * self.speed)
            return min(current + elapsed, limit).replace(microsecond=0)


# ---------------------------------------------------------------------- scheduler noise


#: What APScheduler says when a job is due again while it still runs, or ran late. In
#: the demo that is expected (at high ``--speed`` the intervals are shorter than a poll)
#: and harmless (the jobs coalesce); in ``run`` it is news, so only the demo hides it.
_EXPECTED_WARNINGS = ("maximum number of running instances reached", "was missed by")
_SCHEDULER_LOGGERS = ("apscheduler.scheduler", "apscheduler.executors.default")


class _ExpectedWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not any(text in str(record.msg) for text in _EXPECTED_WARNINGS)


@contextlib.contextmanager
def quiet_scheduler() -> Iterator[None]:
    """Drop APScheduler's "skipped: maximum number of running instances" and "was
    missed by" warnings while the demo runs; every other message still shows."""
    with filtered(_SCHEDULER_LOGGERS, _ExpectedWarnings()):
        yield


# ---------------------------------------------------------------------- summary


@dataclass(frozen=True, slots=True)
class DemoResult:
    db: str
    polls: int
    events: int
    lines: list[str]


# ---------------------------------------------------------------------- run


def run_demo(
    *,
    db: str | None,
    speed: float | None,
    screen: bool,
    out: IO[str],
    console: Console | None = None,
    tz_mode: str = "utc",
) -> DemoResult:
    """Replay the bulletins through the loopback server, the scheduler and (with
    ``screen``) the watcher; return the closing summary."""
    speed = speed or (SCREEN_SPEED if screen else PLAIN_SPEED)
    bulletins = demo_bulletins()
    tmp = None if db else tempfile.TemporaryDirectory(prefix="notam-log-demo-")
    db_path = db if db else str(Path(tmp.name if tmp else ".") / "demo.db")
    clock = SimClock([t for t, _ in bulletins], speed)
    stop, done = threading.Event(), threading.Event()
    polls = 0

    def on_poll(summary: PollSummary, now: datetime) -> None:
        nonlocal polls
        polls += 1
        if clock.exhausted:
            done.set()

    try:
        with NotamTestServer(pib_snapshots=[b for _, b in bulletins]) as server:
            config = demo_config(db_path, server.base_url)
            with open_runtime(config, db_path, lock=True, env={}, client=_client) as runtime:
                sched = NotamScheduler(
                    runtime,
                    clock=clock.now, poll_clock=clock.next_poll, speed=speed,
                    jitter_ratio=0.0, on_poll=on_poll,
                    run_kwargs={"max_attempts": 2, "base_delay": 0.1},
                )  # fmt: skip
                if not screen:
                    out.write(
                        f"notam-log demo: {len(bulletins)} hourly UK bulletins,"
                        f" {fmt_time(bulletins[0][0])} to {fmt_time(bulletins[-1][0])},"
                        f" one every {3600 / speed:.2f} s; database {db_path}\n"
                    )
                    out.flush()
                with stop_on_signals(stop), quiet_scheduler():
                    sched.start(start=wall_clock.instant())
                    try:
                        if screen:
                            _show(db_path, config, clock, speed, stop, done, console, tz_mode)
                        else:
                            _print_events(db_path, out, stop, done)
                    finally:
                        sched.stop()
                lines = render_day(runtime.store, config, DEMO_DAY).splitlines()
                lines += _share(runtime.store, config, _share_folder(db, config), clock.now())
                total = runtime.store.count_events()
        return DemoResult(db_path, polls, total, lines)
    finally:
        if tmp is not None:
            tmp.cleanup()


def _client() -> httpx.Client:
    """The loopback server's client: no proxy from the environment, short timeouts."""
    return httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=10.0, trust_env=False)


def _show(
    db_path: str,
    config: Config,
    clock: SimClock,
    speed: float,
    stop: threading.Event,
    done: threading.Event,
    console: Console | None,
    tz_mode: str,
) -> None:
    """The watcher's screen over the replay, until it is done (and 3 s more)."""
    view_store = Store(db_path, create=False)
    try:
        live_loop(
            console or Console(),
            lambda: load_screen(
                view_store, config,
                next_polls=_next(clock),
                now=clock.now(),
                note="demo: simulated clock, an hour of feed every"
                f" {3600 / speed:.1f} s (Ctrl-C to stop)",
            ),
            clock.now, stop, done=done, hold=3.0,
            tz_mode="local" if tz_mode == "local" else "utc",
            refresh=min(1.0, max(0.2, 1800 / speed)),
        )  # fmt: skip
    finally:
        view_store.close()


def _print_events(db_path: str, out: IO[str], stop: threading.Event, done: threading.Event) -> None:
    """Print the watcher's events as they are logged, until the replay is done."""
    last = 0
    with Store(db_path, create=False) as view:
        while True:
            finished = done.is_set() or stop.is_set()
            if finished:
                time.sleep(0.2)  # let the last tick land
            for e in reversed(screen_events(view, DEMO_LOCATIONS, after_seq=last, limit=1000)):
                out.write(event_line(e) + "\n")
                last = max(last, e.seq or 0)
            out.flush()
            if finished or stop.wait(0.1):
                return


def _next(clock: SimClock) -> dict[str, datetime]:
    i = clock.index + 1
    return {DEMO_SOURCE: clock.times[i]} if i < len(clock.times) else {}


def _share_folder(db: str | None, config: Config) -> Path:
    """Beside a database kept with ``--db``: its digest folder; else a new folder in the
    temporary directory, kept (the temporary database is not)."""
    from notam_log.shell.digests import digest_folder

    if db:
        return digest_folder(config, db)
    return Path(tempfile.mkdtemp(prefix="notam-log-demo-"))


def _share(store: Store, config: Config, folder: Path, now: datetime) -> list[str]:
    """Write the calendar, feed and map of 21 March, and its HTML digest (which links
    to the map), into ``folder``; say where."""
    from notam_log.core.digest import day_period
    from notam_log.shell import exports
    from notam_log.shell.digests import load, map_name, write_digest

    period = day_period(DEMO_DAY.date())
    day = exports.Filters(since=period.since, until=period.until)
    files = {
        "calendar": folder / f"notam-closures-{period.label}.ics",
        "feed": folder / f"notam-feed-{period.label}.atom",
        "map": folder / map_name(period.label),
    }
    exports.write(files["calendar"], exports.calendar(store, now, day))
    exports.write(files["feed"], exports.feed(store, now, day))
    exports.write_map(
        store, files["map"], exports.Filters(), since=period.since, until=period.until
    )
    (page,) = write_digest(load(store, config, period, now), folder, ["html"])
    return [
        "",
        f"The calendar, feed and map of {period.label} were written to {folder}:",
        *(f"  {what:<8}  {path}" for what, path in files.items()),
        f"  {'digest':<8}  {page} (links to the map)",
    ]
