"""ScreenTable draws what Rich's Table draws, segment for segment (notam_log/shell/screen_table.py).

Random tables of the watcher's shape (and others): one-line cells with styles, wide
characters, emoji, empty cells, text far longer than the screen, ids of every length;
columns with and without ratio, min and max widths; widths from 40 to 250 columns.
"""

from __future__ import annotations

import random

import pytest
from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from notam_log.shell.screen_table import ScreenTable

WORDS = ["EGLL", "AD", "CLSD", "RWY", "09L/27R", "London", "Heathrow", "…", "北京首都", "Ижевск",
         "🛬", "e\u0301", "A1918/25", "EGGN:A1918/25", "", " ", "X" * 40, "\u2028", "[bold]x[/]"]  # fmt: skip
STYLES = [None, "bold", "red", "bold red", "dim", "yellow", "bold underline", "magenta"]


def segments(renderable: object, width: int) -> list[Segment]:
    console = Console(width=width, force_terminal=True, color_system="truecolor", _environ={})
    return list(console.render(renderable, console.options))  # type: ignore[arg-type]


def drawn(renderable: object, width: int) -> str:
    console = Console(width=width, force_terminal=True, color_system="truecolor", _environ={})
    console.begin_capture()
    console.print(renderable)
    return console.end_capture()


def cell(rng: random.Random) -> Text:
    text = Text(style=rng.choice(STYLES) or "")
    for _ in range(rng.choice([0, 1, 1, 2, 3, 8, 40])):
        text.append(rng.choice(WORDS) + rng.choice([" ", "", "  "]), style=rng.choice(STYLES))
    return text


def table(rng: random.Random, width: int) -> ScreenTable:
    t = ScreenTable(width, header_style=rng.choice(["bold dim", "bold", "none"]))
    for name in rng.sample(["where", "what", "since", "for", "until", "NOTAM", "text", "detail"],
                           rng.randint(1, 7)):  # fmt: skip
        t.add_column(
            name,
            no_wrap=True,
            ratio=rng.choice([None, None, 1, 2, 4]),
            min_width=rng.choice([None, None, 4, 7, 12, 30]),
            max_width=rng.choice([None, None, 8, 12, 14, 24]),
        )
    for _ in range(rng.choice([0, 1, 3, 12])):
        t.add_row(*[cell(rng) for _ in t.columns])
    return t


def test_random_tables_are_drawn_as_rich_draws_them() -> None:
    rng = random.Random(16)
    fast = 0
    for i in range(300):
        width = rng.choice([40, 41, 60, 80, 99, 110, 120, 160, 200, 250])
        t = table(rng, width)
        want = segments(t.rich_table(), width)
        assert segments(t, width) == want, i
        assert drawn(t, width) == drawn(t.rich_table(), width), i
        fast += t._simple() and t._widths() is not None
    assert fast > 200  # most took the fast path (the rest fell back to Rich's Table)


@pytest.mark.parametrize("width", [40, 80, 120, 200])
def test_the_watch_tables_take_the_fast_path(width: int) -> None:
    from datetime import UTC, datetime

    import tests.test_watch as tw
    from notam_log.shell.watch import render_events, render_in_force

    view = tw.sample_view()
    now = datetime(2025, 3, 21, 17, 30, tzinfo=UTC)
    for t in (
        render_in_force(view.restrictions, now, width),
        render_events(view.events, now, width),
    ):
        if width > 40:  # at 40 a column is left no room: Rich's Table draws it
            assert t._simple() and t._widths() is not None
        assert segments(t, width) == segments(t.rich_table(), width)


def test_a_cell_of_several_lines_goes_to_rich() -> None:
    t = ScreenTable(60)
    t.add_column("a", no_wrap=True)
    t.add_column("b", no_wrap=True, ratio=1)
    t.add_row(Text("one\ntwo"), Text("x"))
    assert not t._simple()
    assert segments(t, 60) == segments(t.rich_table(), 60)
    with pytest.raises(ValueError):
        t.add_row(Text("only one"))
