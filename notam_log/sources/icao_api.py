"""ICAO API Data Service: ``notams-realtime-list``, a bare JSON array, with a call quota."""

from __future__ import annotations

import logging
from collections.abc import Generator, Mapping
from datetime import datetime
from typing import Any, ClassVar

import httpx

from notam_log.core.config import SourceConfig
from notam_log.core.errors import QuotaExhaustedError
from notam_log.core.known import Reach
from notam_log.core.models import iso, parse_iso
from notam_log.core.parse.guard import guarded
from notam_log.core.parse.records import record_notam
from notam_log.sources._common import (
    Scopes,
    assign,
    base,
    batched,
    decode_json,
    describe,
    env_secret,
    fetch,
    incomplete_all,
    make_request,
    need_locations,
    scope_reach,
    utc_midnight_after,
)
from notam_log.sources.base import Poll

logger = logging.getLogger(__name__)

DEFAULT_BASE = "https://applications.icao.int"
PATH = "/dataservices/api/notams-realtime-list"
BATCH = 20
CALL_LIMIT = b"reach call limit"


class IcaoApiSource:
    """Locations in batches of at most 20; one scope per location.

    A batch's locations are complete when its array arrived and parsed. The text
    "Reach call limit" raises QuotaExhaustedError and keeps ``quota_exhausted_until``
    (the next UTC midnight) in state: polls before then send nothing.
    """

    kind: ClassVar[str] = "icao_api"
    OPTIONS: ClassVar[Mapping[str, type]] = {"api_key_env": str, "criticality": str}
    request_gap = 0.0

    def __init__(self, cfg: SourceConfig, env: Mapping[str, str]) -> None:
        self.name = cfg.name
        self.root = base(cfg, DEFAULT_BASE)
        self.locations = need_locations(cfg)
        self._api_key = env_secret(cfg, env, "api_key_env")
        self.criticality = str(cfg.options.get("criticality", ""))
        self.quota_exhausted_until: datetime | None = None

    def __repr__(self) -> str:
        return f"IcaoApiSource(name={self.name!r})"

    @classmethod
    def reach(cls, cfg: SourceConfig, scope: str) -> Reach | None:
        """Each scope is a location it queries (or an area): all of that location's NOTAMs."""
        return scope_reach(scope)

    def scopes(self) -> tuple[str, ...]:
        return self.locations

    def state(self) -> dict[str, Any]:
        until = self.quota_exhausted_until
        return {"quota_exhausted_until": iso(until) if until else None}

    def restore(self, state: Mapping[str, Any]) -> None:
        self.quota_exhausted_until = parse_iso(state.get("quota_exhausted_until"))

    def request(self, batch: tuple[str, ...]) -> httpx.Request:
        return make_request(
            "GET",
            self.root + PATH,
            params={
                "api_key": self._api_key.reveal(),
                "format": "json",
                "criticality": self.criticality,
                "locations": ",".join(batch),
            },
            headers={"Accept": "application/json"},
        )

    def poll(self, now: datetime) -> Poll:
        if self.quota_exhausted_until is not None and now < self.quota_exhausted_until:
            return incomplete_all(
                self.name,
                self.locations,
                now,
                f"skipped: ICAO call quota used up until {iso(self.quota_exhausted_until)}",
            )
        self.quota_exhausted_until = None
        out = Scopes(self.name, self.locations, now)
        for batch in batched(self.locations, BATCH):
            yield from self._batch(now, batch, out)
        return out.snapshots()

    def _batch(
        self, now: datetime, batch: tuple[str, ...], out: Scopes
    ) -> Generator[httpx.Request, httpx.Response, None]:
        got = yield from fetch(self.request(batch))
        if isinstance(got, str):
            out.fail(batch, got)
            return
        if CALL_LIMIT in got.content[:200].lower():
            self.quota_exhausted_until = utc_midnight_after(now)
            raise QuotaExhaustedError(
                f'ICAO API call quota used up ("Reach call limit"); no calls until '
                f"{iso(self.quota_exhausted_until)}"
            )
        if got.status_code != 200:
            out.fail(batch, describe(got))
            return
        try:
            records = decode_json(got)
            if not isinstance(records, list):
                raise ValueError("not a JSON array")
        except ValueError as exc:
            out.fail(batch, str(exc))
            return
        for record in records:  # one that is not an object: a record with issues (guard)
            notam = guarded(record_notam, record, "icao_api")
            if notam is None:
                key = record.get("key") if isinstance(record, dict) else None
                out.fail(batch, f"record without text: {str(key)[:40]}")
                continue
            where = record.get("location") if isinstance(record, dict) else None
            for scope in assign(notam, batch, where if isinstance(where, str) else None):
                out.add(scope, notam)
