"""Restriction episodes as bars of half-hour cells, with unknown time shown as unknown (pure).

One symbol per cell, the same in ``timeline`` and in the digest (see :data:`LEGEND`):

``#`` restricted for most of the cell, ``+`` for part of it, ``?`` possibly restricted
(inside the bounded range of a change), ``.`` not restricted (complete polls of a source
covering the place vouch for the whole cell), ``~`` unknown (no complete poll of a source
covering it: a gap, the future, or before watching began). A restricted cell has a tone,
``closed`` (:data:`CLOSURES`) or ``limited``, drawn in two colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from notam_log.core.announced import Announced
from notam_log.core.known import LocationCoverage
from notam_log.core.models import Episode

WIDTH = 48  # half-hour cells
STEP = timedelta(minutes=30)

RESTRICTED, PART, POSSIBLE, CLEAR, UNKNOWN, ANNOUNCED = "#", "+", "?", ".", "~", "A"
#: Categories drawn as closed; every other restriction is drawn as limited.
CLOSURES: frozenset[str] = frozenset({"aerodrome_closed", "airspace_closed"})

#: What each symbol means (printed under every bar).
LEGEND: tuple[tuple[str, str], ...] = (
    (RESTRICTED, "restricted most of the half hour (red: closed, yellow: limited)"),
    (PART, "restricted part of it"),
    (POSSIBLE, "possibly restricted (the change lies between two polls)"),
    (CLEAR, "not restricted (complete polls of a source covering it)"),
    (UNKNOWN, "unknown (no complete poll of a covering source, the future, before watching)"),
)
ANNOUNCED_LEGEND = (ANNOUNCED, "restriction announced by the authority (not a NOTAM)")


#: Rich styles of the tones (the terminal's colours; HTML has its own).
TONE_STYLES: dict[str, str] = {
    "closed": "bold red",
    "limited": "bold yellow",
    "possible": "magenta",
    "clear": "green",
    "unknown": "dim blue",
    "announced": "bold cyan",
}


def legend(announced: bool = False) -> str:
    items = [*LEGEND, ANNOUNCED_LEGEND] if announced else list(LEGEND)
    return "   ".join(f"{sym} {text}" for sym, text in items)


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of an episode: restricted for certain, or only possibly (a bounded range)."""

    start: datetime
    end: datetime
    certain: bool
    closed: bool


def best_time(after: datetime | None, by: datetime, effective: datetime | None) -> datetime:
    """The NOTAM's own time when it lies inside ``(after, by]``, else ``by``."""
    if effective is not None and (after is None or effective > after):
        return min(effective, by)
    return by


def pieces(ep: Episode, now: datetime) -> list[Piece]:
    """An episode's possible start, certain middle (split where the dominant category
    turns from closed to limited) and possible end; an episode still going on, or whose
    end comes after ``now``, is certain up to ``now``."""
    if ep.start_effective and (ep.start_after is None or ep.start_effective > ep.start_after):
        s_lo = s_hi = min(ep.start_effective, ep.start_by)
    else:
        s_lo, s_hi = ep.start_after or ep.start_by, ep.start_by
    if ep.end_by is None or best_time(ep.end_after, ep.end_by, ep.end_effective) >= now:
        e_lo = e_hi = now
    elif ep.end_effective and (ep.end_after is None or ep.end_effective > ep.end_after):
        e_lo = e_hi = min(ep.end_effective, ep.end_by)
    else:
        e_lo, e_hi = ep.end_after or ep.end_by, ep.end_by
    cats = ep.categories or ((s_hi, "other"),)
    out: list[Piece] = []
    if s_hi > s_lo:
        out.append(Piece(s_lo, s_hi, False, cats[0][1] in CLOSURES))
    marks = [s_hi] + [w for w, _c in cats[1:] if s_hi < w < e_lo] + [e_lo]
    for a, b in zip(marks, marks[1:], strict=False):
        if b > a:
            out.append(Piece(a, b, True, _category_at(cats, a) in CLOSURES))
    if e_hi > e_lo:
        out.append(Piece(e_lo, e_hi, False, cats[-1][1] in CLOSURES))
    return out


