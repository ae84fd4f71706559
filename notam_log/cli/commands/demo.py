"""demo: the offline replay of Heathrow, 20-22 March 2025."""

from __future__ import annotations

import sys

import click

from notam_log.cli import output
from notam_log.cli.base import State, command, finite


@command("demo")
@click.option(
    "--speed",
    type=click.FloatRange(min=0, min_open=True, max=1e9),
    callback=lambda _ctx, _param, v: finite(v, "--speed"),
    metavar="FLOAT",
    help="Simulated seconds per real second [default: 1800"
    " on screen (an hour every 2 s), 14400 with --no-screen].",
)
@click.option("--no-screen", is_flag=True, help="Print the event lines instead of the screen.")
@click.option("--local", is_flag=True, help="Times in each airport's local time (default UTC).")
def demo_cmd(state: State, speed: float | None, no_screen: bool, local: bool) -> None:
    """Offline demo: replay the UK bulletins of 20-22 March 2025 (Heathrow closed,
    limited, reopened) through a loopback server, the scheduler and the watcher."""
    from notam_log.shell.demo import run_demo

    screen = not no_screen and sys.stdout.isatty()
    result = run_demo(
        db=state.db, speed=speed, screen=screen, out=sys.stdout, tz_mode="local" if local else "utc"
    )
    output.say(
        f"\n{result.polls} polls, {result.events} events in {result.db}"
        + ("" if state.db else " (a temporary database, now deleted; keep one with --db)")
    )
    for line in result.lines:
        output.say(line)
