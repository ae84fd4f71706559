"""Change detection, event by event and field by field, where the suite only looked at
some fields (written for the mutation check of issue 14): short restrictions merged
over several NOTAMs, the NOTAM each event is named after, episodes that short
restrictions fall within, which source still vouches for a NOTAM, and ticks."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from test_diff import OTHER, n, run, snap, t

from notam_log.core import diff
from notam_log.core.models import Event, Snapshot


def full(e: Event) -> tuple[Any, ...]:
    return (e.kind, e.key, e.id, e.source, e.locations, e.category, e.after, e.observed_at,
            e.effective_at, e.detail)  # fmt: skip


def iso(x: datetime) -> str:
    return x.strftime("%Y-%m-%dT%H:%M:%SZ")


def restrictions(ch: diff.Changes) -> list[tuple[Any, ...]]:
    return [full(e) for e in ch.events if e.kind.startswith("restriction_")]


def _between(start: datetime, end: datetime, keys: list[str], after: datetime, by: datetime,
             first: str, last: str, category: str = "aerodrome_closed") -> list[tuple[Any, ...]]:  # fmt: skip
    """The two events of a restriction that began and ended between two evaluations."""
    return [
        ("restriction_imposed", first, first.split(":")[1], "src", ("EGLL",), category, after,
         by, start, {"keys": keys, "between_evaluations": True}),
        ("restriction_lifted", last, last.split(":")[1], "src", ("EGLL",), category, after,
         by, end, {"keys": keys, "since_by": iso(by), "since_after": iso(after),
                   "since_effective": iso(start), "between_evaluations": True}),
    ]  # fmt: skip


def test_short_restrictions_that_overlap_or_touch_are_one_and_others_are_not() -> None:
    """Between the polls of 12:00 and 13:00: A 12:05-12:20, B 12:15-12:30 (overlaps A),
    C 12:30-12:40 (touches B), D 12:50-12:55 (apart): two closures, named after the
    NOTAM that began first and the one that ended last, with every NOTAM behind them."""
    a = n("X:A0001/25", t(12, 5), t(12, 20))
    b = n("X:A0002/25", t(12, 15), t(12, 30))
    c = n("X:A0003/25", t(12, 30), t(12, 40))
    d = n("X:A0004/25", t(12, 50), t(12, 55))
    world, _ = run(diff.World(), snap(t(11), OTHER), snap(t(12), OTHER, a, b, c, d))
    ch = diff.ingest(world, snap(t(13), OTHER))
    keys = ["X:A0001/25", "X:A0002/25", "X:A0003/25"]
    assert restrictions(ch) == (
        _between(t(12, 5), t(12, 40), keys, t(12), t(13), "X:A0001/25", "X:A0003/25")
        + _between(t(12, 50), t(12, 55), ["X:A0004/25"], t(12), t(13), "X:A0004/25", "X:A0004/25")
    )
    assert [
        (e.location, e.start_effective, e.end_effective, e.keys) for e in ch.closed_episodes
    ] == [
        ("EGLL", t(12, 5), t(12, 40), tuple(keys)),
        ("EGLL", t(12, 50), t(12, 55), ("X:A0004/25",)),
    ]


def test_a_short_restriction_is_lifted_by_the_notam_that_ends_last_in_it() -> None:
    """A 12:05-12:40 with B 12:10-12:20 inside it; then A 12:05-12:20 with B 12:10-12:40:
    the lift is named after the one whose interval ends last either way."""
    for first_end, second_end, last in ((40, 20, "X:A0001/25"), (20, 40, "X:A0002/25")):
        a = n("X:A0001/25", t(12, 5), t(12, first_end))
        b = n("X:A0002/25", t(12, 10), t(12, second_end))
        world, _ = run(diff.World(), snap(t(11), OTHER), snap(t(12), OTHER, a, b))
        ch = diff.ingest(world, snap(t(13), OTHER))
        keys = ["X:A0001/25", "X:A0002/25"]
        assert restrictions(ch) == _between(
            t(12, 5), t(12, 40), keys, t(12), t(13), "X:A0001/25", last
        )


def test_a_later_window_of_the_same_notam_does_not_make_it_end_last() -> None:
    """A closes the runway 12:05-12:15 every day, B 12:10-12:40 once: B ends last today,
    whatever A does tomorrow; A's two windows of today bridged by B count once."""
    a = n("X:A0001/25", t(8), t(60), schedule="DAILY 1205-1215 1225-1235", category="runway_closed")
    b = n("X:A0002/25", t(12, 10), t(12, 40), category="runway_closed")
    world, _ = run(diff.World(), snap(t(11), OTHER), snap(t(12), OTHER, a, b))
    ch = diff.ingest(world, snap(t(13), OTHER, a))
    keys = ["X:A0001/25", "X:A0002/25"]
    assert restrictions(ch) == _between(
        t(12, 5), t(12, 40), keys, t(12), t(13), "X:A0001/25", "X:A0002/25", "runway_closed"
    )


