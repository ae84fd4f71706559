"""Logging helpers for the shell: a filter on some loggers for the length of a block."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator


@contextlib.contextmanager
def filtered(names: Iterable[str], flt: logging.Filter) -> Iterator[None]:
    """Add ``flt`` to the loggers ``names`` while the block runs, and take it off after."""
    loggers = [logging.getLogger(name) for name in names]
    for lg in loggers:
        lg.addFilter(flt)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(flt)
