"""What every digest format prints, line for line, for a day with a bit of everything:
a complete record and one with gaps, a source that was down, a location that nothing
covers, quiet locations, and feed text that tries markup (written for the mutation
check of issue 14: each assertion is something a reader relies on)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from notam_log.core import announced as an
from notam_log.core import digest as dg
from notam_log.core import digest_render as render
from notam_log.core import known as cv
from notam_log.core.coverage import Coverage, Gap
from notam_log.core.digest_model import (
    Bounded,
    EpisodeItem,
    Imposed,
    Lifted,
    LocationDigest,
    Notable,
    Overdue,
    Span,
)

DAY = dg.day_period(date(2025, 3, 21))


def z(hh: int, mm: int = 0, day: int = 21) -> datetime:
    return datetime(2025, 3, day, hh, mm, tzinfo=UTC)


def _covered(location: str) -> cv.LocationCoverage:
    return cv.LocationCoverage(
        location, DAY.since, DAY.until, z(6, day=22), known=((DAY.since, DAY.until),),
        covering=("nats-uk/UK",), sources=("nats-uk/UK",),
    )  # fmt: skip


def _unknown(location: str) -> cv.LocationCoverage:
    return cv.LocationCoverage(location, DAY.since, DAY.until, z(6, day=22))


def _partly(location: str) -> cv.LocationCoverage:
    return cv.LocationCoverage(
        location, DAY.since, DAY.until, z(6, day=22), known=((DAY.since, z(12)),),
        covering=("nats-uk/UK",), sources=("nats-uk/UK",),
    )  # fmt: skip


CLOSURE = Imposed("EGLL", "aerodrome_closed", "EGGN:A1918/25", "A1918/25",
                  Bounded(z(2), z(1), z(1, 43)), "AD CLSD [bold red]x[/] <b> R&D")  # fmt: skip
PLAIN = Imposed("EGLL", "runway_closed", None, None, Bounded(z(3)))  # no text, no id
EPISODE = EpisodeItem(Bounded(z(2), z(1), z(1, 43)), None, ("aerodrome_closed",),
                      ("EGGN:A1918/25",), (timedelta(hours=22), timedelta(hours=23)), False)  # fmt: skip


def busy() -> LocationDigest:
    return LocationDigest(
        "EGLL", "London <Heathrow>\n# *Airport*", imposed=(CLOSURE, PLAIN), episodes=(EPISODE,),
        spans=(Span(0.0625, 0.5, True, True), Span(0.5, 0.75, True, False),
               Span(0.75, 0.8, False)),
        unknown=(Span(0.9, 1.0, False),), counts={"published": 1, "expired": 2},
        coverage=_covered("EGLL"),
    )  # fmt: skip


def complete_day() -> dg.Digest:
    """A complete record: one busy location, one quiet and covered."""
    cov = Coverage("nats-uk", "UK", timedelta(hours=1), False, 24, 24, 0, 0)
    quiet = LocationDigest("EGKK", None, coverage=_covered("EGKK"))
    unasked = LocationDigest("EGSS", "Stansted")  # coverage not asked: nothing to report
    return dg.Digest(DAY, z(6, day=22), (busy(), quiet, unasked), (cov,), (), True)


def gappy_day() -> dg.Digest:
    """Gaps, a source down, a partial and a failed poll, an unknown and a partly known
    location, a warning with markup in it."""
    cov = Coverage(
        "nats-uk", "UK", timedelta(minutes=30), True, 48, 40, 3, 5,
        gaps=(Gap(z(9), z(9, 45), "HTTP 503 <b>*down*</b>\n" + "x" * 200),),
        down=(Gap(z(20), z(2, day=22)),),
    )  # fmt: skip
    locs = (
        LocationDigest(
            "USII", "Izhevsk", unknown=(Span(0.0, 1.0, False),), coverage=_unknown("USII")
        ),
        LocationDigest("EGKK", None, unknown=(Span(0.5, 1.0, False),), coverage=_partly("EGKK")),
    )
    return dg.Digest(DAY, z(6, day=22), locs, (cov,), ("nats-uk: 40 of 48 *polls*",), True)


COMPLETE_MD = """\
# NOTAM digest for 2025-03-21

