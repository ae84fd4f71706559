"""The watcher's store queries (``store/screen.py``) against the plain reads they replace.

``load_screen`` used to read every restriction in force (``Store.in_force``), every NOTAM
behind the first ``row_limit`` of them (``Store.notams``), and the newest events with
``Store.events``; it now asks SQLite for a screenful (``in_force_rows``), a count
(``in_force_count``) and the newest events from the end of an index (``newest_events``).
Each is compared here with the old reads, on a database with restrictions at several
places (two categories at one place, several NOTAMs behind one restriction, categories
with no rank at one place), announced episodes, several sources and a source never polled.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from notam_log.core.config import Config, SourceConfig
from notam_log.core.models import SEVERITY, Notam, Post, Snapshot
from notam_log.shell.airports import name_of
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store
from notam_log.shell.watch import (
    OUTAGE_KINDS,
    SCREEN_KINDS,
    RestrictionRow,
    ScreenData,
    load_screen,
    render_screen,
)

T0 = datetime(2025, 11, 15, 0, 53, tzinfo=UTC)
H = timedelta(hours=1)
STATEMENTS = Path(__file__).parent / "data" / "rosaviatsia" / "statements.jsonl"


class Codes:
    def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
        return ("USII",) if name.casefold() == "ижевск" else None


def notam(key: str, loc: str, category: str | None, start: datetime, **over: object) -> Notam:
    fields: dict[str, object] = {
        "key": key,
        "id": key.split(":")[1],
        "type": "N",
        "locations": (loc,),
        "start": start,
        "end": start + 30 * H,
        "category": category or "obstacle",
        "restriction": category is not None,
        "text": f"{key.split(':')[1]} SAYS\nSECOND LINE",
    }
    fields.update(over)
    return Notam(**fields)  # type: ignore[arg-type]


def bulletin(hour: int) -> tuple[Notam, ...]:
    """Restrictions at several places: EGLL closed and its runway closed (two NOTAMs
    behind the runway), three NOTAMs of a category with no rank at EGKK, one of them
    permanent, one with an estimated end; more places as the hours go on; plain NOTAMs."""
    t = T0 - 2 * H
    out = [
        notam("EGGN:A0001/25", "EGLL", "aerodrome_closed", t),
        notam("EGGN:A0002/25", "EGLL", "runway_closed", t, end_estimated=True),
        notam("EGGN:A0003/25", "EGLL", "runway_closed", t, text="RWY 09L CLSD"),
        notam("EGGN:Z0009/25", "EGKK", "unranked_kind", t, permanent=True, end=None),
        notam("EGGN:X0001/25", "EGKK", "unranked_kind", t),
        notam("EGGN:Y0005/25", "EGKK", "other_unranked", t),
        notam("EGGN:B0001/25", "EGSS", None, t),
    ]
    for i in range(hour * 12):
        if i % 7 == hour:  # some end: lifted, withdrawn
            continue
        cat = ("aerodrome_limited", "airspace_restricted", "runway_limited")[i % 3]
        out.append(notam(f"EGGN:C{i:04d}/25", f"EG{chr(65 + i % 20)}{chr(65 + i // 20)}", cat, t))
    return tuple(out)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("screen") / "screen.db"
    texts = [json.loads(line)["text"] for line in STATEMENTS.read_text("utf-8").splitlines()]
    with Store(path) as store:
        rec = Recorder(store, resolver=Codes())
        for hour in range(4):
            at = T0 + hour * H
            rec.snapshot(Snapshot("nats-uk", "ALL", at, bulletin(hour)))
            rec.snapshot(Snapshot("other-feed", "EGKK", at, (bulletin(0)[4],)))
        posts = (
            Post("favt_info", 100, T0 + H, texts[99]),
            Post("favt_info", 101, T0 + 3 * H, texts[244]),
        )
        rec.snapshot(Snapshot("favt", "favt_info", T0 + 4 * H, (), posts=posts))
        assert store.announced_episodes(), "the posts made an announced episode"
    return path


def config(db: Path, locations: Sequence[str] = ()) -> Config:
    return Config(
        path="<test>",
        database=str(db),
        locations=tuple(locations),
        sources=(
            SourceConfig(kind="nats_pib", name="nats-uk", interval=3600),
            SourceConfig(kind="nats_pib", name="never-polled", interval=600),
        ),
    )


def old_rows(store: Store, locations: Sequence[str], row_limit: int) -> list[RestrictionRow]:
    """What load_screen read before: every row in force, sorted in Python, the NOTAMs
    of the first ``row_limit`` read whole (the rest only counted)."""
    wanted = set(locations)
    pairs = sorted(
        (
            (loc, cat, inf, key)
            for (loc, cat), inf in store.in_force().items()
            if not wanted or loc in wanted
            for key in inf.keys
        ),
        key=lambda p: (SEVERITY.get(p[1], 99), p[0], p[2].since_by, p[3]),
    )
    keys = {p[3] for p in pairs[:row_limit]}
    notams = {r.notam.key: r.notam for r in store.notams(keys=keys)} if keys else {}
    out = []
    for loc, cat, inf, key in pairs:
        n = notams.get(key)
        out.append(
            RestrictionRow(
                loc,
                name_of(loc) if n else None,
                cat,
                inf.since_by,
                inf.since_after,
                inf.since_effective,
                key,
                n.id if n else None,
                n.end if n else None,
                bool(n and n.end_estimated),
                bool(n and n.permanent),
                n.text if n else "",
            )  # fmt: skip
        )
    return out


LOCATIONS: list[tuple[str, ...]] = [(), ("EGLL",), ("EGKK", "EGLL", "NOPE"), ("NOPE",), ("EGAA",)]


def test_the_database_has_what_the_queries_must_get_right(db: Path) -> None:
    with Store(db, create=False) as store:
        in_force = store.in_force()
        kinds = {e.kind for e in store.events()}
    cats = {cat for _loc, cat in in_force}
    assert {"aerodrome_closed", "runway_closed", "unranked_kind", "other_unranked"} <= cats
    assert len(in_force[("EGLL", "runway_closed")].keys) == 2
    assert {"announced_imposed", "announced_lifted", "restriction_imposed"} <= kinds
    assert len([loc for loc, _cat in in_force]) > 20


@pytest.mark.parametrize("locations", LOCATIONS)
def test_in_force_rows_and_count_are_the_old_reads(db: Path, locations: tuple[str, ...]) -> None:
    with Store(db, create=False) as store:
        for limit in (1, 2, 3, 4, 5, 7, 30, 200):
            old = old_rows(store, locations, limit)
            new = store.in_force_rows(locations, limit=limit)
            assert store.in_force_count(locations) == len(old)
            assert len(new) == min(limit, len(old))
            got = [
                RestrictionRow(
                    r.location,
                    name_of(r.location) if r.found else None,
                    r.category,
                    r.since_by,
                    r.since_after,
                    r.since_effective,
                    r.key,
                    r.id,
                    r.end,
                    r.end_estimated,
                    r.permanent,
                    r.text,
                )  # fmt: skip
                for r in new
            ]
            assert got == old[:limit], (locations, limit)


def test_a_notam_missing_from_its_table_is_shown_by_key(tmp_path: Path) -> None:
    path = tmp_path / "gone.db"
    with Store(path) as store:
        Recorder(store).snapshot(Snapshot("s", "ALL", T0, bulletin(0)))
        with store.db.conn:  # a key in force whose NOTAM row is not there (any cause)
            store.db.execute("DELETE FROM notams WHERE key = 'EGGN:A0002/25'")
        (row,) = [r for r in store.in_force_rows(("EGLL",), limit=9) if not r.found]
        assert row.key == "EGGN:A0002/25" and row.id is None and row.text == ""
        assert old_rows(store, ("EGLL",), 9)[1].key == row.key


@pytest.mark.parametrize("locations", LOCATIONS)
def test_newest_events_are_the_old_query(db: Path, locations: tuple[str, ...]) -> None:
    with Store(db, create=False) as store:
        last = store.count_events()
        for kinds in (SCREEN_KINDS, OUTAGE_KINDS, ("restriction_imposed",), ()):
            for after in (None, 0, 5, last // 2, last - 1, last):
                for limit in (1, 2, 5, 60):
                    old = store.events(
                        kinds=kinds, locations=list(locations), after_seq=after,
                        newest_first=True, limit=limit,
                    ) if kinds else []  # fmt: skip
                    new = store.newest_events(kinds, locations, after_seq=after, limit=limit)
                    assert new == old, (kinds, locations, after, limit)
        if locations != ("NOPE",):  # not vacuous
            assert store.newest_events(SCREEN_KINDS, locations, limit=60)


def test_many_watched_locations_read_in_one_query(db: Path) -> None:
    many = [f"X{i:03d}" for i in range(300)] + ["EGLL", "EGKK"]
    with Store(db, create=False) as store:
        old = store.events(kinds=SCREEN_KINDS, locations=many, newest_first=True, limit=7)
        assert store.newest_events(SCREEN_KINDS, many, limit=7) == old and old


def old_screen(store: Store, cfg: Config, now: datetime, row_limit: int) -> ScreenData:
    """The screen as the old reads made it (every row in force in ``restrictions``)."""
    view = load_screen(store, cfg, now=now, row_limit=row_limit)
    events = store.events(kinds=SCREEN_KINDS, locations=list(cfg.locations), newest_first=True,
                          limit=60) + store.events(kinds=OUTAGE_KINDS, newest_first=True, limit=60)  # fmt: skip
    return ScreenData(
        db=view.db,
        sources=view.sources,
        restrictions=tuple(old_rows(store, cfg.locations, row_limit)),
        events=tuple(sorted(events, key=lambda e: e.seq or 0, reverse=True)[:60]),
        locations=view.locations,
        total_events=len(store.events()),
        announced=view.announced,
    )


def capture(view: ScreenData, now: datetime, width: int, height: int) -> str:
    console = Console(width=width, height=height, force_terminal=True, color_system="truecolor",
                      _environ={})  # fmt: skip
    console.begin_capture()
    console.print(render_screen(view, now, width, height))
    return console.end_capture()


@pytest.mark.parametrize("locations", LOCATIONS)
def test_the_screen_is_the_one_the_old_reads_drew(db: Path, locations: tuple[str, ...]) -> None:
    now = T0 + 3 * H + 30 * timedelta(minutes=1)
    cfg = config(db, locations)
    with Store(db, create=False) as store:
        for row_limit in (200, 40):
            new = load_screen(store, cfg, now=now, row_limit=row_limit)
            old = old_screen(store, cfg, now, row_limit)
            assert new.in_force_total == len(old.restrictions)
            assert new.restrictions == old.restrictions[:row_limit]
            assert new.events == old.events and new.total_events == old.total_events
            for width, height in ((80, 24), (120, 40), (200, 60), (60, 10)):
                text = capture(new, now, width, height)
                assert text == capture(old, now, width, height), (width, height)
    assert "never-polled: no complete poll yet" in text  # unknown is never "not restricted"
    if not locations:
        assert "ANNOUNCED by the authority" in capture(new, now, 120, 40)


def test_a_screen_taller_than_row_limit_says_how_many_more(db: Path) -> None:
    now = T0 + 3 * H
    with Store(db, create=False) as store:
        view = load_screen(store, config(db), now=now, row_limit=3)
    assert len(view.restrictions) == 3 and view.in_force_total > 20
    lines = capture(view, now, 120, 80).splitlines()
    more = [ln for ln in lines if "... and" in ln]
    assert more and f"... and {view.in_force_total - 3} more" in more[0]
    shown = lines[lines.index(more[0]) - 3 : lines.index(more[0])]
    assert all(" SAYS" in ln and "EGGN:" not in ln for ln in shown), shown  # their NOTAMs


def test_the_world_shares_repeated_values_and_is_the_same_world(db: Path) -> None:
    """``load_world`` makes repeated values (sources, categories, locations, first-seen
    times) one object each, to hold less memory; the world is the one the rows say."""
    with Store(db, create=False) as store:
        world = store.load_world()
        rows = {r.notam.key: r for r in store.notams(statuses=["active"])}
        again = store.load_world()
    assert world == again and set(world.active) == set(rows) and len(rows) > 30
    for key, tracked in world.active.items():
        row = rows[key]
        assert tracked.notam == replace(row.notam, raw="")
        assert (tracked.source, tracked.scope, tracked.first_seen) == (
            row.source, row.scope, row.first_seen,
        )  # fmt: skip
    by_hour = [t for t in world.active.values() if t.notam.category == "aerodrome_limited"]
    first, second = by_hour[0], by_hour[1]
    assert first.source is second.source and first.notam.category is second.notam.category
    egll = [t.notam.locations for t in world.active.values() if t.notam.locations == ("EGLL",)]
    assert len(egll) > 1 and egll[0] is egll[1]
    assert len({id(t.first_seen) for t in world.active.values()}) < len(world.active) // 2
