"""The imperative shell for sources: one httpx client, retries, and the poll driver.

``run_source`` drives a source's ``poll`` generator (see ``notam_log.sources``): it
sends each request (at most one in flight per source), retries transport errors
(timeouts included), 5xx, 408 and 429 with exponential backoff and jitter, honours
``Retry-After`` (seconds or HTTP-date, capped), and after the last attempt throws a
``SourceError`` into the generator so that the adapter marks only the affected
scopes incomplete. Fatal errors raised by the adapter (bot page, quota, refused
credentials) end the run: every scope of the source is reported incomplete.

Every response is streamed and counted (:func:`receive`): its body, once decoded
(``Content-Encoding: gzip``/``deflate``, and a raw gzip body), may hold at most the
source's ``max_bytes`` (64 MB by default), and the whole exchange, from sending to the
last byte, must end within its ``deadline`` (120 s by default), however slowly the
bytes trickle in. A response over either limit is not retried: the request failed,
with a one-line reason, and the poll of the scopes it feeds is a failed one. A
``stop`` event (set by ``run`` on SIGTERM) ends waits and transfers at once.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from notam_log import __version__
from notam_log.core.config import Config
from notam_log.core.errors import InputError, SourceError
from notam_log.core.limits import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BYTES,
    GZIP_MAGIC,
    TooLarge,
    gunzip,
    size,
)
from notam_log.core.models import Snapshot
from notam_log.shell import clock as wall_clock
from notam_log.sources import Source

logger = logging.getLogger(__name__)

USER_AGENT = f"notam-log/{__version__} (+https://github.com/notam-log/notam-log)"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
SECRET_PARAMS = frozenset({"api_key", "apikey", "key", "client_secret", "access_token", "token"})
SECRET_HEADERS = frozenset({"authorization", "client_secret", "client_id", "cookie"})


def make_client(timeout: float = 30.0, *, connect_timeout: float = 10.0) -> httpx.Client:
    """The one client a process shares: our User-Agent, TLS verified, bounded timeouts."""
    _guard_httpx_logger()
    return httpx.Client(
        # only the encodings receive() decodes itself, within the size limit
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(timeout, connect=min(connect_timeout, timeout)),
        verify=True,
        follow_redirects=False,
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
    )


def redact_url(url: httpx.URL | str) -> str:
    """The URL with secret query parameters (``api_key``...) replaced by ``***``."""
    url = httpx.URL(str(url))
    params = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in url.params.multi_items()]
    return str(url.copy_with(params=params)) if params else str(url)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: "***" if k.lower() in SECRET_HEADERS else v for k, v in headers.items()}


class _RedactFilter(logging.Filter):
    """httpx logs every request URL at INFO; strip secret query parameters from it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                redact_url(a) if isinstance(a, httpx.URL) else a for a in record.args
            )
        return True


def _guard_httpx_logger() -> None:
    httpx_logger = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactFilter) for f in httpx_logger.filters):
        httpx_logger.addFilter(_RedactFilter())


@dataclass(frozen=True, slots=True)
class Limits:
    """What one response of a source may cost: decoded bytes, and seconds from
    sending the request to its last byte."""

    max_bytes: int = DEFAULT_MAX_BYTES
    deadline: float = DEFAULT_DEADLINE


DEFAULT_LIMITS = Limits()


def limits_for(cfg: Config) -> dict[str, Limits]:
    """Each configured source's limits (its ``max_bytes`` and ``deadline`` keys)."""
    return {s.name: Limits(s.max_bytes, s.deadline) for s in cfg.sources}


class OverLimit(Exception):
    """A response over its size or time limit: the request failed, not to be retried."""


class Stopped(Exception):
    """The process is stopping (SIGTERM): the request was abandoned."""


