"""Property tests: no text makes the parsers raise; written NOTAMs read back in every layout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from notam_log.core.parse.faa import parse_faa
from notam_log.core.parse.icao import parse_icao, parse_text

ALPHABET = st.sampled_from(list("AQBCDEFGN()/!-0123456789 \n\r\tZK.&;") + ["NOTAMN", "Q)", "E)"])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=80).map("".join) | st.text(max_size=200))
def test_never_raises(text: str) -> None:
    for n in parse_text(text):
        assert n.key
    assert parse_icao(text).raw == text
    assert parse_faa(text).raw == text


letters = st.text(alphabet="ABCDEFGHIJKLMNOPRSTUVWXYZ", min_size=4, max_size=4)
LAST = datetime(2069, 12, 31, 23, 59, tzinfo=UTC)
when = st.datetimes(
    min_value=datetime(2001, 1, 1),
    max_value=datetime(2069, 12, 31, 23, 0),  # 70-99 read as 1970-1999
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC))


def _not_aftn(word: str) -> bool:
    return word not in ("ZCZC", "NNNN")


@st.composite
def notams(draw: st.DrawFn) -> dict[str, object]:
    start = draw(when)
    return {
        "series": draw(st.sampled_from("ABCDMW")),
        "number": draw(st.integers(1, 9999)),
        "year": start.year,
        "type": draw(st.sampled_from("NRC")),
        "ref": f"A{draw(st.integers(1, 9999)):04d}/{start.year % 100:02d}",
        "fir": draw(letters.filter(_not_aftn)),
        "qcode": "Q" + draw(letters),
        "lower": draw(st.integers(0, 998)),
        # ZCZC and NNNN are AFTN's start and end of message, which a text reader cuts
        # at (no location indicator or FIR is either): found outside CI, a location lost
        "locations": tuple(draw(st.lists(letters.filter(_not_aftn), min_size=1, max_size=3))),
        "start": start,
        # C) stays inside the two-digit-year window too (70-99 are read as 1970-1999)
        "end": min(start + timedelta(minutes=draw(st.integers(1, 10**6))), LAST),
        "text": draw(
            st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ ,.", min_size=1, max_size=60)
        ).strip()
        or "X",
    }


def write(f: dict[str, object]) -> list[str]:
    nid = f"{f['series']}{f['number']:04d}/{f['year'] % 100:02d}"  # type: ignore[operator,str-format]
    head = f"{nid} NOTAM{f['type']}" + (f" {f['ref']}" if f["type"] != "N" else "")
    start: datetime = f["start"]  # type: ignore[assignment]
    end: datetime = f["end"]  # type: ignore[assignment]
    items = [
        head,
        f"Q) {f['fir']}/{f['qcode']}/IV/NBO/A/{f['lower']:03d}/999/5129N00028W005",
        "A) " + " ".join(f["locations"]),  # type: ignore[arg-type]
        f"B) {start:%y%m%d%H%M}",
        f"C) {end:%y%m%d%H%M}",
        f"E) {f['text']}",
    ]
    lines = "\n".join(items)
    return [
        lines,
        " ".join(items),
        "  ".join(items),
        f"({lines})\nNNNN",
        lines.lower(),
    ]


@settings(max_examples=150, deadline=None)
@given(notams())
def test_roundtrip(f: dict[str, object]) -> None:
    check_roundtrip(f)


def test_an_item_e_of_nnnn_is_not_the_aftn_end_of_message() -> None:
    """Found by the property above outside CI: ``E) NNNN`` read as an empty item E in
    four of the five layouts (the trailing NNNN was cut as the AFTN end of message)."""
    start = datetime(2025, 3, 21, 6, 0, tzinfo=UTC)
    f = {"series": "A", "number": 1, "year": 2025, "type": "N", "ref": "A0001/25",
         "fir": "EGTT", "qcode": "QFALC", "lower": 0, "locations": ("EGLL",),
         "start": start, "end": start + timedelta(days=1), "text": "NNNN"}  # fmt: skip
    check_roundtrip(f)


def test_an_item_e_that_ends_like_a_mark_before_the_aftn_end() -> None:
    """Found by the property above: item E ``E`` in parentheses then ``NNNN`` ends in
    ``E)`` (the text and the closing parenthesis): the NNNN is the AFTN end of message,
    since only the first ``E)`` of a NOTAM is its item E mark."""
    start = datetime(2025, 3, 21, 6, 0, tzinfo=UTC)
    f = {"series": "A", "number": 1, "year": 2025, "type": "N", "ref": "A0001/25",
         "fir": "EGTT", "qcode": "QFALC", "lower": 0, "locations": ("EGLL",),
         "start": start, "end": start + timedelta(days=1), "text": "E"}  # fmt: skip
    check_roundtrip(f)


def check_roundtrip(f: dict[str, object]) -> None:
    for layout, text in enumerate(write(f)):
        n = parse_icao(text)
        assert n.id == f"{f['series']}{f['number']:04d}/{f['year'] % 100:02d}", layout  # type: ignore[operator,str-format]
        assert (n.number, n.year, n.type) == (f["number"], f["year"], f["type"]), layout
        assert n.ref == (None if f["type"] == "N" else f["ref"]), layout
        assert (n.fir, n.qcode, n.lower, n.upper) == (f["fir"], f["qcode"], f["lower"], 999)
        assert n.locations == f["locations"] and n.radius_nm == 5
        assert (n.start, n.end) == (f["start"], f["end"]), layout
        want_text = f["text"] if layout < 4 else str(f["text"]).lower()
        assert n.text == want_text, layout
        assert not [i for i in n.issues if "Q-code" not in i], (layout, n.issues)
        # and so does parse_text (the reader of files and feeds), which cuts AFTN lines
        assert [(m.id, m.text) for m in parse_text(text)] == [(n.id, n.text)], layout
