"""One poller per database: an exclusive ``fcntl.flock`` on ``<db>.lock``.

``run`` and ``watch`` take the lock before they schedule any poll. A second process
on the same database does not get it: ``run`` says so and exits, ``watch`` only
displays. The lock belongs to the open file, so the kernel releases it when the
process ends, however it ends (no stale lock to clean up after a crash). The file
holds the holder's pid, for the message only; it is never deleted (deleting it
would let a third process lock a new file while the second still holds the old).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType


def lock_path(db_path: str | Path) -> Path:
    """``/data/notam-log.db`` -> ``/data/notam-log.db.lock``."""
    p = Path(db_path)
    return p.with_name(p.name + ".lock")


class PollerLock:
    """Non-blocking exclusive lock; ``acquire()`` says whether this process polls."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = lock_path(db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock if free; False when another process holds it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def holder(self) -> int | None:
        """The pid written by the process that holds (or last held) the lock."""
        try:
            text = self.path.read_text().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def busy_message(self) -> str:
        """The one line a second ``run``/``watch`` prints."""
        pid = self.holder()
        who = f"process {pid}" if pid else "another process"
        return f"{who} already polls this database ({self.path} is locked); not polling"

    def __enter__(self) -> PollerLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
