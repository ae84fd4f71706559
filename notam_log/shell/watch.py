"""The terminal watcher: screen data loaded from the store, pure render functions, the Live loop.

Following Rich's ``top_lite_simulator`` example: :func:`load_screen` reads everything
the screen shows in one go into a frozen :class:`ScreenData`; :func:`render_screen`
turns it into a renderable with no I/O and no clock (``now`` is passed in); and
:func:`live_loop` is a plain main-thread loop that reloads and redraws once a second
with ``Live(screen=True, auto_refresh=False)``, so SQLite is never touched from
Live's refresh thread nor from inside a poll.

Feed text (locations, ids, item E, error messages) is passed through
:func:`notam_log.core.display.clean` and into Rich only as :class:`rich.text.Text`, never as
markup, so nothing a feed says can style or control the terminal.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Literal

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from notam_log.core.announced import Announced, Verdict
from notam_log.core.config import Config
from notam_log.core.display import bounds, clean, duration, event_line, fmt_time
from notam_log.core.errors import PollerBusy
from notam_log.core.models import Event
from notam_log.shell import clock
from notam_log.shell.airports import name_of, timezone_of
from notam_log.shell.daemon import NotamScheduler, stop_on_signals
from notam_log.shell.runtime import open_runtime
from notam_log.shell.store import Store

logger = logging.getLogger(__name__)

TzMode = Literal["utc", "local"]

#: Event kinds the "recent changes" panel shows (``published`` is left to ``events``:
#: a new restriction shows up as ``restriction_imposed`` anyway).
SCREEN_KINDS: tuple[str, ...] = (
    "restriction_imposed",
    "restriction_lifted",
    "amended",
    "replaced",
    "cancelled",
    "expired",
    "withdrawn",
    "reappeared",
    "announced_imposed",
    "announced_lifted",
    "announced_coordination",
)
OUTAGE_KINDS: tuple[str, ...] = ("source_down", "source_up")

#: Announced restrictions lifted this long ago still show (open ones always do).
ANNOUNCED_RECENT = timedelta(hours=24)
VERDICT_STYLE: Mapping[str, str] = {
    "confirmed": "bold red",
    "not_in_notams": "bold yellow",
    "no_coverage": "yellow",
}

#: A source is stale when its last complete poll is older than this many intervals.
STALE_INTERVALS = 3

KIND_LABEL: Mapping[str, str] = {
    "restriction_imposed": "imposed",
    "restriction_lifted": "lifted",
    "amended": "amended",
    "replaced": "replaced",
    "cancelled": "cancelled",
    "expired": "expired",
    "withdrawn": "withdrawn",
    "reappeared": "reappeared",
    "source_down": "src down",
    "source_up": "src up",
    "published": "published",
    "announced_imposed": "announced",
    "announced_lifted": "ann. lifted",
    "announced_coordination": "ann. coord.",
}
KIND_STYLE: Mapping[str, str] = {
    "restriction_imposed": "bold red",
    "restriction_lifted": "bold green",
    "amended": "yellow",
    "announced_imposed": "red",
    "announced_lifted": "green",
    "announced_coordination": "yellow",
    "source_down": "bright_black",
    "source_up": "bright_black",
}
CATEGORY_LABEL: Mapping[str, str] = {
    "aerodrome_closed": "AD closed",
    "aerodrome_limited": "AD limited",
    "aerodrome_hours": "AD hours",
    "runway_closed": "RWY closed",
    "runway_limited": "RWY limited",
    "airspace_restricted": "airspace restr",
    "airspace_closed": "airspace closed",
}


# ---------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class SourceView:
    """One source's health as the header shows it."""

    name: str
    interval: float  # seconds
    last_poll: datetime | None = None
    last_complete: datetime | None = None
    next_poll: datetime | None = None
    down_since: datetime | None = None
    failures: int = 0
    last_error: str | None = None
    first_poll: datetime | None = None  # its first poll in this database


