"""The parsers' fast paths give exactly what the general readings give.

Each shortcut taken for speed (the clean layouts of times, coordinates and Q-lines,
the text rules tried alternative by alternative behind cheap word tests, date-free
item D texts read once) is checked here against the plain reading it replaces, on the
corpus texts and on hypothesis-made strings.
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notam_log.core import classify, classify_rules, classify_text, item_d
from notam_log.core.item_d.expand import surely_inside
from notam_log.core.item_d.reader import _only_date, read_rule
from notam_log.core.item_d.rule import Sun, Unreadable
from notam_log.core.values import format_id, parse_coords, parse_yymmddhhmm

CORPUS = Path(__file__).parent / "data" / "corpus" / "notams.jsonl"


def _corpus_texts() -> list[str]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh]


@given(
    series=st.sampled_from(["A", "", None, "U"]),
    number=st.integers(min_value=0, max_value=99999),
    year=st.integers(min_value=0, max_value=2100),
)
def test_format_id_pads_as_the_format_spec(series: str | None, number: int, year: int) -> None:
    want = f"{series or ''}{number:04d}/{year % 100:02d}"
    assert format_id(series, number, year) == want
    assert format_id(series, str(number), str(year)) == want


# --- times and coordinates --------------------------------------------------------


def _slow_time(value: str) -> datetime | None:
    digits = value.strip()
    if len(digits) == 10 and digits.isdigit():
        year, rest = 2000 + int(digits[0:2]), digits[2:]
    elif len(digits) == 12 and digits.isdigit():
        year, rest = int(digits[0:4]), digits[4:]
    else:
        return None
    month, day, hour, minute = int(rest[0:2]), int(rest[2:4]), int(rest[4:6]), int(rest[6:8])
    try:
        if hour == 24 and minute == 0:
            return datetime(year, month, day, tzinfo=UTC) + timedelta(days=1)
        return datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError:
        return None


@given(st.text(alphabet="0123456789 ", min_size=8, max_size=13))
def test_parse_yymmddhhmm_matches_the_general_reading(value: str) -> None:
    assert parse_yymmddhhmm(value) == _slow_time(value)


@pytest.mark.parametrize(
    "value", ["2503210600", "2502290600", "2503212400", "2512312400", "2513010000", "0001010000"]
)
def test_parse_yymmddhhmm_edges(value: str) -> None:
    assert parse_yymmddhhmm(value) == _slow_time(value)


_COORD = re.compile(
    r"^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)?([NS])(\d{3})(\d{2})(\d{2}(?:\.\d+)?)?([EW])$"
)


def _slow_coords(value: str) -> tuple[float, float] | None:
    m = _COORD.match(value.strip().upper())
    if not m:
        return None
    lat = int(m[1]) + int(m[2]) / 60 + (float(m[3]) / 3600 if m[3] else 0.0)
    lon = int(m[5]) + int(m[6]) / 60 + (float(m[7]) / 3600 if m[7] else 0.0)
    if m[4] == "S":
        lat = -lat
    if m[8] == "W":
        lon = -lon
    if abs(lat) > 90 or abs(lon) > 180:
        return None
    return round(lat, 5), round(lon, 5)


@given(
    st.from_regex(r"\A\d{4}[NSns]\d{5}[EWew]\Z")
    | st.text(alphabet="0123456789NSEW .", min_size=9, max_size=13)
)
def test_parse_coords_matches_the_general_reading(value: str) -> None:
    got, want = parse_coords(value), _slow_coords(value)
    assert repr(got) == repr(want)  # -0.0 stays -0.0


def test_parse_coords_signed_zero() -> None:
    assert repr(parse_coords("0000S00000W")) == repr(_slow_coords("0000S00000W"))


# --- text rules -------------------------------------------------------------------


def _rule_texts() -> list[str]:
    texts = [classify._normalise(t) for t in _corpus_texts()]
    texts += [
        "AD HR 0800-1700",
        "OPENING HOURS CHANGED",
        "HELIPORT OPS HR 0600-1800",
        "DEPARTURE PROCEDURE AMENDED",
        "ARRIVAL PROCEDURE",
        "TAKEOFF MINIMUMS AND OBSTACLE DEPARTURE PROCEDURES",
        "INSTRUMENT APPROACH PROCEDURE RNAV",
        "SID ALPHA SUSPENDED",
        "STARTUP",
        "AREA DEACTIVATED",
        "RWY 09 LDA REDUCED",
        "ROUTE UL9 CLSD",
        "AD CLSD",
        "AD AP CLOSED",
        "AIRPORT AVBL FOR PPR FLIGHTS",
    ]
    return texts


def test_text_rules_split_at_their_alternatives_match_as_the_patterns() -> None:
    compiled = {name: re.compile(pattern) for name, pattern, _ in classify_rules.TEXT_RULES}
    for text in _rule_texts():
        for name, _category, branches in classify_text.COMPILED_TEXT:
            want = compiled[name].search(text) is not None
            assert classify_text.matches(branches, text) == want, (name, text)


_WORDS = st.sampled_from(
    [
        "AD", "AD AP", "AERODROME", "AIRPORT", "HELIPORT", "HR", "HRS", "HOURS", "OPR HR",
        "OPENING HOURS", "SID", "STAR", "IAP", "ODP", "PROCEDURE", "DEPARTURE", "ARRIVAL",
        "CLSD", "CLOSED", "IS", "RWY", "RUNWAY", "09/27", "FIR", "TMA", "ROUTE", "AREA",
        "AREAS", "TFR", "ADIZ", "DEACTIVATED", "NOT ACTIVE", "AVBL", "FOR", "TO", "OPS",
        "PPR", "LIMITED", "TORA", "THR", "X", ".", ",", "ROAD", "START",
    ]
)  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_WORDS, max_size=8))
def test_text_rules_alternatives_on_made_texts(words: list[str]) -> None:
    text = " ".join(words)
    for name, pattern, _ in classify_rules.TEXT_RULES:
        branches = next(b for n, _c, b in classify_text.COMPILED_TEXT if n == name)
        assert classify_text.matches(branches, text) == (re.search(pattern, text) is not None)


# --- item D: date-free texts read once --------------------------------------------


@pytest.mark.parametrize(
    "d_text",
    ["SR-SS", "DAILY 0600-1800", "MON-FRI 0800-1630", "H24", "HJ", "0600 - 0330", "SAT 1000-1200"],
)
@pytest.mark.parametrize("days", [0, 1, 3, 40, 400])
@pytest.mark.parametrize("lat", [51.5, 70.0, None])
def test_date_free_schedules_read_again_give_the_same_rule(
    d_text: str, days: int, lat: float | None
) -> None:
    start = datetime(2025, 3, 21, 6, 0, tzinfo=UTC)
    others = [
        (datetime(2025, 3, 1, 0, 0, tzinfo=UTC), datetime(2025, 3, 2, 0, 0, tzinfo=UTC)),
        (start, start + timedelta(days=days, hours=1)),
    ]
    lon = None if lat is None else -0.5
    item_d.clear_caches()
    for b, c in others:
        item_d.read(d_text, b, c, lat, lon)  # read once (may fill the memo)
    end = start + timedelta(days=days, hours=2)
    again = item_d.read(d_text, start, end, lat, lon)
    got_windows = item_d.windows(d_text, start, end, lat, lon)
    item_d.clear_caches()
    fresh = item_d.read(d_text, start, end, lat, lon)
    assert again == fresh
    assert got_windows == item_d.windows(d_text, start, end, lat, lon)


_D_WORDS = st.sampled_from(
    [
        "0800-1700", "0800 - 1700", "0800TO1700", "0800/1700", "2300-0100", "2400-0100",
        "0860-1000", "0800-1700 PLUS30", "0800-17001", "SR-SS", "SR MINUS15-1800", "H24", "HJ",
        "MON-FRI", "SAT", "DAILY", "MAR", "17-21", "05", "EXC", "AND", ",", "2503210600",
        "TO", "-", "X", "03 1500", "0700 TO", "APR 01 0700", "1", "31", "123", "05/06",
        "06,", "TIL", "07 -", "05 0800 TO 06 1700",
    ]
)  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_D_WORDS, min_size=1, max_size=6))
def test_item_d_words_give_a_rule_or_a_reason(words: list[str]) -> None:
    """Any item D made of these words is read into windows inside B-C or said not read
    (never an exception), the same way again once the memos are cleared."""
    text = " ".join(words)
    start = datetime(2025, 3, 14, 6, 0, tzinfo=UTC)
    end = datetime(2025, 4, 30, 18, 0, tzinfo=UTC)
    item_d.clear_caches()
    got = item_d.read(text, start, end, 51.5, -0.5)
    found = item_d.windows(text, start, end, 51.5, -0.5)
    item_d.clear_caches()
    assert item_d.read(text, start, end, 51.5, -0.5) == got
    if isinstance(got, str):
        assert got.startswith("schedule not read") and found is None
    else:
        assert found and all(start <= a < b <= end for a, b in found)


# --- item D: SR/SS windows known to exist without a sunrise --------------------------


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    d_text=st.sampled_from(["SR-SS", "SS-SR", "HJ", "HN", "MON-FRI SR-SS", "SAT SUN HN"]),
    lat=st.floats(min_value=-64.0, max_value=64.0),
    lon=st.floats(min_value=-180.0, max_value=180.0),
    start_minute=st.integers(min_value=0, max_value=366 * 1440),
    minutes=st.integers(min_value=1, max_value=12 * 1440),
)
def test_sun_windows_said_to_exist_do_exist(
    d_text: str, lat: float, lon: float, start_minute: int, minutes: int
) -> None:
    """Where the shortcut says an SR/SS schedule has a window between B and C, working
    out every sunrise and sunset finds one (the events lie where the shortcut assumes)."""
    start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=start_minute)
    end = start + timedelta(minutes=minutes)
    try:
        rule = read_rule(d_text, start, end, lat, lon)  # read, windows or not
    except Unreadable:
        return  # no selected day between B and C at all: nothing to check
    first_wd = rule.epoch.weekday()
    for op in rule.ops:
        assert isinstance(op, Sun)
        if surely_inside(op, lat, rule.lo, rule.hi, first_wd, rule.last_k):
            windows = item_d.expand(item_d.Rule(**{**_fields_of(rule), "ops": (op,)}), lat, lon)
            assert windows, (d_text, start, end, lat, lon)
            for a, b in windows:
                assert start <= a < b <= end


def _fields_of(rule: item_d.Rule) -> dict[str, object]:
    return {f.name: getattr(rule, f.name) for f in dataclasses.fields(rule)}


@given(
    day=st.integers(min_value=1, max_value=31),
    first=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=800),
)
def test_only_date_is_the_one_date_with_that_day(day: int, first: date, days: int) -> None:
    last = first + timedelta(days=days)
    every = [first + timedelta(days=k) for k in range(days + 1)]
    with_day = [d for d in every if d.day == day]
    expected = with_day[0] if len(with_day) == 1 else None
    assert _only_date(day, first, last) == expected


# --- a closing "END PART n OF m" cut from the end only ------------------------------

_BLANKS = st.one_of(
    st.text(alphabet=" \t\n", max_size=4), st.integers(0, 90).map(lambda n: " " * n)
)
_ENDINGS = st.tuples(
    _BLANKS,
    st.sampled_from(["", "END", "end", "ND", "E", "END(", "EXTEND"]),
    _BLANKS,
    st.sampled_from(["PART", "Part", "PAR T", "PARTS"]),
    _BLANKS,
    st.sampled_from(["1", "12", "", "x", "\u0663"]),
    _BLANKS,
    st.sampled_from(["OF", "of", "O F"]),
    _BLANKS,
    st.sampled_from(["3", "14", "", "3)"]),
    _BLANKS,
).map("".join)


@settings(max_examples=1000)
@given(
    head=st.text(alphabet=st.sampled_from("AB PART \u00df\u0130\n"), max_size=120),
    ending=_ENDINGS,
)
def test_cut_at_end_is_the_anchored_substitution(head: str, ending: str) -> None:
    from notam_log.core.parse import faa, icao
    from notam_log.core.values import cut_at_end

    text = head + ending
    for pattern in (icao._END_PART, faa._END_PART):
        assert cut_at_end(pattern, text, "PART") == pattern.sub("", text)


# --- NOTAM ids: the common A1234/25 read at once ------------------------------------


@given(
    series=st.sampled_from("ABCMNUWZ"),
    number=st.integers(min_value=0, max_value=9999),
    year=st.integers(min_value=0, max_value=99),
)
def test_read_id_fast_path_is_the_pattern_reading(series: str, number: int, year: int) -> None:
    """The upper-case 8-character id takes the shortcut; the same id in lower case goes
    through the pattern: both readings agree."""
    from notam_log.core.parse.icao import read_id

    raw = f"{series}{number:04d}/{year:02d}"
    assert read_id(raw) == read_id(raw.lower())
    assert read_id(raw)[0] == raw
