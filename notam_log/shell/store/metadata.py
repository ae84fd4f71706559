"""Datasette metadata for a notam-log database: a title and a description for every table
and column, and the canned queries (their SQL lives here, with the store's other SQL).

``tests/test_serve.py`` checks that every table and column of a fresh database is
described, so a migration that adds one must describe it here too.
"""

from __future__ import annotations

from typing import Any

from notam_log.shell.store.rows import last_seen_sql

#: The database's timestamps: ISO 8601 UTC, ``2025-03-21T01:43:00Z`` (sortable as text).
_T = "ISO 8601 UTC, e.g. 2025-03-21T01:43:00Z"
#: A time given to a canned query, in the database's form (SQLite reads ISO 8601 and Z).
_AT = "strftime('%Y-%m-%dT%H:%M:%SZ', {})"
_UNTIL = "coalesce(nullif(:until, ''), 'now')"
_DAY = "'-1 day'"

#: table -> (title, description, {column: description}, hidden)
TABLES: dict[str, tuple[str, str, dict[str, str], bool]] = {
    "notams": (
        "NOTAMs",
        "The latest state of every NOTAM the log has seen: its parsed fields, raw text,"
        " content hash, when it was first and last seen, and its status.",
        {
            "key": "Unique key: issuing office and id (EGGN:A1918/25)",
            "id": "The NOTAM's id as published (A1918/25)",
            "source": "The source that last listed it (a name from config.toml)",
            "scope": "The part of the source that listed it (a FIR, a country, 'all')",
            "status": "active, replaced, cancelled, expired or withdrawn",
            "hash": "SHA-1 of what the NOTAM says (changes mean an amendment)",
            "version": "How many distinct contents it has had (see notam_versions)",
            "first_seen": f"The first poll that listed it ({_T})",
            "last_seen": f"The last poll that listed it ({_T}), as written when it was"
            " listed on its own (new, amended, in a partial poll) or stopped being listed;"
            " while its scope still lists it (active, missing 0), its scope's seen_at when"
            " that poll came after seen_poll (a complete poll writes only its scope; the"
            " 'feed_at_time' query and every command give the resulting time)",
            "seen_poll": "The poll (polls.id) that wrote last_seen",
            "ended_at": "When it stopped being active (C time when it expired, else the poll"
            " that showed the end); empty while active",
            "missing": "Complete polls in a row that no longer listed it",
            "missing_after": "The last complete poll that still listed it, while missing",
            "missing_by": "The first complete poll that no longer listed it, while missing",
            "type": "N (new), R (replaces another) or C (cancels another)",
            "ref": "The id that a NOTAMR replaces or a NOTAMC cancels",
            "qcode": "The Q-line code, five letters (QFALC: aerodrome closed)",
            "category": "notam-log's category (aerodrome_closed, runway_closed, ...)",
            "restriction": "1 when its category counts as a restriction (config.toml)",
            "locations": "Item A locations, space-separated ICAO codes",
            "start": f"Item B: in force from ({_T})",
            "end": "Item C: in force until; empty when permanent or not given",
            "end_estimated": "1 when item C is estimated (EST)",
            "text": "Item E: the text",
            "raw": "The NOTAM as the source gave it",
            "issues": "What could not be read (JSON list); never silently dropped",
            "data": "All parsed fields as JSON (including item D windows)",
            "geometry": "GeoJSON geometry from the Q line (RFC 7946, longitude first): the"
            " circle as a polygon computed on the WGS 84 ellipsoid, or the centre point for"
            " a radius of 999 NM (a whole FIR); empty without a Q-line position",
        },
        False,
    ),
    "notam_versions": (
        "NOTAM versions",
        "Every distinct content of every NOTAM, with when it was first seen.",
        {
            "key": "The NOTAM's key (see notams)",
            "version": "1 for the first content, then one more per amendment",
            "hash": "SHA-1 of this content",
            "observed_at": f"The poll that first showed this content ({_T})",
            "source": "The source that showed it",
            "raw": "The NOTAM as the source gave it",
            "data": "All parsed fields as JSON",
        },
        False,
    ),
    "events": (
        "Events",
        "The append-only log of changes (triggers refuse UPDATE and DELETE). A change"
        " happened between 'after' and 'observed_at'; 'effective_at' is the NOTAM's own time.",
        {
            "seq": "Sequence number (order of recording)",
            "kind": "published, amended, replaced, cancelled, expired, withdrawn, reappeared,"
            " restriction_imposed, restriction_lifted, source_down, source_up",
            "key": "The NOTAM's key, if the event is about one",
            "id": "The NOTAM's id",
            "locations": "The locations concerned (JSON list)",
            "category": "The NOTAM's (or restriction's) category",
            "source": "The source whose poll showed the change",
            "observed_at": f"The poll that showed the change: it happened by then ({_T})",
            "after": "The previous complete poll: it happened after then (empty: unknown)",
            "effective_at": "The NOTAM's own time for the change (B, C, a window edge)",
            "detail": "More about the event (JSON): changed fields, replacing NOTAM, error",
            "poll_id": "The poll that recorded it (see polls)",
        },
        False,
    ),
    "event_locations": (
        "Event locations",
        "One row per event and location, to filter events by location quickly.",
        {"location": "An ICAO location", "seq": "The event's sequence number"},
        False,
    ),
    "polls": (
        "Polls",
        "Every poll of every source and scope, and what became of it.",
        {
            "id": "Poll number",
            "source": "The source polled",
            "scope": "The part of the source polled",
            "started_at": f"When the poll began ({_T})",
            "finished_at": f"When it ended ({_T})",
            "status": "complete, unchanged, partial, suspect or failed (only complete and"
            " unchanged polls may decide that a NOTAM disappeared)",
            "reason": "Why it was not complete",
            "notams": "NOTAMs read",
            "events": "Events it added",
        },
        False,
    ),
    "scopes": (
        "Scopes",
        "The last complete poll of each source and scope, and which NOTAMs it listed.",
        {
            "source": "The source",
            "scope": "The part of the source",
            "last_complete": "The last complete poll",
            "last_count": "How many NOTAMs it listed",
            "present": "Their keys (JSON list)",
            "last_poll": "The last poll, complete or not",
            "seen_at": "The last complete poll that listed NOTAMs: when every NOTAM of the"
            " scope still listed (active, missing 0) was last seen (see notams.last_seen)",
            "seen_poll": "That poll (polls.id)",
        },
        False,
    ),
    "sources": (
        "Sources",
        "Each source's health and saved state.",
        {
            "name": "The source's name (config.toml)",
            "down_since": "Failing since (empty: up)",
            "failures": "Failed polls in a row",
            "last_ok": "The last successful poll",
            "last_error": "The last error",
            "last_poll": "The last poll",
            "state": "What the source keeps between polls (JSON: validators, cursors)",
        },
        False,
    ),
    "in_force": (
        "Restrictions in force",
        "The restrictions in force as of the log's last evaluation, per location and"
        " category (only restriction categories).",
        {
            "location": "ICAO location",
            "category": "Restriction category",
            "keys": "The NOTAMs that impose it (JSON list of keys)",
            "since_by": "In force by this poll",
            "since_after": "Not in force at this earlier poll (empty: unknown)",
            "since_effective": "The NOTAM's own start time",
        },
        False,
    ),
    "episodes": (
        "Restriction episodes",
        "Per location, from the first restriction in force to the moment none is. Start"
        " and end are bounded: after < start <= by; effective is the NOTAMs' own time.",
        {
            "id": "Episode number",
            "location": "ICAO location",
            "start_after": "Began after this poll (empty: unknown, in force when watching began)",
            "start_by": "Began by this poll",
            "start_effective": "The NOTAMs' own start time",
            "end_after": "Ended after this poll",
            "end_by": "Ended by this poll (empty: still in force)",
            "end_effective": "The NOTAMs' own end time",
            "categories": "Its categories over time (JSON list of [time, category])",
            "keys": "The NOTAMs that made it (JSON list of keys)",
        },
        False,
    ),
    "digests": (
        "Digests",
        "Each digest written or sent (what 'digest --since-last' starts from).",
        {
            "id": "Row number",
            "made_at": "When it was made",
            "since": "The start of its period",
            "until": "The end of its period",
            "kind": "day, range or since-last",
            "label": "Its name in titles and file names (2025-03-21)",
            "files": "The files written (JSON list)",
            "delivered": "The channels it was delivered through (JSON list)",
            "errors": "The deliveries that failed (JSON list)",
        },
        False,
    ),
    "posts": (
        "Announcement posts",
        "Every post of an official announcement channel read (Rosaviatsia's, for example),"
        " its latest version and what was read in it.",
        {
            "key": "Unique key: channel and post number",
            "channel": "The channel",
            "post_id": "The post's number in its channel",
            "source": "The source that read it",
            "posted_at": "When it was posted",
            "text": "Its text (latest version)",
            "edited": "1 when the channel shows it as edited",
            "reply_to": "The post it answers, if any",
            "version": "How many distinct texts it has had (see post_versions)",
            "first_seen": "The poll that first showed it",
            "changed_at": "The poll that showed its latest text",
            "text_hash": "A hash of its text",
            "meaning": "What notam-log read it as (restriction, lifted, other)",
            "places": "The places it names (JSON)",
            "readings": "The restrictions and lifts read in it (JSON)",
            "issues": "What could not be read (JSON list)",
        },
        False,
    ),
    "post_versions": (
        "Announcement post versions",
        "Every distinct text of every announcement post.",
        {
            "key": "The post's key (see posts)",
            "version": "1 for the first text, then one more per edit",
            "observed_at": "The poll that first showed this text",
            "text": "The text",
            "edited": "1 when the channel showed it as edited",
            "readings": "What was read in it (JSON)",
        },
        False,
    ),
    "announced_episodes": (
        "Announced episodes",
        "Restrictions as the official announcements gave them, per location: from the post"
        " that announced one to the post that lifted it.",
        {
            "id": "Episode number",
            "location": "ICAO location (resolved from the name)",
            "name": "The place as the announcement named it",
            "resolved": "1 when the name resolved to one airport",
            "start": "The announced start",
            "start_by": "Announced by this poll",
            "start_after": "Not yet announced at this earlier poll",
            "start_key": "The post that announced it",
            "end": "The announced end (empty: still in force)",
            "end_by": "Lifted by this poll",
            "end_after": "Not yet lifted at this earlier poll",
            "end_key": "The post that lifted it",
            "end_reason": "How it ended (lifted, superseded, ...)",
            "states": "Its states over time (JSON)",
            "keys": "The posts that made it (JSON list)",
        },
        False,
    ),
    "meta": (
        "Meta",
        "notam-log's own bookkeeping (the last evaluation, the last digest).",
        {"name": "Setting", "value": "Value"},
        False,
    ),
    "notams_fts": (
        "NOTAM full-text index",
        "SQLite FTS5 index over NOTAM id, locations and text (search from the notams table).",
        {"id": "NOTAM id", "locations": "Locations", "text": "Item E text"},
        True,
    ),
    "_sqlite_migrations": (
        "Schema migrations",
        "The schema migrations applied to this database (sqlite-utils).",
        {
            "id": "Row number",
            "migration_set": "The set of migrations (notam_log)",
            "name": "The migration",
            "applied_at": "When it was applied",
        },
        True,
    ),
}

