"""One poll of the configured sources: fetch (concurrently) -> parse -> detect -> store.

The shell around the adapters: it restores each source's saved state (ETag, seen
TFRs, quota reset), runs them through :mod:`notam_log.shell.http`, records every snapshot
through the :class:`~notam_log.shell.recorder.Recorder` (one transaction each) and records
the source's health (``source_down`` / ``source_up`` once each).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from notam_log.core.models import Event
from notam_log.shell.http import SourceRun, run_sources
from notam_log.shell.recorder import Recorder
from notam_log.sources import Source

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class PollSummary:
    """One line of ``notam-log poll`` output."""

    source: str
    notams: int = 0
    events: list[Event] = field(default_factory=list)
    elapsed: float = 0.0
    error: str | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    skipped: str | None = None  # why the source was deliberately not called

    @property
    def failed(self) -> bool:
        return self.error is not None


class Poller:
    """Polls sources into one recorder; safe to call from several scheduler threads."""

    def __init__(
        self,
        recorder: Recorder,
        client: httpx.Client,
        *,
        runner: Callable[..., dict[str, SourceRun]] = run_sources,
        run_kwargs: Mapping[str, object] | None = None,
    ) -> None:
        self.recorder = recorder
        self.client = client
        self.runner = runner
        self.run_kwargs = dict(run_kwargs or {})
        self.lock = threading.Lock()
        #: Set (under ``lock``) when the process stops: nothing more is written, so a
        #: fetch still in flight then ends without touching the store.
        self.closed = False
        self._restored: set[str] = set()

    def poll(self, sources: Sequence[Source], now: datetime) -> list[PollSummary]:
        with self.lock:
            for s in sources:
                if s.name not in self._restored:
                    s.restore(self.recorder.store.source_state(s.name))
                    self._restored.add(s.name)
        runs = self.runner(sources, self.client, now, **self.run_kwargs)
        out = []
        with self.lock:
            if self.closed:
                return []
            for s in sources:
                out.append(self._record(s, runs[s.name], now))
        return out

    def _record(self, source: Source, run: SourceRun, now: datetime) -> PollSummary:
        summary = PollSummary(source.name, elapsed=run.elapsed, error=run.error)
        rec = self.recorder
        # A source that keeps validators of what it fetched (ETag) hears what the log
        # made of each snapshot, so that they never stand for one the log does not hold.
        told: Callable[[str, str], None] | None = getattr(source, "recorded", None)
        for done, snap in enumerate(run.snapshots):
            try:
                result = rec.snapshot(snap)
            except BaseException:
                if told is not None:  # this one and those after it were not recorded
                    for s in run.snapshots[done:]:
                        told(s.scope, "not recorded")
                raise
            if told is not None:
                told(snap.scope, result.status)
            summary.notams += result.notams
            summary.events.extend(result.events)
            summary.statuses[result.status] = summary.statuses.get(result.status, 0) + 1
        skipped = bool(run.snapshots) and all(
            not s.complete and (s.reason or "").startswith("skipped:") for s in run.snapshots
        )
        if skipped and not run.fatal:
            # Deliberately not called (pull interval, used-up quota): neither down nor up.
            # It stays a failure while the source is down (a quota still used up).
            summary.skipped = run.snapshots[0].reason
            health = rec.world.sources.get(source.name)
            if health is None or health.down_since is None:
                summary.error = None
        else:
            any_complete = any(s.complete for s in run.snapshots)
            down = run.error if (run.fatal or not any_complete or not run.snapshots) else None
            summary.events.extend(rec.source_outcome(source.name, now, down))
        rec.store.save_source_state(source.name, source.state(), last_poll=now)
        logger.info(
            "%s: %d NOTAMs, %d events, %.1f s%s",
            source.name,
            summary.notams,
            len(summary.events),
            run.elapsed,
            f", {run.error}" if run.error else "",
        )
        return summary
