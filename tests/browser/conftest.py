"""A real Streamlit server and Debian's Chromium (no browser download), both bounded and cleaned up; and the
waits every browser test uses — on the page's own state, never a fixed sleep."""

import os
from pathlib import Path

import pytest

from scorecard.bench.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, running_app

SCREENSHOTS = ROOT / "test-artefacts" / "screenshots"

RAN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(e => e.getClientRects().length);
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')
    && charts.every(e => e.querySelector('svg.main-svg'));
}"""
"""True once the page's script has run, drawn at least one element, and every chart shown is drawn (a table's
grid is drawn only when scrolled into view, so tables are not waited for)."""

QUIET = """([ms, cap]) => new Promise(resolve => {
  const done = quiet => { clearTimeout(timer); clearTimeout(limit); watch.disconnect(); resolve(quiet); };
  let timer = setTimeout(() => done(true), ms);
  const limit = setTimeout(() => done(false), cap);
  const watch = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(() => done(true), ms); });
  watch.observe(document.body, {childList: true, subtree: true});
})"""
"""True once no element has been added or removed for ``ms`` milliseconds (an expander's content, a tab's
panel, a chart redrawn at a new size); false if the page is still changing after ``cap`` milliseconds."""


def settle(page, quiet_ms: int = 300, cap_ms: int = 20_000) -> None:
    """Wait until the script has run, every chart shown is drawn and the page has stopped changing."""
    page.wait_for_function(RAN, polling=100)
    assert page.evaluate(QUIET, [quiet_ms, cap_ms]), f"{page.url} was still changing after {cap_ms} ms"
    page.wait_for_function(RAN, polling=100)  # a change seen while waiting may have been a rerun


def open_page(page, url: str) -> None:
    """Go to ``url``, wait until it has settled, and fail on a Streamlit error box."""
    page.goto(url)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0, f"error box on {url}"


def log_path(name: str) -> Path:
    """``test-artefacts/<name>.log``, one per pytest-xdist worker (each runs its own session fixtures)."""
    return ROOT / "test-artefacts" / f"{name}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"


@pytest.fixture(scope="session")
def server():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (install Debian's chromium: make system-deps)")
    # the draft (staff) view
    with running_app(log_path("server"), {"SCORECARD_DEMO_ROLE": "officer"}) as (url, _):
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
