"""Item C forms of real NOTAMs, and what a record's issues say (text left out or not read)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notam_log.core.parse.faa import parse_faa
from notam_log.core.parse.icao import parse_icao
from notam_log.core.parse.issues import is_omission, not_read, read_in_full

#: FWKI (Malawi) A0050/19, as published: ``C) ... EST.`` with a full stop.
FWKI = (
    "A0050/19 NOTAMR A0181/18\n"
    "Q) FWLL/QFAXX/IV/NBO/A/000/999/1347S03347E005\n"
    "A) FWKI B) 1902280400 C) 1905312359{c}\n"
    "E) MIGRATORY BIRDS AROUND AD.PILOTS TO EXER CTN WHEN LDG AND TKOF."
)


@pytest.mark.parametrize("tail", [" EST.", " EST", "EST", " (EST)", "/EST", " EST ."])
def test_an_estimated_end_with_punctuation_is_estimated(tail: str) -> None:
    n = parse_icao(FWKI.format(c=tail))
    assert n.end == datetime(2019, 5, 31, 23, 59, tzinfo=UTC)
    assert n.end_estimated and n.issues == ()


def test_a_plain_end_with_a_full_stop_is_not_estimated() -> None:
    n = parse_icao(FWKI.format(c="."))
    assert n.end == datetime(2019, 5, 31, 23, 59, tzinfo=UTC) and not n.end_estimated


@pytest.mark.parametrize("c", ["UFN", "UFN.", "PERM"])
def test_no_end_stated(c: str) -> None:
    n = parse_icao(FWKI.format(c="").replace("1905312359", c))
    assert n.end is None and n.issues == ()
    assert n.permanent == (c == "PERM")


def test_issues_that_name_what_the_text_leaves_out() -> None:
    """The FAA API's ICAO rendering of an FDC NOTAM has no header: every field it
    states is read, and the record says it has no id (clean, not strictly)."""
    fdc = parse_icao(
        "Q) KZAU/QPIXX/I/NBO/A/000/999/4359N08833W005\nA) KOSH\nB) 2307181433\n"
        "C) 2402271433EST\nE) OSH WITTMAN RGNL, OSHKOSH, WI.\nVOR RWY 9, AMDT 10B..."
    )
    assert fdc.issues == ("no NOTAM id",) and read_in_full(fdc) and not_read(fdc) == ()
    no_q = parse_icao("N0077/23 NOTAMN\nA) LCEN\nB) 2304010000 C) 2304302359\nE) NAV WARNING.")
    assert no_q.issues == ("no Q-line",) and read_in_full(no_q)
    # what was not read is never left out by the text
    d = parse_icao(FWKI.format(c="").replace("\nE)", "\nD) DAILY 0000 - 08000\nE)"))
    assert d.issues and not read_in_full(d) and not_read(d) == d.issues
    assert not is_omission("schedule not read: bad time 2460 in 'DAILY 0800-2460'")
    assert not read_in_full(parse_icao("A0001/25 NOTAMN\nQ) EGTT/QMRLC/IV/NBO/A/000/999/\nE) X"))


@pytest.mark.parametrize(
    ("q", "letters"),
    [
        ("OIIX/QFUXX/A/000/999/", (None, None, "A")),  # OINR B1114/22: scope only
        ("EGTT/QMRLC/IV/A/000/999/5129N00028W005", ("IV", None, "A")),  # no purpose
        ("EGTT/QMRLC/IV/NBO/000/999/5129N00028W005", ("IV", "NBO", None)),  # no scope
        ("KZNY/undefined/NBO/A/000/999/4038N07346W005", (None, "NBO", "A")),
        ("EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W005", ("IV", "NBO", "A")),
    ],
)
def test_q_line_letter_fields_go_where_their_letters_belong(
    q: str, letters: tuple[str | None, ...]
) -> None:
    """A Q-line that leaves out one of traffic, purpose and scope: each field written
    is the one its letters can only be (they used to fill from the right, making a
    traffic ``IV`` the purpose when the purpose was left out)."""
    n = parse_icao(f"A0001/25 NOTAMN\nQ) {q}\nA) EGLL B) 2504010000 C) 2504302359\nE) TEST")
    assert (n.traffic, n.purpose, n.scope) == letters
    assert read_in_full(n)
    assert bool(n.issues) == (letters.count(None) > 0 or "undefined" in q)


def test_an_fdc_effective_immediately_says_its_start_is_not_in_the_text() -> None:
    """FDC 9/2934 (Dallas, national defense airspace) ends ``EFFECTIVE IMMEDIATELY UNTIL
    FURTHER NOTICE``: no end, and a start (its issue time) that the text does not give."""
    n = parse_faa(
        "!FDC 9/2934 ZFW TX.. FLIGHT RESTRICTION. DALLAS, TEXAS. AIRCRAFT FLIGHT "
        "OPERATIONS ARE PROHIBITED WITHIN A 1 NMR OF 325321N/0964835W UP TO AND "
        "INCLUDING 1500 FT AGL EFFECTIVE IMMEDIATELY UNTIL FURTHER NOTICE."
    )
    assert (n.start, n.end, n.permanent) == (None, None, False)
    assert n.issues == (
        "no start time: effective immediately, from its issue time (not in the text),"
        " until further notice",
    )
    assert not read_in_full(n)
