"""Console output for the CLI: Rich tables on a terminal, JSON lines and CSV for tools.

Feed text is always passed to Rich as ``Text`` (never as markup) after
:func:`notam_log.core.display.clean`, so nothing from a feed can style or control the terminal.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from notam_log.core.display import bounds, clean, duration_range, event_line, fmt_time
from notam_log.core.jsontext import dumps
from notam_log.core.known import LocationCoverage
from notam_log.core.models import Episode, Event, Notam, NotamRow, iso, parse_iso
from notam_log.core.timeline import episode_duration
from notam_log.core.validity import notam_json

if TYPE_CHECKING:
    from notam_log.core.announced import Announced, Verdict
    from notam_log.core.config import SourceConfig
    from notam_log.shell.poll import PollSummary
    from notam_log.shell.store.queries import ActiveRow, History, SourceRow


class _Console(Console):
    """A Rich console that leaves a closed pipe to the CLI's entry point.

    Rich's own reaction to a broken pipe is ``SystemExit(1)``; raising the
    ``BrokenPipeError`` instead lets ``notam_log.cli`` end every kind of output
    (Rich, JSON lines, CSV) the same quiet way.
    """

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError(errno.EPIPE, "the reader of the output has gone")


#: Piped output is given room (160 columns) so that tables stay readable in files.
_PIPE_WIDTH = None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160
console = _Console(highlight=False, soft_wrap=True, width=_PIPE_WIDTH)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def flush() -> None:
    """Standard output written before an exit with a status of its own."""
    console.file.flush()
    sys.stdout.flush()


def error(message: str) -> None:
    err_console.print(f"[bold red]Error:[/] {escape(clean(message, one_line=True))}")


def warn(message: str) -> None:
    err_console.print(f"[yellow]Warning:[/] {escape(clean(message, one_line=True))}")


def say(message: str) -> None:
    console.print(Text(message))


def line(text: str, *, err: bool = False) -> None:
    """One line as it is (no Rich), flushed at once: a daemon's log lines."""
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def json_lines(objects: Iterable[dict[str, Any]]) -> None:
    out = sys.stdout
    for obj in objects:
        out.write(dumps(obj, sort_keys=False) + "\n")  # C1 controls escaped too
    out.flush()


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])


@contextlib.contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on a terminal; nothing otherwise."""
    if not err_console.is_terminal or total < 2:
        yield lambda _name: None
        return
    from rich.progress import Progress

    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda _name: bar.advance(task)


def count(n: int, word: str, words: str | None = None) -> str:
    """``1 NOTAM``, ``2 NOTAMs``, ``1 restriction episode``: a count with its noun."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def notam_table(notams: Sequence[Notam]) -> None:
    table = Table(title=count(len(notams), "NOTAM"), show_lines=False, expand=False)
    for col in ("key", "type", "locations", "Q-code", "category", "from", "until"):
        table.add_column(col, no_wrap=True)
    table.add_column("text", overflow="fold", ratio=3, min_width=20)
    bad = sum(1 for n in notams if n.issues)
    if bad:
        table.add_column("issues", overflow="fold", ratio=1)
    for n in notams:
        until = "PERM" if n.permanent else fmt_time(n.end) + (" EST" if n.end_estimated else "")
        cells: list[Text | str] = [
            Text(clean(n.key)),
            Text(clean(n.type or "?")),
            Text(clean(" ".join(n.locations))),
            Text(clean(n.qcode or "")),
            Text(n.category, style="bold red" if n.restriction else ""),
            fmt_time(n.start),
            until,
            Text(clean(n.text, one_line=True, limit=90)),
        ]
        if bad:
            cells.append(Text(clean("; ".join(n.issues), one_line=True), style="yellow"))
        table.add_row(*cells)
    console.print(table)
    if bad:
        warn(f"{bad} of {count(len(notams), 'NOTAM')} could not be read completely (see issues)")


def _with_state(r: NotamRow | ActiveRow) -> dict[str, Any]:
    """A NOTAM's fields plus what the log knows of it."""
    return {
        **notam_json(r.notam),
        "status": r.status,
        "first_seen": iso(r.first_seen),
        "last_seen": iso(r.last_seen),
    }


def coverage_json(answers: Sequence[LocationCoverage]) -> None:
    """With --json, after the records: one ``{"coverage": {...}}`` line per location
    asked about (``location`` null: any source), so that an empty answer is never
    silent and ``| head -1`` still gives the first record."""
    json_lines({"coverage": a.to_json()} for a in answers)


