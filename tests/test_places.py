"""Places by any name (core/places.py, shell/airports.py).

The pure index is checked on a handful of airports made here; the real one (airportsdata
with pymorphy3) against the Rosaviatsia statements, whose ICAO codes stated beside a name are
the truth."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from notam_log.core.places import (
    Airport,
    PlaceError,
    PlaceIndex,
    Resolution,
    codes_for,
    describe,
    distance_nm,
    fold,
    skeleton,
    split_list,
)
from notam_log.shell.airports import lemmatize_ru, name_of, place_index, timezone_of

STATEMENTS = Path(__file__).parent / "data" / "rosaviatsia" / "statements.jsonl"


def _ap(icao: str, iata: str, name: str, city: str, country: str = "GB", **kw: object) -> Airport:
    lat = float(kw.get("lat", 51.0))  # type: ignore[arg-type]
    lon = float(kw.get("lon", 0.0))  # type: ignore[arg-type]
    return Airport(
        icao, iata, name, city, country, lat, lon, "Europe/London", str(kw.get("subd", ""))
    )


SMALL = [
    _ap("EGLL", "LHR", "London Heathrow Airport", "London"),
    _ap("EGKK", "LGW", "London Gatwick Airport", "London"),
    _ap("EGLW", "", "London Heliport", "London"),
    _ap("UWKD", "KZN", "Kazan International Airport", "Kazan", "RU"),
    _ap("UWKG", "", "Borisoglebskoye Airport", "Kazan", "RU"),
    _ap("UUEE", "SVO", "Sheremetyevo International Airport", "Moscow", "RU"),
    _ap("UUDD", "DME", "Domodedovo International Airport", "Moscow", "RU"),
    _ap("UWWW", "KUF", "Kurumoch International Airport", "Samara", "RU"),
    _ap("UWWG", "", "Bezymyanka Airfield", "Samara", "RU"),
    _ap("UWGG", "GOJ", "Nizhny Novgorod International Airport", "Nizhny Novgorod", "RU"),
    _ap("ULLK", "", "Krechevitsy Air Base", "Novgorod", "RU"),
    _ap("UUDL", "IAR", "Tunoshna Airport", "", "RU", subd="Jaroslavl"),
    _ap("UUBK", "RYB", "Staroselye Airport", "Rybinsk", "RU", subd="Jaroslavl"),
    _ap("URMO", "OGZ", "Beslan Airport", "Beslan", "RU"),
    _ap("KSAM", "", "Samara Field", "Samara", "US"),
    _ap("TE17", "", "Heathrow Airport", "Robinson", "US"),
]

#: Normal forms of the Russian words the small tests use (what pymorphy3 says of them).
FORMS = {
    "казани": ["казань"],
    "самары": ["самара"],
    "нижнего": ["нижний"],
    "новгорода": ["новгород"],
}


def fake_lemmatize(word: str) -> Iterable[str]:
    return FORMS.get(word, [])


@pytest.fixture(scope="module")
def small() -> PlaceIndex:
    return PlaceIndex(SMALL, lemmatize=fake_lemmatize)


@pytest.mark.parametrize(
    ("text", "icao", "how"),
    [
        ("EGLL", "EGLL", "icao"),
        ("egll", "EGLL", "icao"),
        ("LHR", "EGLL", "iata"),
        ("lgw", "EGKK", "iata"),
        ("Heathrow", "EGLL", "name"),
        ("Novgorod", "ULLK", "name"),  # not Nizhny Novgorod, whose name holds the word
        ("london heathrow", "EGLL", "name"),
        ("GATWICK airport", "EGKK", "name"),
        ("Kazan", "UWKD", "name"),  # the airfield without IATA code is not preferred
        ("Казань", "UWKD", "name"),
        ("Казани", "UWKD", "name"),  # through the injected lemmatizer
        ("Шереметьево", "UUEE", "name"),  # transliterated Sheremet'evo
        ("Москва (Шереметьево)", "UUEE", "hint"),  # Moskva is not the data's Moscow
        ("Moscow (Domodedovo)", "UUDD", "name"),
        ("Самары (Курумоч)", "UWWW", "name"),
        ("Нижнего Новгорода", "UWGG", "name"),
        ("Н. Новгород", "UWGG", "words"),
        ("Ярославль", "UUDL", "region"),
        ("Владикавказ (Беслан)", "URMO", "hint"),
        ("Калуга (Грабцево; код ИКАО: UUEE)", "UUEE", "stated"),
    ],
)
def test_resolves(small: PlaceIndex, text: str, icao: str, how: str) -> None:
    r = small.resolve(text)
    assert (r.icao, r.how) == (icao, how), r


def test_ambiguous_lists_the_scheduled_candidates(small: PlaceIndex) -> None:
    r = small.resolve("London")
    assert r.ambiguous and not r.found and r.icao is None
    assert {a.icao for a in r.matches} == {"EGLL", "EGKK"}  # not the heliport
    assert {a.icao for a in small.resolve("Moscow").matches} == {"UUEE", "UUDD"}


def test_country_keeps_only_that_country(small: PlaceIndex) -> None:
    assert small.from_russian("Samara").icao == "UWWW"
    assert small.resolve("Heathrow", country="RU").matches == ()
    assert small.resolve("Samara").icao == "UWWW"  # scheduled before the US field
    assert small.from_russian("LHR").matches == ()  # a British code is no Russian airport


def test_unknown_gives_suggestions_not_matches(small: PlaceIndex) -> None:
    r = small.resolve("Heathro")
    assert r.matches == () and r.how == ""
    assert [a.icao for a in r.suggestions][:1] == ["EGLL"]
    assert small.resolve("Zzyzx").suggestions == ()
    assert small.resolve("HEATHRO").suggestions  # capitals, but no code
    assert small.resolve("EGTX").suggestions == ()  # a code: no names are near it
    assert small.resolve("   ").matches == ()


def test_without_lemmatizer_cases_are_not_guessed() -> None:
    bare = PlaceIndex(SMALL)
    assert bare.resolve("Казань").icao == "UWKD"
    assert bare.resolve("Нижнего Новгорода").matches == ()


def test_hint_that_names_nothing_keeps_the_city(small: PlaceIndex) -> None:
    assert small.resolve("Kazan", hint="Nowhere").icao == "UWKD"
    assert small.resolve("Moscow", hint="Sheremetyevo").icao == "UUEE"


def test_resolve_list(small: PlaceIndex) -> None:
    codes = [r.icao for r in small.resolve_list("EGLL,EGKK")]
    assert codes == ["EGLL", "EGKK"]
    rs = small.resolve_list("Казани, Москва (Шереметьево, Домодедово) и Самары")
    assert [r.query for r in rs] == ["Казани", "Москва (Шереметьево, Домодедово)", "Самары"]
    assert [r.icao for r in rs] == ["UWKD", "UUEE", "UWWW"]


def test_split_list() -> None:
    assert split_list("«Казань», «Самара»; Уфа и Пермь") == ["«Казань»", "«Самара»", "Уфа", "Пермь"]
    assert split_list("Trinidad (Piarco and Tobago)") == ["Trinidad (Piarco and Tobago)"]
    assert split_list(" , ") == []


def test_fold_and_skeleton() -> None:
    assert fold("Sheremet'evo Int'l") == ("sheremetevo", "intl")
    assert fold("Saint-Étienne") == ("st", "etienne")
    assert skeleton(fold("Iaroslavl'")) == skeleton(fold("Yaroslavl"))
    assert skeleton(fold("Nizhnii Novgorod")) == skeleton(fold("Nizhny Novgorod"))
    assert skeleton(fold("Grabczevo")) == skeleton(fold("Grabtsevo"))
    assert skeleton(fold("Tunoshna")) == skeleton(fold("Tunnoshna"))  # doubled letters
    assert skeleton(fold("Samara")) != skeleton(fold("Samar"))


def test_distance_and_near(small: PlaceIndex) -> None:
    assert distance_nm(0, 0, 0, 1) == pytest.approx(60.04, abs=0.05)
    assert distance_nm(51.47, -0.46, 51.47, -0.46) == 0
    idx = PlaceIndex([_ap("AAAA", "", "A", "A", lat=51.0), _ap("BBBB", "", "B", "B", lat=52.0)])
    assert [a.icao for a in idx.near(51.1, 0.0, 10)] == ["AAAA"]
    assert [a.icao for a in idx.near(51.6, 0.0, 40)] == ["BBBB", "AAAA"]


# -- the real index ------------------------------------------------------------------------


def _statements() -> list[dict[str, object]]:
    with STATEMENTS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _stated_pairs() -> list[tuple[str, str]]:
    """(name as written, ICAO code the statement states for it)."""
    pairs: list[tuple[str, str]] = []
    for s in _statements():
        names, codes = s["airports"], s["icao"]
        assert isinstance(names, list) and isinstance(codes, list)
        if codes and len(codes) == len(names):
            pairs += [(str(n), str(c)) for n, c in zip(names, codes, strict=True)]
    return sorted(set(pairs))


def test_today_functions_still_work() -> None:
    assert name_of("egll") == "London Heathrow Airport"
    assert timezone_of("USII") == "Europe/Samara"
    assert name_of("ZZZZ") is None


def test_real_index_forms() -> None:
    idx = place_index()
    for text, icao in [
        ("LHR", "EGLL"),
        ("Heathrow", "EGLL"),
        ("Izhevsk", "USII"),
        ("Ижевск", "USII"),
        ("Ижевска", "USII"),
        ("Калуга (Грабцево; код ИКАО: UUBC)", "UUBC"),
        ("Москва (Шереметьево)", "UUEE"),
        ("Mineralnye Vody", "URMM"),
        ("Минеральных Вод", "URMM"),
    ]:
        assert idx.resolve(text).icao == icao, text
    london = idx.resolve("London")
    assert london.ambiguous and {"EGLL", "EGKK"} <= {a.icao for a in london.matches}


def test_lemmatizer() -> None:
    assert "ижевск" in lemmatize_ru("ижевска")
    assert "минеральные" in lemmatize_ru("минеральных")


@pytest.mark.parametrize(("name", "icao"), _stated_pairs())
def test_statement_names_give_their_stated_codes(name: str, icao: str) -> None:
    assert place_index().from_russian(name).icao == icao


def test_statement_names_resolution_rate() -> None:
    """Every airport name written in the statements: at least 95% resolve to one airport.
    Known failures today: Владикавказ (the data names the airport Beslan, its city Beslan),
    Ульяновск alone (two airports with scheduled service)."""
    names = {str(n) for s in _statements() for n in s["airports"]}  # type: ignore[attr-defined]
    idx = place_index()
    failures = sorted(n for n in names if not idx.from_russian(n).found)
    rate = 1 - len(failures) / len(names)
    assert rate >= 0.95, f"{rate:.1%} resolved; failures: {failures}"
    assert len(names) > 90


def test_codes_for(small: PlaceIndex) -> None:
    assert codes_for(small, ["EGLL,lhr", "Kazan", "LGW"]) == ["EGLL", "UWKD", "EGKK"]
    assert codes_for(small, ["EGTT", "K8WC", "8WC"]) == ["EGTT", "K8WC", "8WC"]  # FIR, lids
    with pytest.raises(PlaceError) as err:
        codes_for(small, ["London"])
    assert err.value.exit_code == 2
    msg = str(err.value)
    assert "\n" not in msg and "names 2 airports" in msg and "EGLL (LHR)" in msg and "EGKK" in msg
    with pytest.raises(PlaceError, match="nearest: EGLL") as err:
        codes_for(small, ["Heathro"])
    with pytest.raises(PlaceError, match="names no place"):
        codes_for(small, ["EGLL", " , "])
    for typo in ["egtt", "Qwerty", "XYZ"]:  # not a code in capitals, not a name: no guess
        with pytest.raises(PlaceError, match="no airport by that name or code"):
            codes_for(small, [typo])


def test_describe_limits_the_list() -> None:
    many = tuple(_ap(f"EG{i:02d}", "XXX", f"Field {i}", "Town") for i in range(12))
    line = describe(Resolution("Town", many), "--near", limit=3)
    assert line.startswith("--near 'Town' names 12 airports") and "and 9 more" in line


def test_notam_near() -> None:
    from notam_log.core.models import Notam
    from notam_log.core.places import circle_near, notam_near

    izhevsk = (56.8281, 53.4575)
    # a Q-line circle 60 NM east of Izhevsk with a radius of 5 NM
    far_east = distance_nm(izhevsk[0], izhevsk[1], 56.8281, 55.28)
    assert 55 < far_east < 65
    q = Notam(key="X:A1/25", id="A1/25", lat=56.8281, lon=55.28, radius_nm=5)
    assert notam_near(q, izhevsk, far_east - 4, lambda _: None)  # circles meet
    assert not notam_near(q, izhevsk, far_east - 6, lambda _: None)
    assert not circle_near(None, 53.0, 5, izhevsk, 100)
    assert not circle_near(float("nan"), 53.0, 5, izhevsk, 100)
    # no Q-line position: the position of its airport counts
    bare = Notam(key="X:A2/25", id="A2/25", locations=("ZZZZ", "USII"))
    pos = {"USII": izhevsk}
    assert notam_near(bare, (56.9, 53.5), 10, pos.get)
    assert not notam_near(bare, (58.5, 49.3), 10, pos.get)  # Kirov
    # radius 999 is "the whole FIR": not a circle; only its locations count
    fir = Notam(key="X:A3/25", id="A3/25", lat=56.8, lon=53.4, radius_nm=999, locations=("USSV",))
    assert not notam_near(fir, izhevsk, 10, pos.get)
    fir_at = Notam(
        key="X:A4/25", id="A4/25", lat=56.8, lon=53.4, radius_nm=999, locations=("USII",)
    )
    assert notam_near(fir_at, izhevsk, 10, pos.get)
    assert notam_near(
        Notam(key="X:A5/25", id="A5/25", lat=56.8, lon=53.4, radius_nm=998), izhevsk, 1, pos.get
    )
