"""Small UI helpers that need no page run."""

from ui import components


def test_links_that_leave_the_app_use_the_configured_address(monkeypatch):
    monkeypatch.setenv("SCORECARD_BASE_URL", "https://performance.example.gov.uk/scorecard/")
    assert components.base_url() == "https://performance.example.gov.uk/scorecard"
