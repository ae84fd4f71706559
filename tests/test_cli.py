"""The command line over a replayed database: query commands, options, one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from notam_log.cli import State, cli

DATA = Path(__file__).parent / "data"
HEATHROW = DATA / "nats-pib" / "heathrow-2025-03"


def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(cli, list(args), obj=State(), env=env, input=input, catch_exceptions=False)


def records(output: str) -> list[dict[str, object]]:
    """JSON lines without the coverage lines that come first (see test_answers.py)."""
    rows = [json.loads(line) for line in output.splitlines()]
    return [r for r in rows if "coverage" not in r or "key" in r]


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
    rows = records(res.output)
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
    a = records(invoke("--db", str(db), "events", "--kind", "withdrawn", "--json").output)
    b = records(invoke("events", "--kind", "withdrawn", "--json", "--db", str(db)).output)
    c = records(
        invoke("events", "--kind", "withdrawn", "--json", env={"NOTAM_LOG_DB": str(db)}).output
    )
    assert a == b == c and len(a) >= 2


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
    keys = [r["key"] for r in records(res.output)]
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
    keys = [r["key"] for r in records(res.output)]
    assert keys == ["EGGN:A1943/25"]


def test_history_by_id(db: Path) -> None:
    res = invoke("history", "A1918/25", "--db", str(db), "--json")
    (h,) = records(res.output)
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
    (answer,) = [json.loads(line) for line in res.output.splitlines()]
    assert answer["location"] == "EGLL" and answer["coverage"]["state"] == "partly"
    (ep,) = answer["episodes"]
    assert ep["end_effective"] == "2025-03-21T23:59:00Z"
    assert 0 < ep["duration_min_s"] <= ep["duration_max_s"]


def test_search(db: Path) -> None:
    res = invoke("search", "MAJOR INCIDENT", "--db", str(db), "--json")
    keys = {r["key"] for r in records(res.output)}
    assert "EGGN:A1918/25" in keys


def test_parse_command_json_and_exit_codes(tmp_path: Path) -> None:
    f = tmp_path / "n.txt"
    f.write_text(
        "(A1918/25 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2503210143 C) 2503212359\nE) AD CLOSED DUE TO A MAJOR INCIDENT)\n"
    )
    res = invoke("parse", str(f), "--json")
    assert res.exit_code == 0
    (row,) = records(res.output)
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


def test_parse_says_when_a_bulletin_was_read_in_part(tmp_path: Path) -> None:
    import gzip

    xml = gzip.decompress((HEATHROW / "PIB-2025-03-21T1200Z.xml.gz").read_bytes())
    cut = tmp_path / "cut.xml"
    cut.write_bytes(xml[: len(xml) // 2])
    res = invoke("parse", str(cut), "--json")
    assert res.exit_code == 0
    assert len(res.stdout.splitlines()) > 100  # what came is printed ...
    assert "cut.xml: read in part: truncated" in res.stderr  # ... and said to be a part
    whole = invoke("parse", str(HEATHROW / "PIB-2025-03-21T1200Z.xml.gz"), "--json")
    assert "read in part" not in whole.stderr


def test_bad_inputs_are_one_line_errors(tmp_path: Path, db: Path) -> None:
    runner = CliRunner()
    cases = [
        (["events", "--db", str(tmp_path / "nope.db")], "no such database"),
        (["events", "--db", str(db), "--since", "someday"], "not a time"),
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
    from notam_log.core.errors import StoreError
    from notam_log.shell.store import Store

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


# --------------------------------------------------------------------------- usage errors


def test_usage_errors_are_one_line_with_exit_2(db: Path) -> None:
    cases = [
        (
            ["events", "--bogus"],
            "Error: No such option '--bogus'. Did you mean '--verbose'?"
            " (try 'notam-log events --help')",
        ),
        (["bogus"], "Error: No such command 'bogus' (try 'notam-log --help')"),
        (
            ["--bogus"],
            "Error: No such option '--bogus'. Did you mean '--verbose'? (try 'notam-log --help')",
        ),
        (
            ["events", "--db", str(db), "--since", "someday"],
            "Error: Invalid value for --since: 'someday' is not a time: expected an ISO 8601"
            " date or time (2025-03-21, 2025-03-21T14:00Z, '2025-03-21 14:00'; UTC unless a zone"
            " is given), a time ago (90m, 36h, 7d, 2w), today, yesterday or now"
            " (try 'notam-log events --help')",
        ),
        (
            ["timeline"],
            "Error: Missing argument 'LOCATION' (or give --near PLACE)"
            " (try 'notam-log timeline --help')",
        ),
        (
            ["digest", "--format", "pdf"],
            "Error: Invalid value for '--format': 'pdf' is not one of 'text', 'md', 'html',"
            " 'json' (try 'notam-log digest --help')",
        ),
    ]
    for args, line in cases:
        res = CliRunner().invoke(cli, args, obj=State(), prog_name="notam-log")
        assert res.exit_code == 2, (args, res.output)
        assert res.stdout == "", args
        assert res.stderr.splitlines() == [line], args


def test_verbose_keeps_clicks_long_usage_error() -> None:
    for args in (["-v", "events", "--bogus"], ["events", "--bogus", "-v"]):
        res = CliRunner().invoke(cli, args, obj=State(), prog_name="notam-log")
        assert res.exit_code == 2
        assert res.stderr.splitlines()[0] == "Usage: notam-log events [OPTIONS]"
        assert "Error: No such option '--bogus'" in res.stderr


def test_help_version_and_bare_command_still_work() -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["--help"], obj=State(), prog_name="notam-log")
    assert res.exit_code == 0 and "Commands:" in res.stdout and "timeline" in res.stdout
    res = runner.invoke(cli, ["events", "-h"], obj=State(), prog_name="notam-log")
    assert res.exit_code == 0 and res.stdout.startswith("Usage: notam-log events [OPTIONS]")
    res = runner.invoke(cli, ["--version"], obj=State(), prog_name="notam-log")
    assert res.exit_code == 0 and res.stdout.startswith("notam-log, version ")
    res = runner.invoke(cli, [], obj=State(), prog_name="notam-log")  # the help, as before
    assert res.exit_code == 2 and "Commands:" in res.output and "Error" not in res.output


# --------------------------------------------------------------------------- option checks


def test_bad_option_values_are_one_line_errors(db: Path) -> None:
    d = ["--db", str(db)]
    cases = [
        (
            ["events", *d, "--limit", "-1"],
            "Error: Invalid value for '--limit': -1 is not in the range 1<=x<=1000000000"
            " (try 'notam-log events --help')",
        ),
        (
            ["events", *d, "--limit", "0"],
            "Error: Invalid value for '--limit': 0 is not in the range 1<=x<=1000000000"
            " (try 'notam-log events --help')",
        ),
        (
            ["timeline", "EGLL", *d, "--days", "-3"],
            "Error: Invalid value for '--days': -3 is not in the range 1<=x<=36500"
            " (try 'notam-log timeline --help')",
        ),
        (  # beyond what a date can hold: was an OverflowError traceback
            ["timeline", "EGLL", *d, "--days", "1000000"],
            "Error: Invalid value for '--days': 1000000 is not in the range 1<=x<=36500"
            " (try 'notam-log timeline --help')",
        ),
        (  # beyond SQLite's integers: was an IntegrityError traceback
            ["events", *d, "--limit", "99999999999999999999"],
            "Error: Invalid value for '--limit': 99999999999999999999 is not in the range"
            " 1<=x<=1000000000 (try 'notam-log events --help')",
        ),
        (  # click's FloatRange lets nan through: was a ValueError traceback
            ["demo", "--no-screen", "--speed", "nan"],
            "Error: Invalid value for '--speed': nan is not a number (try 'notam-log demo --help')",
        ),
        (
            ["events", *d, "--since", "2025-03-22", "--until", "2025-03-21T12:00Z"],
            "Error: Invalid value for --until: '2025-03-21T12:00Z' is not after --since"
            " '2025-03-22' (try 'notam-log events --help')",
        ),
        (
            ["events", *d, "--since", "2025-03-21", "--until", "2025-03-21"],
            "Error: Invalid value for --until: '2025-03-21' is not after --since '2025-03-21'"
            " (try 'notam-log events --help')",
        ),
        (
            ["search", "EGLL", *d, "--limit", "0"],
            "Error: Invalid value for '--limit': 0 is not in the range 1<=x<=1000000000"
            " (try 'notam-log search --help')",
        ),
        (
            ["demo", "--speed", "0"],
            "Error: Invalid value for '--speed': 0.0 is not in the range 0<x<=1000000000.0"
            " (try 'notam-log demo --help')",
        ),
    ]
    for command in ("events", "active", "timeline"):
        where = ["EGLL"] if command == "timeline" else []
        cases.append(
            (
                [command, *where, *d, "--json", "--csv"],
                "Error: --json and --csv exclude each other (give one)"
                f" (try 'notam-log {command} --help')",
            )
        )
    for args, line in cases:
        res = CliRunner().invoke(cli, args, obj=State(), prog_name="notam-log")
        assert res.exit_code == 2, (args, res.output)
        assert res.stdout == "", args
        assert res.stderr.splitlines() == [line], args


def test_events_limit_is_the_newest_oldest_first(db: Path) -> None:
    every = records(invoke("events", "--db", str(db), "--json").output)
    assert len(every) > 3
    newest = records(invoke("events", "--db", str(db), "--json", "--limit", "2").output)
    assert newest == every[-2:]


def test_search_limit_help_says_what_it_limits() -> None:
    res = invoke("search", "--help")
    text = " ".join(res.output.split())
    assert (
        "--limit N Show at most N matching NOTAMs, best matches first. [default: 50; 1<=x<=1000000000]"
        in (text)
    )


# --------------------------------------------------------------------------- closed pipes

BIN = Path(sys.executable).parent / "notam-log"


@pytest.mark.parametrize(
    "args",
    [["events", "--json"], ["events", "--csv"], ["events"], ["search", "EGLL"]],
    ids=["json", "csv", "rich", "rich-table"],
)
def test_a_reader_that_has_gone_is_no_error(db: Path, args: list[str]) -> None:
    """stdout is a pipe whose reading end is already closed: every write fails with EPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [str(BIN), *args, "--db", str(db)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (0, "")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_readme_head_example_passes_under_pipefail(db: Path) -> None:
    script = f"set -o pipefail; '{BIN}' events --json --db '{db}' | head -1"
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert json.loads(proc.stdout)["seq"] == 1


# --------------------------------------------------------------------------- config messages


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[sources]]\nkind = "faa_search"\nareas = ["x"]\n',
            'sources[0] (faa_search): areas[0]: expected "latitude,longitude,radius_nm" such as'
            " \"56.828,53.457,25\", got 'x'",
        ),
        ('[[sources]]\nkind = "file"\n', "sources[0] (file): path: required"),
        (
            '[[sources]]\nkind = "nats_pib"\n[[sources]]\nkind = "nats_pib"\nname = "b"\ncolour = 1\n',
            "sources[1] (nats_pib): colour: unknown key (expected one of base_url, deadline,"
            " enabled, interval, kind, locations, max_bytes, name, scope)",
        ),
    ],
    ids=["adapter-areas", "adapter-path", "config-key"],
)
def test_config_errors_name_the_source_kind_once(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(text)
    res = CliRunner().invoke(cli, ["check-config", "--config", str(cfg)], obj=State())
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [f"Error: {cfg}: {message}"]


def test_a_whole_number_is_accepted_where_a_number_is_expected(tmp_path: Path) -> None:
    """``min_interval = 180`` (the README's own default) for a float option."""
    from notam_log.core.errors import ConfigError
    from notam_log.shell.settings import load_config
    from notam_log.sources import build_source

    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[[sources]]\nkind = "faa_nms"\nlocations = ["KJFK"]\nmin_interval = 180\n'
        'client_id_env = "NL_TEST_ID"\nclient_secret_env = "NL_TEST_SECRET"\n'
    )
    env = {"NL_TEST_ID": "id", "NL_TEST_SECRET": "secret"}
    config = load_config(cfg, env=env)
    (source_cfg,) = config.sources
    assert source_cfg.options["min_interval"] == 180.0
    source = build_source(source_cfg, env)
    assert source.min_interval.total_seconds() == 180  # type: ignore[attr-defined]
    cfg.write_text(cfg.read_text().replace("180", '"3 min"'))
    with pytest.raises(ConfigError, match=r"min_interval: expected a number, got a string"):
        load_config(cfg, env=env)


def test_counts_agree_with_their_nouns(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_text(
        "A0001/26 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2603010000 C) 2603020000\nE) AD CLSD."
    )
    res = CliRunner().invoke(cli, ["parse", str(one)], obj=State())
    assert res.exit_code == 0 and "1 NOTAM" in res.output and "1 NOTAMs" not in res.output
    two = tmp_path / "two.txt"
    two.write_text(one.read_text() + "\n\n" + one.read_text().replace("A0001", "A0002"))
    res = CliRunner().invoke(cli, ["parse", str(two)], obj=State())
    assert "2 NOTAMs" in res.output
