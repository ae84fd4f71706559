"""replay: ingest saved snapshots (files, folders or a git-scraped archive), oldest first."""

from __future__ import annotations

import click

from notam_log.cli import output
from notam_log.cli.base import State, command, time_option, time_range
from notam_log.core.limits import ahead
from notam_log.shell import clock


@command("replay")
@click.argument("paths", nargs=-1)
@click.option("--git", "git_repo", metavar="REPO", help="A git-scraped archive to read.")
@click.option(
    "--path",
    "git_path",
    metavar="PATH",
    help="The file inside --git REPO, or a folder of files named by their times.",
)
@click.option("--since", help="With --git: only commits from this time.")
@click.option("--until", help="With --git: only commits before this time.")
@click.option("--at", help="The time of inputs that carry none in their name or content.")
@click.option("--source", default="replay", show_default=True, help="Source name to log under.")
@click.option(
    "--scope",
    help="Scope of the snapshots [default: the input's own (a channel page's channel,"
    " an AIS bulletin's series), else all].",
)
def replay_cmd(
    state: State,
    paths: tuple[str, ...],
    git_repo: str | None,
    git_path: str | None,
    since: str | None,
    until: str | None,
    at: str | None,
    source: str,
    scope: str | None,
) -> None:
    """Ingest saved snapshots, oldest first, each as a complete poll at its time
    (bulletins, saved responses, Russian AIS series files, Telegram channel pages)."""
    from notam_log.shell import replay

    if git_repo:
        if not git_path:
            raise click.UsageError("--git needs --path PATH")
        items = replay.items_from_git(git_repo, git_path, *time_range(since, until))
        ordered = replay.timed(items, prefer_issued=True, at=None)
    else:
        if not paths:
            raise click.UsageError("give files or folders to replay, or --git REPO --path FILE")
        given = time_option(at, "--at")  # the arguments first, then the files
        if given is not None and ahead(given, clock.now()):
            raise click.BadParameter(f"{at!r} is in the future", param_hint="--at")
        items = replay.items_from_paths(paths)
        ordered = replay.timed(items, prefer_issued=False, at=given)
    with (
        state.runtime(sources=False, client=False) as runtime,
        output.progress(len(items), "replaying") as advance,
    ):
        stats = replay.replay(
            runtime.recorder, ordered, source=source, scope=scope, on_item=advance, now=clock.now()
        )
    for err in stats.errors:
        output.warn(err)
    skipped = (
        f" (skipped {stats.skipped}: not newer than the log's last snapshot of"
        f" {source} {scope or 'its scope'})"
        if stats.skipped
        else ""
    )
    if stats.refused:
        skipped += f" (refused {stats.refused}: a time from the future or out of line)"
    posts = f", {stats.posts} posts read" if stats.posts else ""
    output.say(
        f"replayed {stats.snapshots} snapshots{skipped}: {stats.notams} NOTAMs read{posts},"
        f" {stats.events} events added, {stats.issues} NOTAMs with parse issues"
    )
