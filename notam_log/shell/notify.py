"""Event notifications: what the last poll's events mean to each ``[[notify]]`` channel,
batched and rate-limited (at most one message per channel per ``rate_limit_minutes``).

The channels are validated by :mod:`notam_log.core.channels` and the messages sent by
:mod:`notam_log.shell.delivery`; digests are :mod:`notam_log.shell.digests`'.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from notam_log.core.channels import Channel, channels
from notam_log.core.config import Config
from notam_log.core.display import clean, event_line
from notam_log.core.models import Event
from notam_log.shell.delivery import SENDERS, Delivery, Message, Sender, deliver

#: The most events a channel keeps waiting (the oldest go first).
MAX_PENDING = 200


@dataclass(slots=True)
class NotifyState:
    """What event notifications remember between polls (kept by the daemon, in memory)."""

    last_sent: dict[str, datetime] = field(default_factory=dict)
    pending: dict[str, list[Event]] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)  # sources reported down and not yet up


def wants(ch: Channel, ev: Event, watch: Sequence[str] = ()) -> bool:
    """Whether ``ch`` notifies ``ev``. Baseline events are never news."""
    if ev.kind not in ch.events or ev.baseline:
        return False
    if ev.kind in ("source_down", "source_up"):
        return True
    if ch.categories and (ev.category or "other") not in ch.categories:
        return False
    places = ch.locations or frozenset(watch)
    return not places or any(loc in places for loc in ev.locations)


def events_message(evs: Sequence[Event]) -> Message:
    first = evs[0]
    where = ",".join(first.locations) or first.source
    what = first.kind.replace("_", " ")
    if first.category:
        what = f"{first.category.replace('_', ' ')} {what.replace('restriction ', '')}"
    more = f" (+{len(evs) - 1} more)" if len(evs) > 1 else ""
    subject = clean(f"{where}: {what}{more}", one_line=True, limit=120)
    text = "\n".join(event_line(e) for e in evs) + "\n"
    payload = {"type": "events", "text": text, "events": [e.to_json() for e in evs]}
    return Message(subject=subject, text=text, payload=payload)


def notify_events(
    config: Config,
    events: Sequence[Event],
    now: datetime,
    state: NotifyState,
    *,
    env: Mapping[str, str] | None = None,
    senders: Mapping[str, Sender] = SENDERS,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send what the last poll's ``events`` mean to each channel that wants them.

    Call after every poll (with an empty list too: that flushes batches whose wait is
    over). At most one message per channel per ``rate_limit_minutes``; the rest waits
    in ``state`` and goes out together. A source's ``source_down`` is sent once until
    its ``source_up``. A failed message stays pending for the next window.
    """
    env = os.environ if env is None else env
    fresh: list[Event] = []
    for ev in events:
        if ev.kind == "source_down":
            if ev.source in state.down:
                continue
            state.down.add(ev.source)
        elif ev.kind == "source_up":
            if ev.source not in state.down and ev.detail.get("down_since") is None:
                continue
            state.down.discard(ev.source)
        fresh.append(ev)
    out: list[Delivery] = []
    for ch in channels(config, env):
        key = f"{ch.kind}:{ch.name}"
        queue = state.pending.setdefault(key, [])
        queue.extend(ev for ev in fresh if wants(ch, ev, config.locations))
        del queue[:-MAX_PENDING]
        if not queue:
            continue
        last = state.last_sent.get(key)
        if last is not None and now - last < ch.rate_limit:
            continue
        batch = list(queue)
        result = deliver(ch, events_message(batch), senders=senders, sleep=sleep)
        state.last_sent[key] = now
        if result.ok:
            del queue[: len(batch)]
        out.append(result)
    return out
