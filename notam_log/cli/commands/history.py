"""history: a NOTAM's versions, events and NOTAMR/NOTAMC chain."""

from __future__ import annotations

import click

from notam_log.cli import output
from notam_log.cli.base import State, command, exit_for
from notam_log.core.errors import NotamLogError


@command("history")
@click.argument("ident")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def history_cmd(state: State, ident: str, as_json: bool) -> None:
    """Every version and event of a NOTAM (KEY or ID) and its NOTAMR/NOTAMC chain; says
    when its places were not covered while the log followed it."""
    from notam_log.shell import clock
    from notam_log.shell.coverage import covers
    from notam_log.shell.store.queries import history

    now = clock.now()
    with state.store() as store:
        found = history(store, ident.strip().upper())
        if not found:
            raise NotamLogError(f"{ident}: no such NOTAM in {state.db_path()}")
        places = sorted({loc for h in found for *_v, n in h.versions[-1:] for loc in n.locations})
        first = min((observed for h in found for _v, observed, _s, _n in h.versions), default=now)
        answers = covers(store, state.config, list(places) or [None], first, now, now)
    output.history(found, as_json=as_json)
    if as_json:
        output.coverage_json(answers)
    exit_for(answers, warn=not as_json)
