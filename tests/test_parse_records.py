"""The record readers of the parse package: the JSON/XML readers that the adapters use,
the PIB memo owned by its reader, and what the pure core may import."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from notam_log.core.models import Event
from notam_log.core.parse.pib import PibMemo, parse_pib
from notam_log.core.parse.records import structured_notam
from notam_log.core.parse.tfr import parse_detail

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
PIBS = sorted((DATA / "nats-pib" / "heathrow-2025-03").glob("PIB-*.xml.gz"))
#: The core modules of the parse package and of the records, readers and tables they use.
CORE_MODULES = [
    *sorted((ROOT / "notam_log" / "core" / "parse").glob("*.py")),
    *(
        ROOT / "notam_log" / "core" / name
        for name in (
            "values.py",
            "models.py",
            "classify.py",
            "classify_rules.py",
            "classify_text.py",
            "qcodes.py",
            "sun.py",
            "validity.py",
        )
    ),
]


def _imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda p: p.name)
def test_core_modules_import_only_the_core(path: Path) -> None:
    """No import of the adapters, the shell or the CLI, lazy or not, and no I/O library."""
    for module in _imported(path):
        if module.startswith("notam_log"):
            assert module.startswith("notam_log.core"), (path.name, module)
        assert module.split(".")[0] not in {"httpx", "sqlite3", "sqlite_utils", "apscheduler"}


def test_inputs_reads_every_shape_without_the_adapters() -> None:
    """read_input's module (which reads saved responses of every source) needs no adapter."""
    imported = _imported(ROOT / "notam_log" / "core" / "parse" / "inputs.py")
    assert "notam_log.core.parse.records" in imported and "notam_log.core.parse.tfr" in imported


@pytest.mark.parametrize("year", ["FY25", "25a", "2025.0", [2025], {"y": 25}])
def test_structured_year_of_any_shape_is_read_or_left_out(year: object) -> None:
    """A year field the feed got wrong is read for its digits, never a traceback."""
    fields = {"number": "0123", "series": "A", "year": year, "text": "RWY 09 CLSD"}
    notam = structured_notam(fields, source_format="nms_geojson")
    assert notam.year == 2025
    assert notam.id == "A0123/25"


def test_tfr_limit_that_is_not_a_finite_number_is_kept_as_written() -> None:
    data = (DATA / "payloads" / "tfr-detail-6_9513.xml").read_bytes()
    whole = parse_detail(data, "6/9513", {})
    assert whole.upper == 85 and whole.upper_limit == "8500 FT ALT"
    for value in (b"1e999", b"nan", b"-inf"):
        odd = parse_detail(data.replace(b">8500<", b">" + value + b"<"), "6/9513", {})
        assert odd.upper is None and odd.upper_limit == f"{value.decode()} FT ALT"
        assert odd.lower == whole.lower == 0


def test_pib_memo_belongs_to_its_reader_and_holds_one_bulletin() -> None:
    first, second, third = (p.read_bytes() for p in PIBS[10:13])
    a, b = PibMemo(), PibMemo()
    one = parse_pib(first, a)
    # another reader's memo does not see what this one read
    cold = parse_pib(second, b)
    assert not {id(n) for n in one.notams} & {id(n) for n in cold.notams}
    # this reader reuses the records of the bulletin it read before
    two = parse_pib(second, a)
    assert two == cold
    assert len({id(n) for n in one.notams} & {id(n) for n in two.notams}) > len(two.notams) // 2
    # the memo holds the last bulletin's records only (bounded): after the third, none of
    # the first bulletin's records that the second did not repeat are still held
    parse_pib(third, a)
    held = {id(n) for _readings, n in (x for same in a.previous.values() for x in same)}
    only_first = {id(n) for n in one.notams} - {id(n) for n in two.notams}
    assert only_first and not held & only_first
    # without a memo nothing is reused
    again = parse_pib(second)
    assert again == two and not {id(n) for n in again.notams} & {id(n) for n in two.notams}


def _event(kind: str, after: datetime | None, **detail: object) -> Event:
    at = datetime(2025, 3, 21, 2, tzinfo=UTC)
    return Event(kind=kind, source="s", observed_at=at, after=after, detail=detail)


def test_event_baseline_property() -> None:
    before = datetime(2025, 3, 21, 1, tzinfo=UTC)
    assert _event("published", None, baseline=True).baseline
    assert _event("restriction_imposed", before, baseline=True).baseline
    # a restriction with nothing before it to bound it records what was there
    assert _event("restriction_imposed", None).baseline
    assert not _event("restriction_imposed", before).baseline
    assert not _event("published", None).baseline
    assert not _event("published", before, baseline=False).baseline