def test_a_short_interval_running_into_an_imposed_restriction_names_its_notam() -> None:
    before = n("X:A0001/25", t(12, 10), t(12, 40))
    after = n("X:A0002/25", t(12, 30), t(20))
    world, _ = run(diff.World(), snap(t(10), OTHER), snap(t(12), OTHER, before, after))
    ch = diff.ingest(world, snap(t(13), OTHER, before, after))
    assert restrictions(ch) == [
        ("restriction_imposed", "X:A0001/25", "A0001/25", "src", ("EGLL",), "aerodrome_closed",
         t(12), t(13), t(12, 10), {"keys": ["X:A0001/25", "X:A0002/25"]}),
    ]  # fmt: skip
    inf = ch.world.in_force[("EGLL", "aerodrome_closed")]
    assert (inf.since_after, inf.since_by, inf.since_effective) == (t(12), t(13), t(12, 10))


def test_a_short_interval_running_on_from_a_lifted_restriction_keeps_its_bounds() -> None:
    first = n("X:A0001/25", t(11), t(12, 20))
    then = n("X:A0002/25", t(12, 10), t(12, 40))
    world, _ = run(diff.World(), snap(t(10), OTHER), snap(t(12), OTHER, first, then))
    ch = diff.ingest(world, snap(t(13), OTHER, first, then))
    assert restrictions(ch) == [
        ("restriction_lifted", "X:A0002/25", "A0002/25", "src", ("EGLL",), "aerodrome_closed",
         t(12), t(13), t(12, 40),
         {"keys": ["X:A0001/25", "X:A0002/25"], "since_by": iso(t(12)),
          "since_after": iso(t(10)), "since_effective": iso(t(11))}),
    ]  # fmt: skip


def test_a_window_that_ends_at_the_tick_is_lifted_at_its_end() -> None:
    runway = n("X:A0001/25", t(8), t(40), schedule="DAILY 0800-1600", category="runway_closed")
    world = diff.ingest(diff.World(), snap(t(9), OTHER, runway)).world
    ch = diff.tick(world, t(16))
    assert [(e.kind, e.after, e.observed_at, e.effective_at) for e in ch.events] == [
        ("restriction_lifted", t(9), t(16), t(16))
    ]


def test_amended_out_of_force_the_lift_has_no_notam_time() -> None:
    """A closure amended into a navaid notice (inside its first window, or without
    windows) stopped restricting at no time the NOTAM states."""
    for schedule in ("DAILY 0800-1600", None):
        closure = n("X:A0001/25", t(8), t(40), schedule=schedule)
        world = diff.ingest(diff.World(), snap(t(9), OTHER, closure)).world
        navaid = dataclasses.replace(closure, category="navaid", restriction=False, text="NDB U/S")
        ch = diff.ingest(world, snap(t(10), OTHER, navaid))
        (lifted,) = [e for e in ch.events if e.kind == "restriction_lifted"]
        assert (lifted.key, lifted.after, lifted.observed_at, lifted.effective_at) == (
            "X:A0001/25", t(9), t(10), None,
        )  # fmt: skip


