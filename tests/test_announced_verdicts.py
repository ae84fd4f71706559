"""Announced restrictions and their verdicts, the same in every answer: the digest (text
and JSON), ``timeline``, ``active``, ``history`` (text and JSON) and the ``watch`` screen
all take them from :func:`notam_log.shell.announced.judged`.

One day, 15 November 2025, three airports announced restricted then lifted (real posts of
the short form, recorded through the recorder), and a NOTAM source (``ru-ais``, series C)
whose bulletins hold each airport:

* USII 02:30Z-03:50Z: bulletins at 00:53Z and 06:00Z only, before and after:
  ``no_coverage`` (a two-hour closure's NOTAM could have come and gone between them);
* UWKD 09:30Z-11:30Z: a bulletin at 10:00Z inside it, no restriction NOTAM: ``not_in_notams``;
* UUEE 05:10Z-06:30Z: the 06:00Z bulletin holds an aerodrome closure 05:00Z-07:00Z:
  ``confirmed`` naming it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from notam_log.cli import State, cli
from notam_log.core.models import Notam, Post, Snapshot
from notam_log.shell.announced import judged
from notam_log.shell.recorder import Recorder
from notam_log.shell.settings import load_config
from notam_log.shell.store import Store
from notam_log.shell.watch import load_screen, render_screen

ROWS = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "rosaviatsia" / "statements.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]
IMPOSED, LIFTED = ROWS[99]["text"], ROWS[244]["text"]  # "Аэропорт Ижевск. Введены/Сняты ..."
HOSTILE = "[bold red]PWNED[/] \x1b[31mRED\x1b[0m \x1b]0;t\x07"


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


class Codes:
    def __init__(self, **codes: str) -> None:
        self.codes = {k.casefold(): v for k, v in codes.items()}

    def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
        code = self.codes.get(name.casefold())
        return (code,) if code else None


def notam(key: str, loc: str, start: str, end: str, category: str | None = None) -> Notam:
    return Notam(key=key, id=key.split(":")[1], type="N", locations=(loc,), start=z(start),
                 end=z(end), category=category, restriction=category is not None,
                 text="AD CLSD" if category else "TWY B LGT U/S")  # fmt: skip


EXPECTED = {
    "USII": ("no_coverage", []),
    "UWKD": ("not_in_notams", []),
    "UUEE": ("confirmed", ["UUUU:A0005/25"]),
}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("verdicts")
    db, cfg = base / "v.db", base / "v.toml"
    cfg.write_text(f'database = "{db}"\n[watch]\nlocations = ["USII", "UWKD", "UUEE"]\n')
    benign = tuple(
        notam(f"UUUU:C000{i}/25", loc, "2025-11-01T00:00Z", "2025-12-31T00:00Z")
        for i, loc in enumerate(("USII", "UWKD", "UUEE"), start=1)
    )
    closure = notam("UUUU:A0005/25", "UUEE", "2025-11-15T05:00Z", "2025-11-15T07:00Z",
                    "aerodrome_closed")  # fmt: skip
    kazan = f"Аэропорт Казань{HOSTILE}. Введены временные ограничения на приём и выпуск"
    texts = {
        "USII": (IMPOSED, LIFTED, "02:30", "03:50"),
        "UWKD": (kazan, LIFTED.replace("Ижевск", "Казань"), "09:30", "11:30"),
        "UUEE": (IMPOSED.replace("Ижевск", "Шереметьево"),
                 LIFTED.replace("Ижевск", "Шереметьево"), "05:10", "06:30"),
    }  # fmt: skip
    posts: list[Post] = []
    for i, (_loc, (on, off, t_on, t_off)) in enumerate(sorted(texts.items())):
        posts.append(Post("favt_info", 100 + 2 * i, z(f"2025-11-15T{t_on}Z"), on))
        posts.append(Post("favt_info", 101 + 2 * i, z(f"2025-11-15T{t_off}Z"), off))
    codes = Codes(Ижевск="USII", Шереметьево="UUEE")
    codes.codes[f"Казань{HOSTILE}".casefold()] = "UWKD"
    codes.codes["казань"] = "UWKD"
    with Store(db) as store:
        rec = Recorder(store, resolver=codes)
        bulletins = {
            "2025-11-14T00:53Z": benign,
            "2025-11-15T00:53Z": benign,
            "2025-11-15T06:00Z": (*benign, closure),
            "2025-11-15T10:00Z": benign,
            "2025-11-16T00:53Z": benign,
        }
        seen = sorted([(p.at + timedelta(minutes=2), "post", p) for p in posts]
                      + [(z(t), "bulletin", n) for t, n in bulletins.items()],
                      key=lambda x: x[0])  # fmt: skip
        for at, what, item in seen:
            if what == "bulletin":
                rec.snapshot(Snapshot("ru-ais", "series C", at, item))  # type: ignore[arg-type]
            else:
                shown = tuple(p for p in posts if p.at <= item.at)  # type: ignore[attr-defined]
                rec.snapshot(Snapshot("favt", "favt_info", at, (), posts=shown))
        assert len(store.announced_episodes()) == 3
    return db, cfg


def run(setup: tuple[Path, Path], *args: str) -> Result:
    return CliRunner().invoke(
        cli, [*args, "--config", str(setup[1])], obj=State(), catch_exceptions=False
    )


def test_the_verdicts(setup: tuple[Path, Path]) -> None:
    db, cfg = setup
    with Store(db) as store:
        items = judged(store, load_config(cfg), z("2025-11-20T00:00Z"))
    got = {a.location: (v.kind, list(v.notams)) for a, v in items}
    assert got == EXPECTED
    by = {a.location: v for a, v in items}
    assert "no complete poll of a NOTAM source during it" in by["USII"].text
    assert by["USII"].coverage is not None and by["USII"].coverage.covered  # around it, yes
    assert [s for _t, s in by["UWKD"].coverage.inside] == ["ru-ais (series C)"]  # type: ignore[union-attr]
    assert "UUUU:A0005/25" in by["UUEE"].text


def test_digest_json_and_text_carry_the_verdict(setup: tuple[Path, Path]) -> None:
    res = run(setup, "digest", "--date", "2025-11-15", "--format", "json")
    doc = json.loads(res.stdout)
    got = {
        loc["location"]: (a["verdict"], a["notams"])
        for loc in doc["locations"]
        for a in loc["announced"]
    }
    assert got == EXPECTED
    text = run(setup, "digest", "--date", "2025-11-15").stdout
    assert "confirmed by NOTAM UUUU:A0005/25" in text and "not in the NOTAMs" in text


def test_timeline_active_history_and_watch_agree(setup: tuple[Path, Path]) -> None:
    for loc, (kind, notams) in EXPECTED.items():
        tl = run(setup, "timeline", loc, "--until", "2025-11-16T00:00Z", "--days", "1", "--json")
        (answer,) = [json.loads(line) for line in tl.stdout.splitlines()]
        assert [(a["verdict"], a["notams"]) for a in answer["announced"]] == [(kind, notams)]
        hist = run(setup, "history", loc, "--json")
        lines = [json.loads(line) for line in hist.stdout.splitlines()]
        ann = [x["announced"] for x in lines if "announced" in x]
        assert [(a["verdict"], a["notams"]) for a in ann] == [(kind, notams)], hist.output
        assert "coverage" in lines[-1]
    active = run(setup, "active", "--at", "2025-11-15T05:30Z", "--json")
    said = [json.loads(line)["announced"] for line in active.stdout.splitlines()
            if "announced" in json.loads(line)]  # fmt: skip
    assert {(a["location"], a["verdict"]) for a in said} == {("UUEE", "confirmed")}
    db, cfg = setup
    with Store(db) as store:
        view = load_screen(store, load_config(cfg), now=z("2025-11-15T12:00Z"))
    assert {a.location: (v.kind, list(v.notams)) for a, v in view.announced} == EXPECTED


def test_history_of_a_place_shows_both_kinds(setup: tuple[Path, Path]) -> None:
    res = run(setup, "history", "Шереметьево")
    out = res.stdout
    assert "UUEE" in out and "1 NOTAM restriction episode, 1 announced restriction" in out
    assert "ANNOUNCED (not a NOTAM)" in out and "confirmed by NOTAM UUUU:A0005/25" in out
    assert out.index("NOTAM\n") < out.index("ANNOUNCED")  # oldest first: the NOTAM at 05:00
    kazan = run(setup, "history", "UWKD").stdout
    assert "not in the NOTAMs (ru-ais (series C) had complete polls over it)" in kazan
    assert "\x1b" not in kazan and "\x07" not in kazan  # the name as written, cleaned
    unknown = run(setup, "history", "Nowhereville Intl Xyz")
    assert unknown.exit_code != 0 and len(unknown.output.strip().splitlines()) == 1


def test_the_watch_screen_shows_announced_episodes_with_their_verdicts(
    setup: tuple[Path, Path],
) -> None:
    db, cfg = setup
    now = z("2025-11-15T12:00Z")
    with Store(db) as store:
        view = load_screen(store, load_config(cfg), now=now)
    for width in (80, 140):
        console = Console(width=width, height=40, force_terminal=True, color_system=None,
                          legacy_windows=False)  # fmt: skip
        with console.capture() as cap:
            console.print(render_screen(view, now, width, 40))
        text = cap.get()
        assert "ANNOUNCED by the authority, not NOTAMs (3)" in text
        assert "\x1b]" not in text and "\x07" not in text and "PWNED[/]" not in text
        lines = {ln.split()[0]: ln for ln in text.splitlines() if ln.strip()[:4] in EXPECTED}
        if width == 80:
            assert "confirmed: A0005/25" in lines["UUEE"]
            assert "not in NOTAMs" in lines["UWKD"] and "no NOTAM coverage" in lines["USII"]
        else:
            assert "confirmed by NOTAM UUUU:A0005/25" in lines["UUEE"]
            assert "not in the NOTAMs" in lines["UWKD"]
        assert "lifted 03:50Z" in lines["USII"]
    # an announcement still open is marked ANNOUNCED, first
    with Store(db) as store:
        view = load_screen(store, load_config(cfg), now=z("2025-11-15T10:00Z"))
    assert [a.location for a, _v in view.announced][-1] == "UWKD"
    console = Console(width=100, height=40, force_terminal=True, color_system=None)
    with console.capture() as cap:
        console.print(render_screen(view, z("2025-11-15T10:00Z"), 100, 40))
    (row,) = [ln for ln in cap.get().splitlines() if ln.startswith("UWKD")]
    assert "ANNOUNCED" in row and "30m" in row


def test_history_shows_a_hostile_name_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from notam_log.cli import output
    from notam_log.core import known as cv
    from notam_log.core.announced import Announced, Verdict

    buf = io.StringIO()
    monkeypatch.setattr(output, "console", Console(file=buf, force_terminal=True, width=200))
    a = Announced("USII", z("2025-11-15T02:30Z"), ("favt_info/1",), "favt_info", name=HOSTILE)
    now = z("2025-11-15T04:00Z")
    cover = cv.coverage("USII", [], a.start, now, now)
    output.place_history("USII", [], [(a, Verdict("no_coverage", (), cover))], now=now,
                         cover=cover, as_json=False)  # fmt: skip
    text = buf.getvalue()
    assert "[bold red]PWNED[/]" in text  # the markup shown, not applied
    assert "\x1b]0;" not in text and "\x07" not in text and "\x1b[31mRED" not in text
    assert "not lifted (announced 1h 30m ago): no NOTAM coverage (unknown)" in text
