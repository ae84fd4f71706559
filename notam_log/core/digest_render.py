"""Rendering a :class:`~notam_log.core.digest.Digest`: Rich (terminal), plain text, Markdown,
self-contained HTML and JSON (``data/digest.schema.json``).

Pure: no I/O, no clock. Feed text is cleaned of control characters, then escaped for
the target (Rich ``Text``, Markdown backslashes and entities, HTML entities); the HTML
also carries a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import html
import io
import re
import textwrap
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from notam_log.core import timeline as tl
from notam_log.core.announced import line as announced_line
from notam_log.core.digest import (
    NOTAM_KINDS,
    Bounded,
    Coverage,
    Digest,
    EpisodeItem,
    Gap,
    LocationDigest,
    Span,
)
from notam_log.core.digest_json import render_json as render_json  # found here too
from notam_log.core.digest_json import to_json as to_json
from notam_log.core.display import clean, duration_range

FORMATS: tuple[str, ...] = ("text", "md", "html", "json")
EXTENSIONS: dict[str, str] = {"text": "txt", "md": "md", "html": "html", "json": "json"}
MEDIA_TYPES: dict[str, str] = {
    "text": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}
BAR_WIDTH = 48


def render(digest: Digest, fmt: str, *, map_href: str | None = None) -> str:
    """The digest as ``text``, ``md``, ``html`` or ``json``; the HTML links to
    ``map_href`` (the period's map page, written beside it) when given."""
    if fmt == "html":
        return render_html(digest, map_href=map_href)
    renderers: dict[str, Callable[[Digest], str]] = {
        "text": render_text,
        "md": render_markdown,
        "html": render_html,
        "json": render_json,
    }
    return renderers[fmt](digest)


# --------------------------------------------------------------------------- shared words


def title(d: Digest) -> str:
    p = d.period
    if p.kind == "day":
        return f"NOTAM digest for {p.label}"
    return f"NOTAM digest, {_full(p.since)} to {_full(p.until)}"


def subtitle(d: Digest) -> str:
    p = d.period
    span = f"{_full(p.since)} to {_full(p.until)}"
    if p.timezone != "UTC":
        span += f" (a day in {p.timezone})"
    return f"{span}; made {_full(d.made_at)}"


def headline(d: Digest) -> str:
    t = d.totals
    return (
        f"{_n(len(d.locations), 'location')}: {_n(t['imposed'], 'restriction')} imposed,"
        f" {t['lifted']} lifted, {t['in_force']} still in force, {t['overdue']} overdue"
    )


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def bar_labels(d: Digest) -> tuple[str, str]:
    """The bar's two ends: ``00Z``/``24Z`` for a UTC day, else the period's times."""
    p = d.period
    if p.kind == "day" and p.timezone == "UTC":
        return "00Z", "24Z"
    return _full(p.since), _full(p.until)


def _full(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%MZ")


def _short(t: datetime, d: Digest) -> str:
    return t.strftime("%H:%MZ") if t.date() == d.period.since.date() else _full(t)


def when_text(b: Bounded, d: Digest) -> str:
    """``01:43Z (seen between 01:00Z and 02:00Z)``, or the range alone."""
    seen = (
        f"by {_short(b.by, d)}"
        if b.after is None
        else f"between {_short(b.after, d)} and {_short(b.by, d)}"
    )
    if b.exact:
        return f"{_short(b.best, d)} (seen {seen})"
    return seen


def lasted_text(lasted: tuple[timedelta, timedelta]) -> str:
    return duration_range(*lasted)


def episode_text(e: EpisodeItem, d: Digest) -> str:
    cats = " → ".join(c.replace("_", " ") for c in e.categories)
    began = when_text(e.began, d)
    if e.before_watch:
        began = f"before watching began ({began})"
    if e.ended is None:
        out = f"{cats}: since {began}, still in force at the end ({lasted_text(e.lasted)} so far)"
        if e.lifted_later is not None:
            out += f"; lifted later, {_full(e.lifted_later)}"
        return out
    return f"{cats}: from {began} to {when_text(e.ended, d)}, lasted {lasted_text(e.lasted)}"


def counts_text(loc: LocationDigest) -> str:
    parts = [f"{loc.counts.get(k, 0)} {k}" for k in NOTAM_KINDS if loc.counts.get(k, 0)]
    out = ", ".join(parts) if parts else "no NOTAM changes"
    if loc.baseline:
        out += f" ({loc.baseline} already in force when watching began, not counted)"
    return out


def gap_text(g: Gap, d: Digest) -> str:
    hours = (g.end - g.start).total_seconds() / 3600
    out = f"{_short(g.start, d)} to {_short(g.end, d)} ({hours:.1f} h)"
    if g.reason:
        out += f": {clean(g.reason, one_line=True, limit=160)}"
    return out


def coverage_text(c: Coverage) -> str:
    every = int(c.interval.total_seconds() // 60)
    how = "inferred" if c.interval_inferred else "configured"
    out = f"{c.complete} of {c.expected} polls complete (every {every} min, {how})"
    if c.partial:
        out += f", {c.partial} partial"
    if c.failed:
        out += f", {c.failed} failed"
    return out


def bar_cells(
    spans: Sequence[Span], unknown: Sequence[Span] = (), width: int = BAR_WIDTH
) -> list[tuple[str, str]]:
    """One (symbol, tone) per half hour of a day, as in ``timeline`` (see
    :data:`notam_log.core.timeline.LEGEND`): ``#`` restricted for most of it, ``+`` for
    part of it, ``?`` possibly restricted, ``.`` not restricted, ``~`` unknown."""
    cells: list[tuple[str, str]] = []
    for i in range(width):
        a, b = i / width, (i + 1) / width
        sure = closed = 0.0
        for s in spans:
            if s.certain:
                o = max(0.0, min(b, s.end) - max(a, s.start))
                o = o if o > _EPSILON else 0.0  # spans are rounded to 4 decimals
                sure += o
                closed += o if s.closed else 0.0
        tone = "closed" if closed * 2 >= sure else "limited"
        if sure * width >= 0.5:
            cells.append((tl.RESTRICTED, tone))
        elif sure > 0:
            cells.append((tl.PART, tone))
        elif any(_meets(s, a, b) for s in spans if not s.certain):
            cells.append((tl.POSSIBLE, "possible"))
        elif any(_meets(u, a, b) for u in unknown):
            cells.append((tl.UNKNOWN, "unknown"))
        else:
            cells.append((tl.CLEAR, "clear"))
    return cells


_EPSILON = 1e-4


def _meets(s: Span, a: float, b: float) -> bool:
    return s.start < b - _EPSILON and s.end > a + _EPSILON


def bar(spans: Sequence[Span], unknown: Sequence[Span] = (), width: int = BAR_WIDTH) -> str:
    """The cells of :func:`bar_cells` as one string."""
    return "".join(sym for sym, _tone in bar_cells(spans, unknown, width))


def legend_text() -> str:
    return "Bars: " + tl.legend()


def quiet_text(loc: LocationDigest) -> str:
    """What a location with nothing to report says: never "nothing" when it is unknown."""
    cov = loc.coverage
    if cov is None or cov.state == "covered":
        return "nothing to report"
    if cov.state == "unknown":
        return f"unknown: {cov.warning()}"
    return f"nothing to report in the known part; {cov.warning()}"


def _lines_for(loc: LocationDigest, d: Digest) -> list[tuple[str, list[str]]]:
    """(heading, lines) blocks that every text-like format shares."""
    blocks: list[tuple[str, list[str]]] = []
    seen: set[str] = set()

    def q(key: str | None, text: str) -> str:
        """A NOTAM's text, the first time the section names the NOTAM only."""
        if key is not None and key in seen:
            return ""
        if key is not None:
            seen.add(key)
        return _q(text)

    if loc.episodes:
        blocks.append(("Restriction episodes", [episode_text(e, d) for e in loc.episodes]))
    if loc.announced:
        blocks.append(
            (
                "Announced by the authority (not NOTAMs)",
                [announced_line(a, v, d.made_at) for a, v in loc.announced],
            )
        )
    if loc.imposed:
        blocks.append(
            (
                "Imposed",
                [
                    f"{i.category.replace('_', ' ')} {when_text(i.when, d)}"
                    f" [{i.id or i.key or '?'}]{q(i.key, i.text)}"
                    for i in loc.imposed
                ],
            )
        )
    if loc.lifted:
        blocks.append(
            (
                "Lifted",
                [
                    f"{i.category.replace('_', ' ')} {when_text(i.when, d)}"
                    f" [{i.id or i.key or '?'}], in force {lasted_text(i.lasted)}"
                    for i in loc.lifted
                ],
            )
        )
    if loc.overdue:
        blocks.append(
            (
                "Overdue (estimated end passed, no replacement or cancellation)",
                [f"{o.id or o.key}: EST {_full(o.end)}{q(o.key, o.text)}" for o in loc.overdue],
            )
        )
    if loc.notable:
        lines = []
        for n in loc.notable:
            by = f" by {n.by}" if n.by else ""
            lines.append(
                f"{n.kind}{by}: {n.id or n.key or '?'}"
                f" ({(n.category or 'other').replace('_', ' ')}) {when_text(n.when, d)}"
                f"{q(n.key, n.text)}"
            )
        if loc.notable_more:
            lines.append(f"and {loc.notable_more} more")
        blocks.append(("Notable NOTAMs", lines))
    return blocks


def _q(text: str) -> str:
    return f': "{text}"' if text else ""


# --------------------------------------------------------------------------- Rich and text


def _item(line: str, width: int | None) -> Text:
    """``    - text``; with a ``width``, wrapped to it under the text's own start (a
    hanging indent), else one line (a terminal wraps it)."""
    text = clean(line, one_line=True)
    if width is None:
        return Text(f"    - {text}")
    wrapped = textwrap.fill(
        text,
        width,
        initial_indent="    - ",
        subsequent_indent="      ",
        break_on_hyphens=False,
    )  # a word longer than a line is cut across lines: nothing is lost or cropped
    return Text(wrapped, no_wrap=True)


def render_rich(d: Digest, width: int | None = None) -> RenderableType:
    """A Rich renderable; feed text only ever enters as ``Text``, never as markup. With
    ``width``, list items are wrapped to it with a hanging indent (plain text files)."""
    parts: list[RenderableType] = [
        Text(title(d), style="bold"),
        Text(subtitle(d), style="dim"),
    ]
    for w in d.warnings:
        parts.append(Text(f"WARNING: {clean(w, one_line=True)}", style="bold yellow"))
    if d.complete:
        parts.append(Text("Every source was polled as expected: the record is complete."))
    parts.append(Text(headline(d)))
    if any(loc.spans or loc.unknown for loc in d.locations):
        parts.append(Text(legend_text(), style="dim"))
    for loc in d.locations:
        parts.append(Text(""))
        head = Text(loc.location, style="bold")
        if loc.name:
            head.append(f"  {clean(loc.name, one_line=True)}")
        parts.append(head)
        if loc.spans or loc.unknown:
            parts.append(_rich_bar(loc, d))
        if loc.quiet:
            parts.append(Text(f"  {clean(quiet_text(loc), one_line=True)}"))
            continue
        for heading, lines in _lines_for(loc, d):
            parts.append(Text(f"  {heading}:", style="bold"))
            for line in lines:
                parts.append(_item(line, width))
        parts.append(Text(f"  NOTAMs: {counts_text(loc)}", style="dim"))
    parts.append(Text(""))
    table = Table(title="Coverage", title_justify="left", expand=False)
    for col in ("source", "polls", "gaps"):
        table.add_column(col, overflow="fold")
    for c in d.coverage:
        gaps = [gap_text(g, d) for g in c.gaps] + ["down " + gap_text(g, d) for g in c.down]
        table.add_row(
            Text(clean(c.label)),
            Text(coverage_text(c)),
            Text("\n".join(gaps) or "none", style="red" if gaps else ""),
        )
    parts.append(table)
    return Group(*parts)


def _rich_bar(loc: LocationDigest, d: Digest) -> Text:
    """The bar with each cell in its tone's colour (closed, limited, unknown...)."""
    a, b = bar_labels(d)
    out = Text(f"  {a} |")
    for sym, tone in bar_cells(loc.spans, loc.unknown):
        out.append(sym, style=tl.TONE_STYLES.get(tone, ""))
    out.append(f"| {b}")
    return out


def render_text(d: Digest, width: int = 100) -> str:
    """Plain text (no colour), as written to ``.txt`` files and e-mail bodies."""
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        color_system=None,
        force_terminal=False,
        highlight=False,
        _environ={},
    )
    console.print(render_rich(d, width))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


# --------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: str) -> str:
    """Feed text for Markdown: no markup, no raw HTML, one line."""
    text = clean(text, one_line=True)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def render_markdown(d: Digest) -> str:
    out = [f"# {md_escape(title(d))}", "", md_escape(subtitle(d)), ""]
    for w in d.warnings:
        out.append(f"> **Warning:** {md_escape(w)}")
    if d.warnings:
        out.append("")
    else:
        out += ["Every source was polled as expected: the record is complete.", ""]
    out += [md_escape(headline(d)), ""]
    if any(loc.spans or loc.unknown for loc in d.locations):
        out += [md_escape(legend_text()), ""]
    for loc in d.locations:
        name = f" {md_escape(loc.name)}" if loc.name else ""
        out += [f"## {md_escape(loc.location)}{name}", ""]
        if loc.spans or loc.unknown:
            a, b = bar_labels(d)
            out += [f"`{a} |{bar(loc.spans, loc.unknown)}| {b}`", ""]
        if loc.quiet:
            out += [md_escape(quiet_text(loc)[:1].upper() + quiet_text(loc)[1:]) + ".", ""]
            continue
        for heading, lines in _lines_for(loc, d):
            out.append(f"**{md_escape(heading)}**")
            out.append("")
            out += [f"- {md_escape(line)}" for line in lines]
            out.append("")
        out += [f"NOTAMs: {md_escape(counts_text(loc))}", ""]
    out += ["## Coverage", "", "| source | polls | gaps |", "|---|---|---|"]
    for c in d.coverage:
        gaps = [gap_text(g, d) for g in c.gaps] + ["down " + gap_text(g, d) for g in c.down]
        out.append(
            f"| {md_escape(c.label)} | {md_escape(coverage_text(c))} |"
            f" {'<br>'.join(md_escape(g) for g in gaps) or 'none'} |"
        )
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
padding:12px;color:#1b1f23;background:#fff;max-width:52rem}
h1{font-size:1.35rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .3rem}
h3{font-size:.95rem;margin:.8rem 0 .2rem}.dim{color:#586069;font-size:.85rem}
.warn{background:#fff5d1;border-left:4px solid #d4a000;padding:.5rem .7rem;margin:.5rem 0}
.ok{background:#e9f7ee;border-left:4px solid #2c974b;padding:.5rem .7rem;margin:.5rem 0}
ul{padding-left:1.2rem;margin:.2rem 0}li{margin:.15rem 0;overflow-wrap:anywhere}
.bar{position:relative;height:14px;background:#eef1f4;border-radius:3px;margin:.3rem 0 0}
.bar,.sw.n{background:#dcefe1}
.bar span{position:absolute;top:0;bottom:0}.bar .c,.sw.c{background:#d73a49}
.bar .l,.sw.l{background:#f0a020}
.bar .p,.sw.p{background:repeating-linear-gradient(45deg,#f4a5ad 0 4px,#fbe0e3 4px 8px)}
.bar .u,.sw.u{background:repeating-linear-gradient(-45deg,#8b949e 0 3px,#d0d4d9 3px 7px)}
.legend{font-size:.78rem;color:#586069;margin:.3rem 0 .6rem}
.sw{display:inline-block;width:.9rem;height:.7rem;vertical-align:middle;margin:0 .25rem 0 .6rem;
border-radius:2px}
.ticks{display:flex;justify-content:space-between;font-size:.7rem;color:#586069}
table{border-collapse:collapse;width:100%;font-size:.85rem}
td,th{border-bottom:1px solid #e1e4e8;padding:.3rem;text-align:left;vertical-align:top}
.bad{color:#b31d28}q{font-family:ui-monospace,Menlo,monospace;font-size:.85rem}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'"


def h(text: str) -> str:
    """Escape for HTML text and attribute values (after removing control characters)."""
    return html.escape(clean(text), quote=True)


def render_html(d: Digest, *, map_href: str | None = None) -> str:
    """One self-contained page: inline CSS, no script, no external asset (the map page,
    when ``map_href`` names one, is a link to a file beside it)."""
    o: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(title(d))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{h(title(d))}</h1>",
        f'<p class="dim">{h(subtitle(d))}</p>',
    ]
    for w in d.warnings:
        o.append(f'<div class="warn" role="alert"><strong>Warning:</strong> {h(w)}</div>')
    if d.complete:
        o.append(
            '<div class="ok">Every source was polled as expected: the record is complete.</div>'
        )
    o.append(f"<p>{h(headline(d))}</p>")
    if d.locations:
        o.append(_html_legend())
    if map_href:
        o.append(f'<p><a href="{h(map_href)}">The map of the NOTAMs in force</a></p>')
    for loc in d.locations:
        name = f' <span class="dim">{h(loc.name)}</span>' if loc.name else ""
        o.append(f'<section id="loc-{h(loc.location)}"><h2>{h(loc.location)}{name}</h2>')
        o.append(_html_bar(loc.spans, loc.unknown, d))
        if loc.quiet:
            text = quiet_text(loc)
            o.append(f"<p>{h(text[:1].upper() + text[1:])}.</p></section>")
            continue
        for heading, lines in _lines_for(loc, d):
            o.append(f"<h3>{h(heading)}</h3><ul>")
            o += [f"<li>{h(line)}</li>" for line in lines]
            o.append("</ul>")
        o.append(f'<p class="dim">NOTAMs: {h(counts_text(loc))}</p></section>')
    o.append("<h2>Coverage</h2><table><tr><th>source</th><th>polls</th><th>gaps</th></tr>")
    for c in d.coverage:
        gaps = [gap_text(g, d) for g in c.gaps] + ["down " + gap_text(g, d) for g in c.down]
        cell = "<br>".join(h(g) for g in gaps) or "none"
        cls = ' class="bad"' if gaps else ""
        o.append(
            f"<tr><td>{h(c.label)}</td><td>{h(coverage_text(c))}</td><td{cls}>{cell}</td></tr>"
        )
    o.append("</table>")
    o.append('<p class="dim">Made by notam-log. Times are UTC.</p></body></html>')
    return "\n".join(o) + "\n"


_HTML_LEGEND: tuple[tuple[str, str], ...] = (
    ("c", "closed"),
    ("l", "limited"),
    ("p", "possibly restricted (the change lies between two polls)"),
    ("n", "not restricted (complete polls of a source covering it)"),
    ("u", "unknown (no complete poll of a source covering it, or not yet)"),
)


def _html_legend() -> str:
    items = "".join(f'<span class="sw {cls}"></span>{h(text)}' for cls, text in _HTML_LEGEND)
    return f'<p class="legend" id="legend">{items}</p>'


def _html_bar(spans: Sequence[Span], unknown: Sequence[Span], d: Digest) -> str:
    cells = []
    for s in unknown:
        left, width = s.start * 100, (s.end - s.start) * 100
        cells.append(
            f'<span class="u" title="unknown" style="left:{left:.2f}%;width:{width:.2f}%"></span>'
        )
    for s in spans:
        cls = ("c" if s.closed else "l") if s.certain else "p"
        left, width = s.start * 100, (s.end - s.start) * 100
        label = ("closed" if s.closed else "limited") if s.certain else "possibly restricted"
        cells.append(
            f'<span class="{cls}" title="{label}" style="left:{left:.2f}%;width:{width:.2f}%">'
            "</span>"
        )
    if d.period.kind == "day" and d.period.timezone == "UTC":
        ticks = ["00", "06", "12", "18", "24"]
    else:
        ticks = list(bar_labels(d))
    return (
        f'<div class="bar" role="img" aria-label="restrictions over the period">{"".join(cells)}'
        f'</div><div class="ticks">{"".join(f"<span>{h(t)}</span>" for t in ticks)}</div>'
    )


# --------------------------------------------------------------------------- JSON
