"""Errors that notam-log reports to its user as one line.

NotamLogError            anything the CLI turns into "Error: ..." and exit 1
├── ConfigError          config.toml: which file, which table, which key, what was expected
├── InputError           an unreadable input file (exit 2 for ``parse``)
├── StoreError           the database: missing, locked, corrupt, full
├── SourceError          a source could not be polled (after retries)
│   ├── BotProtectionError   a 403 bot-protection page (FAA NOTAM Search)
│   └── QuotaExhaustedError  the source's call quota is used up
├── DeliveryError        a digest or notification was not delivered (after retries)
└── PollerBusy           another process polls this database (``run`` exits 4 on it)
"""

from __future__ import annotations


class NotamLogError(Exception):
    """Base of every error shown to the user as one line."""

    exit_code = 1


class ConfigError(NotamLogError):
    """The configuration is wrong; the message names the file, the table and the key."""


class InputError(NotamLogError):
    """An input file cannot be read at all (not a container we know)."""

    exit_code = 2


class StoreError(NotamLogError):
    """The database cannot be used."""


class SourceError(NotamLogError):
    """A source could not be polled, after retries."""


class BotProtectionError(SourceError):
    """The source answered with a bot-protection page (HTTP 403)."""


class QuotaExhaustedError(SourceError):
    """The source's call quota is used up; do not call again before it resets."""


class DeliveryError(NotamLogError):
    """A digest or notification could not be delivered (after retries); the message
    is one line with every secret removed."""


class PollerBusy(NotamLogError):
    """Another process holds the database's poller lock; the message says which."""

    exit_code = 4
