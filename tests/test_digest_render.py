"""Rendering digests: escaping of feed text in every format, the JSON schema, and the
HTML as headless Chromium sees it (Chromium is required: .ci/run installs it)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from notam_log.core import digest as dg
from notam_log.core import digest_render as render
from notam_log.core.models import Episode, Event, Notam, PollRecord
from notam_log.shell.store import NotamRow

GOLDEN = Path(__file__).parent / "golden"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EVIL = (
    "<script>document.title='PWNED';window.PWNED=1</script>"
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"> RWY 09L CLSD *bold* [x](y)"
    " \x1b[31m"
)


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def evil_digest() -> dg.Digest:
    day = dg.day_period(date(2025, 3, 21))
    key = "EGGN:A1918/25"
    notam = Notam(key=key, id="A1918/25", locations=("EGLL",), category="aerodrome_closed",
                  restriction=True, text=EVIL)  # fmt: skip
    row = NotamRow(notam, "active", "nats-uk", "UK", z("2025-03-21T02:00Z"),
                   z("2025-03-21T02:00Z"), None, 1)  # fmt: skip
    events = [
        Event("restriction_imposed", "nats-uk", z("2025-03-21T02:00Z"), key, "A1918/25",
              ("EGLL",), "aerodrome_closed", z("2025-03-21T01:00Z"), z("2025-03-21T01:43Z")),
        Event("published", "nats-uk", z("2025-03-21T02:00Z"), key, "A1918/25", ("EGLL",),
              "aerodrome_closed", z("2025-03-21T01:00Z"), z("2025-03-21T01:43Z"),
              {"text": EVIL}),
    ]  # fmt: skip
    ep = Episode("EGLL", z("2025-03-21T02:00Z"), z("2025-03-21T01:00Z"), z("2025-03-21T01:43Z"),
                 categories=((z("2025-03-21T01:43Z"), "aerodrome_closed"),), keys=(key,))  # fmt: skip
    polls = [
        PollRecord("nats-uk", "UK", z(f"2025-03-21T{h:02d}:00Z"), z(f"2025-03-21T{h:02d}:00Z"),
                   "complete" if h != 9 else "failed", "<script>x</script>" if h == 9 else None)
        for h in range(24)
    ]  # fmt: skip
    return dg.build(
        events, [ep], polls, day, z("2025-03-22T06:00Z"), locations=["EGLL"], notams=[row],
        intervals={"nats-uk": 3600}, names={"EGLL": "London <Heathrow> Airport"},
    )  # fmt: skip


def test_text_has_no_markup_or_escapes() -> None:
    out = render.render_text(evil_digest(), width=200)
    assert "\x1b" not in out
    assert "EGLL  London <Heathrow> Airport" in out
    assert "aerodrome closed 01:43Z (seen between 01:00Z and 02:00Z) [A1918/25]" in out
    assert "still in force at the end" in out


def test_markdown_escapes_feed_text() -> None:
    md = render.render_markdown(evil_digest())
    assert "<script" not in md and "<img" not in md
    assert "&lt;script&gt;" not in md  # only < and & become entities
    assert "&lt;script>" in md and r"\*bold\*" in md and r"\[x\](y)" in md
    assert "\x1b" not in md
    assert "> **Warning:** nats-uk: 23 of 24 expected polls complete" in md


def test_html_escapes_and_forbids_script() -> None:
    page = render.render_html(evil_digest())
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror=" in page
    assert "London &lt;Heathrow&gt; Airport" in page and "<Heathrow>" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "http://" not in page and "https://" not in page  # no external asset


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> None:
    """The subset of JSON Schema that data/digest.schema.json uses."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    if "oneOf" in schema:
        errors = []
        for option in schema["oneOf"]:
            try:
                validate(value, option, root, path)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{path}: matches no option: {errors}")
    if "const" in schema:
        assert value == schema["const"], path
    if "enum" in schema:
        assert value in schema["enum"], path
    types = schema.get("type")
    if types is not None:
        kinds = types if isinstance(types, list) else [types]
        py: dict[str, Any] = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
              "boolean": bool, "null": type(None)}  # fmt: skip
        ok = any(
            isinstance(value, py[k])
            and not (k in ("integer", "number") and isinstance(value, bool))
            for k in kinds
        )
        assert ok, f"{path}: {value!r} is not {types}"
    if isinstance(value, dict):
        props = schema.get("properties", {})
        assert list(value) == list(props), f"{path}: keys {list(value)} != {list(props)}"
        for k, v in value.items():
            validate(v, props[k], root, f"{path}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            validate(v, schema["items"], root, f"{path}[{i}]")
    if isinstance(value, str) and "pattern" in schema:
        import re

        assert re.match(schema["pattern"], value), f"{path}: {value!r}"


def schema() -> dict[str, Any]:
    text = resources.files("notam_log.data").joinpath("digest.schema.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


@pytest.mark.parametrize("source", ["synthetic", "golden"])
def test_json_follows_the_schema(source: str) -> None:
    if source == "golden":
        data = json.loads((GOLDEN / "digest-2025-03-21.json").read_text())
    else:
        data = json.loads(render.render_json(evil_digest()))
        assert data["locations"][0]["imposed"][0]["text"].startswith("<script>")
    s = schema()
    validate(data, s, s)


def dom(page: str, tmp_path: Path) -> str:
    assert CHROMIUM is not None, "chromium is not installed (apt-get install chromium)"
    html_file = tmp_path / "digest.html"
    html_file.write_text(page, encoding="utf-8")
    args = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--no-first-run", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=2000",
        "--dump-dom", html_file.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_chromium_shows_the_heathrow_day(tmp_path: Path) -> None:
    out = dom((GOLDEN / "digest-2025-03-21.html").read_text(), tmp_path)
    assert "<h1>NOTAM digest for 2025-03-21</h1>" in out
    assert 'id="loc-EGLL"' in out and "London Heathrow Airport" in out
    assert "aerodrome closed → aerodrome limited: from 01:43Z" in out
    assert "lasted 22h 16m" in out
    assert 'class="c" title="closed"' in out and 'class="l" title="limited"' in out


def test_chromium_runs_nothing_from_the_feed(tmp_path: Path) -> None:
    out = dom(render.render_html(evil_digest()), tmp_path)
    assert "PWNED" not in out.split("<body", 1)[0].replace("&lt;script&gt;", "")
    assert "<title>NOTAM digest for 2025-03-21</title>" in out
    assert 'data-pwned="1"' not in out
    assert "&lt;script&gt;document.title='PWNED'" in out
    assert "&lt;img src=x onerror=" in out
    assert "<img" not in out and "<script" not in out
    assert "London &lt;Heathrow&gt; Airport" in out  # the location's name too


def test_text_wraps_long_items_under_their_own_start() -> None:
    """Files and e-mails (fixed width): a long item goes on under its text, not at the margin."""
    out = render.render_text(evil_digest(), width=60)
    lines = out.splitlines()
    assert any(line.startswith("      ") and line.strip() for line in lines), out  # wrapped
    for prev, line in zip(lines, lines[1:], strict=False):
        if prev.startswith(("    - ", "      ")) and line and not line.startswith("  "):
            raise AssertionError(f"an item goes on at the margin: {line!r}\n{out}")
    items = [line for line in lines if line.startswith(("    - ", "      "))]
    assert all(len(line) <= 60 for line in items), out
    # nothing of the feed text is lost to the wrapping
    joined = "".join(line.removeprefix("    - ").strip() for line in items)
    assert "".join(EVIL.split()).replace("\x1b[31m", "")[:120] in "".join(joined.split()), out


def gap_day_digest() -> dg.Digest:
    """23 March 2025 as the shared bulletins have it: hourly to 05:00Z, then nothing for
    19 hours; EGLL limited from 03:10Z to 04:00Z, USII watched too (no source covers it)."""
    from datetime import timedelta

    from notam_log.core import known as cv

    day = dg.day_period(date(2025, 3, 23))
    polls = tuple(z("2025-03-22T20:00Z") + timedelta(hours=h) for h in range(10))
    scope = cv.ScopeHistory("nats-uk", "UK", cv.Reach(prefixes=("EG",)), polls, polls)
    ep = Episode("EGLL", z("2025-03-23T04:00Z"), z("2025-03-23T03:00Z"), z("2025-03-23T03:10Z"),
                 end_by=z("2025-03-23T05:00Z"), end_after=z("2025-03-23T04:00Z"),
                 end_effective=z("2025-03-23T04:00Z"),
                 categories=((z("2025-03-23T03:10Z"), "aerodrome_limited"),), keys=("EGGN:A2000/25",))  # fmt: skip
    return dg.build(
        [], [ep], [], day, z("2025-03-25T06:00Z"), locations=["EGLL", "USII"],
        scopes=[scope], names={"EGLL": "London Heathrow Airport"},
    )  # fmt: skip


def test_the_gap_of_23_march_is_unknown_not_clear() -> None:
    d = gap_day_digest()
    egll, usii = d.locations
    assert render.bar(egll.spans, egll.unknown) == "." * 6 + "##??" + "~" * 38  # gap: unknown
    assert render.bar(usii.spans, usii.unknown) == "~" * 48
    assert not d.complete and any("USII: unknown" in w for w in d.warnings)
    assert "unknown: USII: unknown" in render.render_text(d)  # never "nothing to report"
    data = json.loads(render.render_json(d))
    loc = data["locations"][0]
    assert loc["unknown"] == [{"start": round(5 / 24, 4), "end": 1.0}]
    assert loc["coverage"]["state"] == "partly" and loc["timeline"][0]["closed"] is False
    assert data["locations"][1]["coverage"]["state"] == "unknown"
    s = schema()
    validate(data, s, s)
    text = render.render_text(d)
    assert "~ unknown" in text and "# restricted" in text  # the legend


def test_closed_and_limited_are_two_colours() -> None:
    from rich.console import Console

    d = gap_day_digest()
    html = render.render_html(d)
    assert 'class="l" title="limited"' in html and 'class="c"' not in html.split("</style>")[1]
    console = Console(width=120, force_terminal=True, color_system="standard", _environ={})
    console.begin_capture()
    console.print(render.render_rich(d))
    out = console.end_capture()
    assert "\x1b[1;33m#" in out  # limited: bold yellow (closed would be bold red)


def test_chromium_shows_the_legend_and_unknown_cells(tmp_path: Path) -> None:
    out = dom(render.render_html(gap_day_digest()), tmp_path)
    assert 'id="legend"' in out and "unknown (no complete poll of a source covering it" in out
    assert out.count('class="u" title="unknown"') == 2  # EGLL after 05:00Z, USII all day
    assert 'class="sw c"' in out and 'class="sw l"' in out and 'class="sw u"' in out
