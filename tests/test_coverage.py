"""Coverage (pure): which scopes answer for a location, and which times their complete
polls vouch for. Unknown is never "not restricted"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notam_log.core import known as cv
from notam_log.core.config import SourceConfig
from notam_log.sources import reach_of


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def hourly(first: str, n: int, skip: frozenset[int] = frozenset()) -> tuple[datetime, ...]:
    start = z(first)
    return tuple(start + timedelta(hours=i) for i in range(n) if i not in skip)


UK = cv.Reach(prefixes=("EG",), label="the UK FIRs (EG..)")


def uk(
    complete: tuple[datetime, ...], attempts: tuple[datetime, ...] | None = None
) -> cv.ScopeHistory:
    return cv.ScopeHistory("nats-uk", "UK", UK, attempts or complete, complete)


def test_reach_by_prefix_location_and_area() -> None:
    assert UK.covers("EGLL") and UK.covers("egkk") and not UK.covers("USII")
    one = cv.Reach(locations=frozenset({"USII"}))
    assert one.covers("USII") and not one.covers("USSS")
    izhevsk = (56.8281, 53.4575)
    area = cv.Reach(areas=(cv.Circle(56.83, 53.46, 25),))
    assert area.covers("USII", izhevsk)
    assert not area.covers("UUEE", (55.97, 37.41))  # Moscow, 600 NM away
    assert not area.covers("USII")  # no position: not known to be inside
    assert cv.held(["EGLL", "egkk"]).covers("EGKK") and not cv.held([]).covers("EGLL")


def test_each_adapter_says_what_it_covers() -> None:
    def cfg(kind: str, **kw: object) -> SourceConfig:
        return SourceConfig(kind=kind, name=kind, **kw)  # type: ignore[arg-type]

    nats = reach_of(cfg("nats_pib"), "UK")
    assert nats is not None and nats.covers("EGLL") and not nats.covers("USII")
    search = reach_of(cfg("faa_search", locations=("USII",)), "USII")
    assert search is not None and search.covers("USII") and not search.covers("EGLL")
    area = reach_of(cfg("faa_search"), "AREA 56.8283,53.4575 25NM")
    assert area is not None and area.covers("USII", (56.8281, 53.4575))
    for kind in ("faa_nms", "faa_api_v1", "icao_api"):
        r = reach_of(cfg(kind), "UUEE")
        assert r is not None and r.covers("UUEE") and not r.covers("USII"), kind
    tfr = reach_of(cfg("faa_tfr"), "TFR")
    assert tfr is not None and tfr.empty and not tfr.covers("KJFK")
    assert reach_of(cfg("file"), "anything") is None  # left to the data
    assert reach_of(cfg("no_such_kind"), "X") is None


def test_consecutive_complete_polls_vouch_for_the_time_between() -> None:
    polls = hourly("2025-03-21T00:00Z", 6)
    got = cv.vouched(polls, timedelta(minutes=90), z("2025-03-22T00:00Z"))
    assert got == [(z("2025-03-21T00:00Z"), z("2025-03-21T05:00Z"))]  # not up to now


def test_a_gap_is_unknown_whole() -> None:
    """Missing bulletins: the whole gap is unknown, not the part after the tolerance."""
    polls = hourly("2025-03-21T00:00Z", 10, skip=frozenset({3, 4, 5}))
    got = cv.vouched(polls, timedelta(minutes=90), z("2025-03-22T00:00Z"))
    assert got == [
        (z("2025-03-21T00:00Z"), z("2025-03-21T02:00Z")),
        (z("2025-03-21T06:00Z"), z("2025-03-21T09:00Z")),
    ]


def test_the_last_poll_vouches_up_to_now_only_while_fresh() -> None:
    polls = hourly("2025-03-21T00:00Z", 3)
    fresh = cv.vouched(polls, timedelta(minutes=90), z("2025-03-21T03:00Z"))
    assert fresh == [(z("2025-03-21T00:00Z"), z("2025-03-21T03:00Z"))]
    stale = cv.vouched(polls, timedelta(minutes=90), z("2025-03-21T04:00Z"))
    assert stale == [(z("2025-03-21T00:00Z"), z("2025-03-21T02:00Z"))]
    # polls "after now" (a clock put back) vouch for nothing yet
    assert cv.vouched(polls, timedelta(hours=1), z("2025-03-20T00:00Z")) == []


def test_cadence_is_the_usual_spacing_of_attempts() -> None:
    """A replayed hourly archive is judged hourly whatever the configuration says; a live
    source whose polls mostly fail keeps its short cadence (its failures are gaps)."""
    attempts = hourly("2025-03-21T00:00Z", 6)
    s = cv.ScopeHistory("nats-uk", "UK", UK, attempts, attempts, interval=timedelta(minutes=15))
    assert s.cadence == timedelta(hours=1) and s.tolerance == timedelta(minutes=90)
    every15 = tuple(z("2025-03-21T00:00Z") + timedelta(minutes=15 * i) for i in range(12))
    sparse = cv.ScopeHistory("x", "UK", UK, every15, every15[::4])
    assert sparse.cadence == timedelta(minutes=15)
    assert sparse.windows(z("2025-03-21T03:00Z")) == [(t, t) for t in every15[::4]]
    lone = cv.ScopeHistory("x", "UK", UK, every15[:1], every15[:1], interval=timedelta(hours=2))
    assert lone.cadence == timedelta(hours=2)
    assert cv.ScopeHistory("x", "UK", UK, every15[:1], every15[:1]).cadence == timedelta(hours=1)


def test_a_place_no_source_covers_is_unknown_never_clear() -> None:
    now = z("2025-03-23T00:00Z")
    scope = uk(hourly("2025-03-20T00:00Z", 60))
    usii = cv.coverage("USII", [scope], z("2025-03-21T00:00Z"), z("2025-03-22T00:00Z"), now)
    assert usii.state == "unknown" and not usii.covered and usii.covering == ()
    assert usii.last_complete is None
    warning = usii.warning()
    assert warning is not None and warning.startswith("USII: unknown from 2025-03-21 00:00Z")
    assert "no source covers it" in warning and warning.endswith("covered it: never")
    assert usii.unknown == [(z("2025-03-21T00:00Z"), z("2025-03-22T00:00Z"))]
    assert cv.nothing_covers([usii])


def test_a_covered_place_and_its_known_windows() -> None:
    now = z("2025-03-23T00:00Z")
    scope = uk(hourly("2025-03-20T00:00Z", 60))
    egll = cv.coverage("EGLL", [scope], z("2025-03-21T00:00Z"), z("2025-03-22T00:00Z"), now)
    assert egll.state == "covered" and egll.warning() is None
    assert egll.sources == ("nats-uk (UK)",)
    assert egll.known_part(z("2025-03-21T10:00Z"), z("2025-03-21T10:30Z")) == timedelta(minutes=30)
    data = egll.to_json()
    assert data["state"] == "covered" and data["unknown"] == [] and data["covered"] is True
    assert not cv.nothing_covers([egll])


def test_after_the_last_poll_is_unknown_and_named() -> None:
    """The Heathrow replay's database asked about today: its last poll was in March 2025."""
    scope = uk(hourly("2025-03-20T00:00Z", 78))
    today = z("2026-12-04T10:00Z")
    at = cv.coverage("EGLL", [scope], today, today, today)
    assert at.instant and at.state == "unknown"
    assert at.last_complete == z("2025-03-23T05:00Z")
    warning = at.warning()
    assert warning is not None
    assert (
        "EGLL: unknown at 2026-12-04 10:00Z (no complete poll of a source covering it)" in warning
    )
    assert warning.endswith("2025-03-23 05:00Z (nats-uk (UK))")
    inside = cv.coverage("EGLL", [scope], z("2025-03-21T12:00Z"), z("2025-03-21T12:00Z"), today)
    assert inside.state == "covered"


