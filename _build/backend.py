"""The build backend: setuptools' own, plus mypy when the compiled core is asked for.

``NOTAM_LOG_MYPYC=1 pip install .`` builds the pure core (the modules listed under
``[tool.notam-log] compiled`` in pyproject.toml) as C extensions with mypyc; setup.py
does the compiling, and this backend adds what it needs to the build environment.
Without the variable nothing changes: a pure-Python install, as setuptools makes it.
"""

from __future__ import annotations

import os

from setuptools.build_meta import *  # noqa: F403 - every hook, unchanged but two

#: What compiling needs beyond setuptools: mypyc comes with mypy, and the lxml stubs
#: let it type pib_xml as mypy does.
COMPILE_REQUIRES = ["mypy>=1.10", "lxml-stubs"]


def _compiling() -> list[str]:
    return COMPILE_REQUIRES if os.environ.get("NOTAM_LOG_MYPYC") == "1" else []


# setuptools' own hooks would run setup.py to ask it for more, before mypy is there;
# setup.py asks for nothing (pyproject.toml declares the package), so they are not asked.
def get_requires_for_build_wheel(config_settings=None):  # type: ignore[no-untyped-def]
    return _compiling()


def get_requires_for_build_editable(config_settings=None):  # type: ignore[no-untyped-def]
    return _compiling()
