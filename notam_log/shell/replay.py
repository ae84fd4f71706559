"""Replaying saved snapshots (files, folders, git-scraped archives) into the log."""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from notam_log.core.errors import InputError
from notam_log.core.limits import FUTURE_TOLERANCE, ahead
from notam_log.core.models import Snapshot
from notam_log.core.parse.inputs import Parsed, read_input, stamp_from_name
from notam_log.core.parse.pib import PibMemo
from notam_log.shell.recorder import Recorder
from notam_log.sources._files import read_file

#: A long replay folds the write-ahead log into the database every this many
#: snapshots, so that the -wal file never grows past a few MB.
CHECKPOINT_EVERY = 200

SKIP_SUFFIXES = (".md", ".txt.sig", ".sha256")


@dataclass(frozen=True, slots=True)
class Item:
    """One saved snapshot: where it came from, its time if known, how to read it."""

    name: str
    at: datetime | None
    load: Callable[[], bytes]


@dataclass(slots=True)
class Stats:
    snapshots: int = 0
    skipped: int = 0
    notams: int = 0
    events: int = 0
    issues: int = 0
    #: Items read only in part (a bulletin cut short): ingested as incomplete polls,
    #: which add what they hold but never decide that a NOTAM disappeared.
    incomplete: int = 0
    posts: int = 0  # posts of saved channel pages
    #: Items refused for their time: from the future, or out of line with their own
    #: file's or commit's time (never used as the scope's clock).
    refused: int = 0
    errors: list[str] = field(default_factory=list)


def items_from_paths(paths: Iterable[str | Path]) -> list[Item]:
    """Files and folders (recursively), each with the time in its name if any."""
    items: list[Item] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            # every entry but folders: a FIFO or device is refused when read, and said
            files = sorted(f for f in path.rglob("*") if not f.is_dir() and not _ignored(f))
        elif path.exists():  # a file (a FIFO or device: refused when read)
            files = [path]
        else:
            raise InputError(f"{path}: no such file or folder")
        for f in files:  # read within the size limit, a FIFO or device refused (sources._files)
            items.append(Item(str(f), stamp_from_name(f.name), functools.partial(read_file, f)))
    return items


def _ignored(f: Path) -> bool:
    return f.name.startswith(".") or f.name.upper().startswith(("README", "PROVENANCE"))


def items_from_git(
    repo: str | Path, path: str, since: datetime | None = None, until: datetime | None = None
) -> list[Item]:
    """Every version of ``path`` in the history of ``repo``, oldest first, read with
    ``git cat-file`` (no checkout), each at its commit time. When ``path`` is a folder
    of files named by their times (a Russian AIS archive's ``history/``), every file
    ever committed there, in the order of the times in their names."""
    folder = _git_folder(repo, path)
    if folder is not None:
        return _items_from_folder(repo, folder, since, until)
    args = ["git", "-C", str(repo), "log", "--format=%H %ct", "--reverse"]
    if since is not None:
        args.append(f"--since={int(since.timestamp())}")
    if until is not None:
        args.append(f"--until={int(until.timestamp())}")
    args += ["--", path]
    try:
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    except FileNotFoundError:
        raise InputError("git is not installed") from None
    except subprocess.CalledProcessError as exc:
        msg = (exc.stderr or "").strip().splitlines()
        raise InputError(
            f"{repo}: not a readable git repository ({msg[0] if msg else exc})"
        ) from None
    if not out.strip():
        if since is not None or until is not None:
            ever = subprocess.run(
                ["git", "-C", str(repo), "log", "-1", "--format=%H", "--", path],
                capture_output=True,
                text=True,
            ).stdout
            if ever.strip():
                return []  # the file has a history, with nothing in this window (cron)
        raise InputError(f"{repo}: no commit has a version of {path!r} (check --path)")
    reader = _CatFile(str(repo))
    items = []
    for line in out.splitlines():
        sha, ts = line.split()
        at = datetime.fromtimestamp(int(ts), UTC)
        spec = f"{sha}:{path}"
        items.append(Item(f"{repo}@{sha[:10]}:{path}", at, functools.partial(reader.read, spec)))
    return items


