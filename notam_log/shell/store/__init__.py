"""The SQLite store: schema (sqlite-utils migrations), one transaction per change, queries.

Tables (documented in the README):

* ``notams``: the latest state of every NOTAM (parsed fields, raw text, content
  hash, first and last seen, status: active, replaced, cancelled, expired or withdrawn).
* ``notam_versions``: every distinct version of a NOTAM's content.
* ``events``: the append-only log (triggers refuse UPDATE and DELETE).
* ``event_locations``: one row per (event, location), for fast location filters.
* ``polls``: each poll of each source and scope, its status, reason and counts.
* ``scopes``: the last complete poll of each source and scope, and what it held.
* ``sources``: each source's health (failing since, failures in a row) and state.
* ``in_force``: the restrictions in force now, per location and category.
* ``episodes``: restriction episodes per location, with bounded start and end.
* ``notams_fts``: full-text search over NOTAM id, locations and text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from notam_log.core.diff import Changes, InForce, ScopeInfo, SourceHealth, Tracked, World
from notam_log.core.errors import StoreError
from notam_log.core.models import Episode, Event, Notam, PollRecord, iso, parse_iso

migrations = Migrations("notam_log")


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE notams (
            key TEXT PRIMARY KEY,
            id TEXT,
            source TEXT NOT NULL,
            scope TEXT NOT NULL,
            status TEXT NOT NULL,
            hash TEXT NOT NULL,
            version INTEGER NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            ended_at TEXT,
            missing INTEGER NOT NULL DEFAULT 0,
            missing_after TEXT,
            missing_by TEXT,
            type TEXT,
            ref TEXT,
            qcode TEXT,
            category TEXT,
            restriction INTEGER NOT NULL DEFAULT 0,
            locations TEXT NOT NULL,
            start TEXT,
            "end" TEXT,
            end_estimated INTEGER NOT NULL DEFAULT 0,
            text TEXT,
            raw TEXT,
            issues TEXT,
            data TEXT NOT NULL
        );
        CREATE INDEX notams_scope ON notams (source, scope, status);
        CREATE INDEX notams_status ON notams (status);
        CREATE INDEX notams_id ON notams (id);
        CREATE TABLE notam_versions (
            key TEXT NOT NULL,
            version INTEGER NOT NULL,
            hash TEXT NOT NULL,
            observed_at TEXT NOT NULL,
            source TEXT NOT NULL,
            raw TEXT,
            data TEXT NOT NULL,
            PRIMARY KEY (key, version)
        );
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            key TEXT,
            id TEXT,
            locations TEXT NOT NULL,
            category TEXT,
            source TEXT NOT NULL,
            observed_at TEXT NOT NULL,
            "after" TEXT,
            effective_at TEXT,
            detail TEXT NOT NULL,
            poll_id INTEGER
        );
        CREATE INDEX events_observed ON events (observed_at);
        CREATE INDEX events_key ON events (key);
        CREATE INDEX events_kind ON events (kind, observed_at);
        CREATE TABLE event_locations (
            location TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (location, seq)
        ) WITHOUT ROWID;
        CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TABLE polls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            scope TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            notams INTEGER NOT NULL DEFAULT 0,
            events INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX polls_source ON polls (source, started_at);
        CREATE TABLE scopes (
            source TEXT NOT NULL,
            scope TEXT NOT NULL,
            last_complete TEXT,
            last_count INTEGER NOT NULL DEFAULT 0,
            present TEXT NOT NULL DEFAULT '[]',
            last_poll TEXT,
            PRIMARY KEY (source, scope)
        );
        CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            down_since TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            last_ok TEXT,
            last_error TEXT,
            last_poll TEXT,
            state TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE in_force (
            location TEXT NOT NULL,
            category TEXT NOT NULL,
            keys TEXT NOT NULL,
            since_by TEXT NOT NULL,
            since_after TEXT,
            since_effective TEXT,
            PRIMARY KEY (location, category)
        );
        CREATE TABLE episodes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            location TEXT NOT NULL,
            start_after TEXT,
            start_by TEXT NOT NULL,
            start_effective TEXT,
            end_after TEXT,
            end_by TEXT,
            end_effective TEXT,
            categories TEXT NOT NULL,
            keys TEXT NOT NULL
        );
        CREATE INDEX episodes_location ON episodes (location, start_by);
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
        """
    )
    db.table("notams").enable_fts(["id", "locations", "text"], create_triggers=True)


