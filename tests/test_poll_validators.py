"""The NATS bulletin's validators (ETag, Last-Modified) stand only for a bulletin the log
holds as complete: a bulletin fetched but not recorded (database locked), older than the
log's last (the clock stepped back) or suspect is fetched whole at the next poll, never
answered by "304: not modified" and taken for the one before."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from notam_log.core.config import SourceConfig
from notam_log.core.errors import StoreError
from notam_log.shell.http import make_client
from notam_log.shell.poll import Poller, PollSummary
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store
from notam_log.sources import build_source
from notam_log.testing.server import NotamTestServer, _gunzip, load_pib_folder

PIBS = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"
NOW = datetime(2025, 3, 20, 16, 5, tzinfo=UTC)
A, B = load_pib_folder(PIBS)[15:17]  # two bulletins an hour apart, each with changes


def _active(store: Store) -> set[str]:
    return {r.notam.key for r in store.notams(statuses=["active"])}


def _run(
    db: Path, bodies: Sequence[bytes], times: Sequence[datetime]
) -> tuple[set[str], list[PollSummary]]:
    with (
        Store(db) as store,
        NotamTestServer(pib_snapshots=list(bodies)) as server,
        make_client(timeout=5) as client,
    ):
        src = build_source(SourceConfig(kind="nats_pib", name="uk", base_url=server.base_url), {})
        poller = Poller(Recorder(store), client, run_kwargs={"sleep": lambda s: None})
        sums = [poller.poll([src], t)[0] for t in times]
        return _active(store), sums


def test_a_bulletin_not_recorded_is_fetched_again(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    with (
        NotamTestServer(pib_snapshots=[A, B]) as server,
        make_client(timeout=5) as client,
        Store(db, timeout=0.2) as store,
    ):
        src = build_source(SourceConfig(kind="nats_pib", name="uk", base_url=server.base_url), {})
        poller = Poller(Recorder(store), client, run_kwargs={"sleep": lambda s: None})
        poller.poll([src], NOW)  # A recorded
        other = sqlite3.connect(db, timeout=0)  # another process holds the write lock
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StoreError):
            poller.poll([src], NOW + timedelta(hours=1))  # B fetched, not recorded
        other.rollback()
        other.close()
        third = poller.poll([src], NOW + timedelta(hours=2))[0]  # the service still has B
        assert third.statuses == {"complete": 1}, third.statuses
        assert "if-none-match" not in {k.lower() for k in server.requests[-1].headers}
        got = _active(store)
    want, _ = _run(tmp_path / "ref.db", [A, B], [NOW, NOW + timedelta(hours=2)])
    assert want and got == want


def test_a_bulletin_older_than_the_log_is_fetched_again(tmp_path: Path) -> None:
    """The clock stepped back one hour for poll 2: its snapshot is skipped (not newer)."""
    times = [NOW, NOW - timedelta(hours=1), NOW + timedelta(hours=2)]
    got, sums = _run(tmp_path / "x.db", [A, B], times)
    assert [s.statuses for s in sums] == [{"complete": 1}, {"skipped": 1}, {"complete": 1}]
    want, _ = _run(tmp_path / "ref.db", [A, B], [NOW, NOW + timedelta(hours=2)])
    assert got == want


def _shrink(body: bytes, keep: int) -> bytes:
    root = etree.fromstring(_gunzip(body))
    for n in root.findall(".//Notam")[keep:]:
        n.getparent().remove(n)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_suspect_bulletin_is_not_taken_for_the_one_before(tmp_path: Path) -> None:
    small = _shrink(A, 100)  # far fewer NOTAMs than the last complete poll: suspect
    _, sums = _run(
        tmp_path / "x.db", [A, small, small], [NOW + timedelta(hours=i) for i in range(3)]
    )
    assert sums[1].statuses == {"suspect": 1}
    # fetched and judged again (not taken as unchanged): still far fewer than the last
    # complete poll, so suspect again
    assert sums[2].statuses == {"suspect": 1}


def test_a_failed_fetch_keeps_the_validators_of_the_last_bulletin(tmp_path: Path) -> None:
    with (
        Store(tmp_path / "x.db") as store,
        NotamTestServer(pib_snapshots=[A]) as server,
        make_client(timeout=5) as client,
    ):
        src = build_source(SourceConfig(kind="nats_pib", name="uk", base_url=server.base_url), {})
        poller = Poller(Recorder(store), client, run_kwargs={"sleep": lambda s: None})
        poller.poll([src], NOW)
        server.fail("pib", *["500"] * 4)
        assert poller.poll([src], NOW + timedelta(hours=1))[0].statuses == {
            "failed": 1
        }  # nothing came: failed, not "partial"
        server.clear_faults()
        third = poller.poll([src], NOW + timedelta(hours=2))[0]
        assert "if-none-match" in {k.lower() for k in server.requests[-1].headers}
        assert third.statuses == {"unchanged": 1}
