"""Restriction classification (placeholder until the classification module lands)."""

from __future__ import annotations

from collections.abc import Collection

from notam_log.models import DEFAULT_RESTRICTIONS, Notam


def complete(notam: Notam, restrictions: Collection[str] = DEFAULT_RESTRICTIONS) -> Notam:
    """Fill ``subject``, ``condition``, ``category`` and ``restriction`` of a parsed NOTAM."""
    return notam
