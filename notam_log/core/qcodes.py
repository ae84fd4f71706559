"""Decoding ICAO NOTAM Q-codes (Doc 8126) into a subject and a condition.

A Q-code is ``Q`` plus two letters of subject (``FA`` aerodrome, ``MR`` runway,
``AD`` the *air defence identification zone*, not the aerodrome) and two letters
of condition (``LC`` closed, ``LT`` limited to, ``CA`` activated).  The tables are
package data (``notam_log/data/qcodes.csv``, see ``QCODES_SOURCE.md``) read once,
on first use.

Wildcards are not errors: ``XX`` means "plain language follows" (the text says
what it is), so ``QFAXX`` decodes to ("Aerodrome", "Plain language") and
``QXXXX`` to ("Plain language", "Plain language").  Unknown two-letter codes are
kept as the code itself and named in the issues tuple.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

__all__ = ["QCodeTables", "decode", "split", "tables"]

PLAIN = "XX"


@dataclass(frozen=True, slots=True)
class QCodeTables:
    """Subject and condition meanings keyed by their two letters."""

    subjects: Mapping[str, str]
    conditions: Mapping[str, str]
    groups: Mapping[tuple[str, str], str]  # (kind, code) -> Doc 8126 group


@functools.cache
def tables() -> QCodeTables:
    """The packaged Doc 8126 tables, read on first use and kept."""
    text = resources.files("notam_log").joinpath("data/qcodes.csv").read_text(encoding="utf-8")
    subjects: dict[str, str] = {}
    conditions: dict[str, str] = {}
    groups: dict[tuple[str, str], str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        kind, code, meaning = row["kind"], row["code"], row["meaning"]
        (subjects if kind == "subject" else conditions)[code] = meaning
        if row.get("group"):
            groups[(kind, code)] = row["group"]
    return QCodeTables(subjects, conditions, groups)


def split(qcode: str | None) -> tuple[str | None, str | None]:
    """``QFALC`` (or ``FALC``) -> ("FA", "LC"); halves that are missing come back None."""
    if not qcode:
        return None, None
    code = qcode.strip().upper()
    if len(code) == 5 and code[0] == "Q":
        code = code[1:]
    subject = code[0:2] if len(code) >= 2 else None
    condition = code[2:4] if len(code) >= 4 else None
    return subject, condition


@functools.lru_cache(maxsize=4096)
def decode(qcode: str | None) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Meaning of the subject and of the condition of a Q-code, plus issues.

    ``decode("QFALC") == ("Aerodrome", "Closed", ())``;
    ``decode("QZZLC") == ("ZZ", "Closed", ("unknown Q-code subject 'ZZ'",))``.
    None or an empty code decodes to ``(None, None, ())``: a NOTAM may have no Q line.
    """
    if qcode is None or not qcode.strip():
        return None, None, ()
    code = qcode.strip().upper()
    body = code[1:] if code.startswith("Q") and len(code) == 5 else code
    if len(body) != 4 or not body.isalpha():
        return None, None, (f"malformed Q-code {qcode.strip()!r}",)
    t = tables()
    subject_code, condition_code = body[0:2], body[2:4]
    issues: list[str] = []
    subject = t.subjects.get(subject_code)
    if subject is None:
        subject = subject_code
        issues.append(f"unknown Q-code subject {subject_code!r}")
    condition = t.conditions.get(condition_code)
    if condition is None:
        condition = condition_code
        issues.append(f"unknown Q-code condition {condition_code!r}")
    return subject, condition, tuple(issues)
