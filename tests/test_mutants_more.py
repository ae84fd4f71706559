"""More tests for mutants that survived the first mutation check of issue 14 (the second
pass, README "Mutation testing"): the digest bar's closed/limited tones and the title of a
digest that is not one day; what change detection hands the store (rows, versions, final
statuses, hashes), the suspect-poll bounds, the fields and bounds of published, amended,
replaced, withdrawn, expired and lifted events; episodes around short restrictions; the text
digest's coverage gaps, its last newline and the lines of a location. mutmut's re-run shows
the mutants they were written for killed."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import test_diff as tdiff

from notam_log.core import diff, periods
from notam_log.core import digest as dg
from notam_log.core import digest_render as render
from notam_log.core import digest_words as words
from notam_log.core.coverage import Coverage, Gap
from notam_log.core.diff.state import NOT_MODIFIED
from notam_log.core.digest_model import Bounded, Imposed, Lifted, LocationDigest, Notable, Span
from notam_log.core.models import Event, Snapshot


def _tones(spans: tuple[Span, ...], unknown: tuple[Span, ...] = (), width: int = 4) -> list[str]:
    return [tone for _, tone in words.bar_cells(spans, unknown, width)]


def test_closed_and_limited_sharing_a_half_hour_equally_show_as_closed() -> None:
    """A closure and a limitation each taking half of one cell: the cell is red (closed),
    whichever comes first in the cell."""
    closed_first = (Span(0.0, 0.125, True, True), Span(0.125, 0.25, True, False))
    limited_first = (Span(0.0, 0.125, True, False), Span(0.125, 0.25, True, True))
    for spans in (closed_first, limited_first):
        assert words.bar_cells(spans, (), 4)[0] == ("#", "closed")


def test_a_closure_taking_less_than_half_of_a_restricted_cell_shows_as_limited() -> None:
    closed_first = (Span(0.0, 0.1, True, True), Span(0.1, 0.25, True, False))
    limited_first = (Span(0.0, 0.15, True, False), Span(0.15, 0.25, True, True))
    for spans in (closed_first, limited_first):
        assert words.bar_cells(spans, (), 4)[0] == ("#", "limited")
    # more than half closed is closed, also when the limitation comes last
    assert words.bar_cells((Span(0.0, 0.15, True, True), Span(0.15, 0.25, True, False)), (), 4)[
        0
    ] == ("#", "closed")


def test_half_of_a_cell_is_most_of_it_and_less_is_part() -> None:
    assert [s for s, _ in words.bar_cells((Span(0.0, 0.125, True, True),), (), 4)] == list("#...")
    assert words.bar_cells((Span(0.0, 0.05, True, True),), (), 4)[0] == ("+", "closed")
    assert words.bar_cells((Span(0.0, 0.05, True, False),), (), 4)[0] == ("+", "limited")


def test_every_cell_has_its_tone() -> None:
    spans = (Span(0.0, 0.25, True, True), Span(0.25, 0.5, False))
    assert _tones(spans, (Span(0.5, 0.75, False),)) == ["closed", "possible", "unknown", "clear"]


def _z(day: int, hh: int = 0) -> datetime:
    return datetime(2025, 3, day, hh, tzinfo=UTC)


def test_title_and_subtitle_of_a_range() -> None:
    period = periods.range_period(_z(20, 6), _z(21, 18))
    d = dg.Digest(period, _z(22, 6), (), (), (), True)
    assert words.title(d) == "NOTAM digest, 2025-03-20 06:00Z to 2025-03-21 18:00Z"
    assert words.subtitle(d) == "2025-03-20 06:00Z to 2025-03-21 18:00Z; made 2025-03-22 06:00Z"


def test_title_and_subtitle_of_a_day() -> None:
    d = dg.Digest(dg.day_period(_z(21).date()), _z(22, 6), (), (), (), True)
    assert words.title(d) == "NOTAM digest for 2025-03-21"
    assert words.subtitle(d) == "2025-03-21 00:00Z to 2025-03-22 00:00Z; made 2025-03-22 06:00Z"
    moscow = dg.Digest(dg.day_period(_z(21).date(), "Europe/Moscow"), _z(22, 6), (), (), (), True)
    assert words.title(moscow) == "NOTAM digest for 2025-03-21"
    assert words.subtitle(moscow) == (
        "2025-03-20 21:00Z to 2025-03-21 21:00Z (a day in Europe/Moscow); made 2025-03-22 06:00Z"
    )


# --- change detection: what the store writes, the suspect-poll bounds, event fields -----

_MANY = [
    tdiff.n(f"X:B{i:04d}/25", tdiff.t(0), tdiff.t(90), category="navaid", restriction=False)
    for i in range(40)
]


def _scope(world: diff.World) -> diff.ScopeInfo:
    return world.scopes[("src", "UK")]


def test_a_poll_is_suspect_from_the_minimum_count_and_below_the_ratio_only() -> None:
    """The last complete poll listed exactly ``suspect_min`` NOTAMs: one listing fewer than
    half of them is suspect (decides nothing, says why); one listing exactly half is not."""
    rules = diff.Rules(suspect_min=20, suspect_ratio=0.5)
    base = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), *_MANY[:20]), rules)
    low = diff.ingest(base.world, tdiff.snap(tdiff.t(2), *_MANY[:9]), rules)
    assert (low.status, low.reason) == ("suspect", "9 NOTAMs where the last complete poll had 20")
    assert low.marks == {} and _scope(low.world).last_complete == tdiff.t(1)
    assert _scope(low.world).last_poll == tdiff.t(2)
    half = diff.ingest(base.world, tdiff.snap(tdiff.t(2), *_MANY[:10]), rules)
    assert (half.status, half.reason) == ("complete", None)
    assert sorted(half.marks) == [m.key for m in _MANY[10:20]]
    assert all(half.marks[m.key].missing == 1 for m in _MANY[10:20])


def test_a_not_modified_poll_is_unchanged_and_keeps_the_last_count() -> None:
    base = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), *_MANY[:30]))
    same = Snapshot("src", "UK", tdiff.t(2), (), complete=True, reason=NOT_MODIFIED)
    ch = diff.ingest(base.world, same)
    assert (ch.status, ch.reason, ch.events, ch.marks) == ("unchanged", NOT_MODIFIED, [], {})
    info = _scope(ch.world)
    assert (info.last_complete, info.last_poll, info.last_count) == (tdiff.t(2), tdiff.t(2), 30)
    # the next poll listing a third of them is measured against the 30, not against 0
    ch2 = diff.ingest(ch.world, tdiff.snap(tdiff.t(3), *_MANY[:10]))
    assert ch2.status == "suspect"


def test_an_amended_notam_is_a_new_version_row_and_event() -> None:
    """What the store writes for an amendment: the whole row (upserts), a new version with
    its hash and number, and an ``amended`` event with the poll's bounds."""
    a = tdiff.n("X:A0001/25", tdiff.t(10), tdiff.t(20), text="AD CLSD\nDUE WIP")
    b = dataclasses.replace(a, end=tdiff.t(22))
    w1 = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, a))
    (v1,) = [v for v in w1.versions if v.notam.key == "X:A0001/25"]
    assert w1.upserts["X:A0001/25"] is v1 and (v1.version, v1.hash) == (1, a.content_hash())
    (pub,) = [e for e in w1.events if e.key == "X:A0001/25"]
    assert (pub.id, pub.category, pub.detail["text"]) == ("A0001/25", "aerodrome_closed", "AD CLSD")
    ch = diff.ingest(w1.world, tdiff.snap(tdiff.t(2), tdiff.OTHER, b))
    (tr,) = ch.versions
    assert ch.upserts == {"X:A0001/25": tr} and ch.marks == {}
    assert (tr.notam, tr.hash, tr.version) == (b, b.content_hash(), 2)
    assert ch.world.active["X:A0001/25"] is tr
    (ev,) = ch.events
    assert (ev.kind, ev.id, ev.category, ev.after, ev.observed_at, ev.detail) == (
        "amended", "A0001/25", "aerodrome_closed", tdiff.t(1), tdiff.t(2), {"changed": ["end"]}
    )  # fmt: skip


