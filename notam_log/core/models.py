"""The records that flow through notam-log: NOTAMs, snapshots and events.

Every datetime here is timezone-aware UTC. Local time appears only at display.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

#: The fixed list of categories (see classify.py and the README).
CATEGORIES: tuple[str, ...] = (
    "aerodrome_closed",
    "aerodrome_limited",
    "aerodrome_hours",
    "runway_closed",
    "runway_limited",
    "taxiway",
    "apron",
    "airspace_restricted",
    "airspace_closed",
    "navaid",
    "lighting",
    "obstacle",
    "warning",
    "procedure",
    "other",
)

#: Categories that count as a restriction unless config.toml says otherwise.
DEFAULT_RESTRICTIONS: frozenset[str] = frozenset(
    {
        "aerodrome_closed",
        "aerodrome_limited",
        "runway_closed",
        "airspace_restricted",
        "airspace_closed",
    }
)

#: How closely a category says "you cannot go there"; used to sort closures first.
SEVERITY: Mapping[str, int] = {name: rank for rank, name in enumerate(CATEGORIES)}


@dataclass(frozen=True, slots=True)
class Notam:
    """One NOTAM as read from any source.

    ``key`` is unique across states: ``NOF:ID`` where the issuing office is known
    (``EGGN:A1918/25``), the accountable facility for FAA domestic NOTAMs
    (``DCA:06/001``, ``FDC:4/1234``), else the Q-line FIR (``UUWV:A1234/25``),
    else the first item A location.
    """

    key: str
    id: str | None
    series: str | None = None
    number: int | None = None
    year: int | None = None
    type: str | None = None  # N, R or C
    ref: str | None = None  # the id a NOTAMR replaces or a NOTAMC cancels
    fir: str | None = None
    qcode: str | None = None  # five letters, "QFALC"
    subject: str | None = None
    condition: str | None = None
    traffic: str | None = None
    purpose: str | None = None
    scope: str | None = None
    lower: int | None = None  # flight level
    upper: int | None = None  # flight level
    lat: float | None = None
    lon: float | None = None
    radius_nm: int | None = None
    locations: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None  # None when permanent or unknown
    end_estimated: bool = False
    permanent: bool = False
    schedule: str | None = None  # item D as written; its windows: core.validity.windows
    text: str = ""  # item E
    lower_limit: str | None = None  # item F as written
    upper_limit: str | None = None  # item G as written
    category: str = "other"
    restriction: bool = False
    source_format: str = ""
    raw: str = ""
    issues: tuple[str, ...] = ()

    @property
    def ref_key(self) -> str | None:
        """The key of the NOTAM that this NOTAMR/NOTAMC refers to (same office)."""
        if not self.ref:
            return None
        prefix = self.key.split(":", 1)[0] if ":" in self.key else None
        return f"{prefix}:{self.ref}" if prefix else self.ref

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Notam:
        """A record from its JSON form (:func:`notam_log.core.validity.notam_json`)."""
        kwargs: dict[str, Any] = dict(data)
        for name in ("start", "end"):
            kwargs[name] = parse_iso(kwargs.get(name))
        kwargs["locations"] = tuple(kwargs.get("locations") or ())
        kwargs["issues"] = tuple(kwargs.get("issues") or ())
        # ``windows`` (derived from the schedule) and unknown keys are ignored
        return cls(**{k: v for k, v in kwargs.items() if k in _NOTAM_FIELD_SET})

    def content_hash(self) -> str:
        """A hash of what the NOTAM says (not of how the feed wrapped it)."""
        payload = {name: to_jsonable(getattr(self, name)) for name in CONTENT_FIELDS}
        blob = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha1(blob.encode()).hexdigest()


#: The fields of a Notam, in their order.
NOTAM_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Notam))
_NOTAM_FIELD_SET: frozenset[str] = frozenset(NOTAM_FIELDS)

#: The fields whose change is an amendment.
CONTENT_FIELDS: tuple[str, ...] = (
    "id",
    "type",
    "ref",
    "qcode",
    "traffic",
    "purpose",
    "scope",
    "lower",
    "upper",
    "lat",
    "lon",
    "radius_nm",
    "locations",
    "start",
    "end",
    "end_estimated",
    "permanent",
    "schedule",
    "text",
    "lower_limit",
    "upper_limit",
)


@dataclass(frozen=True, slots=True)
class Post:
    """One post of a public Telegram channel, as its web preview shows it.

    ``at`` is the post's own time (UTC, from its ``<time datetime>``); ``reply_to`` the
    id of the post of the same channel it answers; ``edited`` whether the page marks
    it edited. ``text`` is the post's text with its line breaks, as written (feed
    text: escape it for any display).
    """

    channel: str
    id: int
    at: datetime
    text: str
    edited: bool = False
    reply_to: int | None = None

    @property
    def key(self) -> str:
        """``favt_info/8287``: the key of the events this post gives."""
        return f"{self.channel}/{self.id}"

    @property
    def url(self) -> str:
        return f"https://t.me/{self.channel}/{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one poll of one source showed for one scope.

    ``complete`` is true only when every page or batch arrived and parsed; only
    complete snapshots may decide that a NOTAM disappeared. A channel's snapshot
    (source ``telegram``) carries ``posts`` instead of NOTAMs; for it, complete means
    that the poll reached the newest post already recorded (or its backfill limit).
    ``only`` keeps the announcements of those posts to these airports (empty: all).
    """

    source: str
    scope: str
    taken_at: datetime
    notams: tuple[Notam, ...]
    complete: bool = True
    reason: str | None = None  # why it is not complete
    posts: tuple[Post, ...] = ()
    only: tuple[str, ...] = ()