2025-03-21 00:00Z to 2025-03-22 00:00Z; made 2025-03-22 06:00Z

Every source was polled as expected: the record is complete.

3 locations: 2 restrictions imposed, 0 lifted, 1 still in force, 0 overdue

Bars: # restricted most of the half hour (red: closed, yellow: limited) + restricted part of it ? possibly restricted (the change lies between two polls) . not restricted (complete polls of a source covering it) \\~ unknown (no complete poll of a covering source, the future, before watching)

## EGLL London &lt;Heathrow> # \\*Airport\\*

`00Z |...#################################???....~~~~~| 24Z`

**Restriction episodes**

- aerodrome closed: since 01:43Z (seen between 01:00Z and 02:00Z), still in force at the end (22h 00m to 23h 00m so far)

**Imposed**

- aerodrome closed 01:43Z (seen between 01:00Z and 02:00Z) \\[A1918/25\\]: "AD CLSD \\[bold red\\]x\\[/\\] &lt;b> R&amp;D"
- runway closed by 03:00Z \\[?\\]

NOTAMs: 1 published, 2 expired

## EGKK

Nothing to report.

## EGSS Stansted

Nothing to report.

## Coverage

| source | polls | gaps |
|---|---|---|
| nats-uk (UK) | 24 of 24 polls complete (every 60 min, configured) | none |
"""

COMPLETE_HTML = """\
<body>
<h1>NOTAM digest for 2025-03-21</h1>
<p class="dim">2025-03-21 00:00Z to 2025-03-22 00:00Z; made 2025-03-22 06:00Z</p>
<div class="ok">Every source was polled as expected: the record is complete.</div>
<p>3 locations: 2 restrictions imposed, 0 lifted, 1 still in force, 0 overdue</p>
<p class="legend" id="legend"><span class="sw c"></span>closed<span class="sw l"></span>limited<span class="sw p"></span>possibly restricted (the change lies between two polls)<span class="sw n"></span>not restricted (complete polls of a source covering it)<span class="sw u"></span>unknown (no complete poll of a source covering it, or not yet)</p>
<section id="loc-EGLL"><h2>EGLL <span class="dim">London &lt;Heathrow&gt;
# *Airport*</span></h2>
<div class="bar" role="img" aria-label="restrictions over the period"><span class="u" title="unknown" style="left:90.00%;width:10.00%"></span><span class="c" title="closed" style="left:6.25%;width:43.75%"></span><span class="l" title="limited" style="left:50.00%;width:25.00%"></span><span class="p" title="possibly restricted" style="left:75.00%;width:5.00%"></span></div><div class="ticks"><span>00</span><span>06</span><span>12</span><span>18</span><span>24</span></div>
<h3>Restriction episodes</h3><ul>
<li>aerodrome closed: since 01:43Z (seen between 01:00Z and 02:00Z), still in force at the end (22h 00m to 23h 00m so far)</li>
</ul>
<h3>Imposed</h3><ul>
<li>aerodrome closed 01:43Z (seen between 01:00Z and 02:00Z) [A1918/25]: &quot;AD CLSD [bold red]x[/] &lt;b&gt; R&amp;D&quot;</li>
<li>runway closed by 03:00Z [?]</li>
</ul>
<p class="dim">NOTAMs: 1 published, 2 expired</p></section>
<section id="loc-EGKK"><h2>EGKK</h2>
<div class="bar" role="img" aria-label="restrictions over the period"></div><div class="ticks"><span>00</span><span>06</span><span>12</span><span>18</span><span>24</span></div>
<p>Nothing to report.</p></section>
<section id="loc-EGSS"><h2>EGSS <span class="dim">Stansted</span></h2>
<div class="bar" role="img" aria-label="restrictions over the period"></div><div class="ticks"><span>00</span><span>06</span><span>12</span><span>18</span><span>24</span></div>
<p>Nothing to report.</p></section>
<h2>Coverage</h2><table><tr><th>source</th><th>polls</th><th>gaps</th></tr>
<tr><td>nats-uk (UK)</td><td>24 of 24 polls complete (every 60 min, configured)</td><td>none</td></tr>
</table>
<p class="dim">Made by notam-log. Times are UTC.</p></body></html>
"""

COMPLETE_TEXT = """\
NOTAM digest for 2025-03-21
2025-03-21 00:00Z to 2025-03-22 00:00Z; made 2025-03-22 06:00Z
Every source was polled as expected: the record is complete.
3 locations: 2 restrictions imposed, 0 lifted, 1 still in force, 0 overdue
Bars: # restricted most of the half hour (red: closed, yellow: limited)   + restricted part of it
? possibly restricted (the change lies between two polls)   . not restricted (complete polls of a
source covering it)   ~ unknown (no complete poll of a covering source, the future, before watching)

