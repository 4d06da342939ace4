"""The Returns page (#26 item 3): staff see what the quarter still owes and download the chase list; members and
the public have no such page."""

from __future__ import annotations

import pytest

from scorecard.governance import workflow
from scorecard.present import views
from scorecard.store import db
from tests.app.conftest import opener

Q = "2025/26 Q4"


@pytest.fixture
def as_role(app_data, monkeypatch):
    folder = app_data
    db.reset()
    card = views.scorecard(period=Q, data_dir=folder)
    green = card.loc[card["rag"] == "green", "measure_id"].iloc[0]
    for step, duty in (("submit", "data_owner"), ("check", "bi"), ("sign_off", "assistant_director")):
        workflow.take(step, green, Q, "tester", duty, data_dir=folder)
    db.reset()
    return opener(monkeypatch, folder)


def test_staff_see_what_the_quarter_owes_and_others_have_no_page(as_role):
    at = as_role("officer", period=Q)
    at.switch_page("pages/returns.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Returns"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Outstanding": "85 of 86", "Overdue": "85", "Signed off": "1"}
    table = at.dataframe[0].value
    assert len(table) == 85 and list(table.columns[:3]) == ["Measure", "Directorate", "Owner (post)"]
    assert set(table["Next step"]) == {"submit"} and (table["Days overdue"] > 0).all()
    assert any(b.label == "Download the chase list (CSV)" for b in at.get("download_button"))
    at.selectbox(key=f"returns-directorate-{Q}").set_value("Adult Social Care and Health").run()
    one = at.dataframe[0].value
    assert 0 < len(one) < 85 and set(one["Directorate"]) == {"Adult Social Care and Health"}
    for role in ("public", "member"):
        visitor = as_role(role)
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            visitor.switch_page("pages/returns.py")
