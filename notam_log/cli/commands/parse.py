"""parse: read NOTAM files of any supported format and print them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from notam_log.cli import output
from notam_log.cli.base import State, command
from notam_log.core.errors import InputError
from notam_log.core.models import Notam
from notam_log.core.validity import notam_json


@command("parse")
@click.argument("files", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per NOTAM, per line.")
def parse_cmd(state: State, files: tuple[str, ...], as_json: bool) -> None:
    """Parse NOTAMs from FILES (ICAO or FAA text, JSON lines, PIB XML, Russian AIS series
    bulletins; gzip ok; - for stdin)."""
    from notam_log.core.parse.inputs import read_input

    notams: list[Notam] = []
    for name in files or ("-",):
        label = name if name != "-" else "<stdin>"
        parsed = read_input(_read(name), label)
        notams.extend(parsed.notams)
        if parsed.incomplete:  # a bulletin cut short: what it holds, and that it is not all
            output.warn(f"{label}: read in part: {parsed.incomplete}")
        if parsed.format == "telegram":  # announcements, not NOTAMs: replay records them
            output.warn(
                f"{label}: a Telegram channel page of {output.count(len(parsed.posts), 'post')}"
                " (no NOTAMs; replay records its announcements)"
            )
    if as_json:
        output.json_lines(notam_json(n) for n in notams)
    else:
        output.notam_table(notams)


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a folder (give files)") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read it ({exc.strerror})") from None
