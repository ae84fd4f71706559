"""The Russian AIS NOTAM series bulletins (caica.ru), keyless HTML.

Each poll reads the index page, then every series file it lists
(``<series><YYMMDDhhmm>_eng.html``; Izhevsk and most Russian aerodromes are in the
domestic series, not in series A). One scope per series (``series A``, ``series C``
...). A file read whole (its closing tags present) is a complete snapshot of its series,
taken at the time in its name (the page carries none); a file already recorded is not
fetched again, and stands for the series at this poll ("not modified"). The file URL is
always the index URL plus the file name (never a link the page gives).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Mapping
from datetime import datetime
from typing import Any, ClassVar

import httpx

from notam_log.core.config import SourceConfig
from notam_log.core.errors import ConfigError
from notam_log.core.known import Reach
from notam_log.core.models import Snapshot, iso, parse_iso
from notam_log.core.parse.ru_ais import (
    MAX_FILE_BYTES,
    MAX_INDEX_BYTES,
    SeriesFile,
    parse_index,
    parse_series,
    series_file,
)
from notam_log.sources._common import base, describe, fetch, make_request, option
from notam_log.sources.base import NOT_MODIFIED, Poll

DEFAULT_BASE = "https://www.caica.ru"
INDEX_PATH = "/ANI_Official/notam/notam_series/"
_SERIES = re.compile(r"[A-Z]")
_OneSeries = Generator[httpx.Request, httpx.Response, Snapshot]


class RuAisSource:
    """The series bulletins of the Russian AIS: one scope per series."""

    kind: ClassVar[str] = "ru_ais"
    OPTIONS: ClassVar[Mapping[str, type]] = {"series": list}
    #: The bulletins are issued about daily (00:53 UTC, sometimes again during the day).
    DEFAULT_INTERVAL: ClassVar[float] = 3600.0
    request_gap = 0.0

    def __init__(self, cfg: SourceConfig, env: Mapping[str, str]) -> None:
        self.name = cfg.name
        self.index_url = base(cfg, DEFAULT_BASE) + INDEX_PATH
        wanted: list[Any] = option(cfg, "series", list, [])
        if not all(isinstance(s, str) and _SERIES.fullmatch(s.strip().upper()) for s in wanted):
            raise ConfigError(
                f'{cfg.where} ({cfg.kind}): series: expected series letters such as ["A", "C"]'
            )
        #: Only these series (empty: every series the index lists).
        self.series = tuple(sorted({s.strip().upper() for s in wanted}))
        #: The last file of each series the log recorded (series -> file name).
        self.files: dict[str, str] = {}
        #: The time of the last snapshot given of each series (snapshots never go back).
        self.last_at: dict[str, datetime] = {}
        self._read: dict[str, str] = {}
        #: The series seen so far (to report a series the index stopped listing).
        self.known: tuple[str, ...] = self.series

    def __repr__(self) -> str:
        return f"RuAisSource(name={self.name!r})"

    @classmethod
    def reach(cls, cfg: SourceConfig, scope: str) -> Reach | None:
        """Each series holds some Russian aerodromes (Izhevsk is in a domestic series, not
        in A): a series answers for the locations its snapshots held, so that a failed
        series is never vouched for by another that polled well."""
        return None

    def scopes(self) -> tuple[str, ...]:
        return tuple(f"series {s}" for s in (self.series or self.known)) or ("index",)

    def state(self) -> dict[str, Any]:
        return {
            "files": dict(self.files),
            "known": list(self.known),
            "last_at": {k: iso(v) for k, v in self.last_at.items()},
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        files = state.get("files")
        if isinstance(files, dict):
            self.files = {
                str(k): str(v)
                for k, v in files.items()
                if isinstance(v, str) and series_file(v) is not None
            }
        last_at = state.get("last_at")
        if isinstance(last_at, dict):
            for k, v in last_at.items():
                try:
                    when = parse_iso(str(v))
                except ValueError:
                    continue
                if when is not None:
                    self.last_at[str(k)] = when
        known = state.get("known")
        if isinstance(known, list) and not self.series:
            self.known = tuple(sorted({str(s) for s in known if _SERIES.fullmatch(str(s))}))

    def recorded(self, scope: str, status: str) -> None:
        """What the log made of a series' snapshot: the file becomes the last one
        recorded (so it is not fetched again) once the log holds it complete."""
        series = scope.removeprefix("series ")
        name = self._read.pop(series, None)
        if name is not None and status in ("complete", "unchanged"):
            self.files[series] = name

    def poll(self, now: datetime) -> Poll:
        self._read = {}
        got = yield from fetch(make_request("GET", self.index_url, headers={"Accept": "text/html"}))
        reason = None
        if isinstance(got, str):
            reason = got
        elif got.status_code != 200:
            reason = describe(got)
        elif len(got.content) > MAX_INDEX_BYTES:
            reason = f"an index page of {len(got.content)} bytes"
        if reason is not None or isinstance(got, str):
            return self._all_failed(now, f"index: {reason}")
        listed = [f for f in parse_index(got.content) if not self.series or f.series in self.series]
        if not listed:
            return self._all_failed(now, "the index lists no series file (not the index page?)")
        out: list[Snapshot] = []
        for f in listed:
            snap = yield from self._series(f, now)
            out.append(snap)
        seen = {f.series for f in listed}
        for series in self.series or self.known:
            if series not in seen:
                out.append(self._incomplete(series, now, "the index no longer lists this series"))
        self.known = tuple(sorted(set(self.known) | seen))
        return out

    def _series(self, f: SeriesFile, now: datetime) -> _OneSeries:
        scope = f"series {f.series}"
        if self.files.get(f.series) == f.name:
            self.last_at[f.series] = now
            return Snapshot(self.name, scope, now, (), complete=True, reason=NOT_MODIFIED)
        got = yield from fetch(make_request("GET", self.index_url + f.name))
        if isinstance(got, str):
            return self._incomplete(f.series, now, f"{f.name}: {got}")
        if got.status_code != 200:
            return self._incomplete(f.series, now, f"{f.name}: {describe(got)}")
        if len(got.content) > MAX_FILE_BYTES:
            return self._incomplete(f.series, now, f"{f.name}: {len(got.content)} bytes")
        bulletin = parse_series(got.content, f.name)
        if bulletin.series not in (None, f.series):
            return self._incomplete(f.series, now, f"{f.name}: {bulletin.issues[0]}")
        self._read[f.series] = f.name
        # the bulletin's own time, unless a snapshot of the series was given later than
        # that already (a file published late): then the time of this poll
        last = self.last_at.get(f.series)
        taken = f.issued if last is None or f.issued > last else now
        taken = min(taken, now)
        self.last_at[f.series] = taken
        return Snapshot(
            self.name,
            scope,
            taken,
            bulletin.notams,
            complete=bulletin.incomplete is None,
            reason=f"{f.name}: {bulletin.incomplete}" if bulletin.incomplete else None,
        )

    def _incomplete(self, series: str, now: datetime, reason: str) -> Snapshot:
        return Snapshot(self.name, f"series {series}", now, (), complete=False, reason=reason)

    def _all_failed(self, now: datetime, reason: str) -> list[Snapshot]:
        return [
            Snapshot(self.name, s, now, (), complete=False, reason=reason) for s in self.scopes()
        ]
