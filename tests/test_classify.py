"""Classification on real NOTAM texts (NATS PIB March 2025 and the shared corpus)."""

from __future__ import annotations

import pytest

from notam_log.core.classify import category_of, complete
from notam_log.core.classify_rules import CLASSIFICATION_TABLE, QCODE_RULES
from notam_log.core.models import CATEGORIES, DEFAULT_RESTRICTIONS, Notam

HEATHROW_CLOSED = "AD CLOSED DUE TO A MAJOR INCIDENT IN THE LOCAL VICINTY AFFECTING \nPOWER SUPPLY"
REPATRIATION = "AD AVBL FOR LIMITED REPATRIATION FLIGHTS"

# (Q-code, item E as published, expected category, where it comes from)
CASES: list[tuple[str | None, str, str, str]] = [
    # UK PIB, Heathrow closure
    ("QFALC", HEATHROW_CLOSED, "aerodrome_closed", "EGGN:A1918/25"),
    ("QFALT", REPATRIATION, "aerodrome_limited", "EGGN:A1936/25"),
    ("QFAXX", REPATRIATION, "aerodrome_limited", "EGGN:A1943/25"),
    # UK PIB, other items
    ("QFALC", "AD CLOSED DUE WIP", "aerodrome_closed", "EGGN:A1399/25"),
    ("QSPLC", "EXETER ATS NOT AVBL. AD CLOSED)", "aerodrome_closed", "EGGN:C1649/25"),
    ("QFAAH", "AD SUNDAY OPENING HOURS 1230-1700", "aerodrome_hours", "EGGN:I4506/24"),
    ("QMRLC", "RWY 10/28 CLSD", "runway_closed", "EGGN:L1568/25"),
    (
        "QMRLC",
        "RWY 05/23 CLSD, AVBL FOR TAXYING BTN RWY 18/36 HOLDING POINTS \nC AND D",
        "runway_closed",
        "EGGN:L1554/25",
    ),
    ("QMRXX", "RWY 06/24 ENTRY POINT ECHO NOT AVBL", "runway_limited", "EGGN:C1811/25"),
    ("QMRLT", "RWY 09R/27L ENTRY/EXIT S5W CLOSED DUE WIP.", "runway_limited", "EGGN:A1709/25"),
    ("QMXLC", "TWY YANKEE CLOSED DUE WIP", "taxiway", "EGGN:C1283/25"),
    ("QMPLC", "STAND 11 CLOSED", "apron", "EGGN:C1571/25"),
    (
        "QRDCA",
        "DANGER AREA EGD129 (WESTON ON THE GREEN) ACTIVATED.\nAR-2025-1000/08.",
        "airspace_restricted",
        "EGGN:D0221/25",
    ),
    ("QICAS", "ILS RWY 27 U/S", "navaid", "EGGN:L1604/25"),
    ("QNLAS", "LOCATOR EX/EXETER 337KHZ U/S", "navaid", "EGGN:C1878/25"),
    ("QMOXX", "STOP BAR D1-D7, E3-E6, V1, W NOT AVBL", "lighting", "EGGN:C1480/25"),
    ("QOLAS", "NDB OBST LGT U/S", "obstacle", "EGGN:C0311/25"),
    ("QWSLW", "COLD FLARING", "warning", "EKCH:D0107/25"),
    ("QPIAU", "IAP NOT AVBL. CTC ATC ON 01273 467377 FOR INFO.", "procedure", "EGGN:C1450/25"),
    ("QFULT", "AVGAS SELF SERVE U/S", "other", "EGGN:C1891/25"),
    (
        "QROXX",
        "SECURITY - HAZARDOUS SITUATION IN IRAN. OPERATORS ARE RECOMMENDED NOT TO ENTER FIR "
        "TEHRAN (OIIX). POTENTIAL RISK FROM ANTI-AIRCRAFT WEAPONRY",
        "warning",
        "PIB 2025-03-21 QROXX under A) EGPX EGTT EGGX",
    ),
    (
        "QROXX",
        "D AND E BAND HIGH INTENSITY RADIO TRANSMISSION AREA (HIRTA) IN LOW FLYING AREA 6",
        "warning",
        "PIB 2025-03-21 HIRTA",
    ),
    (
        "QAECD",
        "BRISTOL CTA, CTR AND ATZ DEACTIVATED, AIRSPACE REVERTS TO CLASS G.",
        "other",
        "PIB 2025-03-21 Bristol",
    ),
    ("QFALT", "AD CLSD TO VISITING ACFT EXCEPT SAR FLIGHTS.", "aerodrome_limited", "PIB FALT"),
    # FAA domestic (corpus, trev97 and OSH exports)
    (None, "!BTV 10/138 VT8 AD AP CLSD 2211010700-2306010512", "aerodrome_closed", "n01154"),
    (None, "!MIV 08/389 0N6 AD AP CLSD EXC PPR 1908301421-PERM", "aerodrome_limited", "n01201"),
    (
        None,
        "!BNA 02/207 RZR AD AP TURF CLSD TO LDG AND TKOF 2302102111-2307102359",
        "aerodrome_limited",
        "n01179",
    ),
    (None, "!DTW 02/656 DTW RWY 09R/27L CLSD 2302281249-2303312100", "runway_closed", "n01204"),
    (
        None,
        "!MIV 03/215 N85 RWY 13 CLSD EXC EMERG ACFT 2204010001-2304012359",
        "runway_closed",
        "n01436",
    ),
    (
        None,
        "!FTW 12/606 4T2 RWY 17/35 CLSD EXC 3HR PPR 817-252-3510 DLY SR-SS 2212301332-2306010133",
        "runway_limited",
        "n01209",
    ),
    (
        None,
        "!ELM 12/125 ELM TWY E, G, H, TWY C BTN RWY 10/28 AND RWY 06/24 CLSD DLY 0500-1100 "
        "2212230500-2303121100",
        "taxiway",
        "n01160",
    ),
    (
        None,
        "!FMY 10/055 FMY APRON BRAVO HANGARS RAMP CLSD 2210251922-2304302300",
        "apron",
        "n01164",
    ),
    (None, "!OSH 07/031 OSH RWY 36 PAPI U/S 2407181100-2407312000", "lighting", "n05334"),
    (None, "!F17 07/015 F17 NAV CZJ NDB U/S 2207241414-2307242000EST", "navaid", "n01151"),
    (
        None,
        "!HUF 04/129 IN2 OBST TOWER LGT (ASR 1062945) 414443.10N0850123.10W (1.0NM NNE IN2) "
        "1311.0FT (317.9FT AGL) U/S 2304021125",
        "obstacle",
        "n-HUF-04/129",
    ),
    (
        None,
        "!MTN 01/017 MTN AIRSPACE SEE FDC 1/1155 ZDC FLT RESTRICTIONS TFR\n1801181533-PERM",
        "airspace_restricted",
        "n01684",
    ),
    (
        None,
        "!FDC 1/1751 FWN IAP SUSSEX, SUSSEX, NJ.\nVOR-A, AMDT 6B...\nPROCEDURE NA.\n"
        "2111031122-2311301122EST",
        "procedure",
        "n02139",
    ),
    (
        None,
        "!FDC 1/8253 DXR STAR\nNOBBI FIVE ARRIVAL ALB R-238 UNUSABLE. SUITABLE RNAV/GPS REQUIRED\n"
        "2107131200-2307131200",
        "procedure",
        "n01612",
    ),
    (
        None,
        "!OSH 07/043 OSH AIRSPACE SEE FDC 4/2258 ZAU 91.145 AIRSHOW 2407221915-2407281930",
        "warning",
        "n05364",
    ),
    (None, "!AKN 03/068 AKN SVC  TWR CLSD MNT CTAF 121.9 2303120200-2303120500", "other", "n01169"),
    (
        None,
        "!FDC 9/2934 ZFW TX.. FLIGHT RESTRICTION. DALLAS, TEXAS. PURSUANT TO 49 USC 40103(B), "
        "THE FEDERAL AVIATION ADMINISTRATION (FAA) CLASSIFIES THE AIRSPACE DEFINED IN THIS NOTAM "
        "AS 'NATIONAL DEFENSE AIRSPACE'",
        "airspace_restricted",
        "n01934 (excerpt)",
    ),
    (
        None,
        "!WYS 01/001 WYS AD AP CLSD EXC LIFE FLT AND HEL 2301201904-2304302359",
        "aerodrome_closed",
        "life flights only: still closed",
    ),
    # Traps and Doc 8126 rules
    ("QADCA", "ADIZ ACTIVATED", "airspace_restricted", "AD subject is the ADIZ"),
    ("QARLC", "UL9 CLSD BTN XAMAB AND BEDEK", "airspace_closed", "route closed"),
    ("QRDCD", "EGD323A DEACTIVATED", "other", "deactivated area imposes nothing"),
    ("QRRXX", "R-4808N NOT ACTIVE", "other", "plain-language deactivation"),
    ("QRTCA", "TEMPORARY RESTRICTED AREA ACTIVATED", "airspace_restricted", "TRA"),
    ("QFALC", "AD CLSD EXC EMERG", "aerodrome_closed", "emergencies only: still closed"),
    ("QFALC", "AD CLSD TO VFR", "aerodrome_limited", "closed to VFR is limited"),
    ("QXXXX", "TWY A BTN RWY 10/28 AND RWY 06/24 CLSD", "taxiway", "taxiway, not runway"),
]


