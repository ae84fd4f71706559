"""Item D schedules into UTC windows, and sunrise/sunset."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from notam_log.core import sun, validity
from notam_log.core.item_d import HORIZON, Rule, expand, read, windows
from notam_log.core.parse.icao import parse_icao


def t(mo: int, d: int, h: int = 0, mi: int = 0, y: int = 2025) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


B = t(3, 14)  # a Friday
C = t(3, 31)


def read_windows(item_d: str, start: datetime = B, end: datetime | None = C) -> tuple:
    rule = read(item_d, start, end, 51.4779, -0.0015)
    assert isinstance(rule, Rule), rule
    got = windows(item_d, start, end, 51.4779, -0.0015)
    assert got is not None and got == expand(rule, 51.4779, -0.0015)
    return got


def test_daily_and_dly() -> None:
    got = read_windows("DAILY 0800-1600")
    assert len(got) == 17 and got[0] == (t(3, 14, 8), t(3, 14, 16)) and got[-1][0] == t(3, 30, 8)
    assert (
        read_windows("DLY 0800-1600")
        == got
        == read_windows("0800-1600")
        == read_windows("DAILY 0800 - 1600")
    )


def test_weekdays() -> None:
    got = read_windows("MON-FRI 0600-1800")
    assert all(a.weekday() < 5 for a, _ in got) and len(got) == 11  # Fri 14, 17-21, 24-28
    assert got[1] == (t(3, 17, 6), t(3, 17, 18))


def test_several_weekday_clauses() -> None:
    got = read_windows("SUN-THU 0300-1900, FRI 0300-1300")
    assert got[0] == (t(3, 14, 3), t(3, 14, 13))  # Friday
    assert got[1] == (t(3, 16, 3), t(3, 16, 19))  # Sunday; Saturday has none


def test_h24_merges() -> None:
    assert read_windows("H24") == ((B, C),)


def test_dates() -> None:
    assert (
        read_windows("MAR 15-17 0600-1800")
        == read_windows("15 16 17 0600-1800")
        == (
            (t(3, 15, 6), t(3, 15, 18)),
            (t(3, 16, 6), t(3, 16, 18)),
            (t(3, 17, 6), t(3, 17, 18)),
        )
    )
    assert read_windows("MAR 15 0800-1200 MAR 16 1000-1400") == (
        (t(3, 15, 8), t(3, 15, 12)),
        (t(3, 16, 10), t(3, 16, 14)),
    )
    got = read_windows("FEB 09-20 0800-1400, FEB 23-27 0800-1400", t(2, 1), t(3, 1))
    assert len(got) == 17 and got[-1] == (t(2, 27, 8), t(2, 27, 14))


def test_dates_into_next_year() -> None:
    got = read_windows("DEC 24 25 26 31 JAN 01 H24", t(12, 24, y=2023), t(1, 2, y=2024))
    assert got == ((t(12, 24, y=2023), t(12, 27, y=2023)), (t(12, 31, y=2023), t(1, 2, y=2024)))


def test_crossing_midnight_clipped() -> None:
    got = read_windows("2200-0600")
    assert got[0] == (B, t(3, 14, 6))  # the night that began before B, clipped
    assert got[1] == (t(3, 14, 22), t(3, 15, 6))
    assert got[-1] == (t(3, 30, 22), C)


def test_perm_horizon() -> None:
    got = read_windows("DAILY 0800-0900", B, None)
    assert got[-1][1] <= B + HORIZON and len(got) == 370


def test_exc_final_clause() -> None:
    got = read_windows("0500-1600 DAILY EXC SUN")
    assert (
        all(a.weekday() != 6 for a, _ in got) and len(got) == 14
    )  # 17 days less Sundays 16, 23, 30


def test_sr_ss_greenwich() -> None:
    # Published for London/Greenwich on 21 June 2024: sunrise 04:43 BST, sunset 21:21 BST.
    rise = sun.sunrise(date(2024, 6, 21), 51.4779, -0.0015)
    sset = sun.sunset(date(2024, 6, 21), 51.4779, -0.0015)
    assert rise is not None and sset is not None
    assert abs(rise - datetime(2024, 6, 21, 3, 43, tzinfo=UTC)) <= timedelta(minutes=3)
    assert abs(sset - datetime(2024, 6, 21, 20, 21, tzinfo=UTC)) <= timedelta(minutes=3)
    got = read_windows(
        "SR MINUS30-SS PLUS30", datetime(2024, 6, 21, tzinfo=UTC), datetime(2024, 6, 22, tzinfo=UTC)
    )
    assert got == ((rise - timedelta(minutes=30), sset + timedelta(minutes=30)),)


def test_polar_night_has_no_sunrise() -> None:
    assert sun.sunrise(date(2024, 12, 21), 78.2, 15.6) is None


@pytest.mark.parametrize(
    "item_d",
    [
        "TOUS LES JOUR HJ",
        "1800-2200 ON MAR 1 AND 2",  # read, but both days are before B
        "MAR 15",  # a date alone: a number at the end may be a time cut short
        "FEB 30 0800-0900",
        "2500-2600",
        "MAR 15 0800-0900 MAR 16",  # days without times after timed days: cut short?
        "TOUS LES JOURS HJ/EVERY DAYS H",  # the English part is cut short
        "MAI 0800-0900",  # MAI is May only before a day number
    ],
)
def test_unreadable(item_d: str) -> None:
    why = read(item_d, B, C)
    assert isinstance(why, str) and why.startswith("schedule not read")
    assert windows(item_d, B, C) is None


def test_sr_needs_position_and_start() -> None:
    assert read("SR-SS", B, C) == "schedule not read: SR/SS without a position in 'SR-SS'"
    assert windows("SR-SS", B, C) is None
    assert windows("DAILY 0800-0900", None, C) is None
    assert read("DAILY 0800-0900", None, C) == (
        "schedule not read (no start time): 'DAILY 0800-0900'"
    )


def test_read_finds_days_without_sunrise_only_where_there_are_some() -> None:
    # 78N: no sunrise from late October; a summer-only SR-SS schedule reads
    winter = read("SR-SS", t(10, 1), t(12, 1), 78.2, 15.6)
    assert winter == "schedule not read: no sunrise or sunset on that day in 'SR-SS'"
    assert isinstance(read("SR-SS", t(6, 1), t(6, 3), 69.7, 18.9), str)  # midnight sun
    assert isinstance(read("SR-SS", t(4, 1), t(4, 3), 69.7, 18.9), Rule)


def test_read_is_cheap_and_windows_derive_from_the_record() -> None:
    rule = read("MON-FRI 0600-1800", B, C)
    assert isinstance(rule, Rule) and rule.text == "MON-FRI 0600-1800"
    n = parse_icao(
        "(A0001/25 NOTAMN\nQ) EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2503140000 C) 2503310000\nD) MON-FRI 0600-1800\nE) RWY 09L CLSD)"
    )
    assert validity.windows(n) == windows("MON-FRI 0600-1800", n.start, n.end, n.lat, n.lon)
    assert validity.windows(n) == read_windows("MON-FRI 0600-1800")
    assert (
        "windows" in validity.notam_json(n)
        and list(validity.notam_json(n)).index("windows")
        == list(validity.notam_json(n)).index("schedule") + 1
    )


# Item D forms from the real corpus (tests/data/corpus/notams.jsonl), read through the
# ICAO parser so that B, C and the Q-line position are the record's own.
_CORPUS = Path(__file__).parent / "data" / "corpus" / "notams.jsonl"
TEXTS = {r["id"]: r["text"] for r in map(json.loads, _CORPUS.open(encoding="utf-8"))}


def corpus_windows(record: str) -> tuple:
    n = parse_icao(TEXTS[record])
    assert not [i for i in n.issues if "schedule" in i], n.issues
    assert validity.windows(n) is not None
    return validity.windows(n)


def hours(day: tuple[int, int, int], a: str, b: str) -> tuple[datetime, datetime]:
    y, mo, d = day
    return (
        datetime(y, mo, d, int(a[:2]), int(a[2:]), tzinfo=UTC),
        datetime(y, mo, d, int(b[:2]), int(b[2:]), tzinfo=UTC),
    )


def test_times_before_dates_on_month_days() -> None:
    # n02833: D) 1800-2200 ON MAR 7 AND 9
    assert corpus_windows("n02833") == (
        hours((2023, 3, 7), "1800", "2200"),
        hours((2023, 3, 9), "1800", "2200"),
    )


def test_times_before_day_numbers() -> None:
    # n01792: D) 1800-2200 ON 01 08 15 22 AND 29 (B 2303011800)
    got = corpus_windows("n01792")
    assert [a.day for a, _ in got] == [1, 8, 15, 22, 29] and got[0] == hours(
        (2023, 3, 1), "1800", "2200"
    )


def test_times_before_date_range() -> None:
    # n01912: D) 1745-2145 07-13, B 2303071745 C 2303132145
    got = corpus_windows("n01912")
    assert got == tuple(hours((2023, 3, d), "1745", "2145") for d in range(7, 14))


def test_times_before_every_weekday() -> None:
    # n01955: D) 1730-2130 EVERY THU, B 2302231730 C 2305182130
    got = corpus_windows("n01955")
    assert len(got) == 13 and all(a.weekday() == 3 for a, _ in got)
    assert got[0] == hours((2023, 2, 23), "1730", "2130")
    assert got[-1] == hours((2023, 5, 18), "1730", "2130")


def test_til_range_across_months() -> None:
    # n01974: D) JUL 27 1302-1700 JUL 28 TIL SEP 30 0700-1700, C 2109301700 EST
    got = corpus_windows("n01974")
    assert got[0] == hours((2021, 7, 27), "1302", "1700")
    assert got[1] == hours((2021, 7, 28), "0700", "1700")
    assert got[-1] == hours((2021, 9, 30), "0700", "1700") and len(got) == 1 + 65


def test_bilingual_reads_the_english_part() -> None:
    # n03224: D) TOUS LE JOURS H24/EVERYDAY H24 -> one window, B to C
    n = parse_icao(TEXTS["n03224"])
    assert validity.windows(n) == ((n.start, n.end),)
    # n02548: D) TOUS LES JOUR HJ/EVERY DAY HJ at FZKA (Q-line centre 0133568668N
    # 03013143577E): sunrise to sunset there, one window a day
    n = parse_icao(TEXTS["n02548"])
    assert validity.windows(n) is not None and n.issues == ()
    assert (
        validity.windows(n)[1][0].date() == date(2022, 10, 4)
        and validity.windows(n)[1][0].hour == 3
    )
    # the same NOTAM without its centre: no position for sunrise and sunset, so not read,
    # and the reason says so
    n = parse_icao(TEXTS["n02548"].replace("0133568668N03013143577E/005", ""))
    assert validity.windows(n) is None
    assert any("SR/SS without a position" in i and "EVERY DAY HJ" in i for i in n.issues)


def test_hj_and_hn() -> None:
    day = datetime(2024, 6, 21, tzinfo=UTC)
    rise = sun.sunrise(day.date(), 51.4779, -0.0015)
    sset = sun.sunset(day.date(), 51.4779, -0.0015)
    rise2 = sun.sunrise(day.date() + timedelta(days=1), 51.4779, -0.0015)
    assert rise and sset and rise2
    assert read_windows("HJ", day, day + timedelta(days=1)) == ((rise, sset),)
    got = read_windows("HN", day, day + timedelta(days=2))
    assert (sset, rise2) in got
    assert read_windows("EVERY DAY HJ", day, day + timedelta(days=1)) == ((rise, sset),)


def test_mai_is_may_and_dates_grouped_by_time() -> None:
    # n02727: dates listed by time of day, "MAI" for May, and APR listed after MAY
    got = corpus_windows("n02727")
    by_day = {a.date(): (a, b) for a, b in got}
    assert by_day[date(2023, 5, 3)] == hours((2023, 5, 3), "0445", "0755")
    assert by_day[date(2023, 4, 3)] == hours((2023, 4, 3), "0525", "0745")  # not 2024
    assert by_day[date(2023, 6, 1)] == hours((2023, 6, 1), "0525", "0745")
    assert all(a.year == 2023 for a, _ in got)


def test_month_named_again_after_a_later_one() -> None:
    # n01070 (W0902/22 part 2): "... MAY 03-05 10-12 0530-2100, APR 14 22 29 MAY 06 13
    # 0530-1400, APR 19 25 ...": APR 14 is this April, between B and C, not next year's
    got = corpus_windows("n01070")
    days = [a.date() for a, _ in got]
    assert date(2022, 4, 14) in days and date(2022, 4, 19) in days
    assert len(got) == 21 and all(a.year == 2022 for a, _ in got)


def _z(day: int, hhmm: str) -> datetime:
    return datetime(2025, 3, day, int(hhmm[:2]), int(hhmm[2:]), tzinfo=UTC)


def test_day_groups_in_any_order_within_a_short_validity() -> None:
    """Real UK items: comma groups go back to earlier days; every day lies between B and C,
    where each day of the month occurs once, so none may be pushed to the next month."""
    got = windows(
        "17 19 22 0830-1800, 18 20 23 0830-1600",  # EGGN:D0423/25
        _z(17, "0830"),
        _z(23, "1600"),
    )
    assert got is not None
    assert [(a.day, f"{a:%H%M}", f"{b:%H%M}") for a, b in got] == [
        (17, "0830", "1800"),
        (18, "0830", "1600"),
        (19, "0830", "1800"),
        (20, "0830", "1600"),
        (22, "0830", "1800"),
        (23, "0830", "1600"),
    ]
    got = windows(
        "11-14 17-21 24-28 1800-1830, 15 0830-0930 1400-1430 1630-1700, 31 1700-1730",
        _z(11, "0930"),
        _z(31, "1730"),  # EGGN:C1649/25, unreadable before ("no such date 04-31")
    )
    assert got is not None
    days = sorted({a.day for a, _b in got})
    assert days == [11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 24, 25, 26, 27, 28, 31]
    assert (_z(31, "1700"), _z(31, "1730")) in got


def test_date_time_spans() -> None:
    """``MAR 15 0700 TO MAR 17 1500``: one stretch from a date and time to another, the
    months optional as elsewhere; several spans, and spans next to day groups."""
    assert read_windows("MAR 15 0700 TO MAR 17 1500") == ((t(3, 15, 7), t(3, 17, 15)),)
    assert read_windows("MAR 15 0700-MAR 17 1500, MAR 20 2200-MAR 21 0400") == (
        (t(3, 15, 7), t(3, 17, 15)),
        (t(3, 20, 22), t(3, 21, 4)),
    )
    assert read_windows("20 2200 TO 21 0400") == ((t(3, 20, 22), t(3, 21, 4)),)
    assert read_windows("MAR 18 0700 TO MAR 19 1500, 25 26 0800-1000") == (
        (t(3, 18, 7), t(3, 19, 15)),
        (t(3, 25, 8), t(3, 25, 10)),
        (t(3, 26, 8), t(3, 26, 10)),
    )
    # two day groups with their times are not a span
    assert read_windows("MAR 15 0700-2359 MAR 16 0000-1500") == (
        (t(3, 15, 7), t(3, 15, 23, 59)),
        (t(3, 16, 0), t(3, 16, 15)),
    )
    # clipped to B and C like any window
    assert read_windows("MAR 13 0700 TO MAR 15 1500") == ((B, t(3, 15, 15)),)
    # day first
    assert read_windows("15 MAR 0700 TO 17 MAR 1500, 20 MAR 2200-21 MAR 0400") == (
        (t(3, 15, 7), t(3, 17, 15)),
        (t(3, 20, 22), t(3, 21, 4)),
    )


@pytest.mark.parametrize(
    ("item_d", "reason"),
    [
        ("MAR 17 0700 TO MAR 15 1500", "runs backwards"),
        ("MAR 15 16 0700 TO MAR 17 1500", "days without times"),
        ("MAR 15 0700 TO MAR 17 2460", "bad time 2460"),
        ("DAILY 0800-0900 EXC MAR 15 0700 TO MAR 17 1500", "times after EXC"),
        ("MAR 15 APR 0700 TO 16 APR 0800", "two months for one day"),
    ],
)
def test_date_time_spans_not_read(item_d: str, reason: str) -> None:
    why = read(item_d, B, C)
    assert isinstance(why, str) and reason in why


def test_day_first_dates() -> None:
    """``15 16 MAR 0700-1500``: days written before their month, which closes them.
    They used to be read with the month of B (Feb 15, 16 here): wrong windows."""
    b, c = t(2, 10), t(4, 30)

    def got(item_d: str) -> tuple:
        return read_windows(item_d, b, c)

    assert got("15 MAR 0700-1500") == ((t(3, 15, 7), t(3, 15, 15)),)
    assert got("15 16 MAR 0700-1500") == ((t(3, 15, 7), t(3, 15, 15)), (t(3, 16, 7), t(3, 16, 15)))
    assert len(got("15-17 MAR 0700-1500")) == 3 and got("15-17 MAR 0700-1500")[0][0] == t(3, 15, 7)
    assert got("15 MAR 0700-1500, 20 APR 0800-1600") == (
        (t(3, 15, 7), t(3, 15, 15)),
        (t(4, 20, 8), t(4, 20, 16)),
    )
    # months written before their days are read as ever
    assert got("MAR 30 31 APR 01 0700-1500")[-1] == (t(4, 1, 7), t(4, 1, 15))


def test_day_first_real_uk_notam_keeps_its_april_days() -> None:
    """EGGN H1474/25 (parachuting at Upper Rissington, B 2503190900, C 2504112000):
    ``19-20 24-28 MAR 0900-2100, 31 MAR 0800-2000, 01-04 07-11 APR 0800-2000``. Its
    April days used to be read as March days before B, and so lost."""
    item_d = "19-20 24-28 MAR 0900-2100, 31 MAR 0800-2000, 01-04 07-11 APR 0800-2000"
    got = read_windows(item_d, t(3, 19, 9), t(4, 11, 20))
    assert [w[0].date() for w in got] == [
        *(date(2025, 3, d) for d in (19, 20, 24, 25, 26, 27, 28, 31)),
        *(date(2025, 4, d) for d in (1, 2, 3, 4, 7, 8, 9, 10, 11)),
    ]
    assert got[-1] == (t(4, 11, 8), t(4, 11, 20))


@pytest.mark.parametrize(
    "item_d",
    [
        "MAR 0700-1500",  # a month and no day: not "every day"
        "MAR 15 0700-1500 APR",
        "MAR 15 16 0700-1500 20 APR",  # month first, then day first: not guessed
        "MAR 15 0700-1500, 20 APR 0800-1600",
    ],
)
def test_month_without_its_days_is_not_read(item_d: str) -> None:
    why = read(item_d, t(2, 10), t(4, 30))
    assert isinstance(why, str) and "month name not followed by its days" in why


def test_exc_then_a_group_of_its_own() -> None:
    """``EXC`` days end at a comma when the days after it have times of their own:
    n01541 (EDHK, AD closed) ``SAT SUN 1100-1130 EXC MAR 26, MAR 26 1000-1030``."""
    n = parse_icao(TEXTS["n01541"])
    assert n.issues == ()
    assert validity.windows(n) is not None
    assert validity.windows(n)[-2:] == (
        (datetime(2023, 3, 25, 11, 0, tzinfo=UTC), datetime(2023, 3, 25, 11, 30, tzinfo=UTC)),
        (datetime(2023, 3, 26, 10, 0, tzinfo=UTC), datetime(2023, 3, 26, 10, 30, tzinfo=UTC)),
    )
    got = read_windows("DAILY 0700-1900 EXC SUN, SUN 0900-1700")
    sundays = [w for w in got if w[0].weekday() == 6]
    assert sundays and all((w[0].hour, w[1].hour) == (9, 17) for w in sundays)
    assert all((w[0].hour, w[1].hour) == (7, 19) for w in got if w[0].weekday() != 6 and w[0] != B)
    # a comma inside the days taken out, with no times after: all of them are taken out
    got = read_windows("DAILY 0700-1900 EXC SAT, SUN")
    assert got and all(w[0].weekday() < 5 for w in got)


@pytest.mark.parametrize(
    ("item_d", "reason"),
    [
        ("DAILY 0700-1900 EXC SUN 0900-1700", "times after EXC"),  # which days? not guessed
        ("SAT SUN HOL 0800-1200", "public holidays (HOL) are not known"),
        ("MON-FRI 0800-1600, SAT HOL 0900-1200", "public holidays (HOL) are not known"),
        ("FRI 0800-1000 SAT EXC MAR 22", "days without times"),
        ("MON 0800-1000, TUE EXC MAR 18", "days without times"),  # TUE used to be dropped
    ],
)
def test_exc_not_read(item_d: str, reason: str) -> None:
    why = read(item_d, B, C)
    assert isinstance(why, str) and reason in why


def test_exc_twice() -> None:
    """Each ``EXC`` takes days out of its own group; ``EXC SAT EXC SUN`` takes out both
    (it used to keep Saturdays: the second EXC forgot the first one's days)."""
    got = read_windows("DAILY 0700-1900 EXC SUN, SUN 0900-1700 EXC MAR 30")
    sundays = [a.day for a, _b in got if a.weekday() == 6]
    assert sundays == [16, 23]  # not the 30th
    assert all((a.hour, b.hour) == (9, 17) for a, b in got if a.weekday() == 6)
    assert len([w for w in got if w[0].weekday() != 6]) == 14
    both = read_windows("DAILY 0600-1200 EXC SAT EXC SUN")
    assert both == read_windows("DAILY 0600-1200 EXC SAT AND SUN")
    assert both == read_windows("MON-FRI 0600-1200") and len(both) == 11
    assert read_windows("DAILY 0600-1200 EXCEPT SUN") == read_windows("DAILY 0600-1200 EXC SUN")


def test_times_after_an_exception() -> None:
    """Days, ``EXC`` days, then times: the times apply to the days less those excepted."""
    got = read_windows("EV FRI AND SAT EXC MAR 22 0600-1200")
    assert [a.day for a, _b in got] == [14, 15, 21, 28, 29]  # not Saturday the 22nd
    assert got[0] == (t(3, 14, 6), t(3, 14, 12))
    assert read_windows("DAILY EXC SAT SUN 0600-1200") == read_windows("MON-FRI 0600-1200")
    two = read_windows("FRI SAT EXC MAR 22 0600-1000 1400-1600, SUN 0800-0900")
    assert [(a.day, a.hour) for a, _b in two if a.day in (21, 22, 23)] == [
        (21, 6), (21, 14), (23, 8)
    ]  # fmt: skip
    # the excepted days are those of the group: Sunday the 23rd keeps its window
    assert read_windows("SAT EXC 22 0600-1200 SUN 0800-0900")[-1] == (t(3, 30, 8), t(3, 30, 9))


def test_date_ranges_written_day_first() -> None:
    b, c = t(3, 26), t(4, 30, 23, 59)
    got = read_windows("26 MAR - 30 APR 0600-1200", b, c)
    assert len(got) == 36 and got[0] == (t(3, 26, 6), t(3, 26, 12))
    assert got[-1] == (t(4, 30, 6), t(4, 30, 12))
    assert read_windows("26 MAR-30 APR 0600-1200", b, c) == got
    assert read_windows("26 MAR TO 30 APR 2025 0600-1200", b, c) == got
    assert isinstance(read("26 MAR TO 30 APR 2024 0600-1200", b, c), str)  # no window
    assert read_windows("FM 26 MAR TO 30 APR 0600-1200", b, c) == got
    assert isinstance(read("30 APR - 26 MAR 0600-1200", b, c), str)


def test_french_and_spanish_names() -> None:
    assert read_windows("TOUS LES JOURS 24H") == ((B, C),)
    assert read_windows("TOUS LES JOURS 0600-1200") == read_windows("DAILY 0600-1200")
    assert read_windows("LUN-VEN 0800-1600") == read_windows("MON-FRI 0800-1600")
    assert read_windows("SAB DOM 0800-1600") == read_windows("SAT SUN 0800-1600")
    assert read_windows("SAM DIM 0800-1600") == read_windows("SAT SUN 0800-1600")
    b, c = t(3, 20), t(5, 30)
    april = read_windows("APR 01-03 0600-1200", b, c)
    assert read_windows("ABR 01-03 0600-1200", b, c) == april
    assert read_windows("01-03 ABR 0600-1200", b, c) == april
    assert read_windows("AVR 01-03 0600-1200", b, c) == april
    assert read_windows("JUIN 01 0600-1200", t(5, 20), t(6, 30)) == ((t(6, 1, 6), t(6, 1, 12)),)
    # MAR is March, never the French or Spanish Tuesday
    assert isinstance(read("LUN MAR MER 0800-1600", B, C), str)


def test_bilingual_falls_back_on_a_readable_french_part() -> None:
    # n02678: D) TOUS LES JOURS HJ/EVERY DAYS H: the English part is cut short
    n = parse_icao(TEXTS["n02678"])
    assert not [i for i in n.issues if "schedule" in i]
    got = validity.windows(n)
    assert got is not None and len(got) > 80
    assert (
        read("TOUS LES JOURS H24/EVERY DAY 0800-1200", B, C, 51.5, 0.0)
        == "schedule not read: its French part 'TOUS LES JOURS H24' says otherwise in "
        + repr("TOUS LES JOURS H24/EVERY DAY 0800-1200")
        + " (read as 'EVERY DAY 0800-1200')"
    )


def test_times_first_from_a_date_to_another() -> None:
    # n01746: D) BTN 2000-2400 AND 0001-0100 (NEXT DAY) DLY FM 01 FEB TO 02 APR 2023
    got = corpus_windows("n01746")
    assert got[0] == (hours((2023, 2, 1), "2000", "2359")[0], datetime(2023, 2, 2, tzinfo=UTC))
    assert got[1] == hours((2023, 2, 2), "0001", "0100")
    assert got[-1] == hours((2023, 4, 2), "0001", "0100")
