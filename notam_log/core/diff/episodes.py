"""Restriction episodes: at one location, from the first restriction in force to the
moment none is, opened, changed and closed from one step's restriction events."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from notam_log.core.diff.state import Changes, Interval
from notam_log.core.models import SEVERITY, Episode, Event


@dataclass(frozen=True, slots=True)
class _Piece:
    """Restrictions at one location that began and ended between two evaluations,
    merged over categories: one short episode, unless it touches a longer one."""

    start: datetime
    end: datetime
    first: Event
    last: Event
    categories: frozenset[str]
    keys: frozenset[str]

    def episode(self, location: str) -> Episode:
        return Episode(
            location=location,
            start_by=self.first.observed_at,
            start_after=self.first.after,
            start_effective=self.first.effective_at,
            end_by=self.last.observed_at,
            end_after=self.last.after,
            end_effective=self.last.effective_at,
            categories=((self.start, dominant(self.categories)),),
            keys=tuple(sorted(self.keys)),
        )


def update(ch: Changes, before: Mapping[str, Episode], between: Sequence[Interval]) -> None:
    """Open, change and close episodes from this step's restriction events (in force at
    the evaluation, ``between`` the evaluations)."""
    episodes = dict(before)
    world = ch.world
    cats_at: dict[str, list[str]] = {}
    keys_at: dict[str, set[str]] = {}
    for (loc, cat), inf in world.in_force.items():
        cats_at.setdefault(loc, []).append(cat)
        keys_at.setdefault(loc, set()).update(inf.keys)
    flagged = {id(i.imposed) for i in between} | {id(i.lifted) for i in between}
    imposed: dict[str, list[Event]] = {}
    lifted: dict[str, list[Event]] = {}
    for e in ch.events:
        if id(e) in flagged or not e.locations:
            continue
        if e.kind == "restriction_imposed":
            imposed.setdefault(e.locations[0], []).append(e)
        elif e.kind == "restriction_lifted":
            lifted.setdefault(e.locations[0], []).append(e)
    pieces = _pieces(between)
    for loc in sorted(set(imposed) | set(lifted) | set(pieces)):
        cats = cats_at.get(loc, [])
        keys = sorted(keys_at.get(loc, ()))
        ep = episodes.pop(loc, None)
        short = pieces.get(loc, [])
        if ep is not None and cats:
            ep = _fold(ep, short)
            episodes[loc] = _recategorised(ep, cats, keys, imposed, lifted, loc, world.last_eval)
        elif ep is not None:
            last = max(lifted.get(loc, ()), key=_when)  # the restriction that ended last
            closes = _when(last)
            ep = _fold(ep, [p for p in short if p.start <= closes])
            # a short restriction that began by then and ran on keeps the episode going
            on = [p for p in short if p.start <= closes < p.end]
            if on:
                last = max((p.last for p in on), key=_when)
                top = dominant(c for p in on for c in p.categories)
                if ep.categories[-1][1] != top:
                    ep = dataclasses.replace(ep, categories=(*ep.categories, (closes, top)))
            ch.closed_episodes.append(
                dataclasses.replace(
                    ep,
                    end_by=last.observed_at,
                    end_after=last.after,
                    end_effective=last.effective_at,
                )
            )
            ch.closed_episodes.extend(p.episode(loc) for p in short if p.start > closes)
        elif cats:
            first = min(imposed.get(loc, ()), key=_when)
            opens = _when(first)
            ch.closed_episodes.extend(p.episode(loc) for p in short if p.end < opens)
            joined = [p for p in short if p.end >= opens]
            episodes[loc] = _opened(loc, first, joined, cats, keys)
        else:
            ch.closed_episodes.extend(p.episode(loc) for p in short)
    ch.world = dataclasses.replace(world, episodes=episodes)


def _pieces(between: Iterable[Interval]) -> dict[str, list[_Piece]]:
    """The intervals of each location merged where they overlap or touch, in order."""
    by_loc: dict[str, list[Interval]] = {}
    for i in between:
        by_loc.setdefault(i.location, []).append(i)
    out: dict[str, list[_Piece]] = {}
    for loc, items in by_loc.items():
        merged: list[_Piece] = []
        for i in sorted(items, key=lambda i: (i.start, i.end)):
            if merged and i.start <= merged[-1].end:
                p = merged[-1]
                merged[-1] = _Piece(
                    p.start,
                    max(p.end, i.end),
                    p.first,
                    i.lifted if i.end > p.end else p.last,
                    p.categories | {i.category},
                    p.keys | i.keys,
                )
            else:
                piece = _Piece(i.start, i.end, i.imposed, i.lifted, frozenset({i.category}), i.keys)
                merged.append(piece)
        out[loc] = merged
    return out


def _fold(ep: Episode, pieces: Iterable[_Piece]) -> Episode:
    """An episode that short restrictions fell within: their NOTAMs join it, and a more
    severe category is recorded for as long as it lasted."""
    for p in pieces:
        top = dominant(p.categories)
        cats = ep.categories
        current = cats[-1][1] if cats else None
        if current is None or SEVERITY.get(top, 99) < SEVERITY.get(current, 99):
            cats = (*cats, (p.start, top))
            if current is not None:
                cats = (*cats, (p.end, current))
        ep = dataclasses.replace(ep, categories=cats, keys=tuple(sorted({*ep.keys, *p.keys})))
    return ep


def _recategorised(
    ep: Episode,
    cats: list[str],
    keys: list[str],
    imposed: Mapping[str, list[Event]],
    lifted: Mapping[str, list[Event]],
    loc: str,
    last_eval: datetime | None,
) -> Episode:
    """An episode that goes on: a change of its most severe category is recorded at
    the time of this step's restriction events, and new NOTAMs join it."""
    top = dominant(cats)
    history = ep.categories
    if not history or history[-1][1] != top:
        changes = [*imposed.get(loc, ()), *lifted.get(loc, ())]
        when = max((e.observed_at for e in changes), default=last_eval)
        assert when is not None
        history = (*history, (when, top))
    merged = tuple(sorted(set(ep.keys) | set(keys)))
    return dataclasses.replace(ep, categories=history, keys=merged)


def _opened(
    loc: str, first: Event, joined: Sequence[_Piece], cats: list[str], keys: list[str]
) -> Episode:
    """An episode that begins at this step: at its first restriction in force, or at
    the first short one just before it that runs into it."""
    start = first
    for p in joined:
        if _when(p.first) < _when(start):
            start = p.first
    categories = {*cats, *(c for p in joined for c in p.categories)}
    return Episode(
        location=loc,
        start_by=start.observed_at,
        start_after=start.after,
        start_effective=start.effective_at,
        categories=((_when(start), dominant(categories)),),
        keys=tuple(sorted({*keys, *(k for p in joined for k in p.keys)})),
    )


def _when(e: Event) -> datetime:
    return e.effective_at or e.observed_at


def dominant(categories: Iterable[str]) -> str:
    """The most severe of some categories."""
    return min(categories, key=lambda c: SEVERITY.get(c, 99))
