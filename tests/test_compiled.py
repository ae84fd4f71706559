"""The compiled core (``NOTAM_LOG_MYPYC=1 pip install .``, see setup.py) reads every
record as the pure modules do.

The modules listed under ``[tool.notam-log] compiled`` in pyproject.toml are compiled
with mypyc into a temporary copy of the package; tests/parity_dump.py then prints every
record made of the shared data (corpus texts whole, lower-cased and cut short; every
bulletin in order; bulletins cut short) once with the compiled copy and once with the
pure package, and the two outputs must be the same line for line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DUMP = ROOT / "tests" / "parity_dump.py"
COMPILED = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["notam-log"][
    "compiled"
]
#: What mypy checks the package with (pyproject's [tool.mypy]), for mypyc, which is
#: run where pyproject.toml is not (setuptools would validate all of it).
MYPY_INI = """\
[mypy]
strict = True

[mypy-sqlite_utils.*,apscheduler.*,airportsdata.*,aiosmtpd.*]
ignore_missing_imports = True
"""


def _run(
    args: list[str], cwd: Path, pythonpath: Path, **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), **extra}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def compiled_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package whose COMPILED modules are mypyc extensions."""
    import mypyc  # noqa: F401  (comes with mypy: pip install -e '.[test]')

    compiler = shutil.which(sysconfig.get_config_var("CC") or "cc") or shutil.which("gcc")
    assert compiler, "no C compiler: the compiled core cannot be built (.ci/run installs one)"
    where = tmp_path_factory.mktemp("compiled")
    shutil.copytree(
        ROOT / "notam_log",
        where / "notam_log",
        ignore=shutil.ignore_patterns("*.so", "__pycache__"),
    )
    (where / "mypy.ini").write_text(MYPY_INI, encoding="utf-8")
    # C optimisation level 0: the parity checked here is that of the code mypyc generates
    # (its type checks, boxed and unboxed ints, ...), the same at every level; level 0 builds
    # in two thirds of the time. The shipped build (setup.py) and the benchmarks use level 3.
    level = os.environ.get("MYPYC_OPT_LEVEL", "0")
    built = _run(
        [sys.executable, "-m", "mypyc", *COMPILED],
        cwd=where,
        pythonpath=where,
        MYPYC_OPT_LEVEL=level,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return where


def _dump(pythonpath: Path, out: Path) -> list[str]:
    done = _run([sys.executable, str(DUMP), str(out)], cwd=out.parent, pythonpath=pythonpath)
    assert done.returncode == 0, done.stderr[-3000:]
    return out.read_text("utf-8").splitlines()


def test_compiled_modules_read_every_record_as_the_pure_ones(
    compiled_copy: Path, tmp_path: Path
) -> None:
    fast = _dump(compiled_copy, tmp_path / "compiled.txt")
    pure = _dump(ROOT, tmp_path / "pure.txt")
    # the first line says which modules were loaded compiled: all of them, then none
    assert set(json.loads(fast[0].split(" ", 1)[1]).values()) == {True}, fast[0]
    assert set(json.loads(pure[0].split(" ", 1)[1]).values()) == {False}, pure[0]
    assert len(fast) == len(pure) > 90_000
    for n, (a, b) in enumerate(zip(fast[1:], pure[1:], strict=True), start=2):
        assert a == b, f"line {n} differs:\ncompiled: {a[:2000]}\npure:     {b[:2000]}"
