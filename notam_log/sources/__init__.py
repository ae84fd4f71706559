"""Source adapters: the registry of kinds and ``build_source``.

Each adapter is a module of this package that follows the ``Source`` protocol of
:mod:`notam_log.sources.base` (read its docstring for the conventions: scopes,
completeness, not modified, skipped, fatal errors, state). :data:`SOURCES` maps each
``kind`` of ``[[sources]]`` to its class; :func:`build_source` checks a table's
kind-specific options against the class's ``OPTIONS`` (the one place that knows them)
and builds the adapter.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterator, Mapping
from typing import Any

from notam_log.core.config import SOURCE_KEYS, SourceConfig, type_name
from notam_log.core.errors import ConfigError
from notam_log.core.known import Reach
from notam_log.sources.base import NOT_MODIFIED, Poll, Source, SourceFactory

#: Every kind of ``[[sources]]`` table -> (its module in this package, its adapter class).
KINDS: Mapping[str, tuple[str, str]] = {
    "nats_pib": ("nats_pib", "NatsPibSource"),
    "faa_search": ("faa_search", "FaaSearchSource"),
    "faa_nms": ("faa_nms", "FaaNmsSource"),
    "faa_api_v1": ("faa_api_v1", "FaaApiV1Source"),
    "icao_api": ("icao_api", "IcaoApiSource"),
    "faa_tfr": ("faa_tfr", "FaaTfrSource"),
    "file": ("file", "FileSource"),
    "telegram": ("telegram", "TelegramSource"),
    "ru_ais": ("ru_ais", "RuAisSource"),
}


class _Registry(Mapping[str, SourceFactory]):
    """:data:`SOURCES`: each kind's adapter class, its module imported on first use (so
    that importing this package, as ``parse`` does to read files, loads no adapter and
    no HTTP library)."""

    def __getitem__(self, kind: str) -> SourceFactory:
        module, name = KINDS[kind]
        factory: SourceFactory = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        return factory

    def __iter__(self) -> Iterator[str]:
        return iter(KINDS)

    def __len__(self) -> int:
        return len(KINDS)


#: Every kind of ``[[sources]]`` table and the adapter class that reads it.
SOURCES: Mapping[str, SourceFactory] = _Registry()


def checked(cfg: SourceConfig) -> SourceConfig:
    """``cfg`` with its kind known and its options those of its kind, of their types
    (a whole number stands for a number: ``min_interval = 180``). ConfigErrors name
    the file, the table, the kind and the key."""
    factory = SOURCES.get(cfg.kind)
    if factory is None:
        raise ConfigError(
            f"{cfg.where}: kind: unknown {cfg.kind!r} (expected one of {', '.join(SOURCES)})"
        )
    where = f"{cfg.where} ({cfg.kind})"
    allowed = factory.OPTIONS
    options: dict[str, Any] = {}
    for key, value in cfg.options.items():
        if key not in allowed:
            known = ", ".join(sorted(SOURCE_KEYS | set(allowed)))
            raise ConfigError(f"{where}: {key}: unknown key (expected one of {known})")
        options[key] = _of_type(value, allowed[key], f"{where}: {key}")
    interval = cfg.interval if cfg.interval_given else default_interval(cfg.kind)
    return dataclasses.replace(cfg, options=options, interval=interval, interval_given=True)


def build_source(cfg: SourceConfig, env: Mapping[str, str]) -> Source:
    """The adapter for one ``[[sources]]`` table; ConfigError names ``cfg.where`` and the key."""
    cfg = checked(cfg)
    return SOURCES[cfg.kind](cfg, env)


def default_interval(kind: str) -> float:
    """Seconds between two polls of a source of this kind when the config gives none."""
    factory = SOURCES.get(kind)
    value = getattr(factory, "DEFAULT_INTERVAL", None)
    return float(value) if isinstance(value, int | float) else 3600.0


def option_types(kind: str) -> Mapping[str, type]:
    """The kind-specific option keys and their types."""
    factory = SOURCES.get(kind)
    if factory is None:
        raise KeyError(kind)
    return factory.OPTIONS


def _of_type(value: Any, want: type, where: str) -> Any:
    if want is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # a whole number is a number (min_interval = 180)
    if not isinstance(value, want) or (isinstance(value, bool) and want is not bool):
        raise ConfigError(f"{where}: expected {type_name(want)}, got {type_name(type(value))}")
    return value


__all__ = [
    "KINDS",
    "NOT_MODIFIED",
    "SOURCES",
    "Poll",
    "Source",
    "SourceFactory",
    "build_source",
    "checked",
    "default_interval",
    "option_types",
    "reach_of",
]


def reach_of(cfg: SourceConfig, scope: str) -> Reach | None:
    """The reach of one scope of a configured source; None for a kind not known or one
    that leaves it to the data (see ``reach`` in :mod:`notam_log.sources.base`)."""
    factory = SOURCES.get(cfg.kind)
    return factory.reach(cfg, scope) if factory is not None else None
