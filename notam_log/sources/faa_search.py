"""FAA NOTAM Search (keyless, undocumented): ``POST /notamSearch/search``, paged by offset.

Behind Akamai bot management: a 403 "Access Denied" page raises BotProtectionError.
notam-log sends its own honest User-Agent and never tries to get around it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, TypeVar

import httpx

from notam_log.core.config import SourceConfig
from notam_log.core.errors import BotProtectionError
from notam_log.core.known import Reach
from notam_log.core.models import Notam
from notam_log.core.parse.guard import guarded
from notam_log.core.parse.records import entry_notam
from notam_log.sources._common import (
    Area,
    Scopes,
    assign,
    base,
    batched,
    decode_json,
    describe,
    fetch,
    is_bot_page,
    make_request,
    need_locations_or_areas,
    option,
    scope_reach,
)
from notam_log.sources.base import Poll

logger = logging.getLogger(__name__)

DEFAULT_BASE = "https://notams.aim.faa.gov"
PATH = "/notamSearch/search"
MAX_PAGES = 200

BOT_MESSAGE = (
    "FAA NOTAM Search answered with a bot-protection page (HTTP 403 Access Denied); "
    "notam-log does not try to get around it: configure the faa_nms or icao_api source instead"
)

#: The form the site's own search page posts (searchType 0 = by location designators).
FORM_TEMPLATE: tuple[tuple[str, str], ...] = (
    ("searchType", "0"),
    ("designatorsForLocation", ""),
    ("designatorForAccountable", ""),
    ("latDegrees", "0"),
    ("latMinutes", "0"),
    ("latSeconds", "0"),
    ("longDegrees", "0"),
    ("longMinutes", "0"),
    ("longSeconds", "0"),
    ("radius", "10"),
    ("sortColumns", "5 false"),
    ("sortDirection", "true"),
    ("designatorForNotamNumberSearch", ""),
    ("notamNumber", ""),
    ("radiusSearchOnDesignator", "false"),
    ("radiusSearchDesignator", ""),
    ("latitudeDirection", "N"),
    ("longitudeDirection", "W"),
    ("freeFormText", ""),
    ("flightPathText", ""),
    ("flightPathDivertAirfields", ""),
    ("flightPathBuffer", "4"),
    ("flightPathIncludeNavaids", "true"),
    ("flightPathIncludeArtcc", "false"),
    ("flightPathIncludeTfr", "true"),
    ("flightPathIncludeRegulatory", "false"),
    ("flightPathResultsType", "All NOTAMs"),
    ("archiveDate", ""),
    ("archiveDesignator", ""),
    ("offset", "0"),
    ("notamsOnly", "false"),
    ("filters", ""),
    ("minRunwayLength", ""),
    ("minRunwayWidth", ""),
    ("runwaySurfaceTypes", ""),
    ("predefinedAbraka", ""),
    ("predefinedDabra", ""),
    ("flightPathAddlBuffer", ""),
)


class FaaSearchSource:
    """Locations in batches (``batch_size``, default 10); each batch paged by ``offset``.

    Completeness per location: every page of its batch arrived, parsed, and the
    entries add up to ``totalNotamCount``; a non-empty ``error`` (bad criteria),
    a missing page or a short count makes that batch's locations incomplete.
    """

    kind: ClassVar[str] = "faa_search"
    OPTIONS: ClassVar[Mapping[str, type]] = {"batch_size": int, "areas": list}
    request_gap = 0.0

    def __init__(self, cfg: SourceConfig, env: Mapping[str, str]) -> None:
        self.name = cfg.name
        self.root = base(cfg, DEFAULT_BASE)
        self.locations, self.areas = need_locations_or_areas(cfg)
        self.batch_size: int = max(1, option(cfg, "batch_size", int, 10))
        #: "ID LOCATION" -> the key of the NOTAM as read from its message (see _same_key).
        self.keys: dict[str, str] = {}
        #: "ID LOCATION" -> the record last read from the entry's text (this run only).
        self._read: dict[str, Notam] = {}

    def __repr__(self) -> str:
        return f"FaaSearchSource(name={self.name!r}, locations={len(self.locations)})"

    @classmethod
    def reach(cls, cfg: SourceConfig, scope: str) -> Reach | None:
        """Each scope is a location it queries (or an area): all of that location's NOTAMs."""
        return scope_reach(scope)

    def scopes(self) -> tuple[str, ...]:
        return self.locations + tuple(a.scope for a in self.areas)

    def state(self) -> dict[str, Any]:
        return {"keys": self.keys}

    def restore(self, state: Mapping[str, Any]) -> None:
        keys = state.get("keys")
        self.keys = {str(k): str(v) for k, v in keys.items()} if isinstance(keys, Mapping) else {}

    def _same_key(self, notam: Notam) -> Notam:
        """An entry without message text is built from the search's fields, which cannot
        give the key its message gives (``EHAA:A0957/18``, by the Q-line's FIR): it gets
        the key the same NOTAM (id and location) had when its message was read, so that
        one answer without the text is not a withdrawal and a new NOTAM. Within a run
        it is the record last read from the text itself (so not an amendment either)."""
        if not notam.id or not notam.locations:
            return notam
        ident = f"{notam.id} {notam.locations[0]}"
        if notam.source_format == "faa_search_fields":
            # the record read from its text at an earlier poll (this run), else its key
            last = self._read.get(ident)
            if last is not None:
                return last
            known = self.keys.get(ident)
            return dataclasses.replace(notam, key=known) if known else notam
        _remember(self.keys, ident, notam.key)
        _remember(self._read, ident, notam)
        return notam

    def headers(self) -> dict[str, str]:
        """The headers the site's own search page sends with its XHR (plus our UA)."""
        return {
            "Accept": "application/json, text/javascript, */*; q=0.01",
            "Origin": self.root,
            "Referer": f"{self.root}/notamSearch/nsapp.html",
            "X-Requested-With": "XMLHttpRequest",
        }

    def request(
        self, batch: tuple[str, ...], offset: int, area: Area | None = None
    ) -> httpx.Request:
        """The search page's form: by location designators (searchType 0), or for an
        area, by latitude/longitude and radius (searchType 3)."""
        form = dict(FORM_TEMPLATE)
        if area is None:
            form["designatorsForLocation"] = ",".join(batch)
        else:
            (lat_d, lat_m, lat_s, ns), (lon_d, lon_m, lon_s, ew) = area.dms()
            form.update(
                searchType="3",
                latDegrees=str(lat_d),
                latMinutes=str(lat_m),
                latSeconds=str(lat_s),
                latitudeDirection=ns,
                longDegrees=str(lon_d),
                longMinutes=str(lon_m),
                longSeconds=str(lon_s),
                longitudeDirection=ew,
                radius=str(area.radius_nm),
            )
        form["offset"] = str(offset)
        return make_request("POST", self.root + PATH, headers=self.headers(), data=form)

    def poll(self, now: datetime) -> Poll:
        out = Scopes(self.name, self.scopes(), now)
        for batch in batched(self.locations, self.batch_size):
            yield from self._batch(batch, out)
        for area in self.areas:
            yield from self._batch((area.scope,), out, area)
        return out.snapshots()

    def _batch(self, batch: tuple[str, ...], out: Scopes, area: Area | None = None) -> Poll:
        """One batch of locations (or one area: ``batch`` is then its scope), every page."""
        offset, seen, total = 0, 0, None
        for _ in range(MAX_PAGES):
            got = yield from fetch(self.request(batch, offset, area))
            if isinstance(got, str):
                out.fail(batch, f"page at offset {offset}: {got}")
                return []
            if is_bot_page(got):
                raise BotProtectionError(BOT_MESSAGE)
            if got.status_code != 200:
                out.fail(batch, f"page at offset {offset}: {describe(got)}")
                return []
            try:
                body = decode_json(got)
                if not isinstance(body, dict) or not isinstance(body.get("notamList"), list):
                    raise ValueError("no notamList in the response")
            except ValueError as exc:
                out.fail(batch, f"page at offset {offset}: {exc}")
                return []
            error = body.get("error")
            if isinstance(error, str) and error.strip():
                out.fail(batch, f"search criteria rejected: {error.strip()}")
                return []
            entries = body["notamList"]
            if total is not None and _as_int(body.get("totalNotamCount")) != total:
                out.fail(batch, f"the result changed while paging (offset {offset})")
                return []
            total = _as_int(body.get("totalNotamCount"))
            end = _as_int(body.get("endRecordCount"))
            for entry in entries:  # one that is not an object: a record with issues (guard)
                notam = self._same_key(guarded(entry_notam, entry, "faa_search"))
                if area is not None:
                    out.add(area.scope, notam)
                    continue
                for scope in assign(notam, batch, *_hints(entry, "icaoId", "facilityDesignator")):
                    out.add(scope, notam)
            seen += len(entries)
            if total is None:
                out.fail(batch, "no totalNotamCount in the response")
                return []
            if end is None or end >= total:
                break
            if end <= offset or not entries:
                out.fail(batch, f"expected {total} NOTAMs, the pages stopped at {seen}")
                return []
            offset = end
        else:
            out.fail(batch, f"more than {MAX_PAGES} pages")
            return []
        if total is not None and seen < total:
            out.fail(batch, f"expected {total} NOTAMs, got {seen}")
        return []


def _hints(entry: Any, *names: str) -> list[str | None]:
    """The location fields of an entry (None where missing or not a string)."""
    if not isinstance(entry, dict):
        return [None] * len(names)
    return [v if isinstance(v := entry.get(n), str) else None for n in names]


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # None, "abc", 5,000 digits, 1e999
        return None


#: How many NOTAM keys the source remembers for entries that come without their text.
_KEYS_KEPT = 50_000
_V = TypeVar("_V")


def _remember(memo: dict[str, _V], ident: str, value: _V) -> None:
    """Keep ``value`` as the newest entry of a bounded memo (the oldest goes first)."""
    memo.pop(ident, None)
    memo[ident] = value
    if len(memo) > _KEYS_KEPT:
        del memo[next(iter(memo))]
