"""Checks on what one snapshot holds, whatever its source: one record per key, and
dates that make sense. Pure.

A bulletin may list one NOTAM twice with different texts (a broken feed, or a forged
one). Taking the last copy (as a ``dict`` keyed by NOTAM would) makes the choice depend
on the order of the listing, and a reordered bulletin would then be logged as an
amendment that never happened. :func:`one_per_key` keeps one copy per key, chosen
from the copies themselves (never their order), and says so in its ``issues``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from notam_log.core.models import Notam

__all__ = ["DUPLICATE", "END_BEFORE_START", "checked", "one_per_key"]

#: The start of the issue a kept duplicate carries.
DUPLICATE = "listed more than once with different contents"
END_BEFORE_START = "end before start"


def _with_issue(notam: Notam, issue: str) -> Notam:
    if issue in notam.issues:
        return notam
    return dataclasses.replace(notam, issues=(*notam.issues, issue))


def checked(notam: Notam) -> Notam:
    """The record, with ``issues`` saying whether its dates contradict each other."""
    if notam.start is not None and notam.end is not None and notam.end < notam.start:
        return _with_issue(
            notam,
            f"{END_BEFORE_START}: C) {notam.end:%Y-%m-%dT%H:%MZ} is before"
            f" B) {notam.start:%Y-%m-%dT%H:%MZ}",
        )
    return notam


def one_per_key(notams: Iterable[Notam]) -> tuple[Notam, ...]:
    """One record per key, in the order keys first appear, each :func:`checked`.

    Copies that say the same (the same content, as a NOTAM listed under several
    aerodromes) are one record. Copies that differ are a fault of the feed: the kept
    one is the copy without parse issues, then the one whose content hash sorts first,
    whatever the order of the listing, and its ``issues`` say how many versions came.
    """
    listed = notams if isinstance(notams, tuple | list) else tuple(notams)
    # the first copy of each key; the keys listed again with another record (most
    # snapshots have none: the same record listed under several aerodromes is one)
    first: dict[str, Notam] = {}
    differ: set[str] = set()
    for notam in listed:
        if first.setdefault(notam.key, notam) is not notam:
            differ.add(notam.key)
    if not differ:
        return tuple(map(checked, first.values()))
    groups: dict[str, list[Notam]] = {}
    for notam in listed:
        if notam.key in differ:
            groups.setdefault(notam.key, []).append(notam)
    out: list[Notam] = []
    for key, one in first.items():
        copies = groups.get(key)
        if copies is None:  # one reading, listed once or again
            out.append(checked(one))
            continue
        by_content = {n.content_hash(): n for n in sorted(copies, key=_order)}
        kept = min(by_content.items(), key=lambda item: (bool(item[1].issues), item[0]))[1]
        if len(by_content) > 1:
            kept = _with_issue(
                kept,
                f"{DUPLICATE}: {len(by_content)} versions in one snapshot; one kept,"
                " chosen by content, not by order",
            )
        out.append(checked(kept))
    return tuple(out)


def _order(notam: Notam) -> tuple[str, tuple[str, ...]]:
    """Copies with the same content may still differ in their raw text or issues: the
    one kept among them must not depend on the listing's order either."""
    return notam.raw, notam.issues
