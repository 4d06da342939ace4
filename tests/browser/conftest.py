"""A real Streamlit server and Debian's Chromium (no browser download), both bounded and cleaned up."""

from pathlib import Path

import pytest

from scorecard.bench.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app

SCREENSHOTS = ROOT / "test-artefacts" / "screenshots"


@pytest.fixture(scope="session")
def server():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium: make system-deps)")
    # the draft (staff) view
    with running_app(ROOT / "test-artefacts" / "server.log", {"SCORECARD_DEMO_ROLE": "officer"}) as (url, _):
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium: make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    try:
        yield tab
    finally:
        context.close()
