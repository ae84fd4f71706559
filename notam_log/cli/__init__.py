"""The ``notam-log`` command line: the click group and its commands.

What every command shares (common options, the one error handler, option helpers) is
in :mod:`notam_log.cli.base`; each command is a module of :mod:`notam_log.cli.commands`,
added to the group here; :mod:`notam_log.cli.output` prints. A new command is a new
module and one line below.
"""

from __future__ import annotations

import click

from notam_log import __version__
from notam_log.cli.base import Cli, State, common
from notam_log.cli.commands import (
    active,
    check_config,
    demo,
    digest,
    events,
    export,
    history,
    map_page,
    parse,
    poll,
    replay,
    run,
    search,
    serve,
    sources,
    timeline,
    watch,
)

__all__ = ["State", "cli", "main"]


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="notam-log")
@common
def cli() -> None:
    """notam-log: know, with evidence, when airports and airspace were closed or
    restricted, and when that was lifted."""


cli.add_command(parse.parse_cmd)
cli.add_command(replay.replay_cmd)
cli.add_command(events.events_cmd)
cli.add_command(active.active_cmd)
cli.add_command(history.history_cmd)
cli.add_command(timeline.timeline_cmd)
cli.add_command(search.search_cmd)
cli.add_command(check_config.check_config_cmd)
cli.add_command(poll.poll_cmd)
cli.add_command(sources.sources_cmd)
cli.add_command(run.run_cmd)
cli.add_command(watch.watch_cmd)
cli.add_command(demo.demo_cmd)
cli.add_command(digest.digest_cmd)
cli.add_command(export.export_cmd)
cli.add_command(map_page.map_cmd)
cli.add_command(serve.serve_cmd)


def main() -> None:
    cli(obj=State())
