"""sources: each source's health."""

from __future__ import annotations

import click

from notam_log.cli import output
from notam_log.cli.base import State, command
from notam_log.shell import clock


@command("sources")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def sources_cmd(state: State, as_json: bool) -> None:
    """Each source: last complete poll, last error, failures in a row, next due time;
    the airport names of announcements that no ICAO code was found for."""
    cfg = state.config
    with state.store(create=True) as store:
        rows = {r.name: r for r in store.source_rows()}
        last_complete = {s.name: store.last_complete(s.name) for s in cfg.sources}
        unresolved = store.unresolved_names()
        first = store.first_polls()
    output.sources(
        cfg.sources,
        rows,
        last_complete,
        clock.now(),
        as_json=as_json,
        unresolved=unresolved,
        first_polls=first,
    )
