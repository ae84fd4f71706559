"""The store's reads that the digest makes on every run use an index, not a scan of the
``notams`` table: the NOTAMs whose estimated end falls in a period, and the NOTAMR/NOTAMC
that name an id (migration ``m008``; before it each scanned every NOTAM of the log).

The SQL checked is what the store itself runs (captured with a trace callback), so a
changed query is checked as it is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from notam_log.core.models import Notam, Snapshot
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store

T0 = datetime(2025, 3, 21, tzinfo=UTC)
H = timedelta(hours=1)
R = TypeVar("R")


def notam(number: int, **over: object) -> Notam:
    fields: dict[str, object] = {
        "key": f"EGGN:A{number:04d}/25",
        "id": f"A{number:04d}/25",
        "type": "N",
        "locations": ("EGLL",),
        "start": T0,
        "end": T0 + 30 * H,
        "category": "obstacle",
        "text": f"CRANE {number}",
    }
    fields.update(over)
    return Notam(**fields)  # type: ignore[arg-type]


def traced(store: Store, call: Callable[[], R]) -> tuple[R, list[str]]:
    """What ``call`` returns, and the query plan of each SELECT it ran."""
    ran: list[str] = []
    store.db.conn.set_trace_callback(ran.append)
    try:
        result = call()
    finally:
        store.db.conn.set_trace_callback(None)
    plans = [
        " / ".join(str(row[3]) for row in store.db.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        for sql in ran
        if sql.lstrip().upper().startswith("SELECT")
    ]
    assert plans, ran
    return result, plans


def test_digest_reads_by_estimated_end_and_by_ref_use_an_index(tmp_path: Path) -> None:
    notams = [notam(n) for n in range(1, 200)]
    notams.append(notam(500, end=T0 + 2 * H, end_estimated=True))  # EST, ends in the period
    notams.append(notam(501, end=T0 + 60 * H, end_estimated=True))  # EST, ends after it
    notams.append(notam(600, type="R", ref="A0500/25"))  # replaces the EST one
    with Store(tmp_path / "log.db") as store:
        Recorder(store).snapshot(Snapshot("nats-uk", "ALL", T0 + H, tuple(notams)))

        ending, plans = traced(store, lambda: store.notams_estimated_ending(T0, T0 + 24 * H))
        assert [r.notam.id for r in ending] == ["A0500/25"]
        assert all("SCAN" not in p and "notams_estimated_end" in p for p in plans), plans

        answering, plans = traced(store, lambda: store.notams_referring_to({"A0500/25"}))
        assert [r.notam.id for r in answering] == ["A0600/25"]
        assert all("SCAN" not in p and "notams_ref" in p for p in plans), plans