def coverage_cells(locations: Sequence[str], answers: Sequence[LocationCoverage]) -> list[Any]:
    """The ``coverage`` and ``last_complete`` CSV fields of a row at ``locations``."""
    match = next((a for a in answers if a.location in locations), None) or (
        answers[0] if answers else None
    )
    if match is None:
        return [None, None]
    return [match.state, match.last_complete and iso(match.last_complete)]


def notam_rows(rows: Sequence[NotamRow], *, as_json: bool) -> None:
    if as_json:
        json_lines(_with_state(r) for r in rows)
        return
    notam_table([r.notam for r in rows])


_EVENT_COLUMNS = (
    "seq",
    "kind",
    "key",
    "id",
    "locations",
    "category",
    "source",
    "observed_at",
    "after",
    "effective_at",
    "detail",
)
_STYLE = {
    "restriction_imposed": "bold red",
    "restriction_lifted": "bold green",
    "amended": "yellow",
    "source_down": "dim",
    "source_up": "dim",
    "withdrawn": "magenta",
    "cancelled": "magenta",
    "replaced": "magenta",
    "expired": "cyan",
}


def events(
    evs: Sequence[Event],
    *,
    as_json: bool,
    as_csv: bool,
    answers: Sequence[LocationCoverage] = (),
) -> None:
    if as_json:
        json_lines(e.to_json() for e in evs)
        coverage_json(answers)
    elif as_csv:
        rows: Iterable[list[Any]] = (
            [
                e.seq,
                e.kind,
                e.key,
                e.id,
                " ".join(e.locations),
                e.category,
                e.source,
                iso(e.observed_at),
                e.after and iso(e.after),
                e.effective_at and iso(e.effective_at),
                json.dumps(e.detail, sort_keys=True),
                *coverage_cells(e.locations, answers),
            ]
            for e in evs
        )
        if not evs:
            rows = (
                [*[None] * 4, a.location, *[None] * 6, *coverage_cells((), [a])] for a in answers
            )
        _csv((*_EVENT_COLUMNS, "coverage", "last_complete"), rows)
    else:
        for e in evs:
            console.print(
                Text(f"{e.seq:>6}  ", style="dim")
                + Text(event_line(e), style=_STYLE.get(e.kind, ""))
            )
        if not evs:
            say("no events")


def active(
    rows: Sequence[ActiveRow],
    at: datetime,
    *,
    as_json: bool,
    as_csv: bool,
    local: bool,
    answers: Sequence[LocationCoverage] = (),
    announced: Sequence[Judged] = (),
) -> None:
    if as_json:
        json_lines(_with_state(r) for r in rows)
        json_lines({"announced": {**a.to_json(), **v.to_json()}} for a, v in announced)
        coverage_json(answers)
        return
    if as_csv:
        _active_csv(rows, answers)
        return
    from notam_log.shell.airports import timezone_of

    table = Table(title=_active_title(len(rows), at, answers))
    for col in ("location", "category", "since", "until", "NOTAM"):
        table.add_column(col, no_wrap=True)
    table.add_column("text", overflow="fold", min_width=20)
    for r in rows:
        n = r.notam
        tz = timezone_of(n.locations[0]) if local and n.locations else None
        until = "PERM" if n.permanent else fmt_time(n.end, tz) + (" EST" if n.end_estimated else "")
        table.add_row(
            Text(clean(" ".join(n.locations))),
            Text(n.category, style="bold red" if n.restriction else ""),
            fmt_time(n.start, tz),
            until,
            Text(clean(n.key)),
            Text(clean(n.text, one_line=True, limit=80)),
        )
    console.print(table)
    if announced:
        from notam_log.core.announced import line as announced_line

        console.print(Text("Announced by the authority (not NOTAMs), in force then:", style="bold"))
        for a, v in announced:
            text = f"  {a.location}  {announced_line(a, v, at)}"
            console.print(Text(clean(text, one_line=True), style="cyan"))


def _active_title(n: int, at: datetime, answers: Sequence[LocationCoverage]) -> str:
    """``3 in force at ...`` only when the log covers the question; else what is unknown."""
    unknown = [a for a in answers if a.state == "unknown"]
    if not unknown:
        return f"{n} in force at {fmt_time(at)}"
    if len(unknown) == len(answers):
        return (
            f"{n} known in force at {fmt_time(at)}: UNKNOWN, no complete poll covers it"
            f" (last: {unknown[0].last_text()})"
        )
    places = ", ".join(a.place for a in unknown)
    return f"{n} in force at {fmt_time(at)}; unknown at {places} (not covered)"


