"""Change detection: (previous state, one snapshot or tick, its time) -> events.

Pure: no I/O, no clock. The store loads a :class:`World`, calls :func:`ingest` or
:func:`tick`, writes the :class:`Changes` in one transaction and only then keeps
``changes.world`` as the new state. If the write fails the old world is intact.

The rules that keep the log true:

* Only a complete snapshot may decide that a NOTAM disappeared, and a
  disappearance is confirmed as ``withdrawn`` only after the NOTAM stayed absent
  from ``withdraw_after`` consecutive complete snapshots of its scope.
* The first absence decides how a NOTAM ended. First missed before its end time (C)
  and confirmed absent, it is ``withdrawn`` in ``(last presence, first absence]``
  whenever the confirmation comes, even after C, and its ``restriction_lifted``
  has the same bounds; until its scope's next complete snapshot decides, such a
  NOTAM past C is *held*: not expired, and its restrictions stay as they were. Only
  a NOTAM still listed at or after C, or first missed after C, is ``expired`` (at C).
* Every restriction interval (B-C, or each D) window) is logged, also one that began
  and ended between two evaluations (polls or ticks): it gets its
  ``restriction_imposed`` and ``restriction_lifted`` at the evaluation after it, with
  ``effective_at`` the NOTAM's times, and its episode.
* A snapshot not newer than the scope's last snapshot is ignored, so that
  ingesting the same data twice adds nothing. A snapshot older than the last tick (its
  fetch overlapped a tick) is recorded all the same; time-driven changes are then
  evaluated at the tick's time, so evaluation never goes backwards.
* A NOTAM is amended by the source that first listed it: another source's rendering
  of the same NOTAM (other location form, limits or Q-code) is not a change, unless
  the first source no longer vouches for it (down, no longer listing it, silent for a
  day); then the other source's change is an amendment and the NOTAM follows it.
* Every event carries the range ``(after, observed_at]`` in which the change
  happened; ``effective_at`` is the time the NOTAM itself gives (B, C, a window edge).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from notam_log.core.diff.evaluate import evaluate
from notam_log.core.diff.snapshot import ingest
from notam_log.core.diff.state import (
    NOT_MODIFIED,
    TERMINAL,
    Changes,
    InForce,
    Rules,
    ScopeInfo,
    SourceHealth,
    Tracked,
    World,
)
from notam_log.core.models import Event, iso

__all__ = [
    "NOT_MODIFIED",
    "TERMINAL",
    "Changes",
    "InForce",
    "Rules",
    "ScopeInfo",
    "SourceHealth",
    "Tracked",
    "World",
    "ingest",
    "source_result",
    "tick",
]


def tick(world: World, now: datetime) -> Changes:
    """Record the time-driven changes (expiries, ends of D) windows) up to ``now``."""
    ch = Changes(world=world, status="tick")
    if world.last_eval is not None and now <= world.last_eval:
        return ch
    return evaluate(ch, world, now)


def source_result(world: World, source: str, now: datetime, error: str | None) -> Changes:
    """Record a source's poll outcome: ``source_down`` once when it starts failing,
    ``source_up`` once when it recovers."""
    health = world.sources.get(source, SourceHealth())
    ch = Changes(world=world, status="source")
    if error is None:
        if health.down_since is not None:
            ch.events.append(
                Event(
                    kind="source_up",
                    source=source,
                    observed_at=now,
                    after=health.last_ok,
                    detail={"down_since": iso(health.down_since), "failures": health.failures},
                )
            )
        health = SourceHealth(down_since=None, failures=0, last_ok=now, last_error=None)
    else:
        if health.down_since is None:
            ch.events.append(
                Event(
                    kind="source_down",
                    source=source,
                    observed_at=now,
                    after=health.last_ok,
                    detail={"error": error},
                )
            )
            health = dataclasses.replace(health, down_since=now)
        health = dataclasses.replace(health, failures=health.failures + 1, last_error=error)
    sources = dict(world.sources)
    sources[source] = health
    ch.world = dataclasses.replace(world, sources=sources)
    return ch
