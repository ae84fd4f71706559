"""How complete the record of a period is: each source's good polls against those its
interval expects, the gaps between them, and when it was reported down (pure)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from notam_log.core.display import clean
from notam_log.core.models import Event, PollRecord, iso, parse_iso

#: The poll statuses that may decide what a scope holds.
GOOD_POLLS = ("complete", "unchanged")
#: A gap is reported when two good polls are further apart than this many intervals.
GAP_FACTOR = 1.5


@dataclass(frozen=True, slots=True)
class Gap:
    start: datetime
    end: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Coverage:
    """One source and scope: good polls against expected, and the gaps between them."""

    source: str
    scope: str | None
    interval: timedelta
    interval_inferred: bool
    expected: int
    complete: int
    partial: int
    failed: int
    gaps: tuple[Gap, ...] = ()
    down: tuple[Gap, ...] = ()

    @property
    def covered(self) -> bool:
        return not self.gaps and not self.down and self.complete > 0

    @property
    def label(self) -> str:
        return self.source if self.scope is None else f"{self.source} ({self.scope})"


def poll_coverage(
    polls: Sequence[PollRecord],
    events: Sequence[Event],
    intervals: Mapping[str, float],
    since: datetime,
    end: datetime,
) -> tuple[Coverage, ...]:
    scopes: dict[tuple[str, str], list[PollRecord]] = {}
    for p in polls:
        scopes.setdefault((p.source, p.scope), []).append(p)
    for name in intervals:
        if not any(s == name for s, _ in scopes):
            scopes[(name, "")] = []
    per_source = {s for s, _ in scopes}
    multi = {s for s in per_source if sum(1 for s2, _ in scopes if s2 == s) > 1}
    downs = _down_spans(events, since, end)
    out: list[Coverage] = []
    for (source, scope), ps in sorted(scopes.items()):
        ps = sorted(ps, key=lambda p: p.started_at)
        good = [p.started_at for p in ps if p.status in GOOD_POLLS]
        inferred = source not in intervals
        if not inferred:
            interval = timedelta(seconds=intervals[source])
        else:
            steps = [(b - a).total_seconds() for a, b in zip(good, good[1:], strict=False) if b > a]
            interval = timedelta(seconds=statistics.median(steps) if steps else 3600)
        inside = [p for p in ps if since <= p.started_at < end]
        span = max(timedelta(0), end - since)
        out.append(
            Coverage(
                source=source,
                scope=scope if source in multi else None,
                interval=interval,
                interval_inferred=inferred,
                expected=int(span / interval) if interval else 0,
                complete=sum(1 for p in inside if p.status in GOOD_POLLS),
                partial=sum(1 for p in inside if p.status in ("partial", "suspect")),
                failed=sum(1 for p in inside if p.status == "failed"),
                gaps=tuple(_gaps(ps, interval, since, end)),
                down=tuple(downs.get(source, ())),
            )
        )
    return tuple(out)


def _gaps(
    ps: Sequence[PollRecord], interval: timedelta, since: datetime, end: datetime
) -> list[Gap]:
    """Spans of the period with no good poll for longer than ``GAP_FACTOR`` intervals."""
    limit = interval * GAP_FACTOR
    good = sorted(p.started_at for p in ps if p.status in GOOD_POLLS and p.started_at < end)
    before = [t for t in good if t <= since]
    points = [t for t in good if t > since]
    out: list[Gap] = []

    def add(a: datetime, b: datetime) -> None:
        a, b = max(a, since), min(b, end)
        if b > a:
            out.append(Gap(a, b, _gap_reason(ps, a, b)))

    if not before and not points:
        add(since, end)
        return out
    prev = before[-1] if before else None
    if prev is None and points[0] - since > interval:
        add(since, points[0])
    for t in points:
        if prev is not None and t - prev > limit:
            add(prev, t)
        prev = t
    assert prev is not None
    if end - prev > limit:
        add(prev, end)
    return out


def _gap_reason(ps: Sequence[PollRecord], a: datetime, b: datetime) -> str | None:
    bad = [p for p in ps if a <= p.started_at < b and p.status not in GOOD_POLLS]
    if not bad:
        return "no poll"
    first = bad[0]
    why = clean(first.reason, one_line=True, limit=160) if first.reason else first.status
    return f"{len(bad)} {first.status} poll{'s' if len(bad) > 1 else ''}: {why}"


def _down_spans(events: Sequence[Event], since: datetime, end: datetime) -> dict[str, list[Gap]]:
    """When each source was reported down (``source_down`` .. ``source_up``)."""
    out: dict[str, list[Gap]] = {}
    open_: dict[str, tuple[datetime, str | None]] = {}
    for ev in sorted(events, key=lambda e: e.observed_at):
        if ev.kind == "source_down":
            err = clean(str(ev.detail.get("error") or ""), one_line=True, limit=160) or None
            open_.setdefault(ev.source, (ev.observed_at, err))
        elif ev.kind == "source_up":
            down_since = ev.detail.get("down_since")
            start = parse_iso(down_since) if isinstance(down_since, str) else None
            began, err = open_.pop(ev.source, (start or ev.observed_at, None))
            if ev.observed_at > since and began < end:
                out.setdefault(ev.source, []).append(
                    Gap(max(began, since), min(ev.observed_at, end), err)
                )
    for source, (began, err) in open_.items():
        if began < end:
            out.setdefault(source, []).append(Gap(max(began, since), end, err))
    return out


def record_warnings(
    coverage: Sequence[Coverage], until: datetime, now: datetime
) -> tuple[str, ...]:
    """What keeps the record from being complete: the period not over, no source, gaps."""
    out: list[str] = []
    if now < until:
        out.append(f"The period is not over: this digest covers it up to {iso(now)}.")
    if not coverage:
        out.append("No source was polled in this period: the record is empty, not quiet.")
    for c in coverage:
        if c.covered:
            continue
        if c.complete == 0:
            out.append(f"{c.label}: no complete poll in this period.")
            continue
        worst = max((*c.gaps, *c.down), key=lambda g: g.end - g.start)
        hours = (worst.end - worst.start).total_seconds() / 3600
        out.append(
            f"{c.label}: {c.complete} of {c.expected} expected polls complete; longest gap"
            f" {hours:.1f} h ({iso(worst.start)} to {iso(worst.end)})."
        )
    return tuple(out)
