"""Delivering digests and event notifications: folder, e-mail (SMTP), webhook, Apprise.

The shell around :mod:`notam_log.core.digest`. A digest is always written to its folder
before any delivery is tried, so a failed delivery never loses it; each delivery is
retried, then logged as one line. Secrets (SMTP password, webhook and Apprise URLs
and tokens) are read from the environment variables the config names, and are
scrubbed from every message that could reach a log, an error or the database.

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

import contextlib
import importlib
import importlib.util
import json
import logging
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from notam_log.core import digest as dg
from notam_log.core import digest_render as render
from notam_log.core.config import Config, NotifyConfig
from notam_log.core.display import clean, event_line
from notam_log.core.errors import ConfigError, NotamLogError
from notam_log.core.models import CATEGORIES, EVENT_KINDS, Event
from notam_log.shell.logs import filtered

if TYPE_CHECKING:
    from notam_log.shell.store import Store

logger = logging.getLogger(__name__)

DEFAULT_EVENTS = ("restriction_imposed", "restriction_lifted", "source_down", "source_up")
_COMMON = {"events", "categories", "locations", "rate_limit_minutes", "digest", "retries"}
_KIND_KEYS: Mapping[str, set[str]] = {
    "email": {"host", "port", "security", "from", "to", "username_env", "password_env",
              "subject_prefix", "timeout"},
    "webhook": {"url", "url_env", "token_env", "timeout"},
    "apprise": {"url", "url_env"},
}  # fmt: skip
MAX_PENDING = 200


class DeliveryError(NotamLogError):
    """A digest or notification could not be delivered (after retries); the message
    is one line with every secret removed."""


# --------------------------------------------------------------------------- channels


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


def channels(config: Config, env: Mapping[str, str] | None = None) -> list[Channel]:
    """Validate every ``[[notify]]`` table (one-line ConfigErrors naming the key)."""
    env = os.environ if env is None else env
    return [channel(n, env) for n in config.notify]


def channel(cfg: NotifyConfig, env: Mapping[str, str]) -> Channel:
    where = f"{cfg.where} ({cfg.kind})"
    opts = dict(cfg.options)
    allowed = _COMMON | _KIND_KEYS[cfg.kind]
    for key in opts:
        if key not in allowed:
            raise ConfigError(
                f"{where}: {key}: unknown key (expected one of {', '.join(sorted(allowed))})"
            )

    def get(key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        if key not in opts:
            return default
        value = opts[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise ConfigError(f"{where}: {key}: expected {_kind_name(kind)}")
        return value

    def strings(key: str, allowed: Sequence[str] | None, default: Sequence[str]) -> frozenset[str]:
        value = get(key, list, list(default))
        if not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: {key}: expected a list of strings")
        for v in value:
            if allowed is not None and v not in allowed:
                raise ConfigError(
                    f"{where}: {key}: unknown {v!r} (expected one of {', '.join(allowed)})"
                )
        return frozenset(v.upper() if key == "locations" else v for v in value)

    def secret(key: str) -> str | None:
        var = get(key, str, None)
        if var is None:
            return None
        value = env.get(var)
        if not value:
            raise ConfigError(f"{where}: {key}: environment variable {var} is not set")
        return value

    rate = get("rate_limit_minutes", (int, float), 10)
    if rate < 0:
        raise ConfigError(f"{where}: rate_limit_minutes: expected a number >= 0")
    retries = get("retries", int, 3)
    if not 1 <= retries <= 10:
        raise ConfigError(f"{where}: retries: expected a whole number from 1 to 10")
    resolved: dict[str, Any] = {}
    secrets: list[str] = []
    if cfg.kind == "email":
        host = get("host", str, None)
        if not host:
            raise ConfigError(f"{where}: host: missing (the SMTP server's name)")
        security = get("security", str, "starttls")
        if security not in ("starttls", "ssl", "none"):
            raise ConfigError(f"{where}: security: expected starttls, ssl or none")
        default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
        port = get("port", int, default_port)
        sender = get("from", str, None)
        if not sender or "@" not in sender:
            raise ConfigError(f"{where}: from: missing (the sender's address)")
        to = get("to", (list, str), None)
        to = [to] if isinstance(to, str) else to
        if not to or not all(isinstance(a, str) and "@" in a for a in to):
            raise ConfigError(f"{where}: to: expected a list of e-mail addresses")
        user = secret("username_env")
        password = secret("password_env")
        if (user is None) != (password is None):
            raise ConfigError(f"{where}: username_env and password_env go together")
        if password:
            secrets.append(password)
        resolved = {
            "host": host, "port": port, "security": security, "from": sender, "to": list(to),
            "username": user, "password": password,
            "subject_prefix": get("subject_prefix", str, "[notam-log] "),
            "timeout": float(get("timeout", (int, float), 30)),
        }  # fmt: skip
    else:
        url = get("url", str, None)
        from_env = secret("url_env")
        if (url is None) == (from_env is None):
            raise ConfigError(f"{where}: url: give exactly one of url or url_env")
        url = url or from_env
        assert url is not None
        if cfg.kind == "webhook" and urlsplit(url).scheme not in ("http", "https"):
            raise ConfigError(f"{where}: url: expected an http or https URL")
        secrets += _url_secrets(url)
        resolved = {"url": url}
        if cfg.kind == "webhook":
            token = secret("token_env")
            if token:
                secrets.append(token)
            resolved["token"] = token
            resolved["timeout"] = float(get("timeout", (int, float), 30))
    return Channel(
        kind=cfg.kind,
        name=cfg.name,
        where=where,
        events=strings("events", EVENT_KINDS, DEFAULT_EVENTS),
        categories=strings("categories", CATEGORIES, ()),
        locations=strings("locations", None, ()),
        rate_limit=timedelta(minutes=rate),
        digest=get("digest", bool, True),
        retries=retries,
        options=resolved,
        secrets=tuple(secrets),
    )


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
             list: "a list"}  # fmt: skip
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


# --------------------------------------------------------------------------- messages and senders


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    text: str
    html: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)  # the webhook's JSON


Sender = Callable[[Channel, Message], None]


def send_email(ch: Channel, msg: Message) -> None:
    """SMTP with STARTTLS, SSL or neither; HTML with a plain-text alternative."""
    o = ch.options
    mail = EmailMessage()
    mail["Subject"] = o["subject_prefix"] + msg.subject
    mail["From"] = o["from"]
    mail["To"] = ", ".join(o["to"])
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=o["from"].rsplit("@", 1)[-1])
    mail.set_content(msg.text)
    if msg.html is not None:
        mail.add_alternative(msg.html, subtype="html")
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if o["security"] == "ssl":
        smtp = smtplib.SMTP_SSL(o["host"], o["port"], timeout=o["timeout"], context=context)
    else:
        smtp = smtplib.SMTP(o["host"], o["port"], timeout=o["timeout"])
    with smtp:
        if o["security"] == "starttls":
            smtp.starttls(context=context)
        if o["username"]:
            smtp.login(o["username"], o["password"])
        smtp.send_message(mail)


def send_webhook(ch: Channel, msg: Message) -> None:
    """POST the message's JSON; any answer but 2xx is a failure."""
    import httpx

    headers = {"User-Agent": "notam-log", "Content-Type": "application/json"}
    if ch.options.get("token"):
        headers["Authorization"] = f"Bearer {ch.options['token']}"
    body = json.dumps(msg.payload, ensure_ascii=False).encode()
    with _quiet_http(ch), httpx.Client(timeout=ch.options["timeout"]) as client:
        try:
            resp = client.post(ch.options["url"], content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    if not 200 <= resp.status_code < 300:
        raise DeliveryError(f"HTTP {resp.status_code} {resp.reason_phrase}")


def send_apprise(ch: Channel, msg: Message) -> None:
    """Any Apprise URL; apprise is imported only here (the ``notify`` extra)."""
    try:
        apprise: Any = importlib.import_module("apprise")
    except ImportError:
        raise DeliveryError(
            "apprise is not installed; install it with: pip install 'notam-log[notify]'"
        ) from None
    app = apprise.Apprise()
    if not app.add(ch.options["url"]):
        raise DeliveryError("apprise does not understand the URL")
    with _quiet_http(ch):
        ok = app.notify(title=msg.subject, body=msg.text)
    if not ok:
        raise DeliveryError("apprise reported a failure")


SENDERS: Mapping[str, Sender] = {
    "email": send_email,
    "webhook": send_webhook,
    "apprise": send_apprise,
}


class _Redact(logging.Filter):
    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = ()
        return True


@contextlib.contextmanager
def _quiet_http(ch: Channel) -> Iterator[None]:
    """Scrub secrets from what httpx, httpcore and apprise log (URLs at INFO)."""
    with filtered(("httpx", "httpcore", "apprise"), _Redact(ch.secrets)):
        yield


@dataclass(frozen=True, slots=True)
class Delivery:
    channel: str  # the channel's label, never its URL
    ok: bool
    attempts: int
    error: str | None = None  # one line, secrets removed


def deliver(
    ch: Channel,
    msg: Message,
    *,
    senders: Mapping[str, Sender] = SENDERS,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """Send with retries (1 s, 2 s, 4 s ... apart); log and return the outcome."""
    error = ""
    for attempt in range(1, ch.retries + 1):
        try:
            senders[ch.kind](ch, msg)
        except (DeliveryError, OSError, smtplib.SMTPException) as exc:
            error = ch.redact(clean(_describe(exc), one_line=True, limit=300))
            logger.warning("%s: attempt %d of %d failed: %s", ch.label, attempt, ch.retries, error)
            if attempt < ch.retries:
                sleep(2 ** (attempt - 1))
            continue
        logger.info("%s: delivered %r", ch.label, msg.subject)
        return Delivery(ch.label, True, attempt)
    logger.error("%s: not delivered after %d attempts: %s", ch.label, ch.retries, error)
    return Delivery(ch.label, False, ch.retries, error)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, DeliveryError):
        return str(exc)
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


# --------------------------------------------------------------------------- the digest


def digest_message(d: dg.Digest) -> Message:
    state = "" if d.complete else " (INCOMPLETE)"
    t = d.totals
    subject = (
        f"{render.title(d)}{state}: {t['imposed']} imposed, {t['lifted']} lifted,"
        f" {t['in_force']} in force"
    )
    return Message(
        subject=subject,
        text=render.render_text(d),
        html=render.render_html(d),
        payload={"type": "digest", "digest": render.to_json(d)},
    )


def file_name(d: dg.Digest, fmt: str) -> str:
    return f"notam-digest-{d.period.label}.{render.EXTENSIONS[fmt]}"


def digest_folder(config: Config, database: str | Path, out: str | None = None) -> Path:
    """``--out``, else ``[digest] folder``, else ``digests/`` next to ``database``, the
    database in use (``--db``, ``$NOTAM_LOG_DB`` or the config's: ``store.path``)."""
    if out:
        return Path(out).expanduser()
    if config.digest.folder:
        return Path(config.digest.folder).expanduser()
    return Path(database).parent / "digests"


def write_digest(d: dg.Digest, folder: Path, formats: Sequence[str]) -> list[Path]:
    """One file per format, each written whole (temporary file, then rename)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for fmt in formats:
            path = folder / file_name(d, fmt)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(render.render(d, fmt), encoding="utf-8")
            os.replace(tmp, path)
            paths.append(path)
    except OSError as exc:
        raise NotamLogError(f"{folder}: cannot write the digest ({exc.strerror or exc})") from None
    return paths


@dataclass(frozen=True, slots=True)
class DigestRun:
    digest: dg.Digest
    files: tuple[Path, ...] = ()
    deliveries: tuple[Delivery, ...] = ()

    @property
    def failed(self) -> tuple[Delivery, ...]:
        return tuple(x for x in self.deliveries if not x.ok)


def resolve_period(
    config: Config,
    store: Store,
    now: datetime,
    *,
    day: date | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    since_last: bool = False,
) -> tuple[dg.Period, datetime | None]:
    """The period asked for on the command line, and ``late_after`` for ``--since-last``."""
    tz = config.digest.timezone
    if since_last:
        last = dg.last_digest(store)
        if last is None:
            raise NotamLogError("--since-last: no digest was made yet (the digests table is empty)")
        return dg.range_period(last.until, now, tz, "since-last"), last.made_at
    if since is not None or until is not None:
        if since is None or until is None or until <= since:
            raise NotamLogError("--since and --until go together, with --until after --since")
        return dg.range_period(since, until, tz), None
    if day is not None:
        return dg.day_period(day, tz), None
    return dg.previous_day(now, tz), None


def make_digest(
    config: Config,
    store: Store,
    period: dg.Period,
    now: datetime,
    *,
    late_after: datetime | None = None,
    folder: Path | None = None,
    formats: Sequence[str] = (),
    send: bool = False,
    env: Mapping[str, str] | None = None,
    senders: Mapping[str, Sender] = SENDERS,
    sleep: Callable[[float], None] = time.sleep,
) -> DigestRun:
    """Build; write to ``folder`` first (if given); then deliver if ``send``; remember it."""
    chans = [c for c in channels(config, env) if c.digest] if send else []
    if send and folder is None:
        folder = digest_folder(config, store.path)
    d = dg.load(store, config, period, now, late_after=late_after)
    files: list[Path] = []
    if folder is not None:
        files = write_digest(d, folder, formats or config.digest.formats)
        logger.info("digest %s written to %s", period.label, folder)
    deliveries: list[Delivery] = []
    if chans:
        msg = digest_message(d)
        deliveries = [deliver(c, msg, senders=senders, sleep=sleep) for c in chans]
    if folder is not None or send:
        dg.remember(
            store,
            d,
            [str(p) for p in files],
            [x.channel for x in deliveries if x.ok],
            [f"{x.channel}: {x.error}" for x in deliveries if not x.ok],
        )
    return DigestRun(d, tuple(files), tuple(deliveries))


def daily_job(config: Config, store: Store, now: datetime) -> None:
    """What the scheduler runs at ``[digest] time``: yesterday's digest, written to the
    folder, then delivered if ``[digest] send``. Never raises for a failed delivery."""
    period = dg.previous_day(now, config.digest.timezone)
    run = make_digest(
        config,
        store,
        period,
        now,
        folder=digest_folder(config, store.path),
        formats=config.digest.formats,
        send=config.digest.send,
    )
    logger.info(
        "digest %s: %d files, %d delivered, %d failed",
        period.label,
        len(run.files),
        len(run.deliveries) - len(run.failed),
        len(run.failed),
    )


def run_command(
    config: Config,
    store: Store,
    now: datetime,
    *,
    day: date | None,
    since: datetime | None,
    until: datetime | None,
    since_last: bool,
    fmt: str | None,
    out: str | None,
    send: bool,
) -> None:
    """The ``digest`` command: print it, or write it (``--out``) and deliver it (``--send``)."""
    from notam_log.cli import output

    if sum([day is not None, since is not None or until is not None, since_last]) > 1:
        raise NotamLogError("give one of --date, --since/--until or --since-last")
    period, late = resolve_period(
        config, store, now, day=day, since=since, until=until, since_last=since_last
    )
    folder = digest_folder(config, store.path, out) if (out or send) else None
    formats = (fmt,) if fmt else config.digest.formats
    run = make_digest(
        config, store, period, now, late_after=late, folder=folder, formats=formats, send=send
    )
    if folder is None:
        if (fmt or "text") == "text":
            output.console.print(render.render_rich(run.digest))
        else:
            output.console.file.write(render.render(run.digest, fmt or "text"))
        return
    for path in run.files:
        output.say(f"wrote {path}")
    for x in run.deliveries:
        if x.ok:
            output.say(f"sent via {x.channel}")
    if send and not run.deliveries:
        output.warn("--send: no [[notify]] channel takes the digest (digest = true)")
    if run.failed:
        lines = "; ".join(f"{x.channel}: {x.error}" for x in run.failed)
        raise DeliveryError(f"not delivered ({lines}); the digest is in {folder}")


# --------------------------------------------------------------------------- event notifications


@dataclass(slots=True)
class NotifyState:
    """What event notifications remember between polls (kept by the daemon, in memory)."""

    last_sent: dict[str, datetime] = field(default_factory=dict)
    pending: dict[str, list[Event]] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)  # sources reported down and not yet up


def wants(ch: Channel, ev: Event, watch: Sequence[str] = ()) -> bool:
    """Whether ``ch`` notifies ``ev``. Baseline events are never news."""
    if ev.kind not in ch.events or dg.is_baseline(ev):
        return False
    if ev.kind in ("source_down", "source_up"):
        return True
    if ch.categories and (ev.category or "other") not in ch.categories:
        return False
    places = ch.locations or frozenset(watch)
    return not places or any(loc in places for loc in ev.locations)


def events_message(evs: Sequence[Event]) -> Message:
    first = evs[0]
    where = ",".join(first.locations) or first.source
    what = first.kind.replace("_", " ")
    if first.category:
        what = f"{first.category.replace('_', ' ')} {what.replace('restriction ', '')}"
    more = f" (+{len(evs) - 1} more)" if len(evs) > 1 else ""
    subject = clean(f"{where}: {what}{more}", one_line=True, limit=120)
    text = "\n".join(event_line(e) for e in evs) + "\n"
    payload = {"type": "events", "text": text, "events": [e.to_json() for e in evs]}
    return Message(subject=subject, text=text, payload=payload)


def notify_events(
    config: Config,
    events: Sequence[Event],
    now: datetime,
    state: NotifyState,
    *,
    env: Mapping[str, str] | None = None,
    senders: Mapping[str, Sender] = SENDERS,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """Send what the last poll's ``events`` mean to each channel that wants them.

    Call after every poll (with an empty list too: that flushes batches whose wait is
    over). At most one message per channel per ``rate_limit_minutes``; the rest waits
    in ``state`` and goes out together. A source's ``source_down`` is sent once until
    its ``source_up``. A failed message stays pending for the next window.
    """
    fresh: list[Event] = []
    for ev in events:
        if ev.kind == "source_down":
            if ev.source in state.down:
                continue
            state.down.add(ev.source)
        elif ev.kind == "source_up":
            if ev.source not in state.down and ev.detail.get("down_since") is None:
                continue
            state.down.discard(ev.source)
        fresh.append(ev)
    out: list[Delivery] = []
    for ch in channels(config, env):
        key = f"{ch.kind}:{ch.name}"
        queue = state.pending.setdefault(key, [])
        queue.extend(ev for ev in fresh if wants(ch, ev, config.locations))
        del queue[:-MAX_PENDING]
        if not queue:
            continue
        last = state.last_sent.get(key)
        if last is not None and now - last < ch.rate_limit:
            continue
        batch = list(queue)
        result = deliver(ch, events_message(batch), senders=senders, sleep=sleep)
        state.last_sent[key] = now
        if result.ok:
            del queue[: len(batch)]
        out.append(result)
    return out
