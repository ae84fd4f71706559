"""Places by any name: codes, airport and city names, in any case and language the data knows.

``PlaceIndex(airports, lemmatize=...)`` answers ``resolve(text) -> Resolution``:

1. an ICAO code (``EGLL``) or an IATA code (``LHR``) known to the data; a code stated in
   parentheses (``Калуга (Грабцево; код ИКАО: UUBC)``) wins over the name beside it;
2. otherwise a name: the text is folded to lower-case ASCII (Cyrillic through ``unidecode``,
   each Russian word also in its normal forms when a ``lemmatize`` callable is injected, so
   ``Ижевска`` reads as ``Ижевск``), generic words (airport, international, аэропорт...) are
   dropped, and the tiers below are tried in order, the first one that matches deciding:
   city or airport name equal to the text; every word of the text among the words of the
   airport's city and name (``Heathrow``, ``London Heathrow``, ``Н. Новгород`` with a
   one-letter abbreviation); the region (``Ярославль``: the data gives Tunoshna no city).
   Each tier compares the words as folded, then as a *skeleton* that ignores how a
   transliteration spells the Russian glides and signs (``Sheremet'evo``, ``Sheremetyevo``;
   ``Iaroslavl'``, ``Yaroslavl``; ``Nizhnii``, ``Nizhny``).
3. a proper name in parentheses (``Самара (Курумоч)``, ``Москва (Шереметьево)``) or ``hint=``
   keeps, among the city's airports, those it names; when the city is unknown and the
   proper name is known (``Владикавказ (Беслан)``), the proper name decides.
4. Among several airports of one place, the ones with an IATA code (the data's only mark of
   scheduled service) are kept when there are any: ``Kazan`` is KZN, not the airfield
   beside it. Several left is an ambiguous answer (``London``), listing them; none at all
   gives the nearest names as suggestions. Nothing is guessed: a near miss is only ever a
   suggestion, never a match.

Pure: no file is read here; the shell builds the index from airportsdata.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from notam_log.core.errors import NotamLogError
from notam_log.core.models import Episode, Notam
from notam_log.core.place_names import GENERIC as GENERIC  # found here too
from notam_log.core.place_names import NameKeys, Row
from notam_log.core.place_names import Tokens as Tokens
from notam_log.core.place_names import core as core
from notam_log.core.place_names import distance_nm as distance_nm
from notam_log.core.place_names import fold as fold
from notam_log.core.place_names import skeleton as skeleton
from notam_log.core.place_names import skeleton_word as skeleton_word

Lemmatize = Callable[[str], Iterable[str]]

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W_]+")
_CODE = re.compile(r"[A-Za-z0-9]{3,4}")
_STATED = re.compile(r"(?:ИКАО|ICAO)\W{0,3}([A-Z]{4})\b", re.IGNORECASE)
_PAREN = re.compile(r"\(([^()]*)\)?")
_MAX_VARIANTS = 64


@dataclass(frozen=True, slots=True)
class Airport:
    """One airport of the data; ``iata`` is empty when it has none."""

    icao: str
    iata: str
    name: str
    city: str
    country: str
    lat: float
    lon: float
    tz: str
    subd: str = ""

    def label(self) -> str:
        """``EGLL (LHR) London Heathrow Airport, London, GB``."""
        code = f"{self.icao} ({self.iata})" if self.iata else self.icao
        where = ", ".join(p for p in (self.city, self.country) if p)
        return f"{code} {self.name}, {where}" if where else f"{code} {self.name}"


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a text names: ``matches`` (one when resolved, several when ambiguous),
    ``suggestions`` (nearest airports when nothing matched) and ``how`` it matched
    (``icao``, ``iata``, ``stated``, ``name``, ``words``, ``region``, ``hint``; empty when
    nothing did)."""

    query: str
    matches: tuple[Airport, ...] = ()
    suggestions: tuple[Airport, ...] = ()
    how: str = ""

    @property
    def found(self) -> bool:
        return len(self.matches) == 1

    @property
    def ambiguous(self) -> bool:
        return len(self.matches) > 1

    @property
    def airport(self) -> Airport | None:
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def icao(self) -> str | None:
        return self.matches[0].icao if len(self.matches) == 1 else None


