"""search: full-text search over NOTAMs."""

from __future__ import annotations

import re

import click

from notam_log.cli import output
from notam_log.cli.base import MAX_LIMIT, State, command, exit_for


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
    """Full-text search over NOTAM ids, locations and texts. Words are literal (A1918/25,
    EGLL-closed, "RWY 09L"); AND, OR, NOT, NEAR(), quotes, prefix* and column: are FTS5
    operators. A location in the query that the log never covered is said (exit 3)."""
    from notam_log.shell import clock
    from notam_log.shell.airports import name_of
    from notam_log.shell.coverage import covers

    now = clock.now()
    places = sorted({w for w in re.findall(r"\b[A-Za-z]{4}\b", text) if name_of(w)})
    places = [p.upper() for p in places]
    with state.store() as store:
        rows = store.search(text, limit=limit)
        first = min(store.first_polls().values(), default=now)
        answers = covers(store, state.config, list(places), first, now, now) if places else []
    output.notam_rows(rows, as_json=as_json)
    if as_json:
        output.coverage_json(answers)
    exit_for(answers, warn=not as_json)
