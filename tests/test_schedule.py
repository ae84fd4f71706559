"""Item D schedules into UTC windows, and sunrise/sunset."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from notam_log import sun
from notam_log.schedule import HORIZON, windows


def t(mo: int, d: int, h: int = 0, mi: int = 0, y: int = 2025) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


B = t(3, 14)  # a Friday
C = t(3, 31)


def read(item_d: str, start: datetime = B, end: datetime | None = C) -> tuple:
    got, why = windows(item_d, start, end, 51.4779, -0.0015)
    assert why is None, why
    assert got is not None
    return got


def test_daily_and_dly() -> None:
    got = read("DAILY 0800-1600")
    assert len(got) == 17 and got[0] == (t(3, 14, 8), t(3, 14, 16)) and got[-1][0] == t(3, 30, 8)
    assert read("DLY 0800-1600") == got == read("0800-1600") == read("DAILY 0800 - 1600")


def test_weekdays() -> None:
    got = read("MON-FRI 0600-1800")
    assert all(a.weekday() < 5 for a, _ in got) and len(got) == 11  # Fri 14, 17-21, 24-28
    assert got[1] == (t(3, 17, 6), t(3, 17, 18))


def test_several_weekday_clauses() -> None:
    got = read("SUN-THU 0300-1900, FRI 0300-1300")
    assert got[0] == (t(3, 14, 3), t(3, 14, 13))  # Friday
    assert got[1] == (t(3, 16, 3), t(3, 16, 19))  # Sunday; Saturday has none


def test_h24_merges() -> None:
    assert read("H24") == ((B, C),)


def test_dates() -> None:
    assert (
        read("MAR 15-17 0600-1800")
        == read("15 16 17 0600-1800")
        == (
            (t(3, 15, 6), t(3, 15, 18)),
            (t(3, 16, 6), t(3, 16, 18)),
            (t(3, 17, 6), t(3, 17, 18)),
        )
    )
    assert read("MAR 15 0800-1200 MAR 16 1000-1400") == (
        (t(3, 15, 8), t(3, 15, 12)),
        (t(3, 16, 10), t(3, 16, 14)),
    )
    got = read("FEB 09-20 0800-1400, FEB 23-27 0800-1400", t(2, 1), t(3, 1))
    assert len(got) == 17 and got[-1] == (t(2, 27, 8), t(2, 27, 14))


def test_dates_into_next_year() -> None:
    got = read("DEC 24 25 26 31 JAN 01 H24", t(12, 24, y=2023), t(1, 2, y=2024))
    assert got == ((t(12, 24, y=2023), t(12, 27, y=2023)), (t(12, 31, y=2023), t(1, 2, y=2024)))


def test_crossing_midnight_clipped() -> None:
    got = read("2200-0600")
    assert got[0] == (B, t(3, 14, 6))  # the night that began before B, clipped
    assert got[1] == (t(3, 14, 22), t(3, 15, 6))
    assert got[-1] == (t(3, 30, 22), C)


def test_perm_horizon() -> None:
    got = read("DAILY 0800-0900", B, None)
    assert got[-1][1] <= B + HORIZON and len(got) == 370


def test_exc_final_clause() -> None:
    got = read("0500-1600 DAILY EXC SUN")
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
    got = read(
        "SR MINUS30-SS PLUS30", datetime(2024, 6, 21, tzinfo=UTC), datetime(2024, 6, 22, tzinfo=UTC)
    )
    assert got == ((rise - timedelta(minutes=30), sset + timedelta(minutes=30)),)


def test_polar_night_has_no_sunrise() -> None:
    assert sun.sunrise(date(2024, 12, 21), 78.2, 15.6) is None


@pytest.mark.parametrize(
    "item_d",
    ["TOUS LES JOUR HJ", "1800-2200 ON MAR 7 AND 9", "MAR 15", "FEB 30 0800-0900", "2500-2600"],
)
def test_unreadable(item_d: str) -> None:
    got, why = windows(item_d, B, C)
    assert got is None and why is not None and why.startswith("schedule not read")


def test_sr_needs_position_and_start() -> None:
    assert windows("SR-SS", B, C)[0] is None
    assert windows("DAILY 0800-0900", None, C)[0] is None
