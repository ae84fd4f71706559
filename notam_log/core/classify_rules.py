"""The classification tables: what each Q-code and each item E wording means. They are
the documentation of :mod:`notam_log.core.classify` (which applies them, in the order
its docstring gives; the README quotes :data:`CLASSIFICATION_TABLE`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from notam_log.core.models import CATEGORIES

__all__ = [
    "CLASSIFICATION_TABLE",
    "DOWNGRADE",
    "EMERGENCY_ONLY",
    "EXCEPTION_PATTERN",
    "FAA_KEYWORDS",
    "FAA_SCOPES",
    "QCODE_RULES",
    "TEXT_RULES",
    "TEXT_SCOPES",
]


#: (subject, conditions, outcome).  ``subject``: two letters, ``X*`` or ``*``;
#: ``conditions``: space-separated codes or ``*``; ``outcome``: a category or
#: ``text:<scope>``.  First match wins.
QCODE_RULES: tuple[tuple[str, str, str], ...] = (
    # Aerodrome (FA) and heliport (FP)
    ("FA", "LC AS AU AW", "aerodrome_closed"),
    ("FA", "LT LB LN LV LI LP LR LH LL AP AM AD AN AR", "aerodrome_limited"),
    ("FA", "AH", "aerodrome_hours"),
    ("FA", "TT KK", "other"),
    ("FA", "*", "text:aerodrome"),
    ("FP", "LC AS AU AW", "aerodrome_closed"),
    ("FP", "LT LB LN LV LI LP LR LH LL AP AM AD AN AR", "aerodrome_limited"),
    ("FP", "AH", "aerodrome_hours"),
    ("FP", "*", "text:aerodrome"),
    ("F*", "*", "other"),
    # Movement area
    ("MR", "LC AS AU AW", "runway_closed"),
    ("MR", "LT LB LN LV LI LP LR LH LL LD AP AM AD AN AR", "runway_limited"),
    ("MR", "*", "text:runway"),
    ("MD", "*", "runway_limited"),
    ("MT", "*", "runway_limited"),
    ("MX", "*", "taxiway"),
    ("MY", "*", "taxiway"),
    ("MG", "*", "taxiway"),
    ("MN", "*", "apron"),
    ("MP", "*", "apron"),
    ("MK", "*", "apron"),
    ("MO", "*", "lighting"),
    ("MA", "*", "text:any"),
    ("M*", "*", "other"),
    # Lighting, navigation aids, obstacles, procedures, warnings
    ("L*", "*", "lighting"),
    ("I*", "*", "navaid"),
    ("N*", "*", "navaid"),
    ("GA", "*", "navaid"),
    ("GW", "*", "navaid"),
    ("OB", "*", "obstacle"),
    ("OC", "*", "obstacle"),
    ("OL", "*", "obstacle"),
    ("P*", "*", "procedure"),
    ("W*", "*", "warning"),
    # Airspace restrictions (R*); RC/RN are US extension codes, not areas
    ("RC", "*", "other"),
    ("RN", "*", "navaid"),
    ("RO", "CD CN HQ AK", "other"),
    ("RO", "*", "text:overflying"),
    ("R*", "CD CN HQ AK", "other"),
    ("R*", "XX", "text:restricted_area"),
    ("R*", "*", "airspace_restricted"),
    # Airspace organisation (A*): AD is the ADIZ
    ("AD", "CD CN HQ AK", "other"),
    ("AD", "*", "airspace_restricted"),
    ("A*", "LC", "airspace_closed"),
    ("A*", "XX", "text:airspace"),
    ("A*", "*", "other"),
    # ATS units (S*)
    ("SC", "LC", "airspace_closed"),
    ("SO", "LC", "airspace_closed"),
    ("SU", "LC", "airspace_closed"),
    ("S*", "*", "text:ats"),
    # Plain language, checklist, trigger, others
    ("XX", "*", "text:any"),
    ("KK", "*", "other"),
    ("TT", "*", "other"),
    ("C*", "*", "other"),
    ("G*", "*", "other"),
    ("O*", "*", "other"),
    ("*", "*", "text:any"),
)

#: Which categories item E may choose when the Q-code sends it there, and the
#: category when no text rule matches.
TEXT_SCOPES: Mapping[str, tuple[frozenset[str], str]] = {
    "any": (frozenset(CATEGORIES), "other"),
    "aerodrome": (
        frozenset({"aerodrome_closed", "aerodrome_limited", "aerodrome_hours"}),
        "other",
    ),
    "ats": (frozenset({"aerodrome_closed", "aerodrome_limited", "aerodrome_hours"}), "other"),
    "runway": (frozenset({"runway_closed", "runway_limited"}), "other"),
    "airspace": (frozenset({"airspace_closed", "airspace_restricted"}), "other"),
    "restricted_area": (frozenset({"other"}), "airspace_restricted"),
    "overflying": (frozenset({"airspace_restricted", "airspace_closed"}), "warning"),
}

#: An aerodrome, as item E names one.
AD = r"(?:AD|AERODROME|AIRPORT|AIRFIELD|HELIPORT|AD\s+AP)"

#: (name, pattern, category), tried in order on item E (upper case, blanks collapsed).
TEXT_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "procedure",
        r"\b(?:IAP|ODP|SID|STAR)\b|INSTRUMENT APPROACH PROC|TAKEOFF MINIMUMS"
        r"|(?:DEPARTURE|ARRIVAL) PROCEDURE",
        "procedure",
    ),
    (
        "deactivated area",
        r"^(?=.*\b(?:AREAS?|TFR|RESTRICTIONS?|ADIZ)\b).*"
        r"\b(?:DEACTIVATED|DE-ACTIVATED|CANCELLED|CANCELED|NOT ACTIVE)\b",
        "other",
    ),
    (
        "flight restriction",
        r"TEMPORARY FLIGHT RESTRICTION|\bFLI?G?H?T RESTRICTIONS?\b|\bTFR\b"
        r"|\b(?:RESTRICTED|DANGER|PROHIBITED|TEMPORARY RESERVED|TEMPORARY RESTRICTED)"
        r" AREAS?\b",
        "airspace_restricted",
    ),
    ("taxiway head", r"^(?:TWY|TWYS|TAXIWAY|TAXIWAYS|TXL|TAXILANE)\b", "taxiway"),
    ("apron head", r"^(?:APRON|APN|RAMP|STANDS?|HARDSTAND)\b", "apron"),
    ("aerodrome closed", rf"\b{AD}\s+(?:IS\s+)?(?:CLSD|CLOSED)\b", "aerodrome_closed"),
    (
        # "AD AVBL FOR ARR/DEP OF EMBRAER-190 ACFT AND ITS MODIFICATIONS ON CONDITION
        # THAT ...": one aircraft type admitted (Russian AIS); it restricts nothing
        "aircraft type admitted",
        rf"\b{AD}\b[^.]*?\bAVBL\s+FOR\s+(?:ARR/DEP|ARR|DEP|OPS|FLT|FLIGHTS)\s+OF\s+"
        r"(?:ACFT\s+TYPES?\b|[^.]*?\bAND\s+(?:ITS|THEIR)\s+MODIFICATIONS?\b)",
        "other",
    ),
    (
        "aerodrome limited",
        rf"\b{AD}\b[^.]*?\b(?:AVBL|AVAILABLE|OPEN|OPS?)\s+(?:ONLY\s+)?(?:FOR|TO)\b"
        rf"|\b{AD}\b[^.]*?\b(?:PPR|PRIOR PERMISSION|LIMITED|RESTRICTED TO|CLSD TO|CLOSED TO)\b",
        "aerodrome_limited",
    ),
    (
        "aerodrome hours",
        rf"\b{AD}\b[^.]*?\b(?:HR|HRS|HOURS|OPR HR|OPS HR|HOURS OF OPERATION)\b"
        r"|\bAD HR\b|\bOPENING HOURS\b",
        "aerodrome_hours",
    ),
    (
        "runway closed",
        r"\b(?:RWY|RUNWAY)\s+(?:\d{2}[LRC]?(?:/\d{2}[LRC]?)?\s+)?(?:IS\s+)?(?:CLSD|CLOSED)\b",
        "runway_closed",
    ),
    (
        "airspace closed",
        r"\b(?:ATS\s+)?(?:RTE|ROUTE|ROUTES|AWY|AIRWAY|SECTOR|FIR|AIRSPACE|CTA|TMA)\b[^.]*?"
        r"\b(?:CLSD|CLOSED)\b",
        "airspace_closed",
    ),
    ("obstacle", r"\b(?:OBST|OBSTACLES?|CRANES?|TOWERS?|MASTS?|WIND ?TURBINES?)\b", "obstacle"),
    (
        "navaid",
        r"\b(?:ILS|LOC|GP|GLIDE ?PATH|VOR|DME|NDB|TACAN|VORTAC|MLS|GBAS|GNSS|GPS|RAIM)\b",
        "navaid",
    ),
    (
        "lighting",
        r"\b(?:LGT|LGTS|LIGHTS?|LIGHTING|PAPI|VASIS?|REIL|ALS|HIRL|MIRL|RCLL|TDZL|ABN"
        r"|STOP ?BARS?)\b",
        "lighting",
    ),
    ("taxiway", r"\b(?:TWY|TAXIWAY|TXL|TAXILANE)\b", "taxiway"),
    ("apron", r"\b(?:APRON|APN|RAMP|STANDS?|HARDSTAND)\b", "apron"),
    (
        "runway limited",
        r"\b(?:RWY|RUNWAY)\b[^.]*?\b(?:TORA|TODA|ASDA|LDA|DECLARED DIST\w*|REDUCED|LIMITED"
        r"|NOT AVBL|WIDTH|LENGTH|DISPLACED|THR)\b",
        "runway_limited",
    ),
    (
        "warning",
        r"\b(?:UAS|UAV|UNMANNED|DRONES?|PJE|PARACHUT\w*|BALLOONS?|FIREWORKS?|LASER|AEROBATIC\w*"
        r"|GLIDER\w*|GLIDING|EXER|EXERCISE|MISSILES?|FIRING|BLASTING|SEARCHLIGHT|AIR DISPLAY"
        r"|MODEL FLYING|AERIAL SURVEY|HIRTA)\b",
        "warning",
    ),
)

#: FAA domestic keyword after the location (``!BOS 01/001 BOS TWY C CLSD``) ->
#: category or ``text:<scope>``.
FAA_KEYWORDS: Mapping[str, str] = {
    "AD": "text:aerodrome",
    "RWY": "text:runway_faa",
    "TWY": "taxiway",
    "APRON": "apron",
    "OBST": "obstacle",
    "NAV": "navaid",
    "IAP": "procedure",
    "SID": "procedure",
    "STAR": "procedure",
    "ODP": "procedure",
    "SPECIAL": "procedure",
    "VFP": "procedure",
    "CHART": "procedure",
    "AIRSPACE": "text:airspace_faa",
    "SVC": "text:ats",
    "COM": "other",
}

FAA_SCOPES: Mapping[str, tuple[frozenset[str], str]] = {
    "runway_faa": (frozenset({"runway_closed", "runway_limited", "lighting"}), "other"),
    "airspace_faa": (frozenset({"airspace_restricted", "airspace_closed"}), "warning"),
}

#: Words that turn a closure into a limitation (see the module docstring).
EXCEPTION_PATTERN = (
    r"\b(?:EXC|EXCEPT|EXCEPTING|EXCL|EXCLUDING|(?:AVBL|AVAILABLE|OPEN)\s+(?:FOR|TO))\b"
    r"(?P<clause>[^.;]*)"
    r"|\b(?:CLSD|CLOSED)\s+(?:TO|FOR)\b|\bPPR\b|\bPRIOR PERMISSION\b|\bONLY\b"
)
#: An exception whose first word is one of these leaves the closure a closure
#: ("CLSD EXC EMERG", "CLSD, AVBL FOR TAXIING").
EMERGENCY_ONLY = re.compile(
    r"^\W*(?:EMERG\w*|SAR|HEMS|MEDEVAC|AMBULANCE|AIR AMBULANCE|HOSP\w*|POLICE|LIFE|FIRE"
    r"|TAX\w*|CROSSING)\b"
)
DOWNGRADE: Mapping[str, str] = {
    "aerodrome_closed": "aerodrome_limited",
    "runway_closed": "runway_limited",
}

CLASSIFICATION_TABLE = """\
| Q-code (subject + condition); else item E or FAA keyword          | category            |
|---|---|
| `FA`/`FP` + `LC AS AU AW`; `AD CLSD`, `AD AP CLSD`                 | aerodrome_closed    |
| same with `EXC ...` (not emergencies only), `CLSD TO`, `PPR`, `ONLY` | aerodrome_limited |
| `FA`/`FP` + `LT LB LN LV LI LP LR LH LL AP AM AD AN AR`; `AD AVBL FOR` | aerodrome_limited |
| `AD AVBL FOR ARR/DEP OF` one aircraft type `AND ITS MODIFICATIONS` | other               |
| `FA`/`FP` + `AH`; `AD ... HR`, `OPENING HOURS`                     | aerodrome_hours     |
| `MR` + `LC AS AU AW`; `RWY 09/27 CLSD` (with exceptions: limited)  | runway_closed       |
| `MR` + `L*`, `AP` ...; `MD`, `MT`; `RWY ... TORA/LDA/REDUCED/THR`  | runway_limited      |
| `MX`, `MY`, `MG`; `TWY ...` (a closed taxiway is only a taxiway)   | taxiway             |
| `MN`, `MP`, `MK`; `APRON`, `STAND`, `RAMP`                         | apron               |
| `R*` except `CD CN HQ AK`; `AD` (ADIZ); `TFR`, `... AREA`          | airspace_restricted |
| `RO` (overflying) unless item E names a restriction                | warning             |
| `A*` + `LC`; `SC SO SU` + `LC`; `RTE/AWY/FIR/AIRSPACE ... CLSD`    | airspace_closed     |
| `I*`, `N*`, `GA`, `GW`; FAA `NAV`; `ILS/VOR/DME/NDB`               | navaid              |
| `L*`, `MO`; `LGT`, `PAPI`, `REIL`, `STOP BAR`                      | lighting            |
| `OB`, `OC`, `OL`; FAA `OBST`; `CRANE`, `TOWER`, `MAST`             | obstacle            |
| `W*`; `UAS`, `PJE`, `EXER`, `FIREWORKS`, `LASER` ...               | warning             |
| `P*`; FDC `IAP`, `SID`, `STAR`, `ODP`, `SPECIAL`, `CHART`          | procedure           |
| `R*`/`AD` + `CD CN HQ AK`; `AECA`/`AECD`; `C*`, `KK`, `TT`; rest   | other               |
| `XX`, `FAXX`, `MRXX`, `AFXX`, `S*`, no Q: item E within the scope  | see TEXT_RULES      |
"""

#: Cheap substring tests: a rule's pattern cannot match unless one of these occurs in
#: the (upper case) text, so a rule is tried only when one does. (The rules split into
#: alternatives in :data:`_BRANCHES` carry their own words there.)
