"""Recording: the shell around change detection. Holds the state in memory,
writes each change in one transaction, and keeps the new state only once written."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from notam_log.core import announce, diff
from notam_log.core.checks import one_per_key
from notam_log.core.models import DEFAULT_RESTRICTIONS, Event, Notam, PollRecord, Snapshot
from notam_log.shell.store import Store

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Recorded:
    """What one snapshot did to the log."""

    source: str
    scope: str
    status: str  # complete, unchanged, partial, suspect, skipped
    reason: str | None
    notams: int
    events: tuple[Event, ...]
    issues: int  # NOTAMs that came with parse issues


class Recorder:
    """Applies snapshots, ticks and source outcomes to one store."""

    def __init__(
        self,
        store: Store,
        *,
        rules: diff.Rules | None = None,
        restrictions: Collection[str] = DEFAULT_RESTRICTIONS,
        resolver: announce.Resolver | None = None,
    ) -> None:
        self.store = store
        self.rules = rules or diff.Rules()
        self.restrictions = frozenset(restrictions)
        self.world = store.load_world()
        #: Russian airport names -> ICAO codes, for announcements (built on first use).
        self._resolver = resolver
        self._announce_world: announce.AnnounceWorld | None = None

    @property
    def resolver(self) -> announce.Resolver:
        if self._resolver is None:
            from notam_log.shell.airports import russian_resolver

            self._resolver = russian_resolver()
        return self._resolver

    def snapshot(self, snap: Snapshot, *, finished_at: datetime | None = None) -> Recorded:
        """Record one snapshot of one scope (one transaction)."""
        # one record per key, never chosen by the listing's order (core.checks)
        snap = dataclasses.replace(snap, notams=one_per_key(snap.notams))
        if self.restrictions != DEFAULT_RESTRICTIONS:
            snap = dataclasses.replace(snap, notams=tuple(self._restrict(n) for n in snap.notams))
        scope_info = self.world.scopes.get((snap.source, snap.scope))
        after = scope_info.last_complete if scope_info is not None else None
        changes = diff.ingest(self.world, snap, self.rules)
        issues = sum(1 for n in snap.notams if n.issues)
        if changes.status == "skipped":
            logger.info(
                "%s %s: snapshot of %s skipped: %s",
                snap.source,
                snap.scope,
                snap.taken_at,
                changes.reason,
            )
            return Recorded(
                snap.source, snap.scope, "skipped", changes.reason, len(snap.notams), (), issues
            )
        poll = PollRecord(
            source=snap.source,
            scope=snap.scope,
            started_at=snap.taken_at,
            finished_at=finished_at or snap.taken_at,
            status=changes.status,
            reason=changes.reason,
            notams=len(snap.notams),
        )
        said = self._announcements(snap, after) if snap.posts else None
        if said is not None:
            changes.events.extend(said.events)
        events = self._write(changes, poll, said)
        return Recorded(
            snap.source,
            snap.scope,
            changes.status,
            changes.reason,
            len(snap.notams),
            tuple(events),
            issues,
        )

    def tick(self, now: datetime) -> list[Event]:
        """Record the time-driven changes up to ``now``."""
        changes = diff.tick(self.world, now)
        if not changes.events and changes.world is self.world:
            return []
        return self._write(changes, None)

    def source_outcome(self, source: str, now: datetime, error: str | None) -> list[Event]:
        """Record whether a source's poll worked (``source_down`` / ``source_up`` once each)."""
        changes = diff.source_result(self.world, source, now, error)
        return self._write(changes, None)

    def failed_poll(
        self, source: str, scope: str, started: datetime, finished: datetime, reason: str
    ) -> None:
        """Record a poll that produced nothing usable (it decides nothing)."""
        changes = diff.Changes(world=self.world, status="source")
        poll = PollRecord(source, scope, started, finished, "failed", reason)
        self._write(changes, poll)

    def _announcements(self, snap: Snapshot, after: datetime | None) -> announce.AnnounceChanges:
        """What the posts of a channel's snapshot announced (see core/announce.py)."""
        if self._announce_world is None:
            self._announce_world = self.store.load_announce_world()
        return announce.ingest(
            self._announce_world,
            snap.posts,
            source=snap.source,
            observed_at=snap.taken_at,
            after=after,
            resolver=self.resolver,
            only=snap.only,
        )

    def _write(
        self,
        changes: diff.Changes,
        poll: PollRecord | None,
        said: announce.AnnounceChanges | None = None,
    ) -> list[Event]:
        # what did not change since self.world (the store's state) is not written again
        events = self.store.write(changes, poll, announce=said, before=self.world)
        self.world = changes.world
        if said is not None:
            self._announce_world = said.world
        return events

    def _restrict(self, n: Notam) -> Notam:
        flag = n.category in self.restrictions
        return n if flag == n.restriction else dataclasses.replace(n, restriction=flag)
