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
  caller checks both with lxml), so each has a ``<Notam`` start tag and a ``</Notam>``
  end tag; the scans find exactly as many spans as lxml found elements, so none is
  text inside a comment, a CDATA section or a processing instruction (each real one is
  found, so an extra one would make the counts differ); and no namespace is declared
  anywhere but on the root element (every ``xmlns`` in the text is one of the root's
  own declarations), so equal bytes mean equal names.
* :func:`skeleton`, for a document that has *not* been parsed: each span is replaced
  by an empty ``<Notam/>``. When the skeleton parses strictly with exactly as many
  ``Notam`` elements as there were spans (no other ``<Notam`` is left in it, so each
  placeholder is an element, none is inside a comment or CDATA), and each span is by
  itself one well-formed element (read alone, or known from the bulletin before),
  then the document is well-formed and is the skeleton with each placeholder standing
  for its span: the skeleton tells the structure (header, obsolete lists, order), the
  spans the elements.

Equal bytes in documents of the same encoding and root namespaces read the same:
without a DTD, entities are only the predefined and character ones.
"""

from __future__ import annotations

__all__ = ["PLACEHOLDER", "element_spans", "notam_spans", "skeleton"]

_START = b"<Notam"  # also the start of <NotamList>, <NotamStoreDate>: see _FOLLOW
_END = b"</Notam>"
#: What may follow ``<Notam`` in a ``Notam`` start tag (XML white space, ``/``, ``>``).
_FOLLOW = frozenset((b" ", b"\t", b"\r", b"\n", b"/", b">"))
#: What stands for each span in a :func:`skeleton`.
PLACEHOLDER = b"<Notam/>"


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
    if xml.count(b"xmlns") != declared:
        return None
    spans = notam_spans(xml)
    if spans is None or len(spans) != count:
        return None
    return [xml[a:b] for a, b in spans]


def skeleton(xml: bytes, spans: list[tuple[int, int]]) -> bytes:
    """``xml`` with each span replaced by :data:`PLACEHOLDER` (see the module)."""
    parts: list[bytes] = []
    done = 0
    for start, end in spans:
        parts.append(xml[done:start])
        done = end
    parts.append(xml[done:])
    return PLACEHOLDER.join(parts)
