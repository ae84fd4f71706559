"""The package is declared in pyproject.toml; this file adds only the optional compiled core.

With ``NOTAM_LOG_MYPYC=1`` in the environment (``NOTAM_LOG_MYPYC=1 pip install .``), the
modules listed under ``[tool.notam-log] compiled`` in pyproject.toml are compiled with
mypyc into C extensions (a C compiler is needed; the build backend in ``_build/`` brings
mypy). They behave as the pure modules do (tests/test_compiled.py compares every record
of the corpus and of the shared bulletins) and parse about 1.5 times as fast. Without
the variable the install is pure Python. Compile a regular install, not an editable one:
an extension module shadows its ``.py`` file, so edits to it would not be seen.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from setuptools import setup


def compiled_modules() -> list[str]:
    """The module files to compile, as pyproject.toml lists them."""
    conf = tomllib.loads((Path(__file__).parent / "pyproject.toml").read_text("utf-8"))
    return list(conf["tool"]["notam-log"]["compiled"])


def ext_modules() -> list[Any]:
    if os.environ.get("NOTAM_LOG_MYPYC") != "1":
        return []
    from mypyc.build import mypycify

    return mypycify(compiled_modules(), opt_level="3")  # type: ignore[no-any-return]


setup(ext_modules=ext_modules())
