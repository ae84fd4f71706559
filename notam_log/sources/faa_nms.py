"""FAA NMS-API: OAuth2 client credentials, GeoJSON NOTAMs by location, or deltas.

Modes (option ``mode``):

``"location"`` (default)
    ``GET /nmsapi/v1/notams?location=X`` for each location: the full set of that
    location's NOTAMs; a snapshot is complete when the response arrived and parsed.
``"delta"``
    The first poll (and any poll after a mismatch or a gap over 24 h) is a full
    location pull that sets a baseline. Later polls ask for
    ``location=X&lastUpdatedDate=<last pull - 5 min>``, which returns created,
    updated *and* cancelled records, and apply them to the baseline kept in
    ``state()``. Such a merged set may add, amend and cancel but cannot decide that
    anything disappeared, so it is ``complete=False`` ("delta only") unless
    ``checklist = true`` (default) and ``/nmsapi/v1/notams/checklist?location=X``
    lists exactly the same NMS ids; a mismatch schedules a full pull next time.
    Incomplete delta snapshots also carry this delta's NOTAMC records.

The service allows one data pull per 3 minutes (``min_interval``, seconds): an
earlier poll sends nothing and returns incomplete snapshots saying so. The token is
cached in memory only (never in ``state()``, logs, errors or reprs) until it
expires, and fetched again once when a data request answers 401.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Generator, Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from notam_log.core.config import SourceConfig
from notam_log.core.errors import ConfigError, SourceError
from notam_log.core.known import Reach
from notam_log.core.models import Notam, iso, parse_iso
from notam_log.core.parse.guard import guarded
from notam_log.core.parse.records import structured_notam
from notam_log.core.validity import notam_json
from notam_log.sources._common import (
    Fetched,
    Scopes,
    Secret,
    base,
    decode_json,
    describe,
    env_secret,
    fetch,
    incomplete_all,
    make_request,
    need_locations_or_areas,
    option,
    scope_reach,
)
from notam_log.sources.base import Poll

logger = logging.getLogger(__name__)

DEFAULT_BASE = "https://api-nms.aim.faa.gov"
TOKEN_PATH = "/v1/auth/token"
NOTAMS_PATH = "/nmsapi/v1/notams"
CHECKLIST_PATH = "/nmsapi/v1/notams/checklist"
DELTA_OVERLAP = timedelta(minutes=5)
DELTA_MAX = timedelta(hours=24)


class FaaNmsSource:
    kind: ClassVar[str] = "faa_nms"
    OPTIONS: ClassVar[Mapping[str, type]] = {
        "client_id_env": str,
        "client_secret_env": str,
        "mode": str,
        "checklist": bool,
        "min_interval": float,
        "areas": list,
    }
    #: Production spike arrest: one message per second.
    request_gap = 1.0

    def __init__(self, cfg: SourceConfig, env: Mapping[str, str]) -> None:
        self.name = cfg.name
        self.root = base(cfg, DEFAULT_BASE)
        self.locations, self.areas = need_locations_or_areas(cfg)
        #: Areas are always pulled whole: the delta checklist works by location.
        self._areas = {a.scope: a for a in self.areas}
        self._client_id = env_secret(cfg, env, "client_id_env")
        self._client_secret = env_secret(cfg, env, "client_secret_env")
        self.mode: str = option(cfg, "mode", str, "location")
        if self.mode not in ("location", "delta"):
            raise ConfigError(f"{cfg.where} ({cfg.kind}): mode: expected 'location' or 'delta'")
        self.checklist: bool = option(cfg, "checklist", bool, True)
        seconds = option(cfg, "min_interval", float, 180.0)
        if not 0 <= seconds <= 86400:  # also nan and inf (a traceback in timedelta)
            raise ConfigError(
                f"{cfg.where} ({cfg.kind}): min_interval: expected 0 to 86400 seconds,"
                f" got {seconds!r}"
            )
        self.min_interval = timedelta(seconds=seconds)
        self._token: Secret | None = None
        self._token_expires: datetime | None = None
        self.last_pull: datetime | None = None
        #: delta mode: location -> {NMS id: Notam JSON}; the baseline the deltas apply to.
        self.known: dict[str, dict[str, dict[str, Any]]] = {}
        self.resync: set[str] = set()

    def __repr__(self) -> str:
        return f"FaaNmsSource(name={self.name!r}, mode={self.mode!r})"

    @classmethod
    def reach(cls, cfg: SourceConfig, scope: str) -> Reach | None:
        """Each scope is a location it queries (or an area): all of that location's NOTAMs."""
        return scope_reach(scope)

    def scopes(self) -> tuple[str, ...]:
        return self.locations + tuple(self._areas)

    def state(self) -> dict[str, Any]:
        return {
            "last_pull": iso(self.last_pull) if self.last_pull else None,
            "known": self.known,
            "resync": sorted(self.resync),
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        self.last_pull = parse_iso(state.get("last_pull"))
        known = state.get("known") or {}
        self.known = {str(k): dict(v) for k, v in known.items()} if isinstance(known, dict) else {}
        self.resync = set(state.get("resync") or ())

    # -- requests -----------------------------------------------------------------

    def _token_request(self) -> httpx.Request:
        pair = f"{self._client_id.reveal()}:{self._client_secret.reveal()}".encode()
        auth = "Basic " + base64.b64encode(pair).decode()
        return make_request(
            "POST",
            self.root + TOKEN_PATH,
            headers={"Authorization": auth, "Accept": "application/json"},
            data={"grant_type": "client_credentials"},
        )

    def _get_token(self, now: datetime) -> Generator[httpx.Request, httpx.Response, Secret]:
        if self._token is not None and self._token_expires and now < self._token_expires:
            return self._token
        self._token = None
        got = yield from fetch(self._token_request())
        if isinstance(got, str):
            raise SourceError(f"NMS token request failed: {got}")
        if got.status_code != 200:
            raise SourceError(
                f"NMS token request refused ({describe(got)}): check the credentials in "
                f"{self._client_id.env} and {self._client_secret.env}"
            )
        try:
            body = decode_json(got)
            token = str(body["access_token"])
            seconds = int(str(body.get("expires_in") or "1799"))
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceError(f"NMS token response unreadable: {type(exc).__name__}") from None
        self._token = Secret(token, "access_token")
        self._token_expires = now + timedelta(seconds=max(0, seconds - 60))
        return self._token

    def _data_request(self, path: str, params: Mapping[str, str], token: Secret) -> httpx.Request:
        headers = {
            "Authorization": f"Bearer {token.reveal()}",
            "Accept": "application/json",
        }
        if path == NOTAMS_PATH:
            headers["nmsResponseFormat"] = "GEOJSON"
        return make_request("GET", self.root + path, params=params, headers=headers)

    def _get(
        self, now: datetime, path: str, params: Mapping[str, str]
    ) -> Generator[httpx.Request, httpx.Response, Fetched]:
        """One data request; on 401 fetch a new token once and try again."""
        token = yield from self._get_token(now)
        # a pull is made now (the service counts it, whatever comes); a poll whose token
        # was refused made none, and the next one is not held back as if it had
        self.last_pull = now
        got = yield from fetch(self._data_request(path, params, token))
        if isinstance(got, httpx.Response) and got.status_code == 401:
            logger.info("%s: access token refused, fetching a new one", self.name)
            self._token = None
            token = yield from self._get_token(now)
            got = yield from fetch(self._data_request(path, params, token))
        return got

    # -- poll ---------------------------------------------------------------------

    def poll(self, now: datetime) -> Poll:
        if self.last_pull is not None and now - self.last_pull < self.min_interval:
            nxt = iso(self.last_pull + self.min_interval)
            return incomplete_all(
                self.name,
                self.scopes(),
                now,
                f"skipped: NMS allows one data pull per "
                f"{int(self.min_interval.total_seconds())} s; next at {nxt}",
            )
        since = self.last_pull
        out = Scopes(self.name, self.scopes(), now)
        fulls = {
            loc: (
                self.mode == "location"
                or loc in self._areas
                or loc in self.resync
                or loc not in self.known
                or since is None
                or now - since > DELTA_MAX - DELTA_OVERLAP
            )
            for loc in self.scopes()
        }
        # Until its pull succeeds, a location's next pull is a whole one: the next delta
        # would start at this poll's time, and what changed before it would be missed if
        # this poll fails for it (an error, a refused token that ends the poll early).
        self.resync.update(fulls)
        for loc, full in fulls.items():
            if full:
                yield from self._full(now, loc, out)
            else:
                assert since is not None
                yield from self._delta(now, loc, since - DELTA_OVERLAP, out)
        return out.snapshots()

    def _features(self, got: Fetched) -> list[tuple[str, Notam]] | str:
        if isinstance(got, str):
            return got
        if got.status_code != 200:
            return describe(got)
        try:
            body = decode_json(got)
            features = body["data"]["geojson"]
            if not isinstance(features, list):
                raise TypeError
        except ValueError as exc:
            return str(exc)
        except (KeyError, TypeError):
            errors = body.get("errors") if isinstance(body, dict) else None
            detail = json.dumps(errors)[:200] if errors else "no data.geojson"
            return f"unexpected NMS response: {detail}"
        out = []
        for feature in features:
            try:
                fields = feature["properties"]["coreNOTAMData"]["notam"]
            except (KeyError, TypeError):
                continue
            # one bad record is a record with issues, never the end of the response
            notam = guarded(_feature_notam, feature, "nms_geojson")
            nms_id = fields.get("id") if isinstance(fields, dict) else None
            out.append((str(nms_id or notam.key), notam))
        return out

    def _full(
        self, now: datetime, loc: str, out: Scopes
    ) -> Generator[httpx.Request, httpx.Response, None]:
        area = self._areas.get(loc)
        where = (
            {"location": loc}
            if area is None
            else {
                "latitude": f"{area.lat:.6f}",
                "longitude": f"{area.lon:.6f}",
                "radius": str(area.radius_nm),
            }
        )
        got = yield from self._get(now, NOTAMS_PATH, where)
        features = self._features(got)
        if isinstance(features, str):
            out.fail([loc], features)
            self.resync.add(loc)
            return
        for _, notam in features:
            out.add(loc, notam)
        self.resync.discard(loc)
        if self.mode == "delta" and area is None:
            self.known[loc] = {nms_id: notam_json(n) for nms_id, n in features}

    def _delta(
        self, now: datetime, loc: str, since: datetime, out: Scopes
    ) -> Generator[httpx.Request, httpx.Response, None]:
        got = yield from self._get(
            now, NOTAMS_PATH, {"location": loc, "lastUpdatedDate": iso(since)}
        )
        features = self._features(got)
        if isinstance(features, str):
            out.fail([loc], f"delta: {features}")
            self.resync.add(loc)
            return
        known = self.known.setdefault(loc, {})
        cancels: list[Notam] = []
        for nms_id, notam in features:
            if notam.type == "C":
                cancels.append(notam)
            if notam.ref_key:
                for other, data in list(known.items()):
                    if data.get("key") == notam.ref_key:
                        del known[other]
            if notam.type != "C" and not _cancelled(notam):
                known[nms_id] = notam_json(notam)
            else:
                known.pop(nms_id, None)
        for data in known.values():
            out.add(loc, Notam.from_json(data))
        if not self.checklist:
            out.fail([loc], "delta only (no checklist check)")
            self.resync.discard(loc)  # the delta was read: the next one follows on
        else:
            got = yield from self._get(now, CHECKLIST_PATH, {"location": loc})
            reason = _checklist_mismatch(got, set(known))
            if reason:
                out.fail([loc], f"delta: {reason}")
                self.resync.add(loc)
            else:
                self.resync.discard(loc)
        if loc in out.reasons and out.reasons[loc]:
            for notam in cancels:
                out.add(loc, notam)


def _feature_notam(feature: Any) -> Notam:
    core = feature["properties"]["coreNOTAMData"]
    texts = [
        str(t.get("simpleText") or t.get("formattedText") or "")
        for t in core.get("notamTranslation") or ()
        if isinstance(t, dict)
    ]
    return structured_notam(
        core["notam"],
        source_format="nms_geojson",
        raw=json.dumps(feature, sort_keys=True),
        extra_text=texts,
    )


def _cancelled(notam: Notam) -> bool:
    """A delta record that is no longer in force (``cancelationDate`` set)."""
    try:
        return bool(
            json.loads(notam.raw)["properties"]["coreNOTAMData"]["notam"].get("cancelationDate")
        )
    except (ValueError, KeyError, TypeError):
        return False


def _checklist_mismatch(got: Fetched, ids: set[str]) -> str | None:
    if isinstance(got, str):
        return f"checklist: {got}"
    if got.status_code != 200:
        return f"checklist: {describe(got)}"
    try:
        rows = decode_json(got)["data"]["checklist"]
        listed = {str(row["id"]) for row in rows}
    except ValueError as exc:
        return f"checklist: {exc}"
    except (KeyError, TypeError):
        return "checklist: no data.checklist"
    if listed != ids:
        return f"checklist differs ({len(listed - ids)} missing, {len(ids - listed)} extra)"
    return None
