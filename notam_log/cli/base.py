"""What every command shares: the common options (``--db``, ``--config``, ``-v``), the
:class:`State` they fill, the ``command`` decorator with the one place errors become
messages, the group class that shortens click's usage errors, and the option helpers
(times, formats, filters).

Every command takes ``--db PATH``, ``--config PATH`` and ``-v`` (also after the
command's name). Errors become one red line on stderr and a non-zero exit (2 for
usage errors such as an unknown option); ``-v`` shows the traceback (and click's
long usage message). A reader that stops reading (``| head -1``) ends the command
quietly with exit 0.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from notam_log.cli.places import location_option, near_options
from notam_log.core.errors import NotamLogError
from notam_log.core.models import CATEGORIES, EVENT_KINDS
from notam_log.core.when import parse_day, parse_time
from notam_log.shell import clock

if TYPE_CHECKING:
    from notam_log.core.config import Config
    from notam_log.core.known import LocationCoverage
    from notam_log.shell.runtime import Runtime
    from notam_log.shell.store import Store

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """What the common options collected; the place that opens config and store."""

    def __init__(self) -> None:
        self.db: str | None = None
        self.config_path: str | None = None
        self.verbose = 0
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from notam_log.shell.settings import find_config, load_config

            found = find_config(self.config_path, os.environ)
            self._config = load_config(found)
        return self._config

    def db_path(self) -> str:
        return self.db or os.environ.get("NOTAM_LOG_DB") or self.config.database

    def store(self, *, create: bool = False) -> Store:
        """The database, to read (``create``: made when missing)."""
        from notam_log.shell.store import Store

        return Store(self.db_path(), create=create)

    def runtime(
        self,
        *,
        sources: bool = True,
        names: Sequence[str] = (),
        require_sources: bool = False,
        client: bool = True,
    ) -> contextlib.AbstractContextManager[Runtime]:
        """The runtime of a command that writes the log (see
        :func:`notam_log.shell.runtime.open_runtime`); ``client`` False: no HTTP client."""
        from notam_log.shell.http import make_client
        from notam_log.shell.runtime import open_runtime

        return open_runtime(
            self.config,
            self.db_path(),
            sources=sources,
            names=names,
            require_sources=require_sources,
            client=make_client if client else None,
        )


def _set_db(ctx: click.Context, _p: click.Parameter, value: str | None) -> None:
    if value is not None:
        if not value.strip():  # not "the default database": an empty path is a mistake
            raise click.BadParameter("an empty path is not a database", param_hint="'--db'")
        ctx.ensure_object(State).db = value


def _set_config(ctx: click.Context, _p: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(State).config_path = value


def _set_verbose(ctx: click.Context, _p: click.Parameter, value: int) -> None:
    if value:
        ctx.ensure_object(State).verbose += value


def common(f: F) -> F:
    """--db, --config and -v, accepted before or after the command name."""
    f = click.option(
        "--db",
        callback=_set_db,
        expose_value=False,
        metavar="PATH",
        help="The database file (default: config.toml's, or $NOTAM_LOG_DB).",
    )(f)
    f = click.option(
        "--config",
        callback=_set_config,
        expose_value=False,
        metavar="PATH",
        help="The configuration file (default: $NOTAM_LOG_CONFIG, else ./config.toml, else"
        " ~/.config/notam-log/config.toml, else the built-in one).",
    )(f)
    f = click.option(
        "-v",
        "--verbose",
        count=True,
        callback=_set_verbose,
        expose_value=False,
        help="More detail; shows tracebacks. -vv also logs HTTP.",
    )(f)
    return f


def command(*args: Any, **kwargs: Any) -> Callable[[F], click.Command]:
    """A subcommand with the common options and the one place errors become messages;
    ``notam_log.cli`` adds it to the group."""

    def wrap(f: F) -> click.Command:
        @functools.wraps(f)
        def run(*a: Any, **kw: Any) -> Any:
            state = click.get_current_context().ensure_object(State)
            setup_logging(state.verbose)
            try:
                return f(state, *a, **kw)
            except NotamLogError as exc:
                if state.verbose:
                    raise
                _error(str(exc))
                sys.exit(exc.exit_code)
            except KeyboardInterrupt:
                sys.exit(130)

        cmd: click.Command = click.command(*args, **kwargs)(common(run))
        return cmd

    return wrap


#: What click >= 8.2 raises for the bare ``notam-log`` (its message is the help; 8.1 exits).
_NO_ARGS_IS_HELP: tuple[type[click.UsageError], ...] = (
    (click.exceptions.NoArgsIsHelpError,) if hasattr(click.exceptions, "NoArgsIsHelpError") else ()
)


class Cli(click.Group):
    """The ``notam-log`` group: click's usage errors become one line, like the tool's own.

    Click (in standalone mode) prints three lines for a usage error (Usage, Try, Error);
    here they become ``Error: <what click says> (try 'notam-log CMD --help')`` and exit 2.
    With ``-v`` the long form stays. ``--help``, ``--version`` and the bare
    ``notam-log`` (the help, exit 2) are unchanged.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except _NO_ARGS_IS_HELP as exc:
            exc.show()  # the bare ``notam-log``: the help, as click prints it
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            if _verbose(exc.ctx, argv):
                exc.show()
            else:
                _error(_usage_line(exc))
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _error(exc.format_message())
            sys.exit(exc.exit_code)
        except click.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):
                sys.exit(130)
            _error("aborted")
            sys.exit(1)
        # Non-standalone click returns the exit code of a ``ctx.exit(code)`` (``--help``,
        # ``--version``) and otherwise what ``invoke`` returns, which is None here.
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context) -> None:
        """Run the command; a reader that stops reading ends it quietly (see _reader_gone).

        Caught here because click, even in non-standalone mode, turns a broken pipe into
        a silent exit 1. Standard output is flushed here too, so that buffered output
        meets a closed pipe while the handler can still act (not at interpreter exit).
        """
        try:
            super().invoke(ctx)
        except BrokenPipeError:
            _reader_gone(0)
        except SystemExit as exc:  # poll, run, watch, demo: keep their exit code
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            _flush_stdout(status)
            raise
        _flush_stdout(0)


