"""The NATS/EAD PIB XML reader on the real Heathrow March 2025 snapshots."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from notam_log.core import validity
from notam_log.core.errors import InputError
from notam_log.core.models import CATEGORIES
from notam_log.core.parse.pib import PibBulletin, PibMemo, parse_pib

DATA = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"
SNAPSHOTS = sorted(DATA.glob("PIB-*.xml.gz"))
NOTAM_ELEMENT = re.compile(rb"<Notam[\s>]")
KEY = re.compile(r"^[A-Z]{4}:[A-Z]\d{4}/\d{2}$")


@cache
def bulletin(name: str) -> PibBulletin:
    return parse_pib((DATA / name).read_bytes())


def find(b: PibBulletin, key: str) -> list:  # type: ignore[type-arg]
    return [n for n in b.notams if n.key == key]


def test_snapshots_are_there() -> None:
    assert len(SNAPSHOTS) == 77


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: p.name[4:19])
def test_every_notam_element_becomes_one_record(path: Path) -> None:
    text = gzip.decompress(path.read_bytes())
    assert b"<ObsoleteNotamList>" not in text  # all empty: every Notam element is current
    expected = len(NOTAM_ELEMENT.findall(text))
    b = parse_pib(path.read_bytes())
    assert len(b.notams) == expected > 500
    assert b.issues == ()
    assert b.issued is not None and b.issued.tzinfo is not None
    for n in b.notams:
        assert n.issues == (), (n.key, n.issues)  # every item of every bulletin reads clean
        assert n.source_format == "pib_xml"
        assert n.category in CATEGORIES
        assert KEY.match(n.key) and n.key.endswith(f":{n.id}"), n.key
        assert n.raw.startswith(f"({n.id} NOTAM{n.type}")


def test_plain_xml_and_gzip_give_the_same_result() -> None:
    raw = (DATA / "PIB-2025-03-21T0200Z.xml.gz").read_bytes()
    assert parse_pib(gzip.decompress(raw)) == parse_pib(raw)


def test_header_times() -> None:
    b = bulletin("PIB-2025-03-21T0200Z.xml.gz")
    assert b.issued == datetime(2025, 3, 21, 2, 0, 5, tzinfo=UTC)
    assert b.valid_from == datetime(2025, 3, 21, 2, 0, 5, tzinfo=UTC)
    assert b.valid_to == datetime(2025, 3, 22, 2, 0, tzinfo=UTC)


def test_heathrow_closure_golden() -> None:
    (n,) = find(bulletin("PIB-2025-03-21T0200Z.xml.gz"), "EGGN:A1918/25")
    assert n.id == "A1918/25"
    assert (n.series, n.number, n.year, n.type, n.ref) == ("A", 1918, 2025, "N", None)
    assert n.start == datetime(2025, 3, 21, 1, 43, tzinfo=UTC)
    assert n.end == datetime(2025, 3, 21, 23, 59, tzinfo=UTC)
    assert not n.permanent and not n.end_estimated
    assert n.qcode == "QFALC"
    assert (n.subject, n.condition) == ("Aerodrome", "Closed")
    assert n.fir == "EGTT"
    assert (n.traffic, n.purpose, n.scope, n.lower, n.upper) == ("IV", "NBO", "A", 0, 999)
    assert (n.lat, n.lon, n.radius_nm) == (pytest.approx(51.48333), pytest.approx(-0.46667), 5)
    assert n.locations == ("EGLL",)
    assert n.text.startswith("AD CLOSED DUE TO A MAJOR INCIDENT")
    assert n.category == "aerodrome_closed"
    assert n.restriction is True
    assert n.issues == ()
    assert n.raw == (
        "(A1918/25 NOTAMN\n"
        "Q) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2503210143 C) 2503212359\n"
        "E) AD CLOSED DUE TO A MAJOR INCIDENT IN THE LOCAL VICINTY AFFECTING \n"
        "POWER SUPPLY)"
    )


def test_heathrow_closure_comes_and_goes() -> None:
    assert not find(bulletin("PIB-2025-03-21T0100Z.xml.gz"), "EGGN:A1918/25")
    assert find(bulletin("PIB-2025-03-21T1600Z.xml.gz"), "EGGN:A1918/25")
    assert not find(bulletin("PIB-2025-03-21T1700Z.xml.gz"), "EGGN:A1918/25")


@pytest.mark.parametrize(
    ("snapshot", "key", "qcode"),
    [
        ("PIB-2025-03-21T1700Z.xml.gz", "EGGN:A1936/25", "QFALT"),
        ("PIB-2025-03-21T1800Z.xml.gz", "EGGN:A1943/25", "QFAXX"),
    ],
)
def test_heathrow_repatriation_is_limited(snapshot: str, key: str, qcode: str) -> None:
    (n,) = find(bulletin(snapshot), key)
    assert n.qcode == qcode
    assert "AD AVBL FOR LIMITED REPATRIATION FLIGHTS" in n.text
    assert n.locations == ("EGLL",)
    assert n.category == "aerodrome_limited"
    assert n.restriction is True


def test_estimated_end() -> None:
    (n,) = find(bulletin("PIB-2025-03-21T0200Z.xml.gz"), "EGGN:U0174/25")
    assert n.end == datetime(2025, 4, 8, 12, 0, tzinfo=UTC)
    assert n.end_estimated is True
    assert "C) 2504081200EST" in n.raw


def test_repeated_item_a_and_perm() -> None:
    (n,) = find(bulletin("PIB-2025-03-20T0000Z.xml.gz"), "EHAM:B0111/25")
    assert n.locations == ("EHAA", "EGTT")
    assert n.permanent is True and n.end is None
    assert n.qcode == "QXXXX"
    assert "A) EHAA EGTT B) 2501311007 C) PERM" in n.raw


def test_notamr_has_its_ref() -> None:
    found = find(bulletin("PIB-2025-03-20T0000Z.xml.gz"), "EGGN:C0891/25")
    assert found  # listed under more than one section
    for n in found:
        assert n.type == "R"
        assert n.ref == "C6770/24"
        assert n.ref_key == "EGGN:C6770/24"
        assert n.raw.startswith("(C0891/25 NOTAMR C6770/24\n")
        assert n.category == "obstacle"


def test_item_d_windows() -> None:
    n = find(bulletin("PIB-2025-03-21T0200Z.xml.gz"), "EGGN:H0819/25")[0]
    assert n.schedule is not None and n.schedule.startswith("MAR 17-21 0900-1700")
    assert validity.windows(n) is not None
    assert validity.windows(n)[0] == (
        datetime(2025, 3, 17, 9, 0, tzinfo=UTC),
        datetime(2025, 3, 17, 17, 0, tzinfo=UTC),
    )
    assert "\nD) MAR 17-21 0900-1700" in n.raw


def test_invalid_bodies_raise_input_error() -> None:
    for body in (b"", b"   ", b"not xml at all", b"<html><body>503</body></html>", b"\x1f\x8bjunk"):
        with pytest.raises(InputError) as err:
            parse_pib(body)
        assert "\n" not in str(err.value)


def test_truncated_body_keeps_what_came_and_says_so() -> None:
    full = gzip.decompress((DATA / "PIB-2025-03-21T0200Z.xml.gz").read_bytes())
    cut = full[: len(full) // 2]
    whole = parse_pib(full)
    b = parse_pib(cut)
    assert b.issues and b.issues[0].startswith("truncated")
    complete_before_cut = len(NOTAM_ELEMENT.findall(cut)) - 1
    assert len(b.notams) == complete_before_cut
    assert b.notams == whole.notams[: len(b.notams)]


def test_truncated_gzip_stream() -> None:
    raw = (DATA / "PIB-2025-03-21T0200Z.xml.gz").read_bytes()
    b = parse_pib(raw[: len(raw) // 2])
    assert b.issues[0] == "truncated: gzip stream ends early"
    assert 0 < len(b.notams) < len(parse_pib(raw).notams)


def test_malformed_item_gives_issues_not_an_exception() -> None:
    body = (
        b"<Pib><AreaPIBHeader><Issued>2025-03-21T02:00:05+00:00</Issued></AreaPIBHeader>"
        b"<FIRSection><NotamList><Notam><NOF>EGGN</NOF><Series>A</Series>"
        b"<Number>x12</Number><Year>25</Year><Type>N</Type>"
        b"<QLine><FIR>EGTT</FIR><Code23>ZZ</Code23><Code45>LC</Code45></QLine>"
        b"<Coordinates>9999N99999W</Coordinates><ItemA>EGLL</ItemA>"
        b"<StartValidity>2513990000</StartValidity><EndValidity>soon</EndValidity>"
        b"<ItemE>TEST</ItemE></Notam></NotamList>"
        b"<ObsoleteNotamList><Notam><NOF>EGGN</NOF></Notam></ObsoleteNotamList></FIRSection></Pib>"
    )
    b = parse_pib(body)
    assert b.issues == ("1 NOTAM(s) in ObsoleteNotamList skipped",)
    (n,) = b.notams
    text = " | ".join(n.issues)
    for word in ("Number", "no NOTAM number", "Coordinates", "StartValidity", "EndValidity", "ZZ"):
        assert word in text
    assert n.key.startswith("EGGN:?")


ROUND_TRIP_FIELDS = (
    "id", "type", "ref", "fir", "qcode", "traffic", "purpose", "scope", "lower", "upper",
    "lat", "lon", "radius_nm", "locations", "start", "end", "end_estimated", "permanent",
    "schedule", "text", "lower_limit", "upper_limit", "category",
)  # fmt: skip


def test_raw_is_icao_text_that_parses_back_to_the_same_notam() -> None:
    from notam_log.core.parse.icao import parse_icao

    b = bulletin("PIB-2025-03-21T0200Z.xml.gz")
    for n in b.notams:
        back = parse_icao(n.raw, source_format="pib_xml")
        for name in ROUND_TRIP_FIELDS:
            assert getattr(back, name) == getattr(n, name), (n.key, name)
        assert validity.windows(back) == validity.windows(n), n.key


def _one_section(*notams: bytes, ns: bytes = b"") -> bytes:
    return (
        b"<Pib" + ns + b"><AreaPIBHeader><Issued>2025-03-21T02:00:05+00:00</Issued>"
        b"</AreaPIBHeader><ADSection><NotamList>" + b"".join(notams) + b"</NotamList>"
        b"</ADSection></Pib>"
    )


def _element(number: bytes, text: bytes, extra: bytes = b"") -> bytes:
    return (
        b"<Notam><NOF>EGGN</NOF><Series>A</Series><Number>" + number + b"</Number>"
        b"<Year>25</Year><Type>N</Type>" + extra + b"<QLine><FIR>EGTT</FIR>"
        b"<Code23>FA</Code23><Code45>LC</Code45><Traffic>IV</Traffic><Purpose>NBO</Purpose>"
        b"<Scope>A</Scope><Lower>0</Lower><Upper>999</Upper></QLine>"
        b"<Coordinates>5129N00028W</Coordinates><Radius>5</Radius><ItemA>EGLL</ItemA>"
        b"<StartValidity>2503210143</StartValidity><EndValidity>2503212359</EndValidity>"
        b"<ItemE>" + text + b"</ItemE></Notam>"
    )


def test_listed_twice_is_read_once_but_same_id_other_content_is_not_merged() -> None:
    """Equal elements give the very same record; an element with the same id fields but
    other content (a feed mistake) is read on its own, never replaced by the first."""
    first = _element(b"1918", b"AD CLSD")
    other = _element(b"1918", b"AD CLSD EXC PPR FLIGHTS")
    b = parse_pib(_one_section(first, other, first))
    assert [n.text for n in b.notams] == ["AD CLSD", "AD CLSD EXC PPR FLIGHTS", "AD CLSD"]
    assert b.notams[0] is b.notams[2]
    assert b.notams[0] is not b.notams[1]
    assert b.notams[0].category == "aerodrome_closed"
    assert b.notams[1].category == "aerodrome_limited"


def test_blank_values_comments_and_a_namespace_read_as_without_them() -> None:
    """Whitespace between elements is dropped by the parser, but a value made only of
    blanks reads as empty, a comment inside a NOTAM is ignored, and a default namespace
    changes nothing."""
    plain = parse_pib(_one_section(_element(b"1918", b"AD CLSD")))
    spaced = _element(b"1918", b"AD CLSD", extra=b"<!-- note -->\n  <ItemD>   </ItemD>\n")
    for ns in (b' xmlns="urn:example:pib"', b""):
        got = parse_pib(_one_section(spaced.replace(b"<QLine>", b"<QLine><?pi x?>"), ns=ns))
        (a,), (b,) = plain.notams, got.notams
        assert b.schedule is None and b.issues == ()
        assert a == b


def test_obsolete_list_skips_only_its_own_elements() -> None:
    live = _element(b"1918", b"AD CLSD")
    gone = _element(b"1900", b"RWY 09L CLSD")
    body = _one_section(live).replace(
        b"</ADSection>", b"<ObsoleteNotamList>" + gone + b"</ObsoleteNotamList></ADSection>"
    )
    b = parse_pib(body)
    assert [n.id for n in b.notams] == ["A1918/25"]
    assert b.issues == ("1 NOTAM(s) in ObsoleteNotamList skipped",)


def test_the_bulletin_read_before_changes_nothing_but_the_time() -> None:
    """Records of the bulletin read last are reused where an element reads the same:
    the next bulletin comes out equal to a cold read of it, and its unchanged NOTAMs
    are the very records of the bulletin before."""
    first, second = (DATA / SNAPSHOTS[40].name).read_bytes(), SNAPSHOTS[41].read_bytes()
    cold = parse_pib(second)
    memo = PibMemo()
    before = parse_pib(first, memo)
    after = parse_pib(second, memo)
    assert after == cold
    reused = {id(n) for n in before.notams} & {id(n) for n in after.notams}
    assert len(reused) > len({n.key for n in after.notams}) // 2
    changed = {n.key for n in after.notams} - {n.key for n in before.notams}
    assert all(id(n) not in reused for n in after.notams if n.key in changed)
