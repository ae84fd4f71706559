"""Events as an Atom feed (RFC 4287), built with ``feedgen``.

Newest first, one entry per event: its title says what happened where, its content the
bounded time of the change (between the previous complete poll and the poll that showed
it, and the NOTAM's own time) and the NOTAM's text. Entry ids are ``urn:uuid`` names
derived from the event itself (not from the database's row numbers), so they stay the
same from one export to the next and in any log that recorded the same change. The feed's
``updated`` is its newest event's time, so an unchanged log gives the same bytes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from feedgen.feed import FeedGenerator

from notam_log import __version__
from notam_log.core.display import bounds, clean, fmt_time
from notam_log.core.models import Event

#: The namespace of notam-log's uuid5 names.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pypi.org/project/notam-log/")


def entry_id(ev: Event) -> str:
    """A stable id: a uuid5 of the event's content (everything but its row number)."""
    data = ev.to_json()
    data.pop("seq", None)
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return uuid.uuid5(NAMESPACE, blob).urn


def feed(
    events: Sequence[Event],
    now: datetime,
    *,
    texts: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    title: str = "notam-log: events",
    ident: str = "events",
    link: str | None = None,
) -> bytes:
    """The feed as UTF-8 XML. ``texts`` gives NOTAM texts by key (an event's own text,
    in its detail, comes first); ``ident`` names the feed in its stable id."""
    fg = FeedGenerator()
    fg.id(uuid.uuid5(NAMESPACE, "feed:" + ident).urn)
    fg.title(_x(clean(title, one_line=True)))
    fg.author({"name": "notam-log"})
    fg.generator("notam-log", version=__version__)
    if link:
        fg.link(href=link, rel="self")
    ordered = sorted(events, key=lambda e: (e.observed_at, e.seq or 0), reverse=True)
    fg.updated(ordered[0].observed_at if ordered else now)
    for ev in ordered:
        fe = fg.add_entry(order="append")
        fe.id(entry_id(ev))
        fe.title(_x(entry_title(ev, names or {})))
        fe.updated(ev.observed_at)
        fe.published(ev.observed_at)
        fe.content(_x(entry_text(ev, texts or {}, names or {})), type="text")
        fe.category(term=ev.kind)
        if ev.category:
            fe.category(term=ev.category)
    return bytes(fg.atom_str(pretty=True))


def entry_title(ev: Event, names: Mapping[str, str]) -> str:
    where = ", ".join(ev.locations) or ev.source
    what = ev.kind.replace("_", " ")
    parts = [f"{where}: {what}"]
    if ev.category:
        parts.append(ev.category.replace("_", " "))
    title = ": ".join(parts)
    if ev.id or ev.key:
        title += f" ({ev.id or ev.key})"
    return clean(title, one_line=True, limit=200)


def entry_text(ev: Event, texts: Mapping[str, str], names: Mapping[str, str]) -> str:
    places = [f"{loc} {names[loc]}" if names.get(loc) else loc for loc in ev.locations]
    what = ev.kind.replace("_", " ")
    lines = [f"{what}: {', '.join(places) or ev.source}"]
    if ev.category:
        lines[0] += f" ({ev.category.replace('_', ' ')})"
    when = bounds(ev.after, ev.observed_at)
    if ev.effective_at is not None:
        when += f"; the NOTAM says {fmt_time(ev.effective_at)}"
    lines.append(f"When: {when}")
    if ev.key:
        lines.append(f"NOTAM {ev.id or ev.key} ({ev.key}), source {ev.source}")
    else:
        lines.append(f"Source {ev.source}")
    if ev.kind in ("replaced", "cancelled") and ev.detail.get("by"):
        lines.append(f"By {ev.detail['by']}")
    if ev.kind == "source_down" and ev.detail.get("error"):
        lines.append(f"Error: {ev.detail['error']}")
    if ev.detail.get("baseline"):
        lines.append("Already in force when watching began.")
    text = ev.detail.get("text") or (texts.get(ev.key) if ev.key else None)
    if text:
        lines += ["", str(text)]
    return clean("\n".join(str(x) for x in lines))


def _x(text: str) -> str:
    """Text that XML 1.0 can carry (``clean`` leaves none of its forbidden characters
    but the surrogates and U+FFFE/U+FFFF, removed here)."""
    return "".join(
        ch for ch in text if not (0xD800 <= ord(ch) <= 0xDFFF or ord(ch) in (0xFFFE, 0xFFFF))
    )
