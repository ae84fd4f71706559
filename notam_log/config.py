"""config.toml -> frozen dataclasses, with one-line errors naming file, table and key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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
    where: str = "config.toml: sources[0]"  # for error messages
