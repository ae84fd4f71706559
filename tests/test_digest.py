"""The digest's build: the real Heathrow day of 21 March 2025, golden files, and small
synthetic cases for placement, baseline, overdue NOTAMs and coverage."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from notam_log.cli import cli
from notam_log.core import digest as dg
from notam_log.core import digest_render as render
from notam_log.core.config import Config, parse_config
from notam_log.core.models import Episode, Event, Notam, PollRecord
from notam_log.shell import digests, replay
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import NotamRow, Store

HERE = Path(__file__).parent
HEATHROW = HERE / "data" / "nats-pib" / "heathrow-2025-03"
GOLDEN = HERE / "golden"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))
NOW = datetime(2025, 3, 22, 6, 0, tzinfo=UTC)

CONFIG_TOML = {
    "database": "unused.db",
    "watch": {"locations": ["EGLL", "EGKK", "EGSS"]},
    "sources": [{"kind": "nats_pib", "name": "nats-uk", "interval": 3600}],
    "digest": {"timezone": "UTC"},
}


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def config(**over: object) -> Config:
    data = {**CONFIG_TOML, **over}
    return parse_config(data, "test.toml", {})


@pytest.fixture(scope="module")
def heathrow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bulletins up to the morning of 22 March replayed as hourly polls of nats-uk."""
    db = tmp_path_factory.mktemp("digest") / "h.db"
    files = sorted(p for p in HEATHROW.iterdir() if p.name < "PIB-2025-03-22T0700Z")
    with Store(db) as store:
        items = replay.items_from_paths(files)
        replay.replay(
            Recorder(store),
            replay.timed(items, prefer_issued=False, at=None),
            source="nats-uk",
            scope="UK",
        )
    return db


@pytest.fixture(scope="module")
def day21(heathrow: Path) -> dg.Digest:
    with Store(heathrow) as store:
        return digests.load(store, config(), dg.day_period(date(2025, 3, 21)), NOW)


def golden(name: str, text: str, *, update: bool = UPDATE, where: Path = GOLDEN) -> None:
    """Compare with a golden file; only ``UPDATE_GOLDEN=1`` writes one (a missing golden
    fails, it is never made up by the run that checks it)."""
    path = where / name
    if update:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{name}: no golden file (UPDATE_GOLDEN=1 to write it)"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (UPDATE_GOLDEN=1 to accept)"


def test_a_missing_golden_fails_unless_asked_to_write_it(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="no golden file"):
        golden("missing.txt", "text", update=False, where=tmp_path)
    assert not (tmp_path / "missing.txt").exists()
    golden("missing.txt", "text", update=True, where=tmp_path)
    assert (tmp_path / "missing.txt").read_text(encoding="utf-8") == "text"
    with pytest.raises(AssertionError, match="differs"):
        golden("missing.txt", "other", update=False, where=tmp_path)


def test_golden_json_markdown_html(day21: dg.Digest) -> None:
    golden("digest-2025-03-21.json", render.render_json(day21))
    golden("digest-2025-03-21.md", render.render_markdown(day21))
    golden("digest-2025-03-21.html", render.render_html(day21))


def test_heathrow_episode(day21: dg.Digest) -> None:
    egll = next(loc for loc in day21.locations if loc.location == "EGLL")
    assert egll.name == "London Heathrow Airport"
    (ep,) = egll.episodes
    assert ep.categories == ("aerodrome_closed", "aerodrome_limited")
    assert ep.began.best == z("2025-03-21T01:43Z")
    assert ep.began.after == z("2025-03-21T01:00Z") and ep.began.by == z("2025-03-21T02:00Z")
    assert ep.ended is not None and ep.ended.best == z("2025-03-21T23:59Z")
    assert ep.lasted == (timedelta(hours=22, minutes=16),) * 2
    assert [(i.category, i.id) for i in egll.imposed] == [
        ("aerodrome_closed", "A1918/25"),
        ("aerodrome_limited", "A1936/25"),
    ]
    closed, limited = egll.lifted
    assert (closed.id, closed.when.after, closed.when.by) == (
        "A1918/25", z("2025-03-21T16:00Z"), z("2025-03-21T17:00Z"),
    )  # fmt: skip
    assert (limited.id, limited.when.best) == ("A1943/25", z("2025-03-21T23:59Z"))
    assert limited.lasted == (timedelta(hours=7, minutes=28),) * 2
    assert egll.in_force == ()
    assert "AD CLOSED" in egll.imposed[0].text
    assert egll.notable[0].category == "aerodrome_closed"  # closures first
    assert day21.complete and day21.warnings == ()
    (cov,) = day21.coverage
    assert (cov.source, cov.expected, cov.complete, cov.gaps) == ("nats-uk", 24, 24, ())