EGLL  London <Heathrow> # *Airport*
  00Z |...#################################???....~~~~~| 24Z
  Restriction episodes:
    - aerodrome closed: since 01:43Z (seen between 01:00Z and 02:00Z), still in force at the end
      (22h 00m to 23h 00m so far)
  Imposed:
    - aerodrome closed 01:43Z (seen between 01:00Z and 02:00Z) [A1918/25]: "AD CLSD [bold red]x[/]
      <b> R&D"
    - runway closed by 03:00Z [?]
  NOTAMs: 1 published, 2 expired

EGKK
  nothing to report

EGSS  Stansted
  nothing to report

Coverage
┏━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━┓
┃ source       ┃ polls                                              ┃ gaps ┃
┡━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━┩
│ nats-uk (UK) │ 24 of 24 polls complete (every 60 min, configured) │ none │
└──────────────┴────────────────────────────────────────────────────┴──────┘
"""

GAPPY_MD = """\
# NOTAM digest for 2025-03-21

2025-03-21 00:00Z to 2025-03-22 00:00Z; made 2025-03-22 06:00Z

> **Warning:** nats-uk: 40 of 48 \\*polls\\*

2 locations: 0 restrictions imposed, 0 lifted, 0 still in force, 0 overdue

Bars: # restricted most of the half hour (red: closed, yellow: limited) + restricted part of it ? possibly restricted (the change lies between two polls) . not restricted (complete polls of a source covering it) \\~ unknown (no complete poll of a covering source, the future, before watching)

## USII Izhevsk

`00Z |~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~| 24Z`

Unknown: USII: unknown from 2025-03-21 00:00Z to 2025-03-22 00:00Z (no source covers it); last complete poll that covered it: never.

## EGKK

`00Z |........................~~~~~~~~~~~~~~~~~~~~~~~~| 24Z`

Nothing to report in the known part; EGKK: unknown for 12h 00m of the period, no complete poll of a covering source (first 2025-03-21 12:00Z to 2025-03-22 00:00Z).

## Coverage

