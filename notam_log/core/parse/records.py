"""The JSON records of the HTTP sources, read into :class:`Notam` records.

One reader per shape, each used by its source adapter and by ``read_input`` (a saved
response read back):

* :func:`structured_notam`: the structured ``coreNOTAMData.notam`` fields shared by
  the FAA NMS GeoJSON and the FAA NOTAM API v1;
* :func:`item_notam`: one API v1 feature (its ICAO translation, else its local
  format, else the structured fields);
* :func:`entry_notam`: one FAA NOTAM Search ``notamList`` entry;
* :func:`record_notam`: one element of the ICAO API array.

Decoded JSON is typed ``Any`` here: it is whatever the feed sent, and every reading
checks what it gets.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from notam_log.core.classify import complete
from notam_log.core.classify import fields as classify_fields
from notam_log.core.models import Notam, parse_iso
from notam_log.core.numbers import NUMBER_DIGITS, bounded_int, shown
from notam_log.core.parse.faa import parse_faa
from notam_log.core.parse.icao import parse_icao
from notam_log.core.values import full_year, make_key, parse_coords

__all__ = [
    "DOMESTIC",
    "entry_notam",
    "fill_from",
    "item_notam",
    "record_notam",
    "search_time",
    "structured_notam",
]

#: Classifications whose NOTAMs are keyed by the accountable facility (FAA domestic).
DOMESTIC = frozenset({"DOM", "FDC", "DOMESTIC", "MIL", "LMIL", "MILITARY", "LOCAL_MILITARY"})

_DIGITS = re.compile(r"\d+")
_REF = re.compile(r"NOTAM[RC]\s+([A-Z]?\d{1,4}/\d{2})")
#: The ``CREATED:`` trailer the ICAO API puts after a NOTAM's text.
_TRAILER = re.compile(r"\n\s*CREATED:.*\Z", re.S)


def _int(value: object, digits: int = NUMBER_DIGITS) -> int | None:
    """The first run of digits in ``value`` (``"FL050"`` -> 50), or None; never more
    than ``digits`` digits (never ``int()`` on feed text of any length, nor on inf)."""
    if value is None or isinstance(value, dict | list | bool):
        return None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and abs(value) < 10**digits else None
    m = _DIGITS.search(str(value))
    return bounded_int(m.group(), digits) if m else None


# --------------------------------------------------------------------------- structured


class _Fields:
    """Structured fields, each looked up under any of its spellings
    (``affectedFir``/``affectedFIR``); an empty value counts as absent."""

    __slots__ = ("fields", "issues")

    def __init__(self, fields: Mapping[str, Any]) -> None:
        if not isinstance(fields, Mapping):  # a string where an object is expected
            raise TypeError(f"expected a JSON object, got {type(fields).__name__}")
        self.fields = fields
        #: What could not be read, for the record's ``issues``.
        self.issues: list[str] = []
        number = fields.get("number")
        if isinstance(number, str | int) and len(str(number)) > 16:
            # no NOTAM number is this long: not an id (nor a key)
            self.issues.append(f"number: not a NOTAM number: {shown(number)}")
            self.fields = {k: v for k, v in fields.items() if k != "number"}

    def get(self, *names: str) -> Any:
        for name in names:
            value = self.fields.get(name)
            if isinstance(value, dict | list):  # a value is expected: said, not read
                issue = f"{name}: an object or a list where a value is expected"
                if issue not in self.issues:
                    self.issues.append(issue)
                continue
            if value not in (None, ""):
                return value
        return None

    def whole(self, *names: str) -> int | None:
        """A bounded whole number; one of too many digits is said in ``issues``."""
        value = self.get(*names)
        got = _int(value)
        if got is None and value is not None and _DIGITS.search(str(value)):
            self.issues.append(f"{names[0]}: not a number of at most {NUMBER_DIGITS} digits")
        return got


def structured_notam(
    fields: Mapping[str, Any],
    *,
    source_format: str,
    raw: str = "",
    extra_text: Sequence[str] = (),
) -> Notam:
    """A Notam from the structured JSON fields shared by NMS and API v1.

    Field names are looked up in both casings (``affectedFir``/``affectedFIR``,
    ``minimumFl``/``minimumFL``). Times are ISO 8601; an ``estimated`` flag or an
    ``EST`` suffix marks the end as estimated. ``extra_text`` (the translations'
    texts) is searched, with item E, for the id a NOTAMR or NOTAMC refers to.
    """
    f = _Fields(fields)
    issues: list[str] = []
    notam_id, office, fir = _identity(f)
    location = f.get("icaoLocation", "location")
    locations = tuple(str(x).upper() for x in (location,) if x)
    start, end, estimated, permanent = _validity(f, issues)
    lat = lon = None
    coords = f.get("coordinates")
    if coords:
        pair = parse_coords(str(coords))
        if pair:
            lat, lon = pair
    kind = str(f.get("type") or "").upper()
    text = str(f.get("text") or "")
    qcode = f.get("selectionCode")
    qcode_text = str(qcode).upper() if qcode else None
    subject, condition, category, restriction, all_issues = classify_fields(
        qcode_text, text, source_format, issues
    )
    number = str(f.get("number") or "")
    series = f.get("series")
    year = _int(f.get("year"))
    return Notam(
        key=make_key(
            notam_id, office=office, fir=fir, locations=locations, fallback=str(f.get("id") or "")
        ),
        id=notam_id,
        series=str(series) if series else None,
        number=_int(number.split("/")[-1]) if number else None,
        year=full_year(year) if year is not None else None,
        type=kind or None,
        ref=_referred(kind, text, extra_text),
        fir=fir or f.get("affectedFir", "affectedFIR"),
        qcode=qcode_text,
        traffic=f.get("traffic"),
        purpose=f.get("purpose"),
        scope=f.get("scope"),
        lower=f.whole("minimumFl", "minimumFL"),
        upper=f.whole("maximumFl", "maximumFL"),
        lat=lat,
        lon=lon,
        radius_nm=f.whole("radius"),
        locations=locations,
        start=start,
        end=end,
        end_estimated=estimated,
        permanent=permanent,
        schedule=_schedule(f),
        text=text,
        lower_limit=f.get("lowerLimit"),
        upper_limit=f.get("upperLimit"),
        source_format=source_format,
        raw=raw or json.dumps(dict(fields), sort_keys=True),
        subject=subject,
        condition=condition,
        category=category,
        restriction=restriction,
        # and what the fields could not give (read while the record was built)
        issues=tuple(dict.fromkeys((*all_issues, *f.issues))),
    )


def _identity(f: _Fields) -> tuple[str | None, str | None, str | None]:
    """(id, office, FIR): a US domestic NOTAM is ``number`` as written, keyed by its
    accountable facility; any other is ``A0123/25`` from series, number and year,
    keyed by its FIR."""
    classification = str(f.get("classification") or "")
    number = str(f.get("number") or "")
    series = f.get("series")
    if classification in DOMESTIC or (number and "/" in number and not series):
        office = f.get("accountId") or ("FDC" if classification == "FDC" else None)
        return number or None, office, None
    year = f.get("year")
    num = _int(number.split("/")[-1]) if number else None
    yr = _int(year) if year is not None else None
    if yr is None and "/" in number:
        yr = _int(number.split("/")[0])
    notam_id = (
        f"{series or ''}{num:04d}/{(yr or 0) % 100:02d}"
        if num is not None and yr is not None
        else (number or None)
    )
    return notam_id, None, f.get("affectedFir", "affectedFIR")


def _validity(f: _Fields, issues: list[str]) -> tuple[datetime | None, datetime | None, bool, bool]:
    """(start, end, end estimated, permanent) from ``effectiveStart``/``effectiveEnd``;
    an unreadable time goes to ``issues``."""
    end_raw = f.get("effectiveEnd")
    end_text = str(end_raw or "")
    permanent = end_text.upper().startswith("PERM")
    estimated = bool(f.get("estimated")) or end_text.upper().endswith("EST")
    end: datetime | None = None
    start: datetime | None = None
    try:
        start = parse_iso(str(f.get("effectiveStart") or "")) if f.get("effectiveStart") else None
        if end_text and not permanent:
            end = parse_iso(end_text[:-3] if end_text.upper().endswith("EST") else end_text)
    except ValueError:
        issues.append(f"unreadable time: {f.get('effectiveStart')!r}/{end_raw!r}")
    return start, end, estimated, permanent


def _referred(kind: str, text: str, extra_text: Sequence[str]) -> str | None:
    """The id a NOTAMR or NOTAMC refers to, as its texts write it (``NOTAMR A0123/25``)."""
    if kind not in ("R", "C"):
        return None
    m = _REF.search(" ".join([text, *extra_text]))
    return m.group(1) if m else None


def _schedule(f: _Fields) -> str | None:
    """Item D: the ``schedule`` field, without the ``...~`` prefix some records carry."""
    schedule = f.get("schedule")
    if isinstance(schedule, str) and "~" in schedule:
        schedule = schedule.split("~", 1)[1]
    return schedule if isinstance(schedule, str) else None


def fill_from(parsed: Notam, fields: Notam, *, domestic: bool = False) -> Notam:
    """A parsed text NOTAM with its missing identity filled from the structured one.

    (API v1's ICAO translation may have no header line, so no id or type of its own.)
    A US domestic NOTAM keeps the structured key (``accountId:number``, as in its
    local format) so that it has the same key whichever text was read.
    """
    changes: dict[str, Any] = {}
    if domestic and fields.id and parsed.key != fields.key:
        changes["key"] = fields.key
    for name in ("id", "series", "number", "year", "type", "fir", "locations"):
        if not getattr(parsed, name) and getattr(fields, name):
            changes[name] = getattr(fields, name)
    if not parsed.id or parsed.key.split(":", 1)[-1].startswith("?"):
        changes["key"] = fields.key
    if changes.get("key") == parsed.key:
        del changes["key"]
    return dataclasses.replace(parsed, **changes) if changes else parsed


# --------------------------------------------------------------------------- FAA API v1


def item_notam(item: Any) -> Notam | None:
    """One Feature: the ICAO translation, else LOCAL_FORMAT, else the structured fields;
    None for a feature without ``properties.coreNOTAMData.notam``.

    API v1's ICAO ``formattedText`` has no header line, so the id, type and key come
    from the structured fields.
    """
    try:
        core = item["properties"]["coreNOTAMData"]
        fields = core["notam"]
    except (KeyError, TypeError):
        return None
    translations = {
        str(t.get("type")): t for t in core.get("notamTranslation") or () if isinstance(t, dict)
    }
    structured = structured_notam(
        fields,
        source_format="faa_api_v1",
        raw=json.dumps(item, sort_keys=True),
        extra_text=[
            str(t.get("simpleText") or t.get("formattedText") or "") for t in translations.values()
        ],
    )
    domestic = str(fields.get("classification") or "") in DOMESTIC
    icao = str((translations.get("ICAO") or {}).get("formattedText") or "").strip()
    if icao:
        return fill_from(parse_icao(icao), structured, domestic=domestic)
    local = str((translations.get("LOCAL_FORMAT") or {}).get("simpleText") or "").strip()
    if local:
        return fill_from(parse_faa(local), structured, domestic=domestic)
    return structured


# --------------------------------------------------------------------------- FAA NOTAM Search


def entry_notam(entry: Mapping[str, Any]) -> Notam:
    """One ``notamList[]`` entry: ``icaoMessage``, else ``traditionalMessage``, else fields."""
    icao = str(entry.get("icaoMessage") or "").strip()
    if icao:
        return parse_icao(icao)
    traditional = str(entry.get("traditionalMessage") or "").strip()
    if traditional:
        return parse_faa(traditional)
    return complete(fields_notam(entry))


def search_time(value: object) -> tuple[datetime | None, bool, bool]:
    """``"MM/DD/YYYY HHMM"`` (UTC) with an optional ``EST`` suffix (estimated!) or ``PERM``.

    Returns (time, estimated, permanent).
    """
    text = str(value or "").strip().upper()
    if not text:
        return None, False, False
    if text.startswith("PERM"):
        return None, False, True
    estimated = text.endswith("EST")
    if estimated:
        text = text[:-3].strip()
    try:
        return datetime.strptime(text, "%m/%d/%Y %H%M").replace(tzinfo=UTC), estimated, False
    except ValueError:
        return None, estimated, False


def fields_notam(entry: Mapping[str, Any]) -> Notam:
    """An entry that came without its message text, from the search's own fields (no
    Q-line, no classification: :func:`entry_notam` completes it)."""
    start, _, _ = search_time(entry.get("startDate"))
    end, estimated, permanent = search_time(entry.get("endDate"))
    number = str(entry.get("notamNumber") or "") or None
    location = str(entry.get("icaoId") or entry.get("facilityDesignator") or "").upper()
    office = None if entry.get("sourceType") == "I" else (entry.get("facilityDesignator") or None)
    locations = (location,) if location else ()
    text = str(entry.get("traditionalMessageFrom4thWord") or "")
    return Notam(
        key=make_key(
            number,
            office=office,
            locations=locations,
            fallback=str(entry.get("transactionID") or ""),
        ),
        id=number,
        locations=locations,
        start=start,
        end=end,
        end_estimated=estimated,
        permanent=permanent,
        text=text,
        source_format="faa_search_fields",
        raw=text,
        issues=("built from the search's structured fields (no message text)",),
    )


# --------------------------------------------------------------------------- ICAO API


def record_notam(record: Mapping[str, Any]) -> Notam | None:
    """One element: its ``all`` text (ICAO, or FAA domestic for ``isICAO: false``);
    None for an element without text."""
    text = str(record.get("all") or "").strip()
    if not text:
        return None
    text = _TRAILER.sub("", text).strip()
    if text.startswith("!") or record.get("isICAO") is False:
        return parse_faa(text)
    return parse_icao(text)
