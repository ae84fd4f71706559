"""timeline: a place's restriction episodes (or those around a place, with --near)."""

from __future__ import annotations

from datetime import timedelta

import click

from notam_log.cli import output, places
from notam_log.cli.base import State, command, one_format, time_option
from notam_log.core.places import Airport
from notam_log.shell import clock


@command("timeline")
@places.location_argument
@click.option(
    "--days",
    type=click.IntRange(min=1, max=36_500),
    default=7,
    show_default=True,
    metavar="N",
    help="How many days back from --until.",
)
@click.option("--until", help="The end of the period (default: now).")
@places.near_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
def timeline_cmd(
    state: State,
    location: tuple[str, ...],
    days: int,
    until: str | None,
    near: Airport | None,
    radius: float | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """A place's restriction episodes with bounded start, end and duration.

    LOCATION is a code or a name (EGLL, LHR, Heathrow, Ижевск) or a comma list; with
    --near PLACE instead, the episodes of the airports within --radius of PLACE and those
    caused by NOTAMs whose Q-line circle comes that near.
    """
    one_format(as_json, as_csv)
    if not location and near is None:
        raise click.UsageError("Missing argument 'LOCATION' (or give --near PLACE)")
    if location and near is not None:
        raise click.UsageError("LOCATION and --near exclude each other (give one)")
    end = time_option(until, "--until") or clock.now()
    start = end - timedelta(days=days)
    with state.store() as store:
        area = places.area(store, near, radius)
        if area is not None:
            eps = [e for e in store.episodes(since=start, until=end) if area.holds_episode(e)]
            title = area.label()
        else:
            eps = [
                e
                for code in location
                for e in store.episodes(location=code, since=start, until=end)
            ]
            eps.sort(key=lambda e: (e.start_by, e.location))
            title = ", ".join(location)
    output.timeline(title, eps, start, end, as_json=as_json, as_csv=as_csv)
