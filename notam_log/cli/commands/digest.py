"""digest: what was closed, restricted or lifted in a day or period."""

from __future__ import annotations

import click

from notam_log.cli.base import (
    State,
    command,
    time_option,
)
from notam_log.shell import clock


@command("digest")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="A day (default: yesterday).")
@click.option("--since", help="From this time (with --until).")
@click.option("--until", help="Before this time (with --since).")
@click.option("--since-last", is_flag=True, help="Since the previous digest was written or sent.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "md", "html", "json"]), help="Output format."
)
@click.option("--out", metavar="DIR", help="Write one file per format here instead of printing.")
@click.option("--send", is_flag=True, help="Write to the folder, then deliver through [[notify]].")
def digest_cmd(
    state: State,
    day: str | None,
    since: str | None,
    until: str | None,
    since_last: bool,
    fmt: str | None,
    out: str | None,
    send: bool,
) -> None:
    """What was closed, restricted or lifted in a day or period; is the record complete."""
    from datetime import date

    from notam_log.shell import notify

    try:
        on = date.fromisoformat(day) if day else None
    except ValueError:
        raise click.BadParameter(f"{day!r} is not a date", param_hint="--date") from None
    with state.store() as store:
        notify.run_command(
            state.config,
            store,
            clock.now(),
            day=on,
            since=time_option(since, "--since"),
            until=time_option(until, "--until"),
            since_last=since_last,
            fmt=fmt,
            out=out,
            send=send,
        )
