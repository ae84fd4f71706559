"""watch: the live screen (or event lines when not on a terminal)."""

from __future__ import annotations

import sys

import click

from notam_log.cli import output
from notam_log.cli.base import State, command


@command("watch")
@click.option("--local", is_flag=True, help="Times in each airport's local time (default UTC).")
@click.option("--no-poll", is_flag=True, help="Only display; never poll (another process does).")
def watch_cmd(state: State, local: bool, no_poll: bool) -> None:
    """Full-screen view of the restrictions in force and the newest changes, refreshed
    every second; polls too, unless another process already polls the database.

    When stdout is not a terminal, prints the new events as lines instead.
    """
    from notam_log.shell.watch import watch_database

    watch_database(
        state.config,
        state.db_path(),
        out=sys.stdout,
        screen=sys.stdout.isatty(),
        on_note=lambda note: output.line(note, err=True),
        local=local,
        poll=not no_poll,
    )
