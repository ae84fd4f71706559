"""The one place the text parsers build a record: :func:`parsed_notam`.

The ICAO text reader (:mod:`notam_log.core.parse.icao`) and the PIB element reader
(:mod:`notam_log.core.parse.pib_element`) read the same fields from different layouts;
both hand them here, where classification fills what follows from them (subject,
condition, category, restriction, and the Q-code's issues after the reader's own) and
the record is made.

The record is made as the frozen dataclass's own ``__init__`` makes it, only cheaper
(it is made once per NOTAM read, tens of thousands of times for a bulletin archive):
the instance comes from ``object.__new__`` and each field is set through its slot's
descriptor, where ``__init__`` goes through ``object.__setattr__`` and the field's
name. Every field is set here; tests/test_build.py checks that the parameters are the
dataclass's fields and that the record equals ``Notam(...)`` of the same values.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from notam_log.core import classify
from notam_log.core.models import Notam

__all__ = ["parsed_notam"]

_Set = Callable[[Notam, Any], None]


def _setter(name: str) -> _Set:
    setter: _Set = getattr(Notam, name).__set__
    return setter


_new = object.__new__
_key = _setter("key")
_id = _setter("id")
_series = _setter("series")
_number = _setter("number")
_year = _setter("year")
_type = _setter("type")
_ref = _setter("ref")
_fir = _setter("fir")
_qcode = _setter("qcode")
_subject = _setter("subject")
_condition = _setter("condition")
_traffic = _setter("traffic")
_purpose = _setter("purpose")
_scope = _setter("scope")
_lower = _setter("lower")
_upper = _setter("upper")
_lat = _setter("lat")
_lon = _setter("lon")
_radius_nm = _setter("radius_nm")
_locations = _setter("locations")
_start = _setter("start")
_end = _setter("end")
_end_estimated = _setter("end_estimated")
_permanent = _setter("permanent")
_schedule = _setter("schedule")
_text = _setter("text")
_lower_limit = _setter("lower_limit")
_upper_limit = _setter("upper_limit")
_category = _setter("category")
_restriction = _setter("restriction")
_source_format = _setter("source_format")
_raw = _setter("raw")
_issues = _setter("issues")


def parsed_notam(
    *,
    key: str,
    id: str | None,
    series: str | None,
    number: int | None,
    year: int | None,
    type: str | None,
    ref: str | None,
    fir: str | None,
    qcode: str | None,
    traffic: str | None,
    purpose: str | None,
    scope: str | None,
    lower: int | None,
    upper: int | None,
    lat: float | None,
    lon: float | None,
    radius_nm: int | None,
    locations: tuple[str, ...],
    start: datetime | None,
    end: datetime | None,
    end_estimated: bool,
    permanent: bool,
    schedule: str | None,
    text: str,
    lower_limit: str | None,
    upper_limit: str | None,
    source_format: str,
    raw: str,
    issues: list[str],
) -> Notam:
    """The record of what a parser read (every field but those classification fills:
    ``subject``, ``condition``, ``category``, ``restriction``); ``issues`` are the
    reader's, the Q-code's own follow them (see :func:`notam_log.core.classify.fields`)."""
    subject, condition, category, restriction, all_issues = classify.fields(
        qcode, text, source_format, issues
    )
    n: Notam = _new(Notam)
    _key(n, key)
    _id(n, id)
    _series(n, series)
    _number(n, number)
    _year(n, year)
    _type(n, type)
    _ref(n, ref)
    _fir(n, fir)
    _qcode(n, qcode)
    _subject(n, subject)
    _condition(n, condition)
    _traffic(n, traffic)
    _purpose(n, purpose)
    _scope(n, scope)
    _lower(n, lower)
    _upper(n, upper)
    _lat(n, lat)
    _lon(n, lon)
    _radius_nm(n, radius_nm)
    _locations(n, locations)
    _start(n, start)
    _end(n, end)
    _end_estimated(n, end_estimated)
    _permanent(n, permanent)
    _schedule(n, schedule)
    _text(n, text)
    _lower_limit(n, lower_limit)
    _upper_limit(n, upper_limit)
    _category(n, category)
    _restriction(n, restriction)
    _source_format(n, source_format)
    _raw(n, raw)
    _issues(n, all_issues)
    return n
