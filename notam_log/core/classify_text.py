"""Item E rules (:data:`~notam_log.core.classify_rules.TEXT_RULES`) ready to try, each
only where it can match: behind cheap substring tests (a pattern cannot match unless one
of its words occurs), split at its top-level alternatives (each tried only when its own
words occur), and, for a pattern that cannot match across a ``.``, sentence by
sentence. tests/test_parse_fast_paths.py checks that this matches as the patterns do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol

from notam_log.core.classify_rules import AD, TEXT_RULES

__all__ = ["COMPILED_TEXT", "Branch", "matches"]

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
Branch = tuple[_Search | None, tuple[str, ...], tuple[str, ...]]
_BRANCHES: Mapping[str, tuple[Branch, ...]] = {
    "procedure": (
        (_Words("IAP", "ODP", "SID", "STAR"), ("IAP", "ODP", "SID", "STAR"), ()),
        (None, ("INSTRUMENT APPROACH PROC", "TAKEOFF MINIMUMS"), ()),
        (None, ("DEPARTURE PROCEDURE", "ARRIVAL PROCEDURE"), ()),
    ),
    "aerodrome limited": (
        (
            _PerSentence(
                rf"\b{AD}\b[^.]*?\b(?:AVBL|AVAILABLE|OPEN|OPS?)\s+(?:ONLY\s+)?(?:FOR|TO)\b",
                _AD_WORDS,
                _AD_OPEN,
            ),
            _AD_WORDS,
            _AD_OPEN,
        ),
        (
            _PerSentence(
                rf"\b{AD}\b[^.]*?\b(?:PPR|PRIOR PERMISSION|LIMITED|RESTRICTED TO|CLSD TO"
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
                rf"\b{AD}\b[^.]*?\b(?:HR|HRS|HOURS|OPR HR|OPS HR|HOURS OF OPERATION)\b",
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

COMPILED_TEXT: tuple[tuple[str, str, tuple[Branch, ...]], ...] = tuple(
    (
        name,
        category,
        _BRANCHES.get(name)
        or ((re.compile(pattern), _HINTS.get(name, ()), _HINTS_TOO.get(name, ())),),
    )
    for name, pattern, category in TEXT_RULES
)


def matches(branches: tuple[Branch, ...], text: str) -> bool:
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
