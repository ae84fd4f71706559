"""One table for all benchmarks: each script calls :func:`record` for its headline figures;
``run_all.py`` collects them (through ``NOTAM_LOG_BENCH_SUMMARY``) and prints the table."""

from __future__ import annotations

import json
import os


def record(name: str, result: str, target: str = "", ok: bool | None = None) -> None:
    """Append one row when run under ``run_all.py``; a no-op otherwise."""
    path = os.environ.get("NOTAM_LOG_BENCH_SUMMARY")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"name": name, "result": result, "target": target, "ok": ok}) + "\n")