@dataclass(frozen=True, slots=True)
class RestrictionRow:
    """One NOTAM behind one restriction (location, category) in force."""

    location: str
    name: str | None
    category: str
    since_by: datetime
    since_after: datetime | None
    since_effective: datetime | None
    key: str
    id: str | None
    end: datetime | None
    end_estimated: bool
    permanent: bool
    text: str  # item E as the feed gave it (cleaned at render)


@dataclass(frozen=True, slots=True)
class ScreenData:
    """Everything one screen shows, read from the store at one moment."""

    db: str
    sources: tuple[SourceView, ...]
    restrictions: tuple[RestrictionRow, ...]  # closures first; at most a screenful
    events: tuple[Event, ...]  # newest first
    locations: tuple[str, ...] = ()  # the watch list; empty: all
    total_events: int = 0
    note: str | None = None  # e.g. "display only: process 123 polls this database"
    #: Restrictions the authority announced (not NOTAMs), open or lifted lately, each
    #: with its verdict against the NOTAMs (:func:`notam_log.shell.announced.judged`).
    announced: tuple[tuple[Announced, Verdict], ...] = ()
    #: Restrictions in force beyond ``restrictions`` (counted, not read: ``row_limit``).
    more_restrictions: int = 0

    @property
    def in_force_total(self) -> int:
        """Every restriction row in force at the watched locations, shown or not."""
        return len(self.restrictions) + self.more_restrictions


def load_screen(
    store: Store,
    config: Config,
    *,
    next_polls: Mapping[str, datetime] | None = None,
    note: str | None = None,
    event_limit: int = 60,
    row_limit: int = 200,
    locations: Sequence[str] | None = None,
    now: datetime | None = None,
) -> ScreenData:
    """Read what the screen shows: source health, restrictions in force at the
    watched locations (with their NOTAMs), the announced restrictions open or lifted in
    the last day (with their verdicts, as of ``now``), and the newest events."""
    from notam_log.shell.announced import judged

    now = now or clock.now()
    watched = tuple(locations if locations is not None else config.locations)
    # SQLite counts and orders the rows; only a screenful is read, with its NOTAMs' fields
    total = store.in_force_count(watched)
    rows = [
        RestrictionRow(
            location=r.location,
            name=name_of(r.location) if r.found else None,
            category=r.category,
            since_by=r.since_by,
            since_after=r.since_after,
            since_effective=r.since_effective,
            key=r.key,
            id=r.id,
            end=r.end,
            end_estimated=r.end_estimated,
            permanent=r.permanent,
            text=r.text,
        )
        for r in store.in_force_rows(watched, limit=max(1, row_limit))
    ]
    merged = screen_events(store, watched, limit=event_limit)
    return ScreenData(
        db=str(store.path),
        sources=tuple(_source_views(store, config, next_polls or {})),
        restrictions=tuple(rows),
        more_restrictions=max(0, total - len(rows)),
        events=tuple(merged),
        locations=watched,
        total_events=store.count_events(),
        note=note,
        announced=tuple(
            judged(store, config, now, locations=watched, since=now - ANNOUNCED_RECENT)
        ),
    )


def screen_events(
    store: Store, locations: Sequence[str], *, after_seq: int | None = None, limit: int = 60
) -> list[Event]:
    """The events the watcher shows, newest first: changes at the watched locations
    (all locations when empty) and the sources' outages."""
    events = store.newest_events(SCREEN_KINDS, locations, after_seq=after_seq, limit=limit)
    outages = store.newest_events(OUTAGE_KINDS, after_seq=after_seq, limit=limit)
    return sorted(events + outages, key=lambda e: e.seq or 0, reverse=True)[:limit]


