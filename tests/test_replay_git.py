"""Replaying a git-scraped archive, and the replay property: one go equals two halves."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notam_log.cli import State, cli
from notam_log.core.models import Notam, Snapshot
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store

HEATHROW = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"
STAMPS = [
    "2025-03-21T0100Z",
    "2025-03-21T0200Z",
    "2025-03-21T1600Z",
    "2025-03-21T1700Z",
    "2025-03-21T1800Z",
    "2025-03-22T0000Z",
]


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    ).stdout


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real git repository with one commit per hourly bulletin, like the public archive."""
    assert shutil.which("git") is not None, "git is not installed (.ci/run installs it)"
    repo = tmp_path_factory.mktemp("archive")
    git(repo, "init", "-q")
    (repo / "data").mkdir()
    for stamp in STAMPS:
        (repo / "data" / "PIB.xml").write_bytes(
            gzip.decompress((HEATHROW / f"PIB-{stamp}.xml.gz").read_bytes())
        )
        when = datetime.strptime(stamp, "%Y-%m-%dT%H%MZ").replace(tzinfo=UTC)
        commit_time = (when + timedelta(minutes=7)).strftime("%Y-%m-%dT%H:%M:%S+0000")
        git(repo, "add", "data/PIB.xml")
        git(
            repo,
            "-c",
            "user.name=scraper",
            "-c",
            "user.email=s@example.org",
            "commit",
            "-q",
            "-m",
            f"Latest data: {stamp}",
            env={"GIT_AUTHOR_DATE": commit_time, "GIT_COMMITTER_DATE": commit_time},
        )
    return repo


def events(db: Path, **kw: object) -> list[dict[str, object]]:
    res = CliRunner().invoke(
        cli,
        ["events", "--db", str(db), "--json", *[str(x) for kv in kw.items() for x in kv]],
        obj=State(),
    )
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    return [r for r in rows if "coverage" not in r]  # the answer's coverage line comes last


