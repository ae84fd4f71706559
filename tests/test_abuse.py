"""Abuse: fuzzed payloads for every source format never crash the poller; what could not
be read is stored raw and reported; hostile feed text is stored faithfully and shown safely."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sources_adapters import SECRETS, setups

from notam_log.core.config import SourceConfig
from notam_log.core.errors import InputError, SourceError
from notam_log.core.models import Snapshot
from notam_log.core.parse.inputs import read_input
from notam_log.shell.recorder import Recorder
from notam_log.shell.store import Store
from notam_log.sources import build_source

DATA = Path(__file__).parent / "data"
PAYLOADS = DATA / "payloads"
NOW = datetime(2025, 3, 21, 12, tzinfo=UTC)

SAMPLES: dict[str, bytes] = {
    "nats_pib": gzip.decompress(
        (DATA / "nats-pib" / "heathrow-2025-03" / "PIB-2025-03-21T1200Z.xml.gz").read_bytes()
    )[:60_000],
    "faa_search": json.dumps(
        {
            "notamList": [
                json.loads(
                    (PAYLOADS / "notamsearch-notamList-entry-EHAM-A0957-18.json").read_text()
                )
            ],
            "startRecordCount": 1,
            "endRecordCount": 1,
            "totalNotamCount": 1,
            "error": "",
        }
    ).encode(),
    "faa_nms": (PAYLOADS / "nms-v1-notams-geojson-response.json").read_bytes(),
    "faa_api_v1": (PAYLOADS / "notamapi-v1-geojson-KOSH-2024-07-22.json").read_bytes()[:40_000],
    "icao_api": (PAYLOADS / "icao-notams-list-records-navplan2-fixtures.json").read_bytes(),
    "faa_tfr": (PAYLOADS / "tfr-detail-6_9513.xml").read_bytes(),
}


@st.composite
def mutated(draw: st.DrawFn, sample: bytes) -> bytes:
    """A recorded payload cut, spliced and sprinkled with hostile bytes."""
    data = bytearray(sample)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["cut", "insert", "flip", "dup"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if op == "cut":
            del data[at : at + draw(st.integers(1, 400))]
        elif op == "insert":
            junk = draw(
                st.sampled_from(
                    [
                        b"\x00",
                        b"\xff\xfe",
                        b"[bold red]x[/]",
                        b"\x1b[2J",
                        b"<script>alert(1)</script>",
                        b"}",
                        b"<",
                        b'"',
                        b"\n)",
                    ]
                )
            )
            data[at:at] = junk
        elif op == "flip":
            data[at] = draw(st.integers(0, 255))
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 200))]
    return bytes(data)


def drive(kind: str, body: bytes) -> list[Snapshot]:
    """Run a source's poll generator answering every request with ``body``."""
    setup = setups()[kind]
    cfg = SourceConfig(
        kind=kind,
        name=kind,
        locations=setup.locations,
        base_url="http://127.0.0.1:9",
        options=setup.options,
    )
    source = build_source(cfg, SECRETS)
    gen = source.poll(NOW)
    try:
        request = next(gen)
        for _ in range(200):  # bounded: a source may page
            if request.url.path.endswith("/auth/token"):
                resp = httpx.Response(
                    200,
                    json={"access_token": "t", "token_type": "BearerToken", "expires_in": "1799"},
                    request=request,
                )
            else:
                resp = httpx.Response(200, content=body, request=request)
            request = gen.send(resp)
        raise AssertionError("the source kept asking")
    except StopIteration as stop:
        return list(stop.value or [])


