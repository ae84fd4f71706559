"""The ``Source`` protocol every adapter follows, and what adapters share with the driver.

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
* **Reach.** ``reach(cfg, scope)`` (a class method: no credentials needed) says which
  locations a scope's complete snapshot answers for, all of their NOTAMs
  (:class:`notam_log.core.known.Reach`): the bulletin of a country its prefix, a
  location query its location, an area its circle; None when only the data can say (a
  file: the locations its snapshots held). The answers' coverage is built on it.
* **State.** ``state()`` is JSON-able and never holds a secret (ETag, Last-Modified,
  last pull time, quota reset time, seen TFRs); ``restore()`` takes it back.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from notam_log.core.config import SourceConfig
from notam_log.core.known import Reach
from notam_log.core.models import Snapshot

if TYPE_CHECKING:  # for the types only: importing the package loads no HTTP library
    import httpx

#: The reason of a snapshot that stands for "same as the last complete one" (HTTP 304).
NOT_MODIFIED = "not modified"

Poll = Generator["httpx.Request", "httpx.Response", list[Snapshot]]


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

    def reach(self, cfg: SourceConfig, scope: str) -> Reach | None:
        """Which locations a complete snapshot of ``scope`` answers for (None: only the
        data can say); see the module docstring."""
        ...
