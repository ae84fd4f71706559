"""events: the event log, filtered."""

from __future__ import annotations

import click

from notam_log.cli import output, places
from notam_log.cli.base import (
    MAX_LIMIT,
    State,
    check_kinds,
    command,
    exit_for,
    filters,
    one_format,
    time_range,
)
from notam_log.core.places import Airport


@command("events")
@filters
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_LIMIT),
    metavar="N",
    help="Only the newest N events (default: all), still listed oldest first.",
)
def events_cmd(
    state: State,
    locations: tuple[str, ...],
    since: str | None,
    until: str | None,
    kinds: tuple[str, ...],
    near: Airport | None,
    radius: float | None,
    categories: tuple[str, ...],
    restrictions: bool,
    as_json: bool,
    as_csv: bool,
    limit: int | None,
) -> None:
    """The event log, oldest first; says where the log does not cover the period asked
    about (exit 3 when nothing covers it)."""
    from notam_log.shell import clock
    from notam_log.shell.coverage import covers

    one_format(as_json, as_csv)
    check_kinds(kinds, categories)
    start, end = time_range(since, until)
    now = clock.now()
    codes = [x.strip().upper() for x in locations]
    with state.store() as store:
        first = min(store.first_polls().values(), default=now)
        lo = start or first
        answers = covers(store, state.config, list(codes) or [None], lo, max(lo, end or now), now)
        events = store.events(
            area=places.area(store, near, radius),
            since=start,
            until=end,
            kinds=kinds,
            categories=categories,
            locations=codes,
            restrictions=restrictions,
            limit=limit,
            newest_first=limit is not None,
        )
    if limit is not None:
        events.reverse()
    output.events(events, as_json=as_json, as_csv=as_csv, answers=answers)
    exit_for(answers, warn=not (as_json or as_csv))
