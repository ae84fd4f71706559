"""config.toml -> frozen dataclasses, with one-line errors naming file, table and key.

Where the configuration comes from, first found wins: ``--config PATH``, the
``NOTAM_LOG_CONFIG`` environment variable, ``./config.toml``,
``$XDG_CONFIG_HOME/notam-log/config.toml``, else the built-in default (the
repository's documented ``config.toml``, shipped inside the package).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from notam_log.core.errors import ConfigError
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
    base_url: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
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
    raw: Mapping[str, Any] = field(default_factory=dict)


DEFAULT_CONFIG_RESOURCE = "default_config.toml"


def default_database() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "notam-log" / "notam-log.db")


def find_config(explicit: str | None, env: Mapping[str, str]) -> Path | None:
    if explicit:
        return Path(explicit)
    if env.get("NOTAM_LOG_CONFIG"):
        return Path(env["NOTAM_LOG_CONFIG"])
    local = Path("config.toml")
    if local.is_file():
        return local
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    user = Path(base) / "notam-log" / "config.toml"
    return user if user.is_file() else None


def load_config(path: str | Path | None, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate a config file (None: the built-in default)."""
    env = os.environ if env is None else env
    if path is None:
        text = resources.files("notam_log.data").joinpath(DEFAULT_CONFIG_RESOURCE).read_text()
        name = "<built-in config.toml>"
    else:
        name = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"{name}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{name}: cannot read it ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{name}: not valid TOML ({exc})") from None
    return parse_config(data, name, env)


_TOP = {"database", "watch", "classification", "detection", "sources", "digest", "notify"}


def parse_config(data: Mapping[str, Any], name: str, env: Mapping[str, str]) -> Config:
    _no_unknown(data, _TOP, name)
    database = _get(data, "database", str, name, default_database())
    database = os.path.expanduser(database)

    watch = _table(data, "watch", name)
    _no_unknown(watch, {"locations"}, f"{name}: [watch]")
    locations = _locations(watch.get("locations", []), f"{name}: [watch]: locations")

    cls = _table(data, "classification", name)
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

    det = _table(data, "detection", name)
    where = f"{name}: [detection]"
    _no_unknown(det, {"withdraw_after", "suspect_ratio", "tick_interval"}, where)
    withdraw_after = _get(det, "withdraw_after", int, where, 2)
    if withdraw_after < 1:
        raise ConfigError(f"{where}: withdraw_after: expected a whole number >= 1")
    suspect_ratio = float(_get(det, "suspect_ratio", (int, float), where, 0.5))
    if not 0 <= suspect_ratio <= 1:
        raise ConfigError(f"{where}: suspect_ratio: expected a number from 0 to 1")
    tick = float(_get(det, "tick_interval", (int, float), where, 60))

    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{name}: sources: expected [[sources]] tables")
    sources = tuple(_source(s, i, name, env) for i, s in enumerate(raw_sources))
    names = [s.name for s in sources]
    for n in names:
        if names.count(n) > 1:
            raise ConfigError(f"{name}: sources: the name {n!r} is used twice")

    dg = _table(data, "digest", name)
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

    raw_notify = data.get("notify", [])
    if not isinstance(raw_notify, list):
        raise ConfigError(f"{name}: notify: expected [[notify]] tables")
    notify = tuple(_notify(t, i, name) for i, t in enumerate(raw_notify))

    return Config(
        path=name,
        database=database,
        locations=locations,
        restrictions=frozenset(restr),
        withdraw_after=withdraw_after,
        suspect_ratio=suspect_ratio,
        tick_interval=tick,
        sources=sources,
        digest=digest,
        notify=notify,
        raw=data,
    )


_SOURCE_KEYS = {"kind", "name", "enabled", "locations", "interval", "base_url"}


def _source(table: Any, i: int, name: str, env: Mapping[str, str]) -> SourceConfig:
    from notam_log import sources as registry

    table_where = f"{name}: sources[{i}]"  # SourceConfig.where: the adapters add the kind
    where = table_where
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table")
    kind = _get(table, "kind", str, where, None)
    if kind is None:
        raise ConfigError(f"{where}: kind: missing (expected one of {', '.join(registry.SOURCES)})")
    if kind not in registry.SOURCES:
        raise ConfigError(
            f"{where}: kind: unknown {kind!r} (expected one of {', '.join(registry.SOURCES)})"
        )
    where = f"{table_where} ({kind})"
    allowed = registry.option_types(kind)
    options: dict[str, Any] = {}
    for key, value in table.items():
        if key in _SOURCE_KEYS:
            continue
        if key not in allowed:
            known = ", ".join(sorted(_SOURCE_KEYS | set(allowed)))
            raise ConfigError(f"{where}: {key}: unknown key (expected one of {known})")
        want_type = allowed[key]
        if want_type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)  # a whole number is a number (min_interval = 180)
        if not isinstance(value, want_type) or (isinstance(value, bool) and want_type is not bool):
            want, got = _type_name(want_type), _type_name(type(value))
            raise ConfigError(f"{where}: {key}: expected {want}, got {got}")
        options[key] = value
    interval = _get(table, "interval", (int, float), where, 3600)
    if interval < 60:
        raise ConfigError(f"{where}: interval: expected at least 60 seconds, got {interval}")
    cfg = SourceConfig(
        kind=kind,
        name=_get(table, "name", str, where, kind),
        enabled=_get(table, "enabled", bool, where, True),
        locations=_locations(table.get("locations", []), f"{where}: locations"),
        interval=float(interval),
        base_url=_get(table, "base_url", str, where, None),
        options=options,
        where=table_where,
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
        kind=kind, name=_get(table, "name", str, where, kind), options=opts, where=where
    )


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
            f"{where}: {key}: expected {_type_name(kind)}, got {_type_name(type(value))}"
        )
    return value


def _type_name(kind: type | tuple[type, ...]) -> str:
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
