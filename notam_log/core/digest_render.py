"""Rendering a :class:`~notam_log.core.digest.Digest`: Rich (terminal), plain text, Markdown,
self-contained HTML (:mod:`~notam_log.core.digest_html`) and JSON
(``data/digest.schema.json``); the words they share are in :mod:`~notam_log.core.digest_words`.

Pure: no I/O, no clock. Feed text is cleaned of control characters, then escaped for
the target (Rich ``Text``, Markdown backslashes and entities, HTML entities); the HTML
also carries a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from notam_log.core import timeline as tl
from notam_log.core.digest import Digest, LocationDigest
from notam_log.core.digest_html import h as h  # found here too
from notam_log.core.digest_html import render_html as render_html
from notam_log.core.digest_json import render_json as render_json
from notam_log.core.digest_json import to_json as to_json
from notam_log.core.digest_words import BAR_WIDTH as BAR_WIDTH
from notam_log.core.digest_words import _lines_for
from notam_log.core.digest_words import bar as bar
from notam_log.core.digest_words import bar_cells as bar_cells
from notam_log.core.digest_words import bar_labels as bar_labels
from notam_log.core.digest_words import counts_text as counts_text
from notam_log.core.digest_words import coverage_text as coverage_text
from notam_log.core.digest_words import episode_text as episode_text
from notam_log.core.digest_words import gap_text as gap_text
from notam_log.core.digest_words import headline as headline
from notam_log.core.digest_words import lasted_text as lasted_text
from notam_log.core.digest_words import legend_text as legend_text
from notam_log.core.digest_words import quiet_text as quiet_text
from notam_log.core.digest_words import subtitle as subtitle
from notam_log.core.digest_words import title as title
from notam_log.core.digest_words import when_text as when_text
from notam_log.core.display import clean

FORMATS: tuple[str, ...] = ("text", "md", "html", "json")
EXTENSIONS: dict[str, str] = {"text": "txt", "md": "md", "html": "html", "json": "json"}
MEDIA_TYPES: dict[str, str] = {
    "text": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}


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