def _active_csv(rows: Sequence[ActiveRow], answers: Sequence[LocationCoverage]) -> None:
    header = (
        "key",
        "id",
        "locations",
        "category",
        "restriction",
        "start",
        "end",
        "estimated",
        "text",
        "coverage",
        "last_complete",
    )
    lines: list[list[Any]] = [
        [
            r.notam.key,
            r.notam.id,
            " ".join(r.notam.locations),
            r.notam.category,
            int(r.notam.restriction),
            r.notam.start and iso(r.notam.start),
            r.notam.end and iso(r.notam.end),
            int(r.notam.end_estimated),
            clean(r.notam.text, one_line=True),
            *coverage_cells(r.notam.locations, answers),
        ]
        for r in rows
    ]
    shown = {loc for r in rows for loc in r.notam.locations}
    for a in answers:  # a place asked about with nothing in force: its coverage, never silence
        if not rows or (a.location is not None and a.location not in shown):
            lines.append([None, None, a.location, *[None] * 6, *coverage_cells((), [a])])
    _csv(header, lines)


def history(found: Sequence[History], *, as_json: bool) -> None:
    if as_json:
        json_lines(h.to_json() for h in found)
        return
    for h in found:
        console.print(Text(f"{h.key}  ({h.status})", style="bold"))
        if len(h.chain) > 1:
            console.print(Text("chain: " + " -> ".join(h.chain)))
        for v, observed, source, n in h.versions:
            console.print(
                Text(f"  version {v}, seen {fmt_time(observed)} from {source}:", style="dim")
            )
            console.print(Text("    " + clean(n.raw or n.text).replace("\n", "\n    ")))
        for e in h.events:
            console.print(Text(f"  {e.seq:>6}  " + event_line(e), style=_STYLE.get(e.kind, "")))


def place_history(
    location: str,
    eps: Sequence[Episode],
    announced: Sequence[Judged],
    *,
    now: datetime,
    cover: LocationCoverage,
    as_json: bool,
) -> None:
    """A place's whole history in the log, oldest first: its NOTAM restriction episodes
    and, marked ``ANNOUNCED``, its announced restrictions with their verdicts. With
    ``as_json``: ``{"episode": ...}`` and ``{"announced": ...}`` lines, then the coverage."""
    from notam_log.core.announced import line as announced_line
    from notam_log.shell.airports import name_of

    items: list[tuple[datetime, int, Any]] = [(ep.start_after or ep.start_by, 0, ep) for ep in eps]
    items += [(a.start, 1, (a, v)) for a, v in announced]
    items.sort(key=lambda x: (x[0], x[1]))
    if as_json:
        json_lines(
            {"episode": {"location": location, **episode_json(x, now)}}
            if kind == 0
            else {"announced": {**x[0].to_json(), **x[1].to_json()}}
            for _t, kind, x in items
        )
        coverage_json([cover])
        return
    title = f"{location} {name_of(location) or ''}".strip()
    console.print(
        Text(
            f"{title}: {count(len(eps), 'NOTAM restriction episode')},"
            f" {count(len(announced), 'announced restriction')} in the log",
            style="bold",
        )
    )
    for _t, kind, x in items:
        if kind == 0:
            console.print(Text("  NOTAM", style="bold red"))
            _episode_lines(x, now, "  ")
        else:
            a, v = x
            style = "bold cyan" if v.kind != "no_coverage" else "cyan"
            head = Text("  ANNOUNCED (not a NOTAM)", style="bold magenta")
            if a.name:
                head.append(f"  as written: {clean(a.name, one_line=True, limit=80)}", style="dim")
            console.print(head)
            console.print(
                Text("    " + clean(announced_line(a, v, now), one_line=True), style=style)
            )
    if not items:
        console.print(Text("  nothing recorded at this place", style="dim"))


def episode_json(ep: Episode, now: datetime) -> dict[str, Any]:
    out = ep.to_json()
    low, high = episode_duration(ep, now)
    out["duration_min_s"] = int(low.total_seconds())
    out["duration_max_s"] = int(high.total_seconds())
    return out


Judged = tuple["Announced", "Verdict"]


