"""Where each ``Notam`` element of a PIB bulletin is written, found by scanning its
bytes, so that an element written exactly as in the bulletin before can be recognised
without being read again (see :class:`notam_log.core.parse.pib.PibMemo`).

:func:`notam_spans` finds, for each ``</Notam>`` end tag in turn, the one ``<Notam``
start tag before it (since the end before): each span runs from ``<Notam`` to the end
of ``</Notam>``. It gives up (None) when a start tag stands outside every span or a
second one inside a span. What the spans are worth depends on what is known of the
document; the two callers make sure of it:

* :func:`element_spans`, for a document that lxml has parsed strictly (so
  well-formed): every ``Notam`` element is unprefixed and has child elements (the
  caller checks both with lxml), so each has a ``<Notam`` start tag and an end tag; the
  scans find exactly as many spans as lxml found elements, with one start tag in each,
  and there are exactly as many end tags however written (``</Notam >`` too) as
  elements: so every start and end tag found is a real one, none is text inside a
  comment, a CDATA section or a processing instruction (each real one is found, so an
  extra one would make the counts differ); and no namespace is declared anywhere but
  on the root element (every ``xmlns`` in the text is one of the root's own
  declarations), so equal bytes mean equal names.
* :func:`skeleton`, for a document that has *not* been parsed: each span is replaced
  by an empty ``<Notam/>``. When the skeleton parses strictly with exactly as many
  ``Notam`` elements as there were spans (no other ``<Notam`` is left in it, so each
  placeholder is an element, none is inside a comment or CDATA), and each span is by
  itself one well-formed element (read alone, or known from the bulletin before),
  then the document is well-formed and is the skeleton with each placeholder standing
  for its span: the skeleton tells the structure (header, obsolete lists, order), the
  spans the elements.

Equal bytes in documents of the same encoding and root namespaces read the same:
without a DTD, entities are only the predefined and character ones; the encoding is
told from the bytes as well as from lxml (:func:`scannable`), and no ``xml:space``
may change what blank text is kept. Each span opens few tags (:func:`shallow`), so a
document read from its skeleton is never one too deep to read whole.
"""

from __future__ import annotations

import re

__all__ = [
    "PLACEHOLDER",
    "ascii_like",
    "element_spans",
    "notam_spans",
    "scannable",
    "shallow",
    "skeleton",
]

_START = b"<Notam"  # also the start of <NotamList>, <NotamStoreDate>: see _FOLLOW
_END = b"</Notam>"
#: What may follow ``<Notam`` in a ``Notam`` start tag (XML white space, ``/``, ``>``).
_FOLLOW = frozenset((b" ", b"\t", b"\r", b"\n", b"/", b">"))
#: What stands for each span in a :func:`skeleton`.
PLACEHOLDER = b"<Notam/>"
#: Every way an end tag of an unprefixed ``Notam`` can be written.
_ANY_END = re.compile(rb"</Notam[ \t\r\n]*>")
#: The most tags a span may open (so the deepest it can nest): see :func:`shallow`.
MAX_OPENED = 128


def ascii_like(xml: bytes) -> bool:
    """Whether the bytes of ``xml`` can be scanned for tags as ASCII: not UTF-16 or
    UTF-32 (lxml reports such a document without a declaration as UTF-8). An XML
    document starts with an ASCII character (``<`` or a blank, after any byte order
    mark), which those encodings write with a NUL byte among the first four."""
    return b"\x00" not in xml[:4]


def scannable(xml: bytes) -> bool:
    """:func:`ascii_like`, and no ``xml:space`` anywhere (it changes what blank text an
    element keeps, by an attribute of an ancestor: the same bytes would not read the
    same everywhere)."""
    return ascii_like(xml) and b"xml:space" not in xml


def shallow(raw: bytes) -> bool:
    """Whether a span opens at most :data:`MAX_OPENED` tags (every ``<`` that is not
    ``</`` counts, comments too): then it nests no deeper than that, and a skeleton
    that lxml parsed within its default depth (256) holds it well within the depth the
    whole document is parsed to (2048), so that reading it from its skeleton never
    accepts a document that parsing it whole refuses as too deep."""
    return raw.count(b"<") - raw.count(b"</") <= MAX_OPENED


def notam_spans(xml: bytes, *, inside: bool = True) -> list[tuple[int, int]] | None:
    """(start, end) of each ``<Notam`` ... ``</Notam>`` in ``xml``, in order; None when
    a ``<Notam`` start tag is outside every span, or (``inside``) a second one is inside
    one. An end tag written ``</Notam >`` is not found: then a start is left over (None)
    or the span is not one element (which :func:`skeleton`'s caller finds out).
    Without ``inside``, a span may hold more than one element: for a caller that makes
    sure that each is one element (:func:`skeleton`'s)."""
    find = xml.find
    spans: list[tuple[int, int]] = []
    done = 0
    end = find(_END)
    while end >= 0:
        start = _next_start(xml, done, end)
        if start < 0 or (inside and _next_start(xml, start + len(_START), end) >= 0):
            return None
        done = end + len(_END)
        spans.append((start, done))
        end = find(_END, done)
    if _next_start(xml, done, len(xml)) >= 0:
        return None
    return spans


def _next_start(xml: bytes, lo: int, hi: int) -> int:
    """Where the first ``<Notam`` start tag in ``xml[lo:hi]`` begins, or -1."""
    at = xml.find(_START, lo, hi)
    while at >= 0 and xml[at + 6 : at + 7] not in _FOLLOW:
        at = xml.find(_START, at + len(_START), hi)
    return at


def element_spans(xml: bytes, count: int, declared: int) -> list[bytes] | None:
    """The bytes of each of the ``count`` ``Notam`` elements that lxml found in
    ``xml`` (all of them, obsolete ones too), in document order, from ``<Notam`` to
    the end of its end tag; or None when they cannot be told exactly (see the module).
    The caller has checked that every one is unprefixed and has child elements;
    ``declared``: how many namespace declarations the root element makes."""
    if xml.count(b"xmlns") != declared or not scannable(xml):
        return None
    spans = notam_spans(xml)
    # every end tag, however written, is one found: none is text in a comment, a CDATA
    # section or a processing instruction (or an element's end could be after its span's)
    if spans is None or len(spans) != count or len(_ANY_END.findall(xml)) != count:
        return None
    out = [xml[a:b] for a, b in spans]
    return out if all(map(shallow, out)) else None


def skeleton(xml: bytes, spans: list[tuple[int, int]]) -> bytes:
    """``xml`` with each span replaced by :data:`PLACEHOLDER` (see the module)."""
    parts: list[bytes] = []
    done = 0
    for start, end in spans:
        parts.append(xml[done:start])
        done = end
    parts.append(xml[done:])
    return PLACEHOLDER.join(parts)
