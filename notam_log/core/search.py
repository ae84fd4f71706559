"""What ``notam-log search`` sends to SQLite's full-text index (FTS5), from what users type.

Words are literal: ``A1918/25``, ``RWY 09L``, ``EGGN:A1918/25`` (a key: its id is searched),
``EGLL-closed`` (the phrase, or its parts anywhere in the NOTAM) find what they say, whatever
FTS5 would make of a slash, a colon or a hyphen. Only a query that is written with FTS5's
own operators (``AND``, ``OR``, ``NOT``, ``NEAR(...)``, ``"phrases"``, ``(...)``,
``prefix*``, ``^start``, ``column:``) is passed on as written.
"""

from __future__ import annotations

import re

COLUMNS: tuple[str, ...] = ("id", "locations", "text")

OPERATORS_HELP = (
    "AND, OR, NOT, NEAR(...), quotes, parentheses, prefix* and column: are FTS5 operators;"
    " without them, words are searched as written"
)

_KEY = re.compile(r"[A-Za-z0-9]{2,4}:(?P<id>[A-Za-z0-9]+/\d{2,4})")
_COLUMN = re.compile(r"-?(\{[^}]*\}|" + "|".join(COLUMNS) + r"):", re.IGNORECASE)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def written_with_operators(text: str) -> bool:
    """Whether the query uses FTS5 syntax on purpose."""
    if any(c in text for c in '"()'):
        return True
    for word in text.split():
        if word in ("AND", "OR", "NOT") or word.startswith(("NEAR(", "^")):
            return True
        if word.endswith("*") and _TOKEN.search(word) or _COLUMN.match(word):
            return True
    return False


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(text: str) -> str:
    """The FTS5 query for ``text``; ValueError when there is nothing to search for."""
    if not text.strip():
        raise ValueError("nothing to search for (give a word, an id or a location)")
    if written_with_operators(text):
        return text
    parts: list[str] = []
    for word in text.split():
        key = _KEY.fullmatch(word)
        if key:
            word = key.group("id")
        tokens = _TOKEN.findall(word)
        if not tokens:
            continue  # punctuation alone matches nothing in the index
        if "-" in word and "/" not in word and len(tokens) > 1:
            loose = " AND ".join(_phrase(t) for t in tokens)
            parts.append(f"({_phrase(word)} OR ({loose}))")
        else:
            parts.append(_phrase(word))
    if not parts:
        raise ValueError(f"{text!r}: nothing to search for (only punctuation)")
    return " AND ".join(parts)
