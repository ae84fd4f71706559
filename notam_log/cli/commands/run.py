"""run: the daemon (poll on intervals, tick, digest)."""

from __future__ import annotations

from notam_log.cli import output
from notam_log.cli.base import State, command
from notam_log.core.errors import PollerBusy


@command("run")
def run_cmd(state: State) -> None:
    """Poll the enabled sources on their intervals, tick and digest, until SIGINT/SIGTERM.

    One line per poll per source on stdout. Only one process polls a database:
    a second one exits 0 after saying which process holds <db>.lock.
    """
    from notam_log.shell.daemon import run_daemon

    try:
        run_daemon(state.config, state.db_path(), output.line)
    except PollerBusy as exc:  # not an error: the other process polls
        output.line(str(exc), err=True)
