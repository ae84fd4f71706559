"""Announced restrictions (pure): episodes from synthetic ``announced_*`` events, and each
one checked against the NOTAM log: confirmed, not in the NOTAMs, or no NOTAM coverage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from notam_log.core import announced as an
from notam_log.core import known as cv
from notam_log.core.models import Episode, Event


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


_seq = iter(range(1, 10_000))


def post(kind: str, key: str, at: str, *locs: str, seen: str | None = None, **detail: Any) -> Event:
    """An announced event as the telegram source logs it (effective_at: the stated time)."""
    return Event(
        kind=f"announced_{kind}",
        source="favt",
        observed_at=z(seen or at) + timedelta(minutes=3),
        key=key,
        locations=locs or ("USII",),
        effective_at=z(at),
        detail={"url": f"https://t.me/{key}", **detail},
        seq=next(_seq),
    )


def test_imposed_then_lifted_make_one_episode() -> None:
    (ep,) = an.episodes(
        [
            post("imposed", "favt_info/8287", "2025-11-15T02:30Z"),
            post("lifted", "favt_info/8290", "2025-11-15T03:50Z"),
        ]
    )
    assert (ep.location, ep.start, ep.end) == (
        "USII",
        z("2025-11-15T02:30Z"),
        z("2025-11-15T03:50Z"),
    )
    assert ep.keys == ("favt_info/8287",) and ep.end_key == "favt_info/8290"
    assert ep.url == "https://t.me/favt_info/8287"
    assert ep.lasted(z("2025-11-16T00:00Z")) == timedelta(hours=1, minutes=20)


def test_a_lift_that_replies_closes_the_post_it_answers() -> None:
    """Two airports announced in two posts; the lift of the first replies to it."""
    events = [
        post("imposed", "favt_info/1", "2025-11-15T02:00Z", "USII"),
        post("imposed", "favt_info/2", "2025-11-15T02:10Z", "USII", "UWKD"),
        post("lifted", "favt_info/3", "2025-11-15T03:00Z", "USII", reply_to=1),
        post(
            "lifted",
            "favt_info/4",
            "2025-11-15T04:00Z",
            "UWKD",
            reply_to="https://t.me/favt_info/2",
        ),
    ]
    eps = an.episodes(events)
    by = {(e.location, e.keys[0]): e for e in eps}
    # USII: the second imposition joined the open one; the reply closes it at 03:00
    assert by[("USII", "favt_info/1")].keys == ("favt_info/1", "favt_info/2")
    assert by[("USII", "favt_info/1")].end == z("2025-11-15T03:00Z")
    assert by[("UWKD", "favt_info/2")].end == z("2025-11-15T04:00Z")
    assert len(eps) == 2


def test_a_new_announcement_after_a_lift_is_a_new_episode() -> None:
    events = [
        post("imposed", "favt_info/10", "2025-11-15T01:00Z", "USII"),
        post("lifted", "favt_info/11", "2025-11-15T01:30Z", "USII"),
        post("imposed", "favt_info/12", "2025-11-15T02:00Z", "USII"),
        post("lifted", "favt_info/13", "2025-11-15T05:00Z", "USII", reply_to="favt_info/12"),
        post("lifted", "korenyako/14", "2025-11-15T05:10Z", "USII"),  # the same lift, again
    ]
    eps = an.episodes(events)
    assert [(e.keys, e.end_key) for e in eps] == [
        (("favt_info/10",), "favt_info/11"),
        (("favt_info/12",), "favt_info/13"),
    ]


def test_open_announcement_and_orphan_lift_and_coordination() -> None:
    events = [
        post("lifted", "korenyako/5", "2025-11-15T01:00Z", "UUEE"),  # nothing open: no episode
        post("coordination", "favt_info/6", "2025-11-15T01:10Z", "UUEE"),
        post("imposed", "favt_info/7", "2025-11-15T02:00Z", "USSS"),
    ]
    (ep,) = an.episodes(events)
    assert ep.location == "USSS" and ep.open and ep.end is None
    assert an.in_force([ep], z("2025-11-15T03:00Z")) == [ep]
    assert an.in_force([ep], z("2025-11-15T01:00Z")) == []
    assert [e.key for e in an.coordination(events)["UUEE"]] == ["favt_info/6"]


def test_stated_time_orders_posts_not_the_time_seen() -> None:
    """A lift seen before the imposition's late edit still closes it (ordered by stated time)."""
    events = [
        post("lifted", "favt_info/21", "2025-11-15T03:00Z"),
        post("imposed", "favt_info/20", "2025-11-15T02:00Z", seen="2025-11-15T04:00Z"),
    ]
    (ep,) = an.episodes(events)
    assert ep.start == z("2025-11-15T02:00Z") and ep.end == z("2025-11-15T03:00Z")


