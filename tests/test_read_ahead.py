"""A replay reads the next items in a second thread while it records one
(shell/replay.py `read_ahead`): the same items in the same order, loaded in that thread
only, an error raised where reading in turn would have raised it, nothing read for an
item from the future, and no thread left behind when the caller stops early."""

from __future__ import annotations

import functools
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from notam_log.core.errors import InputError
from notam_log.core.parse.inputs import Parsed
from notam_log.shell.recorder import Recorder
from notam_log.shell.replay import Item, read_ahead, replay
from notam_log.shell.store import Store

T0 = datetime(2025, 3, 21, tzinfo=UTC)
TEXT = (
    "(A{n:04d}/25 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\nA) EGLL"
    " B) 2503200000 C) 2503300000\nE) AERODROME CLOSED {n})"
)


def items(count: int, loads: list[str], broken: int | None = None) -> list[Item]:
    def loader(n: int) -> bytes:
        loads.append(threading.current_thread().name)
        if n == broken:
            raise RuntimeError(f"disk error at {n}")
        return TEXT.format(n=n).encode()

    return [
        Item(f"item-{n}", T0 + timedelta(hours=n), functools.partial(loader, n))
        for n in range(count)
    ]


def ordered(found: list[Item]) -> list[tuple[datetime, Item, Parsed | None]]:
    assert all(i.at is not None for i in found)
    return [(i.at, i, None) for i in found if i.at is not None]


def test_same_items_same_order_loaded_in_the_second_thread() -> None:
    loads: list[str] = []
    got = list(read_ahead(ordered(items(12, loads))))
    assert [item.name for _when, item, _parsed in got] == [f"item-{n}" for n in range(12)]
    texts = [p.notams[0].text for _w, _i, p in got if isinstance(p, Parsed)]
    assert texts == [f"AERODROME CLOSED {n}" for n in range(12)]
    assert loads == ["notam-log-read-ahead"] * 12


def test_unreadable_item_and_future_item() -> None:
    loads: list[str] = []
    found = items(3, loads)
    bad = Item("bad", T0, lambda: b"\x1f\x8b not gzip")
    future = Item("future", T0 + timedelta(days=400), lambda: pytest.fail("read"))
    got = list(read_ahead(ordered([found[0], bad, future, found[1]]), now=T0 + timedelta(days=1)))
    assert [type(p).__name__ for _w, _i, p in got] == ["Parsed", "InputError", "NoneType", "Parsed"]
    assert isinstance(got[1][2], InputError) and "bad" in str(got[1][2])


def test_an_error_is_raised_in_the_callers_thread_after_the_items_before(tmp_path: Path) -> None:
    loads: list[str] = []
    with Store(tmp_path / "x.db") as store:
        recorded: list[str] = []
        with pytest.raises(RuntimeError, match="disk error at 3"):
            replay(
                Recorder(store),
                ordered(items(8, loads, broken=3)),
                source="uk",
                scope="UK",
                on_item=recorded.append,
            )
        assert recorded == ["item-0", "item-1", "item-2"]
        assert store.db.execute("select count(*) from polls").fetchone()[0] == 3
    assert not [t for t in threading.enumerate() if t.name == "notam-log-read-ahead"]


def test_a_caller_that_stops_early_leaves_no_thread() -> None:
    loads: list[str] = []
    got = read_ahead(ordered(items(50, loads)))
    first = next(got)
    assert first[1].name == "item-0"
    got.close()
    assert not [t for t in threading.enumerate() if t.name == "notam-log-read-ahead"]
    assert len(loads) <= 4  # read ahead by at most two (and one in hand)
