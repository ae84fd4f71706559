"""The offline demo of an announced restriction: Izhevsk (USII), 15 November 2025.

Rosaviatsia's spokesman announced on Telegram that Izhevsk airport was restricted at about
05:30 MSK and lifted it at about 06:50. The two posts (rebuilt from the press's quotes,
``notam_log/data/demo-izhevsk/``) are served as channel pages at their real times by the
loopback server; the real ``telegram`` source reads them every five simulated minutes
through the poll path (:class:`~notam_log.shell.poll.Poller`, the recorder, the store),
and the watcher shows USII restricted, then lifted. The last step reads the Russian AIS
series C bulletin of 11 December 2025 (the nearest one held; none of 15 November is) with
the real ``ru_ais`` source: Izhevsk's NOTAMs of that bulletin restrict nothing.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import IO

from notam_log.core.config import Config, SourceConfig
from notam_log.core.display import clean, duration, event_line, fmt_time
from notam_log.core.errors import NotamLogError
from notam_log.core.models import Post, parse_iso
from notam_log.shell.demo import DemoResult, SimClock, quiet_scheduler
from notam_log.shell.store import Store

DAY = datetime(2025, 11, 15, tzinfo=UTC)
LOCATION = "USII"
CHANNEL_SOURCE = "korenyako"
AIS_SOURCE = "ru-ais"
#: The channel is read every five simulated minutes over the morning.
FIRST, LAST, EVERY = (
    datetime(2025, 11, 15, 2, 0, tzinfo=UTC),
    datetime(2025, 11, 15, 5, 0, tzinfo=UTC),
    timedelta(minutes=5),
)
#: The last step: the series bulletin of 11 December (issued 00:53 UTC).
AIS_STEP = datetime(2025, 12, 11, 1, 0, tzinfo=UTC)
#: Simulated seconds per real second: five minutes of the morning every half second.
SCREEN_SPEED = 600.0
PLAIN_SPEED = 6000.0


def _folder() -> Path:
    return Path(str(resources.files("notam_log").joinpath("data/demo-izhevsk")))


def demo_posts() -> tuple[str, list[Post]]:
    """The channel and its posts of the day (``posts.json``)."""
    try:
        doc = json.loads((_folder() / "posts.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NotamLogError(f"the Izhevsk demo's posts are missing or unreadable: {exc}") from None
    channel = str(doc["channel"])
    posts = []
    for p in doc["posts"]:
        at = parse_iso(str(p["at"]))
        assert at is not None
        posts.append(Post(channel, int(p["id"]), at, str(p["text"]), reply_to=p.get("reply_to")))
    return channel, posts


def demo_bulletins() -> dict[str, bytes]:
    """The Russian AIS series files of the demo, by name."""
    return {p.name: p.read_bytes() for p in sorted(_folder().glob("*_eng.html"))}


def demo_config(db: str, base_url: str, channel: str) -> Config:
    return Config(
        path="<demo izhevsk>",
        database=db,
        locations=(LOCATION,),
        tick_interval=300.0,
        sources=(
            SourceConfig(
                kind="telegram",
                name=CHANNEL_SOURCE,
                interval=EVERY.total_seconds(),
                base_url=base_url,
                options={"channel": channel},
                where="demo",
            ),
            SourceConfig(
                kind="ru_ais",
                name=AIS_SOURCE,
                interval=3600.0,
                base_url=base_url,
                options={"series": ["C"]},
                where="demo",
            ),
        ),
    )


def steps() -> list[tuple[datetime, tuple[str, ...]]]:
    """(time, sources polled then): the channel through the morning, then both."""
    out: list[tuple[datetime, tuple[str, ...]]] = []
    t = FIRST
    while t <= LAST:
        out.append((t, (CHANNEL_SOURCE,)))
        t += EVERY
    out.append((AIS_STEP, (CHANNEL_SOURCE, AIS_SOURCE)))
    return out


def run_izhevsk_demo(
    *,
    db: str | None,
    speed: float | None,
    screen: bool,
    out: IO[str],
    tz_mode: str = "utc",
) -> DemoResult:
    """Replay the morning through the loopback server, the sources and the poll path,
    with the watcher on screen (or the event lines); return the closing summary."""
    from rich.console import Console

    from notam_log.shell.daemon import stop_on_signals
    from notam_log.shell.demo import _client
    from notam_log.shell.runtime import open_runtime
    from notam_log.shell.watch import live_loop, load_screen
    from notam_log.testing.server import NotamTestServer

    speed = speed or (SCREEN_SPEED if screen else PLAIN_SPEED)
    channel, posts = demo_posts()
    plan = steps()
    tmp = None if db else tempfile.TemporaryDirectory(prefix="notam-log-demo-")
    db_path = db if db else str(Path(tmp.name if tmp else ".") / "demo.db")
    clock = SimClock([t for t, _ in plan], speed)
    stop, done = threading.Event(), threading.Event()
    polls = 0

    def current() -> datetime:
        return clock.times[max(clock.index, 0)]

    try:
        with NotamTestServer(
            channels={channel: posts}, ais_files=demo_bulletins(), clock=current
        ) as server:
            config = demo_config(db_path, server.base_url, channel)
            with open_runtime(config, db_path, lock=True, env={}, client=_client) as runtime:
                store = runtime.store
                sources = {s.name: s for s in runtime.sources}
                poller = runtime.poller({"max_attempts": 2})

                def run() -> None:
                    nonlocal polls
                    try:
                        for i, (_t, names) in enumerate(plan):
                            if stop.is_set():
                                return
                            at = clock.next_poll()
                            assert at is not None
                            poller.poll([sources[n] for n in names], at)
                            poller.recorder.tick(at)
                            polls += len(names)
                            if i + 1 < len(plan):
                                gap = min(plan[i + 1][0] - at, EVERY * 2)
                                if stop.wait(gap.total_seconds() / speed):
                                    return
                    finally:
                        done.set()

                if not screen:
                    out.write(
                        f"notam-log demo (Izhevsk): the {channel} channel read every"
                        f" {int(EVERY.total_seconds() // 60)} minutes,"
                        f" {fmt_time(FIRST)} to {fmt_time(LAST)}, then the Russian AIS"
                        f" series C bulletin of {AIS_STEP:%d %B %Y}; database {db_path}\n"
                    )
                    out.flush()
                worker = threading.Thread(target=run, name="demo-izhevsk", daemon=True)
                with stop_on_signals(stop), quiet_scheduler():
                    worker.start()
                    try:
                        if screen:
                            with Store(db_path, create=False) as view:
                                live_loop(
                                    Console(),
                                    lambda: load_screen(
                                        view, config, note=_note(view, speed, tz_mode),
                                        now=clock.now(),
                                    ),
                                    clock.now, stop, done=done, hold=3.0,
                                    tz_mode="local" if tz_mode == "local" else "utc",
                                    refresh=0.5,
                                )  # fmt: skip
                        else:
                            _print_events(db_path, out, stop, done)
                    finally:
                        stop.set()
                        worker.join(timeout=30)
                lines = closing(store, config)
                total = store.count_events()
        return DemoResult(db_path, polls, total, lines)
    finally:
        if tmp is not None:
            tmp.cleanup()


def _note(store: Store, speed: float, tz_mode: str) -> str:
    tz = "Europe/Moscow" if tz_mode == "local" else None
    open_ = store.announced_episodes(locations=[LOCATION], open_only=True)
    said = (
        f"USII RESTRICTED (announced {fmt_time(open_[0].start, tz)} by {open_[0].start_key})"
        if open_
        else "USII: no announced restriction in force"
    )
    return f"demo Izhevsk 15 Nov 2025: {said}; five minutes every {300 / speed:.1f} s"


def _print_events(db_path: str, out: IO[str], stop: threading.Event, done: threading.Event) -> None:
    """Print the events the watcher shows (USII's changes, announcements whose airport
    could not be named, the sources' health) as they are logged."""
    from notam_log.shell.watch import SCREEN_KINDS, screen_events

    last = 0
    with Store(db_path, create=False) as view:
        while True:
            finished = done.is_set() or stop.is_set()
            shown = screen_events(view, (LOCATION,), after_seq=last, limit=1000)
            unnamed = [
                e
                for e in view.events(kinds=SCREEN_KINDS, after_seq=last)
                if not e.locations and e.kind.startswith("announced_")
            ]
            for e in sorted(shown + unnamed, key=lambda e: e.seq or 0):
                out.write(event_line(e) + "\n")
                last = max(last, e.seq or 0)
            out.flush()
            if finished or stop.wait(0.1):
                return


def closing(store: Store, config: Config) -> list[str]:
    """The digest of the day (its announced episodes with their verdicts), then the
    announced episodes of the day in Moscow time, with the same verdicts."""
    from notam_log.shell.digests import render_day

    lines = render_day(store, config, DAY).splitlines()
    return lines + announced_lines(store, config, DAY)


def announced_lines(
    store: Store, config: Config, day: datetime, locations: Sequence[str] = ()
) -> list[str]:
    """One line per announced episode of a UTC day (Moscow times beside), and what the
    NOTAM log says of it (the verdicts every answer gives, :mod:`notam_log.shell.announced`)."""
    from notam_log.shell.announced import judged

    since, until = day, day + timedelta(days=1)
    now = max(store.last_poll_finished() or until, until)
    items = judged(store, config, now, locations=locations, since=since, until=until)
    if not items:
        return ["", "Announced restrictions: none recorded that day."]
    out = ["", "Announced restrictions (Rosaviatsia's channels, times as stated or posted):"]
    for a, v in items:
        end = fmt_time(a.end, "Europe/Moscow") if a.end else "still in force"
        took = f", {duration(a.end - a.start)}" if a.end is not None else ""
        out.append(
            f"  {clean(a.location, one_line=True)} ({clean(a.name, one_line=True)}): from"
            f" {fmt_time(a.start, 'Europe/Moscow')} to {end}{took};"
            f" {clean(', '.join((*a.keys, *([a.end_key] if a.end_key else []))), one_line=True)}"
        )
        out.append(f"    NOTAMs: {v.text}")
    return out
