"""The real app in Chromium, over a private copy of the data (#13):

* an officer's next visit after a command-line ingest shows the new figure (the app's caches follow the data
  version — nothing is restarted or cleared);
* with one published quarter and newer drafts loaded, no public page — its text, its charts, or any file it
  offers to download — shows a draft period, a draft value or who loaded the drafts.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scorecard.bench.app_server import ROOT, running_app
from scorecard.governance import publish
from scorecard.register import Context
from tests.browser.conftest import SCREENSHOTS, log_path, open_page, settle
from tests.scorecard.ingest._ingest_helpers import COUNT, QUARTERLY, csv_bytes, row

PUBLISHED = "2025/26 Q2"
pytestmark = pytest.mark.browser
DRAFT_PERIODS = ("2026/27 Q1", "2026/27 Q2")  # newer than every figure held; no register or forecast text names them
DRAFT_VALUE = "98765"
UPLOADER, DRAFT_FILE = "zz-draft-uploader", "zz_draft_return.csv"
SECRETS = (*DRAFT_PERIODS, DRAFT_VALUE, "98,765", UPLOADER, DRAFT_FILE)


@pytest.fixture
def folder(built_data, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(built_data[0], copy)
    return copy


def _cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "scorecard", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _visit(browser, url: str, shot: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    open_page(page, url)
    page.get_by_role("heading").first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
    return context, page


def _headline(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def test_an_officer_sees_a_command_line_ingest_on_the_next_visit(browser, folder, tmp_path):
    path = tmp_path / "q2.csv"
    path.write_bytes(csv_bytes([row(value="42.5")]))
    env = {"SCORECARD_DEMO_ROLE": "officer", "SCORECARD_DATA": str(folder)}
    with running_app(log_path("server-ingest"), env) as (url, _):
        measure = f"{url}/measure?measure={QUARTERLY}&period=2025%2F26+Q2"
        context, page = _visit(browser, measure, "officer_before_ingest")
        before = _headline(page)
        context.close()
        assert before != "42.5%"
        assert "loaded as batch" in _cli("ingest", str(path), "--user", "officer one", "--data-dir", str(folder))
        context, page = _visit(browser, measure, "officer_after_ingest")
        assert _headline(page) == "42.5%"
        context.close()


PUBLIC_PAGES = {
    "overview": "/",
    "theme": "/theme?theme=adult_social_care",
    "golden_thread": "/golden_thread?node=theme:adult_social_care",
    "qsr": "/qsr?kind=directorate&directorate=adult_social_care_health",
    "measure": f"/measure?measure={COUNT}",
    "exceptions": "/exceptions",
    "benchmarking": "/benchmarking?group=cipfa_nn",
    "explore": "/explore",
    "data": "/data",
}


def test_no_public_page_or_download_shows_a_draft(browser, folder, tmp_path):
    publish.publish(Context.of(folder), PUBLISHED, who="test admin")
    path = tmp_path / DRAFT_FILE
    path.write_bytes(csv_bytes([row(measure_id=COUNT, period=p, value=DRAFT_VALUE) for p in DRAFT_PERIODS]))
    _cli("ingest", str(path), "--user", UPLOADER, "--data-dir", str(folder))
    env = {"SCORECARD_DEMO_ROLE": "public", "SCORECARD_DATA": str(folder)}
    downloads = 0
    with running_app(log_path("server-public"), env) as (url, _):
        for name, path_and_query in PUBLIC_PAGES.items():
            context, page = _visit(browser, url + path_and_query, f"public_{name}_with_drafts")
            for expander in page.locator('[data-testid="stExpander"] summary').all():
                if expander.is_visible():
                    expander.click()  # open every table alternative and notice
            settle(page)
            text = page.locator("body").text_content()
            assert "Published report" in text, name  # the footer speaks of the published report
            found = [secret for secret in SECRETS if secret in text]
            assert not found, (name, found)
            for tab in page.get_by_role("tab").all() or [None]:  # a download inside a tab shows when it is open
                if tab is not None:
                    tab.click()
                    settle(page)
                for button in page.locator('[data-testid="stDownloadButton"] button').all():
                    if not button.is_visible():
                        continue
                    with page.expect_download(timeout=120_000) as caught:  # built on click; slow when loaded
                        button.click()
                    content = Path(caught.value.path()).read_text(encoding="utf-8")
                    downloads += 1
                    assert content.strip(), (name, caught.value.suggested_filename)
                    found = [secret for secret in SECRETS if re.search(re.escape(secret), content)]
                    assert not found, (name, caught.value.suggested_filename, found)
            context.close()
    assert downloads >= 6  # theme, measure (trend and comparators), exceptions, benchmarking, explore, register
