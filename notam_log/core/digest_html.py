"""The digest as one self-contained HTML page: inline CSS, no script, no external asset,
and a Content-Security-Policy that allows no script at all.

Pure: no I/O, no clock. Moved from :mod:`notam_log.core.digest_render`, which still
exports :func:`render_html` and :func:`h`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from notam_log.core.digest import Digest, Span
from notam_log.core.digest_words import (
    _lines_for,
    bar_labels,
    counts_text,
    coverage_text,
    gap_text,
    headline,
    quiet_text,
    subtitle,
    title,
)
from notam_log.core.display import clean

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
