"""Telegram channel pages -> posts, and the ``telegram`` source against the loopback
server (paging, replies, edits, an unknown channel, faults)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from notam_log.core.config import SourceConfig
from notam_log.core.models import Post
from notam_log.core.parse.telegram import MAX_POSTS, parse_channel_page
from notam_log.shell.http import run_source
from notam_log.sources.telegram import TelegramSource
from notam_log.testing.channel import UNKNOWN_CHANNEL_PAGE, channel_page, render_post
from notam_log.testing.server import NotamTestServer

ROWS = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "rosaviatsia" / "statements.jsonl")
    .read_text()
    .splitlines()
]
T0 = datetime(2025, 11, 15, 2, 30, 12, tzinfo=UTC)


def _posts(n: int, channel: str = "favt_info", start: int = 8000) -> list[Post]:
    """``n`` posts of real statements (verbatim ones, in turn), a minute apart."""
    texts = [r["text"] for r in ROWS if r["verbatim"]]
    return [
        Post(channel, start + i, T0 + timedelta(minutes=i), texts[i % len(texts)]) for i in range(n)
    ]


# --------------------------------------------------------------------------- page


def test_a_page_gives_its_posts_with_times_text_edits_and_replies() -> None:
    imposed = Post("favt_info", 8287, T0, ROWS[231]["text"])
    lifted = Post(
        "favt_info", 8289, T0 + timedelta(minutes=80), ROWS[232]["text"], edited=True, reply_to=8287
    )
    page = parse_channel_page(channel_page("favt_info", [imposed, lifted]), "favt_info")
    assert page.is_channel and page.channel == "favt_info"
    assert page.title == "Говорит Росавиация"
    assert page.posts == (imposed, lifted)  # text with its emoji, times in UTC, the reply
    assert page.before is None  # the channel's first page: no older posts
    assert page.newest == lifted.at


def test_the_quoted_text_of_a_reply_is_not_the_posts_text() -> None:
    imposed = Post("favt_info", 8287, T0, ROWS[231]["text"])
    lifted = Post("favt_info", 8289, T0 + timedelta(hours=1), ROWS[232]["text"], reply_to=8287)
    html = render_post(lifted, quoted=imposed)
    # the other variant of the reply block: the quote shares the class of the text div
    variant = html.replace(
        "tgme_widget_message_text js-message_reply_text",
        "tgme_widget_message_text js-message_reply_text",
    ).replace('<div class="tgme_widget_message_author accent_color"><span', "<div><span")
    for body in (html, variant):
        page = parse_channel_page(f'<div class="tgme_channel_info"></div>{body}'.encode())
        assert page.posts[0].text == ROWS[232]["text"]
        assert page.posts[0].reply_to == 8287


def test_paging_cursor() -> None:
    posts = _posts(45)
    first = parse_channel_page(channel_page("favt_info", posts))
    assert [p.id for p in first.posts] == [p.id for p in posts[-20:]]
    assert first.before == posts[-20].id
    second = parse_channel_page(channel_page("favt_info", posts, before=first.before))
    assert [p.id for p in second.posts] == [p.id for p in posts[5:25]]


def test_an_unknown_channel_answers_a_page_that_is_not_a_channel_page() -> None:
    page = parse_channel_page(UNKNOWN_CHANNEL_PAGE, "no_such_channel")
    assert not page.is_channel and page.posts == ()
    assert not parse_channel_page(b"").is_channel
    assert not parse_channel_page(b"\x00\xff garbage \x89PNG").is_channel


def test_hostile_pages() -> None:
    nasty = 'Аэропорт <b>Казань</b> &amp; <script>alert(1)</script>\x1b[2J\x07 "quoted"'
    post = Post("favt_info", 1, T0, nasty)
    page = parse_channel_page(channel_page("favt_info", [post]))
    assert page.posts[0].text == nasty  # markup in a post is text, kept as written
    # an entity that would need a DTD, a post without time, a data-post with junk
    evil = (
        b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body>'
        b'<div class="tgme_channel_info"></div>'
        b'<div class="tgme_widget_message js-widget_message" data-post="favt_info/7">'
        b'<div class="tgme_widget_message_text js-message_text">&x; text</div></div>'
        b'<div class="tgme_widget_message js-widget_message" data-post="favt_info/99999999999999999999">'
        b"</div></body></html>"
    )
    page = parse_channel_page(evil)
    assert page.is_channel and page.posts == ()
    assert any("no time" in i for i in page.issues)
    assert any("unreadable data-post" in i for i in page.issues)
    # entities of a DTD are never expanded (nor fetched); HTML's own are text
    dtd = (
        b'<!DOCTYPE html [<!ENTITY x "EXPANDED"><!ENTITY y SYSTEM "file:///etc/hostname">]>'
        b'<html><body><div class="tgme_channel_info"></div><div class="tgme_widget_message"'
        b' data-post="favt_info/7"><div class="tgme_widget_message_text js-message_text">'
        b'a &x; b &y; c &amp; d</div><a class="tgme_widget_message_date">'
        b'<time datetime="2025-11-15T02:30:00+00:00"></time></a></div></body></html>'
    )
    assert parse_channel_page(dtd).posts[0].text == "a &x; b &y; c & d"
    many = b"".join(render_post(p).encode() for p in _posts(MAX_POSTS + 5))
    page = parse_channel_page(b'<div class="tgme_channel_info"></div>' + many)
    assert len(page.posts) == MAX_POSTS and any("more than" in i for i in page.issues)


def test_service_messages_are_not_posts() -> None:
    html = render_post(Post("favt_info", 1, T0, "Channel created")).replace(
        "text_not_supported_wrap js-widget_message", "service_message js-widget_message"
    )
    page = parse_channel_page(f'<div class="tgme_channel_info"></div>{html}'.encode())
    assert page.is_channel and page.posts == ()


# --------------------------------------------------------------------------- source


def _source(server: NotamTestServer, **options: Any) -> TelegramSource:
    cfg = SourceConfig(kind="telegram", name="favt", base_url=server.base_url, options=options)
    return TelegramSource(cfg, {})


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0, trust_env=False) as c:
        yield c


def _run(source: TelegramSource, client: httpx.Client) -> Any:
    return run_source(source, client, T0 + timedelta(days=1), sleep=lambda s: None, base_delay=0.0)


def test_first_poll_backfills_then_later_polls_reach_the_newest_recorded(
    client: httpx.Client,
) -> None:
    posts = _posts(70)
    with NotamTestServer(channels={"favt_info": posts[:50]}) as server:
        src = _source(server, backfill_pages=2)
        run = _run(src, client)
        (snap,) = run.snapshots
        assert snap.complete and snap.scope == "favt_info" and run.error is None
        assert [p.id for p in snap.posts] == [p.id for p in posts[10:50]]  # two pages
        assert [r.query.get("before") for r in server.of("telegram")] == [None, ["8030"]]
        src.recorded("favt_info", "complete")
        assert src.newest == posts[49].id
        # 20 new posts: one page does not reach the newest recorded, two do
        server.add_posts("favt_info", *posts[50:70])
        run = _run(src, client)
        (snap,) = run.snapshots
        assert snap.complete
        assert {p.id for p in snap.posts} >= {p.id for p in posts[50:70]}
        assert len(server.of("telegram")) == 4


def test_a_poll_that_cannot_reach_the_newest_recorded_is_incomplete(client: httpx.Client) -> None:
    posts = _posts(100)
    with NotamTestServer(channels={"favt_info": posts}) as server:
        src = _source(server, max_pages=2)
        src.restore({"newest": posts[10].id})
        (snap,) = _run(src, client).snapshots
        assert not snap.complete
        assert "more than 2 pages of new posts" in (snap.reason or "")
        assert len(snap.posts) == 40  # what was read is kept
        src.recorded("favt_info", "partial")
        assert src.newest == posts[-1].id  # the next poll starts from there


def test_an_unknown_channel_is_a_failed_poll(client: httpx.Client) -> None:
    with NotamTestServer(channels={"favt_info": _posts(3)}) as server:
        src = _source(server, channel="no_such_channel")
        run = _run(src, client)
        (snap,) = run.snapshots
        assert not snap.complete and snap.posts == ()
        assert "not a channel page" in (snap.reason or "")
        assert run.error and "not a channel page" in run.error


@pytest.mark.parametrize("fault", ["500", "timeout", "invalid", "empty"])
def test_faults_make_an_incomplete_poll(client: httpx.Client, fault: str) -> None:
    with NotamTestServer(channels={"favt_info": _posts(30)}, timeout_sleep=0.3) as server:
        src = _source(server, backfill_pages=2)
        server.fail("telegram", fault, fault, fault, fault)
        run = run_source(
            src,
            httpx.Client(timeout=0.2, trust_env=False),
            T0,
            sleep=lambda s: None,
            base_delay=0.0,
            max_attempts=2,
        )
        (snap,) = run.snapshots
        assert not snap.complete and snap.reason


def test_honest_user_agent_and_bad_channel_names(client: httpx.Client) -> None:
    with NotamTestServer(channels={"favt_info": _posts(2)}) as server:
        _run(_source(server), client)
        assert server.of("telegram")[0].headers["user-agent"].startswith("notam-log/")
    from notam_log.core.errors import ConfigError

    for bad in ("../etc", "a b", "x" * 80, "fa?q=1"):
        with pytest.raises(ConfigError, match="channel"):
            TelegramSource(SourceConfig(kind="telegram", name="t", options={"channel": bad}), {})