class _Inflate:
    """A streaming ``Content-Encoding`` decoder that never outputs more than asked;
    a gzip body of several members is read whole, as gzip itself reads it."""

    def __init__(self, encoding: str) -> None:
        self.gzip = "gzip" in encoding
        # deflate is zlib-wrapped by the standard, raw in some servers: tried in that order
        self.inflate = zlib.decompressobj(wbits=31 if self.gzip else 15)
        self.started = False
        self.after = b""  # bytes after the end of a member (the next one's start)
        self.done = False

    def feed(self, data: bytes, room: int) -> bytes:
        """Decoded bytes of ``data``; OverLimit when they would pass ``room``."""
        out = bytearray()
        while data and not self.done:
            if self.inflate.eof:  # a member ended: another may follow (gzip only)
                self.after += data
                if len(self.after) < 2:
                    break  # too few bytes yet to tell
                if not self.gzip or self.after[:2] != GZIP_MAGIC:
                    self.done = True  # trailing bytes after the last member: ignored
                    break
                data, self.after = self.after, b""
                self.inflate = zlib.decompressobj(wbits=31)
            out += self._decompress(data, room + 1 - len(out))
            if len(out) > room or self.inflate.unconsumed_tail:
                raise OverLimit("over")
            data = self.inflate.unused_data if self.inflate.eof else b""
        return bytes(out)

    def _decompress(self, data: bytes, most: int) -> bytes:
        try:
            out = self.inflate.decompress(data, most)
        except zlib.error:
            if self.gzip or self.started:
                raise
            self.inflate = zlib.decompressobj(wbits=-15)
            out = self.inflate.decompress(data, most)
        self.started = True
        return out


def _decoders(header: str | None) -> list[_Inflate]:
    """The decoders for a ``Content-Encoding`` header, to apply in order."""
    codings = [c.strip().lower() for c in (header or "").split(",") if c.strip()]
    out = []
    for coding in reversed(codings):  # the last applied is undone first
        if coding in ("gzip", "x-gzip", "deflate"):
            out.append(_Inflate(coding))
        elif coding != "identity":
            raise OverLimit(f"unsupported Content-Encoding {coding[:20]!r}")
    return out


