"""The Q line read field by field: every field's value and every issue, exactly.

Each expected centre was worked out by hand (degrees + minutes / 60 + seconds / 3600,
rounded to five places; south and west negative)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notam_log.core.parse.qline import NO_FIELDS, QFields, _read_q_fields, read_q

HEATHROW = (51.48333, -0.46667)  # 5129N00028W: 51 + 29/60, -(28/60)

CASES: list[tuple[str, QFields, list[str]]] = [
    # the clean layout
    (
        "EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        [],
    ),
    # south and east: 26 + 8/60 S, 28 + 14/60 E
    (
        "FAJA/QMRLC/IV/NBO/A/000/999/2608S02814E005",
        ("FAJA", "QMRLC", "IV", "NBO", "A", 0, 999, -26.13333, 28.23333, 5),
        [],
    ),
    # the edges of the globe are centres; past them they are not
    (
        "XXXX/QMRLC/IV/NBO/A/000/999/9000N18000E",
        ("XXXX", "QMRLC", "IV", "NBO", "A", 0, 999, 90.0, 180.0, None),
        [],
    ),
    (
        "XXXX/QMRLC/IV/NBO/A/000/999/9100N10000E005",
        ("XXXX", "QMRLC", "IV", "NBO", "A", 0, 999, None, None, None),
        ["Q-line: unreadable centre '9100N10000E005'"],
    ),
    (
        "XXXX/QMRLC/IV/NBO/A/000/999/8000N18100E005",
        ("XXXX", "QMRLC", "IV", "NBO", "A", 0, 999, None, None, None),
        ["Q-line: unreadable centre '8000N18100E005'"],
    ),
    # seconds: 51 + 29/60 + 30/3600, -(28/60 + 15/3600)
    (
        "EGTT/QMRLC/IV/NBO/A/000/999/512930N0002815W005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, 51.49167, -0.47083, 5),
        [],
    ),
    # a minute of latitude and of longitude, near the equator and the meridian
    (
        "SEGU/QMRLC/IV/NBO/A/000/999/0001S00001E005",
        ("SEGU", "QMRLC", "IV", "NBO", "A", 0, 999, -0.01667, 0.01667, 5),
        [],
    ),
    # lower case is read as upper case
    (
        "egtt/qmrlc/iv/nbo/a/000/999/5129n00028w005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        [],
    ),
    # one field: no Q line to read
    ("EGTT", NO_FIELDS, ["unreadable Q-line: 'EGTT'"]),
    # two fields: the FIR and the Q-code, nothing else written
    ("EGTT/QMRLC", ("EGTT", "QMRLC", None, None, None, None, None, None, None, None), []),
    # an empty FIR is absent; an unreadable one is named
    (
        "/QMRLC/IV/NBO/A/000/999/5129N00028W005",
        (None, "QMRLC", "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        [],
    ),
    (
        "E1/QMRLC/IV/NBO/A/000/999/5129N00028W005",
        (None, "QMRLC", "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        ["Q-line: unreadable FIR 'E1'"],
    ),
    # a Q-code written without its Q, with six fields after it (scope left out)
    (
        "EGTT/MRLC/IV/NBO/000/999/5129N00028W005",
        ("EGTT", "QMRLC", "IV", "NBO", None, 0, 999, *HEATHROW, 5),
        ["Q-line: 2 of traffic/purpose/scope in 'EGTT/MRLC/IV/NBO/000/999/5129N00028W005'"],
    ),
    # an empty Q-code field is absent, and the fields after it keep their places
    (
        "EGTT//IV/NBO/A/000/999/5129N00028W005",
        ("EGTT", None, "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        [],
    ),
    # not a Q-code: named; the letter fields after it are still read, four of them
    (
        "EGTT/Q1234/IV/NBO/A/000/999/5129N00028W005",
        ("EGTT", None, "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        [
            "Q-line: no Q-code in 'EGTT/Q1234/IV/NBO/A/000/999/5129N00028W005'",
            "Q-line: 4 of traffic/purpose/scope in 'EGTT/Q1234/IV/NBO/A/000/999/5129N00028W005'",
        ],
    ),
    # three letter fields that are not one way: in their places, as written
    (
        "EGTT/QMRLC/X/NBO/A/000/999/5129N00028W005",
        ("EGTT", "QMRLC", "X", "NBO", "A", 0, 999, *HEATHROW, 5),
        [],
    ),
    # no levels and no centre
    ("EGTT/QMRLC/IV/NBO/A", ("EGTT", "QMRLC", "IV", "NBO", "A", *([None] * 5)), []),
    # the upper level glued to the centre
    (
        "EGTT/QMRLC/IV/NBO/A/000/9995129N00028W005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        [],
    ),
    # ... and its radius in a field of its own
    (
        "EGTT/QMRLC/IV/NBO/A/000/9995129N00028W/005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        [],
    ),
    # an empty field between the levels, or instead of the upper one (as written in
    # the corpus: ``000//5956N02933E003``), takes no level's place
    (
        "EGTT/QMRLC/IV/NBO/A/000//999/5129N00028W005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        [],
    ),
    (
        "ULLL/QFAXX/IV/NBO/A/000//5956N02933E003",
        ("ULLL", "QFAXX", "IV", "NBO", "A", 0, None, 59.93333, 29.55, 3),
        [],
    ),
    # ... and a level left out before a centre with seconds (51 29 30.5 N, 000 28 30 W),
    # whose first digits are not read as a level glued to it
    (
        "EGTT/QMRLC/IV/NBO/A/000//5129305N0002830W005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, None, 51.49181, -0.475, 5),
        [],
    ),
    (
        "UUWV/QWELW/V/M/AW/100//6338562N11141379E999",
        ("UUWV", "QWELW", "V", "M", "AW", 100, None, 63.64894, 111.69386, 999),
        [],
    ),
    # a lower level, then an empty field and nothing more
    (
        "EGTT/QMRLC/IV/NBO/A/000/",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, None, None, None, None),
        [],
    ),
    # no radius
    (
        "EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, *HEATHROW, None),
        [],
    ),
    # a centre split after its hemisphere letters (as in the corpus), read as one:
    # 34/60 + 37.53/3600 N, 29 + 28/60 + 12.77/3600 E
    (
        "HUEC/QFAXX/IV/NBO/A/000/999/003437.53N/0292812.77E/005",
        ("HUEC", "QFAXX", "IV", "NBO", "A", 0, 999, 0.57709, 29.47021, 5),
        [],
    ),
    (
        "EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W/005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        [],
    ),
    (
        "EGTT/QMRLC/IV/NBO/A/000/999/5129 N00028 W005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, *HEATHROW, 5),
        [],
    ),
    # split anywhere else, not glued into a centre (it would read 12 35 12.9 N, 12 51 29 N)
    (
        "EGTT/QMRLC/IV/NBO/A/000/999/12/5129N00028W005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, None, None, None),
        ["Q-line: unreadable centre '12/5129N00028W005'"],
    ),
    (
        "EGTT/QMRLC/IV/NBO/A/000/999/123/5129N00028W005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, None, None, None),
        ["Q-line: unreadable centre '123/5129N00028W005'"],
    ),
    (
        "EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W005/EXTRA",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, None, None, None),
        ["Q-line: unreadable centre '5129N00028W005/EXTRA'"],
    ),
    (
        "EGTT/QMRLC/IV/NBO/A/000/999/51N00028W005",
        ("EGTT", "QMRLC", "IV", "NBO", "A", 0, 999, None, None, None),
        ["Q-line: unreadable centre '51N00028W005'"],
    ),
]


@pytest.mark.parametrize(("q", "fields", "issues"), CASES, ids=[c[0] for c in CASES])
def test_read_q(q: str, fields: QFields, issues: list[str]) -> None:
    found: list[str] = []
    assert read_q(q, found) == fields
    assert found == issues


def test_a_four_letter_code_with_a_q_and_few_fields_is_no_q_code() -> None:
    """``QABC`` is a Q-code only with six fields after it (a Q-code written without
    its Q); with fewer it is named, not read as ``QQABC``."""
    issues: list[str] = []
    fields = read_q("EGTT/QABC/A/000/999/", issues)
    assert fields[1] is None
    assert issues[0] == "Q-line: no Q-code in 'EGTT/QABC/A/000/999/'"


@pytest.mark.parametrize("q", [c[0] for c in CASES])
def test_the_clean_layout_s_one_match_reads_as_field_by_field(q: str) -> None:
    """read_q reads the clean layout in one match (for speed) and everything else
    field by field: both give the same for every line above."""
    fast: list[str] = []
    slow: list[str] = []
    assert read_q(q, fast) == _read_q_fields(q, slow)
    assert fast == slow


#: Clean-layout lines with any two-digit degrees and minutes (off the globe too).
CLEAN = st.builds(
    "EGTT/QMRLC/IV/NBO/A/000/999/{:02d}{:02d}{}{:03d}{:02d}{}{}".format,
    st.integers(0, 99),
    st.integers(0, 99),
    st.sampled_from("NS"),
    st.integers(0, 999),
    st.integers(0, 99),
    st.sampled_from("EW"),
    st.sampled_from(["", "005", "999"]),
)


@settings(max_examples=400)
@given(
    CLEAN
    | st.lists(
        st.one_of(
            st.sampled_from(["EGTT", "QMRLC", "MRLC", "IV", "NBO", "A", "000", "999", ""]),
            st.sampled_from(["5129N00028W005", "9959N17959E999", "0000S00000W", "123", "N", "E"]),
            st.text(alphabet="0123456789NSEW. QIVK/", max_size=20),
        ),
        max_size=12,
    ).map("/".join)
)
def test_any_q_line_gives_ten_fields_and_a_centre_on_the_globe(q: str) -> None:
    """Whatever the Q-line holds: no exception, ten fields, a centre on the globe or
    none (never half of one), and every field the reader could not place named."""
    issues: list[str] = []
    fields = read_q(q, issues)
    assert len(fields) == 10
    fir, qcode, traffic, purpose, scope, lower, upper, lat, lon, radius = fields
    assert (lat is None) == (lon is None)
    if lat is not None and lon is not None:
        assert -90 <= lat <= 90 and -180 <= lon <= 180
    else:
        assert radius is None
    assert qcode is None or (len(qcode) == 5 and qcode[0] == "Q")
    for level in (lower, upper):
        assert level is None or 0 <= level <= 999
    assert all(isinstance(i, str) and i for i in issues)
