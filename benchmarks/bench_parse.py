"""Parse throughput: ICAO text, FAA domestic text and PIB XML, and aviconv-notam beside them.

Run by hand, in one process::

    .venv/bin/python benchmarks/bench_parse.py [--repeats N]

It measures the notam-log it imports. For the core compiled with mypyc (setup.py), run
it with the Python of a venv where that build is installed::

    python3 -m venv .venv-mypyc
    NOTAM_LOG_MYPYC=1 .venv-mypyc/bin/pip install '.[bench]'
    .venv-mypyc/bin/python benchmarks/bench_parse.py

Prints one table of NOTAMs per second (best-of and median over the repeats, measured
with ``time.perf_counter``). Every repeat starts cold: the memo caches of notam-log
(item D rules, windows, words, sunrise/sunset, Q-code decoding and
rules) are cleared before it, so a repeat never reads a NOTAM that an earlier repeat
already worked out. What a repeat memoises within itself (the same Q-code, the same item D
text, the same PIB time or position met again in the same run) it may reuse, as a real
feed would.

Inputs:

* **ICAO text**: every ``icao`` record of ``tests/data/corpus/notams.jsonl``, through
  ``icao.parse_icao``.
* **ICAO text, aviconv-parseable**: the subset of those that aviconv-notam's
  ``aviconv_notam.parser.parse`` reads without raising (found in the same run), timed
  for both parsers on the same texts; the ratio is notam-log's rate over aviconv's.
  Needs the ``bench`` extra (``pip install -e '.[bench]'``); without it those rows say
  so and the rest still runs.
* **FAA domestic text**: every ``faa_domestic`` record, through ``faa_text.parse_faa``.
* **PIB XML**: the largest (decompressed) snapshot in
  ``tests/data/nats-pib/heathrow-2025-03/``, through ``pib.parse_pib``, against
  lxml's ``etree.fromstring`` alone on the same bytes (the floor any reader pays); the
  ratio there is parse_pib's time over fromstring's and is meant to stay <= 2.5. Cold,
  and as the poller meets it each hour: right after reading the bulletin of the hour
  before (whose unchanged NOTAMs are not read again), in the "warm" column.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from notam_log.core import classify, item_d, qcodes, sun
from notam_log.core.parse import icao
from notam_log.core.parse.faa import parse_faa
from notam_log.core.parse.icao import parse_icao
from notam_log.core.parse.pib import PibMemo, parse_pib
from notam_log.core.parse.safe_xml import _OPTIONS as _XML_OPTIONS

sys.path.insert(0, str(Path(__file__).resolve().parent))
from summary import record  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus" / "notams.jsonl"
PIB_DIR = ROOT / "tests" / "data" / "nats-pib" / "heathrow-2025-03"
PIB_RATIO_LIMIT = 2.5
#: Which build of notam-log is measured: the pure modules, or the core compiled with
#: mypyc (``NOTAM_LOG_MYPYC=1 pip install '.[bench]'`` in a venv of its own; setup.py).
BUILD = "pure Python" if icao.__file__.endswith(".py") else "compiled (mypyc)"
TAG = "" if BUILD == "pure Python" else " [compiled]"


def clear_caches() -> None:
    """Forget every memo of notam-log, so that a repeat measures a cold parse."""
    item_d.clear_caches()  # read, windows, item D words, sun
    sun.event_seconds.cache_clear()
    qcodes.decode.cache_clear()
    classify._qcode_outcome.cache_clear()
    classify._qcode_info.cache_clear()


def timed(
    run: Callable[[], object],
    repeats: int,
    cold: bool = True,
    before: Callable[[], object] | None = None,
) -> list[float]:
    """Seconds per repeat of ``run``, garbage collected before each; with ``cold`` the
    caches are cleared before each repeat, else they are primed once and kept;
    ``before``, if given, runs (untimed) after the clearing, before each repeat."""
    out: list[float] = []
    if not cold:
        run()
    for _ in range(repeats):
        if cold:
            clear_caches()
        if before is not None:
            before()
        gc.collect()
        t0 = time.perf_counter()
        run()
        out.append(time.perf_counter() - t0)
    return out


def over(parse: Callable[[str], object], texts: Sequence[str]) -> Callable[[], object]:
    def run() -> object:
        for text in texts:
            parse(text)
        return None

    return run


def aviconv_parser() -> Callable[[str], object] | None:
    try:
        from aviconv_notam.parser import parse
    except ImportError:
        return None
    return parse


def aviconv_version() -> str:
    try:
        from importlib.metadata import version

        return version("aviconv-notam")
    except Exception:
        return "?"


def previous_pib(path: Path) -> bytes:
    """The bulletin of the hour before ``path`` (decompressed), or ``path``'s own when
    it is the first."""
    paths = sorted(PIB_DIR.glob("*.xml*"))
    at = paths.index(path)
    data = paths[max(0, at - 1)].read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def largest_pib() -> tuple[Path, bytes]:
    best: tuple[Path, bytes] | None = None
    for path in sorted(PIB_DIR.glob("*.xml*")):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if best is None or len(data) > len(best[1]):
            best = (path, data)
    if best is None:
        raise SystemExit(f"no PIB snapshot in {PIB_DIR}")
    return best


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--repeats", type=int, default=9, help="timed repeats per row (default 9)")
    args = ap.parse_args(argv)
    repeats: int = max(1, args.repeats)

    records: list[dict[str, Any]] = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    icao = [r["text"] for r in records if r["format"] == "icao"]
    faa = [r["text"] for r in records if r["format"] == "faa_domestic"]

    Row = tuple[str, int, "list[float] | None", "list[float] | None", str]
    rows: list[Row] = []
    notes: list[str] = []

    def measure(run: Callable[[], object]) -> tuple[list[float], list[float]]:
        return timed(run, repeats), timed(run, repeats, cold=False)

    cold, warm = measure(over(parse_icao, icao))
    record(
        f"ICAO text, all {len(icao)} corpus ICAO records, cold{TAG}",
        f"{len(icao) / min(cold):,.0f} NOTAMs/s",
    )
    rows.append(("ICAO text, all corpus ICAO (notam-log)", len(icao), cold, warm, ""))

    avi = aviconv_parser()
    if avi is None:
        notes.append("aviconv-notam not installed (pip install -e '.[bench]'): its rows skipped")
    else:
        ok: list[str] = []
        faa_ok = 0
        for fmt, texts in (("icao", icao), ("faa_domestic", faa)):
            for text in texts:
                try:
                    avi(text)
                except Exception:
                    continue
                if fmt == "icao":
                    ok.append(text)
                else:
                    faa_ok += 1
        notes.append(
            f"aviconv-notam {aviconv_version()} parses {len(ok) + faa_ok} of {len(records)} "
            f"corpus texts without error: {len(ok)} of {len(icao)} ICAO, "
            f"{faa_ok} of {len(faa)} FAA domestic"
        )
        ours, ours_warm = measure(over(parse_icao, ok))
        theirs, theirs_warm = measure(over(avi, ok))
        ratio = min(theirs) / min(ours)
        ratio_warm = min(theirs_warm) / min(ours_warm)
        record(
            f"ICAO text: notam-log / aviconv-notam rate, same {len(ok)} texts, cold{TAG}",
            f"{len(ok) / min(ours):,.0f} vs {len(ok) / min(theirs):,.0f} NOTAMs/s = {ratio:.2f}x"
            f" ({ratio_warm:.2f}x warm: notam-log's caches primed, aviconv has none)",
            ">= 2.5x",
            ratio >= 2.5,
        )
        rows.append(
            (
                "ICAO text, aviconv-parseable (notam-log)",
                len(ok),
                ours,
                ours_warm,
                f"{ratio:.2f}x aviconv cold, {ratio_warm:.2f}x warm (our caches primed;"
                " aviconv caches nothing)",
            )
        )
        rows.append(
            ("ICAO text, aviconv-parseable (aviconv-notam)", len(ok), theirs, theirs_warm, "1.00x")
        )

    cold, warm = measure(over(parse_faa, faa))
    record(f"FAA domestic text, cold{TAG}", f"{len(faa) / min(cold):,.0f} NOTAMs/s")
    rows.append(("FAA domestic text (notam-log)", len(faa), cold, warm, ""))
    if avi is not None:
        rows.append(("FAA domestic text (aviconv-notam)", 0, None, None, "reads none: n/a"))

    path, xml = largest_pib()
    n_pib = len(parse_pib(xml).notams)
    before = previous_pib(path)
    pib = timed(lambda: parse_pib(xml), repeats)
    # the poller's hour: the bulletin before read first (untimed) into the memo the timed
    # read is given, caches as it left them
    hour = PibMemo()

    def read_before() -> object:
        hour.previous, hour.written, hour.context = {}, {}, None
        return parse_pib(before, hour)

    pib_next = timed(lambda: parse_pib(xml, hour), repeats, before=read_before)
    # the floor: lxml with the parser settings parse_pib uses (safe_xml: no DTD, no
    # network, blank text removed, huge_tree), and lxml's defaults beside it
    same = etree.XMLParser(**_XML_OPTIONS, huge_tree=True)
    floor = timed(lambda: etree.fromstring(xml, same), repeats)
    floor_warm = timed(lambda: etree.fromstring(xml), repeats)  # lxml defaults
    pib_ratio = min(pib) / min(floor)
    pib_ratio_next = min(pib_next) / min(floor)
    pib_ratio_default = min(pib) / min(floor_warm)
    verdict = "ok" if pib_ratio <= PIB_RATIO_LIMIT else f"OVER {PIB_RATIO_LIMIT}"
    record(
        f"PIB XML ({n_pib} NOTAMs): parse_pib cold / lxml with parse_pib's parser settings"
        f" (lxml defaults in brackets){TAG}",
        f"{min(pib) * 1000:.1f} ms / {min(floor) * 1000:.1f} ms = {pib_ratio:.2f}x"
        f" ({min(floor_warm) * 1000:.1f} ms, {pib_ratio_default:.2f}x);"
        f" {pib_ratio_next:.2f}x after the hour before",
        f"<= {PIB_RATIO_LIMIT}x",
        pib_ratio <= PIB_RATIO_LIMIT,
    )
    rows.append(
        (
            f"PIB XML {path.name} (parse_pib)",
            n_pib,
            pib,
            pib_next,
            f"{pib_ratio:.2f}x lxml (same settings) cold ({verdict}), "
            f"{pib_ratio_default:.2f}x lxml defaults; "
            f"{pib_ratio_next:.2f}x after the hour before",
        )
    )
    rows.append(
        ("PIB XML, lxml alone (same settings | defaults)", n_pib, floor, floor_warm, "1.00x")
    )
    if avi is not None:
        rows.append(("PIB XML (aviconv-notam)", 0, None, None, "no PIB reader: n/a"))

    print(
        f"notam-log parse benchmark ({BUILD}): Python {sys.version.split()[0]}, one process, "
        f"{repeats} repeats per column; cold = caches cleared before each repeat, "
        "warm = caches kept from the repeats before (aviconv-notam keeps none: its warm"
        " figure is its cold one, so a warm ratio is not like for like)"
    )
    head = (
        f"{'input (parser)':<46} {'NOTAMs':>6} {'cold best/s':>11} {'cold med/s':>10} "
        f"{'warm best/s':>11}  ratio"
    )
    print(head)
    print("-" * (len(head) + 30))
    for name, n, times, warm_times, ratio_text in rows:
        if times is None or warm_times is None:
            print(f"{name:<46} {n:>6} {'-':>11} {'-':>10} {'-':>11}  {ratio_text}")
            continue
        best = n / min(times)
        med = n / statistics.median(times)
        wbest = n / min(warm_times)
        print(f"{name:<46} {n:>6} {best:>11,.0f} {med:>10,.0f} {wbest:>11,.0f}  {ratio_text}")
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
