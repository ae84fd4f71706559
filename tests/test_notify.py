"""Delivery: [[notify]] validation, e-mail to a real SMTP server on 127.0.0.1, a webhook
to a loopback HTTP server, failures that keep the digest, and event notifications."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from notam_log.core.channels import Channel, channels
from notam_log.core.config import Config, parse_config
from notam_log.core.errors import ConfigError, DeliveryError
from notam_log.core.models import Event
from notam_log.shell import digests, notify
from notam_log.shell.delivery import Delivery, Message, deliver
from notam_log.shell.store import Store

NOW = datetime(2025, 3, 22, 6, 0, tzinfo=UTC)
SECRET = "hunter2-very-secret"
TOKEN = "tok-abcdef123456"
ENV = {"SMTP_USER": "ops", "SMTP_PASS": SECRET, "HOOK_TOKEN": TOKEN}


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def config(tmp: Path, *tables: dict[str, Any], **digest: Any) -> Config:
    data = {
        "database": str(tmp / "n.db"),
        "watch": {"locations": ["EGLL"]},
        "sources": [{"kind": "nats_pib", "name": "nats-uk", "interval": 3600}],
        "digest": {"folder": str(tmp / "digests"), "send": True, **digest},
        "notify": list(tables),
    }
    return parse_config(data, "test.toml", ENV)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"kind": "email", "from": "a@b", "to": ["c@d"]}, "notify[0] (email): host: missing"),
        ({"kind": "email", "host": "h", "from": "a@b", "to": "c@d", "security": "tls"},
         "notify[0] (email): security: expected starttls, ssl or none"),
        ({"kind": "email", "host": "h", "from": "a@b", "to": ["x"]},
         "notify[0] (email): to: expected a list of e-mail addresses"),
        ({"kind": "email", "host": "h", "from": "a@b", "to": ["c@d"], "password_env": "NOPE"},
         "notify[0] (email): password_env: environment variable NOPE is not set"),
        ({"kind": "webhook"}, "notify[0] (webhook): url: give exactly one of url or url_env"),
        ({"kind": "webhook", "url": "ftp://x"}, "notify[0] (webhook): url: expected an http"),
        ({"kind": "webhook", "url": "http://x", "events": ["nope"]},
         "notify[0] (webhook): events: unknown 'nope'"),
        ({"kind": "webhook", "url": "http://x", "rate_limit_minutes": "5"},
         "notify[0] (webhook): rate_limit_minutes: expected a whole number or a number"),
        ({"kind": "apprise", "url": "json://x", "colour": 1}, "notify[0] (apprise): colour: unknown"),
    ],
)  # fmt: skip
def test_notify_options_are_validated(tmp_path: Path, table: dict[str, Any], message: str) -> None:
    cfg = config(tmp_path, table)
    with pytest.raises(ConfigError) as err:
        channels(cfg, ENV)
    text = str(err.value)
    assert text.startswith("test.toml: ") and message in text and "\n" not in text


# --------------------------------------------------------------------------- servers


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        yield inbox, port
    finally:
        ctl.stop()


class Hook(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, str], bytes]] = []
    status = 204

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append((self.path, dict(self.headers.items()), body))
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[tuple[type[Hook], str]]:
    handler = type("H", (Hook,), {"received": [], "status": 204})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def seeded_store(cfg: Config) -> Store:
    """A tiny log: hourly complete polls of 21 March and the midnight after it (the last
    hour is known only from the poll that ends it), nothing else."""
    from notam_log.core.diff import Changes, World
    from notam_log.core.models import PollRecord

    store = Store(cfg.database)
    for h in range(25):
        t = z("2025-03-21T00:00Z") + timedelta(hours=h)
        store.write(Changes(world=World()), PollRecord("nats-uk", "UK", t, t, "complete"))
    return store


# --------------------------------------------------------------------------- the digest


def test_digest_by_email_and_webhook(
    tmp_path: Path,
    smtp: tuple[Inbox, int],
    hook: tuple[type[Hook], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOOK_TOKEN", TOKEN)
    inbox, port = smtp
    handler, base = hook
    cfg = config(
        tmp_path,
        {"kind": "email", "name": "ops", "host": "127.0.0.1", "port": port, "security": "none",
         "from": "notam-log@example.org", "to": ["ops@example.org"]},
        {"kind": "webhook", "name": "hook", "url": f"{base}/hook/{TOKEN}", "token_env": "HOOK_TOKEN"},
    )  # fmt: skip
    with seeded_store(cfg) as store:
        digests.daily_job(cfg, store, NOW)
        (row,) = store.db.execute("SELECT label, files, delivered, errors FROM digests").fetchall()
    assert row[0] == "2025-03-21" and json.loads(row[3]) == []
    assert json.loads(row[2]) == ["email 'ops'", "webhook 'hook'"]
    files = sorted(p.name for p in (tmp_path / "digests").iterdir())
    assert files == [f"notam-digest-2025-03-21.{x}" for x in ("html", "json", "md")]

    (msg,) = inbox.messages
    assert str(msg["Subject"]).strip().startswith("[notam-log] NOTAM digest for 2025-03-21")
    assert msg.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert "Every source was polled as expected" in parts["text/plain"]
    assert parts["text/html"].startswith("<!DOCTYPE html>")

    ((path, headers, body),) = handler.received
    assert path == f"/hook/{TOKEN}" and headers["Authorization"] == f"Bearer {TOKEN}"
    payload = json.loads(body)
    assert payload["type"] == "digest" and payload["digest"]["period"]["label"] == "2025-03-21"


def test_smtp_down_keeps_the_digest_and_says_so_in_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()  # nothing listens there
    cfg = config(
        tmp_path,
        {"kind": "email", "name": "ops", "host": "127.0.0.1", "port": port, "security": "starttls",
         "from": "a@example.org", "to": ["b@example.org"], "username_env": "SMTP_USER",
         "password_env": "SMTP_PASS", "retries": 2},
    )  # fmt: skip
    caplog.set_level(logging.DEBUG)
    sleeps: list[float] = []
    with seeded_store(cfg) as store:
        period = digests.resolve_period(cfg, store, NOW)[0]
        run = digests.make_digest(
            cfg, store, period, NOW, folder=digests.digest_folder(cfg, store.path), send=True,
            env=ENV, sleep=sleeps.append,
        )  # fmt: skip
        errors = store.db.execute("SELECT errors FROM digests").fetchone()[0]
    assert len(run.files) == 3 and all(p.exists() for p in run.files)
    (failed,) = run.failed
    assert failed.attempts == 2 and sleeps == [1]
    assert failed.error is not None and "\n" not in failed.error
    assert "ConnectionRefusedError" in failed.error
    assert "ConnectionRefusedError" in errors
    for text in (caplog.text, errors, failed.error):
        assert SECRET not in text


def test_cli_send_failure_is_one_line_and_exit_1(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from notam_log.cli import cli

    port = free_port()
    cfg_path = tmp_path / "config.toml"
    cfg_path.write_text(
        f'database = "{tmp_path / "n.db"}"\n[digest]\nfolder = "{tmp_path / "out"}"\n'
        f'[[notify]]\nkind = "webhook"\nurl = "http://127.0.0.1:{port}/x/{TOKEN}"\nretries = 1\n'
    )
    with seeded_store(parse_config({"database": str(tmp_path / "n.db")}, "t", {})):
        pass
    r = CliRunner().invoke(cli, ["digest", "--config", str(cfg_path), "--date", "2025-03-21",
                                 "--send"])  # fmt: skip
    assert r.exit_code == 1
    assert "wrote " in r.output and "not delivered (webhook 'webhook': ConnectError" in r.output
    assert TOKEN not in r.output
    assert (tmp_path / "out" / "notam-digest-2025-03-21.html").exists()


def test_webhook_error_status_and_secret_in_url(
    tmp_path: Path, hook: tuple[type[Hook], str], caplog: pytest.LogCaptureFixture
) -> None:
    handler, base = hook
    handler.status = 500
    cfg = config(tmp_path, {"kind": "webhook", "url": f"{base}/h?token={TOKEN}", "retries": 1})
    caplog.set_level(logging.DEBUG)
    (ch,) = channels(cfg, ENV)
    result = deliver(ch, Message("s", "t", payload={"a": 1}))
    assert not result.ok and result.error == "HTTP 500 Internal Server Error"
    assert handler.received and TOKEN not in caplog.text


def test_apprise_missing_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("notam_log")
    try:
        import apprise  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("apprise is installed")
    cfg = config(tmp_path, {"kind": "apprise", "url": "json://localhost/x", "retries": 1})
    (ch,) = channels(cfg, ENV)
    result = deliver(ch, Message("s", "t"))
    assert result.error == (
        "apprise is not installed; install it with: pip install 'notam-log[notify]'"
    )


# --------------------------------------------------------------------------- event notifications


def ev(kind: str, t: str, loc: str = "EGLL", cat: str = "aerodrome_closed", **detail: Any) -> Event:
    return Event(kind=kind, source="nats-uk", observed_at=z(t), key=f"EGGN:{kind[:3]}/25",
                 locations=(loc,) if loc else (), category=cat, after=z(t) - timedelta(hours=1),
                 detail=detail)  # fmt: skip


class Outbox:
    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.fail = False

    def __call__(self, ch: Channel, msg: Message) -> None:
        if self.fail:
            raise DeliveryError("HTTP 503 Service Unavailable")
        self.sent.append(msg)


def test_event_notifications_filter_rate_limit_and_batch(tmp_path: Path) -> None:
    cfg = config(tmp_path, {"kind": "webhook", "url": "http://127.0.0.1:9/x",
                            "rate_limit_minutes": 30, "retries": 1})  # fmt: skip
    out = Outbox()
    senders = {"webhook": out}
    state = notify.NotifyState()

    def call(events: list[Event], at: str) -> list[Delivery]:
        return notify.notify_events(cfg, events, z(at), state, env=ENV, senders=senders,
                                    sleep=lambda s: None)  # fmt: skip

    call(
        [
            ev("restriction_imposed", "2025-03-21T02:00Z"),
            ev("restriction_imposed", "2025-03-21T02:00Z", loc="EGKK"),  # not watched
            ev("published", "2025-03-21T02:00Z"),  # not a chosen kind
            ev("published", "2025-03-21T02:00Z", baseline=True),
        ],
        "2025-03-21T02:00Z",
    )
    assert [m.subject for m in out.sent] == ["EGLL: aerodrome closed imposed"]
    call([ev("restriction_lifted", "2025-03-21T02:10Z")], "2025-03-21T02:10Z")
    call([ev("source_down", "2025-03-21T02:20Z", loc="", cat="", error="HTTP 503")],
         "2025-03-21T02:20Z")  # fmt: skip
    call([ev("source_down", "2025-03-21T02:25Z", loc="", cat="", error="HTTP 503")],
         "2025-03-21T02:25Z")  # fmt: skip
    assert len(out.sent) == 1  # rate-limited: waiting
    call([], "2025-03-21T02:31Z")
    assert len(out.sent) == 2
    batch = out.sent[1]
    assert batch.subject == "EGLL: aerodrome closed lifted (+1 more)"
    assert [e["kind"] for e in batch.payload["events"]] == ["restriction_lifted", "source_down"]
    # recovery is reported once; a failed send stays pending for the next window
    out.fail = True
    up = ev("source_up", "2025-03-21T03:10Z", loc="", cat="", down_since="2025-03-21T02:20:00Z")
    (failed,) = call([up], "2025-03-21T03:10Z")
    assert not failed.ok and failed.error == "HTTP 503 Service Unavailable"
    out.fail = False
    call([], "2025-03-21T03:20Z")
    assert len(out.sent) == 2
    call([], "2025-03-21T03:41Z")
    assert [e["kind"] for e in out.sent[2].payload["events"]] == ["source_up"]


def test_digest_goes_next_to_the_database_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No [digest] folder: `digests/` next to the database of --db or $NOTAM_LOG_DB (and of
    the daemon's store), not next to the config's `database`."""
    from click.testing import CliRunner

    from notam_log.cli import State, cli

    configured = tmp_path / "configured" / "n.db"
    cfg_path = tmp_path / "config.toml"
    cfg_path.write_text(f'database = "{configured}"\n')
    for name in ("by-option", "by-env", "by-daemon"):
        with seeded_store(parse_config({"database": str(tmp_path / name / "u.db")}, "t", {})):
            pass
    md = "notam-digest-2025-03-21.md"
    args = ["digest", "--config", str(cfg_path), "--date", "2025-03-21", "--send"]

    res = CliRunner().invoke(
        cli, [*args, "--db", str(tmp_path / "by-option" / "u.db")], obj=State()
    )
    assert res.exit_code == 0, res.output
    assert f"wrote {tmp_path / 'by-option' / 'digests' / md}" in res.stdout
    assert (tmp_path / "by-option" / "digests" / md).is_file()

    monkeypatch.setenv("NOTAM_LOG_DB", str(tmp_path / "by-env" / "u.db"))
    res = CliRunner().invoke(cli, args, obj=State())
    assert res.exit_code == 0, res.output
    assert (tmp_path / "by-env" / "digests" / md).is_file()

    cfg = parse_config({"database": str(configured)}, "t", {})
    with Store(tmp_path / "by-daemon" / "u.db") as store:
        digests.daily_job(cfg, store, NOW)
    assert (tmp_path / "by-daemon" / "digests" / md).is_file()
    assert not (tmp_path / "configured").exists()
