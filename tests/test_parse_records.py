"""The record readers of the parse package (the JSON/XML readers that the adapters use),
the PIB memo owned by its reader, and Event.baseline. (That the core imports nothing
above it is tests/test_layers.py's.)"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from notam_log.core.models import Event
from notam_log.core.parse.pib import PibMemo, parse_pib
from notam_log.core.parse.records import structured_notam
from notam_log.core.parse.tfr import parse_detail

DATA = Path(__file__).parent / "data"
PIBS = sorted((DATA / "nats-pib" / "heathrow-2025-03").glob("PIB-*.xml.gz"))


@pytest.mark.parametrize("year", ["FY25", "25a", "2025.0"])
def test_structured_year_of_any_shape_is_read_or_left_out(year: object) -> None:
    """A year field the feed wrote oddly is read for its digits, never a traceback."""
    fields = {"number": "0123", "series": "A", "year": year, "text": "RWY 09 CLSD"}
    notam = structured_notam(fields, source_format="nms_geojson")
    assert notam.year == 2025
    assert notam.id == "A0123/25"


@pytest.mark.parametrize("year", [[2025], {"y": 25}])
def test_structured_year_that_is_a_structure_is_an_issue_not_a_guess(year: object) -> None:
    """A list or an object where the year belongs: the record is kept, with an issue
    naming the field, and no year is made up from inside the structure."""
    fields = {"number": "0123", "series": "A", "year": year, "text": "RWY 09 CLSD"}
    notam = structured_notam(fields, source_format="nms_geojson")
    assert notam.year is None
    assert any(i.startswith("year:") for i in notam.issues)
    assert notam.text == "RWY 09 CLSD"


def test_tfr_limit_that_is_not_a_finite_number_is_kept_as_written() -> None:
    data = (DATA / "payloads" / "tfr-detail-6_9513.xml").read_bytes()
    whole = parse_detail(data, "6/9513", {})
    assert whole.upper == 85 and whole.upper_limit == "8500 FT ALT"
    for value in (b"1e999", b"nan", b"-inf"):
        odd = parse_detail(data.replace(b">8500<", b">" + value + b"<"), "6/9513", {})
        assert odd.upper is None and odd.upper_limit == f"{value.decode()} FT ALT"
        assert odd.lower == whole.lower == 0


def test_pib_memo_belongs_to_its_reader_and_holds_one_bulletin() -> None:
    first, second, third = (p.read_bytes() for p in PIBS[10:13])
    a, b = PibMemo(), PibMemo()
    one = parse_pib(first, a)
    # another reader's memo does not see what this one read
    cold = parse_pib(second, b)
    assert not {id(n) for n in one.notams} & {id(n) for n in cold.notams}
    # this reader reuses the records of the bulletin it read before
    two = parse_pib(second, a)
    assert two == cold
    assert len({id(n) for n in one.notams} & {id(n) for n in two.notams}) > len(two.notams) // 2
    # the memo holds the last bulletin's records only (bounded): after the third, none of
    # the first bulletin's records that the second did not repeat are still held
    parse_pib(third, a)
    held = {id(n) for n in a.previous.values()} | {id(n) for n in a.written.values()}
    only_first = {id(n) for n in one.notams} - {id(n) for n in two.notams}
    assert only_first and not held & only_first
    # without a memo nothing is reused
    again = parse_pib(second)
    assert again == two and not {id(n) for n in again.notams} & {id(n) for n in two.notams}


def _event(kind: str, after: datetime | None, **detail: object) -> Event:
    at = datetime(2025, 3, 21, 2, tzinfo=UTC)
    return Event(kind=kind, source="s", observed_at=at, after=after, detail=detail)


def test_event_baseline_property() -> None:
    before = datetime(2025, 3, 21, 1, tzinfo=UTC)
    assert _event("published", None, baseline=True).baseline
    assert _event("restriction_imposed", before, baseline=True).baseline
    # a restriction with nothing before it to bound it records what was there
    assert _event("restriction_imposed", None).baseline
    assert not _event("restriction_imposed", before).baseline
    assert not _event("published", None).baseline
    assert not _event("published", before, baseline=False).baseline
