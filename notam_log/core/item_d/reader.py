"""The words of an item D text, for one B and C, into a :class:`Rule`: days are given
their dates, times their days, and ``EXC`` the operations it takes days out of."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from notam_log.core.item_d.expand import sun_windows
from notam_log.core.item_d.rule import (
    DAY,
    H24,
    HOLIDAYS_KEPT,
    NO_POLAR_DAYS,
    Exclusion,
    Fixed,
    Op,
    Range,
    Rule,
    Selection,
    Sun,
    Unreadable,
    any_day,
    selected,
)
from notam_log.core.item_d.words import (
    ENDS_WITH_A_WEEKDAY,
    TIMED,
    DateTimes,
    DayRange,
    Days,
    Month,
    Span,
    Stop,
    Time,
    Token,
    Weekdays,
    Word,
    tokens,
)
from notam_log.core.values import parse_yymmddhhmm

_SECOND = timedelta(seconds=1)


def read_rule(
    text: str, start: datetime, stop: datetime, lat: float | None, lon: float | None
) -> Rule:
    """Read ``text`` into a :class:`Rule` for B = ``start`` and C = ``stop``, or raise
    :class:`Unreadable` with the reason."""
    return _Reader(text, start, stop, lat, lon).read()


class _Dates:
    """Days of the month into dates between B and C: the month named last, else the
    month of B, or the one date with that day between B and C."""

    def __init__(self, first_day: date, last_k: int) -> None:
        self.first_day = first_day
        self.last_day = first_day + timedelta(days=last_k)  # the day of C
        self.within_year = last_k <= 364  # then a month and day occur at most once
        self.month: int | None = None
        self.fresh = False  # a month name was just read: an earlier date means next year
        self.last: date | None = None
        self._once: dict[int, date | None] = {}

    def name_month(self, month: int) -> None:
        self.month, self.fresh = month, True

    def resolve(self, day: int) -> date:
        if self.month is None:
            if day not in self._once:
                self._once[day] = _only_date(day, self.first_day, self.last_day)
            once = self._once[day]
            if once is not None:
                # No month named, and this day of the month occurs once between B and C:
                # it is that date, whatever order the groups are written in
                # ("11-14 17-21 1800-1830, 15 0830-0930, 31 1700-1730").
                self.last = once
                return once
        floor = self.last or self.first_day
        m = self.month or floor.month
        try:
            got = self._dated(date(floor.year, m, day), floor)
        except ValueError as exc:
            raise Unreadable(f"no such date {m:02d}-{day:02d}") from exc
        if self.month is not None:
            self.month = got.month
        self.fresh = False
        self.last = got
        return got

    def _dated(self, got: date, floor: date) -> date:
        if self.fresh and self.within_year:
            # just after a month name: the one such date between B and C, if any
            y, m, d = got.year, got.month, got.day
            for cand in (got, _same_day(y + 1, m, d), _same_day(y - 1, m, d)):
                if cand is not None and self.first_day <= cand <= self.last_day:
                    return cand
        return _after(got, floor, self.fresh)


class _Reader:
    """The reading state as the words of one text are applied in order."""

    def __init__(
        self, text: str, start: datetime, stop: datetime, lat: float | None, lon: float | None
    ) -> None:
        self.text, self.start, self.stop, self.lat, self.lon = text, start, stop, lat, lon
        first_day = start.date() - timedelta(days=1)
        self.epoch = datetime(first_day.year, first_day.month, first_day.day, tzinfo=UTC)
        self.last_k = (stop.date() - first_day).days
        self.base = first_day.toordinal()
        self.first_wd = first_day.weekday()
        self.cal = _Dates(first_day, self.last_k)
        self.ops: list[Op] = []
        self.exclude: list[Exclusion] = []
        self.has_window = False  # some op has a day (or is a range): the raw list is not empty
        self.dates: list[int] = []  # day indices of the current selection
        self.weekdays: set[int] = set()
        self.named = False  # the current selection was stated (days, weekdays, DAILY)
        self.used = False  # times were already applied to the current selection
        #: After ``EXC`` following times: the days read are taken out of the operations
        #: from ``group`` on; ``held`` keeps those before a comma.
        self.excluding = False
        self.group = 0
        self.held: tuple[list[int], set[int]] = ([], set())
        #: After ``EXC`` following days without times (``FRI SAT EXC APR 03 0600-1200``):
        #: the days stated before it, and the operation their times begin at.
        self.sel_exc: tuple[Selection, int] | None = None
        self.sel_gone: Exclusion | None = None
        #: The day tokens of the current group of bare days (no month among them), and the
        #: reading state before it: a month name right after them, with no day after it,
        #: is written day first ("15 16 MAR 0700-1500") and names their month.
        self.bare: list[Days] = []
        self.bare_state: tuple[date | None, int | None, bool] = (None, None, False)
        self.day_first = self.month_first = False  # the layout seen so far
        self.toks: tuple[Token, ...] = ()
        self.holidays_kept = False  # ``EXC HOL``: holidays are not known, so not taken out

    def read(self) -> Rule:
        self.toks = tokens(self.text)
        if (
            self.toks
            and all(isinstance(t, Weekdays) for t in self.toks)
            and ENDS_WITH_A_WEEKDAY.search(self.text)
        ):
            # weekdays and nothing else ("SAT AND SUN"): the whole of each day. Not when
            # the text ends otherwise ("SAT AND": cut short), nor dates alone: a number
            # at the end may be a time cut short ("MAR 15 16 08")
            self.toks = (*self.toks, Word("h24"))
        for idx, tok in enumerate(self.toks):
            if isinstance(tok, TIMED) and self.excluding:
                self._exclusion_ends()
            self._word(idx, tok)
        self._finish()
        return Rule(
            self.text,
            self.start,
            self.stop,
            self.epoch,
            self.last_k,
            (self.start - self.epoch) // _SECOND,
            (self.stop - self.epoch) // _SECOND,
            tuple(self.ops),
            tuple(self.exclude),
            HOLIDAYS_KEPT if self.holidays_kept else None,
        )

    def _word(self, idx: int, tok: Token) -> None:
        if isinstance(tok, Time):
            self._time(tok)
        elif isinstance(tok, DateTimes):
            self._date_times(tok)
        elif isinstance(tok, Span):
            self._span(tok)
        elif isinstance(tok, Days):
            self._days(tok)
        elif isinstance(tok, DayRange):
            self._day_range(tok)
        elif isinstance(tok, Month):
            self._month(idx, tok)
        elif isinstance(tok, Weekdays):
            self._selection().update(tok.days)
        elif isinstance(tok, Word):
            self._keyword(tok.kind)
        else:
            assert isinstance(tok, Stop)
            raise Unreadable(tok.reason)

    # ------------------------------------------------------------------ selections

    def _selection(self) -> set[int]:
        """Days or weekdays begin a new selection once times were given to the last
        one; returns the weekdays of the current one."""
        if self.used:
            self._close_sel_exc()
            self.dates, self.weekdays, self.used = [], set(), False
        self.named = True
        return self.weekdays

    def _sel(self) -> Selection:
        """The current selection, for times applied to it (after ``EXC`` without times
        before it: the days stated before ``EXC``, whose exceptions begin here)."""
        if self.sel_exc is not None:
            sel, _ = self.sel_exc
            gone = Exclusion(frozenset(self.dates), frozenset(self.weekdays), len(self.ops), 0)
            self.sel_gone, self.sel_exc = gone, None
            self.dates, self.weekdays = list(sel[0]), set(sel[1])
        return (tuple(self.dates), frozenset(self.weekdays))

    def _close_sel_exc(self) -> None:
        if self.sel_gone is not None:
            gone = self.sel_gone
            self.exclude.append(Exclusion(gone.dates, gone.weekdays, gone.first, len(self.ops)))
            self.sel_gone = None

    def _add_days(self, tok: Days) -> None:
        d1 = self.cal.resolve(tok.day1)
        k1 = d1.toordinal() - self.base
        self.dates.append(k1)
        if tok.day2 is not None:
            if tok.month2 is not None:
                self.cal.name_month(tok.month2)
            d2 = self.cal.resolve(tok.day2)
            if d2 < d1:
                raise Unreadable(f"date range {tok.written!r} runs backwards")
            self.dates.extend(range(k1 + 1, d2.toordinal() - self.base + 1))

    # ------------------------------------------------------------------ the words

    def _time(self, tok: Time) -> None:
        if tok.bad:
            raise Unreadable(tok.bad)
        sel = self._sel()
        if not tok.sunny:
            assert tok.fixed1 is not None and tok.fixed2 is not None
            s1, s2 = tok.fixed1 + tok.o1, tok.fixed2 + tok.o2
            self.ops.append(Fixed(sel, s1, s2 - s1 if s2 > s1 else s2 + DAY - s1))
        else:
            op = Sun(sel, tok.t1, tok.t2, tok.o1, tok.o2, tok.fixed1, tok.fixed2)
            if self.lat is None or self.lon is None or abs(self.lat) > NO_POLAR_DAYS:
                # every day, as expand would: no position, or a day without sunrise
                days = selected(sel, self.first_wd, self.last_k)
                for _ in sun_windows(op, days, self.base, self.lat, self.lon):
                    pass
            self.ops.append(op)
        self.has_window = self.has_window or any_day(sel, self.first_wd, self.last_k)
        self.used = True

    def _date_times(self, tok: DateTimes) -> None:
        a, b = _parse_dt(tok.dt1), _parse_dt(tok.dt2)
        self.ops.append(Range((a - self.epoch) // _SECOND, (b - self.epoch) // _SECOND))
        self.has_window = self.used = True

    def _span(self, tok: Span) -> None:
        if (self.dates or self.weekdays) and not self.used:
            raise Unreadable("days without times")
        if tok.month1 is not None:
            self.cal.name_month(tok.month1)
        k1 = self.cal.resolve(tok.day1).toordinal() - self.base
        if tok.month2 is not None:
            self.cal.name_month(tok.month2)
        k2 = self.cal.resolve(tok.day2).toordinal() - self.base
        a, b = k1 * DAY + tok.s1, k2 * DAY + tok.s2
        if b <= a:
            raise Unreadable(f"{tok.written!r} runs backwards")
        self.ops.append(Range(a, b))
        self.dates, self.weekdays = [], set()
        self.has_window = self.used = True

    def _days(self, tok: Days) -> None:
        self._selection()
        if not self.dates:
            self.bare = []
            self.bare_state = (self.cal.last, self.cal.month, self.cal.fresh)
        if tok.month2 is None:
            self.bare.append(tok)
        else:  # "MAR 30-APR 02": months written before their days
            self.bare, self.month_first = [], True
        self._add_days(tok)

    def _day_range(self, tok: DayRange) -> None:
        """``26 MAR - 30 APR``: every day from one date to the other."""
        self._selection()
        d1 = self._dated(tok.day1, tok.month1, tok.year1)
        d2 = self._dated(tok.day2, tok.month2, tok.year2)
        if d2 < d1:
            raise Unreadable(f"date range {tok.written!r} runs backwards")
        self.dates.extend(range(d1.toordinal() - self.base, d2.toordinal() - self.base + 1))
        self.bare, self.day_first = [], True

    def _dated(self, day: int, month: int, year: int | None) -> date:
        self.cal.name_month(month)
        got = self.cal.resolve(day)
        if year is not None and got.year != year:
            try:
                got = date(year, month, day)
            except ValueError as exc:
                raise Unreadable(f"no such date {year}-{month:02d}-{day:02d}") from exc
            self.cal.last = got
        return got

    def _month(self, idx: int, tok: Month) -> None:
        after = self.toks[idx + 1] if idx + 1 < len(self.toks) else None
        if isinstance(after, Days | Stop):
            self._selection()
            self.bare, self.month_first = [], True
            self.cal.name_month(tok.month)
            return
        # no day after the month: it closes the bare days just before it, or is not read
        n = len(self.bare)
        if not (
            self.bare
            and not self.used
            and not self.month_first
            and all(isinstance(t, Days) for t in self.toks[idx - n : idx])
            and (self.bare_state[1] is None or self.day_first)
        ):
            raise Unreadable("a month name not followed by its days")
        self.cal.last = self.bare_state[0]
        self.cal.name_month(tok.month)
        self.dates = []
        for day_tok in self.bare:
            self._add_days(day_tok)
        self.bare, self.day_first = [], True

    def _keyword(self, kind: str) -> None:
        if kind == "h24":
            sel = self._sel()
            self.ops.append(H24(sel))
            self.has_window = self.has_window or any_day(sel, self.first_wd, self.last_k)
            self.used = True
        elif kind == "daily":
            self._selection()
        elif kind == "exc":
            self._exc()
        elif kind == "hol":
            if not (self.excluding or self.sel_exc is not None):
                raise Unreadable("public holidays (HOL) are not known")
            # taken out: which days they are is not known, so their windows stay (the
            # rule says so in its note)
            self.holidays_kept = True
        elif kind == "sep" and self.excluding and (self.dates or self.weekdays):
            # the days taken out may end here: if times follow the next days, those days
            # are a group of their own ("EXC SUN, SUN 0900-1700"); if not, they are taken
            # out too ("EXC SAT, SUN")
            self.held[0].extend(self.dates)
            self.held[1].update(self.weekdays)
            self.dates, self.weekdays = [], set()

    def _exc(self) -> None:
        if self.excluding or self.sel_exc is not None:
            return  # EXC again before any time: more days taken out ("EXC SAT EXC SUN")
        if self.named and not self.used:
            # days, then EXC, then times: the times apply to the days less those after EXC
            self.sel_exc = ((tuple(self.dates), frozenset(self.weekdays)), len(self.ops))
            self.dates, self.weekdays = [], set()
            return
        if not self.has_window:
            raise Unreadable("EXC before any time")
        self._close_sel_exc()
        self.excluding = True
        self.dates, self.weekdays, self.used = [], set(), False

    def _exclusion_ends(self) -> None:
        """Times after the days taken out: those days after a comma are a group of their
        own; the days before it are taken out of the group the EXC follows."""
        held_dates, held_weekdays = self.held
        if not held_dates and not held_weekdays:
            raise Unreadable("times after EXC")
        gone = Exclusion(frozenset(held_dates), frozenset(held_weekdays), self.group, len(self.ops))
        self.exclude.append(gone)
        self.group = len(self.ops)
        self.excluding = False
        self.held = ([], set())

    def _finish(self) -> None:
        if self.sel_exc is not None and self.sel_exc[0] == ((), frozenset()) and self.has_window:
            # "0500-1600 DAILY EXC SUN": no time after EXC, and DAILY adds no day to the
            # times before it: the days are taken out of those times
            self.sel_exc = None
            self.excluding = True
        if self.excluding:
            dates = self.held[0] + self.dates
            weekdays = self.held[1] | self.weekdays
            if not dates and not weekdays:
                if self.holidays_kept:
                    return  # only holidays were taken out
                raise Unreadable("EXC without days")
            self.exclude.append(
                Exclusion(frozenset(dates), frozenset(weekdays), self.group, len(self.ops))
            )
            return
        if self.sel_exc is not None or ((self.dates or self.weekdays) and not self.used):
            raise Unreadable("days without times")
        if not self.has_window:
            raise Unreadable("no times")
        self._close_sel_exc()


def _only_date(day: int, first: date, last: date) -> date | None:
    """The date with day of month ``day`` between ``first`` and ``last`` (both
    included) when there is exactly one, else None."""
    found = None
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        got = _same_day(y, m, day)
        if got is not None and first <= got <= last:
            if found is not None:
                return None
            found = got
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return found


def _same_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _after(got: date, floor: date, month_fresh: bool) -> date:
    """The plain rule: a date earlier than the one before it is in the next year just
    after a month name, else in the next month (ValueError when that does not exist)."""
    if got >= floor:
        return got
    if month_fresh:
        return date(got.year + 1, got.month, got.day)
    return date(got.year + (got.month == 12), got.month % 12 + 1, got.day)


def _parse_dt(value: str) -> datetime:
    got = parse_yymmddhhmm(value)
    if got is None:
        raise Unreadable(f"bad date-time {value}")
    return got
