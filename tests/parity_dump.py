"""Print every record the parsers make of the shared data, one JSON line each, for
tests/test_compiled.py to compare the compiled modules with the pure ones.

Run as ``python tests/parity_dump.py OUT``; the ``notam_log`` imported is whichever
comes first on ``sys.path`` (PYTHONPATH chooses). The first line names, for every
module of ``[tool.notam-log] compiled``, whether it was loaded compiled.

Inputs: every corpus text (through its own parser and through ``parse_text``), the
same texts lower-cased and cut short at a third and two thirds of their length (the
error paths), every shared bulletin in order (so that the reuse of the hour before
takes part: a record reused from the hour before is
named, not dumped again), and one bulletin cut short, as XML and as gzip. Each record is dumped
with all its fields and its ``windows``.
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _line(kind: str, value: Any) -> str:
    return kind + " " + json.dumps(value, default=str, sort_keys=True) + "\n"


def _record(notam: Any) -> dict[str, Any]:
    from notam_log.core.validity import windows

    out = dataclasses.asdict(notam)
    out["windows"] = windows(notam)
    return out


def main(out_path: str) -> None:
    from notam_log.core.errors import InputError
    from notam_log.core.parse.faa import parse_faa
    from notam_log.core.parse.icao import parse_icao, parse_text
    from notam_log.core.parse.pib import PibMemo, parse_pib

    conf = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    modules = [
        p.removesuffix(".py").replace("/", ".") for p in conf["tool"]["notam-log"]["compiled"]
    ]
    compiled = {m: not importlib.import_module(m).__file__.endswith(".py") for m in modules}
    with open(out_path, "w", encoding="utf-8") as out:
        out.write(_line("compiled", compiled))
        records = [
            json.loads(line)
            for line in (HERE / "data" / "corpus" / "notams.jsonl").open(encoding="utf-8")
        ]
        for r in records:
            text = r["text"]
            parse = parse_faa if r["format"] == "faa_domestic" else parse_icao
            variants = [text, text.lower(), text[: len(text) // 3], text[: 2 * len(text) // 3]]
            for v in variants:
                out.write(_line("one", _record(parse(v))))
                out.write(_line("text", [_record(n) for n in parse_text(v)]))
        memo = PibMemo()
        bulletins = sorted((HERE / "data" / "nats-pib" / "heathrow-2025-03").glob("*.xml*"))
        dumped: dict[int, Any] = {}  # id -> the record itself (kept alive: ids stay unique)
        for path in bulletins:
            bulletin = parse_pib(path.read_bytes(), memo)
            out.write(_line("pib", [bulletin.issued, bulletin.valid_to, bulletin.issues]))
            for n in bulletin.notams:
                if dumped.get(id(n)) is n:  # reused from the bulletin before: said so, once
                    out.write(_line("pib-reused", n.key))
                else:
                    dumped[id(n)] = n
                    out.write(_line("pib-notam", _record(n)))
        xml = gzip.decompress(bulletins[0].read_bytes())
        for cut in (xml[: len(xml) // 2], gzip.compress(xml)[:40_000], b"<Pib>", b"not xml"):
            try:
                bulletin = parse_pib(cut)
            except InputError as exc:
                out.write(_line("pib-error", str(exc)))
                continue
            out.write(_line("pib-cut", [bulletin.issues, [_record(n) for n in bulletin.notams]]))


if __name__ == "__main__":
    main(sys.argv[1])
