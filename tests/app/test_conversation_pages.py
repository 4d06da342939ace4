"""Commentary and annual actions on the pages (AppTest over a private copy of the data): a commentary return's
text on the measure page, the exceptions page, the theme scorecard and the CPOR overview — always as literal
text; the red-or-amber-without-commentary flag; the Annual actions and Targets pages; and the public sees
nothing of it until the quarter is published."""

from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from scorecard.governance import publish
from scorecard.ingest import ingest
from scorecard.present import wording
from scorecard.register import Context
from scorecard.store import db, ledger
from tests.app.conftest import opener

Q = "2025/26 Q4"
MEASURE = "asc_msp_outcomes_met_pct"  # red at 2025/26 Q4
HOSTILE = "Fell after <b>two</b> leavers [see](http://evil.example) ![x](http://evil.example/x.png) :red[alarm]"
CORRECTIVE = "Weekly review by the service manager"


@pytest.fixture(scope="module")
def talk_data(built_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("talk") / "data"
    shutil.copytree(built_data[0], folder)
    path = folder.parent / "commentary.csv"
    path.write_text(
        "measure_id,period,narrative,corrective_action,action_owner,due_date\n"
        f'{MEASURE},{Q},"{HOSTILE}",{CORRECTIVE},Service Manager,2026-06-30\n',
        encoding="utf-8",
    )
    assert ingest(Context.of(folder), [path], user="tester").loaded
    db.reset()
    return folder


@pytest.fixture
def as_role(talk_data, monkeypatch):
    return opener(monkeypatch, talk_data)


def _markdown(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def _plain(at: AppTest) -> list[str]:
    """The ``st.text`` elements: shown as written, never parsed as markdown or HTML."""
    return [t.value for t in at.text]


def test_measure_page_shows_the_text_literally_with_a_form_and_the_auto_draft(as_role):
    at = as_role("officer", "measure", measure=MEASURE, period=Q)
    text = _markdown(at)
    assert HOSTILE in _plain(at) and CORRECTIVE in _plain(at)  # literal, exactly as written
    assert "evil.example" not in text  # and in no markdown element, where it could become a link
    assert r"Owner\: Service Manager · due 2026\-06\-30" in text
    assert [a.label for a in at.text_area][:2] == ["What happened and why", "Corrective action — what is being done"]
    assert at.text_area[0].value == HOSTILE  # the form starts from the current text
    assert any("Technical commentary" in e.label for e in at.expander)


def test_the_form_starts_from_the_auto_draft_when_there_is_none(as_role):
    at = as_role("officer", "measure", measure="asc_casework_audits_good_pct", period=Q)
    draft = at.text_area[0].value
    assert draft.startswith("Percentage of Casework Audits") and "in 2025/26 Q4" in draft
    assert wording.NO_COMMENTARY in _markdown(at)


def test_saving_in_the_app_adds_a_version_and_shows_it(as_role, talk_data):
    at = as_role("officer", "measure", measure="asc_clients_good_outstanding_care_homes_pct", period=Q)
    at.text_area[0].set_value("Audits slipped while two auditors were on leave.")
    at.text_area[1].set_value("Temporary cover agreed.")
    [save] = [b for b in at.button if b.label == "Save commentary"]
    save.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved as version 1" in s.value for s in at.success)
    assert {"Audits slipped while two auditors were on leave.", "Temporary cover agreed."} <= set(_plain(at))


def test_an_over_long_narrative_is_refused_with_a_message_not_cut(as_role, talk_data):
    """#24: the form's own limit cut a 4,001-character narrative to 4,000 without a word."""
    held = len(ledger.read(ledger.COMMENTARY, talk_data))
    at = as_role("officer", "measure", measure="asc_casework_audits_good_pct", period=Q)
    assert not at.text_area[0].max_chars and "At most 4,000 characters" in at.text_area[0].help
    at.text_area[0].set_value("x" * 4001)
    [save] = [b for b in at.button if b.label == "Save commentary"]
    save.click().run()
    assert any("4,001 characters long; at most 4,000" in e.value for e in at.error)
    assert at.text_area[0].value == "x" * 4001  # kept in the box to shorten
    assert len(ledger.read(ledger.COMMENTARY, talk_data)) == held


def test_exceptions_page_shows_commentary_and_flags_red_or_amber_without(as_role):
    at = as_role("officer", "exceptions", period=Q)
    assert HOSTILE in _plain(at) and CORRECTIVE in _plain(at)
    assert wording.NO_COMMENTARY in _markdown(at)
    assert any(e.label.startswith("The ") and "measure(s)" in e.label for e in at.expander)


def test_theme_and_exceptions_show_it(as_role):
    theme = as_role("officer", "theme", theme="adult_social_care", period=Q)
    table = theme.dataframe[0].value.set_index("Measure")
    row = table.loc[table.index.str.startswith("Percentage of Safeguarding Clients")].iloc[0]
    assert row["Commentary"].startswith("Fell after <b>two</b>")  # a dataframe cell is plain text
    overview = as_role("officer", "overview", period=Q)  # the tiles link to the theme: no commentary repeated
    assert HOSTILE not in _plain(overview) and "Annual actions" in [s.value for s in overview.subheader]
    assert "40 priority actions" in _markdown(overview)
    exceptions = as_role("officer", "exceptions", period=Q)  # a red measure: its card carries the commentary
    assert HOSTILE in _plain(exceptions)


def test_actions_page_lists_every_action_with_status_words_and_progress(as_role):
    at = as_role("officer", "actions", period=Q)
    text = _markdown(at)
    assert "40 priority actions" in text
    for code in ("RED", "AMBER", "GREEN", "BLUE", "NEW"):
        assert wording.action_status_text(code) in text
    assert "Deliver the the improvement priorities set out in our vision for children’s social care\\." in text
    table = [d.value for d in at.dataframe if "Priority action" in d.value.columns][0]
    assert len(table) == 40 and table["Progress"].str.endswith("% complete").any()
    assert [b.label for b in at.button if b.label == "Save update"]
    assert "cyp_pa_" not in text and ".txt, line" not in text  # no development ids or seed files (#23)
    bars = [m.value for m in at.markdown if 'role="progressbar"' in m.value]
    badges = [m.value for m in at.markdown if wording.action_status_text("BLUE") in m.value]
    assert bars and badges and any(wording.ACTION_COLOURS["BLUE"] in bar for bar in bars)  # complete is blue
    assert not any(wording.ACTION_COLOURS["RED"] in bar and "100% complete" in bar for bar in bars)


def test_targets_page_for_staff_only(as_role, monkeypatch):
    at = as_role("officer", period=Q)
    at.switch_page("pages/targets.py")
    at.run()
    assert [t.value for t in at.title] == ["Targets"]
    table = at.dataframe[0].value
    assert len(table) == 86 and "Target 2025/26" in table.columns and "Status" in table.columns  # the report's year
    assert not any("python -m scorecard" in c.value for c in at.caption)  # commands are for administrators
    admin = as_role("admin", period=Q)
    admin.switch_page("pages/targets.py")
    admin.run()
    assert any("python -m scorecard template --kind targets" in c.value for c in admin.caption)
    public = as_role("public")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        public.switch_page("pages/targets.py")


def test_bi_edits_the_key_messages_as_versions_and_nobody_else_can(as_role):
    assert not [e for e in as_role("officer", "overview", period=Q).expander if e.label == "Edit the key messages"]
    at = as_role("admin", "overview", period=Q)
    assert any(c.value.startswith("Auto-drafted") for c in at.caption)
    areas = {a.label: a for a in at.text_area}
    assert areas["Going badly"].value.startswith("4 measures with real figures need a decision")  # the auto-draft
    areas["Going well"].set_value(HOSTILE)
    [save] = [b for b in at.button if b.label == "Save the key messages"]
    save.click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _markdown(at)
    assert "**Going well.** Fell after \\<b\\>two\\</b\\> leavers" in shown  # literal, never parsed
    assert any(c.value.startswith("Written by demo admin") for c in at.caption)


def test_public_sees_commentary_only_after_publication(as_role, talk_data):
    public = as_role("public", "measure", measure=MEASURE)
    assert HOSTILE not in _plain(public)
    publish.publish(Context.of(talk_data), Q, who="test admin")
    public = as_role("public", "measure", measure=MEASURE, period=Q)
    assert HOSTILE in _plain(public) and not public.text_area  # published text, no form
    assert not any("Technical commentary" in e.label for e in public.expander)


def test_the_public_reads_the_key_messages_frozen_with_the_quarter(as_role):
    at = as_role("public", "overview", period=Q)  # published by the test above
    assert "Fell after" in _markdown(at) and not at.text_area
    assert any(c.value.startswith("Written by demo admin") for c in at.caption)
