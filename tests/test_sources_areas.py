"""Polling an area (a position and a radius) where the source supports it: the FAA NOTAM
Search (searchType 3) and the FAA NOTAM API v1 (locationLatitude/Longitude/Radius)."""

from __future__ import annotations

import pytest
from test_sources_adapters import NOW, SECRETS, nms_features, search_entries, v1_items

from notam_log.core.config import SourceConfig
from notam_log.core.errors import ConfigError
from notam_log.shell.http import make_client, run_source
from notam_log.sources import build_source
from notam_log.sources._common import Area
from notam_log.testing.server import NotamTestServer


def test_area_scope_name_and_dms() -> None:
    area = Area(56.8283, -53.4575, 25)
    assert area.scope == "AREA 56.8283,-53.4575 25NM"
    assert area.dms() == ((56, 49, 42, "N"), (53, 27, 27, "W"))


def test_faa_search_area_uses_the_radius_form() -> None:
    # Schiphol (EHAM) is at 52.3086N 4.7639E; a 10 NM circle around it holds its NOTAMs.
    with NotamTestServer(search_entries=search_entries()) as server, make_client() as client:
        cfg = SourceConfig(
            kind="faa_search",
            name="s",
            base_url=server.base_url,
            options={"areas": ["52.30,4.76,10", "56.83,53.46,5"]},
        )
        run = run_source(build_source(cfg, {}), client, NOW)
        forms = [r.form for r in server.of("search")]
    assert run.error is None
    assert all(f["searchType"] == ["3"] for f in forms)
    assert forms[0]["latDegrees"] == ["52"] and forms[0]["latitudeDirection"] == ["N"]
    assert forms[0]["longDegrees"] == ["4"] and forms[0]["longitudeDirection"] == ["E"]
    assert forms[0]["radius"] == ["10"]
    snaps = {s.scope: s for s in run.snapshots}
    eham = snaps["AREA 52.3000,4.7600 10NM"]
    # every fixture entry is a copy of the real EHAM one and keeps its map point
    assert eham.complete and len(eham.notams) == len(search_entries())
    far = snaps["AREA 56.8300,53.4600 5NM"]
    assert far.complete and far.notams == ()


def test_faa_api_v1_area_uses_location_radius() -> None:
    with (
        NotamTestServer(
            v1_items=v1_items(), client_id=SECRETS["V1_ID"], client_secret=SECRETS["V1_SECRET"]
        ) as server,
        make_client() as client,
    ):
        cfg = SourceConfig(
            kind="faa_api_v1",
            name="v1",
            base_url=server.base_url,
            locations=("KOSH",),
            options={
                "client_id_env": "V1_ID",
                "client_secret_env": "V1_SECRET",
                "areas": ["43.98,-88.56,5"],
            },
        )
        run = run_source(build_source(cfg, SECRETS), client, NOW)
        queries = [r.query for r in server.of("v1")]
    assert run.error is None
    area_q = [q for q in queries if "locationLatitude" in q]
    assert area_q and area_q[0]["locationRadius"] == ["5"] and "icaoLocation" not in area_q[0]
    snaps = {s.scope: s for s in run.snapshots}
    assert set(snaps) == {"KOSH", "AREA 43.9800,-88.5600 5NM"}
    assert snaps["AREA 43.9800,-88.5600 5NM"].complete
    assert len(snaps["AREA 43.9800,-88.5600 5NM"].notams) > 0


@pytest.mark.parametrize(
    ("areas", "needle"),
    [
        (["56.8,53.4"], 'expected "latitude,longitude,radius_nm"'),
        (["96,53.4,10"], "is not a position and a radius"),
        (["56.8,53.4,250"], "the radius must be 1 to 100 NM"),
        ("56.8,53.4,10", "expected a list, got a string"),
    ],
)
def test_bad_areas_are_one_line_config_errors(areas: object, needle: str) -> None:
    cfg = SourceConfig(
        kind="faa_search", name="s", options={"areas": areas}, where="config.toml: sources[1]"
    )
    with pytest.raises(
        ConfigError, match="config.toml: sources\\[1\\] \\(faa_search\\): areas"
    ) as e:
        build_source(cfg, {})
    assert needle in str(e.value)


def test_a_source_needs_locations_or_areas() -> None:
    with pytest.raises(ConfigError, match="at least one location \\(or an area\\)"):
        build_source(SourceConfig(kind="faa_search", name="s"), {})


def test_faa_nms_area_uses_latitude_longitude_radius() -> None:
    # The recorded NMS response holds 8WC (3792N09073W, read as 38.53N 91.22W) and ZBW
    # (4302N07539W) NOTAMs.
    with (
        NotamTestServer(
            nms_features=nms_features(),
            client_id=SECRETS["NMS_ID"],
            client_secret=SECRETS["NMS_SECRET"],
        ) as server,
        make_client() as client,
    ):
        cfg = SourceConfig(
            kind="faa_nms",
            name="nms",
            base_url=server.base_url,
            options={
                "client_id_env": "NMS_ID",
                "client_secret_env": "NMS_SECRET",
                "areas": ["38.53,-91.22,10"],
            },
        )
        run = run_source(build_source(cfg, SECRETS), client, NOW, sleep=lambda _s: None)
        queries = [r.query for r in server.of("nms_notams")]
    assert run.error is None
    assert queries[0]["radius"] == ["10"] and "location" not in queries[0]
    (snap,) = run.snapshots
    assert snap.scope == "AREA 38.5300,-91.2200 10NM" and snap.complete
    assert snap.notams and all("8WC" in n.raw and "ZBW" not in n.raw for n in snap.notams)
