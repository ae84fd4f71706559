"""Change detection on small literal inputs (pure: no database, no clock)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from notam_log.core import diff, validity
from notam_log.core.models import Notam, Snapshot


def t(hour: int, minute: int = 0, day: int = 21) -> datetime:
    return datetime(2025, 3, day, 0, 0, tzinfo=UTC) + timedelta(hours=hour, minutes=minute)


def n(
    key: str,
    start: datetime,
    end: datetime | None,
    *,
    loc: str = "EGLL",
    category: str = "aerodrome_closed",
    restriction: bool = True,
    text: str = "AD CLSD",
    type: str = "N",
    ref: str | None = None,
    schedule: str | None = None,
) -> Notam:
    return Notam(
        key=key,
        id=key.split(":")[1],
        type=type,
        ref=ref,
        locations=(loc,),
        start=start,
        end=end,
        category=category,
        restriction=restriction,
        text=text,
        schedule=schedule,
    )


def snap(at: datetime, *notams: Notam, complete: bool = True, scope: str = "UK") -> Snapshot:
    return Snapshot("src", scope, at, tuple(notams), complete=complete)


def run(
    world: diff.World, *snaps: Snapshot, rules: diff.Rules | None = None
) -> tuple[diff.World, list[list[tuple[str, str | None]]]]:
    out = []
    for s in snaps:
        ch = diff.ingest(world, s, rules)
        world = ch.world
        out.append([(e.kind, e.key) for e in ch.events])
    return world, out


OTHER = n("X:B0001/25", t(-100), t(500), loc="EGKK", category="navaid", restriction=False)


def test_first_complete_poll_is_baseline() -> None:
    ch = diff.ingest(diff.World(), snap(t(1), OTHER))
    assert [e.kind for e in ch.events] == ["published"]
    assert ch.events[0].detail["baseline"] is True
    assert ch.events[0].after is None
    ch2 = diff.ingest(ch.world, snap(t(2), OTHER, n("X:A0002/25", t(1, 30), t(20))))
    pub = [e for e in ch2.events if e.kind == "published"]
    assert len(pub) == 1 and "baseline" not in pub[0].detail
    assert pub[0].after == t(1) and pub[0].observed_at == t(2)
    assert pub[0].effective_at == t(1, 30)


def test_restrictions_in_force_at_the_first_poll_are_baseline() -> None:
    closed = n("X:A0001/25", t(0), t(30))
    ch = diff.ingest(diff.World(), snap(t(1), OTHER, closed))
    (imposed,) = [e for e in ch.events if e.kind == "restriction_imposed"]
    assert imposed.detail["baseline"] is True and imposed.effective_at == t(0)
    later = n("X:A0002/25", t(2), t(30), loc="EGKK")
    ch2 = diff.ingest(ch.world, snap(t(3), OTHER, closed, later))
    (imposed2,) = [e for e in ch2.events if e.kind == "restriction_imposed"]
    assert "baseline" not in imposed2.detail


def test_same_snapshot_twice_adds_nothing() -> None:
    s = snap(t(1), OTHER, n("X:A0001/25", t(0), t(30)))
    w1 = diff.ingest(diff.World(), s)
    again = diff.ingest(w1.world, s)
    assert again.events == [] and again.status == "skipped"


def test_withdrawn_needs_two_complete_polls_and_is_bounded_by_the_first_absence() -> None:
    closure = n("X:A0001/25", t(1, 43), t(23, 59))
    world, evs = run(
        diff.World(),
        snap(t(1), OTHER),
        snap(t(2), OTHER, closure),
        snap(t(16), OTHER, closure),
        snap(t(17), OTHER),
        snap(t(18), OTHER),
    )
    assert ("published", "X:A0001/25") in evs[1]
    assert ("restriction_imposed", "X:A0001/25") in evs[1]
    assert evs[3] == []  # absent once: nothing yet
    assert ("withdrawn", "X:A0001/25") in evs[4]
    assert ("restriction_lifted", "X:A0001/25") in evs[4]
    assert "X:A0001/25" in world.terminal


def test_back_before_confirmation_logs_nothing_and_after_logs_reappeared() -> None:
    a = n("X:A0001/25", t(0), t(40), category="navaid", restriction=False)
    world, evs = run(diff.World(), snap(t(1), OTHER, a), snap(t(2), OTHER), snap(t(3), OTHER, a))
    assert evs[1] == [] and evs[2] == []
    world, evs = run(world, snap(t(4), OTHER), snap(t(5), OTHER), snap(t(6), OTHER, a))
    assert evs[1] == [("withdrawn", "X:A0001/25")]
    assert evs[2] == [("reappeared", "X:A0001/25")]


def test_partial_or_failed_poll_decides_no_disappearance() -> None:
    a = n("X:A0001/25", t(0), t(40))
    world, evs = run(
        diff.World(),
        snap(t(1), OTHER, a),
        snap(t(2), OTHER, complete=False),
        snap(t(3), complete=False),
        snap(t(4), OTHER, a),
    )
    assert evs[1:] == [[], [], []]
    assert world.active["X:A0001/25"].missing == 0


def test_suspect_snapshot_is_not_used_for_disappearance() -> None:
    many = [
        n(f"X:B{i:04d}/25", t(0), t(90), category="navaid", restriction=False) for i in range(40)
    ]
    ch = diff.ingest(diff.World(), snap(t(1), *many))
    ch2 = diff.ingest(ch.world, snap(t(2), *many[:5]))
    assert ch2.status == "suspect" and ch2.events == []
    ch3 = diff.ingest(ch2.world, snap(t(3), *many[:5]))
    assert [e.kind for e in ch3.events] == []


def test_expiry_is_time_driven_with_effective_at_the_end() -> None:
    a = n("X:A0001/25", t(0), t(23, 59))
    ch = diff.ingest(diff.World(), snap(t(1), OTHER, a))
    ticked = diff.tick(ch.world, t(24, 0))
    kinds = [(e.kind, e.effective_at) for e in ticked.events]
    assert ("expired", t(23, 59)) in kinds
    assert ("restriction_lifted", t(23, 59)) in kinds
    # the feed still listing it later does not bring it back
    later = diff.ingest(ticked.world, snap(t(25), OTHER, a))
    assert later.events == []


def test_notamr_and_notamc_end_what_they_name() -> None:
    a = n("X:A0001/25", t(0), t(40))
    r = n("X:A0002/25", t(5), t(40), type="R", ref="A0001/25")
    c = n("X:A0003/25", t(7), None, type="C", ref="A0002/25", category="other", restriction=False)
    world, evs = run(diff.World(), snap(t(1), OTHER, a), snap(t(6), OTHER, a, r))
    assert ("replaced", "X:A0001/25") in evs[1]
    world, evs = run(world, snap(t(8), OTHER, r, c))
    assert ("cancelled", "X:A0002/25") in evs[0]
    assert ("restriction_lifted", "X:A0002/25") in evs[0]


def test_amended_names_the_changed_fields() -> None:
    a = n("X:A0001/25", t(0), t(40), category="navaid", restriction=False)
    b = n("X:A0001/25", t(0), t(50), category="navaid", restriction=False, text="ILS U/S")
    ch = diff.ingest(diff.ingest(diff.World(), snap(t(1), a)).world, snap(t(2), b))
    assert [e.kind for e in ch.events] == ["amended"]
    assert ch.events[0].detail["changed"] == ["end", "text"]


def test_scope_disappearance_is_local_to_its_scope() -> None:
    a = n("X:A0001/25", t(0), t(40), loc="USII")
    world, _ = run(diff.World(), snap(t(1), a, scope="USII"), snap(t(1), OTHER, scope="EGLL"))
    world, evs = run(world, snap(t(2), OTHER, scope="EGLL"), snap(t(3), OTHER, scope="EGLL"))
    assert evs == [[], []]
    assert "X:A0001/25" in world.active


def test_episode_spans_a_closure_then_a_limitation() -> None:
    closed = n("X:A1918/25", t(1, 43), t(23, 59))
    limited = n("X:A1936/25", t(16, 31), t(23, 59), category="aerodrome_limited")
    world, _ = run(
        diff.World(),
        snap(t(1), OTHER),
        snap(t(2), OTHER, closed),
        snap(t(16), OTHER, closed),
        snap(t(17), OTHER, limited),
        snap(t(18), OTHER, limited),
    )
    ep = world.episodes["EGLL"]
    assert ep.start_after == t(1) and ep.start_by == t(2) and ep.start_effective == t(1, 43)
    assert [c for _w, c in ep.categories] == ["aerodrome_closed", "aerodrome_limited"]
    assert ep.categories[1][0] == t(17)
    ticked = diff.tick(world, t(24))
    assert "EGLL" not in ticked.world.episodes
    (closed_ep,) = ticked.closed_episodes
    assert closed_ep.end_effective == t(23, 59) and closed_ep.end_by == t(24)


def test_schedule_window_end_lifts_and_next_window_imposes() -> None:
    w = ((t(8), t(16)), (t(32), t(40)))
    a = n("X:A0001/25", t(8), t(40), schedule="DAILY 0800-1600", category="runway_closed")
    assert validity.windows(a) == w  # derived from item D, B and C
    ch = diff.ingest(diff.World(), snap(t(9), OTHER, a))
    assert ("restriction_imposed", t(8)) in [(e.kind, e.effective_at) for e in ch.events]
    ch2 = diff.tick(ch.world, t(17))
    assert [(e.kind, e.effective_at) for e in ch2.events] == [("restriction_lifted", t(16))]
    ch3 = diff.tick(ch2.world, t(33))
    assert [(e.kind, e.effective_at) for e in ch3.events] == [("restriction_imposed", t(32))]


def test_source_down_and_up_once_each() -> None:
    w = diff.World()
    kinds = []
    for i, err in enumerate(["HTTP 500", "HTTP 500", "timeout", None, None]):
        ch = diff.source_result(w, "src", t(i), err)
        w = ch.world
        kinds.append([e.kind for e in ch.events])
    assert kinds == [["source_down"], [], [], ["source_up"], []]


def test_a_poll_whose_fetch_overlapped_a_tick_is_still_recorded() -> None:
    a = n("X:A0001/25", t(0), t(40))
    ch = diff.ingest(diff.World(), snap(t(1), OTHER))
    ticked = diff.tick(ch.world, t(2, 30))  # the tick ran while the next poll was fetching
    late = diff.ingest(ticked.world, snap(t(2), OTHER, a))  # the poll's own time is t(2)
    assert late.status == "complete"
    kinds = [(e.kind, e.observed_at) for e in late.events]
    assert ("published", t(2)) in kinds
    assert ("restriction_imposed", t(2, 30)) in kinds  # evaluated no earlier than the tick
    assert late.world.last_eval == t(2, 30)


def test_lift_names_the_notam_that_ended_last() -> None:
    early = n("X:A0002/25", t(0), t(10))
    late = n("X:A0001/25", t(0), t(12))
    ch = diff.ingest(diff.World(), snap(t(1), OTHER, early, late))
    ch = diff.tick(ch.world, t(11))
    assert [e.kind for e in ch.events] == ["expired"]  # A0001 still closes the aerodrome
    ch = diff.tick(ch.world, t(13))
    (lifted,) = [e for e in ch.events if e.kind == "restriction_lifted"]
    assert lifted.key == "X:A0001/25" and lifted.effective_at == t(12)
    assert lifted.detail["keys"] == ["X:A0001/25"]


def test_another_sources_rendering_of_a_notam_is_no_amendment() -> None:
    """Two sources list the same NOTAM (the FAA's APIs: location 8WC or K8WC): polling
    both, again and again, adds nothing after the first sighting; the first source
    still reports a real change."""
    mine = n("STL:08/430", t(-10), t(100), loc="K8WC", category="runway_closed")
    theirs = n(
        "STL:08/430", t(-10), t(100), loc="8WC", category="runway_closed", text="RWY 20 CLSD"
    )
    world = diff.World()
    events: list[list[tuple[str, str | None]]] = []
    for hour in range(4):
        for source, notam in (("nms", mine), ("v1", theirs)):
            ch = diff.ingest(
                world, Snapshot(source, "K8WC", t(hour, 10 * (source == "v1")), (notam,))
            )
            world = ch.world
            events.append([(e.kind, e.key) for e in ch.events if not e.detail.get("baseline")])
    assert events[0] == []  # the first poll is the baseline
    assert all(e == [] for e in events[1:]), events
    changed = n("STL:08/430", t(-10), t(200), loc="K8WC", category="runway_closed")
    ch = diff.ingest(world, Snapshot("nms", "K8WC", t(5), (changed,)))
    assert ("amended", "STL:08/430") in [(e.kind, e.key) for e in ch.events]


def test_another_source_amends_when_the_first_no_longer_vouches() -> None:
    """A lists a NOTAM, B its own rendering; A goes down and B shows it extended: that
    is an amendment (no false expiry), and A's old rendering, back later, is not."""
    a_version = n("STL:08/430", t(-10), t(100), loc="K8WC", category="runway_closed")
    b_version = n(
        "STL:08/430", t(-10), t(100), loc="K8WC", category="runway_closed", text="RWY 20 CLSD"
    )
    extended = n(
        "STL:08/430", t(-10), t(300), loc="K8WC", category="runway_closed", text="RWY 20 CLSD"
    )
    world = diff.World()
    for s in (
        Snapshot("a", "K8WC", t(0), (a_version,)),
        Snapshot("b", "8WC", t(0, 10), (b_version,)),
        Snapshot("a", "K8WC", t(1), (), complete=False, reason="HTTP 500"),  # A is down
    ):
        world = diff.ingest(world, s).world
    ch = diff.ingest(world, Snapshot("b", "8WC", t(1, 10), (extended,)))
    assert [(e.kind, e.source) for e in ch.events] == [("amended", "b")]
    world = ch.world
    assert world.active["STL:08/430"].notam.end == t(300)
    world = diff.ingest(world, Snapshot("a", "K8WC", t(2), (a_version,))).world  # A is back
    world = diff.ingest(world, Snapshot("b", "8WC", t(2, 10), (extended,))).world
    ch = diff.tick(world, t(101))
    assert [e.kind for e in ch.events] == []  # no expiry at A's old end
    assert ch.world.active["STL:08/430"].notam.end == t(300)


def test_a_poll_that_brought_nothing_is_failed_not_partial() -> None:
    """A fetch that failed is called failed; a poll that brought part of a scope partial;
    a call deliberately skipped (pull interval, quota) is not a failure."""
    world = diff.ingest(diff.World(), snap(t(1), OTHER)).world
    failed = diff.ingest(
        world,
        Snapshot(
            "src", "UK", t(2), (), complete=False, reason="cannot resolve x (offline or DNS?)"
        ),
    )
    assert failed.status == "failed" and failed.reason == "cannot resolve x (offline or DNS?)"
    part = diff.ingest(
        world, Snapshot("src", "UK", t(2), (OTHER,), complete=False, reason="page 2 of 3 failed")
    )
    assert part.status == "partial"
    skipped = diff.ingest(
        world, Snapshot("src", "UK", t(2), (), complete=False, reason="skipped: pull interval")
    )
    assert skipped.status == "partial"


# ------------------------------------------------------------------ the edges (issue 14)


def _kinds(ch: diff.Changes) -> list[tuple[str, datetime | None, datetime, datetime | None]]:
    return [(e.kind, e.after, e.observed_at, e.effective_at) for e in ch.events]


def test_an_early_withdrawal_confirmed_after_the_end_is_withdrawn_not_expired() -> None:
    """Valid 20:45-22:15, gone from the 22:00 bulletin, still gone at 23:00 (after C):
    withdrawn between the last presence (21:00) and the first absence (22:00), and the
    restriction lifted within the same bounds; no expiry at C."""
    closure = n("X:A0001/25", t(20, 45), t(22, 15))
    world, _ = run(diff.World(), snap(t(20), OTHER), snap(t(21), OTHER, closure))
    world = diff.ingest(world, snap(t(22), OTHER)).world  # first absence, before C
    ch = diff.ingest(world, snap(t(23), OTHER))  # confirmed, after C
    assert _kinds(ch) == [
        ("withdrawn", t(21), t(22), None),
        ("restriction_lifted", t(21), t(22), None),
    ]
    assert ch.events[0].detail == {"confirmed_at": "2025-03-21T23:00:00Z", "absent_polls": 2}
    assert ch.world.terminal["X:A0001/25"] == "withdrawn"
    assert ch.world.in_force == {}
    (episode,) = ch.closed_episodes
    assert (episode.end_after, episode.end_by, episode.end_effective) == (t(21), t(22), None)


def test_a_tick_past_the_end_holds_a_missing_notam_until_its_scope_decides() -> None:
    """Under the daemon a tick passes C between the first absence and the confirming
    poll: it logs nothing (no expiry, the restriction stays), and the poll decides."""
    closure = n("X:A0001/25", t(20, 45), t(22, 15))
    world, _ = run(diff.World(), snap(t(20), OTHER), snap(t(21), OTHER, closure))
    world = diff.ingest(world, snap(t(22), OTHER)).world
    ticked = diff.tick(world, t(22, 20))
    assert ticked.events == []
    assert "X:A0001/25" in ticked.world.active
    assert ("EGLL", "aerodrome_closed") in ticked.world.in_force
    ch = diff.ingest(ticked.world, snap(t(23), OTHER))
    assert _kinds(ch) == [
        ("withdrawn", t(21), t(22), None),
        ("restriction_lifted", t(21), t(22), None),
    ]


def test_listed_again_after_its_end_it_expired_at_its_end() -> None:
    """Missed once before C, held by a tick, then listed again after C: it was not
    withdrawn; it expired at C, which lies after the first absence."""
    closure = n("X:A0001/25", t(20, 45), t(22, 15))
    world, _ = run(diff.World(), snap(t(20), OTHER), snap(t(21), OTHER, closure))
    world = diff.ingest(world, snap(t(22), OTHER)).world
    world = diff.tick(world, t(22, 20)).world
    ch = diff.ingest(world, snap(t(23), OTHER, closure))
    assert _kinds(ch) == [
        ("expired", t(22), t(23), t(22, 15)),
        ("restriction_lifted", t(22), t(23), t(22, 15)),
    ]
    # without the tick in between, the evaluation before C bounds it (22:00 too)
    world, _ = run(diff.World(), snap(t(20), OTHER), snap(t(21), OTHER, closure))
    world = diff.ingest(world, snap(t(22), OTHER)).world
    ch = diff.ingest(world, snap(t(23), OTHER, closure))
    assert [e.kind for e in ch.events] == ["expired", "restriction_lifted"]


def test_first_missed_after_its_end_it_expired() -> None:
    closure = n("X:A0001/25", t(20, 45), t(21, 30))
    world, _ = run(diff.World(), snap(t(20), OTHER), snap(t(21), OTHER, closure))
    ch = diff.ingest(world, snap(t(22), OTHER))
    assert _kinds(ch) == [
        ("expired", t(21), t(22), t(21, 30)),
        ("restriction_lifted", t(21), t(22), t(21, 30)),
    ]


def test_withdraw_after_three_holds_across_two_absences() -> None:
    closure = n("X:A0001/25", t(20, 45), t(22, 15))
    rules = diff.Rules(withdraw_after=3)
    world, evs = run(
        diff.World(),
        snap(t(20), OTHER),
        snap(t(21), OTHER, closure),
        snap(t(22), OTHER),
        snap(t(23), OTHER),  # past C, absent twice: held
        rules=rules,
    )
    assert evs[2:] == [[], []]
    ch = diff.ingest(world, snap(t(24), OTHER), rules)
    assert _kinds(ch)[0] == ("withdrawn", t(21), t(22), None)


def test_a_closure_between_two_polls_is_imposed_and_lifted() -> None:
    """Valid 12:15-12:45, listed at 12:00 and expired by 13:00: the closure is logged with
    the NOTAM's times, bounded by the two polls, and makes an episode of its own."""
    closure = n("X:A0001/25", t(12, 15), t(12, 45))
    world, _ = run(diff.World(), snap(t(11), OTHER), snap(t(12), OTHER, closure))
    ch = diff.ingest(world, snap(t(13), OTHER))
    assert _kinds(ch) == [
        ("expired", t(12), t(13), t(12, 45)),
        ("restriction_imposed", t(12), t(13), t(12, 15)),
        ("restriction_lifted", t(12), t(13), t(12, 45)),
    ]
    imposed, lifted = ch.events[1:]
    assert imposed.key == lifted.key == "X:A0001/25"
    assert imposed.locations == lifted.locations == ("EGLL",)
    assert imposed.category == lifted.category == "aerodrome_closed"
    assert lifted.detail["since_effective"] == "2025-03-21T12:15:00Z"
    (episode,) = ch.closed_episodes
    assert (episode.start_after, episode.start_by, episode.start_effective) == (
        t(12),
        t(13),
        t(12, 15),
    )
    assert (episode.end_after, episode.end_by, episode.end_effective) == (t(12), t(13), t(12, 45))
    assert episode.categories == ((t(12, 15), "aerodrome_closed"),)
    assert ch.world.episodes == {} and ch.world.in_force == {}


def test_item_d_windows_between_ticks_are_imposed_and_lifted() -> None:
    """A window that opens and closes between two ticks, each day."""
    runway = n("X:A0001/25", t(8), t(60), schedule="DAILY 1215-1245", category="runway_closed")
    world = diff.ingest(diff.World(), snap(t(9), OTHER, runway)).world
    got = []
    for hour in (12, 13, 20, 36, 37):
        ch = diff.tick(world, t(hour))
        world = ch.world
        got.append(_kinds(ch))
    assert got == [
        [],
        [
            ("restriction_imposed", t(12), t(13), t(12, 15)),
            ("restriction_lifted", t(12), t(13), t(12, 45)),
        ],
        [],
        [],
        [
            ("restriction_imposed", t(36), t(37), t(36, 15)),
            ("restriction_lifted", t(36), t(37), t(36, 45)),
        ],
    ]


def test_a_notam_first_listed_after_its_window_is_imposed_and_lifted() -> None:
    """Published between two polls with a window already over: the bounds run from the
    scope's last complete poll."""
    world = diff.ingest(diff.World(), snap(t(12), OTHER)).world
    world = diff.tick(world, t(12, 30)).world
    late = n("X:A0001/25", t(12, 15), t(12, 45))
    ch = diff.ingest(world, snap(t(13), OTHER, late))
    assert _kinds(ch) == [
        ("published", t(12), t(13), t(12, 15)),
        ("expired", t(12, 30), t(13), t(12, 45)),
        ("restriction_imposed", t(12), t(13), t(12, 15)),
        ("restriction_lifted", t(12), t(13), t(12, 45)),
    ]


def test_no_interval_is_added_at_the_baseline_or_when_in_force_at_both_evaluations() -> None:
    past = n("X:A0001/25", t(10), t(11))
    ch = diff.ingest(diff.World(), snap(t(12), OTHER, past))
    assert [e.kind for e in ch.events] == ["published", "published", "expired"]
    long = n("X:A0002/25", t(0), t(40))
    short = n("X:A0003/25", t(12, 15), t(12, 45))
    world, _ = run(diff.World(), snap(t(11), OTHER), snap(t(12), OTHER, long, short))
    ch = diff.ingest(world, snap(t(13), OTHER, long))
    assert [e.kind for e in ch.events] == ["expired"]


def test_a_short_interval_that_runs_on_from_a_lifted_restriction_moves_its_end() -> None:
    first = n("X:A0001/25", t(11), t(12, 20))
    then = n("X:A0002/25", t(12, 10), t(12, 40))
    world, _ = run(diff.World(), snap(t(10), OTHER), snap(t(12), OTHER, first, then))
    ch = diff.ingest(world, snap(t(13), OTHER, first, then))
    lifts = [e for e in ch.events if e.kind == "restriction_lifted"]
    assert [(e.key, e.effective_at) for e in lifts] == [("X:A0002/25", t(12, 40))]
    assert lifts[0].detail["keys"] == ["X:A0001/25", "X:A0002/25"]
    assert not [e for e in ch.events if e.kind == "restriction_imposed"]
    (episode,) = ch.closed_episodes
    assert episode.end_effective == t(12, 40)


def test_a_short_interval_that_runs_into_an_imposed_restriction_moves_its_start() -> None:
    before = n("X:A0001/25", t(12, 10), t(12, 40))
    after = n("X:A0002/25", t(12, 30), t(20))
    world, _ = run(diff.World(), snap(t(10), OTHER), snap(t(12), OTHER, before, after))
    ch = diff.ingest(world, snap(t(13), OTHER, before, after))
    imposed = [e for e in ch.events if e.kind == "restriction_imposed"]
    assert [(e.key, e.effective_at) for e in imposed] == [("X:A0001/25", t(12, 10))]
    assert not [e for e in ch.events if e.kind == "restriction_lifted"]
    assert ch.world.in_force[("EGLL", "aerodrome_closed")].since_effective == t(12, 10)
    assert ch.world.episodes["EGLL"].start_effective == t(12, 10)
    assert ch.closed_episodes == []


def test_a_short_interval_after_an_episode_ends_is_an_episode_of_its_own() -> None:
    first = n("X:A0001/25", t(11), t(12, 10))
    later = n("X:A0002/25", t(12, 20), t(12, 40), category="runway_closed")
    world, _ = run(diff.World(), snap(t(10), OTHER), snap(t(12), OTHER, first, later))
    ch = diff.ingest(world, snap(t(13), OTHER))
    assert [(e.start_effective, e.end_effective) for e in ch.closed_episodes] == [
        (t(11), t(12, 10)),
        (t(12, 20), t(12, 40)),
    ]


def test_every_location_of_a_multi_location_notam_is_restricted() -> None:
    both = Notam(
        key="X:A0001/25",
        id="A0001/25",
        type="N",
        locations=("EGLL", "EGKK"),
        start=t(2),
        end=t(30),
        category="aerodrome_closed",
        restriction=True,
    )
    ch = diff.ingest(diff.World(), snap(t(1), OTHER, both))
    assert ch.events[-1].kind == "published"
    ch = diff.tick(ch.world, t(3))
    assert sorted((e.kind, e.locations) for e in ch.events) == [
        ("restriction_imposed", ("EGKK",)),
        ("restriction_imposed", ("EGLL",)),
    ]
    assert set(ch.world.episodes) == {"EGLL", "EGKK"}
    ch = diff.tick(ch.world, t(31))
    assert sorted((e.kind, e.locations) for e in ch.events) == [
        ("expired", ("EGLL", "EGKK")),
        ("restriction_lifted", ("EGKK",)),
        ("restriction_lifted", ("EGLL",)),
    ]
    short = dataclasses.replace(
        both, key="X:A0002/25", id="A0002/25", start=t(32, 10), end=t(32, 40)
    )
    world, _ = run(ch.world, snap(t(32), OTHER, short))
    ch = diff.ingest(world, snap(t(33), OTHER))
    assert sorted(
        (e.kind, e.locations) for e in ch.events if "between_evaluations" in e.detail
    ) == [
        ("restriction_imposed", ("EGKK",)),
        ("restriction_imposed", ("EGLL",)),
        ("restriction_lifted", ("EGKK",)),
        ("restriction_lifted", ("EGLL",)),
    ]


def test_a_notamc_never_imposes_a_restriction() -> None:
    """Even a NOTAMC of a restricting category (it cancels a closure, it closes nothing)."""
    closure = n("X:A0001/25", t(0), t(40))
    cancel = n("X:A0002/25", t(5), t(40), type="C", ref="A0001/25")
    assert cancel.restriction and validity.in_force(cancel, t(6))
    world, _ = run(diff.World(), snap(t(1), OTHER, closure))
    ch = diff.ingest(world, snap(t(6), OTHER, closure, cancel))
    assert [(e.kind, e.key) for e in ch.events] == [
        ("published", "X:A0002/25"),
        ("cancelled", "X:A0001/25"),
        ("restriction_lifted", "X:A0001/25"),
    ]
    assert ch.world.in_force == {}
    short = n("X:A0003/25", t(7, 10), t(7, 20), type="C", ref="A0009/25")
    world = diff.ingest(ch.world, snap(t(7), OTHER, cancel, short)).world
    ch = diff.ingest(world, snap(t(8), OTHER, cancel))
    assert "restriction_imposed" not in [e.kind for e in ch.events]


def test_source_down_and_up_say_since_when_and_how_often() -> None:
    w = diff.ingest(diff.World(), snap(t(0), OTHER)).world
    w = diff.source_result(w, "src", t(1), None).world
    assert w.sources["src"] == diff.SourceHealth(None, 0, t(1), None)
    down = diff.source_result(w, "src", t(2), "HTTP 500")
    (ev,) = down.events
    assert (ev.kind, ev.source, ev.observed_at, ev.after) == ("source_down", "src", t(2), t(1))
    assert ev.detail == {"error": "HTTP 500"}
    assert down.status == "source" and down.world.active == w.active
    w = diff.source_result(down.world, "src", t(3), "timeout").world
    assert w.sources["src"] == diff.SourceHealth(t(2), 2, t(1), "timeout")
    up = diff.source_result(w, "src", t(4), None)
    (ev,) = up.events
    assert (ev.kind, ev.source, ev.observed_at, ev.after) == ("source_up", "src", t(4), t(1))
    assert ev.detail == {"down_since": "2025-03-21T02:00:00Z", "failures": 2}
    assert up.world.sources["src"] == diff.SourceHealth(None, 0, t(4), None)
    other = diff.source_result(up.world, "other", t(5), "HTTP 503").world
    assert other.sources["src"] == up.world.sources["src"]
