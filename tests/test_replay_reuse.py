"""What makes a replay cheap must not change what it records (issue 16): the records
of a bulletin's unchanged elements reused by their bytes (core/parse/pib_spans), and a
complete poll marking its scope seen once instead of every NOTAM's ``last_seen``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from notam_log.core.models import Notam, Snapshot
from notam_log.core.parse.pib import PibMemo, parse_pib
from notam_log.core.parse.pib_spans import element_spans
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store

T0 = datetime(2025, 3, 21, 0, 0, tzinfo=UTC)


def element(number: int, text: str, extra: str = "") -> str:
    return (
        f"<Notam><NOF>EGGN</NOF><Series>A</Series><Number>{number}</Number><Year>25</Year>"
        "<Type>N</Type><QLine><FIR>EGTT</FIR><Code23>FA</Code23><Code45>LC</Code45>"
        "<Traffic>IV</Traffic><Purpose>NBO</Purpose><Scope>A</Scope><Lower>0</Lower>"
        "<Upper>999</Upper></QLine><Coordinates>5129N00028W</Coordinates><Radius>5</Radius>"
        f"<ItemA>EGLL</ItemA><StartValidity>2503200000</StartValidity>"
        f"<EndValidity>2503300000</EndValidity><ItemE>{text}</ItemE>{extra}</Notam>"
    )


def bulletin(body: str, root: str = "<Pib>") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"{root}<AreaPIBHeader><Issued>2025-03-21T00:00:00+00:00</Issued></AreaPIBHeader>"
        f"<NotamList>{body}</NotamList></Pib>"
    ).encode()


def texts(data: bytes, memo: PibMemo | None = None) -> list[tuple[str | None, str]]:
    return [(n.id, n.text) for n in parse_pib(data, memo).notams]


def test_spans_are_the_elements_bytes() -> None:
    a, b = element(1, "ONE"), element(2, "TWO")
    data = bulletin(a + "<!-- between -->" + b)
    assert element_spans(data, 2, 0) == [a.encode(), b.encode()]


def test_spans_refused_when_a_comment_holds_tags() -> None:
    """A comment holding a start and an end tag: more tags than elements, no spans."""
    a, b = element(1, "ONE"), element(2, "TWO")
    assert element_spans(bulletin(f"<!-- {a} -->{b}"), 1, 0) is None
    assert element_spans(bulletin(f"{b}<![CDATA[ {a} ]]>"), 1, 0) is None


def test_spans_refused_for_nested_elements_and_inner_namespaces() -> None:
    inner = element(2, "TWO")
    nested = element(1, "ONE", extra=f"<Wrap>{inner}</Wrap>")
    assert element_spans(bulletin(nested), 2, 0) is None
    declared = bulletin(f'<X xmlns:p="urn:p">{element(1, "ONE")}</X>')
    assert element_spans(declared, 1, 0) is None


def test_a_commented_copy_of_an_element_is_not_taken_for_the_next_one() -> None:
    """The bulletin before had A; this one has A's bytes in a comment and B after it.
    Reading it after the one before gives what reading it cold gives (B), never A."""
    a, b = element(1, "ONE"), element(2, "TWO")
    memo = PibMemo()
    assert texts(bulletin(a), memo) == [("A0001/25", "ONE")]
    second = bulletin(f"<!-- {a} -->{b}")
    assert texts(second, memo) == texts(second) == [("A0002/25", "TWO")]


def test_equal_bytes_under_another_root_namespace_are_read_again() -> None:
    a = element(1, "ONE")
    memo = PibMemo()
    first = parse_pib(bulletin(a), memo).notams
    again = parse_pib(bulletin(a), memo).notams
    assert again[0] is first[0]  # the same bytes: the same record, not read again
    other = parse_pib(bulletin(a, root='<Pib xmlns="urn:other">'), memo).notams
    assert other == parse_pib(bulletin(a, root='<Pib xmlns="urn:other">')).notams
    assert other[0] is not first[0]


def test_every_shared_bulletin_reads_the_same_after_the_one_before() -> None:
    folder = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"
    memo = PibMemo()
    reused = 0
    for path in sorted(folder.glob("PIB-*.xml.gz"))[:12]:
        data = path.read_bytes()
        before = dict(memo.written)
        got = parse_pib(data, memo).notams
        assert got == parse_pib(data).notams
        reused += sum(1 for n in got if any(n is m for m in before.values()))
    assert reused > 5000  # most elements of an hourly bulletin are those of the hour before


def notam(key: str, end: datetime | None = None) -> Notam:
    return Notam(
        key=f"EGGN:{key}",
        id=key,
        locations=("EGLL",),
        start=T0 - timedelta(days=1),
        end=end or T0 + timedelta(days=30),
        text=f"TEXT {key}",
        source_format="test",
    )


def last_seen(store: Store) -> dict[str, tuple[str, str]]:
    return {r.notam.id or "": (r.status, f"{r.last_seen:%H}") for r in store.notams()}


def test_last_seen_is_the_last_poll_that_listed_each_notam(tmp_path: Path) -> None:
    """Complete polls write their scope, not each NOTAM they list again; the times the
    store gives are those of the last poll that listed each one, as before."""
    a, b, c = (
        notam("A1/25"),
        notam("B2/25"),
        notam("C3/25", end=T0 + timedelta(hours=6, minutes=30)),
    )

    def h(hours: int) -> datetime:
        return T0 + timedelta(hours=hours)

    with Store(tmp_path / "x.db") as store:
        rec = Recorder(store)
        rec.snapshot(Snapshot("uk", "UK", h(1), (a, b, c)))
        assert last_seen(store) == {
            "A1/25": ("active", "01"),
            "B2/25": ("active", "01"),
            "C3/25": ("active", "01"),
        }
        rec.snapshot(Snapshot("uk", "UK", h(2), (a, c)))  # B missed
        rec.snapshot(Snapshot("uk", "UK", h(3), (b,), complete=False))  # B back, partly
        assert last_seen(store) == {
            "A1/25": ("active", "02"),
            "B2/25": ("active", "03"),
            "C3/25": ("active", "02"),
        }
        rec.snapshot(Snapshot("uk", "UK", h(4), (a, b, c)))
        rec.snapshot(Snapshot("uk", "UK", h(5), (a, c)))  # B missed again
        assert last_seen(store)["B2/25"] == ("active", "04")
        rec.snapshot(Snapshot("uk", "UK", h(6), (a, c)))  # B withdrawn
        rec.tick(h(7))  # C expired at 06:30, after the 06:00 poll listed it
        assert last_seen(store) == {
            "A1/25": ("active", "06"),
            "B2/25": ("withdrawn", "04"),
            "C3/25": ("expired", "06"),
        }
        rec.snapshot(Snapshot("uk", "UK", h(8), (a,)))
    with Store(tmp_path / "x.db") as store:  # as a later process reads it
        assert last_seen(store) == {
            "A1/25": ("active", "08"),
            "B2/25": ("withdrawn", "04"),
            "C3/25": ("expired", "06"),
        }
        listed = {r.notam.id for r in store.notams_listed_at(h(8))}
        assert listed == {"A1/25"}


def test_one_per_key_keeps_one_record_per_key_whatever_the_order() -> None:
    """The grouping that skips keys listed once or with the very same record keeps
    the rules: copies that differ give one record chosen by content, said in issues."""
    from notam_log.core.checks import DUPLICATE, one_per_key

    a, b = notam("A1/25"), notam("B2/25")
    b2 = Notam(**{**{f: getattr(b, f) for f in b.__slots__}, "text": "OTHER TEXT"})  # type: ignore[attr-defined]
    b_equal = Notam(**{f: getattr(b, f) for f in b.__slots__})  # type: ignore[attr-defined]
    assert one_per_key([a, b, a]) == (a, b)
    assert one_per_key([a, b, a])[0] is a
    assert one_per_key([b, b_equal, a]) == (b, a)
    kept = [one_per_key(order) for order in ([a, b, b2], [b2, a, b], [a, b2, b, b2])]
    by_key = [{n.key: n for n in k} for k in kept]
    assert by_key[0] == by_key[1] == by_key[2]
    assert [n.key for n in kept[0]] == ["EGGN:A1/25", "EGGN:B2/25"]
    assert kept[0][0] is a
    assert any(i.startswith(DUPLICATE) for i in kept[0][1].issues)
    assert kept[1][0].key == "EGGN:B2/25"  # keys in the order they first appear
