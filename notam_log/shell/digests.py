"""Digests in the shell: read from the store, built (:mod:`notam_log.core.digest`),
written to their folder, delivered through ``[[notify]]``, remembered in the store.

A digest is always written to its folder before any delivery is tried, so a failed
delivery never loses it. The daemon runs :func:`daily_job` at ``[digest] time``; the
``digest`` command runs :func:`make_requested`; the demo prints :func:`render_day`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from notam_log.core import digest_render as render
from notam_log.core.channels import channels
from notam_log.core.config import Config
from notam_log.core.digest import LATE_GRACE, OVERDUE_LOOKBACK, Digest, build
from notam_log.core.errors import NotamLogError
from notam_log.core.models import NotamRow
from notam_log.core.periods import Period, day_period, previous_day, range_period
from notam_log.shell.airports import name_of, position_of
from notam_log.shell.announced import judged
from notam_log.shell.coverage import scope_histories
from notam_log.shell.delivery import SENDERS, Delivery, Message, Sender, deliver
from notam_log.shell.store import Store

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- reading


def load(
    store: Store,
    config: Config,
    period: Period,
    now: datetime,
    *,
    late_after: datetime | None = None,
    names: Mapping[str, str] | None = None,
) -> Digest:
    """Read what :func:`build` needs from the store and build the digest."""
    start = min(period.since, late_after) if late_after else period.since
    until = min(max(period.until, now), period.until + LATE_GRACE)
    events = store.events(since=start, until=until)
    episodes = [
        ep
        for ep in store.episodes(since=period.since - LATE_GRACE, until=until)
        if not config.locations or ep.location in config.locations
    ]
    polls = store.polls(since=period.since - timedelta(days=1), until=min(period.until, now))
    intervals = {s.name: s.interval for s in config.sources if s.enabled}
    keys = {ev.key for ev in events if ev.key} | {k for ep in episodes for k in ep.keys}
    rows = _notam_rows(store, keys, period)
    places = set(config.locations) | {loc for ev in events for loc in ev.locations}
    places |= {ep.location for ep in episodes}
    if names is None:
        locs = set(config.locations) | {loc for ev in events for loc in ev.locations}
        names = {loc: n for loc in locs if (n := name_of(loc))}
    return build(
        events,
        episodes,
        polls,
        period,
        now,
        locations=config.locations,
        notams=rows,
        intervals=intervals,
        names=names,
        restrictions=config.restrictions,
        late_after=late_after,
        scopes=scope_histories(store, config, period.since, min(period.until, now)),
        positions={loc: pos for loc in places if (pos := position_of(loc))},
        announced=judged(
            store,
            config,
            now,
            locations=config.locations,
            since=period.since,
            until=min(period.until, now),
        ),
    )


def _notam_rows(store: Store, keys: Iterable[str], period: Period) -> list[NotamRow]:
    """The NOTAMs of the period's events, the EST ones that may be overdue, and the
    NOTAMR/NOTAMC that answer them."""
    rows = {r.notam.key: r for r in store.notams(keys=keys)}
    est = store.notams_estimated_ending(period.since - OVERDUE_LOOKBACK, period.until)
    rows.update((r.notam.key, r) for r in est)
    ids = {r.notam.id for r in est if r.notam.id}
    rows.update((r.notam.key, r) for r in store.notams_referring_to(ids))
    return list(rows.values())


def render_day(store: Store, config: Config, day: datetime, fmt: str = "text") -> str:
    """The digest of one UTC day, as of the store's latest poll (used by the offline demo,
    whose clock is simulated)."""
    latest = store.last_poll_finished()
    period = day_period(day.date(), "UTC")
    now = latest if latest is not None and latest > period.until else period.until
    return render.render(load(store, config, period, now), fmt)


# --------------------------------------------------------------------------- making and delivering


def digest_message(d: Digest) -> Message:
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


def file_name(d: Digest, fmt: str) -> str:
    return f"notam-digest-{d.period.label}.{render.EXTENSIONS[fmt]}"


def map_name(label: str) -> str:
    """The period's map page beside its digest (``notam-log map --date DAY --out``)."""
    return f"notam-map-{label}.html"


