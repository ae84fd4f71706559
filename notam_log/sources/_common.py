"""Helpers shared by the source adapters: requests, secrets, options, batching, scopes."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Generator, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from notam_log import __version__
from notam_log.core.checks import one_per_key
from notam_log.core.config import SourceConfig
from notam_log.core.errors import ConfigError, SourceError
from notam_log.core.known import Circle, Reach
from notam_log.core.models import Notam, Snapshot
from notam_log.core.numbers import shown

USER_AGENT = f"notam-log/{__version__} (+https://github.com/notam-log/notam-log)"

#: A request/response exchange as seen by an adapter: the response, or a one-line
#: reason why no usable response came (the driver gave up after its retries).
Fetched = httpx.Response | str


class Secret:
    """A credential read from the environment. Its repr and str never show the value."""

    __slots__ = ("_value", "env")

    def __init__(self, value: str, env: str) -> None:
        self._value = value
        self.env = env

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret(env={self.env!r})"

    __str__ = __repr__


def fetch(request: httpx.Request) -> Generator[httpx.Request, httpx.Response, Fetched]:
    """Yield one request; return its response, or the reason the driver gave up.

    The driver (``notam_log.shell.http.run_source``) throws a :class:`SourceError` into the
    generator when the request still failed after its retries; that error is turned
    into a reason here so that only the affected scopes become incomplete.
    """
    try:
        response = yield request
    except SourceError as exc:
        return str(exc) or type(exc).__name__
    return response


def make_request(
    method: str,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
) -> httpx.Request:
    """An ``httpx.Request`` that carries notam-log's honest User-Agent."""
    all_headers = {"User-Agent": USER_AGENT}
    all_headers.update(headers or {})
    return httpx.Request(method, url, params=params, headers=all_headers, data=data)


def base(cfg: SourceConfig, default: str) -> str:
    """The scheme and host (and optional path prefix) to use, without a trailing slash."""
    return (cfg.base_url or default).rstrip("/")


def env_secret(cfg: SourceConfig, env: Mapping[str, str], key: str) -> Secret:
    """Read the credential whose environment variable is named by option ``key``."""
    var = cfg.options.get(key)
    if not isinstance(var, str) or not var:
        raise ConfigError(
            f"{cfg.where} ({cfg.kind}): {key}: required (the name of an environment variable)"
        )
    value = env.get(var)
    if not value:
        raise ConfigError(f"{cfg.where} ({cfg.kind}): {key}: environment variable {var} is not set")
    return Secret(value, var)


def option(cfg: SourceConfig, key: str, kind: type, default: Any) -> Any:
    """A kind-specific option with its type checked (config.py checks too)."""
    value = cfg.options.get(key, default)
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if not ok:
        raise ConfigError(f"{cfg.where} ({cfg.kind}): {key}: expected {kind.__name__}")
    return value


def need_locations(cfg: SourceConfig) -> tuple[str, ...]:
    locations = tuple(loc.strip().upper() for loc in cfg.locations if loc.strip())
    if not locations:
        raise ConfigError(f"{cfg.where} ({cfg.kind}): locations: at least one location is required")
    return locations


@dataclasses.dataclass(frozen=True, slots=True)
class Area:
    """A circle to poll: centre in decimal degrees, radius in nautical miles."""

    lat: float
    lon: float
    radius_nm: int

    @property
    def scope(self) -> str:
        """The scope name of the area's snapshots: ``AREA 56.8283,53.4575 25NM``."""
        return f"AREA {self.lat:.4f},{self.lon:.4f} {self.radius_nm}NM"

    def dms(self) -> tuple[tuple[int, int, int, str], tuple[int, int, int, str]]:
        """(degrees, minutes, seconds, N/S) and (degrees, minutes, seconds, E/W)."""

        def split(value: float, pos: str, neg: str) -> tuple[int, int, int, str]:
            total = round(abs(value) * 3600)
            return total // 3600, total // 60 % 60, total % 60, pos if value >= 0 else neg

        return split(self.lat, "N", "S"), split(self.lon, "E", "W")


_AREA_SCOPE = re.compile(r"AREA (-?\d{1,3}(?:\.\d+)?),(-?\d{1,3}(?:\.\d+)?) (\d{1,4})NM")
_LOCATION_SCOPE = re.compile(r"[A-Z][A-Z0-9]{3}")


def scope_reach(scope: str) -> Reach | None:
    """The reach of a scope named as the location and area sources name theirs: a
    location (``USII``: all the NOTAMs of USII) or an area (``AREA 56.8283,53.4575 25NM``:
    the NOTAMs of the places inside it). None for any other name."""
    if _LOCATION_SCOPE.fullmatch(scope):
        return Reach(locations=frozenset({scope}), label=scope)
    m = _AREA_SCOPE.fullmatch(scope)
    if m:
        circle = Circle(float(m.group(1)), float(m.group(2)), float(m.group(3)))
        return Reach(areas=(circle,), label=f"within {m.group(3)} NM of {m.group(1)},{m.group(2)}")
    return None


