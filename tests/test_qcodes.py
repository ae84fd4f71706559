"""Q-code decoding against the packaged Doc 8126 tables."""

from __future__ import annotations

import pytest

from notam_log.core.qcodes import decode, split, tables


@pytest.mark.parametrize(
    ("qcode", "subject", "condition"),
    [
        ("QFALC", "Aerodrome", "Closed"),  # EGGN:A1918/25, Heathrow
        ("QFALT", "Aerodrome", "Limited to"),  # EGGN:A1936/25
        ("QMRLC", "Runway", "Closed"),
        ("QMXLC", "Taxiway(s)", "Closed"),
        ("QRRCA", "Restricted area", "Activated"),
        ("QRDCA", "Danger area", "Activated"),
        ("QRTCA", "Temporary restricted area", "Activated"),
        ("QWULW", "Unmanned aircraft", "Will take place"),
        ("QOBCE", "Obstacle", "Erected"),
        ("QFAAH", "Aerodrome", "Hours of service are now"),
        ("QICAS", "Instrument landing system (ILS)", "Unserviceable"),
        ("QARLC", "ATS route", "Closed"),
        ("QPIAU", "Instrument approach procedure", "Not available"),
    ],
)
def test_golden_decoding(qcode: str, subject: str, condition: str) -> None:
    assert decode(qcode) == (subject, condition, ())


def test_ad_is_the_adiz_not_the_aerodrome() -> None:
    subject, _, issues = decode("QADCA")
    assert subject == "Air defense identification zone"
    assert issues == ()


@pytest.mark.parametrize(
    ("qcode", "subject", "condition"),
    [
        ("QFAXX", "Aerodrome", "Plain language"),
        ("QXXXX", "Plain language", "Plain language"),
        ("QMRXX", "Runway", "Plain language"),
        ("QKKKK", "Checklist", "Checklist of valid NOTAMs"),
        ("QTTTT", "Trigger NOTAM", "Trigger"),
    ],
)
def test_wildcards_are_not_errors(qcode: str, subject: str, condition: str) -> None:
    assert decode(qcode) == (subject, condition, ())


def test_unknown_codes_are_kept_and_reported() -> None:
    assert decode("QZZLC") == ("ZZ", "Closed", ("unknown Q-code subject 'ZZ'",))
    assert decode("QFAQQ") == ("Aerodrome", "QQ", ("unknown Q-code condition 'QQ'",))
    subject, condition, issues = decode("QZZQQ")
    assert (subject, condition) == ("ZZ", "QQ")
    assert len(issues) == 2


def test_absent_and_malformed() -> None:
    assert decode(None) == (None, None, ())
    assert decode("") == (None, None, ())
    assert decode("FALC") == ("Aerodrome", "Closed", ())
    assert decode(" qfalc ") == ("Aerodrome", "Closed", ())
    _, _, issues = decode("Q12")
    assert issues and "malformed" in issues[0]


def test_split() -> None:
    assert split("QFALC") == ("FA", "LC")
    assert split("FALC") == ("FA", "LC")
    assert split(None) == (None, None)


def test_tables_are_loaded_once_and_complete() -> None:
    t = tables()
    assert t is tables()
    assert len(t.subjects) >= 200
    assert len(t.conditions) >= 78
    assert t.subjects["FA"] == "Aerodrome"