def digest_folder(config: Config, database: str | Path, out: str | None = None) -> Path:
    """``--out``, else ``[digest] folder``, else ``digests/`` next to ``database``, the
    database in use (``--db``, ``$NOTAM_LOG_DB`` or the config's: ``store.path``)."""
    if out:
        return Path(out).expanduser()
    if config.digest.folder:
        return Path(config.digest.folder).expanduser()
    return Path(database).parent / "digests"


def write_digest(d: Digest, folder: Path, formats: Sequence[str]) -> list[Path]:
    """One file per format, each written whole (temporary file, then rename); the HTML
    links to the period's map when one was written beside it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        beside = map_name(d.period.label)
        href = beside if (folder / beside).is_file() else None
        for fmt in formats:
            path = folder / file_name(d, fmt)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(render.render(d, fmt, map_href=href), encoding="utf-8")
            os.replace(tmp, path)
            paths.append(path)
    except OSError as exc:
        raise NotamLogError(f"{folder}: cannot write the digest ({exc.strerror or exc})") from None
    return paths


@dataclass(frozen=True, slots=True)
class DigestRun:
    digest: Digest
    files: tuple[Path, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    folder: Path | None = None  # where the files were written (None: not written)

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
) -> tuple[Period, datetime | None]:
    """The period asked for on the command line, and ``late_after`` for ``--since-last``."""
    tz = config.digest.timezone
    if since_last:
        last = store.last_digest()
        if last is None:  # a new database: the last day, as the first of a series
            return range_period(now - timedelta(days=1), now, tz, "since-last"), None
        return range_period(last.until, now, tz, "since-last"), last.made_at
    if since is not None or until is not None:
        if since is None or until is None or until <= since:
            raise NotamLogError("--since and --until go together, with --until after --since")
        return range_period(since, until, tz), None
    if day is not None:
        return day_period(day, tz), None
    return previous_day(now, tz), None


def make_digest(
    config: Config,
    store: Store,
    period: Period,
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
    env = os.environ if env is None else env
    chans = [c for c in channels(config, env) if c.digest] if send else []
    if send and folder is None:
        folder = digest_folder(config, store.path)
    d = load(store, config, period, now, late_after=late_after)
    files: list[Path] = []
    if folder is not None:
        files = write_digest(d, folder, formats or config.digest.formats)
        logger.info("digest %s written to %s", period.label, folder)
    deliveries: list[Delivery] = []
    if chans:
        msg = digest_message(d)
        deliveries = [deliver(c, msg, senders=senders, sleep=sleep) for c in chans]
    if folder is not None or send:
        store.remember_digest(
            d,
            [str(p) for p in files],
            [x.channel for x in deliveries if x.ok],
            [f"{x.channel}: {x.error}" for x in deliveries if not x.ok],
        )
    return DigestRun(d, tuple(files), tuple(deliveries), folder)


def daily_job(config: Config, store: Store, now: datetime) -> None:
    """What the scheduler runs at ``[digest] time``: yesterday's digest, written to the
    folder, then delivered if ``[digest] send``. Never raises for a failed delivery."""
    period = previous_day(now, config.digest.timezone)
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


def make_requested(
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
) -> DigestRun:
    """The ``digest`` command's digest: of the period asked for; written to a folder with
    ``out`` (or ``send``) and delivered with ``send``. ``folder`` None: to be printed."""
    if sum([day is not None, since is not None or until is not None, since_last]) > 1:
        raise NotamLogError("give one of --date, --since/--until or --since-last")
    period, late = resolve_period(
        config, store, now, day=day, since=since, until=until, since_last=since_last
    )
    folder = digest_folder(config, store.path, out) if (out or send) else None
    formats = (fmt,) if fmt else config.digest.formats
    return make_digest(
        config, store, period, now, late_after=late, folder=folder, formats=formats, send=send
    )