def test_an_amendment_through_another_source_follows_the_notam_through_it() -> None:
    a = tdiff.n("X:A0001/25", tdiff.t(10), tdiff.t(20))
    b = dataclasses.replace(a, end=tdiff.t(22))
    first = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, a))
    down = diff.ingest(first.world, tdiff.snap(tdiff.t(2), complete=False))
    other = Snapshot("faa", "US", tdiff.t(3), (b,), complete=True)
    ch = diff.ingest(down.world, other)
    tr = ch.upserts["X:A0001/25"]
    assert (tr.source, tr.scope, tr.version) == ("faa", "US", 2)
    assert [(e.kind, e.source) for e in ch.events] == [("amended", "faa")]


def test_a_notam_listed_again_after_a_miss_has_its_counters_cleared() -> None:
    a = tdiff.n("X:A0001/25", tdiff.t(10), tdiff.t(20))
    rules = diff.Rules(withdraw_after=3)
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, a), rules).world
    miss = diff.ingest(w, tdiff.snap(tdiff.t(2), tdiff.OTHER), rules)
    m = miss.marks["X:A0001/25"]
    assert (m.missing, m.missing_after, m.missing_by) == (1, tdiff.t(1), tdiff.t(2))
    back = diff.ingest(miss.world, tdiff.snap(tdiff.t(3), tdiff.OTHER, a), rules)
    r = back.marks["X:A0001/25"]
    assert (r.missing, r.missing_after, r.missing_by) == (0, None, None)
    assert back.upserts == {} and back.versions == [] and back.events == []


