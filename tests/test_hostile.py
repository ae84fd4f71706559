"""Issue 18: a hostile or broken feed cannot hang, exhaust or poison the log.

Each case feeds its hostile input through the real command (``parse``, ``replay``,
``poll`` against the loopback server, ``run``) or the poller, and asserts one clear
line, a bounded time (and, for the memory cases, a bounded address space: the command
runs in a subprocess under ``RLIMIT_AS``), and a log equal to the one made without
the hostile input. The configuration cases are in test_hostile_config.py.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from notam_log.core.config import Config, SourceConfig
from notam_log.shell.http import Limits, make_client
from notam_log.shell.poll import Poller, PollSummary
from notam_log.shell.recorder import Recorder
from notam_log.shell.runtime import build_sources
from notam_log.shell.store import Store
from notam_log.testing.server import NotamTestServer, gzip_bomb

BIN = Path(sys.executable).parent / "notam-log"
DATA = Path(__file__).parent / "data"
PIBS = sorted((DATA / "nats-pib" / "heathrow-2025-03").glob("PIB-*.xml.gz"))
#: The address space a command may use in the memory cases (it needs about 250 MB;
#: the inputs, read whole, would need gigabytes).
MEMORY_MB = 700


def bulletin(i: int) -> bytes:
    return gzip.decompress(PIBS[i].read_bytes())


def hour_of(i: int) -> datetime:
    m = re.search(r"(\d{4})-(\d\d)-(\d\d)T(\d\d)(\d\d)Z", PIBS[i].name)
    assert m is not None
    y, mo, d, h, mi = (int(x) for x in m.groups())
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def cli(
    *args: str, timeout: float = 60, memory_mb: int | None = None, stdin: bytes | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``notam-log ARGS`` in a subprocess (under an address-space limit if asked)."""

    def limit() -> None:
        if memory_mb is not None:
            size = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    started = time.monotonic()
    proc = subprocess.run(
        [str(BIN), *args],
        capture_output=True,
        timeout=timeout,
        preexec_fn=limit,
        input=stdin,
    )
    out = subprocess.CompletedProcess(
        proc.args,
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )
    return out, time.monotonic() - started


