"""The Russian AIS series bulletins: reading the files, the ``ru_ais`` source against the
loopback server, parse and replay (tests/data/ru-ais: real files, see PROVENANCE.md)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from notam_log.cli import cli
from notam_log.core.config import SourceConfig
from notam_log.core.parse.inputs import read_input
from notam_log.core.parse.ru_ais import parse_index, parse_series, series_file
from notam_log.shell.http import run_source
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store
from notam_log.sources.ru_ais import RuAisSource
from notam_log.testing.channel import ais_index
from notam_log.testing.server import NotamTestServer

DATA = Path(__file__).parent / "data" / "ru-ais"
A11, A12, C11 = "A2512110053_eng.html", "A2512120053_eng.html", "C2512110053_eng.html"


def _bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


# --------------------------------------------------------------------------- reading


def test_a_series_file() -> None:
    b = parse_series(_bytes(C11), C11)
    assert (b.series, b.issued) == ("C", datetime(2025, 12, 11, 0, 53, tzinfo=UTC))
    assert len(b.notams) == 263 and b.headings == 46  # as PROVENANCE.md counts them
    assert b.incomplete is None
    assert all(n.id and n.id.startswith("C") for n in b.notams)
    assert len(parse_series(_bytes(A11), A11).notams) == 556


def test_usii_is_not_restricted_by_the_series_c_bulletin_of_11_december(tmp_path: Path) -> None:
    """Izhevsk's ten NOTAMs of that day are stand rules and a condition for one aircraft
    type (Embraer-190 with its own tow bar): none restricts the aerodrome."""
    b = parse_series(_bytes(C11), C11)
    usii = [n for n in b.notams if "USII" in n.locations]
    assert sorted(n.id or "" for n in usii) == [
        "C1603/24",
        *(f"C{i}/25" for i in range(6566, 6575)),
    ]
    assert not [n.id for n in usii if n.restriction]
    with Store(tmp_path / "log.db") as store:
        from notam_log.core.models import Snapshot

        rec = Recorder(store)
        rec.snapshot(Snapshot("ru-ais", "series C", b.issued or datetime.now(UTC), b.notams))
        assert not [k for k in store.in_force() if k[0] == "USII"]
        assert not store.events(kinds=["restriction_imposed"], locations=["USII"])
        assert not store.episodes(location="USII")


def test_a_file_cut_short_is_incomplete_and_keeps_what_it_holds() -> None:
    data = _bytes(C11)
    b = parse_series(data[: len(data) // 2], C11)
    assert b.incomplete and "no closing </html>" in b.incomplete
    assert 100 < len(b.notams) < 263


def test_the_heading_is_a_check_not_the_truth() -> None:
    data = _bytes(C11).replace(b"<font color=red>USII:</font>", b"<font color=red>USSS:</font>")
    usii = [n for n in parse_series(data, C11).notams if "USII" in n.locations]
    assert len(usii) == 10  # item A decides
    assert all("listed under USSS" in " ".join(n.issues) for n in usii)


def test_windows_1251_and_any_declared_encoding() -> None:
    # the server's windows-1251 bytes with a Cyrillic remark, declared as UTF-8 or not at all
    data = _bytes(C11).replace(b"DOCUMENTS.)", "DOCUMENTS ДОКУМЕНТЫ.)".encode("cp1251"))
    assert data != _bytes(C11)
    for declared in (b"windows-1251", b"utf-8", b"koi8-r"):
        variant = data.replace(b"charset=windows-1251", b"charset=" + declared)
        parsed = read_input(variant, C11)
        assert parsed.format == "ru_ais" and len(parsed.notams) == 263
        (n,) = [n for n in parsed.notams if n.id == "C1603/24"]
        assert "ДОКУМЕНТЫ" in n.text
    no_name = read_input(_bytes(C11), "saved.html")
    assert no_name.format == "ru_ais" and no_name.issued is None and no_name.scope == "series C"


def test_file_names() -> None:
    assert series_file("history/C2512110053_eng.html") == series_file(C11)
    assert series_file("C2513110053_eng.html") is None  # month 13
    assert series_file("C2512110053_rus.html") is None
    listed = parse_index(ais_index([A11, A12, C11]))
    assert [(f.series, f.name) for f in listed] == [("A", A12), ("C", C11)]  # newest each


# --------------------------------------------------------------------------- source


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0, trust_env=False) as c:
        yield c


def _source(server: NotamTestServer, **options: object) -> RuAisSource:
    cfg = SourceConfig(kind="ru_ais", name="ru-ais", base_url=server.base_url, options=options)
    return RuAisSource(cfg, {})


NOW = datetime(2025, 12, 11, 6, 0, tzinfo=UTC)


def test_the_index_and_every_series_it_lists(client: httpx.Client) -> None:
    files = {A11: _bytes(A11), C11: _bytes(C11)}
    with NotamTestServer(ais_files=files) as server:
        src = _source(server)
        run = run_source(src, client, NOW, sleep=lambda s: None)
        by_scope = {s.scope: s for s in run.snapshots}
        assert set(by_scope) == {"series A", "series C"} and run.error is None
        assert by_scope["series C"].complete and len(by_scope["series C"].notams) == 263
        # the time of a file is the one in its name
        assert by_scope["series C"].taken_at == datetime(2025, 12, 11, 0, 53, tzinfo=UTC)
        assert [r.path.rsplit("/", 1)[-1] for r in server.requests] == ["", A11, C11]
        assert server.requests[0].headers["user-agent"].startswith("notam-log/")
        for scope in by_scope:
            src.recorded(scope, "complete")
        # the same files listed again: not fetched again, "not modified"
        run = run_source(src, client, NOW.replace(hour=7), sleep=lambda s: None)
        assert all(s.complete and s.reason == "not modified" for s in run.snapshots)
        assert len(server.requests) == 4


def test_a_file_cut_short_or_failing_is_incomplete_for_its_series_only(
    client: httpx.Client,
) -> None:
    files = {A11: _bytes(A11), C11: _bytes(C11)}
    with NotamTestServer(ais_files=files) as server:
        server.fail("ais_file", "truncated")
        run = run_source(_source(server), client, NOW, sleep=lambda s: None)
        a, c = sorted(run.snapshots, key=lambda s: s.scope)
        assert not a.complete and "no closing </html>" in (a.reason or "")
        assert c.complete


def test_an_index_that_fails_fails_every_series(client: httpx.Client) -> None:
    with NotamTestServer(ais_files={C11: _bytes(C11)}) as server:
        src = _source(server, series=["C"])
        server.fail("ais_index", "500", "500")
        run = run_source(src, client, NOW, sleep=lambda s: None, base_delay=0.0, max_attempts=2)
        assert [(s.scope, s.complete) for s in run.snapshots] == [("series C", False)]
        assert "HTTP 500" in (run.snapshots[0].reason or "")
        # an index that lists nothing (not the index page)
        with NotamTestServer(ais_files={}) as empty:
            run = run_source(_source(empty), client, NOW, sleep=lambda s: None)
            assert run.snapshots and not any(s.complete for s in run.snapshots)


def test_a_file_published_late_is_not_older_than_what_was_seen(client: httpx.Client) -> None:
    late = "C2512111253_eng.html"
    files = {C11: _bytes(C11)}
    with NotamTestServer(ais_files=files) as server:
        src = _source(server)
        run = run_source(
            src, client, datetime(2025, 12, 11, 14, 0, tzinfo=UTC), sleep=lambda s: None
        )
        src.recorded("series C", "complete")
        run = run_source(
            src, client, datetime(2025, 12, 11, 15, 0, tzinfo=UTC), sleep=lambda s: None
        )
        assert run.snapshots[0].reason == "not modified"
        src.recorded("series C", "unchanged")
        server.ais_files[late] = _bytes(C11)  # issued 12:53, first listed after the 15:00 poll
        at = datetime(2025, 12, 11, 16, 0, tzinfo=UTC)
        (snap,) = run_source(src, client, at, sleep=lambda s: None).snapshots
        assert snap.complete and snap.taken_at == at  # not 12:53: the log saw 15:00 already


# --------------------------------------------------------------------------- CLI


def test_parse_reads_a_series_file(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["parse", "--json", str(DATA / C11)])
    assert res.exit_code == 0, res.output
    assert res.output.count("\n") == 263


def test_replay_in_the_order_of_the_names(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    # given newest first: replayed oldest first, each series its own scope
    res = CliRunner().invoke(
        cli, ["--db", str(db), "replay", str(DATA / A12), str(DATA / C11), str(DATA / A11)]
    )
    assert res.exit_code == 0, res.output
    assert "replayed 3 snapshots" in res.output
    with Store(db) as store:
        polls = store.polls()
        assert [(p.started_at.day, p.scope) for p in polls] in (
            [(11, "series A"), (11, "series C"), (12, "series A")],
            [(11, "series C"), (11, "series A"), (12, "series A")],
        )
        assert all(p.status == "complete" for p in polls)


def test_replay_git_reads_a_folder_of_time_named_files(tmp_path: Path) -> None:
    repo = tmp_path / "archive"
    (repo / "history").mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    # committed in the wrong order, the last one removed later (as current/ rotates)
    for name in (A12, A11, C11):
        (repo / "history" / name).write_bytes(_bytes(name))
        subprocess.run([*git, "add", "."], check=True)
        subprocess.run([*git, "commit", "-qm", name], check=True)
    subprocess.run([*git, "rm", "-q", f"history/{A12}"], check=True)
    subprocess.run([*git, "commit", "-qm", "rotate"], check=True)
    db = tmp_path / "log.db"
    res = CliRunner().invoke(
        cli, ["--db", str(db), "replay", "--git", str(repo), "--path", "history"]
    )
    assert res.exit_code == 0, res.output
    assert "replayed 3 snapshots" in res.output
    with Store(db) as store:
        polls = store.polls()
        assert sorted((p.started_at.day, p.scope) for p in polls) == [
            (11, "series A"), (11, "series C"), (12, "series A")
        ]  # fmt: skip
        assert [p.started_at.day for p in polls] == [11, 11, 12]
        assert all(p.status == "complete" for p in polls)
