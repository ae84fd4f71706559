"""poll: poll the enabled sources once."""

from __future__ import annotations

import sys

import click

from notam_log.cli import output
from notam_log.cli.base import State, command
from notam_log.shell import clock


@command("poll")
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
def poll_cmd(state: State, names: tuple[str, ...]) -> None:
    """Poll the enabled sources now (cron-friendly); exit 1 if any source failed."""
    with state.runtime(names=names, require_sources=True) as runtime:
        summaries = runtime.poller().poll(runtime.sources, clock.now())
    for s in summaries:
        output.poll_line(s)
    if any(s.failed for s in summaries):
        sys.exit(1)
