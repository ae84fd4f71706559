"""Storage faults: a full disk, SIGKILL during a poll. Nothing half-written, nothing lost."""

from __future__ import annotations

import gzip
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

from notam_log.core.errors import StoreError
from notam_log.core.models import Snapshot
from notam_log.core.parse.pib import parse_pib
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store
from notam_log.testing.server import NotamTestServer

HEATHROW = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"


def bulletin(stamp: str) -> Snapshot:
    data = gzip.decompress((HEATHROW / f"PIB-{stamp}.xml.gz").read_bytes())
    at = datetime.strptime(stamp, "%Y-%m-%dT%H%MZ").replace(tzinfo=UTC)
    return Snapshot("uk", "UK", at, parse_pib(data).notams)


def log(store: Store) -> list[tuple[object, ...]]:
    return [(e.kind, e.key, e.observed_at, e.after, e.effective_at) for e in store.events()]


def test_full_disk_is_a_clear_error_and_the_next_poll_carries_on(tmp_path: Path) -> None:
    first = bulletin("2025-03-21T0100Z")
    small = Snapshot(first.source, first.scope, first.taken_at, first.notams[:10])
    stamps = ["2025-03-21T0200Z", "2025-03-21T1600Z", "2025-03-21T1700Z", "2025-03-21T1800Z"]
    with Store(tmp_path / "clean.db") as clean:
        rec = Recorder(clean)
        rec.snapshot(small)
        for s in stamps:
            rec.snapshot(bulletin(s))
        expected = log(clean)

    with Store(tmp_path / "full.db") as store:
        rec = Recorder(store)
        rec.snapshot(small)
        before = log(store)
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(StoreError, match="full.db: the disk or database is full"):
            rec.snapshot(bulletin(stamps[0]))  # hundreds of new NOTAMs: far beyond 2 pages
        assert log(store) == before  # nothing of the failed poll was written
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store.db.execute("PRAGMA max_page_count = 1073741823")  # space returns
        for s in stamps:
            rec.snapshot(bulletin(s))
        assert log(store) == expected


@pytest.mark.slow
def test_sigkill_during_poll_leaves_a_consistent_log(tmp_path: Path) -> None:
    """`notam-log poll` killed at random points, then run to the end: the database is
    intact and the log is that of one clean poll (no duplicates, nothing lost)."""
    body = (HEATHROW / "PIB-2025-03-21T1600Z.xml.gz").read_bytes()
    rng = random.Random(21)
    with NotamTestServer(pib_snapshots=[body] * 200) as server:
        cfg = tmp_path / "c.toml"
        cfg.write_text(
            f'[[sources]]\nkind = "nats_pib"\nname = "uk"\nbase_url = "{server.base_url}"\n'
        )
        env = {**os.environ, "NOTAM_LOG_CONFIG": str(cfg)}

        def poll(db: Path) -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [sys.executable, "-m", "notam_log", "poll", "--db", str(db)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

        clean = tmp_path / "clean.db"
        started = time.monotonic()
        assert poll(clean).wait() == 0
        full = time.monotonic() - started  # one whole poll, process start included
        killed = tmp_path / "killed.db"
        kills = 0
        for _ in range(60):  # bounded
            proc = poll(killed)
            time.sleep(rng.uniform(0.1, 0.9) * full)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
            if killed.exists():
                conn = sqlite3.connect(killed)
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                conn.close()
            if proc.returncode == 0:  # a poll got through: start again from nothing
                for f in tmp_path.glob("killed.db*"):
                    f.unlink()
            if kills >= 10:
                break
        assert kills >= 10, f"only {kills} polls were still running when killed"
        assert poll(killed).wait() == 0

    def kinds_keys(db: Path) -> list[tuple[str, str]]:
        with Store(db, create=False) as s:
            return sorted(
                (e.kind, e.key or "") for e in s.events() if not e.kind.startswith("source_")
            )

    got, want = kinds_keys(killed), kinds_keys(clean)
    assert got == want
    published = [k for kind, k in got if kind == "published"]
    assert published and len(published) == len(set(published))  # each NOTAM once
