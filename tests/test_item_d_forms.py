"""Item D forms of real NOTAMs that the reader used to give up on, in whole NOTAMs:
French and Spanish range words and names written out, weekday words, days with no
time at all, and public holidays taken out (``EXC HOL``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from notam_log.core import validity
from notam_log.core.item_d import Rule, read
from notam_log.core.parse.icao import parse_icao


def t(mo: int, d: int, h: int = 0, mi: int = 0, y: int = 2025) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def notam(item_d: str, b: str = "2504010000", c: str = "2504302359") -> str:
    return (
        "(A0812/25 NOTAMN\n"
        "Q) LFFF/QRTCA/IV/BO/W/000/055/4843N00215E005\n"
        f"A) LFPN B) {b} C) {c}\n"
        f"D) {item_d}\n"
        "E) ZONE REGLEMENTEE TEMPORAIRE ACTIVE.\n"
        "F) SFC G) 5500FT AMSL)"
    )


def windows_of(
    item_d: str, b: str = "2504010000", c: str = "2504302359"
) -> tuple[tuple[datetime, datetime], ...]:
    n = parse_icao(notam(item_d, b, c))
    assert n.issues == (), n.issues
    got = validity.windows(n)
    assert got is not None
    return got


WORKDAYS_APRIL = [d for d in range(1, 31) if date(2025, 4, d).weekday() < 5]


@pytest.mark.parametrize(
    "item_d",
    [
        "LUN AU VEN 0800-1600",  # French "au"
        "DU LUN AU VEN 0800-1600",
        "LUNDI AU VENDREDI 0800-1600",  # written out
        "LUN A VIE 0800-1600",  # Spanish "a"
        "LUNES A VIERNES 0800-1600",
        "WEEKDAYS 0800-1600",
        "MON-FRI 0800-1600",  # the English form they must agree with
    ],
)
def test_weekday_ranges_in_other_words(item_d: str) -> None:
    got = windows_of(item_d)
    assert [a.day for a, _ in got] == WORKDAYS_APRIL
    assert all((a.hour, b.hour) == (8, 16) for a, b in got)


@pytest.mark.parametrize(
    "item_d",
    [
        "01 AU 15 AVR 0800-1200",
        "DU 01 AU 15 AVRIL 0800-1200",
        "ABR 01 AL 15 0800-1200",
        "01 AL 15 ABRIL 0800-1200",
        "APR 01 TO 15 0800-1200",
        "APR 01-15 0800-1200",
    ],
)
def test_date_ranges_in_other_words(item_d: str) -> None:
    got = windows_of(item_d)
    assert [a.day for a, _ in got] == list(range(1, 16))
    assert got[0] == (t(4, 1, 8), t(4, 1, 12))


def test_a_range_into_the_next_month_with_to() -> None:
    got = windows_of("MAR 25 TO APR 05 0600-1800", "2503200000", "2504302359")
    assert got[0] == (t(3, 25, 6), t(3, 25, 18)) and got[-1] == (t(4, 5, 6), t(4, 5, 18))
    assert len(got) == 12


def test_weekdays_with_no_time_are_whole_days() -> None:
    """SAVY A0744/23 (fuel available) ``D) SAT AND SUN``: Saturdays and Sundays, all
    day: the only reading of a schedule that names weekdays and nothing else."""
    got = windows_of("SAT AND SUN")
    assert got[0] == (t(4, 5), t(4, 7)) and got[-1] == (t(4, 26), t(4, 28))
    assert len(got) == 4
    assert windows_of("WEEKEND") == got
    # days with times elsewhere, or dates (a number at the end may be a time cut
    # short: "DAILY 05" of "DAILY 0500-1700"), are not given whole days
    for item_d in (
        "MON 0800-1000 TUE",
        "15 16 17",
        "SEP 21, OCT 12 19 DAILY 05",
        "SAT 07",
        "SAT AND",
    ):
        why = read(item_d, t(4, 1), t(4, 30))
        assert isinstance(why, str) and "schedule not read" in why, item_d


def test_public_holidays_taken_out_keep_their_windows_and_say_so() -> None:
    """``MON-FRI 0700-1500 EXC HOL``: which days are public holidays is not known, so
    the weekdays' windows all stay (the NOTAM is never shown as not in force when it
    may be) and the record says that holidays were not taken out."""
    n = parse_icao(notam("MON-FRI 0700-1500 EXC HOL"))
    assert len(n.issues) == 1 and "public holidays (EXC HOL) are not taken out" in n.issues[0]
    got = validity.windows(n)
    assert got is not None and [a.day for a, _ in got] == WORKDAYS_APRIL
    other = parse_icao(notam("MON-FRI EXC PUBLIC HOL 0700-1500"))
    assert validity.windows(other) == got and other.issues == n.issues
    # French "jours feries", Spanish "festivos", "PH": the same
    for item_d in (
        "LUN-VEN 0700-1500 SAUF JF",
        "LUN A VIE EXC FEST 0700-1500",
        "MON-FRI EXC PH 0700-1500",
    ):
        other = parse_icao(notam(item_d))
        assert validity.windows(other) == validity.windows(n) and other.issues == n.issues
    # days taken out with holidays are taken out
    got = validity.windows(parse_icao(notam("DAILY 0700-1500 EXC SUN AND HOL")))
    assert got is not None and all(a.weekday() != 6 for a, _ in got) and len(got) == 26
    # holidays given hours of their own are still not read
    rule = read("MON-FRI 0700-1500, SAT HOL 0900-1200", t(4, 1), t(4, 30))
    assert isinstance(rule, str) and "(HOL) are not known" in rule


def test_month_names_written_out_are_read() -> None:
    for item_d in ("15 MARS 0800-1000", "15 MARZO 0800-1000", "MARCH 15 0800-1000"):
        got = windows_of(item_d, "2503010000", "2503312359")
        assert got == ((t(3, 15, 8), t(3, 15, 10)),), item_d
    # MARDI and MARTES are Tuesdays, not March
    got = windows_of("MARDI 0800-1000")
    assert [a.day for a, _ in got] == [1, 8, 15, 22, 29]
    assert isinstance(read("MARTES 0800-1000", t(4, 1), t(4, 30)), Rule)


def test_days_first_with_several_months() -> None:
    """``EXC 21 APR AND 01 MAY``: each month follows its days, and the last one has no
    day after it, so the text can only be day first (read month first, ``APR AND 01``
    left ``MAY`` with no day and the schedule was not read)."""
    got = windows_of("MON-FRI 0700-1500 EXC 18 APR AND 01 MAY", "2504010000", "2505312359")
    days = {a.date() for a, _ in got}
    assert date(2025, 4, 18) not in days and date(2025, 5, 1) not in days
    assert date(2025, 4, 17) in days and date(2025, 5, 2) in days
    assert (
        len(got)
        == sum(
            1 for k in range(61) if date.fromordinal(date(2025, 4, 1).toordinal() + k).weekday() < 5
        )
        - 2
    )
    assert windows_of("28 APR 01 MAY 0700-1500", "2504010000", "2505312359") == (
        (t(4, 28, 7), t(4, 28, 15)),
        (t(5, 1, 7), t(5, 1, 15)),
    )
    got = windows_of("DAILY 0800-1600 EXC 25 APR, 10 MAY", "2504200000", "2505152359")
    assert {a.day for a, _ in got if a.month == 4} == {20, 21, 22, 23, 24, 26, 27, 28, 29, 30}
    assert 10 not in {a.day for a, _ in got if a.month == 5}
    # a month first anywhere, or days after the last month: not read as day first
    for item_d in ("APR 15 0700-1500, 20 MAY 0800-1600", "15 APR 0700-1500 MAY"):
        assert isinstance(read(item_d, t(4, 1), t(5, 31)), str), item_d


def test_a_time_of_five_digits_is_not_read_as_a_time_and_a_day() -> None:
    """WAAF B0650/23 ``DAILY 0000 - 08000``: not read, and said so in its own words
    (it used to read ``0000 - 0800`` then a day ``0``: "no such date 04-00")."""
    why = read("DAILY 0000 - 08000", t(4, 5), t(5, 31))
    assert why == "schedule not read: cannot read '0000 - 08000' in 'DAILY 0000 - 08000'"
