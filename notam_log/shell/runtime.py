"""The one place that wires: config -> poller lock -> sources -> store -> HTTP client ->
recorder (with the config's change detection rules).

Every command that writes the log (``poll``, ``replay``, ``run``, ``watch``, ``demo``),
the daemon and the watcher open their runtime here, so a new part of the wiring is
added once. :func:`open_runtime` takes the parts in that order and gives them back in
the reverse one (the client and the store close, then the lock is released).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from notam_log.core.config import Config, SourceConfig
from notam_log.core.diff import Rules
from notam_log.core.errors import ConfigError, NotamLogError, PollerBusy
from notam_log.shell.http import limits_for, make_client
from notam_log.shell.lock import PollerLock
from notam_log.shell.poll import Poller
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store
from notam_log.sources import Source, build_source


@dataclass(frozen=True, slots=True)
class Runtime:
    """What a process that writes the log works with."""

    config: Config
    store: Store
    recorder: Recorder
    sources: tuple[Source, ...] = ()
    client: httpx.Client | None = None  # None: this runtime does not poll (replay)
    lock: PollerLock | None = None  # held while the runtime is open, when asked for

    def poller(self, run_kwargs: Mapping[str, object] | None = None) -> Poller:
        """A poller of this runtime's sources into its recorder, through its client,
        each answer within its source's ``max_bytes`` and ``deadline``."""
        if self.client is None:
            raise NotamLogError("this runtime was opened without an HTTP client")
        kwargs = {"limits": limits_for(self.config), **dict(run_kwargs or {})}
        return Poller(self.recorder, self.client, run_kwargs=kwargs)


def rules(config: Config) -> Rules:
    """Change detection's rules, as the config sets them."""
    return Rules(withdraw_after=config.withdraw_after, suspect_ratio=config.suspect_ratio)


def make_recorder(config: Config, store: Store) -> Recorder:
    return Recorder(store, rules=rules(config), restrictions=config.restrictions)


def build_sources(cfg: Config, env: Mapping[str, str], names: Sequence[str] = ()) -> list[Source]:
    """The adapters of the enabled sources (or of the named ones, enabled or not)."""
    chosen: list[SourceConfig] = []
    known = {s.name: s for s in cfg.sources}
    for name in names:
        if name not in known:
            raise ConfigError(
                f"{cfg.path}: no source named {name!r} (known: {', '.join(known) or 'none'})"
            )
        chosen.append(known[name])
    if not names:
        chosen = [s for s in cfg.sources if s.enabled]
    return [build_source(s, env) for s in chosen]


@contextlib.contextmanager
def open_runtime(
    config: Config,
    db_path: str | Path,
    *,
    lock: bool = False,
    sources: bool = True,
    names: Sequence[str] = (),
    require_sources: bool = False,
    env: Mapping[str, str] | None = None,
    client: Callable[[], httpx.Client] | None = make_client,
) -> Iterator[Runtime]:
    """Open the runtime of one process over the database ``db_path``.

    Args:
        lock: take the database's poller lock first; :class:`PollerBusy` (naming the
            holder) when another process has it.
        sources: build the enabled sources (``names``: these ones, enabled or not).
        require_sources: no source to poll is an error (before the store is created).
        env: the environment the sources read their credentials from (os.environ).
        client: makes the HTTP client (None: no client, for a runtime that does not poll).
    """
    with contextlib.ExitStack() as stack:
        held: PollerLock | None = None
        if lock:
            held = PollerLock(db_path)
            if not held.acquire():
                raise PollerBusy(held.busy_message())
            stack.callback(held.release)
        found = build_sources(config, os.environ if env is None else env, names) if sources else []
        if require_sources and not found:
            raise NotamLogError(f"{config.path}: no enabled source to poll")
        store = stack.enter_context(Store(db_path, create=True))
        http = stack.enter_context(client()) if client is not None else None
        recorder = make_recorder(config, store)
        yield Runtime(config, store, recorder, tuple(found), http, held)
