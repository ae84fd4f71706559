"""Source adapters: the ``Source`` protocol, the registry and ``build_source``.

An adapter builds ``httpx.Request`` objects and parses responses; it never sends
anything and never reads the clock (``now`` is passed in). ``poll`` is a generator::

    gen = source.poll(now)
    request = next(gen)                 # first request
    request = gen.send(response)        # any status; the driver retries 5xx/408/429
    request = gen.throw(SourceError())  # the request still failed after the retries
    ...
    StopIteration.value -> list[Snapshot]

``notam_log.shell.http.run_source`` is the driver. Conventions every adapter follows:

* **Scopes.** A snapshot covers one scope: the whole bulletin (``nats_pib``: "UK";
  ``faa_tfr``: "TFR"), else one per configured location. ``scopes()`` lists them.
* **Completeness.** A scope is ``complete`` only when every request that feeds it
  arrived and parsed (every page, every batch). A failed batch, a missing page, a
  truncated or invalid body, a count that does not add up: the scope's snapshot is
  ``complete=False`` with a one-line ``reason``, and carries what was read. Other
  scopes stay complete. Only complete snapshots may decide that a NOTAM disappeared.
* **Not modified.** A 304 (``nats_pib`` ETag / If-Modified-Since) gives a snapshot
  with ``complete=True``, no NOTAMs and ``reason="not modified"`` (see
  ``NOT_MODIFIED``): "the same as the last complete snapshot of this scope".
* **Skipped.** A poll that must not call the service now (NMS pull interval, ICAO
  quota used up) returns ``complete=False`` snapshots with the reason and sends nothing.
* **Fatal errors.** A bot-protection page (``BotProtectionError``), an exhausted
  quota (``QuotaExhaustedError``) or refused credentials (``SourceError``) are raised
  out of the generator; nothing read in that poll is returned, and the driver reports
  every scope of the source as incomplete with the error as reason.
* **State.** ``state()`` is JSON-able and never holds a secret (ETag, Last-Modified,
  last pull time, quota reset time, seen TFRs); ``restore()`` takes it back.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from datetime import datetime
from typing import Any, ClassVar, Protocol

import httpx

from notam_log.core.config import SourceConfig
from notam_log.core.errors import ConfigError
from notam_log.core.models import Snapshot

#: The reason of a snapshot that stands for "same as the last complete one" (HTTP 304).
NOT_MODIFIED = "not modified"

Poll = Generator[httpx.Request, httpx.Response, list[Snapshot]]


class Source(Protocol):
    """One configured NOTAM source. See the module docstring for the conventions."""

    kind: ClassVar[str]
    name: str
    #: Seconds to leave between two requests of one poll (a service's spike arrest).
    request_gap: float

    def poll(self, now: datetime) -> Poll: ...

    def scopes(self) -> tuple[str, ...]:
        """The scopes every poll reports on (used to report a fatal error)."""
        ...

    def state(self) -> dict[str, Any]: ...

    def restore(self, state: Mapping[str, Any]) -> None: ...


class SourceFactory(Protocol):
    """A source class: built from its config and the environment (for credentials)."""

    @property
    def kind(self) -> str: ...

    #: The kind-specific keys allowed in ``SourceConfig.options`` and their types.
    @property
    def OPTIONS(self) -> Mapping[str, type]: ...  # noqa: N802

    def __call__(self, cfg: SourceConfig, env: Mapping[str, str]) -> Source: ...


def _registry() -> dict[str, SourceFactory]:
    from notam_log.sources import (
        faa_api_v1,
        faa_nms,
        faa_search,
        faa_tfr,
        file,
        icao_api,
        nats_pib,
    )

    classes: list[SourceFactory] = [
        nats_pib.NatsPibSource,
        faa_search.FaaSearchSource,
        faa_nms.FaaNmsSource,
        faa_api_v1.FaaApiV1Source,
        icao_api.IcaoApiSource,
        faa_tfr.FaaTfrSource,
        file.FileSource,
    ]
    return {cls.kind: cls for cls in classes}


SOURCES: dict[str, SourceFactory] = _registry()


def build_source(cfg: SourceConfig, env: Mapping[str, str]) -> Source:
    """The adapter for one ``[[sources]]`` table; ConfigError names ``cfg.where`` and the key."""
    factory = SOURCES.get(cfg.kind)
    if factory is None:
        known = ", ".join(sorted(SOURCES))
        raise ConfigError(f"{cfg.where}: kind: unknown {cfg.kind!r} (known: {known})")
    for key, value in cfg.options.items():
        expected = factory.OPTIONS.get(key)
        if expected is None:
            raise ConfigError(f"{cfg.where} ({cfg.kind}): {key}: unknown option")
        if not _fits(value, expected):
            raise ConfigError(
                f"{cfg.where} ({cfg.kind}): {key}: expected {expected.__name__}, "
                f"got {type(value).__name__}"
            )
    return factory(cfg, env)


def option_types(kind: str) -> Mapping[str, type]:
    """The kind-specific option keys and their types (so config.py can check them)."""
    factory = SOURCES.get(kind)
    if factory is None:
        raise KeyError(kind)
    return factory.OPTIONS


def _fits(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


Factory = Callable[[SourceConfig, Mapping[str, str]], Source]

__all__ = [
    "NOT_MODIFIED",
    "SOURCES",
    "Poll",
    "Source",
    "SourceFactory",
    "build_source",
    "option_types",
]
