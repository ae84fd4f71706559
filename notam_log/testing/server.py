"""A loopback NOTAM test server that speaks every source's protocol from recorded payloads.

Used by the tests and the offline demo. It binds 127.0.0.1 only, on a free port::

    with NotamTestServer(icao_records=[...], api_key="k") as server:
        server.fail("icao", "429", "500")       # the next two ICAO requests fail
        ... SourceConfig(base_url=server.base_url) ...
        server.requests                          # what it received

Routes (``fail`` names): ``pib``, ``search``, ``nms_token``, ``nms_notams``,
``nms_checklist``, ``v1``, ``icao``, ``tfr_list``, ``tfr_detail``, ``telegram`` (a
channel's web preview ``/s/<channel>``, paged with ``?before=ID``; a channel it does not
hold answers 200 with Telegram's generic page), ``ais_index`` and ``ais_file`` (the
Russian AIS series index and files, windows-1251). Faults, consumed
one per request of that route: ``"429"`` (with ``Retry-After: 1``), ``"500"``,
``"503"``, ``"bot"`` (403 Akamai "Access Denied" HTML), ``"timeout"`` (no answer for
``timeout_sleep`` seconds), ``"slow"`` (half the body, then a pause of
``timeout_sleep``), ``"truncated"`` (half the body, then the connection closes),
``"invalid"`` (a body that is not JSON/XML), ``"empty"`` (200 with no body),
``"short_count"`` (claims more NOTAMs/pages than it has), ``"expired_token"``
(401 "Access Token is Invalid or Expired"), ``"call_limit"`` ("Reach call limit").

Hostile answers (issue 18): ``"gzip_bomb"`` (``Content-Encoding: gzip``, 3 MB that
unpack to 3 GB of zeros), ``"raw_gzip_bomb"`` (the same bytes as the body itself),
``"endless"`` (a chunked body that never ends; the server stops after
``ENDLESS_MAX`` bytes or when the client hangs up), ``"trickle"`` (the body one byte
every ``trickle_every`` seconds, at most ``TRICKLE_MAX`` bytes), and
``"hostile"`` (200 with the bytes given to :meth:`NotamTestServer.hostile`).
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import math
import secrets
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from notam_log.core.models import Post
from notam_log.core.values import parse_coords
from notam_log.testing.channel import UNKNOWN_CHANNEL_PAGE, ais_index, channel_page

ROUTES: Mapping[str, str] = {
    "/operational/pibs/PIB.xml": "pib",
    "/notamSearch/search": "search",
    "/v1/auth/token": "nms_token",
    "/nmsapi/v1/notams": "nms_notams",
    "/nmsapi/v1/notams/checklist": "nms_checklist",
    "/notamapi/v1/notams": "v1",
    "/dataservices/api/notams-realtime-list": "icao",
    "/tfrapi/getTfrList": "tfr_list",
}
FAULTS = frozenset(
    {
        "429", "500", "503", "bot", "timeout", "slow", "truncated", "invalid",
        "empty", "short_count", "expired_token", "call_limit",
        "gzip_bomb", "raw_gzip_bomb", "endless", "trickle", "hostile",
    }
)  # fmt: skip
MAX_SLEEP = 10.0
AIS_PATH = "/ANI_Official/notam/notam_series/"

#: Bounds of the hostile answers: the server always stops by itself.
ENDLESS_MAX = 4 * 1024**3
TRICKLE_MAX = 60
BOMB_SIZE = 3 * 1024**3


@functools.lru_cache(maxsize=2)
def gzip_bomb(size: int = BOMB_SIZE) -> bytes:
    """One gzip member that unpacks to ``size`` zero bytes (3 GB: about 3 MB), made in
    a second or two: deflate blocks ended by a full flush do not refer back, so the
    block for 16 MB of zeros is made once and repeated."""
    block = bytes(16 * 1024 * 1024)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    count, rest = divmod(size, len(block))
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    last = tail.compress(bytes(rest)) + tail.flush()
    crc = zlib.crc32(bytes(rest), crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = crc.to_bytes(4, "little") + (size % 2**32).to_bytes(4, "little")
    return header + segment * count + last + trailer


BOT_PAGE = (
    b"<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n \n"
    b"You don't have permission to access \"http&#58;&#47;&#47;notams&#46;aim&#46;faa&#46;gov"
    b'&#47;notamSearch&#47;search" on this server.<P>\n'
    b"Reference&#32;&#35;18&#46;5e3f1402&#46;1700000000&#46;1a2b3c4d\n</BODY>\n</HTML>\n"
)


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request the server received."""

    method: str
    path: str
    route: str | None
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # lower-case names
    form: Mapping[str, list[str]]
    body: bytes


