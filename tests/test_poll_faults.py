"""Every fault mode of every source, through the real poller and store: a fault between
two good polls changes nothing that the two good polls alone would not have changed.

Detection is made maximally sensitive (``withdraw_after = 1``): a single faulty poll
taken as complete would show up at once as a false ``withdrawn`` or ``restriction_lifted``.
"""

from __future__ import annotations

import functools
import gzip
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_sources_adapters import MATRIX, MAX_ATTEMPTS, NOW, RETRIED, SECRETS, setups

from notam_log.core.config import SourceConfig
from notam_log.core.diff import Rules
from notam_log.core.parse.pib import parse_pib
from notam_log.shell.http import make_client, run_source
from notam_log.shell.poll import Poller
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store
from notam_log.sources import build_source
from notam_log.testing.server import NotamTestServer, load_pib_folder

PIBS = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"
SENSITIVE = Rules(withdraw_after=1)


def server_kwargs(kind: str) -> dict[str, Any]:
    kwargs = dict(setups()[kind].server)
    if kind == "nats_pib":  # the same bulletin at every request: only faults differ
        kwargs["pib_snapshots"] = [load_pib_folder(PIBS)[40]] * 20
    return kwargs


def gzip_or_plain(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


@functools.cache
def in_force_time(kind: str) -> datetime:
    """A time at which most of the fixture's NOTAMs are in force (the payloads are of
    2018 to 2025): a faulty poll taken as complete would then withdraw them."""
    setup = setups()[kind]
    with NotamTestServer(**server_kwargs(kind)) as server, make_client(timeout=5) as client:
        cfg = SourceConfig(kind=kind, name=kind, locations=setup.locations,
                           base_url=server.base_url, options=setup.options)  # fmt: skip
        run = run_source(build_source(cfg, SECRETS), client, NOW, sleep=lambda _s: None)
    notams = [n for s in run.snapshots for n in s.notams if n.start is not None]

    def in_force(t: datetime) -> int:
        return sum(
            1 for n in notams if n.start <= t and (n.end is None or n.end > t + 3 * setup.later)
        )

    # never before the bulletin's own issue time: a bulletin issued after the poll's
    # clock is refused as suspect (a time from the future)
    floor = NOW - timedelta(days=36500)
    if kind == "nats_pib":
        issued = parse_pib(gzip_or_plain(server_kwargs(kind)["pib_snapshots"][0])).issued
        floor = issued or floor
    candidates = [floor] + [n.start + timedelta(minutes=1) for n in notams]
    return max((t for t in candidates if t >= floor), key=in_force)


def run_polls(kind: str, db: Path, faults: list[str]) -> tuple[list[tuple[object, ...]], list[Any]]:
    setup = setups()[kind]
    later = setup.later
    now = in_force_time(kind)
    with (
        Store(db) as store,
        NotamTestServer(timeout_sleep=0.3, **server_kwargs(kind)) as server,
        make_client(timeout=0.15) as client,
    ):
        cfg = SourceConfig(
            kind=kind,
            name=kind,
            locations=setup.locations,
            base_url=server.base_url,
            options=setup.options,
        )
        source = build_source(cfg, SECRETS)
        poller = Poller(
            Recorder(store, rules=SENSITIVE), client, run_kwargs={"sleep": lambda _s: None}
        )
        summaries = [poller.poll([source], now)[0]]
        # in force after the first poll: what a faulty poll taken as complete would withdraw
        assert store.notams(statuses=["active"]), f"{kind}: nothing in force at {now}"
        if faults:
            server.fail(setup.route, *faults)
            summaries.append(poller.poll([source], now + later)[0])
            server.clear_faults()
        summaries.append(poller.poll([source], now + 2 * later)[0])
        changes = sorted(
            (e.kind, e.key, e.category, e.effective_at)
            for e in store.events()
            if not e.kind.startswith("source_")
        )
        outages = [e.kind for e in store.events() if e.kind.startswith("source_")]
    return changes, [summaries, outages]


_CONTROL: dict[str, list[tuple[object, ...]]] = {}


@pytest.mark.parametrize(("kind", "fault"), MATRIX)
def test_fault_between_good_polls_changes_nothing(tmp_path: Path, kind: str, fault: str) -> None:
    times = MAX_ATTEMPTS if fault in RETRIED else (2 if fault == "expired_token" else 1)
    if kind not in _CONTROL:
        _CONTROL[kind] = run_polls(kind, tmp_path / "control.db", [])[0]
    control = _CONTROL[kind]
    got, (summaries, outages) = run_polls(kind, tmp_path / "faulty.db", [fault] * times)
    assert summaries[0].error is None and summaries[-1].error is None, summaries
    assert summaries[1].error, "the fault is reported"
    assert got == control
    assert control, "the good polls recorded something"
    # a source that delivered nothing complete is down once and up once
    if not any(v for k, v in summaries[1].statuses.items() if k in ("complete", "unchanged")):
        assert outages == ["source_down", "source_up"]