def test_baseline_is_not_news(heathrow: Path) -> None:
    """The first poll (20 March 00:00Z) lists what was already there: none of it is news."""
    with Store(heathrow) as store:
        first = store.events(since=z("2025-03-20T00:00Z"), until=z("2025-03-20T00:01Z"))
        day = store.events(since=z("2025-03-20T00:00Z"), until=z("2025-03-21T00:00Z"))
        d = digests.load(store, config(watch={}), dg.day_period(date(2025, 3, 20)), NOW)
    assert sum(1 for e in first if e.detail.get("baseline")) > 500
    baseline_imposed = {
        (e.locations[0], e.category) for e in first if e.kind == "restriction_imposed"
    }
    assert baseline_imposed
    imposed = [i for loc in d.locations for i in loc.imposed]
    assert imposed and all(i.when.by > z("2025-03-20T00:00Z") for i in imposed)
    published = [e for e in day if e.kind == "published"]
    news = [e for e in published if not e.detail.get("baseline")]
    assert d.totals["published"] == sum(len(e.locations) for e in news)
    assert 0 < d.totals["baseline"] < sum(len(e.locations) for e in published if e not in news)
    assert all(n.when.after is not None for loc in d.locations for n in loc.notable)


def test_the_lift_seen_at_midnight_belongs_to_the_day_before(heathrow: Path) -> None:
    with Store(heathrow) as store:
        d22 = digests.load(
            store, config(), dg.day_period(date(2025, 3, 22)), z("2025-03-22T06:00Z")
        )
    egll = next(loc for loc in d22.locations if loc.location == "EGLL")
    assert egll.lifted == () and egll.episodes == ()
    assert "not over" in d22.warnings[0]


# --------------------------------------------------------------------------- synthetic


def ev(kind: str, obs: str, after: str | None, eff: str | None = None, **kw: object) -> Event:
    return Event(
        kind=kind,
        source=str(kw.pop("source", "s")),
        observed_at=z(obs),
        after=z(after) if after else None,
        effective_at=z(eff) if eff else None,
        locations=tuple(kw.pop("locations", ("EGLL",))),  # type: ignore[arg-type]
        key=str(kw.pop("key", "EGGN:A1/25")),
        id=str(kw.pop("id", "A1/25")),
        category=str(kw.pop("category", "aerodrome_closed")),
        detail=dict(kw.pop("detail", {})),  # type: ignore[call-overload]
    )


def polls(source: str, start: str, hours: int, skip: set[int] = frozenset()) -> list[PollRecord]:  # type: ignore[assignment]
    t0 = z(start)
    out = []
    for i in range(hours):
        t = t0 + timedelta(hours=i)
        status = "failed" if i in skip else "complete"
        out.append(PollRecord(source, "all", t, t, status, "HTTP 503" if i in skip else None))
    return out


DAY = dg.day_period(date(2025, 3, 21))


def test_placement_by_best_time_and_late_changes() -> None:
    events = [
        ev("published", "2025-03-21T00:00Z", "2025-03-20T23:00Z", "2025-03-20T23:30Z"),
        ev("published", "2025-03-21T00:00Z", "2025-03-20T23:00Z", "2025-03-19T00:00Z", key="K:2"),
        ev("expired", "2025-03-22T00:00Z", "2025-03-21T23:00Z", "2025-03-21T23:59Z", key="K:3"),
        ev("expired", "2025-03-22T00:00Z", "2025-03-21T23:00Z", None, key="K:4"),
    ]
    d = dg.build(events, [], [], DAY, NOW, locations=["EGLL"])
    (egll,) = d.locations
    assert egll.counts["published"] == 1 and egll.counts["expired"] == 1
    late = dg.range_period(z("2025-03-22T06:00Z"), z("2025-03-23T06:00Z"))
    seen_late = [ev("expired", "2025-03-22T07:00Z", "2025-03-22T04:00Z", "2025-03-22T05:00Z")]
    without = dg.build(seen_late, [], [], late, z("2025-03-23T06:00Z"), locations=["EGLL"])
    with_mark = dg.build(
        seen_late, [], [], late, z("2025-03-23T06:00Z"), locations=["EGLL"],
        late_after=z("2025-03-22T06:00Z"),
    )  # fmt: skip
    assert without.locations[0].counts["expired"] == 0
    assert with_mark.locations[0].counts["expired"] == 1


