"""Announcements recorded: events, announced episodes, re-reading, edits, several
channels, unresolved names (core/announce.py through the recorder and the store)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from notam_log.core.display import event_line
from notam_log.core.models import Post, Snapshot
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store

ROWS = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "rosaviatsia" / "statements.jsonl")
    .read_text()
    .splitlines()
]
#: 15 November 2025 in Izhevsk: restricted at about 05:30 MSK, lifted at about 06:50.
IMPOSED = ROWS[99]["text"]  # "Аэропорт Ижевск. Введены временные ограничения ..."
LIFTED = ROWS[244]["text"]  # "Аэропорт Ижевск. Сняты ограничения ..."
T = datetime(2025, 11, 15, 2, 30, tzinfo=UTC)


class Codes:
    """A resolver that knows only the names a test gives it."""

    def __init__(self, **codes: str) -> None:
        self.codes = {k.casefold(): v for k, v in codes.items()}
        self.asked: list[tuple[str, str | None]] = []

    def resolve_russian(self, name: str, hint: str | None) -> tuple[str, ...] | None:
        self.asked.append((name, hint))
        code = self.codes.get(name.casefold())
        return (code,) if code else None


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "log.db")


def _recorder(store: Store, **codes: str) -> Recorder:
    return Recorder(store, resolver=Codes(Ижевск="USII", Казань="UWKD", **codes))


def _snap(at: datetime, *posts: Post, source: str = "favt", scope: str = "favt_info") -> Snapshot:
    return Snapshot(source, scope, at, (), posts=posts)


def test_imposed_then_lifted_by_a_reply(store: Store) -> None:
    rec = _recorder(store)
    imposed = Post("favt_info", 8287, T, IMPOSED)
    lifted = Post("favt_info", 8290, T + timedelta(minutes=80), LIFTED, reply_to=8287)
    first = rec.snapshot(_snap(T + timedelta(minutes=3), imposed))
    (ev,) = first.events
    assert (ev.kind, ev.key, ev.locations) == ("announced_imposed", "favt_info/8287", ("USII",))
    assert ev.effective_at == T  # no time stated: the post's own
    assert ev.observed_at == T + timedelta(minutes=3) and ev.after is None
    assert ev.detail["url"] == "https://t.me/favt_info/8287"
    assert ev.detail["name"] == "Ижевск" and ev.detail["text"] == IMPOSED
    assert ev.detail["episode"] == "opened"
    (open_ep,) = store.announced_episodes(locations=["USII"], open_only=True)
    assert open_ep.start == T and open_ep.end is None and open_ep.start_key == "favt_info/8287"

    second = rec.snapshot(_snap(T + timedelta(minutes=85), imposed, lifted))
    (ev,) = second.events  # the imposition is not logged twice
    assert ev.kind == "announced_lifted" and ev.key == "favt_info/8290"
    assert ev.after == T + timedelta(minutes=3)  # the previous complete poll of the scope
    assert ev.detail["closes"] == "favt_info/8287" and ev.detail["replies_to_it"] is True
    assert ev.detail["reply_to_url"] == "https://t.me/favt_info/8287"
    (ep,) = store.announced_episodes(locations=["USII"])
    assert (ep.start, ep.end, ep.end_key, ep.end_reason) == (
        T,
        T + timedelta(minutes=80),
        "favt_info/8290",
        "lifted",
    )
    assert ep.duration == timedelta(minutes=80)
    assert ep.keys == ("favt_info/8287", "favt_info/8290")
    assert not store.announced_episodes(open_only=True)

    # the same posts again, in a later poll and after a restart: nothing new
    assert rec.snapshot(_snap(T + timedelta(hours=2), imposed, lifted)).events == ()
    again = _recorder(store)
    assert again.snapshot(_snap(T + timedelta(hours=3), imposed, lifted)).events == ()
    assert len(store.announced_episodes()) == 1
    assert [p.key for p, _ in store.posts()] == ["favt_info/8287", "favt_info/8290"]


def test_a_stated_time_is_the_effective_time(store: Store) -> None:
    text = ROWS[7]["text"]  # "В аэропорту Ижевск в 7:30 МСК сняты ограничения ..."
    rec = _recorder(store)
    rec.snapshot(_snap(T, Post("favt_info", 1, T - timedelta(hours=2), IMPOSED)))
    (ev,) = rec.snapshot(
        _snap(T + timedelta(hours=3), Post("favt_info", 2, T + timedelta(hours=2), text))
    ).events
    assert ev.effective_at == datetime(2025, 11, 15, 4, 30, tzinfo=UTC)  # 07:30 MSK
    assert ev.detail["stated"] == "в 7:30 МСК"


def test_a_lift_that_replies_to_nothing_closes_the_latest_open_announcement(
    store: Store,
) -> None:
    rec = _recorder(store)
    first = Post("favt_info", 1, T, IMPOSED)
    second = Post("korenyako", 5, T + timedelta(minutes=1), IMPOSED)
    rec.snapshot(_snap(T + timedelta(minutes=2), first))
    joined = rec.snapshot(_snap(T + timedelta(minutes=2), second, source="kor", scope="korenyako"))
    assert joined.events[0].detail["episode"] == "continues"
    (ep,) = store.announced_episodes(open_only=True)
    assert ep.keys == ("favt_info/1", "korenyako/5") and ep.start == T

    lift = Post("favt_info", 2, T + timedelta(hours=1), LIFTED)  # no reply
    (ev,) = rec.snapshot(_snap(T + timedelta(hours=1, minutes=1), lift)).events
    assert ev.detail["closes"] == "korenyako/5" and ev.detail["replies_to_it"] is False
    # the other channel's lift of the same episode: a repeat, said so
    again = Post("korenyako", 6, T + timedelta(hours=1, minutes=2), LIFTED)
    (ev,) = rec.snapshot(
        _snap(T + timedelta(hours=1, minutes=3), again, source="kor", scope="korenyako")
    ).events
    assert ev.kind == "announced_lifted" and ev.detail["closes"] is None
    assert ev.detail["already_lifted_by"] == "favt_info/2"
    assert len(store.announced_episodes()) == 1


def test_an_edit_that_changes_the_meaning_is_an_amendment(store: Store) -> None:
    rec = _recorder(store)
    post = Post("favt_info", 1, T, IMPOSED)
    rec.snapshot(_snap(T + timedelta(minutes=1), post))
    # a typo corrected: the same announcement, a new version of the post, no event
    reworded = Post("favt_info", 1, T, IMPOSED.replace("приём", "прием"), edited=True)
    assert rec.snapshot(_snap(T + timedelta(minutes=2), reworded)).events == ()
    assert store.posts()[0][1]["version"] == 2
    # the airport corrected: an amendment; the wrong airport's episode is retracted
    moved = Post("favt_info", 1, T, IMPOSED.replace("Ижевск", "Казань"), edited=True)
    events = rec.snapshot(_snap(T + timedelta(minutes=3), moved)).events
    assert [e.kind for e in events] == ["amended", "announced_imposed"]
    assert set(events[0].locations) == {"USII", "UWKD"}
    assert events[0].detail["before"] == [["imposed", "Ижевск", None]]
    assert events[1].locations == ("UWKD",)
    (usii,) = store.announced_episodes(locations=["USII"])
    assert usii.end_reason == "retracted" and usii.end == T + timedelta(minutes=3)
    (uwkd,) = store.announced_episodes(locations=["UWKD"])
    assert uwkd.ongoing


def test_an_unresolved_name_is_kept_as_written_and_reported(store: Store) -> None:
    rec = _recorder(store)
    text = ROWS[226]["text"]  # "Аэропорт Орск. Введены ..." (the test resolver does not know it)
    (ev,) = rec.snapshot(_snap(T, Post("favt_info", 3, T, text))).events
    assert ev.kind == "announced_imposed" and ev.locations == ()
    assert ev.detail["name"] == "Орск"
    assert "not resolved" in ev.detail["issues"][0]
    (ep,) = store.announced_episodes(open_only=True)
    assert ep.location == "орск" and ep.name == "Орск" and not ep.resolved
    assert store.unresolved_names() == {"favt": [("Орск", 1)]}
    # its lift, in the channel's capitals, closes it: the same name in another case
    lift = Post(
        "favt_info",
        4,
        T + timedelta(hours=1),
        "⬜️Аэропорт ОРСК ✈️СНЯТЫ ограничения на прием и выпуск воздушных судов.",
    )
    (ev,) = rec.snapshot(_snap(T + timedelta(hours=1), lift)).events
    assert ev.detail["episode"] == "closed"
    assert "ОРСК as written" in event_line(ev) and "not resolved" in event_line(ev)


def test_posts_that_announce_nothing_are_kept_and_give_no_event(store: Store) -> None:
    rec = _recorder(store)
    other = Post("favt_info", 9, T, "Росавиация поздравляет авиаторов с праздником")
    assert rec.snapshot(_snap(T, other)).events == ()
    ((post, info),) = store.posts()
    assert post == other and info["readings"] == []


def test_only_the_configured_airports(store: Store) -> None:
    rec = _recorder(store)
    text = ROWS[34]["text"]  # "Аэропорты Ижевск, Казань, Нижнекамск (Бегишево). Сняты ..."
    snap = Snapshot(
        "favt", "favt_info", T, (), posts=(Post("favt_info", 1, T, text),), only=("USII",)
    )
    events = rec.snapshot(snap).events
    # Ижевск is kept; Казань (another code) is not; Нижнекамск, not resolved, is kept (unknown)
    assert [(e.locations, e.detail["name"]) for e in events] == [
        (("USII",), "Ижевск"),
        ((), "Нижнекамск (Бегишево)"),
    ]


def test_hostile_post_text_is_shown_safely(store: Store) -> None:
    rec = _recorder(store)
    text = "Аэропорт Ижевск. Введены временные ограничения \x1b[2J[bold red]X[/]<script>"
    (ev,) = rec.snapshot(_snap(T, Post("favt_info", 1, T, text))).events
    line = event_line(ev)
    assert "\x1b" not in line and "announced imposed" in line and "USII" in line
    # the text is kept as it came (JSON escapes it)
    assert json.loads(json.dumps(ev.to_json()))["detail"]["text"] == text


def test_a_second_channel_read_after_the_lift_joins_the_lifted_episode(store: Store) -> None:
    """favt_info's imposition and lift are read first; the spokesman's post of the same
    restriction, stated inside it, is read later: one episode, nothing left open."""
    rec = _recorder(store)
    imposed = Post("favt_info", 8287, T, IMPOSED)
    lifted = Post("favt_info", 8290, T + timedelta(minutes=80), LIFTED, reply_to=8287)
    rec.snapshot(_snap(T + timedelta(minutes=85), imposed, lifted))
    echo = Post("korenyako", 501, T + timedelta(minutes=2), IMPOSED)
    (ev,) = rec.snapshot(
        _snap(T + timedelta(minutes=86), echo, source="kor", scope="korenyako")
    ).events
    assert ev.kind == "announced_imposed" and ev.detail["episode"] == "joins_lifted"
    assert not store.announced_episodes(open_only=True)
    (ep,) = store.announced_episodes(locations=["USII"])
    assert ep.keys == ("favt_info/8287", "favt_info/8290", "korenyako/501")
    assert (ep.start, ep.end) == (T, T + timedelta(minutes=80))
    # stated after that lift: a new restriction
    later = Post("korenyako", 502, T + timedelta(hours=3), IMPOSED)
    rec.snapshot(_snap(T + timedelta(hours=3, minutes=1), echo, later, source="kor",
                       scope="korenyako"))  # fmt: skip
    (open_,) = store.announced_episodes(open_only=True)
    assert open_.start_key == "korenyako/502"