class PlaceIndex:
    """Airports by ICAO, IATA, name, city and region (see the module docstring)."""

    def __init__(self, airports: Iterable[Airport], lemmatize: Lemmatize | None = None) -> None:
        self.airports: tuple[Airport, ...] = tuple(airports)
        self._lemmatize = lemmatize
        self._icao = {a.icao.upper(): a for a in self.airports}
        self._iata: dict[str, Airport] = {}
        for a in self.airports:
            if a.iata:
                self._iata.setdefault(a.iata.upper(), a)
        self._folded: NameKeys | None = None  # built on the first name looked up
        self._skeleton: NameKeys | None = None
        self._rows: list[Row] = []

    # -- codes ------------------------------------------------------------------------
    def get(self, icao: str) -> Airport | None:
        """The airport with this ICAO code, None when the data does not know it."""
        return self._icao.get(icao.strip().upper())

    def _code(self, text: str) -> Resolution | None:
        if not _CODE.fullmatch(text):
            return None
        upper = text.upper()
        if len(text) == 4 and upper in self._icao:
            return Resolution(text, (self._icao[upper],), how="icao")
        if len(text) == 3 and upper in self._iata:
            return Resolution(text, (self._iata[upper],), how="iata")
        return None

    # -- names ------------------------------------------------------------------------
    def _folded_keys(self) -> NameKeys:
        if self._folded is None:
            for a in self.airports:
                name = fold(a.name)
                self._rows.append((fold(a.city), name, core(name), fold(a.subd)))
            self._folded = NameKeys.build(self._rows)
        return self._folded

    def _skeleton_keys(self) -> NameKeys:
        if self._skeleton is None:
            self._folded_keys()
            memo: dict[str, str] = {}

            def skel(tokens: Tokens) -> Tokens:
                out = []
                for t in tokens:
                    if t not in memo:
                        memo[t] = skeleton_word(t)
                    out.append(memo[t])
                return tuple(out)

            rows = [(skel(c), skel(n), skel(m), skel(r)) for c, n, m, r in self._rows]
            self._skeleton = NameKeys.build(rows)
        return self._skeleton

    def variants(self, text: str) -> list[Tokens]:
        """The folded word sequences a text may stand for: each Cyrillic word as written
        and in its normal forms (``Нижнего Новгорода`` -> ``nizhnii novgorod``, ...)."""
        choices: list[list[str]] = []
        for word in _WORD.findall(text.lower()):
            forms = [word]
            if self._lemmatize is not None and len(word) > 1 and _CYRILLIC.search(word):
                forms += [f.lower() for f in self._lemmatize(word) if f and f.lower() != word]
            choices.append(list(dict.fromkeys(forms)))
        out: list[Tokens] = []
        for combo in itertools.islice(itertools.product(*choices), _MAX_VARIANTS):
            q = core(fold(" ".join(combo)))
            if q and q not in out:
                out.append(q)
        return out

    def _match(self, text: str, country: str | None) -> tuple[str, list[Airport]]:
        """The first stage at which any variant of ``text`` matches: (how, airports).
        Stages: the place's name (exact, or its own proper name among the words), then
        any words of its city and name, then its region; each folded, then as skeletons."""
        qs = self.variants(text)
        stages: Sequence[tuple[str, bool, Callable[[NameKeys, Tokens], set[int]]]] = (
            ("name", False, NameKeys.named),
            ("name", True, NameKeys.named),
            ("words", False, NameKeys.by_words),
            ("words", True, NameKeys.by_words),
            ("region", False, NameKeys.in_region),
            ("region", True, NameKeys.in_region),
        )
        for how, skel, lookup in stages:
            keys = self._skeleton_keys() if skel else self._folded_keys()
            hits: set[int] = set()
            for q in qs:
                hits |= lookup(keys, skeleton(q) if skel else q)
            found = [self.airports[i] for i in sorted(hits)]
            if country:
                found = [a for a in found if a.country == country]
            if found:
                return how, found
        return "", []

    def suggest(self, text: str, country: str | None = None, n: int = 5) -> tuple[Airport, ...]:
        """The airports whose names are nearest to ``text`` (for an error message): names
        that begin with the same letter, compared as skeletons."""
        keys = self._skeleton_keys()
        scored: dict[int, float] = {}
        for q in self.variants(text)[:8]:
            key = " ".join(skeleton(q))
            names = {" ".join(k): k for k in keys.exact if k and k[0][:1] == key[:1]}
            names.update({w: (w,) for w in keys.words if w[:1] == key[:1]})
            for close in difflib.get_close_matches(key, names, n=n * 3, cutoff=0.7):
                ratio = difflib.SequenceMatcher(None, key, close).ratio()
                k = names[close]
                hits = keys.exact.get(k, set()) | (
                    keys.words.get(k[0], set()) if len(k) == 1 else set()
                )
                for i in hits:
                    if not country or self.airports[i].country == country:
                        scored[i] = max(scored.get(i, 0.0), ratio)
        best = sorted(scored, key=lambda i: (-scored[i], _rank(self.airports[i])))
        return tuple(self.airports[i] for i in best[:n])

    # -- public -----------------------------------------------------------------------
    def resolve(
        self, text: str, *, hint: str | None = None, country: str | None = None
    ) -> Resolution:
        """What ``text`` names (see the module docstring). ``country`` (``RU``) keeps only
        that country's airports; ``hint`` is a proper name that picks among a city's."""
        query = " ".join(text.split())
        main = _PAREN.sub(" ", query).strip()
        inner = [p.strip() for m in _PAREN.finditer(query) for p in re.split(r"[;,]", m[1])]
        stated = _STATED.search(query)
        if stated and (a := self.get(stated[1])):
            return Resolution(text, (a,), how="stated")
        if not main:
            return Resolution(text)
        code = self._code(main)
        if code and (not country or code.matches[0].country == country):
            return code
        hints = [hint] if hint else [p for p in inner if p and not _STATED.search(p)]
        how, found = self._match(main, country)
        for h in hints:
            _, by_hint = self._match(h, country)
            both = [a for a in found if a in by_hint]
            if both:
                found = both
                break
            if not found and by_hint:
                how, found = "hint", by_hint
                break
        if not found:
            if _CODE.fullmatch(main) and main.isupper():  # a code: names are not near it
                return Resolution(text)
            return Resolution(text, suggestions=self.suggest(main, country), how="")
        return Resolution(text, _prefer(found), how=how)

    def resolve_list(self, text: str, *, country: str | None = None) -> list[Resolution]:
        """``EGLL,EGKK`` or ``Казани, Нижнекамска и Ульяновска``: one answer per name
        (commas, semicolons and the word ``и``/``and`` separate names; not inside
        parentheses)."""
        return [self.resolve(part, country=country) for part in split_list(text)]

    def from_russian(
        self, name: str, hint: str | None = None, country: str | None = "RU"
    ) -> Resolution:
        """A name from an announcement (``Калуги (Грабцево)``, ``Ижевска``): as ``resolve``,
        among that country's airports (Rosaviatsia speaks of Russian ones)."""
        return self.resolve(name, hint=hint, country=country)

    def near(self, lat: float, lon: float, radius_nm: float) -> list[Airport]:
        """Airports within ``radius_nm`` of a point, nearest first."""
        scored = [(distance_nm(lat, lon, a.lat, a.lon), a) for a in self.airports]
        return [a for d, a in sorted(scored, key=lambda x: x[0]) if d <= radius_nm]


