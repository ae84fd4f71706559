"""Checking a database path before SQLite makes or opens anything there."""

from __future__ import annotations

from pathlib import Path

#: No database may live here (kernel and device file systems).
_NOT_FOR_DATA = ("/proc", "/sys", "/dev")


def database_problem(path: str | Path) -> str | None:
    """Why ``path`` cannot be a database file (a folder, under /proc, a file as its
    folder...), or None. Nothing is created."""
    text = str(path)
    if not text.strip():
        return "an empty path is not a database file"
    p = Path(text).expanduser()
    resolved = p.resolve(strict=False)
    for root in _NOT_FOR_DATA:
        if resolved == Path(root) or Path(root) in resolved.parents:
            return f"{root} holds no database (a kernel or device file system)"
    if p.is_dir():
        return "is a folder, not a database file"
    if p.exists() and not p.is_file():
        return "not a regular file"
    for parent in resolved.parents:
        if parent.exists():
            if not parent.is_dir():
                return f"{parent} is not a folder"
            break
    return None
