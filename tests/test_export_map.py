"""The map page in headless Chromium with the network blocked: every feature is drawn
though no tile loads, and popups show feed text as text (skipped without Chromium)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from notam_log.core.export import geojson
from notam_log.core.models import Episode, Notam
from notam_log.shell import mapview

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
EVIL = (
    "</script><script>document.title='PWNED'</script>"
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
    " `${document.body.setAttribute('data-pwned','2')}` \\u0041 RWY CLSD"
)
POSITIONS = {"EGLL": (51.4775, -0.461389), "EGKK": (51.148056, -0.190278)}

#: Appended by the test only: open each popup in turn and keep what it showed.
OPEN_POPUPS = """<script>
const shown = [];
for (const k of Object.keys(window)) {
  const v = window[k];
  if (v && typeof v.getPopup === "function" && v.getPopup()) {
    v.openPopup();
    shown.push(v.getPopup().getElement().querySelector(".leaflet-popup-content").innerHTML);
    v.closePopup();
  }
}
const out = document.createElement("pre");
out.id = "popups";
out.textContent = JSON.stringify(shown);
document.body.appendChild(out);
</script>"""


def z(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def collection() -> dict[str, object]:
    notams = [
        Notam(key="EGGN:A1918/25", id="A1918/25", locations=("EGLL",), lat=51.47, lon=-0.45,
              radius_nm=5, category="aerodrome_closed", restriction=True, text=EVIL),
        Notam(key="EGGN:A2/25", id="A2/25", locations=("EGKK",), category="runway_closed",
              text="RWY 08R/26L CLSD"),  # drawn at its aerodrome
        Notam(key="PAZA:A3/25", id="A3/25", locations=("PAZA",), lat=52.0, lon=179.8,
              radius_nm=150, category="airspace_restricted", text="ACROSS 180"),  # two parts
        Notam(key="EGTT:A4/25", id="A4/25", lat=53.0, lon=-2.0, radius_nm=999,
              category="warning", text="WHOLE FIR"),  # a point at its centre
        Notam(key="ZZZZ:A5/25", id="A5/25", locations=("ZZZZ",), text="NOWHERE"),  # not drawn
    ]  # fmt: skip
    eps = [
        Episode("EGLL", start_by=z("2025-03-21T02:00Z"), start_effective=z("2025-03-21T01:43Z"),
                categories=((z("2025-03-21T01:43Z"), "aerodrome_closed"),), keys=("EGGN:A1918/25",)),
    ]  # fmt: skip
    return geojson.feature_collection(
        [geojson.NotamItem(n) for n in notams], eps, z("2025-03-21T12:00Z"), position=POSITIONS.get
    )


def page() -> str:
    return mapview.render(collection(), "NOTAMs in force at 2025-03-21 12:00Z <b>")


def dom(html_text: str, tmp_path: Path) -> str:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    html_file = tmp_path / "map.html"
    html_file.write_text(html_text, encoding="utf-8")
    args = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        # the network is blocked: no name resolves and every request goes to a dead proxy
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,700",
        "--virtual-time-budget=3000", "--dump-dom", html_file.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_page_carries_everything_it_needs() -> None:
    text = page()
    assert not re.search(r"<script[^>]+src=", text), "no script is fetched"
    assert not re.search(r"<link[^>]+href=", text), "no style sheet is fetched"
    assert "L.Map" in text or "window.L" in text  # Leaflet itself is inline
    assert "<title>NOTAMs in force at 2025-03-21 12:00Z &lt;b&gt;</title>" in text
    assert "</script><script>document.title" not in text  # escaped, then a JSON string


def test_chromium_draws_every_placed_feature_offline(tmp_path: Path) -> None:
    out = dom(page(), tmp_path)
    paths = re.findall(r'<path class="leaflet-interactive"[^>]* d="([^"]*)"', out)
    # A1918/25's circle, A2/25 at EGKK, A3/25 in two parts, A4/25's centre, EGLL's ring
    assert len(paths) == 6, paths
    assert all(d not in ("", "M0 0") for d in paths), "each one has a shape in view"
    assert not re.search(r"<img[^>]*leaflet-tile-loaded", out)  # no tile loaded
    assert "5 of 5 NOTAMs drawn" not in out
    assert "4 of 5 NOTAMs drawn, 1 aerodromes with a restriction" in out
    assert "1 NOTAM without a position, not drawn" in out


def test_chromium_shows_popups_as_text_and_runs_nothing_from_the_feed(tmp_path: Path) -> None:
    out = dom(page().replace("</html>", OPEN_POPUPS + "</html>"), tmp_path)
    assert 'data-pwned="' not in out
    assert "<title>NOTAMs in force at 2025-03-21 12:00Z &lt;b&gt;</title>" in out
    found = re.search(r'<pre id="popups">(.*?)</pre>', out, re.S)
    assert found is not None, out[-3000:]
    popups = json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">")
                        .replace("&quot;", '"').replace("&amp;", "&"))  # fmt: skip
    assert len(popups) == 6
    evil = next(p for p in popups if "A1918/25" in p)
    assert "&lt;/script&gt;&lt;script&gt;document.title='PWNED'" in evil
    assert "`${document.body.setAttribute('data-pwned','2')}`" in evil
    assert "\\u0041 RWY CLSD" in evil
    assert "<img" not in evil and "<script" not in evil
    assert any("London" not in p and "restriction episode" in p for p in popups)
    assert any("Q-line circle: 150 NM" in p for p in popups)
