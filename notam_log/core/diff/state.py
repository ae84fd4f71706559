"""What change detection knows between two steps (the :class:`World`) and what one step
changed (the :class:`Changes` the store writes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from notam_log.core.models import Episode, Event, Notam

TERMINAL = ("replaced", "cancelled", "expired", "withdrawn")
NOT_MODIFIED = "not modified"
#: A restriction is a (location, category) pair.
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Tracked:
    """What the log knows of one NOTAM that is still active."""

    notam: Notam
    hash: str
    source: str
    scope: str
    first_seen: datetime
    version: int = 1
    missing: int = 0  # consecutive complete snapshots of its scope without it
    missing_after: datetime | None = None  # last complete snapshot that had it
    missing_by: datetime | None = None  # first complete snapshot without it

    def held(self, t: datetime) -> bool:
        """Whether the NOTAM is past its end at ``t`` but went missing before it: the
        next complete snapshot of its scope decides between ``withdrawn`` (absent again)
        and ``expired`` (listed again), so nothing time-driven happens to it until then."""
        end = self.notam.end
        return (
            self.missing > 0
            and end is not None
            and end <= t
            and self.missing_by is not None
            and self.missing_by < end
        )


@dataclass(frozen=True, slots=True)
class ScopeInfo:
    last_complete: datetime | None = None
    last_count: int = 0
    present: frozenset[str] = frozenset()  # keys in the last complete snapshot
    last_poll: datetime | None = None  # the last snapshot of any status


@dataclass(frozen=True, slots=True)
class InForce:
    """A (location, category) restriction in force and the NOTAMs behind it."""

    keys: frozenset[str]
    since_by: datetime
    since_after: datetime | None = None
    since_effective: datetime | None = None


@dataclass(frozen=True, slots=True)
class SourceHealth:
    down_since: datetime | None = None
    failures: int = 0
    last_ok: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class World:
    """The state change detection needs; the store can rebuild it from its tables."""

    active: Mapping[str, Tracked] = field(default_factory=dict)
    terminal: Mapping[str, str] = field(default_factory=dict)  # key -> final status
    scopes: Mapping[tuple[str, str], ScopeInfo] = field(default_factory=dict)
    in_force: Mapping[tuple[str, str], InForce] = field(default_factory=dict)
    episodes: Mapping[str, Episode] = field(default_factory=dict)  # open, by location
    sources: Mapping[str, SourceHealth] = field(default_factory=dict)
    last_eval: datetime | None = None


@dataclass(frozen=True, slots=True)
class Rules:
    withdraw_after: int = 2
    suspect_ratio: float = 0.5  # fewer than this share of the last count is suspect
    suspect_min: int = 20  # ... when the last count was at least this


@dataclass(slots=True)
class Changes:
    """What one ingest or tick changed, for the store to write."""

    world: World
    events: list[Event] = field(default_factory=list)
    upserts: dict[str, Tracked] = field(default_factory=dict)  # new or amended: whole rows
    marks: dict[str, Tracked] = field(default_factory=dict)  # only the missing counters changed
    versions: list[Tracked] = field(default_factory=list)  # new versions of NOTAM content
    finals: dict[str, str] = field(default_factory=dict)  # key -> terminal status
    removed: dict[str, Tracked] = field(default_factory=dict)  # what left the active set
    seen: set[str] = field(default_factory=set)  # keys present in the snapshot
    #: Episodes that ended in this step, in time order (one may also have begun in it).
    closed_episodes: list[Episode] = field(default_factory=list)
    status: str = "complete"  # of the poll: complete, unchanged, partial, failed, suspect, skipped
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """What an ingest hands to the evaluation of time-driven changes."""

    new_keys: frozenset[str] = frozenset()  # first listed in this snapshot
    #: When the scope's last complete snapshot before this one was taken (the lower
    #: bound of what the snapshot shows that is new), None for a tick or a baseline.
    scope_after: datetime | None = None
    baseline: bool = False
    #: NOTAMs that were held past their end (see :meth:`Tracked.held`) and are listed
    #: again: their expiry is bounded below by their first absence.
    returned: Mapping[str, datetime] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Interval:
    """A restriction that began and ended between two evaluations (merged over the
    NOTAMs of its pair), with the two events that log it."""

    location: str
    category: str
    start: datetime
    end: datetime
    keys: frozenset[str]
    imposed: Event
    lifted: Event