def test_of_two_notams_ending_in_one_step_the_lift_is_named_after_the_later_end() -> None:
    a = n("X:A0001/25", t(8), t(12, 40))
    b = n("X:A0002/25", t(8), t(12, 20))
    world = diff.ingest(diff.World(), snap(t(9), OTHER, a, b)).world
    ch = diff.tick(world, t(13))
    (lifted,) = [e for e in ch.events if e.kind == "restriction_lifted"]
    assert (lifted.key, lifted.effective_at) == ("X:A0001/25", t(12, 40))


def test_a_closure_within_a_limitation_is_recorded_in_its_episode() -> None:
    """The aerodrome is limited all day; closed 12:15-12:45 between two polls: the
    episode goes on, closed from 12:15 and limited again from 12:45, and names both;
    a shorter runway limitation in it changes no category but joins its NOTAMs."""
    limited = n("X:A0001/25", t(8), t(20), category="aerodrome_limited")
    closed = n("X:A0002/25", t(12, 15), t(12, 45))
    minor = n("X:A0003/25", t(14, 15), t(14, 45), category="runway_limited")
    world, _ = run(diff.World(), snap(t(9), OTHER, limited), snap(t(12), OTHER, limited, closed))
    ch = diff.ingest(world, snap(t(13), OTHER, limited))
    assert ch.closed_episodes == []
    ep = ch.world.episodes["EGLL"]
    assert ep.categories == (
        (t(8), "aerodrome_limited"),
        (t(12, 15), "aerodrome_closed"),
        (t(12, 45), "aerodrome_limited"),
    )
    assert ep.keys == ("X:A0001/25", "X:A0002/25")
    world, _ = run(ch.world, snap(t(14), OTHER, limited, minor))
    ep = diff.ingest(world, snap(t(15), OTHER, limited)).world.episodes["EGLL"]
    assert ep.categories[-1] == (t(12, 45), "aerodrome_limited")
    assert ep.keys == ("X:A0001/25", "X:A0002/25", "X:A0003/25")


def test_an_episode_that_goes_on_records_a_new_category_when_it_is_imposed() -> None:
    limited = n("X:A0001/25", t(8), t(20), category="aerodrome_limited")
    closed = n("X:A0002/25", t(9, 30), t(20))
    world = diff.ingest(diff.World(), snap(t(9), OTHER, limited)).world
    world = diff.tick(world, t(9, 15)).world
    ch = diff.ingest(world, snap(t(10), OTHER, limited, closed))
    ep = ch.world.episodes["EGLL"]
    assert ep.categories == ((t(8), "aerodrome_limited"), (t(10), "aerodrome_closed"))
    assert ep.keys == ("X:A0001/25", "X:A0002/25")


def test_a_short_restriction_alone_is_an_episode_of_its_location() -> None:
    closed = n("X:A0002/25", t(12, 15), t(12, 45), loc="EGKK")
    world, _ = run(diff.World(), snap(t(11), OTHER), snap(t(12), OTHER, closed))
    (ep,) = diff.ingest(world, snap(t(13), OTHER)).closed_episodes
    assert (ep.location, ep.keys, ep.categories) == (
        "EGKK", ("X:A0002/25",), ((t(12, 15), "aerodrome_closed"),),
    )  # fmt: skip


def test_a_tick_not_after_the_last_evaluation_changes_nothing() -> None:
    closure = n("X:A0001/25", t(8), t(12))
    world = diff.ingest(diff.World(), snap(t(9), OTHER, closure)).world
    for when in (t(9), t(8, 30)):
        ch = diff.tick(world, when)
        assert ch.events == [] and ch.world is world
    ch = diff.tick(world, t(13))
    assert [e.kind for e in ch.events] == ["expired", "restriction_lifted"]


def _two_sources() -> tuple[Any, ...]:
    a = n("X:A0001/25", t(0), t(40), text="RWY 09L CLSD")
    b = dataclasses.replace(a, text="RWY 09L/27R CLSD")  # another source's rendering
    return a, b


def _amended_by_b(world: diff.World, at: datetime, b: Any) -> bool:
    ch = diff.ingest(world, Snapshot("b", "UK", at, (b,), complete=True))
    return "amended" in [e.kind for e in ch.events]


