"""APScheduler 3.x wiring for ``run``, ``watch`` and ``demo``: poll, tick and digest jobs.

One interval job per enabled source (its ``interval``, with jitter, ``max_instances=1``,
coalescing and a misfire grace time), a tick job that records time-driven changes
(expiries, ends of item D windows) every ``config.tick_interval`` seconds, and the
daily digest job (:func:`notam_log.shell.digests.daily_job`). The jobs work on one
:class:`~notam_log.shell.runtime.Runtime` (its store, recorder, sources and client).

Jobs run in APScheduler's thread pool. Every write goes through one
:class:`~notam_log.shell.poll.Poller` and its lock (the tick job takes the same lock), so
the one SQLite connection (opened with ``check_same_thread=False``) sees one
transaction at a time. :func:`serve` turns SIGINT and SIGTERM into an orderly stop:
the transaction in progress finishes, the jobs stop, and the process exits 0.

``speed`` and ``poll_clock`` exist for the offline demo: intervals are divided by
``speed`` and each poll may be given a simulated "now" (the bulletin's hour).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.executors.base import BaseExecutor, run_job
from apscheduler.schedulers.background import BackgroundScheduler

from notam_log.core.channels import channels
from notam_log.core.config import Config
from notam_log.core.display import clean
from notam_log.core.errors import NotamLogError
from notam_log.core.models import Event
from notam_log.shell import clock as wall_clock
from notam_log.shell.digests import daily_job
from notam_log.shell.notify import NotifyState, notify_events
from notam_log.shell.poll import PollSummary
from notam_log.shell.runtime import Runtime, open_runtime
from notam_log.shell.store import Store
from notam_log.sources import Source

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
#: What ``signal.signal`` gives back: a function, SIG_DFL/SIG_IGN, or None (not set from Python).
SignalHandler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None
DigestJob = Callable[[Config, Store, datetime], object]

#: How long stopping waits for jobs in flight before leaving them (a fetch that ends
#: at its own deadline); what they would write is not written.
STOP_GRACE = 3.0


class DaemonThreadExecutor(BaseExecutor):  # type: ignore[misc]
    """Each job in a thread of its own that never holds the process up: ``run`` stops
    within seconds on SIGTERM whatever a poll is doing (a stalled connection, a body
    trickling in). No write is cut short: every write happens under the poller's lock,
    which stopping takes before the store is closed (see :meth:`NotamScheduler.stop`)."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[threading.Thread] = set()
        self._threads_lock = threading.Lock()

    def _do_submit_job(self, job: Any, run_times: Any) -> None:
        def work() -> None:
            try:
                events = run_job(job, job._jobstore_alias, run_times, self._logger.name)
            except BaseException as exc:
                self._run_job_error(job.id, exc, exc.__traceback__)
            else:
                self._run_job_success(job.id, events)
            finally:
                with self._threads_lock:
                    self.threads.discard(threading.current_thread())

        thread = threading.Thread(target=work, name=f"notam-job-{job.id}", daemon=True)
        with self._threads_lock:
            self.threads.add(thread)
        thread.start()

    def running(self) -> list[threading.Thread]:
        with self._threads_lock:
            return list(self.threads)

    def shutdown(self, wait: bool = True) -> None:
        if wait:
            for thread in self.running():
                thread.join()


#: Jitter as a share of a source's interval, and its cap in seconds.
JITTER_RATIO = 0.05
JITTER_MAX = 60.0
#: How late (seconds, at least) a poll may still run after a stall (sleep, busy pool).
MISFIRE_GRACE_MIN = 30.0


