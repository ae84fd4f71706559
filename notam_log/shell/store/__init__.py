"""The SQLite store: schema (sqlite-utils migrations), one transaction per change, queries.

Tables (documented in the README):

* ``notams``: the latest state of every NOTAM (parsed fields, raw text, content
  hash, first and last seen, status: active, replaced, cancelled, expired or withdrawn).
* ``notam_versions``: every distinct version of a NOTAM's content.
* ``events``: the append-only log (triggers refuse UPDATE and DELETE).
* ``event_locations``: one row per (event, location), for fast location filters.
* ``polls``: each poll of each source and scope, its status, reason and counts.
* ``scopes``: the last complete poll of each source and scope, and what it held.
* ``sources``: each source's health (failing since, failures in a row) and state.
* ``in_force``: the restrictions in force now, per location and category.
* ``episodes``: restriction episodes per location, with bounded start and end.
* ``notams_fts``: full-text search over NOTAM id, locations and text.
* ``posts``, ``post_versions``, ``announced_episodes``: official announcements (every
  post read, its versions, and the announced restriction episodes; announcements.py).
* ``digests``: when each digest was made, for what period, where it went.

The modules: :mod:`.schema` (the migrations), :mod:`.writes` and :mod:`.queries` (the
two halves of :class:`Store`), :mod:`.rows` (rows <-> records). Every SQL statement of
the project is in this package.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from notam_log.core.errors import StoreError
from notam_log.core.models import NotamRow
from notam_log.shell.files import database_problem
from notam_log.shell.store.queries import Queries
from notam_log.shell.store.rows import describe_sqlite_error
from notam_log.shell.store.schema import migrations
from notam_log.shell.store.writes import Writes

__all__ = ["NotamRow", "Store", "describe_sqlite_error", "migrations"]


class Store(Writes, Queries):
    """One database file. Writes happen only through :meth:`write`, one transaction each."""

    def __init__(self, path: str | Path, *, create: bool = True, timeout: float = 30.0) -> None:
        self.path = Path(path)
        problem = database_problem(self.path)  # a folder, /proc, "" (shell.files)
        if problem is not None:
            raise StoreError(f"{str(path) or repr(str(path))}: {problem}")
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such database (run a poll or a replay first)")
        try:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot make its folder ({exc.strerror})") from None
            conn = sqlite3.connect(str(self.path), timeout=timeout, check_same_thread=False)
            self.db = Database(conn)
            self.db.execute("PRAGMA journal_mode=WAL")
            # after each checkpoint the -wal file is cut back to 4 MB (SQLite otherwise
            # keeps it at its largest), so a long replay needs little more disk than the
            # database itself
            self.db.execute("PRAGMA journal_size_limit=4194304")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            migrations.apply(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {describe_sqlite_error(exc)}") from exc

    def close(self) -> None:
        self.checkpoint()  # the write-ahead log folded in and emptied: no -wal left large
        self.db.close()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database and truncate it, so that a long
        replay needs free space of about the database's size, not more (SQLite's
        automatic checkpoints never shrink the -wal file). Never raises: a reader that
        holds the log open only makes the checkpoint partial."""
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
