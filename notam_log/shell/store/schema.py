"""The schema: sqlite-utils migrations, applied in order when a store opens."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("notam_log")


#: The latest state of every NOTAM, and every version of its content.
_NOTAMS = """
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
"""

#: The append-only log, and its locations for fast filters.
_EVENTS = """
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
"""

#: Each poll of each source and scope, each scope's last complete poll, each source's health.
_POLLS = """
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
"""

#: What is in force now, restriction episodes, and the last evaluation.
_STATE = """
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


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(_NOTAMS + _EVENTS + _POLLS + _STATE)
    db.table("notams").enable_fts(["id", "locations", "text"], create_triggers=True)


@migrations()
def m002_digests(db: Database) -> None:
    """When each digest was made (for ``digest --since-last``). Before this migration
    the table came from a migration set of its own, hence IF NOT EXISTS."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS digests (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            made_at TEXT NOT NULL,
            since TEXT NOT NULL,
            "until" TEXT NOT NULL,
            kind TEXT NOT NULL,
            label TEXT NOT NULL,
            files TEXT NOT NULL DEFAULT '[]',
            delivered TEXT NOT NULL DEFAULT '[]',
            errors TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX IF NOT EXISTS digests_made ON digests (made_at);
        """
    )


@migrations()
def m003_announcements(db: Database) -> None:
    """Official announcements: every post read, its versions, the announced episodes."""
    from notam_log.shell.store.announcements import SCHEMA

    db.executescript(SCHEMA)


@migrations()
def m004_notam_geometry(db: Database) -> None:
    """The ``geometry`` column: each NOTAM's Q-line circle (or centre) as GeoJSON, so
    that Datasette and other tools can map it; filled in for the NOTAMs already kept."""
    from notam_log.core.export.geojson import geometry_json
    from notam_log.core.models import Notam

    db.execute("ALTER TABLE notams ADD COLUMN geometry TEXT")
    rows = db.execute(
        "SELECT key, json_extract(data, '$.lat'), json_extract(data, '$.lon'),"
        " json_extract(data, '$.radius_nm') FROM notams"
        " WHERE json_extract(data, '$.lat') IS NOT NULL"
    ).fetchall()
    for i in range(0, len(rows), 1000):
        updates = []
        for key, lat, lon, radius in rows[i : i + 1000]:
            n = Notam(key=key, id=None, lat=_number(lat), lon=_number(lon), radius_nm=radius)
            updates.append((geometry_json(n), key))
        db.conn.executemany("UPDATE notams SET geometry = ? WHERE key = ?", updates)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


@migrations()
def m005_fts_update_trigger(db: Database) -> None:
    """Keep the search index in step only when a searched column changes: sqlite-utils'
    ``notams_au`` trigger re-indexes a row on any UPDATE, so marking a poll's NOTAMs
    seen (``last_seen``) or missing re-tokenised every listed NOTAM's text each poll.
    The index holds the same rows either way."""
    db.executescript(
        """
        DROP TRIGGER IF EXISTS notams_au;
        CREATE TRIGGER notams_au AFTER UPDATE OF id, locations, text ON notams BEGIN
          INSERT INTO notams_fts (notams_fts, rowid, id, locations, text)
            VALUES ('delete', old.rowid, old.id, old.locations, old.text);
          INSERT INTO notams_fts (rowid, id, locations, text)
            VALUES (new.rowid, new.id, new.locations, new.text);
        END;
        """
    )


@migrations()
def m006_seen_by_scope(db: Database) -> None:
    """A complete poll says once, on its scope (``seen_at``, ``seen_poll``), that it saw
    every NOTAM of the scope still listed, instead of rewriting each one's
    ``last_seen``; a NOTAM's own ``last_seen`` is written with its ``seen_poll`` when
    it is listed on its own (new, amended, in a partial poll) and when it stops being
    listed (see ``rows.last_seen_sql``). The ``last_seen`` values already stored are
    exact, and stay so."""
    db.executescript(
        """
        ALTER TABLE notams ADD COLUMN seen_poll INTEGER;
        ALTER TABLE scopes ADD COLUMN seen_at TEXT;
        ALTER TABLE scopes ADD COLUMN seen_poll INTEGER;
        """
    )


@migrations()
def m007_events_kind_seq(db: Database) -> None:
    """An index of the events by kind and sequence number, so that the newest events of
    a few kinds (the watcher's "recent changes", a second a time) are read from its end
    instead of sorting every event of those kinds in the log."""
    db.execute("CREATE INDEX IF NOT EXISTS events_kind_seq ON events (kind, seq)")


@migrations()
def m008_notams_ref_and_estimated_end(db: Database) -> None:
    """Two indexes the digest reads by: the NOTAMR/NOTAMC that name an id (``ref``), and
    the NOTAMs whose estimated end (EST) falls in a period (a partial index of ``end``
    over ``end_estimated = 1``, the few that have one). Without them every digest read
    the whole ``notams`` table twice (140 ms for 200,000 NOTAMs)."""
    db.executescript(
        """
        CREATE INDEX IF NOT EXISTS notams_ref ON notams (ref);
        CREATE INDEX IF NOT EXISTS notams_estimated_end ON notams ("end")
          WHERE end_estimated = 1;
        """
    )
