"""The words every digest format shares: titles, times, episode and coverage lines, the
text timeline bar and the blocks of lines of a location (:func:`_lines_for`).

Pure: no I/O, no clock. Split from :mod:`notam_log.core.digest_render`, which still
exports these names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from notam_log.core import timeline as tl
from notam_log.core.announced import line as announced_line
from notam_log.core.digest import (
    NOTAM_KINDS,
    Bounded,
    Coverage,
    Digest,
    EpisodeItem,
    Gap,
    LocationDigest,
    Span,
)
from notam_log.core.display import clean, duration_range

BAR_WIDTH = 48

# --------------------------------------------------------------------------- shared words


def title(d: Digest) -> str:
    p = d.period
    if p.kind == "day":
        return f"NOTAM digest for {p.label}"
    return f"NOTAM digest, {_full(p.since)} to {_full(p.until)}"


def subtitle(d: Digest) -> str:
    p = d.period
    span = f"{_full(p.since)} to {_full(p.until)}"
    if p.timezone != "UTC":
        span += f" (a day in {p.timezone})"
    return f"{span}; made {_full(d.made_at)}"


def headline(d: Digest) -> str:
    t = d.totals
    return (
        f"{_n(len(d.locations), 'location')}: {_n(t['imposed'], 'restriction')} imposed,"
        f" {t['lifted']} lifted, {t['in_force']} still in force, {t['overdue']} overdue"
    )


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def bar_labels(d: Digest) -> tuple[str, str]:
    """The bar's two ends: ``00Z``/``24Z`` for a UTC day, else the period's times."""
    p = d.period
    if p.kind == "day" and p.timezone == "UTC":
        return "00Z", "24Z"
    return _full(p.since), _full(p.until)


def _full(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%MZ")


def _short(t: datetime, d: Digest) -> str:
    return t.strftime("%H:%MZ") if t.date() == d.period.since.date() else _full(t)


def when_text(b: Bounded, d: Digest) -> str:
    """``01:43Z (seen between 01:00Z and 02:00Z)``, or the range alone."""
    seen = (
        f"by {_short(b.by, d)}"
        if b.after is None
        else f"between {_short(b.after, d)} and {_short(b.by, d)}"
    )
    if b.exact:
        return f"{_short(b.best, d)} (seen {seen})"
    return seen


def lasted_text(lasted: tuple[timedelta, timedelta]) -> str:
    return duration_range(*lasted)


def episode_text(e: EpisodeItem, d: Digest) -> str:
    cats = " → ".join(c.replace("_", " ") for c in e.categories)
    began = when_text(e.began, d)
    if e.before_watch:
        began = f"before watching began ({began})"
    if e.ended is None:
        out = f"{cats}: since {began}, still in force at the end ({lasted_text(e.lasted)} so far)"
        if e.lifted_later is not None:
            out += f"; lifted later, {_full(e.lifted_later)}"
        return out
    return f"{cats}: from {began} to {when_text(e.ended, d)}, lasted {lasted_text(e.lasted)}"


def counts_text(loc: LocationDigest) -> str:
    parts = [f"{loc.counts.get(k, 0)} {k}" for k in NOTAM_KINDS if loc.counts.get(k, 0)]
    out = ", ".join(parts) if parts else "no NOTAM changes"
    if loc.baseline:
        out += f" ({loc.baseline} already in force when watching began, not counted)"
    return out


def gap_text(g: Gap, d: Digest) -> str:
    hours = (g.end - g.start).total_seconds() / 3600
    out = f"{_short(g.start, d)} to {_short(g.end, d)} ({hours:.1f} h)"
    if g.reason:
        out += f": {clean(g.reason, one_line=True, limit=160)}"
    return out


def coverage_text(c: Coverage) -> str:
    every = int(c.interval.total_seconds() // 60)
    how = "inferred" if c.interval_inferred else "configured"
    out = f"{c.complete} of {c.expected} polls complete (every {every} min, {how})"
    if c.partial:
        out += f", {c.partial} partial"
    if c.failed:
        out += f", {c.failed} failed"
    return out


def bar_cells(
    spans: Sequence[Span], unknown: Sequence[Span] = (), width: int = BAR_WIDTH
) -> list[tuple[str, str]]:
    """One (symbol, tone) per half hour of a day, as in ``timeline`` (see
    :data:`notam_log.core.timeline.LEGEND`): ``#`` restricted for most of it, ``+`` for
    part of it, ``?`` possibly restricted, ``.`` not restricted, ``~`` unknown."""
    cells: list[tuple[str, str]] = []
    for i in range(width):
        a, b = i / width, (i + 1) / width
        sure = closed = 0.0
        for s in spans:
            if s.certain:
                o = max(0.0, min(b, s.end) - max(a, s.start))
                o = o if o > _EPSILON else 0.0  # spans are rounded to 4 decimals
                sure += o
                closed += o if s.closed else 0.0
        tone = "closed" if closed * 2 >= sure else "limited"
        if sure * width >= 0.5:
            cells.append((tl.RESTRICTED, tone))
        elif sure > 0:
            cells.append((tl.PART, tone))
        elif any(_meets(s, a, b) for s in spans if not s.certain):
            cells.append((tl.POSSIBLE, "possible"))
        elif any(_meets(u, a, b) for u in unknown):
            cells.append((tl.UNKNOWN, "unknown"))
        else:
            cells.append((tl.CLEAR, "clear"))
    return cells


_EPSILON = 1e-4


def _meets(s: Span, a: float, b: float) -> bool:
    return s.start < b - _EPSILON and s.end > a + _EPSILON


def bar(spans: Sequence[Span], unknown: Sequence[Span] = (), width: int = BAR_WIDTH) -> str:
    """The cells of :func:`bar_cells` as one string."""
    return "".join(sym for sym, _tone in bar_cells(spans, unknown, width))


def legend_text() -> str:
    return "Bars: " + tl.legend()


def quiet_text(loc: LocationDigest) -> str:
    """What a location with nothing to report says: never "nothing" when it is unknown."""
    cov = loc.coverage
    if cov is None or cov.state == "covered":
        return "nothing to report"
    if cov.state == "unknown":
        return f"unknown: {cov.warning()}"
    return f"nothing to report in the known part; {cov.warning()}"


def _lines_for(loc: LocationDigest, d: Digest) -> list[tuple[str, list[str]]]:
    """(heading, lines) blocks that every text-like format shares."""
    blocks: list[tuple[str, list[str]]] = []
    seen: set[str] = set()

    def q(key: str | None, text: str) -> str:
        """A NOTAM's text, the first time the section names the NOTAM only."""
        if key is not None and key in seen:
            return ""
        if key is not None:
            seen.add(key)
        return _q(text)

    if loc.episodes:
        blocks.append(("Restriction episodes", [episode_text(e, d) for e in loc.episodes]))
    if loc.announced:
        blocks.append(
            (
                "Announced by the authority (not NOTAMs)",
                [announced_line(a, v, d.made_at) for a, v in loc.announced],
            )
        )
    if loc.imposed:
        blocks.append(
            (
                "Imposed",
                [
                    f"{i.category.replace('_', ' ')} {when_text(i.when, d)}"
                    f" [{i.id or i.key or '?'}]{q(i.key, i.text)}"
                    for i in loc.imposed
                ],
            )
        )
    if loc.lifted:
        blocks.append(
            (
                "Lifted",
                [
                    f"{i.category.replace('_', ' ')} {when_text(i.when, d)}"
                    f" [{i.id or i.key or '?'}], in force {lasted_text(i.lasted)}"
                    for i in loc.lifted
                ],
            )
        )
    if loc.overdue:
        blocks.append(
            (
                "Overdue (estimated end passed, no replacement or cancellation)",
                [f"{o.id or o.key}: EST {_full(o.end)}{q(o.key, o.text)}" for o in loc.overdue],
            )
        )
    if loc.notable:
        lines = []
        for n in loc.notable:
            by = f" by {n.by}" if n.by else ""
            lines.append(
                f"{n.kind}{by}: {n.id or n.key or '?'}"
                f" ({(n.category or 'other').replace('_', ' ')}) {when_text(n.when, d)}"
                f"{q(n.key, n.text)}"
            )
        if loc.notable_more:
            lines.append(f"and {loc.notable_more} more")
        blocks.append(("Notable NOTAMs", lines))
    return blocks


def _q(text: str) -> str:
    return f': "{text}"' if text else ""