def timeline(
    location: str,
    eps: Sequence[Episode],
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    cover: LocationCoverage,
    announced: Sequence[Judged] = (),
    as_json: bool,
    as_csv: bool,
) -> None:
    """A location's episodes, its announced restrictions with their verdicts, and
    whether the log covers it, as text with bars, one JSON object, or CSV rows."""
    from notam_log.shell.airports import name_of

    name = name_of(location)
    if as_json:
        json_lines(
            [
                {
                    "location": location,
                    "name": name,
                    "since": iso(start),
                    "until": iso(end),
                    "coverage": cover.to_json(),
                    "episodes": [episode_json(ep, min(end, now)) for ep in eps],
                    "announced": [{**a.to_json(), **v.to_json()} for a, v in announced],
                }
            ]
        )
        return
    if as_csv:
        _csv(_TIMELINE_COLUMNS, _timeline_rows(location, eps, cover, announced))
        return
    _timeline_text(location, name, eps, start, end, now, cover, announced)


_TIMELINE_COLUMNS = (
    "location",
    "coverage",
    "last_complete",
    "kind",
    "start_after",
    "start_by",
    "start_effective",
    "end_after",
    "end_by",
    "end_effective",
    "categories",
    "keys",
    "verdict",
)


def _timeline_rows(
    location: str, eps: Sequence[Episode], cover: LocationCoverage, announced: Sequence[Judged]
) -> Iterator[list[Any]]:
    """One row per episode and per announced restriction, each with the location's
    coverage; a row with the coverage alone when there is neither (never silence)."""
    head = [location, cover.state, cover.last_complete and iso(cover.last_complete)]
    for ep in eps:
        yield [
            *head,
            "notam",
            ep.start_after and iso(ep.start_after),
            iso(ep.start_by),
            ep.start_effective and iso(ep.start_effective),
            ep.end_after and iso(ep.end_after),
            ep.end_by and iso(ep.end_by),
            ep.end_effective and iso(ep.end_effective),
            " > ".join(c for _w, c in ep.categories),
            " ".join(ep.keys),
            None,
        ]
    for a, v in announced:
        end = a.end and iso(a.end)
        keys = " ".join([*a.keys, *([a.end_key] if a.end_key else [])])
        yield [*head, "announced", None, iso(a.start), None, None, end, None, None, keys, v.kind]
    if not eps and not announced:
        yield [*head, *[None] * (len(_TIMELINE_COLUMNS) - len(head))]


def _timeline_text(
    location: str,
    name: str | None,
    eps: Sequence[Episode],
    start: datetime,
    end: datetime,
    now: datetime,
    cover: LocationCoverage,
    announced: Sequence[Judged],
) -> None:
    from notam_log.core import timeline as tl
    from notam_log.core.announced import line as announced_line

    title = f"{location} {name or ''}".strip()
    span = f"{fmt_time(start)} to {fmt_time(end)}"
    if cover.state == "unknown":
        head = f"{title}: unknown, {span}: no complete poll of a source covering it"
        if not cover.covering:
            head = f"{title}: unknown, {span}: no source covers it"
        head += f" (last complete poll that covered it: {cover.last_text()})"
        if eps:
            head += f"; {count(len(eps), 'restriction episode')} in the log"
        console.print(Text(head, style="bold"))
    else:
        console.print(
            Text(f"{title}: {count(len(eps), 'restriction episode')}, {span}", style="bold")
        )
        known = f"  covered by {', '.join(cover.sources)}"
        if cover.state == "partly":
            known += f"; {cover.warning()}"
        console.print(Text(clean(known, one_line=True), style="dim"))
    several = len({ep.location for ep in eps}) > 1  # --near: each line names its place
    for ep in eps:
        _episode_lines(ep, min(end, now), f"{ep.location}: " if several else "")
    for a, v in announced:
        style = "bold cyan" if v.kind != "no_coverage" else "cyan"
        console.print(Text("  " + clean(announced_line(a, v, now), one_line=True), style=style))
    console.print(Text(tl.HEADER, style="dim"))
    for row in tl.day_rows(eps, start, end, now, cover, [a for a, _v in announced]):
        line = Text(f"{row.label} |")
        for sym, tone in row.cells:
            line.append(sym, style=tl.TONE_STYLES.get(tone, ""))
        line.append("|")
        console.print(line)
    console.print(Text(tl.legend(announced=bool(announced)), style="dim"))