def test_a_notam_without_locations_is_placed_in_its_fir() -> None:
    fir = dataclasses.replace(
        tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(20)), locations=(), fir="EGTT"
    )
    bare = dataclasses.replace(fir, key="X:A0002/25", id="A0002/25", fir=None)
    ch = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), fir, bare))
    assert {e.key: e.locations for e in ch.events if e.kind == "published"} == {
        "X:A0001/25": ("EGTT",), "X:A0002/25": ()
    }  # fmt: skip


def _one(ch: diff.Changes, kind: str) -> Event:
    (ev,) = [e for e in ch.events if e.kind == kind]
    return ev


def test_published_and_reappeared_say_type_first_line_and_previous_status() -> None:
    a = tdiff.n("X:A0001/25", tdiff.t(10), tdiff.t(20), text="  AD CLSD\nDUE WIP\nTWO  ")
    w1 = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER))
    ch = diff.ingest(w1.world, tdiff.snap(tdiff.t(2), tdiff.OTHER, a))
    pub = _one(ch, "published")
    assert (pub.source, pub.after, pub.observed_at, pub.effective_at, pub.detail) == (
        "src", tdiff.t(1), tdiff.t(2), tdiff.t(10), {"type": "N", "text": "AD CLSD"}
    )  # fmt: skip
    tr = ch.upserts["X:A0001/25"]
    assert (tr.hash, tr.first_seen, tr.source, tr.scope) == (
        a.content_hash(),
        tdiff.t(2),
        "src",
        "UK",
    )
    gone = tdiff.run(
        ch.world, tdiff.snap(tdiff.t(3), tdiff.OTHER), tdiff.snap(tdiff.t(4), tdiff.OTHER)
    )[0]
    assert gone.terminal["X:A0001/25"] == "withdrawn"
    back = diff.ingest(gone, tdiff.snap(tdiff.t(5), tdiff.OTHER, a))
    again = _one(back, "reappeared")
    assert again.detail == {"type": "N", "text": "AD CLSD", "previous_status": "withdrawn"}
    assert "X:A0001/25" not in back.world.terminal
    assert back.world.active["X:A0001/25"].first_seen == tdiff.t(5)


