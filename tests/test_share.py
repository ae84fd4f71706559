"""The doors of the log on the Heathrow replay: ``export ics|atom|geojson``, ``map``, the
geometry column, the ``[export]`` folder and ``serve`` (Datasette on 127.0.0.1)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import httpx
import pytest
import shapely.geometry as sg
from click.testing import CliRunner, Result
from icalendar import Calendar

from notam_log.cli import State, cli
from notam_log.core.export.geojson import geometry_json
from notam_log.core.models import iso
from notam_log.shell import exports, replay
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store
from notam_log.shell.store.metadata import QUERIES, TABLES, metadata

HEATHROW = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), obj=State(), catch_exceptions=False)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bulletins of 21 March and the first two of the 22nd, as hourly polls."""
    path = tmp_path_factory.mktemp("share") / "heathrow.db"
    files = (
        sorted(HEATHROW.glob("PIB-2025-03-21*.xml.gz"))
        + sorted(HEATHROW.glob("PIB-2025-03-22T0*.xml.gz"))[:2]
    )
    with Store(path) as store:
        items = replay.items_from_paths(files)
        replay.replay(
            Recorder(store),
            replay.timed(items, prefer_issued=False, at=None),
            source="nats-uk",
            scope="UK",
        )
    return path


# --------------------------------------------------------------------------- export


