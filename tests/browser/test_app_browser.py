"""The real app in Chromium: every page renders without a Streamlit error, links work, screenshots saved."""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from scorecard import register
from tests.browser.conftest import SCREENSHOTS, settle

pytestmark = pytest.mark.browser

PAGES = {
    "overview": ("/", "Corporate Plan overview"),
    "theme": ("/theme?theme=adult_social_care", "Adult Social Care"),
    "measure": ("/measure?measure=cyp_persistent_absence_pct", "Persistent"),
    "golden_thread": ("/golden_thread?node=theme:children_young_people", "The golden thread"),
    "qsr": ("/qsr?kind=portfolio&portfolio=corporate_services", "Quarterly Service Report"),
    "exceptions": ("/exceptions", "Exceptions"),
    "benchmarking": ("/benchmarking?group=cipfa_nn", "Benchmarking"),
    "explore": ("/explore", "Explore the measures"),
    "data": ("/data", "Data & definitions"),
}


def _no_errors(page, name):
    assert page.locator('[data-testid="stException"]').count() == 0, f"error box on {name}"
    # Streamlit scrolls inside its main container, so grow the viewport to the content for a full-page shot.
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], "
        "[data-testid=\"stAppViewContainer\"], section')].map(e => e.scrollHeight), 1000)"
    )
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 50, 12000)})
    settle(page)  # charts redraw at the new size
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders(page, server, name):
    path, heading = PAGES[name]
    page.goto(server + path)
    page.get_by_role("heading", name=re.compile(re.escape(heading))).first.wait_for()
    settle(page)
    _no_errors(page, name)
    assert page.get_by_text("Contains public sector information licensed under the Open Government Licence").count()
    nav = page.locator('[data-testid="stSidebarNav"]')
    for label in ("CPOR overview", "Theme scorecard", "Exceptions", "Data & definitions"):
        assert nav.get_by_text(label, exact=True).count() == 1, f"{label} should appear once in the menu"


def test_overview_links_to_a_measure(page, server):
    page.goto(server + "/")
    page.get_by_role("heading", name=re.compile("Corporate Plan overview")).first.wait_for()
    settle(page)
    link = page.locator('[data-testid="stPageLink"] a[href*="measure"]').first
    measure = parse_qs(urlparse(link.get_attribute("href")).query)["measure"][0]
    title = register.load().measure(measure).title
    link.click()
    page.wait_for_url(re.compile(r"/measure\?.*measure="))
    page.get_by_role("heading", name=title).first.wait_for()
    settle(page)
    _no_errors(page, "overview_to_measure")
    assert "measure=" in page.url


def test_position_chart_draws_its_axis_labels(page, server):
    """Plotly drops a tick label that would be cut off: the positions chart keeps room for both ends."""
    page.goto(server + PAGES["benchmarking"][0])
    page.locator('[data-testid="stPlotlyChart"] .xtick text').first.wait_for(timeout=60_000)
    drawn = page.evaluate(
        "() => Object.fromEntries([...document.querySelector('[data-testid=\"stPlotlyChart\"]')"
        ".querySelectorAll('.xtick text')].map(e => [e.textContent, e.getBoundingClientRect().width]))"
    )
    assert {label: drawn.get(label, 0) > 0 for label in ("Worst in group", "Middle", "Best in group")} == {
        "Worst in group": True,
        "Middle": True,
        "Best in group": True,
    }


def test_csv_download_is_written_when_clicked(page, server):
    """Downloads are built on click, not on every view: the file still arrives, with the table's rows."""
    page.goto(server + PAGES["explore"][0])
    page.get_by_role("heading", name=re.compile("Explore the measures")).first.wait_for(timeout=60_000)
    settle(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=re.compile("Download these measures")).click()
    lines = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    assert lines[0].startswith("Open,Measure") or "Measure" in lines[0]
    assert len(lines) > 80  # a header and every measure
