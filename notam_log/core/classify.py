"""Restriction classification: one category per NOTAM, from its Q-code, else its text.

Pure and table-driven; the tables below are the documentation (the README quotes
:data:`CLASSIFICATION_TABLE`).  The order of decision:

1. **Q-code first.**  :data:`QCODE_RULES` maps (subject, condition) to a category.
   The first matching row wins; subjects match exactly (``FA``) or by first letter
   (``W*``).  A row whose outcome is a *text scope* (``text:aerodrome`` ...) means the
   Q-code is generic (``QFAXX``, ``QMRXX``, ``QXXXX``, ``QAFXX``): item E decides, but
   only among the categories that the scope allows (:data:`TEXT_SCOPES`), so a
   ``QFAXX`` about taxiing helicopters cannot become a runway closure.
2. **No Q-code** (FAA domestic ``!DCA 06/001 DCA RWY 09/27 CLSD``): the FAA keyword
   after the location decides (:data:`FAA_KEYWORDS`), else item E (scope ``any``).
3. **Item E** rules (:data:`TEXT_RULES`) are regular expressions tried in order.
4. **Closures with exceptions are limitations**: ``aerodrome_closed`` and
   ``runway_closed`` become ``aerodrome_limited`` / ``runway_limited`` when item E
   says ``EXC PPR``, ``CLSD TO VFR``, ``AVBL FOR ...``, ``ONLY`` ... unless the
   exception is only for emergencies, SAR, HEMS, police or hospital flights (an
   aerodrome closed "except emergencies" is closed).

Decisions worth knowing:

* ``AD`` as a Q subject is the ADIZ (airspace), never the aerodrome (``FA``).
* ``R*`` (restricted, danger, prohibited, temporary areas, military operating areas,
  airspace reservations, overflying) is ``airspace_restricted`` unless the condition
  says it is deactivated or cancelled (``CD``, ``CN``, ``HQ``, ``AK``) or a ``XX``
  text says ``DEACTIVATED`` / ``CANCELLED`` / ``NOT ACTIVE``: a notice that a
  restriction is *not* in force is ``other`` (it imposes nothing).
* Controlled airspace activated or deactivated (``QAECA``, ``QAECD``, ``QAZCA``) is
  ``other``: it is a change of class, not a restriction; only ``LC`` on an airspace
  subject (route, FIR, CTA, sector) is ``airspace_closed``.
* ``RO`` (overflying) is a warning unless item E names a restriction (``TFR``,
  ``RESTRICTED AREA`` ...): UK bulletins use ``QROXX`` for HIRTAs, equestrian events
  and security advisories about foreign FIRs, listed under ``A) EGTT``.
* ATS units (``S*``: approach, tower, ACC) are read through item E, because UK
  bulletins say "EXETER ATS NOT AVBL. AD CLOSED" under ``QSPLC``.
* Obstacle lights (``OL``) are ``obstacle``; stop bars (``MO``) are ``lighting``;
  communications and surveillance (``C*``) are ``other``; trigger (``TT``) and
  checklist (``KK``) NOTAMs are ``other``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Protocol

from notam_log.core.models import CATEGORIES, DEFAULT_RESTRICTIONS, Notam
from notam_log.core.qcodes import decode, split

__all__ = [
    "CLASSIFICATION_TABLE",
    "FAA_KEYWORDS",
    "QCODE_RULES",
    "TEXT_RULES",
    "TEXT_SCOPES",
    "category_of",
    "complete",
    "fields",
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

_AD = r"(?:AD|AERODROME|AIRPORT|AIRFIELD|HELIPORT|AD\s+AP)"

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
    ("aerodrome closed", rf"\b{_AD}\s+(?:IS\s+)?(?:CLSD|CLOSED)\b", "aerodrome_closed"),
    (
        # "AD AVBL FOR ARR/DEP OF EMBRAER-190 ACFT AND ITS MODIFICATIONS ON CONDITION
        # THAT ...": one aircraft type admitted (Russian AIS); it restricts nothing
        "aircraft type admitted",
        rf"\b{_AD}\b[^.]*?\bAVBL\s+FOR\s+(?:ARR/DEP|ARR|DEP|OPS|FLT|FLIGHTS)\s+OF\s+"
        r"(?:ACFT\s+TYPES?\b|[^.]*?\bAND\s+(?:ITS|THEIR)\s+MODIFICATIONS?\b)",
        "other",
    ),
    (
        "aerodrome limited",
        rf"\b{_AD}\b[^.]*?\b(?:AVBL|AVAILABLE|OPEN|OPS?)\s+(?:ONLY\s+)?(?:FOR|TO)\b"
        rf"|\b{_AD}\b[^.]*?\b(?:PPR|PRIOR PERMISSION|LIMITED|RESTRICTED TO|CLSD TO|CLOSED TO)\b",
        "aerodrome_limited",
    ),
    (
        "aerodrome hours",
        rf"\b{_AD}\b[^.]*?\b(?:HR|HRS|HOURS|OPR HR|OPS HR|HOURS OF OPERATION)\b"
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

_FAA_SCOPES: Mapping[str, tuple[frozenset[str], str]] = {
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
_EMERGENCY_ONLY = re.compile(
    r"^\W*(?:EMERG\w*|SAR|HEMS|MEDEVAC|AMBULANCE|AIR AMBULANCE|HOSP\w*|POLICE|LIFE|FIRE"
    r"|TAX\w*|CROSSING)\b"
)
_DOWNGRADE: Mapping[str, str] = {
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
_HINTS: Mapping[str, tuple[str, ...]] = {
    "deactivated area": ("ACTIV", "CANCEL"),
    "flight restriction": ("RESTRICTION", "TFR", " AREA"),
    "taxiway head": ("TWY", "TAXI", "TXL"),
    "apron head": ("APRON", "APN", "RAMP", "STAND"),
    "aircraft type admitted": ("MODIFICATION", "ACFT TYPE"),
    "aerodrome closed": ("CLSD", "CLOSED"),
    "runway closed": ("CLSD", "CLOSED"),
    "obstacle": ("OBST", "CRANE", "TOWER", "MAST", "WIND"),
    "navaid": (
        "ILS",
        "LOC",
        "GP",
        "GLIDE",
        "VOR",
        "DME",
        "NDB",
        "TACAN",
        "MLS",
        "GBAS",
        "GNSS",
        "RAIM",
    ),
    "lighting": (
        "LGT",
        "LIGHT",
        "PAPI",
        "VASI",
        "REIL",
        "ALS",
        "HIRL",
        "MIRL",
        "RCLL",
        "TDZL",
        "ABN",
        "STOP",
    ),
    "taxiway": ("TWY", "TAXI", "TXL"),
    "apron": ("APRON", "APN", "RAMP", "STAND"),
    "warning": (
        "UAS",
        "UAV",
        "UNMANNED",
        "DRONE",
        "PJE",
        "PARACHUT",
        "BALLOON",
        "FIREWORK",
        "LASER",
        "AEROBATIC",
        "GLID",
        "EXER",
        "MISSILE",
        "FIRING",
        "BLASTING",
        "SEARCHLIGHT",
        "AIR DISPLAY",
        "MODEL FLYING",
        "AERIAL SURVEY",
        "HIRTA",
    ),
}

_AD_WORDS = ("AD", "AERODROME", "AIRPORT", "AIRFIELD", "HELIPORT")

#: A second cheap test for rules that need two words: one of these must occur too.
_HINTS_TOO: Mapping[str, tuple[str, ...]] = {
    "deactivated area": ("AREA", "TFR", "RESTRICTION", "ADIZ"),
    "aerodrome closed": _AD_WORDS,
    "aircraft type admitted": ("AVBL",),
    "runway closed": ("RWY", "RUNWAY"),
}


class _Search(Protocol):
    def search(self, text: str, /) -> object: ...


class _Words:
    """``\\b(?:W1|W2|...)\\b`` for plain words, found with ``str.find`` and a look at the
    characters either side (a word character is what ``\\w`` matches: alphanumeric or
    ``_``). A word given with a trailing ``*`` is a prefix (``PARACHUT\\w*``)."""

    __slots__ = ("words",)

    def __init__(self, *words: str) -> None:
        self.words = tuple((w.rstrip("*"), not w.endswith("*")) for w in words)

    def search(self, text: str, /) -> bool:
        n = len(text)
        for word, whole in self.words:
            i = text.find(word)
            while i != -1:
                if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):
                    j = i + len(word)
                    if not whole or j == n or not (text[j].isalnum() or text[j] == "_"):
                        return True
                i = text.find(word, i + 1)
        return False


class _PerSentence:
    """A pattern that cannot match across a ``.`` (``\\bAD\\b[^.]*?\\bPPR\\b``), tried
    sentence by sentence, and only in a sentence where one word of ``hints`` and one
    of ``hints_too`` occur. (A ``.`` is not a word character, so ``\\b`` at the ends of
    a sentence is what it is in the whole text.)"""

    __slots__ = ("hints", "hints_too", "pattern")

    def __init__(self, pattern: str, hints: tuple[str, ...], hints_too: tuple[str, ...]) -> None:
        self.pattern = re.compile(pattern)
        self.hints = hints
        self.hints_too = hints_too

    def search(self, text: str, /) -> bool:
        if "." not in text:
            return self.pattern.search(text) is not None
        for sentence in text.split("."):
            for hint in self.hints:
                if hint in sentence:
                    break
            else:
                continue
            for hint in self.hints_too:
                if hint in sentence:
                    break
            else:
                continue
            if self.pattern.search(sentence):
                return True
        return False


_AD_OPEN = ("AVBL", "AVAILABLE", "OP")
_AD_LIMITS = ("PPR", "PRIOR PERMISSION", "LIMITED", "RESTRICTED TO", "CLSD TO", "CLOSED TO")
_AIRSPACE = ("RTE", "ROUTE", "AWY", "AIRWAY", "SECTOR", "FIR", "AIRSPACE", "CTA", "TMA")
_RUNWAY_LIMITS = (
    "TORA",
    "TODA",
    "ASDA",
    "LDA",
    "DECLARED DIST",
    "REDUCED",
    "LIMITED",
    "NOT AVBL",
    "WIDTH",
    "LENGTH",
    "DISPLACED",
    "THR",
)

#: A rule's pattern split at its top-level ``|`` (it matches where one of its
#: alternatives does), so that each alternative is tried only when its own words
#: occur: (pattern, or None for a plain word test; one of these words; and one of
#: these). Word alternatives ``\\b(?:...)\\b`` are spelt out as :class:`_Words`.
_Branch = tuple[_Search | None, tuple[str, ...], tuple[str, ...]]
_BRANCHES: Mapping[str, tuple[_Branch, ...]] = {
    "procedure": (
        (_Words("IAP", "ODP", "SID", "STAR"), ("IAP", "ODP", "SID", "STAR"), ()),
        (None, ("INSTRUMENT APPROACH PROC", "TAKEOFF MINIMUMS"), ()),
        (None, ("DEPARTURE PROCEDURE", "ARRIVAL PROCEDURE"), ()),
    ),
    "aerodrome limited": (
        (
            _PerSentence(
                rf"\b{_AD}\b[^.]*?\b(?:AVBL|AVAILABLE|OPEN|OPS?)\s+(?:ONLY\s+)?(?:FOR|TO)\b",
                _AD_WORDS,
                _AD_OPEN,
            ),
            _AD_WORDS,
            _AD_OPEN,
        ),
        (
            _PerSentence(
                rf"\b{_AD}\b[^.]*?\b(?:PPR|PRIOR PERMISSION|LIMITED|RESTRICTED TO|CLSD TO"
                r"|CLOSED TO)\b",
                _AD_WORDS,
                _AD_LIMITS,
            ),
            _AD_WORDS,
            _AD_LIMITS,
        ),
    ),
    "aerodrome hours": (
        (
            _PerSentence(
                rf"\b{_AD}\b[^.]*?\b(?:HR|HRS|HOURS|OPR HR|OPS HR|HOURS OF OPERATION)\b",
                ("HR", "HOURS"),
                _AD_WORDS,
            ),
            ("HR", "HOURS"),
            _AD_WORDS,
        ),
        (re.compile(r"\bAD HR\b"), ("AD HR",), ()),
        (re.compile(r"\bOPENING HOURS\b"), ("OPENING HOURS",), ()),
    ),
    "airspace closed": (
        (
            _PerSentence(
                r"\b(?:ATS\s+)?(?:RTE|ROUTE|ROUTES|AWY|AIRWAY|SECTOR|FIR|AIRSPACE|CTA|TMA)\b"
                r"[^.]*?\b(?:CLSD|CLOSED)\b",
                ("CLSD", "CLOSED"),
                _AIRSPACE,
            ),
            ("CLSD", "CLOSED"),
            _AIRSPACE,
        ),
    ),
    "runway limited": (
        (
            _PerSentence(
                r"\b(?:RWY|RUNWAY)\b[^.]*?\b(?:TORA|TODA|ASDA|LDA|DECLARED DIST\w*|REDUCED"
                r"|LIMITED|NOT AVBL|WIDTH|LENGTH|DISPLACED|THR)\b",
                ("RWY", "RUNWAY"),
                _RUNWAY_LIMITS,
            ),
            ("RWY", "RUNWAY"),
            _RUNWAY_LIMITS,
        ),
    ),
}

_COMPILED_TEXT: tuple[tuple[str, str, tuple[_Branch, ...]], ...] = tuple(
    (
        name,
        category,
        _BRANCHES.get(name)
        or ((re.compile(pattern), _HINTS.get(name, ()), _HINTS_TOO.get(name, ())),),
    )
    for name, pattern, category in TEXT_RULES
)


@functools.cache
def _scope_rules(scope: str) -> tuple[tuple[str, tuple[_Branch, ...]], ...]:
    """The text rules that can decide within ``scope``: those whose category it allows,
    and those that stop the search when it is not allowed (``procedure``; one aircraft
    type admitted, which a scope that does not allow ``other`` answers with its
    default); the others match or not without changing the outcome, so they are never
    tried."""
    allowed = _scope(scope)[0]
    return tuple(
        (category, branches)
        for name, category, branches in _COMPILED_TEXT
        if category in allowed or category == "procedure" or name in _STOPS
    )


#: Text rules that end the search in any scope (see :func:`_scope_rules`).
_STOPS = frozenset({"aircraft type admitted"})


def _matches(branches: tuple[_Branch, ...], text: str) -> bool:
    """Whether a rule's pattern (given as its :data:`_BRANCHES`) matches in ``text``."""
    for pattern, hints, hints_too in branches:
        for hint in hints:
            if hint in text:
                break
        else:
            if hints:
                continue
        for hint in hints_too:
            if hint in text:
                break
        else:
            if hints_too:
                continue
        if pattern is None or pattern.search(text):
            return True
    return False


