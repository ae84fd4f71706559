"""What a record's issues say: something its text does not state, or something the
reader could not read.

Every issue stays in ``Notam.issues`` (the user sees what the text lacks as much as
what was not read); this module only tells the two apart, for the corpus measure of
the README ("Parsing: what 'clean' means"):

* An **omission** names what the text itself leaves out or states out of the
  standard, while every field it does state was read: no header id (the FAA API's
  ICAO rendering of an FDC NOTAM), a NOTAMR/NOTAMC without the id it refers to, no
  type letter, no Q-line, a Q-line written ``undefined`` or with fewer than three of
  traffic, purpose and scope, a Q-code found in no table (kept as written).
* Anything else is **not read**: an item D that gives no windows or only some, a time
  that is not a time, no location, no start, no item E, an FAA text with no validity,
  a part of a text the reader gave up on. A record with one of these is never clean.
"""

from __future__ import annotations

import re

from notam_log.core.models import Notam

__all__ = ["is_omission", "not_read", "read_in_full"]

_OMISSION = re.compile(
    r"no NOTAM id$"
    r"|NOTAM[RC] without the id it refers to$"
    r"|no NOTAM type \(N, R or C\)$"
    r"|no Q-line$"
    r"|Q-line: Q-code 'undefined'$"
    r"|Q-line: [0-2] of traffic/purpose/scope in "
    r"|unknown Q-code (?:subject|condition) '[A-Z]{2}'$"
)


def is_omission(issue: str) -> bool:
    """Whether ``issue`` names something the text does not state (module docstring)."""
    return _OMISSION.match(issue) is not None


def not_read(notam: Notam) -> tuple[str, ...]:
    """The issues of ``notam`` that name something the reader could not read."""
    return tuple(i for i in notam.issues if not is_omission(i))


def read_in_full(notam: Notam) -> bool:
    """Every field the text states was read, and the text is a NOTAM (a location and a
    start): the README's "clean"."""
    return bool(notam.locations and notam.start and not not_read(notam))
