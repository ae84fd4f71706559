"""Places by any name on the command line: --location, timeline's LOCATION, --near/--radius,
over the Heathrow bulletins of 21 March 2025 (the closure NOTAM A1918/25 has its Q-line
circle at 5129N00028W, radius 5 NM; Gatwick is about 21 NM from it)."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from notam_log.cli import State, cli

DATA = Path(__file__).parent / "data"
HEATHROW = DATA / "nats-pib" / "heathrow-2025-03"
AT = "2025-03-21T12:00Z"
WINDOW = ("--until", "2025-03-22T06:00Z", "--days", "2")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), obj=State(), catch_exceptions=False)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("places") / "h.db"
    files = (
        sorted(HEATHROW.glob("PIB-2025-03-21*.xml.gz"))
        + sorted(HEATHROW.glob("PIB-2025-03-22T0*.xml.gz"))[:2]
    )
    res = invoke("replay", *map(str, files), "--db", str(path), "--source", "nats-uk")
    assert res.exit_code == 0, res.output
    return str(path)


def _json(res: Result) -> list[dict[str, object]]:
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines() if line.strip()]
    return [r for r in rows if set(r) != {"coverage"}]  # the coverage lines (test_answers.py)


def _seqs(db: str, *args: str) -> set[object]:
    return {e["seq"] for e in _json(invoke("events", "--db", db, "--json", *args))}


@pytest.mark.parametrize("form", ["egll", "LHR", "lhr", "Heathrow", "london heathrow airport"])
def test_location_forms_name_the_same_airport(db: str, form: str) -> None:
    egll = _seqs(db, "--location", "EGLL")
    assert len(egll) > 10
    assert _seqs(db, "--location", form) == egll


def test_location_comma_lists_and_repeats(db: str) -> None:
    egll, egkk = _seqs(db, "--location", "EGLL"), _seqs(db, "--location", "EGKK")
    assert egkk and egll != egkk
    assert _seqs(db, "--location", "EGLL,Gatwick") == egll | egkk
    assert _seqs(db, "--location", "LHR", "--location", "LGW") == egll | egkk


def test_an_fir_code_is_kept_as_typed(db: str) -> None:
    assert len(_seqs(db, "--location", "EGTT")) > 100  # the London FIR: no airport


def test_active_and_timeline_take_names(db: str) -> None:
    by_code = invoke("active", "--db", db, "--at", AT, "--restrictions", "--location", "EGLL")
    by_name = invoke("active", "--db", db, "--at", AT, "--restrictions", "--location", "Heathrow")
    assert by_code.exit_code == by_name.exit_code == 0
    assert "A1918/25" in by_code.output and by_name.output == by_code.output
    a = invoke("timeline", "LHR", "--db", db, "--json", *WINDOW)
    b = invoke("timeline", "EGLL", "--db", db, "--json", *WINDOW)
    assert _json(a) == _json(b) and len(_json(a)) == 1


def test_a_russian_name_in_any_case(db: str) -> None:
    for name in ("Ижевск", "Ижевска", "ИЖЕВСКЕ", "Izhevsk"):
        res = invoke("timeline", name, "--db", db, *WINDOW)
        assert res.exit_code == 3, res.output  # the UK bulletin does not cover Izhevsk
        assert res.stdout.startswith("USII Izhevsk Airport: unknown"), res.output


def test_ambiguous_name_lists_the_candidates(db: str) -> None:
    res = invoke("events", "--db", db, "--location", "London")
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:")
    for code in ("EGLL (LHR)", "EGKK (LGW)", "EGLC (LCY)"):
        assert code in lines[0]


@pytest.mark.parametrize(
    "args",
    [
        ("events", "--location", "Heathro"),
        ("active", "--location", "heathro"),
        ("timeline", "Heathro"),
    ],
)
def test_unknown_name_is_one_line_with_the_nearest(db: str, args: tuple[str, ...]) -> None:
    res = invoke(*args, "--db", db)
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and "no airport by that name or code" in lines[0]
    assert "nearest: EGLL (LHR) London Heathrow Airport" in lines[0]


def test_unknown_lower_case_code_is_not_taken_for_a_place(db: str) -> None:
    res = invoke("events", "--db", db, "--location", "egtt")
    assert res.exit_code == 2 and "no airport by that name or code" in res.output


def _active_keys(db: str, *args: str) -> set[object]:
    res = invoke("active", "--db", db, "--at", AT, "--restrictions", "--json", *args)
    return {r["key"] for r in _json(res)}


def test_active_near(db: str) -> None:
    closure = "EGGN:A1918/25"
    assert closure in _active_keys(db, "--near", "Heathrow", "--radius", "5")
    # Gatwick is ~21.5 NM from the closure's circle centre (radius 5 NM)
    assert closure not in _active_keys(db, "--near", "LGW", "--radius", "10")
    assert closure in _active_keys(db, "--near", "LGW", "--radius", "20")
    assert closure in _active_keys(db, "--near", "LGW")  # 25 NM by default
    everything = _active_keys(db)
    assert _active_keys(db, "--near", "LGW", "--radius", "20") < everything


def _q_circles(db: str) -> dict[str, tuple[float, float, float]]:
    """Each NOTAM's Q-line circle as stored (an oracle independent of the CLI)."""
    con = sqlite3.connect(db)
    out = {}
    for key, data in con.execute("SELECT key, data FROM notams"):
        n = json.loads(data)
        if n.get("lat") is not None and n.get("radius_nm") is not None:
            out[key] = (n["lat"], n["lon"], float(n["radius_nm"]))
    con.close()
    return out