_EXCEPTION = re.compile(EXCEPTION_PATTERN)
_DEACTIVATED = re.compile(r"\b(?:DEACTIVATED|DE-ACTIVATED|CANCELLED|CANCELED|NOT ACTIVE)\b")
_FAA_HEAD = re.compile(r"^!\s*(\w+)\s+\S+\s+\S+\s+(\S+)\s*(.*)$", re.S)
_FAA_TIMES = re.compile(r"\s\d{10}-(?:\d{10}(?:EST)?|PERM)$")


#: QCODE_RULES ready to test: (subject, wildcard first letter or "", conditions or None).
_QCODE_TESTS: tuple[tuple[str, str, frozenset[str] | None, str], ...] = tuple(
    (
        subj,
        subj[0] if subj.endswith("*") and subj != "*" else "",
        None if conds == "*" else frozenset(conds.split()),
        outcome,
    )
    for subj, conds, outcome in QCODE_RULES
)


@functools.lru_cache(maxsize=2048)
def _qcode_outcome(subject: str, condition: str) -> str:
    first = subject[:1]
    for subj, letter, conds, outcome in _QCODE_TESTS:
        if subj != "*" and subj != subject and letter != first:
            continue
        if conds is not None and condition not in conds:
            continue
        return outcome
    return "text:any"


