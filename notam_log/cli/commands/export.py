"""export: the log as an iCalendar, a GeoJSON FeatureCollection or an Atom feed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from notam_log.cli import output, places
from notam_log.cli.base import (
    MAX_LIMIT,
    State,
    category_option,
    check_kinds,
    command,
    options,
    restrictions_option,
    time_option,
    time_range,
)
from notam_log.cli.places import location_option, near_options
from notam_log.core.places import Airport
from notam_log.shell import clock


@command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["ics", "geojson", "atom"]))
@options(location_option, category_option, restrictions_option)
@near_options
@click.option("--since", help="From this time (ISO 8601 UTC); ics and atom.")
@click.option("--until", help="Before this time (ISO 8601 UTC); ics and atom.")
@click.option("--kind", "kinds", multiple=True, help="Only these event kinds (atom).")
@click.option("--at", help="The time of the NOTAMs in force (geojson; default: now).")
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_LIMIT),
    default=500,
    show_default=True,
    metavar="N",
    help="The newest N events (atom).",
)
@click.option("--out", metavar="FILE", help="Write to FILE (default: standard output).")
def export_cmd(
    state: State,
    fmt: str,
    locations: tuple[str, ...],
    categories: tuple[str, ...],
    restrictions: bool,
    near: Airport | None,
    radius: float | None,
    since: str | None,
    until: str | None,
    kinds: tuple[str, ...],
    at: str | None,
    limit: int,
    out: str | None,
) -> None:
    """Restriction episodes and planned closures as an iCalendar (ics), the NOTAMs in
    force as GeoJSON (geojson), or the events as an Atom feed (atom)."""
    from notam_log.core.export import geojson
    from notam_log.shell import exports

    check_kinds(kinds, categories)
    start, end = time_range(since, until)
    now = clock.now()
    with state.store() as store:
        f = exports.Filters(
            locations=tuple(x.upper() for x in locations),
            categories=categories,
            restrictions=restrictions,
            area=places.area(store, near, radius),
            since=start,
            until=end,
            kinds=kinds,
        )
        if fmt == "ics":
            data = exports.calendar(store, now, f)
        elif fmt == "atom":
            data = exports.feed(store, now, f, limit=limit)
        else:
            when = time_option(at, "--at") or now
            data = geojson.dumps(exports.collection_at(store, when, f)).encode()
    if out is None:
        sys.stdout.buffer.write(data)
        return
    exports.write(Path(out), data)
    output.say(f"wrote {out} ({len(data):,} bytes)")
