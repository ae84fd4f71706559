"""Time-driven changes at one evaluation: expiries, then the restrictions in force
compared with the evaluation before (imposed, lifted, and those that began and ended
in between), then the episodes they open and close."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notam_log.core import validity
from notam_log.core.diff.episodes import update as update_episodes
from notam_log.core.diff.state import Changes, InForce, Interval, Pair, Step, Tracked, World
from notam_log.core.models import Event, Notam, iso

#: Where a NOTAM stopped being in force: (after, observed_at, effective_at).
Bounds = tuple[datetime | None, datetime, datetime | None]


def evaluate(ch: Changes, world: World, t: datetime, step: Step | None = None) -> Changes:
    """Expire what has ended by ``t``, then compare the restrictions in force with the
    last evaluation and open or close episodes."""
    step = step or Step()
    active, terminal, ended = _expire(ch, world, t, step)
    now = _in_force_now(active, world.in_force, t)
    in_force, imposed = _impose(ch, world, active, now, t, step)
    lifted = _lift(ch, world, now, ended, t)
    between = _between(ch, world, in_force, imposed, lifted, t, step)
    ch.world = dataclasses.replace(
        world, active=active, terminal=terminal, in_force=in_force, last_eval=t
    )
    update_episodes(ch, world.episodes, between)
    return ch


def _expire(
    ch: Changes, world: World, t: datetime, step: Step
) -> tuple[Mapping[str, Tracked], Mapping[str, str], dict[str, Bounds]]:
    """``expired`` for each NOTAM whose end has come (but those held until their scope's
    next complete snapshot); returns the active and terminal NOTAMs after that (the
    world's own when none expired) and where every NOTAM that ended in this step did."""
    ended: dict[str, Bounds] = {}
    due = sorted(
        key
        for key, tr in world.active.items()
        if tr.notam.end is not None and tr.notam.end <= t and not tr.held(t)
    )
    active: dict[str, Tracked] | None = None
    terminal: dict[str, str] | None = None
    if due:  # copies (most evaluations expire nothing, and leave both as they were)
        active, terminal = dict(world.active), dict(world.terminal)
        for key in due:
            tr = active.pop(key)
            end = tr.notam.end
            assert end is not None
            after = world.last_eval
            if key in step.new_keys and after is not None and after >= end:
                after = step.scope_after  # first listed now, ended before the last evaluation
            back = step.returned.get(key)
            if back is not None and (after is None or after >= end):
                after = back  # held past its end, listed again: it ended after its first absence
            ch.removed[key] = tr
            terminal[key] = "expired"
            ch.finals[key] = "expired"
            ch.events.append(
                notam_event("expired", tr.notam, tr.source, t, after, end, {"end": iso(end)})
            )
            ended[key] = (after, t, end)
    for ev in ch.events:
        if ev.kind in ("replaced", "cancelled", "withdrawn") and ev.key:
            ended[ev.key] = (ev.after, ev.observed_at, ev.effective_at)
    return (
        world.active if active is None else active,
        world.terminal if terminal is None else terminal,
        ended,
    )


def _in_force_now(
    active: Mapping[str, Tracked], before: Mapping[Pair, InForce], t: datetime
) -> dict[Pair, set[str]]:
    """The restrictions in force at ``t`` and the NOTAMs behind each. A NOTAM held past
    its end keeps the restrictions it had until its scope decides how it ended."""
    now: dict[Pair, set[str]] = {}
    for key, tr in active.items():
        n = tr.notam
        if not n.restriction or n.type == "C":
            continue
        if tr.held(t):
            pairs: Iterable[Pair] = [p for p, inf in before.items() if key in inf.keys]
        elif validity.in_force(n, t):
            pairs = [(loc, n.category) for loc in places(n)]
        else:
            continue
        for pair in pairs:
            now.setdefault(pair, set()).add(key)
    return now


def _impose(
    ch: Changes,
    world: World,
    active: Mapping[str, Tracked],
    now: Mapping[Pair, set[str]],
    t: datetime,
    step: Step,
) -> tuple[dict[Pair, InForce], dict[Pair, Event]]:
    """``restriction_imposed`` for each restriction in force now and not before, named
    after the NOTAM that came into force first."""
    in_force: dict[Pair, InForce] = {}
    imposed: dict[Pair, Event] = {}
    for pair, keys in sorted(now.items()):
        old = world.in_force.get(pair)
        if old is not None:
            in_force[pair] = dataclasses.replace(old, keys=frozenset(keys))
            continue
        lead = min(keys, key=lambda k: (came_into_force(active[k].notam, t) or t, k))
        n = active[lead].notam
        after = step.scope_after if lead in step.new_keys else world.last_eval
        effective = came_into_force(n, t)
        in_force[pair] = InForce(
            frozenset(keys), since_by=t, since_after=after, since_effective=effective
        )
        detail: dict[str, Any] = {"keys": sorted(keys)}
        if step.baseline and lead in step.new_keys:
            detail["baseline"] = True
        ev = _restriction("restriction_imposed", active[lead], pair, t, after, effective, detail)
        ch.events.append(ev)
        imposed[pair] = ev
    return in_force, imposed


def _lift(
    ch: Changes,
    world: World,
    now: Mapping[Pair, set[str]],
    ended: Mapping[str, Bounds],
    t: datetime,
) -> dict[Pair, Event]:
    """``restriction_lifted`` for each restriction in force before and not now, named
    after the NOTAM that stopped being in force last, with its bounds."""
    lifted: dict[Pair, Event] = {}
    for pair, old in sorted(world.in_force.items()):
        if pair in now:
            continue
        last_key, (after, observed, effective) = _lift_bounds(
            old.keys, ended, world.active, world.last_eval, t
        )
        known = world.active.get(last_key) or ch.removed.get(last_key)
        detail = {
            "keys": sorted(old.keys),
            "since_by": iso(old.since_by),
            "since_after": _iso(old.since_after),
            "since_effective": _iso(old.since_effective),
        }
        ev = _pair_event(
            "restriction_lifted",
            pair,
            last_key,
            known.source if known else "",
            known.notam.id if known else None,
            observed,
            after,
            effective,
            detail,
        )
        ch.events.append(ev)
        lifted[pair] = ev
    return lifted


def _lift_bounds(
    keys: frozenset[str],
    ended: Mapping[str, Bounds],
    active_before: Mapping[str, Tracked],
    last_eval: datetime | None,
    t: datetime,
) -> tuple[str, Bounds]:
    """Which NOTAM of a restriction stopped being in force last, and the range
    ``(after, observed_at, effective_at)`` in which it did."""
    best: tuple[str, Bounds] | None = None
    for key in sorted(keys):
        if key in ended:
            cand = ended[key]
        else:  # still active: its D) window closed (or it was amended out of force)
            tr = active_before.get(key)
            edge = None
            found = validity.windows(tr.notam) if tr is not None else None
            if found:
                past = [b for _a, b in found if b <= t]
                edge = max(past) if past else None
            cand = (last_eval, t, edge)
        if best is None or (cand[2] or cand[1]) > (best[1][2] or best[1][1]):
            best = (key, cand)
    assert best is not None
    return best


def _between(
    ch: Changes,
    world: World,
    in_force: dict[Pair, InForce],
    imposed: dict[Pair, Event],
    lifted: dict[Pair, Event],
    t: datetime,
    step: Step,
) -> list[Interval]:
    """``restriction_imposed`` and ``restriction_lifted`` for each restriction interval
    (B-C, or a D) window) that began after the last evaluation that knew its NOTAM and
    ended by ``t``: no evaluation fell inside it, yet the NOTAM states it. Intervals of
    one pair are merged; one that runs on from the pair's restriction lifted at this
    evaluation makes that restriction end later, one that runs into the restriction
    imposed at this evaluation makes it begin earlier."""
    out: list[Interval] = []
    for pair, spans in sorted(_short_spans(world, t, step).items()):
        if pair in world.in_force and pair in in_force:
            continue  # in force at both evaluations: one restriction, as far as the log knows
        for span in _merged(spans):
            lift, imp = lifted.get(pair), imposed.get(pair)
            if lift is not None and span.start <= _edge(lift):
                if span.end > _edge(lift):
                    lifted[pair] = _ends_later(ch, world, lift, span, t)
            elif imp is not None and span.end >= _edge(imp):
                if span.start < _edge(imp):
                    imposed[pair] = _begins_earlier(ch, world, imp, span)
                    in_force[pair] = dataclasses.replace(
                        in_force[pair], since_after=span.after, since_effective=span.start
                    )
            else:
                out.append(_interval(ch, world, pair, span, t))
    return out


@dataclass(frozen=True, slots=True)
class _Span:
    """Overlapping or touching intervals of one restriction, their NOTAMs (in order of
    start) and the earliest evaluation after which they may have begun."""

    start: datetime
    end: datetime
    keys: tuple[str, ...]
    after: datetime


def _short_spans(
    world: World, t: datetime, step: Step
) -> dict[Pair, list[tuple[datetime, datetime, str, datetime]]]:
    """For each restriction, the intervals of its NOTAMs that no evaluation saw: begun
    after the last one that knew the NOTAM (for a NOTAM first listed now, ended after
    its scope's last complete snapshot) and ended by ``t``."""
    found: dict[Pair, list[tuple[datetime, datetime, str, datetime]]] = {}
    restrictions = [
        (key, tr)
        for key, tr in world.active.items()
        if tr.notam.restriction and tr.notam.type != "C"
    ]
    for key, tr in sorted(restrictions):
        n = tr.notam
        new = key in step.new_keys
        lower = step.scope_after if new else world.last_eval
        if lower is None:
            continue
        for a, b in _intervals(n):
            if lower < b <= t and (new or a > lower):
                for loc in places(n):
                    found.setdefault((loc, n.category), []).append((a, b, key, lower))
    return found


def _merged(spans: list[tuple[datetime, datetime, str, datetime]]) -> list[_Span]:
    """The intervals of one restriction, those that overlap or touch as one."""
    out: list[_Span] = []
    for a, b, key, lower in sorted(spans):
        if out and a <= out[-1].end:
            last = out[-1]
            keys = last.keys if key in last.keys else (*last.keys, key)
            out[-1] = _Span(last.start, max(last.end, b), keys, min(last.after, lower))
        else:
            out.append(_Span(a, b, (key,), lower))
    return out


def _edge(ev: Event) -> datetime:
    return ev.effective_at or ev.observed_at


def _replace(ch: Changes, old: Event, new: Event) -> Event:
    ch.events[next(i for i, e in enumerate(ch.events) if e is old)] = new
    return new


def _ends_later(ch: Changes, world: World, lift: Event, span: _Span, t: datetime) -> Event:
    """The restriction lifted at this evaluation ran on until the end of ``span``."""
    last = _last_of(world, span)
    keys = sorted({*lift.detail.get("keys", ()), *span.keys})
    detail = {**lift.detail, "keys": keys}
    pair = (lift.locations[0], lift.category or "")
    new = _restriction("restriction_lifted", last, pair, t, world.last_eval, span.end, detail)
    return _replace(ch, lift, new)


def _begins_earlier(ch: Changes, world: World, imp: Event, span: _Span) -> Event:
    """The restriction imposed at this evaluation began with ``span``."""
    first = world.active[span.keys[0]]
    keys = sorted({*imp.detail.get("keys", ()), *span.keys})
    new = dataclasses.replace(
        imp,
        source=first.source,
        key=first.notam.key,
        id=first.notam.id,
        after=span.after,
        effective_at=span.start,
        detail={**imp.detail, "keys": keys},
    )
    return _replace(ch, imp, new)


def _intervals(n: Notam) -> tuple[tuple[datetime, datetime], ...]:
    """When a NOTAM states it is in force: its D) windows, else B to C."""
    found = validity.windows(n)
    if found is not None:
        return found
    if n.start is None or n.end is None:
        return ()
    return ((n.start, n.end),)


def _interval(ch: Changes, world: World, pair: Pair, span: _Span, t: datetime) -> Interval:
    """The two events of a restriction that began and ended between two evaluations."""
    names = sorted(span.keys)
    imposed = _restriction(
        "restriction_imposed",
        world.active[span.keys[0]],
        pair,
        t,
        span.after,
        span.start,
        {"keys": names, "between_evaluations": True},
    )
    lifted = _restriction(
        "restriction_lifted",
        _last_of(world, span),
        pair,
        t,
        span.after,
        span.end,
        {
            "keys": names,
            "since_by": iso(t),
            "since_after": iso(span.after),
            "since_effective": iso(span.start),
            "between_evaluations": True,
        },
    )
    ch.events.extend((imposed, lifted))
    return Interval(pair[0], pair[1], span.start, span.end, frozenset(span.keys), imposed, lifted)


def _last_of(world: World, span: _Span) -> Tracked:
    """The NOTAM of ``span`` whose interval in it ends last."""
    return max(
        (world.active[k] for k in span.keys), key=lambda tr: _end_in(tr.notam, span.start, span.end)
    )


def _end_in(n: Notam, a: datetime, b: datetime) -> datetime:
    """The latest end of the NOTAM's intervals within [a, b]."""
    return max((e for s, e in _intervals(n) if a <= s and e <= b), default=a)


def _restriction(
    kind: str,
    tr: Tracked,
    pair: Pair,
    observed: datetime,
    after: datetime | None,
    effective: datetime | None,
    detail: Mapping[str, Any],
) -> Event:
    return _pair_event(
        kind, pair, tr.notam.key, tr.source, tr.notam.id, observed, after, effective, detail
    )


def _pair_event(
    kind: str,
    pair: Pair,
    key: str,
    source: str,
    notam_id: str | None,
    observed: datetime,
    after: datetime | None,
    effective: datetime | None,
    detail: Mapping[str, Any],
) -> Event:
    """An event about one restriction (location, category), told by one NOTAM."""
    return Event(
        kind=kind,
        source=source,
        observed_at=observed,
        key=key,
        id=notam_id,
        locations=(pair[0],),
        category=pair[1],
        after=after,
        effective_at=effective,
        detail=dict(detail),
    )


def places(n: Notam) -> tuple[str, ...]:
    """Where a NOTAM applies: its locations, else its FIR."""
    if n.locations:
        return n.locations
    return (n.fir,) if n.fir else ()


def came_into_force(n: Notam, t: datetime) -> datetime | None:
    """When the current spell of being in force began, as the NOTAM states it."""
    found = validity.windows(n)
    if found:
        for a, b in found:
            if a <= t < b:
                return a
    return n.start


def notam_event(
    kind: str,
    n: Notam,
    source: str,
    observed: datetime,
    after: datetime | None,
    effective: datetime | None,
    detail: Mapping[str, Any],
) -> Event:
    """An event about one NOTAM (published, amended, ended ...)."""
    return Event(
        kind=kind,
        source=source,
        observed_at=observed,
        key=n.key,
        id=n.id,
        locations=places(n),
        category=n.category,
        after=after,
        effective_at=effective,
        detail=dict(detail),
    )


def _iso(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None