def receive(
    client: httpx.Client,
    request: httpx.Request,
    limits: Limits = DEFAULT_LIMITS,
    stop: threading.Event | None = None,
) -> httpx.Response:
    """Send ``request`` and read its answer whole, within ``limits``.

    The body is streamed, decoded here (``Content-Encoding`` gzip or deflate, then a
    raw gzip body) and counted: :class:`OverLimit` as soon as it passes
    ``limits.max_bytes`` (a gzip bomb costs at most the limit), and when the exchange
    outlasts ``limits.deadline`` (each read waits at most the time left, so a body
    trickling a byte at a time ends at the deadline too). :class:`Stopped` when
    ``stop`` is set. Transport errors are raised as they come (the caller retries).
    The response returned holds the decoded body, without ``Content-Encoding``.
    """
    ends = time.monotonic() + limits.deadline
    late = f"no complete answer within the deadline of {limits.deadline:g} s"

    def left() -> float:
        remaining = ends - time.monotonic()
        if remaining <= 0:
            raise OverLimit(late)
        return remaining

    configured = client.timeout.as_dict()
    timeouts: dict[str, float | None] = {
        k: min(v, left()) if v is not None else left() for k, v in configured.items()
    }
    # httpcore reads the timeouts from this dict at each read, so shrinking "read" as
    # the deadline nears bounds a stalled read too (else at most one read timeout late)
    request.extensions["timeout"] = timeouts
    try:
        response = client.send(request, stream=True)
    except httpx.TimeoutException:
        left()  # past the deadline: OverLimit, not a timeout to retry
        raise
    try:
        body = _read_body(response, limits, stop, left, timeouts, configured.get("read"))
    except httpx.TimeoutException:
        left()
        raise
    finally:
        response.close()
    headers = [
        (k, v)
        for k, v in response.headers.multi_items()
        if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    return httpx.Response(response.status_code, headers=headers, content=body, request=request)


def _read_body(
    response: httpx.Response,
    limits: Limits,
    stop: threading.Event | None,
    left: Callable[[], float],
    timeouts: dict[str, float | None],
    read_timeout: float | None,
) -> bytes:
    cap = limits.max_bytes
    over = f"the answer is over the limit of {size(cap)} (max_bytes)"
    if response.is_stream_consumed:  # read already (a transport that answers from memory)
        if len(response.content) > cap:
            raise OverLimit(over)
        return response.content
    decoders = _decoders(response.headers.get("Content-Encoding"))
    body = bytearray()
    chunks: Iterator[bytes] = response.iter_raw()
    for chunk in chunks:
        if stop is not None and stop.is_set():
            raise Stopped("stopped")
        data = chunk
        try:
            for decoder in decoders:
                data = decoder.feed(data, cap - len(body))
        except OverLimit:
            raise OverLimit(over) from None
        except zlib.error as exc:
            raise OverLimit(f"the answer's Content-Encoding cannot be decoded ({exc})") from None
        body += data
        if len(body) > cap:
            raise OverLimit(over)
        remaining = left()
        timeouts["read"] = min(read_timeout, remaining) if read_timeout else remaining
    if body[:2] == GZIP_MAGIC:  # a raw gzip body (a saved .gz served as it is)
        try:
            plain, cut = gunzip(bytes(body), cap, "the answer")
        except TooLarge:
            raise OverLimit(over) from None
        except InputError:
            return bytes(body)  # damaged: the adapter says so
        if not cut:
            return plain
    return bytes(body)


@dataclass(slots=True)
class SourceRun:
    """What one run of one source gave: its snapshots and, if anything failed, why."""

    snapshots: list[Snapshot] = field(default_factory=list)
    error: str | None = None  # one line, never a secret
    fatal: bool = False  # the whole source failed (bot page, quota, credentials, bug)
    requests: int = 0
    elapsed: float = 0.0


def retry_after(response: httpx.Response, now: datetime) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or HTTP-date), or None."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # not "²", which isdigit() also accepts
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def run_source(
    source: Source,
    client: httpx.Client,
    now: datetime,
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
    max_attempts: int = 4,
    base_delay: float = 1.0,
    max_wait: float = 60.0,
    clock: Callable[[], datetime] = wall_clock.instant,
    limits: Mapping[str, Limits] | None = None,
    stop: threading.Event | None = None,
) -> SourceRun:
    """Poll one source: send its requests in turn, with retries; never raises.

    ``limits`` (by source name) bound each response (:func:`receive`); ``stop``, once
    set, ends the run at its next wait or read (``run`` stopping on SIGTERM)."""
    run = SourceRun()
    limit = (limits or {}).get(source.name, DEFAULT_LIMITS)
    if stop is not None and sleep is time.sleep:
        halt = stop

        def sleep(seconds: float) -> None:  # a wait between attempts ends on stop
            halt.wait(seconds)

    started = time.monotonic()
    errors: list[str] = []
    gen = source.poll(now)
    gap = float(getattr(source, "request_gap", 0.0) or 0.0)
    try:
        request = next(gen)
        while True:
            if gap and run.requests:
                sleep(gap)
            outcome = _send(
                source.name,
                request,
                client,
                run,
                sleep,
                rng,
                max_attempts,
                base_delay,
                max_wait,
                clock,
                limit,
                stop,
            )
            if isinstance(outcome, httpx.Response):
                request = gen.send(outcome)
            else:
                errors.append(outcome)
                request = gen.throw(SourceError(outcome))
    except StopIteration as stop:
        run.snapshots = list(stop.value or [])
    except SourceError as exc:
        run.fatal = True
        errors.insert(0, _one_line(str(exc) or type(exc).__name__))
        run.snapshots = _all_incomplete(source, now, errors[0])
    except Exception as exc:  # an adapter bug must not stop the other sources
        logger.exception("%s: the adapter failed", source.name)
        run.fatal = True
        errors.insert(0, f"internal error in the {source.kind} adapter: {type(exc).__name__}")
        run.snapshots = _all_incomplete(source, now, errors[0])
    finally:
        gen.close()
    if not errors:
        errors = [f"{s.scope}: {s.reason}" for s in run.snapshots if not s.complete and s.reason]
    run.error = _one_line("; ".join(dict.fromkeys(errors))) if errors else None
    run.elapsed = time.monotonic() - started
    if run.error:
        logger.info("%s: %s", source.name, run.error)  # the caller reports it in its line
    return run


