"""Change detection: (previous state, one snapshot or tick, its time) -> events.

Pure: no I/O, no clock. The store loads a :class:`World`, calls :func:`ingest` or
:func:`tick`, writes the :class:`Changes` in one transaction and only then keeps
``changes.world`` as the new state. If the write fails the old world is intact.

The rules that keep the log true:

* Only a complete snapshot may decide that a NOTAM disappeared, and a
  disappearance is confirmed as ``withdrawn`` only after the NOTAM stayed absent
  from ``withdraw_after`` consecutive complete snapshots of its scope.
* A snapshot not newer than the scope's last snapshot is ignored, so that
  ingesting the same data twice adds nothing. A snapshot older than the last tick (its
  fetch overlapped a tick) is recorded all the same; time-driven changes are then
  evaluated at the tick's time, so evaluation never goes backwards.
* A NOTAM is amended by the source that first listed it: another source's rendering
  of the same NOTAM (other location form, limits or Q-code) is not a change, unless
  the first source no longer vouches for it (down, no longer listing it, silent for a
  day); then the other source's change is an amendment and the NOTAM follows it.
* Every event carries the range ``(after, observed_at]`` in which the change
  happened; ``effective_at`` is the time the NOTAM itself gives (B, C, a window edge).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from notam_log.core import validity
from notam_log.core.models import CONTENT_FIELDS, SEVERITY, Episode, Event, Notam, Snapshot

TERMINAL = ("replaced", "cancelled", "expired", "withdrawn")
NOT_MODIFIED = "not modified"


@dataclass(frozen=True, slots=True)
class Tracked:
    """What the log knows of one NOTAM that is still active."""

    notam: Notam
    hash: str
    source: str
    scope: str
    first_seen: datetime
    version: int = 1
    missing: int = 0  # consecutive complete snapshots of its scope without it
    missing_after: datetime | None = None  # last complete snapshot that had it
    missing_by: datetime | None = None  # first complete snapshot without it


@dataclass(frozen=True, slots=True)
class ScopeInfo:
    last_complete: datetime | None = None
    last_count: int = 0
    present: frozenset[str] = frozenset()  # keys in the last complete snapshot
    last_poll: datetime | None = None  # the last snapshot of any status


@dataclass(frozen=True, slots=True)
class InForce:
    """A (location, category) restriction in force and the NOTAMs behind it."""

    keys: frozenset[str]
    since_by: datetime
    since_after: datetime | None = None
    since_effective: datetime | None = None


@dataclass(frozen=True, slots=True)
class SourceHealth:
    down_since: datetime | None = None
    failures: int = 0
    last_ok: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class World:
    """The state change detection needs; the store can rebuild it from its tables."""

    active: Mapping[str, Tracked] = field(default_factory=dict)
    terminal: Mapping[str, str] = field(default_factory=dict)  # key -> final status
    scopes: Mapping[tuple[str, str], ScopeInfo] = field(default_factory=dict)
    in_force: Mapping[tuple[str, str], InForce] = field(default_factory=dict)
    episodes: Mapping[str, Episode] = field(default_factory=dict)  # open, by location
    sources: Mapping[str, SourceHealth] = field(default_factory=dict)
    last_eval: datetime | None = None


@dataclass(frozen=True, slots=True)
class Rules:
    withdraw_after: int = 2
    suspect_ratio: float = 0.5  # fewer than this share of the last count is suspect
    suspect_min: int = 20  # ... when the last count was at least this


@dataclass(slots=True)
class Changes:
    """What one ingest or tick changed, for the store to write."""

    world: World
    events: list[Event] = field(default_factory=list)
    upserts: dict[str, Tracked] = field(default_factory=dict)  # new or amended: whole rows
    marks: dict[str, Tracked] = field(default_factory=dict)  # only the missing counters changed
    versions: list[Tracked] = field(default_factory=list)  # new versions of NOTAM content
    finals: dict[str, str] = field(default_factory=dict)  # key -> terminal status
    removed: dict[str, Tracked] = field(default_factory=dict)  # what left the active set
    seen: set[str] = field(default_factory=set)  # keys present in the snapshot
    closed_episodes: list[Episode] = field(default_factory=list)
    status: str = "complete"  # of the poll: complete, unchanged, partial, failed, suspect, skipped
    reason: str | None = None


def ingest(world: World, snap: Snapshot, rules: Rules | None = None) -> Changes:
    """Apply one snapshot of one scope to the world."""
    rules = rules or Rules()
    t = snap.taken_at
    sid = (snap.source, snap.scope)
    info = world.scopes.get(sid, ScopeInfo())
    after = info.last_complete
    ch = Changes(world=world)
    last = info.last_poll or after
    if last is not None and t <= last:
        ch.status = "skipped"
        ch.reason = "not newer than the last snapshot of this scope"
        return ch
    # Time-driven changes were already evaluated up to world.last_eval (a tick may have
    # run while this poll was fetching): evaluate at the later of the two, never backwards.
    evaluate_at = t if world.last_eval is None else max(t, world.last_eval)

    active = dict(world.active)
    terminal = dict(world.terminal)
    unchanged = snap.complete and snap.reason == NOT_MODIFIED
    complete = snap.complete
    status = "unchanged" if unchanged else ("complete" if complete else _incomplete(snap))
    reason = snap.reason
    if (
        complete
        and not unchanged
        and info.last_count >= rules.suspect_min
        and len(snap.notams) < rules.suspect_ratio * info.last_count
    ):
        complete = False
        status = "suspect"
        reason = f"{len(snap.notams)} NOTAMs where the last complete poll had {info.last_count}"
    baseline = after is None and complete

    notams: dict[str, Notam] = {}
    for n in snap.notams:
        notams[n.key] = n
    seen = set(info.present) if unchanged else set(notams)
    ch.seen = seen
    new_keys: set[str] = set()

    for key, n in notams.items():
        tr = active.get(key)
        if tr is None:
            final = terminal.get(key)
            if final in ("replaced", "cancelled"):
                continue  # the feed still lists what a NOTAMR/NOTAMC already ended
            if final == "expired" and (n.end is None or n.end <= t):
                continue  # still listed after its end: nothing new
            h = n.content_hash()
            tr = Tracked(n, h, snap.source, snap.scope, first_seen=t)
            active[key] = tr
            terminal.pop(key, None)
            ch.upserts[key] = tr
            ch.versions.append(tr)
            new_keys.add(key)
            kind = "reappeared" if final is not None else "published"
            detail: dict[str, Any] = {"type": n.type, "text": _first_line(n.text)}
            if final is not None:
                detail["previous_status"] = final
            if baseline:
                detail["baseline"] = True
            ch.events.append(_event(kind, n, snap.source, t, after, n.start, detail))
            continue
        # The source that first listed a NOTAM amends it; another source's rendering of
        # the same NOTAM (the FAA's APIs give the location as 8WC or K8WC, other limits
        # or Q-codes) differs in form, not because the issuer changed it. Only when the
        # first source no longer vouches for the NOTAM does another amend it, and the
        # NOTAM is then followed through that source.
        amended = _content(n) != _content(tr.notam) and (
            tr.source == snap.source or not _vouches(world, tr, key, t)
        )
        if amended and tr.source != snap.source:
            tr = dataclasses.replace(tr, source=snap.source, scope=snap.scope)
        if amended:
            h = n.content_hash()
            changed = [f for f in CONTENT_FIELDS if getattr(tr.notam, f) != getattr(n, f)]
            tr = dataclasses.replace(tr, notam=n, hash=h, version=tr.version + 1)
            ch.versions.append(tr)
            ch.events.append(
                _event("amended", n, snap.source, t, after, None, {"changed": changed})
            )
        if tr.missing:
            tr = dataclasses.replace(tr, missing=0, missing_after=None, missing_by=None)
        if tr is not active[key]:
            active[key] = tr
            if amended:
                ch.upserts[key] = tr
            else:
                ch.marks[key] = tr

    # NOTAMR / NOTAMC name what they end.
    for key, n in notams.items():
        if n.type not in ("R", "C") or key not in new_keys:
            continue
        target_key = n.ref_key
        if target_key is None or target_key == key or target_key not in active:
            continue
        kind = "replaced" if n.type == "R" else "cancelled"
        old = active.pop(target_key)
        ch.removed[target_key] = old
        terminal[target_key] = kind
        ch.finals[target_key] = kind
        ch.events.append(
            _event(kind, old.notam, snap.source, t, after, n.start, {"by": key, "by_id": n.id})
        )

    # Disappearance, only inside this scope and only from complete snapshots.
    if complete:
        for key, tr in sorted(active.items()):
            if tr.source != snap.source or tr.scope != snap.scope or key in seen:
                continue
            end = tr.notam.end
            if end is not None and end <= t:
                continue  # the expiry pass records it as expired
            missing = tr.missing + 1
            tr = dataclasses.replace(
                tr,
                missing=missing,
                missing_after=tr.missing_after if tr.missing else after,
                missing_by=tr.missing_by if tr.missing else t,
            )
            if missing >= rules.withdraw_after:
                del active[key]
                ch.removed[key] = tr
                terminal[key] = "withdrawn"
                ch.finals[key] = "withdrawn"
                observed = tr.missing_by or t
                ch.events.append(
                    _event(
                        "withdrawn",
                        tr.notam,
                        snap.source,
                        observed,
                        tr.missing_after,
                        None,
                        {"confirmed_at": _iso(t), "absent_polls": missing},
                    )
                )
            else:
                active[key] = tr
                ch.marks[key] = tr

    scopes = dict(world.scopes)
    if complete:
        scopes[sid] = ScopeInfo(
            last_complete=t,
            last_count=info.last_count if unchanged else len(notams),
            present=frozenset(seen),
            last_poll=t,
        )
    else:
        scopes[sid] = dataclasses.replace(info, last_poll=t)
    ch.status = status
    ch.reason = reason
    world = dataclasses.replace(world, active=active, terminal=terminal, scopes=scopes)
    return _evaluate(ch, world, evaluate_at, new_keys, after, baseline=baseline)


def tick(world: World, now: datetime) -> Changes:
    """Record the time-driven changes (expiries, ends of D) windows) up to ``now``."""
    ch = Changes(world=world, status="tick")
    if world.last_eval is not None and now <= world.last_eval:
        return ch
    return _evaluate(ch, world, now, set(), None)


def source_result(world: World, source: str, now: datetime, error: str | None) -> Changes:
    """Record a source's poll outcome: ``source_down`` once when it starts failing,
    ``source_up`` once when it recovers."""
    health = world.sources.get(source, SourceHealth())
    ch = Changes(world=world, status="source")
    if error is None:
        if health.down_since is not None:
            ch.events.append(
                Event(
                    kind="source_up",
                    source=source,
                    observed_at=now,
                    after=health.last_ok,
                    detail={"down_since": _iso(health.down_since), "failures": health.failures},
                )
            )
        health = SourceHealth(down_since=None, failures=0, last_ok=now, last_error=None)
    else:
        if health.down_since is None:
            ch.events.append(
                Event(
                    kind="source_down",
                    source=source,
                    observed_at=now,
                    after=health.last_ok,
                    detail={"error": error},
                )
            )
            health = dataclasses.replace(health, down_since=now)
        health = dataclasses.replace(health, failures=health.failures + 1, last_error=error)
    sources = dict(world.sources)
    sources[source] = health
    ch.world = dataclasses.replace(world, sources=sources)
    return ch


# --------------------------------------------------------------------------- helpers


def _evaluate(
    ch: Changes,
    world: World,
    t: datetime,
    new_keys: set[str],
    scope_after: datetime | None,
    *,
    baseline: bool = False,
) -> Changes:
    """Expire what has ended, then compare the restrictions in force with before."""
    last_eval = world.last_eval
    active = dict(world.active)
    terminal = dict(world.terminal)
    ended: dict[str, tuple[datetime | None, datetime, datetime | None]] = {}
    for key, tr in sorted(active.items()):
        end = tr.notam.end
        if end is not None and end <= t:
            del active[key]
            ch.removed[key] = tr
            terminal[key] = "expired"
            ch.finals[key] = "expired"
            ch.events.append(
                _event("expired", tr.notam, tr.source, t, last_eval, end, {"end": _iso(end)})
            )
            ended[key] = (last_eval, t, end)

    # Where the NOTAMs that ended by NOTAMR/NOTAMC or withdrawal left us.
    for ev in ch.events:
        if ev.kind in ("replaced", "cancelled", "withdrawn") and ev.key:
            ended[ev.key] = (ev.after, ev.observed_at, ev.effective_at)

    now_in_force: dict[tuple[str, str], set[str]] = {}
    for key, tr in active.items():
        n = tr.notam
        if not n.restriction or n.type == "C" or not validity.in_force(n, t):
            continue
        for loc in _places(n):
            now_in_force.setdefault((loc, n.category), set()).add(key)

    before = world.in_force
    in_force: dict[tuple[str, str], InForce] = {}
    lifted: list[tuple[tuple[str, str], InForce]] = []
    for pair, keys in sorted(now_in_force.items()):
        old = before.get(pair)
        if old is not None:
            in_force[pair] = dataclasses.replace(old, keys=frozenset(keys))
            continue
        lead = min(keys, key=lambda k: (_came_into_force(active[k].notam, t) or t, k))
        n = active[lead].notam
        after = scope_after if lead in new_keys else last_eval
        effective = _came_into_force(n, t)
        inf = InForce(frozenset(keys), since_by=t, since_after=after, since_effective=effective)
        in_force[pair] = inf
        ch.events.append(
            Event(
                kind="restriction_imposed",
                source=active[lead].source,
                observed_at=t,
                key=lead,
                id=n.id,
                locations=(pair[0],),
                category=pair[1],
                after=after,
                effective_at=effective,
                detail={"keys": sorted(keys), "baseline": True}
                if baseline and lead in new_keys
                else {"keys": sorted(keys)},
            )
        )
    for pair, old in before.items():
        if pair not in now_in_force:
            lifted.append((pair, old))
    for pair, old in sorted(lifted, key=lambda p: p[0]):
        last_key, (after, observed, effective) = _lift_bounds(
            old.keys, ended, world.active, last_eval, t
        )
        known = world.active.get(last_key) or ch.removed.get(last_key)
        src = known.source if known else ""
        nid = known.notam.id if known else None
        ch.events.append(
            Event(
                kind="restriction_lifted",
                source=src,
                observed_at=observed,
                key=last_key,
                id=nid,
                locations=(pair[0],),
                category=pair[1],
                after=after,
                effective_at=effective,
                detail={
                    "keys": sorted(old.keys),
                    "since_by": _iso(old.since_by),
                    "since_after": _iso(old.since_after),
                    "since_effective": _iso(old.since_effective),
                },
            )
        )
    ch.world = dataclasses.replace(
        world, active=active, terminal=terminal, in_force=in_force, last_eval=t
    )
    _episodes(ch, world.episodes)
    return ch


def _episodes(ch: Changes, before: Mapping[str, Episode]) -> None:
    """Open, change and close restriction episodes from this step's restriction events."""
    episodes = dict(before)
    world = ch.world
    by_loc: dict[str, list[str]] = {}
    for loc, cat in world.in_force:
        by_loc.setdefault(loc, []).append(cat)
    imposed = {
        (e.locations[0], e.category): e for e in ch.events if e.kind == "restriction_imposed"
    }
    lifted = {(e.locations[0], e.category): e for e in ch.events if e.kind == "restriction_lifted"}
    touched = {loc for loc, _ in imposed} | {loc for loc, _ in lifted}
    for loc in sorted(touched):
        cats = by_loc.get(loc, [])
        ep = episodes.get(loc)
        keys = sorted(
            {k for (l2, _c), inf in world.in_force.items() if l2 == loc for k in inf.keys}
        )
        if ep is None and cats:
            first = min(
                (e for (l2, _c), e in imposed.items() if l2 == loc),
                key=lambda e: e.effective_at or e.observed_at,
            )
            top = _dominant(cats)
            episodes[loc] = Episode(
                location=loc,
                start_by=first.observed_at,
                start_after=first.after,
                start_effective=first.effective_at,
                categories=((first.effective_at or first.observed_at, top),),
                keys=tuple(keys),
            )
        elif ep is not None and not cats:
            last = max(
                (e for (l2, _c), e in lifted.items() if l2 == loc),
                key=lambda e: e.observed_at,
            )
            closed = dataclasses.replace(
                ep,
                end_by=last.observed_at,
                end_after=last.after,
                end_effective=last.effective_at,
            )
            ch.closed_episodes.append(closed)
            del episodes[loc]
        elif ep is not None:
            top = _dominant(cats)
            cats_hist = ep.categories
            if not cats_hist or cats_hist[-1][1] != top:
                changes = [e for (l2, _c), e in {**imposed, **lifted}.items() if l2 == loc]
                when = max((e.observed_at for e in changes), default=world.last_eval)
                assert when is not None
                cats_hist = (*cats_hist, (when, top))
            merged = tuple(sorted(set(ep.keys) | set(keys)))
            episodes[loc] = dataclasses.replace(ep, categories=cats_hist, keys=merged)
    ch.world = dataclasses.replace(world, episodes=episodes)


