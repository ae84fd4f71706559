"""The README documents every command, and its first screen has the two commands."""

from __future__ import annotations

import re
from pathlib import Path

from notam_log.cli import cli

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def test_every_command_is_in_the_readme_with_help() -> None:
    missing = [name for name in cli.commands if f"notam-log {name}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help text"


def test_first_screen_has_install_and_run_and_test_commands() -> None:
    first_screen = "\n".join(README.splitlines()[:24])
    assert "notam-log demo" in first_screen
    assert re.search(r"python -m pytest", first_screen)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme_cmd = re.search(r"(\.venv/bin/python -m pytest[^`\n]*)", README)
    assert readme_cmd is not None
    ci = (ROOT / ".ci" / "run").read_text()
    assert readme_cmd.group(1).strip() in ci


def test_no_placeholders_left() -> None:
    assert "TODO(" not in README and "_SECTION" not in README