def _git(repo: str | Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        raise InputError("git is not installed") from None
    except subprocess.CalledProcessError as exc:
        msg = (exc.stderr or "").strip().splitlines()
        raise InputError(
            f"{repo}: not a readable git repository ({msg[0] if msg else exc})"
        ) from None


def _git_folder(repo: str | Path, path: str) -> str | None:
    """``path`` as a folder of the repository's history (None when it is a file)."""
    clean = path.strip("/")
    names = _git(repo, "log", "--format=", "--name-only", "--", clean).split()
    if not names or all(n == clean for n in names):
        return None
    return clean


def _items_from_folder(
    repo: str | Path, folder: str, since: datetime | None, until: datetime | None
) -> list[Item]:
    """The last committed version of every file ever in ``folder``, with the time in its
    name (else its commit's time), in time order, within ``[since, until)``."""
    # additions and changes only: a file removed later is read as it was last committed
    out = _git(repo, "log", "--format=@%H %ct", "--name-only", "--diff-filter=AM", "--", folder)
    latest: dict[str, tuple[str, datetime]] = {}
    sha, when = "", datetime.min.replace(tzinfo=UTC)
    for line in out.splitlines():
        if line.startswith("@"):
            sha, ts = line[1:].split()
            when = datetime.fromtimestamp(int(ts), UTC)
        elif line.strip() and line not in latest:
            latest[line] = (sha, when)  # newest first: the first seen is the last version
    reader = _CatFile(str(repo))
    items: list[Item] = []
    for name, (sha, committed) in latest.items():
        if Path(name).name.startswith(".") or _ignored(Path(name)):
            continue
        at = stamp_from_name(Path(name).name) or committed
        if (since is not None and at < since) or (until is not None and at >= until):
            continue
        spec = f"{sha}:{name}"
        items.append(Item(f"{repo}@{sha[:10]}:{name}", at, functools.partial(reader.read, spec)))
    return sorted(items, key=lambda i: (i.at or datetime.min.replace(tzinfo=UTC), i.name))


class _CatFile:
    """A long-lived ``git cat-file --batch`` to read many blobs quickly."""

    def __init__(self, repo: str) -> None:
        self.repo = repo
        self.proc: subprocess.Popen[bytes] | None = None

    def read(self, spec: str) -> bytes:
        if self.proc is None:
            self.proc = subprocess.Popen(
                ["git", "-C", self.repo, "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(spec.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            return b""
        size = int(header[2])
        data = self.proc.stdout.read(size)
        self.proc.stdout.read(1)
        return data


def timed(
    items: list[Item], *, prefer_issued: bool, at: datetime | None
) -> Iterator[tuple[datetime, Item, Parsed | None]]:
    """Items in time order, each with the time it is ingested at.

    Files: sorted by the time in their name; one without is parsed to find the bulletin's
    issue time, else given ``at``. Git (``prefer_issued``): the commits are already in time
    order, so they are streamed as they come, each parsed once, at the bulletin's own issue
    time when it has one, else the commit's; memory stays flat over a long history.
    """
    memo = PibMemo()  # the bulletin read before, reused where the next repeats it
    if prefer_issued:
        for item in items:
            try:
                parsed = read_input(item.load(), item.name, memo)
            except InputError:
                yield (item.at or _require(at, item)).replace(microsecond=0), item, None
                continue
            when = parsed.issued or item.at or _require(at, item)
            if parsed.issued is not None and ahead(parsed.issued, item.at or parsed.issued):
                when = item.at or when  # out of line with its commit: replay() refuses it
            yield when.replace(microsecond=0), item, parsed
        return
    dated: list[tuple[datetime, int, Item]] = []
    for i, item in enumerate(items):
        stamp = item.at
        if stamp is None:
            try:  # parsed again in turn
                stamp = read_input(item.load(), item.name, memo).issued or at
            except InputError:
                stamp = at  # unreadable: a failed poll at --at (or said below)
        dated.append((_require(stamp, item).replace(microsecond=0), i, item))
    dated.sort(key=lambda d: (d[0], d[1]))
    for when, _i, item in dated:
        yield when, item, None


def _require(when: datetime | None, item: Item) -> datetime:
    if when is None:
        raise InputError(f"{item.name}: no time in its name and no issue time inside; give --at")
    return when


def replay(
    recorder: Recorder,
    ordered: Iterable[tuple[datetime, Item, Parsed | None]],
    *,
    source: str = "replay",
    scope: str | None = None,
    on_item: Callable[[str], None] | None = None,
    now: datetime | None = None,
) -> Stats:
    """Ingest each item as a poll of (source, scope) at its time: a complete one, unless
    the item is known to be only part of a snapshot (a bulletin cut short), which is
    ingested as an incomplete poll and said in ``errors``; an unreadable item is a
    failed poll. Without ``scope``, an input that names its own (a channel page: its
    channel; a Russian AIS bulletin: its series) is a poll of that scope, any other of
    ``all``; a channel page's posts are recorded as the ``telegram`` source records them.
    An item whose time is ahead of ``now`` (the wall clock), or whose bulletin says it
    was issued after its own file's or commit's time, is refused and said in ``errors``:
    a time from the future would be the scope's clock for good (false expiries, every
    later snapshot "not newer")."""
    stats = Stats()
    memo = PibMemo()  # the bulletin read before, reused where the next repeats it
    for done, (when, item, parsed) in enumerate(ordered):
        if done and done % CHECKPOINT_EVERY == 0:
            recorder.store.checkpoint()
        if now is not None and ahead(when, now):
            _refuse(stats, item, f"its time {when:%Y-%m-%dT%H:%MZ} is in the future", on_item)
            continue
        if parsed is None:
            try:
                parsed = read_input(item.load(), item.name, memo)
            except InputError as exc:
                stats.errors.append(str(exc))
                recorder.failed_poll(source, scope or "all", when, when, str(exc))
                if on_item:
                    on_item(item.name)
                continue
        reference = item.at or when
        if parsed.issued is not None and ahead(parsed.issued, reference):
            _refuse(
                stats,
                item,
                f"issued {parsed.issued:%Y-%m-%dT%H:%MZ}, after its own time"
                f" {reference:%Y-%m-%dT%H:%MZ} (by more than"
                f" {FUTURE_TOLERANCE.total_seconds() / 60:g} min)",
                on_item,
            )
            continue
        snap = Snapshot(
            source=source,
            scope=scope or parsed.scope or "all",
            taken_at=when,
            notams=parsed.notams,
            complete=parsed.incomplete is None,
            reason=parsed.incomplete,
            posts=parsed.posts,
        )
        if parsed.incomplete:
            stats.incomplete += 1
            stats.errors.append(f"{item.name}: read in part, not complete: {parsed.incomplete}")
        rec = recorder.snapshot(snap)
        if rec.status == "skipped":  # not newer than the last snapshot of its scope
            stats.skipped += 1
        else:
            stats.snapshots += 1
            stats.notams += rec.notams
            stats.posts += len(parsed.posts)
            stats.events += len(rec.events)
            stats.issues += rec.issues
        if on_item:
            on_item(item.name)
    return stats


def _refuse(stats: Stats, item: Item, why: str, on_item: Callable[[str], None] | None) -> None:
    stats.refused += 1
    stats.errors.append(f"{item.name}: refused: {why}")
    if on_item:
        on_item(item.name)
