"""Delivering messages: e-mail (SMTP), webhook, Apprise; each delivery retried, then
logged as one line.

Secrets (SMTP password, webhook and Apprise URLs and tokens) come resolved in the
:class:`~notam_log.core.channels.Channel`, and are scrubbed from every message that
could reach a log, an error or the database (httpx's and Apprise's logs included).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import httpx

from notam_log.core.channels import Channel, redact
from notam_log.core.display import clean
from notam_log.core.errors import DeliveryError
from notam_log.core.jsontext import dumps
from notam_log.shell.logs import filtered

logger = logging.getLogger(__name__)


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
    headers = {"User-Agent": "notam-log", "Content-Type": "application/json"}
    if ch.options.get("token"):
        headers["Authorization"] = f"Bearer {ch.options['token']}"
    body = dumps(msg.payload).encode()  # C1 controls escaped too (core.jsontext)
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
