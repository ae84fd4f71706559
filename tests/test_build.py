"""core/parse/build.py: the one builder of the ICAO and PIB readers makes the very
record ``Notam(...)`` makes, every field set."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime

from notam_log.core import classify
from notam_log.core.models import NOTAM_FIELDS, Notam
from notam_log.core.parse.build import parsed_notam
from notam_log.core.parse.icao import parse_icao
from notam_log.core.parse.pib_element import BulletinCache, element_notam

#: What classification fills; the builder takes every other field.
FILLED = ("subject", "condition", "category", "restriction")


def _read(**over: object) -> dict[str, object]:
    """Distinct values for every field the builder takes (so that a field set from
    another's value, or left out, shows)."""
    values: dict[str, object] = {
        "key": "EGGN:A1918/25",
        "id": "A1918/25",
        "series": "A",
        "number": 1918,
        "year": 2025,
        "type": "R",
        "ref": "A1900/25",
        "fir": "EGTT",
        "qcode": "QMRLC",
        "traffic": "IV",
        "purpose": "NBO",
        "scope": "A",
        "lower": 10,
        "upper": 999,
        "lat": 51.5,
        "lon": -0.45,
        "radius_nm": 5,
        "locations": ("EGLL", "EGKK"),
        "start": datetime(2025, 3, 21, 1, 43, tzinfo=UTC),
        "end": datetime(2025, 3, 22, 23, 59, tzinfo=UTC),
        "end_estimated": True,
        "permanent": False,
        "schedule": "DAILY 0800-1000",
        "text": "RWY 09L CLSD",
        "lower_limit": "SFC",
        "upper_limit": "2000FT AMSL",
        "source_format": "icao",
        "raw": "(A1918/25 NOTAMR A1900/25 ...)",
        "issues": ["a reader's issue"],
    }
    values.update(over)
    return values


def test_the_builder_takes_every_field_but_those_classification_fills() -> None:
    params = list(inspect.signature(parsed_notam).parameters)
    assert params == [f for f in NOTAM_FIELDS if f not in FILLED]
    assert set(_read()) == set(params)


def test_the_builder_makes_the_record_the_dataclass_makes() -> None:
    for over in ({}, {"qcode": "QZZZZ", "issues": []}, {"qcode": None, "type": None}):
        values = _read(**over)
        issues = list(values["issues"])  # type: ignore[call-overload]
        subject, condition, category, restriction, all_issues = classify.fields(
            values["qcode"],  # type: ignore[arg-type]
            values["text"],  # type: ignore[arg-type]
            values["source_format"],  # type: ignore[arg-type]
            issues,
        )
        want = Notam(
            **{**values, "issues": all_issues},  # type: ignore[arg-type]
            subject=subject,
            condition=condition,
            category=category,
            restriction=restriction,
        )
        got = parsed_notam(**values)  # type: ignore[arg-type]
        assert got == want and type(got) is Notam and hash(got) == hash(want)
        # every field, one by one (equality would pass over a field compare=False)
        for name in NOTAM_FIELDS:
            assert getattr(got, name) == getattr(want, name), name
        assert dataclasses.asdict(got) == dataclasses.asdict(want)


def test_the_record_is_frozen_as_the_dataclass_s() -> None:
    got = parsed_notam(**_read())  # type: ignore[arg-type]
    try:
        got.text = "changed"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:  # pragma: no cover - the failure this test is for
        raise AssertionError("the record could be changed")
    assert got.text == "RWY 09L CLSD"


def test_both_readers_build_through_it() -> None:
    icao = parse_icao(
        "(A1918/25 NOTAMN\nQ) EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2503210143 C) 2503222359\nE) RWY 09L CLSD)"
    )
    f = {
        "Series": "A",
        "Number": "1918",
        "Year": "25",
        "Type": "N",
        "StartValidity": "2503210143",
        "EndValidity": "2503222359",
        "ItemE": "RWY 09L CLSD",
        "Coordinates": "5129N00028W",
        "Radius": "5",
    }
    q = {"FIR": "EGTT", "Code23": "MR", "Code45": "LC", "Lower": "0", "Upper": "999"}
    pib = element_notam(f, ["EGLL"], q, BulletinCache())
    for n in (icao, pib):
        assert (n.category, n.restriction, n.subject) == ("runway_closed", True, "Runway")
        assert n.locations == ("EGLL",) and n.text == "RWY 09L CLSD"