def _scope(name: str) -> tuple[frozenset[str], str]:
    return TEXT_SCOPES.get(name) or _FAA_SCOPES.get(name) or TEXT_SCOPES["any"]


def _by_text(text: str, scope: str) -> str:
    if scope == "restricted_area":
        return "other" if _DEACTIVATED.search(text) else "airspace_restricted"
    allowed, default = _scope(scope)
    for category, branches in _scope_rules(scope):
        if _matches(branches, text):
            if category in allowed:
                return category
            break  # a procedure NOTAM is never something else
    return default


#: The words one of which :data:`EXCEPTION_PATTERN` needs to match (a cheap test first).
_EXCEPTION_WORDS = ("EXC", "AVBL", "AVAILABLE", "OPEN", "CLSD", "CLOSED", "PPR", "PRIOR", "ONLY")


def _has_real_exception(text: str) -> bool:
    for word in _EXCEPTION_WORDS:
        if word in text:
            break
    else:
        return False
    for m in _EXCEPTION.finditer(text):
        clause = m.group("clause")
        if clause is None:
            return True
        if clause.strip() and not _EMERGENCY_ONLY.match(clause):
            return True
    return False


def _normalise(text: str) -> str:
    body = " ".join(text.upper().split()).lstrip("(").lstrip()
    return _FAA_TIMES.sub("", body) if body.startswith("!") else body


