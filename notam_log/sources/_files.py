"""Reading files and standard input within a size limit (the file source, ``parse``
and ``replay``).

What they are given is read through :func:`read_file` / :func:`read_stream`: a regular
file of at most ``max_bytes`` (64 MB by default); a FIFO, a device (``/dev/zero``), a
socket or a folder is refused in one line instead of being read forever. gzip is
undone later, within the same limit (:func:`notam_log.core.limits.gunzip`). File I/O,
so not in core; here, below the shell, because the ``file`` source reads files too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from notam_log.core.errors import InputError
from notam_log.core.limits import DEFAULT_MAX_BYTES, check_size, size


def read_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file, or InputError in one line (missing, a folder, not a
    regular file, unreadable, over ``max_bytes``)."""
    name = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below)
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a folder (give files)") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{name}: is a folder (give files)")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{name}: not a regular file (a FIFO, device or socket is not read)")
        if info.st_size > max_bytes:
            raise InputError(f"{name}: {size(info.st_size)}, over the limit of {size(max_bytes)}")
        os.set_blocking(f.fileno(), True)
        try:
            data = f.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{name}: cannot read it ({exc.strerror})") from None
    return check_size(data, max_bytes, name)


def read_stream(stream: BinaryIO, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """At most ``max_bytes`` of a stream (standard input), else InputError."""
    return check_size(stream.read(max_bytes + 1), max_bytes, name)
