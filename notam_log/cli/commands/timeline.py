"""timeline: a location's restriction episodes."""

from __future__ import annotations

from datetime import timedelta

import click

from notam_log.cli import output
from notam_log.cli.base import State, command, one_format, time_option
from notam_log.shell import clock


@command("timeline")
@click.argument("location")
@click.option(
    "--days",
    type=click.IntRange(min=1, max=36_500),
    default=7,
    show_default=True,
    metavar="N",
    help="How many days back from --until.",
)
@click.option("--until", help="The end of the period (default: now).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
def timeline_cmd(
    state: State, location: str, days: int, until: str | None, as_json: bool, as_csv: bool
) -> None:
    """A location's restriction episodes with bounded start, end and duration."""
    one_format(as_json, as_csv)
    end = time_option(until, "--until") or clock.now()
    start = end - timedelta(days=days)
    with state.store() as store:
        eps = store.episodes(location=location.upper(), since=start, until=end)
    output.timeline(location.upper(), eps, start, end, as_json=as_json, as_csv=as_csv)
