"""Golden reads of real FAA domestic NOTAMs from the corpus."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from notam_log.core import validity
from notam_log.core.parse.faa import parse_faa
from notam_log.core.parse.icao import parse_text

CORPUS = Path(__file__).parent / "data" / "corpus" / "notams.jsonl"
TEXTS = {r["id"]: r["text"] for r in map(json.loads, CORPUS.open(encoding="utf-8"))}


def t(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def test_simple_est() -> None:
    n = parse_faa(TEXTS["n01415"])
    assert (n.key, n.id, n.number, n.year, n.type) == ("ILI:12/027", "12/027", 27, 2022, "N")
    assert n.locations == ("ILI",) and n.text == "NAV DME U/S"
    assert n.start == t(2022, 12, 17, 15, 30) and n.end == t(2024, 2, 29, 15) and n.end_estimated


def test_perm() -> None:
    n = parse_faa(TEXTS["n03170"])
    assert n.permanent and n.end is None and n.start == t(2023, 4, 7, 12, 14)


def test_fdc_tfr_multiline() -> None:
    n = parse_faa(TEXTS["n01146"])
    assert (n.key, n.id, n.number, n.year, n.locations) == (
        "FDC:3/8481",
        "3/8481",
        8481,
        2023,
        ("ZAB",),
    )
    assert n.text.startswith("NM..AIRSPACE FORT WINGATE") and n.text.endswith("CDN FACILITY.")
    assert n.end == t(2023, 4, 11, 22) and not n.issues


def test_fdc_footer_and_location() -> None:
    n = parse_faa(TEXTS["n05376"])
    assert n.locations == ("DCA",) and "CREATED" not in n.text and n.end_estimated


def test_notam_d_wrapper() -> None:
    n = parse_faa(TEXTS["n05385"])
    assert (n.key, n.locations) == ("HYX:07/008", ("HYX",))
    assert n.start == t(2015, 7, 24, 13, 5) and n.text.endswith("OUT OF SERVICE")
    assert parse_text(TEXTS["n05385"])[0].key == "HYX:07/008"


def test_dly_schedule() -> None:
    n = parse_faa(TEXTS["n05359"])
    assert n.schedule == "DAILY 0200-0400" and validity.windows(n) is not None
    assert (
        validity.windows(n)[0] == (t(2024, 7, 23, 2), t(2024, 7, 23, 4))
        and len(validity.windows(n)) == 7
    )  # JUL 23-29


def test_multi_part_joined() -> None:
    got = parse_text(TEXTS["n01166"])
    assert len(got) == 1
    n = got[0]
    assert n.key == "FDC:3/8344" and "PART" not in n.text.split("\n")[0]
    assert n.start == t(2023, 4, 12, 23) and "&apos;" not in n.text


def test_not_faa() -> None:
    n = parse_faa("hello")
    assert n.id is None and n.issues


def test_validity_range_followed_by_a_full_stop() -> None:
    n = parse_faa(
        "!FDC 2/1974 ZDV CO..AIRSPACE BROOMFIELD, CO.. TEMPORARY FLIGHT RESTRICTIONS "
        "SFC-9000 FT MSL. DLY SR-SS 2205111200-2305112359EST."
    )
    assert (n.start, n.end, n.end_estimated) == (
        datetime(2022, 5, 11, 12, 0, tzinfo=UTC),
        datetime(2023, 5, 11, 23, 59, tzinfo=UTC),
        True,
    )
    assert n.issues == () and n.text.endswith("DLY SR-SS")


def test_older_fdc_effective_until_wording() -> None:
    """``EFFECTIVE 1101102040 UTC UNTIL FURTHER NOTICE``: a start and no end (not PERM);
    ``UNTIL <time> UTC`` gives the end; ``EFFECTIVE IMMEDIATELY`` states no time."""
    head = "!FDC 1/1155 ZDC DC .. FLIGHT RESTRICTIONS, WASHINGTON, DC.\n  EFFECTIVE "
    n = parse_faa(head + "1101102040 UTC UNTIL FURTHER NOTICE. SPECIAL SECURITY INSTRUCTIONS.")
    assert (n.start, n.end, n.permanent) == (datetime(2011, 1, 10, 20, 40, tzinfo=UTC), None, False)
    assert n.issues == () and n.year == 2011
    n = parse_faa(head + "1101102040 UTC UNTIL 1101112040 UTC. SPECIAL SECURITY INSTRUCTIONS.")
    assert n.end == datetime(2011, 1, 11, 20, 40, tzinfo=UTC)
    n = parse_faa(head + "IMMEDIATELY UNTIL FURTHER NOTICE.")
    assert n.start is None and n.end is None and len(n.issues) == 1
    assert n.issues[0].startswith("no start time: effective immediately")