def _episode_lines(ep: Episode, end: datetime, where: str = "") -> None:
    lo, hi = episode_duration(ep, end)
    began = bounds(ep.start_after, ep.start_by)
    if ep.start_effective:
        began += f" (effective {fmt_time(ep.start_effective)})"
    if ep.end_by is None:
        ended = "still in force"
    else:
        ended = "ended " + bounds(ep.end_after, ep.end_by)
        if ep.end_effective:
            ended += f" (effective {fmt_time(ep.end_effective)})"
    cats = " > ".join(c for _w, c in ep.categories)
    console.print(Text(f"  {where}began {began}; {ended}; lasted {duration_range(lo, hi)}"))
    console.print(Text(f"    {cats}; NOTAMs {', '.join(ep.keys)}", style="dim"))


def poll_line(s: PollSummary) -> None:
    """``nats-uk: 863 NOTAMs, 4 events, 1.2 s`` or the error."""
    statuses = ", ".join(f"{v} {k}" for k, v in sorted(s.statuses.items()))
    line = (
        f"{s.source}: {count(s.notams, 'NOTAM')}, {count(len(s.events), 'event')},"
        f" {s.elapsed:.1f} s"
    )
    if statuses:
        line += f" ({statuses})"
    if s.skipped:
        line += f" - {clean(s.skipped, one_line=True)}"
    if s.error:
        err_console.print(Text(line + " - FAILED: " + clean(s.error, one_line=True), style="red"))
    else:
        console.print(Text(line))


def sources(
    cfgs: Sequence[SourceConfig],
    rows: Mapping[str, SourceRow],
    last_complete: dict[str, datetime | None],
    now: datetime,
    *,
    as_json: bool,
    unresolved: dict[str, list[tuple[str, int]]] | None = None,
    first_polls: dict[str, datetime] | None = None,
) -> None:
    from datetime import timedelta

    unresolved = unresolved or {}
    out: list[dict[str, Any]] = []
    for c in cfgs:
        r = rows.get(c.name)
        last_poll = r.last_poll if r else None
        due = (last_poll + timedelta(seconds=c.interval)) if last_poll else now
        out.append(
            {
                "name": c.name,
                "kind": c.kind,
                "enabled": c.enabled,
                "locations": list(c.locations),
                "interval_s": int(c.interval),
                "last_complete": _iso_or_none(last_complete.get(c.name)),
                "last_poll": iso(last_poll) if last_poll else None,
                "first_poll": _iso_or_none((first_polls or {}).get(c.name)),
                "last_error": r.last_error if r else None,
                "failures": r.failures if r else 0,
                "down_since": iso(r.down_since) if r and r.down_since else None,
                "next_due": iso(max(due, now)) if c.enabled else None,
            }
        )
        if c.name in unresolved:  # announcements whose airport names found no code
            out[-1]["unresolved_names"] = [
                {"name": name, "posts": n} for name, n in unresolved[c.name]
            ]
    if as_json:
        json_lines(out)
        return
    table = Table(title="sources")
    for col in (
        "name",
        "kind",
        "state",
        "last complete poll",
        "failures",
        "next due",
        "last error",
    ):
        table.add_column(col, overflow="fold")
    for o in out:
        if not o["enabled"]:
            st = "disabled"
        elif o["down_since"]:
            st = f"failing since {o['down_since']}"
            if not o["last_complete"]:
                st += "; no complete poll yet"
        elif not o["last_poll"] and not o["last_complete"]:
            st = "never polled"
        elif not o["last_complete"]:
            st = f"no complete poll yet (polling since {o['first_poll'] or o['last_poll']})"
        elif now - _parse(o["last_complete"]) > timedelta(seconds=3 * o["interval_s"]):
            st = "stale"
        else:
            st = "ok"
        table.add_row(
            o["name"],
            o["kind"],
            Text(st, style="red" if st.startswith(("failing", "no complete")) else ""),
            o["last_complete"] or "never",
            str(o["failures"]),
            o["next_due"] or "-",
            Text(clean(o["last_error"] or "", one_line=True, limit=80)),
        )
    console.print(table)
    for o in out:
        names = o.get("unresolved_names")
        if names:
            listed = ", ".join(f"{n['name']!r} ({count(n['posts'], 'post')})" for n in names[:10])
            more = f" and {len(names) - 10} more" if len(names) > 10 else ""
            warn(f"{o['name']}: airport names not resolved to an ICAO code: {listed}{more}")


def _parse(value: str) -> datetime:
    parsed = parse_iso(value)
    assert parsed is not None
    return parsed


def _iso_or_none(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None
