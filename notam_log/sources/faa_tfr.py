"""FAA TFRs: the JSON list (one complete scope, "TFR") and each TFR's XNOTAM detail XML."""

from __future__ import annotations

import logging
from collections.abc import Generator, Mapping
from datetime import datetime
from typing import Any, ClassVar

import httpx

from notam_log.core.config import SourceConfig
from notam_log.core.known import Reach
from notam_log.core.models import Notam
from notam_log.core.parse.tfr import parse_detail
from notam_log.core.validity import notam_json
from notam_log.sources._common import (
    Scopes,
    base,
    decode_json,
    describe,
    fetch,
    make_request,
    option,
)
from notam_log.sources.base import Poll

logger = logging.getLogger(__name__)

DEFAULT_BASE = "https://tfr.faa.gov"
LIST_PATH = "/tfrapi/getTfrList"
DETAIL_PATH = "/download/detail_{id}.xml"


class FaaTfrSource:
    """The list is the complete scope "TFR": a TFR that drops off the list is gone.

    The detail XML of each TFR is fetched once per ``mod_abs_time``; the parsed NOTAM is
    kept in ``state()`` (``seen``) so later polls only fetch new or modified TFRs. A
    failed detail leaves the scope incomplete (that TFR is missing from the snapshot).
    """

    kind: ClassVar[str] = "faa_tfr"
    OPTIONS: ClassVar[Mapping[str, type]] = {"scope": str}
    request_gap = 0.0

    def __init__(self, cfg: SourceConfig, env: Mapping[str, str]) -> None:
        self.name = cfg.name
        self.root = base(cfg, DEFAULT_BASE)
        self.scope: str = option(cfg, "scope", str, "TFR")
        #: notam_id -> {"mod": mod_abs_time, "notam": Notam JSON}
        self.seen: dict[str, dict[str, Any]] = {}

    def __repr__(self) -> str:
        return f"FaaTfrSource(name={self.name!r})"

    @classmethod
    def reach(cls, cfg: SourceConfig, scope: str) -> Reach | None:
        """The TFR list holds only temporary flight restrictions, none of an aerodrome's
        other NOTAMs: it covers no location (its absence of a TFR is not "not restricted")."""
        return Reach(label="US TFRs only (no aerodrome NOTAMs)")

    def scopes(self) -> tuple[str, ...]:
        return (self.scope,)

    def state(self) -> dict[str, Any]:
        return {"seen": self.seen}

    def restore(self, state: Mapping[str, Any]) -> None:
        seen = state.get("seen") or {}
        self.seen = {str(k): dict(v) for k, v in seen.items()} if isinstance(seen, dict) else {}

    def poll(self, now: datetime) -> Poll:
        out = Scopes(self.name, (self.scope,), now)
        got = yield from fetch(
            make_request("GET", self.root + LIST_PATH, headers={"Accept": "application/json"})
        )
        if isinstance(got, str):
            out.fail([self.scope], f"list: {got}")
            return out.snapshots()
        if got.status_code != 200:
            out.fail([self.scope], f"list: {describe(got)}")
            return out.snapshots()
        try:
            rows = decode_json(got)
            if not isinstance(rows, list):
                raise ValueError("not a JSON array")
        except ValueError as exc:
            out.fail([self.scope], f"list: {exc}")
            return out.snapshots()
        seen: dict[str, dict[str, Any]] = {}
        for row in rows:
            if not isinstance(row, dict) or not row.get("notam_id"):
                # an entry not read may be a TFR: the list is not known whole
                out.fail([self.scope], "list: an entry without a notam_id")
                continue
            tfr_id = str(row["notam_id"])
            mod = str(row.get("mod_abs_time") or row.get("mod_date") or "")
            old = self.seen.get(tfr_id)
            if old is not None and old.get("mod") == mod:
                seen[tfr_id] = old
                out.add(self.scope, Notam.from_json(old["notam"]))
                continue
            notam = yield from self._detail(tfr_id, row, out)
            if notam is not None:
                seen[tfr_id] = {"mod": mod, "notam": notam_json(notam)}
                out.add(self.scope, notam)
        self.seen = seen
        return out.snapshots()

    def _detail(
        self, tfr_id: str, row: Mapping[str, Any], out: Scopes
    ) -> Generator[httpx.Request, httpx.Response, Notam | None]:
        url = self.root + DETAIL_PATH.format(id=tfr_id.replace("/", "_"))
        got = yield from fetch(
            make_request("GET", url, headers={"Accept": "application/xml, text/xml"})
        )
        if isinstance(got, str):
            out.fail([self.scope], f"detail {tfr_id}: {got}")
            return None
        if got.status_code != 200:
            out.fail([self.scope], f"detail {tfr_id}: {describe(got)}")
            return None
        try:
            return parse_detail(got.content, tfr_id, row)
        except ValueError as exc:
            out.fail([self.scope], f"detail {tfr_id}: {exc}")
            return None