def test_empty_watch_list_takes_locations_with_news_only() -> None:
    events = [
        ev("published", "2025-03-21T10:00Z", "2025-03-21T09:00Z", locations=("EGKK",)),
        ev("published", "2025-03-21T10:00Z", None, locations=("EGSS",), detail={"baseline": True}),
        ev("source_down", "2025-03-21T11:00Z", "2025-03-21T10:00Z", locations=()),
    ]
    d = dg.build(events, [], [], DAY, NOW)
    assert [loc.location for loc in d.locations] == ["EGKK"] and not d.watched


def test_in_force_at_the_end_with_running_duration() -> None:
    ep = Episode(
        location="EGLL",
        start_by=z("2025-03-21T20:00Z"),
        start_after=z("2025-03-21T19:00Z"),
        start_effective=z("2025-03-21T19:30Z"),
        end_by=z("2025-03-22T03:00Z"),
        end_after=z("2025-03-22T02:00Z"),
        end_effective=z("2025-03-22T02:30Z"),
        categories=((z("2025-03-21T19:30Z"), "runway_closed"),),
        keys=("EGGN:A9/25",),
    )
    d = dg.build([], [ep], [], DAY, NOW, locations=["EGLL"])
    (item,) = d.locations[0].in_force
    assert item.lasted == (timedelta(hours=4, minutes=30),) * 2
    assert item.lifted_later == z("2025-03-22T02:30Z")
    (span,) = d.locations[0].spans
    assert span.certain and span.end == 1.0 and round(span.start * 24, 2) == 19.5


def test_overdue_estimated_end_without_replacement() -> None:
    def row(key: str, status: str, **kw: Any) -> NotamRow:
        n = Notam(
            key=key,
            id=key.split(":")[1],
            locations=("EGLL",),
            category="runway_closed",
            text="RWY 09L/27R CLSD <b>",
            **kw,
        )
        first = z("2025-03-20T00:00Z")
        return NotamRow(n, status, "s", "all", first, first, None, 1)

    rows = [
        row("EGGN:A1/25", "expired", end=z("2025-03-21T12:00Z"), end_estimated=True),
        row("EGGN:A2/25", "expired", end=z("2025-03-21T13:00Z"), end_estimated=True),
        row("EGGN:A3/25", "active", type="R", ref="A2/25"),
        row("EGGN:A4/25", "expired", end=z("2025-03-21T14:00Z"), end_estimated=False),
        row("EGGN:A5/25", "active", end=z("2025-03-22T12:00Z"), end_estimated=True),
    ]
    d = dg.build([], [], [], DAY, NOW, locations=["EGLL"], notams=rows)
    assert [o.key for o in d.locations[0].overdue] == ["EGGN:A1/25"]
    assert d.locations[0].overdue[0].text == "RWY 09L/27R CLSD <b>"


def test_coverage_gaps_failures_and_down_spans() -> None:
    ps = polls("nats-uk", "2025-03-20T23:00Z", 26, skip={5, 6, 7})
    events = [
        ev("source_down", "2025-03-21T04:00Z", "2025-03-21T03:00Z", source="nats-uk",
           locations=(), detail={"error": "HTTP 503 \x1b[31mred"}),
        ev("source_up", "2025-03-21T07:00Z", "2025-03-21T03:00Z", source="nats-uk",
           locations=(), detail={"down_since": "2025-03-21T04:00:00Z", "failures": 3}),
    ]  # fmt: skip
    d = dg.build(events, [], ps, DAY, NOW, intervals={"nats-uk": 3600, "never": 600})
    by = {c.source: c for c in d.coverage}
    c = by["nats-uk"]
    assert (c.expected, c.complete, c.failed) == (24, 21, 3)
    (gap,) = c.gaps
    assert (gap.start, gap.end) == (z("2025-03-21T03:00Z"), z("2025-03-21T07:00Z"))
    assert gap.reason == "3 failed polls: HTTP 503"
    (down,) = c.down
    assert down.reason == "HTTP 503 red"
    assert by["never"].complete == 0 and by["never"].gaps[0].reason == "no poll"
    assert not d.complete
    assert any("longest gap 4.0 h" in w for w in d.warnings)
    assert any(w.startswith("never: no complete poll") for w in d.warnings)


