"""The offline demo: packaged bulletins, trimming, the simulated clock, and `demo --no-screen`."""

from __future__ import annotations

import gzip
import io
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from notam_log.core.parse.pib import parse_pib
from notam_log.shell import daemon
from notam_log.shell.demo import (
    SimClock,
    bulletin_time,
    demo_bulletins,
    quiet_scheduler,
    run_demo,
    trim_bulletin,
)

BIN = Path(sys.executable).parent / "notam-log"
FULL = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"


def test_packaged_data_is_small_and_documented() -> None:
    folder = resources.files("notam_log").joinpath("data/demo")
    files = list(folder.iterdir())
    assert sum(len(f.read_bytes()) for f in files) <= 2_000_000
    assert any(f.name == "PROVENANCE.md" for f in files)
    bulletins = demo_bulletins()
    assert bulletins[0][0] == datetime(2025, 3, 20, tzinfo=UTC)
    assert bulletins[-1][0] == datetime(2025, 3, 22, 2, tzinfo=UTC)
    assert [t for t, _ in bulletins] == sorted(t for t, _ in bulletins)


def test_trimmed_bulletin_keeps_heathrow_and_the_shape() -> None:
    full = (FULL / "PIB-2025-03-21T0300Z.xml.gz").read_bytes()
    trimmed = trim_bulletin(full)
    assert trimmed.rstrip().endswith(b"</Pib>")
    before, after = parse_pib(gzip.decompress(full)), parse_pib(trimmed)
    ids = {n.key for n in after.notams}
    assert "EGGN:A1918/25" in ids
    egll = {n.key for n in before.notams if "EGLL" in n.locations}
    assert egll <= ids
    assert len(after.notams) < len(before.notams) / 2
    packaged = dict(demo_bulletins())[datetime(2025, 3, 21, 3, tzinfo=UTC)]
    assert gzip.decompress(packaged) == trimmed  # the shipped files are reproducible


def test_bulletin_time() -> None:
    assert bulletin_time("PIB-2025-03-21T1101Z.xml.gz") == datetime(2025, 3, 21, 11, 1, tzinfo=UTC)
    assert bulletin_time("PROVENANCE.md") is None


def test_sim_clock_never_reaches_the_next_bulletin() -> None:
    hours = [datetime(2025, 3, 21, h, tzinfo=UTC) for h in (0, 1, 2)]
    clock = SimClock(hours, speed=1e12)
    assert clock.now() < hours[0]
    assert clock.next_poll() == hours[0]
    assert clock.now() == hours[1] - timedelta(minutes=1)
    assert clock.next_poll() == hours[1]
    assert clock.next_poll() == hours[2]
    assert clock.exhausted
    assert clock.next_poll() is None


@pytest.mark.slow
def test_demo_no_screen_tells_the_heathrow_story(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.run([str(BIN), "demo", "--no-screen", "--speed", "36000"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env=env)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "restriction imposed  EGLL  aerodrome_closed  EGGN:A1918/25" in out
    lifted = [x for x in out.splitlines() if "restriction lifted  EGLL  aerodrome_closed" in x]
    assert lifted and "EGGN:A1918/25" in lifted[0]
    assert "between 2025-03-21 16:00Z and 17:00Z" in lifted[0]
    assert "restriction imposed  EGLL  aerodrome_limited  EGGN:A1936/25" in out
    # the digest of 21 March closes the demo
    assert "NOTAM digest for 2025-03-21" in out
    assert "EGLL  London Heathrow Airport" in out
    assert (
        "aerodrome closed → aerodrome limited: from 01:43Z (seen between 01:00Z and 02:00Z)" in out
    )
    assert "lasted 22h 16m" in out
    assert "\x1b" not in out
    # and it ends by saying where the calendar, feed and map of that day were written
    tail = out[out.index("The calendar, feed and map of 2025-03-21 were written to") :]
    written = dict(line.split(None, 1) for line in tail.splitlines()[1:5])
    assert set(written) == {"calendar", "feed", "map", "digest"}
    assert Path(written["calendar"]).read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert b"<feed" in Path(written["feed"]).read_bytes()
    assert "A1918/25" in Path(written["map"]).read_text()
    digest = Path(written["digest"].removesuffix(" (links to the map)")).read_text()
    assert 'href="notam-map-2025-03-21.html"' in digest


SKIPPED = 'Execution of job "%s" skipped: maximum number of running instances reached (%d)'
MISSED = 'Run time of job "%s" was missed by %s'


def test_quiet_scheduler_drops_only_the_expected_warnings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sched_log = logging.getLogger("apscheduler.scheduler")
    exec_log = logging.getLogger("apscheduler.executors.default")
    caplog.set_level(logging.WARNING)
    with quiet_scheduler():
        sched_log.warning(SKIPPED, "poll nats-uk", 1)
        exec_log.warning(MISSED, "tick", "0:00:01")
        sched_log.error("Error running job %s", "tick")
    assert [r.getMessage() for r in caplog.records] == ["Error running job tick"]
    caplog.clear()
    sched_log.warning(SKIPPED, "poll nats-uk", 1)  # outside the demo (``run``): shown
    assert "skipped: maximum number of running instances reached (1)" in caplog.text


def test_demo_hides_the_schedulers_expected_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """However fast the demo runs: what APScheduler says while the demo's scheduler runs
    (here said for sure, from inside its start) is not shown; other warnings are."""
    real_start = daemon.NotamScheduler.start

    def start(self: daemon.NotamScheduler, start: datetime | None = None) -> None:
        real_start(self, start)
        logging.getLogger("apscheduler.scheduler").warning(SKIPPED, "poll nats-uk", 1)
        logging.getLogger("apscheduler.scheduler").warning("something else")

    monkeypatch.setattr(daemon.NotamScheduler, "start", start)
    caplog.set_level(logging.WARNING)
    out = io.StringIO()
    result = run_demo(db=str(tmp_path / "d.db"), speed=1e6, screen=False, out=out)
    assert result.polls == len(demo_bulletins())
    assert "restriction imposed  EGLL  aerodrome_closed  EGGN:A1918/25" in out.getvalue()
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("apscheduler")]
    assert "something else" in messages
    assert not [m for m in messages if "maximum number of running instances" in m]


@pytest.mark.slow
def test_demo_at_full_speed_prints_no_scheduler_warnings(tmp_path: Path) -> None:
    proc = subprocess.run([str(BIN), "demo", "--no-screen", "--speed", "100000"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "NOTAM digest for 2025-03-21" in proc.stdout
    assert "maximum number of running instances" not in proc.stdout + proc.stderr
    assert "WARNING" not in proc.stdout + proc.stderr
