"""The one way notam-log parses XML: no DTD, no entities, no network, no file access.

No feed needs a DTD, and a DTD is how XML reaches outside the document: an external
subset (``<!DOCTYPE Pib SYSTEM "/etc/shadow">``) or a parameter entity
(``<!ENTITY % z SYSTEM "/dev/zero"> %z;``) makes libxml2 open a file, a FIFO or a
device, even with ``resolve_entities=False``. So a document with a ``DOCTYPE`` (or
any other ``<!`` declaration before its root) is refused before the parser sees it,
and the parser itself is set to load nothing (``load_dtd=False``, ``no_network``,
no entity resolution, a resolver that refuses every URL); a document that still
shows a DTD after parsing (one hidden by an exotic encoding) is refused as well.
XInclude is never processed (nothing here calls ``xinclude()``).

Every XML reader of the project (PIB, TFR detail, any new one) calls :func:`parse_xml`.
"""

from __future__ import annotations

import codecs
from typing import Any

from lxml import etree

from notam_log.core.errors import InputError
from notam_log.core.limits import DEFAULT_MAX_BYTES, size

__all__ = ["XmlRefused", "parse_xml"]


class XmlRefused(InputError):
    """A document refused before it was parsed (a DTD, too large, an odd encoding)."""


class _Refuse(etree.Resolver):
    """Every external resource (DTD, entity, stylesheet) is refused."""

    def resolve(self, system_url: str, public_id: str, *context: Any) -> Any:
        raise XmlRefused(f"XML: refers to an external resource ({system_url or public_id})")


_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "no_network": True,
    "collect_ids": False,
    "remove_blank_text": True,
}


def _parser(*, recover: bool, huge_tree: bool) -> etree.XMLParser:
    parser = etree.XMLParser(**_OPTIONS, recover=recover, huge_tree=huge_tree)
    parser.resolvers.add(_Refuse())
    return parser


#: One parser per setting, made once (lxml serialises the use of a parser across
#: threads); none can load anything.
_PARSERS = {
    (recover, huge): _parser(recover=recover, huge_tree=huge)
    for recover in (False, True)
    for huge in (False, True)
}


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Without a byte order mark, the first character ``<`` in each wide encoding.
_WIDE = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
#: How much of the start is searched for the root element (a prolog of comments
#: longer than this is refused: no feed has one).
_PROLOG_MAX = 64 * 1024


def _head(data: bytes) -> str:
    """The start of the document as text (ASCII-compatible encodings read as Latin-1:
    only the markup, which is ASCII, matters here)."""
    chunk = data[: _PROLOG_MAX * 4]
    for bom, codec in _BOMS:
        if chunk.startswith(bom):
            return chunk[len(bom) :].decode(codec, "replace")
    for start, codec in _WIDE:
        if chunk.startswith(start):
            return chunk.decode(codec, "replace")
    return chunk.decode("latin-1")


def _check_prolog(data: bytes) -> None:
    """Refuse a DOCTYPE (or any ``<!`` declaration) before the root element."""
    text = _head(data)
    pos = 0
    end = len(text)
    while pos < end:
        lt = text.find("<", pos)
        if lt == -1:
            break
        if text.startswith("<?", lt):
            close = text.find("?>", lt + 2)
            if close == -1:
                break
            pos = close + 2
        elif text.startswith("<!--", lt):
            close = text.find("-->", lt + 4)
            if close == -1:
                break
            pos = close + 3
        elif text.startswith("<!", lt):
            word = text[lt + 2 : lt + 12].split(None, 1)[0] if text[lt + 2 : lt + 12] else ""
            raise XmlRefused(f"XML: a <!{word[:9]} declaration (DTDs are not read)")
        else:
            return  # the root element: a DOCTYPE can only come before it
    if pos >= _PROLOG_MAX:
        raise XmlRefused("XML: no root element in the first 64 kB")


def parse_xml(
    data: bytes,
    *,
    recover: bool = False,
    huge_tree: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> etree._Element:
    """The root element of ``data``, parsed with nothing loaded from outside it.

    Raises :class:`XmlRefused` (an :class:`InputError`) for a document over
    ``max_bytes`` or with a DTD, and ``etree.XMLSyntaxError`` for one that is not
    well-formed (as ``etree.fromstring``; with ``recover`` it returns what it could
    read, possibly None). ``huge_tree`` lifts libxml2's limits on text sizes (a
    bulletin's long texts), not on nesting.
    """
    if len(data) > max_bytes:
        raise XmlRefused(f"XML: {size(len(data))}, over the limit of {size(max_bytes)}")
    _check_prolog(data)
    try:
        root = etree.fromstring(data, _PARSERS[recover, huge_tree])
    except etree.XMLSyntaxError as exc:
        if "Excessive depth" in str(exc):  # libxml2 stops at 256 (2048 with huge_tree)
            raise XmlRefused("XML: elements nested deeper than any feed nests them") from None
        raise
    if root is not None:  # (None: nothing recovered)
        info = root.getroottree().docinfo
        if info.internalDTD is not None or info.externalDTD is not None or info.system_url:
            raise XmlRefused("XML: a DOCTYPE declaration (DTDs are not read)")
    return root
