"""The production profile (tools/serve/serve.py, ``make serve``): nginx in front of two app processes. Through
it, pages render under its Content-Security-Policy, a download and an upload work, a browser stays on one
process, the health check answers, and the static bundle comes from nginx, compressed, with cache headers."""

from __future__ import annotations

import concurrent.futures
import os
import re
import shutil
import signal
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scorecard.bench.app_server import CHROMIUM, running_proxy
from scorecard.store import ledger
from tests.browser.conftest import log_path, open_page, settle

pytestmark = pytest.mark.browser


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture(scope="module")
def proxy(built_data, tmp_path_factory):
    """(url, run folder, data folder) of the production profile on a copy of the built data (officer view)."""
    if not Path(CHROMIUM).exists() or not shutil.which("nginx"):
        pytest.skip("needs Debian's chromium and nginx (make system-deps)")
    data = tmp_path_factory.mktemp("served") / "data"
    shutil.copytree(built_data[0], data)
    log = log_path("serve")
    env = {"SCORECARD_DATA": str(data), "SCORECARD_DEMO_ROLE": "officer"}
    with running_proxy(log, env) as (url, _):
        yield url, log.with_suffix(".run"), data


def _upstreams(run: Path, since: int) -> list[tuple[str, str]]:
    """(path, upstream address) of each access-log line after the first ``since``."""
    lines = (run / "access.log").read_text().splitlines()[since:]
    return [
        (m.group(1), m.group(2)) for m in (re.search(r'"\w+ (\S+) [^"]*" \d+ \d+ \S+ (\S+)$', x) for x in lines) if m
    ]


def test_every_app_process_is_warmed_before_nginx_lets_anyone_in(proxy):
    """Each process has served the overview once, on its own port, before nginx started."""
    said = log_path("serve").read_text()
    warmed = re.findall(r"warmed the app process on port (\d+) ", said)
    assert len(warmed) == 2 and len(set(warmed)) == 2, said
    assert said.index("warmed the app process") < said.index("Serving on http://"), said


def test_the_health_check_answers(proxy):
    url, _, _ = proxy
    status, _, body = _get(url + "/healthz")
    assert (status, body) == (200, b"ok")


def test_static_files_come_from_nginx_compressed_with_cache_headers(proxy):
    url, run, _ = proxy
    index = _get(url + "/")[2].decode()
    script = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', index).group(1)
    since = len((run / "access.log").read_text().splitlines())
    status, headers, body = _get(f"{url}/{script}", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    time.sleep(0.2)  # the access log line is written after the response
    assert (f"/{script}", "-") in _upstreams(run, since)  # no upstream: nginx answered from disk


def test_pages_render_and_a_browser_stays_on_one_process(proxy, browser):
    url, run, _ = proxy
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    since = len((run / "access.log").read_text().splitlines())
    try:
        for path in ("/", "/measure?measure=cyp_cla_placed_with_parents_pct", "/exceptions"):
            open_page(page, url + path)
        with page.expect_download(timeout=90_000) as download:  # a file built by the session's own process
            open_page(page, url + "/explore")
            page.get_by_role("button", name=re.compile("Download these measures")).click()
        assert len(Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()) > 80
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["scorecard_route"]["httpOnly"]
    finally:
        context.close()
    assert refused == []  # nothing blocked by the Content-Security-Policy
    served = {upstream for path, upstream in _upstreams(run, since) if upstream != "-"}
    assert len(served) == 1, served  # every request of the session, the websocket included, to one process


def test_an_upload_loads_through_the_proxy(proxy, browser, tmp_path):
    url, _, data = proxy
    path = tmp_path / "q4_commentary.csv"
    path.write_text(
        "measure_id,period,narrative\nasc_clients_good_outstanding_care_homes_pct,2025/26 Q4,Loaded through nginx.\n",
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    try:
        open_page(page, url + "/upload")
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name=re.compile("Browse files|Upload")).first.click()
        chooser.value.set_files(str(path))
        page.get_by_text("Good rows").wait_for()
        page.get_by_role("button", name="Load 1 row(s)").click()
        page.get_by_text(re.compile(r"Loaded q4_commentary\.csv \(")).wait_for()
        settle(page)
    finally:
        page.close()
    assert "Loaded through nginx." in set(ledger.read(ledger.COMMENTARY, data)["narrative"])


def test_the_profile_stops_when_an_app_process_dies(built_data):
    """One process gone means a share of the browsers would get errors: serve.py stops everything, non-zero."""
    if not shutil.which("nginx"):
        pytest.skip("needs nginx (make system-deps)")
    with running_proxy(log_path("serve-dies"), {"SCORECARD_DATA": str(built_data[0])}) as (url, pid):
        apps = [
            int(child)
            for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            if b"streamlit" in Path(f"/proc/{child}/cmdline").read_bytes()
        ]
        assert len(apps) == 2
        os.kill(apps[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and b"Z" not in Path(f"/proc/{pid}/stat").read_bytes().split()[2]:
            assert time.monotonic() < deadline, "serve.py kept running with an app process gone"
            time.sleep(0.2)
    assert "exited (-9): stopping" in log_path("serve-dies").read_text()


def test_signed_in_officers_and_the_public_load_the_same_processes_without_an_error():
    """``tools/serve/load.py`` for a few seconds: sign-in configured, every other simulated user a signed-in
    officer (checked: their navigation offers the upload page, the public's does not), no view fails."""
    if not shutil.which("nginx"):
        pytest.skip("needs Debian's nginx (make system-deps)")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "serve"))
    import load

    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # its own event loop: Playwright's may be running here
        (result,) = thread.submit(load.run, users=4, seconds=6, processes=(2,)).result()
    assert result["errors"] == 0
    assert all(result["roles"][role]["views"] >= 2 for role in load.ROLES), result["roles"]