def _incomplete(snap: Snapshot) -> str:
    """``failed`` when the poll brought nothing (the fetch failed), ``partial`` when it
    brought part of the scope; a deliberately skipped call (pull interval, quota) is
    neither a failure nor complete: ``partial``, with its reason."""
    if snap.notams or (snap.reason or "").startswith("skipped:"):
        return "partial"
    return "failed"


def _dominant(categories: Iterable[str]) -> str:
    return min(categories, key=lambda c: SEVERITY.get(c, 99))


def _places(n: Notam) -> tuple[str, ...]:
    if n.locations:
        return n.locations
    return (n.fir,) if n.fir else ()


def _came_into_force(n: Notam, t: datetime) -> datetime | None:
    """When the current spell of being in force began, as the NOTAM states it."""
    found = validity.windows(n)
    if found:
        for a, b in found:
            if a <= t < b:
                return a
    return n.start


def _lift_bounds(
    keys: frozenset[str],
    ended: Mapping[str, tuple[datetime | None, datetime, datetime | None]],
    active_before: Mapping[str, Tracked],
    last_eval: datetime | None,
    t: datetime,
) -> tuple[str, tuple[datetime | None, datetime, datetime | None]]:
    """Which NOTAM of a restriction stopped being in force last, and the range
    ``(after, observed_at, effective_at)`` in which it did."""
    best: tuple[str, tuple[datetime | None, datetime, datetime | None]] | None = None
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