def test_a_replacement_ends_its_notam_with_every_field_the_store_writes() -> None:
    """Of two NOTAMRs, the first names a NOTAM nobody has: the second still replaces."""
    a = tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(30))
    stray = tdiff.n("X:A0002/25", tdiff.t(1), tdiff.t(30), type="R", ref="A0999/25")
    r = tdiff.n("X:A0003/25", tdiff.t(2, 30), tdiff.t(30), type="R", ref="A0001/25")
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, a)).world
    ch = diff.ingest(w, tdiff.snap(tdiff.t(2), tdiff.OTHER, stray, r))
    ev = _one(ch, "replaced")
    assert (ev.key, ev.id, ev.source, ev.after, ev.observed_at, ev.effective_at, ev.detail) == (
        "X:A0001/25", "A0001/25", "src", tdiff.t(1), tdiff.t(2), tdiff.t(2, 30),
        {"by": "X:A0003/25", "by_id": "A0003/25"},
    )  # fmt: skip
    assert ch.finals == {"X:A0001/25": "replaced"}
    assert ch.removed["X:A0001/25"] is w.active["X:A0001/25"]
    assert ch.world.terminal["X:A0001/25"] == "replaced"
    # the feed listing the replaced NOTAM again brings nothing back
    later = diff.ingest(ch.world, tdiff.snap(tdiff.t(3), tdiff.OTHER, a, stray, r))
    assert later.events == [] and "X:A0001/25" not in later.world.active


def test_a_cancelled_notam_listed_again_stays_cancelled() -> None:
    a = tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(30))
    c = tdiff.n("X:A0002/25", tdiff.t(2), tdiff.t(30), type="C", ref="A0001/25", restriction=False)
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, a)).world
    ch = diff.ingest(w, tdiff.snap(tdiff.t(2), tdiff.OTHER, c))
    assert ch.finals == {"X:A0001/25": "cancelled"}
    later = diff.ingest(ch.world, tdiff.snap(tdiff.t(3), tdiff.OTHER, a, c))
    assert later.events == [] and later.upserts == {} and later.versions == []


def test_a_withdrawal_has_its_bounds_detail_and_final_status() -> None:
    """A0001 ended between the polls (left to expire, not marked); A0002, still valid,
    is missed twice: withdrawn in (last presence, first absence], whatever comes first
    in the scope's sorted NOTAMs."""
    ended = tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(2))
    a = tdiff.n("X:A0002/25", tdiff.t(0), tdiff.t(30))
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, ended, a)).world
    miss = diff.ingest(w, tdiff.snap(tdiff.t(2), tdiff.OTHER))
    assert sorted(miss.marks) == ["X:A0002/25"]
    assert miss.finals == {"X:A0001/25": "expired"}
    ch = diff.ingest(miss.world, tdiff.snap(tdiff.t(3), tdiff.OTHER))
    ev = _one(ch, "withdrawn")
    assert (ev.key, ev.source, ev.after, ev.observed_at, ev.effective_at, ev.detail) == (
        "X:A0002/25", "src", tdiff.t(1), tdiff.t(2), None,
        {"confirmed_at": "2025-03-21T03:00:00Z", "absent_polls": 2},
    )  # fmt: skip
    assert ch.finals == {"X:A0002/25": "withdrawn"}
    assert ch.removed["X:A0002/25"].missing == 2
    assert ch.world.terminal["X:A0002/25"] == "withdrawn"


def test_an_expiry_has_its_bounds_detail_and_final_status() -> None:
    a = tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(2, 30))
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, a)).world
    ch = diff.tick(w, tdiff.t(3))
    ev = _one(ch, "expired")
    assert (ev.key, ev.id, ev.source, ev.after, ev.observed_at, ev.effective_at, ev.detail) == (
        "X:A0001/25", "A0001/25", "src", tdiff.t(1), tdiff.t(3), tdiff.t(2, 30),
        {"end": "2025-03-21T02:30:00Z"},
    )  # fmt: skip
    assert ch.finals == {"X:A0001/25": "expired"}
    assert ch.removed["X:A0001/25"] is w.active["X:A0001/25"]
    assert ch.world.terminal == {"X:A0001/25": "expired"}
    assert list(ch.world.active) == ["X:B0001/25"]
    # the world it came from is left as it was
    assert "X:A0001/25" in w.active and w.terminal == {}


def test_a_snapshot_not_newer_than_the_last_is_skipped_with_its_reason() -> None:
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(2), tdiff.OTHER)).world
    for at in (tdiff.t(2), tdiff.t(1)):
        ch = diff.ingest(w, tdiff.snap(at))
        assert (ch.status, ch.reason) == (
            "skipped",
            "not newer than the last snapshot of this scope",
        )
        assert ch.world is w and ch.events == []
    failed = diff.ingest(w, tdiff.snap(tdiff.t(3), complete=False)).world
    ch = diff.ingest(failed, tdiff.snap(tdiff.t(3), tdiff.OTHER))
    assert ch.status == "skipped"  # the failed poll at 03:00 counts too


