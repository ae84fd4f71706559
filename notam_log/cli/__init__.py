"""The ``notam-log`` command line: the click group and its commands.

What every command shares (common options, the one error handler, option helpers) is
in :mod:`notam_log.cli.base`; each command is a module of :mod:`notam_log.cli.commands`,
named in :data:`COMMANDS` here and imported only when it runs (or when the help lists
it), so that ``notam-log parse`` does not load the database, HTTP and terminal libraries
that other commands need. A new command is a new module and one line below.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping

import click

from notam_log.cli.base import Cli, State, common

__all__ = ["COMMANDS", "State", "cli", "main"]

#: Every command: its name -> (module of notam_log.cli.commands, the command in it).
COMMANDS: Mapping[str, tuple[str, str]] = {
    "parse": ("parse", "parse_cmd"),
    "replay": ("replay", "replay_cmd"),
    "events": ("events", "events_cmd"),
    "active": ("active", "active_cmd"),
    "history": ("history", "history_cmd"),
    "timeline": ("timeline", "timeline_cmd"),
    "search": ("search", "search_cmd"),
    "check-config": ("check_config", "check_config_cmd"),
    "poll": ("poll", "poll_cmd"),
    "sources": ("sources", "sources_cmd"),
    "run": ("run", "run_cmd"),
    "watch": ("watch", "watch_cmd"),
    "demo": ("demo", "demo_cmd"),
    "digest": ("digest", "digest_cmd"),
    "export": ("export", "export_cmd"),
    "map": ("map_page", "map_cmd"),
    "serve": ("serve", "serve_cmd"),
}


class LazyCli(Cli):
    """The group, loading each command of :data:`COMMANDS` on first use.

    ``get_command`` imports only the command asked for; ``list_commands`` names them
    all without importing any; ``commands`` (click's dict) holds every command, all
    imported when it is read."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self._loaded: dict[str, click.Command] = {}
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def commands(self) -> MutableMapping[str, click.Command]:
        for name in COMMANDS:
            self._load(name)
        return self._loaded

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._loaded = dict(value)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self._loaded))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name) if cmd_name in COMMANDS else self._loaded.get(cmd_name)

    def _load(self, name: str) -> click.Command:
        found = self._loaded.get(name)
        if found is None:
            module, attr = COMMANDS[name]
            found = getattr(importlib.import_module(f"notam_log.cli.commands.{module}"), attr)
            assert isinstance(found, click.Command), f"{module}.{attr} is not a command"
            if found.name != name:
                raise RuntimeError(f"COMMANDS names {module}.{attr} {name!r}, not {found.name!r}")
            self._loaded[name] = found
        return found


def _version(ctx: click.Context, _p: click.Parameter, value: bool) -> None:
    """``--version``: click's own line, with the version read only when asked."""
    if value and not ctx.resilient_parsing:
        from notam_log import __version__

        click.echo(f"notam-log, version {__version__}")
        ctx.exit()


@click.group(cls=LazyCli, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the version and exit.",
)
@common
def cli() -> None:
    """notam-log: know, with evidence, when airports and airspace were closed or
    restricted, and when that was lifted."""


def main() -> None:
    cli(obj=State())
