"""The words of an item D text (times, days, months, weekdays, ``EXC`` ...), read once
per text: what depends on the text alone, before B and C give it dates."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from notam_log.core.item_d.rule import Unreadable

_ENGLISH_MONTHS = (
    "JAN",
    "FEB",
    "MAR",
    "APR",
    "MAY",
    "JUN",
    "JUL",
    "AUG",
    "SEP",
    "OCT",
    "NOV",
    "DEC",
)
_ENGLISH_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_LONG_DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
#: Month names: English, and the French and Spanish ones that differ from them.
MONTHS: dict[str, int] = (
    {m: i + 1 for i, m in enumerate(_ENGLISH_MONTHS)}
    | {
        "JANV": 1,
        "FEVR": 2,
        "FEV": 2,
        "MARS": 3,
        "AVR": 4,
        "JUIN": 6,
        "JUIL": 7,
        "AOUT": 8,
        "SEPT": 9,
        "ENE": 1,
        "ABR": 4,
        "AGO": 8,
        "DIC": 12,
        "MAI": 5,  # French/German/Portuguese "May", read only before a day number
    }
    | {  # written out: English, French (with and without accents), Spanish
        m: i + 1
        for i, names in enumerate(
            (
                ("JANUARY", "JANVIER", "ENERO"),
                ("FEBRUARY", "FEVRIER", "FÉVRIER", "FÉVR", "FÉV", "FEBRERO"),
                ("MARCH", "MARZO"),
                ("APRIL", "AVRIL", "ABRIL"),
                ("MAYO",),
                ("JUNE", "JUNIO"),
                ("JULY", "JUILLET", "JULIO"),
                ("AUGUST", "AOÛT", "AGOSTO"),
                ("SEPTEMBER", "SEPTEMBRE", "SEPTIEMBRE", "SETIEMBRE"),
                ("OCTOBER", "OCTOBRE", "OCTUBRE"),
                ("NOVEMBER", "NOVEMBRE", "NOVIEMBRE"),
                ("DECEMBER", "DECEMBRE", "DÉCEMBRE", "DICIEMBRE"),
            )
        )
        for m in names
    }
)
#: Weekday names: English (short and long), French and Spanish (``MAR``, their
#: Tuesday, is always March).
WEEKDAYS: dict[str, int] = (
    {d: i for i, d in enumerate(_ENGLISH_DAYS)}
    | {d: i for i, d in enumerate(_LONG_DAYS)}
    | {"TUES": 1, "THUR": 3, "THURS": 3}
    | {"LUN": 0, "MER": 2, "JEU": 3, "VEN": 4, "SAM": 5, "DIM": 6}  # French
    | {"MIE": 2, "JUE": 3, "VIE": 4, "SAB": 5, "DOM": 6}  # Spanish
    | {
        d: i
        for i, names in enumerate(
            (
                ("LUNDI", "LUNES"),
                ("MARDI", "MARTES"),
                ("MERCREDI", "MIERCOLES", "MIÉRCOLES"),
                ("JEUDI", "JUEVES"),
                ("VENDREDI", "VIERNES"),
                ("SAMEDI", "SABADO", "SÁBADO"),
                ("DIMANCHE", "DOMINGO"),
            )
        )
        for d in names
    }
)
#: Words for several weekdays: Monday to Friday, Saturday and Sunday.
_WORKDAYS = r"WEEKDAYS|WKDAYS|WORKING\s+DAYS|JOURS\s+OUVRABLES|DIAS\s+LABORABLES"
_WEEKEND = r"WEEKENDS?|WKENDS?|WEEK-ENDS?|FINS?\s+DE\s+SEMANA"


def _alternatives(names: Iterable[str]) -> str:
    """Longest first, so that a name is not read as its own beginning."""
    return "|".join(sorted(names, key=lambda s: (-len(s), s)))


M = _alternatives(n for n in MONTHS if n != "MAI")
W = _alternatives(WEEKDAYS)
T = r"\d{4}|SR|SS"
_YEAR = r"(?:\s+(?P<{0}>20\d\d)(?!\d|\s*(?:-|TO|/)\s*(?:\d{{4}}|SR|SS)))?"
_TOKEN = re.compile(
    rf"""\s*(?:
      (?P<K_dt>(?P<dt1>\d{{10}})\s*(?:-|TO)\s*(?P<dt2>\d{{10}}))
    | (?P<K_span>(?:(?P<sm1>{M})\s*)?(?P<sd1>\d{{1,2}})(?:\s*(?P<sa1>{M}))?\s+(?P<st1>\d{{4}})
      \s*(?:-|TO)\s*
      (?:(?P<sm2>{M})\s*)?(?P<sd2>\d{{1,2}})(?:\s*(?P<sa2>{M}))?\s+(?P<st2>\d{{4}})(?!\d))
    | (?P<K_t>(?P<t1>{T})(?:\s*(?P<s1>MINUS|PLUS)\s*(?P<o1>\d{{1,3}}))?
      \s*(?:-|TO|/)\s*
      (?P<t2>{T})(?!\d)(?:\s*(?P<s2>MINUS|PLUS)\s*(?P<o2>\d{{1,3}}))?)
    | (?P<K_h24>(?:H24|24H(?:RS?)?)(?![A-Z0-9]))
    | (?P<K_mon>(?P<mon>{M}|MAI(?=\s*\d{{1,2}}(?!\d)))(?![A-Z]))
    | (?P<K_w>(?P<w1>{W})(?:\s*(?:-|TIL|TO|THRU|AU|AL|A)\s*(?P<w2>{W}))?(?![A-Z]))
    | (?P<K_wk>(?P<wk>{_WORKDAYS})|{_WEEKEND})(?![A-Z])
    | (?P<K_dr>(?P<r_d1>\d{{1,2}})\s*(?P<r_m1>{M}){_YEAR.format("r_y1")}
      \s*(?:-|TO|TIL|THRU|AU|AL)\s*
      (?P<r_d2>\d{{1,2}})\s*(?P<r_m2>{M}){_YEAR.format("r_y2")}(?![A-Z]))
    | (?P<K_d>(?P<d1>\d{{1,2}})
      (?:\s*(?:-|(?:TIL|TO|THRU|AU|AL|A)(?![A-Z]))\s*(?:(?P<m2>{M})\s*)?(?P<d2>\d{{1,2}}))?
      (?![\d/]))
    | (?P<K_daily>(?:DAILY|DLY|EVERY\s*DAYS?|TOUS\s+LES?\s+JOURS?|TLJ|DIARIO|TODOS\s+LOS\s+DIAS)
      (?![A-Z]))
    | (?P<K_hj>(?P<hj>HJ|HN)(?![A-Z]))
    | (?P<K_exc>(?:EXC(?:EPT)?|SAUF|EXCEPTO)(?![A-Z]))
    | (?P<K_hol>(?:(?:PUBLIC\s+)?HOL(?:IDAYS?|S)?|PH|JF|(?:JOURS\s+)?FERIES|FEST(?:IVOS)?
      |FERIADOS)(?![A-Z]))
    | (?P<skip>,|;|\.|\(?NEXT\s*DAY\)?|(?:AND|BTN|EVERY|EV|UTC|ET|Y|FM|FROM|DU|DEL|LE|LES|EL|LOS)
      (?![A-Z]))
    )""",
    re.X,
)


@dataclass(frozen=True, slots=True)
class Time:
    """A time range: ``hhmm`` or SR/SS at each end, offsets in seconds, the seconds of
    the day of the fixed ends (None for SR/SS), and why a time is bad (or None)."""

    t1: str
    t2: str
    o1: int
    o2: int
    fixed1: int | None
    fixed2: int | None
    bad: str | None = None

    @property
    def sunny(self) -> bool:
        return self.fixed1 is None or self.fixed2 is None


@dataclass(frozen=True, slots=True)
class Span:
    """One stretch from a date and time to another (``APR 01 0700 TO APR 03 1500``, or
    day first), months None where not written."""

    month1: int | None
    day1: int
    s1: int
    month2: int | None
    day2: int
    s2: int
    written: str


@dataclass(frozen=True, slots=True)
class DateTimes:
    """``YYMMDDhhmm TO YYMMDDhhmm``."""

    dt1: str
    dt2: str


@dataclass(frozen=True, slots=True)
class Days:
    """A day of the month, or a range of them (``15``, ``15-17``, ``30-APR 02``)."""

    day1: int
    month2: int | None
    day2: int | None
    written: str


@dataclass(frozen=True, slots=True)
class DayRange:
    """Days written first with their months: ``26 MAR - 30 APR`` (years optional)."""

    day1: int
    month1: int
    year1: int | None
    day2: int
    month2: int
    year2: int | None
    written: str


@dataclass(frozen=True, slots=True)
class Month:
    month: int


@dataclass(frozen=True, slots=True)
class Weekdays:
    days: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Word:
    """``EXC`` (``exc``), ``H24`` (``h24``), ``DAILY`` (``daily``), or a comma or
    semicolon after ``EXC`` (``sep``)."""

    kind: str


@dataclass(frozen=True, slots=True)
class Stop:
    """Where the text cannot be read on, and why."""

    reason: str


Token = Time | Span | DateTimes | Days | DayRange | Month | Weekdays | Word | Stop
#: The kinds of word that give windows to the days before them.
TIMED = (Time, Span)


@functools.lru_cache(maxsize=16384)
def tokens(text: str) -> tuple[Token, ...]:
    """The words of an item D text, in order; a :class:`Stop` last where the text
    cannot be read on (skipped words give nothing; a comma or semicolon counts only
    after ``EXC``)."""
    out: list[Token] = []
    pos = 0
    after_exc = False
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            rest = text[pos:].strip()
            if rest:
                out.append(Stop(f"cannot read {rest[:20]!r}"))
            break
        pos = m.end()
        kind = m.lastgroup or ""
        if kind == "skip":
            if after_exc and m["skip"] in (",", ";"):
                out.append(Word("sep"))
            continue
        tok = _READ[kind](m)
        out.append(tok)
        if isinstance(tok, Stop):
            break
        after_exc = after_exc or tok == Word("exc")
    return tuple(out)


def _time(m: re.Match[str]) -> Token:
    t1, g1, n1, t2, g2, n2 = m.group("t1", "s1", "o1", "t2", "s2", "o2")
    if not t1:
        t1, t2 = ("SR", "SS") if m["hj"] == "HJ" else ("SS", "SR")
    o1 = int(n1) * (-60 if g1 == "MINUS" else 60) if n1 else 0
    o2 = int(n2) * (-60 if g2 == "MINUS" else 60) if n2 else 0
    try:
        fixed1 = None if t1 in ("SR", "SS") else seconds_of_day(t1)
        fixed2 = None if t2 in ("SR", "SS") else seconds_of_day(t2)
    except Unreadable as why:
        return Time(t1, t2, o1, o2, 0, 0, str(why))
    return Time(t1, t2, o1, o2, fixed1, fixed2)


def _span(m: re.Match[str]) -> Token:
    try:
        s1, s2 = seconds_of_day(m["st1"]), seconds_of_day(m["st2"])
    except Unreadable as why:
        return Stop(str(why))
    if (m["sm1"] and m["sa1"]) or (m["sm2"] and m["sa2"]):
        return Stop(f"two months for one day in {m.group().strip()!r}")
    m1, m2 = m["sm1"] or m["sa1"], m["sm2"] or m["sa2"]
    return Span(
        MONTHS[m1] if m1 else None,
        int(m["sd1"]),
        s1,
        MONTHS[m2] if m2 else None,
        int(m["sd2"]),
        s2,
        " ".join(m.group().split()),
    )


def _days(m: re.Match[str]) -> Token:
    return Days(
        int(m["d1"]),
        MONTHS[m["m2"]] if m["m2"] else None,
        int(m["d2"]) if m["d2"] else None,
        m.group().strip(),
    )


def _day_range(m: re.Match[str]) -> Token:
    y1, y2 = m["r_y1"], m["r_y2"]
    return DayRange(
        int(m["r_d1"]),
        MONTHS[m["r_m1"]],
        int(y1) if y1 else None,
        int(m["r_d2"]),
        MONTHS[m["r_m2"]],
        int(y2) if y2 else None,
        " ".join(m.group().split()),
    )


def _weekdays(m: re.Match[str]) -> Token:
    w1 = WEEKDAYS[m["w1"]]
    w2 = WEEKDAYS[m["w2"]] if m["w2"] else w1
    days = [w1]
    while days[-1] != w2:
        days.append((days[-1] + 1) % 7)
    return Weekdays(tuple(days))


def _weekday_words(m: re.Match[str]) -> Token:
    return Weekdays((0, 1, 2, 3, 4) if m["wk"] else (5, 6))


def _exc(m: re.Match[str]) -> Token:
    return Word("exc")


def _h24(m: re.Match[str]) -> Token:
    return Word("h24")


def _daily(m: re.Match[str]) -> Token:
    return Word("daily")


def _date_times(m: re.Match[str]) -> Token:
    return DateTimes(m["dt1"], m["dt2"])


def _month(m: re.Match[str]) -> Token:
    return Month(MONTHS[m["mon"]])


def _holidays(m: re.Match[str]) -> Token:
    return Word("hol")


#: How each alternative of the word pattern is read.
_READ: dict[str, Callable[[re.Match[str]], Token]] = {
    "K_t": _time,
    "K_hj": _time,
    "K_dt": _date_times,
    "K_span": _span,
    "K_d": _days,
    "K_dr": _day_range,
    "K_exc": _exc,
    "K_h24": _h24,
    "K_daily": _daily,
    "K_mon": _month,
    "K_w": _weekdays,
    "K_wk": _weekday_words,
    "K_hol": _holidays,
}

#: ``hhmm`` -> seconds of the day, for every valid time (``0000`` to ``2400``).
_HHMM: dict[str, int] = {
    f"{hh:02d}{mm:02d}": hh * 3600 + mm * 60
    for hh in range(25)
    for mm in range(60)
    if hh < 24 or mm == 0
}


def seconds_of_day(value: str) -> int:
    got = _HHMM.get(value)
    if got is None:
        raise Unreadable(f"bad time {value}")
    return got


#: A bilingual item D, French then English (``TOUS LES JOURS HJ/EVERY DAY HJ``).
BILINGUAL = re.compile(r"(?P<fr>TOUS\s+LES?\s+JOURS?\b[^/]*)/\s*(?P<en>EVERY\s*DAYS?\b.*)")
#: Times written before the days they apply to (``1800-2200 ON MAR 7 AND 9``,
#: ``1745-2145 07-13``, ``1730-2130 EVERY THU``, ``BTN 2000-2400 DLY FM 01 FEB TO 02
#: APR 2023``): only times first, then only days.
_OFFSET = r"(?:\s*(?:MINUS|PLUS)\s*\d{1,3})?"
_TIME = rf"(?:{T}){_OFFSET}\s*(?:-|TO|/)\s*(?:{T}){_OFFSET}"
TIMES_FIRST = re.compile(
    rf"(?:BTN\s+)?(?P<times>{_TIME}(?:\s*(?:,|AND)?\s*{_TIME})*(?:\s*\(NEXT\s*DAY\))?)(?!\d)"
    rf"\s+(?:(?:ON|EVERY)\s+)?"
    rf"(?P<days>(?:(?:{M}|MAI|{W}|AND|TIL|DLY|DAILY|FM|FROM|TO|-|,|\d{{1,2}}(?!\d)|20\d\d(?!\d))\s*)+)"
)
DAYS_CHECK = re.compile(r"\d{1,2}(?!\d)|" + W)

#: Days written before their month (``21 APR AND 01 MAY``, ``28 FEB 01 MAR``), one group.
_DAY = r"(?<!\d)\d{1,2}(?!\d)"
DAY_FIRST_GROUP = re.compile(
    rf"(?P<days>{_DAY}(?:\s*(?:-|,|AND|TIL|TO|\s)\s*{_DAY})*)\s*(?P<mon>{M})(?![A-Z])"
)
_ANY_MONTH = re.compile(rf"(?<![A-Z])(?:{M})(?![A-Z])")
_DAY_AFTER = re.compile(rf"\s*{_DAY}")


def day_first(text: str) -> str | None:
    """``text`` with every group of days written before its month rewritten month
    first (``EXC 21 APR AND 01 MAY`` -> ``EXC APR 21 AND MAY 01``), when that is the
    only way to read it: every month name follows its days, and the last one has no
    day after it (so it cannot begin a group written month first). None otherwise."""
    groups = list(DAY_FIRST_GROUP.finditer(text))
    months = [m.start() for m in _ANY_MONTH.finditer(text)]
    if not groups or months != [g.start("mon") for g in groups]:
        return None
    if _DAY_AFTER.match(text, groups[-1].end()):
        return None
    out, pos = [], 0
    for g in groups:
        out.append(text[pos : g.start()])
        out.append(f"{g['mon']} {g['days']}")
        pos = g.end()
    out.append(text[pos:])
    return "".join(out)


#: An item D that ends with a weekday (``SAT AND SUN``, not ``SAT AND``: cut short).
ENDS_WITH_A_WEEKDAY = re.compile(rf"(?:(?<![A-Z])(?:{W})|{_WORKDAYS}|{_WEEKEND})\.?\s*$")
