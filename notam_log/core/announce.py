"""Official announcements: (what the log knows of a channel, one snapshot of posts) ->
events and announced episodes.

Pure, like :mod:`notam_log.core.diff`: the store loads an :class:`AnnounceWorld`,
:func:`ingest` returns :class:`AnnounceChanges`, the store writes them in the same
transaction as the poll, and only then is ``changes.world`` kept.

The rules:

* A post gives one event per airport it names: ``announced_imposed``,
  ``announced_lifted`` or ``announced_coordination``, keyed ``CHANNEL/ID``, with the
  ICAO code(s) as locations (none when the name could not be resolved: the name is
  kept as written and said in ``detail.issues``), ``effective_at`` the time the text
  states (Moscow time, in UTC) else the post's own time, and ``observed_at``/``after``
  the poll that saw it and the complete poll before (as for every event).
* Imposed (or coordination) opens an announced episode at the airport, unless one is
  open there; then it joins it. Lifted closes the open episode: ``detail.closes`` names
  the announcement it closes, the one it replies to when it replies to one of the
  episode's posts, else the latest.
* A post already recorded adds nothing; an edited post whose meaning changed (kind,
  airports, stated times) gives ``amended`` events, and what it no longer says is
  undone: an episode it opened is closed as ``retracted``.
* Posts that announce nothing are recorded as they are (the store keeps every post)
  and give no event.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from notam_log.core.models import AnnouncedEpisode, Event, Post, iso
from notam_log.core.parse.announcements import Announcement, Mention, read_announcements

_ICAO_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class Resolver(Protocol):
    """Russian airport names to ICAO codes (the places index, built from airportsdata)."""

    def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
        """The codes of the airport(s) a name denotes (in any grammatical case; ``hint``
        is the proper name in parentheses, such as "Грабцево"), or None."""
        ...


class NoResolver:
    """Resolves nothing: only the codes a text states are known."""

    def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
        return None


# --------------------------------------------------------------------------- readings


@dataclass(frozen=True, slots=True)
class Reading:
    """One airport of one post, as decided."""

    kind: str  # imposed, lifted, coordination
    name: str  # as written: "Калуга (Грабцево)"
    locations: tuple[str, ...]  # ICAO codes; empty when not resolved
    effective: datetime
    stated: str | None = None
    issues: tuple[str, ...] = ()

    @property
    def places(self) -> tuple[str, ...]:
        """Where its episode is kept: the codes, else the name in lower case (so that
        "КАЛУГА (Грабцево)" and "Калуга (Грабцево)" are one place)."""
        if self.locations:
            return self.locations
        return (" ".join(self.name.casefold().replace("ё", "е").split()),)

    @property
    def meaning(self) -> tuple[str, str, str | None]:
        return (self.kind, self.name, self.stated)


def read_post(
    post: Post, resolver: Resolver, only: Iterable[str] = ()
) -> tuple[list[Reading], list[str]]:
    """What a post says, airport by airport, and what could not be read. ``only`` keeps
    the airports among these codes (and those not resolved: unknown is kept)."""
    keep = set(only)
    readings: list[Reading] = []
    issues: list[str] = []
    for a in read_announcements(post.text, post.at):
        issues.extend(a.issues)
        if not a.mentions:
            continue
        for m in a.mentions:
            r = _reading(a, m, post, resolver)
            if keep and r.locations and not keep & set(r.locations):
                continue
            readings.append(r)
    return readings, issues


def _reading(a: Announcement, m: Mention, post: Post, resolver: Resolver) -> Reading:
    issues: list[str] = []
    codes: tuple[str, ...] = ()
    if m.icao and len(m.icao) == 4 and set(m.icao) <= _ICAO_CHARS:
        codes = (m.icao,)
    else:
        codes = _resolve(m, resolver)
        if not codes:
            issues.append(f"airport name {m.written!r} not resolved to an ICAO code")
    stated = m.stated or a.stated
    return Reading(
        kind=a.kind,
        name=m.written,
        locations=codes,
        effective=a.time_of(m) or post.at,
        stated=stated,
        issues=tuple(issues),
    )


def _resolve(m: Mention, resolver: Resolver) -> tuple[str, ...]:
    found = resolver.resolve_russian(m.name, m.hint)
    if found:
        return tuple(dict.fromkeys(found))
    words = m.name.split()
    if m.hint is None and len(words) > 1:
        # a proper name written without parentheses ("Нижнего Новгорода Стригино")
        for k in range(len(words) - 1, 0, -1):
            found = resolver.resolve_russian(" ".join(words[:k]), " ".join(words[k:]))
            if found:
                return tuple(dict.fromkeys(found))
    return ()


# --------------------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class PostState:
    """What the log holds of one post."""

    meaning: tuple[tuple[str, str, str | None], ...]
    text_hash: str
    version: int = 1
    places: tuple[tuple[str, str], ...] = ()  # (kind, place) it acted on


@dataclass(frozen=True, slots=True)
class AnnounceWorld:
    posts: Mapping[str, PostState] = field(default_factory=dict)
    open: Mapping[str, AnnouncedEpisode] = field(default_factory=dict)  # by place
    #: The last closed episode of each place (to say that a second lift is a repeat).
    closed: Mapping[str, AnnouncedEpisode] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PostRecord:
    """A post to write (new, or a new version of it)."""

    post: Post
    source: str
    version: int
    observed_at: datetime
    readings: tuple[Reading, ...]
    issues: tuple[str, ...]


@dataclass(slots=True)
class AnnounceChanges:
    world: AnnounceWorld
    events: list[Event] = field(default_factory=list)
    posts: list[PostRecord] = field(default_factory=list)
    #: Episodes opened, changed or closed, in their latest form (keyed by location
    #: and the post that opened it).
    episodes: dict[tuple[str, str], AnnouncedEpisode] = field(default_factory=dict)


def text_hash(post: Post) -> str:
    blob = f"{post.text}\x00{int(post.edited)}\x00{post.reply_to}"
    return hashlib.sha1(blob.encode("utf-8", "surrogatepass")).hexdigest()


# --------------------------------------------------------------------------- ingest


def ingest(
    world: AnnounceWorld,
    posts: Iterable[Post],
    *,
    source: str,
    observed_at: datetime,
    after: datetime | None,
    resolver: Resolver,
    only: Iterable[str] = (),
) -> AnnounceChanges:
    """Apply the posts of one snapshot (oldest first) to the world."""
    ch = AnnounceChanges(world=world)
    state = _State(
        dict(world.posts), dict(world.open), dict(world.closed), ch, source, observed_at, after
    )
    for post in sorted(posts, key=lambda p: (p.at, p.id)):
        readings, issues = read_post(post, resolver, only)
        state.post(post, readings, issues)
    ch.world = AnnounceWorld(posts=state.posts, open=state.open, closed=state.closed)
    return ch


@dataclass
class _State:
    posts: dict[str, PostState]
    open: dict[str, AnnouncedEpisode]
    closed: dict[str, AnnouncedEpisode]
    ch: AnnounceChanges
    source: str
    observed_at: datetime
    after: datetime | None

    def post(self, post: Post, readings: list[Reading], issues: list[str]) -> None:
        old = self.posts.get(post.key)
        meaning = tuple(sorted(r.meaning for r in readings))
        h = text_hash(post)
        if old is not None and old.meaning == meaning and old.text_hash == h:
            return  # already recorded as it is
        version = 1 if old is None else old.version + 1
        places = tuple((r.kind, p) for r in readings for p in r.places)
        self.ch.posts.append(
            PostRecord(post, self.source, version, self.observed_at, tuple(readings), tuple(issues))
        )
        if old is not None and old.meaning == meaning:
            self.posts[post.key] = dataclasses.replace(old, text_hash=h, version=version)
            return  # a new wording, the same announcement
        if old is not None:
            self._amend(post, old, readings)
            readings = [r for r in readings if r.meaning not in set(old.meaning)]
        self.posts[post.key] = PostState(meaning, h, version, places)
        for r in readings:
            self._apply(post, r)

    # -- applying one reading ------------------------------------------------------

    def _apply(self, post: Post, r: Reading) -> None:
        kind = "announced_" + r.kind
        detail = self._detail(post, r)
        for place in r.places:
            if r.kind == "lifted":
                detail.update(self._lift(post, r, place))
            else:
                detail.update(self._impose(post, r, place))
        self.ch.events.append(self._event(kind, post, r, detail))

    def _impose(self, post: Post, r: Reading, place: str) -> dict[str, Any]:
        ep = self.open.get(place)
        last = self.closed.get(place)
        if ep is None and last is not None and last.end and last.start <= r.effective < last.end:
            # another channel's word for a restriction already lifted (its lift read
            # first): part of that episode, not a new one that nothing would close
            keys = last.keys if post.key in last.keys else (*last.keys, post.key)
            self._keep(dataclasses.replace(last, keys=keys))
            return {
                "episode": "joins_lifted",
                "since": iso(last.start),
                "opened_by": last.start_key,
            }
        if ep is None:
            ep = AnnouncedEpisode(
                location=place,
                start=r.effective,
                start_by=self.observed_at,
                start_key=post.key,
                name=r.name,
                resolved=bool(r.locations),
                start_after=self.after,
                states=((r.effective, r.kind),),
                keys=(post.key,),
            )
            self._keep(ep)
            return {"episode": "opened"}
        states = ep.states
        if not states or states[-1][1] != r.kind:
            states = (*states, (r.effective, r.kind))
        keys = ep.keys if post.key in ep.keys else (*ep.keys, post.key)
        ep = dataclasses.replace(ep, start=min(ep.start, r.effective), states=states, keys=keys)
        self._keep(ep)
        return {"episode": "continues", "since": iso(ep.start), "opened_by": ep.start_key}

    def _lift(self, post: Post, r: Reading, place: str) -> dict[str, Any]:
        ep = self.open.get(place)
        if ep is None:
            last = self.closed.get(place)
            note: dict[str, Any] = {"episode": "none", "closes": None}
            if last is not None and last.end_key:
                note["already_lifted_by"] = last.end_key
            else:
                note["note"] = "no announcement open at this airport in the log"
            return note
        replied = f"{post.channel}/{post.reply_to}" if post.reply_to is not None else None
        closes = replied if replied in ep.keys else ep.keys[-1]
        ep = dataclasses.replace(
            ep,
            end=r.effective,
            end_by=self.observed_at,
            end_after=self.after,
            end_key=post.key,
            end_reason="lifted",
            keys=(*ep.keys, post.key),
        )
        self._keep(ep)
        return {
            "episode": "closed",
            "closes": closes,
            "replies_to_it": closes == replied,
            "since": iso(ep.start),
        }

    def _keep(self, ep: AnnouncedEpisode) -> None:
        self.ch.episodes[(ep.location, ep.start_key)] = ep
        if ep.end is None:
            self.open[ep.location] = ep
        else:
            self.open.pop(ep.location, None)
            self.closed[ep.location] = ep

    # -- amendments ----------------------------------------------------------------

    def _amend(self, post: Post, old: PostState, readings: list[Reading]) -> None:
        now = {r.meaning for r in readings}
        gone = [m for m in old.meaning if m not in now]
        locations = sorted({p for r in readings for p in r.locations} | _codes(old.places))
        self.ch.events.append(
            Event(
                kind="amended",
                source=self.source,
                observed_at=self.observed_at,
                key=post.key,
                id=post.key,
                locations=tuple(locations),
                after=self.after,
                effective_at=post.at,
                detail={
                    "before": [list(m) for m in old.meaning],
                    "after": [list(m) for m in sorted(now)],
                    "changed": ["announcement"],
                    "text": post.text,
                    "url": post.url,
                    "edited": post.edited,
                },
            )
        )
        if gone:
            kept = {(r.kind, p) for r in readings for p in r.places}
            for kind, place in old.places:
                if (kind, place) in kept or kind == "lifted":
                    continue
                ep = self.open.get(place)
                if ep is not None and ep.start_key == post.key:
                    self._keep(
                        dataclasses.replace(
                            ep,
                            end=self.observed_at,
                            end_by=self.observed_at,
                            end_after=self.after,
                            end_key=post.key,
                            end_reason="retracted",
                        )
                    )

    # -- events --------------------------------------------------------------------

    def _detail(self, post: Post, r: Reading) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "name": r.name,
            "text": post.text,
            "url": post.url,
            "channel": post.channel,
            "posted_at": iso(post.at),
            "reply_to": post.reply_to,
            "edited": post.edited,
        }
        if post.reply_to is not None:
            detail["reply_to_url"] = f"https://t.me/{post.channel}/{post.reply_to}"
        if r.stated:
            detail["stated"] = r.stated
        if r.issues:
            detail["issues"] = list(r.issues)
        return detail

    def _event(self, kind: str, post: Post, r: Reading, detail: dict[str, Any]) -> Event:
        return Event(
            kind=kind,
            source=self.source,
            observed_at=self.observed_at,
            key=post.key,
            id=post.key,
            locations=r.locations,
            after=self.after,
            effective_at=r.effective,
            detail=detail,
        )


def _codes(places: Iterable[tuple[str, str]]) -> set[str]:
    return {p for _k, p in places if len(p) == 4 and set(p) <= _ICAO_CHARS}
