"""One snapshot of one scope against the world: what is new, amended, ended by a
NOTAMR/NOTAMC, or gone (see the rules in :mod:`notam_log.core.diff`)."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from notam_log.core.diff.evaluate import evaluate, notam_event
from notam_log.core.diff.state import (
    NOT_MODIFIED,
    Changes,
    Rules,
    ScopeInfo,
    Step,
    Tracked,
    World,
)
from notam_log.core.models import CONTENT_FIELDS, Notam, Snapshot, iso

#: How long a source's last complete poll vouches for what it listed (a source removed
#: from the configuration, or not polled for so long, no longer does).
VOUCH_FOR = timedelta(days=1)

_content_of = operator.attrgetter(*CONTENT_FIELDS)


@dataclass(frozen=True, slots=True)
class _Poll:
    """How far one snapshot may be trusted, and the times around it."""

    source: str
    scope: str
    t: datetime  # when it was taken
    after: datetime | None  # the scope's last complete snapshot before it
    complete: bool  # may decide that a NOTAM disappeared
    unchanged: bool  # the source said nothing changed (HTTP 304, same body)
    status: str
    reason: str | None

    @property
    def baseline(self) -> bool:
        """The scope's first complete snapshot: what it lists was there before."""
        return self.after is None and self.complete


@dataclass(slots=True)
class _Work:
    """The active and terminal NOTAMs as one ingest changes them. ``terminal`` is the
    world's own mapping until the first change to it (:meth:`end`, :meth:`revive`),
    then a copy: it holds every NOTAM that ever ended, and most snapshots end none."""

    active: dict[str, Tracked]
    terminal: Mapping[str, str]
    new_keys: set[str] = field(default_factory=set)
    returned: dict[str, datetime] = field(default_factory=dict)
    copied: bool = False

    def _own(self) -> dict[str, str]:
        if not self.copied:
            self.terminal = dict(self.terminal)
            self.copied = True
        assert isinstance(self.terminal, dict)
        return self.terminal

    def end(self, key: str, status: str) -> None:
        """``key`` ended with ``status``."""
        self._own()[key] = status

    def revive(self, key: str) -> None:
        """``key`` is active again (no longer ended)."""
        if key in self.terminal:
            del self._own()[key]


def ingest(world: World, snap: Snapshot, rules: Rules | None = None) -> Changes:
    """Apply one snapshot of one scope to the world."""
    rules = rules or Rules()
    info = world.scopes.get((snap.source, snap.scope), ScopeInfo())
    ch = Changes(world=world)
    last = info.last_poll or info.last_complete
    if last is not None and snap.taken_at <= last:
        ch.status = "skipped"
        ch.reason = "not newer than the last snapshot of this scope"
        return ch
    poll = _poll(info, snap, rules)
    # Time-driven changes were already evaluated up to world.last_eval (a tick may have
    # run while this poll was fetching): evaluate at the later of the two, never backwards.
    t = poll.t
    evaluate_at = t if world.last_eval is None else max(t, world.last_eval)
    work = _Work(active=dict(world.active), terminal=world.terminal)
    notams = {n.key: n for n in snap.notams}
    ch.seen = set(info.present) if poll.unchanged else set(notams)
    active = work.active
    for key, n in notams.items():
        tr = active.get(key)
        # listed again as it was (the same record, or one that says the same), not
        # missing: nothing changes, as _listed would find
        if tr is not None and not tr.missing:
            was = tr.notam
            if n is was or _content_of(n) == _content_of(was):
                continue
        _listed(ch, world, work, poll, key, n, evaluate_at)
    if work.new_keys:
        _ended_by_notams(ch, work, poll, notams)
    if poll.complete:
        _absences(ch, work, poll, rules)
    ch.status, ch.reason = poll.status, poll.reason
    scopes = dict(world.scopes)
    scopes[(poll.source, poll.scope)] = _scope_after(info, poll, ch.seen, len(notams))
    world = dataclasses.replace(world, active=work.active, terminal=work.terminal, scopes=scopes)
    step = Step(frozenset(work.new_keys), poll.after, poll.baseline, work.returned)
    return evaluate(ch, world, evaluate_at, step)


def _poll(info: ScopeInfo, snap: Snapshot, rules: Rules) -> _Poll:
    """Whether the snapshot is complete, unchanged, or suspect: a complete one that
    lists far fewer NOTAMs than the scope's last complete one (a truncated answer) is
    not allowed to decide that anything disappeared."""
    unchanged = snap.complete and snap.reason == NOT_MODIFIED
    complete = snap.complete
    status = "unchanged" if unchanged else ("complete" if complete else _incomplete(snap))
    reason = snap.reason
    count = len(snap.notams)
    if (
        complete
        and not unchanged
        and info.last_count >= rules.suspect_min
        and count < rules.suspect_ratio * info.last_count
    ):
        complete = False
        status = "suspect"
        reason = f"{count} NOTAMs where the last complete poll had {info.last_count}"
    return _Poll(
        snap.source,
        snap.scope,
        snap.taken_at,
        info.last_complete,
        complete,
        unchanged,
        status,
        reason,
    )


def _incomplete(snap: Snapshot) -> str:
    """``failed`` when the poll brought nothing (the fetch failed), ``partial`` when it
    brought part of the scope; a deliberately skipped call (pull interval, quota) is
    neither a failure nor complete: ``partial``, with its reason."""
    if snap.notams or (snap.reason or "").startswith("skipped:"):
        return "partial"
    return "failed"


