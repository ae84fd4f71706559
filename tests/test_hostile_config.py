"""Issue 18: every bad configuration and argument is refused up front, in one line.

``check-config`` refuses what would later fail in ``run``, ``poll`` or ``digest``
(numbers that are inf, nan, 1e300, zero or negative; TOML nested 3,000 deep; a
database that is empty, a folder or under /proc; a base_url that is empty, not
http(s) or malformed; names with control characters); dates at the edges of the
calendar and ``--db ''`` are one-line usage errors.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from notam_log.cli import State, cli

BIN = Path(sys.executable).parent / "notam-log"
SOURCE = '[[sources]]\nkind = "nats_pib"\nname = "uk"\n'
NOTIFY = '[[notify]]\nkind = "webhook"\nurl = "http://127.0.0.1:9/hook"\n'


def run(args: list[str], config: str | None, tmp_path: Path) -> Result:
    if config is not None:
        path = tmp_path / "config.toml"
        path.write_text(config, encoding="utf-8")
        args = [*args, "--config", str(path)]
    return CliRunner().invoke(cli, args, obj=State(), env={"NOTAM_LOG_DB": ""})


def refused(result: Result, *words: str, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [ln for ln in result.output.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


BAD_NUMBERS = ["inf", "nan", "-inf", "1e300", "0", "-5", "0.0"]


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize(
    ("table", "key"),
    [(SOURCE, "interval"), ("[detection]\n", "tick_interval"), (NOTIFY, "rate_limit_minutes")],
)
def test_check_config_refuses_numbers_that_would_fail_later(
    tmp_path: Path, table: str, key: str, value: str
) -> None:
    result = run(["check-config"], f"{table}{key} = {value}\n", tmp_path)
    refused(result, key)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("max_bytes = 0", "max_bytes"),
        ("max_bytes = 99999999999999999999", "max_bytes"),
        ("max_bytes = 1e9", "max_bytes"),
        ("deadline = inf", "deadline"),
        ("deadline = 0", "deadline"),
    ],
)
def test_check_config_refuses_bad_limits(tmp_path: Path, line: str, key: str | None) -> None:
    refused(run(["check-config"], f"{SOURCE}{line}\n", tmp_path), key or "TOML")


def test_good_limits_are_accepted(tmp_path: Path) -> None:
    config = f'database = "{tmp_path / "x.db"}"\n{SOURCE}max_bytes = 1048576\ndeadline = 30\n'
    result = run(["check-config"], config, tmp_path)
    assert result.exit_code == 0, result.output


def test_a_toml_nested_3000_deep_is_one_line(tmp_path: Path) -> None:
    result = run(["check-config"], "a = " + "[" * 3000 + "]" * 3000 + "\n", tmp_path)
    refused(result, "nested too deep")


@pytest.mark.parametrize(
    ("database", "words"),
    [
        ('""', ("database",)),
        ('"   "', ("database",)),
        ("'{tmp}'", ("database", "folder")),
        ('"/proc/notam.db"', ("database", "/proc")),
        ('"/proc/self/x/notam.db"', ("database", "/proc")),
        ("'{tmp}/file.txt/notam.db'", ("database", "not a folder")),
    ],
)
def test_check_config_refuses_a_database_that_cannot_be(
    tmp_path: Path, database: str, words: tuple[str, ...]
) -> None:
    (tmp_path / "file.txt").write_text("x")
    config = f"database = {database.replace('{tmp}', str(tmp_path))}\n{SOURCE}"
    refused(run(["check-config"], config, tmp_path), *words)


@pytest.mark.parametrize("command", [["poll"], ["events"], ["replay", "x"]])
def test_commands_refuse_a_database_under_proc_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "x").write_text("(A0001/25 NOTAMN\nA) EGLL B) 2503210143 C) 2503212359\nE) X)")
    command = [str(tmp_path / a) if a == "x" else a for a in command]
    result = run([*command, "--db", "/proc/notam.db"], SOURCE, tmp_path)
    refused(result, "/proc")


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ('""', "not an http or https URL"),
        ('"ftp://example.org"', "not an http or https URL"),
        ('"file:///etc/passwd"', "not an http or https URL"),
        ('"http://[::1"', "Invalid IPv6 URL"),
        ('"http://"', "no host"),
        ('"http://host:99999"', "out of range"),
        ('"http://host/a b"', "blanks"),
        ('"http://host/?api_key=1"', "query"),
        ('"http://host/\\u009b"', "control characters"),
    ],
)
def test_check_config_refuses_a_bad_base_url(tmp_path: Path, url: str, why: str) -> None:
    refused(run(["check-config"], f"{SOURCE}base_url = {url}\n", tmp_path), "base_url", why)


@pytest.mark.parametrize("name", ["bad\\u001bname", "\\u009b2J", "a\\u202eb", "", "\\t"])
def test_check_config_refuses_names_with_control_characters(tmp_path: Path, name: str) -> None:
    config = f'[[sources]]\nkind = "nats_pib"\nname = "{name}"\n'
    refused(run(["check-config"], config, tmp_path), "name")
    notify = f'[[notify]]\nkind = "webhook"\nname = "{name}"\nurl = "http://127.0.0.1:9/h"\n'
    refused(run(["check-config"], notify, tmp_path), "name")


@pytest.mark.parametrize("value", ["inf", "nan", "1e300", "-1"])
def test_nms_min_interval_is_bounded(tmp_path: Path, value: str) -> None:
    config = (
        '[[sources]]\nkind = "faa_nms"\nlocations = ["KJFK"]\nclient_id_env = "HOME"\n'
        f'client_secret_env = "HOME"\nmin_interval = {value}\n'
    )
    refused(run(["check-config"], config, tmp_path), "min_interval")


@pytest.mark.parametrize(
    "args",
    [
        ["timeline", "EGLL", "--until", "0001-01-02T00:00Z"],
        ["timeline", "EGLL", "--until", "9999-12-31T23:59Z"],
        ["digest", "--date", "9999-12-31"],
        ["digest", "--date", "0001-01-01"],
        ["digest", "--since", "0001-01-01", "--until", "0001-01-02"],
        ["events", "--since", "0001-01-01T00:00Z"],
        ["active", "--at", "9999-12-31T23:59:59Z"],
        ["replay", "x", "--at", "9999-12-31T23:59Z"],
    ],
)
def test_dates_at_the_edges_of_the_calendar_are_one_line(tmp_path: Path, args: list[str]) -> None:
    from notam_log.shell.store import Store

    db = tmp_path / "e.db"
    Store(db).close()
    refused(run([*args, "--db", str(db)], None, tmp_path), "outside the years", code=2)


@pytest.mark.parametrize("command", [["events"], ["poll"], ["check-config"]])
def test_an_empty_db_path_is_an_error(tmp_path: Path, command: list[str]) -> None:
    refused(run([*command, "--db", ""], SOURCE, tmp_path), "--db", code=2)


def test_run_validates_notify_at_start(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        f'database = "{tmp_path / "r.db"}"\n{SOURCE}base_url = "http://127.0.0.1:9"\n'
        f"{NOTIFY}rate_limit_minutes = inf\n"
    )
    started = time.monotonic()
    proc = subprocess.run(
        [str(BIN), "run", "--config", str(config)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1 and time.monotonic() - started < 30
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "rate_limit_minutes" in lines[0], proc.stderr
    assert not (tmp_path / "r.db").exists()  # refused before anything started
