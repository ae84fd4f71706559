"""Announced restrictions (pure): each announced episode checked against the NOTAM log:
confirmed, not in the NOTAMs, or no NOTAM coverage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notam_log.core import announced as an
from notam_log.core import known as cv
from notam_log.core.models import Episode


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


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