def _lifts(ch: diff.Changes) -> list[tuple[Any, ...]]:
    return [
        (e.locations, e.key, e.id, e.source, e.after, e.observed_at, e.effective_at)
        for e in ch.events
        if e.kind == "restriction_lifted"
    ]


def test_a_lift_names_its_notam_and_source_whether_it_ended_or_its_window_closed() -> None:
    """EGKK's closure still in force (sorted first) does not stop EGLL's from being lifted;
    a D) window closing or an expiry: each lift says which NOTAM, from where."""
    window = tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(60), schedule="DAILY 0000-0130")
    kk = tdiff.n("X:A0002/25", tdiff.t(0), tdiff.t(60), loc="EGKK")
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, window, kk)).world
    ch = diff.tick(w, tdiff.t(2))
    assert _lifts(ch) == [
        (("EGLL",), "X:A0001/25", "A0001/25", "src", tdiff.t(1), tdiff.t(2), tdiff.t(1, 30))
    ]
    ends = tdiff.n("X:A0003/25", tdiff.t(0), tdiff.t(1, 30), loc="EGSS")
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, ends, kk)).world
    assert _lifts(diff.tick(w, tdiff.t(2))) == [
        (("EGSS",), "X:A0003/25", "A0003/25", "src", tdiff.t(1), tdiff.t(2), tdiff.t(1, 30))
    ]


def test_a_replaced_or_cancelled_restriction_is_lifted_at_the_new_notams_start() -> None:
    a = tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(30))
    for kind in ("R", "C"):
        by = tdiff.n("X:A0002/25", tdiff.t(1, 40), tdiff.t(30), type=kind, ref="A0001/25",
                     restriction=kind == "R", category="runway_closed")  # fmt: skip
        w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, a)).world
        ch = diff.ingest(w, tdiff.snap(tdiff.t(2), tdiff.OTHER, by))
        assert _lifts(ch) == [
            (("EGLL",), "X:A0001/25", "A0001/25", "src", tdiff.t(1), tdiff.t(2), tdiff.t(1, 40))
        ]


def test_a_withdrawn_restriction_is_lifted_in_its_withdrawal_bounds() -> None:
    a = tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(30))
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, a)).world
    w = diff.ingest(w, tdiff.snap(tdiff.t(2), tdiff.OTHER)).world
    ch = diff.ingest(w, tdiff.snap(tdiff.t(3), tdiff.OTHER))
    assert _lifts(ch) == [
        (("EGLL",), "X:A0001/25", "A0001/25", "src", tdiff.t(1), tdiff.t(2), None)
    ]


def test_a_notam_expires_at_an_evaluation_exactly_at_its_end() -> None:
    a = tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(2))
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, a)).world
    ch = diff.tick(w, tdiff.t(2))
    assert [(e.kind, e.effective_at) for e in ch.events] == [
        ("expired", tdiff.t(2)), ("restriction_lifted", tdiff.t(2))
    ]  # fmt: skip


def test_a_restriction_is_imposed_after_the_notam_in_force_first() -> None:
    """B (later key) came into force before A: the restriction is named after B; both are
    new in a poll after a tick, so it began after the scope's last complete poll."""
    a = tdiff.n("X:A0001/25", tdiff.t(2), tdiff.t(30))
    b = tdiff.n("X:A0002/25", tdiff.t(1, 30), tdiff.t(30))
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER)).world
    w = diff.tick(w, tdiff.t(2, 10)).world
    ch = diff.ingest(w, tdiff.snap(tdiff.t(3), tdiff.OTHER, a, b))
    (ev,) = [e for e in ch.events if e.kind == "restriction_imposed"]
    assert (ev.key, ev.after, ev.observed_at, ev.effective_at, ev.detail) == (
        "X:A0002/25", tdiff.t(1), tdiff.t(3), tdiff.t(1, 30), {"keys": ["X:A0001/25", "X:A0002/25"]}
    )  # fmt: skip


