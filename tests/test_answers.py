"""Answers a journalist can cite, end to end on a replayed database: what the log does
not cover is said (a warning line, exit 3, coverage fields), never "not restricted";
announced restrictions with their verdicts; searches and times as users type them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from notam_log.cli import State, cli
from notam_log.core.known import EXIT_UNKNOWN
from notam_log.core.models import Post, Snapshot
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store

HEATHROW = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), obj=State(), catch_exceptions=False)


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Hourly UK bulletins of 20 March 22:00Z to 21 March 05:00Z, as the NATS source
    (which covers the UK only), plus three announcements."""
    base = tmp_path_factory.mktemp("answers")
    db, cfg = base / "a.db", base / "a.toml"
    cfg.write_text(
        f'database = "{db}"\n[watch]\nlocations = ["EGLL"]\n'
        '[[sources]]\nkind = "nats_pib"\nname = "nats-uk"\ninterval = 3600\n'
    )
    files = sorted(HEATHROW.glob("PIB-2025-03-20T2[23]*")) + sorted(
        HEATHROW.glob("PIB-2025-03-21T0[0-5]*")
    )
    res = invoke("replay", *map(str, files), "--config", str(cfg), "--source", "nats-uk",
                 "--scope", "UK")  # fmt: skip
    assert res.exit_code == 0 and "replayed 8 snapshots" in res.output, res.output

    # announcements recorded as the telegram source records them (posts -> events and
    # announced episodes); EGKK's spans the 01:00Z bulletin, so NOTAMs were polled inside it
    said = {
        1: ("Ижевск", "Введены", "00:10"), 2: ("Ижевск", "Сняты", "01:20"),
        3: ("Гатвик", "Введены", "00:10"), 4: ("Гатвик", "Сняты", "01:20"),
        5: ("Хитроу", "Введены", "02:00"), 6: ("Хитроу", "Сняты", "03:10"),
    }  # fmt: skip
    posts = [
        Post("favt_info", i, z(f"2025-03-21T{at}Z"),
             f"Аэропорт {name}. {verb} ограничения на приём и выпуск воздушных судов")
        for i, (name, verb, at) in said.items()
    ]  # fmt: skip
    codes = {"ижевск": "USII", "гатвик": "EGKK", "хитроу": "EGLL"}

    class Codes:
        def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
            code = codes.get(name.casefold())
            return (code,) if code else None

    with Store(db) as store:
        rec = Recorder(store, resolver=Codes())
        for p in posts:
            seen = tuple(q for q in posts if q.at <= p.at)
            rec.snapshot(Snapshot("favt", "favt_info", p.at + timedelta(minutes=2), (), posts=seen))
        assert len(store.announced_episodes()) == 3
    return db, cfg


def run(setup: tuple[Path, Path], *args: str) -> Result:
    return invoke(*args, "--config", str(setup[1]))


def test_an_uncovered_place_is_unknown_never_not_restricted(setup: tuple[Path, Path]) -> None:
    """USII with only the UK bulletin: a warning naming it, no '.', exit 3."""
    res = run(setup, "timeline", "USII", "--until", "2025-03-21T05:00Z", "--days", "1")
    assert res.exit_code == EXIT_UNKNOWN, res.output
    out = res.stdout
    assert "USII Izhevsk Airport: unknown" in out and "no source covers it" in out
    assert "0 restriction episodes" not in out
    bars = [line for line in out.splitlines() if line.startswith("2025-03-2")]
    assert bars and all("." not in line.split("|")[1] for line in bars), out
    assert "~ unknown" in out and "# restricted" in out and "+ restricted part" in out
    assert "USII: unknown from" in res.stderr and "covered it: never" in res.stderr


def test_a_covered_place_and_its_unknown_edges(setup: tuple[Path, Path]) -> None:
    res = run(setup, "timeline", "EGLL", "--until", "2025-03-21T12:00Z", "--days", "1")
    assert res.exit_code == 0, res.output
    (day,) = [line for line in res.stdout.splitlines() if line.startswith("2025-03-21 |")]
    cells = day.split("|")[1]
    assert cells[:2] == ".." and cells[4:10] == "######"  # closed from 01:43Z
    assert cells[12:] == "~" * 36  # after the last poll (05:00Z): unknown, not clear
    assert "covered by nats-uk (UK)" in res.stdout and "unknown for" in res.stderr


