"""scorecard.present.front_sheet on the shipped data at 2025/26 Q4 (officer's view): counts lead with real
figures and never mix in illustrative ones; concerns and best results put real figures first; finance and
actions say their period and whether they are current; a withheld publication counts "awaiting"."""

from __future__ import annotations

import pytest

from scorecard.governance import conversation as talk
from scorecard.governance import withhold
from scorecard.present import actions, commentary, finance, front_sheet, views
from scorecard.register import Context

Q = "2025/26 Q4"


@pytest.fixture(scope="module")
def parts(built_data, real_register):
    folder = built_data[0]
    conv = talk.for_role("officer", Q, folder)
    card = commentary.attach(views.scorecard(Context.of(folder, real_register), Q), conv.commentary, real_register)
    updates = actions.for_quarter(real_register, conv.updates)
    return card, updates, finance.position(real_register, conv.finance, Q)


@pytest.fixture(scope="module")
def sheet(parts):
    return front_sheet.build(*parts, Q)


def test_counts_separate_real_from_illustrative_and_lead_with_the_real(sheet, parts):
    card = parts[0]
    real = card[card["status"] != "illustrative"]
    assert sheet.real["measures"] == len(real) == 38 and sheet.illustrative["measures"] == 48
    for code in ("green", "amber", "red"):
        assert sheet.real[code] == int((real["rag"] == code).sum())
        assert sheet.real[code] + sheet.illustrative[code] == int((card["rag"] == code).sum())
    headline = sheet.headline()
    assert headline.startswith(f"38 of the 86 measures have real figures: {sheet.real['green']} green")
    assert "48 show illustrative figures made up for demonstration" in headline and "not counted above" in headline


def test_concerns_and_best_results_put_real_figures_first(sheet, parts):
    card = parts[0]
    assert len(sheet.concerns) == len(sheet.best) == front_sheet.SHOWN
    assert all(r["exception_tier"] == "for_decision" and r["status"] == "ok" for r in sheet.concerns)
    ordered = front_sheet.concerns(card)
    real = (ordered["status"] != "illustrative").tolist()
    assert real == sorted(real, reverse=True)  # every real concern before any illustrative one
    assert all(r["rag"] == "green" for r in sheet.best) and sheet.best[0]["status"] == "ok"
    assert sheet.concerns[0]["why"].startswith("Red against target in two reports running")


def test_key_messages_say_what_is_going_well_badly_and_being_done(sheet):
    assert sheet.going_badly.startswith(
        "4 measures with real figures need a decision: 4 red against target (2 in two reports running). "
    )  # no "and 0 materially worse"
    assert "Social Worker Staff Turnover Rate" in sheet.going_badly
    assert sheet.going_well.startswith("1 measure with real figures exceeds target")
    assert sheet.being_done.startswith("Corrective action is recorded for 0 of the 4 measures for decision.")


def test_finance_and_actions_in_one_line_each_with_their_period(sheet):
    assert sheet.finance.startswith("Finance (budget monitoring as at 2024/25 Q1)")
    assert "Out of date: the latest return held is for 2024/25 Q1, not 2025/26 Q4." in sheet.finance
    assert sheet.actions.startswith(f"Annual actions ({Q}): 40 priority actions")
    assert sheet.actions.endswith("The updates are illustrative (made up for demonstration).")


def test_a_publication_counts_withheld_figures_apart(parts, real_register):
    card, updates, position = parts
    published = withhold.card(card, real_register)
    sheet = front_sheet.build(published, updates.iloc[0:0], position, Q)
    assert sheet.awaiting == 48 and sheet.illustrative["measures"] == 0 and sheet.real["measures"] == 38
    assert sheet.headline().endswith("48 are awaiting the service's return.")
    assert all(r["status"] == "ok" for r in sheet.concerns + sheet.best)


def test_bi_s_key_messages_replace_the_auto_draft(parts):
    written = {
        "going_well": "A.",
        "going_badly": "B.",
        "being_done": "C.",
        "author": "bi@sefton.gov.uk",
        "written_at": "2026-04-02T10:00:00+00:00",
    }
    sheet = front_sheet.build(*parts, Q, written)
    assert (sheet.going_well, sheet.going_badly, sheet.being_done) == ("A.", "B.", "C.")
    assert sheet.written_line == "Written by bi@sefton.gov.uk on 2026-04-02."
    assert front_sheet.build(*parts, Q).written_line.startswith("Auto-drafted")
