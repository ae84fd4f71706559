"""demo: the offline replays of Heathrow (20-22 March 2025) and Izhevsk (15 November 2025)."""

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
@click.option(
    "--scenario",
    type=click.Choice(["heathrow", "izhevsk"]),
    default="heathrow",
    show_default=True,
    help="heathrow: the UK bulletins of 20-22 March 2025; izhevsk: Rosaviatsia's"
    " announcements of 15 November 2025 (posts rebuilt from the press's quotes).",
)
def demo_cmd(
    state: State, speed: float | None, no_screen: bool, local: bool, scenario: str
) -> None:
    """Offline demo: replay the UK bulletins of 20-22 March 2025 (Heathrow closed,
    limited, reopened) through a loopback server, the scheduler and the watcher; or,
    with --scenario izhevsk, Izhevsk restricted and lifted by announcement on 15
    November 2025 (the telegram and ru_ais sources on the loopback server)."""
    screen = not no_screen and sys.stdout.isatty()
    tz_mode = "local" if local else "utc"
    if scenario == "izhevsk":
        from notam_log.shell.demo_izhevsk import run_izhevsk_demo

        result = run_izhevsk_demo(
            db=state.db, speed=speed, screen=screen, out=sys.stdout, tz_mode=tz_mode
        )
    else:
        from notam_log.shell.demo import run_demo

        result = run_demo(db=state.db, speed=speed, screen=screen, out=sys.stdout, tz_mode=tz_mode)
    output.say(
        f"\n{result.polls} polls, {result.events} events in {result.db}"
        + ("" if state.db else " (a temporary database, now deleted; keep one with --db)")
    )
    for line in result.lines:
        output.say(line)
