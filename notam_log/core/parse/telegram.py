"""A public Telegram channel's web preview (``https://t.me/s/<channel>``) -> posts.

Pure: bytes in, :class:`~notam_log.core.models.Post` records out. The page structure
(message wrappers with ``data-post="channel/id"``, ``<time datetime>`` in UTC, the text
div ``js-message_text``, the reply block, the "edited" mark, emoji wrapped as
``<i class="emoji"><b>✈️</b></i>``, the "load more" anchor ``data-before``) is that
of the public pages as other readers of them document it (``TELEGRAM_WEB.md`` of the
shared payloads).

The HTML is read by lxml's HTML parser in a safe mode: no network, no DTD, comments
and processing instructions dropped, no huge trees; the page, the number of posts and
each text are capped. A page that is not a channel page (Telegram answers 200 with a
generic page for an unknown channel) comes back with ``is_channel`` false.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from notam_log.core.models import Post

#: The largest page read (a real page of 20 posts is about 100 KB).
MAX_PAGE_BYTES = 4_000_000
#: The most posts kept from one page (a page holds about 20).
MAX_POSTS = 200
#: The longest post text kept (Telegram allows 4,096 characters; captions 1,024).
MAX_TEXT = 20_000
_ID = re.compile(r"[0-9]{1,15}")
_CHANNEL = re.compile(r"[A-Za-z0-9_]{1,64}")
_BEFORE = re.compile(r"[?&]before=([0-9]{1,15})")


@dataclass(frozen=True, slots=True)
class ChannelPage:
    """What one page of a channel's web preview held."""

    is_channel: bool
    channel: str | None = None
    title: str | None = None
    posts: tuple[Post, ...] = ()
    #: The cursor of the next (older) page, ``?before=N``; None on the channel's first page.
    before: int | None = None
    issues: tuple[str, ...] = ()

    @property
    def newest(self) -> datetime | None:
        """The time of the newest post on the page."""
        return max((p.at for p in self.posts), default=None)


def looks_like_channel_page(head: bytes) -> bool:
    """Whether the start of a file looks like a saved channel page (for format detection)."""
    return b"tgme_widget_message" in head or b"tgme_channel_info" in head


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


_MESSAGES = etree.XPath(f"//div[{_has_class('tgme_widget_message')}][@data-post]")
_CHANNEL_INFO = etree.XPath(f"//*[{_has_class('tgme_channel_info')}]")
_TITLE = etree.XPath(f"//*[{_has_class('tgme_channel_info_header_title')}]")
_MORE = etree.XPath(f"//a[{_has_class('tme_messages_more')}][@data-before]")
_PREV = etree.XPath("//link[@rel='prev'][@href]")
_IN_REPLY = f"ancestor::*[{_has_class('tgme_widget_message_reply')}]"
_TEXT = etree.XPath(
    f".//div[{_has_class('js-message_text')}][not({_has_class('js-message_reply_text')})]"
    f"[not({_IN_REPLY})]"
)
_TIME = etree.XPath(
    f".//a[{_has_class('tgme_widget_message_date')}]//time[@datetime][not({_IN_REPLY})]"
)
_META = etree.XPath(f".//span[{_has_class('tgme_widget_message_meta')}][not({_IN_REPLY})]")
_REPLY = etree.XPath(f".//*[{_has_class('tgme_widget_message_reply')}]")


def _find(xpath: etree.XPath, node: Any) -> list[Any]:
    """The elements an XPath selects (an element list, whatever lxml's types say)."""
    found = xpath(node)
    return [e for e in found if not isinstance(e, str | bytes)] if isinstance(found, list) else []


def _parser() -> etree.HTMLParser:
    return etree.HTMLParser(
        no_network=True,
        recover=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
        encoding="utf-8",
    )


