"""The poll driver: retries, Retry-After, redaction, isolation (httpx.MockTransport)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
import pytest

from notam_log import __version__
from notam_log.core.models import Snapshot
from notam_log.shell.http import make_client, redact_url, retry_after, run_source, run_sources
from notam_log.sources import Poll
from notam_log.sources._common import fetch, make_request

NOW = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


class OneGet:
    """A minimal source: one GET, complete on 200, incomplete with the reason otherwise."""

    kind: ClassVar[str] = "test"
    request_gap = 0.0

    def __init__(self, name: str = "one", url: str = "https://example.test/x?api_key=K1") -> None:
        self.name = name
        self.url = url

    def scopes(self) -> tuple[str, ...]:
        return ("S",)

    def state(self) -> dict[str, Any]:
        return {}

    def restore(self, state: Mapping[str, Any]) -> None:
        return None

    def poll(self, now: datetime) -> Poll:
        got = yield from fetch(make_request("GET", self.url))
        if isinstance(got, str):
            return [Snapshot(self.name, "S", now, (), complete=False, reason=got)]
        return [Snapshot(self.name, "S", now, (), complete=got.status_code == 200)]


def client_for(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def statuses(
    *codes: int, headers: Mapping[str, str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    queue = list(codes)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(queue.pop(0) if queue else 200, headers=headers)

    return handler


def test_make_client_user_agent_and_timeouts() -> None:
    with make_client(timeout=5) as client:
        assert client.headers["User-Agent"] == (
            f"notam-log/{__version__} (+https://github.com/notam-log/notam-log)"
        )
        assert client.timeout.read == 5
        assert client.timeout.connect == 5  # never longer than the whole timeout


def test_make_client_verifies_tls_and_follows_no_redirect() -> None:
    """Certificates and host names are checked (a source never answers through an
    unverified connection), and a redirect is not followed to another host."""
    import ssl

    with make_client(timeout=5) as client:
        ctx = client._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert ctx.verify_mode == ssl.CERT_REQUIRED
        assert ctx.check_hostname is True
        assert client.follow_redirects is False


def test_request_carries_user_agent() -> None:
    assert make_request("GET", "https://x.test/").headers["User-Agent"].startswith("notam-log/")


@pytest.mark.parametrize("code", [500, 502, 503, 504, 408, 429])
def test_retries_then_succeeds(code: int) -> None:
    sleeps: list[float] = []
    run = run_source(
        OneGet(), client_for(statuses(code, code)), NOW, sleep=sleeps.append, rng=lambda: 0.5
    )
    assert run.requests == 3 and run.error is None and run.snapshots[0].complete
    assert sleeps == [1.0, 2.0]  # exponential, jitter factor 0.5 + 0.5


def test_gives_up_after_max_attempts_and_throws_into_generator() -> None:
    sleeps: list[float] = []
    run = run_source(
        OneGet(),
        client_for(statuses(*[503] * 9)),
        NOW,
        sleep=sleeps.append,
        rng=lambda: 0.0,
        max_attempts=3,
    )
    assert run.requests == 3 and len(sleeps) == 2
    assert run.error == "HTTP 503 from example.test/x after 3 attempts"
    assert not run.snapshots[0].complete and not run.fatal


def test_transport_errors_and_timeouts_are_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)
        if len(calls) == 2:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200)

    run = run_source(OneGet(), client_for(handler), NOW, sleep=lambda s: None)
    assert run.requests == 3 and run.snapshots[0].complete


def test_retry_after_seconds_and_date_capped() -> None:
    sleeps: list[float] = []
    run_source(
        OneGet(), client_for(statuses(429, headers={"Retry-After": "7"})), NOW, sleep=sleeps.append
    )
    assert sleeps == [7.0]
    sleeps.clear()
    run_source(
        OneGet(),
        client_for(statuses(429, headers={"Retry-After": "3600"})),
        NOW,
        sleep=sleeps.append,
        max_wait=30,
    )
    assert sleeps == [30]
    response = httpx.Response(503, headers={"Retry-After": "Sun, 01 Mar 2026 06:00:20 GMT"})
    assert retry_after(response, NOW) == 20.0
    assert retry_after(httpx.Response(503, headers={"Retry-After": "soon"}), NOW) is None
    # a digit that is not ASCII ("²".isdigit() is true, float("²") fails): ignored
    assert (
        retry_after(httpx.Response(429, headers={"Retry-After": "²".encode("latin-1")}), NOW)
        is None
    )


def test_other_statuses_go_to_the_adapter_unretried() -> None:
    run = run_source(OneGet(), client_for(statuses(404)), NOW, sleep=lambda s: None)
    assert run.requests == 1 and not run.snapshots[0].complete


def test_redaction(caplog: pytest.LogCaptureFixture) -> None:
    assert redact_url("https://a.test/p?api_key=SECRET&format=json") == (
        "https://a.test/p?api_key=%2A%2A%2A&format=json"
    )
    caplog.set_level(logging.DEBUG)
    client = make_client()
    client._transport = httpx.MockTransport(statuses(503, 503, 503, 503))
    run = run_source(
        OneGet(url="https://example.test/x?api_key=SECRETKEY"), client, NOW, sleep=lambda s: None
    )
    assert "SECRETKEY" not in caplog.text and "SECRETKEY" not in (run.error or "")


def test_adapter_bug_is_isolated(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(OneGet):
        def poll(self, now: datetime) -> Poll:
            yield make_request("GET", "https://example.test/")
            raise KeyError("boom")

    run = run_source(Broken(), client_for(statuses(200)), NOW)
    assert run.fatal and run.error == "internal error in the test adapter: KeyError"
    assert [s.complete for s in run.snapshots] == [False]


def test_run_sources_concurrently() -> None:
    sources = [OneGet(name=f"s{i}") for i in range(5)]
    runs = run_sources(sources, client_for(statuses()), NOW)
    assert set(runs) == {f"s{i}" for i in range(5)}
    assert all(r.snapshots[0].complete for r in runs.values())
    assert run_sources([], client_for(statuses()), NOW) == {}


def _failing(
    exc: type[httpx.TransportError], message: str
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc(message, request=request)

    return handler


@pytest.mark.parametrize(
    ("exc", "message", "expected"),
    [
        (httpx.ConnectError, "[Errno -2] Name or service not known",
         "cannot resolve pibs.nats.co.uk (offline or DNS?) after 2 attempts"),
        (httpx.ConnectError, "[Errno -3] Temporary failure in name resolution",
         "cannot resolve pibs.nats.co.uk (offline or DNS?) after 2 attempts"),
        (httpx.ConnectError, "[Errno 111] Connection refused",
         "connection refused by pibs.nats.co.uk (nothing listening there?) after 2 attempts"),
        (httpx.ReadTimeout, "The read operation timed out",
         "timed out after 30 s waiting for pibs.nats.co.uk after 2 attempts"),
        (httpx.ConnectTimeout, "timed out",
         "timed out after 10 s connecting to pibs.nats.co.uk after 2 attempts"),
        (httpx.ConnectError, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
         "TLS failed with pibs.nats.co.uk: its certificate is not trusted or the handshake failed after 2 attempts"),
        (httpx.RemoteProtocolError, "Server disconnected without sending a response.",
         "pibs.nats.co.uk closed the connection without a complete answer after 2 attempts"),
    ],
)  # fmt: skip
def test_network_failures_in_plain_words(
    exc: type[httpx.TransportError], message: str, expected: str
) -> None:
    client = httpx.Client(
        transport=httpx.MockTransport(_failing(exc, message)),
        timeout=httpx.Timeout(30.0, connect=10.0),
    )
    source = OneGet(url="https://pibs.nats.co.uk/operational/pibs/PIB.xml")
    run = run_source(source, client, NOW, sleep=lambda s: None, max_attempts=2)
    assert run.error == expected
    assert "Error" not in (run.error or "")  # no exception class names


def test_a_refused_connection_on_this_machine() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on: bound, then closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with make_client(timeout=5) as client:
        run = run_source(OneGet(url=f"http://127.0.0.1:{port}/x"), client, NOW,
                         sleep=lambda s: None, max_attempts=1)  # fmt: skip
    assert (
        run.error
        == f"connection refused by 127.0.0.1:{port} (nothing listening there?) after 1 attempt"
    )