def category_of(qcode: str | None, text: str, source_format: str) -> str:
    """One of :data:`notam_log.core.models.CATEGORIES` for a Q-code and an item E.

    ``source_format`` is accepted so that a format can get its own rules; today only
    the shape of the text matters (an FAA domestic ``!ACCT nn/nnn LOC KEYWORD ...``
    is recognised whatever the format says).
    """
    return _category(_qcode_info(qcode)[3], text)


@functools.lru_cache(maxsize=4096)
def _qcode_info(qcode: str | None) -> tuple[str | None, str | None, tuple[str, ...], str]:
    """What a Q-code alone decides, worked out once per code: its decoded subject,
    condition and issues, and the :data:`QCODE_RULES` outcome (a category or
    ``text:<scope>``), or ``""`` when the code has no two-letter halves (then the
    text decides, FAA keyword first)."""
    subject, condition, q_issues = decode(qcode)
    subj, cond = split(qcode)
    outcome = ""
    if subj and cond and len(subj) == 2 and len(cond) == 2:
        outcome = _qcode_outcome(subj, cond)
    return subject, condition, q_issues, outcome


def _category(outcome: str, text: str) -> str:
    """The category for a Q-code outcome (see :func:`_qcode_info`) and an item E."""
    if outcome and outcome not in _DOWNGRADE and not outcome.startswith("text:"):
        return outcome  # the Q-code decides alone: the text is not read
    body: str | None = None
    if not outcome:
        outcome = "text:any"
        body = _normalise(text)
        m = _FAA_HEAD.match(body)
        if m:
            keyword, rest = m.group(2), m.group(3)
            keyword = keyword.rsplit("..", 1)[-1]  # FDC "CA..AIRSPACE"
            if keyword in FAA_KEYWORDS:
                outcome = FAA_KEYWORDS[keyword]
                body = f"{keyword} {rest}"
    if outcome.startswith("text:"):
        if body is None:
            body = _normalise(text)
        category = _by_text(body, outcome[5:])
    else:
        category = outcome
    if category in _DOWNGRADE:
        if body is None:
            body = _normalise(text)
        if _has_real_exception(body):
            category = _DOWNGRADE[category]
    return category


