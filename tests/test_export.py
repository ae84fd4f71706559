"""The export builders, each read back by its own format's parser: icalendar reads the
calendar, feedparser the Atom feed, shapely the GeoJSON (and json its text)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import shapely.geometry as sg
from icalendar import Calendar

from notam_log.core.export import atom, geojson, ics
from notam_log.core.models import Episode, Event, Notam

EVIL = "RWY 09L CLSD, see ; also\n<script>x</script> \x1b[31m\x00 ${alert(1)} `tick` \\u"
POSITIONS = {"EGLL": (51.4775, -0.461389), "EGKK": (51.148056, -0.190278)}
NAMES = {"EGLL": "London Heathrow Airport"}


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def closed() -> Notam:
    return Notam(
        key="EGGN:A1918/25", id="A1918/25", locations=("EGLL",), category="aerodrome_closed",
        restriction=True, start=z("2025-03-21T01:43Z"), end=z("2025-03-21T23:59Z"),
        lat=51.47, lon=-0.45, radius_nm=5, text="AD CLSD DUE TO FIRE" + EVIL, qcode="QFALC",
    )  # fmt: skip


def nightly() -> Notam:
    return Notam(
        key="EGGN:A2000/25", id="A2000/25", locations=("EGKK",), category="runway_closed",
        restriction=True, start=z("2025-03-20T00:00Z"), end=z("2025-03-25T00:00Z"),
        schedule="DAILY 2200-0600", text="RWY 08R/26L CLSD",
    )  # fmt: skip


def ended_episode() -> Episode:
    return Episode(
        "EGLL", start_by=z("2025-03-21T02:00Z"), start_after=z("2025-03-21T01:00Z"),
        start_effective=z("2025-03-21T01:43Z"), end_by=z("2025-03-22T00:00Z"),
        end_after=z("2025-03-21T23:00Z"), end_effective=z("2025-03-21T23:59Z"),
        categories=((z("2025-03-21T01:43Z"), "aerodrome_closed"),
                    (z("2025-03-21T06:00Z"), "aerodrome_limited")),
        keys=("EGGN:A1918/25", "EGGN:A1936/25"),
    )  # fmt: skip


def open_episode() -> Episode:
    return Episode(
        "EGKK", start_by=z("2025-03-21T23:00Z"), start_after=z("2025-03-21T22:00Z"),
        start_effective=z("2025-03-21T22:00Z"),
        categories=((z("2025-03-21T22:00Z"), "runway_closed"),), keys=("EGGN:A2000/25",),
    )  # fmt: skip


# --------------------------------------------------------------------------- iCalendar


def build_ics(now: datetime) -> bytes:
    return ics.calendar(
        [ended_episode(), open_episode()], [closed(), nightly()], now,
        notams={n.key: n for n in (closed(), nightly())}, names=NAMES,
        position=POSITIONS.get,
    )  # fmt: skip


def vevents(data: bytes) -> list[Any]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def test_ics_reads_back_with_one_event_per_episode_and_planned_window() -> None:
    now = z("2025-03-22T07:00Z")
    data = build_ics(now)
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and "notam-log" in str(cal["PRODID"])
    evs = vevents(data)
    uids = [str(e["UID"]) for e in evs]
    assert len(uids) == len(set(uids))
    kinds = [("planned" in [str(c) for c in e["CATEGORIES"].cats]) for e in evs]
    assert kinds.count(False) == 2  # the two episodes
    past = evs[0]
    assert past["DTSTART"].dt == z("2025-03-21T01:43Z")  # the NOTAM's time, inside the bounds
    assert past["DTEND"].dt == z("2025-03-21T23:59Z")
    assert str(past["STATUS"]) == "CONFIRMED"
    assert str(past["SUMMARY"]) == (
        "EGLL London Heathrow Airport: aerodrome closed → aerodrome limited"
    )
    desc = str(past["DESCRIPTION"])
    assert "Began between 2025-03-21 01:00Z and 02:00Z (the NOTAM says 2025-03-21 01:43Z)" in desc
    assert "Ended between 2025-03-21 23:00Z and 2025-03-22 00:00Z" in desc
    assert "A1918/25 (EGGN:A1918/25): AD CLSD DUE TO FIRE" in desc
    assert "EGGN:A1936/25: (its text is not in the log)" in desc
    # feed text: kept as text (comma, semicolon, line break survive the escaping) ...
    assert "RWY 09L CLSD, see ; also\n<script>x</script>" in desc
    assert "\x1b" not in desc and "\x00" not in desc  # ... without control characters
    assert tuple(float(x) for x in (past["GEO"].latitude, past["GEO"].longitude)) == (
        51.4775, -0.461389,
    )  # fmt: skip
    ongoing = evs[1]
    assert ongoing["DTEND"].dt == now and "(in force)" in str(ongoing["SUMMARY"])
    assert "Still in force when this calendar was written (2025-03-22 07:00Z)" in str(
        ongoing["DESCRIPTION"]
    )


def test_ics_planned_windows_are_the_future_item_d_windows_marked_planned() -> None:
    now = z("2025-03-22T07:00Z")
    planned = [e for e in vevents(build_ics(now)) if str(e["STATUS"]) == "TENTATIVE"]
    starts = [(e["DTSTART"].dt, e["DTEND"].dt) for e in planned]
    # A1918/25 ended before now; A2000/25's nightly windows from the 22nd on
    assert starts == [
        (z("2025-03-22T22:00Z"), z("2025-03-23T06:00Z")),
        (z("2025-03-23T22:00Z"), z("2025-03-24T06:00Z")),
        (z("2025-03-24T22:00Z"), z("2025-03-25T00:00Z")),
    ]
    for e in planned:
        assert str(e["SUMMARY"]).startswith("Planned: EGKK: runway closed (A2000/25)")
        assert "planned" in [str(c) for c in e["CATEGORIES"].cats]
        assert "RWY 08R/26L CLSD" in str(e["DESCRIPTION"])


def test_ics_uids_are_stable_between_exports_and_lines_are_folded() -> None:
    a, b = build_ics(z("2025-03-22T07:00Z")), build_ics(z("2025-03-22T08:00Z"))
    assert [str(e["UID"]) for e in vevents(a)] == [str(e["UID"]) for e in vevents(b)]
    assert str(vevents(a)[0]["UID"]) == "episode-EGLL-20250321T020000Z@notam-log"
    assert all(len(line) <= 75 for line in a.split(b"\r\n")), "RFC 5545 3.1: 75 octets"
    assert a.endswith(b"END:VCALENDAR\r\n")


def test_ics_uid_of_hostile_location_is_a_hash() -> None:
    ep = Episode("EG\r\nLL;X", start_by=z("2025-03-21T02:00Z"))
    (e,) = vevents(ics.calendar([ep], [], z("2025-03-22T00:00Z")))
    uid = str(e["UID"])
    assert uid.startswith("episode-") and "\n" not in uid and ";" not in uid


# --------------------------------------------------------------------------- Atom


def events() -> list[Event]:
    return [
        Event("restriction_imposed", "nats-uk", z("2025-03-21T02:00Z"), "EGGN:A1918/25",
              "A1918/25", ("EGLL",), "aerodrome_closed", z("2025-03-21T01:00Z"),
              z("2025-03-21T01:43Z"), seq=7),
        Event("published", "nats-uk", z("2025-03-21T02:00Z"), "EGGN:A1918/25", "A1918/25",
              ("EGLL",), "aerodrome_closed", z("2025-03-21T01:00Z"), z("2025-03-21T01:43Z"),
              {"text": EVIL}, seq=6),
        Event("restriction_lifted", "nats-uk", z("2025-03-22T00:00Z"), "EGGN:A1943/25",
              "A1943/25", ("EGLL",), "aerodrome_limited", z("2025-03-21T23:00Z"),
              z("2025-03-21T23:59Z"), seq=9),
    ]  # fmt: skip


def test_atom_reads_back_newest_first_with_bounded_times_and_text() -> None:
    data = atom.feed(
        events(), z("2025-03-22T07:00Z"), texts={"EGGN:A1943/25": "AD AVBL FOR ALL OPS"},
        names=NAMES,
    )  # fmt: skip
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    assert parsed.feed.updated == "2025-03-22T00:00:00+00:00"  # the newest event, not now
    titles = [e.title for e in parsed.entries]
    assert titles == [
        "EGLL: restriction lifted: aerodrome limited (A1943/25)",
        "EGLL: restriction imposed: aerodrome closed (A1918/25)",
        "EGLL: published: aerodrome closed (A1918/25)",
    ]
    lifted, imposed, published = parsed.entries
    assert "When: between 2025-03-21 23:00Z and 2025-03-22 00:00Z;" in lifted.content[0].value
    assert "the NOTAM says 2025-03-21 23:59Z" in lifted.content[0].value
    assert "AD AVBL FOR ALL OPS" in lifted.content[0].value
    assert "EGLL London Heathrow Airport" in imposed.content[0].value
    text = published.content[0].value
    assert "<script>x</script>" in text and "${alert(1)}" in text  # text, not markup
    assert published.content[0].type == "text/plain"
    assert "\x1b" not in text and "\x00" not in text
    assert [t.term for t in lifted.tags] == ["restriction_lifted", "aerodrome_limited"]


def test_atom_entry_ids_are_stable_and_unique() -> None:
    evs = events()
    a = feedparser.parse(atom.feed(evs, z("2025-03-22T07:00Z")))
    b = feedparser.parse(atom.feed(list(reversed(evs)), z("2025-03-23T07:00Z")))
    ids = [e.id for e in a.entries]
    assert ids == [e.id for e in b.entries] and len(set(ids)) == 3
    assert all(i.startswith("urn:uuid:") for i in ids)
    assert a.feed.id == b.feed.id
    assert atom.entry_id(replace(evs[0], seq=999)) == atom.entry_id(evs[0])  # not the row id
    assert atom.entry_id(replace(evs[0], observed_at=z("2025-03-21T03:00Z"))) != atom.entry_id(
        evs[0]
    )


def test_atom_of_no_events_is_a_valid_feed_dated_now() -> None:
    parsed = feedparser.parse(atom.feed([], z("2025-03-22T07:00Z")))
    assert not parsed.bozo and parsed.entries == []
    assert parsed.feed.updated == "2025-03-22T07:00:00+00:00"


# --------------------------------------------------------------------------- GeoJSON


def collection() -> dict[str, Any]:
    unplaced = Notam(key="XXXX:A1/25", id="A1/25", locations=("ZZZZ",), text="NOWHERE")
    aerodrome = Notam(key="EGGN:A3/25", id="A3/25", locations=("EGKK",), text="BY AD")
    items = [geojson.NotamItem(n) for n in (closed(), aerodrome, unplaced)]
    eps = [ended_episode(), open_episode(), Episode("ZZZZ", start_by=z("2025-03-21T02:00Z"))]
    return geojson.feature_collection(
        items, eps, z("2025-03-22T12:00Z"), position=POSITIONS.get, names=NAMES
    )


def test_geojson_reads_back_and_every_geometry_is_valid() -> None:
    fc = json.loads(geojson.dumps(collection()))
    assert fc["type"] == "FeatureCollection"
    feats = fc["features"]
    assert [f["properties"]["feature"] for f in feats] == ["notam"] * 3 + ["episode"] * 3
    for f in feats:
        assert f["type"] == "Feature"
        if f["geometry"] is not None:
            assert sg.shape(f["geometry"]).is_valid
    circle, by_ad, nowhere = feats[:3]
    assert circle["geometry"]["type"] == "Polygon"
    assert circle["properties"]["geometry_from"] == "circle"
    assert circle["properties"]["center"] == [-0.45, 51.47]
    assert circle["properties"]["radius_nm"] == 5
    assert sg.shape(circle["geometry"]).contains(sg.Point(-0.45, 51.47))
    assert circle["properties"]["start"] == "2025-03-21T01:43:00Z"
    assert circle["properties"]["text"].startswith("AD CLSD DUE TO FIRE")
    assert "\x1b" not in circle["properties"]["text"]
    assert by_ad["geometry"] == {"type": "Point", "coordinates": [-0.190278, 51.148056]}
    assert by_ad["properties"]["geometry_from"] == "aerodrome"
    assert nowhere["geometry"] is None and nowhere["properties"]["text"] == "NOWHERE"
    heathrow = feats[3]
    assert heathrow["geometry"]["coordinates"] == [-0.461389, 51.4775]  # longitude first
    assert heathrow["properties"]["name"] == "London Heathrow Airport"
    assert heathrow["properties"]["ongoing"] is False
    assert feats[4]["properties"]["ongoing"] is True
    assert feats[5]["geometry"] is None


def test_geojson_windows_and_geometry_column_text() -> None:
    f = geojson.notam_feature(geojson.NotamItem(nightly()), POSITIONS.get)
    assert f["properties"]["windows"][0] == ["2025-03-20T00:00:00Z", "2025-03-20T06:00:00Z"]
    assert geojson.geometry_json(nightly()) is None  # no Q-line position
    text = geojson.geometry_json(closed())
    assert text is not None and sg.shape(json.loads(text)).geom_type == "Polygon"


def test_geojson_of_nothing_in_force() -> None:
    fc = geojson.feature_collection([], [], z("2025-03-21T12:00Z") + timedelta(days=1))
    assert fc == {"type": "FeatureCollection", "at": "2025-03-22T12:00:00Z", "features": []}
