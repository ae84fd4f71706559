"""The store's part for official announcements: every post read (``posts``, with its
versions in ``post_versions``) and the announced episodes (``announced_episodes``).

The tables are made by the store's migration ``m002_announcements``; the events of the
announcements go to the ``events`` table with every other event.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from notam_log.core.announce import AnnounceChanges, AnnounceWorld, PostRecord, PostState
from notam_log.core.errors import StoreError
from notam_log.core.models import AnnouncedEpisode, Post, iso, parse_iso

SCHEMA = """
CREATE TABLE posts (
    key TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    posted_at TEXT NOT NULL,
    text TEXT NOT NULL,
    edited INTEGER NOT NULL DEFAULT 0,
    reply_to INTEGER,
    version INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    meaning TEXT NOT NULL,
    places TEXT NOT NULL,
    readings TEXT NOT NULL,
    issues TEXT NOT NULL
);
CREATE INDEX posts_channel ON posts (channel, post_id);
CREATE INDEX posts_source ON posts (source);
CREATE TABLE post_versions (
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    observed_at TEXT NOT NULL,
    text TEXT NOT NULL,
    edited INTEGER NOT NULL DEFAULT 0,
    readings TEXT NOT NULL,
    PRIMARY KEY (key, version)
);
CREATE TABLE announced_episodes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    location TEXT NOT NULL,
    name TEXT NOT NULL,
    resolved INTEGER NOT NULL,
    start TEXT NOT NULL,
    start_by TEXT NOT NULL,
    start_after TEXT,
    start_key TEXT NOT NULL,
    "end" TEXT,
    end_by TEXT,
    end_after TEXT,
    end_key TEXT,
    end_reason TEXT,
    states TEXT NOT NULL,
    keys TEXT NOT NULL,
    UNIQUE (location, start_key)
);
CREATE INDEX announced_episodes_location ON announced_episodes (location, start);
"""

_EPISODE_COLUMNS = (
    'id, location, name, resolved, start, start_by, start_after, start_key, "end", end_by,'
    " end_after, end_key, end_reason, states, keys"
)


def load_world(conn: sqlite3.Connection) -> AnnounceWorld:
    """What announcement detection needs: every post's meaning, the open episodes and
    the last closed one of each place."""
    posts = {
        key: PostState(
            meaning=tuple((k, n, s) for k, n, s in json.loads(meaning)),
            text_hash=h,
            version=version,
            places=tuple((k, p) for k, p in json.loads(places)),
        )
        for key, meaning, h, version, places in conn.execute(
            "SELECT key, meaning, text_hash, version, places FROM posts"
        )
    }
    open_: dict[str, AnnouncedEpisode] = {}
    closed: dict[str, AnnouncedEpisode] = {}
    for ep in episodes(conn):  # oldest first: the last one of each place stays
        (open_ if ep.end is None else closed)[ep.location] = ep
    return AnnounceWorld(posts=posts, open=open_, closed=closed)


def write(conn: sqlite3.Connection, ch: AnnounceChanges) -> None:
    """The posts and episodes of one ingest (the caller holds the transaction; the
    events went in with the poll's other events)."""
    for rec in ch.posts:
        _write_post(conn, rec, ch)
    for ep in ch.episodes.values():
        conn.execute(
            "INSERT INTO announced_episodes (location, name, resolved, start, start_by,"
            ' start_after, start_key, "end", end_by, end_after, end_key, end_reason, states,'
            " keys) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (location, start_key)"
            ' DO UPDATE SET start=excluded.start, "end"=excluded."end",'
            " end_by=excluded.end_by, end_after=excluded.end_after, end_key=excluded.end_key,"
            " end_reason=excluded.end_reason, states=excluded.states, keys=excluded.keys",
            [
                ep.location,
                ep.name,
                int(ep.resolved),
                iso(ep.start),
                iso(ep.start_by),
                _s(ep.start_after),
                ep.start_key,
                _s(ep.end),
                _s(ep.end_by),
                _s(ep.end_after),
                ep.end_key,
                ep.end_reason,
                json.dumps([[iso(t), k] for t, k in ep.states]),
                json.dumps(list(ep.keys)),
            ],
        )


def _write_post(conn: sqlite3.Connection, rec: PostRecord, ch: AnnounceChanges) -> None:
    p = rec.post
    state = ch.world.posts.get(p.key)
    readings = json.dumps([_reading_json(r) for r in rec.readings], ensure_ascii=False)
    meaning = json.dumps([list(m) for m in state.meaning] if state else [], ensure_ascii=False)
    places = json.dumps([list(x) for x in state.places] if state else [], ensure_ascii=False)
    conn.execute(
        "INSERT INTO posts (key, channel, post_id, source, posted_at, text, edited, reply_to,"
        " version, first_seen, changed_at, text_hash, meaning, places, readings, issues)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (key) DO UPDATE SET"
        " text=excluded.text, edited=excluded.edited, reply_to=excluded.reply_to,"
        " version=excluded.version, changed_at=excluded.changed_at,"
        " text_hash=excluded.text_hash, meaning=excluded.meaning, places=excluded.places,"
        " readings=excluded.readings, issues=excluded.issues",
        [
            p.key,
            p.channel,
            p.id,
            rec.source,
            iso(p.at),
            p.text,
            int(p.edited),
            p.reply_to,
            rec.version,
            iso(rec.observed_at),
            iso(rec.observed_at),
            state.text_hash if state else "",
            meaning,
            places,
            readings,
            json.dumps(list(rec.issues), ensure_ascii=False),
        ],
    )
    conn.execute(
        "INSERT OR IGNORE INTO post_versions (key, version, observed_at, text, edited, readings)"
        " VALUES (?,?,?,?,?,?)",
        [p.key, rec.version, iso(rec.observed_at), p.text, int(p.edited), readings],
    )


def _reading_json(r: Any) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "name": r.name,
        "locations": list(r.locations),
        "effective": iso(r.effective),
        "stated": r.stated,
        "issues": list(r.issues),
    }


