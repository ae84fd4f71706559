"""history: a NOTAM's versions, events and NOTAMR/NOTAMC chain; or a place's history,
its NOTAM restriction episodes beside its announced restrictions with their verdicts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from notam_log.cli import output
from notam_log.cli.base import State, command, exit_for
from notam_log.core.errors import NotamLogError

if TYPE_CHECKING:
    from datetime import datetime

    from notam_log.shell.store import Store


@command("history")
@click.argument("ident")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def history_cmd(state: State, ident: str, as_json: bool) -> None:
    """Every version and event of a NOTAM (KEY or ID) and its NOTAMR/NOTAMC chain; or,
    for a place (a code or a name: USII, Ижевск), every restriction episode the log holds
    there, NOTAM and announced (each announced one with its verdict against the NOTAMs).
    Says when its places were not covered while the log followed them."""
    from notam_log.shell import clock
    from notam_log.shell.coverage import covers
    from notam_log.shell.store.queries import history

    now = clock.now()
    with state.store() as store:
        found = history(store, ident.strip().upper())
        if not found:
            code = _place(ident, state.db_path())
            _place_history(state, store, code, now, as_json)
            return
        places = sorted({loc for h in found for *_v, n in h.versions[-1:] for loc in n.locations})
        first = min((observed for h in found for _v, observed, _s, _n in h.versions), default=now)
        answers = covers(store, state.config, list(places) or [None], first, now, now)
    output.history(found, as_json=as_json)
    if as_json:
        output.coverage_json(answers)
    exit_for(answers, warn=not as_json)


def _place(ident: str, db: str) -> str:
    """The ICAO code ``ident`` names as a place (as ``--location`` reads it); one line
    saying what it is not otherwise."""
    from notam_log.cli.places import codes

    if "/" in ident or ":" in ident:  # a NOTAM id or key
        raise NotamLogError(f"{ident}: no such NOTAM in {db}")
    try:
        found = codes([ident], "IDENT")
    except click.BadParameter as exc:
        raise NotamLogError(f"{ident}: no such NOTAM in {db}, nor a place: {exc.message}") from None
    if len(found) != 1:
        raise NotamLogError(f"{ident}: name one NOTAM or one place, not {len(found)}")
    return found[0]


def _place_history(state: State, store: Store, code: str, now: datetime, as_json: bool) -> None:
    from notam_log.shell.announced import judged
    from notam_log.shell.coverage import covers

    eps = store.episodes(location=code)
    announced = judged(store, state.config, now, locations=[code])
    starts = [ep.start_after or ep.start_by for ep in eps] + [a.start for a, _v in announced]
    first = min(starts, default=min(store.first_polls().values(), default=now))
    (cover,) = covers(store, state.config, [code], min(first, now), now, now)
    output.place_history(code, eps, announced, now=now, cover=cover, as_json=as_json)
    exit_for([cover], warn=not as_json)