def split_list(text: str) -> list[str]:
    """Split a list of places at commas, semicolons, `` и `` and `` and `` outside
    parentheses; quotes (« », " ") are kept for the name reader, which ignores them."""
    parts: list[str] = []
    depth, current = 0, list[str]()
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        depth = max(depth, 0)
        if depth == 0 and ch in ",;":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    out: list[str] = []
    for part in parts:
        out += [p for p in re.split(r"\s+(?:и|and)\s+(?![^()]*\))", part) if p.strip()]
    return [p.strip() for p in out if p.strip()]


def _rank(a: Airport) -> tuple[int, int, str]:
    """Airports with scheduled service first (an IATA code), international ones before."""
    return (0 if a.iata else 1, 0 if "international" in a.name.lower() else 1, a.icao)


def _prefer(found: Sequence[Airport]) -> tuple[Airport, ...]:
    """Among several airports of one place, those with an IATA code when there are any."""
    unique = list(dict.fromkeys(found))
    with_iata = [a for a in unique if a.iata]
    return tuple(sorted(with_iata or unique, key=_rank))


class PlaceError(NotamLogError):
    """A place the user named is unknown or ambiguous (a usage error: exit 2)."""

    exit_code = 2


#: A location indicator as NOTAMs write it, kept as typed when the airport data does not
#: know it (an FIR such as EGTT, a heliport): four capitals, or letters and digits.
_BARE_CODE = re.compile(r"[A-Z]{4}|(?=.*\d)[A-Z0-9]{3,4}")


