"""FAA NOTAM API v1 (being retired): ``GET /notamapi/v1/notams`` with client_id/secret headers."""

from __future__ import annotations

import logging
from collections.abc import Generator, Mapping
from datetime import datetime
from typing import Any, ClassVar

import httpx

from notam_log.core.config import SourceConfig
from notam_log.core.known import Reach
from notam_log.core.parse.guard import guarded
from notam_log.core.parse.records import item_notam
from notam_log.sources._common import (
    Scopes,
    base,
    decode_json,
    describe,
    env_secret,
    fetch,
    make_request,
    need_locations_or_areas,
    option,
    scope_reach,
)
from notam_log.sources.base import Poll

logger = logging.getLogger(__name__)

DEFAULT_BASE = "https://external-api.faa.gov"
PATH = "/notamapi/v1/notams"
MAX_PAGES = 100


class FaaApiV1Source:
    """One location per query (``icaoLocation``), paged by ``pageNum`` up to ``totalPages``.

    A location is complete when every page arrived and parsed and the items add up
    to ``totalCount``.
    """

    kind: ClassVar[str] = "faa_api_v1"
    OPTIONS: ClassVar[Mapping[str, type]] = {
        "client_id_env": str,
        "client_secret_env": str,
        "page_size": int,
        "areas": list,
    }
    request_gap = 0.0

    def __init__(self, cfg: SourceConfig, env: Mapping[str, str]) -> None:
        self.name = cfg.name
        self.root = base(cfg, DEFAULT_BASE)
        self.locations, self.areas = need_locations_or_areas(cfg)
        self._areas = {a.scope: a for a in self.areas}
        self._client_id = env_secret(cfg, env, "client_id_env")
        self._client_secret = env_secret(cfg, env, "client_secret_env")
        self.page_size: int = min(1000, max(1, option(cfg, "page_size", int, 1000)))

    def __repr__(self) -> str:
        return f"FaaApiV1Source(name={self.name!r})"

    @classmethod
    def reach(cls, cfg: SourceConfig, scope: str) -> Reach | None:
        """Each scope is a location it queries (or an area): all of that location's NOTAMs."""
        return scope_reach(scope)

    def scopes(self) -> tuple[str, ...]:
        return self.locations + tuple(a.scope for a in self.areas)

    def state(self) -> dict[str, Any]:
        return {}

    def restore(self, state: Mapping[str, Any]) -> None:
        return None

    def request(self, location: str, page: int) -> httpx.Request:
        """One page for a location, or for an area (``location`` is then its scope)."""
        where: dict[str, str] = {"icaoLocation": location}
        area = self._areas.get(location)
        if area is not None:
            where = {
                "locationLatitude": f"{area.lat:.6f}",
                "locationLongitude": f"{area.lon:.6f}",
                "locationRadius": str(area.radius_nm),
            }
        return make_request(
            "GET",
            self.root + PATH,
            params={
                "responseFormat": "geoJson",
                **where,
                "pageSize": str(self.page_size),
                "pageNum": str(page),
            },
            headers={
                "client_id": self._client_id.reveal(),
                "client_secret": self._client_secret.reveal(),
                "Accept": "application/json",
            },
        )

    def poll(self, now: datetime) -> Poll:
        out = Scopes(self.name, self.scopes(), now)
        for loc in self.scopes():
            yield from self._location(loc, out)
        return out.snapshots()

    def _location(self, loc: str, out: Scopes) -> Generator[httpx.Request, httpx.Response, None]:
        page, pages, seen, total = 1, 1, 0, None
        first_total: int | None = None
        first_pages = 0
        while page <= pages and page <= MAX_PAGES:
            got = yield from fetch(self.request(loc, page))
            if isinstance(got, str):
                out.fail([loc], f"page {page}: {got}")
                return
            if got.status_code != 200:
                out.fail([loc], f"page {page}: {describe(got)}")
                return
            try:
                body = decode_json(got)
                items = body["items"]
                pages = int(body.get("totalPages") or 0)
                total = int(body["totalCount"])  # (json refuses 5,000 digits; 1e999 below)
                if not isinstance(items, list):
                    raise TypeError
            except (ValueError, OverflowError) as exc:  # OverflowError: a count of 1e999
                out.fail([loc], f"page {page}: {exc}")
                return
            except (KeyError, TypeError):
                out.fail([loc], f"page {page}: not a NOTAM API v1 response")
                return
            if first_total is None:
                first_total, first_pages = total, pages
            elif (total, pages) != (first_total, first_pages):
                out.fail([loc], f"the result changed while paging (page {page})")
                return
            for item in items:
                notam = guarded(item_notam, item, "faa_api_v1")  # a bad item: with issues
                if notam is not None:
                    out.add(loc, notam)
            seen += len(items)
            if not items and page < pages:
                out.fail([loc], f"page {page} of {pages} is empty")
                return
            page += 1
        if pages > MAX_PAGES:
            out.fail([loc], f"more than {MAX_PAGES} pages")
        elif total is not None and seen < total:
            out.fail([loc], f"expected {total} NOTAMs, got {seen}")