def _source_views(
    store: Store, config: Config, next_polls: Mapping[str, datetime]
) -> Iterator[SourceView]:
    health = {r.name: r for r in store.source_rows()}
    last_polls = store.last_polls()
    first_polls = store.first_polls()
    for cfg in config.sources:
        if not cfg.enabled and cfg.name not in health:
            continue
        h = health.get(cfg.name)
        last_poll = last_polls.get(cfg.name) or (h.last_poll if h else None)
        nxt = next_polls.get(cfg.name)
        if nxt is None and last_poll is not None:
            nxt = last_poll + timedelta(seconds=cfg.interval)
        yield SourceView(
            name=cfg.name,
            interval=cfg.interval,
            last_poll=last_poll,
            last_complete=store.last_complete(cfg.name),
            next_poll=nxt,
            down_since=h.down_since if h else None,
            failures=h.failures if h else 0,
            last_error=h.last_error if h else None,
            first_poll=first_polls.get(cfg.name),
        )


# ---------------------------------------------------------------------- rendering


def stale_sources(view: ScreenData, now: datetime) -> list[SourceView]:
    """Sources whose last complete poll is missing or older than three intervals."""
    return [
        s
        for s in view.sources
        if s.last_complete is None
        or now - s.last_complete > timedelta(seconds=STALE_INTERVALS * s.interval)
    ]