# --------------------------------------------------------------------------- verdicts

ANN = an.Announced("USII", z("2025-11-15T02:30Z"), ("favt_info/8287",), "favt",
                   end=z("2025-11-15T03:50Z"), end_key="favt_info/8290")  # fmt: skip
NOW = z("2025-11-16T00:00Z")


def cover(*polls: str, reach: cv.Reach | None = None) -> cv.LocationCoverage:
    times = tuple(z(p) for p in polls)
    scope = cv.ScopeHistory(
        "ru-ais", "K", reach or cv.Reach(prefixes=("U",)), times, times, timedelta(hours=1)
    )
    return cv.coverage("USII", [scope], ANN.start, ANN.end or NOW, NOW)


def hourly_polls(first: str, last: str) -> list[str]:
    t, end, out = z(first), z(last), []
    while t <= end:
        out.append(t.isoformat())
        t += timedelta(hours=1)
    return out


def notam_episode(
    start: str, end: str | None, loc: str = "USII", key: str = "UWUU:A1234/25"
) -> Episode:
    return Episode(
        location=loc,
        start_after=z(start) - timedelta(hours=1),
        start_by=z(start) + timedelta(minutes=5),
        start_effective=z(start),
        end_after=z(end) - timedelta(minutes=30) if end else None,
        end_by=z(end) + timedelta(minutes=5) if end else None,
        end_effective=z(end) if end else None,
        categories=((z(start), "aerodrome_closed"),),
        keys=(key,),
    )


def test_confirmed_names_the_notam() -> None:
    polls = hourly_polls("2025-11-15T00:00Z", "2025-11-15T06:00Z")
    v = an.verdict(
        ANN, [notam_episode("2025-11-15T02:40Z", "2025-11-15T04:00Z")], cover(*polls), NOW
    )
    assert v.kind == "confirmed" and v.notams == ("UWUU:A1234/25",)
    assert "UWUU:A1234/25" in v.text
    assert v.to_json()["verdict"] == "confirmed"


def test_not_in_the_notams_needs_complete_polls_over_the_whole_period() -> None:
    polls = hourly_polls("2025-11-15T00:00Z", "2025-11-15T06:00Z")
    elsewhere = notam_episode("2025-11-15T02:40Z", "2025-11-15T04:00Z", loc="UUEE")
    earlier = notam_episode("2025-11-14T02:40Z", "2025-11-14T04:00Z")
    v = an.verdict(ANN, [elsewhere, earlier], cover(*polls), NOW)
    assert v.kind == "not_in_notams" and v.notams == ()
    assert "ru-ais (K) had complete polls" in v.text


def test_no_coverage_is_unknown_not_not_in_notams() -> None:
    # polls stop at 03:00: the end of the announced period is not vouched for
    partly = cover(*hourly_polls("2025-11-15T00:00Z", "2025-11-15T03:00Z"))
    v = an.verdict(ANN, [], partly, NOW)
    assert v.kind == "no_coverage" and "unknown" in v.text and "all of it" in v.text
    # a source that does not cover Izhevsk, polled all along
    uk = cover(
        *hourly_polls("2025-11-15T00:00Z", "2025-11-15T06:00Z"), reach=cv.Reach(prefixes=("EG",))
    )
    assert an.verdict(ANN, [], uk, NOW).kind == "no_coverage"
    # nothing at all
    assert an.verdict(ANN, [], cover(), NOW).text == "no NOTAM coverage (unknown)"


def test_an_open_announcement_is_judged_up_to_now_and_an_ongoing_notam_overlaps() -> None:
    open_ann = an.Announced("USII", z("2025-11-15T02:30Z"), ("favt_info/1",), "favt")
    ongoing = notam_episode("2025-11-15T05:00Z", None)
    v = an.verdict(open_ann, [ongoing], cover(), z("2025-11-15T06:00Z"))
    assert v.kind == "confirmed"
    line = an.line(open_ann, v, z("2025-11-15T06:00Z"))
    assert "not lifted (announced 3h 30m ago)" in line and "confirmed by NOTAM" in line


def test_line_of_a_lifted_announcement() -> None:
    v = an.Verdict("no_coverage", (), None)
    line = an.line(ANN, v, NOW)
    assert line == (
        "announced 2025-11-15 02:30Z (favt_info/8287), lifted 2025-11-15 03:50Z"
        " (favt_info/8290), 1h 20m: no NOTAM coverage (unknown)"
    )