def _send(
    name: str,
    request: httpx.Request,
    client: httpx.Client,
    run: SourceRun,
    sleep: Callable[[float], None],
    rng: Callable[[], float],
    max_attempts: int,
    base_delay: float,
    max_wait: float,
    clock: Callable[[], datetime],
    limits: Limits = DEFAULT_LIMITS,
    stop: threading.Event | None = None,
) -> httpx.Response | str:
    """Send with retries: the response to give the adapter, or why it failed for good
    (a response over a limit is not retried)."""
    where = redact_url(request.url)
    short = f"{request.url.host}{request.url.path}"
    reason = ""
    for attempt in range(1, max_attempts + 1):
        if stop is not None and stop.is_set():
            return f"stopped before {short} was answered"
        run.requests += 1
        wait: float | None = None
        try:
            logger.debug("%s: %s %s (attempt %d)", name, request.method, where, attempt)
            response = receive(client, request, limits, stop)
        except OverLimit as exc:
            return f"{short}: {exc}"
        except Stopped:
            return f"stopped before {short} was answered"
        except httpx.TransportError as exc:
            reason = transport_failure(exc, request, client.timeout)
        else:
            if response.status_code not in RETRY_STATUSES:
                return response
            reason = f"HTTP {response.status_code} from {short}"
            wait = retry_after(response, clock())
        if attempt == max_attempts:
            break
        backoff = base_delay * 2 ** (attempt - 1) * (0.5 + rng())
        delay = min(max_wait, wait if wait is not None else backoff)
        logger.info("%s: %s; retrying in %.1f s", name, reason, delay)
        sleep(delay)
    return f"{reason} after {max_attempts} attempt{'' if max_attempts == 1 else 's'}"


_DNS = (
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "no address associated",
    "getaddrinfo failed",
    "name resolution",
    "no such host",
    "[errno -2]",
    "[errno -3]",
    "[errno -5]",
    "[errno 8]",
    "[errno 11001]",
)


def transport_failure(
    exc: httpx.TransportError, request: httpx.Request, timeout: httpx.Timeout
) -> str:
    """What went wrong on the network, in plain words: ``cannot resolve pibs.nats.co.uk
    (offline or DNS?)``, ``connection refused by 127.0.0.1:9``, ``timed out after 30 s``."""
    host = request.url.host
    port = request.url.port
    where = f"{host}:{port}" if port else host
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        limit = {
            httpx.ConnectTimeout: timeout.connect,
            httpx.ReadTimeout: timeout.read,
            httpx.WriteTimeout: timeout.write,
            httpx.PoolTimeout: timeout.pool,
        }.get(type(exc))
        after = f" after {limit:g} s" if limit else ""
        what = "connecting to" if isinstance(exc, httpx.ConnectTimeout) else "waiting for"
        return f"timed out{after} {what} {host}"
    if isinstance(exc, httpx.ConnectError):
        if any(marker in text for marker in _DNS):
            return f"cannot resolve {host} (offline or DNS?)"
        if "refused" in text or "[errno 111]" in text or "[errno 61]" in text:
            return f"connection refused by {where} (nothing listening there?)"
        if "certificate" in text or "ssl" in text or "tls" in text:
            return f"TLS failed with {host}: its certificate is not trusted or the handshake failed"
        if "unreachable" in text:
            return f"network unreachable on the way to {host} (offline?)"
        return f"cannot connect to {where}: {_one_line(str(exc), 160) or 'no reason given'}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{host} closed the connection without a complete answer"
    return f"{type(exc).__name__} from {host}: {_one_line(str(exc), 160)}".rstrip(": ")


def _all_incomplete(source: Source, now: datetime, reason: str) -> list[Snapshot]:
    try:
        scopes = source.scopes()
    except Exception:  # pragma: no cover - defensive
        scopes = ()
    return [Snapshot(source.name, s, now, (), complete=False, reason=reason) for s in scopes]


def _one_line(text: str, limit: int = 500) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def run_sources(
    sources: Iterable[Source],
    client: httpx.Client,
    now: datetime,
    **kwargs: object,
) -> dict[str, SourceRun]:
    """Poll sources concurrently, one thread per source (one request in flight each)."""
    items = list(sources)
    if not items:
        return {}
    if len(items) == 1:  # in this thread (run's jobs: one source each; none left behind)
        return {items[0].name: run_source(items[0], client, now, **kwargs)}  # type: ignore[arg-type]
    with ThreadPoolExecutor(max_workers=len(items), thread_name_prefix="notam-source") as pool:
        futures = {s.name: pool.submit(run_source, s, client, now, **kwargs) for s in items}  # type: ignore[arg-type]
        return {name: future.result() for name, future in futures.items()}