def test_an_expiry_held_past_its_end_is_bounded_by_what_was_known() -> None:
    """Missed at 02:00 (before its end at 02:30), listed again at 03:00: it expired at
    02:30, after the tick of 02:20 (which knew it in force) ... and if the tick came at
    02:30 itself, which did not know, after its first absence (02:00)."""
    a = tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(2, 30))
    rules = diff.Rules(withdraw_after=3)
    for tick, after in ((tdiff.t(2, 20), tdiff.t(2, 20)), (tdiff.t(2, 30), tdiff.t(2))):
        w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER, a), rules).world
        w = diff.ingest(w, tdiff.snap(tdiff.t(2), tdiff.OTHER), rules).world
        w = diff.tick(w, tick).world
        ch = diff.ingest(w, tdiff.snap(tdiff.t(3), tdiff.OTHER, a), rules)
        ev = _one(ch, "expired")
        assert (ev.after, ev.observed_at, ev.effective_at) == (after, tdiff.t(3), tdiff.t(2, 30))


# --- episodes --------------------------------------------------------------------------


def _episodes(ch: diff.Changes) -> list[tuple[Any, ...]]:
    return [(e.location, e.start_effective, e.end_effective) for e in ch.closed_episodes]


def test_an_episode_ends_with_the_restriction_that_ended_last() -> None:
    """Two restrictions at one place lifted at one evaluation: whichever category sorts
    first, the episode ends when the later one ended (a bug the mutation check found)."""
    for ad_end, rwy_end in (((12, 40), (12, 10)), ((12, 10), (12, 40))):
        ad = tdiff.n("X:A0001/25", tdiff.t(11), tdiff.t(*ad_end))
        rwy = tdiff.n("X:A0002/25", tdiff.t(11), tdiff.t(*rwy_end), category="runway_closed")
        w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(12), tdiff.OTHER, ad, rwy)).world
        ch = diff.tick(w, tdiff.t(13))
        assert _episodes(ch) == [("EGLL", tdiff.t(11), tdiff.t(12, 40))]


def test_a_short_restriction_after_an_episode_closed_is_an_episode_of_its_own() -> None:
    long = tdiff.n("X:A0001/25", tdiff.t(11), tdiff.t(12, 10))
    short = tdiff.n("X:A0002/25", tdiff.t(12, 30), tdiff.t(12, 40))
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(12), tdiff.OTHER, long, short)).world
    ch = diff.tick(w, tdiff.t(13))
    assert _episodes(ch) == [
        ("EGLL", tdiff.t(11), tdiff.t(12, 10)), ("EGLL", tdiff.t(12, 30), tdiff.t(12, 40))
    ]  # fmt: skip


def test_a_short_restriction_before_one_imposed_is_apart_unless_it_runs_into_it() -> None:
    """12:05-12:15 then a closure from 12:40: a short episode, and one opened at 12:40;
    12:05-12:40 then the closure: one episode from 12:05."""
    later = tdiff.n("X:A0002/25", tdiff.t(12, 40), tdiff.t(30))
    for short_end, closed, opened in (
        ((12, 15), [("EGLL", tdiff.t(12, 5), tdiff.t(12, 15))], tdiff.t(12, 40)),
        ((12, 40), [], tdiff.t(12, 5)),
    ):
        short = tdiff.n("X:A0001/25", tdiff.t(12, 5), tdiff.t(*short_end))
        w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(12), tdiff.OTHER, short, later)).world
        ch = diff.tick(w, tdiff.t(13))
        assert _episodes(ch) == closed
        assert ch.world.episodes["EGLL"].start_effective == opened


def test_a_notam_without_a_place_does_not_stop_episodes_opening() -> None:
    nowhere = dataclasses.replace(
        tdiff.n("X:A0000/25", tdiff.t(0), tdiff.t(20), category="navaid", restriction=False),
        locations=(),
    )
    closed = tdiff.n("X:A0001/25", tdiff.t(0), tdiff.t(20))
    ch = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), nowhere, closed))
    assert [e.kind for e in ch.events][:1] == ["published"] and ch.events[0].locations == ()
    assert ch.world.episodes["EGLL"].start_effective == tdiff.t(0)


