"""Issue 18: ``run`` stops on SIGTERM within seconds whatever its poll is doing; a long
replay keeps its write-ahead log small; a refused NMS token is no data pull."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_hostile import bulletin, hostile, with_doctype
from test_sources_adapters import SECRETS, nms_features

from notam_log.core.config import Config, SourceConfig
from notam_log.shell.http import make_client
from notam_log.shell.poll import Poller
from notam_log.shell.recorder import Recorder
from notam_log.shell.runtime import build_sources
from notam_log.shell.store import Store
from notam_log.testing.server import NotamTestServer

BIN = Path(sys.executable).parent / "notam-log"
PIBS = sorted((Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03").glob("*.xml.gz"))


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.mark.slow
@pytest.mark.parametrize("answer", ["timeout", "trickle", "slow", "doctype"])
def test_run_stops_on_sigterm_within_seconds_whatever_its_poll_is_doing(
    tmp_path: Path, answer: str
) -> None:
    """The loopback server holds the poll: no headers for 10 s (timeout), a byte every
    2 s (trickle), half the body then 10 s of nothing (slow), or a DOCTYPE naming
    /dev/zero (which once spun at 100% CPU and made ``run`` ignore SIGTERM)."""
    db = tmp_path / "r.db"
    with NotamTestServer(
        pib_snapshots=[bulletin(0)], timeout_sleep=10.0, trickle_every=2.0
    ) as server:
        if answer == "doctype":
            server.hostile("pib", with_doctype(tmp_path, "dev_zero"))
        else:
            server.fail("pib", answer)
        config = tmp_path / "c.toml"
        config.write_text(
            f'database = "{db}"\n[[sources]]\nkind = "nats_pib"\nname = "uk"\n'
            f'base_url = "{server.base_url}"\ninterval = 900\n'
        )
        proc = subprocess.Popen(
            [str(BIN), "run", "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            ends = time.monotonic() + 30
            while server.count("pib") == 0 and time.monotonic() < ends:
                time.sleep(0.1)
            assert server.count("pib") == 1
            time.sleep(1.0)  # the poll is now inside its answer
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
            took = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, err
    assert took < 6, took
    assert "stopped" in out and "Traceback" not in err
    assert _integrity(db) == "ok"


def test_a_long_replay_keeps_its_write_ahead_log_small(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notam_log.shell import replay as rp

    monkeypatch.setattr(rp, "CHECKPOINT_EVERY", 5)
    db = tmp_path / "w.db"
    wal = Path(f"{db}-wal")
    sizes: list[int] = []
    after_checkpoint: list[int] = []
    with Store(db) as store:
        items = rp.items_from_paths(PIBS[:16])
        done = 0

        def seen(_name: str) -> None:
            nonlocal done
            size = wal.stat().st_size if wal.exists() else 0
            sizes.append(size)
            done += 1

        ordered = list(rp.timed(items, prefer_issued=False, at=None))
        rp.replay(Recorder(store), ordered[:15], on_item=seen)
        store.checkpoint()
        after_checkpoint.append(wal.stat().st_size if wal.exists() else 0)
        final = db.stat().st_size
    assert max(sizes) <= 1.25 * final  # free space of about the database's size suffices
    assert after_checkpoint == [0]  # folded in and truncated while still open
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_refused_nms_token_is_no_data_pull(tmp_path: Path) -> None:
    """After a poll whose token was refused, the next poll asks again at once: it does
    not say "one data pull per 180 s" when no pull happened."""
    now = datetime(2025, 3, 21, 12, tzinfo=UTC)
    with NotamTestServer(
        nms_features=nms_features(), client_id=SECRETS["NMS_ID"], client_secret="other"
    ) as server:
        cfg = Config(
            path="<test>",
            database="x.db",
            sources=(
                SourceConfig(
                    kind="faa_nms",
                    name="nms",
                    locations=("K8WC",),
                    base_url=server.base_url,
                    options={"client_id_env": "NMS_ID", "client_secret_env": "NMS_SECRET"},
                ),
            ),
        )
        sources = build_sources(cfg, SECRETS)
        with Store(tmp_path / "n.db") as store, make_client(timeout=10) as client:
            poller = Poller(Recorder(store), client, run_kwargs={"sleep": lambda _s: None})
            first = poller.poll(sources, now)[0]
            assert first.error is not None and "token request refused" in first.error
            server.client_secret = SECRETS["NMS_SECRET"]  # the credentials are mended
            second = poller.poll(sources, now + timedelta(seconds=60))[0]
    assert second.skipped is None and second.error is None, second
    assert "data pull" not in str(second) and second.notams > 0
    assert server.count("nms_notams") == 1


def test_a_poll_with_a_hostile_answer_does_not_hold_back_the_next(tmp_path: Path) -> None:
    """A refused bulletin (DOCTYPE) keeps no validators: the next poll fetches whole."""
    from test_hostile import live

    t0 = datetime(2025, 3, 20, 0, 0, tzinfo=UTC)
    summaries = live(
        tmp_path / "h.db",
        [(t0, hostile(with_doctype(tmp_path, "fifo"))), (t0 + timedelta(hours=1), bulletin(1))],
    )
    assert summaries[0].error is not None and summaries[1].error is None
    assert summaries[1].notams > 100


def _commit(repo: Path, body: bytes, when: datetime, message: str) -> None:
    from test_replay_git import git

    (repo / "PIB.xml").write_bytes(body)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
    git(repo, "add", "PIB.xml")
    git(
        repo,
        "-c",
        "user.name=scraper",
        "-c",
        "user.email=s@example.org",
        "commit",
        "-q",
        "-m",
        message,
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )


def test_replay_git_refuses_a_commit_whose_bulletin_is_from_the_future(tmp_path: Path) -> None:
    """An archive commit whose bulletin says it was issued in 2099: refused and said;
    the commits after it are replayed (none is "not newer" than 2099)."""
    import shutil

    from test_hostile import issued, log_of

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    logs = []
    for name, forged in (("clean", False), ("forged", True)):
        repo = tmp_path / name
        repo.mkdir()
        subprocess.run(["git", "-C", str(repo), "init", "-q"], check=True)
        for i in range(4):
            when = datetime(2025, 3, 20, i, 7, tzinfo=UTC)
            if forged and i == 2:
                bad = issued(bulletin(i), "2099-03-20T02:00:00+00:00")
                _commit(repo, bad, when - timedelta(minutes=30), "forged")
            _commit(repo, bulletin(i), when, f"bulletin {i}")
        db = tmp_path / f"{name}.db"
        proc = subprocess.run(
            [str(BIN), "replay", "--git", str(repo), "--path", "PIB.xml", "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        if forged:
            (line,) = [ln for ln in proc.stderr.splitlines() if ln.strip()]
            assert "refused" in line and "2099" in line and "refused 1" in proc.stdout
        assert "skipped" not in proc.stdout and "replayed 4 snapshots" in proc.stdout
        logs.append(log_of(db))
    assert logs[0] == logs[1]
