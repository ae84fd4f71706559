"""The digest as JSON: every number and bounded time a program needs (pure).

``schema_version`` says which shape this is; times are ISO 8601 UTC, durations
``{"min_s": ..., "max_s": ...}`` bounds.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from notam_log.core.digest import (
    NOTAM_KINDS,
    SCHEMA_VERSION,
    Bounded,
    Digest,
    Gap,
    LocationDigest,
)
from notam_log.core.jsontext import dumps
from notam_log.core.models import iso


def _b(b: Bounded | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {
        "after": _iso(b.after),
        "by": iso(b.by),
        "effective": _iso(b.effective),
        "best": iso(b.best),
    }


def _iso(t: datetime | None) -> str | None:
    return iso(t) if t is not None else None


def _secs(lasted: tuple[timedelta, timedelta]) -> dict[str, int]:
    return {
        "duration_min_s": int(lasted[0].total_seconds()),
        "duration_max_s": int(lasted[1].total_seconds()),
    }


def _gap(g: Gap) -> dict[str, Any]:
    return {"start": iso(g.start), "end": iso(g.end), "reason": g.reason}


def to_json(d: Digest) -> dict[str, Any]:
    """The digest as JSON values; the keys and their order are documented in the schema."""
    p = d.period
    return {
        "schema": "notam-log/digest",
        "version": SCHEMA_VERSION,
        "period": {
            "since": iso(p.since),
            "until": iso(p.until),
            "label": p.label,
            "timezone": p.timezone,
            "kind": p.kind,
        },
        "made_at": iso(d.made_at),
        "complete": d.complete,
        "warnings": list(d.warnings),
        "watched": d.watched,
        "totals": d.totals,
        "locations": [_loc_json(loc) for loc in d.locations],
        "coverage": [
            {
                "source": c.source,
                "scope": c.scope,
                "interval_s": int(c.interval.total_seconds()),
                "interval_inferred": c.interval_inferred,
                "expected": c.expected,
                "complete": c.complete,
                "partial": c.partial,
                "failed": c.failed,
                "covered": c.covered,
                "gaps": [_gap(g) for g in c.gaps],
                "down": [_gap(g) for g in c.down],
            }
            for c in d.coverage
        ],
    }


def _loc_json(loc: LocationDigest) -> dict[str, Any]:
    return {
        "location": loc.location,
        "name": loc.name,
        "quiet": loc.quiet,
        "imposed": [
            {"category": i.category, "key": i.key, "id": i.id, "when": _b(i.when), "text": i.text}
            for i in loc.imposed
        ],
        "lifted": [
            {
                "category": i.category,
                "key": i.key,
                "id": i.id,
                "began": _b(i.began),
                "when": _b(i.when),
                **_secs(i.lasted),
                "text": i.text,
            }
            for i in loc.lifted
        ],
        "episodes": [
            {
                "began": _b(e.began),
                "ended": _b(e.ended),
                "in_force": e.ended is None,
                "before_watch": e.before_watch,
                "categories": list(e.categories),
                "keys": list(e.keys),
                **_secs(e.lasted),
                "lifted_later": _iso(e.lifted_later),
            }
            for e in loc.episodes
        ],
        "announced": [{**a.to_json(), **v.to_json()} for a, v in loc.announced],
        "timeline": [
            {"start": s.start, "end": s.end, "certain": s.certain, "closed": s.closed}
            for s in loc.spans
        ],
        "unknown": [{"start": s.start, "end": s.end} for s in loc.unknown],
        "coverage": loc.coverage.to_json() if loc.coverage else None,
        "counts": {k: loc.counts.get(k, 0) for k in NOTAM_KINDS},
        "baseline": loc.baseline,
        "notable": [
            {
                "kind": n.kind,
                "key": n.key,
                "id": n.id,
                "category": n.category,
                "when": _b(n.when),
                "text": n.text,
                "by": n.by,
            }
            for n in loc.notable
        ],
        "notable_more": loc.notable_more,
        "overdue": [
            {"key": o.key, "id": o.id, "category": o.category, "end": iso(o.end), "text": o.text}
            for o in loc.overdue
        ],
    }


def render_json(d: Digest) -> str:
    return dumps(to_json(d), indent=2) + "\n"  # C1 controls escaped too (core.jsontext)