#: name -> (title, description, SQL)
QUERIES: dict[str, tuple[str, str, str]] = {
    "restrictions_in_force": (
        "Restrictions in force",
        "Each location and category restricted as of the log's last evaluation (as_of).",
        "SELECT i.location, i.category, i.since_effective, i.since_after, i.since_by, i.keys,"
        " (SELECT value FROM meta WHERE name = 'last_eval') AS as_of"
        " FROM in_force i ORDER BY i.location, i.category",
    ),
    "episodes_at_location": (
        "Episodes at a location",
        "A location's restriction episodes, newest first, with bounded start and end.",
        "SELECT id, location, start_after, start_by, start_effective, end_after, end_by,"
        " end_effective, categories, keys FROM episodes WHERE location = upper(:location)"
        " ORDER BY start_by DESC, id DESC",
    ),
    "events_last_24_hours": (
        "Events of the last 24 hours",
        "Events observed in the 24 hours before 'until' (empty: now), newest first.",
        'SELECT seq, kind, locations, category, id, key, source, "after", observed_at,'
        " effective_at, detail FROM events"
        f" WHERE observed_at >= {_AT.format(_UNTIL + ', ' + _DAY)}"
        f" AND observed_at < {_AT.format(_UNTIL)} ORDER BY seq DESC",
    ),
    "feed_at_time": (
        "What the feed showed at a time",
        "The NOTAMs that the last complete poll of each source and scope at or before 'at'"
        " listed, whether in force or not (like 'notam-log active --feed --at').",
        'SELECT n.key, n.id, n.locations, n.category, n.restriction, n.start, n."end",'
        " n.text, n.source, n.scope, n.first_seen, n.status, n.geometry FROM notams n"
        f" WHERE n.first_seen <= {_AT.format(':at')} AND {last_seen_sql('n')} >= (SELECT"
        " max(p.started_at) FROM polls p WHERE p.source = n.source AND p.scope = n.scope"
        f" AND p.started_at <= {_AT.format(':at')} AND p.status IN ('complete', 'unchanged'))"
        " ORDER BY n.locations, n.key",
    ),
}


def metadata(database: str) -> dict[str, Any]:
    """Datasette's metadata for the database served under the name ``database``."""
    tables = {
        name: {
            "title": title,
            "description": description,
            "columns": columns,
            **({"hidden": True} if hidden else {}),
        }
        for name, (title, description, columns, hidden) in TABLES.items()
    }
    tables["notams"]["sort_desc"] = "first_seen"  # last_seen: see its description
    tables["events"]["sort_desc"] = "seq"
    queries = {
        name: {"title": title, "description": description, "sql": sql}
        for name, (title, description, sql) in QUERIES.items()
    }
    return {
        "title": "notam-log",
        "description": "An evidence log of when airports and airspace were closed or"
        " restricted, and when that was lifted. Unknown is never 'not restricted':"
        " see the polls table for the gaps.",
        "source": "notam-log",
        "source_url": "https://pypi.org/project/notam-log/",
        "databases": {database: {"tables": tables, "queries": queries}},
    }
