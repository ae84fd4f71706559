"""serve: the database on the web, with Datasette (pip install 'notam-log[web]')."""

from __future__ import annotations

from pathlib import Path

import click

from notam_log.cli import output
from notam_log.cli.base import State, command


@command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=8001,
    show_default=True,
    help="The port to listen on.",
)
def serve_cmd(state: State, host: str, port: int) -> None:
    """Browse and query the log with Datasette, read-only: every table and column
    described, canned queries, NOTAM geometry on a map (needs the [web] extra)."""
    from notam_log.shell import web

    db = Path(state.db_path())
    output.say(f"serving {db} read-only on http://{host}:{port}/ (Ctrl-C stops)")
    web.serve(db, host, port)
