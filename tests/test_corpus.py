"""The text parsers over the whole NOTAM corpus: no exception, clean reads, stated values."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from notam_log.core.models import Notam
from notam_log.core.parse.faa import parse_faa
from notam_log.core.parse.icao import parse_icao, parse_text
from notam_log.core.parse.issues import not_read, read_in_full
from notam_log.core.values import parse_coords

CORPUS = Path(__file__).parent / "data" / "corpus" / "notams.jsonl"
RECORDS: list[dict[str, Any]] = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
HAS_HEADER = re.compile(
    r"^\W*[A-Za-z]?\d{1,5}/\d{2,3}\S*\s+NOTAM[NRC]\b(?!\s*$)|^\s*(?:NOTAM-D\s.*)?!"
)
REF_MISSING = re.compile(r"^\W*\S+\s+NOTAM[RC]\s*$", re.M)


def parse_one(record: dict[str, Any]) -> Notam:
    if record["format"] == "faa_domestic":
        return parse_faa(record["text"])
    return parse_icao(record["text"])


PARSED: list[Notam] = [parse_one(r) for r in RECORDS]


def is_clean(n: Notam) -> bool:
    """The README's "clean": every field the text states was read (issues that name
    only what the text leaves out are allowed; ``core.parse.issues``)."""
    return read_in_full(n)


def is_strictly_clean(n: Notam) -> bool:
    """No issue at all, and an id, a type, a location and a start."""
    return bool(n.id and n.type and n.locations and n.start and not n.issues)


def test_corpus_size() -> None:
    assert len(RECORDS) == 4114


def test_parse_text_never_raises_and_keeps_ids() -> None:
    """Each record through parse_text: one NOTAM (the parts of a multi-part ICAO NOTAM
    stored together are joined into one), or, for texts that hold parts that do not
    follow each other, one per part, each with the same id."""
    odd = []
    for record, single in zip(RECORDS, PARSED, strict=True):
        got = parse_text(record["text"])
        if len(got) == 1:
            assert got[0].id == single.id, record["id"]
            continue
        if re.search(r"PART\s+\d+\s+OF\s+\d+", record["text"]) and {n.id for n in got} == {
            single.id
        }:
            continue
        odd.append((record["id"], len(got)))
    assert not odd, odd


def _reason(n: Notam) -> str:
    """Why a record is not clean, in a few words: its first issue not read, without
    the detail."""
    missed = not_read(n)
    if missed:
        return re.split(r"[:(]| in '", missed[0], maxsplit=1)[0].strip()
    for name in ("locations", "start"):
        if not getattr(n, name):
            return f"no {name}"
    return "?"  # pragma: no cover


def test_clean_rate() -> None:
    """Clean (README, "Parsing: what 'clean' means"): every field the text states was
    read into the record. Strictly clean: besides, the text leaves nothing out (no
    issue at all). Over all the records and over those whose text states a full
    header (id, type and, for NOTAMR/C, the reference: 43 FAA-API ICAO renderings of
    FDC NOTAMs carry no header and 38 say ``NOTAMR`` with no replaced id).

    Prints lines to quote: total, clean, strictly clean, and the unclean by reason.
    The counts are today's, exactly: a record that reads clean today and not tomorrow
    fails, and so does one that gets better (then raise the count)."""
    clean = sum(is_clean(n) for n in PARSED)
    strict = sum(is_strictly_clean(n) for n in PARSED)
    stated = [
        n
        for r, n in zip(RECORDS, PARSED, strict=True)
        if HAS_HEADER.search(r["text"]) and not REF_MISSING.search(r["text"])
    ]
    clean_stated = sum(is_clean(n) for n in stated)
    strict_stated = sum(is_strictly_clean(n) for n in stated)
    formats = Counter(r["format"] for r in RECORDS)
    reasons = Counter(_reason(n) for n in PARSED if not is_clean(n))
    left_out = Counter(
        re.split(r"[:(]| in '", i, maxsplit=1)[0].strip()
        for n in PARSED
        if is_clean(n)
        for i in n.issues
    )
    total = len(PARSED)
    print(
        f"\ncorpus total: {total} records "
        f"({formats['icao']} ICAO, {formats['faa_domestic']} FAA domestic, "
        f"{formats['other']} other)"
    )
    print(
        f"corpus clean: {clean}/{total} ({clean / total:.2%}) overall; "
        f"{clean_stated}/{len(stated)} ({clean_stated / len(stated):.2%}) with a full header"
    )
    print(
        f"corpus strictly clean: {strict}/{total} ({strict / total:.2%}) overall; "
        f"{strict_stated}/{len(stated)} ({strict_stated / len(stated):.2%}) with a full header"
    )
    print(
        f"corpus not clean by reason ({total - clean}): "
        + "; ".join(f"{k} {v}" for k, v in reasons.most_common())
    )
    print(
        "corpus clean, what the text leaves out: "
        + "; ".join(f"{k} {v}" for k, v in left_out.most_common())
    )
    assert len(stated) == 4032
    assert (clean, clean_stated) == (4108, 4026), (clean, clean_stated)
    assert (strict, strict_stated) == (4015, 4015), (strict, strict_stated)


def _dt(value: str | None) -> datetime | None:
    if value is None:
        return None
    if value.startswith("PERM"):
        return None
    if re.fullmatch(r"\d\d/\d\d/\d{4} \d{4}(EST)?", value):
        return datetime.strptime(value[:15], "%m/%d/%Y %H%M").replace(tzinfo=UTC)
    got = datetime.fromisoformat(value.replace("Z", "+00:00"))
    # avwx reads a C) that ends in "EST" (estimated) as US Eastern Standard Time and
    # attaches -05:00 to B) and C); the NOTAM times are UTC, so compare the wall clock.
    return got.replace(tzinfo=UTC)


def _checks(exp: dict[str, Any], n: Notam) -> Iterator[tuple[str, object, object]]:
    """(field, expected, got) for every value the source states that the model holds."""
    if "q_repr" in exp:  # avwx-engine
        if exp["number"] is not None:
            yield "number", exp["number"], n.id
        if exp["type"] is not None:
            yield "type", exp["type"][-1], n.type
        yield "replaces", exp["replaces"], n.ref
        yield "station", exp["station"], n.locations[0] if n.locations else None
        yield "fir", exp["fir"], n.fir
        if exp["subject"] and exp["condition"]:
            yield "qcode", "Q" + exp["subject"] + exp["condition"], n.qcode
        yield "traffic", exp["traffic"], n.traffic
        yield "purpose", "".join(exp["purpose"]) or None, n.purpose
        yield "scope", "".join(exp["scope"]) or None, n.scope
        for k, got in (("q_lower", n.lower), ("q_upper", n.upper), ("q_radius", n.radius_nm)):
            yield k, int(exp[k]) if exp[k] else None, got
        if exp["q_coord"]:
            yield "q_coord", parse_coords(exp["q_coord"]), (n.lat, n.lon)
        yield "start_dt", _dt(exp["start_dt"]), n.start
        yield "end_dt", _dt(exp["end_dt"]), n.end
        # item D is kept whitespace-normalised; avwx keeps its line breaks
        yield "schedule", exp["schedule"] and " ".join(exp["schedule"].split()), n.schedule
        yield "body", exp["body"], n.text
    elif "notam_id" in exp:  # PyNotam
        yield "notam_id", exp["notam_id"], n.id
        yield "notam_type", exp["notam_type"][0], n.type
        if "ref_notam_id" in exp:
            yield "ref_notam_id", exp["ref_notam_id"], n.ref
        yield "fir", exp["fir"], n.fir
        yield "notam_code", exp["notam_code"], n.qcode
        yield "fl_lower", exp["fl_lower"], n.lower
        yield "fl_upper", exp["fl_upper"], n.upper
        area = exp["area"]
        yield "area", parse_coords(area["lat"] + area["long"]), (n.lat, n.lon)
        yield "radius", area["radius"], n.radius_nm
        yield "location", tuple(exp["location"]), n.locations
        yield "valid_from", _dt(exp["valid_from"]), n.start
        yield "valid_till", _dt(exp["valid_till"]), n.end
        yield "permanent", exp["valid_till"].startswith("PERM"), n.permanent
        # item D is kept whitespace-normalised; PyNotam keeps its line breaks
        yield "schedule", exp["schedule"] and " ".join(exp["schedule"].split()), n.schedule
        if "body" in exp:
            yield "body", exp["body"], n.text
        yield "limit_lower", exp["limit_lower"], n.lower_limit
        yield "limit_upper", exp["limit_upper"], n.upper_limit
    elif "effectiveStart" in exp and n.source_format == "icao":
        # The FAA API's ICAO translation of a domestic NOTAM: the stated values belong
        # to the domestic form, whose id, type and (for FDC) times the ICAO text does
        # not carry (it says NOTAMR, or has no header, and other B/C for FDC); only the
        # ICAO location and, for DOM ones, the id and times are the same NOTAM's.
        yield "icaoLocation", exp["icaoLocation"], n.locations[0] if n.locations else None
        if exp["classification"] != "FDC":
            yield "number", exp["number"], n.id
            yield "effectiveStart", _dt(exp["effectiveStart"]), n.start
            yield "effectiveEnd", _dt(exp["effectiveEnd"]), n.end
    elif "effectiveStart" in exp:  # FAA NOTAM API
        yield "number", exp["number"], n.id
        yield "type", exp["type"], n.type
        yield "location", exp["location"], n.locations[0] if n.locations else None
        yield "effectiveStart", _dt(exp["effectiveStart"]), n.start
        if exp["effectiveEnd"] not in (None, "PERM"):
            yield "effectiveEnd", _dt(exp["effectiveEnd"]), n.end
        if exp["schedule"] is None or "~" not in exp["schedule"]:
            yield "schedule", exp["schedule"], n.schedule
        else:  # the API gives "Daily:0200-0400~DLY 0200-0400": the text form follows "~"
            yield "schedule text", exp["schedule"].split("~")[1], n.raw[n.raw.find("DLY") :][:13]
            yield "schedule read", "DAILY 0200-0400", n.schedule
    elif "notamNumber" in exp:  # FAA NOTAM Search
        yield "notamNumber", exp["notamNumber"], n.id
        yield "startDate", _dt(exp["startDate"]), n.start
        yield "endDate", _dt(exp["endDate"]), n.end
        yield "endDate EST", exp["endDate"].endswith("EST"), n.end_estimated
        yield "facilityDesignator", exp["facilityDesignator"], n.locations[0]
    elif "Qcode" in exp:  # ICAO API
        yield "id", exp["id"], n.id
        yield "Qcode", "Q" + exp["Qcode"], n.qcode
        yield "location", exp["location"], n.locations[0]
        yield "startdate", _dt(exp["startdate"]), n.start
        yield "enddate", _dt(exp["enddate"]), n.end
    elif "part" in exp:  # svoop/notam README: only the plain values compare
        yield "id", exp["id"], n.id
        yield "fir", exp["fir"], n.fir


#: Stated values we are sure are wrong, with the reason.
EXEMPT: dict[tuple[str, str], str] = {}


def test_expected_fields() -> None:
    compared = 0
    records = 0
    mismatches: list[str] = []
    for record, n in zip(RECORDS, PARSED, strict=True):
        exp = record["expected"]
        if not exp:
            continue
        records += 1
        for name, want, got in _checks(exp, n):
            compared += 1
            if want != got and (record["id"], name) not in EXEMPT:
                mismatches.append(f"{record['id']} {name}: expected {want!r}, got {got!r}")
    print(f"expected values: {compared} compared on {records} records, {len(mismatches)} differ")
    assert records == 296
    assert not mismatches, "\n".join(mismatches[:40]) + f"\n({len(mismatches)} in all)"


@pytest.mark.parametrize("record", RECORDS[::97], ids=lambda r: r["id"])
def test_raw_is_kept(record: dict[str, Any]) -> None:
    n = parse_one(record)
    assert n.raw == record["text"]
    assert n.key


def test_the_corpus_file_reads_as_json_lines() -> None:
    """The whole corpus as one JSON-lines input, as ``notam-log parse`` reads it: a
    text holding U+0085 or U+2028 (which JSON strings may carry as they are) stays
    within its line."""
    from notam_log.core.parse.inputs import read_input

    assert any("\u0085" in r["text"] or "\u2028" in r["text"] for r in RECORDS)
    parsed = read_input(CORPUS.read_bytes(), CORPUS.name)
    assert parsed.format == "jsonl"
    assert len(parsed.notams) == sum(len(parse_text(r["text"])) for r in RECORDS)
