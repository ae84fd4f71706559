"""Questions asked of the log: the state change detection resumes from, events, NOTAMs,
episodes, polls, sources; what was in force at a time, a NOTAM's history."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from notam_log.core.announce import AnnounceWorld
from notam_log.core.diff import InForce, ScopeInfo, SourceHealth, Tracked, World
from notam_log.core.digest import DigestRecord
from notam_log.core.errors import StoreError
from notam_log.core.models import (
    SEVERITY,
    AnnouncedEpisode,
    Episode,
    Event,
    Notam,
    NotamRow,
    PollRecord,
    Post,
    iso,
    parse_iso,
)
from notam_log.core.places import Airport, Area, PlaceIndex, notam_near
from notam_log.core.search import OPERATORS_HELP, fts_query
from notam_log.core.validity import in_force, notam_json
from notam_log.shell.store import announcements, screen
from notam_log.shell.store.rows import (
    NOTAM_ROW_COLUMNS,
    event_from_row,
    last_seen_sql,
    row_from_db,
    stored_time,
)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A source's health as the ``sources`` table keeps it."""

    name: str
    down_since: datetime | None
    failures: int
    last_ok: datetime | None
    last_error: str | None
    last_poll: datetime | None


class Queries:
    """The reading half of :class:`~notam_log.shell.store.Store`."""

    db: Database
    path: Path

    # ------------------------------------------------------------------ state

    def load_world(self) -> World:
        """Rebuild change detection's state from the tables."""
        rows = self.db.execute(  # iterated, not fetched at once: keeps the peak low
            "SELECT key, source, scope, hash, version, first_seen, missing, missing_after,"
            " missing_by, data FROM notams WHERE status = 'active'"
        )
        active: dict[str, Tracked] = {}
        same = _Shared()  # one object per repeated value: sources, categories, times...
        for key, source, scope, h, version, first, missing, m_after, m_by, data in rows:
            fields = same.fields(json.loads(data))
            fields["raw"] = ""  # kept in the table; never rewritten from memory (see marks)
            key = same(key)
            active[key] = Tracked(
                notam=Notam.from_json(fields),
                hash=h,
                source=same(source),
                scope=same(scope),
                first_seen=same.time(first),
                version=version,
                missing=missing,
                missing_after=parse_iso(m_after),
                missing_by=parse_iso(m_by),
            )
        terminal = {
            same(k): same(status)
            for k, status in self.db.execute(
                "SELECT key, status FROM notams WHERE status != 'active'"
            )
        }
        scopes = {
            (s, sc): ScopeInfo(
                parse_iso(lc), n, frozenset(same(k) for k in json.loads(p)), parse_iso(lp)
            )
            for s, sc, lc, n, p, lp in self.db.execute(
                "SELECT source, scope, last_complete, last_count, present, last_poll FROM scopes"
            ).fetchall()
        }
        in_force = self.in_force()
        episodes = {ep.location: ep for ep in self.episodes(open_only=True)}
        sources = {
            name: SourceHealth(parse_iso(ds), f, parse_iso(ok), err)
            for name, ds, f, ok, err in self.db.execute(
                "SELECT name, down_since, failures, last_ok, last_error FROM sources"
            ).fetchall()
        }
        return World(
            active=active,
            terminal=terminal,
            scopes=scopes,
            in_force=in_force,
            episodes=episodes,
            sources=sources,
            last_eval=parse_iso(self.meta("last_eval")),
        )

    def load_announce_world(self) -> AnnounceWorld:
        """Rebuild announcement detection's state from the tables."""
        return announcements.load_world(self.db.conn)

    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", [name]).fetchone()
        return None if row is None else str(row[0])

    def source_state(self, name: str) -> dict[str, Any]:
        row = self.db.execute("SELECT state FROM sources WHERE name = ?", [name]).fetchone()
        if row is None or not row[0]:
            return {}
        value = json.loads(row[0])
        return value if isinstance(value, dict) else {}

    # ------------------------------------------------------------------ queries

    def events(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        kinds: Sequence[str] = (),
        categories: Sequence[str] = (),
        locations: Sequence[str] = (),
        key: str | None = None,
        restrictions: bool = False,
        after_seq: int | None = None,
        limit: int | None = None,
        newest_first: bool = False,
        area: Area | None = None,
    ) -> list[Event]:
        """The log, oldest first (by sequence number), filtered. ``area``: only events of
        a NOTAM near a place (its key, or one of the keys a restriction event names) or
        at an airport inside it."""
        where: list[str] = []
        params: list[Any] = []
        if since is not None:
            where.append("e.observed_at >= ?")
            params.append(iso(since))
        if until is not None:
            where.append("e.observed_at < ?")
            params.append(iso(until))
        if kinds:
            where.append(f"e.kind IN ({','.join('?' * len(kinds))})")
            params.extend(kinds)
        if categories:
            where.append(f"e.category IN ({','.join('?' * len(categories))})")
            params.extend(categories)
        if restrictions:
            where.append("e.kind IN ('restriction_imposed', 'restriction_lifted')")
        if key is not None:
            where.append("e.key = ?")
            params.append(key)
        if after_seq is not None:
            where.append("e.seq > ?")
            params.append(after_seq)
        if locations:
            where.append(
                "e.seq IN (SELECT seq FROM event_locations WHERE location IN"
                f" ({','.join('?' * len(locations))}))"
            )
            params.extend(locations)
        if area is not None:
            keys, locs = json.dumps(sorted(area.keys)), json.dumps(sorted(area.locations))
            where.append(
                "(e.key IN (SELECT value FROM json_each(?))"
                " OR e.seq IN (SELECT seq FROM event_locations WHERE location IN"
                " (SELECT value FROM json_each(?)))"
                " OR EXISTS (SELECT 1 FROM json_each(e.detail, '$.keys') k"
                " WHERE k.value IN (SELECT value FROM json_each(?))))"
            )
            params.extend([keys, locs, keys])
        sql = (
            "SELECT e.seq, e.kind, e.key, e.id, e.locations, e.category, e.source,"
            ' e.observed_at, e."after", e.effective_at, e.detail FROM events e'
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.seq DESC" if newest_first else " ORDER BY e.seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [event_from_row(r) for r in self.db.execute(sql, params).fetchall()]

    def notam_positions(
        self,
    ) -> Iterator[tuple[str, float | None, float | None, float | None, tuple[str, ...]]]:
        """Each NOTAM's key, Q-line centre and radius (None where not given) and locations."""
        sql = (
            "SELECT key, json_extract(data, '$.lat'), json_extract(data, '$.lon'),"
            " json_extract(data, '$.radius_nm'), locations FROM notams"
        )
        for key, lat, lon, radius, locs in self.db.execute(sql):
            yield key, _number(lat), _number(lon), _number(radius), tuple((locs or "").split())

    def count_events(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM events").fetchone()[0])

    def notams(
        self, *, statuses: Sequence[str] = (), keys: Iterable[str] | None = None
    ) -> list[NotamRow]:
        """NOTAMs by status and/or key (any number of keys)."""
        if keys is not None:
            key_list = sorted(set(keys))
            out: list[NotamRow] = []
            for i in range(0, len(key_list), 500):
                chunk = key_list[i : i + 500]
                out.extend(
                    self._notams_where(f"key IN ({','.join('?' * len(chunk))})", chunk, statuses)
                )
            return out
        return self._notams_where(None, [], statuses)

    def notams_estimated_ending(self, since: datetime, until: datetime) -> list[NotamRow]:
        """NOTAMs whose estimated end (EST) falls in ``[since, until)``."""
        return self._notams_where(
            'end_estimated = 1 AND "end" >= ? AND "end" < ?', [iso(since), iso(until)], ()
        )

    def notams_referring_to(self, ids: Iterable[str]) -> list[NotamRow]:
        """The NOTAMR/NOTAMC that name one of ``ids``."""
        id_list = sorted(set(ids))
        out: list[NotamRow] = []
        for i in range(0, len(id_list), 500):
            chunk = id_list[i : i + 500]
            out.extend(self._notams_where(f"ref IN ({','.join('?' * len(chunk))})", chunk, ()))
        return out

    def _notams_where(
        self, condition: str | None, params: Sequence[Any], statuses: Sequence[str]
    ) -> list[NotamRow]:
        where = [condition] if condition else []
        args = list(params)
        if statuses:
            where.append(f"status IN ({','.join('?' * len(statuses))})")
            args.extend(statuses)
        sql = f"SELECT {NOTAM_ROW_COLUMNS} FROM notams n"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [row_from_db(r) for r in self.db.execute(sql, args).fetchall()]

    def notams_known_at(self, at: datetime) -> list[NotamRow]:
        """NOTAMs the log held as current at ``at``: first seen by then and not ended before."""
        sql = (
            f"SELECT {NOTAM_ROW_COLUMNS} FROM notams n"
            " WHERE first_seen <= ? AND (ended_at IS NULL OR ended_at > ?)"
        )
        return [row_from_db(r) for r in self.db.execute(sql, [iso(at), iso(at)]).fetchall()]

    def notams_known_between(self, since: datetime, until: datetime) -> list[NotamRow]:
        """NOTAMs the log held as current at some time in ``[since, until)``."""
        sql = (
            f"SELECT {NOTAM_ROW_COLUMNS} FROM notams n"
            " WHERE first_seen < ? AND (ended_at IS NULL OR ended_at > ?)"
        )
        return [row_from_db(r) for r in self.db.execute(sql, [iso(until), iso(since)]).fetchall()]

    def notams_listed_at(self, at: datetime) -> list[NotamRow]:
        """NOTAMs that the last complete poll of their scope at or before ``at`` listed."""
        sql = (
            f"SELECT {NOTAM_ROW_COLUMNS} FROM notams n WHERE first_seen <= ?"
            f" AND {last_seen_sql('n')} >= (SELECT max(started_at)"
            " FROM polls p WHERE p.source = n.source AND p.scope = n.scope"
            " AND p.started_at <= ? AND p.status IN ('complete', 'unchanged'))"
        )
        return [row_from_db(r) for r in self.db.execute(sql, [iso(at), iso(at)]).fetchall()]

    def versions(self, key: str) -> list[tuple[int, datetime, str, Notam]]:
        rows = self.db.execute(
            "SELECT version, observed_at, source, data FROM notam_versions WHERE key = ?"
            " ORDER BY version",
            [key],
        ).fetchall()
        return [(v, stored_time(o), s, Notam.from_json(json.loads(d))) for v, o, s, d in rows]

    def keys_for(self, ident: str) -> list[str]:
        """A key as given, or every key whose id is ``ident``."""
        if ":" in ident:
            row = self.db.execute("SELECT key FROM notams WHERE key = ?", [ident]).fetchone()
            return [row[0]] if row else []
        return [
            r[0]
            for r in self.db.execute(
                "SELECT key FROM notams WHERE id = ? ORDER BY key", [ident]
            ).fetchall()
        ]

    def chain(self, key: str) -> list[str]:
        """The NOTAMR/NOTAMC chain a NOTAM belongs to, oldest first."""
        prefix = key.split(":", 1)[0]
        seen = [key]
        # walk back through ref
        cur = key
        while True:
            row = self.db.execute("SELECT ref FROM notams WHERE key = ?", [cur]).fetchone()
            if not row or not row[0]:
                break
            prev = f"{prefix}:{row[0]}"
            if prev in seen:
                break
            seen.insert(0, prev)
            cur = prev
        cur = key
        while True:
            cur_id = cur.split(":", 1)[1]
            row = self.db.execute(
                "SELECT key FROM notams WHERE ref = ? AND key LIKE ? ORDER BY first_seen LIMIT 1",
                [cur_id, prefix + ":%"],
            ).fetchone()
            if not row or row[0] in seen:
                break
            seen.append(row[0])
            cur = row[0]
        return seen

    def episodes(
        self,
        *,
        location: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        open_only: bool = False,
    ) -> list[Episode]:
        where: list[str] = []
        params: list[Any] = []
        if location is not None:
            where.append("location = ?")
            params.append(location)
        if open_only:
            where.append("end_by IS NULL")
        if since is not None:
            where.append("(end_by IS NULL OR end_by >= ?)")
            params.append(iso(since))
        if until is not None:
            where.append("start_by < ?")
            params.append(iso(until))
        sql = (
            "SELECT id, location, start_after, start_by, start_effective, end_after, end_by,"
            " end_effective, categories, keys FROM episodes"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY start_by, id"
        out = []
        for i, loc, sa, sb, se, ea, eb, ee, cats, keys in self.db.execute(sql, params):
            out.append(
                Episode(
                    location=loc,
                    start_by=stored_time(sb),
                    start_after=parse_iso(sa),
                    start_effective=parse_iso(se),
                    end_by=parse_iso(eb),
                    end_after=parse_iso(ea),
                    end_effective=parse_iso(ee),
                    categories=tuple((stored_time(w), c) for w, c in json.loads(cats)),
                    keys=tuple(json.loads(keys)),
                    id=i,
                )
            )
        return out

    def announced_episodes(
        self,
        *,
        locations: Sequence[str] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        open_only: bool = False,
    ) -> list[AnnouncedEpisode]:
        """Announced restriction episodes (official announcements, see core/announce.py),
        oldest first: at these locations, overlapping ``[since, until)``."""
        return announcements.episodes(
            self.db.conn, locations=locations, since=since, until=until, open_only=open_only
        )

    def posts(
        self, *, channel: str | None = None, source: str | None = None
    ) -> list[tuple[Post, dict[str, Any]]]:
        """Every post of a channel read so far, oldest first, with what was read of it."""
        return announcements.posts(self.db.conn, channel=channel, source=source)

    def unresolved_names(self) -> dict[str, list[tuple[str, int]]]:
        """Per source, the airport names of its announcements that no code was found for."""
        return announcements.unresolved(self.db.conn)

    def newest_post(self, channel: str) -> int | None:
        """The id of the newest post of a channel in the log."""
        return announcements.newest_post(self.db.conn, channel)

    def in_force(self) -> dict[tuple[str, str], InForce]:
        return dict(self.load_in_force())

    def load_in_force(self) -> Iterator[tuple[tuple[str, str], InForce]]:
        for loc, cat, k, by, af, ef in self.db.execute(
            "SELECT location, category, keys, since_by, since_after, since_effective FROM in_force"
            " ORDER BY location, category"
        ):
            yield (
                (loc, cat),
                InForce(frozenset(json.loads(k)), stored_time(by), parse_iso(af), parse_iso(ef)),
            )

    def in_force_count(self, locations: Sequence[str] = ()) -> int:
        """How many NOTAMs are behind the restrictions in force at ``locations`` (every
        location when empty), one per (location, category, NOTAM)."""
        return screen.in_force_count(self.db.conn, locations)

    def in_force_rows(
        self, locations: Sequence[str] = (), *, limit: int
    ) -> list[screen.InForceRow]:
        """The first ``limit`` of those, most severe first (then by location, since
        when, key), with what the watcher shows of each NOTAM."""
        return screen.in_force_rows(self.db.conn, locations, limit, SEVERITY)

    def newest_events(
        self,
        kinds: Sequence[str],
        locations: Sequence[str] = (),
        *,
        after_seq: int | None = None,
        limit: int = 60,
    ) -> list[Event]:
        """The newest ``limit`` events of ``kinds`` at ``locations`` (every location
        when empty) after ``after_seq``, newest first, as :meth:`events` gives them with
        ``newest_first``; read from the newest end of the indexes, so that the cost does
        not grow with the log."""
        return screen.newest_events(
            self.db.conn, kinds, locations, after_seq=after_seq, limit=limit
        )

    def polls(
        self,
        *,
        source: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[PollRecord]:
        where: list[str] = []
        params: list[Any] = []
        if source is not None:
            where.append("source = ?")
            params.append(source)
        if since is not None:
            where.append("started_at >= ?")
            params.append(iso(since))
        if until is not None:
            where.append("started_at < ?")
            params.append(iso(until))
        sql = (
            "SELECT id, source, scope, started_at, finished_at, status, reason, notams, events"
            " FROM polls"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY started_at, id"
        return [
            PollRecord(
                id=i,
                source=s,
                scope=sc,
                started_at=stored_time(st),
                finished_at=stored_time(fi),
                status=stt,
                reason=r,
                notams=n,
                events=e,
            )
            for i, s, sc, st, fi, stt, r, n, e in self.db.execute(sql, params)
        ]

    def source_rows(self) -> list[SourceRow]:
        """Each source's health, by name."""
        rows = self.db.execute(
            "SELECT name, down_since, failures, last_ok, last_error, last_poll FROM sources"
            " ORDER BY name"
        ).fetchall()
        return [
            SourceRow(n, parse_iso(ds), f, parse_iso(ok), err, parse_iso(lp))
            for n, ds, f, ok, err, lp in rows
        ]

    def last_complete(self, source: str) -> datetime | None:
        row = self.db.execute(
            "SELECT max(last_complete) FROM scopes WHERE source = ?", [source]
        ).fetchone()
        return parse_iso(row[0]) if row else None

    def search(self, text: str, *, limit: int = 50) -> list[NotamRow]:
        """Full-text search over NOTAM id, locations and text: words as written (ids,
        hyphens, slashes), or FTS5 syntax when the query uses its operators (see
        :mod:`notam_log.core.search`)."""
        try:
            query = fts_query(text)
        except ValueError as exc:
            raise StoreError(f"search: {exc}") from None
        try:
            rows = self.db.execute(
                f"SELECT {NOTAM_ROW_COLUMNS} FROM notams_fts f JOIN notams n"
                " ON n.rowid = f.rowid WHERE notams_fts MATCH ? ORDER BY rank LIMIT ?",
                [query, limit],
            ).fetchall()
        except sqlite3.OperationalError as exc:
            near = re.search(r'near "([^"]*)"', str(exc))
            where = f" near {near.group(1)!r}" if near and near.group(1) else ""
            raise StoreError(
                f"search: {text!r} is not a valid query{where} ({OPERATORS_HELP})"
            ) from None
        return [row_from_db(r) for r in rows]

    def last_polls(self) -> dict[str, datetime]:
        """Each source's latest poll (its start)."""
        out: dict[str, datetime] = {}
        for name, started in self.db.execute(
            "SELECT source, max(started_at) FROM polls GROUP BY source"
        ).fetchall():
            t = parse_iso(started)
            if t is not None:
                out[name] = t
        return out

    def last_poll_finished(self) -> datetime | None:
        """When the latest poll of any source finished."""
        row = self.db.execute("SELECT max(finished_at) FROM polls").fetchone()
        return parse_iso(row[0]) if row and row[0] else None

    def last_digest(self) -> DigestRecord | None:
        """The digest made last (``digest --since-last`` starts where it ended)."""
        row = self.db.execute(
            'SELECT made_at, since, "until", kind, label FROM digests'
            " ORDER BY made_at DESC, id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        made, since, until = (stored_time(v) for v in row[:3])
        return DigestRecord(made, since, until, row[3], row[4])

    # ------------------------------------------------------------------ coverage

    def scope_polls(
        self, since: datetime, until: datetime
    ) -> dict[tuple[str, str], list[tuple[datetime, bool]]]:
        """Every poll of every scope from ``since`` to ``until``: (start, complete),
        oldest first; plus each scope's last complete poll before ``since``."""
        out: dict[tuple[str, str], list[tuple[datetime, bool]]] = {}
        before = self.db.execute(
            "SELECT source, scope, max(started_at) FROM polls WHERE started_at < ?"
            " AND status IN ('complete', 'unchanged') GROUP BY source, scope",
            [iso(since)],
        ).fetchall()
        for source, scope, t in before:
            out.setdefault((source, scope), []).append((stored_time(t), True))
        rows = self.db.execute(
            "SELECT source, scope, started_at, status IN ('complete', 'unchanged') FROM polls"
            " WHERE started_at >= ? AND started_at <= ? ORDER BY started_at, id",
            [iso(since), iso(until)],
        )
        for source, scope, t, good in rows:
            out.setdefault((source, scope), []).append((stored_time(t), bool(good)))
        return out

    def scope_locations(self, source: str, scope: str) -> set[str]:
        """The locations of the NOTAMs a scope's snapshots held (its reach when only the
        data can say: a replay, a file)."""
        out: set[str] = set()
        for (locs,) in self.db.execute(
            "SELECT DISTINCT locations FROM notams WHERE source = ? AND scope = ?",
            [source, scope],
        ):
            out.update(str(locs or "").split())
        return out

    def first_polls(self) -> dict[str, datetime]:
        """Each source's first poll in this database."""
        return {
            name: stored_time(t)
            for name, t in self.db.execute(
                "SELECT source, min(started_at) FROM polls GROUP BY source"
            ).fetchall()
        }


class _Shared:
    """Equal values read for the world made one object each (strings and tuples are
    immutable, so sharing them changes nothing but memory): with tens of thousands of
    active NOTAMs, the same source, scope, category, Q-code, locations and first-seen
    time were otherwise held once per NOTAM (about a quarter of the world's memory)."""

    #: The NOTAM's JSON fields whose values repeat across NOTAMs.
    FIELDS = ("key", "type", "fir", "qcode", "subject", "condition", "traffic", "purpose",
              "scope", "category", "source_format")  # fmt: skip

    def __init__(self) -> None:
        self.pool: dict[Any, Any] = {}
        self.times: dict[str, datetime] = {}

    def __call__(self, value: Any) -> Any:
        return self.pool.setdefault(value, value)

    def fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        for name in self.FIELDS:
            value = fields.get(name)
            if isinstance(value, str):
                fields[name] = self(value)
        locations = fields.get("locations")
        if isinstance(locations, list) and all(isinstance(x, str) for x in locations):
            fields["locations"] = self(tuple(self(x) for x in locations))
        return fields

    def time(self, text: str) -> datetime:
        found = self.times.get(text)
        if found is None:
            found = self.times[text] = stored_time(text)
        return found


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def area_near(store: Queries, centre: Airport, radius_nm: float, index: PlaceIndex) -> Area:
    """The NOTAMs of the log near ``centre`` (their Q-line circle meets the circle of
    ``radius_nm`` around it; without a Q-line position, one of their airports is inside
    it) and the airports inside it."""
    at = (centre.lat, centre.lon)

    def position(code: str) -> tuple[float, float] | None:
        a = index.get(code)
        return (a.lat, a.lon) if a is not None else None

    keys = set()
    for key, lat, lon, radius, locs in store.notam_positions():
        q_radius = None if radius is None else int(radius)
        notam = Notam(key, None, lat=lat, lon=lon, radius_nm=q_radius, locations=locs)
        if notam_near(notam, at, radius_nm, position):
            keys.add(key)
    inside = frozenset(a.icao for a in index.near(centre.lat, centre.lon, radius_nm))
    return Area(centre, radius_nm, frozenset(keys), inside)


@dataclass(frozen=True, slots=True)
class ActiveRow:
    notam: Notam
    status: str
    first_seen: datetime
    last_seen: datetime


def active(
    store: Queries,
    at: datetime,
    *,
    feed: bool = False,
    restrictions: bool = False,
    locations: list[str] | None = None,
    categories: tuple[str, ...] = (),
    area: Area | None = None,
) -> list[ActiveRow]:
    """NOTAMs in force at ``at`` (B <= at < C, inside D) windows) as the log knew them;
    with ``feed``, what the feed listed at that time whether in force or not; with
    ``area``, only those near a place."""
    rows: list[NotamRow] = store.notams_listed_at(at) if feed else store.notams_known_at(at)
    out = []
    for r in rows:
        n = r.notam
        if not feed and (n.type == "C" or not in_force(n, at)):
            continue
        if restrictions and not n.restriction:
            continue
        if locations and not set(locations) & set(n.locations or ((n.fir,) if n.fir else ())):
            continue
        if categories and n.category not in categories:
            continue
        if area is not None and not area.holds_notam(n):
            continue
        out.append(ActiveRow(n, r.status, r.first_seen, r.last_seen))
    out.sort(key=lambda a: (SEVERITY.get(a.notam.category, 99), a.notam.locations, a.notam.key))
    return out


@dataclass(frozen=True, slots=True)
class History:
    key: str
    status: str
    versions: list[tuple[int, datetime, str, Notam]]
    events: list[Event]
    chain: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": self.status,
            "chain": self.chain,
            "versions": [
                {"version": v, "observed_at": iso(o), "source": s, "notam": notam_json(n)}
                for v, o, s, n in self.versions
            ],
            "events": [e.to_json() for e in self.events],
        }


def history(store: Queries, ident: str) -> list[History]:
    """Every version and event of each NOTAM matching ``ident`` (a key or an id)."""
    out = []
    for key in store.keys_for(ident):
        rows = store.notams(keys=[key])
        status = rows[0].status if rows else "unknown"
        chain = store.chain(key)
        events = [e for k in chain for e in store.events(key=k)]
        events.sort(key=lambda e: e.seq or 0)
        out.append(History(key, status, store.versions(key), events, chain))
    return out
