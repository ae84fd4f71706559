"""run: the daemon (poll on intervals, tick, digest)."""

from __future__ import annotations

import sys

from notam_log.cli import output
from notam_log.cli.base import State, command
from notam_log.core.errors import PollerBusy


@command("run")
def run_cmd(state: State) -> None:
    """Poll the enabled sources on their intervals, tick and digest, until SIGINT/SIGTERM.

    One line per poll per source on stdout. Only one process polls a database:
    a second one says which process holds <db>.lock and exits 4.
    """
    from notam_log.shell.daemon import run_daemon

    try:
        run_daemon(state.config, state.db_path(), output.line)
    except PollerBusy as exc:  # refused: the other process polls; said, and not a success
        output.line(str(exc), err=True)
        sys.exit(exc.exit_code)