class NotamScheduler:
    """The jobs of one polling process over one runtime.

    Args:
        runtime: the store every job writes to (one connection, shared under the
            lock), its recorder, the sources to poll and the shared HTTP client.
        clock: "now" for ticks and the digest (the wall clock, or the demo's).
        poll_clock: "now" for a poll; returning None skips that poll (demo: no bulletin left).
        speed: divides every interval (1 in real use).
        jitter_ratio: jitter as a share of each source's interval (capped at a minute).
        on_poll: called after each poll of each source with its summary and "now".
        run_kwargs: passed to the HTTP driver (the demo's fewer, shorter retries).
    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        clock: Clock = wall_clock.now,
        poll_clock: Callable[[], datetime | None] | None = None,
        speed: float = 1.0,
        jitter_ratio: float = JITTER_RATIO,
        on_poll: Callable[[PollSummary, datetime], None] | None = None,
        run_kwargs: Mapping[str, object] | None = None,
    ) -> None:
        if speed <= 0:
            raise NotamLogError(f"speed must be positive, not {speed}")
        self.runtime = runtime
        self.config = runtime.config
        self.store = runtime.store
        self.sources = list(runtime.sources)
        self.clock = clock
        self.poll_clock = poll_clock or clock
        self.speed = speed
        self.jitter_ratio = jitter_ratio
        self.on_poll = on_poll
        self.recorder = runtime.recorder
        #: Set when stopping: ends the waits and transfers of polls in flight.
        self.stopping = threading.Event()
        self.poller = runtime.poller({"stop": self.stopping, **dict(run_kwargs or {})})
        # The daily digest runs on the wall clock only (not in the accelerated demo).
        self.digest: DigestJob | None = daily_job if speed == 1.0 else None
        self.executor = DaemonThreadExecutor()
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1},
            executors={"default": self.executor},
        )
        self._intervals = {s.name: s.interval for s in self.config.sources}
        self.notify_state = NotifyState()
        self._notify_lock = threading.Lock()
        self._inflight: dict[str, datetime] = {}
        self._inflight_lock = threading.Lock()

    # ------------------------------------------------------------------ jobs

    def interval_of(self, name: str) -> float:
        """A source's interval in real seconds (config interval / speed)."""
        return float(self._intervals.get(name, 3600.0)) / self.speed

    def add_jobs(self, start: datetime | None = None) -> None:
        """Schedule every job. Each source's first poll is due at its last poll plus
        its interval (now when it never polled or is overdue), so that restarting
        ``run`` does not poll again at once."""
        real_now = wall_clock.instant()
        last = self.store.last_polls() if start is None else {}
        for source in self.sources:
            interval = self.interval_of(source.name)
            jitter = min(JITTER_MAX, interval * self.jitter_ratio)
            first = start or real_now
            previous = last.get(source.name)
            if start is None and previous is not None and self.speed == 1.0:
                # the interval after the last poll, but never later than one interval
                # from now: a poll logged in the future (a clock that was wrong) must
                # not hold the next one back
                first = min(
                    max(real_now, previous + timedelta(seconds=interval)),
                    real_now + timedelta(seconds=interval),
                )
            self.scheduler.add_job(
                self.poll_source,
                "interval",
                args=[source],
                id=f"poll:{source.name}",
                name=f"poll {source.name}",
                seconds=interval,
                jitter=jitter or None,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=int(max(MISFIRE_GRACE_MIN, interval / 2)),
                next_run_time=first,
            )
        tick = max(0.05, self.config.tick_interval / self.speed)
        self.scheduler.add_job(
            self.tick_job,
            "interval",
            id="tick",
            name="tick",
            seconds=tick,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(max(MISFIRE_GRACE_MIN, tick)),
        )
        if self.digest is not None:
            hour, minute = (int(x) for x in self.config.digest.time.split(":"))
            self.scheduler.add_job(
                self.digest_job,
                "cron",
                id="digest",
                name="daily digest",
                hour=hour,
                minute=minute,
                timezone=self.config.digest.timezone,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=3600,
            )

    def poll_source(self, source: Source) -> PollSummary | None:
        """One poll of one source (a job); logs and swallows store errors."""
        now = self.poll_clock()
        if now is None:
            return None
        with self._inflight_lock:
            self._inflight[source.name] = now
        try:
            summary = self.poller.poll([source], now)[0]
        except NotamLogError as exc:
            logger.error("%s: poll not recorded: %s", source.name, exc)
            return None
        finally:
            with self._inflight_lock:
                self._inflight.pop(source.name, None)
        if self.on_poll is not None:
            self.on_poll(summary, now)
        self.notify(summary.events, now)
        self.export(now)
        return summary

    def export(self, now: datetime) -> None:
        """Keep the ``[export]`` folder's feed, calendar and GeoJSON current (never raises)."""
        cfg = self.config.export
        if not cfg.folder:
            return
        from notam_log.shell.exports import write_folder

        try:
            with self.poller.lock:
                folder = Path(cfg.folder).expanduser()
                write_folder(self.store, folder, now, days=cfg.days, limit=cfg.limit)
        except NotamLogError as exc:
            logger.error("exports not written: %s", exc)

    def notify(self, events: Sequence[Event], now: datetime) -> None:
        """Event notifications through ``[[notify]]`` (rate-limited, batched; never raises).
        Called with no events too, so that batches whose wait is over go out."""
        if not self.config.notify:
            return
        try:
            with self._notify_lock:
                notify_events(self.config, events, now, self.notify_state)
        except NotamLogError as exc:
            logger.error("notifications not sent: %s", exc)

    def tick_job(self) -> list[Event]:
        """Record the time-driven changes up to now (under the poller's lock), but not
        past the start of a poll still in flight: the recorder refuses a snapshot
        older than its last evaluation, so a tick must not overtake a slow fetch."""
        now = self.tick_time()
        try:
            with self.poller.lock:
                if self.poller.closed:
                    return []
                events = self.recorder.tick(now)
        except NotamLogError as exc:
            logger.error("tick not recorded: %s", exc)
            return []
        self.notify(events, self.clock())
        return events

    def tick_time(self) -> datetime:
        """``clock()``, held back to just before the oldest poll in flight."""
        now = self.clock()
        with self._inflight_lock:
            if self._inflight:
                now = min(now, min(self._inflight.values()) - timedelta(seconds=1))
        return now

    def digest_job(self) -> None:
        """Make the daily digest (:func:`notam_log.shell.digests.daily_job`)."""
        if self.digest is None:
            return
        with self.poller.lock:
            if not self.poller.closed:
                self.digest(self.config, self.store, self.clock())

    # ------------------------------------------------------------------ control

    def start(self, start: datetime | None = None) -> None:
        self.add_jobs(start)
        self.scheduler.start()

    def stop(self, grace: float = STOP_GRACE) -> bool:
        """Stop scheduling; give the jobs in flight ``grace`` seconds to end (their
        waits and transfers end at once, see ``stopping``), then take the poller's lock
        (a transaction in progress finishes) and close it: nothing is written after
        this returns. Returns whether every job had ended."""
        self.stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        ends = time.monotonic() + grace
        for thread in self.executor.running():
            thread.join(max(0.0, ends - time.monotonic()))
        with self.poller.lock:
            self.poller.closed = True
        left = [t.name for t in self.executor.running()]
        if left:
            logger.warning("stopped with jobs still in flight (not recorded): %s", ", ".join(left))
        return not left

    def next_polls(self) -> dict[str, datetime]:
        """Each source's next poll (real time), from the scheduler."""
        out: dict[str, datetime] = {}
        for source in self.sources:
            job = self.scheduler.get_job(f"poll:{source.name}")
            when = getattr(job, "next_run_time", None) if job is not None else None
            if isinstance(when, datetime):
                out[source.name] = when.astimezone(UTC)
        return out


