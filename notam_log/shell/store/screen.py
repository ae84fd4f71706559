"""The store's part for the watcher's screen: the restrictions in force, a screenful at a time.

The screen lists every NOTAM behind every restriction in force (``in_force``: one row per
location and category, its NOTAMs' keys as a JSON list), ordered by severity, location,
since when, key; and says how many there are. Reading every row, its keys and its NOTAM
into Python cost about half a second a refresh on a database with 2,000 restrictions: here
SQLite counts them, orders them and reads only the first ``limit``, with the few fields of
their NOTAMs that the screen shows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notam_log.core.models import Event, parse_iso
from notam_log.shell.store.rows import event_from_row, stored_time


@dataclass(frozen=True, slots=True)
class InForceRow:
    """One NOTAM behind one restriction (location, category) in force, with what the
    screen shows of it; ``found`` is False when the NOTAM is not in the ``notams`` table
    (its fields are then empty)."""

    location: str
    category: str
    key: str
    since_by: datetime
    since_after: datetime | None
    since_effective: datetime | None
    found: bool
    id: str | None
    end: datetime | None
    end_estimated: bool
    permanent: bool
    text: str


#: The ``in_force`` rows at the watched locations (a JSON list; "[]": every location).
_AT = "(json_array_length(:locations) = 0 OR location IN (SELECT value FROM json_each(:locations)))"


def in_force_count(conn: sqlite3.Connection, locations: Sequence[str]) -> int:
    """How many (location, category, NOTAM) rows are in force at ``locations`` (every
    location when empty). Each row's keys are written from a set (``_write_in_force``):
    their number is the length of its list."""
    row = conn.execute(
        f"SELECT coalesce(sum(json_array_length(keys)), 0) FROM in_force WHERE {_AT}",
        {"locations": json.dumps(list(locations))},
    ).fetchone()
    return int(row[0])


def in_force_rows(
    conn: sqlite3.Connection,
    locations: Sequence[str],
    limit: int,
    severity: Mapping[str, int],
    unranked: int = 99,
) -> list[InForceRow]:
    """The first ``limit`` rows in force at ``locations`` (every location when empty),
    ordered by the rank of their category in ``severity`` (``unranked`` when it has
    none), location, since when, key and category; each with its NOTAM's id, end, item
    E and whether it is permanent.

    SQLite orders the (location, category) rows; they are read in that order only until
    ``limit`` NOTAMs are reached and the (rank, location, since) group ends (the NOTAMs
    of one group are ordered by key across its categories), then their NOTAMs are read."""
    params: dict[str, Any] = {"locations": json.dumps(list(locations)), "unranked": unranked}
    whens = []
    for i, (category, rank) in enumerate(sorted(severity.items())):
        whens.append(f"WHEN :c{i} THEN :r{i}")
        params[f"c{i}"], params[f"r{i}"] = category, int(rank)
    cursor = conn.execute(
        "SELECT location, category, keys, since_by, since_after, since_effective,"
        f" CASE category {' '.join(whens)} ELSE :unranked END AS rank,"
        f" julianday(since_by) AS jd FROM in_force WHERE {_AT}"
        " ORDER BY rank, location, jd, category",
        params,
    )
    picked: list[tuple[int, str, datetime, str, str, datetime | None, datetime | None]] = []
    group: tuple[Any, ...] | None = None
    for loc, cat, keys, by, after, eff, rank, jd in cursor:
        if len(picked) >= limit and (rank, loc, jd) != group:
            break
        group = (rank, loc, jd)
        since_by, since_after, since_effective = stored_time(by), parse_iso(after), parse_iso(eff)
        for key in set(json.loads(keys)):
            picked.append((rank, loc, since_by, str(key), cat, since_after, since_effective))
    cursor.close()
    picked.sort(key=lambda p: p[:5])
    del picked[max(0, limit) :]
    notams = _shown_fields(conn, {p[3] for p in picked})
    out = []
    for _rank, loc, since_by, key, cat, since_after, since_effective in picked:
        n = notams.get(key)
        out.append(
            InForceRow(
                location=loc,
                category=cat,
                key=key,
                since_by=since_by,
                since_after=since_after,
                since_effective=since_effective,
                found=n is not None,
                id=n[0] if n is not None else None,
                end=n[1] if n is not None else None,
                end_estimated=bool(n and n[2]),
                permanent=bool(n and n[3]),
                text=n[4] if n is not None else "",
            )
        )
    return out


_Shown = tuple[str | None, datetime | None, bool, bool, str]


def _shown_fields(conn: sqlite3.Connection, keys: set[str]) -> dict[str, _Shown]:
    """What the screen shows of these NOTAMs, from their stored JSON (``data``): id,
    end, estimated end, permanent, item E."""
    out: dict[str, _Shown] = {}
    if not keys:
        return out
    for key, nid, end, est, perm, text in conn.execute(
        "SELECT key, json_extract(data, '$.id'), json_extract(data, '$.end'),"
        " json_extract(data, '$.end_estimated'), json_extract(data, '$.permanent'),"
        " json_extract(data, '$.text') FROM notams WHERE key IN (SELECT value FROM json_each(?))",
        [json.dumps(sorted(keys))],
    ):
        out[key] = (
            nid if isinstance(nid, str) else None,
            parse_iso(end) if isinstance(end, str) else None,
            bool(est),
            bool(perm),
            text if isinstance(text, str) else "",
        )
    return out


#: More watched locations than this are read with one plain query (SQLite allows 500
#: terms in a compound SELECT).
_MAX_UNION = 200


def newest_events(
    conn: sqlite3.Connection,
    kinds: Sequence[str],
    locations: Sequence[str] = (),
    *,
    after_seq: int | None = None,
    limit: int = 60,
) -> list[Event]:
    """The newest ``limit`` events of ``kinds`` (after ``after_seq``) at ``locations``
    (every location when empty), newest first: what ``Queries.events(kinds=...,
    locations=..., after_seq=..., newest_first=True, limit=...)`` returns, read from the
    newest end of an index (one kind, or one location, at a time) instead of sorting
    every such event of the log."""
    if not kinds or limit <= 0:
        return []
    after = -1 if after_seq is None else int(after_seq)
    kind_list = ",".join("?" * len(kinds))
    terms: list[str] = []
    params: list[Any] = []
    if not locations:
        for kind in kinds:  # events (kind, seq): the newest of each kind
            terms.append(
                "SELECT * FROM (SELECT seq FROM events WHERE kind = ? AND seq > ?"
                " ORDER BY seq DESC LIMIT ?)"
            )
            params.extend([kind, after, limit])
    elif len(locations) <= _MAX_UNION:
        for location in dict.fromkeys(locations):  # event_locations (location, seq)
            terms.append(
                "SELECT * FROM (SELECT l.seq FROM event_locations l JOIN events e"
                f" ON e.seq = l.seq WHERE l.location = ? AND l.seq > ? AND e.kind IN ({kind_list})"
                " ORDER BY l.seq DESC LIMIT ?)"
            )
            params.extend([location, after, *kinds, limit])
    else:
        terms.append(
            "SELECT e.seq FROM events e WHERE e.seq > ? AND e.kind IN"
            f" ({kind_list}) AND e.seq IN (SELECT seq FROM event_locations WHERE location"
            " IN (SELECT value FROM json_each(?))) ORDER BY e.seq DESC LIMIT ?"
        )
        params.extend([after, *kinds, json.dumps(list(locations)), limit])
    sql = (
        "SELECT e.seq, e.kind, e.key, e.id, e.locations, e.category, e.source,"
        ' e.observed_at, e."after", e.effective_at, e.detail FROM events e'
        f" WHERE e.seq IN ({' UNION ALL '.join(terms)}) ORDER BY e.seq DESC LIMIT ?"
    )
    return [event_from_row(r) for r in conn.execute(sql, [*params, limit]).fetchall()]