def describe(r: Resolution, option: str = "", limit: int = 8) -> str:
    """One line saying why ``r`` is not one airport: the candidates or the nearest names
    (``option``, when given, opens it: ``--location 'London' names ...``)."""
    head = f"{option} {r.query!r}" if option else repr(r.query)
    if r.ambiguous:
        shown = "; ".join(a.label() for a in r.matches[:limit])
        more = f"; and {len(r.matches) - limit} more" if len(r.matches) > limit else ""
        return (
            f"{head} names {len(r.matches)} airports: {shown}{more}"
            " (give one of their codes, or several separated by commas)"
        )
    if r.suggestions:
        near = "; ".join(a.label() for a in r.suggestions)
        return f"{head}: no airport by that name or code; nearest: {near}"
    return f"{head}: no airport by that name or code"


def codes_for(index: PlaceIndex, values: Iterable[str], option: str = "") -> list[str]:
    """The ICAO codes a user's ``--location`` values name (each may be a comma list), in
    order and once each. A location indicator the data does not know (``EGTT``, an FIR)
    is kept as typed when written as a code in capitals; any other unknown or ambiguous
    value raises :class:`PlaceError` with the candidates or the nearest names."""
    out: list[str] = []
    for value in values:
        parts = split_list(value)
        if not parts:
            raise PlaceError(f"{option} {value!r}: names no place".strip())
        for part in parts:
            r = index.resolve(part)
            if r.icao is not None:
                code = r.icao
            elif not r.ambiguous and _BARE_CODE.fullmatch(part.strip()):
                code = part.strip()
            else:
                raise PlaceError(describe(r, option))
            if code not in out:
                out.append(code)
    return out


#: The Q-line radius that stands for a whole FIR (or several), not a circle.
WHOLE_FIR_NM = 999


def circle_near(
    lat: float | None,
    lon: float | None,
    q_radius_nm: float | None,
    centre: tuple[float, float],
    radius_nm: float,
) -> bool:
    """Whether a NOTAM's Q-line circle (centre and radius; no radius counts as a point)
    meets the circle of ``radius_nm`` around ``centre``. False without a position."""
    if lat is None or lon is None or math.isnan(lat) or math.isnan(lon):
        return False
    reach = radius_nm + max(float(q_radius_nm or 0), 0.0)
    return distance_nm(lat, lon, centre[0], centre[1]) <= reach


def notam_near(
    notam: Notam,
    centre: tuple[float, float],
    radius_nm: float,
    position: Callable[[str], tuple[float, float] | None],
) -> bool:
    """Whether ``notam`` concerns the area within ``radius_nm`` of ``centre``: its Q-line
    circle meets that area, or, when the Q-line gives no position, one of its locations is
    an airport inside it (``position`` gives an ICAO code's latitude and longitude). A
    Q-line radius of 999 says "the whole FIR", not where: such a NOTAM counts by its
    locations only (an FIR is no airport, so it is near nothing)."""
    whole_fir = notam.radius_nm is not None and notam.radius_nm >= WHOLE_FIR_NM
    if notam.lat is not None and notam.lon is not None and not whole_fir:
        return circle_near(notam.lat, notam.lon, notam.radius_nm, centre, radius_nm)
    for loc in notam.locations:
        pos = position(loc)
        if pos is not None and circle_near(pos[0], pos[1], 0, centre, radius_nm):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Area:
    """What is near a place: the NOTAMs whose Q-line circle meets the circle of
    ``radius_nm`` around ``centre`` (``keys``), and the airports inside it (``locations``)."""

    centre: Airport
    radius_nm: float
    keys: frozenset[str] = frozenset()
    locations: frozenset[str] = frozenset()

    def label(self) -> str:
        """``within 5 NM of EGLL London Heathrow Airport``."""
        return f"within {self.radius_nm:g} NM of {self.centre.icao} {self.centre.name}"

    def holds_notam(self, notam: Notam) -> bool:
        return notam.key in self.keys

    def holds_episode(self, episode: Episode) -> bool:
        """An episode of an airport inside the area, or caused by a NOTAM near it."""
        return episode.location in self.locations or not self.keys.isdisjoint(episode.keys)
