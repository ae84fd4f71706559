"""A configuration with the ``telegram`` (favt_info and korenyako) and ``ru_ais``
sources, polled through the CLI against the loopback server; saved channel pages
replayed."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from notam_log.cli import cli
from notam_log.core.config import parse_config
from notam_log.core.models import Post
from notam_log.shell.store import Store
from notam_log.testing.channel import channel_page
from notam_log.testing.server import NotamTestServer

DATA = Path(__file__).parent / "data"
ROWS = [
    json.loads(line)
    for line in (DATA / "rosaviatsia" / "statements.jsonl").read_text().splitlines()
]
T = datetime(2025, 12, 11, 2, 0, tzinfo=UTC)
C11 = "C2512110053_eng.html"


def _config(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
database = "{tmp_path / "log.db"}"

[[sources]]
kind = "telegram"
name = "rosaviatsia"
base_url = "{base_url}"

[[sources]]
kind = "telegram"
name = "korenyako"
channel = "korenyako"
base_url = "{base_url}"
backfill_pages = 2

[[sources]]
kind = "ru_ais"
name = "ru-ais"
base_url = "{base_url}"
series = ["C"]
""",
        encoding="utf-8",
    )
    return path


def test_the_sources_config() -> None:
    cfg = parse_config(
        {
            "sources": [
                {"kind": "telegram"},
                {"kind": "ru_ais"},
                {"kind": "telegram", "name": "kor", "interval": 600},
            ]
        },
        "config.toml",
        {},
    )
    from notam_log.sources import checked

    assert [(s.kind, s.interval) for s in map(checked, cfg.sources)] == [
        ("telegram", 300.0), ("ru_ais", 3600.0), ("telegram", 600.0)
    ]  # fmt: skip


def test_poll_telegram_and_ru_ais_against_the_test_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    favt = [
        Post("favt_info", 8287, T, ROWS[99]["text"]),  # Аэропорт Ижевск. Введены ...
        Post("favt_info", 8290, T + timedelta(minutes=80), ROWS[244]["text"], reply_to=8287),
    ]
    # the spokesman's long form states the code itself
    kor = [Post("korenyako", 501, T + timedelta(minutes=2), ROWS[5]["text"])]
    files = {C11: (DATA / "ru-ais" / C11).read_bytes()}
    with NotamTestServer(channels={"favt_info": favt, "korenyako": kor}, ais_files=files) as srv:
        config = _config(tmp_path, srv.base_url)
        monkeypatch.setenv("NOTAM_LOG_CONFIG", str(config))
        runner = CliRunner()
        res = runner.invoke(cli, ["poll"])
        assert res.exit_code == 0, res.output
        res = runner.invoke(cli, ["events", "--json"])
        events = [json.loads(line) for line in res.output.splitlines()]
        events = [e for e in events if "kind" in e]  # not the coverage line
        announced = [(e["kind"], e["key"]) for e in events if e["kind"].startswith("announced_")]
        assert sorted(announced) == [
            ("announced_imposed", "favt_info/8287"),
            ("announced_imposed", "korenyako/501"),
            ("announced_lifted", "favt_info/8290"),
        ]
        kor_event = next(e for e in events if e["key"] == "korenyako/501")
        assert kor_event["locations"] == ["USII"]
        assert kor_event["detail"]["url"] == "https://t.me/korenyako/501"
        with Store(tmp_path / "log.db") as store:
            polls = {(p.source, p.scope): p.status for p in store.polls()}
            assert polls == {
                ("rosaviatsia", "favt_info"): "complete",
                ("korenyako", "korenyako"): "complete",
                ("ru-ais", "series C"): "complete",
            }
            usii = store.announced_episodes(locations=["USII"])
            assert usii and usii[0].start_key in ("favt_info/8287", "korenyako/501")
            # the bulletin's Izhevsk NOTAMs restrict nothing
            assert not [k for k in store.in_force() if k[0] == "USII"]
        # a second poll: nothing new read from the channels, the bulletin not refetched
        before = len(srv.requests)
        res = runner.invoke(cli, ["poll"])
        assert res.exit_code == 0, res.output
        assert sorted(str(r.route) for r in srv.requests[before:]) == [
            "ais_index", "telegram", "telegram"
        ]  # fmt: skip
        res = runner.invoke(cli, ["sources", "--json"])
        rows = {json.loads(line)["name"]: json.loads(line) for line in res.output.splitlines()}
        assert rows["rosaviatsia"]["interval_s"] == 300 and rows["ru-ais"]["interval_s"] == 3600
        # one announced episode, both channels' posts, judged against the bulletin: it was
        # issued at 00:53Z, before the announcement, and no NOTAM source polled during it
        res = runner.invoke(cli, ["history", "USII", "--json"])
        lines = [json.loads(line) for line in res.output.splitlines()]
        (ann,) = [x["announced"] for x in lines if "announced" in x]
        assert ann["keys"] == ["favt_info/8287", "korenyako/501"]
        assert ann["end_key"] == "favt_info/8290" and ann["name"] == "Ижевск"
        assert ann["verdict"] == "no_coverage" and ann["polls_inside"] == []
        assert ann["coverage"]["covering"] == ["ru-ais (series C)"]


def test_an_unknown_channel_is_a_failed_poll_in_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with NotamTestServer(channels={}, ais_files={}) as srv:
        monkeypatch.setenv("NOTAM_LOG_CONFIG", str(_config(tmp_path, srv.base_url)))
        res = CliRunner().invoke(cli, ["poll", "--source", "rosaviatsia"])
        assert res.exit_code == 1
        assert "not a channel page" in res.output


class _Izhevsk:
    def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
        return ("USII",) if name.casefold().startswith("ижевск") else None


def test_replay_saved_channel_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved pages replay in the order of their newest posts (or of a time in the file
    name), into the channel's scope; gzip is read."""
    monkeypatch.setattr("notam_log.shell.airports.russian_resolver", _Izhevsk)
    imposed = Post("favt_info", 8287, T, ROWS[5]["text"])  # ... аэропорту Ижевск (код ИКАО: USII)
    lifted = Post("favt_info", 8290, T + timedelta(hours=3), ROWS[7]["text"], reply_to=8287)
    later = tmp_path / "later.html.gz"
    later.write_bytes(gzip.compress(channel_page("favt_info", [imposed, lifted])))
    earlier = tmp_path / "earlier.html"
    earlier.write_bytes(channel_page("favt_info", [imposed]))
    db = tmp_path / "log.db"
    res = CliRunner().invoke(cli, ["--db", str(db), "replay", str(later), str(earlier)])
    assert res.exit_code == 0, res.output
    assert "replayed 2 snapshots" in res.output and "3 posts read" in res.output
    with Store(db) as store:
        polls = store.polls()
        assert [(p.scope, p.started_at) for p in polls] == [
            ("favt_info", imposed.at), ("favt_info", lifted.at)
        ]  # fmt: skip
        (ep,) = store.announced_episodes(locations=["USII"])
        assert ep.start == imposed.at
        assert ep.end == datetime(2025, 12, 11, 4, 30, tzinfo=UTC)  # "в 7:30 МСК"
    # replaying them again adds nothing
    res = CliRunner().invoke(cli, ["--db", str(db), "replay", str(earlier), str(later)])
    assert "replayed 0 snapshots" in res.output
