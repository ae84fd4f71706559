"""Change detection on small literal inputs (pure: no database, no clock)."""

from __future__ import annotations

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
