"""The command line over a replayed database: query commands, options, one-line errors."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from notam_log.cli import State, cli

DATA = Path(__file__).parent / "data"
HEATHROW = DATA / "nats-pib" / "heathrow-2025-03"


def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(cli, list(args), obj=State(), env=env, input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the 21 March bulletins of the Heathrow window replayed."""
    path = tmp_path_factory.mktemp("cli") / "h.db"
    files = (
        sorted(HEATHROW.glob("PIB-2025-03-21*.xml.gz"))
        + sorted(HEATHROW.glob("PIB-2025-03-22T0*.xml.gz"))[:2]
    )
    res = invoke(
        "replay", *map(str, files), "--db", str(path), "--source", "nats-uk", "--scope", "UK"
    )
    assert res.exit_code == 0, res.output
    assert "replayed 26 snapshots" in res.output
    return path


def test_events_json_has_the_model_fields(db: Path) -> None:
    res = invoke("events", "--db", str(db), "--json", "--location", "EGLL", "--restrictions")
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert [r["kind"] for r in rows] == [
        "restriction_imposed",
        "restriction_imposed",
        "restriction_lifted",
        "restriction_lifted",
    ]
    assert set(rows[0]) == {
        "seq",
        "kind",
        "key",
        "id",
        "locations",
        "category",
        "source",
        "observed_at",
        "after",
        "effective_at",
        "detail",
    }
    assert rows[0]["effective_at"] == "2025-03-21T01:43:00Z"


def test_db_option_after_or_before_the_command_and_env(db: Path) -> None:
    a = invoke("--db", str(db), "events", "--kind", "withdrawn", "--json").output
    b = invoke("events", "--kind", "withdrawn", "--json", "--db", str(db)).output
    c = invoke("events", "--kind", "withdrawn", "--json", env={"NOTAM_LOG_DB": str(db)}).output
    assert a == b == c and a.count("\n") >= 2


def test_events_csv_and_filters(db: Path) -> None:
    res = invoke(
        "events",
        "--db",
        str(db),
        "--csv",
        "--kind",
        "withdrawn",
        "--since",
        "2025-03-21T17:00Z",
        "--until",
        "2025-03-21T18:00:01Z",
    )
    lines = res.output.splitlines()
    assert lines[0].startswith("seq,kind,key")
    assert any("EGGN:A1918/25" in ln for ln in lines[1:])
    assert all(",withdrawn," in ln for ln in lines[1:])


def test_active_at_a_time(db: Path) -> None:
    res = invoke(
        "active",
        "--db",
        str(db),
        "--at",
        "2025-03-21T12:00Z",
        "--restrictions",
        "--location",
        "EGLL",
        "--json",
    )
    keys = [json.loads(line)["key"] for line in res.output.splitlines()]
    assert keys == ["EGGN:A1918/25"]
    res = invoke(
        "active",
        "--db",
        str(db),
        "--at",
        "2025-03-21T20:00Z",
        "--restrictions",
        "--location",
        "EGLL",
        "--json",
    )
    keys = [json.loads(line)["key"] for line in res.output.splitlines()]
    assert keys == ["EGGN:A1943/25"]


def test_history_by_id(db: Path) -> None:
    res = invoke("history", "A1918/25", "--db", str(db), "--json")
    (h,) = [json.loads(line) for line in res.output.splitlines()]
    assert h["key"] == "EGGN:A1918/25" and h["status"] == "withdrawn"
    assert [e["kind"] for e in h["events"]][:2] == ["published", "restriction_imposed"]
    assert h["versions"][0]["notam"]["qcode"] == "QFALC"


def test_timeline_text_and_json(db: Path) -> None:
    res = invoke("timeline", "EGLL", "--db", str(db), "--until", "2025-03-22T06:00Z", "--days", "2")
    assert res.exit_code == 0
    assert "between 2025-03-21 01:00Z and 02:00Z" in res.output
    assert "aerodrome_closed > aerodrome_limited" in res.output
    assert "2025-03-21 |" in res.output
    res = invoke("timeline", "egll", "--db", str(db), "--until", "2025-03-22T06:00Z", "--json")
    (ep,) = [json.loads(line) for line in res.output.splitlines()]
    assert ep["end_effective"] == "2025-03-21T23:59:00Z"
    assert 0 < ep["duration_min_s"] <= ep["duration_max_s"]


def test_search(db: Path) -> None:
    res = invoke("search", "MAJOR INCIDENT", "--db", str(db), "--json")
    keys = {json.loads(line)["key"] for line in res.output.splitlines()}
    assert "EGGN:A1918/25" in keys


