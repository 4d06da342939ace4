"""The Scrutiny recommendations page and the measure page's list (#26 item 6, and the roles of item 1): a
councillor with the scrutiny duty records a recommendation, an Assistant Director answers it, each other role
sees the list without either form, and the public read only what was frozen with a published quarter."""

from __future__ import annotations

from scorecard.governance import publish, recommendations
from scorecard.register import Context
from scorecard.store import db
from tests.app.conftest import opener
from tests.conftest import PUBLISHED

MEASURE = "cyp_sw_turnover_rate"
NEXT = "2025/26 Q3"


def _open(monkeypatch, folder, role: str, duties: str = "", page: str = "scrutiny", **params):
    monkeypatch.setenv("SCORECARD_DEMO_DUTIES", duties)
    at = opener(monkeypatch, folder)(role, period=PUBLISHED, **params)
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _forms(at) -> set[str]:
    return {b.label for b in at.get("form_submit_button")}


def test_a_scrutiny_member_records_and_an_assistant_director_answers(published_app_data, monkeypatch):
    folder = published_app_data[0]
    member = _open(monkeypatch, folder, "member", "scrutiny")
    assert _forms(member) == {"Record it"}  # no answer form for a councillor
    next(s for s in member.get("selectbox") if s.label == "Measure").set_value(MEASURE)
    member.text_area[0].set_value("Bring the workforce plan to the next committee.")
    member.get("form_submit_button")[0].click().run()
    assert any("Recorded as SR-1" in s.value for s in member.success), [e.value for e in member.error]
    assert any("SR-1 · Recommendation" in m.value and "**Status:** Open" in m.value for m in member.markdown)

    director = _open(monkeypatch, folder, "officer", "assistant_director")
    assert _forms(director) == {"Answer"}  # staff do not raise scrutiny's recommendations
    picks = director.get("selectbox")
    next(s for s in picks if s.label == "Recommendation").set_value("SR-1")
    next(s for s in picks if s.label == "Status" and "accepted" in s.options[0].lower()).set_value("in_progress")
    director.text_area[0].set_value("A plan goes to Cabinet in May.")
    director.get("form_submit_button")[0].click().run()
    assert any("SR-1: In progress" in s.value for s in director.success), [e.value for e in director.error]
    assert recommendations.for_role("officer", PUBLISHED, folder)["status"].tolist() == ["in_progress"]

    executive = _open(monkeypatch, folder, "officer", "executive_director:children_education")
    assert _forms(executive) == {"Answer"}  # the Executive Director answers for the directorate too
    elsewhere = _open(monkeypatch, folder, "officer", "executive_director:adult_social_care_health")
    assert not _forms(elsewhere)  # another directorate's director is offered nothing to answer
    for role, duties in (("member", ""), ("officer", "data_owner,bi,audit"), ("admin", "")):
        other = _open(monkeypatch, folder, role, duties)
        assert not _forms(other) and "A plan goes to Cabinet in May." in [t.value for t in other.text]
    page = _open(monkeypatch, folder, "member", "", page="measure", measure=MEASURE)
    assert any(s.value == "Scrutiny recommendations on this measure (1)" for s in page.subheader)

    public = _open(monkeypatch, folder, "public", "scrutiny,assistant_director")  # duties the public cannot hold
    assert not _forms(public) and not public.text  # raised after the quarter was frozen: not the public's
    frozen = "As they stood when the quarter was published."
    assert any(frozen in m.value for m in public.markdown)  # the public are told they read the frozen list
    assert not any(frozen in m.value for at in (member, director) for m in at.markdown)  # the others: live
    assert any("No recommendation or question" in c.value for c in public.caption)
    db.reset()
    publish.publish(Context.of(folder), NEXT, who="test admin")  # the next quarter freezes it, as answered then
    monkeypatch.setenv("SCORECARD_DEMO_DUTIES", "")
    later = opener(monkeypatch, folder)("public", period=NEXT)
    later.switch_page("pages/scrutiny.py")
    later.run()
    assert [t.value for t in later.text] == [
        "Bring the workforce plan to the next committee.",
        "A plan goes to Cabinet in May.",
    ]
