"""split_notams' linear start finder, parse --json's orjson lines, the stored JSON."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from notam_log.cli import cli
from notam_log.core.parse import icao
from notam_log.core.parse.icao import parse_text
from notam_log.core.validity import notam_json

CORPUS = Path(__file__).parent / "data" / "corpus" / "notams.jsonl"


def _texts(n: int) -> list[str]:
    out: list[str] = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec.get("format") == "icao" and rec.get("text"):
            out.append(rec["text"])
        if len(out) >= n:
            break
    return out


def test_fast_starts_are_the_pattern_s_matches() -> None:
    texts = _texts(300)
    variants = [
        "\n\n".join(texts),
        "  ".join(t.replace("\n", " ") for t in texts),  # flattened feed
        "\nNNNN\nZCZC ABC123\nGG EGZZ\n".join(texts).lower(),
        "Q) EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W005\nA) EGLL E) RWY CLSD\n\n"
        + "(A0001/25\n\n   NOTAMN Q) X E) Y)\n  (Q) EGTT/QFALC E) Z)",
    ]
    kinds: set[bool] = set()
    for text in variants:
        want = [
            (m.start(), m.group().lstrip(" \t(")[:2].upper() == "Q)")
            for m in icao._START.finditer(text)
        ]
        assert icao._fast_starts(text, text.upper()) == want and want
        kinds.update(q for _, q in want)
    assert kinds == {True, False}  # header starts and header-less Q) lines both met


def test_e_mark_in_is_the_pattern_s_search() -> None:
    """split_notams looks for ``E)``/``e)`` before it tries the item E pattern: the same
    answer as the pattern alone, over windows of real texts, lower-cased and not."""
    rng = random.Random(5)
    texts = _texts(300)
    texts += [t.lower() for t in texts] + ["xE)", "(E)", " e)", "E)", "E ) E)", "QE) E)"]
    for text in texts:
        for _ in range(20):
            a = rng.randrange(len(text) + 1)
            b = rng.randrange(a, len(text) + 1)
            assert icao._e_mark_in(text, a, b) == (icao._E_MARK.search(text, a, b) is not None)
        assert icao._e_mark_in(text, 0, len(text)) == (icao._E_MARK.search(text) is not None)


def test_parse_json_lines_are_notam_json(tmp_path: Path) -> None:
    src = tmp_path / "n.txt"
    src.write_text("\n\n".join(_texts(200)), encoding="utf-8")
    res = CliRunner().invoke(cli, ["parse", "--json", str(src)])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    want = [notam_json(n) for n in parse_text(src.read_text(encoding="utf-8"))]
    assert [json.loads(x) for x in lines] == want and len(want) >= 150
    assert all(list(json.loads(x)) == list(w) for x, w in zip(lines, want, strict=True))


def test_stored_json_keeps_the_schedule_not_the_windows() -> None:
    text = (
        "(A0001/25 NOTAMN Q) EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2501010000 C) 4801010000\nD) DAILY 0800-1000\nE) RWY 09L CLSD)"
    )
    (n,) = parse_text(text)
    assert len(notam_json(n)["windows"]) > 1000  # the shown form has them all
    stored = notam_json(n, with_windows=False)
    assert "windows" not in stored and stored["schedule"] == "DAILY 0800-1000"


def test_parse_json_escapes_c1_controls_del_and_line_separators(tmp_path: Path) -> None:
    src = tmp_path / "n.txt"
    src.write_text(
        "(A0001/25 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2503210143 C) 2503212359\nE) AD CLSD \u009b2J\u0085 \u007f \u2028 END)\n",
        encoding="utf-8",
    )
    res = CliRunner().invoke(cli, ["parse", "--json", str(src)])
    assert res.exit_code == 0, res.output
    for ch in ("\u009b", "\u0085", "\u007f", "\u2028"):
        assert ch not in res.stdout
    assert "\\u009b2J\\u0085 \\u007f \\u2028 END" in res.stdout
    (record,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert record["text"] == "AD CLSD \u009b2J\u0085 \u007f \u2028 END"  # the same text, read back


#: Libraries that ``parse`` has no use for (the terminal, HTTP, the database, the
#: scheduler, geometry; urllib.request, which xml.sax.saxutils loads: 20 ms): loading
#: them is start-up time for nothing.
NOT_FOR_PARSE = (
    "rich",
    "httpx",
    "sqlite_utils",
    "apscheduler",
    "pyproj",
    "numpy",
    "shapely",
    "urllib.request",
)


def test_parse_json_loads_no_library_it_does_not_use(tmp_path: Path) -> None:
    src = tmp_path / "n.txt"
    src.write_text("\n\n".join(_texts(20)), encoding="utf-8")
    code = (
        "import sys\n"
        f"sys.argv = ['notam-log', 'parse', '--json', {str(src)!r}]\n"
        "from notam_log.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"print([m for m in {NOT_FOR_PARSE!r} if m in sys.modules], file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert len(done.stdout.splitlines()) >= 15
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr[-2000:]


@settings(max_examples=300)
@given(
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=11))]
        ),
    )
)
def test_iso_is_the_text_strftime_wrote(value: datetime) -> None:
    """models.iso (made without strftime for speed) writes what it wrote with strftime:
    UTC, whole seconds, ``Z``."""
    from notam_log.core.models import iso, to_jsonable

    u = value.astimezone(UTC)
    if u.second or u.microsecond:
        before = u.strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        before = u.strftime("%Y-%m-%dT%H:%MZ").replace("Z", ":00Z")
    assert iso(value) == before
    assert to_jsonable({"at": [value, None, 1, "x", True]}) == {"at": [before, None, 1, "x", True]}


#: Each character escaped, and characters sharing its UTF-8 lead byte that are not
#: (``°`` is C2 B0, ``–`` is E2 80 93, ``€`` is E2 82 AC).
ESCAPED = ("\u007f", "\u0080", "\u0085", "\u009b", "\u009f", "\u2028", "\u2029")
NEIGHBOURS = ("\u00a0", "°", "–", "€", "\u2027", "\u202a", "~", "")


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from([*ESCAPED, *NEIGHBOURS[:-1], "a", '"', "\\", "\n"])))
def test_escape_controls_utf8_is_escape_controls_in_utf8(text: str) -> None:
    from notam_log.core.jsontext import escape_controls, escape_controls_utf8

    assert escape_controls_utf8(text.encode()) == escape_controls(text).encode()


def test_escape_controls_utf8_finds_each_character_alone() -> None:
    """Each escaped character, the only one of its kind in a block that holds the
    others' lead bytes or not (the fast path looks for lead bytes first)."""
    from notam_log.core.jsontext import escape_controls_utf8

    for ch in ESCAPED:
        for beside in NEIGHBOURS:
            data = f'{{"text":"A {beside} {ch} B"}}'.encode()
            out = escape_controls_utf8(data)
            assert ch.encode() not in out, (ch, beside)
            assert f"\\u{ord(ch):04x}".encode() in out
            assert json.loads(out) == json.loads(data)


