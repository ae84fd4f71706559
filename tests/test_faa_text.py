"""Golden reads of real FAA domestic NOTAMs from the corpus."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from notam_log.faa_text import parse_faa
from notam_log.icao_text import parse_text

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
    assert n.schedule == "DAILY 0200-0400" and n.windows is not None
    assert (
        n.windows[0] == (t(2024, 7, 23, 2), t(2024, 7, 23, 4)) and len(n.windows) == 7
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
