"""Reading the EAD PIB XML (the UK bulletin NATS serves) into :class:`Notam` records.

``parse_pib(data)`` takes the body as served (plain XML or gzip, detected by its magic
bytes) and returns a :class:`PibBulletin`: the header times and one ``Notam`` per
``Notam`` element found anywhere in the document (``ADSection``, ``FIRSection``,
``En-route``, ``Warnings`` ...), in document order.  A NOTAM listed under several
aerodromes appears once per listing, as in the bulletin; each has the same key.

Decisions:

* Item D is kept with its line breaks folded into spaces (the bulletin wraps long
  lines at about 70 characters); item E is kept as written, outer blanks removed.
* ``raw`` is an ICAO text rendering of the item (``(A1918/25 NOTAMN`` / ``Q) ...`` /
  ``A) ... B) ... C) ...`` / ``D)`` / ``E)`` / ``F)`` / ``G)``), readable and
  re-parseable by the ICAO text parser; the XML fragment is not kept.
* ``Notam`` elements inside an ``ObsoleteNotamList`` are *not* returned (they are no
  longer in force); the bulletin's ``issues`` says how many were skipped.
* A malformed item (missing number, bad dates, bad coordinates) still yields a
  ``Notam`` whose ``issues`` names each problem.  Nothing in an item raises.
* A body that is not XML, or XML whose root is not ``Pib``, raises
  :class:`~notam_log.core.errors.InputError` with a one-line message.
* Reading bulletins in turn (hourly), pass the same :class:`PibMemo` to each read:
  the records of the bulletin read before are reused where an element is written
  byte for byte as it was (found without reading it: :mod:`.pib_spans`), or reads the
  same.
* A **truncated** body (XML or gzip stream cut short) is read as far as it goes with
  lxml's recovering parser: the items before the cut are returned, the last item (the
  one the cut may have gone through) is dropped, and the bulletin's ``issues`` starts
  with ``"truncated: ..."`` so that the caller can treat the snapshot as incomplete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from notam_log.core.errors import InputError
from notam_log.core.limits import DEFAULT_MAX_BYTES, GZIP_MAGIC, gunzip
from notam_log.core.models import Notam, parse_iso
from notam_log.core.parse.pib_element import BulletinCache, element_notam, readings
from notam_log.core.parse.pib_spans import (
    ascii_like,
    element_spans,
    notam_spans,
    shallow,
    skeleton,
)
from notam_log.core.parse.safe_xml import parse_xml

__all__ = ["PibBulletin", "PibMemo", "parse_pib"]


@dataclass(frozen=True, slots=True)
class PibBulletin:
    """One Pre-flight Information Bulletin: its header times, NOTAMs and problems."""

    issued: datetime | None
    valid_from: datetime | None
    valid_to: datetime | None
    notams: tuple[Notam, ...]
    issues: tuple[str, ...] = ()

    @property
    def incomplete(self) -> str | None:
        """Why this is known to be only part of a bulletin (cut short, or without its
        header), or None. An incomplete bulletin must not be taken for the whole of one:
        a NOTAM missing from it may be in the part that did not come."""
        why = [i for i in self.issues if i.startswith("truncated") or i == "no AreaPIBHeader"]
        return "; ".join(why) or None


#: Records by what they were read from (:func:`readings`, made hashable: equal
#: readings, equal keys).
_Seen = dict[tuple[frozenset[tuple[str, str]], tuple[str, ...], frozenset[tuple[str, str]]], Notam]
#: Records by the bytes of the element they were read from.
_Written = dict[bytes, Notam]
#: What the meaning of an element's bytes depends on: the root's namespace, the
#: namespaces it declares, and the document's encoding.
_Context = tuple[str, tuple[tuple[str, str], ...], str]


class PibMemo:
    """The records of the bulletin read last, owned by whoever reads bulletins in turn
    (a source, a replay). An hourly bulletin repeats most of the one before, and a
    record read from the same element is the same (records are immutable), so such an
    element is not read again: one written byte for byte as before is not even looked
    at (``written``, kept when the bytes of every element could be told exactly, see
    :mod:`.pib_spans`); one that reads the same is not made again (``previous``).
    One bulletin's worth is kept (replaced at each read), so memory stays bounded.
    Each key of ``written`` is the bytes of one well-formed element that opens few tags
    and holds no ``xmlns``, read where no ancestor says ``xml:space``
    (:func:`.pib_spans.element_spans` and :func:`_again` make sure of it before one is
    kept). Not for sharing between
    threads."""

    __slots__ = ("context", "previous", "written")

    def __init__(self) -> None:
        self.previous: _Seen = {}
        self.written: _Written = {}
        self.context: _Context | None = None


def parse_pib(data: bytes, memo: PibMemo | None = None) -> PibBulletin:
    """Parse a PIB XML body (plain or gzip) into a :class:`PibBulletin`.

    ``memo``, kept by the caller from one bulletin to the next, lets the records of
    the bulletin read before be reused; without it the bulletin is read cold.
    Raises :class:`InputError` only when the body is not XML or not a PIB.
    """
    issues: list[str] = []
    xml, truncated = _gunzip(data, issues)
    if memo is not None and not truncated and _reusable(memo.context):
        again = _again(xml, memo)
        if again is not None:
            return again
    root, truncated = _document(xml, issues, truncated)
    ns = _namespace(root.tag)
    issued, valid_from, valid_to = _header(root, ns, issues)
    elements, count, prefixed, childless = _current_elements(root, ns, issues)
    plain = not prefixed and not childless
    if truncated and elements:
        elements.pop()
        issues.append("truncated: last NOTAM element dropped")
    context = _context(root, ns)
    spans = None
    if memo is not None and plain and not truncated:
        spans = element_spans(xml, count, len(root.nsmap))
    before = memo if memo is not None and memo.context == context else None
    seen: _Seen = {}
    written: _Written = {}
    notams = _records(
        elements,
        ns,
        _ByReadings(before.previous if before else {}, seen),
        _ByBytes(before.written if before else {}, written, spans),
    )
    if memo is not None:
        memo.previous, memo.written, memo.context = seen, written, context
    return PibBulletin(issued, valid_from, valid_to, notams, tuple(issues))


def _context(root: etree._Element, ns: str) -> _Context:
    """What the bytes of an element mean besides themselves (see :class:`PibMemo`)."""
    declared = tuple(sorted((k or "", v) for k, v in root.nsmap.items()))
    return ns, declared, str(root.getroottree().docinfo.encoding or "")


def _gunzip(data: bytes, issues: list[str]) -> tuple[bytes, bool]:
    """The XML (gzip undone), and whether the gzip stream was cut short (said in
    ``issues``)."""
    if data[:2] == GZIP_MAGIC:  # undone within the size limit (a bomb is refused)
        data, cut = gunzip(data, DEFAULT_MAX_BYTES, "PIB XML: gzip body")
        if cut:
            issues.append("truncated: gzip stream ends early")
            return data, True
    return data, False


def _document(xml: bytes, issues: list[str], truncated: bool) -> tuple[etree._Element, bool]:
    """The ``Pib`` root element of ``xml``, and whether the body was cut short (gzip
    stream or XML), which is said in ``issues``."""
    root = _root(xml, issues)
    if issues and issues[-1].startswith("truncated: XML"):
        truncated = True
    if _local(root.tag) != "Pib":
        raise InputError(f"PIB XML: root element is <{_local(root.tag)}>, not <Pib>")
    return root, truncated


def _reusable(context: _Context | None) -> bool:
    """Whether a bulletin can be read from its skeleton after one of ``context``
    (the elements read alone are taken as UTF-8, XML's default)."""
    return context is not None and context[2].upper() == "UTF-8"


def _again(xml: bytes, memo: PibMemo) -> PibBulletin | None:
    """The bulletin read after the one before without parsing all of it: its skeleton
    (each ``Notam`` element replaced by a placeholder) is parsed, and of the elements
    only those not written byte for byte as before, each alone (see :mod:`.pib_spans`
    for why this reads the same as parsing the whole). None when it cannot be done
    that way with certainty (not well-formed, another root or namespaces, a text that
    hides a tag, limits the whole parse would meet) or would not be quicker (most
    elements new): the caller then parses the whole document."""
    if len(xml) > DEFAULT_MAX_BYTES or not xml[:4096].strip() or not ascii_like(xml):
        return None
    found = notam_spans(xml, inside=False)  # each span is made sure of below
    if found is None:
        return None
    bare = skeleton(xml, found)
    try:  # within lxml's default depth: see pib_spans.shallow
        root = parse_xml(bare)
    except (etree.XMLSyntaxError, InputError):
        return None
    ns = _namespace(root.tag)
    nsmap = root.nsmap
    if _local(root.tag) != "Pib" or _context(root, ns) != memo.context:
        return None
    # every xmlns is one of the root's (checked in the new elements below; none is in
    # an element known from before), and no ancestor of an element says xml:space:
    # then each element means here what it does alone
    if len(nsmap) > _MAX_DECLARED or bare.count(b"xmlns") != len(nsmap):
        return None
    if b"xml:space" in bare:
        return None
    issues: list[str] = []
    issued, valid_from, valid_to = _header(root, ns, issues)  # (issues in parse_pib's order)
    elements, count, prefixed, _childless = _current_elements(root, ns, issues)
    spans = [xml[a:b] for a, b in found]
    if count != len(found) or prefixed:
        return None
    new = {raw for raw in spans if raw not in memo.written}
    if 2 * len(new) > len(spans):
        return None  # mostly new: parsing the whole is quicker
    alone = _each_alone(new, nsmap)
    if alone is None:
        return None
    read = [(i, alone.get(spans[i], placeholder)) for i, placeholder in elements]
    seen: _Seen = {}
    written: _Written = {}
    notams = _records(
        read, ns, _ByReadings(memo.previous, seen), _ByBytes(memo.written, written, spans)
    )
    memo.previous, memo.written = seen, written
    return PibBulletin(issued, valid_from, valid_to, notams, tuple(issues))


#: The most namespaces a root may declare for its bulletin to be read from its
#: skeleton (each element read alone declares them all again).
_MAX_DECLARED = 16


def _each_alone(
    new: set[bytes], nsmap: Mapping[str | None, str]
) -> dict[bytes, etree._Element] | None:
    """Each span not written as an element of the bulletin before, parsed alone (obsolete
    ones too: each span must be one element); None if one is not, declares a namespace
    (it could rename itself), or opens too many tags (:func:`.pib_spans.shallow`).
    (The spans known from before were each all of these: see :class:`PibMemo`.)"""
    # imported here: xml.sax.saxutils loads urllib.request, 20 ms of every start-up
    from xml.sax.saxutils import quoteattr

    declared = b"".join(
        b" xmlns%s=%s" % (b":" + k.encode() if k else b"", quoteattr(v).encode())
        for k, v in nsmap.items()
    )
    alone: dict[bytes, etree._Element] = {}
    for raw in new:
        if b"xmlns" in raw or not shallow(raw):
            return None
        el = _alone(raw, declared)
        if el is None:
            return None
        alone[raw] = el
    return alone


def _alone(raw: bytes, declared: bytes) -> etree._Element | None:
    """The element written ``raw``, parsed alone in a root making the declarations
    ``declared`` (those of the document's root); None unless it is well-formed and one
    element (a span can hold two when the first ends ``</Notam >``; a well-formed one
    element that starts ``<Notam`` is a ``Notam`` element)."""
    try:
        root = parse_xml(b"<Pib%s>%s</Pib>" % (declared, raw), huge_tree=True)
    except (etree.XMLSyntaxError, InputError):
        return None
    return root[0] if len(root) == 1 else None


def _header(
    root: etree._Element, ns: str, issues: list[str]
) -> tuple[datetime | None, datetime | None, datetime | None]:
    """The ``AreaPIBHeader`` times: issued, valid from, valid to."""
    header = root.find(f"{ns}AreaPIBHeader")
    issued = valid_from = valid_to = None
    if header is not None:
        issued = _iso(header.findtext(f"{ns}Issued"), "Issued", issues)
        validity = header.find(f"{ns}Validity")
        if validity is not None:
            valid_from = _iso(validity.findtext(f"{ns}ValidFrom"), "ValidFrom", issues)
            valid_to = _iso(validity.findtext(f"{ns}ValidTo"), "ValidTo", issues)
    else:
        issues.append("no AreaPIBHeader")
    return issued, valid_from, valid_to


def _current_elements(
    root: etree._Element, ns: str, issues: list[str]
) -> tuple[list[tuple[int, etree._Element]], int, bool, bool]:
    """The ``Notam`` elements in document order, less those of a non-empty
    ``ObsoleteNotamList`` (which come right after it), each with its place among all
    the ``Notam`` elements; how many there are in all; whether one is prefixed, and
    whether one has no child element (see :func:`element_spans`). One walk over both
    tags."""
    notam_tag = f"{ns}Notam"
    obsolete_tag = f"{ns}ObsoleteNotamList"
    elements: list[tuple[int, etree._Element]] = []
    obsolete: set[etree._Element] = set()
    count = 0
    prefixed = childless = False
    for el in root.iter(notam_tag, obsolete_tag):
        if el.tag == notam_tag:
            if el not in obsolete:
                elements.append((count, el))
            count += 1
            # getattr: lxml-stubs say str, lxml gives None (mypyc would check the str)
            if getattr(el, "prefix", None) is not None:  # noqa: B009
                prefixed = True
            if not len(el):
                childless = True
        elif len(el):
            obsolete.update(el.iter(notam_tag))
    if obsolete:
        issues.append(f"{len(obsolete)} NOTAM(s) in ObsoleteNotamList skipped")
    return elements, count, prefixed, childless


@dataclass(frozen=True, slots=True)
class _ByReadings:
    """Records by what their elements read: the bulletin before's, and this one's
    (filled in as elements are read)."""

    before: _Seen
    now: _Seen


@dataclass(frozen=True, slots=True)
class _ByBytes:
    """Records by their elements' bytes: the bulletin before's, this one's (filled in),
    and the bytes of every ``Notam`` element of this one (None: not known exactly)."""

    before: _Written
    now: _Written
    spans: list[bytes] | None


def _records(
    elements: list[tuple[int, etree._Element]], ns: str, known: _ByReadings, written: _ByBytes
) -> tuple[Notam, ...]:
    """One record per element. An element written as one before it in this bulletin
    or in the bulletin before is not looked at: its record is that one's. Else it is
    read, and a NOTAM listed under several aerodromes or sections is made once, as is
    one that the bulletin before read the same (``known``): the same readings of an
    element give the same (immutable) record (looked up by the readings themselves:
    a bulletin listing one number many times costs no more than any other)."""
    cache = BulletinCache()
    out: list[Notam] = []
    spans = written.spans
    for index, el in elements:
        raw = spans[index] if spans is not None else None
        if raw is not None:
            notam = written.now.get(raw)
            if notam is None:
                notam = written.before.get(raw)
            if notam is not None:
                written.now[raw] = notam
                out.append(notam)
                continue
        notam = _read(el, ns, known, cache)
        if raw is not None:
            written.now[raw] = notam
        out.append(notam)
    return tuple(out)


def _read(el: etree._Element, ns: str, known: _ByReadings, cache: BulletinCache) -> Notam:
    """The record of one element, made unless an element that reads the same was
    (in this bulletin or the one before)."""
    read = readings(el, ns)
    fields, items_a, qline = read
    key = (frozenset(fields.items()), tuple(items_a), frozenset(qline.items()))
    notam = known.now.get(key)
    if notam is None:
        notam = known.before.get(key)
        if notam is None:
            notam = element_notam(*read, cache)
        known.now[key] = notam
    return notam


def _root(data: bytes, issues: list[str]) -> etree._Element:
    """Parsed with no DTD, entity, file or network access; a DOCTYPE is refused
    (safe_xml). Whitespace-only text between elements is not kept."""
    if not data[:4096].strip():
        raise InputError("PIB XML: empty body")
    try:
        return parse_xml(data, huge_tree=True)
    except etree.XMLSyntaxError as exc:
        strict_error = str(exc).splitlines()[0] if str(exc) else "not well-formed"
    try:
        root = parse_xml(data, recover=True, huge_tree=True)
    except etree.XMLSyntaxError:
        root = None
    if root is None or _local(root.tag) != "Pib":
        raise InputError(f"PIB XML: body is not well-formed XML: {strict_error}")
    issues.append(f"truncated: XML not well-formed ({strict_error})")
    return root


def _namespace(tag: object) -> str:
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[: tag.index("}") + 1]
    return ""


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _iso(value: str | None, name: str, issues: list[str]) -> datetime | None:
    if not value or not value.strip():
        return None
    try:
        return parse_iso(value)
    except ValueError:
        issues.append(f"{name}: not a time: {value.strip()!r}")
        return None