def poll_line(summary: PollSummary, now: datetime) -> str:
    """One log line for one poll of one source (pure), restriction changes named."""
    line = (
        f"{now.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ} {summary.source}: {summary.notams} NOTAMs,"
        f" {len(summary.events)} events, {summary.elapsed:.1f} s"
    )
    changes = [
        f"{'+' if e.kind == 'restriction_imposed' else '-'}{','.join(e.locations)}"
        f" {e.category} {e.key}"
        for e in summary.events
        if e.kind in ("restriction_imposed", "restriction_lifted")
    ]
    if changes:
        shown = changes[:5] + ([f"+{len(changes) - 5} more"] if len(changes) > 5 else [])
        line += " [" + "; ".join(shown) + "]"
    if summary.error:
        line += " FAILED: " + summary.error
    return clean(line, one_line=True)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[threading.Event]:
    """While inside, SIGINT and SIGTERM set ``stop`` instead of raising; restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    saved: dict[signal.Signals, SignalHandler] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        saved[sig] = signal.signal(sig, handler)
    try:
        yield stop
    finally:
        for sig, old in saved.items():
            signal.signal(sig, old)


def serve(sched: NotamScheduler, stop: threading.Event, *, poll_every: float = 1.0) -> None:
    """Run the jobs until ``stop`` is set (by a signal or a caller), then stop them."""
    with stop_on_signals(stop):
        sched.start()
        try:
            while not stop.wait(poll_every):
                pass
        finally:
            sched.stop()


def run_daemon(config: Config, db_path: str, on_line: Callable[[str], None]) -> None:
    """``notam-log run``: take the database's poller lock, poll and tick until
    SIGINT/SIGTERM, one line per poll per source to ``on_line`` (and one when it starts
    and stops). :class:`PollerBusy` when another process polls the database."""
    write = threading.Lock()

    def on_poll(summary: PollSummary, now: datetime) -> None:
        with write:
            on_line(poll_line(summary, now))

    channels(config, os.environ)  # every [[notify]] table is valid before anything starts
    with open_runtime(config, db_path, lock=True, require_sources=True) as runtime:
        sched = NotamScheduler(runtime, on_poll=on_poll)
        names = ", ".join(
            f"{s.name} every {sched.interval_of(s.name):.0f} s" for s in runtime.sources
        )
        digest = (
            f"digest at {config.digest.time} {config.digest.timezone}"
            if sched.digest
            else "no digest job (accelerated clock)"
        )
        on_line(
            f"notam-log run: {db_path}: {names}; tick every {config.tick_interval:.0f} s; {digest}"
        )
        serve(sched, threading.Event())
    on_line("notam-log run: stopped")
