"""FAA TFRs: the JSON list (one complete scope, "TFR") and each TFR's XNOTAM detail XML."""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from lxml import etree

from notam_log.core.classify import complete
from notam_log.core.config import SourceConfig
from notam_log.core.models import Notam
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

#: US zone abbreviations as fixed offsets (the abbreviation already says DST or not).
_ABBREVIATIONS: Mapping[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "HDT": -9,
    "AST": -4,
    "CHST": 10,
    "SST": -11,
}
_GEO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([NSEW])\s*$")


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
                seen[tfr_id] = {"mod": mod, "notam": notam.to_json()}
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


def _zone(code: str | None) -> tzinfo:
    name = (code or "UTC").strip()
    if name.upper() in _ABBREVIATIONS:
        return timezone(timedelta(hours=_ABBREVIATIONS[name.upper()]))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown codeTimeZone {name!r}") from None


def local_time(value: str | None, zone: tzinfo) -> datetime | None:
    """``2026-05-26T18:08:00`` or ``202605261808`` in ``zone`` -> aware UTC."""
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) == 12:
        parsed = datetime.strptime(text, "%Y%m%d%H%M")
    else:
        parsed = datetime.fromisoformat(text.replace("Z", ""))
        if parsed.tzinfo is not None:
            return parsed.astimezone(UTC)
    return parsed.replace(tzinfo=zone).astimezone(UTC)


def _geo(value: str | None) -> float | None:
    m = _GEO.match(value or "")
    if not m:
        return None
    number = float(m[1])
    return -number if m[2] in "SW" else number


def parse_detail(data: bytes, tfr_id: str, row: Mapping[str, Any]) -> Notam:
    """The XNOTAM-Update detail of one TFR (structure: SOURCES.md §5) -> a Notam."""
    if not data.strip():
        raise ValueError("empty body")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"invalid XML: {exc}") from None
    nots = root.findall(".//Not")
    if not nots:
        raise ValueError("no Group/Add/Not element")
    node = nots[0]

    def text(path: str) -> str | None:
        found = node.find(path)
        return found.text.strip() if found is not None and found.text else None

    issues: list[str] = []
    zone = _zone(text("codeTimeZone"))
    start = local_time(text("dateEffective"), zone)
    end = local_time(text("dateExpire"), zone)
    office = text("NotUid/txtNameAcctFac") or "FDC"
    local_name = text("NotUid/txtLocalName") or tfr_id
    body = text("txtDescrTraditional") or text("txtDescrUSNS") or str(row.get("description") or "")
    lat = lon = None
    avx = node.find(".//abdMergedArea/Avx")
    if avx is not None:
        lat, lon = _geo(avx.findtext("geoLat")), _geo(avx.findtext("geoLong"))
    upper = lower = None
    upper_limit = lower_limit = None
    area = node.find(".//aseTFRArea")
    if area is not None:
        upper_limit, upper = _limit(area, "Upper")
        lower_limit, lower = _limit(area, "Lower")
    facility = text("codeFacility") or str(row.get("facility") or "") or None
    if end is None:
        issues.append("no dateExpire: until further notice")
    notam = Notam(
        key=f"{office}:{local_name}",
        id=local_name,
        type="N",
        qcode="QRTCA",
        lat=lat,
        lon=lon,
        locations=(facility,) if facility else (),
        start=start,
        end=end,
        text=body,
        lower=lower,
        upper=upper,
        lower_limit=lower_limit,
        upper_limit=upper_limit,
        source_format="faa_tfr_xnotam",
        raw=data.decode("utf-8", "replace"),
        issues=tuple(issues),
    )
    return complete(notam)


def _limit(area: Any, which: str) -> tuple[str | None, int | None]:
    val = area.findtext(f"valDistVer{which}")
    uom = area.findtext(f"uomDistVer{which}") or ""
    code = area.findtext(f"codeDistVer{which}") or ""
    if not val:
        return None, None
    written = " ".join(x for x in (val.strip(), uom.strip(), code.strip()) if x)
    try:
        number = float(val)
    except ValueError:
        return written, None
    if uom.strip().upper() == "FL":
        return written, int(number)
    if uom.strip().upper() in ("FT", ""):
        return written, int(number // 100)
    return written, None
