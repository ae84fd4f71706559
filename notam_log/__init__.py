"""notam-log: an evidence log of NOTAM restrictions, from public sources."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("notam-log")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
