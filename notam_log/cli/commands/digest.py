"""digest: what was closed, restricted or lifted in a day or period."""

from __future__ import annotations

import click

from notam_log.cli import output
from notam_log.cli.base import State, command, day_option, time_option
from notam_log.core.errors import DeliveryError
from notam_log.shell import clock


@command("digest")
@click.option(
    "--date",
    "day",
    metavar="DAY",
    help="A day: YYYY-MM-DD, today, yesterday, 3d (default: yesterday).",
)
@click.option("--since", help="From this time (with --until; ISO 8601, 36h, 7d, yesterday).")
@click.option("--until", help="Before this time (with --since).")
@click.option(
    "--since-last",
    is_flag=True,
    help="Since the previous digest was written or sent (the last day on a new database).",
)
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
    from notam_log.core import digest_render as render
    from notam_log.shell import digests

    on = day_option(day, "--date")
    # the arguments first, then the database
    start, end = time_option(since, "--since"), time_option(until, "--until")
    with state.store() as store:
        run = digests.make_requested(
            state.config,
            store,
            clock.now(),
            day=on,
            since=start,
            until=end,
            since_last=since_last,
            fmt=fmt,
            out=out,
            send=send,
        )
    if run.folder is None:
        if (fmt or "text") == "text":
            output.console.print(render.render_rich(run.digest))
        else:
            output.console.file.write(render.render(run.digest, fmt or "text"))
        return
    for path in run.files:
        output.say(f"wrote {path}")
    for x in run.deliveries:
        if x.ok:
            output.say(f"sent via {x.channel}")
    if send and not run.deliveries:
        output.warn("--send: no [[notify]] channel takes the digest (digest = true)")
    if run.failed:
        lines = "; ".join(f"{x.channel}: {x.error}" for x in run.failed)
        raise DeliveryError(f"not delivered ({lines}); the digest is in {run.folder}")
