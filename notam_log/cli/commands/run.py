"""run: the daemon (poll on intervals, tick, digest)."""

from __future__ import annotations

import sys

from notam_log.cli.base import (
    State,
    command,
)


@command("run")
def run_cmd(state: State) -> None:
    """Poll the enabled sources on their intervals, tick and digest, until SIGINT/SIGTERM.

    One line per poll per source on stdout. Only one process polls a database:
    a second one exits 0 after saying which process holds <db>.lock.
    """
    from notam_log.shell.daemon import run_daemon

    sys.exit(run_daemon(state.config, state.db_path(), sys.stdout))
