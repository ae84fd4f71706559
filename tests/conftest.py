"""Test-wide settings: no test may reach beyond this machine, and CI runs hypothesis
derandomized (the same examples every run) so that a red CI is always reproducible."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

# No per-example deadline anywhere: a busy machine (or xdist's other worker) makes timing
# noise, and a test fails for what it asserts, never for how long an example took.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("local", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "local")

# pytest-xdist's workers set COLUMNS=80 and LINES=24; the commands' output is tested as a
# pipe shows it (no terminal, no COLUMNS), which must not depend on how pytest was started.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = None
        if ip is None or not ip.is_loopback:
            raise ConnectionRefusedError(f"tests may only connect to loopback, not {host!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any connection to an address off this machine fails at once."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    yield
