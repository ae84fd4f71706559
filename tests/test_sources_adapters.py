"""Every adapter against its recorded payloads, over real HTTP to the loopback test server."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from notam_log.core.config import SourceConfig
from notam_log.core.errors import BotProtectionError, ConfigError, QuotaExhaustedError
from notam_log.shell.http import SourceRun, make_client, run_source
from notam_log.sources import NOT_MODIFIED, SOURCES, Source, build_source, option_types
from notam_log.testing.server import NotamTestServer, load_pib_folder

DATA = Path(__file__).parent / "data"
PAYLOADS = DATA / "payloads"
PIBS = DATA / "nats-pib" / "heathrow-2025-03"
NOW = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
MAX_ATTEMPTS = 4
SECRETS = {
    "NMS_ID": "nms-id-S3CRET-1",
    "NMS_SECRET": "nms-secret-S3CRET-2",
    "V1_ID": "v1-id-S3CRET-3",
    "V1_SECRET": "v1-secret-S3CRET-4",
    "ICAO_KEY": "icao-key-S3CRET-5",
}


def load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def search_entries() -> list[dict[str, Any]]:
    """The real EHAM entry, and 34 renumbered copies of it so that EHAM needs two pages;
    plus two for USII (Izhevsk) built from it."""
    real = load("notamsearch-notamList-entry-EHAM-A0957-18.json")
    out = [real]
    for i in range(34):
        e = copy.deepcopy(real)
        number = f"A{1100 + i}/18"
        e["notamNumber"] = number
        e["icaoMessage"] = e["icaoMessage"].replace("A0957/18 NOTAMR A0558/18", f"{number} NOTAMN")
        out.append(e)
    for i in range(2):
        e = copy.deepcopy(real)
        number = f"A{2000 + i}/18"
        e.update(notamNumber=number, icaoId="USII", facilityDesignator="USII")
        e["icaoMessage"] = (
            f"{number} NOTAMN\nQ) USSV/QMRLC/IV/NBO/A/000/999/5650N05327E005\n"
            "A) USII B) 1808151349 C) 1812201400\nE) RWY 18/36 CLSD."
        )
        out.append(e)
    return out


def v1_items() -> list[dict[str, Any]]:
    return list(load("notamapi-v1-geojson-KOSH-2024-07-22.json")["items"])


def nms_features() -> list[dict[str, Any]]:
    return list(load("nms-v1-notams-geojson-response.json")["data"]["geojson"])


def icao_records() -> list[dict[str, Any]]:
    return list(load("icao-notams-list-records-navplan2-fixtures.json"))


TFR_LIST = [
    {
        "notam_id": "6/9513",
        "facility": "ZSE",
        "state": "OR",
        "type": "HAZARDS",
        "description": "15NM SW OF BAKER CITY, OR",
        "mod_date": "05/26/2026 18:08:00",
        "mod_abs_time": "202605261808",
        "is_new": "Y",
        "gid": "1",
    }
]
ICAO_LOCATIONS = ("VEBS", "KDCA", *(f"ZZ{i:02d}" for i in range(20)), "LSAS")


@dataclass
class Setup:
    """One source kind wired to the test server: config, server data, main route."""

    kind: str
    route: str
    locations: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    server: dict[str, Any] = field(default_factory=dict)
    later: timedelta = timedelta(minutes=10)  # when a following poll may run


def setups() -> dict[str, Setup]:
    return {
        "nats_pib": Setup(
            "nats_pib", "pib", server={"pib_snapshots": load_pib_folder(PIBS)[24:26]}
        ),
        "faa_search": Setup(
            "faa_search",
            "search",
            ("EHAM", "USII", "UUEE"),
            {"batch_size": 2},
            {"search_entries": search_entries()},
        ),
        "faa_nms": Setup(
            "faa_nms",
            "nms_notams",
            ("K8WC", "KZBW"),
            {"client_id_env": "NMS_ID", "client_secret_env": "NMS_SECRET"},
            {
                "nms_features": nms_features(),
                "client_id": SECRETS["NMS_ID"],
                "client_secret": SECRETS["NMS_SECRET"],
            },
        ),
        "faa_api_v1": Setup(
            "faa_api_v1",
            "v1",
            ("KOSH",),
            {"client_id_env": "V1_ID", "client_secret_env": "V1_SECRET", "page_size": 10},
            {
                "v1_items": v1_items(),
                "client_id": SECRETS["V1_ID"],
                "client_secret": SECRETS["V1_SECRET"],
            },
        ),
        "icao_api": Setup(
            "icao_api",
            "icao",
            ICAO_LOCATIONS,
            {"api_key_env": "ICAO_KEY"},
            {"icao_records": icao_records(), "api_key": SECRETS["ICAO_KEY"]},
        ),
        "faa_tfr": Setup(
            "faa_tfr",
            "tfr_list",
            server={
                "tfr_list": TFR_LIST,
                "tfr_details": {"6/9513": (PAYLOADS / "tfr-detail-6_9513.xml").read_bytes()},
            },
        ),
    }


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client(timeout=0.3) as c:
        yield c


class Harness:
    def __init__(self, setup: Setup, server: NotamTestServer, client: httpx.Client) -> None:
        self.setup = setup
        self.server = server
        self.client = client
        self.sleeps: list[float] = []
        cfg = SourceConfig(
            kind=setup.kind,
            name=f"test-{setup.kind}",
            locations=setup.locations,
            base_url=server.base_url,
            options=setup.options,
            where="config.toml: sources[0]",
        )
        self.source: Source = build_source(cfg, SECRETS)

    def run(self, now: datetime = NOW) -> SourceRun:
        return run_source(
            self.source,
            self.client,
            now,
            sleep=self.sleeps.append,
            rng=lambda: 0.5,
            max_attempts=MAX_ATTEMPTS,
        )


@pytest.fixture
def harness(client: httpx.Client) -> Iterator[Callable[[str], Harness]]:
    servers: list[NotamTestServer] = []

    def make(kind: str) -> Harness:
        setup = setups()[kind]
        server = NotamTestServer(timeout_sleep=0.8, **setup.server).__enter__()
        servers.append(server)
        return Harness(setup, server, client)

    yield make
    for s in servers:
        s.__exit__(None, None, None)


def by_scope(run: SourceRun) -> dict[str, Any]:
    return {s.scope: s for s in run.snapshots}


# -- good polls ----------------------------------------------------------------------


def test_registry_lists_every_kind() -> None:
    assert set(SOURCES) == {
        "nats_pib", "faa_search", "faa_nms", "faa_api_v1", "icao_api", "faa_tfr", "file",
        "telegram", "ru_ais",
    }  # fmt: skip
    assert option_types("faa_nms")["client_id_env"] is str
    assert option_types("icao_api")["api_key_env"] is str


def test_build_source_names_where_and_key() -> None:
    cfg = SourceConfig(
        kind="faa_nms",
        name="nms",
        locations=("KJFK",),
        options={"client_id_env": "FAA_NMS_CLIENT_ID", "client_secret_env": "X"},
        where="config.toml: sources[2]",
    )
    with pytest.raises(ConfigError) as err:
        build_source(cfg, {})
    assert str(err.value) == (
        "config.toml: sources[2] (faa_nms): client_id_env: "
        "environment variable FAA_NMS_CLIENT_ID is not set"
    )
    bad = SourceConfig(kind="icao_api", name="i", options={"nope": 1}, where="c.toml: sources[1]")
    with pytest.raises(ConfigError, match=r"c.toml: sources\[1\] \(icao_api\): nope: unknown"):
        build_source(bad, {})
    with pytest.raises(ConfigError, match="kind: unknown 'xyz'"):
        build_source(SourceConfig(kind="xyz", name="x"), {})


def test_nats_pib_etag_and_304(harness: Callable[[str], Harness]) -> None:
    h = harness("nats_pib")
    h.server.pib_snapshots = [h.server.pib_snapshots[0]] * 2 + [h.server.pib_snapshots[1]]
    first = h.run()
    (snap,) = first.snapshots
    assert snap.complete and snap.scope == "UK" and len(snap.notams) > 100
    assert first.error is None and first.requests == 1
    state = h.source.state()
    assert state["etag"]
    second = h.run(NOW + timedelta(hours=1))
    assert h.server.of("pib")[-1].headers["if-none-match"] == state["etag"]
    assert "if-modified-since" in h.server.of("pib")[-1].headers
    (same,) = second.snapshots
    assert same.complete and same.reason == NOT_MODIFIED and same.notams == ()
    third = h.run(NOW + timedelta(hours=2))
    assert third.snapshots[0].complete and third.snapshots[0].notams


def test_nats_pib_heathrow_closure_appears(harness: Callable[[str], Harness]) -> None:
    h = harness("nats_pib")  # the 01:00Z and 02:00Z bulletins of 21 March 2025
    before = {n.key for n in h.run().snapshots[0].notams}
    after = {n.key for n in h.run(NOW + timedelta(hours=1)).snapshots[0].notams}
    assert "EGGN:A1918/25" not in before and "EGGN:A1918/25" in after


def test_faa_search_headers_form_paging(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_search")
    run = h.run()
    snaps = by_scope(run)
    assert run.error is None
    assert all(s.complete for s in snaps.values())
    assert len(snaps["EHAM"].notams) == 35
    assert {n.key.split(":")[-1] for n in snaps["USII"].notams} == {"A2000/18", "A2001/18"}
    assert snaps["UUEE"].notams == ()
    sent = h.server.of("search")
    # batch EHAM,USII: offsets 0 and 30; batch UUEE: offset 0
    assert [(r.form["designatorsForLocation"][0], r.form["offset"][0]) for r in sent] == [
        ("EHAM,USII", "0"),
        ("EHAM,USII", "30"),
        ("UUEE", "0"),
    ]
    first = sent[0]
    assert first.method == "POST" and first.form["searchType"] == ["0"]
    assert first.form["sortColumns"] == ["5 false"] and first.form["notamsOnly"] == ["false"]
    assert first.headers["x-requested-with"] == "XMLHttpRequest"
    assert first.headers["accept"].startswith("application/json")
    assert first.headers["origin"] == h.server.base_url
    assert first.headers["referer"] == h.server.base_url + "/notamSearch/nsapp.html"
    assert first.headers["user-agent"].startswith("notam-log/")
    assert "+https://github.com/notam-log/notam-log" in first.headers["user-agent"]


def test_faa_search_bad_criteria_error(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_search")
    original = h.server._search

    def with_error(rec: Any, short: bool) -> Any:
        reply = original(rec, short)
        body = json.loads(reply.body)
        body["error"] = (
            "Invalid location designator" if "UUEE" in rec.form["designatorsForLocation"][0] else ""
        )
        reply.body = json.dumps(body).encode()
        return reply

    h.server._search = with_error  # type: ignore[method-assign]
    snaps = by_scope(h.run())
    assert not snaps["UUEE"].complete and "Invalid location designator" in snaps["UUEE"].reason
    assert snaps["EHAM"].complete and snaps["USII"].complete


def test_faa_search_structured_fallback_est_is_estimated() -> None:
    from notam_log.sources.faa_search import entry_notam

    entry = load("notamsearch-notamList-entry-EHAM-A0957-18.json")
    entry["icaoMessage"] = ""
    entry["traditionalMessage"] = " "
    notam = entry_notam(entry)
    assert notam.end == datetime(2018, 12, 20, 14, 0, tzinfo=UTC)  # not shifted by 5 h
    assert notam.end_estimated and notam.locations == ("EHAM",)
    entry["endDate"] = "PERM"
    assert entry_notam(entry).permanent


def test_faa_nms_token_flow_and_refresh(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_nms")
    run = h.run()
    snaps = by_scope(run)
    assert run.error is None, run.error
    assert all(s.complete for s in snaps.values())
    (n8wc,) = snaps["K8WC"].notams
    assert n8wc.key == "STL:08/430" and n8wc.qcode == "QMRLT" and n8wc.fir == "STL"
    assert n8wc.lower == 0 and n8wc.upper == 999
    (token_req,) = h.server.of("nms_token")
    assert token_req.method == "POST" and token_req.form == {"grant_type": ["client_credentials"]}
    assert token_req.headers["authorization"].startswith("Basic ")
    assert "json" not in token_req.headers.get("content-type", "")
    data = h.server.of("nms_notams")
    assert [r.query["location"] for r in data] == [["K8WC"], ["KZBW"]]
    assert all(r.headers["nmsresponseformat"] == "GEOJSON" for r in data)
    assert all(r.headers["authorization"].startswith("Bearer ") for r in data)
    assert h.sleeps == [1.0, 1.0]  # spike arrest: one request a second
    # the token is cached until it expires
    h.run(NOW + timedelta(minutes=4))
    assert h.server.count("nms_token") == 1
    # an expired token: 401 once, a new token, the request again
    h.server.expire_tokens()
    again = h.run(NOW + timedelta(minutes=8))
    assert all(s.complete for s in again.snapshots)
    assert h.server.count("nms_token") == 2


def test_faa_nms_one_pull_per_three_minutes(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_nms")
    h.run()
    sent = len(h.server.requests)
    early = h.run(NOW + timedelta(minutes=2))
    assert len(h.server.requests) == sent
    assert all(not s.complete and s.reason.startswith("skipped") for s in early.snapshots)
    # the limit survives a restart through state()
    h2 = Harness(h.setup, h.server, h.client)
    h2.source.restore(json.loads(json.dumps(h.source.state())))
    h2.run(NOW + timedelta(minutes=2))
    assert len(h.server.requests) == sent


def test_faa_nms_delta_mode_checked_by_checklist(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_nms")
    h.setup.options["mode"] = "delta"
    h = Harness(h.setup, h.server, h.client)
    first = h.run()
    assert all(s.complete for s in first.snapshots)  # the baseline is a full pull
    h.server.nms_delta_features = []  # nothing changed
    second = h.run(NOW + timedelta(minutes=5))
    assert all(s.complete for s in second.snapshots), second.error
    assert len(by_scope(second)["K8WC"].notams) == 1
    delta = h.server.of("nms_notams")[-1]
    assert "lastUpdatedDate" in delta.query
    assert h.server.count("nms_checklist") == 2
    # the checklist no longer lists 8WC's NOTAM, the delta did not say: incomplete, resync
    h.server.nms_features = [f for f in h.server.nms_features if "8WC" not in json.dumps(f)]
    third = h.run(NOW + timedelta(minutes=10))
    s = by_scope(third)
    assert not s["K8WC"].complete and "checklist differs" in s["K8WC"].reason
    assert s["KZBW"].complete
    fourth = h.run(NOW + timedelta(minutes=15))
    assert by_scope(fourth)["K8WC"].complete and by_scope(fourth)["K8WC"].notams == ()


def test_faa_api_v1_headers_and_paging(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_api_v1")
    run = h.run()
    (snap,) = run.snapshots
    assert run.error is None and snap.complete and len(snap.notams) == 25
    sent = h.server.of("v1")
    assert [r.query["pageNum"] for r in sent] == [["1"], ["2"], ["3"]]
    assert all(r.query["responseFormat"] == ["geoJson"] for r in sent)
    assert sent[0].headers["client_id"] == SECRETS["V1_ID"]
    assert sent[0].headers["client_secret"] == SECRETS["V1_SECRET"]
    keys = {n.key for n in snap.notams}
    assert "OSH:07/064" in keys and "FDC:4/4895" in keys


def test_faa_api_v1_disappearance_pair(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_api_v1")
    before = {n.key for n in h.run().snapshots[0].notams}
    h.server.v1_items = list(load("notamapi-v1-geojson-KOSH-2024-07-24.json")["items"])
    after_run = h.run(NOW + timedelta(hours=1))
    after = {n.key for n in after_run.snapshots[0].notams}
    assert after_run.snapshots[0].complete
    assert before - after == {"OSH:07/064", "OSH:07/065"} and after - before == {"OSH:07/070"}


def test_icao_api_batches_of_twenty(harness: Callable[[str], Harness]) -> None:
    h = harness("icao_api")
    run = h.run()
    snaps = by_scope(run)
    assert run.error is None and all(s.complete for s in snaps.values())
    sent = h.server.of("icao")
    batches = [r.query["locations"][0].split(",") for r in sent]
    assert [len(b) for b in batches] == [20, 3]
    assert sent[0].query["format"] == ["json"] and sent[0].query["criticality"] == [""]
    assert [n.id for n in snaps["VEBS"].notams] == ["C0310/07"]
    assert len(snaps["KDCA"].notams) == 1 and len(snaps["LSAS"].notams) == 1
    assert snaps["ZZ00"].notams == ()


def test_icao_quota_exhausted_until_midnight(harness: Callable[[str], Harness]) -> None:
    h = harness("icao_api")
    h.server.fail("icao", "call_limit")
    run = h.run()
    assert run.fatal and "Reach call limit" in (run.error or "")
    assert all(not s.complete for s in run.snapshots)
    state = h.source.state()
    assert state["quota_exhausted_until"] == "2026-03-02T00:00:00Z"
    sent = len(h.server.requests)
    later = h.run(NOW + timedelta(hours=17))
    assert len(h.server.requests) == sent
    assert all(not s.complete and "quota" in (s.reason or "") for s in later.snapshots)
    fresh = Harness(h.setup, h.server, h.client)
    fresh.source.restore(json.loads(json.dumps(state)))
    fresh.run(NOW + timedelta(hours=17))
    assert len(h.server.requests) == sent
    after = h.run(NOW + timedelta(hours=18, minutes=1))
    assert all(s.complete for s in after.snapshots) and len(h.server.requests) > sent


def test_icao_quota_error_class() -> None:
    from notam_log.sources.icao_api import IcaoApiSource

    cfg = SourceConfig(kind="icao_api", name="i", locations=("UUEE",), options={"api_key_env": "K"})
    source = IcaoApiSource(cfg, {"K": "secret"})
    gen = source.poll(NOW)
    request = next(gen)
    with pytest.raises(QuotaExhaustedError):
        gen.send(httpx.Response(200, text="Reach call limit", request=request))


def test_faa_tfr_list_and_detail(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_tfr")
    run = h.run()
    (snap,) = run.snapshots
    assert run.error is None and snap.complete and snap.scope == "TFR"
    (tfr,) = snap.notams
    assert tfr.key == "FDC:6/9513" and tfr.id == "6/9513"
    # 08:00 and 20:00 Pacific daylight time
    assert tfr.start == datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
    assert tfr.end == datetime(2026, 6, 2, 3, 0, tzinfo=UTC)
    assert tfr.lat == 44.67 and tfr.lon == -118.59 and tfr.upper == 85
    assert h.server.of("tfr_detail")[0].path == "/download/detail_6_9513.xml"
    # seen TFRs are not fetched again; one that drops off the list is gone
    h.run(NOW + timedelta(hours=1))
    assert h.server.count("tfr_detail") == 1
    h.server.tfr_list = []
    gone = h.run(NOW + timedelta(hours=2))
    assert gone.snapshots[0].complete and gone.snapshots[0].notams == ()
    assert h.source.state() == {"seen": {}}


def test_tfr_detail_failure_leaves_list_incomplete(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_tfr")
    h.server.fail("tfr_detail", "invalid")
    (snap,) = h.run().snapshots
    assert not snap.complete and "detail 6/9513" in (snap.reason or "")
    (snap,) = h.run(NOW + timedelta(hours=1)).snapshots
    assert snap.complete and len(snap.notams) == 1


# -- faults --------------------------------------------------------------------------

RETRIED = ("429", "500", "503", "timeout", "slow")
NOT_RETRIED = ("truncated", "invalid", "empty")
MATRIX = [
    (kind, fault)
    for kind in ("nats_pib", "faa_search", "faa_nms", "faa_api_v1", "icao_api", "faa_tfr")
    for fault in RETRIED + NOT_RETRIED
] + [("faa_search", "short_count"), ("faa_api_v1", "short_count"), ("faa_nms", "expired_token")]


@pytest.mark.parametrize(("kind", "fault"), MATRIX)
def test_fault_makes_scope_incomplete_then_recovers(
    harness: Callable[[str], Harness], kind: str, fault: str
) -> None:
    h = harness(kind)
    route = h.setup.route
    times = MAX_ATTEMPTS if fault in RETRIED else (2 if fault == "expired_token" else 1)
    h.server.fail(route, *[fault] * times)
    run = h.run()
    assert run.error, "the failure is reported"
    assert not run.fatal
    bad = [s for s in run.snapshots if not s.complete]
    assert bad and all(s.reason for s in bad)
    if fault in RETRIED:
        assert h.server.count(route) >= MAX_ATTEMPTS
        assert f"after {MAX_ATTEMPTS} attempts" in run.error
        assert len(h.sleeps) >= MAX_ATTEMPTS - 1
    if fault == "429":
        assert 1.0 in h.sleeps  # Retry-After: 1
    if kind in ("faa_search", "icao_api", "faa_nms") and fault != "short_count":
        # only the first batch/location failed; the others are complete
        assert any(s.complete for s in run.snapshots)
    good = h.run(NOW + h.setup.later)
    assert good.error is None, good.error
    assert all(s.complete for s in good.snapshots)


@pytest.mark.parametrize("kind", ["nats_pib", "faa_search", "icao_api", "faa_api_v1", "faa_tfr"])
def test_one_transient_fault_is_retried_and_complete(
    harness: Callable[[str], Harness], kind: str
) -> None:
    h = harness(kind)
    h.server.fail(h.setup.route, "503")
    run = h.run()
    assert run.error is None and all(s.complete for s in run.snapshots)
    assert len(h.sleeps) >= 1


def test_bot_page_raises_with_advice(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_search")
    h.server.fail("search", "bot")
    run = h.run()
    assert run.fatal and h.server.count("search") == 1  # a 403 is not retried
    assert "bot-protection page" in (run.error or "")
    assert "configure the faa_nms or icao_api source" in (run.error or "")
    assert all(not s.complete for s in run.snapshots) and len(run.snapshots) == 3
    good = h.run(NOW + timedelta(minutes=10))
    assert all(s.complete for s in good.snapshots)


def test_bot_page_error_class() -> None:
    from notam_log.sources.faa_search import FaaSearchSource
    from notam_log.testing.server import BOT_PAGE

    source = FaaSearchSource(SourceConfig(kind="faa_search", name="s", locations=("UUEE",)), {})
    gen = source.poll(NOW)
    request = next(gen)
    with pytest.raises(BotProtectionError, match="does not try to get around it"):
        gen.send(httpx.Response(403, content=BOT_PAGE, request=request))


def test_nms_bad_credentials_is_fatal(harness: Callable[[str], Harness]) -> None:
    h = harness("faa_nms")
    h.server.client_secret = "other"
    run = h.run()
    assert run.fatal and "NMS_ID" in (run.error or "") and "refused" in (run.error or "")
    assert all(not s.complete for s in run.snapshots)


# -- secrets -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["faa_nms", "faa_api_v1", "icao_api"])
def test_secrets_never_leak(
    harness: Callable[[str], Harness], kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    h = harness(kind)
    h.server.fail(h.setup.route, "500", "truncated")
    runs = [h.run(), h.run(NOW + timedelta(minutes=10))]
    h.server.fail(h.setup.route, *["503"] * MAX_ATTEMPTS)
    runs.append(h.run(NOW + timedelta(minutes=20)))
    tokens = list(h.server.tokens)
    seen = "\n".join(
        [
            caplog.text,
            json.dumps(h.source.state()),
            repr(h.source),
            str(vars(h.source)) if hasattr(h.source, "__dict__") else "",
            *(repr(r) for r in runs),
        ]
    )
    for secret in [*SECRETS.values(), *tokens]:
        assert secret not in seen
    assert any(r.error for r in runs)


def test_file_source_reads_saved_payloads(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "pib.xml.gz").write_bytes(sorted(PIBS.glob("PIB-*.xml.gz"))[25].read_bytes())
    (folder / "v1.json").write_text(json.dumps(load("notamapi-v1-geojson-KOSH-2024-07-22.json")))
    (folder / "icao.json").write_text(json.dumps(icao_records()))
    (folder / "nms.json").write_text(json.dumps(load("nms-v1-notams-geojson-response.json")))
    entry = load("notamsearch-notamList-entry-EHAM-A0957-18.json")
    (folder / "search.json").write_text(json.dumps({"notamList": [entry], "totalNotamCount": 1}))
    (folder / "lines.jsonl").write_text(
        json.dumps({"text": "A0001/26 NOTAMN\nQ) EGTT/QFALC/IV/NBO/A/000/999/5129N00028W005\n"
                    "A) EGLL B) 2603010000 C) 2603020000\nE) AD CLSD."}) + "\n"
    )  # fmt: skip
    (folder / "tfr.xml").write_bytes((PAYLOADS / "tfr-detail-6_9513.xml").read_bytes())
    source = build_source(
        SourceConfig(kind="file", name="saved", options={"path": str(folder)}), {}
    )
    gen = source.poll(NOW)
    with pytest.raises(StopIteration) as stop:
        next(gen)
    (snap,) = stop.value.value
    assert snap.complete, snap.reason
    keys = {n.key for n in snap.notams}
    assert {"EGGN:A1918/25", "OSH:07/064", "STL:08/430", "FDC:6/9513"} <= keys
    assert any(k.endswith("A0957/18") for k in keys) and any(k.endswith("A0001/26") for k in keys)
    (folder / "junk.bin").write_bytes(b"\x00\x01garbage")
    (folder / "bad.json").write_text("{ not json")
    snap = run_source(source, make_client(), NOW).snapshots[0]
    assert not snap.complete and "bad.json" in (snap.reason or "")


def test_file_source_bulletin_cut_short_is_incomplete_with_what_it_holds(tmp_path: Path) -> None:
    import gzip

    xml = gzip.decompress(sorted(PIBS.glob("PIB-*.xml.gz"))[25].read_bytes())
    (tmp_path / "pib.xml").write_bytes(xml[: len(xml) * 2 // 3])
    source = build_source(
        SourceConfig(kind="file", name="saved", options={"path": str(tmp_path)}), {}
    )
    snap = run_source(source, make_client(), NOW).snapshots[0]
    assert not snap.complete
    assert (snap.reason or "").startswith("pib.xml: truncated"), snap.reason
    assert len(snap.notams) > 300  # what came is kept (published), not dropped


def test_nats_pib_without_its_header_is_incomplete() -> None:
    """A well-formed ``<Pib>`` without AreaPIBHeader (and so without NOTAMs) is not a
    bulletin that says every NOTAM is gone."""
    body = b"<?xml version='1.0'?><Pib></Pib>"
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    source = build_source(SourceConfig(kind="nats_pib", name="nats-uk", options={}), {})
    with httpx.Client(transport=transport) as c:
        snap = run_source(source, c, NOW).snapshots[0]
    assert not snap.complete and "no AreaPIBHeader" in (snap.reason or ""), snap.reason


def test_faa_nms_delta_after_a_failed_poll_pulls_whole(tmp_path: Path) -> None:
    """A poll that fails before its pull (token endpoint down) must not move the next
    delta's start past an update it never saw: that location is pulled whole next."""
    from notam_log.shell.poll import Poller
    from notam_log.shell.recorder import Recorder
    from notam_log.shell.store import Store

    t0 = datetime(2025, 9, 1, tzinfo=UTC)
    setup = setups()["faa_nms"]
    opts = {**setup.options, "mode": "delta"}
    with (
        Store(tmp_path / "x.db") as store,
        NotamTestServer(**setup.server) as server,
        make_client(timeout=5) as c,
    ):
        src = build_source(
            SourceConfig(kind="faa_nms", name="nms", locations=setup.locations,
                         base_url=server.base_url, options=opts),
            SECRETS,
        )  # fmt: skip
        poller = Poller(Recorder(store), c, run_kwargs={"sleep": lambda s: None})
        poller.poll([src], t0)  # a whole pull: the baseline
        amended = copy.deepcopy(server.nms_features)  # t0 + 10 min: 8WC's NOTAM extended
        notam = amended[0]["properties"]["coreNOTAMData"]["notam"]
        notam["effectiveEnd"] = "2025-12-01T23:59:00.000Z"
        notam["lastUpdated"] = "2025-09-01T00:10:00.000Z"
        server.nms_features = amended
        server.expire_tokens()  # t0 + 20 min: no token, the poll fails before any pull
        server.fail("nms_token", *["500"] * 4)
        assert poller.poll([src], t0 + timedelta(minutes=20))[0].error
        server.clear_faults()
        server.nms_delta_features = []  # a delta since t0 + 15 min holds nothing
        poller.poll([src], t0 + timedelta(minutes=40))
        assert "lastUpdatedDate" not in server.of("nms_notams")[-1].query  # whole
        (row,) = [r for r in store.notams() if r.notam.key == "STL:08/430"]
        assert row.notam.end == datetime(2025, 12, 1, 23, 59, tzinfo=UTC)