@pytest.mark.parametrize(("qcode", "text", "expected", "where"), CASES)
def test_golden_categories(qcode: str | None, text: str, expected: str, where: str) -> None:
    fmt = "faa_domestic" if text.startswith("!") else "pib_xml"
    assert category_of(qcode, text, fmt) == expected, where


def test_cases_cover_every_category() -> None:
    assert {expected for _, _, expected, _ in CASES} == set(CATEGORIES)


def test_every_rule_outcome_is_a_category_or_a_text_scope() -> None:
    for _, _, outcome in QCODE_RULES:
        assert outcome in CATEGORIES or outcome.startswith("text:"), outcome


def _notam(qcode: str | None, text: str, issues: tuple[str, ...] = ()) -> Notam:
    return Notam(key="EGGN:A1918/25", id="A1918/25", qcode=qcode, text=text, issues=issues)


def test_complete_fills_fields_and_default_restrictions() -> None:
    done = complete(_notam("QFALC", HEATHROW_CLOSED))
    assert (done.subject, done.condition) == ("Aerodrome", "Closed")
    assert done.category == "aerodrome_closed"
    assert done.restriction is True
    assert done.key == "EGGN:A1918/25"
    twy = complete(_notam("QMXLC", "TWY YANKEE CLOSED DUE WIP"))
    assert twy.category == "taxiway"
    assert twy.restriction is False


def test_complete_honours_restrictions() -> None:
    notam = _notam("QMXLC", "TWY YANKEE CLOSED DUE WIP")
    assert complete(notam, restrictions={"taxiway"}).restriction is True
    closed = _notam("QFALC", HEATHROW_CLOSED)
    assert complete(closed, restrictions=frozenset()).restriction is False
    assert complete(closed, restrictions=DEFAULT_RESTRICTIONS).restriction is True


def test_complete_appends_qcode_issues_once() -> None:
    done = complete(_notam("QZZLC", "SOMETHING", issues=("earlier",)))
    assert done.issues == ("earlier", "unknown Q-code subject 'ZZ'")
    assert complete(done).issues == done.issues
    assert done.subject == "ZZ"


def test_table_names_every_category() -> None:
    for category in CATEGORIES:
        assert category in CLASSIFICATION_TABLE
