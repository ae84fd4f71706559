"""Official announcements from a public Telegram channel's web preview (keyless).

``https://t.me/s/<channel>`` shows the newest posts (about 20); ``?before=ID`` the
page of posts older than ``ID``. The adapter reads pages from the newest back until it
reaches the newest post the log already holds (or, on the first poll, ``backfill_pages``
pages); what the posts announce is decided when they are recorded
(:mod:`notam_log.core.announce`), where Russian airport names are resolved.

Completeness: a poll is complete only when it reached the newest post already recorded,
the start of the channel, or (first poll) its backfill limit. A page that is not a
channel page (Telegram answers 200 with a generic page for an unknown channel), a
status other than 200, a page that does not go back as far as the last one read: an
incomplete poll, with the posts read so far and the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from notam_log.core.config import SourceConfig
from notam_log.core.errors import ConfigError
from notam_log.core.known import Reach
from notam_log.core.models import Post, Snapshot
from notam_log.core.parse.telegram import MAX_PAGE_BYTES, parse_channel_page
from notam_log.sources._common import base, describe, fetch, make_request, option
from notam_log.sources.base import Poll

DEFAULT_BASE = "https://t.me"
DEFAULT_CHANNEL = "favt_info"
#: Pages read on a first poll (about 20 posts each).
DEFAULT_BACKFILL = 5
#: The most pages one later poll reads to catch up with the newest post recorded.
MAX_CATCH_UP = 50
_CHANNEL = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,63}")


class TelegramSource:
    """One scope, the channel's name; one snapshot of the posts read per poll."""

    kind: ClassVar[str] = "telegram"
    OPTIONS: ClassVar[Mapping[str, type]] = {
        "channel": str,
        "backfill_pages": int,
        "max_pages": int,
    }
    #: Seconds between polls unless the configuration says otherwise.
    DEFAULT_INTERVAL: ClassVar[float] = 300.0
    request_gap = 1.0

    def __init__(self, cfg: SourceConfig, env: Mapping[str, str]) -> None:
        self.name = cfg.name
        channel: str = option(cfg, "channel", str, DEFAULT_CHANNEL).strip().lstrip("@")
        if not _CHANNEL.fullmatch(channel):
            raise ConfigError(
                f"{cfg.where} ({cfg.kind}): channel: {channel!r} is not a channel name"
                " (letters, digits and _, as in t.me/favt_info)"
            )
        self.channel = channel
        self.base = base(cfg, DEFAULT_BASE)
        self.backfill: int = option(cfg, "backfill_pages", int, DEFAULT_BACKFILL)
        self.max_pages: int = option(cfg, "max_pages", int, MAX_CATCH_UP)
        for key, value in (("backfill_pages", self.backfill), ("max_pages", self.max_pages)):
            if not 1 <= value <= 1000:
                raise ConfigError(f"{cfg.where} ({cfg.kind}): {key}: expected 1 to 1000")
        self.locations = tuple(loc.strip().upper() for loc in cfg.locations if loc.strip())
        #: The newest post id the log holds (from the last recorded poll).
        self.newest: int | None = None
        self._read_newest: int | None = None
        #: Readers of a real channel wait between pages.
        self.request_gap = 0.0 if cfg.base_url else 1.0

    def __repr__(self) -> str:
        return f"TelegramSource(name={self.name!r}, channel={self.channel!r})"

    @classmethod
    def reach(cls, cfg: SourceConfig, scope: str) -> Reach | None:
        """Announcements are not NOTAMs: a channel covers no location's NOTAMs."""
        return Reach(label="announcements only (no NOTAMs)")

    def scopes(self) -> tuple[str, ...]:
        return (self.channel,)

    def state(self) -> dict[str, Any]:
        return {"newest": self.newest}

    def restore(self, state: Mapping[str, Any]) -> None:
        value = state.get("newest")
        self.newest = value if isinstance(value, int) and not isinstance(value, bool) else None

    def recorded(self, scope: str, status: str) -> None:
        """What the log made of this poll's snapshot (see ``Poller``): the newest post
        read becomes the mark the next poll must reach, once the log holds it."""
        if status in ("complete", "partial", "unchanged") and self._read_newest is not None:
            self.newest = max(self.newest or 0, self._read_newest)
        self._read_newest = None

    def poll(self, now: datetime) -> Poll:
        posts: dict[int, Post] = {}
        known = self.newest
        limit = self.backfill if known is None else self.max_pages
        before: int | None = None
        reason: str | None = None
        done = False
        for _page in range(limit):
            url = f"{self.base}/s/{self.channel}"
            params = {"before": str(before)} if before is not None else None
            got = yield from fetch(
                make_request("GET", url, params=params, headers={"Accept": "text/html"})
            )
            if isinstance(got, str):
                reason = got
                break
            if got.status_code != 200:
                reason = describe(got)
                break
            if len(got.content) > MAX_PAGE_BYTES:
                reason = f"a page of {len(got.content)} bytes (more than {MAX_PAGE_BYTES})"
                break
            page = parse_channel_page(got.content, self.channel)
            if not page.is_channel:
                reason = (
                    f"t.me answered with a page that is not a channel page (no channel"
                    f" @{self.channel}?)"
                )
                break
            fresh = [p for p in page.posts if before is None or p.id < before]
            posts.update((p.id, p) for p in fresh)
            oldest = min((p.id for p in fresh), default=None)
            if oldest is None:
                done = True  # nothing older: the start of the channel
                break
            if known is not None and oldest <= known:
                done = True  # reached what the log holds
                break
            if known is None and page.before is None:
                done = True  # no "older posts" link on a first read: the start
                break
            before = oldest  # posts strictly older than the oldest read
        else:
            if known is None:
                done = True  # the backfill limit
            else:
                reason = (
                    f"more than {limit} pages of new posts since post {known}: the posts"
                    " between were not read"
                )
        if not done and reason is None:
            reason = "the pages stopped before the newest post already recorded"
        self._read_newest = max(posts, default=None)
        snap = Snapshot(
            self.name,
            self.channel,
            now,
            (),
            complete=done and reason is None,
            reason=reason,
            posts=tuple(posts[i] for i in sorted(posts)),
            only=self.locations,
        )
        return [snap]