class Store:
    """One database file. Writes happen only through :meth:`write`, one transaction each."""

    def __init__(self, path: str | Path, *, create: bool = True, timeout: float = 30.0) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such database (run a poll or a replay first)")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=timeout, check_same_thread=False)
            self.db = Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            migrations.apply(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {describe_sqlite_error(exc)}") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ state

    def load_world(self) -> World:
        """Rebuild change detection's state from the tables."""
        rows = self.db.execute(  # iterated, not fetched at once: keeps the peak low
            "SELECT key, source, scope, hash, version, first_seen, missing, missing_after,"
            " missing_by, data FROM notams WHERE status = 'active'"
        )
        active: dict[str, Tracked] = {}
        for key, source, scope, h, version, first, missing, m_after, m_by, data in rows:
            fields = json.loads(data)
            fields["raw"] = ""  # kept in the table; never rewritten from memory (see marks)
            active[key] = Tracked(
                notam=Notam.from_json(fields),
                hash=h,
                source=source,
                scope=scope,
                first_seen=_t(first),
                version=version,
                missing=missing,
                missing_after=parse_iso(m_after),
                missing_by=parse_iso(m_by),
            )
        terminal = dict(
            self.db.execute("SELECT key, status FROM notams WHERE status != 'active'").fetchall()
        )
        scopes = {
            (s, sc): ScopeInfo(parse_iso(lc), n, frozenset(json.loads(p)), parse_iso(lp))
            for s, sc, lc, n, p, lp in self.db.execute(
                "SELECT source, scope, last_complete, last_count, present, last_poll FROM scopes"
            ).fetchall()
        }
        in_force = {
            (loc, cat): InForce(frozenset(json.loads(k)), _t(by), parse_iso(af), parse_iso(ef))
            for loc, cat, k, by, af, ef in self.db.execute(
                "SELECT location, category, keys, since_by, since_after, since_effective"
                " FROM in_force"
            ).fetchall()
        }
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

    def meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", [name]).fetchone()
        return None if row is None else str(row[0])

    # ------------------------------------------------------------------ writing

    def write(
        self,
        changes: Changes,
        poll: PollRecord | None = None,
        *,
        source_state: tuple[str, Mapping[str, Any]] | None = None,
    ) -> list[Event]:
        """Write one ingest, tick or source outcome in one transaction; return the
        events with their sequence numbers."""
        try:
            with self.db.atomic():
                return self._write(changes, poll, source_state)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {describe_sqlite_error(exc)}") from exc

    def _write(
        self,
        ch: Changes,
        poll: PollRecord | None,
        source_state: tuple[str, Mapping[str, Any]] | None,
    ) -> list[Event]:
        ex = self.db.conn.execute
        poll_id: int | None = None
        if poll is not None:
            cur = ex(
                "INSERT INTO polls (source, scope, started_at, finished_at, status, reason,"
                " notams, events) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    poll.source,
                    poll.scope,
                    iso(poll.started_at),
                    iso(poll.finished_at),
                    poll.status,
                    poll.reason,
                    poll.notams,
                    len(ch.events),
                ],
            )
            poll_id = cur.lastrowid
        out: list[Event] = []
        for ev in ch.events:
            cur = ex(
                "INSERT INTO events (kind, key, id, locations, category, source, observed_at,"
                ' "after", effective_at, detail, poll_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
                [
                    ev.kind,
                    ev.key,
                    ev.id,
                    json.dumps(list(ev.locations)),
                    ev.category,
                    ev.source,
                    iso(ev.observed_at),
                    _s(ev.after),
                    _s(ev.effective_at),
                    json.dumps(ev.detail, sort_keys=True, default=str),
                    poll_id,
                ],
            )
            seq = cur.lastrowid
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO event_locations (location, seq) VALUES (?, ?)",
                [(loc, seq) for loc in ev.locations],
            )
            out.append(_with_seq(ev, seq))
        t = poll.started_at if poll is not None else None
        if ch.upserts:
            self.db.conn.executemany(
                "INSERT INTO notams (key, id, source, scope, status, hash, version, first_seen,"
                " last_seen, missing, missing_after, missing_by, type, ref, qcode, category,"
                ' restriction, locations, start, "end", end_estimated, text, raw, issues, data)'
                " VALUES (?,?,?,?,'active',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (key) DO UPDATE SET id=excluded.id, source=excluded.source,"
                " scope=excluded.scope, status='active', hash=excluded.hash,"
                " version=excluded.version, missing=excluded.missing,"
                " missing_after=excluded.missing_after, missing_by=excluded.missing_by,"
                " type=excluded.type, ref=excluded.ref, qcode=excluded.qcode,"
                " category=excluded.category, restriction=excluded.restriction,"
                ' locations=excluded.locations, start=excluded.start, "end"=excluded."end",'
                " end_estimated=excluded.end_estimated, text=excluded.text, raw=excluded.raw,"
                " issues=excluded.issues, data=excluded.data, ended_at=NULL",
                [_notam_row(tr, t) for tr in ch.upserts.values()],
            )
        marks = [tr for key, tr in ch.marks.items() if key not in ch.upserts]
        if marks:
            self.db.conn.executemany(
                "UPDATE notams SET missing = ?, missing_after = ?, missing_by = ? WHERE key = ?",
                [
                    (tr.missing, _s(tr.missing_after), _s(tr.missing_by), tr.notam.key)
                    for tr in marks
                ],
            )
        if ch.versions:
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO notam_versions (key, version, hash, observed_at, source,"
                " raw, data) VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        tr.notam.key,
                        tr.version,
                        tr.hash,
                        iso(t or tr.first_seen),
                        tr.source,
                        tr.notam.raw,
                        json.dumps(tr.notam.to_json()),
                    )
                    for tr in ch.versions
                ],
            )
        if ch.finals:
            ended = {
                ev.key: ev.effective_at if ev.kind == "expired" else ev.observed_at
                for ev in ch.events
                if ev.key in ch.finals
                and ev.kind in ("replaced", "cancelled", "expired", "withdrawn")
            }
            fallback = ch.world.last_eval
            self.db.conn.executemany(
                "UPDATE notams SET status = ?, ended_at = ? WHERE key = ?",
                [
                    (status, _s(ended.get(key) or fallback), key)
                    for key, status in ch.finals.items()
                ],
            )
        if poll is not None and ch.seen and ch.status in ("complete", "unchanged"):
            ex(
                "UPDATE notams SET last_seen = ? WHERE source = ? AND scope = ?"
                " AND status = 'active' AND missing = 0",
                [iso(poll.started_at), poll.source, poll.scope],
            )
        elif poll is not None and ch.seen:
            self.db.conn.executemany(
                "UPDATE notams SET last_seen = ? WHERE key = ? AND status = 'active'",
                [(iso(poll.started_at), key) for key in ch.seen],
            )
        if poll is not None:
            info = ch.world.scopes.get((poll.source, poll.scope))
            if info is not None:
                ex(
                    "INSERT INTO scopes (source, scope, last_complete, last_count, present,"
                    " last_poll) VALUES (?,?,?,?,?,?) ON CONFLICT (source, scope) DO UPDATE SET"
                    " last_complete=excluded.last_complete, last_count=excluded.last_count,"
                    " present=excluded.present, last_poll=excluded.last_poll",
                    [
                        poll.source,
                        poll.scope,
                        _s(info.last_complete),
                        info.last_count,
                        json.dumps(sorted(info.present)),
                        _s(info.last_poll),
                    ],
                )
        if ch.status not in ("source",):
            self._write_in_force(ch.world)
            self._write_episodes(ch)
            if ch.world.last_eval is not None:
                ex(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES ('last_eval', ?)",
                    [iso(ch.world.last_eval)],
                )
        for name, h in ch.world.sources.items():
            ex(
                "INSERT INTO sources (name, down_since, failures, last_ok, last_error)"
                " VALUES (?,?,?,?,?) ON CONFLICT (name) DO UPDATE SET"
                " down_since=excluded.down_since, failures=excluded.failures,"
                " last_ok=excluded.last_ok, last_error=excluded.last_error",
                [name, _s(h.down_since), h.failures, _s(h.last_ok), h.last_error],
            )
        if source_state is not None:
            name, state = source_state
            ex(
                "INSERT INTO sources (name, state, last_poll) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET state=excluded.state,"
                " last_poll=excluded.last_poll",
                [name, json.dumps(dict(state), sort_keys=True, default=str), _s(t)],
            )
        return out

    def _write_in_force(self, world: World) -> None:
        self.db.conn.execute("DELETE FROM in_force")
        self.db.conn.executemany(
            "INSERT INTO in_force (location, category, keys, since_by, since_after,"
            " since_effective) VALUES (?,?,?,?,?,?)",
            [
                (
                    loc,
                    cat,
                    json.dumps(sorted(inf.keys)),
                    iso(inf.since_by),
                    _s(inf.since_after),
                    _s(inf.since_effective),
                )
                for (loc, cat), inf in world.in_force.items()
            ],
        )

    def _write_episodes(self, ch: Changes) -> None:
        ex = self.db.conn.execute
        for ep in ch.closed_episodes:
            ex(
                "UPDATE episodes SET end_after=?, end_by=?, end_effective=?, categories=?,"
                " keys=? WHERE location=? AND end_by IS NULL",
                [
                    _s(ep.end_after),
                    _s(ep.end_by),
                    _s(ep.end_effective),
                    _cats(ep),
                    json.dumps(list(ep.keys)),
                    ep.location,
                ],
            )
        for ep in ch.world.episodes.values():
            cur = ex(
                "UPDATE episodes SET categories=?, keys=? WHERE location=? AND end_by IS NULL",
                [_cats(ep), json.dumps(list(ep.keys)), ep.location],
            )
            if cur.rowcount == 0:
                ex(
                    "INSERT INTO episodes (location, start_after, start_by, start_effective,"
                    " categories, keys) VALUES (?,?,?,?,?,?)",
                    [
                        ep.location,
                        _s(ep.start_after),
                        iso(ep.start_by),
                        _s(ep.start_effective),
                        _cats(ep),
                        json.dumps(list(ep.keys)),
                    ],
                )

    def save_source_state(
        self, name: str, state: Mapping[str, Any], *, last_poll: datetime | None = None
    ) -> None:
        """Keep a source's state (ETag, seen TFRs, quota reset; never secrets)."""
        try:
            with self.db.atomic():
                self.db.conn.execute(
                    "INSERT INTO sources (name, state, last_poll) VALUES (?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET state=excluded.state,"
                    " last_poll=coalesce(excluded.last_poll, sources.last_poll)",
                    [name, json.dumps(dict(state), sort_keys=True, default=str), _s(last_poll)],
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {describe_sqlite_error(exc)}") from exc

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
    ) -> list[Event]:
        """The log, oldest first (by sequence number), filtered."""
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
        sql = (
            "SELECT e.seq, e.kind, e.key, e.id, e.locations, e.category, e.source,"
            ' e.observed_at, e."after", e.effective_at, e.detail FROM events e'
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.seq DESC" if newest_first else " ORDER BY e.seq"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_row_event(r) for r in self.db.execute(sql, params).fetchall()]

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
        sql = (
            "SELECT key, status, source, scope, first_seen, last_seen, ended_at, version, data"
            " FROM notams"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [_row_notam(r) for r in self.db.execute(sql, args).fetchall()]

    def notams_known_at(self, at: datetime) -> list[NotamRow]:
        """NOTAMs the log held as current at ``at``: first seen by then and not ended before."""
        sql = (
            "SELECT key, status, source, scope, first_seen, last_seen, ended_at, version, data"
            " FROM notams WHERE first_seen <= ? AND (ended_at IS NULL OR ended_at > ?)"
        )
        return [_row_notam(r) for r in self.db.execute(sql, [iso(at), iso(at)]).fetchall()]

    def notams_listed_at(self, at: datetime) -> list[NotamRow]:
        """NOTAMs that the last complete poll of their scope at or before ``at`` listed."""
        sql = (
            "SELECT key, status, source, scope, first_seen, last_seen, ended_at, version, data"
            " FROM notams n WHERE first_seen <= ? AND last_seen >= (SELECT max(started_at)"
            " FROM polls p WHERE p.source = n.source AND p.scope = n.scope"
            " AND p.started_at <= ? AND p.status IN ('complete', 'unchanged'))"
        )
        return [_row_notam(r) for r in self.db.execute(sql, [iso(at), iso(at)]).fetchall()]

    def versions(self, key: str) -> list[tuple[int, datetime, str, Notam]]:
        rows = self.db.execute(
            "SELECT version, observed_at, source, data FROM notam_versions WHERE key = ?"
            " ORDER BY version",
            [key],
        ).fetchall()
        return [(v, _t(o), s, Notam.from_json(json.loads(d))) for v, o, s, d in rows]

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
                    start_by=_t(sb),
                    start_after=parse_iso(sa),
                    start_effective=parse_iso(se),
                    end_by=parse_iso(eb),
                    end_after=parse_iso(ea),
                    end_effective=parse_iso(ee),
                    categories=tuple((_t(w), c) for w, c in json.loads(cats)),
                    keys=tuple(json.loads(keys)),
                    id=i,
                )
            )
        return out

    def in_force(self) -> dict[tuple[str, str], InForce]:
        return dict(self.load_in_force())

    def load_in_force(self) -> Iterator[tuple[tuple[str, str], InForce]]:
        for loc, cat, k, by, af, ef in self.db.execute(
            "SELECT location, category, keys, since_by, since_after, since_effective FROM in_force"
        ):
            yield (
                (loc, cat),
                InForce(frozenset(json.loads(k)), _t(by), parse_iso(af), parse_iso(ef)),
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
                started_at=_t(st),
                finished_at=_t(fi),
                status=stt,
                reason=r,
                notams=n,
                events=e,
            )
            for i, s, sc, st, fi, stt, r, n, e in self.db.execute(sql, params)
        ]

    def source_rows(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT name, down_since, failures, last_ok, last_error, last_poll FROM sources"
            " ORDER BY name"
        ).fetchall()
        return [
            {
                "name": n,
                "down_since": parse_iso(ds),
                "failures": f,
                "last_ok": parse_iso(ok),
                "last_error": err,
                "last_poll": parse_iso(lp),
            }
            for n, ds, f, ok, err, lp in rows
        ]

    def last_complete(self, source: str) -> datetime | None:
        row = self.db.execute(
            "SELECT max(last_complete) FROM scopes WHERE source = ?", [source]
        ).fetchone()
        return parse_iso(row[0]) if row else None

    def search(self, text: str, *, limit: int = 50) -> list[NotamRow]:
        """Full-text search over NOTAM id, locations and text (FTS5 query syntax)."""
        try:
            rows = self.db.execute(
                "SELECT n.key, n.status, n.source, n.scope, n.first_seen, n.last_seen,"
                " n.ended_at, n.version, n.data FROM notams_fts f JOIN notams n"
                " ON n.rowid = f.rowid WHERE notams_fts MATCH ? ORDER BY rank LIMIT ?",
                [text, limit],
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"search: cannot read the query {text!r}: {exc}") from exc
        return [_row_notam(r) for r in rows]


