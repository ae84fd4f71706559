"""The scheduler: jobs as configured, ticks never overtake a poll, one poller per database,
and `run` exiting 0 on SIGTERM with the database consistent."""

from __future__ import annotations

import functools
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from notam_log.core.config import Config, SourceConfig
from notam_log.shell.daemon import NotamScheduler, poll_line
from notam_log.shell.demo import demo_bulletins
from notam_log.shell.lock import PollerLock, lock_path
from notam_log.shell.poll import PollSummary
from notam_log.shell.runtime import open_runtime
from notam_log.testing.server import NotamTestServer

BIN = Path(sys.executable).parent / "notam-log"


def _config(base_url: str, db: str = "x.db") -> Config:
    return Config(
        path="<test>",
        database=db,
        locations=("EGLL",),
        tick_interval=60.0,
        sources=(
            SourceConfig(kind="nats_pib", name="nats-uk", interval=900, base_url=base_url),
            SourceConfig(kind="nats_pib", name="off", interval=900, enabled=False),
        ),
    )


def test_jobs_as_configured(tmp_path: Path) -> None:
    cfg = _config("http://127.0.0.1:9")
    with open_runtime(cfg, tmp_path / "s.db", env={}, client=httpx.Client) as runtime:
        sched = NotamScheduler(runtime)
        sched.add_jobs()
        jobs = {j.id: j for j in sched.scheduler.get_jobs()}
        assert set(jobs) >= {"poll:nats-uk", "tick"}
        assert "poll:off" not in jobs
        poll = jobs["poll:nats-uk"]
        assert poll.trigger.interval == timedelta(seconds=900)
        assert poll.trigger.jitter == 45  # 5 % of the interval
        assert poll.max_instances == 1 and poll.coalesce
        assert poll.misfire_grace_time == 450
        assert jobs["tick"].trigger.interval == timedelta(seconds=60)
        assert ("digest" in jobs) == (sched.digest is not None)


def test_tick_never_overtakes_a_poll_in_flight(tmp_path: Path) -> None:
    cfg = _config("http://127.0.0.1:9")
    wall = [datetime(2025, 3, 21, 2, 0, 30, tzinfo=UTC)]
    with open_runtime(cfg, tmp_path / "s.db", env={}, client=httpx.Client) as runtime:
        sched = NotamScheduler(runtime, clock=lambda: wall[0])
        assert sched.tick_time() == wall[0]
        sched._inflight["nats-uk"] = datetime(2025, 3, 21, 2, 0, 0, tzinfo=UTC)
        assert sched.tick_time() == datetime(2025, 3, 21, 1, 59, 59, tzinfo=UTC)


def test_poll_job_records_through_the_loopback_server(tmp_path: Path) -> None:
    bulletins = demo_bulletins()[:2]
    seen: list[PollSummary] = []
    with NotamTestServer(pib_snapshots=[b for _, b in bulletins]) as server:
        cfg = _config(server.base_url)
        times = iter(t for t, _ in bulletins)
        client = functools.partial(httpx.Client, trust_env=False)
        with open_runtime(cfg, tmp_path / "s.db", env={}, client=client) as runtime:
            store = runtime.store
            sched = NotamScheduler(
                runtime,
                poll_clock=lambda: next(times, None), on_poll=lambda s, _now: seen.append(s),
            )  # fmt: skip
            source = sched.sources[0]
            assert sched.poll_source(source) is not None
            assert sched.poll_source(source) is not None
            assert sched.poll_source(source) is None  # the clock ran out: no poll
            assert [p.status for p in store.polls()] == ["complete", "complete"]
    assert len(seen) == 2 and seen[0].notams > 100


def test_poll_line() -> None:
    s = PollSummary("nats-uk", notams=300, elapsed=0.25)
    now = datetime(2025, 3, 21, 2, tzinfo=UTC)
    assert poll_line(s, now) == "2025-03-21T02:00:00Z nats-uk: 300 NOTAMs, 0 events, 0.2 s"
    s.error = "HTTP 503 from x\x1b[31m"
    assert poll_line(s, now).endswith("FAILED: HTTP 503 from x")


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    assert lock_path(db) == tmp_path / "a.db.lock"
    first, second = PollerLock(db), PollerLock(db)
    assert first.acquire()
    assert not second.acquire()
    assert "already polls this database" in second.busy_message()
    first.release()
    assert second.acquire()
    second.release()


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _cfg_file(tmp_path: Path, base_url: str) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[[sources]]\nkind = "nats_pib"\nname = "nats-uk"\ninterval = 60\nbase_url = "{base_url}"\n'
    )
    return cfg


@pytest.mark.slow
def test_run_polls_logs_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    with NotamTestServer(pib_snapshots=[demo_bulletins()[0][1]]) as server:
        cfg = _cfg_file(tmp_path, server.base_url)
        proc = subprocess.Popen([str(BIN), "run", "--db", str(db), "--config", str(cfg)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 30
        while server.count("pib") == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        second = subprocess.run([str(BIN), "run", "--db", str(db), "--config", str(cfg)],
                                capture_output=True, text=True, timeout=30)  # fmt: skip
        time.sleep(1.0)
        proc.terminate()
        out, err = proc.communicate(timeout=60)
        assert server.count("pib") == 1  # the second `run` did not poll
    assert proc.returncode == 0, err
    assert second.returncode == 4  # refused: not a success (documented in the README)
    assert "already polls this database" in second.stderr
    assert "nats-uk: " in out and "NOTAMs" in out and "stopped" in out
    assert _integrity(db) == "ok"


def test_a_poll_logged_in_the_future_does_not_hold_the_next_one_back(tmp_path: Path) -> None:
    """A poll once recorded with a clock set a year ahead (then corrected): after a
    restart the next poll is at most one interval away, not a year."""
    from notam_log.core.diff import Changes
    from notam_log.core.models import PollRecord

    cfg = _config("http://127.0.0.1:9")
    with open_runtime(cfg, tmp_path / "s.db", env={}, client=httpx.Client) as runtime:
        store = runtime.store
        future = datetime.now(UTC).replace(microsecond=0) + timedelta(days=365)
        store.write(
            Changes(world=store.load_world(), status="source"),
            PollRecord("nats-uk", "UK", future, future, "failed", "x"),
        )
        sched = NotamScheduler(runtime)
        sched.add_jobs()
        job = sched.scheduler.get_job("poll:nats-uk")
        assert job.next_run_time - datetime.now(UTC) < timedelta(seconds=900 + 60)