def _event(
    kind: str,
    n: Notam,
    source: str,
    observed: datetime,
    after: datetime | None,
    effective: datetime | None,
    detail: Mapping[str, Any],
) -> Event:
    return Event(
        kind=kind,
        source=source,
        observed_at=observed,
        key=n.key,
        id=n.id,
        locations=n.locations or ((n.fir,) if n.fir else ()),
        category=n.category,
        after=after,
        effective_at=effective,
        detail=dict(detail),
    )


_CONTENT_GETTER = __import__("operator").attrgetter(*CONTENT_FIELDS)


#: How long a source's last complete poll vouches for what it listed (a source removed
#: from the configuration, or not polled for so long, no longer does).
_VOUCH_FOR = timedelta(days=1)


def _vouches(world: World, tr: Tracked, key: str, t: datetime) -> bool:
    """Whether the source that a NOTAM is followed through still vouches for it: its
    last poll of that scope was complete (the source is not down or failing), listed
    the NOTAM, and is less than a day old."""
    info = world.scopes.get((tr.source, tr.scope))
    if info is None or info.last_complete is None or key not in info.present:
        return False
    if info.last_poll is not None and info.last_poll > info.last_complete:
        return False
    return t - info.last_complete <= _VOUCH_FOR


def _content(n: Notam) -> tuple[Any, ...]:
    return _CONTENT_GETTER(n)  # type: ignore[no-any-return]


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0][:200]


def _iso(value: datetime | None) -> str | None:
    from notam_log.core.models import iso

    return iso(value) if value is not None else None