def horizon(ep: Episode, cover: LocationCoverage, now: datetime) -> datetime:
    """How far an episode still going on is known to go on: to the last time complete
    polls vouch for (after it, the log does not know), else ``now``."""
    if ep.end_by is not None or not cover.known:
        return now
    return min(now, max(cover.known[-1][1], ep.start_by))


def _category_at(cats: Sequence[tuple[datetime, str]], t: datetime) -> str:
    current = cats[0][1]
    for when, cat in cats:
        if when <= t:
            current = cat
    return current


def _overlap(a: datetime, b: datetime, x: datetime, y: datetime) -> timedelta:
    return max(timedelta(0), min(b, y) - max(a, x))


def cell(
    parts: Sequence[Piece], a: datetime, b: datetime, cover: LocationCoverage
) -> tuple[str, str]:
    """The symbol and tone of the cell ``[a, b)``: tone ``closed``, ``limited``,
    ``possible``, ``clear`` or ``unknown``."""
    width = b - a
    sure = timedelta(0)
    closed = timedelta(0)
    for p in parts:
        if p.certain:
            o = _overlap(a, b, p.start, p.end)
            sure += o
            closed += o if p.closed else timedelta(0)
    if sure:
        tone = "closed" if closed * 2 >= sure else "limited"
        return (RESTRICTED if sure * 2 >= width else PART), tone
    if any(not p.certain and p.start < b and p.end > a for p in parts):
        return POSSIBLE, "possible"
    if cover.known_part(a, b) >= width:
        return CLEAR, "clear"
    return UNKNOWN, "unknown"


@dataclass(frozen=True, slots=True)
class Row:
    """One day's bar: its label and one (symbol, tone) per cell."""

    label: str
    cells: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        return "".join(sym for sym, _tone in self.cells)


HEADER = "           " + "0     3     6     9     12    15    18    21    "[: WIDTH + 1]


def day_rows(
    eps: Sequence[Episode],
    start: datetime,
    end: datetime,
    now: datetime,
    cover: LocationCoverage,
    announced: Sequence[Announced] = (),
) -> list[Row]:
    """One bar per UTC day from ``start``'s day to ``end``; under a day with an announced
    restriction, a second bar marks it (``A``)."""
    parts = [p for ep in eps for p in pieces(ep, horizon(ep, cover, now))]
    rows: list[Row] = []
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        cells = [cell(parts, day + i * STEP, day + (i + 1) * STEP, cover) for i in range(WIDTH)]
        rows.append(Row(f"{day:%Y-%m-%d}", tuple(cells)))
        marks = _announced_cells(announced, day, now)
        if any(sym != " " for sym, _t in marks):
            rows.append(Row("announced ", tuple(marks)))
        day += timedelta(days=1)
    return rows


def _announced_cells(
    announced: Sequence[Announced], day: datetime, now: datetime
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i in range(WIDTH):
        a, b = day + i * STEP, day + (i + 1) * STEP
        hit = any(x.start < b and min(x.end or now, now) > a for x in announced) or any(
            a <= x.start < b for x in announced
        )
        out.append((ANNOUNCED, "announced") if hit else (" ", ""))
    return out


def day_bars(
    eps: Sequence[Episode],
    start: datetime,
    end: datetime,
    now: datetime,
    cover: LocationCoverage,
    announced: Sequence[Announced] = (),
) -> list[str]:
    """The bars as plain lines: ``2025-03-21 |~~..####...|``, under an hour scale."""
    return [HEADER] + [
        f"{r.label} |{r.text}|" for r in day_rows(eps, start, end, now, cover, announced)
    ]


def episode_duration(ep: Episode, now: datetime) -> tuple[timedelta, timedelta]:
    """Bounds of an episode's duration: (shortest, longest) consistent with the polls."""
    start_lo = ep.start_after or ep.start_by
    if ep.start_effective and (ep.start_after is None or ep.start_effective > ep.start_after):
        start_lo = start_hi = min(ep.start_effective, ep.start_by)
    else:
        start_hi = ep.start_by
    if ep.end_by is None:
        end_lo = end_hi = now
    elif ep.end_effective and (ep.end_after is None or ep.end_effective > ep.end_after):
        end_lo = end_hi = min(ep.end_effective, ep.end_by)
    else:
        end_lo, end_hi = ep.end_after or ep.end_by, ep.end_by
    return max(end_lo - start_hi, end_lo - end_lo), end_hi - start_lo