def test_inferred_interval_for_an_unconfigured_source() -> None:
    ps = polls("replay", "2025-03-21T00:00Z", 24)
    d = dg.build([], [], ps, DAY, NOW)
    (c,) = d.coverage
    assert c.interval_inferred and c.interval == timedelta(hours=1) and c.covered


def test_day_period_in_a_time_zone_with_dst() -> None:
    p = dg.day_period(date(2025, 3, 30), "Europe/London")
    assert (p.since, p.until) == (z("2025-03-30T00:00Z"), z("2025-03-30T23:00Z"))
    assert dg.previous_day(z("2025-03-31T05:00Z"), "Europe/London").label == "2025-03-30"


# --------------------------------------------------------------------------- CLI


def write_config(tmp: Path, **over: object) -> Path:
    path = tmp / "config.toml"
    lines = [
        "[watch]",
        'locations = ["EGLL"]',
        "[[sources]]",
        'kind = "nats_pib"',
        'name = "nats-uk"',
        "interval = 3600",
        "[digest]",
        f'folder = "{tmp / "digests"}"',
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_cli_digest_json_out_and_since_last(heathrow: Path, tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    db = tmp_path / "copy.db"
    db.write_bytes(heathrow.read_bytes())
    runner = CliRunner()
    base = ["--db", str(db), "--config", str(cfg)]
    r = runner.invoke(cli, ["digest", *base, "--date", "2025-03-21", "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["period"]["label"] == "2025-03-21"
    assert data["locations"][0]["episodes"][0]["keys"][0] == "EGGN:A1918/25"

    r = runner.invoke(cli, ["digest", *base, "--since-last", "--format", "json"])
    assert r.exit_code == 0, r.output  # no digest yet: the last day (not remembered)
    assert json.loads(r.output)["period"]["kind"] == "since-last"

    r = runner.invoke(cli, ["digest", *base, "--date", "2025-03-21", "--out", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert names == [f"notam-digest-2025-03-21.{x}" for x in ("html", "json", "md")]

    r = runner.invoke(cli, ["digest", *base, "--since-last", "--format", "md"])
    assert r.exit_code == 0, r.output
    assert "2025-03-22 00:00Z to" in r.output

    r = runner.invoke(cli, ["digest", *base, "--date", "21/03/2025"])
    assert r.exit_code == 2 and "is not a day: expected YYYY-MM-DD" in r.output
    r = runner.invoke(cli, ["digest", *base, "--since", "2025-03-21T00:00Z"])
    assert r.exit_code == 1 and "--since and --until go together" in r.output


def test_closures_between_two_polls_are_in_the_episodes_and_bars(tmp_path: Path) -> None:
    """Two closures that began and ended between hourly polls, one just before midnight
    (seen only at 00:00): the day's digest lists both episodes and draws both bars."""
    from notam_log.core.models import Snapshot

    def closure(key: str, start: str, end: str) -> Notam:
        return Notam(key=key, id=key.split(":")[1], type="N", locations=("EGLL",),
                     start=z(start), end=z(end), category="aerodrome_closed",
                     restriction=True, text="AD CLSD")  # fmt: skip

    noon = closure("X:A0001/25", "2025-03-21T12:15Z", "2025-03-21T12:45Z")
    late = closure("X:A0002/25", "2025-03-21T23:15Z", "2025-03-21T23:45Z")
    with Store(tmp_path / "d.db") as store:
        rec = Recorder(store)
        for hour, notams in (("11", ()), ("12", (noon, late)), ("13", (late,))):
            rec.snapshot(Snapshot("nats-uk", "UK", z(f"2025-03-21T{hour}:00Z"), notams))
        rec.snapshot(Snapshot("nats-uk", "UK", z("2025-03-22T00:00Z"), ()))
        digest = digests.load(store, config(), dg.day_period(date(2025, 3, 21)), NOW)
    (egll,) = [loc for loc in digest.locations if loc.location == "EGLL"]
    got = [(e.began.effective, e.ended.effective if e.ended else None) for e in egll.episodes]
    assert got == [
        (z("2025-03-21T12:15Z"), z("2025-03-21T12:45Z")),
        (z("2025-03-21T23:15Z"), z("2025-03-21T23:45Z")),
    ]
    assert [(s.start, s.end) for s in egll.spans if s.certain] == [
        (round(12.25 / 24, 4), round(12.75 / 24, 4)),
        (round(23.25 / 24, 4), round(23.75 / 24, 4)),
    ]
    assert [i.when.effective for i in egll.imposed] == [
        z("2025-03-21T12:15Z"),
        z("2025-03-21T23:15Z"),
    ]
