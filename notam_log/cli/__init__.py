"""The ``notam-log`` command line: it only wires the modules together.

Every command takes ``--db PATH``, ``--config PATH`` and ``-v`` (also after the
command's name). Errors become one red line on stderr and a non-zero exit (2 for
usage errors such as an unknown option); ``-v`` shows the traceback (and click's
long usage message). A reader that stops reading (``| head -1``) ends the command
quietly with exit 0.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from notam_log import __version__
from notam_log.cli import output
from notam_log.core.config import Config, find_config, load_config
from notam_log.core.errors import InputError, NotamLogError
from notam_log.core.models import CATEGORIES, EVENT_KINDS, Notam, parse_iso
from notam_log.shell import clock

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
            found = find_config(self.config_path, os.environ)
            self._config = load_config(found)
        return self._config

    def db_path(self) -> str:
        return self.db or os.environ.get("NOTAM_LOG_DB") or self.config.database

    def store(self, *, create: bool = False) -> Any:
        from notam_log.shell.store import Store

        return Store(self.db_path(), create=create)


def _set_db(ctx: click.Context, _p: click.Parameter, value: str | None) -> None:
    if value is not None:
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
        help="The configuration file (default: ./config.toml, else the built-in one).",
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


def command(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """A subcommand with the common options and the one place errors become messages."""

    def wrap(f: F) -> F:
        @functools.wraps(f)
        def run(*a: Any, **kw: Any) -> Any:
            state = click.get_current_context().ensure_object(State)
            _setup_logging(state.verbose)
            try:
                return f(state, *a, **kw)
            except NotamLogError as exc:
                if state.verbose:
                    raise
                output.error(str(exc))
                sys.exit(exc.exit_code)
            except KeyboardInterrupt:
                sys.exit(130)

        cmd: F = cli.command(*args, **kwargs)(common(run))
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
                output.error(_usage_line(exc))
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            output.error(exc.format_message())
            sys.exit(exc.exit_code)
        except click.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):
                sys.exit(130)
            output.error("aborted")
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
_MAX_LIMIT = 1_000_000_000


def _finite(value: float | None, name: str) -> float | None:
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


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="notam-log")
@common
def cli() -> None:
    """notam-log: know, with evidence, when airports and airspace were closed or
    restricted, and when that was lifted."""


def main() -> None:
    cli(obj=State())


def _setup_logging(verbose: int) -> None:
    level = logging.DEBUG if verbose >= 2 else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    for name in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)


# --------------------------------------------------------------------------- parsing


def time_option(value: str | None, name: str) -> datetime | None:
    """A time given on the command line: ISO 8601 (naive means UTC) or YYYY-MM-DD."""
    if value is None:
        return None
    try:
        parsed = parse_iso(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a time (expected ISO 8601 such as 2025-03-21T14:00Z)",
            param_hint=name,
        ) from None
    assert parsed is not None
    return parsed


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


@command("parse")
@click.argument("files", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per NOTAM, per line.")
def parse_cmd(state: State, files: tuple[str, ...], as_json: bool) -> None:
    """Parse NOTAMs from FILES (ICAO or FAA text, JSON lines, PIB XML; gzip ok; - for stdin)."""
    from notam_log.core.parse.inputs import read_input

    notams: list[Notam] = []
    for name in files or ("-",):
        label = name if name != "-" else "<stdin>"
        parsed = read_input(_read(name), label)
        notams.extend(parsed.notams)
        if parsed.incomplete:  # a bulletin cut short: what it holds, and that it is not all
            output.warn(f"{label}: read in part: {parsed.incomplete}")
    if as_json:
        output.json_lines(n.to_json() for n in notams)
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


@command("replay")
@click.argument("paths", nargs=-1)
@click.option("--git", "git_repo", metavar="REPO", help="A git-scraped archive to read.")
@click.option("--path", "git_path", metavar="FILE", help="The file inside --git REPO.")
@click.option("--since", help="With --git: only commits from this time.")
@click.option("--until", help="With --git: only commits before this time.")
@click.option("--at", help="The time of inputs that carry none in their name or content.")
@click.option("--source", default="replay", show_default=True, help="Source name to log under.")
@click.option("--scope", default="all", show_default=True, help="Scope of the snapshots.")
def replay_cmd(
    state: State,
    paths: tuple[str, ...],
    git_repo: str | None,
    git_path: str | None,
    since: str | None,
    until: str | None,
    at: str | None,
    source: str,
    scope: str,
) -> None:
    """Ingest saved snapshots, oldest first, each as a complete poll at its time."""
    from notam_log.shell import replay
    from notam_log.shell.recorder import Recorder

    if git_repo:
        if not git_path:
            raise click.UsageError("--git needs --path FILE")
        items = replay.items_from_git(git_repo, git_path, *time_range(since, until))
        ordered = replay.timed(items, prefer_issued=True, at=None)
    else:
        if not paths:
            raise click.UsageError("give files or folders to replay, or --git REPO --path FILE")
        items = replay.items_from_paths(paths)
        ordered = replay.timed(items, prefer_issued=False, at=time_option(at, "--at"))
    cfg = state.config
    with state.store(create=True) as store:
        recorder = Recorder(store, rules=_rules(cfg), restrictions=cfg.restrictions)
        with output.progress(len(items), "replaying") as advance:
            stats = replay.replay(recorder, ordered, source=source, scope=scope, on_item=advance)
    for err in stats.errors:
        output.warn(err)
    skipped = (
        f" (skipped {stats.skipped}: not newer than the log's last snapshot of {source} {scope})"
        if stats.skipped
        else ""
    )
    output.say(
        f"replayed {stats.snapshots} snapshots{skipped}: {stats.notams} NOTAMs read,"
        f" {stats.events} events added, {stats.issues} NOTAMs with parse issues"
    )


def _rules(cfg: Config) -> Any:
    from notam_log.core.diff import Rules

    return Rules(withdraw_after=cfg.withdraw_after, suspect_ratio=cfg.suspect_ratio)


def _options(*options: Callable[[F], F]) -> Callable[[F], F]:
    def apply(f: F) -> F:
        for opt in reversed(options):
            f = opt(f)
        return f

    return apply


_location = click.option("--location", "locations", multiple=True, help="Only these locations.")
_category = click.option("--category", "categories", multiple=True, help="Only these categories.")
_restrictions = click.option("--restrictions", is_flag=True, help="Only restrictions.")
_json = click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
_csv = click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")

#: The filters of ``events``.
_filters = _options(
    _location,
    click.option("--since", help="From this time (ISO 8601 UTC)."),
    click.option("--until", help="Before this time (ISO 8601 UTC)."),
    click.option("--kind", "kinds", multiple=True, help="Only these event kinds."),
    _category,
    _restrictions,
    _json,
    _csv,
)


def _check_kinds(kinds: tuple[str, ...], categories: tuple[str, ...]) -> None:
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


@command("events")
@_filters
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=_MAX_LIMIT),
    metavar="N",
    help="Only the newest N events (default: all), still listed oldest first.",
)
def events_cmd(
    state: State,
    locations: tuple[str, ...],
    since: str | None,
    until: str | None,
    kinds: tuple[str, ...],
    categories: tuple[str, ...],
    restrictions: bool,
    as_json: bool,
    as_csv: bool,
    limit: int | None,
) -> None:
    """The event log, oldest first."""
    one_format(as_json, as_csv)
    _check_kinds(kinds, categories)
    start, end = time_range(since, until)
    with state.store() as store:
        events = store.events(
            since=start,
            until=end,
            kinds=kinds,
            categories=categories,
            locations=[x.upper() for x in locations],
            restrictions=restrictions,
            limit=limit,
            newest_first=limit is not None,
        )
    if limit is not None:
        events.reverse()
    output.events(events, as_json=as_json, as_csv=as_csv)


@command("active")
@_options(_location, _category, _restrictions, _json, _csv)
@click.option("--at", help="The time (default: now).")
@click.option("--feed", is_flag=True, help="What the feed listed at that time instead.")
@click.option("--local", is_flag=True, help="Times in the airport's local time.")
def active_cmd(
    state: State,
    locations: tuple[str, ...],
    categories: tuple[str, ...],
    restrictions: bool,
    as_json: bool,
    as_csv: bool,
    at: str | None,
    feed: bool,
    local: bool,
) -> None:
    """The NOTAMs (or with --restrictions the restrictions) in force at a time."""
    from notam_log.shell.store.queries import active

    one_format(as_json, as_csv)
    _check_kinds((), categories)
    when = time_option(at, "--at") or clock.now()
    with state.store() as store:
        rows = active(
            store,
            when,
            feed=feed,
            restrictions=restrictions,
            locations=[x.upper() for x in locations],
            categories=categories,
        )
    output.active(rows, when, as_json=as_json, as_csv=as_csv, local=local)


@command("history")
@click.argument("ident")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def history_cmd(state: State, ident: str, as_json: bool) -> None:
    """Every version and event of a NOTAM (KEY or ID) and its NOTAMR/NOTAMC chain."""
    from notam_log.shell.store.queries import history

    with state.store() as store:
        found = history(store, ident.upper())
    if not found:
        raise NotamLogError(f"{ident}: no such NOTAM in {state.db_path()}")
    output.history(found, as_json=as_json)


@command("timeline")
@click.argument("location")
@click.option(
    "--days",
    type=click.IntRange(min=1, max=36_500),
    default=7,
    show_default=True,
    metavar="N",
    help="How many days back from --until.",
)
@click.option("--until", help="The end of the period (default: now).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
def timeline_cmd(
    state: State, location: str, days: int, until: str | None, as_json: bool, as_csv: bool
) -> None:
    """A location's restriction episodes with bounded start, end and duration."""
    one_format(as_json, as_csv)
    end = time_option(until, "--until") or clock.now()
    start = end - timedelta(days=days)
    with state.store() as store:
        eps = store.episodes(location=location.upper(), since=start, until=end)
    output.timeline(location.upper(), eps, start, end, as_json=as_json, as_csv=as_csv)