EVENT_KINDS: tuple[str, ...] = (
    "published",
    "amended",
    "replaced",
    "cancelled",
    "expired",
    "withdrawn",
    "reappeared",
    "restriction_imposed",
    "restriction_lifted",
    "source_down",
    "source_up",
    "announced_imposed",
    "announced_lifted",
    "announced_coordination",
)

#: The event kinds of official announcements (Rosaviatsia's channel, see announce.py).
ANNOUNCED_KINDS: tuple[str, ...] = (
    "announced_imposed",
    "announced_lifted",
    "announced_coordination",
)


@dataclass(frozen=True, slots=True)
class Event:
    """One change in the log. ``seq`` is given by the store when it is appended.

    The change happened between ``after`` (the previous complete poll of the
    scope, None when there was none) and ``observed_at`` (the poll that showed
    it); ``effective_at`` is the best estimate taken from the NOTAM itself.
    """

    kind: str
    source: str
    observed_at: datetime
    key: str | None = None
    id: str | None = None
    locations: tuple[str, ...] = ()
    category: str | None = None
    after: datetime | None = None
    effective_at: datetime | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    seq: int | None = None

    @property
    def baseline(self) -> bool:
        """Whether the event only records what was there when watching began: marked so
        by change detection (``detail.baseline``, from the first complete poll of its
        scope), or a restriction imposed with nothing before it to bound it."""
        if self.detail.get("baseline"):
            return True
        return self.kind == "restriction_imposed" and self.after is None

    def to_json(self) -> dict[str, Any]:
        return {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}


def to_jsonable(value: Any) -> Any:
    """Turn model values into JSON values: datetimes as ``2025-03-21T01:43:00Z``."""
    if value is None or type(value) in _PLAIN_JSON:  # most values: first, and cheap
        return value
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


#: Types :func:`to_jsonable` gives back as they are (exactly these, not subclasses).
_PLAIN_JSON = frozenset((str, int, float, bool))


def iso(value: datetime) -> str:
    """ISO 8601 UTC with ``Z``, whole seconds: ``2025-03-21T01:43:00Z``."""
    v = value.astimezone(UTC)
    return f"{v.year}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}Z"


def parse_iso(value: str | None) -> datetime | None:
    """Parse an ISO 8601 time (``Z`` or offset; naive means UTC) into aware UTC."""
    if value is None or value == "":
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Episode:
    """A restriction episode at one location: from the first restriction in force
    to the moment none is. Its start and end are bounded ranges:
    ``start_after < start <= start_by`` and ``end_after < end <= end_by``;
    ``*_effective`` is the best estimate from the NOTAMs (B, C, window edges).
    ``end_by`` is None while the episode goes on.
    """

    location: str
    start_by: datetime
    start_after: datetime | None = None
    start_effective: datetime | None = None
    end_by: datetime | None = None
    end_after: datetime | None = None
    end_effective: datetime | None = None
    #: (when it changed, category) in order; the first is the opening category.
    categories: tuple[tuple[datetime, str], ...] = ()
    keys: tuple[str, ...] = ()
    id: int | None = None

    @property
    def ongoing(self) -> bool:
        return self.end_by is None

    def to_json(self) -> dict[str, Any]:
        return {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}


POLL_STATUSES: tuple[str, ...] = ("complete", "unchanged", "partial", "suspect", "failed")


@dataclass(frozen=True, slots=True)
class PollRecord:
    """One poll of one source and scope, as recorded in the ``polls`` table.

    ``complete`` and ``unchanged`` (HTTP 304 / same body) polls may decide
    disappearance; ``partial``, ``suspect`` and ``failed`` never do.
    """

    source: str
    scope: str
    started_at: datetime
    finished_at: datetime
    status: str
    reason: str | None = None
    notams: int = 0
    events: int = 0
    id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}


@dataclass(frozen=True, slots=True)
class NotamRow:
    """A NOTAM as the log holds it: its latest content and its state in the log."""

    notam: Notam
    status: str  # active, replaced, cancelled, expired or withdrawn
    source: str
    scope: str
    first_seen: datetime
    last_seen: datetime
    ended_at: datetime | None
    version: int


@dataclass(frozen=True, slots=True)
class AnnouncedEpisode:
    """An announced restriction at one airport: from the announcement that imposed it
    (or put the airport under coordination) to the one that lifted it.

    ``location`` is the ICAO code, or the name in lower case when it could not be
    resolved (``resolved`` is then false; ``name`` is always the name as written).
    ``start``/``end`` are the times the announcements state (else their posts' times);
    ``start_by``/``end_by`` the polls that saw them and ``*_after`` the complete polls
    before those (the bounds every event has). ``states`` is ``(time, "imposed" |
    "coordination")`` in order; ``keys`` the posts (``CHANNEL/ID``) that made it.
    ``end_reason``: ``lifted``, or ``retracted`` when the
    post that opened it was edited into something else.
    """

    location: str
    start: datetime
    start_by: datetime
    start_key: str
    name: str = ""
    resolved: bool = True
    start_after: datetime | None = None
    end: datetime | None = None
    end_by: datetime | None = None
    end_after: datetime | None = None
    end_key: str | None = None
    end_reason: str | None = None
    states: tuple[tuple[datetime, str], ...] = ()
    keys: tuple[str, ...] = ()
    id: int | None = None

    @property
    def ongoing(self) -> bool:
        return self.end is None

    @property
    def duration(self) -> timedelta | None:
        """From the stated start to the stated end; None while it goes on."""
        return None if self.end is None else self.end - self.start

    def to_json(self) -> dict[str, Any]:
        out = {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}
        duration = self.duration
        out["duration_s"] = None if duration is None else int(duration.total_seconds())
        return out