def _listed(
    ch: Changes,
    world: World,
    work: _Work,
    poll: _Poll,
    key: str,
    n: Notam,
    evaluate_at: datetime,
) -> None:
    """A NOTAM the snapshot lists: new (or back), amended, or seen again."""
    tr = work.active.get(key)
    if tr is None:
        _first_listed(ch, work, poll, key, n)
        return
    # The source that first listed a NOTAM amends it; another source's rendering of
    # the same NOTAM (the FAA's APIs give the location as 8WC or K8WC, other limits
    # or Q-codes) differs in form, not because the issuer changed it. Only when the
    # first source no longer vouches for the NOTAM does another amend it, and the
    # NOTAM is then followed through that source.
    amended = _content_of(n) != _content_of(tr.notam) and (
        tr.source == poll.source or not _vouches(world, tr, key, poll.t)
    )
    if amended:
        if tr.source != poll.source:
            tr = dataclasses.replace(tr, source=poll.source, scope=poll.scope)
        changed = [f for f in CONTENT_FIELDS if getattr(tr.notam, f) != getattr(n, f)]
        tr = dataclasses.replace(tr, notam=n, hash=n.content_hash(), version=tr.version + 1)
        ch.versions.append(tr)
        ch.events.append(
            notam_event("amended", n, poll.source, poll.t, poll.after, None, {"changed": changed})
        )
    if tr.missing:
        if tr.held(evaluate_at) and tr.missing_by is not None:
            work.returned[key] = tr.missing_by
        tr = dataclasses.replace(tr, missing=0, missing_after=None, missing_by=None)
    if tr is not work.active[key]:
        work.active[key] = tr
        if amended:
            ch.upserts[key] = tr
        else:
            ch.marks[key] = tr


def _first_listed(ch: Changes, work: _Work, poll: _Poll, key: str, n: Notam) -> None:
    """A NOTAM not active: ``published``, ``reappeared``, or nothing when the feed still
    lists what already ended (by a NOTAMR/NOTAMC, or at its end time)."""
    t = poll.t
    final = work.terminal.get(key)
    if final in ("replaced", "cancelled"):
        return
    if final == "expired" and (n.end is None or n.end <= t):
        return
    tr = Tracked(n, n.content_hash(), poll.source, poll.scope, first_seen=t)
    work.active[key] = tr
    work.revive(key)
    ch.upserts[key] = tr
    ch.versions.append(tr)
    work.new_keys.add(key)
    detail: dict[str, Any] = {"type": n.type, "text": _first_line(n.text)}
    if final is not None:
        detail["previous_status"] = final
    if poll.baseline:
        detail["baseline"] = True
    kind = "reappeared" if final is not None else "published"
    ch.events.append(notam_event(kind, n, poll.source, t, poll.after, n.start, detail))


def _ended_by_notams(ch: Changes, work: _Work, poll: _Poll, notams: Mapping[str, Notam]) -> None:
    """A new NOTAMR or NOTAMC ends the NOTAM it names (``replaced``, ``cancelled``)."""
    for key, n in notams.items():
        if n.type not in ("R", "C") or key not in work.new_keys:
            continue
        target = n.ref_key
        if target is None or target == key or target not in work.active:
            continue
        kind = "replaced" if n.type == "R" else "cancelled"
        old = work.active.pop(target)
        ch.removed[target] = old
        work.end(target, kind)
        ch.finals[target] = kind
        detail = {"by": key, "by_id": n.id}
        ch.events.append(
            notam_event(kind, old.notam, poll.source, poll.t, poll.after, n.start, detail)
        )


def _absences(ch: Changes, work: _Work, poll: _Poll, rules: Rules) -> None:
    """The scope's NOTAMs a complete snapshot does not list. The first absence decides:
    one missed before its end time is marked, and withdrawn in (last presence, first
    absence] once ``withdraw_after`` complete snapshots in a row missed it, whenever that
    is; one first missed at or after its end time is left to expire."""
    t = poll.t
    seen = ch.seen
    for key in sorted(k for k in work.active if k not in seen):
        tr = work.active[key]
        if tr.source != poll.source or tr.scope != poll.scope:
            continue
        end = tr.notam.end
        if not tr.missing and end is not None and end <= t:
            continue  # first missed after its end: it expired
        tr = dataclasses.replace(
            tr,
            missing=tr.missing + 1,
            missing_after=tr.missing_after if tr.missing else poll.after,
            missing_by=tr.missing_by if tr.missing else t,
        )
        if tr.missing < rules.withdraw_after:
            work.active[key] = tr
            ch.marks[key] = tr
            continue
        del work.active[key]
        ch.removed[key] = tr
        work.end(key, "withdrawn")
        ch.finals[key] = "withdrawn"
        detail = {"confirmed_at": iso(t), "absent_polls": tr.missing}
        ch.events.append(
            notam_event(
                "withdrawn",
                tr.notam,
                poll.source,
                tr.missing_by or t,
                tr.missing_after,
                None,
                detail,
            )
        )


def _scope_after(info: ScopeInfo, poll: _Poll, seen: set[str], count: int) -> ScopeInfo:
    """The scope as this snapshot leaves it: only a complete one updates what it lists."""
    if not poll.complete:
        return dataclasses.replace(info, last_poll=poll.t)
    return ScopeInfo(
        last_complete=poll.t,
        last_count=info.last_count if poll.unchanged else count,
        present=frozenset(seen),
        last_poll=poll.t,
    )


def _vouches(world: World, tr: Tracked, key: str, t: datetime) -> bool:
    """Whether the source that a NOTAM is followed through still vouches for it: its
    last poll of that scope was complete (the source is not down or failing), listed
    the NOTAM, and is less than a day old."""
    info = world.scopes.get((tr.source, tr.scope))
    if info is None or info.last_complete is None or key not in info.present:
        return False
    if info.last_poll is not None and info.last_poll > info.last_complete:
        return False
    return t - info.last_complete <= VOUCH_FOR


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0][:200]
