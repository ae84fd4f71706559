"""A local file or folder read at each poll (feeds saved by other tools).

Any format notam-log reads: PIB XML (gzip ok), a TFR detail XML, ICAO or FAA text,
JSON lines with a ``text`` field, or the saved JSON response of any HTTP source
(FAA NOTAM Search, NMS GeoJSON, API v1, the ICAO array). This adapter does file
I/O (the shell side) and yields no request.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from notam_log.core.config import SourceConfig
from notam_log.core.errors import ConfigError, InputError
from notam_log.core.known import Reach
from notam_log.core.limits import ahead
from notam_log.core.parse.inputs import read_input
from notam_log.core.parse.pib import PibMemo
from notam_log.sources._common import Scopes, option
from notam_log.sources._files import read_file
from notam_log.sources.base import Poll

logger = logging.getLogger(__name__)


class FileSource:
    """One scope (option ``scope``, default the source name) for everything under ``path``.

    Complete when every file was read and understood; an unreadable file, or a bulletin
    cut short, makes the snapshot incomplete (with the NOTAMs that were read).
    """

    kind: ClassVar[str] = "file"
    OPTIONS: ClassVar[Mapping[str, type]] = {"path": str, "scope": str}
    request_gap = 0.0

    def __init__(self, cfg: SourceConfig, env: Mapping[str, str]) -> None:
        self.name = cfg.name
        path = cfg.options.get("path")
        if not isinstance(path, str) or not path:
            raise ConfigError(f"{cfg.where} ({cfg.kind}): path: required")
        self.path = Path(path).expanduser()
        self.scope: str = option(cfg, "scope", str, cfg.name)
        #: the records of the bulletin read last, reused where the next repeats them
        self._memo = PibMemo()

    def __repr__(self) -> str:
        return f"FileSource(name={self.name!r}, path={str(self.path)!r})"

    @classmethod
    def reach(cls, cfg: SourceConfig, scope: str) -> Reach | None:
        """Files hold what they hold: the locations its snapshots held (see coverage)."""
        return None

    def scopes(self) -> tuple[str, ...]:
        return (self.scope,)

    def state(self) -> dict[str, Any]:
        return {}

    def restore(self, state: Mapping[str, Any]) -> None:
        return None

    def poll(self, now: datetime) -> Poll:
        out = Scopes(self.name, (self.scope,), now)
        if self.path.is_dir():
            files = sorted(
                p for p in self.path.iterdir() if not p.is_dir() and not p.name.startswith(".")
            )
        elif self.path.exists():  # a FIFO or device is refused when read, and said
            files = [self.path]
        else:
            out.fail([self.scope], f"{self.path}: not found")
            files = []
        for path in files:
            try:  # within the size limit; a FIFO or device is refused, not read forever
                parsed = read_input(read_file(path), path.name, self._memo)
            except (OSError, ValueError, InputError) as exc:
                out.fail([self.scope], f"{path.name}: {exc}")
                continue
            if ahead(parsed.issued, now):  # a time from the future: never a snapshot's
                assert parsed.issued is not None
                out.fail(
                    [self.scope],
                    f"{path.name}: suspect: issued {parsed.issued:%Y-%m-%dT%H:%MZ},"
                    f" after this poll",
                )
                continue
            for notam in parsed.notams:
                out.add(self.scope, notam)
            if parsed.incomplete:  # a bulletin cut short: what it holds, but not complete
                out.fail([self.scope], f"{path.name}: {parsed.incomplete}")
        return out.snapshots()
        yield  # pragma: no cover - makes this a generator that sends nothing