def test_an_episode_the_log_recorded_is_judged_alike() -> None:
    from notam_log.core.models import AnnouncedEpisode

    logged = AnnouncedEpisode(
        location="USII", start=z("2025-11-15T02:30Z"), start_by=z("2025-11-15T02:35Z"),
        start_key="favt_info/8287", end=z("2025-11-15T03:50Z"), end_key="favt_info/8290",
        keys=("favt_info/8287",),
    )  # fmt: skip
    a = an.from_logged(logged)
    assert (a.location, a.start, a.end, a.keys, a.end_key) == (
        "USII", z("2025-11-15T02:30Z"), z("2025-11-15T03:50Z"), ("favt_info/8287",), "favt_info/8290",
    )  # fmt: skip
    assert a.url == "https://t.me/favt_info/8287"
    assert an.verdict(a, [], cover(), NOW).kind == "no_coverage"


def daily(*bulletins: str) -> cv.LocationCoverage:
    """A daily bulletin series (about 00:53Z) covering Russian aerodromes."""
    times = tuple(z(b) for b in bulletins)
    scope = cv.ScopeHistory("ru-ais", "series C", cv.Reach(prefixes=("U",)), times, times,
                            timedelta(days=1))  # fmt: skip
    return cv.coverage("USII", [scope], ANN.start, ANN.end or NOW, NOW)


def test_bulletins_before_and_after_only_are_no_coverage() -> None:
    """A two-hour announced closure between two daily bulletins: they vouch for the day
    around it, but a NOTAM published and cancelled between them is in neither."""
    around = daily("2025-11-14T00:53Z", "2025-11-15T00:53Z", "2025-11-16T00:53Z")
    assert around.covered and around.inside == ()
    v = an.verdict(ANN, [], around, NOW)
    assert v.kind == "no_coverage" and "no complete poll of a NOTAM source during it" in v.text
    assert v.to_json()["polls_inside"] == []


def test_a_bulletin_inside_the_announcement_makes_it_not_in_the_notams() -> None:
    inside = daily("2025-11-14T00:53Z", "2025-11-15T00:53Z", "2025-11-15T03:00Z",
                   "2025-11-16T00:53Z")  # fmt: skip
    assert inside.inside == ((z("2025-11-15T03:00Z"), "ru-ais (series C)"),)
    v = an.verdict(ANN, [], inside, NOW)
    assert v.kind == "not_in_notams" and v.to_json()["polls_inside"] == [
        {"at": "2025-11-15T03:00:00Z", "scope": "ru-ais (series C)"}
    ]
    # the same bulletins with a restriction NOTAM overlapping it: confirmed, named
    closure = notam_episode("2025-11-15T03:30Z", "2025-11-15T05:00Z", key="UUUU:C1234/25")
    v = an.verdict(ANN, [closure], inside, NOW)
    assert v.kind == "confirmed" and v.notams == ("UUUU:C1234/25",)
    assert v.short == "confirmed: C1234/25"


def test_a_logged_episode_lists_its_announcing_posts_apart_from_its_lift() -> None:
    from notam_log.core.models import AnnouncedEpisode

    logged = AnnouncedEpisode(
        location="USII", start=z("2025-11-15T02:30Z"), start_by=z("2025-11-15T02:35Z"),
        start_key="favt_info/8287", end=z("2025-11-15T03:50Z"), end_key="favt_info/8290",
        keys=("favt_info/8287", "korenyako/12", "favt_info/8290"), name="Ижевск",
        states=((z("2025-11-15T02:30Z"), "imposed"),), end_reason="lifted",
    )  # fmt: skip
    a = an.from_logged(logged)
    assert a.keys == ("favt_info/8287", "korenyako/12") and a.end_key == "favt_info/8290"
    assert a.name == "Ижевск" and a.source == "favt_info"
    assert an.line(a, None, NOW).startswith(
        "announced 2025-11-15 02:30Z (favt_info/8287, korenyako/12), lifted"
    )
    retracted = an.from_logged(
        AnnouncedEpisode(location="USII", start=z("2025-11-15T02:30Z"), start_by=z("2025-11-15T02:35Z"),
                         start_key="favt_info/1", end=z("2025-11-15T02:40Z"), end_key="favt_info/1",
                         keys=("favt_info/1",), end_reason="retracted",
                         states=((z("2025-11-15T02:30Z"), "coordination"),))
    )  # fmt: skip
    assert an.line(retracted, None, NOW).startswith(
        "announced coordination 2025-11-15 02:30Z (favt_info/1), retracted"
    )