def _error(message: str) -> None:
    """One red line on standard error (:func:`notam_log.cli.output.error`), the terminal
    library loaded only then: commands that need none (``parse``) start without it."""
    from notam_log.cli import output

    output.error(message)


def _flush_stdout(code: int) -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _reader_gone(code)


def _reader_gone(code: int) -> NoReturn:
    """The reader of standard output has gone (``notam-log events --json | head -1``).

    That is what the user asked for, not an error: no message, and exit 0 (or the
    command's own code). This is the recipe of the Python documentation (signal module,
    "Note on SIGPIPE"): point standard output at /dev/null so that the interpreter's
    last flush at exit cannot fail again. The recipe exits 1 and a C tool killed by
    SIGPIPE gives 141; either would fail a README example such as
    ``notam-log events --json | head -1`` under ``set -o pipefail``, hence 0.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        fd = -1  # not a real file (a test runner's capture): nothing to redirect
    if fd >= 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    sys.exit(code)


#: The largest --limit: SQLite's integers are 64-bit; no log holds this many events.
MAX_LIMIT = 1_000_000_000


def finite(value: float | None, name: str) -> float | None:
    """A number option that must be a number (click's FloatRange lets "nan" through)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number", param_hint=f"'{name}'")
    return value


_VERBOSE_ARG = re.compile(r"-v+|--verbose")


def _verbose(ctx: click.Context | None, argv: Sequence[str]) -> bool:
    """-v given: parsed already, or still among the arguments when parsing failed."""
    state = ctx.find_object(State) if ctx is not None else None
    if state is not None and state.verbose:
        return True
    words = list(argv)
    words = words[: words.index("--")] if "--" in words else words
    return any(_VERBOSE_ARG.fullmatch(w) for w in words)


def _usage_line(exc: click.UsageError) -> str:
    """``Missing argument 'LOCATION' (try 'notam-log timeline --help')``: one line."""
    message = " ".join(exc.format_message().split()).removesuffix(".")
    ctx = exc.ctx
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        message += f" (try '{ctx.command_path} --help')"
    return message


def setup_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    for name in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)


