"""The Returns page (#26 item 3): staff see what the quarter still owes and download the chase list; members and
the public have no such page."""

from __future__ import annotations

import pytest

from scorecard.governance import audit, workflow
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db
from tests.app.conftest import opener

Q = "2025/26 Q4"


@pytest.fixture
def as_role(app_data, monkeypatch):
    folder = app_data
    db.reset()
    card = views.scorecard(Context.of(folder), period=Q)
    green = card.loc[card["rag"] == "green", "measure_id"].iloc[0]
    for step, duty in (("submit", "data_owner"), ("check", "bi"), ("sign_off", "assistant_director")):
        workflow.take(Context.of(folder), step, green, Q, "tester", duty)
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
    assert len(table) == 85 and list(table.columns[:3]) == ["Measure", "Days overdue", "Next step"]
    assert set(table["Next step"]) == {"submit"} and (table["Days overdue"] > 0).all()
    assert any(b.label == "Download the chase list (CSV)" for b in at.get("download_button"))
    at.selectbox(key=f"returns-directorate-{Q}").set_value("Adult Social Care and Health").run()
    one = at.dataframe[0].value
    assert 0 < len(one) < 85 and set(one["Directorate"]) == {"Adult Social Care and Health"}
    for role in ("public", "member"):
        visitor = as_role(role)
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            visitor.switch_page("pages/returns.py")


def _open_measure(as_role, monkeypatch, role: str, duties: str, measure: str | None = None):
    monkeypatch.setenv("SCORECARD_DEMO_DUTIES", duties)
    at = as_role(role, period=Q)
    at.switch_page("pages/returns.py")
    at.run()
    if measure:
        at.selectbox(key=f"returns-measure-{Q}").set_value(measure).run()
    return at


def _buttons(at) -> dict:
    return {b.label: b for b in at.button}


def test_each_duty_takes_its_own_step_in_the_app(as_role, monkeypatch, app_data):
    card = views.scorecard(Context.of(app_data), period=Q)
    red = card.loc[card["rag"] == "red", "measure_id"].iloc[0]
    owner = _open_measure(as_role, monkeypatch, "officer", "data_owner", red)
    assert set(_buttons(owner)) == {"Submit"}  # no check, sign-off or step back for a data owner
    _buttons(owner)["Submit"].click().run()
    assert not owner.exception and any("submitted (in the audit log)" in s.value for s in owner.success)
    bi = _open_measure(as_role, monkeypatch, "admin", "bi", red)
    assert set(_buttons(bi)) == {"Check", "Step back", "Not signed off"}
    checklist = next(d.value for d in bi.dataframe if list(d.value.columns) == ["Check", "Result", "Detail"])
    assert list(checklist["Check"]) == ["plausible", "revision", "denominator", "stale"]
    _buttons(bi)["Check"].click().run()
    director = _open_measure(as_role, monkeypatch, "officer", "assistant_director", red)
    _buttons(director)["Sign off"].click().run()
    assert any("write its commentary first" in e.value for e in director.error)  # red, no commentary
    assert workflow.state_of(red, Q, app_data) == "checked"
    _buttons(director)["Step back"].click().run()
    assert any("a step back needs a reason" in e.value for e in director.error)
    director.text_input(key=f"returns-reason-{Q}-{red}").set_value("numerator to be re-checked").run()
    _buttons(director)["Step back"].click().run()
    assert workflow.state_of(red, Q, app_data) == "submitted"
    steps = [e for e in audit.entries(app_data) if e["action"] == workflow.ACTION]
    assert [(e["detail"]["step"], e["detail"]["duty"]) for e in steps][-3:] == [
        ("submit", "data_owner"),
        ("check", "bi"),
        ("step_back", "assistant_director"),
    ]
    bi = _open_measure(as_role, monkeypatch, "admin", "bi", red)
    bi.text_input(key=f"returns-reason-{Q}-{red}").set_value("audit sample still being checked").run()
    _buttons(bi)["Not signed off"].click().run()
    assert any("listed as not signed off (in the audit log)" in s.value for s in bi.success)
    assert workflow.states(Q, app_data).set_index("item_id").at[red, "step"] == workflow.NOT_SIGNED_OFF
    nobody = _open_measure(as_role, monkeypatch, "officer", "")
    assert not _buttons(nobody) and any("carries none of these duties" in c.value for c in nobody.caption)


def test_the_pack_s_sign_off_state_is_read_afresh_never_cached():
    from ui import data

    assert not hasattr(data.cpor_status, "clear")  # st.cache_data would keep a stale "Draft" or "Final"
    assert hasattr(data.register_table, "clear")


def test_the_audit_team_draws_its_sample_and_takes_no_step(as_role, monkeypatch, app_data):
    card = views.scorecard(Context.of(app_data), period=Q)
    red = card.loc[card["rag"] == "red", "measure_id"].iloc[0]
    auditor = _open_measure(as_role, monkeypatch, "officer", "audit", red)
    downloads = {b.label for b in auditor.get("download_button")}
    assert "Download the 2025/26 audit sample (XLSX)" in downloads
    assert not _buttons(auditor)  # the Audit team takes no workflow step
    owner = _open_measure(as_role, monkeypatch, "officer", "data_owner", red)
    assert not any("audit sample" in b.label for b in owner.get("download_button"))


def test_a_priority_actions_update_is_chased_and_submitted_on_the_same_page(as_role, monkeypatch, app_data):
    owner = _open_measure(as_role, monkeypatch, "officer", "data_owner")
    owner.radio(key=f"returns-kind-{Q}").set_value("action").run()
    assert {m.label: m.value for m in owner.metric}["Outstanding"] == "40 of 40"
    assert owner.dataframe[0].value.columns[0] == "Priority action"
    owner.selectbox(key=f"returns-action-{Q}").set_value("cyp_pa_csc_improvement_priorities").run()
    assert set(_buttons(owner)) == {"Submit"}
    _buttons(owner)["Submit"].click().run()
    assert not owner.exception and workflow.state_of("cyp_pa_csc_improvement_priorities", Q, app_data, "action") == (
        "submitted"
    )
