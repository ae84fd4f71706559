"""Writing the log: one transaction per ingest, tick or source outcome."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from notam_log.core.announce import AnnounceChanges
from notam_log.core.diff import Changes, World
from notam_log.core.digest import Digest
from notam_log.core.errors import StoreError
from notam_log.core.models import Event, PollRecord, iso
from notam_log.shell.store import announcements
from notam_log.shell.store.rows import (
    categories_json,
    describe_sqlite_error,
    iso_or_none,
    last_seen_sql,
    notam_data,
    notam_to_row,
    with_seq,
)


class Writes:
    """The writing half of :class:`~notam_log.shell.store.Store`: one transaction each."""

    db: Database
    path: Path

    # ------------------------------------------------------------------ writing

    def write(
        self,
        changes: Changes,
        poll: PollRecord | None = None,
        *,
        announce: AnnounceChanges | None = None,
        before: World | None = None,
    ) -> list[Event]:
        """Write one ingest, tick or source outcome in one transaction; return the
        events with their sequence numbers. ``announce``: the posts and announced
        episodes of the same snapshot (its events are among ``changes.events``).
        ``before``: the world the change was made from, as the store holds it (the
        recorder's); with it, what is the same in ``changes.world`` (restrictions in
        force, open episodes, a scope's listing, source health) is not written again."""
        try:
            with self.db.atomic():
                out = self._write(changes, poll, before)
                if announce is not None:
                    announcements.write(self.db.conn, announce)
                return out
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {describe_sqlite_error(exc)}") from exc

    def _write(self, ch: Changes, poll: PollRecord | None, before: World | None) -> list[Event]:
        """The steps of :meth:`write`, in this order, inside its transaction."""
        poll_id = self._insert_poll(poll, len(ch.events)) if poll is not None else None
        out = self._insert_events(ch.events, poll_id)
        t = poll.started_at if poll is not None else None
        self._write_notams(ch, t, poll_id)
        if poll is not None:
            self._write_seen(ch, poll, poll_id, before)
        if ch.status not in ("source",):
            self._write_in_force(ch.world, before)
            self._write_episodes(ch, before)
            last = ch.world.last_eval
            if last is not None and (before is None or last != before.last_eval):
                self.db.conn.execute(
                    "INSERT OR REPLACE INTO meta (name, value) VALUES ('last_eval', ?)",
                    [iso(last)],
                )
        self._write_health(ch.world, before)
        return out

    def _insert_poll(self, poll: PollRecord, events: int) -> int | None:
        cur = self.db.conn.execute(
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
                events,
            ],
        )
        return cur.lastrowid

    def _insert_events(self, events: Sequence[Event], poll_id: int | None) -> list[Event]:
        """Append the events (and their locations); they come back with their numbers."""
        out: list[Event] = []
        for ev in events:
            cur = self.db.conn.execute(
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
                    iso_or_none(ev.after),
                    iso_or_none(ev.effective_at),
                    json.dumps(ev.detail, sort_keys=True, default=str),
                    poll_id,
                ],
            )
            seq = cur.lastrowid
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO event_locations (location, seq) VALUES (?, ?)",
                [(loc, seq) for loc in ev.locations],
            )
            out.append(with_seq(ev, seq))
        return out

    def _write_notams(self, ch: Changes, t: datetime | None, poll_id: int | None) -> None:
        """New and changed NOTAMs, missing marks, new versions, and NOTAMs that ended.
        A NOTAM that stops being listed (marked missing, ended) keeps the last poll
        that listed it as its own ``last_seen`` (see ``rows.last_seen_sql``)."""
        # a new NOTAM's JSON goes in its row and its first version: made once
        data = {id(tr.notam): notam_data(tr.notam) for tr in ch.upserts.values()}
        if ch.upserts:
            self.db.conn.executemany(
                "INSERT INTO notams (key, id, source, scope, status, hash, version, first_seen,"
                " last_seen, missing, missing_after, missing_by, type, ref, qcode, category,"
                ' restriction, locations, start, "end", end_estimated, text, raw, issues, data,'
                " geometry, seen_poll)"
                " VALUES (?,?,?,?,'active',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " ON CONFLICT (key) DO UPDATE SET id=excluded.id, source=excluded.source,"
                " scope=excluded.scope, status='active', hash=excluded.hash,"
                " version=excluded.version, missing=excluded.missing,"
                " missing_after=excluded.missing_after, missing_by=excluded.missing_by,"
                " type=excluded.type, ref=excluded.ref, qcode=excluded.qcode,"
                " category=excluded.category, restriction=excluded.restriction,"
                ' locations=excluded.locations, start=excluded.start, "end"=excluded."end",'
                " end_estimated=excluded.end_estimated, text=excluded.text, raw=excluded.raw,"
                " issues=excluded.issues, data=excluded.data, geometry=excluded.geometry,"
                " seen_poll=excluded.seen_poll, ended_at=NULL",
                [notam_to_row(tr, t, poll_id, data[id(tr.notam)]) for tr in ch.upserts.values()],
            )
        marks = [tr for key, tr in ch.marks.items() if key not in ch.upserts]
        if marks:
            self.db.conn.executemany(
                f"UPDATE notams SET last_seen = {last_seen_sql('notams')}, missing = ?,"
                " missing_after = ?, missing_by = ? WHERE key = ?",
                [
                    (
                        tr.missing,
                        iso_or_none(tr.missing_after),
                        iso_or_none(tr.missing_by),
                        tr.notam.key,
                    )
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
                        data.get(id(tr.notam)) or notam_data(tr.notam),
                    )
                    for tr in ch.versions
                ],
            )
        if ch.finals:
            self._end_notams(ch)

    def _end_notams(self, ch: Changes) -> None:
        """The final status of the NOTAMs that ended, and when (the event's time)."""
        ended = {
            ev.key: ev.effective_at if ev.kind == "expired" else ev.observed_at
            for ev in ch.events
            if ev.key in ch.finals and ev.kind in ("replaced", "cancelled", "expired", "withdrawn")
        }
        fallback = ch.world.last_eval
        self.db.conn.executemany(
            f"UPDATE notams SET last_seen = {last_seen_sql('notams')}, status = ?,"
            " ended_at = ? WHERE key = ?",
            [
                (status, iso_or_none(ended.get(key) or fallback), key)
                for key, status in ch.finals.items()
            ],
        )

    def _write_seen(
        self, ch: Changes, poll: PollRecord, poll_id: int | None, before: World | None
    ) -> None:
        """What the poll listed, seen at its time. A complete one saw every NOTAM of its
        scope still listed: said once, on the scope (``seen_at``); a partial one, each
        NOTAM it listed. Then the scope as the poll leaves it."""
        touched = bool(ch.seen) and ch.status in ("complete", "unchanged")
        if ch.seen and not touched:
            self.db.conn.executemany(
                "UPDATE notams SET last_seen = ?, seen_poll = ?"
                " WHERE key = ? AND status = 'active'",
                [(iso(poll.started_at), poll_id, key) for key in ch.seen],
            )
        info = ch.world.scopes.get((poll.source, poll.scope))
        if info is None:
            return
        seen = (iso(poll.started_at), poll_id) if touched else (None, None)
        old = before.scopes.get((poll.source, poll.scope)) if before is not None else None
        # the listing (a JSON list of every key) only when it changed
        present = None if old is not None and old.present == info.present else info.present
        self.db.conn.execute(
            "INSERT INTO scopes (source, scope, last_complete, last_count, present,"
            " last_poll, seen_at, seen_poll) VALUES (?,?,?,?,coalesce(?, '[]'),?,?,?)"
            " ON CONFLICT (source, scope) DO UPDATE SET"
            " last_complete=excluded.last_complete, last_count=excluded.last_count,"
            " present=coalesce(?, scopes.present), last_poll=excluded.last_poll,"
            " seen_at=coalesce(excluded.seen_at, scopes.seen_at),"
            " seen_poll=coalesce(excluded.seen_poll, scopes.seen_poll)",
            [
                poll.source,
                poll.scope,
                iso_or_none(info.last_complete),
                info.last_count,
                None if present is None else json.dumps(sorted(present)),
                iso_or_none(info.last_poll),
                *seen,
                None if present is None else json.dumps(sorted(present)),
            ],
        )

    def _write_health(self, world: World, before: World | None) -> None:
        for name, h in world.sources.items():
            if before is not None and before.sources.get(name) == h:
                continue
            self.db.conn.execute(
                "INSERT INTO sources (name, down_since, failures, last_ok, last_error)"
                " VALUES (?,?,?,?,?) ON CONFLICT (name) DO UPDATE SET"
                " down_since=excluded.down_since, failures=excluded.failures,"
                " last_ok=excluded.last_ok, last_error=excluded.last_error",
                [name, iso_or_none(h.down_since), h.failures, iso_or_none(h.last_ok), h.last_error],
            )

    def _write_in_force(self, world: World, before: World | None) -> None:
        """The restrictions in force: those that ended deleted, new and changed ones
        written (all of them without ``before``)."""
        old = before.in_force if before is not None else None
        if old is None:
            self.db.conn.execute("DELETE FROM in_force")
        else:
            gone = [pair for pair in old if pair not in world.in_force]
            self.db.conn.executemany(
                "DELETE FROM in_force WHERE location = ? AND category = ?", gone
            )
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO in_force (location, category, keys, since_by, since_after,"
            " since_effective) VALUES (?,?,?,?,?,?)",
            [
                (
                    loc,
                    cat,
                    json.dumps(sorted(inf.keys)),
                    iso(inf.since_by),
                    iso_or_none(inf.since_after),
                    iso_or_none(inf.since_effective),
                )
                for (loc, cat), inf in world.in_force.items()
                if old is None or old.get((loc, cat)) != inf
            ],
        )

    def _write_episodes(self, ch: Changes, before: World | None) -> None:
        """Episodes that ended, and the open ones that began or changed (all open ones
        without ``before``)."""
        ex = self.db.conn.execute
        for ep in ch.closed_episodes:
            cur = ex(
                "UPDATE episodes SET end_after=?, end_by=?, end_effective=?, categories=?,"
                " keys=? WHERE location=? AND end_by IS NULL",
                [
                    iso_or_none(ep.end_after),
                    iso_or_none(ep.end_by),
                    iso_or_none(ep.end_effective),
                    categories_json(ep),
                    json.dumps(list(ep.keys)),
                    ep.location,
                ],
            )
            if cur.rowcount == 0:  # began and ended between two evaluations
                ex(
                    "INSERT INTO episodes (location, start_after, start_by, start_effective,"
                    " end_after, end_by, end_effective, categories, keys)"
                    " VALUES (?,?,?,?,?,?,?,?,?)",
                    [
                        ep.location,
                        iso_or_none(ep.start_after),
                        iso(ep.start_by),
                        iso_or_none(ep.start_effective),
                        iso_or_none(ep.end_after),
                        iso_or_none(ep.end_by),
                        iso_or_none(ep.end_effective),
                        categories_json(ep),
                        json.dumps(list(ep.keys)),
                    ],
                )
        old = before.episodes if before is not None else None
        for ep in ch.world.episodes.values():
            if old is not None and old.get(ep.location) == ep:
                continue
            cur = ex(
                "UPDATE episodes SET categories=?, keys=? WHERE location=? AND end_by IS NULL",
                [categories_json(ep), json.dumps(list(ep.keys)), ep.location],
            )
            if cur.rowcount == 0:
                ex(
                    "INSERT INTO episodes (location, start_after, start_by, start_effective,"
                    " categories, keys) VALUES (?,?,?,?,?,?)",
                    [
                        ep.location,
                        iso_or_none(ep.start_after),
                        iso(ep.start_by),
                        iso_or_none(ep.start_effective),
                        categories_json(ep),
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
                    [
                        name,
                        json.dumps(dict(state), sort_keys=True, default=str),
                        iso_or_none(last_poll),
                    ],
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {describe_sqlite_error(exc)}") from exc

    def remember_digest(
        self,
        digest: Digest,
        files: Sequence[str] = (),
        delivered: Sequence[str] = (),
        errors: Sequence[str] = (),
    ) -> None:
        """Note that a digest was made (for ``--since-last``); errors must be redacted."""
        try:
            with self.db.atomic():
                self.db.conn.execute(
                    'INSERT INTO digests (made_at, since, "until", kind, label, files, delivered,'
                    " errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        iso(digest.made_at),
                        iso(digest.period.since),
                        iso(digest.period.until),
                        digest.period.kind,
                        digest.period.label,
                        json.dumps(list(files)),
                        json.dumps(list(delivered)),
                        json.dumps(list(errors)),
                    ],
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {describe_sqlite_error(exc)}") from exc