def render_screen(
    view: ScreenData, now: datetime, width: int, height: int, tz_mode: TzMode = "utc"
) -> RenderableType:
    """The whole screen, cut to ``height`` lines: header, banner, in force, recent changes."""
    width = max(40, width)
    height = max(10, height)
    header = render_header(view, now, width)
    banner = render_banner(view, now, width)
    used = len(header) + len(banner) + 2 + 2  # two section titles, two table headers
    n_ann = len(view.announced)
    ann_rows = min(n_ann, max(1, (height - used) // 4)) if n_ann else 0
    used += ann_rows + 2 if n_ann else 0  # its title and table header
    room = max(2, height - used)
    n_force = view.in_force_total
    force_rows = min(n_force, max(room // 2, room - len(view.events)))
    if force_rows < n_force:
        force_rows = max(1, force_rows - 1)  # keep a line for "... and N more"
    force_rows = min(force_rows, len(view.restrictions))  # the rest were only counted
    force_room = force_rows + (1 if force_rows < n_force else 0)
    event_rows = max(0, room - max(force_room, 1))
    parts: list[RenderableType] = [*header, *banner]
    parts.append(_section(f"In force now{_where(view.locations)}", n_force, width))
    parts.append(render_in_force(view.restrictions[:force_rows], now, width, tz_mode))
    if force_rows < n_force:
        parts.append(Text(f"  ... and {n_force - force_rows} more", style="dim"))
    if n_ann:
        shown = _announced_in_force(view.announced, now)[:ann_rows]
        parts.append(_section("ANNOUNCED by the authority, not NOTAMs", n_ann, width))
        parts.append(render_announced(shown, now, width, tz_mode))
    parts.append(_section("Recent changes", view.total_events, width, noun="events in the log"))
    parts.append(render_events(view.events[:event_rows], now, width, tz_mode))
    return Group(*parts)


def render_header(view: ScreenData, now: datetime, width: int) -> list[Text]:
    """The title line and one line per source (ok / failing since / stale)."""
    title = Text("notam-log watch", style="bold")
    title.append("  ")
    title.append(fmt_time(now), style="bold")
    title.append("  q quits", style="dim")
    title.append("  ")
    title.append(clean(view.db, one_line=True), style="dim")
    title.truncate(width, overflow="ellipsis")
    lines = [title]
    if view.note:
        lines.append(Text(clean(view.note, one_line=True, limit=width), style="yellow"))
    stale = {s.name for s in stale_sources(view, now)}
    for s in view.sources:
        line = Text("  ")
        line.append(clean(s.name, one_line=True), style="bold")
        line.append("  ")
        if s.down_since is not None:
            line.append(f"failing since {_short(s.down_since, now)} ({s.failures}x)", style="red")
        elif s.last_complete is None:
            line.append(f"no complete poll yet{_since(s, now)}", style="yellow")
        elif s.name in stale:
            line.append("stale", style="yellow")
        else:
            line.append("ok", style="green")
        line.append(f"  last poll {_short(s.last_poll, now)}")
        line.append(f"  next {_short(s.next_poll, now)}")
        if s.down_since is not None and s.last_error:
            line.append("  ")
            line.append(clean(s.last_error, one_line=True), style="red")
        line.truncate(width, overflow="ellipsis")
        lines.append(line)
    if not view.sources:
        lines.append(Text("  no source configured", style="yellow"))
    return lines


def render_banner(view: ScreenData, now: datetime, width: int = 80) -> list[Text]:
    """A warning when a source has no recent complete poll, so that an empty list is
    never mistaken for "nothing is closed"."""
    out = []
    for msg in staleness(view.sources, now):
        line = Text(f" {msg}: the lists may be out of date ", style="bold reverse yellow")
        line.truncate(width, overflow="ellipsis")
        out.append(line)
    return out


def staleness(sources: Sequence[SourceView], now: datetime) -> list[str]:
    """One phrase per stale source: ``nats-uk: no complete poll yet (polling since
    14:32Z)``, ``nats-uk: last complete poll 16:44Z (over 3 intervals ago)``."""
    out = []
    for s in sources:
        name = clean(s.name, one_line=True)
        if s.last_complete is None:
            out.append(f"{name}: no complete poll yet{_since(s, now)}")
        elif now - s.last_complete > timedelta(seconds=STALE_INTERVALS * s.interval):
            out.append(
                f"{name}: last complete poll {_short(s.last_complete, now)}"
                f" (over {STALE_INTERVALS} intervals ago)"
            )
    return out


def _since(s: SourceView, now: datetime) -> str:
    first = s.first_poll or s.last_poll
    return f" (polling since {_short(first, now)})" if first else " (not polled yet)"


def render_in_force(
    rows: Sequence[RestrictionRow], now: datetime, width: int, tz_mode: TzMode = "utc"
) -> Table:
    """The restrictions in force, one line each."""
    wide = width >= 110
    table = _table(width)
    cap = None if wide else 12  # narrow screens: times give way so that ids stay whole
    table.add_column("where", no_wrap=True, ratio=2 if wide else None, min_width=4, max_width=cap)
    table.add_column("what", no_wrap=True, max_width=cap)
    table.add_column("since", no_wrap=True, max_width=cap)
    table.add_column("for", no_wrap=True, max_width=cap and 10)
    table.add_column("until", no_wrap=True, max_width=cap)
    table.add_column("NOTAM", no_wrap=True, min_width=_widest(r.id or r.key for r in rows))
    table.add_column("text", no_wrap=True, ratio=4 if wide else 2)
    for r in rows:
        tz = timezone_of(r.location) if tz_mode == "local" else None
        where = Text(clean(r.location, one_line=True), style="bold")
        if r.name:
            where.append(" " + clean(_short_name(r.name), one_line=True))
        start = r.since_effective or r.since_by
        if r.permanent:
            until = "PERM"
        elif r.end is None:
            until = "-"
        else:
            until = _short(r.end, now, tz) + (" EST" if r.end_estimated else "")
        table.add_row(
            where,
            Text(CATEGORY_LABEL.get(r.category, r.category), style=_cat_style(r.category)),
            Text(_short(start, now, tz)),
            Text(duration(now - start)),
            Text(until, style="yellow" if r.end_estimated else ""),
            Text(clean(r.id or r.key, one_line=True)),
            Text(clean(_first_line(r.text), one_line=True, limit=300)),
        )
    if not rows:
        table.add_row(Text("none", style="dim"), *[Text("")] * 6)
    return table


def _announced_in_force(
    items: Sequence[tuple[Announced, Verdict]], now: datetime
) -> list[tuple[Announced, Verdict]]:
    """Those in force at ``now`` first, then the latest."""
    return sorted(
        items,
        key=lambda av: (av[0].end is not None and av[0].end <= now, -av[0].start.timestamp()),
    )


def render_announced(
    items: Sequence[tuple[Announced, Verdict]],
    now: datetime,
    width: int,
    tz_mode: TzMode = "utc",
) -> Table:
    """Announced restrictions, one line each, marked ANNOUNCED: where, in force or
    lifted, since when and for how long, and what the NOTAMs say of it (the verdict)."""
    wide = width >= 110
    table = _table(width)
    table.add_column("where", no_wrap=True, max_width=24 if wide else 14, min_width=4)
    table.add_column("what", no_wrap=True)
    table.add_column("since", no_wrap=True, max_width=None if wide else 12)
    table.add_column("for", no_wrap=True, max_width=None if wide else 8)
    table.add_column("NOTAMs say", no_wrap=True, ratio=2 if wide else 1)
    if wide:  # narrow screens: the verdict before the posts
        table.add_column("posts", no_wrap=True, ratio=1)
    for a, v in items:
        tz = timezone_of(a.location) if tz_mode == "local" and a.resolved else None
        where = Text(clean(a.location, one_line=True, limit=24), style="bold")
        if a.name:
            where.append(" " + clean(a.name, one_line=True, limit=40))
        if a.end is None or a.end > now:  # in force now
            what = Text("ANNOUNCED", style="bold magenta")
            took = duration(now - a.start)
        else:
            took = duration(a.lasted(now))
            how = "retracted" if a.end_reason == "retracted" else "lifted"
            what = Text(f"{how} {_short(a.end, now, tz)}", style="magenta")
        keys = [*a.keys, *([a.end_key] if a.end_key else [])]
        said = Text(clean(v.text if wide else v.short, one_line=True))
        said.stylize(VERDICT_STYLE.get(v.kind, ""))
        cells = [where, what, Text(_short(a.start, now, tz)), Text(took), said]
        if wide:
            cells.append(Text(clean(", ".join(keys), one_line=True), style="dim"))
        table.add_row(*cells)
    return table


def render_events(
    events: Sequence[Event], now: datetime, width: int, tz_mode: TzMode = "utc"
) -> Table:
    """The newest events, one line each, coloured by kind, with bounded times."""
    wide = width >= 110
    table = _table(width)
    table.add_column("change", no_wrap=True, min_width=7)
    table.add_column("where", no_wrap=True, max_width=24 if wide else 14, min_width=4)
    table.add_column("what", no_wrap=True, max_width=None if wide else 10)
    table.add_column("NOTAM", no_wrap=True, min_width=_widest(e.id or e.key or "" for e in events))
    table.add_column("when", no_wrap=True, max_width=None if wide else 34)
    table.add_column("detail", no_wrap=True, ratio=1)
    for e in events:
        style = KIND_STYLE.get(e.kind, "")
        tz = timezone_of(e.locations[0]) if tz_mode == "local" and e.locations else None
        when = (
            bounds(e.after, e.observed_at, tz)
            if wide
            else _short_bounds(e.after, e.observed_at, now, tz)
        )
        table.add_row(
            Text(KIND_LABEL.get(e.kind, e.kind), style=style),
            Text(clean(",".join(e.locations) or e.source, one_line=True)),
            Text(CATEGORY_LABEL.get(e.category or "", e.category or "")),
            Text(clean(e.id or e.key or "", one_line=True)),
            Text(when, style=style),
            Text(_event_detail(e, tz if wide else None, now if not wide else None), style="dim"),
        )
    if not events:
        table.add_row(Text("none yet", style="dim"), *[Text("")] * 5)
    return table


def _short_bounds(after: datetime | None, by: datetime, now: datetime, tz: str | None) -> str:
    """``between 16:00Z and 17:00Z`` (dates only when not today), for narrow screens."""
    if after is None:
        return f"by {_short(by, now, tz)}"
    second = fmt_time(by, tz, date=False) if after.date() == by.date() else _short(by, now, tz)
    return f"between {_short(after, now, tz)} and {second}"


def _event_detail(e: Event, tz: str | None, now: datetime | None = None) -> str:
    """What changed, replaced by whom, why a source is down; with ``now`` (narrow
    screens) the effective time is left out."""
    parts = []
    if e.kind == "amended" and e.detail.get("changed"):
        parts.append("changed " + ", ".join(str(x) for x in e.detail["changed"]))
    if e.kind in ("replaced", "cancelled") and e.detail.get("by"):
        parts.append(f"by {e.detail['by']}")
    if e.kind == "source_down" and e.detail.get("error"):
        parts.append(str(e.detail["error"]))
    if e.kind.startswith("announced_"):
        parts.append(f"Rosaviatsia: {e.detail.get('name', '?')}")
    if e.effective_at is not None and now is None:
        parts.append(f"effective {fmt_time(e.effective_at, tz)}")
    if e.detail.get("baseline"):
        parts.append("already in force when watching began")
    return clean("; ".join(parts), one_line=True, limit=300)


def _widest(ids: Iterable[str], cap: int = 24) -> int:
    """The width a NOTAM column needs to show every id whole (ids are what users copy)."""
    return min(cap, max((len(clean(i, one_line=True)) for i in ids), default=5))


def _table(width: int) -> Table:
    return Table(
        box=None,
        expand=True,
        width=width,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        header_style="bold dim",
    )


def _section(title: str, count: int, width: int, noun: str = "") -> Text:
    text = Text(f"{title} ", style="bold underline")
    text.append(f"({count}{' ' + noun if noun else ''})", style="dim")
    text.truncate(width, overflow="ellipsis")
    return text


def _where(locations: Sequence[str]) -> str:
    if not locations:
        return ""
    shown = ", ".join(clean(x, one_line=True) for x in locations[:8])
    return f" at {shown}{' ...' if len(locations) > 8 else ''}"


def _cat_style(category: str) -> str:
    return "bold red" if category.endswith("_closed") else "red"


def _short_name(name: str) -> str:
    for suffix in (" International Airport", " Airport", " Airfield", " Aerodrome"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def _short(value: datetime | None, now: datetime, tz: str | None = None) -> str:
    """``16:00Z`` on the day of ``now``, ``Mar 21 16:00Z`` in its year, else
    ``2024-03-21 16:00Z``: a year is always shown when it is not the current one."""
    if value is None:
        return "-"
    clock = fmt_time(value, tz, date=False)
    if value.date() == now.date():
        return clock
    if value.year != now.year:
        return value.strftime("%Y-%m-%d ") + clock
    return value.strftime("%b %d ") + clock


# ---------------------------------------------------------------------- loops


def live_loop(
    console: Console,
    load: Callable[[], ScreenData],
    clock: Callable[[], datetime],
    stop: threading.Event,
    *,
    tz_mode: TzMode = "utc",
    refresh: float = 1.0,
    done: threading.Event | None = None,
    hold: float = 0.0,
) -> None:
    """Redraw from the store every ``refresh`` seconds until ``stop`` is set, or
    until ``done`` is set: then draw once more and keep it ``hold`` seconds."""
    with (
        quiet_console_logging(),
        Live(console=console, screen=True, auto_refresh=False, redirect_stderr=False) as live,
    ):

        def draw() -> None:
            size = console.size
            live.update(
                render_screen(load(), clock(), size.width, size.height, tz_mode), refresh=True
            )

        while True:
            draw()
            if done is not None and done.is_set():
                stop.wait(hold)
                break
            if stop.wait(refresh):
                break


def follow_events(
    load: Callable[[int | None], Sequence[Event]],
    out: IO[str],
    stop: threading.Event,
    *,
    tz_mode: TzMode = "utc",
    refresh: float = 1.0,
    backlog: int = 20,
    stale: Callable[[], Sequence[str]] | None = None,
) -> None:
    """The watcher when stdout is not a terminal: event lines as they are logged.

    ``load(after_seq)`` returns the events after ``after_seq`` (None: the newest
    ``backlog``), oldest first. ``stale()`` says which sources are stale (see
    :func:`staleness`): a ``stale:`` line is printed when that changes, so that a quiet
    stream is never mistaken for "nothing changed".
    """
    last: int | None = None
    first = True
    said: Sequence[str] = ()
    while True:
        now_stale = list(stale()) if stale is not None else []
        if now_stale != list(said):
            for msg in now_stale:
                out.write(f"stale: {msg}: these lines may be incomplete\n")
            if said and not now_stale:
                out.write("stale: no longer: every source has a recent complete poll\n")
            said = now_stale
        events = load(last)
        if first:
            events = events[-backlog:]
            first = False
        for e in events:
            tz = timezone_of(e.locations[0]) if tz_mode == "local" and e.locations else None
            out.write(event_line(e, tz) + "\n")
            last = e.seq if e.seq is not None else last
        if last is None:
            last = 0
        out.flush()
        if stop.wait(refresh):
            break


@contextlib.contextmanager
def quit_keys(stop: threading.Event, stream: IO[str] | None = None) -> Iterator[None]:
    """While inside, typing ``q`` (or ``Q``) on the terminal sets ``stop``: the terminal
    reads keys one by one without echo (cbreak mode) and is restored on the way out.
    Nothing happens when the input is not a terminal."""
    import os
    import select
    import sys

    stream = stream if stream is not None else sys.stdin
    try:
        fd = stream.fileno()
        interactive = os.isatty(fd)
    except (AttributeError, ValueError, OSError):
        interactive = False
    if not interactive:
        yield
        return
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    done = threading.Event()

    def read() -> None:
        while not done.is_set() and not stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            key = os.read(fd, 1)
            if not key:
                return  # the input was closed: keys can no longer quit, signals still do
            if key in (b"q", b"Q"):
                stop.set()

    reader = threading.Thread(target=read, name="notam-keys", daemon=True)
    reader.start()
    try:
        yield
    finally:
        done.set()
        reader.join(1.0)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


@contextlib.contextmanager
def quiet_console_logging() -> Iterator[None]:
    """Silence stream log handlers while a full-screen display owns the terminal."""
    root = logging.getLogger()
    saved = [(h, h.level) for h in root.handlers if isinstance(h, logging.StreamHandler)]
    for h, _level in saved:
        h.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for h, level in saved:
            h.setLevel(level)


def watch_database(
    config: Config,
    db_path: str,
    *,
    out: IO[str],
    screen: bool,
    on_note: Callable[[str], None],
    local: bool = False,
    poll: bool = True,
) -> None:
    """``notam-log watch``: poll (unless another process holds the database's poller
    lock, or ``poll`` is False) and display until SIGINT/SIGTERM: the full screen with
    ``screen``, else the new events as lines on ``out``. ``on_note`` hears why this
    process only displays."""
    tz_mode: TzMode = "local" if local else "utc"
    stop = threading.Event()
    with contextlib.ExitStack() as stack:
        sched: NotamScheduler | None = None
        note: str | None = None
        if not poll:
            note = "display only (--no-poll)"
        else:
            try:
                runtime = stack.enter_context(open_runtime(config, db_path, lock=True))
            except PollerBusy as busy:
                note = str(busy).replace("; not polling", "; display only")
                on_note(note)
            else:
                sched = NotamScheduler(runtime)
                stack.callback(sched.stop)  # before the store closes: jobs finish first
        view = stack.enter_context(Store(db_path, create=True))
        stack.enter_context(stop_on_signals(stop))
        stack.enter_context(quit_keys(stop))
        if sched is not None:
            sched.start()
        watched = config.locations
        if screen:
            running = sched

            def load() -> ScreenData:
                nxt = running.next_polls() if running is not None else None
                return load_screen(view, config, next_polls=nxt, note=note, now=clock.now())

            live_loop(Console(), load, clock.now, stop, tz_mode=tz_mode)
        else:

            def new_events(after: int | None) -> list[Event]:
                limit = 20 if after is None else 1000
                return screen_events(view, watched, after_seq=after, limit=limit)[::-1]

            def stale() -> list[str]:
                sources = tuple(_source_views(view, config, {}))
                return staleness(sources, clock.now())

            follow_events(new_events, out, stop, tz_mode=tz_mode, stale=stale)
