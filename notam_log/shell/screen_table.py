"""The watcher's tables, drawn as Rich draws them, at a fraction of the cost.

The watch screen is three tables of one-line cells redrawn every second. Rich's
:class:`rich.table.Table` renders each cell through its general machinery (padding,
wrapping, cropping, shaping: about 0.2 ms a cell, 75 ms for a 200x60 screen), most of
which one-line, no-wrap cells never need. :class:`ScreenTable` takes the same columns and
rows and yields the same segments as ``Table(box=None, expand=True, width=width,
show_edge=False, pad_edge=False, padding=(0, 1), header_style=...)`` with those columns
(``no_wrap``, ``ratio``, ``min_width``, ``max_width``), computing the column widths as
Rich does and drawing each cell with Rich's own :class:`~rich.text.Text` operations.
Anything outside that case (a cell of several lines or with tabs, its own justify or
overflow, a header Rich would read as markup, a column left narrower than its padding)
is handed to Rich's Table itself. ``tests/test_screen_table.py`` compares the two segment
for segment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich._ratio import ratio_distribute, ratio_reduce
from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    no_wrap: bool
    ratio: int | None
    min_width: int | None
    max_width: int | None


class ScreenTable:
    """A table of one-line :class:`Text` cells, drawn like Rich's Table (see the module)."""

    def __init__(self, width: int, header_style: str = "bold dim") -> None:
        self.width = width
        self.header_style = header_style
        self.columns: list[_Column] = []
        self.rows: list[tuple[Text, ...]] = []

    def add_column(
        self,
        header: str,
        *,
        no_wrap: bool = False,
        ratio: int | None = None,
        min_width: int | None = None,
        max_width: int | None = None,
    ) -> None:
        self.columns.append(_Column(header, no_wrap, ratio, min_width, max_width))

    def add_row(self, *cells: Text) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(cells)

    def rich_table(self) -> Table:
        """The same table as Rich's :class:`Table`."""
        table = Table(
            box=None,
            expand=True,
            width=self.width,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1),
            header_style=self.header_style,
        )
        for c in self.columns:
            table.add_column(
                c.header,
                no_wrap=c.no_wrap,
                ratio=c.ratio,
                min_width=c.min_width,
                max_width=c.max_width,
            )
        for row in self.rows:
            table.add_row(*row)
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self._widths() if self._simple() else None
        if widths is None:
            yield from console.render(self.rich_table(), options)
            return
        yield from self._render(console, widths)

    # ------------------------------------------------------------------ layout

    def _pads(self, index: int) -> tuple[int, int]:
        """(left, right) padding of a column: one cell each side, none at the edges."""
        return (0 if index == 0 else 1), (0 if index == len(self.columns) - 1 else 1)

    def _simple(self) -> bool:
        """Every cell one line of plain width, left to the column's justify and overflow."""
        if not self.columns or self.width < 1:
            return False
        for c in self.columns:
            if not c.no_wrap or any(ch in c.header for ch in "\n\t[:"):
                return False  # markup or emoji codes: Rich reads the header
        for row in self.rows:
            for cell in row:
                plain = cell.plain
                if "\n" in plain or "\t" in plain:
                    return False
                if cell.justify is not None or cell.overflow is not None:
                    return False
        return True

    def _measure(self, index: int, most: int) -> int:
        """The widest a column asks to be within ``most`` cells, padding included, as
        Rich's ``Table._measure_column`` (through ``Padding`` and ``Text``) says it."""
        if most < 1:
            return 0
        c = self.columns[index]
        left, right = self._pads(index)
        widest = 0
        for plain in (c.header, *(row[index].plain for row in self.rows)):
            if most - left - right < 1:
                widest = max(widest, most)  # Padding: no room for its content
                continue
            # Text.__rich_measure__: its widest line (splitlines: \u2028 and the like too)
            text = max((cell_len(ln) for ln in plain.splitlines()), default=0)
            widest = max(widest, min(min(text, most) + left + right, most))
        widest = min(widest, most)
        if c.min_width is not None:
            widest = max(widest, c.min_width + left + right)
        if c.max_width is not None:
            widest = min(widest, c.max_width + left + right)
        return widest

    def _widths(self) -> list[int] | None:
        """Each column's width, padding included, as Rich's ``_calculate_column_widths``
        makes them (``expand``, every column ``no_wrap``); None when a column is left
        no room for its text (Rich's Table then draws it)."""
        most = self.width
        n = len(self.columns)
        maxima = [self._measure(i, most) for i in range(n)]
        widths = [m or 1 for m in maxima]
        ratios = [c.ratio or 0 for c in self.columns if c.ratio is not None]
        if any(ratios):
            fixed = [
                0 if c.ratio is not None else m for c, m in zip(self.columns, maxima, strict=True)
            ]
            minimum = [1 + sum(self._pads(i)) for i, c in enumerate(self.columns) if c.ratio]
            flexible = iter(ratio_distribute(most - sum(fixed), ratios, minimum))
            for i, c in enumerate(self.columns):
                if c.ratio is not None:
                    widths[i] = fixed[i] + next(flexible)
        total = sum(widths)
        if total > most:
            # no column may wrap, so none is collapsed: all are cut evenly, then measured
            # again within their new widths (the total stays the one before measuring)
            widths = ratio_reduce(total - most, [1] * n, widths, widths)
            total = sum(widths)
            widths = [self._measure(i, w) or 0 for i, w in enumerate(widths)]
        if total < most:
            widths = [
                w + pad
                for w, pad in zip(widths, ratio_distribute(most - total, widths), strict=True)
            ]
        for i, w in enumerate(widths):
            if w - sum(self._pads(i)) < 1:
                return None
        return widths

    # ------------------------------------------------------------------ drawing

    def _render(self, console: Console, widths: list[int]) -> Iterator[Segment]:
        header = console.get_style(self.header_style)
        null = Style.null()
        # the header row's style is applied over each of its segments (when not null):
        # the padding's (null) and the header text's (none)
        pad_style, text_style = (header, header) if header else (null, None)
        new_line = Segment.line()
        line: list[Segment] = []
        for i, (c, w) in enumerate(zip(self.columns, widths, strict=True)):
            left, right = self._pads(i)
            if left:
                line.append(Segment(" " * left, pad_style))
            text = Text(c.header)
            text.truncate(w - left - right, overflow="ellipsis", pad=True)
            line.append(Segment(text.plain, text_style))
            if right:
                line.append(Segment(" " * right, pad_style))
        yield from line
        yield new_line
        for row in self.rows:
            for i, (cell, w) in enumerate(zip(row, widths, strict=True)):
                left, right = self._pads(i)
                if left:
                    yield Segment(" " * left, null)
                yield from _cell(console, cell, w - left - right)
                if right:
                    yield Segment(" " * right, null)
            yield new_line


def _cell(console: Console, cell: Text, width: int) -> Iterator[Segment]:
    """One cell's text cut or padded to ``width`` (Rich's ``Text.wrap`` without wrapping,
    justified left, "…" where cut), as Rich renders it inside a table."""
    if not cell.spans:  # one style (or none): one segment, as Text.render makes it
        plain = cell.plain
        length = cell_len(plain)
        if length > width:
            plain = set_cell_size(plain, width - 1) + "…"
        elif length < width:
            plain += " " * (width - length)
        if not plain:
            return
        if not cell.style:
            yield Segment(plain)
        else:
            null = Style.null()
            yield Segment(plain, Style.combine([null, console.get_style(cell.style, default=null)]))
        return
    line = cell.copy()
    line.truncate(width, overflow="ellipsis", pad=True)
    for segment in Text("\n").join([line]).render(console):
        if segment.text:
            yield segment
