"""history: a NOTAM's versions, events and NOTAMR/NOTAMC chain."""

from __future__ import annotations

import click

from notam_log.cli import output
from notam_log.cli.base import State, command
from notam_log.core.errors import NotamLogError


@command("history")
@click.argument("ident")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def history_cmd(state: State, ident: str, as_json: bool) -> None:
    """Every version and event of a NOTAM (KEY or ID) and its NOTAMR/NOTAMC chain."""
    from notam_log.shell.store.queries import history

    with state.store() as store:
        found = history(store, ident.upper())
    if not found:
        raise NotamLogError(f"{ident}: no such NOTAM in {state.db_path()}")
    output.history(found, as_json=as_json)