# --------------------------------------------------------------------------- parsing


#: The years a time given on the command line may fall in: the log holds nothing
#: outside them, and times at the edges of the calendar (0001, 9999) overflow when
#: a day or a period is added or taken away.
YEARS = (1900, 2999)


def time_option(value: str | None, name: str) -> datetime | None:
    """A time given on the command line: ISO 8601 (naive means UTC), a time ago (``7d``,
    ``36h``), ``today``, ``yesterday`` or ``now`` (see :mod:`notam_log.core.when`)."""
    if value is None:
        return None
    try:
        parsed = parse_time(value, clock.now())
    except (ValueError, OverflowError) as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None
    _in_years(parsed.year, value, name)
    return parsed


def day_option(value: str | None, name: str) -> date | None:
    """A day: ``YYYY-MM-DD``, ``today``, ``yesterday`` or days ago (``3d``)."""
    if value is None:
        return None
    try:
        day = parse_day(value, clock.now())
    except (ValueError, OverflowError) as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None
    _in_years(day.year, value, name)
    return day


def _in_years(year: int, value: str, name: str) -> None:
    """A usage error for a time at the edges of the calendar (0001, 9999): the log
    holds nothing there, and a day or a period added or taken away overflows."""
    if not YEARS[0] <= year <= YEARS[1]:
        raise click.BadParameter(
            f"{value!r} is outside the years {YEARS[0]}-{YEARS[1]}", param_hint=name
        )


def exit_for(answers: Sequence[LocationCoverage], *, warn: bool = True) -> None:
    """Say which places and times are not covered (one warning line each, unless
    ``warn`` is False: JSON and CSV carry it as fields); exit with
    :data:`~notam_log.core.coverage.EXIT_UNKNOWN` when nothing at all covers the question."""
    from notam_log.cli import output
    from notam_log.core.known import EXIT_UNKNOWN, nothing_covers

    if warn:
        for a in answers:
            line = a.warning()
            if line:
                output.warn(line)
    if nothing_covers(answers):
        output.flush()
        sys.exit(EXIT_UNKNOWN)


def time_range(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    """``--since`` and ``--until``, each optional; when both are given, --until is after."""
    start, end = time_option(since, "--since"), time_option(until, "--until")
    if start is not None and end is not None and end <= start:
        raise click.BadParameter(
            f"{until!r} is not after --since {since!r}",
            param_hint="--until",
        )
    return start, end


def one_format(as_json: bool, as_csv: bool) -> None:
    """``--json`` and ``--csv`` choose the output's format: one of them at most."""
    if as_json and as_csv:
        raise click.UsageError("--json and --csv exclude each other (give one)")


def options(*opts: Callable[[F], F]) -> Callable[[F], F]:
    def apply(f: F) -> F:
        for opt in reversed(opts):
            f = opt(f)
        return f

    return apply


category_option = click.option(
    "--category", "categories", multiple=True, help="Only these categories (repeatable)."
)
restrictions_option = click.option("--restrictions", is_flag=True, help="Only restrictions.")
json_option = click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
csv_option = click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")

#: The filters of ``events``.
filters = options(
    location_option,
    click.option("--since", help="From this time (ISO 8601 UTC, 36h, 7d, yesterday...)."),
    click.option("--until", help="Before this time (same forms as --since)."),
    click.option("--kind", "kinds", multiple=True, help="Only these event kinds (repeatable)."),
    near_options,
    category_option,
    restrictions_option,
    json_option,
    csv_option,
)


def check_kinds(kinds: tuple[str, ...], categories: tuple[str, ...]) -> None:
    for k in kinds:
        if k not in EVENT_KINDS:
            raise click.BadParameter(
                f"unknown kind {k!r} (expected one of {', '.join(EVENT_KINDS)})",
                param_hint="--kind",
            )
    for c in categories:
        if c not in CATEGORIES:
            raise click.BadParameter(
                f"unknown category {c!r} (expected one of {', '.join(CATEGORIES)})",
                param_hint="--category",
            )
