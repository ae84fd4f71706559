"""The digest's model: what :func:`notam_log.core.digest.build` returns and what the
renderers read. Pure data; :mod:`notam_log.core.digest` still exports every name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from notam_log.core import announced as an
from notam_log.core import known as cv
from notam_log.core.coverage import Coverage
from notam_log.core.periods import Period
from notam_log.core.timeline import best_time

#: NOTAM event kinds counted in a digest, in display order.
NOTAM_KINDS: tuple[str, ...] = (
    "published",
    "amended",
    "replaced",
    "cancelled",
    "withdrawn",
    "expired",
    "reappeared",
)

# --------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class Bounded:
    """A change known to lie in ``(after, by]``; ``effective`` is the NOTAM's own time."""

    by: datetime
    after: datetime | None = None
    effective: datetime | None = None

    @property
    def best(self) -> datetime:
        """The best single estimate: the NOTAM's time when the polls allow it."""
        return best_time(self.after, self.by, self.effective)

    @property
    def exact(self) -> bool:
        eff = self.effective
        return eff is not None and (self.after is None or eff > self.after) and eff <= self.by


@dataclass(frozen=True, slots=True)
class Imposed:
    location: str
    category: str
    key: str | None
    id: str | None
    when: Bounded
    text: str = ""


@dataclass(frozen=True, slots=True)
class Lifted:
    location: str
    category: str
    key: str | None
    id: str | None
    began: Bounded
    when: Bounded
    lasted: tuple[timedelta, timedelta]
    text: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """A part of the timeline bar: fractions of the period, certain or only possible,
    closed or limited (see ``timeline.CLOSURES``)."""

    start: float
    end: float
    certain: bool
    closed: bool = False


@dataclass(frozen=True, slots=True)
class EpisodeItem:
    """A restriction episode as the period saw it."""

    began: Bounded
    ended: Bounded | None  # None: still in force at the end of the period
    categories: tuple[str, ...]
    keys: tuple[str, ...]
    lasted: tuple[timedelta, timedelta]  # to its end, or to the end of the period
    before_watch: bool  # already in force when watching began
    lifted_later: datetime | None = None  # known end after the period


@dataclass(frozen=True, slots=True)
class Notable:
    kind: str
    key: str | None
    id: str | None
    category: str | None
    when: Bounded
    text: str = ""
    by: str | None = None  # the NOTAMR/NOTAMC that ended it


@dataclass(frozen=True, slots=True)
class Overdue:
    key: str
    id: str | None
    category: str
    end: datetime  # the estimated end (EST) that passed
    text: str = ""


@dataclass(frozen=True, slots=True)
class LocationDigest:
    location: str
    name: str | None
    imposed: tuple[Imposed, ...] = ()
    lifted: tuple[Lifted, ...] = ()
    episodes: tuple[EpisodeItem, ...] = ()
    spans: tuple[Span, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    baseline: int = 0
    notable: tuple[Notable, ...] = ()
    notable_more: int = 0
    overdue: tuple[Overdue, ...] = ()
    #: The parts of the period no complete poll of a covering source vouches for.
    unknown: tuple[Span, ...] = ()
    #: Whether the log can answer for the location over the period (None: not asked).
    coverage: cv.LocationCoverage | None = None
    #: Restrictions the authority announced (not NOTAMs), each with what the NOTAMs say.
    announced: tuple[tuple[an.Announced, an.Verdict], ...] = ()

    @property
    def in_force(self) -> tuple[EpisodeItem, ...]:
        return tuple(e for e in self.episodes if e.ended is None)

    @property
    def quiet(self) -> bool:
        return not (
            self.imposed
            or self.announced
            or self.lifted
            or self.episodes
            or self.overdue
            or any(self.counts.values())
        )


@dataclass(frozen=True, slots=True)
class Digest:
    period: Period
    made_at: datetime
    locations: tuple[LocationDigest, ...]
    coverage: tuple[Coverage, ...]
    warnings: tuple[str, ...]
    watched: bool  # the locations are the configured watch list

    @property
    def complete(self) -> bool:
        return not self.warnings

    @property
    def totals(self) -> dict[str, int]:
        out = {
            "imposed": sum(len(loc.imposed) for loc in self.locations),
            "lifted": sum(len(loc.lifted) for loc in self.locations),
            "in_force": sum(len(loc.in_force) for loc in self.locations),
            "overdue": sum(len(loc.overdue) for loc in self.locations),
            "baseline": sum(loc.baseline for loc in self.locations),
        }
        for kind in NOTAM_KINDS:
            out[kind] = sum(loc.counts.get(kind, 0) for loc in self.locations)
        return out


@dataclass(frozen=True, slots=True)
class DigestRecord:
    """A digest made earlier, as the store remembers it (for ``--since-last``)."""

    made_at: datetime
    since: datetime
    until: datetime
    kind: str
    label: str
