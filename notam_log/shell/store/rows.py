"""Between rows and records: the conversions every part of the store shares."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from notam_log.core.diff import Tracked
from notam_log.core.errors import StoreError
from notam_log.core.export.geojson import geometry_json
from notam_log.core.models import Episode, Event, Notam, NotamRow, iso, parse_iso
from notam_log.core.validity import notam_json


def describe_sqlite_error(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return "the database is locked by another writer (gave up waiting)"
    if "file is not a database" in text or "malformed" in text:
        return f"not a notam-log database or corrupt ({text}); it was left untouched"
    if "full" in text:
        return "the disk or database is full; nothing of this poll was written"
    return text


def last_seen_sql(row: str) -> str:
    """The SQL of a NOTAM's last poll that listed it, for the ``notams`` row named
    ``row`` (an alias, or the table's name in an UPDATE, where it reads the values
    before the update): for a NOTAM its scope still lists (active, not missing), its
    scope's last complete poll when that came after the NOTAM's own ``seen_poll``;
    else its own ``last_seen``. A complete poll writes only its scope (``seen_at``),
    not each NOTAM it listed again."""
    return (
        f"CASE WHEN {row}.status = 'active' AND {row}.missing = 0 THEN coalesce((SELECT"
        f" s.seen_at FROM scopes s WHERE s.source = {row}.source AND s.scope = {row}.scope"
        f" AND s.seen_poll > coalesce({row}.seen_poll, 0)), {row}.last_seen)"
        f" ELSE {row}.last_seen END"
    )


#: The columns of a :class:`NotamRow`, from ``notams n`` (see :func:`row_from_db`).
NOTAM_ROW_COLUMNS = (
    "n.key, n.status, n.source, n.scope, n.first_seen, "
    + last_seen_sql("n")
    + ", n.ended_at, n.version, n.data"
)


def event_from_row(r: Sequence[Any]) -> Event:
    seq, kind, key, nid, locs, cat, src, obs, after, eff, detail = r
    return Event(
        kind=kind,
        source=src,
        observed_at=stored_time(obs),
        key=key,
        id=nid,
        locations=tuple(json.loads(locs)),
        category=cat,
        after=parse_iso(after),
        effective_at=parse_iso(eff),
        detail=json.loads(detail),
        seq=seq,
    )


def row_from_db(r: Sequence[Any]) -> NotamRow:
    key, status, source, scope, first, last, ended, version, data = r
    return NotamRow(
        notam=Notam.from_json(json.loads(data)),
        status=status,
        source=source,
        scope=scope,
        first_seen=stored_time(first),
        last_seen=stored_time(last),
        ended_at=parse_iso(ended),
        version=version,
    )


def notam_data(n: Notam) -> str:
    """The ``data`` column of a NOTAM (and of its version): all its fields as JSON."""
    return json.dumps(notam_json(n, with_windows=False))


def notam_to_row(
    tr: Tracked, t: datetime | None, poll_id: int | None, data: str | None = None
) -> tuple[Any, ...]:
    """The ``notams`` row of a tracked NOTAM (``data``: its :func:`notam_data`, if made)."""
    n = tr.notam
    return (
        n.key,
        n.id,
        tr.source,
        tr.scope,
        tr.hash,
        tr.version,
        iso(tr.first_seen),
        iso(t or tr.first_seen),
        tr.missing,
        iso_or_none(tr.missing_after),
        iso_or_none(tr.missing_by),
        n.type,
        n.ref,
        n.qcode,
        n.category,
        int(n.restriction),
        " ".join(n.locations),
        iso_or_none(n.start),
        iso_or_none(n.end),
        int(n.end_estimated),
        n.text,
        n.raw,
        json.dumps(list(n.issues)),
        notam_data(n) if data is None else data,
        geometry_json(n),
        poll_id,
    )


def with_seq(ev: Event, seq: int | None) -> Event:
    return replace(ev, seq=seq)


def categories_json(ep: Episode) -> str:
    return json.dumps([[iso(w), c] for w, c in ep.categories])


def iso_or_none(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None


def stored_time(value: str) -> datetime:
    parsed = parse_iso(value)
    if parsed is None:
        raise StoreError(f"missing time in the database: {value!r}")
    return parsed
