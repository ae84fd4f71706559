"""Place names as the index compares them: folded to lower-case ASCII words, generic
words dropped, *skeletons* that ignore how a transliteration spells Russian, the
name indexes of one flavour of words (:class:`NameKeys`), and great-circle distances.

Pure. Split from :mod:`notam_log.core.places`, which still exports these names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from unidecode import unidecode

#: Words that name the kind of place, not the place (after folding; Russian included).
GENERIC = frozenset(
    [
        "airport",
        "international",
        "intl",
        "aeroport",
        "aeropuerto",
        "aeroporto",
        "aerodrome",
        "aerodrom",
        "flughafen",
        "airfield",
        "airstrip",
        "air",
        "base",
        "airbase",
        "field",
        "regional",
        "mezhdunarodnyi",
        "mezhdunarodnyy",
        "mezhdunarodnyj",
        "imeni",
        "im",
        "kod",
        "ikao",
        "icao",
    ]
)
_SAINT = {"saint": "st", "sankt": "st", "sainte": "st", "ste": "st", "san": "san"}
_QUOTES = re.compile("['\u2019\u02b9\u02bc`\u00b4\"]")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_GLIDES = str.maketrans("", "", "iyj")
_EARTH_NM = 3440.065

Tokens = tuple[str, ...]


def fold(text: str) -> Tokens:
    """``Sheremet'evo International`` -> ``('sheremetevo', 'international')``."""
    flat = _QUOTES.sub("", (text if text.isascii() else unidecode(text)).lower())
    words = _ASCII_WORD.findall(flat)
    if not _SAINT.keys().isdisjoint(words):
        words = [_SAINT.get(t, t) for t in words]
    return tuple(words)


def core(tokens: Tokens) -> Tokens:
    """The words that name the place (generic words dropped, unless nothing else is left)."""
    kept = tuple(t for t in tokens if t not in GENERIC)
    return kept or tokens


_SKELETON_RULES = (
    ("kh", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("cz", "c"),
    ("w", "v"),
    ("x", "ks"),
    ("q", "k"),
)


def skeleton_word(word: str) -> str:
    """A word as transliterations of Russian agree on it: glides (i, y, j) dropped,
    ``kh``/``h``, ``ts``/``tz``/``c`` made one, doubled letters single."""
    for a, b in _SKELETON_RULES:
        if a in word:
            word = word.replace(a, b)
    bare = word.translate(_GLIDES)
    out = "".join(ch for i, ch in enumerate(bare) if i == 0 or ch != bare[i - 1])
    return out or word


def skeleton(tokens: Tokens) -> Tokens:
    return tuple(skeleton_word(t) for t in tokens)


def distance_nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in nautical miles."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_NM * math.asin(min(1.0, math.sqrt(h)))


Row = tuple[Tokens, Tokens, Tokens, Tokens]  # city, name, name without generic words, region


@dataclass
class NameKeys:
    """The name indexes of one flavour of words (folded, or their skeletons)."""

    exact: dict[Tokens, set[int]] = field(default_factory=dict)
    words: dict[str, set[int]] = field(default_factory=dict)
    proper: dict[str, set[int]] = field(default_factory=dict)
    region: dict[Tokens, set[int]] = field(default_factory=dict)
    seqs: list[tuple[Tokens, ...]] = field(default_factory=list)

    @classmethod
    def build(cls, rows: Sequence[Row]) -> NameKeys:
        keys = cls()
        exact, words, proper, region = keys.exact, keys.words, keys.proper, keys.region
        for i, (city, name, named, subd) in enumerate(rows):
            for key in (city, name, named):
                if key:
                    exact.setdefault(key, set()).add(i)
            for word in city:
                words.setdefault(word, set()).add(i)
            for word in named:
                words.setdefault(word, set()).add(i)
                if word not in city:
                    proper.setdefault(word, set()).add(i)
            if subd:
                region.setdefault(subd, set()).add(i)
            keys.seqs.append((city + name, name, city))
        return keys

    def named(self, q: Tokens) -> set[int]:
        """Airports whose city or name is ``q``, or whose city and name hold every word of
        ``q`` and one of them is the airport's own name (``heathrow``, not ``london``)."""
        found = set(self.exact.get(q, set()))
        if all(len(t) > 1 for t in q):
            own = set().union(*(self.proper.get(t, set()) for t in q))
            found |= own & self.by_words(q)
        return found

    def in_region(self, q: Tokens) -> set[int]:
        """Airports of the region named ``q``; those that the data places in a town of
        another name are left out when some have no town or one of that name (the data
        gives Yaroslavl's Tunoshna no town; Rybinsk's airport is Rybinsk's)."""
        found = self.region.get(q, set())
        own = {i for i in found if not self.seqs[i][2] or self.seqs[i][2] == q}
        return own or set(found)

    def by_words(self, q: Tokens) -> set[int]:
        """Airports whose city and name words hold every word of ``q`` (a one-letter word
        abbreviating the word it stands before: ``n novgorod``)."""
        full = [t for t in q if len(t) > 1]
        if not full:
            return set()
        found = set.intersection(*(self.words.get(t, set()) for t in full))
        if len(full) == len(q):
            return found
        return {i for i in found if any(_seq_match(q, s) for s in self.seqs[i])}


def _seq_match(q: Tokens, seq: Tokens) -> bool:
    """q appears in seq as consecutive words, a one-letter word standing for any word
    that begins with it (``n novgorod`` in ``nizhny novgorod``)."""
    for start in range(len(seq) - len(q) + 1):
        part = seq[start : start + len(q)]
        if all(w == t or (len(t) == 1 and w.startswith(t)) for t, w in zip(q, part, strict=True)):
            return True
    return False