@command("search")
@click.argument("text")
@click.option(
    "--limit",
    type=click.IntRange(min=1, max=_MAX_LIMIT),
    default=50,
    show_default=True,
    metavar="N",
    help="Show at most N matching NOTAMs, best matches first.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def search_cmd(state: State, text: str, limit: int, as_json: bool) -> None:
    """Full-text search over NOTAM ids, locations and texts."""
    with state.store() as store:
        rows = store.search(text, limit=limit)
    output.notam_rows(rows, as_json=as_json)


@command("check-config")
def check_config_cmd(state: State) -> None:
    """Validate the configuration without polling."""
    from notam_log.shell import notify
    from notam_log.shell.poll import build_sources

    cfg = state.config
    build_sources(cfg, os.environ)  # every enabled source can be built
    notify.channels(cfg)  # every [[notify]] table is valid
    enabled = [s.name for s in cfg.sources if s.enabled]
    output.say(
        f"{cfg.path}: ok ({len(cfg.sources)} sources, {len(enabled)} enabled:"
        f" {', '.join(enabled) or 'none'}; database {cfg.database})"
    )


@command("poll")
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
def poll_cmd(state: State, names: tuple[str, ...]) -> None:
    """Poll the enabled sources now (cron-friendly); exit 1 if any source failed."""
    from notam_log.shell.http import make_client
    from notam_log.shell.poll import Poller, build_sources
    from notam_log.shell.recorder import Recorder

    cfg = state.config
    sources = build_sources(cfg, os.environ, names)
    if not sources:
        raise NotamLogError(f"{cfg.path}: no enabled source to poll")
    with state.store(create=True) as store, make_client() as client:
        recorder = Recorder(store, rules=_rules(cfg), restrictions=cfg.restrictions)
        summaries = Poller(recorder, client).poll(sources, clock.now())
    for s in summaries:
        output.poll_line(s)
    if any(s.failed for s in summaries):
        sys.exit(1)


@command("sources")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def sources_cmd(state: State, as_json: bool) -> None:
    """Each source: last complete poll, last error, failures in a row, next due time."""
    cfg = state.config
    with state.store(create=True) as store:
        rows = {r["name"]: r for r in store.source_rows()}
        last_complete = {s.name: store.last_complete(s.name) for s in cfg.sources}
    output.sources(cfg.sources, rows, last_complete, clock.now(), as_json=as_json)


# --------------------------------------------------------------------------- run, watch, demo


@command("run")
def run_cmd(state: State) -> None:
    """Poll the enabled sources on their intervals, tick and digest, until SIGINT/SIGTERM.

    One line per poll per source on stdout. Only one process polls a database:
    a second one exits 0 after saying which process holds <db>.lock.
    """
    from notam_log.shell.daemon import run_daemon

    sys.exit(run_daemon(state.config, state.db_path(), sys.stdout))


@command("watch")
@click.option("--local", is_flag=True, help="Times in each airport's local time (default UTC).")
@click.option("--no-poll", is_flag=True, help="Only display; never poll (another process does).")
def watch_cmd(state: State, local: bool, no_poll: bool) -> None:
    """Full-screen view of the restrictions in force and the newest changes, refreshed
    every second; polls too, unless another process already polls the database.

    When stdout is not a terminal, prints the new events as lines instead.
    """
    from notam_log.shell.watch import watch_database

    sys.exit(watch_database(state.config, state.db_path(), local=local, poll=not no_poll))


@command("demo")
@click.option(
    "--speed",
    type=click.FloatRange(min=0, min_open=True, max=1e9),
    callback=lambda _ctx, _param, v: _finite(v, "--speed"),
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