def parse_channel_page(data: bytes, channel: str | None = None) -> ChannelPage:
    """Read one page. ``channel`` (when given) keeps only that channel's posts."""
    issues: list[str] = []
    if len(data) > MAX_PAGE_BYTES:
        issues.append(f"page of {len(data)} bytes: only the first {MAX_PAGE_BYTES} read")
        data = data[:MAX_PAGE_BYTES]
    if not data.strip():
        return ChannelPage(False, issues=("empty page",))
    try:
        root = etree.fromstring(data, _parser())
    except etree.LxmlError as exc:
        return ChannelPage(False, issues=(f"unreadable HTML: {exc}",))
    if root is None:
        return ChannelPage(False, issues=("not HTML",))
    messages = _find(_MESSAGES, root)
    if not messages and not _find(_CHANNEL_INFO, root):
        return ChannelPage(False, issues=tuple(issues))
    wanted = channel.lower() if channel else None
    posts: dict[int, Post] = {}
    found_channel: str | None = None
    for message in messages:
        if len(posts) >= MAX_POSTS:
            issues.append(f"more than {MAX_POSTS} posts on one page: the rest not read")
            break
        post = _post(message, issues)
        if post is None or (wanted is not None and post.channel.lower() != wanted):
            continue
        found_channel = found_channel or post.channel
        posts[post.id] = post
    ordered = tuple(sorted(posts.values(), key=lambda p: p.id))
    return ChannelPage(
        True,
        channel=found_channel or channel,
        title=_title(root),
        posts=ordered,
        before=_before(root),
        issues=tuple(issues),
    )


def _post(message: Any, issues: list[str]) -> Post | None:
    ref = str(message.get("data-post") or "")
    name, _, number = ref.partition("/")
    if not _CHANNEL.fullmatch(name) or not _ID.fullmatch(number):
        issues.append(f"a message with an unreadable data-post {ref[:80]!r} was skipped")
        return None
    if " service_message " in f" {message.get('class') or ''} ":
        return None  # channel created, pinned, photo changed: not a post
    at = _time(message)
    if at is None:
        issues.append(f"{ref}: no time of its own; skipped")
        return None
    texts = _find(_TEXT, message)
    text = _text(texts[0]) if texts else ""
    if len(text) > MAX_TEXT:
        issues.append(f"{ref}: a text of {len(text)} characters cut at {MAX_TEXT}")
        text = text[:MAX_TEXT]
    metas = _find(_META, message)
    edited = any("edited" in "".join(m.itertext()).lower() for m in metas)
    return Post(
        channel=name,
        id=int(number),
        at=at,
        text=text,
        edited=edited,
        reply_to=_reply_to(message, name),
    )


def _time(message: Any) -> datetime | None:
    for node in _find(_TIME, message):
        value = str(node.get("datetime") or "").strip()
        if not 10 <= len(value) <= 40:
            continue
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    return None


def _reply_to(message: Any, channel: str) -> int | None:
    for node in _find(_REPLY, message):
        href = str(node.get("href") or "")
        if href:
            parts = href.split("?", 1)[0].rstrip("/").split("/")
            same = len(parts) >= 2 and parts[-2].lower() == channel.lower()
            if same and _ID.fullmatch(parts[-1]):
                return int(parts[-1])
            continue
        value = str(node.get("data-reply-to") or "")
        if _ID.fullmatch(value):
            return int(value)
    return None


_BLOCKS = frozenset({"div", "p", "blockquote", "li", "pre"})
_SKIP = frozenset({"script", "style", "template"})


def _text(element: Any) -> str:
    """The text of a post: ``<br>`` and block ends as line breaks; emoji as their
    characters (the ``<b>`` inside Telegram's emoji wrapper); tags dropped."""
    out: list[str] = []
    _walk(element, out)
    text = "".join(out).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def _walk(element: Any, out: list[str]) -> None:
    if element.text:
        out.append(element.text)
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            out.append("\n")
        elif tag == "img":
            out.append(str(child.get("alt") or ""))
        elif tag not in _SKIP:
            _walk(child, out)
            if tag in _BLOCKS:
                out.append("\n")
        if child.tail:
            out.append(child.tail)


def _title(root: Any) -> str | None:
    for node in _find(_TITLE, root):
        title = " ".join("".join(node.itertext()).split())
        if title:
            return title[:200]
    return None


def _before(root: Any) -> int | None:
    for node in _find(_MORE, root):
        value = str(node.get("data-before") or "")
        if _ID.fullmatch(value):
            return int(value)
    for node in _find(_PREV, root):
        m = _BEFORE.search(str(node.get("href") or ""))
        if m:
            return int(m.group(1))
    return None
