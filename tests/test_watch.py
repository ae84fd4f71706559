"""The watcher: pure render functions against golden text, and `watch` in a pseudo-terminal."""

from __future__ import annotations

import gzip
import os
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from notam_log.core.models import Event
from notam_log.shell.demo import demo_bulletins
from notam_log.shell.lock import PollerLock
from notam_log.shell.watch import (
    RestrictionRow,
    ScreenData,
    SourceView,
    follow_events,
    render_screen,
    staleness,
)
from notam_log.testing.server import NotamTestServer

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2025, 3, 21, 17, 30, tzinfo=UTC)
H = timedelta(hours=1)
HOSTILE = "[bold red]PWNED[/] \x1b[31mRED\x1b[0m \x1b]0;title\x07 bell\x07 nul\x00 " + "LONG " * 80


def t(hh: int, mm: int = 0, day: int = 21) -> datetime:
    return datetime(2025, 3, day, hh, mm, tzinfo=UTC)


def sample_view(**changes: object) -> ScreenData:
    rows = (
        RestrictionRow("EGLL", "London Heathrow Airport", "aerodrome_closed", t(2), t(1), t(1, 43),
                       "EGGN:A1918/25", "A1918/25", t(23, 59), False, False,
                       "AD CLOSED DUE TO A MAJOR INCIDENT IN THE LOCAL VICINTY.\nSECOND LINE"),
        RestrictionRow("EGLL", "London Heathrow Airport", "aerodrome_limited", t(17), t(16),
                       t(16, 31), "EGGN:A1936/25", "A1936/25", t(23, 59), True, False,
                       "AD AVBL FOR LIMITED REPATRIATION FLIGHTS IN AN ORDERLY MANNER"),
        RestrictionRow("EGKK", "London Gatwick Airport", "runway_closed", t(9), t(8), None,
                       "EGGN:A1900/25", "A1900/25", None, False, True, HOSTILE),
    )  # fmt: skip
    events = (
        Event("restriction_imposed", "nats-uk", t(17), "EGGN:A1936/25", "A1936/25", ("EGLL",),
              "aerodrome_limited", t(16), t(16, 31), {}, 9),
        Event("restriction_lifted", "nats-uk", t(17), "EGGN:A1918/25", "A1918/25", ("EGLL",),
              "aerodrome_closed", t(16), None, {}, 8),
        Event("amended", "nats-uk", t(15), "EGGN:A1900/25", "A1900/25", ("EGKK",),
              "runway_closed", t(14), None, {"changed": ["end", "text"]}, 7),
        Event("source_down", "faa-search", t(12), None, None, (), None, t(11), None,
              {"error": HOSTILE}, 6),
        Event("restriction_imposed", "nats-uk", t(2), "EGGN:A1918/25", "A1918/25",
              ("EGLL", "[red]X\x1b[2J"), "aerodrome_closed", t(1), t(1, 43), {}, 5),
    )  # fmt: skip
    view = ScreenData(
        db="/var/lib/notam-log/notam-log.db",
        sources=(
            SourceView("nats-uk", 900, t(17), t(17), t(17, 15)),
            SourceView("faa-search", 1800, t(12), t(9), t(18), t(12), 3, HOSTILE),
        ),
        restrictions=rows,
        events=events,
        locations=("EGLL", "EGKK"),
        total_events=1234,
    )
    return replace(view, **changes)  # type: ignore[arg-type]


def capture(view: ScreenData, width: int, height: int, tz_mode: str = "utc") -> str:
    console = Console(width=width, height=height, force_terminal=True, color_system=None,
                      _environ={})  # fmt: skip
    console.begin_capture()
    console.print(render_screen(view, NOW, width, height, tz_mode))  # type: ignore[arg-type]
    return console.end_capture()


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_golden(width: int, height: int) -> None:
    text = capture(sample_view(), width, height)
    path = GOLDEN / f"watch-{width}x{height}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"{path.name}: no golden file (UPDATE_GOLDEN=1 to write it)"
    assert text == path.read_text()


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40), (200, 60)])
def test_fits_and_hostile_text_is_inert(width: int, height: int) -> None:
    many = sample_view().restrictions * 400
    evs = sample_view().events * 200
    text = capture(sample_view(restrictions=many, events=evs), width, height)
    lines = text.splitlines()
    assert len(lines) <= height
    assert max(len(line) for line in lines) <= width
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    assert "more" in text  # the cut is said


