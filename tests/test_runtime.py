"""The one place that wires (shell/runtime.py) and the store's schema upgrades."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from notam_log.core.config import Config, SourceConfig
from notam_log.core.digest import Digest
from notam_log.core.errors import ConfigError, NotamLogError, PollerBusy
from notam_log.core.periods import day_period
from notam_log.shell.lock import PollerLock
from notam_log.shell.runtime import open_runtime
from notam_log.shell.store import Store


def _config(db: Path, *sources: SourceConfig) -> Config:
    return Config(path="c.toml", database=str(db), sources=sources, withdraw_after=5)


def test_the_runtime_holds_what_the_config_asks_for(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    on = SourceConfig(kind="nats_pib", name="on", base_url="http://127.0.0.1:9")
    off = SourceConfig(kind="nats_pib", name="off", enabled=False)
    with open_runtime(_config(db, on, off), db, lock=True, env={}, client=httpx.Client) as rt:
        assert [s.name for s in rt.sources] == ["on"]
        assert rt.recorder.store is rt.store and rt.store.path == db
        assert rt.recorder.rules.withdraw_after == 5  # the config's rules
        assert rt.lock is not None and rt.lock.held
        assert isinstance(rt.client, httpx.Client) and not rt.client.is_closed
        assert rt.poller().recorder is rt.recorder
        client = rt.client
    assert client.is_closed
    again = PollerLock(db)
    assert again.acquire()  # released on the way out
    again.release()


def test_the_named_sources_even_disabled(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    off = SourceConfig(kind="nats_pib", name="off", enabled=False)
    with open_runtime(_config(db, off), db, names=["off"], env={}, client=None) as rt:
        assert [s.name for s in rt.sources] == ["off"]
        assert rt.client is None
        with pytest.raises(NotamLogError, match="without an HTTP client"):
            rt.poller()
    with (
        pytest.raises(ConfigError, match="no source named 'nope'"),
        open_runtime(_config(db, off), db, names=["nope"], env={}),
    ):
        pass


def test_no_database_is_made_when_the_runtime_cannot_run(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    with (
        pytest.raises(NotamLogError, match="no enabled source to poll"),
        open_runtime(_config(db), db, require_sources=True, env={}),
    ):
        pass
    assert not db.exists()
    holder = PollerLock(db)
    assert holder.acquire()
    try:
        with (
            pytest.raises(PollerBusy, match="already polls this database"),
            open_runtime(_config(db), db, lock=True, env={}),
        ):
            pass
    finally:
        holder.release()
    assert not db.exists()


def test_the_digests_table_of_an_older_database_is_kept(tmp_path: Path) -> None:
    """Before the store made it, the digests table came from a migration set of its
    own: the store's migration must leave such a table (and its rows) as it is."""
    db = tmp_path / "old.db"
    made = datetime(2025, 3, 22, 6, tzinfo=UTC)
    with Store(db) as store:
        period = day_period(datetime(2025, 3, 21).date())
        store.remember_digest(Digest(period, made, (), (), (), False), files=["a.md"])
    with sqlite3.connect(db) as conn:  # as an older notam-log left it
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_digests'")
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('notam_log.core.digest', 'm001_digests', '2025-03-22')"
        )
    with Store(db) as store:
        last = store.last_digest()
    assert last is not None and last.made_at == made and last.label == "2025-03-21"
