"""poll: poll the enabled sources once."""

from __future__ import annotations

import os
import sys

import click

from notam_log.cli import output
from notam_log.cli.base import (
    State,
    command,
    rules,
)
from notam_log.core.errors import NotamLogError
from notam_log.shell import clock


@command("poll")
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
def poll_cmd(state: State, names: tuple[str, ...]) -> None:
    """Poll the enabled sources now (cron-friendly); exit 1 if any source failed."""
    from notam_log.shell.http import make_client
    from notam_log.shell.poll import Poller, build_sources
    from notam_log.shell.recorder import Recorder

    cfg = state.config
    sources = build_sources(cfg, os.environ, names)
    if not sources:
        raise NotamLogError(f"{cfg.path}: no enabled source to poll")
    with state.store(create=True) as store, make_client() as client:
        recorder = Recorder(store, rules=rules(cfg), restrictions=cfg.restrictions)
        summaries = Poller(recorder, client).poll(sources, clock.now())
    for s in summaries:
        output.poll_line(s)
    if any(s.failed for s in summaries):
        sys.exit(1)
