"""parse: read NOTAM files of any supported format and print them."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import click

from notam_log.cli.base import State, command

if TYPE_CHECKING:
    from notam_log.core.models import Notam
    from notam_log.core.parse.inputs import Parsed


@command("parse")
@click.argument("files", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per NOTAM, per line.")
def parse_cmd(state: State, files: tuple[str, ...], as_json: bool) -> None:
    """Parse NOTAMs from FILES (ICAO or FAA text, JSON lines, PIB XML, Russian AIS series
    bulletins; gzip ok; - for stdin)."""
    from notam_log.core.parse.inputs import read_input

    # The terminal library (Rich) is loaded only for the table or a warning: --json
    # writes bytes, and a command that parses a file should start at once.
    notams: list[Notam] = []  # for the table, which sizes its columns on all of them
    for name in files or ("-",):
        label = name if name != "-" else "<stdin>"
        with _collector_paused():
            parsed = read_input(_read(name), label)  # both within the size limit
            if as_json:  # streamed: each file's records as soon as they are read
                _json_lines(parsed.notams)
        if not as_json:
            notams.extend(parsed.notams)
        if parsed.incomplete or parsed.format == "telegram":
            _warnings(label, parsed)
    if not as_json:
        from notam_log.cli import output

        output.notam_table(notams)


def _warnings(label: str, parsed: Parsed) -> None:
    from notam_log.cli import output

    if parsed.incomplete:  # a bulletin cut short: what it holds, and that it is not all
        output.warn(f"{label}: read in part: {parsed.incomplete}")
    if parsed.format == "telegram":  # announcements, not NOTAMs: replay records them
        output.warn(
            f"{label}: a Telegram channel page of {output.count(len(parsed.posts), 'post')}"
            " (no NOTAMs; replay records its announcements)"
        )


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while one file is read and written.

    Reading makes records and no reference cycles (tests/test_split_and_json.py checks
    it over the corpus and every shared file): reference counting frees all of it, and
    the collector, run every 700 new objects, would only walk the records made so far
    (about 8% of reading a large file). It runs again after each file."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _json_lines(notams: Iterable[Notam]) -> None:
    """One compact JSON line per record (:func:`notam_log.core.validity.json_lines`),
    written in blocks as they are made."""
    from notam_log.core.validity import json_lines

    sys.stdout.flush()
    out = sys.stdout.buffer
    for block in json_lines(notams):
        out.write(block)
    out.flush()


def _read(name: str) -> bytes:
    """A file's or standard input's bytes, at most 64 MB; a FIFO or device refused."""
    from notam_log.sources._files import read_file, read_stream

    if name == "-":
        return read_stream(sys.stdin.buffer, "<stdin>")
    return read_file(name)
