"""A bulletin read after the one before from its skeleton (core/parse/pib.py `_again`,
core/parse/pib_spans.py `skeleton`) reads exactly as the same bytes read cold, whatever
the bytes hide: comments and CDATA holding copies of elements, end tags with blanks,
prefixed or self-closing elements, obsolete lists, other namespaces and encodings,
cut or refused documents. And on real bulletins the skeleton path is the one taken."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from notam_log.core.errors import InputError
from notam_log.core.limits import DEFAULT_MAX_BYTES
from notam_log.core.parse.pib import PibBulletin, PibMemo, parse_pib
from notam_log.core.parse.pib_spans import PLACEHOLDER, notam_spans, shallow, skeleton
from notam_log.core.parse.safe_xml import parse_xml

SPIED = "notam_log.core.parse.pib.parse_xml"  # as pib calls it
HEATHROW = Path(__file__).parent / "data" / "nats-pib" / "heathrow-2025-03"


def element(
    number: int, text: str = "CLOSED", end: str = "</Notam>", tag: str = "Notam", q: bool = False
) -> str:
    """A ``Notam`` element (``q``: its item E tagged ``q:ItemE``)."""
    item_e = "q:ItemE" if q else "ItemE"
    return (
        f"<{tag}><NOF>EGGN</NOF><Series>A</Series><Number>{number}</Number><Year>25</Year>"
        "<Type>N</Type><QLine><FIR>EGTT</FIR><Code23>FA</Code23><Code45>LC</Code45>"
        "<Traffic>IV</Traffic><Purpose>NBO</Purpose><Scope>A</Scope><Lower>0</Lower>"
        "<Upper>999</Upper></QLine><ItemA>EGLL</ItemA><StartValidity>2503200000"
        f"</StartValidity><EndValidity>2503300000</EndValidity><{item_e}>{text}</{item_e}>"
        f"{end.replace('Notam', tag)}"
    )


#: Pieces a bulletin's list is made of: plain elements (few numbers and texts, so
#: that the bulletin before shares many of them), and what can hide or fake one.
BASE = st.one_of(
    st.builds(element, st.integers(1, 4), st.sampled_from(["CLOSED", "OPEN", "A &amp; B", "Ã©"])),
    st.integers(1, 4).map(lambda n: f"<!-- {element(n)} -->"),
    st.integers(1, 4).map(lambda n: element(9, f"<![CDATA[{element(n)}]]>")),
    st.integers(1, 4).map(lambda n: f"<![CDATA[{element(n)}]]>"),
    st.integers(1, 4).map(lambda n: f"<?pi {element(n)}?>"),
    st.integers(1, 4).map(lambda n: element(n, end="</Notam >")),
    st.integers(1, 4).map(lambda n: element(n, tag="p:Notam")),
    st.just("<Notam/>"),
    st.integers(1, 4).map(lambda n: element(n).replace("</ItemE>", "")),  # not well-formed
    st.integers(1, 4).map(lambda n: f'<X xmlns:q="urn:q">{element(n)}</X>'),
    st.integers(1, 4).map(lambda n: f'<X xmlns:q="urn:other">{element(n, q=True)}</X>'),
    st.integers(1, 4).map(lambda n: element(n, q=True)),
    st.just(" \n "),
    st.just("<NotamList/>"),
)
PIECES = st.one_of(
    BASE,
    BASE.map(lambda p: f"<ObsoleteNotamList>{p}</ObsoleteNotamList>"),
    BASE.map(lambda p: f"<X>{p}</X>"),
)

ROOTS = st.sampled_from(
    [
        '<?xml version="1.0" encoding="UTF-8"?><Pib>',
        "<Pib>",
        '<Pib xmlns="urn:pib">',
        '<Pib xmlns:p="urn:p">',
        '<Pib xmlns="urn:pib" xmlns:q="urn:pib">',
        '<?xml version="1.0" encoding="ISO-8859-1"?><Pib>',
        "<!DOCTYPE Pib><Pib>",
        "<NotPib>",
    ]
)


def document(root: str, pieces: list[str], header: bool, cut: int, gz: int = 0) -> bytes:
    """A bulletin: ``cut`` bytes short; gzipped when ``gz`` (then ``gz - 1`` bytes cut
    off the gzip stream: 4 cut into its trailer, after the whole document)."""
    closing = "</Pib>" if root.endswith("<Pib>") or "<Pib " in root else "</NotPib>"
    head = "<AreaPIBHeader><Issued>2025-03-21T00:00:00+00:00</Issued></AreaPIBHeader>"
    text = f"{root}{head if header else ''}<NotamList>{''.join(pieces)}</NotamList>{closing}"
    data = text.encode("latin-1" if "ISO-8859-1" in root else "utf-8")
    data = data[: len(data) - cut] if cut else data
    if gz:
        data = gzip.compress(data, mtime=0)
        data = data[: len(data) - (gz - 1)]
    return data


UTF8 = '<?xml version="1.0" encoding="UTF-8"?><Pib>'
QPIB = '<Pib xmlns="urn:pib" xmlns:q="urn:pib">'
LATIN = '<?xml version="1.0" encoding="ISO-8859-1"?><Pib>'  # "Ã©" in it is not "é"
OBSOLETE = "<ObsoleteNotamList>{}</ObsoleteNotamList>"
FIRST = (False, UTF8, [element(1)], True, 0, 0)
CUTS = st.sampled_from([0, 0, 0, 7, 40])
GZIPS = st.sampled_from([0, 0, 1, 5])


def read(data: bytes, memo: PibMemo | None = None) -> PibBulletin | str:
    try:
        return parse_pib(data, memo)
    except InputError as exc:
        return f"InputError: {exc}"


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(
    ROOTS,
    st.lists(
        st.tuples(
            st.sampled_from([False, False, False, True]),  # another root than the others
            ROOTS,
            st.lists(PIECES, max_size=8),
            st.booleans(),
            CUTS,
            GZIPS,
        ),
        min_size=2,
        max_size=4,
    ),
)
@example(UTF8, [(False, UTF8, [], True, 0, 0), (False, UTF8, [element(1)], True, 0, 5)])
@example(UTF8, [FIRST, (False, UTF8, [element(1, end="</Notam >"), element(1)], True, 0, 0)])
@example(UTF8, [FIRST, (False, UTF8, [f"<!-- {element(1)} -->", element(2)], True, 0, 0)])
@example(UTF8, [FIRST, (False, UTF8, [element(1, "<![CDATA[<Notam>]]>")], True, 0, 0)])
@example(
    QPIB, [FIRST, (False, QPIB, [f'<X xmlns:q="urn:other">{element(2, q=True)}</X>'], True, 0, 0)]
)
@example(
    UTF8, [FIRST, (False, UTF8, [OBSOLETE.format(element(2).replace("</ItemE>", ""))], True, 0, 0)]
)
@example(
    UTF8,
    [FIRST, (False, UTF8, [OBSOLETE.format(element(2, end="</Notam >") + element(3))], True, 0, 0)],
)
@example(
    LATIN,
    [(False, LATIN, [element(1)], True, 0, 0), (False, LATIN, [element(2, "Ã©")], True, 0, 0)],
)
@example(QPIB, [(False, QPIB, [element(1)], True, 0, 0), (False, QPIB, [element(1)], True, 0, 0)])
def test_read_in_turn_is_read_cold(
    root: str, docs: list[tuple[bool, str, list[str], bool, int, int]]
) -> None:
    """Each document read after the others (one memo) reads as it does alone."""
    memo = PibMemo()
    for own, own_root, pieces, header, cut, gz in docs:
        data = document(own_root if own else root, pieces, header, cut, gz)
        assert read(data, memo) == read(data)


def element_bulletin(body: str, root: str = "<Pib>") -> bytes:
    return document(root, [body], True, 0)


# Found by review (each read in turn differed from cold before its check was added).
_N = b"<Notam><Number> <![CDATA[x]]></Number></Notam>"
_X = b"<Notam><Number>12</Number><Year>25</Year> </Notam>"
_R = b'<Pib xmlns="urn:a" xmlns:q="urn:a">'
_B1 = b"<Pib><Notam><Number>1</Number></Notam ><!--</Notam>--></Pib>"
#: A Notam nesting 1,800 deep, and it under 250 more: over the whole parse's depth.
_DEEP_NOTAM = b"<Notam>" + b"<X>" * 1800 + b"</X>" * 1800 + b"</Notam>"
_DEEP_UNDER_250 = b"<Pib>" + b"<Y>" * 250 + _DEEP_NOTAM + b"</Y>" * 250 + b"</Pib>"
_KNOWN = b"".join(  # each of an even length: UTF-16 characters, placeholder or not
    e if len(e) % 2 == 0 else element(n, "CLOSED.").encode()
    for n in (11, 12, 13)
    for e in [element(n).encode()]
)


def _utf16_hiding(known: bytes) -> bytes:
    """A UTF-16 bulletin (byte order mark, no declaration: lxml calls it UTF-8) whose
    comment's characters are, as bytes, the elements ``known`` (each of an even
    length); and as many real
    elements, which are what it holds."""
    real = element(21) + element(22) + element(23)
    text = "<Pib><!--" + known.decode("utf-16-le") + "-->" + real + "</Pib>"
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le")


REVIEWED = {
    # an end tag written </Notam > after a </Notam> in a comment, PI or CDATA
    "end tag hidden in comments": [
        b"<Pib><Notam><!--</Notam>--><Number>1</Number></Notam >"
        b"<Notam><!--</Notam>--><Number>2</Number></Notam ></Pib>"
    ],
    "end tag hidden in CDATA": [
        b"<Pib><Notam><ItemE><![CDATA[</Notam>]]>A</ItemE></Notam >"
        b"<Notam><ItemE><![CDATA[</Notam>]]>B</ItemE></Notam ></Pib>"
    ],
    "end tag hidden in a PI": [
        b"<Pib><Notam><?x </Notam>?><Number>1</Number></Notam\n>"
        b"<Notam><?x </Notam>?><Number>2</Number></Notam\n></Pib>"
    ],
    "element in a comment after a blank end tag": [
        _B1,
        b"<Pib><Notam><Number>1</Number></Notam ><!--</Notam><Notam><Number>2</Number>"
        b"</Notam>--></Pib>",
    ],
    "a known span that is no element": [
        _B1,
        b"<Pib><Notam><Number>1</Number></Notam ><!--</Notam></Pib>",
    ],
    "xml:space on the root": [
        b"<Pib>" + _N + b"</Pib>",
        b'<Pib xml:space="preserve">' + _N + b"</Pib>",
    ],
    "xml:space on an ancestor": [b'<Pib><X xml:space="preserve">' + _N + b"</X>" + _N + b"</Pib>"],
    "UTF-16 without a declaration": [
        b"<Pib></Pib>",
        codecs.BOM_UTF16_LE
        + (
            "<Pib><!--" + _X.decode("utf-16-le") + "--><Notam><Number>2</Number><Year>25</Year>"
            "</Notam></Pib>"
        ).encode("utf-16-le"),
        b"<Pib>" + _X + b"</Pib>",
    ],
    "a prefixed Notam in the skeleton": [
        _R + b"</Pib>",
        _R
        + b"<!--<Notam><Number>1</Number></Notam>--><q:Notam><q:Number>2</q:Number></q:Notam></Pib>",
    ],
    "blank body": [b"<Pib></Pib>", b" " * 4096 + b"<Pib></Pib>"],
    "a Notam renaming itself": [
        b'<Pib xmlns="urn:a"></Pib>',
        b'<Pib xmlns="urn:a"><Notam xmlns="urn:b"><Number>1</Number></Notam></Pib>',
    ],
    "UTF-16 hiding known elements": [b"<Pib>" + _KNOWN + b"</Pib>", _utf16_hiding(_KNOWN)],
    "a deep element known from before": [
        b"<Pib>" + _DEEP_NOTAM + b"</Pib>",
        _DEEP_UNDER_250,
    ],
    "too deep, in an element": [
        b"<Pib></Pib>",
        _DEEP_UNDER_250,
    ],
    "too deep": [
        b"<Pib></Pib>",
        b"<Pib>"
        + b"<Y>" * 2045
        + b"<Notam><Number>1</Number><X><X/></X></Notam>"
        + b"</Y>" * 2045
        + b"</Pib>",
    ],
}


#: Elements known from the document before, so that a later one is mostly known (a
#: mostly new one is parsed whole anyway) and each check is what decides.
FILL = (element(7) + element(8) + element(9)).encode()


def filled(data: bytes) -> bytes:
    """``data`` with :data:`FILL` before its last ``</Pib>`` (when it is ASCII-like)."""
    cut = data.rfind(b"</Pib>")
    return data if cut < 0 or b"\x00" in data[:4] else data[:cut] + FILL + data[cut:]


@pytest.mark.parametrize("docs", REVIEWED.values(), ids=REVIEWED.keys())
@pytest.mark.parametrize("fill", [False, True], ids=["bare", "filled"])
def test_reviewed_documents_read_in_turn_as_cold(docs: list[bytes], fill: bool) -> None:
    memo = PibMemo()
    for data in docs:
        data = filled(data) if fill else data
        assert read(data, memo) == read(data)


def test_a_document_over_the_size_limit_is_refused_in_turn_too() -> None:
    memo = PibMemo()
    small = element_bulletin(element(1))
    parse_pib(small, memo)
    one = element(1).encode()  # known from before: the skeleton would be small
    big = small.replace(one, one * (DEFAULT_MAX_BYTES // len(one) + 1))
    assert read(big, memo) == read(big)
    assert str(read(big)).startswith("InputError: XML:")


@pytest.fixture
def parsed_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each document pib.py parses with lxml, in turn (spied)."""
    sizes: list[int] = []

    def spy(data: bytes, **kw: bool) -> object:
        sizes.append(len(data))
        return parse_xml(data, **kw)

    monkeypatch.setattr(SPIED, spy)
    return sizes