def test_replay_git_archive_matches_replaying_the_files(archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "git.db"
    res = CliRunner().invoke(
        cli,
        [
            "replay",
            "--git",
            str(archive),
            "--path",
            "data/PIB.xml",
            "--db",
            str(db),
            "--source",
            "nats-uk",
            "--scope",
            "UK",
        ],
        obj=State(),
    )
    assert res.exit_code == 0, res.output
    assert "replayed 6 snapshots" in res.output
    files_db = tmp_path / "files.db"
    res = CliRunner().invoke(
        cli,
        [
            "replay",
            *[str(HEATHROW / f"PIB-{s}.xml.gz") for s in STAMPS],
            "--db",
            str(files_db),
            "--source",
            "nats-uk",
            "--scope",
            "UK",
        ],
        obj=State(),
    )
    assert res.exit_code == 0, res.output
    a1918 = [(e["kind"], e["observed_at"]) for e in events(db) if e["key"] == "EGGN:A1918/25"]
    # the bulletins' own issue times (a few seconds past the hour) win over commit times
    assert a1918[0][0] == "published" and a1918[0][1].startswith("2025-03-21T02:00")
    assert ("withdrawn", a1918[2][1]) == a1918[2] and a1918[2][1].startswith("2025-03-21T17:00")
    strip = lambda rows: [(r["kind"], r["key"]) for r in rows]  # noqa: E731
    assert strip(events(db)) == strip(events(files_db))
    again = CliRunner().invoke(
        cli,
        [
            "replay",
            "--git",
            str(archive),
            "--path",
            "data/PIB.xml",
            "--db",
            str(db),
            "--source",
            "nats-uk",
            "--scope",
            "UK",
        ],
        obj=State(),
    )
    assert (
        "replayed 0 snapshots (skipped 6: not newer than the log's last snapshot of nats-uk UK):"
        " 0 NOTAMs read, 0 events added" in again.output
    ), again.output


def test_replay_git_since_until_and_errors(archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "part.db"
    res = CliRunner().invoke(
        cli,
        [
            "replay",
            "--git",
            str(archive),
            "--path",
            "data/PIB.xml",
            "--since",
            "2025-03-21T15:00Z",
            "--until",
            "2025-03-21T19:00Z",
            "--db",
            str(db),
        ],
        obj=State(),
    )
    assert "replayed 3 snapshots" in res.output, res.output
    res = CliRunner().invoke(
        cli, ["replay", "--git", str(tmp_path), "--path", "x", "--db", str(db)], obj=State()
    )
    assert res.exit_code == 2 and "not a readable git repository" in res.output
    # a path that no commit has: an error naming it, not "replayed 0 snapshots"
    res = CliRunner().invoke(
        cli, ["replay", "--git", str(archive), "--path", "nope.xml", "--db", str(db)], obj=State()
    )
    assert res.exit_code == 2 and "'nope.xml' (check --path)" in res.output, res.output
    assert "replayed" not in res.output
    res = CliRunner().invoke(
        cli,
        [
            "replay",
            "--git",
            str(archive),
            "--path",
            "data/PIB.xml",
            "--since",
            "2030-01-01T00:00Z",
            "--db",
            str(db),
        ],  # fmt: skip
        obj=State(),
    )
    # a window with no commit of a path that has a history: nothing to do, not an error
    assert res.exit_code == 0 and "replayed 0 snapshots" in res.output, res.output


# ------------------------------------------------------------------ property

KEYS = [f"X:A{i:04d}/25" for i in range(8)]
T0 = datetime(2025, 3, 21, tzinfo=UTC)


def notam(i: int, variant: int) -> Notam:
    start = T0 + timedelta(hours=i)
    return Notam(
        key=KEYS[i],
        id=KEYS[i][2:],
        type="N",
        locations=("EG" + "ABCDEFGH"[i] * 2,),
        start=start,
        end=start + timedelta(hours=3 + 4 * i),
        category="aerodrome_closed" if i % 2 else "navaid",
        restriction=bool(i % 2),
        text=f"TEXT {variant}",
        raw=f"raw {i} {variant}",
    )


snapshots = st.lists(
    st.tuples(
        st.frozensets(st.integers(0, 7)),  # which NOTAMs the feed lists
        st.integers(0, 1),  # content variant (amendments)
        st.booleans(),  # complete?
    ),
    min_size=2,
    max_size=12,
)


def ingest_all(db: Path, seq: list[tuple[frozenset[int], int, bool]], start: int = 0) -> None:
    with Store(db) as store:
        rec = Recorder(store)
        for k, (present, variant, complete) in enumerate(seq, start):
            at = T0 + timedelta(hours=k)
            rec.snapshot(
                Snapshot(
                    "src",
                    "all",
                    at,
                    tuple(notam(i, variant) for i in sorted(present)),
                    complete=complete,
                )
            )


def log(db: Path) -> list[tuple[object, ...]]:
    with Store(db, create=False) as s:
        return [
            (
                e.kind,
                e.key,
                e.locations,
                e.observed_at,
                e.after,
                e.effective_at,
                json.dumps(e.detail, sort_keys=True),
            )
            for e in s.events()
        ]


@settings(
    max_examples=int(os.environ.get("NOTAM_LOG_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seq=snapshots, cut=st.integers(0, 12))
def test_one_go_equals_two_halves_and_replay_is_idempotent(
    tmp_path: Path, seq: list[tuple[frozenset[int], int, bool]], cut: int
) -> None:
    cut = min(cut, len(seq))
    for f in tmp_path.glob("*.db*"):
        f.unlink()
    ingest_all(tmp_path / "one.db", seq)
    ingest_all(tmp_path / "two.db", seq[:cut])
    ingest_all(tmp_path / "two.db", seq[cut:], start=cut)
    assert log(tmp_path / "one.db") == log(tmp_path / "two.db")
    before = log(tmp_path / "one.db")
    ingest_all(tmp_path / "one.db", seq)  # the same input again
    assert log(tmp_path / "one.db") == before
