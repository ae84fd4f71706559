"""Questions asked of the log: what was in force at a time, a NOTAM's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from notam_log.core.models import SEVERITY, Event, Notam, iso
from notam_log.shell.store import NotamRow, Store


@dataclass(frozen=True, slots=True)
class ActiveRow:
    notam: Notam
    status: str
    first_seen: datetime
    last_seen: datetime


def active(
    store: Store,
    at: datetime,
    *,
    feed: bool = False,
    restrictions: bool = False,
    locations: list[str] | None = None,
    categories: tuple[str, ...] = (),
) -> list[ActiveRow]:
    """NOTAMs in force at ``at`` (B <= at < C, inside D) windows) as the log knew them;
    with ``feed``, what the feed listed at that time whether in force or not."""
    rows: list[NotamRow] = store.notams_listed_at(at) if feed else store.notams_known_at(at)
    out = []
    for r in rows:
        n = r.notam
        if not feed and (n.type == "C" or not n.in_force(at)):
            continue
        if restrictions and not n.restriction:
            continue
        if locations and not set(locations) & set(n.locations or ((n.fir,) if n.fir else ())):
            continue
        if categories and n.category not in categories:
            continue
        out.append(ActiveRow(n, r.status, r.first_seen, r.last_seen))
    out.sort(key=lambda a: (SEVERITY.get(a.notam.category, 99), a.notam.locations, a.notam.key))
    return out


@dataclass(frozen=True, slots=True)
class History:
    key: str
    status: str
    versions: list[tuple[int, datetime, str, Notam]]
    events: list[Event]
    chain: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": self.status,
            "chain": self.chain,
            "versions": [
                {"version": v, "observed_at": iso(o), "source": s, "notam": n.to_json()}
                for v, o, s, n in self.versions
            ],
            "events": [e.to_json() for e in self.events],
        }


def history(store: Store, ident: str) -> list[History]:
    """Every version and event of each NOTAM matching ``ident`` (a key or an id)."""
    out = []
    for key in store.keys_for(ident):
        rows = store.notams(keys=[key])
        status = rows[0].status if rows else "unknown"
        chain = store.chain(key)
        events = [e for k in chain for e in store.events(key=k)]
        events.sort(key=lambda e: e.seq or 0)
        out.append(History(key, status, store.versions(key), events, chain))
    return out
