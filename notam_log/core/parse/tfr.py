"""The XNOTAM detail XML of one FAA TFR (structure: SOURCES.md section 5), read into a
:class:`Notam`. Times are local to the TFR's ``codeTimeZone`` and are turned into UTC.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from notam_log.core.classify import complete
from notam_log.core.errors import InputError
from notam_log.core.models import Notam
from notam_log.core.numbers import LEVEL_DIGITS
from notam_log.core.parse.safe_xml import parse_xml

__all__ = ["local_time", "parse_detail"]

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


def _not_element(data: bytes) -> etree._Element:
    """The first ``Not`` element of the detail; ValueError when there is none."""
    if not data.strip():
        raise ValueError("empty body")
    try:
        root = parse_xml(data)  # no DTD, entities, files or network (safe_xml)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"invalid XML: {exc}") from None
    except InputError as exc:  # a DOCTYPE, too large
        raise ValueError(str(exc)) from None
    nots = root.findall(".//Not")
    if not nots:
        raise ValueError("no Group/Add/Not element")
    return nots[0]


def parse_detail(data: bytes, tfr_id: str, row: Mapping[str, Any]) -> Notam:
    """The XNOTAM-Update detail of one TFR -> a Notam. ``row`` is its entry of the TFR
    list (JSON: ``description``, ``facility``), for what the detail leaves out.
    ValueError when the body is not such a detail."""
    node = _not_element(data)

    def text(path: str) -> str | None:
        found = node.find(path)
        return found.text.strip() if found is not None and found.text else None

    issues: list[str] = []
    zone = _zone(text("codeTimeZone"))
    start = local_time(text("dateEffective"), zone)
    end = local_time(text("dateExpire"), zone)
    office = _bounded(text("NotUid/txtNameAcctFac"), "NotUid/txtNameAcctFac", issues) or "FDC"
    local_name = _bounded(text("NotUid/txtLocalName") or tfr_id, "NotUid/txtLocalName", issues)
    if local_name is None:  # an id no TFR has: the record is keyed by a hash of it
        local_name = "?" + hashlib.sha1(data).hexdigest()[:10]
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


#: The longest office or local name kept as a key (real ones: ``FDC``, ``5/1234``).
_NAME_MAX = 40


def _bounded(value: str | None, where: str, issues: list[str]) -> str | None:
    """``value``, or None (with an issue) when it is longer than any real identifier."""
    if value is None or len(value) <= _NAME_MAX:
        return value
    issues.append(f"{where} of {len(value)} characters is not an identifier: {value[:20]!r}...")
    return None


def _limit(area: etree._Element, which: str) -> tuple[str | None, int | None]:
    """A vertical limit as written (``5000 FT MSL``) and in flight levels (hundreds of
    feet), or None where the unit is not feet or FL."""
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
    if not math.isfinite(number) or abs(number) >= 10**LEVEL_DIGITS:  # 1e999, nan, 1e300
        return written, None
    if uom.strip().upper() == "FL":
        return written, int(number)
    if uom.strip().upper() in ("FT", ""):
        return written, int(number // 100)
    return written, None
