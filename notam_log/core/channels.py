"""``[[notify]]`` tables validated into channels, their secrets resolved from the
environment it is given (pure: the shell passes ``os.environ``).

``[[notify]]`` options (all kinds)::

    events = ["restriction_imposed", "restriction_lifted", "source_down", "source_up"]
    categories = []          # only these categories (empty: all)
    locations = []           # only these locations (empty: the watch list, else all)
    rate_limit_minutes = 10  # at most one message per channel per this many minutes
    digest = true            # also deliver the daily digest here (with [digest] send)
    retries = 3              # attempts per delivery

``kind = "email"``: ``host``, ``port``, ``security`` (starttls, ssl or none), ``from``,
``to`` (a list), ``username_env``, ``password_env``, ``subject_prefix``, ``timeout``.
``kind = "webhook"``: ``url`` or ``url_env``, ``token_env`` (sent as a bearer token),
``timeout``. ``kind = "apprise"``: ``url`` or ``url_env`` (needs the ``notify`` extra).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from notam_log.core.config import Config, NotifyConfig
from notam_log.core.errors import ConfigError
from notam_log.core.models import CATEGORIES, EVENT_KINDS

DEFAULT_EVENTS = ("restriction_imposed", "restriction_lifted", "source_down", "source_up")
_COMMON = {"events", "categories", "locations", "rate_limit_minutes", "digest", "retries"}
_KIND_KEYS: Mapping[str, set[str]] = {
    "email": {"host", "port", "security", "from", "to", "username_env", "password_env",
              "subject_prefix", "timeout"},
    "webhook": {"url", "url_env", "token_env", "timeout"},
    "apprise": {"url", "url_env"},
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Channel:
    """One validated ``[[notify]]`` table with its secrets resolved from the environment."""

    kind: str
    name: str
    where: str
    events: frozenset[str] = frozenset(DEFAULT_EVENTS)
    categories: frozenset[str] = frozenset()
    locations: frozenset[str] = frozenset()
    rate_limit: timedelta = timedelta(minutes=10)
    digest: bool = True
    retries: int = 3
    options: Mapping[str, Any] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)

    @property
    def label(self) -> str:
        """``email "ops"`` for logs: never the URL or address book."""
        return f"{self.kind} {self.name!r}"


def redact(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every secret (longest first) replaced by ``***``."""
    for s in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(s, "***")
    return text


def _url_secrets(url: str) -> list[str]:
    """The URL and the parts of it that may be tokens: password, path segments, query."""
    out = [url]
    parts = urlsplit(url)
    if parts.password:
        out.append(parts.password)
    if parts.username:
        out.append(parts.username)
    out += [seg for seg in parts.path.split("/") if len(seg) >= 8]
    for pair in parts.query.split("&"):
        _k, _, v = pair.partition("=")
        if len(v) >= 6:
            out.append(v)
    return out


def channels(config: Config, env: Mapping[str, str]) -> list[Channel]:
    """Validate every ``[[notify]]`` table (one-line ConfigErrors naming the key)."""
    return [channel(n, env) for n in config.notify]


def channel(cfg: NotifyConfig, env: Mapping[str, str]) -> Channel:
    """One ``[[notify]]`` table: its keys, then its kind's options, then what to notify."""
    table = _Table(cfg, env)
    rate = table.number("rate_limit_minutes", 10, 0.1, 7 * 24 * 60)
    retries = table.get("retries", int, 3)
    if not 1 <= retries <= 10:
        raise ConfigError(f"{table.where}: retries: expected a whole number from 1 to 10")
    secrets: list[str] = []
    resolved = _email(table, secrets) if cfg.kind == "email" else _url(table, cfg.kind, secrets)
    return Channel(
        kind=cfg.kind,
        name=cfg.name,
        where=table.where,
        events=table.strings("events", EVENT_KINDS, DEFAULT_EVENTS),
        categories=table.strings("categories", CATEGORIES, ()),
        locations=table.strings("locations", None, ()),
        rate_limit=timedelta(minutes=rate),
        digest=table.get("digest", bool, True),
        retries=retries,
        options=resolved,
        secrets=tuple(secrets),
    )


