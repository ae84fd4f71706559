"""Replaying the real UK bulletins around the Heathrow closure of 21 March 2025."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from notam_log.core.models import Event
from notam_log.shell import replay
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store

HEATHROW = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def do_replay(db: Path, paths: list[Path]) -> None:
    with Store(db) as store:
        rec = Recorder(store)
        items = replay.items_from_paths(paths)
        replay.replay(
            rec, replay.timed(items, prefer_issued=False, at=None), source="nats-uk", scope="UK"
        )


def log_of(db: Path) -> list[tuple[object, ...]]:
    """The event log without sequence numbers (comparable across runs)."""
    with Store(db, create=False) as store:
        return [
            (
                e.kind,
                e.key,
                e.locations,
                e.category,
                e.observed_at,
                e.after,
                e.effective_at,
                json.dumps(e.detail, sort_keys=True),
            )
            for e in store.events()
        ]


@pytest.fixture(scope="module")
def heathrow_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("replay") / "h.db"
    do_replay(db, [HEATHROW])
    return db


def events_for(db: Path, **kw: object) -> list[Event]:
    with Store(db, create=False) as store:
        return store.events(**kw)  # type: ignore[arg-type]


def test_a1918_published_and_withdrawn_with_bounds(heathrow_db: Path) -> None:
    evs = [e for e in events_for(heathrow_db, key="EGGN:A1918/25")]
    kinds = [e.kind for e in evs]
    assert kinds == ["published", "restriction_imposed", "withdrawn", "restriction_lifted"]
    pub = evs[0]
    assert (pub.after, pub.observed_at, pub.effective_at) == (
        z("2025-03-21T01:00Z"),
        z("2025-03-21T02:00Z"),
        z("2025-03-21T01:43Z"),
    )
    assert "baseline" not in pub.detail
    wd = evs[2]
    assert (wd.after, wd.observed_at) == (z("2025-03-21T16:00Z"), z("2025-03-21T17:00Z"))
    assert wd.detail["confirmed_at"] == "2025-03-21T18:00:00Z"
    assert wd.category == "aerodrome_closed"


def test_egll_restriction_events(heathrow_db: Path) -> None:
    evs = events_for(heathrow_db, locations=["EGLL"], restrictions=True)
    got = [(e.kind, e.category, e.key, e.after, e.observed_at, e.effective_at) for e in evs]
    assert got == [
        (
            "restriction_imposed",
            "aerodrome_closed",
            "EGGN:A1918/25",
            z("2025-03-21T01:00Z"),
            z("2025-03-21T02:00Z"),
            z("2025-03-21T01:43Z"),
        ),
        (
            "restriction_imposed",
            "aerodrome_limited",
            "EGGN:A1936/25",
            z("2025-03-21T16:00Z"),
            z("2025-03-21T17:00Z"),
            z("2025-03-21T16:31Z"),
        ),
        (
            "restriction_lifted",
            "aerodrome_closed",
            "EGGN:A1918/25",
            z("2025-03-21T16:00Z"),
            z("2025-03-21T17:00Z"),
            None,
        ),
        (
            "restriction_lifted",
            "aerodrome_limited",
            "EGGN:A1943/25",
            z("2025-03-21T23:00Z"),
            z("2025-03-22T00:00Z"),
            z("2025-03-21T23:59Z"),
        ),
    ]


def test_one_egll_episode(heathrow_db: Path) -> None:
    with Store(heathrow_db, create=False) as store:
        eps = store.episodes(location="EGLL")
    assert len(eps) == 1
    ep = eps[0]
    assert (ep.start_after, ep.start_by, ep.start_effective) == (
        z("2025-03-21T01:00Z"),
        z("2025-03-21T02:00Z"),
        z("2025-03-21T01:43Z"),
    )
    assert (ep.end_after, ep.end_by, ep.end_effective) == (
        z("2025-03-21T23:00Z"),
        z("2025-03-22T00:00Z"),
        z("2025-03-21T23:59Z"),
    )
    assert [c for _w, c in ep.categories] == ["aerodrome_closed", "aerodrome_limited"]
    assert ep.categories[1][0] == z("2025-03-21T17:00Z")
    assert set(ep.keys) >= {"EGGN:A1918/25", "EGGN:A1936/25", "EGGN:A1943/25"}


def test_an_early_withdrawal_confirmed_after_its_end_is_withdrawn(heathrow_db: Path) -> None:
    """J0814/25 (EGLC, danger area, C 16:00) was gone from the 15:00 bulletin and still
    gone at 16:00: withdrawn between 14:00 and 15:00, the restriction lifted there too."""
    evs = events_for(heathrow_db, key="EGGN:J0814/25", since=z("2025-03-21T12:00Z"))
    got = [(e.kind, e.after, e.observed_at, e.effective_at) for e in evs]
    assert got == [
        ("withdrawn", z("2025-03-21T14:00Z"), z("2025-03-21T15:00Z"), None),
        ("restriction_lifted", z("2025-03-21T14:00Z"), z("2025-03-21T15:00Z"), None),
    ]
    assert evs[0].detail["confirmed_at"] == "2025-03-21T16:00:00Z"


def test_a_closure_between_two_bulletins_is_logged(heathrow_db: Path) -> None:
    """C1905/25 closes EGNT 07:15-07:45 on 22 March, between the 07:00 and 08:00
    bulletins: imposed and lifted with its own times, and an episode of its own."""
    evs = events_for(heathrow_db, key="EGGN:C1905/25", restrictions=True)
    got = [(e.kind, e.after, e.observed_at, e.effective_at) for e in evs][:2]
    assert got == [
        ("restriction_imposed", z("2025-03-22T07:00Z"), z("2025-03-22T08:00Z"), z("2025-03-22T07:15Z")),
        ("restriction_lifted", z("2025-03-22T07:00Z"), z("2025-03-22T08:00Z"), z("2025-03-22T07:45Z")),
    ]  # fmt: skip
    with Store(heathrow_db, create=False) as store:
        eps = store.episodes(location="EGNT")
    got_eps = [(e.start_effective, e.end_effective, e.keys) for e in eps]
    assert (z("2025-03-22T07:15Z"), z("2025-03-22T07:45Z"), ("EGGN:C1905/25",)) in got_eps


def test_daemon_ticks_log_a_window_between_two_ticks(tmp_path: Path) -> None:
    """The same C1905/25 window under the daemon: one poll at 07:00, ticks at 07:10
    and 07:50: the tick logs it and the store keeps its episode."""
    paths = sorted(HEATHROW.glob("PIB-2025-03-22T0700Z*"))
    with Store(tmp_path / "d.db") as store:
        rec = Recorder(store)
        items = replay.items_from_paths(paths)
        replay.replay(
            rec, replay.timed(items, prefer_issued=False, at=None), source="nats-uk", scope="UK"
        )
        assert rec.tick(z("2025-03-22T07:10Z")) == []
        got = [e for e in rec.tick(z("2025-03-22T07:50Z")) if e.locations == ("EGNT",)]
        (episode,) = store.episodes(location="EGNT")
    assert [(e.kind, e.after, e.effective_at) for e in got] == [
        ("restriction_imposed", z("2025-03-22T07:10Z"), z("2025-03-22T07:15Z")),
        ("restriction_lifted", z("2025-03-22T07:10Z"), z("2025-03-22T07:45Z")),
    ]
    assert (episode.start_by, episode.end_by) == (z("2025-03-22T07:50Z"), z("2025-03-22T07:50Z"))
    assert episode.end_effective == z("2025-03-22T07:45Z")


def test_a1936_and_a1943(heathrow_db: Path) -> None:
    a36 = [(e.kind, e.after, e.observed_at) for e in events_for(heathrow_db, key="EGGN:A1936/25")]
    assert ("withdrawn", z("2025-03-21T17:00Z"), z("2025-03-21T18:00Z")) in a36
    a43 = [(e.kind, e.effective_at) for e in events_for(heathrow_db, key="EGGN:A1943/25")]
    assert ("expired", z("2025-03-21T23:59Z")) in a43
    assert "withdrawn" not in [k for k, _ in a43]


def test_first_bulletin_is_baseline(heathrow_db: Path) -> None:
    first = events_for(heathrow_db, until=z("2025-03-20T00:00:01Z"), kinds=["published"])
    assert len(first) > 500
    assert all(e.detail.get("baseline") is True for e in first)
    later = events_for(heathrow_db, since=z("2025-03-20T01:00Z"), kinds=["published"])
    assert later and not any(e.detail.get("baseline") for e in later)


def test_replaying_again_adds_nothing(heathrow_db: Path, tmp_path: Path) -> None:
    before = log_of(heathrow_db)
    do_replay(heathrow_db, [HEATHROW])
    assert log_of(heathrow_db) == before


def test_two_halves_equal_one_go(heathrow_db: Path, tmp_path: Path) -> None:
    files = sorted(HEATHROW.glob("PIB-*.xml.gz"))
    db = tmp_path / "halves.db"
    do_replay(db, files[:40])
    do_replay(db, files[40:])
    assert log_of(db) == log_of(heathrow_db)


def test_events_table_is_append_only(heathrow_db: Path) -> None:
    conn = sqlite3.connect(heathrow_db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET kind = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")
    conn.close()


@pytest.mark.slow
def test_sigkill_during_replay_then_rerun_gives_the_clean_log(
    heathrow_db: Path, tmp_path: Path
) -> None:
    """A replay killed at random points (at least 10 times, several kills in a row on one
    database) and run again ends with the same log, and the database is always intact."""
    files = sorted(HEATHROW.glob("PIB-*.xml.gz"))[:16]
    clean_db = tmp_path / "clean.db"
    do_replay(clean_db, files)
    expected = log_of(clean_db)
    db = tmp_path / "killed.db"
    rng = random.Random(20250321)
    cmd = [sys.executable, "-m", "notam_log", "replay", *map(str, files), "--db", str(db),
           "--source", "nats-uk", "--scope", "UK"]  # fmt: skip
    env = {**os.environ, "NOTAM_LOG_CONFIG": str(tmp_path / "none.toml")}
    (tmp_path / "none.toml").write_text("")
    started = time.monotonic()
    subprocess.run([*cmd[:-6], "--db", str(tmp_path / "timing.db"), *cmd[-4:]], env=env,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    full = time.monotonic() - started  # how long one whole replay takes here
    kills = completed = 0
    for _ in range(60):  # bounded
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.15, 0.6) * full)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        if proc.returncode == 0:  # it got to the end: check, then start again from nothing
            assert log_of(db) == expected
            completed += 1
            for f in tmp_path.glob("killed.db*"):
                f.unlink()
        if kills >= 12:
            break
    assert kills >= 10
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    assert log_of(db) == expected


def test_a_bulletin_cut_short_is_an_incomplete_poll_that_withdraws_nothing(
    tmp_path: Path,
) -> None:
    """A saved bulletin cut short adds what it holds but is not a complete poll: the
    NOTAMs of the part that did not come are not withdrawn, no restriction is lifted."""
    import gzip

    from notam_log.core.parse.pib import parse_pib

    paths = sorted(HEATHROW.glob("PIB-*.xml.gz"))
    first, second = paths[26], paths[27]  # 21 March 03:00Z and 04:00Z
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / first.name).write_bytes(first.read_bytes())
    xml = gzip.decompress(second.read_bytes())
    (folder / second.name.removesuffix(".gz")).write_bytes(xml[: len(xml) // 2])
    # taken whole, the cut bulletin would say that these NOTAMs are gone
    lost = {n.key for n in parse_pib(first.read_bytes()).notams} - {
        n.key for n in parse_pib(xml[: len(xml) // 2]).notams
    }
    assert len(lost) > 100

    db = tmp_path / "cut.db"
    with Store(db) as store:
        items = replay.items_from_paths([folder])
        stats = replay.replay(
            Recorder(store),
            replay.timed(items, prefer_issued=False, at=None),
            source="nats-uk",
            scope="UK",
        )
        polls = store.polls(source="nats-uk")
        events = store.events()
    assert stats.incomplete == 1 and stats.snapshots == 2
    assert any("read in part" in e and "truncated" in e for e in stats.errors), stats.errors
    assert [p.status for p in polls][0] == "complete"
    assert polls[1].status != "complete" and "truncated" in (polls[1].reason or "")
    cut_at = polls[1].started_at
    assert not [
        e
        for e in events
        if e.observed_at == cut_at and e.kind in ("withdrawn", "restriction_lifted")
    ]
    assert not {e.key for e in events if e.kind == "withdrawn"} & lost