def test_partly_covered_period() -> None:
    """The 23 March 2025 of the shared bulletins: polls to 05:00Z, then 19 hours unknown."""
    scope = uk(hourly("2025-03-20T00:00Z", 78))
    day = cv.coverage(
        "EGLL", [scope], z("2025-03-23T00:00Z"), z("2025-03-24T00:00Z"), z("2025-03-25T00:00Z")
    )
    assert day.state == "partly"
    assert day.unknown == [(z("2025-03-23T05:00Z"), z("2025-03-24T00:00Z"))]
    assert "unknown for 19h 00m" in (day.warning() or "")
    assert not cv.nothing_covers([day])


def test_any_covering_scope_counts_and_the_newest_poll_is_named() -> None:
    a = cv.ScopeHistory("faa-search", "USII", cv.Reach(locations=frozenset({"USII"})),
                        hourly("2025-11-14T00:00Z", 6), hourly("2025-11-14T00:00Z", 6))  # fmt: skip
    b = cv.ScopeHistory("ru-ais", "K", cv.Reach(prefixes=("U",)),
                        hourly("2025-11-14T04:00Z", 6), hourly("2025-11-14T04:00Z", 6))  # fmt: skip
    now = z("2025-11-15T00:00Z")
    c = cv.coverage("USII", [a, b, uk(())], z("2025-11-14T00:00Z"), z("2025-11-14T09:00Z"), now)
    assert c.state == "covered" and set(c.sources) == {"faa-search (USII)", "ru-ais (K)"}
    assert c.covering == ("faa-search (USII)", "ru-ais (K)")
    assert c.last_complete == z("2025-11-14T09:00Z") and c.last_source == "ru-ais (K)"


def test_the_question_about_every_source() -> None:
    scope = uk(hourly("2025-03-20T00:00Z", 3))
    now = z("2026-01-01T00:00Z")
    c = cv.coverage(None, [scope], now, now, now)
    assert c.state == "unknown" and (c.warning() or "").startswith("unknown at 2026-01-01")
    assert cv.coverage(None, [], now, now, now).last_text() == "never"


@pytest.mark.parametrize(
    ("known", "gaps"),
    [
        ([], [("00", "10")]),
        ([("00", "10")], []),
        ([("02", "03"), ("05", "12")], [("00", "02"), ("03", "05")]),
        ([("03", "03")], [("00", "03"), ("03", "10")]),
    ],
)
def test_gaps(known: list[tuple[str, str]], gaps: list[tuple[str, str]]) -> None:
    def t(h: str) -> datetime:
        return z(f"2025-03-21T{h}:00Z")

    got = cv.gaps([(t(a), t(b)) for a, b in known], t("00"), t("10"))
    assert got == [(t(a), t(b)) for a, b in gaps]