def test_timeline_json_and_csv_carry_the_coverage(setup: tuple[Path, Path]) -> None:
    res = run(setup, "timeline", "USII", "--until", "2025-03-21T05:00Z", "--json")
    assert res.exit_code == EXIT_UNKNOWN
    (answer,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert answer["coverage"]["state"] == "unknown" and answer["coverage"]["last_complete"] is None
    assert answer["episodes"] == [] and res.stderr == ""
    res = run(setup, "timeline", "USII", "--until", "2025-03-21T05:00Z", "--csv")
    header, *rows = res.stdout.splitlines()
    assert header.startswith("location,coverage,last_complete,kind")
    assert rows and all(r.startswith("USII,unknown,,") for r in rows)


def test_announced_restrictions_and_their_verdicts(setup: tuple[Path, Path]) -> None:
    usii = run(setup, "timeline", "USII", "--until", "2025-03-21T05:00Z", "--days", "1")
    assert "announced 2025-03-21 00:10Z (favt_info/1), lifted 2025-03-21 01:20Z" in usii.stdout
    assert "no NOTAM coverage (unknown)" in usii.stdout
    assert "announced  |" in usii.stdout  # its own bar
    egll = run(setup, "timeline", "EGLL", "--until", "2025-03-21T05:00Z", "--days", "1")
    assert "confirmed by NOTAM EGGN:A1918/25" in egll.stdout
    egkk = run(setup, "timeline", "EGKK", "--until", "2025-03-21T05:00Z", "--days", "1", "--json")
    (answer,) = [json.loads(line) for line in egkk.stdout.splitlines()]
    (ann,) = answer["announced"]
    assert ann["verdict"] == "not_in_notams" and ann["keys"] == ["favt_info/3"]
    assert ann["coverage"]["sources"] == ["nats-uk (UK)"]


def test_active_says_when_the_log_cannot_know(setup: tuple[Path, Path]) -> None:
    today = run(setup, "active", "--restrictions")
    assert today.exit_code == EXIT_UNKNOWN
    assert "UNKNOWN" in today.stdout and "2025-03-21 05:00Z (nats-uk (UK))" in today.stdout
    assert " in force at " not in today.stdout.split("UNKNOWN")[0].replace("known in force", "")
    at = run(setup, "active", "--restrictions", "--at", "2025-03-21T03:00Z",
             "--location", "USII", "--location", "EGLL")  # fmt: skip
    assert at.exit_code == 0  # EGLL is covered
    assert "EGGN:A1918/25" in at.stdout and "unknown at USII" in at.stdout
    assert "USII: unknown at 2025-03-21 03:00Z (no source covers it)" in at.stderr
    assert "EGLL announced 2025-03-21 02:00Z (favt_info/5)" in at.stdout  # announced, in force then
    js = run(setup, "active", "--restrictions", "--at", "2025-03-21T03:00Z", "--location", "USII",
             "--json")  # fmt: skip
    first = json.loads(js.stdout.splitlines()[-1])
    assert first["coverage"]["location"] == "USII" and first["coverage"]["state"] == "unknown"
    assert js.exit_code == EXIT_UNKNOWN


def test_events_history_and_search_warn_about_uncovered_places(setup: tuple[Path, Path]) -> None:
    ev = run(setup, "events", "--location", "USII", "--kind", "restriction_imposed")
    assert ev.exit_code == EXIT_UNKNOWN and "USII: unknown from" in ev.stderr
    csv = run(setup, "events", "--location", "USII", "--kind", "restriction_imposed", "--csv")
    header, row = csv.stdout.splitlines()
    assert header.endswith(",coverage,last_complete") and ",USII," in row and "unknown" in row
    hist = run(setup, "history", "A1918/25")
    assert hist.exit_code == 0 and "EGGN:A1918/25" in hist.stdout
    found = run(setup, "search", "USII")
    assert found.exit_code == EXIT_UNKNOWN and "USII: unknown" in found.stderr


@pytest.mark.parametrize("query", ["A1918/25", "EGLL-closed", "RWY 09L", "EGGN:A1918/25"])
def test_searches_as_users_type_them(setup: tuple[Path, Path], query: str) -> None:
    res = run(setup, "search", query, "--json")
    assert res.exit_code == 0, res.output
    keys = [json.loads(line).get("key") for line in res.stdout.splitlines()]
    assert "EGGN:A1918/25" in keys if query != "RWY 09L" else keys


def test_a_malformed_query_is_one_line(setup: tuple[Path, Path]) -> None:
    res = run(setup, "search", "closed AND")
    assert res.exit_code == 1
    (line,) = res.stderr.strip().splitlines()
    assert "is not a valid query" in line and "fts5:" not in line and "syntax error" not in line


def test_times_as_users_type_them(setup: tuple[Path, Path]) -> None:
    for value in ("7d", "36h", "yesterday", "today", "2025-03-21", "2025-03-21T01:00Z"):
        res = run(setup, "events", "--since", value, "--kind", "restriction_lifted")
        assert res.exit_code in (0, EXIT_UNKNOWN), (value, res.output)
    bad = run(setup, "events", "--since", "last tuesday")
    assert bad.exit_code == 2
    assert "a time ago (90m, 36h, 7d, 2w), today, yesterday or now" in bad.stderr
    day = run(setup, "digest", "--date", "someday")
    assert day.exit_code == 2 and "today, yesterday" in day.stderr


def test_digest_since_last_on_a_new_database(tmp_path: Path) -> None:
    Store(tmp_path / "new.db").close()  # as a first poll leaves it: no digest yet
    res = invoke("digest", "--since-last", "--db", str(tmp_path / "new.db"), "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["period"]["kind"] == "since-last" and not data["complete"]


def test_help_names_the_config_and_what_repeats() -> None:
    out = invoke("events", "--help").output
    assert "$NOTAM_LOG_CONFIG" in out and "~/.config/notam-log/config.toml" in out
    assert "--location PLACE" in out and "(repeatable)" in out
    assert "(repeatable)" in invoke("poll", "--help").output