| source | polls | gaps |
|---|---|---|
| nats-uk (UK) | 40 of 48 polls complete (every 30 min, inferred), 3 partial, 5 failed | 09:00Z to 09:45Z (0.8 h): HTTP 503 &lt;b>\\*down\\*&lt;/b> xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…<br>down 20:00Z to 2025-03-22 02:00Z (6.0 h) |
"""

GAPPY_HTML = """\
<body>
<h1>NOTAM digest for 2025-03-21</h1>
<p class="dim">2025-03-21 00:00Z to 2025-03-22 00:00Z; made 2025-03-22 06:00Z</p>
<div class="warn" role="alert"><strong>Warning:</strong> nats-uk: 40 of 48 *polls*</div>
<p>2 locations: 0 restrictions imposed, 0 lifted, 0 still in force, 0 overdue</p>
<p class="legend" id="legend"><span class="sw c"></span>closed<span class="sw l"></span>limited<span class="sw p"></span>possibly restricted (the change lies between two polls)<span class="sw n"></span>not restricted (complete polls of a source covering it)<span class="sw u"></span>unknown (no complete poll of a source covering it, or not yet)</p>
<section id="loc-USII"><h2>USII <span class="dim">Izhevsk</span></h2>
<div class="bar" role="img" aria-label="restrictions over the period"><span class="u" title="unknown" style="left:0.00%;width:100.00%"></span></div><div class="ticks"><span>00</span><span>06</span><span>12</span><span>18</span><span>24</span></div>
<p>Unknown: USII: unknown from 2025-03-21 00:00Z to 2025-03-22 00:00Z (no source covers it); last complete poll that covered it: never.</p></section>
<section id="loc-EGKK"><h2>EGKK</h2>
<div class="bar" role="img" aria-label="restrictions over the period"><span class="u" title="unknown" style="left:50.00%;width:50.00%"></span></div><div class="ticks"><span>00</span><span>06</span><span>12</span><span>18</span><span>24</span></div>
<p>Nothing to report in the known part; EGKK: unknown for 12h 00m of the period, no complete poll of a covering source (first 2025-03-21 12:00Z to 2025-03-22 00:00Z).</p></section>
<h2>Coverage</h2><table><tr><th>source</th><th>polls</th><th>gaps</th></tr>
<tr><td>nats-uk (UK)</td><td>40 of 48 polls complete (every 30 min, inferred), 3 partial, 5 failed</td><td class="bad">09:00Z to 09:45Z (0.8 h): HTTP 503 &lt;b&gt;*down*&lt;/b&gt; xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…<br>down 20:00Z to 2025-03-22 02:00Z (6.0 h)</td></tr>
</table>
<p class="dim">Made by notam-log. Times are UTC.</p></body></html>
"""

GAPPY_TEXT = """\
NOTAM digest for 2025-03-21
2025-03-21 00:00Z to 2025-03-22 00:00Z; made 2025-03-22 06:00Z
WARNING: nats-uk: 40 of 48 *polls*
2 locations: 0 restrictions imposed, 0 lifted, 0 still in force, 0 overdue
Bars: # restricted most of the half hour (red: closed, yellow: limited)   + restricted part of it
? possibly restricted (the change lies between two polls)   . not restricted (complete polls of a
source covering it)   ~ unknown (no complete poll of a covering source, the future, before watching)

USII  Izhevsk
  00Z |~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~| 24Z
  unknown: USII: unknown from 2025-03-21 00:00Z to 2025-03-22 00:00Z (no source covers it); last
complete poll that covered it: never

EGKK
  00Z |........................~~~~~~~~~~~~~~~~~~~~~~~~| 24Z
  nothing to report in the known part; EGKK: unknown for 12h 00m of the period, no complete poll of
a covering source (first 2025-03-21 12:00Z to 2025-03-22 00:00Z)

