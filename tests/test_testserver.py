"""The loopback test server: binding, recording, fault queues."""

from __future__ import annotations

import httpx
import pytest

from notam_log.testing.server import NotamTestServer


def test_binds_loopback_and_records() -> None:
    with NotamTestServer(icao_records=[{"location": "UUEE", "all": "x"}]) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        r = httpx.get(
            server.base_url + "/dataservices/api/notams-realtime-list",
            params={"locations": "UUEE,USII", "api_key": "k"},
            headers={"X-Test": "1"},
        )
        assert r.json() == [{"location": "UUEE", "all": "x"}]
        (rec,) = server.requests
        assert rec.route == "icao" and rec.method == "GET"
        assert rec.query["locations"] == ["UUEE,USII"] and rec.headers["x-test"] == "1"
        r = httpx.post(
            server.base_url + "/notamSearch/search", data={"designatorsForLocation": "UUEE"}
        )
        assert server.requests[-1].form["designatorsForLocation"] == ["UUEE"]
        assert r.json()["totalNotamCount"] == 0


def test_fault_queue_is_consumed_one_per_request() -> None:
    with NotamTestServer(tfr_list=[{"notam_id": "6/1"}]) as server:
        server.fail("tfr_list", "429", "bot", "call_limit", "empty", "invalid")
        url = server.base_url + "/tfrapi/getTfrList"
        first = httpx.get(url)
        assert first.status_code == 429 and first.headers["Retry-After"] == "1"
        bot = httpx.get(url)
        assert bot.status_code == 403 and b"Access Denied" in bot.content
        assert httpx.get(url).text == "Reach call limit"
        assert httpx.get(url).content == b""
        assert httpx.get(url).content.startswith(b"<html>")
        assert httpx.get(url).json() == [{"notam_id": "6/1"}]
        assert server.count("tfr_list") == 6


def test_timeout_and_truncated() -> None:
    with NotamTestServer(
        tfr_list=[{"notam_id": "6/1", "x": "y" * 100}], timeout_sleep=0.5
    ) as server:
        server.fail("tfr_list", "timeout", "truncated")
        url = server.base_url + "/tfrapi/getTfrList"
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(url, timeout=0.1)
        cut = httpx.get(url)
        assert cut.status_code == 200 and not cut.text.endswith("]")


def test_unknown_fault_or_route_is_refused() -> None:
    server = NotamTestServer()
    with pytest.raises(ValueError):
        server.fail("icao", "explode")
    with pytest.raises(ValueError):
        server.fail("nowhere", "500")
