"""map: a self-contained page of the NOTAMs in force, on a map."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from notam_log.cli import output, places
from notam_log.cli.base import (
    State,
    category_option,
    check_kinds,
    command,
    options,
    restrictions_option,
    time_option,
)
from notam_log.cli.places import location_option, near_options
from notam_log.core.places import Airport
from notam_log.shell import clock


@command("map")
@options(location_option, category_option, restrictions_option)
@near_options
@click.option("--at", help="The NOTAMs in force at this time (default: now).")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Those in force at any time that day.")
@click.option("--out", metavar="FILE", required=True, help="The page to write (map.html).")
def map_cmd(
    state: State,
    locations: tuple[str, ...],
    categories: tuple[str, ...],
    restrictions: bool,
    near: Airport | None,
    radius: float | None,
    at: str | None,
    day: str | None,
    out: str,
) -> None:
    """Write a map page (Leaflet, inline: it works offline but for the background tiles)
    of the NOTAMs in force: circles coloured by category, aerodromes with a restriction
    ringed, each with a popup."""
    from notam_log.core.digest import day_period
    from notam_log.shell import exports

    check_kinds((), categories)
    if at and day:
        raise click.UsageError("--at and --date exclude each other (give one)")
    with state.store() as store:
        f = exports.Filters(
            locations=tuple(x.upper() for x in locations),
            categories=categories,
            restrictions=restrictions,
            area=places.area(store, near, radius),
        )
        if day:
            try:
                period = day_period(date.fromisoformat(day))
            except ValueError:
                raise click.BadParameter(f"{day!r} is not a date", param_hint="--date") from None
            written = exports.write_map(store, Path(out), f, since=period.since, until=period.until)
        else:
            when = time_option(at, "--at") or clock.now()
            written = exports.write_map(store, Path(out), f, at=when)
    output.say(f"wrote {out}: {written}")