def test_markup_in_feed_text_is_shown_literally() -> None:
    text = capture(sample_view(), 200, 40)
    assert "[bold red]PWNED[/]" in text
    assert "[red]X" in text


def test_closures_first_and_est_marked() -> None:
    text = capture(sample_view(), 120, 40)
    assert text.index("AD closed") < text.index("AD limited")
    assert "23:59Z EST" in text
    assert "PERM" in text
    assert "lifted" in text and "between 2025-03-21 16:00Z and 17:00Z" in text
    assert "between 16:00Z and 17:00Z" in capture(sample_view(), 80, 24)
    assert "changed end, text" in text


def test_stale_banner_only_when_stale() -> None:
    fresh = sample_view(sources=(SourceView("nats-uk", 900, t(17), t(17), t(17, 15)),))
    assert "out of date" not in capture(fresh, 80, 24)
    stale = sample_view(sources=(SourceView("nats-uk", 900, t(17), t(16, 44), t(17, 15)),))
    assert "nats-uk: last complete poll 16:44Z (over 3 intervals ago)" in capture(stale, 80, 24)
    never = sample_view(sources=(SourceView("nats-uk", 900),))
    assert "nats-uk: no complete poll yet (not polled yet)" in capture(never, 80, 24)
    failing = sample_view(sources=(SourceView("nats-uk", 900, t(17), first_poll=t(9, 15)),))
    text = capture(failing, 120, 40)
    assert "nats-uk  no complete poll yet (polling since 09:15Z)" in text
    assert (
        "nats-uk: no complete poll yet (polling since 09:15Z): the lists may be out of date" in text
    )


def test_piped_watch_says_when_sources_are_stale() -> None:
    """Without a terminal, a stale source is a line of its own, said when it changes."""
    import io
    import threading

    states = iter([["nats-uk: no complete poll yet (polling since 09:15Z)"]] * 2 + [[]] * 5)
    stop = threading.Event()
    out = io.StringIO()
    calls = iter(range(3))

    def load(after: int | None) -> list[Event]:
        if next(calls, None) is None:
            stop.set()
        return []

    follow_events(load, out, stop, refresh=0.01, stale=lambda: next(states))
    assert out.getvalue().splitlines() == [
        "stale: nats-uk: no complete poll yet (polling since 09:15Z): these lines may be incomplete",
        "stale: no longer: every source has a recent complete poll",
    ]
    fresh = (SourceView("nats-uk", 900, t(17), t(17, 15)),)
    assert staleness(fresh, NOW) == []
    assert staleness((SourceView("a", 900, t(17), t(16)),), NOW) == [
        "a: last complete poll 16:00Z (over 3 intervals ago)"
    ]


def test_ids_stay_whole_at_80_columns_and_other_years_are_dated() -> None:
    """Ids are what users copy: never cut, even when long dates and zones crowd the row;
    a time in another year than now's shows its year."""
    old = timedelta(days=400)
    view = sample_view()
    rows = tuple(
        replace(r, key="UUWV:A12345/25", id=None, since_by=r.since_by - old,
                since_after=r.since_after and r.since_after - old,
                since_effective=r.since_effective and r.since_effective - old,
                end=r.end and r.end + old)
        for r in view.restrictions
    )  # fmt: skip
    events = tuple(
        replace(
            e, id="FDC 4/12345", observed_at=e.observed_at - old, after=e.after and e.after - old
        )
        for e in view.events
    )
    for tz in ("utc", "local"):
        text = capture(replace(view, restrictions=rows, events=events), 80, 24, tz)
        assert text.count("UUWV:A12345/25") == 3, text
        assert text.count("FDC 4/12345") >= 4, text
        assert "2024-02-15" in text and "Feb 15" not in text, text