def test_parse_command_json_and_exit_codes(tmp_path: Path) -> None:
    f = tmp_path / "n.txt"
    f.write_text(
        "(A1918/25 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2503210143 C) 2503212359\nE) AD CLOSED DUE TO A MAJOR INCIDENT)\n"
    )
    res = invoke("parse", str(f), "--json")
    assert res.exit_code == 0
    (row,) = [json.loads(line) for line in res.output.splitlines()]
    assert row["category"] == "aerodrome_closed" and row["start"] == "2025-03-21T01:43:00Z"
    assert row["windows"] is None and row["issues"] == []
    res = CliRunner().invoke(cli, ["parse", str(tmp_path / "missing.txt")], obj=State())
    assert res.exit_code == 2
    assert "missing.txt: no such file" in res.output
    assert "Traceback" not in res.output
    gz = tmp_path / "bad.xml.gz"
    gz.write_bytes(b"\x1f\x8b\x08garbage")
    res = CliRunner().invoke(cli, ["parse", str(gz)], obj=State())
    assert res.exit_code == 2 and "bad.xml.gz" in res.output


def test_parse_pib_gzip_table() -> None:
    res = invoke("parse", str(HEATHROW / "PIB-2025-03-21T1200Z.xml.gz"))
    assert res.exit_code == 0
    assert "EGGN:A1918/25" in res.output


def test_bad_inputs_are_one_line_errors(tmp_path: Path, db: Path) -> None:
    runner = CliRunner()
    cases = [
        (["events", "--db", str(tmp_path / "nope.db")], "no such database"),
        (["events", "--db", str(db), "--since", "yesterday"], "not a time"),
        (["events", "--db", str(db), "--kind", "exploded"], "unknown kind"),
        (["events", "--db", str(db), "--category", "closedish"], "unknown category"),
    ]
    for args, needle in cases:
        res = runner.invoke(cli, args, obj=State())
        assert res.exit_code != 0, args
        assert needle in res.output, (args, res.output)
        assert "Traceback" not in res.output


def test_corrupt_database_is_named_and_left_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    before = bad.read_bytes()
    res = CliRunner().invoke(cli, ["events", "--db", str(bad)], obj=State())
    assert res.exit_code == 1
    assert "bad.db" in res.output and "corrupt" in res.output
    assert bad.read_bytes() == before


def test_locked_database_waits_then_fails_clearly(tmp_path: Path, db: Path) -> None:
    copy = tmp_path / "c.db"
    shutil.copy(db, copy)
    holder = sqlite3.connect(copy)
    holder.execute("BEGIN EXCLUSIVE")
    from notam_log.errors import StoreError
    from notam_log.store import Store

    with Store(copy, timeout=0.2) as store:  # reading works (WAL) ...
        assert store.count_events() > 0
        with pytest.raises(StoreError, match="c.db: the database is locked"):
            store.save_source_state("x", {})  # ... writing waits, then fails clearly
    holder.rollback()
    holder.close()


def test_check_config_errors_name_file_table_and_key(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    runner = CliRunner()
    cases = {
        "bogus = 1\n": "c.toml: bogus: unknown key",
        '[detection]\nwithdraw_after = "two"\n': "[detection]: withdraw_after: expected a whole number",
        '[[sources]]\nkind = "ftp"\n': "sources[0]: kind: unknown 'ftp'",
        '[[sources]]\nkind = "nats_pib"\ncolour = "red"\n': "sources[0] (nats_pib): colour: unknown key",
        '[[sources]]\nkind = "icao_api"\nlocations = ["USII"]\napi_key_env = "NOTAM_TEST_UNSET_KEY"\n': "api_key_env: environment variable NOTAM_TEST_UNSET_KEY is not set",
        '[[sources]]\nkind = "nats_pib"\ninterval = "hourly"\n': "interval: expected a whole number or a number",
        "x = [": "not valid TOML",
    }
    for text, needle in cases.items():
        cfg.write_text(text)
        res = runner.invoke(cli, ["check-config", "--config", str(cfg)], obj=State())
        assert res.exit_code == 1, text
        assert needle in res.output, (text, res.output)
        assert len(res.output.strip().splitlines()) == 1
    res = runner.invoke(cli, ["check-config", "--config", str(tmp_path / "none.toml")], obj=State())
    assert res.exit_code == 1 and "none.toml: no such file" in res.output


def test_default_config_is_valid_and_shipped() -> None:
    top = Path(__file__).parent.parent / "config.toml"
    shipped = Path(__file__).parent.parent / "notam_log" / "data" / "default_config.toml"
    assert top.read_text() == shipped.read_text()
    res = invoke("check-config", "--config", str(top))
    assert res.exit_code == 0 and "nats-uk" in res.output