def test_export_ics_has_heathrow_closure_as_one_episode(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "closures.ics"
    res = invoke("export", "ics", "--db", str(db), "--location", "EGLL", "--out", str(out))
    assert res.exit_code == 0, res.output
    cal = Calendar.from_ical(out.read_bytes())
    episodes = [e for e in cal.walk("VEVENT") if str(e["STATUS"]) == "CONFIRMED"]
    assert len(episodes) == 1
    (ep,) = episodes
    assert ep["DTSTART"].dt == z("2025-03-21T01:43Z")
    assert ep["DTEND"].dt == z("2025-03-21T23:59Z")
    assert str(ep["SUMMARY"]).startswith("EGLL London Heathrow Airport: aerodrome closed")
    desc = str(ep["DESCRIPTION"])
    assert "A1918/25 (EGGN:A1918/25): " in desc and "Ended between" in desc
    # a second export (later "now") keeps the UID: subscribers update, not duplicate
    again = invoke("export", "ics", "--db", str(db), "--location", "EGLL")
    (ep2,) = [
        e for e in Calendar.from_ical(again.stdout_bytes).walk("VEVENT") if "episode" in e["UID"]
    ]
    assert str(ep2["UID"]) == str(ep["UID"])


def test_export_atom_matches_the_event_log(db: Path) -> None:
    args = ("--db", str(db), "--location", "EGLL", "--restrictions")
    feed = feedparser.parse(invoke("export", "atom", *args).stdout_bytes)
    assert not feed.bozo, feed.bozo_exception
    lines = [json.loads(x) for x in invoke("events", *args, "--json").output.splitlines()]
    logged = [x for x in lines if "kind" in x]  # not the coverage line
    assert len(feed.entries) == len(logged) == 4
    assert [e.updated for e in feed.entries] == sorted(
        (e.updated for e in feed.entries), reverse=True
    )
    assert feed.entries[-1].title == "EGLL: restriction imposed: aerodrome closed (A1918/25)"
    assert "When: between 2025-03-21 01:00Z and 02:00Z" in feed.entries[-1].content[0].value
    limited = feedparser.parse(invoke("export", "atom", *args, "--limit", "1").stdout_bytes)
    assert [e.id for e in limited.entries] == [feed.entries[0].id]


def test_export_geojson_is_what_active_lists(db: Path) -> None:
    at = "2025-03-21T12:00Z"
    text = invoke("export", "geojson", "--db", str(db), "--at", at).output
    fc = json.loads(text)
    notams = [f for f in fc["features"] if f["properties"]["feature"] == "notam"]
    active = [json.loads(x) for x in invoke("active", "--db", str(db), "--at", at, "--json")
              .output.splitlines()]  # fmt: skip
    keys = sorted(a["key"] for a in active if "key" in a)  # not the coverage line
    assert sorted(f["properties"]["key"] for f in notams) == keys and keys
    for f in fc["features"]:
        if f["geometry"] is not None:
            assert sg.shape(f["geometry"]).is_valid
    egll = [f for f in fc["features"] if f["properties"]["feature"] == "episode"
            and f["properties"]["location"] == "EGLL"]  # fmt: skip
    assert len(egll) == 1 and egll[0]["properties"]["ongoing"] is True
    closure = next(f for f in notams if f["properties"]["id"] == "A1918/25")
    assert closure["geometry"]["type"] == "Polygon"
    lon, lat = closure["properties"]["center"]
    assert sg.shape(closure["geometry"]).contains(sg.Point(lon, lat))


def test_export_refuses_an_unknown_format_in_one_line(db: Path) -> None:
    res = invoke("export", "kml", "--db", str(db))
    assert res.exit_code == 2 and "kml" in res.output and "Traceback" not in res.output


# --------------------------------------------------------------------------- geometry column


def test_geometry_column_holds_the_q_line_geometry(db: Path) -> None:
    with Store(db) as store:
        rows = store.notams()
        geoms = dict(store.db.execute("SELECT key, geometry FROM notams").fetchall())
    assert rows and sum(1 for r in rows if geoms[r.notam.key]) > 100
    for r in rows:
        assert geoms[r.notam.key] == geometry_json(r.notam), r.notam.key


def test_geometry_migration_fills_an_older_database(db: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(db) as src, sqlite3.connect(old) as dst:
        src.backup(dst)
    with sqlite3.connect(old) as conn:
        conn.execute("ALTER TABLE notams DROP COLUMN geometry")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name LIKE '%geometry%'")
    with Store(old) as store:
        filled = dict(store.db.execute("SELECT key, geometry FROM notams").fetchall())
    with Store(db) as store:
        assert filled == dict(store.db.execute("SELECT key, geometry FROM notams").fetchall())


def test_geometry_follows_an_amended_q_line(tmp_path: Path) -> None:
    from notam_log.core.models import Notam, Snapshot

    def snap(hour: int, radius: int | None) -> Snapshot:
        n = Notam(key="EGGN:A1/25", id="A1/25", locations=("EGLL",), lat=51.47, lon=-0.45,
                  radius_nm=radius, text=f"RADIUS {radius}")  # fmt: skip
        return Snapshot("s", "all", datetime(2025, 3, 21, hour, tzinfo=UTC), (n,))

    with Store(tmp_path / "g.db") as store:
        rec = Recorder(store)
        found = []
        for hour, radius in [(1, 5), (2, 50), (3, None)]:
            rec.snapshot(snap(hour, radius))
            (found_geom,) = store.db.execute("SELECT geometry FROM notams").fetchone()
            found.append(json.loads(found_geom))
    assert [g["type"] for g in found] == ["Polygon", "Polygon", "Point"]
    assert sg.shape(found[1]).area > 50 * sg.shape(found[0]).area


# --------------------------------------------------------------------------- map, folder


def test_map_of_the_day_draws_heathrow(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "map-2025-03-21.html"
    res = invoke("map", "--db", str(db), "--date", "2025-03-21", "--location", "EGLL",
                 "--out", str(out))  # fmt: skip
    assert res.exit_code == 0, res.output
    page = out.read_text()
    assert "A1918/25" in page and "London Heathrow Airport" in page
    assert "1 aerodromes with a restriction episode" in res.output


def test_map_refuses_both_times(db: Path, tmp_path: Path) -> None:
    res = invoke("map", "--db", str(db), "--date", "2025-03-21", "--at", "2025-03-21T12:00Z",
                 "--out", str(tmp_path / "m.html"))  # fmt: skip
    assert res.exit_code == 2 and "exclude each other" in res.output


def test_write_folder_keeps_three_files_and_skips_unchanged(db: Path, tmp_path: Path) -> None:
    now = z("2025-03-22T02:00Z")
    with Store(db) as store:
        first = exports.write_folder(store, tmp_path, now)
        assert sorted(p.name for p in first) == ["closures.ics", "feed.atom", "notams.geojson"]
        assert exports.write_folder(store, tmp_path, now) == []  # same bytes: untouched
    assert not feedparser.parse((tmp_path / "feed.atom").read_bytes()).bozo
    assert Calendar.from_ical((tmp_path / "closures.ics").read_bytes()).walk("VEVENT")
    assert json.loads((tmp_path / "notams.geojson").read_text())["at"] == iso(now)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


# --------------------------------------------------------------------------- Datasette


def test_metadata_describes_every_table_and_column(tmp_path: Path) -> None:
    with Store(tmp_path / "fresh.db") as store:
        tables = [
            r[0]
            for r in store.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
                " 'sqlite_%' AND name NOT LIKE 'notams_fts_%'"
            )
        ]
        meta = metadata("fresh")["databases"]["fresh"]["tables"]
        for name in tables:
            assert name in meta and meta[name]["title"] and meta[name]["description"], name
            columns = [r[1] for r in store.db.execute(f"PRAGMA table_info([{name}])")]
            assert sorted(meta[name]["columns"]) == sorted(columns), name
            assert all(meta[name]["columns"].values()), name
    assert set(TABLES) == set(tables)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    pytest.importorskip("datasette")
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "notam_log", "serve", "--db", str(db), "--port", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "NOTAM_LOG_CONFIG": os.devnull},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "serve did not start in 60 s"
            time.sleep(0.3)
        yield base, db.stem
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_shows_a_described_table(served: tuple[str, str]) -> None:
    base, name = served
    page = httpx.get(f"{base}/{name}/notams", timeout=30)
    assert page.status_code == 200
    assert "The latest state of every NOTAM" in page.text
    assert "EGGN:A1918/25" in httpx.get(f"{base}/{name}/notams?_search=A1918", timeout=30).text
    plugins = {p["name"] for p in httpx.get(f"{base}/-/plugins.json", timeout=10).json()}
    if "datasette-leaflet-geojson" in plugins:
        assert "datasette-leaflet-geojson.js" in page.text


def test_serve_canned_query_is_what_the_feed_showed(db: Path, served: tuple[str, str]) -> None:
    base, name = served
    at = "2025-03-21T12:00Z"  # a poll's own time: its bounds count
    res = httpx.get(
        f"{base}/{name}/feed_at_time.json", params={"at": at, "_shape": "array"}, timeout=30
    )
    assert res.status_code == 200, res.text
    with Store(db) as store:
        expected = sorted(r.notam.key for r in store.notams_listed_at(z(at)))
    assert sorted(r["key"] for r in res.json()) == expected and len(expected) > 100


def test_serve_events_of_24_hours_and_episodes(db: Path, served: tuple[str, str]) -> None:
    base, name = served
    until = "2025-03-21T12:00Z"
    rows = httpx.get(
        f"{base}/{name}/events_last_24_hours.json",
        params={"until": until, "_shape": "array", "_size": "max"},
        timeout=30,
    ).json()
    with Store(db) as store:
        expected = store.events(since=z(until) - timedelta(days=1), until=z(until))
    assert [r["seq"] for r in rows] == sorted((e.seq for e in expected), reverse=True)
    eps = httpx.get(
        f"{base}/{name}/episodes_at_location.json",
        params={"location": "egll", "_shape": "array"},
        timeout=30,
    ).json()
    assert [e["start_effective"] for e in eps] == ["2025-03-21T01:43:00Z"]


def test_serve_is_read_only(served: tuple[str, str]) -> None:
    base, name = served
    res = httpx.get(f"{base}/{name}.json", params={"sql": "DELETE FROM meta"}, timeout=30)
    assert res.status_code == 400
    res = httpx.get(f"{base}/{name}.json", params={"sql": "SELECT 1; DELETE FROM meta"}, timeout=60)
    assert res.json()["ok"] is False
    listed = httpx.get(f"{base}/{name}.json", timeout=30).json()["queries"]
    assert set(QUERIES) <= {q["name"] for q in listed}


def test_html_digest_links_to_the_map_written_beside_it(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "digests"
    args = ("digest", "--db", str(db), "--date", "2025-03-21", "--format", "html")
    assert invoke(*args, "--out", str(folder)).exit_code == 0
    page = folder / "notam-digest-2025-03-21.html"
    assert "notam-map-" not in page.read_text()  # no map yet: no link
    res = invoke("map", "--db", str(db), "--date", "2025-03-21",
                 "--out", str(folder / "notam-map-2025-03-21.html"))  # fmt: skip
    assert res.exit_code == 0, res.output
    assert invoke(*args, "--out", str(folder)).exit_code == 0
    assert '<a href="notam-map-2025-03-21.html">' in page.read_text()


def test_run_keeps_the_export_folder_current_after_each_poll(tmp_path: Path) -> None:
    import functools

    from notam_log.core.config import Config, ExportConfig, SourceConfig
    from notam_log.shell.daemon import NotamScheduler
    from notam_log.shell.demo import demo_bulletins
    from notam_log.shell.runtime import open_runtime
    from notam_log.testing.server import NotamTestServer

    bulletins = demo_bulletins()[24:26]  # 21 March, 01:00 and 02:00: Heathrow closes
    folder = tmp_path / "public"
    with NotamTestServer(pib_snapshots=[b for _, b in bulletins]) as server:
        cfg = Config(
            path="<test>", database="x.db",
            sources=(SourceConfig(kind="nats_pib", name="nats-uk", base_url=server.base_url),),
            export=ExportConfig(folder=str(folder), days=30, limit=50),
        )  # fmt: skip
        times = iter(t for t, _ in bulletins)
        client = functools.partial(httpx.Client, trust_env=False)
        with open_runtime(cfg, tmp_path / "s.db", env={}, client=client) as runtime:
            sched = NotamScheduler(runtime, poll_clock=lambda: next(times, None))
            assert sched.poll_source(sched.sources[0]) is not None
            first = feedparser.parse((folder / "feed.atom").read_bytes())
            assert sched.poll_source(sched.sources[0]) is not None
    second = feedparser.parse((folder / "feed.atom").read_bytes())
    assert not second.bozo and len(second.entries) == 50  # the limit
    assert second.entries[0].updated > first.entries[0].updated
    cal = Calendar.from_ical((folder / "closures.ics").read_bytes())
    assert any("EGLL" in str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    fc = json.loads((folder / "notams.geojson").read_text())
    assert fc["at"] == iso(bulletins[1][0])
    assert any(f["properties"]["id"] == "A1918/25" for f in fc["features"])


def test_export_config_is_checked() -> None:
    from notam_log.core.config import parse_config
    from notam_log.core.errors import ConfigError

    cfg = parse_config({"export": {"folder": "~/site", "days": 7}}, "t.toml", {})
    assert cfg.export.folder == "~/site" and cfg.export.days == 7 and cfg.export.limit == 500
    assert parse_config({}, "t.toml", {}).export.folder is None
    for bad, word in [({"folder": 1}, "folder"), ({"days": 0}, "days"), ({"fold": "x"}, "fold")]:
        with pytest.raises(ConfigError, match=word):
            parse_config({"export": bad}, "t.toml", {})