def test_local_time() -> None:
    summer = NOW + timedelta(days=60)
    view = sample_view()
    console = Console(width=120, height=40, force_terminal=True, color_system=None, _environ={})
    console.begin_capture()
    console.print(render_screen(view, summer, 120, 40, "local"))
    text = console.end_capture()
    assert "02:43 GMT" not in text and "01:43 GMT" in text  # March: GMT in London


def test_no_color_and_colour() -> None:
    coloured = Console(width=80, height=24, force_terminal=True, color_system="standard",
                       _environ={})  # fmt: skip
    coloured.begin_capture()
    coloured.print(render_screen(sample_view(), NOW, 80, 24))
    assert "\x1b[1;31m" in coloured.end_capture()  # imposed in red
    plain = Console(width=80, height=24, force_terminal=True, color_system="standard",
                    _environ={"NO_COLOR": "1"})  # fmt: skip
    plain.begin_capture()
    plain.print(render_screen(sample_view(), NOW, 80, 24))
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", plain.end_capture())


# ---------------------------------------------------------------------- the command

BIN = Path(sys.executable).parent / "notam-log"


def _config(tmp_path: Path, base_url: str) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        '[watch]\nlocations = ["EGLL", "EGKK"]\n[detection]\ntick_interval = 60\n'
        f'[[sources]]\nkind = "nats_pib"\nname = "nats-uk"\ninterval = 60\nbase_url = "{base_url}"\n'
    )
    return cfg


def _bulletin(hour: str = "2025-03-21T03") -> bytes:
    """A real bulletin whose NOTAMs end in 2048, so that they are in force at the
    wall-clock time the command runs."""
    data = next(b for at, b in demo_bulletins() if at.isoformat().startswith(hour))
    return re.sub(rb"<EndValidity>25", b"<EndValidity>48", gzip.decompress(data))


def _pty(
    args: list[str], seconds: float, *, term_after: float | None, until: bytes = b""
) -> tuple[str, int]:
    import fcntl
    import pty
    import select
    import signal
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
        env.update(TERM="xterm-256color", COLUMNS="120", LINES="30")
        os.execve(args[0], args, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))
    buf, start, sent = b"", time.monotonic(), False
    while time.monotonic() - start < seconds:
        elapsed = time.monotonic() - start
        if not sent and ((term_after and elapsed > term_after) or (until and until in buf)):
            time.sleep(0.5)
            os.kill(pid, signal.SIGTERM)
            sent = True
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            buf += data
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return buf.decode("utf-8", "replace"), os.waitstatus_to_exitcode(status)


