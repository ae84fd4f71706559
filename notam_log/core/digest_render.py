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


def render(digest: Digest, fmt: str) -> str:
    """The digest as ``text``, ``md``, ``html`` or ``json``."""
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


def bar(spans: Sequence[Span], width: int = BAR_WIDTH) -> str:
    """One cell per half hour of a day: ``#`` restricted for most of it, ``+`` for part
    of it, ``?`` possibly restricted (inside a bounded range), ``.`` not restricted."""
    cells = []
    for i in range(width):
        a, b = i / width, (i + 1) / width
        sure = sum(max(0.0, min(b, s.end) - max(a, s.start)) for s in spans if s.certain)
        maybe = any(s.start < b and s.end > a for s in spans if not s.certain)
        if sure * width >= 0.5:
            cells.append("#")
        elif sure > 0:
            cells.append("+")
        else:
            cells.append("?" if maybe else ".")
    return "".join(cells)


def _lines_for(loc: LocationDigest, d: Digest) -> list[tuple[str, list[str]]]:
    """(heading, lines) blocks that every text-like format shares."""
    blocks: list[tuple[str, list[str]]] = []
    if loc.episodes:
        blocks.append(("Restriction episodes", [episode_text(e, d) for e in loc.episodes]))
    if loc.imposed:
        blocks.append(
            (
                "Imposed",
                [
                    f"{i.category.replace('_', ' ')} {when_text(i.when, d)}"
                    f" [{i.id or i.key or '?'}]{_q(i.text)}"
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
                [f"{o.id or o.key}: EST {_full(o.end)}{_q(o.text)}" for o in loc.overdue],
            )
        )
    if loc.notable:
        lines = []
        for n in loc.notable:
            by = f" by {n.by}" if n.by else ""
            lines.append(
                f"{n.kind}{by}: {n.id or n.key or '?'}"
                f" ({(n.category or 'other').replace('_', ' ')}) {when_text(n.when, d)}{_q(n.text)}"
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
    for loc in d.locations:
        parts.append(Text(""))
        head = Text(loc.location, style="bold")
        if loc.name:
            head.append(f"  {clean(loc.name, one_line=True)}")
        parts.append(head)
        if loc.spans:
            a, b = bar_labels(d)
            parts.append(Text(f"  {a} |{bar(loc.spans)}| {b}", style="red"))
        if loc.quiet:
            parts.append(Text("  nothing to report"))
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
    for loc in d.locations:
        name = f" {md_escape(loc.name)}" if loc.name else ""
        out += [f"## {md_escape(loc.location)}{name}", ""]
        if loc.spans:
            a, b = bar_labels(d)
            out += [f"`{a} |{bar(loc.spans)}| {b}`", ""]
        if loc.quiet:
            out += ["Nothing to report.", ""]
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
.bar span{position:absolute;top:0;bottom:0}.bar .c{background:#d73a49}
.bar .p{background:repeating-linear-gradient(45deg,#f4a5ad 0 4px,#fbe0e3 4px 8px)}
.ticks{display:flex;justify-content:space-between;font-size:.7rem;color:#586069}
table{border-collapse:collapse;width:100%;font-size:.85rem}
td,th{border-bottom:1px solid #e1e4e8;padding:.3rem;text-align:left;vertical-align:top}
.bad{color:#b31d28}q{font-family:ui-monospace,Menlo,monospace;font-size:.85rem}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'"


def h(text: str) -> str:
    """Escape for HTML text and attribute values (after removing control characters)."""
    return html.escape(clean(text), quote=True)


def render_html(d: Digest) -> str:
    """One self-contained page: inline CSS, no script, no external asset."""
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
    for loc in d.locations:
        name = f' <span class="dim">{h(loc.name)}</span>' if loc.name else ""
        o.append(f'<section id="loc-{h(loc.location)}"><h2>{h(loc.location)}{name}</h2>')
        o.append(_html_bar(loc.spans, d))
        if loc.quiet:
            o.append("<p>Nothing to report.</p></section>")
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


def _html_bar(spans: Sequence[Span], d: Digest) -> str:
    cells = []
    for s in spans:
        cls = "c" if s.certain else "p"
        left, width = s.start * 100, (s.end - s.start) * 100
        label = "restricted" if s.certain else "possibly restricted"
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
