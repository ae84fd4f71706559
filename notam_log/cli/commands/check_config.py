"""check-config: validate the configuration without polling."""

from __future__ import annotations

import os

from notam_log.cli import output
from notam_log.cli.base import State, command
from notam_log.core.errors import ConfigError


@command("check-config")
def check_config_cmd(state: State) -> None:
    """Validate the configuration without polling."""
    from notam_log.core.channels import channels
    from notam_log.shell.files import database_problem
    from notam_log.shell.runtime import build_sources

    cfg = state.config
    build_sources(cfg, os.environ)  # every enabled source can be built
    channels(cfg, os.environ)  # every [[notify]] table is valid
    problem = database_problem(cfg.database)  # a folder, /proc ...: refused now, not in run
    if problem is not None:
        raise ConfigError(f"{cfg.path}: database: {cfg.database}: {problem}")
    enabled = [s.name for s in cfg.sources if s.enabled]
    output.say(
        f"{cfg.path}: ok ({len(cfg.sources)} sources, {len(enabled)} enabled:"
        f" {', '.join(enabled) or 'none'}; database {cfg.database})"
    )
