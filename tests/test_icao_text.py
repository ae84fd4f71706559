"""Golden reads of real corpus NOTAMs in every messy ICAO form the feeds produce."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

from notam_log.core import validity
from notam_log.core.models import Notam
from notam_log.core.parse.icao import parse_icao, parse_text, split_notams

CORPUS = Path(__file__).parent / "data" / "corpus" / "notams.jsonl"
TEXTS = {r["id"]: r["text"] for r in map(json.loads, CORPUS.open(encoding="utf-8"))}


def t(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def test_perm_paren_wrapped() -> None:
    n = parse_icao(TEXTS["n00001"])
    assert (n.id, n.series, n.number, n.year, n.type) == ("A0069/08", "A", 69, 2008, "N")
    assert n.key == "LLLL:A0069/08"
    assert (n.qcode, n.traffic, n.purpose, n.scope, n.lower, n.upper) == (
        "QFAXX",
        "IV",
        "NBO",
        "A",
        0,
        999,
    )
    assert (n.lat, n.lon, n.radius_nm) == (32.0, round(34 + 52 / 60, 5), 5)
    assert n.start == t(2008, 1, 21, 10) and n.end is None and n.permanent
    assert n.text.startswith("LLBG IS DESIGNATED") and n.text.endswith("GEN 1.2-4.1")
    assert "\n" in n.text and not n.issues


def test_notamr_ref() -> None:
    n = parse_icao(TEXTS["n00002"])
    assert (n.id, n.type, n.ref, n.ref_key) == ("A0023/15", "R", "A1909/14", "LLLL:A1909/14")


def test_notamc_without_c() -> None:
    n = parse_icao(TEXTS["n00186"])
    assert (n.id, n.type, n.ref, n.locations) == ("A1235/09", "C", "A1234/09", ("LFBO",))
    assert n.end is None and not n.permanent and not n.issues


def test_est_with_space_and_footer() -> None:
    n = parse_icao(TEXTS["n00189"])
    assert n.end == t(2023, 11, 9, 23, 59) and n.end_estimated
    assert n.purpose == "M" and n.scope == "AE" and n.upper == 11
    assert n.text.endswith("NIGHT MARKED.") and "CREATED" not in n.text
    assert "SOURCE: EUECYIYN" in n.raw


def test_est_glued_no_header() -> None:
    n = parse_icao(TEXTS["n00782"])
    assert n.end == t(2022, 12, 27, 18, 2) and n.end_estimated
    assert n.fir == "ZNY" and n.id is None and "no NOTAM id" in n.issues
    assert n.key.startswith("ZNY:?")


def test_multi_location_and_f_g() -> None:
    n = parse_icao(TEXTS["n00184"])
    assert n.locations == ("EGTT", "EGPX")
    assert n.start == t(1991, 4, 3, 7, 30)
    assert (n.lower_limit, n.upper_limit) == ("GND", "12 200 m (40 000 ft) MSL.")
    assert parse_icao(TEXTS["n00185"]).locations == ("EGTT", "EGPX")


def test_russian_no_space_centre_without_radius() -> None:
    n = parse_icao(TEXTS["n00192"])
    assert (n.fir, n.qcode, n.locations) == ("UNNT", "QFAAH", ("UNTT",))
    assert n.lat is not None and n.radius_nm is None and not n.issues


def test_russian_empty_upper_f_g_daily() -> None:
    n = parse_icao(TEXTS["n00193"])
    assert n.upper is None and n.lower == 0
    assert (n.lower_limit, n.upper_limit, n.schedule) == ("SFC", "FL 100", "DAILY 0601-1659")
    assert validity.windows(n) is not None and validity.windows(n)[0] == (
        t(2025, 8, 24, 6, 1),
        t(2025, 8, 24, 16, 59),
    )


def test_part_suffix_kept_in_id() -> None:
    text = next(v for v in TEXTS.values() if v.startswith("(Q1692/25A03"))
    n = parse_icao(text)
    assert (n.id, n.number, n.year) == ("Q1692/25A03", 1692, 2025)


def test_padded_q_fields_and_missing_series() -> None:
    n = parse_icao(TEXTS["n00915"])
    assert (n.id, n.series, n.number, n.fir) == ("05/024", None, 24, "ZHN")
    n = parse_icao(TEXTS["n01067"])
    assert (n.purpose, n.scope, n.qcode) == ("BO", "W", "QRTCA")


def test_undefined_and_empty_q_fields() -> None:
    n = parse_icao(TEXTS["n00918"])
    assert n.qcode is None and n.purpose == "NBO" and n.scope == "A" and n.upper == 999
    assert any("undefined" in i for i in n.issues)
    n = parse_icao(TEXTS["n00785"])
    assert (n.purpose, n.scope, n.upper, n.radius_nm) == ("M", None, None, 5)


def test_crlf_blank_line_before_e() -> None:
    n = parse_icao(TEXTS["n00783"])
    assert n.text.startswith("TWY Z BTN") and n.end == t(2023, 12, 31, 23)
    assert parse_text(TEXTS["n00783"])[0].id == "12/322"


def test_q_and_a_on_one_line() -> None:
    n = parse_icao(TEXTS["n01493"])
    assert n.locations == ("KOZR", "KLOR", "KHEY", "KSXS", "KFHK") and n.qcode == "QFAXX"


def test_html_entities_unescaped() -> None:
    text = next(v for v in TEXTS.values() if "&apos;" in v and "NOTAM" in v[:20])
    got = parse_text(text)
    assert all("&apos;" not in n.text for n in got) and any("'" in n.text for n in got)
    assert "&apos;" in "".join(n.raw for n in got)


def test_us_military_three_letter_fir() -> None:
    n = parse_icao(TEXTS["n00937"])
    assert (n.id, n.fir, n.key) == ("M0572/23", "ZHN", "ZHN:M0572/23")


def test_lower_case_and_one_line() -> None:
    upper = parse_icao(TEXTS["n00002"])
    flat = "  ".join(TEXTS["n00002"].lower().split("\n"))
    n = parse_icao(flat)
    assert (n.id, n.ref, n.qcode, n.locations, n.start, n.end) == (
        upper.id,
        upper.ref,
        upper.qcode,
        upper.locations,
        upper.start,
        upper.end,
    )


def test_split_aftn_and_several() -> None:
    text = (
        "ZCZC ABC123\nGG EGGNYNYX\n211443 EGGNYNYX\n"
        + TEXTS["n00001"]
        + "\nNNNN\n\n"
        + TEXTS["n00783"]
        + "\n\n"
        + TEXTS["n01415"]
        + "  "
        + TEXTS["n00002"]
    )
    chunks = split_notams(text)
    assert len(chunks) == 4 and "NNNN" not in chunks[0]
    got = parse_text(text)
    assert [n.id for n in got] == ["A0069/08", "12/322", "12/027", "A0023/15"]
    assert got[2].source_format == "faa_domestic"


def test_bad_input_gives_issues() -> None:
    n = parse_icao("(A1234/25 NOTAMN Q) XXXX/QFALC A) LFPG B) 2513010000 E) X)")
    assert any("item B" in i for i in n.issues)
    assert parse_icao("").issues and parse_text("") == []


def test_multi_part_in_one_text_joined() -> None:
    # n01208: W0751/23 parts 1 to 4 of a checklist, all in one text
    text = TEXTS["n01208"]
    assert len(split_notams(text)) == 4
    got = parse_text(text)
    assert len(got) == 1
    n = got[0]
    assert (n.key, n.id, n.ref) == ("LIXX:W0751/23", "W0751/23", "W0451/23")
    assert n.locations == ("LIBB", "LIMM", "LIRR") and n.start == t(2023, 4, 1)
    assert "PART" not in n.text and n.text.startswith("CHECKLIST")
    assert n.text.endswith("A002/2023") and n.raw == "\n".join(split_notams(text))
    # n01526: two parts; F and G come from the last part
    n = parse_text(TEXTS["n01526"])[0]
    assert (n.key, n.lower_limit, n.upper_limit) == ("PAZA:A0247/23", "SFC", "3000FT")


def test_multi_part_alone_gets_a_part_key() -> None:
    # n01068 / n01069: D3616/22 parts 1 and 2 of 2, each in its own text
    one, two = parse_icao(TEXTS["n01068"]), parse_icao(TEXTS["n01069"])
    assert (one.id, two.id) == ("D3616/22", "D3616/22")
    assert (one.key, two.key) == ("EDGG:D3616/22#1", "EDGG:D3616/22#2")
    assert parse_text(TEXTS["n01067"])[0].key == "EDGG:D3616/22#10"  # part 10 of 11
    # both parts in one snapshot text, in order: one record under the plain key
    joined = parse_text(TEXTS["n01068"] + "\n" + TEXTS["n01069"])
    assert [n.key for n in joined] == ["EDGG:D3616/22"]
    assert joined[0].upper_limit == "FL100"
    # out of order, or not following each other: each keeps its part key
    apart = parse_text(TEXTS["n01069"] + "\n" + TEXTS["n01068"])
    assert [n.key for n in apart] == ["EDGG:D3616/22#2", "EDGG:D3616/22#1"]


def test_multi_part_partial_join_keeps_first_part_key() -> None:
    # parts 1 and 2 of W0751/23's four: joined, but not the whole NOTAM
    chunks = split_notams(TEXTS["n01208"])
    got = parse_text("\n".join(chunks[:2]))
    assert [n.key for n in got] == ["LIXX:W0751/23#1"]
    got = parse_text("\n".join(chunks[2:]))
    assert [n.key for n in got] == ["LIXX:W0751/23#3"]


def test_short_q_line_still_gives_its_q_code() -> None:
    """``OIIX/QFUXX/A/000/999/`` (Iran) has no traffic or purpose: the Q-code is read
    (it used to be taken for the purpose), the one letter field is the scope, and the
    missing fields are named."""
    n = parse_icao(TEXTS["n01308"])
    assert (n.fir, n.qcode, n.subject) == ("OIIX", "QFUXX", "Fuel availability")
    assert (n.traffic, n.purpose, n.scope, n.lower, n.upper) == (None, None, "A", 0, 999)
    assert n.issues == ("Q-line: 1 of traffic/purpose/scope in 'OIIX/QFUXX/A/000/999/'",)
    assert parse_icao(TEXTS["n02167"]).category == "runway_limited"  # QMRXX: the text decides


def test_q_line_centre_with_undotted_decimal_seconds() -> None:
    """``0133568668N03013143577E/005`` (DR Congo, FZKA Bunia) is 01 33 56.8668 N,
    030 13 14.3577 E: read, so its ``HJ`` schedule has a position to work from."""
    n = parse_icao(TEXTS["n02548"])
    assert (n.lat, n.lon, n.radius_nm) == (1.5658, 30.22065, 5)
    assert n.issues == ()
    assert validity.windows(n) and all(b > a for a, b in validity.windows(n))


# --- layouts real feeds make of one NOTAM (n00002, as a layout-variation review found)

N00002 = TEXTS["n00002"]  # "(A0023/15 NOTAMR A1909/14 ... E) RWY 21 NOT AVBL ... ACFT.)"
HEADING = "ZCZC ABC123\nGG EGZZNOAX\n251200 EGGNYNYX\n"


def _same_reading(a: Notam, b: Notam) -> None:
    for name in ("id", "type", "ref", "qcode", "locations", "start", "end", "issues"):
        assert getattr(a, name) == getattr(b, name), name
    assert a.text.upper() == b.text.upper()


def test_lower_case_aftn_end_and_heading() -> None:
    plain = parse_icao(N00002)
    assert plain.text == "RWY 21 NOT AVBL FOR LDG OF 4 ENG ACFT."
    _same_reading(parse_icao(N00002.lower() + "\nnnnn"), plain)
    stream = (
        HEADING + N00002 + "\nNNNN\n" + HEADING + N00002.replace("A0023", "A0024") + "\nNNNN"
    ).lower()
    got = parse_text(stream)
    assert [n.id for n in got] == ["A0023/15", "A0024/15"]
    for n in got:
        _same_reading(n, dataclasses.replace(plain, id=n.id))


def test_flattened_aftn_stream() -> None:
    plain = parse_icao(N00002)
    one = (HEADING + N00002 + "\nNNNN").replace("\n", "  ")
    _same_reading(parse_icao(one), plain)
    stream = (
        HEADING + N00002 + "\nNNNN\n" + HEADING + N00002.replace("A0023", "A0024") + "\nNNNN"
    ).replace("\n", "  ")
    got = parse_text(stream)
    assert [n.id for n in got] == ["A0023/15", "A0024/15"]
    for n in got:
        _same_reading(n, dataclasses.replace(plain, id=n.id))


def test_footer_after_the_closing_parenthesis() -> None:
    plain = parse_icao(N00002)
    footer = "\nCREATED: 01 Jan 2025 10:00:00\nSOURCE: EUECYIYN"
    _same_reading(parse_icao(N00002 + footer), plain)  # after the parenthesis
    _same_reading(parse_icao(N00002[:-1] + footer + ")"), plain)  # inside it
    # a text that ends in a parenthesis of its own keeps it when the footer is inside
    own = N00002.replace("ACFT.)", "ACFT (B747).") + footer + ")"
    assert parse_icao(own).text.endswith("ACFT (B747).")
    own_after = N00002.replace("ACFT.)", "ACFT (B747).)") + footer
    assert parse_icao(own_after).text.endswith("ACFT (B747).")


def test_c_ufn_is_no_end_and_no_error() -> None:
    """``C) UFN`` (until further notice): no end time, not PERM, and not an error."""
    n = parse_icao(
        "A1234/25 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2503210600 C) UFN\nE) AD CLSD"
    )
    assert (n.end, n.permanent, n.end_estimated, n.issues) == (None, False, False, ())
    bad = parse_icao(n.raw.replace("UFN", "SOON"))
    assert bad.issues == ("bad date in item C: 'SOON'",)
