"""Classification of real NOTAM texts (the shared corpus, ids given) that the golden
cases did not reach (written for the mutation check of issue 14)."""

from __future__ import annotations

import pytest

from notam_log.core.classify import category_of, complete, fields
from notam_log.core.classify_rules import FAA_SCOPES, QCODE_RULES, TEXT_SCOPES
from notam_log.core.models import Notam

UUR221 = (
    "RESTRICTED AREA UUR221:\nVERTICAL LIMITS FL070-FL280 ESTABLISHED INSTEAD OF PUBLISHED.\n"
    "REF AIP RUSSIA PAGE ENR 5.1-78."
)
VTPH = (
    "RUNWAY WIDTH EXTENSION CONSTRUCTION, OVERLAY OF RUNWAY 16/34\n   AND TAXIWAYS PAVEMENT AND"
    " AIRFIELD LIGHTING SYSTEMS REVISION AT\n   HUA HIN AIRPORT EXTD TO 28 MAR 2023\n"
    "   REF AIP SUP A22/22"
)
UNBG = (
    "AD AVBL FOR ARR/DEP OF ACFT TYPE DA-42NG AND ITS MODIFICATIONS, WO\n"
    "LIMITATION. REF AIP BOOK 2 PAGE. AD 1.3-4."
)
KRYM = "100X100 HELIPAD LOCATED WEST OF E PARKING IS UNSERVICEABLE DUE TO CONSTRUCTION"
FDC_SPECIAL = (
    "!FDC 6/8818 FDC ...SPECIAL NOTICE...IN THE INTEREST OF NATIONAL\nSECURITY AND TO THE"
    " EXTENT PRACTICABLE, PILOTS AND UAS OPERATORS ARE\nSTRONGLY ADVISED TO AVOID THE AIRSPACE"
    " ABOVE OR IN CLOSE PROXIMITY\nTO CRITICAL INFRASTRUCTURE\n1603231538-PERM"
)
LLBG = (
    "DUE TO TFC CONGESTION\nGA ACFT NOT PERMITTED TO OPR AT LLBG BTN  0450-0800\n1400-1800"
    " 2300-0140 LMT.\nPRKG BEYOND 72HR FOR ACFT WHOSE HOME BASE IS NOT LLBG\nIS PROHIBITED.\n"
    "THE ABOVE EXC STATE ACFT, HOSP FLTS AND FLTS APV BY\nAD ADMINISTRATION."
)
LLET = "NEW PERIMETER FENCE ESTABLISHED N OF RWY 03/21,\nFENCE POLES ESTABLISHED AS FLW\nCTN ADZ."

CASES = [
    # a restricted area (generic Q-code RT XX): restricted unless item E says it is not active
    ("QRTXX", UUR221, "airspace_restricted", "n00612 UUWV"),
    ("QRTXX", "RESTRICTED AREA UUR221 DEACTIVATED.", "other", "n00612, deactivated"),
    # a generic runway Q-code: item E decides among the runway categories
    ("QMRXX", VTPH, "runway_limited", "n04045 VTPH"),
    # one aircraft type admitted: a procedure-like notice, the search stops there
    ("QFAXX", UNBG, "other", "n00195 UNBG"),
    # the aerodrome withdrawn, no exception anywhere in item E: stays closed
    ("QFAAW", KRYM, "aerodrome_closed", "n01530 KRYM"),
    # FAA FDC: the keyword after the last ".." ("...SPECIAL NOTICE...")
    (None, FDC_SPECIAL, "procedure", "n02386 FDC 6/8818"),
]


@pytest.mark.parametrize(("qcode", "text", "expected", "where"), CASES)
def test_corpus_categories(qcode: str | None, text: str, expected: str, where: str) -> None:
    assert category_of(qcode, text, "icao") == expected, where


@pytest.mark.parametrize(
    ("qcode", "text", "expected"),
    [("QFALT", LLBG, "aerodrome_limited"), ("QOBCE", LLET, "obstacle"),
     ("QMBCH", "APN 'BE' PCN VALUES CHG.", "other")],
)  # fmt: skip
def test_complete_lets_the_qcode_decide(qcode: str, text: str, expected: str) -> None:
    """n00007 LLBG, n00018 LLET: a Q-code that decides alone is not overruled by item E
    (the fence is an obstacle, whatever a text rule would make of it)."""
    notam = Notam(key="X:A0001/25", id="A0001/25", qcode=qcode, text=text)
    assert complete(notam).category == expected
    assert fields(qcode, text, "icao")[2] == expected


def test_every_text_scope_of_a_rule_exists() -> None:
    """So that the fallback to scope ``any`` is never what decides."""
    for _, _, outcome in QCODE_RULES:
        if outcome.startswith("text:"):
            assert outcome[5:] in TEXT_SCOPES or outcome[5:] in FAA_SCOPES, outcome
