"""active: the NOTAMs or restrictions in force at a time, and whether the log knows."""

from __future__ import annotations

import click

from notam_log.cli import output, places
from notam_log.cli.base import (
    State,
    category_option,
    check_kinds,
    command,
    csv_option,
    exit_for,
    json_option,
    one_format,
    options,
    restrictions_option,
    time_option,
)
from notam_log.cli.places import location_option, near_options
from notam_log.core.places import Airport
from notam_log.shell import clock


@command("active")
@options(location_option, near_options, category_option, restrictions_option)
@options(json_option, csv_option)
@click.option("--at", help="The time (default: now; ISO 8601, 36h, yesterday...).")
@click.option("--feed", is_flag=True, help="What the feed listed at that time instead.")
@click.option("--local", is_flag=True, help="Times in the airport's local time.")
def active_cmd(
    state: State,
    locations: tuple[str, ...],
    near: Airport | None,
    radius: float | None,
    categories: tuple[str, ...],
    restrictions: bool,
    as_json: bool,
    as_csv: bool,
    at: str | None,
    feed: bool,
    local: bool,
) -> None:
    """The NOTAMs (or with --restrictions the restrictions) in force at a time, with the
    restrictions announced then; says where the log does not cover that time (exit 3
    when nothing covers it)."""
    from notam_log.shell import announced as an
    from notam_log.shell.coverage import covers
    from notam_log.shell.store.queries import active

    one_format(as_json, as_csv)
    check_kinds((), categories)
    now = clock.now()
    when = time_option(at, "--at") or now
    codes = [x.strip().upper() for x in locations]
    asked: list[str | None] = list(codes) or ([near.icao] if near is not None else [None])
    with state.store() as store:
        rows = active(
            store,
            when,
            feed=feed,
            restrictions=restrictions,
            locations=codes,
            categories=categories,
            area=places.area(store, near, radius),
        )
        answers = covers(store, state.config, asked, when, when, now)
        judged = an.judged(store, state.config, now, locations=[c for c in asked if c], since=when)
        announced = an.in_force(judged, when)
    output.active(
        rows, when, as_json=as_json, as_csv=as_csv, local=local, answers=answers,
        announced=announced,
    )  # fmt: skip
    exit_for(answers, warn=not (as_json or as_csv))