def _wait_for_poll(db: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(db) as conn:
                if conn.execute("SELECT count(*) FROM polls").fetchone()[0]:
                    return
        except sqlite3.Error:
            pass
        time.sleep(0.2)
    raise AssertionError("no poll recorded")


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


@pytest.mark.slow
def test_watch_in_a_pty_polls_shows_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with NotamTestServer(pib_snapshots=[_bulletin()]) as server:
        cfg = _config(tmp_path, server.base_url)
        out, code = _pty([str(BIN), "watch", "--db", str(db), "--config", str(cfg)], 40,
                         term_after=25, until=b"A1918/25")  # fmt: skip
        assert server.count("pib") >= 1
    out = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", out)
    assert code == 0, out[-2000:]
    assert "A1918/25" in out, out[-3000:]
    # the name column is narrower since NOTAM ids are kept whole: "London He…" at 120
    assert "AD closed" in out and "London He" in out, out[-3000:]
    assert "nats-uk" in out and "In force now" in out
    assert _integrity(db) == "ok"


@pytest.mark.slow
def test_watch_without_a_terminal_prints_event_lines(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with NotamTestServer(pib_snapshots=[_bulletin()]) as server:
        cfg = _config(tmp_path, server.base_url)
        proc = subprocess.Popen([str(BIN), "watch", "--db", str(db), "--config", str(cfg)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        _wait_for_poll(db)
        time.sleep(2.5)  # a refresh or two
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "restriction imposed  EGLL  aerodrome_closed  EGGN:A1918/25" in out, (out, err)
    assert "\x1b" not in out
    assert _integrity(db) == "ok"


@pytest.mark.slow
def test_second_watcher_only_displays(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with NotamTestServer(pib_snapshots=[_bulletin()]) as server, PollerLock(db) as lock:
        assert lock.acquire()
        cfg = _config(tmp_path, server.base_url)
        out, code = _pty([str(BIN), "watch", "--db", str(db), "--config", str(cfg)], 15,
                         term_after=4)  # fmt: skip
        assert server.count("pib") == 0
    assert code == 0
    assert f"process {os.getpid()} already polls this database" in out
    assert "display only" in out


@pytest.mark.slow
def test_watch_quits_on_q(tmp_path: Path) -> None:
    """Typing q ends the watcher by itself (exit 0, no signal), once its poll is written."""
    import pty
    import select
    import signal

    db = tmp_path / "w.db"
    with NotamTestServer(pib_snapshots=[_bulletin()]) as server:
        cfg = _config(tmp_path, server.base_url)
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
            env.update(TERM="xterm-256color", COLUMNS="120", LINES="30")
            args = [str(BIN), "watch", "--db", str(db), "--config", str(cfg)]
            os.execve(args[0], args, env)
        buf, start, sent, ended = b"", time.monotonic(), False, False
        while time.monotonic() - start < 120:
            if not sent and b"q quits" in buf:
                os.write(fd, b"q")
                sent = True
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    ended = True
                    break
                if not data:
                    ended = True
                    break
                buf += data
        if not ended:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert sent, buf.decode("utf-8", "replace")[-2000:]
    assert ended, "still running after q"
    assert os.waitstatus_to_exitcode(status) == 0


def _announced(name: str = "Ижевск", **over: object) -> tuple[object, object]:
    from notam_log.core.announced import Announced, Verdict

    a = Announced("USII", t(2, 30), ("favt_info/8287",), "favt_info", end=t(3, 50),
                  end_key="favt_info/8290", name=name)  # fmt: skip
    return replace(a, **over), Verdict("confirmed", ("UWUU:A1234/25",))  # type: ignore[arg-type]


@pytest.mark.parametrize(("width", "height"), [(80, 24), (120, 40)])
def test_announced_episodes_beside_the_restrictions_with_their_verdicts(
    width: int, height: int
) -> None:
    from notam_log.core.announced import Verdict

    lifted, confirmed = _announced()
    open_ = replace(lifted, location="UWKD", name=HOSTILE, end=None, end_key=None,  # type: ignore[type-var]
                    start=t(16, 55))  # fmt: skip
    view = sample_view(announced=((lifted, confirmed), (open_, Verdict("no_coverage"))))
    text = capture(view, width, height)
    lines = text.splitlines()
    assert len(lines) <= height and max(len(line) for line in lines) <= width
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    assert "ANNOUNCED by the authority, not NOTAMs (2)" in text
    (egll_force,) = [ln for ln in lines if ln.startswith("EGLL") and "AD closed" in ln]
    (usii,) = [ln for ln in lines if ln.startswith("USII")]
    (uwkd,) = [ln for ln in lines if ln.startswith("UWKD")]
    assert lines.index(egll_force) < lines.index(uwkd) < lines.index(usii)  # in force first
    assert "ANNOUNCED" in uwkd and "35m" in uwkd and "no NOTAM coverage" in uwkd
    assert "lifted 03:50Z" in usii and "1h 20m" in usii
    assert ("confirmed: A1234/25" if width < 110 else "confirmed by NOTAM UWUU:A1234/25") in usii
    assert "[bold red]PWNED" in capture(view, 200, 40)  # markup shown as text, not applied


def test_the_screen_without_announcements_has_no_such_section() -> None:
    assert "ANNOUNCED" not in capture(sample_view(), 120, 40)
