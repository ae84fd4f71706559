"""UK NATS PIB.xml: the whole United Kingdom bulletin, keyless, with ETag/If-Modified-Since."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from notam_log.core.config import SourceConfig
from notam_log.core.errors import InputError
from notam_log.core.known import Reach
from notam_log.core.limits import DEFAULT_MAX_BYTES, GZIP_MAGIC, ahead, gunzip
from notam_log.core.models import Snapshot
from notam_log.core.parse.pib import PibMemo, parse_pib
from notam_log.sources._common import base, describe, fetch, make_request, option
from notam_log.sources.base import NOT_MODIFIED, Poll

logger = logging.getLogger(__name__)

DEFAULT_BASE = "https://pibs.nats.co.uk"
PATH = "/operational/pibs/PIB.xml"


class NatsPibSource:
    """One GET of the bulletin per poll; one scope (default "UK") for all of it.

    Complete when the body parses as a PIB; a 304 is the "not modified" snapshot;
    any other status, an empty, truncated or invalid body is an incomplete snapshot.
    """

    kind: ClassVar[str] = "nats_pib"
    OPTIONS: ClassVar[Mapping[str, type]] = {"scope": str}
    request_gap = 0.0

    def __init__(self, cfg: SourceConfig, env: Mapping[str, str]) -> None:
        self.name = cfg.name
        self.url = base(cfg, DEFAULT_BASE) + PATH
        self.scope: str = option(cfg, "scope", str, "UK")
        self.etag: str | None = None
        self.last_modified: str | None = None
        #: the records of the bulletin fetched last, reused where the next repeats them
        self._memo = PibMemo()

    def __repr__(self) -> str:
        return f"NatsPibSource(name={self.name!r})"

    @classmethod
    def reach(cls, cfg: SourceConfig, scope: str) -> Reach | None:
        """The bulletin covers the United Kingdom: every EG.. location (both FIRs)."""
        return Reach(prefixes=("EG",), label="the UK FIRs (EG..)")

    def scopes(self) -> tuple[str, ...]:
        return (self.scope,)

    def state(self) -> dict[str, Any]:
        return {"etag": self.etag, "last_modified": self.last_modified}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.etag = state.get("etag") or None
        self.last_modified = state.get("last_modified") or None

    def recorded(self, scope: str, status: str) -> None:
        """What the log made of this poll's snapshot (see ``Poller``). The validators of
        the bulletin just fetched stand for it ("304: the same as that one") only once
        the log holds it as a complete snapshot; when it does not (not recorded, older
        than the last one, suspect), they are dropped, so that the next poll fetches
        the bulletin whole instead of being told it has not changed. (A failed fetch
        leaves them as they were: they still stand for the last bulletin recorded.)"""
        if status in ("skipped", "suspect", "not recorded"):
            self.etag = self.last_modified = None

    def poll(self, now: datetime) -> Poll:
        headers = {"Accept": "application/xml, text/xml;q=0.9, */*;q=0.1"}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        got = yield from fetch(make_request("GET", self.url, headers=headers))
        if isinstance(got, str):
            return [self._incomplete(now, got)]
        if got.status_code == 304:
            return [Snapshot(self.name, self.scope, now, (), complete=True, reason=NOT_MODIFIED)]
        if got.status_code != 200:
            return [self._incomplete(now, describe(got))]
        data = got.content
        if data[:2] == GZIP_MAGIC:  # (the driver undoes a complete one within max_bytes)
            try:
                data, cut = gunzip(data, DEFAULT_MAX_BYTES, "gzip body")
            except InputError as exc:
                return [self._incomplete(now, str(exc))]
            if cut:
                return [self._incomplete(now, "truncated gzip body")]
        if not data.strip():
            return [self._incomplete(now, "empty body")]
        if not data.rstrip().endswith(b"</Pib>"):
            return [self._incomplete(now, f"truncated PIB XML ({len(data)} bytes, no </Pib>)")]
        try:
            bulletin = parse_pib(data, self._memo)
        except InputError as exc:
            return [self._incomplete(now, f"unreadable PIB XML: {exc}")]
        for issue in bulletin.issues:
            logger.debug("%s: %s", self.name, issue)
        if bulletin.incomplete:
            return [self._incomplete(now, f"PIB XML: {bulletin.incomplete}")]
        if ahead(bulletin.issued, now):  # a wrong clock or a forged bulletin: never used
            return [
                self._incomplete(
                    now,
                    f"suspect: the bulletin says it was issued {bulletin.issued:%Y-%m-%dT%H:%MZ},"
                    f" after this poll ({now:%Y-%m-%dT%H:%MZ})",
                )
            ]
        self.etag = got.headers.get("ETag") or None
        self.last_modified = got.headers.get("Last-Modified") or None
        return [Snapshot(self.name, self.scope, now, tuple(bulletin.notams), complete=True)]

    def _incomplete(self, now: datetime, reason: str) -> Snapshot:
        return Snapshot(self.name, self.scope, now, (), complete=False, reason=reason)