def test_reading_makes_no_reference_cycles() -> None:
    """``parse`` pauses the cyclic garbage collector while it reads a file: that frees
    everything only if reading makes no reference cycles. Every corpus text and every
    file under tests/data (NOTAM texts, PIB, FAA, ICAO and Russian bulletins, Telegram
    pages, broken and hostile files), read and written as JSON lines, leaves none."""
    import gc

    from notam_log.core.parse.inputs import InputError, read_input
    from notam_log.core.validity import json_lines

    texts = [
        json.loads(line).get("text") or ""
        for line in CORPUS.read_text(encoding="utf-8").split("\n")
        if line.strip()
    ]
    files = [p for p in sorted((Path(__file__).parent / "data").rglob("*")) if p.is_file()]
    assert len(texts) > 4000 and len(files) > 80
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        read = 0
        for data in [t.encode() for t in texts if t] + [p.read_bytes() for p in files]:
            try:
                parsed = read_input(data, "x")
            except InputError:
                continue
            read += len(parsed.notams)
            for _ in json_lines(parsed.notams):
                pass
        assert read > 50_000
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()


N1 = (
    "(A0001/25 NOTAMN\nQ) EGTT/QMRLC/IV/NBO/A/000/999/5129N00028W005\n"
    "A) EGLL B) 2501010000 C) 2501020000\nE) RWY 09L CLSD)"
)
N2 = N1.replace("A0001", "A0002").replace("EGLL", "EGKK").replace("09L", "08R")
FAA = "!DCA 06/001 DCA RWY 01 CLSD 2501010000-2501020000"
FDC1 = "!FDC 4/1234 ZNY PART 1 OF 2 FLIGHT RESTRICTIONS\n!FDC 4/1234 ZNY PART 2 OF 2 END"
FDC2 = "!FDC 4/5678 ZDC PART 1 OF 2 OTHER\n!FDC 4/5678 ZDC PART 2 OF 2 TAIL"


@pytest.mark.parametrize(
    ("text", "chunks"),
    [
        # no NOTAM start: the text is one chunk (never dropped); a blank text is none
        ("SOME TEXT (NO NOTAM HERE) E) X", ["SOME TEXT (NO NOTAM HERE) E) X"]),
        ("  \n ", []),
        # text before the first start: kept when it reads as a NOTAM's items (a ")" and
        # an item E), dropped when it is an AFTN heading
        (
            "A) EGLL B) 2501010000 C) 2501020000 E) TWY A CLSD)\n\n" + N1,
            ["A) EGLL B) 2501010000 C) 2501020000 E) TWY A CLSD)", N1],
        ),
        ("GG EGZZ 010000 EGGNYNYX (X)\n" + N1, [N1]),
        # the AFTN end of message, and the next message's heading, are cut off
        (N1 + "\nNNNN\n" + N2, [N1, N2]),
        (N1 + "\nZCZC ABC123\n" + N2, [N1, N2]),
        # with FAA texts (the pattern is tried everywhere): each NOTAM's own Q) line,
        # written with or without its bracket, does not start another
        (FAA + "\n\n" + N1 + "\n\n" + N2, [FAA, N1, N2]),
        (FAA + "\n\n" + N1.replace("\nQ)", "\n(Q)"), [FAA, N1.replace("\nQ)", "\n(Q)")]),
        # the parts of one FAA NOTAM are joined, those of another are not, nor what follows
        (f"{FDC1}\n{FDC2}\n{FAA}", [FDC1, FDC2, FAA]),
    ],
    ids=[
        "no-start",
        "blank",
        "lead-kept",
        "lead-dropped",
        "nnnn",
        "zczc",
        "faa",
        "faa-(q)",
        "faa-parts",
    ],  # fmt: skip
)
def test_split_notams_cuts(text: str, chunks: list[str]) -> None:
    assert icao.split_notams(text) == chunks