def one_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def log_of(db: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """What a log says, without the health of its sources and the times of its polls:
    events as (kind, key, effective time, category), NOTAMs as (key, content, status,
    version)."""
    with Store(db, create=False) as store:
        events = sorted(
            (e.kind, e.key or "", str(e.effective_at), e.category or "")
            for e in store.events()
            if e.kind not in ("source_down", "source_up")
        )
        notams = sorted(
            (r.notam.key, r.notam.content_hash(), r.status, r.version) for r in store.notams()
        )
    return events, notams


def pib_config(base_url: str, **extra: Any) -> Config:
    return Config(
        path="<test>",
        database="x.db",
        sources=(SourceConfig(kind="nats_pib", name="uk", base_url=base_url, **extra),),
    )


Step = tuple[datetime, bytes | str]  # a bulletin to serve, or a fault of the test server


def live(db: Path, steps: Sequence[Step], **extra: Any) -> list[PollSummary]:
    """Poll the loopback server once per step, at the step's time, into ``db``."""
    out = []
    with NotamTestServer(trickle_every=0.5) as server:
        cfg = pib_config(server.base_url, **extra)
        sources = build_sources(cfg, {})
        limits = {"uk": Limits(extra.get("max_bytes", 64 << 20), extra.get("deadline", 120.0))}
        with Store(db) as store, make_client(timeout=10) as client:
            kwargs = {"sleep": lambda _s: None, "limits": limits, "max_attempts": 1}
            poller = Poller(Recorder(store), client, run_kwargs=kwargs)
            for when, body in steps:
                server.clear_faults()
                if isinstance(body, str):
                    server.pib_snapshots, server.pib_index = [bulletin(0)], 0
                    server.fail("pib", body)
                elif body.startswith(b"<!HOSTILE>"):
                    server.hostile("pib", body.removeprefix(b"<!HOSTILE>"))
                else:
                    server.pib_snapshots, server.pib_index = [body], 0
                out.extend(poller.poll(sources, when))
    return out


def hostile(body: bytes) -> bytes:
    """A body the test server sends as it is (no gunzip, no ETag)."""
    return b"<!HOSTILE>" + body


def clean_and_hostile(
    tmp_path: Path, bad: bytes | str, **extra: Any
) -> tuple[list[PollSummary], list[PollSummary]]:
    """Bulletins 0, 1, 2 polled in turn; again with the hostile answer between 0 and 1:
    the two logs must be equal. Returns the summaries of both runs."""
    t0, t1, t2 = hour_of(0), hour_of(1), hour_of(2)
    clean = live(tmp_path / "clean.db", [(t0, bulletin(0)), (t1, bulletin(1)), (t2, bulletin(2))])
    dirty = live(
        tmp_path / "dirty.db",
        [
            (t0, bulletin(0)),
            (t0 + timedelta(minutes=30), bad),
            (t1, bulletin(1)),
            (t2, bulletin(2)),
        ],
        **extra,
    )
    assert log_of(tmp_path / "dirty.db") == log_of(tmp_path / "clean.db")
    return clean, dirty


# ---------------------------------------------------------------- 1. XML: no DTD, no entities

DOCTYPES = {
    "dev_zero": b'<!DOCTYPE Pib [<!ENTITY % z SYSTEM "/dev/zero"> %z;]>',
    "fifo": b'<!DOCTYPE Pib SYSTEM "{fifo}">',
    "fifo_entity": b'<!DOCTYPE Pib [<!ENTITY x SYSTEM "{fifo}">]>',
    "secret": b'<!DOCTYPE Pib SYSTEM "{secret}">',
    "secret_entity": b'<!DOCTYPE Pib [<!ENTITY x SYSTEM "{secret}">]>',
    "laughs": b'<!DOCTYPE Pib [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]>',
}


def with_doctype(tmp_path: Path, name: str) -> bytes:
    """A real bulletin with a hostile DOCTYPE after its XML declaration. The FIFO has no
    writer: opening it would block for good; the secret file must never be read."""
    fifo = tmp_path / "fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    secret = tmp_path / "secret"
    secret.write_text("SECRET-CONTENT-42\n")
    doctype = DOCTYPES[name].replace(b"{fifo}", str(fifo).encode())
    doctype = doctype.replace(b"{secret}", str(secret).encode())
    body = bulletin(0)
    head, rest = body.split(b"?>", 1)
    rest = rest.replace(b"<ItemE>", b"<ItemE>&x; ", 1) if b"ENTITY x" in doctype else rest
    return head + b"?>" + doctype + rest


@pytest.mark.parametrize("case", sorted(DOCTYPES))
def test_parse_refuses_a_doctype_without_touching_the_file_system(
    tmp_path: Path, case: str
) -> None:
    path = tmp_path / "pib.xml"
    path.write_bytes(with_doctype(tmp_path, case))
    proc, took = cli("parse", str(path), "--json", timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert "DOCTYPE" in one_line(proc.stderr) and "SECRET" not in proc.stdout + proc.stderr
    assert took < 30


def test_a_tfr_detail_with_a_doctype_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    detail = (DATA / "payloads" / "tfr-detail-6_9513.xml").read_bytes()
    head, rest = detail.split(b"?>", 1) if detail.startswith(b"<?xml") else (b"", detail)
    bad = (head + b"?>" if head else b"") + f'<!DOCTYPE x SYSTEM "{fifo}">'.encode() + rest
    path = tmp_path / "tfr.xml"
    path.write_bytes(bad)
    proc, _ = cli("parse", str(path), timeout=30)
    assert proc.returncode == 2 and "DOCTYPE" in one_line(proc.stderr)


@pytest.mark.parametrize("case", ["dev_zero", "fifo", "secret_entity"])
def test_poll_refuses_a_bulletin_with_a_doctype(tmp_path: Path, case: str) -> None:
    body = with_doctype(tmp_path, case)
    with NotamTestServer() as server:
        cfg = tmp_path / "c.toml"
        cfg.write_text(
            f'[[sources]]\nkind = "nats_pib"\nname = "uk"\nbase_url = "{server.base_url}"\n'
        )
        server.hostile("pib", body)
        proc, took = cli("poll", "--config", str(cfg), "--db", str(tmp_path / "p.db"), timeout=60)
    assert proc.returncode == 1 and not proc.stdout
    line = one_line(proc.stderr)  # a failed poll's line goes to standard error
    assert "FAILED" in line and "DOCTYPE" in line
    assert took < 60
    assert log_of(tmp_path / "p.db") == ([], [])


def test_a_doctype_between_clean_bulletins_leaves_the_log_as_without_it(tmp_path: Path) -> None:
    _, dirty = clean_and_hostile(tmp_path, hostile(with_doctype(tmp_path, "dev_zero")))
    assert dirty[1].error is not None and "DOCTYPE" in dirty[1].error


# ---------------------------------------------------------------- 2. sizes and times


@pytest.mark.parametrize("fault", ["gzip_bomb", "raw_gzip_bomb"])
def test_poll_of_a_gzip_bomb_fails_in_bounded_memory(tmp_path: Path, fault: str) -> None:
    gzip_bomb()  # made before the clock starts (a few seconds)
    with NotamTestServer() as server:
        cfg = tmp_path / "c.toml"
        cfg.write_text(
            f'[[sources]]\nkind = "nats_pib"\nname = "uk"\nbase_url = "{server.base_url}"\n'
        )
        server.fail("pib", fault)
        proc, took = cli(
            "poll", "--config", str(cfg), "--db", str(tmp_path / "p.db"), memory_mb=MEMORY_MB
        )
    assert proc.returncode == 1, proc.stderr
    assert "over the limit of 64 MB" in one_line(proc.stderr)
    assert took < 60
    assert log_of(tmp_path / "p.db") == ([], [])


def test_an_endless_body_stops_at_the_size_limit(tmp_path: Path) -> None:
    summaries = live(tmp_path / "e.db", [(hour_of(0), "endless")], max_bytes=4 << 20)
    assert summaries[0].error is not None and "over the limit of 4 MB" in summaries[0].error


def test_a_trickling_body_stops_at_the_deadline(tmp_path: Path) -> None:
    started = time.monotonic()
    summaries = live(tmp_path / "t.db", [(hour_of(0), "trickle")], deadline=2.0)
    took = time.monotonic() - started
    assert summaries[0].error is not None and "deadline of 2 s" in summaries[0].error
    assert took < 8  # the trickle alone would take 30 s (60 bytes, one each 0.5 s)


def test_bombs_and_endless_bodies_between_clean_bulletins_change_nothing(tmp_path: Path) -> None:
    gzip_bomb()  # made before the polls (seconds on a busy machine: past a read timeout)
    for fault in ("gzip_bomb", "endless"):
        _, dirty = clean_and_hostile(tmp_path / fault, fault, max_bytes=8 << 20)
        assert dirty[1].error is not None and "over the limit" in dirty[1].error


def test_a_complete_raw_gzip_answer_is_read(tmp_path: Path) -> None:
    t0 = hour_of(0)
    plain = live(tmp_path / "a.db", [(t0, bulletin(0))])
    zipped = live(tmp_path / "b.db", [(t0, hostile(gzip.compress(bulletin(0))))])
    assert zipped[0].error is None and zipped[0].notams == plain[0].notams > 100


def one_letter_gzip(size: int) -> bytes:
    """``size`` bytes of the letter A, gzipped (about 1/1000 of it)."""
    import zlib

    block = b"A" * (16 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [deflate.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + deflate.flush()


def test_parse_of_a_gzip_of_one_letter_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "a.txt.gz"
    path.write_bytes(one_letter_gzip(512 << 20))
    proc, took = cli("parse", str(path), memory_mb=MEMORY_MB)
    assert proc.returncode == 2
    assert "over the limit of 64 MB once decompressed" in one_line(proc.stderr)
    assert took < 60


def test_parse_of_a_huge_item_e_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "e.txt"
    with path.open("wb") as f:
        f.write(b"(A0001/25 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n")
        f.write(b"A) EGLL B) 2503210143 C) 2503212359\nE) AD CLSD ")
        for _ in range(100):
            f.write(b"X" * (1 << 20))
        f.write(b")\n")
    proc, took = cli("parse", str(path), memory_mb=MEMORY_MB)
    assert proc.returncode == 2 and "over the limit of 64 MB" in one_line(proc.stderr)
    proc, _ = cli("parse", "-", memory_mb=MEMORY_MB, stdin=path.read_bytes())
    assert proc.returncode == 2 and "<stdin>" in one_line(proc.stderr)


def test_parse_refuses_fifos_and_devices(tmp_path: Path) -> None:
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    for name in (str(fifo), "/dev/zero", "/dev/urandom"):
        proc, took = cli("parse", name, timeout=30)
        assert proc.returncode == 2 and "not a regular file" in one_line(proc.stderr)


def test_replay_reports_bad_files_and_replays_the_others(tmp_path: Path) -> None:
    """A gzip bomb, a file nested 100,000 deep, a FIFO, a DOCTYPE: each a failed (or
    refused) snapshot, said in one warning; the others replayed as without them."""
    good = tmp_path / "good"
    good.mkdir()
    for i in range(3):
        (good / PIBS[i].name).write_bytes(PIBS[i].read_bytes())
    bad = tmp_path / "bad"
    bad.mkdir()
    for p in good.iterdir():
        (bad / p.name).write_bytes(p.read_bytes())
    (bad / "PIB-2025-03-20T0030Z.txt.gz").write_bytes(one_letter_gzip(200 << 20))
    (bad / "PIB-2025-03-20T0031Z.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    (bad / "PIB-2025-03-20T0032Z.xml").write_bytes(with_doctype(tmp_path, "dev_zero"))
    (bad / "PIB-2025-03-20T0033Z.xml").write_bytes(b"<Pib>" + b"<a>" * 100_000)
    os.mkfifo(bad / "PIB-2025-03-20T0034Z.xml")
    proc, _ = cli("replay", str(good), "--db", str(tmp_path / "good.db"), timeout=120)
    assert proc.returncode == 0, proc.stderr
    proc, took = cli(
        "replay", str(bad), "--db", str(tmp_path / "bad.db"), memory_mb=MEMORY_MB, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    warnings = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(warnings) == 5 and "Traceback" not in proc.stderr, proc.stderr
    for name, why in [
        ("0030Z", "over the limit"),
        ("0031Z", "nested too deep"),
        ("0032Z", "DOCTYPE"),
        ("0033Z", "nested deeper"),
        ("0034Z", "not a regular file"),
    ]:
        assert any(name in w and why in w for w in warnings), (name, warnings)
    assert log_of(tmp_path / "bad.db") == log_of(tmp_path / "good.db")


# ---------------------------------------------------------------- 3. times from the future


def issued(body: bytes, when: str) -> bytes:
    return re.sub(rb"<Issued>[^<]*</Issued>", f"<Issued>{when}</Issued>".encode(), body, count=1)


def test_a_live_bulletin_from_the_future_is_refused_as_suspect(tmp_path: Path) -> None:
    future = issued(bulletin(1), "2099-03-20T01:00:21+00:00")
    _, dirty = clean_and_hostile(tmp_path, future)
    assert dirty[1].error is not None and "suspect" in dirty[1].error
    assert "2099-03-20T01:00Z" in dirty[1].error


def test_a_bulletin_a_few_minutes_ahead_is_accepted(tmp_path: Path) -> None:
    t0 = hour_of(0)
    body = issued(bulletin(0), (t0 + timedelta(minutes=5)).isoformat())
    assert live(tmp_path / "a.db", [(t0, body)])[0].error is None


def test_replay_refuses_times_from_the_future_and_out_of_line(tmp_path: Path) -> None:
    good = tmp_path / "good"
    bad = tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    for i in range(4):
        (good / PIBS[i].name).write_bytes(PIBS[i].read_bytes())
        (bad / PIBS[i].name).write_bytes(PIBS[i].read_bytes())
    # named 9999, and named in line but issued in 2099
    (bad / "PIB-9999-12-31T2359Z.xml").write_bytes(bulletin(4))
    (bad / "PIB-2025-03-20T0030Z.xml").write_bytes(issued(bulletin(4), "2099-01-01T00:00:00+00:00"))
    # no time in its name: its issue time (2099) is its time
    (bad / "undated.xml").write_bytes(issued(bulletin(4), "2099-01-01T00:00:00+00:00"))
    for folder in (good, bad):
        proc, _ = cli("replay", str(folder), "--db", str(tmp_path / f"{folder.name}.db"))
        assert proc.returncode == 0, proc.stderr
        if folder is bad:
            refused = [ln for ln in proc.stderr.splitlines() if "refused" in ln]
            assert len(refused) == 3, proc.stderr
            assert "refused 3" in proc.stdout
    assert log_of(tmp_path / "bad.db") == log_of(tmp_path / "good.db")
    # the next real snapshot is not "not newer" than a forged one
    proc, _ = cli("replay", str(PIBS[4]), "--db", str(tmp_path / "bad.db"))
    assert "skipped" not in proc.stdout and "replayed 1 snapshots" in proc.stdout


@pytest.mark.parametrize("at", ["9999-12-31T23:59Z", "2999-01-01T00:00Z"])
def test_replay_at_a_time_from_the_future_is_an_error(tmp_path: Path, at: str) -> None:
    path = tmp_path / "n.txt"
    path.write_text("(A0001/25 NOTAMN\nA) EGLL B) 2503210143 C) 2503212359\nE) AD CLSD)\n")
    proc, _ = cli("replay", str(path), "--at", at, "--db", str(tmp_path / "r.db"))
    assert proc.returncode == 2 and "--at" in one_line(proc.stderr)
    assert not (tmp_path / "r.db").exists() or log_of(tmp_path / "r.db") == ([], [])


# ---------------------------------------------------------------- 4. numbers and structures

HUGE = "9" * 5000


def with_fields(body: bytes, **fields: str) -> bytes:
    """The first NOTAM of a bulletin with these fields' texts replaced."""
    start = re.search(rb"<Notam[ >]", body).start()  # type: ignore[union-attr]
    end = body.index(b"</Notam>", start)
    block = body[start:end]
    for name, value in fields.items():
        block = re.sub(
            f"<{name}>[^<]*</{name}>".encode(), f"<{name}>{value}</{name}>".encode(), block
        )
    return body[:start] + block + body[end:]


@pytest.mark.parametrize("field", ["Number", "Year", "Radius", "Lower", "Upper"])
def test_a_number_of_5000_digits_is_a_record_with_issues(tmp_path: Path, field: str) -> None:
    body = with_fields(bulletin(0), **{field: HUGE})
    path = tmp_path / "pib.xml"
    path.write_bytes(body)
    proc, _ = cli("parse", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    hit = [r for r in records if any(f"{field}: 5000 digits" in i for i in r["issues"])]
    assert len(hit) == 1 and len(records) > 500
    assert all(len(line) < 20_000 for line in proc.stdout.splitlines())


def test_a_bulletin_with_a_huge_number_is_polled_whole(tmp_path: Path) -> None:
    t0 = hour_of(0)
    plain = live(tmp_path / "a.db", [(t0, bulletin(0))])
    huge = live(tmp_path / "b.db", [(t0, with_fields(bulletin(0), Number=HUGE))])
    assert huge[0].error is None and huge[0].notams in (plain[0].notams, plain[0].notams + 1)


def nms_response(*notams: Any) -> bytes:
    features = [{"type": "Feature", "properties": {"coreNOTAMData": {"notam": n}}} for n in notams]
    return json.dumps({"status": "Success", "data": {"geojson": features}}).encode()


GOOD_NMS = {
    "id": "1",
    "number": "0001",
    "series": "A",
    "year": "2025",
    "type": "N",
    "icaoLocation": "EGLL",
    "effectiveStart": "2025-03-21T00:00:00Z",
    "effectiveEnd": "2025-03-22T00:00:00Z",
    "text": "AD CLSD",
    "classification": "INTL",
    "affectedFIR": "EGTT",
}


@pytest.mark.parametrize(
    "bad",
    [
        "a string where an object is expected",
        {**GOOD_NMS, "id": "2", "number": f"A{HUGE}/25", "year": HUGE, "radius": HUGE},
        {**GOOD_NMS, "id": "3", "minimumFl": HUGE, "maximumFl": 1e308, "number": ["x"]},
        {**GOOD_NMS, "id": "4", "effectiveStart": {"x": 1}, "text": 7},
    ],
)
def test_one_bad_json_record_is_a_record_with_issues(tmp_path: Path, bad: Any) -> None:
    path = tmp_path / "nms.json"
    path.write_bytes(nms_response(GOOD_NMS))
    (alone,) = [
        json.loads(line) for line in cli("parse", str(path), "--json")[0].stdout.split("\n")[:1]
    ]
    path.write_bytes(nms_response(GOOD_NMS, bad))
    proc, _ = cli("parse", str(path), "--json")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 2 and records[0] == alone
    assert records[1]["issues"]
    assert all(len(str(v)) < 6000 for k, v in records[1].items() if k != "raw")


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"data": {"geojson": [' + HUGE.encode() + b"]}}",
        b"<Pib>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</Pib>",
    ],
    ids=["list", "object", "digits", "xml"],
)
def test_deep_or_huge_structures_are_one_line(tmp_path: Path, body: bytes) -> None:
    path = tmp_path / "x"
    path.write_bytes(body)
    proc, _ = cli("parse", str(path))
    assert proc.returncode == 2
    one_line(proc.stderr)


def test_a_deep_or_huge_json_answer_is_a_failed_poll_of_that_source_only() -> None:
    from test_abuse import drive

    for body in (b"[" * 100_000 + b"]" * 100_000, b'{"data": {"geojson": ' + HUGE.encode() + b"}}"):
        for kind in ("faa_nms", "icao_api", "faa_api_v1", "faa_search", "faa_tfr"):
            snaps = drive(kind, body)
            assert snaps and all(not s.complete and s.reason for s in snaps), kind


def test_a_bad_record_in_a_live_answer_leaves_the_others(tmp_path: Path) -> None:
    from test_abuse import drive

    snaps = drive("faa_nms", nms_response(GOOD_NMS, "not an object", {**GOOD_NMS, "id": HUGE}))
    assert snaps and all(s.complete for s in snaps)
    notams = [n for s in snaps for n in s.notams]
    assert any(n.id == "A0001/25" and not n.issues for n in notams)
    assert any("record not readable" in " ".join(n.issues) for n in notams)


# ---------------------------------------------------------------- 5. duplicates, nonsense


def duplicated(body: bytes, forged_first: bool) -> bytes:
    """The first NOTAM listed twice: as it is and with another text, in either order."""
    start = re.search(rb"<Notam[ >]", body).start()  # type: ignore[union-attr]
    end = body.index(b"</Notam>", start) + len(b"</Notam>")
    block = body[start:end]
    forged = block.replace(b"<ItemE>", b"<ItemE>FORGED COPY ", 1)
    pair = forged + block if forged_first else block + forged
    return body[:start] + pair + body[end:]


def test_a_duplicate_with_another_text_is_one_choice_whatever_the_order(tmp_path: Path) -> None:
    steps: list[Step] = [
        (hour_of(i), duplicated(bulletin(0), forged_first=bool(i % 2))) for i in range(4)
    ]
    live(tmp_path / "d.db", steps)
    with Store(tmp_path / "d.db", create=False) as store:
        amended = store.events(kinds=["amended"])
        dup = [r for r in store.notams() if any("more than once" in i for i in r.notam.issues)]
    assert amended == [] and len(dup) == 1
    # the same choice as from the other order, alone
    live(tmp_path / "e.db", steps[1:2])
    with Store(tmp_path / "e.db", create=False) as store:
        other = [r for r in store.notams() if r.notam.key == dup[0].notam.key]
    assert other[0].notam.content_hash() == dup[0].notam.content_hash()


def test_an_end_before_its_start_is_an_issue(tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_text(
        "(A0001/25 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2503212359 C) 2503210143\nE) AD CLSD)\n"
    )
    proc, _ = cli("parse", str(path), "--json")
    (record,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert any(i.startswith("end before start") for i in record["issues"])


# ---------------------------------------------------------------- 6. controls in JSON


def test_c1_controls_are_escaped_in_json_output(tmp_path: Path) -> None:
    path = tmp_path / "NOTAM-2025-03-21T0200Z.txt"
    path.write_text(
        "(A0001/25 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
        "A) EGLL B) 2503210143 C) 2503212359\nE) AD CLSD \u009b2J\u0085 \u007f END)\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "c.db")
    assert cli("replay", str(path), "--db", db)[0].returncode == 0
    # at the replayed snapshot's own time: the only moment its one complete poll vouches for
    for args in (["events", "--json"], ["active", "--json", "--at", "2025-03-21T02:00Z"]):
        proc, _ = cli(*args, "--db", db)
        assert proc.returncode == 0 and proc.stdout
        for ch in ("\u009b", "\u0085", "\u007f"):
            assert ch not in proc.stdout
        if args[0] == "active":
            assert "\\u009b2J\\u0085 \\u007f" in proc.stdout
            lines = [json.loads(line) for line in proc.stdout.splitlines()]
            (row,) = [r for r in lines if "coverage" not in r]
            assert "\u009b2J\u0085 \u007f" in row["text"]  # the same text, read back