@pytest.mark.parametrize("kind", sorted(SAMPLES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzzed_payloads_never_crash_the_adapters(kind: str, data: st.DataObject) -> None:
    body = data.draw(mutated(SAMPLES[kind]))
    try:
        snaps = drive(kind, body)
    except SourceError:
        return  # a fatal answer (e.g. credentials) is reported, not a crash
    for s in snaps:
        if not s.complete:
            assert s.reason, "an incomplete snapshot says why"
        for n in s.notams:
            assert n.key and isinstance(n.raw, str)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_fuzzed_files_are_read_or_refused_in_one_line(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(sorted(SAMPLES)))
    body = data.draw(mutated(SAMPLES[kind]))
    if data.draw(st.booleans()):
        body = gzip.compress(body)
    try:
        parsed = read_input(body, "fuzz.bin")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.bin")
        return
    for n in parsed.notams:
        assert n.key


HOSTILE = [
    "[bold red]CLOSED[/bold red] [link=http://evil]x[/link]",
    "\x1b[2J\x1b[31mRED\x1b]0;title\x07 \x07bell",
    "<script>window.pwned=1</script><img src=x onerror=alert(1)>",
    "A" * 5000,
    "NUL\x00BYTE and \u202eRTL override",
]


@pytest.fixture
def hostile_store(tmp_path: Path) -> Iterator[tuple[Store, list[str]]]:
    texts = []
    notams = []
    for i, bad in enumerate(HOSTILE):
        text = (
            f"(A{100 + i:04d}/25 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
            f"A) EGLL B) 2503210143 C) 2503212359\nE) AD CLSD {bad})"
        )
        texts.append(text)
        notams.extend(read_input(text.encode("utf-8"), "hostile.txt").notams)
    with Store(tmp_path / "h.db") as store:
        rec = Recorder(store)
        rec.snapshot(Snapshot("uk", "UK", NOW, tuple(notams)))
        yield store, texts


def test_hostile_text_is_stored_faithfully(hostile_store: tuple[Store, list[str]]) -> None:
    store, texts = hostile_store
    rows = {r.notam.raw for r in store.notams()}
    for text in texts:
        assert text in rows
    stored_e = {r.notam.text for r in store.notams()}
    assert any("\x00" in t for t in stored_e) and any("<script>" in t for t in stored_e)


def test_invalid_utf8_is_read_not_refused() -> None:
    raw = (
        b"(A0001/25 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
        b"A) EGLL B) 2503210143 C) 2503212359\nE) AD CLSD "
    ) + b"\xff\xfe\x80)"
    (n,) = read_input(raw, "latin.txt").notams
    assert n.id == "A0001/25" and n.category == "aerodrome_closed"


def test_hostile_text_is_shown_safely_by_the_cli(
    hostile_store: tuple[Store, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    from click.testing import CliRunner

    from notam_log.cli import State, cli

    store, _ = hostile_store
    for args in (
        ["events"],
        ["search", "CLSD"],
        ["history", "A0100/25"],
        ["active", "--at", "2025-03-21T12:00Z"],
    ):
        res = CliRunner().invoke(
            cli, [*args, "--db", str(store.path)], obj=State(), env={"COLUMNS": "200"}
        )
        assert res.exit_code == 0, (args, res.output)
        out = res.output
        assert "\x1b" not in out and "\x00" not in out and "\x07" not in out and "\u202e" not in out
        if args[0] in ("history", "search", "active"):
            # the markup in the feed text is shown as written, never applied
            assert "[bold red]CLOSED[/bold red]" in out, (args, out)


def _escape_ok(rendered: str) -> None:
    assert "<script>window.pwned" not in rendered
    assert "\x1b" not in rendered and "\x00" not in rendered


def test_hostile_text_in_digest_formats(
    hostile_store: tuple[Store, list[str]], tmp_path: Path
) -> None:
    from notam_log.core import digest as dg
    from notam_log.core import digest_render
    from notam_log.shell import digests
    from notam_log.shell.settings import load_config

    _, texts = hostile_store
    notams = [n for t in texts for n in read_input(t.encode("utf-8"), "hostile.txt").notams]
    with Store(tmp_path / "news.db") as store:  # published after a first poll: news
        rec = Recorder(store)
        rec.snapshot(Snapshot("uk", "UK", NOW.replace(hour=11), ()))
        rec.snapshot(Snapshot("uk", "UK", NOW, tuple(notams)))
        period = dg.day_period(NOW.date())
        loaded: Any = digests.load(store, load_config(None), period, NOW.replace(hour=23))
    html = digest_render.render(loaded, "html")
    md = digest_render.render(loaded, "md")
    _escape_ok(html)
    _escape_ok(md)
    # the hostile texts are there, made inert
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert "&lt;script>window.pwned=1&lt;/script>" in md
    assert "[bold red]CLOSED[/bold red]" in html


# ---------------------------------------------------------------- issue 18: hostile shapes

_DOCTYPES = st.sampled_from(
    [
        '<!DOCTYPE Pib SYSTEM "{secret}">',
        '<!DOCTYPE Pib PUBLIC "-//x//y" "{secret}">',
        '<!DOCTYPE Pib [<!ENTITY % z SYSTEM "{secret}"> %z;]>',
        '<!DOCTYPE Pib [<!ENTITY x SYSTEM "{secret}">]>',
        '<!DOCTYPE Pib [<!ENTITY x SYSTEM "file://{secret}">]>',
        '<!DOCTYPE Pib [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>',
        '<!DOCTYPE Pib [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        "<!doctype Pib>",
        "<!ELEMENT Pib ANY>",
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    doctype=_DOCTYPES,
    lead=st.sampled_from(["", "<!-- c -->", "\n  ", "<?pi x?>", "\ufeff"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-32"]),
    kind=st.sampled_from(["nats_pib", "faa_tfr"]),
    gz=st.booleans(),
)
def test_fuzzed_doctypes_are_refused_and_read_nothing(
    tmp_path: Path, doctype: str, lead: str, encoding: str, kind: str, gz: bool
) -> None:
    secret = tmp_path / "secret.dtd"
    secret.write_text("<!ENTITY leak 'SECRET-42'>")
    sample = SAMPLES[kind].decode("utf-8", "replace")
    if sample.startswith("<?xml"):
        decl, rest = sample.split("?>", 1)
        decl = decl.replace('encoding="UTF-8"', f'encoding="{encoding}"') + "?>"
    else:
        decl, rest = f'<?xml version="1.0" encoding="{encoding}"?>', sample
    text = (
        decl + lead + doctype.replace("{secret}", str(secret)) + rest.replace(">", ">&x;&leak;", 1)
    )
    body = text.encode(encoding, "replace")
    if gz:
        body = gzip.compress(body)
    try:
        parsed = read_input(body, "doc.xml")
    except InputError as exc:
        assert "\n" not in str(exc) and "SECRET" not in str(exc)
        return
    # only a document without a DTD gets this far (an ELEMENT outside one: not XML)
    assert "DOCTYPE" not in doctype.upper()
    assert all("SECRET" not in n.raw + n.text for n in parsed.notams)


_HUGE = st.integers(4000, 6000).map(lambda n: "9" * n)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_fuzzed_huge_numbers_are_records_with_issues(data: st.DataObject) -> None:
    """A number of thousands of digits in any numeric field of any format: read, not
    raised (a record with issues, or a refused file, never a traceback)."""
    kind = data.draw(st.sampled_from(sorted(SAMPLES)))
    text = SAMPLES[kind].decode("utf-8", "replace")
    spots = [m.span() for m in re.finditer(r"(?<![\w.])\d{1,4}(?![\w.])", text)]
    for start, end in sorted(data.draw(st.lists(st.sampled_from(spots), max_size=5)), reverse=True):
        text = text[:start] + data.draw(_HUGE) + text[end:]
    body = text.encode()
    try:
        parsed = read_input(body, "huge.bin")
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        for n in parsed.notams:
            assert n.key and len(n.key) < 200
            for value in (n.number, n.year, n.lower, n.upper, n.radius_nm):
                assert value is None or abs(value) < 10**9
    try:
        snaps = drive(kind, body)
    except SourceError:
        return
    for s in snaps:
        assert s.complete or s.reason


@settings(max_examples=25, deadline=None)
@given(
    depth=st.integers(500, 150_000),
    shape=st.sampled_from(["[", '{"a":', "<a>", "<Pib><a>"]),
    kind=st.sampled_from(sorted(SAMPLES)),
)
def test_fuzzed_deep_nesting_is_one_line(depth: int, shape: str, kind: str) -> None:
    close = {"[": "]", '{"a":': "}", "<a>": "</a>", "<Pib><a>": "</a>"}[shape]
    body = (shape * depth + ("1" if shape.startswith("{") else "") + close * depth).encode()
    try:
        read_input(body, "deep.bin")
    except InputError as exc:
        assert "\n" not in str(exc)
    try:
        snaps = drive(kind, body)
    except SourceError:
        return
    for s in snaps:  # a failed snapshot, or records that say they could not be read
        assert (not s.complete and s.reason) or all(n.issues for n in s.notams), kind


@settings(max_examples=30, deadline=None)
@given(data=st.data(), limit=st.integers(1024, 200_000), gz=st.booleans())
def test_fuzzed_oversize_inputs_are_refused_in_one_line(
    data: st.DataObject, limit: int, gz: bool
) -> None:
    kind = data.draw(st.sampled_from(sorted(SAMPLES)))
    body = SAMPLES[kind] * (1 + (2 * limit) // max(1, len(SAMPLES[kind])))
    if gz:
        body = gzip.compress(body)
    try:
        read_input(body, "big.bin", max_bytes=limit)
    except InputError as exc:
        assert "over the limit" in str(exc) and "\n" not in str(exc)
    else:
        raise AssertionError("an input over the limit was read")


@pytest.mark.parametrize("tag", ["txtLocalName", "txtNameAcctFac"])
def test_a_tfr_identifier_of_thousands_of_characters_is_not_a_key(tag: str) -> None:
    """Found by the fuzzing above: a TFR's local name of 4,000 digits became a NOTAM key
    of 4,009 characters. It is now an issue of a record keyed by a hash."""
    sample = SAMPLES["faa_tfr"].decode()
    text = re.sub(rf"<{tag}>[^<]*</{tag}>", f"<{tag}>{'9' * 4000}/9513</{tag}>", sample)
    assert text != sample
    (notam,) = read_input(text.encode(), "huge.xml").notams
    assert len(notam.key) < 60 and len(notam.id or "") < 60
    assert any(tag in issue and "4005 characters" in issue for issue in notam.issues)
