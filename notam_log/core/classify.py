"""Restriction classification: one category per NOTAM, from its Q-code, else its text.

Pure and table-driven; the tables, in :mod:`notam_log.core.classify_rules`, are the
documentation (the README quotes its ``CLASSIFICATION_TABLE``); item E rules are tried
as :mod:`notam_log.core.classify_text` prepares them.  The order of decision:

1. **Q-code first.**  :data:`QCODE_RULES` maps (subject, condition) to a category.
   The first matching row wins; subjects match exactly (``FA``) or by first letter
   (``W*``).  A row whose outcome is a *text scope* (``text:aerodrome`` ...) means the
   Q-code is generic (``QFAXX``, ``QMRXX``, ``QXXXX``, ``QAFXX``): item E decides, but
   only among the categories that the scope allows (:data:`TEXT_SCOPES`), so a
   ``QFAXX`` about taxiing helicopters cannot become a runway closure.
2. **No Q-code** (FAA domestic ``!DCA 06/001 DCA RWY 09/27 CLSD``): the FAA keyword
   after the location decides (:data:`FAA_KEYWORDS`), else item E (scope ``any``).
3. **Item E** rules (:data:`TEXT_RULES`) are regular expressions tried in order.
4. **Closures with exceptions are limitations**: ``aerodrome_closed`` and
   ``runway_closed`` become ``aerodrome_limited`` / ``runway_limited`` when item E
   says ``EXC PPR``, ``CLSD TO VFR``, ``AVBL FOR ...``, ``ONLY`` ... unless the
   exception is only for emergencies, SAR, HEMS, police or hospital flights (an
   aerodrome closed "except emergencies" is closed).

Decisions worth knowing:

* ``AD`` as a Q subject is the ADIZ (airspace), never the aerodrome (``FA``).
* ``R*`` (restricted, danger, prohibited, temporary areas, military operating areas,
  airspace reservations, overflying) is ``airspace_restricted`` unless the condition
  says it is deactivated or cancelled (``CD``, ``CN``, ``HQ``, ``AK``) or a ``XX``
  text says ``DEACTIVATED`` / ``CANCELLED`` / ``NOT ACTIVE``: a notice that a
  restriction is *not* in force is ``other`` (it imposes nothing).
* Controlled airspace activated or deactivated (``QAECA``, ``QAECD``, ``QAZCA``) is
  ``other``: it is a change of class, not a restriction; only ``LC`` on an airspace
  subject (route, FIR, CTA, sector) is ``airspace_closed``.
* ``RO`` (overflying) is a warning unless item E names a restriction (``TFR``,
  ``RESTRICTED AREA`` ...): UK bulletins use ``QROXX`` for HIRTAs, equestrian events
  and security advisories about foreign FIRs, listed under ``A) EGTT``.
* ATS units (``S*``: approach, tower, ACC) are read through item E, because UK
  bulletins say "EXETER ATS NOT AVBL. AD CLOSED" under ``QSPLC``.
* Obstacle lights (``OL``) are ``obstacle``; stop bars (``MO``) are ``lighting``;
  communications and surveillance (``C*``) are ``other``; trigger (``TT``) and
  checklist (``KK``) NOTAMs are ``other``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Collection, Iterable

from notam_log.core.classify_rules import (
    DOWNGRADE,
    EMERGENCY_ONLY,
    EXCEPTION_PATTERN,
    FAA_KEYWORDS,
    FAA_SCOPES,
    QCODE_RULES,
    TEXT_SCOPES,
)
from notam_log.core.classify_text import COMPILED_TEXT, Branch, matches
from notam_log.core.models import DEFAULT_RESTRICTIONS, Notam
from notam_log.core.qcodes import decode, split

__all__ = ["category_of", "complete", "fields"]


@functools.cache
def _scope_rules(scope: str) -> tuple[tuple[str, tuple[Branch, ...]], ...]:
    """The text rules that can decide within ``scope``: those whose category it allows,
    and those that stop the search when it is not allowed (``procedure``; one aircraft
    type admitted, which a scope that does not allow ``other`` answers with its
    default); the others match or not without changing the outcome, so they are never
    tried."""
    allowed = _scope(scope)[0]
    return tuple(
        (category, branches)
        for name, category, branches in COMPILED_TEXT
        if category in allowed or category == "procedure" or name in _STOPS
    )


#: Text rules that end the search in any scope (see :func:`_scope_rules`).
_STOPS = frozenset({"aircraft type admitted"})


_EXCEPTION = re.compile(EXCEPTION_PATTERN)
_DEACTIVATED = re.compile(r"\b(?:DEACTIVATED|DE-ACTIVATED|CANCELLED|CANCELED|NOT ACTIVE)\b")
_FAA_HEAD = re.compile(r"^!\s*(\w+)\s+\S+\s+\S+\s+(\S+)\s*(.*)$", re.S)
_FAA_TIMES = re.compile(r"\s\d{10}-(?:\d{10}(?:EST)?|PERM)$")


#: QCODE_RULES ready to test: (subject, wildcard first letter or "", conditions or None).
_QCODE_TESTS: tuple[tuple[str, str, frozenset[str] | None, str], ...] = tuple(
    (
        subj,
        subj[0] if subj.endswith("*") and subj != "*" else "",
        None if conds == "*" else frozenset(conds.split()),
        outcome,
    )
    for subj, conds, outcome in QCODE_RULES
)


@functools.lru_cache(maxsize=2048)
def _qcode_outcome(subject: str, condition: str) -> str:
    first = subject[:1]
    for subj, letter, conds, outcome in _QCODE_TESTS:
        if subj != "*" and subj != subject and letter != first:
            continue
        if conds is not None and condition not in conds:
            continue
        return outcome
    return "text:any"


def _scope(name: str) -> tuple[frozenset[str], str]:
    return TEXT_SCOPES.get(name) or FAA_SCOPES.get(name) or TEXT_SCOPES["any"]


def _by_text(text: str, scope: str) -> str:
    if scope == "restricted_area":
        return "other" if _DEACTIVATED.search(text) else "airspace_restricted"
    allowed, default = _scope(scope)
    for category, branches in _scope_rules(scope):
        if matches(branches, text):
            if category in allowed:
                return category
            break  # a procedure NOTAM is never something else
    return default


#: The words one of which :data:`EXCEPTION_PATTERN` needs to match (a cheap test first).
_EXCEPTION_WORDS = ("EXC", "AVBL", "AVAILABLE", "OPEN", "CLSD", "CLOSED", "PPR", "PRIOR", "ONLY")


def _has_real_exception(text: str) -> bool:
    for word in _EXCEPTION_WORDS:
        if word in text:
            break
    else:
        return False
    for m in _EXCEPTION.finditer(text):
        clause = m.group("clause")
        if clause is None:
            return True
        if clause.strip() and not EMERGENCY_ONLY.match(clause):
            return True
    return False


def _normalise(text: str) -> str:
    body = " ".join(text.upper().split()).lstrip("(").lstrip()
    return _FAA_TIMES.sub("", body) if body.startswith("!") else body


def category_of(qcode: str | None, text: str, source_format: str) -> str:
    """One of :data:`notam_log.core.models.CATEGORIES` for a Q-code and an item E.

    ``source_format`` is accepted so that a format can get its own rules; today only
    the shape of the text matters (an FAA domestic ``!ACCT nn/nnn LOC KEYWORD ...``
    is recognised whatever the format says).
    """
    return _category(_qcode_info(qcode)[3], text)


@functools.lru_cache(maxsize=4096)
def _qcode_info(qcode: str | None) -> tuple[str | None, str | None, tuple[str, ...], str]:
    """What a Q-code alone decides, worked out once per code: its decoded subject,
    condition and issues, and the :data:`QCODE_RULES` outcome (a category or
    ``text:<scope>``), or ``""`` when the code has no two-letter halves (then the
    text decides, FAA keyword first)."""
    subject, condition, q_issues = decode(qcode)
    subj, cond = split(qcode)
    outcome = ""
    if subj and cond and len(subj) == 2 and len(cond) == 2:
        outcome = _qcode_outcome(subj, cond)
    return subject, condition, q_issues, outcome


def _category(outcome: str, text: str) -> str:
    """The category for a Q-code outcome (see :func:`_qcode_info`) and an item E."""
    if outcome and outcome not in DOWNGRADE and not outcome.startswith("text:"):
        return outcome  # the Q-code decides alone: the text is not read
    body: str | None = None
    if not outcome:
        outcome = "text:any"
        body = _normalise(text)
        m = _FAA_HEAD.match(body)
        if m:
            keyword, rest = m.group(2), m.group(3)
            keyword = keyword.rsplit("..", 1)[-1]  # FDC "CA..AIRSPACE"
            if keyword in FAA_KEYWORDS:
                outcome = FAA_KEYWORDS[keyword]
                body = f"{keyword} {rest}"
    if outcome.startswith("text:"):
        if body is None:
            body = _normalise(text)
        category = _by_text(body, outcome[5:])
    else:
        category = outcome
    if category in DOWNGRADE:
        if body is None:
            body = _normalise(text)
        if _has_real_exception(body):
            category = DOWNGRADE[category]
    return category


def fields(
    qcode: str | None,
    text: str,
    source_format: str,
    issues: Iterable[str] = (),
    restrictions: Collection[str] = DEFAULT_RESTRICTIONS,
) -> tuple[str | None, str | None, str, bool, tuple[str, ...]]:
    """What :func:`complete` fills, for a record about to be built (so that no second
    copy of it is made): ``(subject, condition, category, restriction, issues)``, the
    issues being ``issues`` followed by the Q-code's own not already among them."""
    subject, condition, q_issues, outcome = _qcode_info(qcode)
    category = _category(outcome, text)
    all_issues = tuple(issues)
    if q_issues:
        all_issues += tuple(i for i in q_issues if i not in all_issues)
    return subject, condition, category, category in restrictions, all_issues


def complete(notam: Notam, restrictions: Collection[str] = DEFAULT_RESTRICTIONS) -> Notam:
    """Fill ``subject``, ``condition``, ``category`` and ``restriction`` of a parsed NOTAM.

    Q-code issues (unknown subject or condition) are appended to ``issues`` once.
    """
    subject, condition, category, restriction, issues = fields(
        notam.qcode, notam.text, notam.source_format, notam.issues, restrictions
    )
    return dataclasses.replace(
        notam,
        subject=subject,
        condition=condition,
        category=category,
        restriction=restriction,
        issues=issues,
    )