def _nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon2 - lon1)
    )
    return math.degrees(math.acos(min(1.0, c))) * 60


def test_events_near_follow_the_q_line_circles(db: str) -> None:
    egll = (51.4706, -0.46194)
    rows = _json(invoke("events", "--db", db, "--json", "--near", "EGLL", "--radius", "5"))
    circles = _q_circles(db)
    assert rows and len(rows) < len(_json(invoke("events", "--db", db, "--json")))
    for e in rows:
        keys = [e["key"], *e["detail"].get("keys", [])]  # type: ignore[union-attr]
        near = [
            k
            for k in keys
            if k in circles
            and circles[k][2] < 999
            and _nm(circles[k][0], circles[k][1], *egll) <= 5 + circles[k][2]
        ]
        assert near, e
    kinds = {(e["kind"], tuple(e["locations"])) for e in rows}  # type: ignore[arg-type]
    assert ("restriction_imposed", ("EGLL",)) in kinds
    assert not any("EGKK" in e["locations"] for e in rows)  # type: ignore[operator]
    # whole-FIR NOTAMs (radius 999: the Scottish and oceanic FIRs among them) are not near
    assert not any(circles.get(str(e["key"]), (0, 0, 0))[2] >= 999 for e in rows)


def test_timeline_near(db: str) -> None:
    res = invoke("timeline", "--near", "LHR", "--radius", "1", "--db", db, "--json", *WINDOW)
    (answer,) = _json(res)  # one object: the area's coverage, episodes, announcements
    assert {e["location"] for e in answer["episodes"]} == {"EGLL", "EGWU"}  # Northolt: 5 NM
    wide = invoke("timeline", "--near", "LHR", "--radius", "10", "--db", db, *WINDOW)
    assert wide.exit_code == 0
    assert wide.output.startswith("within 10 NM of EGLL London Heathrow Airport:")
    assert "  EGLD: began" in wide.output and "  EGLL: began" in wide.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("events", "--radius", "5"), "--radius goes with --near"),
        (("active", "--near", "London"), "names 9 airports"),
        (("events", "--near", "EGTT"), "'EGTT': no airport by that name or code"),
        (("timeline",), "Missing argument 'LOCATION' (or give --near PLACE)"),
        (("timeline", "EGLL", "--near", "EGLL"), "LOCATION and --near exclude each other"),
        (("timeline", "--near", "EGLL", "--radius", "-1"), "--radius"),
        (("active", "--near", "EGLL", "--radius", "nan"), "--radius"),
        (("events", "--location", ""), "names no place"),
    ],
)
def test_place_usage_errors(db: str, args: tuple[str, ...], message: str) -> None:
    res = invoke(*args, "--db", db)
    assert res.exit_code == 2, res.output
    assert len(res.output.strip().splitlines()) == 1 and message in res.output


# --------------------------------------------------------------------------- [watch] locations


def _watch_config(tmp_path: Path, *places: str) -> Path:
    cfg = tmp_path / "c.toml"
    listed = ", ".join(json.dumps(p, ensure_ascii=False) for p in places)
    cfg.write_text(f'database = "{tmp_path / "c.db"}"\n[watch]\nlocations = [{listed}]\n',
                   encoding="utf-8")  # fmt: skip
    return cfg


def test_watch_locations_are_resolved_like_location(tmp_path: Path) -> None:
    """Codes, IATA codes, names in any case and language, Cyrillic in any grammatical
    case, comma lists: the same airports as --location names, each once."""
    from notam_log.shell.settings import load_config

    cfg = _watch_config(tmp_path, "EGLL", "lgw", "Heathrow", "ижевска", "ИЖЕВСК", "EGTT",
                        "Kazan, LED")  # fmt: skip
    assert load_config(cfg).locations == ("EGLL", "EGKK", "USII", "EGTT", "UWKD", "ULLI")
    res = invoke("check-config", "--config", str(cfg))
    assert res.exit_code == 0 and ": ok (" in res.output


@pytest.mark.parametrize(
    ("place", "says"),
    [
        ("Heathro", "no airport by that name or code"),
        ("London", "EGKK (LGW)"),  # ambiguous: the candidates
        ("egtt", "no airport by that name or code"),
        ("", "is not a place"),
        ("EG\x1b[2JLL", "is not a place"),
    ],
)
def test_check_config_refuses_an_unknown_or_ambiguous_watch_place(
    tmp_path: Path, place: str, says: str
) -> None:
    res = invoke("check-config", "--config", str(_watch_config(tmp_path, "EGLL", place)))
    assert res.exit_code != 0
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and "[watch]" in lines[0] and says in lines[0], res.output
    assert "\x1b" not in res.output


def test_the_watch_screen_reads_the_resolved_codes(tmp_path: Path) -> None:
    from notam_log.shell.settings import load_config
    from notam_log.shell.store import Store
    from notam_log.shell.watch import load_screen

    cfg = load_config(_watch_config(tmp_path, "Ижевск", "Heathrow"))
    with Store(tmp_path / "c.db") as store:
        assert load_screen(store, cfg).locations == ("USII", "EGLL")
