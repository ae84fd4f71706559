"""What users type (pure): times and days (``7d``, ``36h``, ``yesterday``, ISO 8601) and
search queries (ids, hyphens, slashes literal unless FTS5 operators are written)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from notam_log.core.search import fts_query, written_with_operators
from notam_log.core.when import DAY_FORMATS, TIME_FORMATS, parse_day, parse_time

NOW = datetime(2025, 3, 22, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", NOW - timedelta(days=7)),
        ("36h", NOW - timedelta(hours=36)),
        ("90m", NOW - timedelta(minutes=90)),
        ("2w", NOW - timedelta(weeks=2)),
        (" 36 H ", NOW - timedelta(hours=36)),
        ("now", NOW),
        ("today", datetime(2025, 3, 22, tzinfo=UTC)),
        ("Yesterday", datetime(2025, 3, 21, tzinfo=UTC)),
        ("2025-03-21", datetime(2025, 3, 21, tzinfo=UTC)),
        ("2025-03-21T14:00Z", datetime(2025, 3, 21, 14, tzinfo=UTC)),
        ("2025-03-21 14:00", datetime(2025, 3, 21, 14, tzinfo=UTC)),
        ("2025-03-21T17:00+03:00", datetime(2025, 3, 21, 14, tzinfo=UTC)),
    ],
)
def test_times(text: str, expected: datetime) -> None:
    assert parse_time(text, NOW) == expected


@pytest.mark.parametrize("text", ["last week", "7x", "2025-13-01", "", "d7", "9999999d"])
def test_unreadable_times_name_the_formats(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_time(text, NOW)
    message = str(info.value)
    assert repr(text) in message
    assert TIME_FORMATS in message or "too far back" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2025, 3, 22)),
        ("yesterday", date(2025, 3, 21)),
        ("3d", date(2025, 3, 19)),
        ("2025-03-21", date(2025, 3, 21)),
    ],
)
def test_days(text: str, expected: date) -> None:
    assert parse_day(text, NOW) == expected


def test_unreadable_day() -> None:
    with pytest.raises(
        ValueError, match="expected " + DAY_FORMATS.replace("(", r"\(").replace(")", r"\)")
    ):
        parse_day("21/03/2025", NOW)


# --------------------------------------------------------------------------- search


@pytest.fixture()
def index() -> sqlite3.Connection:
    """The notams_fts columns, as the store builds them (default unicode61 tokenizer)."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(id, locations, text)")
    db.executemany(
        "INSERT INTO t VALUES (?, ?, ?)",
        [
            ("A1918/25", "EGLL", "AD CLOSED DUE TO FIRE. RWY 09L/27R CLSD"),
            ("A1918/24", "EGKK", "RWY 25 CLOSED"),
            ("A0001/25", "EGSS", "NON-STANDARD HOLDING. RWY 04 09L"),
        ],
    )
    return db


def ids(db: sqlite3.Connection, text: str) -> list[str]:
    return sorted(r[0] for r in db.execute("SELECT id FROM t WHERE t MATCH ?", [fts_query(text)]))


def test_literal_queries(index: sqlite3.Connection) -> None:
    assert ids(index, "A1918/25") == ["A1918/25"]  # not A1918/24, whose text has 25
    assert ids(index, "a1918/25") == ["A1918/25"]
    assert ids(index, "EGGN:A1918/25") == ["A1918/25"]  # a key: its id
    assert ids(index, "EGLL-closed") == ["A1918/25"]  # across columns: its parts
    assert ids(index, "non-standard") == ["A0001/25"]
    assert ids(index, "RWY 09L") == ["A0001/25", "A1918/25"]
    assert ids(index, "09L/27R") == ["A1918/25"]


def test_operators_pass_through(index: sqlite3.Connection) -> None:
    assert written_with_operators("fire OR holding")
    assert ids(index, "fire OR holding") == ["A0001/25", "A1918/25"]
    assert ids(index, "id:A1918") == ["A1918/24", "A1918/25"]
    assert ids(index, "A19*") == ["A1918/24", "A1918/25"]
    assert ids(index, '"RWY 25"') == ["A1918/24"]
    for plain in ("A1918/25", "EGLL-closed", "RWY 09L", "or and not", "EGGN:A1918/25"):
        assert not written_with_operators(plain), plain


def test_nothing_to_search() -> None:
    for text in ("", "   ", "/ - :"):
        with pytest.raises(ValueError, match="nothing to search"):
            fts_query(text)