Coverage
┏━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ source       ┃ polls                                   ┃ gaps                                    ┃
┡━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│ nats-uk (UK) │ 40 of 48 polls complete (every 30 min,  │ 09:00Z to 09:45Z (0.8 h): HTTP 503      │
│              │ inferred), 3 partial, 5 failed          │ <b>*down*</b>                           │
│              │                                         │ xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx │
│              │                                         │ xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx │
│              │                                         │ xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx │
│              │                                         │ xxxxxxxxxxxxxxxxxxx…                    │
│              │                                         │ down 20:00Z to 2025-03-22 02:00Z (6.0   │
│              │                                         │ h)                                      │
└──────────────┴─────────────────────────────────────────┴─────────────────────────────────────────┘
"""


_HEAD = (
    "<!DOCTYPE html>\n"
    '<html lang="en"><head><meta charset="utf-8">\n'
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';'
    " style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'\">\n"
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    "<title>NOTAM digest for 2025-03-21</title><style>"
)


def test_markdown_line_for_line() -> None:
    assert render.render_markdown(complete_day()) == COMPLETE_MD
    assert render.render_markdown(gappy_day()) == GAPPY_MD


def test_markdown_keeps_feed_text_on_its_line() -> None:
    """A line break in feed text would start a heading, a quote or a table row."""
    md = render.render_markdown(complete_day())
    assert not any(line.startswith("# *Airport") for line in md.splitlines())
    assert "\n# \\*Airport" not in md


def test_html_line_for_line() -> None:
    for d, body in ((complete_day(), COMPLETE_HTML), (gappy_day(), GAPPY_HTML)):
        page = render.render_html(d)
        head, rest = page.split("</style></head>")
        assert head.startswith(_HEAD)
        assert rest == body


def test_html_escapes_quotes_in_attributes() -> None:
    """The map link is an attribute: a quote in it must not end the attribute."""
    page = render.render_html(complete_day(), map_href='map.html" onclick="x()')
    assert (
        '<p><a href="map.html&quot; onclick=&quot;x()">The map of the NOTAMs in force</a></p>'
        in page
    )
    assert 'onclick="' not in page
    assert render.h("a'b\"c<&") == "a&#x27;b&quot;c&lt;&amp;"


def test_html_section_ids_and_ticks_of_a_period_that_is_not_a_utc_day() -> None:
    period = dg.day_period(date(2025, 3, 21), "Europe/Moscow")
    d = dg.Digest(period, z(6, day=22), (busy(),), (), (), True)
    page = render.render_html(d)
    assert (
        '<div class="ticks"><span>2025-03-20 21:00Z</span><span>2025-03-21 21:00Z</span></div>'
        in page
    )
    assert render.bar_labels(d) == ("2025-03-20 21:00Z", "2025-03-21 21:00Z")


def test_text_line_for_line() -> None:
    for d, expected in ((complete_day(), COMPLETE_TEXT), (gappy_day(), GAPPY_TEXT)):
        out = render.render_text(d)
        # the Coverage table is drawn by Rich: its cells are checked, not its borders
        assert out.split("\nCoverage\n")[0] == expected.split("\nCoverage\n")[0]
    table = render.render_text(gappy_day()).split("\nCoverage\n")[1]
    for cell in ("nats-uk (UK)", "40 of 48 polls complete (every 30 min,", "09:00Z to 09:45Z (0.8 h)",
                 "down 20:00Z to 2025-03-22 02:00Z (6.0"):  # fmt: skip
        assert cell in table


def test_render_dispatches_each_format() -> None:
    d = complete_day()
    assert render.render(d, "text") == render.render_text(d)
    assert render.render(d, "md") == render.render_markdown(d)
    assert render.render(d, "json") == render.render_json(d)
    assert render.render(d, "html") == render.render_html(d)
    linked = render.render(d, "html", map_href="map-2025-03-21.html")
    assert '<a href="map-2025-03-21.html">The map of the NOTAMs in force</a>' in linked
    assert "<a href" not in render.render(d, "html")
    assert set(render.FORMATS) == set(render.EXTENSIONS) == set(render.MEDIA_TYPES)


def test_bar_has_the_width_asked_for() -> None:
    spans = (Span(0.0, 0.5, True, True),)
    assert render.bar(spans, (), 8) == "####...."
    assert render.bar(spans, (Span(0.5, 1.0, False),), 4) == "##~~"


def one_location_day() -> dg.Digest:
    """One location: episodes that ended (one the next day, one with two categories),
    one from before watching began that was lifted after the period, a lift, an
    overdue NOTAM, notable NOTAMs (some left out), NOTAMs already in force."""
    ended = EpisodeItem(Bounded(z(2), z(1), z(1, 43)), Bounded(z(1, day=22), z(0, day=22),
                        z(0, 30, day=22)), ("aerodrome_closed", "aerodrome_limited"),
                        ("EGGN:A1918/25",), (timedelta(hours=22), timedelta(hours=23)), False)  # fmt: skip
    old = EpisodeItem(Bounded(z(0), None, z(9, day=20)), None, ("runway_closed",), ("EGGN:A1/25",),
                      (timedelta(hours=24), timedelta(hours=24)), True, z(3, day=22))  # fmt: skip
    lifted = Lifted("EGLL", "runway_closed", "EGGN:A1/25", "A1/25", Bounded(z(0)),
                    Bounded(z(5), z(4), z(4, 30)), (timedelta(hours=4), timedelta(hours=5)))  # fmt: skip
    overdue = Overdue("EGGN:A7/25", "A7/25", "aerodrome_limited", z(6), "AD LIMITED")
    notable = (
        Notable("cancelled", "EGGN:A8/25", "A8/25", None, Bounded(z(7), z(6)), "", "A9/25"),
        Notable("withdrawn", "EGGN:A7/25", None, "taxiway", Bounded(z(8)), "AD LIMITED"),
        Notable("expired", None, None, "apron", Bounded(z(9)), "STAND 1"),
    )
    unnamed = Lifted("EGLL", "taxiway", "EGGN:A2/25", None, Bounded(z(0)), Bounded(z(6)),
                     (timedelta(hours=6), timedelta(hours=6)))  # fmt: skip
    announced = (
        (an.Announced("EGLL", z(2, 30), ("favt_info/8287",), "favt_info", z(3, 50),
                      "favt_info/8290"), an.Verdict("confirmed", ("A1918/25",))),
        (an.Announced("EGLL", z(20), ("favt_info/8300",), "favt_info"),
         an.Verdict("not_in_notams", (), _covered("EGLL"))),
    )  # fmt: skip
    loc = LocationDigest(
        "EGLL", None, announced=announced, lifted=(lifted, unnamed), episodes=(ended, old),
        counts={"cancelled": 1},
        baseline=4, notable=notable, notable_more=3, overdue=(overdue,),
        coverage=_covered("EGLL"),
    )  # fmt: skip
    return dg.Digest(DAY, z(6, day=22), (loc,), (), (), True)


def test_one_location_line_for_line() -> None:
    """Singular words, ended and continuing episodes, times on the next day, lifts,
    overdue and notable NOTAMs (a NOTAM's text quoted once), NOTAMs already in force."""
    d = one_location_day()
    assert render.render_markdown(d) == ONE_MD
    page = render.render_html(d)
    for line in ONE_MD.splitlines():
        if line.startswith("- "):
            item = re.sub(r"\\(.)", r"\1", line[2:])  # the Markdown escapes undone
            assert f"<li>{render.h(item)}</li>" in page


ONE_MD = """\
# NOTAM digest for 2025-03-21

2025-03-21 00:00Z to 2025-03-22 00:00Z; made 2025-03-22 06:00Z

Every source was polled as expected: the record is complete.

1 location: 0 restrictions imposed, 2 lifted, 1 still in force, 1 overdue

## EGLL

**Restriction episodes**

- aerodrome closed → aerodrome limited: from 01:43Z (seen between 01:00Z and 02:00Z) to 2025-03-22 00:30Z (seen between 2025-03-22 00:00Z and 2025-03-22 01:00Z), lasted 22h 00m to 23h 00m
- runway closed: since before watching began (2025-03-20 09:00Z (seen by 00:00Z)), still in force at the end (1d 0h 00m so far); lifted later, 2025-03-22 03:00Z

**Announced by the authority (not NOTAMs)**

- announced 2025-03-21 02:30Z (favt\\_info/8287), lifted 2025-03-21 03:50Z (favt\\_info/8290), 1h 20m: confirmed by NOTAM A1918/25
- announced 2025-03-21 20:00Z (favt\\_info/8300), not lifted (announced 10h 00m ago): not in the NOTAMs (nats-uk/UK had complete polls over it)

**Lifted**

- runway closed 04:30Z (seen between 04:00Z and 05:00Z) \\[A1/25\\], in force 4h 00m to 5h 00m
- taxiway by 06:00Z \\[EGGN:A2/25\\], in force 6h 00m

**Overdue (estimated end passed, no replacement or cancellation)**

- A7/25: EST 2025-03-21 06:00Z: "AD LIMITED"

**Notable NOTAMs**

- cancelled by A9/25: A8/25 (other) between 06:00Z and 07:00Z
- withdrawn: EGGN:A7/25 (taxiway) by 08:00Z
- expired: ? (apron) by 09:00Z: "STAND 1"
- and 3 more

NOTAMs: 1 cancelled (4 already in force when watching began, not counted)

## Coverage

| source | polls | gaps |
|---|---|---|
"""