def test_a_notam_first_listed_after_its_end_expired_after_the_scopes_last_poll() -> None:
    """Listed for the first time at 04:00, valid 01:30-02:00: it expired in (01:00, 04:00]
    (the scope's last complete poll), not after the tick of 03:00, which never knew it."""
    w = diff.ingest(diff.World(), tdiff.snap(tdiff.t(1), tdiff.OTHER)).world
    w = diff.tick(w, tdiff.t(3)).world
    late = tdiff.n("X:A0002/25", tdiff.t(1, 30), tdiff.t(2))
    ch = diff.ingest(w, tdiff.snap(tdiff.t(4), tdiff.OTHER, late))
    bounds = {e.kind: (e.after, e.observed_at, e.effective_at) for e in ch.events}
    assert bounds["expired"] == (tdiff.t(1), tdiff.t(4), tdiff.t(2))
    assert bounds["restriction_lifted"] == (tdiff.t(1), tdiff.t(4), tdiff.t(2))


def test_a_location_with_only_notams_already_in_force_says_no_changes() -> None:
    quiet = LocationDigest("EGLL", None, baseline=4)
    assert words.counts_text(quiet) == (
        "no NOTAM changes (4 already in force when watching began, not counted)"
    )
    assert words.counts_text(
        LocationDigest("EGLL", None, counts={"published": 0, "expired": 2})
    ) == ("2 expired")


# --- the text digest: coverage gaps, the last line, the lines of a location ------------


def _day_digest(*locations: LocationDigest, coverage: tuple[Coverage, ...] = ()) -> dg.Digest:
    return dg.Digest(dg.day_period(_z(21).date()), _z(22, 6), locations, coverage, (), True)


def test_two_coverage_gaps_are_two_lines_of_the_gaps_cell() -> None:
    gaps = (Gap(_z(21, 1), _z(21, 2)), Gap(_z(21, 5), _z(21, 8), "timeout"))
    cov = Coverage("faa", "US", timedelta(hours=1), False, 24, 20, 0, 4, gaps)
    lines = render.render_text(_day_digest(coverage=(cov,))).splitlines()
    cells = [ln.split("│")[3].strip() for ln in lines if ln.count("│") == 4]
    assert cells == ["01:00Z to 02:00Z (1.0 h)", "05:00Z to 08:00Z (3.0 h): timeout"]


def test_the_text_digest_ends_with_one_newline() -> None:
    out = render.render_text(_day_digest(LocationDigest("EGLL", None)))
    assert out.endswith("┘\n") and out.count("\n") == len(out.splitlines())


def _when(hh: int) -> Bounded:
    """Seen between ``hh``:00Z and the next hour, no NOTAM time of its own."""
    return Bounded(_z(21, hh + 1), _z(21, hh))


def test_a_notam_imposed_twice_is_quoted_once_and_a_nameless_one_is_a_question_mark() -> None:
    """A NOTAM whose D) window opens twice in the period: its text is quoted the first time
    only, also among the notable NOTAMs; a lift of a restriction with neither id nor key
    says ``[?]``; a category reads with spaces, a NOTAM without one is ``other``."""
    key, text = "X:A0001/25", "AD CLSD"
    again = (Imposed("EGLL", "aerodrome_closed", key, "A0001/25", _when(h), text) for h in (1, 5))
    lasted = (timedelta(hours=1), timedelta(hours=2))
    loc = LocationDigest(
        "EGLL",
        None,
        imposed=tuple(again),
        lifted=(Lifted("EGLL", "runway_closed", None, None, _when(0), _when(3), lasted),),
        notable=(
            Notable("published", key, "A0001/25", "aerodrome_closed", _when(0), text),
            Notable("published", None, None, None, _when(7), "GPS OUTAGES"),
        ),
    )
    assert words._lines_for(loc, _day_digest(loc)) == [
        ("Imposed", [
            'aerodrome closed between 01:00Z and 02:00Z [A0001/25]: "AD CLSD"',
            "aerodrome closed between 05:00Z and 06:00Z [A0001/25]",
        ]),
        ("Lifted", ["runway closed between 03:00Z and 04:00Z [?], in force 1h 00m to 2h 00m"]),
        ("Notable NOTAMs", [
            "published: A0001/25 (aerodrome closed) between 00:00Z and 01:00Z",
            'published: ? (other) between 07:00Z and 08:00Z: "GPS OUTAGES"',
        ]),
    ]  # fmt: skip
