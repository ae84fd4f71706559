"""``notam-log demo --scenario izhevsk``: 15 November 2025 through the real telegram and
ru_ais sources on the loopback server."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from notam_log.cli import cli
from notam_log.shell.store import Store


class _Izhevsk:
    def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
        return ("USII",) if name.casefold().startswith("ижевск") else None


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """The place index when it is installed; else a stand-in that knows Izhevsk."""
    import notam_log.shell.airports as airports

    if not hasattr(airports, "place_index"):
        monkeypatch.setattr(airports, "russian_resolver", _Izhevsk)


def test_the_izhevsk_demo(tmp_path: Path, resolver: None) -> None:
    from notam_log.shell.demo_izhevsk import run_izhevsk_demo

    db = tmp_path / "demo.db"
    out = io.StringIO()
    result = run_izhevsk_demo(db=str(db), speed=1e7, screen=False, out=out)
    printed = out.getvalue()
    assert "announced imposed  USII  korenyako/90001" in printed
    assert "announced lifted  USII  korenyako/90002" in printed
    with Store(db) as store:
        (ep,) = store.announced_episodes(locations=["USII"])
        assert ep.start == datetime(2025, 11, 15, 2, 30, tzinfo=UTC)  # 05:30 MSK
        assert ep.end == datetime(2025, 11, 15, 3, 50, tzinfo=UTC)  # 06:50 MSK
        polls = {(p.source, p.status) for p in store.polls()}
        assert polls == {("korenyako", "complete"), ("ru-ais", "complete")}
        assert not [k for k in store.in_force() if k[0] == "USII"]  # the bulletin's NOTAMs
    assert result.polls == 39
    text = "\n".join(result.lines)
    assert "NOTAM digest for 2025-11-15" in text
    assert "USII (Ижевск): from 2025-11-15 05:30 MSK to 2025-11-15 06:50 MSK, 1h 20m" in text
    # the verdict, in the digest's block and in the closing lines: the only bulletin is of
    # 11 December, so no NOTAM source polled USII during the announcement: unknown
    block = text.split("Announced by the authority (not NOTAMs):")[1].split("NOTAMs:")[0]
    assert "korenyako/90001" in block and "no NOTAM coverage (unknown)" in block.replace("\n", " ")
    assert text.rstrip().endswith("NOTAMs: no NOTAM coverage (unknown)")


def test_the_cli_offers_the_scenario(tmp_path: Path, resolver: None) -> None:
    res = CliRunner().invoke(
        cli,
        ["--db", str(tmp_path / "d.db"), "demo", "--scenario", "izhevsk", "--no-screen",
         "--speed", "10000000"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "39 polls" in res.output and "05:30 MSK to 2025-11-15 06:50 MSK" in res.output
    res = CliRunner().invoke(cli, ["demo", "--scenario", "paris"])
    assert res.exit_code == 2