class _Table:
    """A ``[[notify]]`` table's keys, read with one-line errors naming the key."""

    def __init__(self, cfg: NotifyConfig, env: Mapping[str, str]) -> None:
        self.where = f"{cfg.where} ({cfg.kind})"
        self.opts = dict(cfg.options)
        self.env = env
        allowed = _COMMON | _KIND_KEYS[cfg.kind]
        for key in self.opts:
            if key not in allowed:
                raise ConfigError(
                    f"{self.where}: {key}: unknown key"
                    f" (expected one of {', '.join(sorted(allowed))})"
                )

    def get(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        if key not in self.opts:
            return default
        value = self.opts[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise ConfigError(f"{self.where}: {key}: expected {_kind_name(kind)}")
        return value

    def number(self, key: str, default: float, low: float, high: float) -> float:
        """A number from ``low`` to ``high`` (never inf, nan, 1e300, 0 or less)."""
        value = self.get(key, (int, float), default)
        if not math.isfinite(value) or not low <= value <= high:
            raise ConfigError(f"{self.where}: {key}: expected a number from {low:g} to {high:g}")
        return float(value)

    def strings(
        self, key: str, allowed: Sequence[str] | None, default: Sequence[str]
    ) -> frozenset[str]:
        value = self.get(key, list, list(default))
        if not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self.where}: {key}: expected a list of strings")
        for v in value:
            if allowed is not None and v not in allowed:
                raise ConfigError(
                    f"{self.where}: {key}: unknown {v!r} (expected one of {', '.join(allowed)})"
                )
        return frozenset(v.upper() if key == "locations" else v for v in value)

    def secret(self, key: str) -> str | None:
        """The value of the environment variable that ``key`` names."""
        var = self.get(key, str, None)
        if var is None:
            return None
        value = self.env.get(var)
        if not value:
            raise ConfigError(f"{self.where}: {key}: environment variable {var} is not set")
        return value


def _email(table: _Table, secrets: list[str]) -> dict[str, Any]:
    """An e-mail channel's options (its password added to ``secrets``)."""
    where = table.where
    host = table.get("host", str, None)
    if not host:
        raise ConfigError(f"{where}: host: missing (the SMTP server's name)")
    security = table.get("security", str, "starttls")
    if security not in ("starttls", "ssl", "none"):
        raise ConfigError(f"{where}: security: expected starttls, ssl or none")
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    port = table.get("port", int, default_port)
    sender = table.get("from", str, None)
    if not sender or "@" not in sender:
        raise ConfigError(f"{where}: from: missing (the sender's address)")
    to = table.get("to", (list, str), None)
    to = [to] if isinstance(to, str) else to
    if not to or not all(isinstance(a, str) and "@" in a for a in to):
        raise ConfigError(f"{where}: to: expected a list of e-mail addresses")
    user = table.secret("username_env")
    password = table.secret("password_env")
    if (user is None) != (password is None):
        raise ConfigError(f"{where}: username_env and password_env go together")
    if password:
        secrets.append(password)
    return {
        "host": host, "port": port, "security": security, "from": sender, "to": list(to),
        "username": user, "password": password,
        "subject_prefix": table.get("subject_prefix", str, "[notam-log] "),
        "timeout": table.number("timeout", 30, 1, 600),
    }  # fmt: skip


def _url(table: _Table, kind: str, secrets: list[str]) -> dict[str, Any]:
    """A webhook's or Apprise channel's options (the URL's secret parts and the token
    added to ``secrets``)."""
    where = table.where
    url = table.get("url", str, None)
    from_env = table.secret("url_env")
    if (url is None) == (from_env is None):
        raise ConfigError(f"{where}: url: give exactly one of url or url_env")
    url = url or from_env
    assert url is not None
    if kind == "webhook" and urlsplit(url).scheme not in ("http", "https"):
        raise ConfigError(f"{where}: url: expected an http or https URL")
    secrets += _url_secrets(url)
    resolved: dict[str, Any] = {"url": url}
    if kind == "webhook":
        token = table.secret("token_env")
        if token:
            secrets.append(token)
        resolved["token"] = token
        resolved["timeout"] = table.number("timeout", 30, 1, 600)
    return resolved


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
             list: "a list"}  # fmt: skip
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