@dataclass
class _Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class NotamTestServer:
    """A ThreadingHTTPServer on 127.0.0.1 in a background thread; a context manager."""

    def __init__(
        self,
        *,
        pib_snapshots: Sequence[bytes] = (),
        search_entries: Sequence[Mapping[str, Any]] = (),
        search_page_size: int = 30,
        nms_features: Sequence[Mapping[str, Any]] = (),
        nms_delta_features: Sequence[Mapping[str, Any]] | None = None,
        v1_items: Sequence[Mapping[str, Any]] = (),
        icao_records: Sequence[Mapping[str, Any]] = (),
        tfr_list: Sequence[Mapping[str, Any]] = (),
        tfr_details: Mapping[str, bytes] | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        api_key: str | None = None,
        token_ttl: int = 1799,
        timeout_sleep: float = 1.0,
        delay: float = 0.0,
        channels: Mapping[str, Sequence[Post]] | None = None,
        ais_files: Mapping[str, bytes] | None = None,
        clock: Callable[[], datetime] | None = None,
        trickle_every: float = 1.0,
    ) -> None:
        self.pib_snapshots = [_gunzip(b) for b in pib_snapshots]
        self.pib_index = 0
        self.search_entries = list(search_entries)
        self.search_page_size = search_page_size
        self.nms_features = list(nms_features)
        self.nms_delta_features = (
            list(nms_delta_features) if nms_delta_features is not None else None
        )
        self.v1_items = list(v1_items)
        self.icao_records = list(icao_records)
        self.tfr_list = list(tfr_list)
        self.tfr_details = dict(tfr_details or {})
        self.client_id = client_id
        self.client_secret = client_secret
        self.api_key = api_key
        self.token_ttl = token_ttl
        self.timeout_sleep = min(MAX_SLEEP, timeout_sleep)
        self.trickle_every = min(MAX_SLEEP, trickle_every)
        self.hostile_body = b""
        #: Every answer waits this long (a slow service, for benchmarks).
        self.delay = min(MAX_SLEEP, delay)
        #: Telegram channels: name -> posts (a post shows once ``clock()`` reaches its time).
        self.channels: dict[str, list[Post]] = {
            name.lower(): list(posts) for name, posts in (channels or {}).items()
        }
        #: Russian AIS series files: name -> bytes (listed once ``clock()`` reaches the
        #: time in its name; the index lists the newest file of each series).
        self.ais_files = dict(ais_files or {})
        #: The time the channels and the AIS index are shown at (None: everything shows).
        self.clock = clock
        self.tokens: dict[str, float] = {}  # token -> monotonic expiry
        self.requests: list[Recorded] = []
        self._faults: dict[str, deque[str]] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ------------------------------------------------------------------

    def fail(self, route: str, *faults: str) -> None:
        """Queue faults for the next requests of ``route`` (one fault per request)."""
        if route not in set(ROUTES.values()) | {"tfr_detail", "telegram", "ais_index", "ais_file"}:
            raise ValueError(f"unknown route {route!r}")
        for fault in faults:
            if fault not in FAULTS:
                raise ValueError(f"unknown fault {fault!r}")
        with self._lock:
            self._faults.setdefault(route, deque()).extend(faults)

    def hostile(self, route: str, body: bytes, times: int = 1) -> None:
        """The next ``times`` requests of ``route`` get 200 and ``body`` as it is."""
        self.hostile_body = body
        self.fail(route, *["hostile"] * times)

    def clear_faults(self, route: str | None = None) -> None:
        """Drop the faults still queued (for one route, or all)."""
        with self._lock:
            if route is None:
                self._faults.clear()
            else:
                self._faults.pop(route, None)

    def expire_tokens(self) -> None:
        """Make every issued NMS token expired (the next data request gets a 401)."""
        with self._lock:
            self.tokens = {t: 0.0 for t in self.tokens}

    def add_posts(self, channel: str, *posts: Post) -> None:
        """Publish posts on a channel (or replace posts of the same id: an edit)."""
        with self._lock:
            pool = self.channels.setdefault(channel.lower(), [])
            ids = {p.id for p in posts}
            pool[:] = [p for p in pool if p.id not in ids] + list(posts)

    def count(self, route: str) -> int:
        return sum(1 for r in self.requests if r.route == route)

    def of(self, route: str) -> list[Recorded]:
        return [r for r in self.requests if r.route == route]

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> NotamTestServer:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

    # -- handling -----------------------------------------------------------------

    def _next_fault(self, route: str | None) -> str | None:
        with self._lock:
            queue = self._faults.get(route or "")
            return queue.popleft() if queue else None

    def handle(self, rec: Recorded) -> tuple[_Reply, str | None]:
        fault = self._next_fault(rec.route)
        if fault in ("429", "500", "503"):
            headers = {"Retry-After": "1"} if fault == "429" else {}
            return _Reply(int(fault), b'{"message":"try later"}', headers=headers), None
        if fault == "bot":
            return _Reply(403, BOT_PAGE, "text/html"), None
        if fault == "call_limit":
            return _Reply(200, b"Reach call limit", "text/plain"), None
        if fault == "expired_token":
            return _expired(), None
        if fault == "empty":
            return _Reply(200, b""), None
        if fault == "hostile":
            return _Reply(200, self.hostile_body, "application/xml"), None
        if fault == "gzip_bomb":
            return _Reply(200, gzip_bomb(), "application/xml", {"Content-Encoding": "gzip"}), None
        if fault == "raw_gzip_bomb":
            return _Reply(200, gzip_bomb(), "application/octet-stream"), None
        if fault in ("endless", "trickle"):
            return self._route(rec, short=False), fault
        if fault == "invalid":
            if rec.route in ("pib", "tfr_detail"):
                return _Reply(200, b"<html><body>Service maintenance", "text/html"), None
            return _Reply(200, b"<html><body>Service maintenance</body></html>", "text/html"), None
        if fault in ("timeout", "slow", "truncated") and rec.route == "pib":
            # a body fault needs a body: answer in full even to a conditional request
            rec = Recorded(
                rec.method,
                rec.path,
                rec.route,
                rec.query,
                {k: v for k, v in rec.headers.items() if k != "if-none-match"},
                rec.form,
                rec.body,
            )
        reply = self._route(rec, short=fault == "short_count")
        return reply, fault if fault in ("timeout", "slow", "truncated") else None

    def _route(self, rec: Recorded, *, short: bool) -> _Reply:
        route = rec.route
        if route == "pib":
            return self._pib(rec)
        if route == "search":
            return self._search(rec, short)
        if route == "nms_token":
            return self._token(rec)
        if route in ("nms_notams", "nms_checklist"):
            if not self._token_ok(rec):
                return _expired()
            return self._nms(rec, checklist=route == "nms_checklist")
        if route == "v1":
            return self._v1(rec, short)
        if route == "icao":
            return self._icao(rec)
        if route == "tfr_list":
            return _json(self.tfr_list)
        if route == "telegram":
            return self._telegram(rec)
        if route == "ais_index":
            return self._ais_index()
        if route == "ais_file":
            return self._ais_file(rec)
        if route == "tfr_detail":
            name = rec.path.rsplit("/", 1)[-1].removeprefix("detail_").removesuffix(".xml")
            detail = self.tfr_details.get(name.replace("_", "/"))
            if detail is None:
                return _Reply(404, b"not found", "text/plain")
            return _Reply(200, detail, "text/xml")
        return _Reply(404, b'{"message":"no such route"}')

    def _pib(self, rec: Recorded) -> _Reply:
        if not self.pib_snapshots:
            return _Reply(404, b"no bulletin", "text/plain")
        with self._lock:
            body = self.pib_snapshots[min(self.pib_index, len(self.pib_snapshots) - 1)]
            self.pib_index += 1
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": formatdate(usegmt=True)}
        if rec.headers.get("if-none-match") == etag:
            return _Reply(304, b"", "application/xml", headers)
        return _Reply(200, body, "application/xml", headers)

    def _now(self) -> datetime | None:
        return self.clock() if self.clock is not None else None

    def _telegram(self, rec: Recorded) -> _Reply:
        channel = rec.path.removeprefix("/s/").strip("/").lower()
        with self._lock:
            posts = self.channels.get(channel)
            posts = list(posts) if posts is not None else None
        if posts is None:
            return _Reply(200, UNKNOWN_CHANNEL_PAGE, "text/html; charset=utf-8")
        now = self._now()
        shown = [p for p in posts if now is None or p.at <= now]
        raw = (rec.query.get("before") or [""])[0]
        before = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 16 else None
        name = shown[0].channel if shown else channel
        body = channel_page(name, shown, before=before, everything=posts)
        return _Reply(200, body, "text/html; charset=utf-8")

    def _ais_current(self) -> dict[str, str]:
        from notam_log.core.parse.ru_ais import series_file

        now = self._now()
        newest: dict[str, tuple[datetime, str]] = {}
        for name in self.ais_files:
            found = series_file(name)
            if found is None or (now is not None and found.issued > now):
                continue
            if found.series not in newest or found.issued > newest[found.series][0]:
                newest[found.series] = (found.issued, name)
        return {series: name for series, (_t, name) in newest.items()}

    def _ais_index(self) -> _Reply:
        names = sorted(self._ais_current().values())
        return _Reply(200, ais_index(names, self._now()), "text/html; charset=windows-1251")

    def _ais_file(self, rec: Recorded) -> _Reply:
        name = rec.path.removeprefix(AIS_PATH)
        body = self.ais_files.get(name)
        if body is None:
            return _Reply(404, b"<html><body>Not Found</body></html>", "text/html")
        return _Reply(200, body, "text/html; charset=windows-1251")

    def _search(self, rec: Recorded, short: bool) -> _Reply:
        wanted = _split(rec.form.get("designatorsForLocation"))
        if (rec.form.get("searchType") or ["0"])[0] == "3":  # latitude/longitude and radius
            f = {k: (v or [""])[0] for k, v in rec.form.items()}
            lat = _dms(f["latDegrees"], f["latMinutes"], f["latSeconds"], f["latitudeDirection"])
            lon = _dms(
                f["longDegrees"], f["longMinutes"], f["longSeconds"], f["longitudeDirection"]
            )
            radius = float(f["radius"])
            entries = [e for e in self.search_entries if _within(_map_pointer(e), lat, lon, radius)]
            wanted = {f"{lat:.4f},{lon:.4f} r{radius:g}"}
        else:
            entries = [
                e
                for e in self.search_entries
                if {str(e.get("icaoId", "")).upper(), str(e.get("facilityDesignator", "")).upper()}
                & wanted
            ]
        offset = int((rec.form.get("offset") or ["0"])[0] or 0)
        page = entries[offset : offset + self.search_page_size]
        total = len(entries) + (self.search_page_size if short else 0)
        return _json(
            {
                "notamList": page,
                "startRecordCount": offset + 1 if page else offset,
                "endRecordCount": offset + len(page),
                "totalNotamCount": total,
                "filteredResultCount": total,
                "criteriaCaption": "Locations: " + ",".join(sorted(wanted)),
                "searchDateTime": "01/01/2026 0000",
                "error": "",
                "countsByType": [],
                "requestID": 1,
            }
        )

    def _token(self, rec: Recorded) -> _Reply:
        if rec.form.get("grant_type") != ["client_credentials"]:
            return _Reply(400, b'{"error":"unsupported_grant_type"}')
        if self.client_id is not None:
            expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
            if rec.headers.get("authorization") != f"Basic {expected}":
                return _Reply(401, b'{"error":"invalid_client"}')
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = time.monotonic() + self.token_ttl
        return _json(
            {
                "access_token": token,
                "token_type": "BearerToken",
                "expires_in": str(self.token_ttl),
                "issued_at": str(int(time.time() * 1000)),
            }
        )

    def _token_ok(self, rec: Recorded) -> bool:
        auth = rec.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        with self._lock:
            expiry = self.tokens.get(token)
        return auth.startswith("Bearer ") and expiry is not None and time.monotonic() < expiry

    def _nms(self, rec: Recorded, *, checklist: bool) -> _Reply:
        location = (rec.query.get("location") or [""])[0].upper()
        delta = "lastUpdatedDate" in rec.query
        pool = (
            self.nms_delta_features
            if delta and self.nms_delta_features is not None
            else self.nms_features
        )
        if rec.query.get("latitude"):
            q = {k: v[0] for k, v in rec.query.items()}
            lat, lon, radius = float(q["latitude"]), float(q["longitude"]), float(q["radius"])
            features = _near(pool, lat, lon, radius)
        else:
            features = [f for f in pool if location in _nms_locations(f)]
        if checklist:
            rows = []
            for f in (f for f in self.nms_features if location in _nms_locations(f)):
                n = f["properties"]["coreNOTAMData"]["notam"]
                rows.append(
                    {
                        k: n.get(k)
                        for k in (
                            "id",
                            "classification",
                            "accountId",
                            "number",
                            "location",
                            "icaoLocation",
                            "lastUpdated",
                        )
                    }
                )
            return _json({"status": "Success", "data": {"checklist": rows}})
        if not checklist and rec.headers.get("nmsresponseformat") != "GEOJSON":
            return _Reply(
                400,
                b'{"status":"Error","errors":[{"code":"400",'
                b'"message":"nmsResponseFormat required"}]}',
            )
        return _json({"status": "Success", "data": {"geojson": features}})

    def _v1(self, rec: Recorded, short: bool) -> _Reply:
        if self.client_id is not None and (
            rec.headers.get("client_id") != self.client_id
            or rec.headers.get("client_secret") != self.client_secret
        ):
            return _Reply(401, b'{"error":"invalid client id or secret"}')
        location = (rec.query.get("icaoLocation") or [""])[0].upper()
        if rec.query.get("locationLatitude"):
            q = {k: v[0] for k, v in rec.query.items()}
            lat, lon = float(q["locationLatitude"]), float(q["locationLongitude"])
            radius = float(q["locationRadius"])
            items = _near(self.v1_items, lat, lon, radius)
        else:
            items = [
                i
                for i in self.v1_items
                if str(i["properties"]["coreNOTAMData"]["notam"].get("icaoLocation", "")).upper()
                == location
            ]
        size = int((rec.query.get("pageSize") or ["50"])[0])
        num = int((rec.query.get("pageNum") or ["1"])[0])
        pages = max(1, -(-len(items) // size)) + (1 if short else 0)
        page = items[(num - 1) * size : num * size]
        return _json(
            {
                "pageSize": size,
                "pageNum": num,
                "totalCount": len(items) + (size if short else 0),
                "totalPages": pages,
                "items": page,
            }
        )

    def _icao(self, rec: Recorded) -> _Reply:
        if self.api_key is not None and rec.query.get("api_key") != [self.api_key]:
            return _Reply(403, b'{"message":"invalid api key"}')
        wanted = _split(rec.query.get("locations"))
        return _json([r for r in self.icao_records if str(r.get("location", "")).upper() in wanted])


class _Handler(BaseHTTPRequestHandler):
    owner: NotamTestServer
    protocol_version = "HTTP/1.0"
    server_version = "notam-log-testserver"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        try:
            self._serve()
        except (BrokenPipeError, ConnectionResetError):
            # the client gave up on purpose (a size limit, a deadline): not a server error
            self.close_connection = True

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1_000_000)) if length else b""
        form: dict[str, list[str]] = {}
        if "form-urlencoded" in (self.headers.get("Content-Type") or ""):
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        route = ROUTES.get(split.path)
        if route is None and split.path.startswith("/download/detail_"):
            route = "tfr_detail"
        elif route is None and split.path.startswith("/s/"):
            route = "telegram"
        elif route is None and split.path == AIS_PATH:
            route = "ais_index"
        elif route is None and split.path.startswith(AIS_PATH):
            route = "ais_file"
        rec = Recorded(
            method=self.command,
            path=split.path,
            route=route,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            form=form,
            body=body,
        )
        owner = self.owner
        with owner._lock:
            owner.requests.append(rec)
        reply, mode = owner.handle(rec)
        if owner.delay:
            time.sleep(owner.delay)
        if mode in ("endless", "trickle"):
            self._hostile_stream(reply, mode)
            return
        if mode == "timeout":
            time.sleep(owner.timeout_sleep)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if mode in ("slow", "truncated"):
            self.end_headers()
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.wfile.flush()
            if mode == "slow":
                time.sleep(owner.timeout_sleep)
                self.wfile.write(reply.body[len(reply.body) // 2 :])
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.status != 304 and self.command != "HEAD":
            self.wfile.write(reply.body)

    def _hostile_stream(self, reply: _Reply, mode: str | None) -> None:
        """``endless``: HTTP/1.1 chunked, never ending; ``trickle``: one byte at a time."""
        self.close_connection = True
        try:
            if mode == "endless":
                self.protocol_version = "HTTP/1.1"
                self.send_response(200)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                _endless(self)
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            for byte in reply.body[:TRICKLE_MAX]:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(self.owner.trickle_every)
        except OSError:  # the client hung up: what the test wanted
            return


def _endless(handler: _Handler) -> None:
    """A chunked body that never ends (until ENDLESS_MAX or the client hangs up)."""
    chunk = b"<Notam>" + b"A" * 65_000 + b"</Notam>"
    line = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    while sent < ENDLESS_MAX:
        handler.wfile.write(line)
        sent += len(chunk)


def _json(value: Any) -> _Reply:
    return _Reply(200, json.dumps(value).encode())


def _expired() -> _Reply:
    return _Reply(
        401,
        json.dumps(
            {
                "timestamp": "2026-01-01T00:00:00Z",
                "status": 401,
                "message": "Access Token is Invalid or Expired",
            }
        ).encode(),
    )


def _split(values: Iterable[str] | None) -> set[str]:
    return {p.strip().upper() for v in values or () for p in v.split(",") if p.strip()}


def _nms_locations(feature: Mapping[str, Any]) -> set[str]:
    n = feature["properties"]["coreNOTAMData"]["notam"]
    return {str(n.get("location", "")).upper(), str(n.get("icaoLocation", "")).upper()}


def _dms(deg: str, minutes: str, sec: str, hemisphere: str) -> float:
    value = int(deg or 0) + int(minutes or 0) / 60 + float(sec or 0) / 3600
    return -value if hemisphere in ("S", "W") else value


def _map_pointer(entry: Mapping[str, Any]) -> tuple[float, float] | None:
    """``POINT(lon lat)`` of a NOTAM Search entry -> (lat, lon)."""
    text = str(entry.get("mapPointer") or "")
    if not text.startswith("POINT(") or not text.endswith(")"):
        return None
    try:
        lon, lat = (float(x) for x in text[6:-1].split())
    except ValueError:
        return None
    return lat, lon


def _near(
    features: Sequence[Mapping[str, Any]], lat: float, lon: float, radius_nm: float
) -> list[Mapping[str, Any]]:
    """The GeoJSON NOTAM features (FAA NMS or API v1) whose coordinates lie within
    ``radius_nm`` of (lat, lon)."""
    return [
        f
        for f in features
        if _within(
            parse_coords(str(f["properties"]["coreNOTAMData"]["notam"].get("coordinates") or "")),
            lat,
            lon,
            radius_nm,
        )
    ]


def _within(point: tuple[float, float] | None, lat: float, lon: float, radius_nm: float) -> bool:
    """Great-circle distance from (lat, lon) to ``point``, in NM, at most ``radius_nm``."""
    if point is None:
        return False
    p1, p2 = math.radians(lat), math.radians(point[0])
    dl = math.radians(point[1] - lon)
    cos = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos)))) * 60 <= radius_nm


def _gunzip(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def load_pib_folder(folder: str | Path, pattern: str = "PIB-*.xml.gz") -> list[bytes]:
    """The bulletins of a folder of ``PIB-*.xml.gz`` snapshots, in name (time) order."""
    return [p.read_bytes() for p in sorted(Path(folder).glob(pattern))]