@dataclass(frozen=True, slots=True)
class NotamRow:
    notam: Notam
    status: str
    source: str
    scope: str
    first_seen: datetime
    last_seen: datetime
    ended_at: datetime | None
    version: int


def describe_sqlite_error(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return "the database is locked by another writer (gave up waiting)"
    if "file is not a database" in text or "malformed" in text:
        return f"not a notam-log database or corrupt ({text}); it was left untouched"
    if "full" in text:
        return "the disk or database is full; nothing of this poll was written"
    return text


def _row_event(r: Sequence[Any]) -> Event:
    seq, kind, key, nid, locs, cat, src, obs, after, eff, detail = r
    return Event(
        kind=kind,
        source=src,
        observed_at=_t(obs),
        key=key,
        id=nid,
        locations=tuple(json.loads(locs)),
        category=cat,
        after=parse_iso(after),
        effective_at=parse_iso(eff),
        detail=json.loads(detail),
        seq=seq,
    )


def _row_notam(r: Sequence[Any]) -> NotamRow:
    key, status, source, scope, first, last, ended, version, data = r
    return NotamRow(
        notam=Notam.from_json(json.loads(data)),
        status=status,
        source=source,
        scope=scope,
        first_seen=_t(first),
        last_seen=_t(last),
        ended_at=parse_iso(ended),
        version=version,
    )


def _notam_row(tr: Tracked, t: datetime | None) -> tuple[Any, ...]:
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
        _s(tr.missing_after),
        _s(tr.missing_by),
        n.type,
        n.ref,
        n.qcode,
        n.category,
        int(n.restriction),
        " ".join(n.locations),
        _s(n.start),
        _s(n.end),
        int(n.end_estimated),
        n.text,
        n.raw,
        json.dumps(list(n.issues)),
        json.dumps(n.to_json()),
    )


def _with_seq(ev: Event, seq: int | None) -> Event:
    from dataclasses import replace

    return replace(ev, seq=seq)


def _cats(ep: Episode) -> str:
    return json.dumps([[iso(w), c] for w, c in ep.categories])


def _s(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None


def _t(value: str) -> datetime:
    parsed = parse_iso(value)
    if parsed is None:
        raise StoreError(f"missing time in the database: {value!r}")
    return parsed