def areas_option(cfg: SourceConfig, max_radius: int = 100) -> tuple[Area, ...]:
    """The ``areas`` option: ``["lat,lon,radius_nm", ...]`` (decimal degrees, NM)."""
    raw = cfg.options.get("areas", [])
    where = f"{cfg.where} ({cfg.kind}): areas"
    if not isinstance(raw, list):
        raise ConfigError(f'{where}: expected a list such as ["56.828,53.457,25"]')
    out = []
    for i, item in enumerate(raw):
        parts = str(item).split(",") if isinstance(item, str) else []
        try:
            lat, lon, radius = float(parts[0]), float(parts[1]), int(parts[2])
        except (IndexError, ValueError):
            raise ConfigError(
                f'{where}[{i}]: expected "latitude,longitude,radius_nm" such as "56.828,53.457,25",'
                f" got {item!r}"
            ) from None
        if len(parts) != 3 or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ConfigError(f"{where}[{i}]: {item!r} is not a position and a radius")
        if not 1 <= radius <= max_radius:
            raise ConfigError(
                f"{where}[{i}]: the radius must be 1 to {max_radius} NM, not {radius}"
            )
        out.append(Area(lat, lon, radius))
    return tuple(out)


def need_locations_or_areas(cfg: SourceConfig) -> tuple[tuple[str, ...], tuple[Area, ...]]:
    """Configured locations and areas; at least one of them."""
    locations = tuple(loc.strip().upper() for loc in cfg.locations if loc.strip())
    areas = areas_option(cfg)
    if not locations and not areas:
        raise ConfigError(
            f"{cfg.where} ({cfg.kind}): locations: at least one location (or an area) is required"
        )
    return locations, areas


def batched(items: Sequence[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(items[i : i + size]) for i in range(0, len(items), size)]


def describe(response: httpx.Response) -> str:
    """``HTTP 503 from host/path`` (never the query string: it may hold a key)."""
    url = response.request.url if response._request is not None else None
    where = f" from {url.host}{url.path}" if url is not None else ""
    return f"HTTP {response.status_code}{where}"


def decode_json(response: httpx.Response) -> Any:
    """The JSON body, or raise ValueError with a one-line reason."""
    body = response.content
    if not body.strip():
        raise ValueError("empty body")
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({len(body)} bytes): {exc.msg}") from None
    except UnicodeDecodeError:
        raise ValueError(f"invalid JSON ({len(body)} bytes): not UTF-8") from None
    except RecursionError:  # [[[[... 100,000 deep
        raise ValueError(f"invalid JSON ({len(body)} bytes): nested too deep") from None
    except ValueError as exc:  # a number past Python's 4,300 digits
        raise ValueError(f"invalid JSON ({len(body)} bytes): {shown(str(exc), 80)}") from None


def is_bot_page(response: httpx.Response) -> bool:
    """An Akamai-style "Access Denied" page (HTML, usually HTTP 403)."""
    if response.status_code not in (200, 403):
        return False
    head = response.content[:4000].lower()
    return b"access denied" in head and (b"<html" in head or response.status_code == 403)


class Scopes:
    """Collects NOTAMs per scope and marks scopes incomplete with a reason."""

    def __init__(self, source: str, scopes: Iterable[str], now: datetime) -> None:
        self.source = source
        self.now = now
        self.notams: dict[str, list[Notam]] = {s: [] for s in scopes}
        self.reasons: dict[str, list[str]] = {s: [] for s in self.notams}

    def add(self, scope: str, notam: Notam) -> None:
        self.notams[scope].append(notam)

    def fail(self, scopes: Iterable[str], reason: str) -> None:
        for scope in scopes:
            if reason not in self.reasons[scope]:
                self.reasons[scope].append(reason)

    def snapshots(self) -> list[Snapshot]:
        out = []
        for scope, notams in self.notams.items():
            reasons = self.reasons[scope]
            out.append(
                Snapshot(
                    source=self.source,
                    scope=scope,
                    taken_at=self.now,
                    # one per key, never chosen by order (core.checks)
                    notams=one_per_key(notams),
                    complete=not reasons,
                    reason="; ".join(reasons) if reasons else None,
                )
            )
        return out


def assign(notam: Notam, batch: Sequence[str], *hints: str | None) -> list[str]:
    """The queried locations a returned NOTAM belongs to.

    Matched on the record's own location fields (``hints``) and on the NOTAM's item A
    locations; a NOTAM that matches none of them was still returned for this batch, so
    it goes to every location of the batch (being listed too widely never makes a NOTAM
    look withdrawn; being dropped would).
    """
    names = {h.upper() for h in hints if h} | set(notam.locations)
    hit = [loc for loc in batch if loc in names]
    return hit or list(batch)


def incomplete_all(
    source: str, scopes: Iterable[str], now: datetime, reason: str
) -> list[Snapshot]:
    return [Snapshot(source, s, now, (), complete=False, reason=reason) for s in scopes]


def utc_midnight_after(now: datetime) -> datetime:
    day = now.astimezone(UTC).date()
    from datetime import timedelta

    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
