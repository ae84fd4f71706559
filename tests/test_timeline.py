"""Timeline bars (pure): restricted, part, possible, not restricted and unknown cells,
closed and limited tones, and announced restrictions on a bar of their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notam_log.core import known as cv
from notam_log.core import timeline as tl
from notam_log.core.announced import Announced
from notam_log.core.models import Episode


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


DAY = z("2025-03-21T00:00Z")
END = z("2025-03-22T00:00Z")
UK = cv.Reach(prefixes=("EG",))


def polls(first: str, last: str, step: int = 60) -> tuple[datetime, ...]:
    t, end, out = z(first), z(last), []
    while t <= end:
        out.append(t)
        t += timedelta(minutes=step)
    return tuple(out)


def cover(loc: str, times: tuple[datetime, ...], now: datetime = END) -> cv.LocationCoverage:
    scope = cv.ScopeHistory("nats-uk", "UK", UK, times, times)
    return cv.coverage(loc, [scope], DAY, END, now)


HEATHROW = Episode(
    location="EGLL",
    start_after=z("2025-03-21T01:00Z"),
    start_by=z("2025-03-21T02:00Z"),
    start_effective=z("2025-03-21T01:43Z"),
    end_after=z("2025-03-21T23:00Z"),
    end_by=z("2025-03-22T00:00Z"),
    end_effective=z("2025-03-21T23:59Z"),
    categories=(
        (z("2025-03-21T01:43Z"), "aerodrome_closed"),
        (z("2025-03-21T17:00Z"), "aerodrome_limited"),
    ),
    keys=("EGGN:A1918/25",),
)


def bar(eps: list[Episode], c: cv.LocationCoverage, now: datetime = END) -> str:
    (row,) = tl.day_rows(eps, DAY, END, now, c)
    return row.text


def test_covered_day_with_an_episode() -> None:
    row = bar([HEATHROW], cover("EGLL", polls("2025-03-20T00:00Z", "2025-03-22T06:00Z")))
    assert row == "..." + "#" * 45  # from 01:43Z: 17 minutes of the 01:30 cell
    cells = tl.day_rows(
        [HEATHROW], DAY, END, END, cover("EGLL", polls("2025-03-20T00:00Z", "2025-03-22T06:00Z"))
    )[0].cells
    assert cells[3] == ("#", "closed") and cells[10] == ("#", "closed")
    assert cells[40] == ("#", "limited")  # after 17:00 the dominant category is limited
    assert cells[0] == (".", "clear")


def test_an_uncovered_place_is_unknown_all_day() -> None:
    """USII with only the UK bulletin polled: never ".", every cell unknown."""
    row = bar([], cover("USII", polls("2025-03-20T00:00Z", "2025-03-22T06:00Z")))
    assert row == "~" * 48


def test_gap_future_and_before_watching_are_unknown() -> None:
    # watching began at 06:10; bulletins missing from 10:00 to 14:00; "now" is 20:00
    times = polls("2025-03-21T06:10Z", "2025-03-21T10:10Z") + polls(
        "2025-03-21T14:10Z", "2025-03-21T19:40Z"
    )
    now = z("2025-03-21T20:00Z")
    row = bar([], cover("EGLL", times, now), now)
    assert row[:13] == "~" * 13  # 00:00-06:30: before watching began (06:10 in cell 12)
    assert row[13:20] == "." * 7  # 06:30-10:00
    assert row[20] == "~" and row[28] == "~"  # the gap 10:10-14:10
    assert row[29:40] == "." * 11  # 14:30-20:00
    assert row[40:] == "~" * 8  # the future


def test_restricted_evidence_wins_over_unknown() -> None:
    """A NOTAM in force across a gap is drawn restricted, not unknown."""
    times = polls("2025-03-21T00:00Z", "2025-03-21T04:00Z") + polls(
        "2025-03-21T20:00Z", "2025-03-22T00:00Z"
    )
    row = bar([HEATHROW], cover("EGLL", times))
    assert row[10:40] == "#" * 30
    assert "." not in row[5:]


def test_part_of_a_cell() -> None:
    short = Episode(location="EGLL", start_after=z("2025-03-21T05:00Z"), start_by=z("2025-03-21T06:00Z"),
                    start_effective=z("2025-03-21T05:50Z"), end_after=z("2025-03-21T06:00Z"),
                    end_by=z("2025-03-21T07:00Z"), end_effective=z("2025-03-21T06:10Z"),
                    categories=((z("2025-03-21T05:50Z"), "aerodrome_closed"),))  # fmt: skip
    row = bar([short], cover("EGLL", polls("2025-03-20T00:00Z", "2025-03-22T06:00Z")))
    assert row[10:14] == ".++."


def test_possible_cells() -> None:
    ep = Episode(location="EGLL", start_after=z("2025-03-21T10:00Z"), start_by=z("2025-03-21T11:00Z"),
                 end_by=None, categories=((z("2025-03-21T11:00Z"), "runway_closed"),))  # fmt: skip
    row = bar([ep], cover("EGLL", polls("2025-03-20T00:00Z", "2025-03-22T06:00Z")))
    assert row[20:22] == "??" and row[22] == "#"
    tones = {
        t
        for _s, t in tl.day_rows(
            [ep], DAY, END, END, cover("EGLL", polls("2025-03-20T00:00Z", "2025-03-22T06:00Z"))
        )[0].cells[22:]
    }
    assert tones == {"limited"}  # a closed runway is a limitation of the aerodrome


def test_announced_row_only_on_days_with_an_announcement() -> None:
    ann = Announced(
        "USII", z("2025-03-21T02:30Z"), ("favt_info/1",), "favt", end=z("2025-03-21T03:50Z")
    )
    c = cover("USII", ())
    rows = tl.day_rows([], DAY - timedelta(days=1), END, END, c, [ann])
    assert [r.label for r in rows] == ["2025-03-20", "2025-03-21", "announced "]
    assert rows[2].text == " " * 5 + "AAA" + " " * 40
    lines = tl.day_bars([], DAY, END, END, c, [ann])
    assert lines[0] == tl.HEADER and lines[2].startswith("announced  |     AAA ")


def test_legend_names_every_symbol() -> None:
    text = tl.legend(announced=True)
    for sym in ("#", "+", "?", ".", "~", "A"):
        assert f"{sym} " in text
    assert "unknown" in text and "closed" in text and "limited" in text