def test_the_first_source_no_longer_vouches_once_it_stops_listing_or_fails() -> None:
    a, b = _two_sources()
    base = diff.ingest(diff.World(), snap(t(1), OTHER, a)).world
    # listed by the first source's last complete poll, less than a day ago: no amendment
    assert not _amended_by_b(base, t(2), b)
    assert not _amended_by_b(base, t(25), b)  # exactly a day
    assert _amended_by_b(base, t(25, 1), b)
    # the first source's last complete poll no longer listed it (absent once)
    gone = diff.ingest(base, snap(t(2), OTHER)).world
    assert gone.active["X:A0001/25"].missing == 1
    assert _amended_by_b(gone, t(3), b)
    # the first source's last poll failed or was partial
    failed = diff.ingest(base, snap(t(2), OTHER, complete=False)).world
    assert _amended_by_b(failed, t(3), b)
    # the first source's scope is not known at all (a world rebuilt without it)
    unknown = dataclasses.replace(base, scopes={})
    assert _amended_by_b(unknown, t(3), b)


def test_a_missing_notam_before_its_end_still_loses_its_closed_window() -> None:
    """Absent once (not yet withdrawn) and before its end: not held, so its D) window
    closes as the NOTAM states."""
    runway = n("X:A0001/25", t(8), t(40), schedule="DAILY 0800-1600", category="runway_closed")
    world, _ = run(diff.World(), snap(t(9), OTHER, runway), snap(t(10), OTHER))
    assert world.active["X:A0001/25"].missing == 1
    ch = diff.tick(world, t(17))
    assert [(e.kind, e.effective_at) for e in ch.events] == [("restriction_lifted", t(16))]


def test_a_missing_notam_is_held_from_the_instant_of_its_end() -> None:
    closure = n("X:A0001/25", t(8), t(12))
    world, _ = run(diff.World(), snap(t(9), OTHER, closure), snap(t(11), OTHER))
    ch = diff.tick(world, t(12))
    assert ch.events == [] and "X:A0001/25" in ch.world.active
    ch = diff.ingest(ch.world, snap(t(13), OTHER))
    assert [(e.kind, e.after, e.observed_at) for e in ch.events] == [
        ("withdrawn", t(9), t(11)),
        ("restriction_lifted", t(9), t(11)),
    ]


def test_a_restriction_without_an_end_stays_in_force() -> None:
    perm = n("X:A0001/25", t(8), None)
    world, evs = run(diff.World(), snap(t(9), OTHER, perm), snap(t(10), OTHER, perm))
    assert evs[1] == []
    ch = diff.tick(world, t(30))
    assert ch.events == [] and ("EGLL", "aerodrome_closed") in ch.world.in_force


def test_a_window_opening_at_the_tick_is_imposed_at_its_start() -> None:
    runway = n("X:A0001/25", t(8), t(40), schedule="DAILY 0800-1600", category="runway_closed")
    world = diff.ingest(diff.World(), snap(t(9), OTHER, runway)).world
    world = diff.tick(world, t(17)).world
    ch = diff.tick(world, t(32))
    assert [(e.kind, e.after, e.effective_at) for e in ch.events] == [
        ("restriction_imposed", t(17), t(32))
    ]


def test_an_episode_opens_at_a_short_restriction_that_runs_into_it() -> None:
    """Runway closed 12:10-12:40 between two polls, an area restricted from 12:30: one
    episode from 12:10, its most severe category the runway closure, both NOTAMs."""
    runway = n("X:A0001/25", t(12, 10), t(12, 40), category="runway_closed")
    area = n("X:A0002/25", t(12, 30), t(20), category="airspace_restricted")
    world, _ = run(diff.World(), snap(t(11), OTHER), snap(t(12), OTHER, runway, area))
    ch = diff.ingest(world, snap(t(13), OTHER, area))
    assert ch.closed_episodes == []
    ep = ch.world.episodes["EGLL"]
    assert (ep.location, ep.start_after, ep.start_by, ep.start_effective) == (
        "EGLL", t(12), t(13), t(12, 10),
    )  # fmt: skip
    assert ep.categories == ((t(12, 10), "runway_closed"),)
    assert ep.keys == ("X:A0001/25", "X:A0002/25")