# --------------------------------------------------------------------------- queries


def episodes(
    conn: sqlite3.Connection,
    *,
    locations: Iterable[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    open_only: bool = False,
) -> list[AnnouncedEpisode]:
    """Announced episodes, oldest first: at these locations (ICAO codes, or names as
    written for unresolved ones), overlapping ``[since, until)``."""
    where: list[str] = []
    params: list[Any] = []
    locs = list(locations)
    if locs:
        where.append(f"location IN ({','.join('?' * len(locs))})")
        params.extend(locs)
    if open_only:
        where.append('"end" IS NULL')
    if since is not None:
        where.append('("end" IS NULL OR "end" >= ?)')
        params.append(iso(since))
    if until is not None:
        where.append("start < ?")
        params.append(iso(until))
    sql = f"SELECT {_EPISODE_COLUMNS} FROM announced_episodes"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY start, id"
    return [_episode(row) for row in conn.execute(sql, params)]


def _episode(row: Any) -> AnnouncedEpisode:
    i, loc, name, resolved, st, sb, sa, sk, en, eb, ea, ek, er, states, keys = row
    return AnnouncedEpisode(
        location=loc,
        name=name,
        resolved=bool(resolved),
        start=_t(st),
        start_by=_t(sb),
        start_after=parse_iso(sa),
        start_key=sk,
        end=parse_iso(en),
        end_by=parse_iso(eb),
        end_after=parse_iso(ea),
        end_key=ek,
        end_reason=er,
        states=tuple((_t(t), k) for t, k in json.loads(states)),
        keys=tuple(json.loads(keys)),
        id=i,
    )


def posts(
    conn: sqlite3.Connection, *, channel: str | None = None, source: str | None = None
) -> list[tuple[Post, dict[str, Any]]]:
    """Every post recorded (of a channel or source), oldest first, with what was read
    of it: ``readings``, ``issues``, ``version``, ``first_seen``."""
    where: list[str] = []
    params: list[Any] = []
    if channel is not None:
        where.append("channel = ?")
        params.append(channel)
    if source is not None:
        where.append("source = ?")
        params.append(source)
    sql = (
        "SELECT channel, post_id, posted_at, text, edited, reply_to, readings, issues,"
        " version, first_seen, source FROM posts"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY posted_at, post_id"
    out = []
    for ch, pid, at, text, edited, reply, readings, issues, version, first, src in conn.execute(
        sql, params
    ):
        post = Post(ch, pid, _t(at), text, bool(edited), reply)
        info = {
            "readings": json.loads(readings),
            "issues": json.loads(issues),
            "version": version,
            "first_seen": _t(first),
            "source": src,
        }
        out.append((post, info))
    return out


def unresolved(conn: sqlite3.Connection) -> dict[str, list[tuple[str, int]]]:
    """Per source, the airport names its posts gave that no ICAO code was found for,
    with how many posts gave each (most first)."""
    counts: dict[str, dict[str, int]] = {}
    for source, readings in conn.execute("SELECT source, readings FROM posts"):
        for r in json.loads(readings):
            if not r.get("locations"):
                names = counts.setdefault(source, {})
                names[r["name"]] = names.get(r["name"], 0) + 1
    return {s: sorted(names.items(), key=lambda kv: (-kv[1], kv[0])) for s, names in counts.items()}


def newest_post(conn: sqlite3.Connection, channel: str) -> int | None:
    row = conn.execute(
        "SELECT max(post_id) FROM posts WHERE lower(channel) = lower(?)", [channel]
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _s(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None


def _t(value: str) -> datetime:
    parsed = parse_iso(value)
    if parsed is None:
        raise StoreError(f"missing time in the database: {value!r}")
    return parsed