def test_the_skeleton_path_is_taken_and_refused_where_it_must_be(parsed_sizes: list[int]) -> None:
    """Spied: after a bulletin, one that shares its elements is read from its skeleton
    (no parse of the whole document); one that hides a copy in a comment is not (its
    skeleton has fewer elements than spans), and reads right."""
    sizes = parsed_sizes
    a, b = element(1), element(2, "OPEN")
    memo = PibMemo()
    parse_pib(element_bulletin(a + b), memo)
    second = element_bulletin(b + element(3) + a)
    sizes.clear()
    got = parse_pib(second, memo)
    assert [n.id for n in got.notams] == ["A0002/25", "A0003/25", "A0001/25"]
    assert max(sizes) < len(second) - len(a)  # no parse of the whole document
    hidden = element_bulletin(f"<!-- {a} -->{b}")
    sizes.clear()
    assert [n.id for n in parse_pib(hidden, memo).notams] == ["A0002/25"]
    assert max(sizes) == len(hidden)  # read whole: the skeleton could not be trusted


def test_real_bulletins_read_in_turn_from_their_skeletons(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared hourly bulletins, in turn: every one after the first is read without
    parsing the whole document, and reads as it does cold."""
    whole: list[int] = []
    real = parse_xml

    def spy(data: bytes, **kw: bool) -> object:
        if len(data) > 500_000:
            whole.append(len(data))
        return real(data, **kw)

    memo = PibMemo()
    files = sorted(HEATHROW.glob("PIB-*.xml.gz"))[:8]
    for i, path in enumerate(files):
        data = path.read_bytes()
        monkeypatch.setattr(SPIED, spy)
        whole.clear()
        got = parse_pib(data, memo)
        assert len(whole) == (1 if i == 0 else 0)
        monkeypatch.setattr(SPIED, real)
        assert got == parse_pib(data)


def test_spans_and_skeleton() -> None:
    a, b = element(1), element(2)
    data = element_bulletin(f"{a}<NotamList/>{b}")
    spans = notam_spans(data)
    assert spans is not None
    assert [data[s:e] for s, e in spans] == [a.encode(), b.encode()]
    assert skeleton(data, spans) == element_bulletin(
        f"{PLACEHOLDER.decode()}<NotamList/>{PLACEHOLDER.decode()}"
    )
    cdata = element_bulletin(element(3, "<![CDATA[<Notam>]]>"))
    assert notam_spans(cdata) is None  # a second start inside
    assert notam_spans(cdata, inside=False) == [
        (cdata.index(b"<Notam>"), cdata.index(b"</Pib>") - 12)
    ]
    hidden = element_bulletin(element(3, f"<![CDATA[{a}]]>"))  # an end inside: one span too few
    assert notam_spans(hidden) is None
    assert notam_spans(hidden, inside=False) is None
    assert notam_spans(element_bulletin("<Notam/>")) is None  # a start outside every span


@pytest.mark.parametrize("case", ["mostly new", "many namespaces"])
def test_the_skeleton_path_is_left_where_it_would_be_slower(
    parsed_sizes: list[int], case: str
) -> None:
    """Spied: a bulletin whose elements are mostly new, or whose root declares more
    namespaces than the limit (each element read alone declares them all again: a
    bulletin of thousands of both took minutes), is parsed whole, and reads right."""
    root = "<Pib>"
    if case == "many namespaces":
        root = "<Pib " + " ".join(f'xmlns:n{i}="urn:n{i}"' for i in range(17)) + ">"
    first = document(root, [element(1), element(2), element(3)], True, 0)
    second_items = [element(1), element(4), element(5)] if case == "mostly new" else [element(1)]
    second = document(root, second_items, True, 0)
    memo = PibMemo()
    parse_pib(first, memo)
    parsed_sizes.clear()
    got = parse_pib(second, memo)
    assert len(second) in parsed_sizes  # parsed whole
    assert got == parse_pib(second)


def test_scan_edges() -> None:
    """Spans at the very start of the bytes, an end before any start, and the count of
    tags a span opens (open tags, not end tags)."""
    one = b"<Notam><a/></Notam>"
    assert notam_spans(one) == [(0, len(one))]
    assert notam_spans(b"</Notam>") is None  # an end with no start before it
    assert notam_spans(b"</Notam>" + one) is None
    assert notam_spans(b"<Notam/>") is None  # a start left over, at the very start
    nested = b"<x>" * 100 + b"</x>" * 100  # 100 opened, 100 closed
    assert shallow(nested)
    assert shallow(b"<x>" * 128 + b"</x>" * 128)  # at most MAX_OPENED
    assert not shallow(b"<x>" * 129 + b"</x>" * 129)
    listed = b"<NotamList>" + one + b"</NotamList>"  # <NotamList is no start of a Notam
    assert notam_spans(listed) == [(11, 11 + len(one))]
