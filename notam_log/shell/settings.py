"""Finding and reading config.toml: the environment and the filesystem around
:func:`notam_log.core.config.parse_config`.

Where the configuration comes from, first found wins: ``--config PATH``, the
``NOTAM_LOG_CONFIG`` environment variable, ``./config.toml``,
``$XDG_CONFIG_HOME/notam-log/config.toml``, else the built-in default (the
repository's documented ``config.toml``, shipped inside the package).
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

from notam_log.core.config import Config, parse_config
from notam_log.core.errors import ConfigError
from notam_log.sources import checked

DEFAULT_CONFIG_RESOURCE = "default_config.toml"
#: An ICAO location indicator as written in capitals: taken as it is, no index needed.
_ICAO = re.compile(r"[A-Z]{4}")


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
    """Read and validate a config file (None: the built-in default), every source's
    kind and options included."""
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
    except RecursionError:  # [[[[...]]]] 3,000 deep
        raise ConfigError(f"{name}: not valid TOML (nested too deep)") from None
    config = parse_config(data, name, env, default_database())
    return dataclasses.replace(
        config,
        database=os.path.expanduser(config.database),
        locations=watch_codes(config.locations, f"{name}: [watch] locations"),
        sources=tuple(checked(s) for s in config.sources),
    )


def watch_codes(places: Sequence[str], where: str) -> tuple[str, ...]:
    """The ICAO codes of the ``[watch] locations`` as written, resolved as ``--location``
    resolves them (ICAO and IATA codes, airport and city names in any case and language
    the airport data knows, comma lists); an unknown or ambiguous one is a one-line
    :class:`ConfigError` naming the candidates or the nearest airports."""
    if not places:
        return ()
    if all(_ICAO.fullmatch(p) for p in places):  # codes as the log writes them
        return tuple(dict.fromkeys(places))
    from notam_log.core.places import PlaceError, codes_for
    from notam_log.shell.airports import place_index

    try:
        return tuple(codes_for(place_index(), places))
    except PlaceError as exc:
        raise ConfigError(f"{where}: {exc}") from None
