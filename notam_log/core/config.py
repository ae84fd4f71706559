"""config.toml's tables -> frozen dataclasses, with one-line errors naming file, table and key.

Pure: :func:`parse_config` validates a parsed TOML document (a dict) and the
environment it is given. Finding and reading the file is the shell's
(:mod:`notam_log.shell.settings`); the options that only some source kinds take are
checked by :func:`notam_log.sources.build_source`, which knows the kinds.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from notam_log.core.errors import ConfigError
from notam_log.core.limits import DEFAULT_DEADLINE, DEFAULT_MAX_BYTES, MAX_MAX_BYTES
from notam_log.core.models import CATEGORIES, DEFAULT_RESTRICTIONS


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """One ``[[sources]]`` table.

    ``options`` holds the keys that only some kinds take (``client_id_env``,
    ``path``, ``area``, ...); each source kind declares which it accepts.
    """

    kind: str
    name: str
    enabled: bool = True
    locations: tuple[str, ...] = ()
    interval: float = 3600.0  # seconds
    #: False when the table gave no interval: the kind's own default then applies
    #: (:func:`notam_log.sources.checked`; ``telegram`` polls every 300 s).
    interval_given: bool = True
    base_url: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    #: The most one response may hold once decoded, and take from request to last byte.
    max_bytes: int = DEFAULT_MAX_BYTES
    deadline: float = DEFAULT_DEADLINE
    #: For error messages: file and table, without the kind. The adapters'
    #: ConfigErrors add `` (kind)`` themselves: ``config.toml: sources[0] (faa_search): ...``.
    where: str = "config.toml: sources[0]"


@dataclass(frozen=True, slots=True)
class DigestConfig:
    time: str = "06:00"  # when the daily digest is made, in ``timezone``
    timezone: str = "UTC"
    formats: tuple[str, ...] = ("md", "html", "json")
    folder: str | None = None
    send: bool = False


@dataclass(frozen=True, slots=True)
class ExportConfig:
    """``[export]``: the folder where ``run`` keeps feed.atom, closures.ics and
    notams.geojson current after each poll (None: no exports)."""

    folder: str | None = None
    days: int = 90  # how far back the feed and the calendar go
    limit: int = 500  # the feed's newest events


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    kind: str  # email, webhook, apprise
    name: str
    options: Mapping[str, Any] = field(default_factory=dict)
    where: str = "config.toml: notify[0]"


@dataclass(frozen=True, slots=True)
class Config:
    path: str  # where it was read from ("<built-in>" for the default)
    database: str
    locations: tuple[str, ...] = ()  # the watch list (empty: everything polled)
    restrictions: frozenset[str] = DEFAULT_RESTRICTIONS
    withdraw_after: int = 2
    suspect_ratio: float = 0.5
    tick_interval: float = 60.0
    sources: tuple[SourceConfig, ...] = ()
    digest: DigestConfig = DigestConfig()
    notify: tuple[NotifyConfig, ...] = ()
    export: ExportConfig = ExportConfig()
    raw: Mapping[str, Any] = field(default_factory=dict)


_TOP = {
    "database", "watch", "classification", "detection", "sources", "digest", "notify", "export",
}  # fmt: skip


#: Where the database is when the file names none and no data folder is given.
DEFAULT_DATABASE = "notam-log.db"


def parse_config(
    data: Mapping[str, Any],
    name: str,
    env: Mapping[str, str],
    default_database: str = DEFAULT_DATABASE,
) -> Config:
    """Validate a parsed config file named ``name`` (for messages), table by table.
    ``database`` is kept as written (``~`` is the shell's to expand);
    ``default_database`` stands in when the file names none."""
    _no_unknown(data, _TOP, name)
    database = _get(data, "database", str, name, default_database)
    if not database.strip() or not _printable(database):
        raise ConfigError(
            f"{name}: database: expected the path of a database file, got {database!r}"
        )

    watch = _table(data, "watch", name)
    _no_unknown(watch, {"locations"}, f"{name}: [watch]")
    locations = _watch_places(watch.get("locations", []), f"{name}: [watch]: locations")
    restrictions = _restrictions(_table(data, "classification", name), name)
    withdraw_after, suspect_ratio, tick = _detection(_table(data, "detection", name), name)
    sources = _sources(data.get("sources", []), name, env)
    digest = _digest(_table(data, "digest", name), name)
    raw_notify = data.get("notify", [])
    if not isinstance(raw_notify, list):
        raise ConfigError(f"{name}: notify: expected [[notify]] tables")
    notify = tuple(_notify(t, i, name) for i, t in enumerate(raw_notify))
    export = _export(_table(data, "export", name), f"{name}: [export]")
    return Config(
        path=name,
        database=database,
        locations=locations,
        restrictions=restrictions,
        withdraw_after=withdraw_after,
        suspect_ratio=suspect_ratio,
        tick_interval=tick,
        sources=sources,
        digest=digest,
        notify=notify,
        export=export,
        raw=data,
    )


def _restrictions(cls: Mapping[str, Any], name: str) -> frozenset[str]:
    """``[classification] restrictions``: the categories that count as restrictions."""
    _no_unknown(cls, {"restrictions"}, f"{name}: [classification]")
    restr = _get(
        cls, "restrictions", list, f"{name}: [classification]", sorted(DEFAULT_RESTRICTIONS)
    )
    for i, cat in enumerate(restr):
        if cat not in CATEGORIES:
            raise ConfigError(
                f"{name}: [classification]: restrictions[{i}]: unknown category {cat!r}"
                f" (expected one of {', '.join(CATEGORIES)})"
            )
    return frozenset(restr)


def _detection(det: Mapping[str, Any], name: str) -> tuple[int, float, float]:
    """``[detection]``: withdraw_after, suspect_ratio and tick_interval."""
    where = f"{name}: [detection]"
    _no_unknown(det, {"withdraw_after", "suspect_ratio", "tick_interval"}, where)
    withdraw_after = _get(det, "withdraw_after", int, where, 2)
    if not 1 <= withdraw_after <= 1000:
        raise ConfigError(f"{where}: withdraw_after: expected a whole number from 1 to 1000")
    suspect_ratio = float(_get(det, "suspect_ratio", (int, float), where, 0.5))
    if not 0 <= suspect_ratio <= 1:
        raise ConfigError(f"{where}: suspect_ratio: expected a number from 0 to 1")
    tick = _seconds(det, "tick_interval", where, 60, 1, DAY)
    return withdraw_after, suspect_ratio, tick


def _sources(raw: Any, name: str, env: Mapping[str, str]) -> tuple[SourceConfig, ...]:
    """The ``[[sources]]`` tables, each name used once."""
    if not isinstance(raw, list):
        raise ConfigError(f"{name}: sources: expected [[sources]] tables")
    sources = tuple(_source(s, i, name, env) for i, s in enumerate(raw))
    names = [s.name for s in sources]
    for n in names:
        if names.count(n) > 1:
            raise ConfigError(f"{name}: sources: the name {n!r} is used twice")
    return sources


def _digest(dg: Mapping[str, Any], name: str) -> DigestConfig:
    """``[digest]``: when, in which time zone and formats, to which folder, sent or not."""
    where = f"{name}: [digest]"
    _no_unknown(dg, {"time", "timezone", "formats", "folder", "send"}, where)
    digest = DigestConfig(
        time=_time_of_day(_get(dg, "time", str, where, "06:00"), f"{where}: time"),
        timezone=_timezone(_get(dg, "timezone", str, where, "UTC"), f"{where}: timezone"),
        formats=tuple(_get(dg, "formats", list, where, ["md", "html", "json"])),
        folder=_get(dg, "folder", str, where, None),
        send=_get(dg, "send", bool, where, False),
    )
    for i, fmt in enumerate(digest.formats):
        if fmt not in ("text", "md", "html", "json"):
            raise ConfigError(f"{where}: formats[{i}]: expected text, md, html or json")
    return digest


#: The keys every ``[[sources]]`` table may have; the others are its kind's options.
SOURCE_KEYS = frozenset(
    {"kind", "name", "enabled", "locations", "interval", "base_url", "max_bytes", "deadline"}
)
DAY = 86400.0


def _seconds(
    data: Mapping[str, Any], key: str, where: str, default: float, low: float, high: float
) -> float:
    """A number of seconds from ``low`` to ``high`` (never inf, nan, 1e300, 0 or less)."""
    value = _get(data, key, (int, float), where, default)
    if not math.isfinite(value) or not low <= value <= high:
        raise ConfigError(
            f"{where}: {key}: expected a number of seconds from {low:g} to {high:g}, got {value!r}"
        )
    return float(value)


def _printable(text: str) -> bool:
    """No control, format or unassigned character (C0, C1, DEL, bidi overrides...)."""
    return not any(unicodedata.category(c).startswith("C") for c in text)


def _name(value: str, where: str) -> str:
    if not value.strip() or len(value) > 100 or not _printable(value):
        raise ConfigError(
            f"{where}: name: expected up to 100 printable characters, got {value[:100]!r}"
        )
    return value


def _base_url(value: str | None, where: str) -> str | None:
    """An http(s) URL with a host (no default is put in place of an empty one)."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    problem = None
    try:
        parts = urlsplit(value)
        _ = parts.port  # "http://host:99999" raises here
    except ValueError as exc:
        problem = str(exc)
    else:
        if parts.scheme not in ("http", "https"):
            problem = "not an http or https URL"
        elif not parts.hostname:
            problem = "no host"
        elif parts.query or parts.fragment:
            problem = "a query or fragment has no place in a base URL"
    if problem is None and not _printable(value):
        problem = "control characters"
    if problem is None and any(c.isspace() for c in value):
        problem = "blanks"
    if problem is not None:
        raise ConfigError(f"{where}: base_url: {problem}: {value[:100]!r}")
    return value


def _source(table: Any, i: int, name: str, env: Mapping[str, str]) -> SourceConfig:
    """One ``[[sources]]`` table; its kind and its kind's options are checked when the
    source is built (:func:`notam_log.sources.checked`)."""
    table_where = f"{name}: sources[{i}]"  # SourceConfig.where: the adapters add the kind
    where = table_where
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    kind = _get(table, "kind", str, where, None)
    if kind is None:
        raise ConfigError(f"{where}: kind: missing (the source's kind, such as nats_pib)")
    where = f"{table_where} ({kind})"
    options = {k: v for k, v in table.items() if k not in SOURCE_KEYS}
    interval = _seconds(table, "interval", where, 3600, 60, 30 * DAY)
    max_bytes = _get(table, "max_bytes", int, where, DEFAULT_MAX_BYTES)
    if not 1024 <= max_bytes <= MAX_MAX_BYTES:
        raise ConfigError(
            f"{where}: max_bytes: expected a whole number of bytes from 1024 to"
            f" {MAX_MAX_BYTES}, got {max_bytes}"
        )
    cfg = SourceConfig(
        kind=kind,
        name=_name(_get(table, "name", str, where, kind), where),
        enabled=_get(table, "enabled", bool, where, True),
        locations=_locations(table.get("locations", []), f"{where}: locations"),
        interval=interval,
        interval_given="interval" in table,
        base_url=_base_url(_get(table, "base_url", str, where, None), where),
        options=options,
        where=table_where,
        max_bytes=max_bytes,
        deadline=_seconds(table, "deadline", where, DEFAULT_DEADLINE, 1, 3600),
    )
    if cfg.enabled:
        for key, value in options.items():
            if key.endswith("_env") and isinstance(value, str) and not env.get(value):
                raise ConfigError(f"{where}: {key}: environment variable {value} is not set")
    return cfg


def _notify(table: Any, i: int, name: str) -> NotifyConfig:
    where = f"{name}: notify[{i}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    kind = _get(table, "kind", str, where, None)
    if kind not in ("email", "webhook", "apprise"):
        raise ConfigError(f"{where}: kind: expected email, webhook or apprise, got {kind!r}")
    opts = {k: v for k, v in table.items() if k not in ("kind", "name")}
    return NotifyConfig(
        kind=kind,
        name=_name(_get(table, "name", str, where, kind), where),
        options=opts,
        where=where,
    )


def _export(table: Mapping[str, Any], where: str) -> ExportConfig:
    _no_unknown(table, {"folder", "days", "limit"}, where)
    days = _get(table, "days", int, where, 90)
    limit = _get(table, "limit", int, where, 500)
    if not 1 <= days <= 36_500:
        raise ConfigError(f"{where}: days: expected a whole number from 1 to 36500")
    if not 1 <= limit <= 100_000:
        raise ConfigError(f"{where}: limit: expected a whole number from 1 to 100000")
    folder = _get(table, "folder", str, where, None)
    return ExportConfig(folder=folder or None, days=days, limit=limit)


def _table(data: Mapping[str, Any], key: str, name: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: {key}: expected a table [{key}]")
    return value


def _no_unknown(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise ConfigError(
                f"{where}: {key}: unknown key (expected one of {', '.join(sorted(allowed))})"
            )


def _get(
    data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any
) -> Any:
    if key not in data:
        return default
    value = data[key]
    bad_bool = isinstance(value, bool) and kind is not bool and kind != (bool,)
    if not isinstance(value, kind) or bad_bool:
        raise ConfigError(
            f"{where}: {key}: expected {type_name(kind)}, got {type_name(type(value))}"
        )
    return value


def type_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        int: "a whole number",
        float: "a number",
        bool: "true or false",
        list: "a list",
        dict: "a table",
    }
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _locations(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where}: expected a list of location codes such as ["USII", "EGLL"]')
    out = []
    for v in value:
        code = v.strip().upper()
        if not code.isalnum() or not 3 <= len(code) <= 4:
            raise ConfigError(f"{where}: {v!r} is not an ICAO or FAA location code")
        out.append(code)
    return tuple(out)


#: The most places a watch list may name.
MAX_WATCHED = 1000


def _watch_places(value: Any, where: str) -> tuple[str, ...]:
    """The watch list as written: codes or names (EGLL, LHR, Heathrow, Ижевск), each a
    place or a comma list; resolved to ICAO codes by the place index when the
    configuration is loaded (:func:`notam_log.shell.settings.load_config`)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f'{where}: expected a list of places such as ["USII", "Heathrow", "Ижевск"]'
        )
    if len(value) > MAX_WATCHED:
        raise ConfigError(f"{where}: {len(value)} places, at most {MAX_WATCHED}")
    out = []
    for v in value:
        place = v.strip()
        if not place or len(place) > 200 or not _printable(place):
            raise ConfigError(f"{where}: {v[:60]!r} is not a place (a code or a name)")
        out.append(place)
    return tuple(out)


def _time_of_day(value: str, where: str) -> str:
    parts = value.split(":")
    ok = len(parts) == 2 and all(p.isdigit() for p in parts)
    if not ok or not (0 <= int(parts[0]) < 24 and 0 <= int(parts[1]) < 60):
        raise ConfigError(f"{where}: expected HH:MM, got {value!r}")
    return value


def _timezone(value: str, where: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{where}: unknown time zone {value!r}") from None
    return value