def test_faa_search_entry_without_its_text_keeps_the_notams_key(tmp_path: Path) -> None:
    """One answer gives an entry without icaoMessage or traditionalMessage: the NOTAM,
    built from the fields, keeps the key its message gave (by FIR): no false withdrawal."""
    from notam_log.core.diff import Rules
    from notam_log.shell.poll import Poller
    from notam_log.shell.recorder import Recorder
    from notam_log.shell.store import Store
    from notam_log.sources import faa_search

    setup = setups()["faa_search"]
    at = datetime(2018, 9, 1, tzinfo=UTC)
    with (
        Store(tmp_path / "x.db") as store,
        NotamTestServer(**setup.server) as server,
        make_client(timeout=5) as c,
    ):
        cfg = SourceConfig(kind="faa_search", name="search", locations=setup.locations,
                           base_url=server.base_url, options=setup.options)  # fmt: skip
        src = build_source(cfg, SECRETS)
        poller = Poller(Recorder(store, rules=Rules(withdraw_after=1)), c,
                        run_kwargs={"sleep": lambda _s: None})  # fmt: skip
        poller.poll([src], at)
        active = {r.notam.key for r in store.notams(statuses=["active"])}
        items = server.search_entries
        i = next(i for i, it in enumerate(items) if faa_search.entry_notam(it).key in active)
        key = faa_search.entry_notam(items[i]).key
        original = items[i]
        items[i] = dict(original, icaoMessage=None, traditionalMessage=None)
        assert faa_search.entry_notam(items[i]).key != key  # the fields alone give another
        second = poller.poll([src], at + timedelta(minutes=10))[0]
        assert not [e for e in second.events if e.kind in ("withdrawn", "published")], second.events
        assert key in {r.notam.key for r in store.notams(statuses=["active"])}
        # the record read from the text stands (no amendment there, none back)
        assert not [e for e in second.events if e.kind == "amended"], second.events
        items[i] = original  # the text is back
        third = poller.poll([src], at + timedelta(minutes=20))[0]
        assert not [e for e in third.events if not e.kind.startswith("source_")], third.events
        # a restart forgets the records, not the keys (saved state): the key still holds
        fresh = build_source(cfg, SECRETS)
        fresh.restore(src.state())
        bare = dict(original, icaoMessage=None, traditionalMessage=None)
        assert fresh._same_key(faa_search.entry_notam(bare)).key == key  # type: ignore[attr-defined]
