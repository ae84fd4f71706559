"""search: full-text search over NOTAMs."""

from __future__ import annotations

import click

from notam_log.cli import output
from notam_log.cli.base import MAX_LIMIT, State, command


@command("search")
@click.argument("text")
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=MAX_LIMIT),
    default=50,
    show_default=True,
    metavar="N",
    help="Show at most N matching NOTAMs, best matches first.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def search_cmd(state: State, text: str, limit: int, as_json: bool) -> None:
    """Full-text search over NOTAM ids, locations and texts."""
    with state.store() as store:
        rows = store.search(text, limit=limit)
    output.notam_rows(rows, as_json=as_json)
