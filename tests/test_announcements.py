"""Rosaviatsia's announcements read from post texts: every real statement of the shared
file (tests/data/rosaviatsia/statements.jsonl, quoted word for word by the press), and
the forms around them."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from notam_log.core.announce import read_post
from notam_log.core.models import Post
from notam_log.core.parse.announcements import Announcement, moscow_time, read_announcements
from notam_log.shell.airports import russian_resolver

DATA = Path(__file__).parent / "data" / "rosaviatsia" / "statements.jsonl"
ROWS: list[dict[str, Any]] = [json.loads(line) for line in DATA.read_text().splitlines()]
MSK = timedelta(hours=3)

#: The oracle for name resolution: each name as the statements write it (the part before
#: any parentheses, folded) -> the airport's ICAO code.
ICAO_OF = {
    "астрахань": "URWA", "владикавказ": "URMO", "внуково": "UUWW", "волгоград": "URWW",
    "волгограда": "URWW", "геленджик": "URKG", "геленджика": "URKG", "грозный": "URMG",
    "домодедово": "UUDD", "жуковский": "UUBW", "иваново": "UUBI", "ижевск": "USII",
    "ижевска": "USII", "казани": "UWKD", "казань": "UWKD", "калуга": "UUBC", "калуги": "UUBC",
    "киров": "USKK", "кирова": "USKK", "краснодар": "URKK", "краснодара": "URKK",
    "магас": "URMS", "махачкала": "URML", "н. новгород": "UWGG", "нижнего новгорода": "UWGG",
    "нижнекамск": "UWKE", "нижнекамска": "UWKE", "нижний новгород": "UWGG",
    "оренбург": "UWOO", "орск": "UWOR", "пенза": "UWPP", "пензы": "UWPP", "пермь": "USPP",
    "пулково": "ULLI", "самара": "UWWW", "самары": "UWWW", "саранск": "UWPS",
    "саранска": "UWPS", "саратов": "UWSG", "саратова": "UWSG", "сочи": "URSS",
    "тамбов": "UUOT", "тамбова": "UUOT", "уфа": "UWUU", "уфы": "UWUU", "чебоксары": "UWKS",
    "шереметьево": "UUEE", "элиста": "URWI", "элисты": "URWI", "ярославль": "UUDL",
}  # fmt: skip


def _main(name: str) -> str:
    return name.split(" (")[0].strip('«»"“” ').casefold()


def _words(name: str) -> tuple[str, ...]:
    """The words of a name and its proper name, folded: "Самары («Курумоч»)" and
    "Самары (Курумоч)" read alike; so does a proper name written without parentheses."""
    return tuple(re.findall(r"[^\W\d_]+\.?", name.casefold().replace("ё", "е")))


def _speaker_not_rosaviatsia(row: dict[str, Any]) -> bool:
    return "not rosaviatsia" in row["notes"].casefold()


def _nameable(row: dict[str, Any]) -> bool:
    """The statement's own words name one of its airports (a fragment such as
    "Введены временные ограничения ..." whose airport the article gives does not)."""
    text = row["text"].casefold().replace("ё", "е")
    return any(_main(a)[:5].replace("ё", "е") in text for a in row["airports"])


def _post_time(row: dict[str, Any]) -> datetime:
    """The post's time: the article's when it has a time, else 23:59 Moscow time of its
    day (or of an arbitrary day when the date is unknown)."""
    value = row["published_at"]
    if value and "T" in value:
        return datetime.fromisoformat(value).astimezone(UTC)
    day = value or "2025-06-01"
    return datetime.fromisoformat(f"{day}T23:59:00+03:00").astimezone(UTC)


def _expected_times(row: dict[str, Any], posted: datetime) -> dict[str, datetime]:
    """``stated_time`` of the file ("04:45 МСК", "Киров с 18.45 мск; Уфа с 18.50 мск")
    -> the stated UTC time for each airport ("" for all of them)."""
    out: dict[str, datetime] = {}
    for part in (row["stated_time"] or "").split(";"):
        m = re.search(r"(\d{1,2})[:.](\d{2})", part)
        if not m:
            continue
        local_day = (posted + MSK).date()
        when = datetime(local_day.year, local_day.month, local_day.day, tzinfo=UTC)
        when += timedelta(hours=int(m.group(1)), minutes=int(m.group(2))) - MSK
        if when > posted + timedelta(minutes=10):
            when -= timedelta(days=1)
        who = part[: m.start()].replace(" с", "").strip().casefold()
        out[who if who and not who[0].isdigit() else ""] = when
    return out


VERBATIM = [
    pytest.param(row, id=f"line{i + 1}-{row['kind']}")
    for i, row in enumerate(ROWS)
    if row["verbatim"] and not _speaker_not_rosaviatsia(row)
]


def test_the_file_is_the_shared_one() -> None:
    # the parametrized test below runs over the whole file: say what it covers
    assert len(ROWS) == 247
    assert len(VERBATIM) == 144  # 150 verbatim, 6 by other speakers (governors, MChS)


@pytest.mark.parametrize("row", VERBATIM)
def test_every_verbatim_statement(row: dict[str, Any]) -> None:
    posted = _post_time(row)
    found = read_announcements(row["text"], posted)
    named = [a for a in found if a.mentions]
    if row["kind"] == "other":
        # header-only fragments of the channel: no verb, no announcement
        assert named == [], named
        return
    if not _nameable(row):
        # a fragment whose airport is outside the quote: its kind is read, nothing named
        assert all(a.kind == row["kind"] for a in found)
        assert named == []
        return
    assert [a.kind for a in named] == [row["kind"]], named
    announcement = named[0]
    mentions = announcement.mentions
    assert sorted(_words(m.written) for m in mentions) == sorted(_words(a) for a in row["airports"])
    assert {m.icao for m in mentions if m.icao} == set(row["icao"])
    expected = _expected_times(row, posted)
    for m in mentions:
        own = next((t for who, t in expected.items() if who and who in m.name.casefold()), None)
        assert announcement.time_of(m) == (own or expected.get("")), (m, expected)


class MapResolver:
    """The oracle above as a resolver: only what the test data says."""

    def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
        code = ICAO_OF.get(_main(name))
        return (code,) if code else None


@pytest.mark.parametrize("row", [p for p in VERBATIM if _nameable(p.values[0])])  # type: ignore[arg-type]
def test_every_nameable_statement_resolves_with_the_place_index(row: dict[str, Any]) -> None:
    """The real resolver (the place index built from airportsdata and pymorphy3) gives
    every airport of every statement its code."""
    resolver = russian_resolver()
    readings, _issues = read_post(Post("favt_info", 1, _post_time(row), row["text"]), resolver)
    if row["kind"] == "other":
        assert readings == []
        return
    got = sorted(code for r in readings for code in r.locations)
    want = sorted(ICAO_OF[_main(a)] for a in row["airports"])
    assert got == want, readings


def test_a_name_written_without_its_parentheses_is_resolved_by_its_first_words() -> None:
    # "в аэропорту Нижнего Новгорода Стригино": the proper name follows the city's
    text = ROWS[246]["text"]
    assert "Нижнего Новгорода Стригино" in text
    readings, _ = read_post(
        Post("favt_info", 1, datetime(2025, 10, 4, tzinfo=UTC), text), MapResolver()
    )
    assert [r.locations for r in readings] == [("UWGG",)]
    assert readings[0].name == "Нижнего Новгорода Стригино"  # kept as written


# --------------------------------------------------------------------------- forms


def _read(text: str, at: datetime = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)) -> list[Announcement]:
    return [a for a in read_announcements(text, at) if a.mentions]


def _names(found: list[Announcement]) -> list[tuple[str, list[str]]]:
    return [(a.kind, [m.written for m in a.mentions]) for a in found]


LIFT_LINE = ROWS[232]["text"].split("✈️", 1)[1]  # "СНЯТЫ ограничения на прием и выпуск ..."
IMPOSE_LINE = ROWS[231]["text"].split("✈️", 1)[1]  # "ВВЕДЕНЫ временные ограничения ..."


@pytest.mark.parametrize(
    ("line", "verb", "kind", "names"),
    [
        (238, IMPOSE_LINE, "imposed", ["ЯРОСЛАВЛЬ (Туношна)"]),
        (239, LIFT_LINE, "lifted", ["ГЕЛЕНДЖИК", "КРАСНОДАР (Пашковский)"]),
        (240, LIFT_LINE, "lifted", ["БУГУЛЬМА", "НИЖНЕКАМСК (Бегишево)"]),
        (241, IMPOSE_LINE, "imposed", ["ДОМОДЕДОВО", "ЖУКОВСКЙ"]),
        (242, IMPOSE_LINE, "imposed", ["ГЕЛЕНДЖИК"]),
        (243, IMPOSE_LINE, "imposed", ["ВНУКОВО", "НИЖНИЙ НОВГОРОД (Стригино)"]),
    ],
)
def test_2026_headers_one_airport_a_line(line: int, verb: str, kind: str, names: list[str]) -> None:
    """The channel's 2026 headers (bullets, one airport a line, a lost bracket, a typo of
    the source) followed by their verb line, as the channel posts them."""
    header = ROWS[line]["text"]
    assert not _read(header)  # a header alone announces nothing
    post = header + "\n\n✈️" + verb
    assert _names(_read(post)) == [(kind, names)]


def test_a_post_of_two_kinds_is_read_paragraph_by_paragraph() -> None:
    post = ROWS[232]["text"].replace("КАЛУГА", "КАЗАНЬ") + "\n\n" + ROWS[231]["text"]
    assert _names(_read(post)) == [
        ("lifted", ["КАЗАНЬ (Грабцево)"]),
        ("imposed", ["КАЛУГА (Грабцево)"]),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Росавиация напоминает: ограничения на провоз жидкостей сняты не будут",
        "Ограничения в аэропорту Казань не сняты, рейсы задерживаются",
        "Росавиация поздравляет авиаторов с праздником",
        "Экипажи воздушных судов, авиадиспетчеры и службы аэропортов приняли все меры",
        "",
    ],
)
def test_texts_that_announce_nothing(text: str) -> None:
    assert _read(text) == []


def test_coordination_is_its_own_kind_not_a_restriction() -> None:
    for i in (53, 122, 138, 158, 235):  # the coordination statements that name an airport
        found = _read(ROWS[i]["text"])
        assert [a.kind for a in found] == ["coordination"], ROWS[i]["text"]


def test_hostile_text_is_data() -> None:
    text = (
        'Аэропорт <b>Казань</b>\x1b[31m. <script>alert("x")</script> Введены временные ограничения'
    )
    found = read_announcements(text, datetime(2026, 1, 5, tzinfo=UTC))
    assert [a.kind for a in found] == ["imposed"]
    # a name is never taken from markup: the list stops at "<"
    assert all("<" not in m.name and "script" not in m.name for a in found for m in a.mentions)


# --------------------------------------------------------------------------- times


def test_a_stated_time_is_moscow_time_of_the_posts_day() -> None:
    posted = datetime(2025, 5, 24, 2, 0, tzinfo=UTC)  # 05:00 MSK
    assert moscow_time(4, 45, posted) == datetime(2025, 5, 24, 1, 45, tzinfo=UTC)


def test_a_stated_time_later_than_the_post_is_of_the_day_before() -> None:
    posted = datetime(2025, 5, 23, 21, 10, tzinfo=UTC)  # 00:10 MSK on the 24th
    assert moscow_time(23, 50, posted) == datetime(2025, 5, 23, 20, 50, tzinfo=UTC)
    posted = datetime(2025, 5, 24, 2, 0, tzinfo=UTC)  # 05:00 MSK
    assert moscow_time(6, 0, posted) == datetime(2025, 5, 23, 3, 0, tzinfo=UTC)
    # ... but a time just ahead of the post (announced before its start) is that day's
    assert moscow_time(5, 5, posted) == datetime(2025, 5, 24, 2, 5, tzinfo=UTC)


def test_only_times_said_to_be_moscow_time_are_read() -> None:
    found = _read("В аэропорту Казань в 19:18 сняты ограничения на приём и выпуск воздушных судов")
    assert found and found[0].stated is None and found[0].stated_at is None


def test_per_airport_times() -> None:
    row = ROWS[185]
    found = _read(row["text"], datetime(2025, 7, 1, 16, 0, tzinfo=UTC))  # 19:00 MSK
    kirov, ufa = found[0].mentions
    assert kirov.stated_at == datetime(2025, 7, 1, 15, 45, tzinfo=UTC)
    assert ufa.stated_at == datetime(2025, 7, 1, 15, 50, tzinfo=UTC)
    assert found[0].stated_at is None


def test_an_ambiguous_name_is_unresolved_not_every_candidate() -> None:
    """Ульяновск has two airports with scheduled service in the data and no proper name
    beside it: the announcement is recorded, its name reported as unresolved, and no
    airport is said to be restricted; with the proper name it resolves."""
    resolver = russian_resolver()
    assert resolver.resolve_russian("Ульяновск", None) is None
    assert resolver.resolve_russian("Ульяновск", "Баратаевка") == ("UWLL",)
    assert resolver.resolve_russian("Ижевска", None) == ("USII",)
