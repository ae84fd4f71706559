"""The raw bytes of each ``Notam`` element of a PIB bulletin, as written, so that an
element that reads exactly as it did in the bulletin before can be recognised without
being read again (see :class:`notam_log.core.parse.pib.PibMemo`).

The bytes are found by two scans for the element's tags, not by a second parse, and
they are only trusted when they cannot be wrong. :func:`element_spans` gives them only
when, in a document that lxml has already parsed strictly (so well-formed):

* no namespace is declared anywhere but on the root element (every ``xmlns`` in the
  text is one of the root's own declarations), so equal bytes mean equal names;
* every ``Notam`` element is unprefixed and has child elements (the caller checks
  both with lxml), so each has a ``<Notam`` start tag and a ``</Notam>`` end tag that
  the scans find;
* the scans find exactly as many start tags and as many end tags as lxml found
  elements: then none of them is text inside a comment, a CDATA section or a
  processing instruction (each real one is found, so an extra one would make the
  counts differ);
* each element ends before the next begins (none is nested in another): then the
  i-th start tag and the i-th end tag are those of the i-th element in document order.

Otherwise it returns None and the caller reads every element (nothing is lost but
time). Equal bytes in documents of the same encoding and root namespaces read the
same: without a DTD, entities are only the predefined and character ones.
"""

from __future__ import annotations

import operator
import re

__all__ = ["element_spans"]

#: A start tag's ``<Notam`` (not ``<NotamList``), and an end tag.
_START = re.compile(rb"<Notam(?=[\s/>])")
_END = re.compile(rb"</Notam\s*>")


def element_spans(xml: bytes, count: int, declared: int) -> list[bytes] | None:
    """The bytes of each of the ``count`` ``Notam`` elements that lxml found in
    ``xml`` (all of them, obsolete ones too), in document order, from ``<Notam`` to
    the end of its end tag; or None when they cannot be told exactly (see the module).
    The caller has checked that every one is unprefixed and has child elements;
    ``declared``: how many namespace declarations the root element makes."""
    if xml.count(b"xmlns") != declared:
        return None
    starts = [m.start() for m in _START.finditer(xml)]
    if len(starts) != count:
        return None
    ends = [m.end() for m in _END.finditer(xml)]
    if len(ends) != count:
        return None
    # each element closed before the next opens: start < end <= next start
    if not all(map(operator.lt, starts, ends)) or not all(map(operator.le, ends, starts[1:])):
        return None
    return [xml[a:b] for a, b in zip(starts, ends, strict=True)]
