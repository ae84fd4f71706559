"""Polling over real HTTP against the loopback NOTAM test server: faults never invent
changes, outages are logged once, secrets stay out of every output."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from notam_log.cli import State, cli
from notam_log.core.config import SourceConfig
from notam_log.shell.http import make_client
from notam_log.shell.poll import Poller
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store
from notam_log.sources import build_source
from notam_log.testing.server import NotamTestServer

DATA = Path(__file__).parent / "data"
HEATHROW = DATA / "nats-pib" / "heathrow-2025-03"
PAYLOADS = DATA / "payloads"


def bulletin(stamp: str) -> bytes:
    return (HEATHROW / f"PIB-{stamp}.xml.gz").read_bytes()


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, 21, tzinfo=UTC) + timedelta(hours=hour, minutes=minute)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "p.db") as s:
        yield s


FAULTS = ["429", "500", "503", "timeout", "slow", "truncated", "invalid", "empty"]


@pytest.mark.parametrize("fault", FAULTS)
def test_pib_fault_between_good_polls_invents_nothing(store: Store, fault: str) -> None:
    """Good poll, two faulty polls, good poll: the closure stays, one outage is logged."""
    same = bulletin("2025-03-21T1600Z")
    with NotamTestServer(pib_snapshots=[same] * 12, timeout_sleep=1.0) as server:
        cfg = SourceConfig(kind="nats_pib", name="uk", base_url=server.base_url)
        source = build_source(cfg, {})
        with make_client(timeout=0.4) as client:
            poller = Poller(Recorder(store), client, run_kwargs={"sleep": lambda _s: None})
            first = poller.poll([source], at(16))[0]
            assert first.error is None and first.statuses == {"complete": 1}
            server.fail("pib", *[fault] * 8)
            bad = [poller.poll([source], at(h))[0] for h in (17, 18)]
            server.clear_faults("pib")
            last = poller.poll([source], at(19))[0]
    assert all(b.error for b in bad), bad
    assert last.error is None, last
    kinds = [e.kind for e in store.events()]
    assert "withdrawn" not in kinds and "reappeared" not in kinds
    assert kinds.count("source_down") == 1 and kinds.count("source_up") == 1
    # The same two good polls without faults in between give the same changes:
    # only time-driven ones (real expiries), none from the faults.
    control = _control(same, [at(16), at(19)], store.path.parent, ticks=(at(17), at(18)))
    assert _changes(store) == control
    statuses = [p.status for p in store.polls(source="uk")]
    assert statuses[0] == "complete" and statuses[-1] in ("complete", "unchanged")
    assert "complete" not in statuses[1:-1] and "unchanged" not in statuses[1:-1]
    assert store.notams(keys=["EGGN:A1918/25"])[0].status == "active"


def _changes(store: Store) -> list[tuple[object, ...]]:
    return sorted(
        (e.kind, e.key, e.category, e.effective_at)
        for e in store.events()
        if not e.kind.startswith("source_")
    )


def _control(
    body: bytes, times: list[datetime], folder: Path, ticks: tuple[datetime, ...] = ()
) -> list[tuple[object, ...]]:
    """The changes of good polls at ``times`` alone, the clock also read at ``ticks`` (when
    the faulty run evaluated time-driven changes: expiries, ends of D) windows)."""
    with (
        Store(folder / "control.db") as control,
        NotamTestServer(pib_snapshots=[body] * len(times)) as server,
    ):
        source = build_source(
            SourceConfig(kind="nats_pib", name="uk", base_url=server.base_url), {}
        )
        with make_client() as client:
            recorder = Recorder(control)
            poller = Poller(recorder, client)
            for t in sorted([*times, *ticks]):
                if t in ticks:
                    recorder.tick(t)
                else:
                    poller.poll([source], t)
        return _changes(control)


def test_pib_sequence_records_the_closure_and_its_withdrawal(store: Store) -> None:
    stamps = [
        "2025-03-21T0100Z",
        "2025-03-21T0200Z",
        "2025-03-21T1600Z",
        "2025-03-21T1700Z",
        "2025-03-21T1800Z",
    ]
    with NotamTestServer(pib_snapshots=[bulletin(s) for s in stamps]) as server:
        source = build_source(
            SourceConfig(kind="nats_pib", name="uk", base_url=server.base_url), {}
        )
        with make_client() as client:
            poller = Poller(Recorder(store), client)
            for h in (1, 2, 16, 17, 18):
                (s,) = poller.poll([source], at(h))
                assert s.error is None
        sent = server.of("pib")
    assert all(r.headers["user-agent"].startswith("notam-log/") for r in sent)
    evs = [(e.kind, e.after, e.observed_at) for e in store.events(key="EGGN:A1918/25")]
    assert evs == [
        ("published", at(1), at(2)),
        ("restriction_imposed", at(1), at(2)),
        ("withdrawn", at(16), at(17)),
        ("restriction_lifted", at(16), at(17)),
    ]


def test_not_modified_counts_as_the_same_complete_bulletin(store: Store) -> None:
    """A 304 keeps the NOTAMs present: nothing is withdrawn however often it comes."""
    same = bulletin("2025-03-21T1600Z")
    with NotamTestServer(pib_snapshots=[same] * 6) as server:
        source = build_source(
            SourceConfig(kind="nats_pib", name="uk", base_url=server.base_url), {}
        )
        with make_client() as client:
            poller = Poller(Recorder(store), client)
            results = [poller.poll([source], at(h))[0] for h in range(16, 21)]
    assert [sorted(r.statuses) for r in results[1:]] == [["unchanged"]] * 4, results
    assert server.of("pib")[1].headers.get("if-none-match")
    assert "withdrawn" not in {e.kind for e in store.events()}
    control = _control(same, [at(16), at(20)], store.path.parent, ticks=(at(17), at(18), at(19)))
    assert _changes(store) == control


def _config(tmp_path: Path, base: str) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f"""
database = "{tmp_path / "cli.db"}"
[[sources]]
kind = "nats_pib"
name = "uk"
base_url = "{base}"
[[sources]]
kind = "faa_search"
name = "search"
locations = ["EHAM"]
base_url = "{base}"
[[sources]]
kind = "icao_api"
name = "icao"
locations = ["VEBS", "KDCA"]
base_url = "{base}"
api_key_env = "NOTAM_LOG_TEST_ICAO_KEY"
"""
    )
    return cfg


def test_poll_command_over_http_and_secrets_stay_out(tmp_path: Path) -> None:
    secret = "s3cr3t-ICAO-key-0123456789"
    entry = json.loads((PAYLOADS / "notamsearch-notamList-entry-EHAM-A0957-18.json").read_text())
    icao = json.loads((PAYLOADS / "icao-notams-list-records-navplan2-fixtures.json").read_text())
    env = {"NOTAM_LOG_TEST_ICAO_KEY": secret, "NOTAM_LOG_DB": ""}
    runner = CliRunner()
    with NotamTestServer(
        pib_snapshots=[bulletin("2025-03-21T1600Z")] * 4,
        search_entries=[entry],
        icao_records=icao,
        api_key=secret,
    ) as server:
        cfg = _config(tmp_path, server.base_url)
        res = runner.invoke(cli, ["poll", "--config", str(cfg), "-vv"], obj=State(), env=env)
        assert res.exit_code == 0, res.output
        lines = res.stdout.splitlines()
        assert any(ln.startswith("uk: ") and "NOTAMs" in ln for ln in lines), lines
        assert any(ln.startswith("search: 1 NOTAM,") for ln in lines), lines
        assert any(ln.startswith("icao: ") for ln in lines), lines
        # the bot page: reported as such, with advice, and exit 1
        server.fail("search", "bot")
        res2 = runner.invoke(
            cli, ["poll", "--config", str(cfg), "--source", "search"], obj=State(), env=env
        )
        assert res2.exit_code == 1
        assert "bot" in res2.output.lower() and (
            "faa_nms" in res2.output or "icao_api" in res2.output
        )
        icao_requests = server.of("icao")
    assert icao_requests and icao_requests[0].query.get("api_key") == [secret]
    outputs = [res.output, res2.output]
    for args in (["events", "--json"], ["sources", "--json"], ["events", "--csv"]):
        r = runner.invoke(cli, [*args, "--config", str(cfg)], obj=State(), env=env)
        assert r.exit_code == 0, r.output
        outputs.append(r.output)
    assert any("source_down" in o for o in outputs)
    for o in outputs:
        assert secret not in o
    db_bytes = b"".join(p.read_bytes() for p in tmp_path.glob("cli.db*"))
    assert secret.encode() not in db_bytes


def test_secret_absent_from_logs_on_failure(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, store: Store
) -> None:
    secret = "another-s3cret-key-987654"
    icao = json.loads((PAYLOADS / "icao-notams-list-records-navplan2-fixtures.json").read_text())
    caplog.set_level(logging.DEBUG)
    with NotamTestServer(icao_records=icao, api_key=secret) as server:
        cfg = SourceConfig(
            kind="icao_api",
            name="icao",
            locations=("VEBS",),
            base_url=server.base_url,
            options={"api_key_env": "K"},
        )
        source = build_source(cfg, {"K": secret})
        server.fail("icao", "500", "500", "500", "500", "call_limit")
        with make_client() as client:
            poller = Poller(Recorder(store), client, run_kwargs={"sleep": lambda _s: None})
            first = poller.poll([source], at(1))[0]
            second = poller.poll([source], at(2))[0]
            third = poller.poll([source], at(3))[0]
    assert first.error and second.error and third.error
    assert server.count("icao") == 5  # nothing sent after the quota ran out
    text = caplog.text + json.dumps([e.to_json() for e in store.events()])
    text += repr(source) + json.dumps(source.state())
    assert secret not in text
    kinds = [e.kind for e in store.events()]
    assert kinds.count("source_down") == 1 and "source_up" not in kinds


def test_a_closure_between_two_polls_is_logged_by_poll(store: Store) -> None:
    """C1905/25 closes EGNT 07:15-07:45 on 22 March: polled at 07:00 and 08:00 over HTTP,
    the closure is imposed and lifted with its own times and has its episode."""
    snaps = [bulletin("2025-03-22T0700Z"), bulletin("2025-03-22T0800Z")]
    with NotamTestServer(pib_snapshots=snaps) as server:
        cfg = SourceConfig(kind="nats_pib", name="uk", base_url=server.base_url)
        source = build_source(cfg, {})
        with make_client(timeout=5) as client:
            poller = Poller(Recorder(store), client, run_kwargs={"sleep": lambda _s: None})
            for hour in (31, 32):
                assert poller.poll([source], at(hour))[0].error is None
    evs = store.events(key="EGGN:C1905/25", restrictions=True)
    assert [(e.kind, e.after, e.observed_at, e.effective_at) for e in evs] == [
        ("restriction_imposed", at(31), at(32), at(31, 15)),
        ("restriction_lifted", at(31), at(32), at(31, 45)),
    ]
    (episode,) = store.episodes(location="EGNT")
    assert (episode.start_effective, episode.end_effective) == (at(31, 15), at(31, 45))