def fields(
    qcode: str | None,
    text: str,
    source_format: str,
    issues: Iterable[str] = (),
    restrictions: Collection[str] = DEFAULT_RESTRICTIONS,
) -> tuple[str | None, str | None, str, bool, tuple[str, ...]]:
    """What :func:`complete` fills, for a record about to be built (so that no second
    copy of it is made): ``(subject, condition, category, restriction, issues)``, the
    issues being ``issues`` followed by the Q-code's own not already among them."""
    subject, condition, q_issues, outcome = _qcode_info(qcode)
    category = _category(outcome, text)
    all_issues = tuple(issues)
    if q_issues:
        all_issues += tuple(i for i in q_issues if i not in all_issues)
    return subject, condition, category, category in restrictions, all_issues


def complete(notam: Notam, restrictions: Collection[str] = DEFAULT_RESTRICTIONS) -> Notam:
    """Fill ``subject``, ``condition``, ``category`` and ``restriction`` of a parsed NOTAM.

    Q-code issues (unknown subject or condition) are appended to ``issues`` once.
    """
    subject, condition, category, restriction, issues = fields(
        notam.qcode, notam.text, notam.source_format, notam.issues, restrictions
    )
    return dataclasses.replace(
        notam,
        subject=subject,
        condition=condition,
        category=category,
        restriction=restriction,
        issues=issues,
    )
