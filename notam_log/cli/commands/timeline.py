"""timeline: a place's restriction episodes (or those around a place, with --near), its
announced restrictions, and whether the log covers it."""

from __future__ import annotations

from datetime import datetime, timedelta

import click

from notam_log.cli import output, places
from notam_log.cli.base import State, command, exit_for, one_format, time_option
from notam_log.core.known import LocationCoverage
from notam_log.core.places import Airport
from notam_log.shell import clock
from notam_log.shell.announced import judged
from notam_log.shell.coverage import covers


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
@click.option("--until", help="The end of the period (default: now; 36h, yesterday, ISO 8601).")
@places.near_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object per place (with coverage).")
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
    """A place's restriction episodes with bounded start, end and duration, its announced
    restrictions, and which times the log covers (exit 3 when nothing covers it).

    LOCATION is a code or a name (EGLL, LHR, Heathrow, Ижевск) or a comma list; with
    --near PLACE instead, the episodes of the airports within --radius of PLACE and those
    caused by NOTAMs whose Q-line circle comes that near (coverage: of PLACE's airport).
    """
    one_format(as_json, as_csv)
    if not location and near is None:
        raise click.UsageError("Missing argument 'LOCATION' (or give --near PLACE)")
    if location and near is not None:
        raise click.UsageError("LOCATION and --near exclude each other (give one)")
    now = clock.now()
    end = time_option(until, "--until") or now
    start = end - timedelta(days=days)
    answers: list[LocationCoverage] = []
    with state.store() as store:
        area = places.area(store, near, radius)
        if area is not None and near is not None:
            eps = [e for e in store.episodes(since=start, until=end) if area.holds_episode(e)]
            (cover,) = covers(store, state.config, [near.icao], *_drawn(start, end), now)
            answers.append(cover)
            output.timeline(
                area.label(), eps, start, end, now=now, cover=cover,
                as_json=as_json, as_csv=as_csv,
            )  # fmt: skip
        for code in location:
            eps = store.episodes(location=code, since=start, until=end)
            (cover,) = covers(store, state.config, [code], *_drawn(start, end), now)
            announced = judged(store, state.config, now, locations=[code], since=start, until=end)
            answers.append(cover)
            output.timeline(
                code, eps, start, end, now=now, cover=cover, announced=announced,
                as_json=as_json, as_csv=as_csv,
            )  # fmt: skip
    exit_for(answers, warn=not (as_json or as_csv))


def _drawn(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """The whole days the bars draw, so that no cell is unknown for want of asking."""
    first = start.replace(hour=0, minute=0, second=0, microsecond=0)
    last = end.replace(hour=0, minute=0, second=0, microsecond=0)
    return first, (last + timedelta(days=1) if end > last else end)