def test_a_short_restriction_running_on_past_the_end_of_an_episode_extends_it() -> None:
    """Aerodrome closed to 12:10; its runway closed 12:00-12:40 (or 12:10-12:40) between
    two polls: the location was restricted to 12:40, not 12:10 (a bug the mutation
    check found: the episode ended at 12:10 and the runway closure was in no episode).
    One that ends before the episode does changes nothing."""
    long = n("X:A0001/25", t(8), t(12, 10))
    for start, end, ends_at, cats in (
        (t(12), t(12, 40), t(12, 40), ("aerodrome_closed", "runway_closed")),
        (t(12, 10), t(12, 40), t(12, 40), ("aerodrome_closed", "runway_closed")),
        (t(11, 40), t(12, 5), t(12, 10), ("aerodrome_closed",)),
    ):
        runway = n("X:A0002/25", start, end, category="runway_closed")
        world, _ = run(diff.World(), snap(t(9), OTHER, long), snap(t(11), OTHER, long, runway))
        world = diff.tick(world, t(11, 30)).world
        (ep,) = diff.ingest(world, snap(t(13), OTHER)).closed_episodes
        assert (ep.location, ep.start_effective, ep.end_effective) == ("EGLL", t(8), ends_at)
        assert tuple(c for _, c in ep.categories) == cats
        assert ep.keys == ("X:A0001/25", "X:A0002/25")


def test_short_restrictions_of_several_categories_at_one_place_are_one_episode() -> None:
    """Between two polls at EGLL: runway closed and aerodrome closed overlapping (in
    either order of ending), and a runway limitation later, apart: two episodes."""
    for (a0, a1), (b0, b1), end in (
        ((t(12, 5), t(12, 30)), (t(12, 20), t(12, 40)), t(12, 40)),
        ((t(12, 5), t(12, 40)), (t(12, 10), t(12, 20)), t(12, 40)),
        ((t(12, 5), t(12, 20)), (t(12, 20), t(12, 30)), t(12, 30)),
    ):
        runway = n("X:A0001/25", a0, a1, category="runway_closed")
        closed = n("X:A0002/25", b0, b1)
        later = n("X:A0003/25", t(12, 50), t(12, 55), category="runway_limited")
        world, _ = run(diff.World(), snap(t(11), OTHER), snap(t(12), OTHER, runway, closed, later))
        eps = diff.ingest(world, snap(t(13), OTHER)).closed_episodes
        assert [
            (e.location, e.start_effective, e.end_effective, e.start_after, e.end_by, e.categories, e.keys)
            for e in eps
        ] == [
            ("EGLL", t(12, 5), end, t(12), t(13), ((t(12, 5), "aerodrome_closed"),),
             ("X:A0001/25", "X:A0002/25")),
            ("EGLL", t(12, 50), t(12, 55), t(12), t(13), ((t(12, 50), "runway_limited"),),
             ("X:A0003/25",)),
        ]  # fmt: skip


def test_a_restriction_moved_earlier_is_named_after_the_short_notam_and_its_bounds() -> None:
    """The short closure comes from another source, first listed after a tick: the
    imposed event is its NOTAM's, from its source, bounded by its scope's last poll."""
    short = n("X:A0001/25", t(12, 10), t(12, 40))
    long = n("X:A0002/25", t(12, 30), t(20))
    world = diff.ingest(diff.World(), snap(t(11), OTHER)).world
    world = diff.ingest(world, Snapshot("b", "B", t(11), (), complete=True)).world
    world = diff.ingest(world, snap(t(12), OTHER, long)).world
    world = diff.tick(world, t(12, 20)).world
    ch = diff.ingest(world, Snapshot("b", "B", t(13), (short,), complete=True))
    assert restrictions(ch) == [
        ("restriction_imposed", "X:A0001/25", "A0001/25", "b", ("EGLL",), "aerodrome_closed",
         t(11), t(13), t(12, 10), {"keys": ["X:A0001/25", "X:A0002/25"]}),
    ]  # fmt: skip
