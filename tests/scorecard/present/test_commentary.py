"""The auto-drafted technical commentary (from the judgements' codes, words from wording), the red-or-amber-
without-commentary flag, and cells made safe for spreadsheets."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard import register
from scorecard.evaluation.judgements import exceptions
from scorecard.present import commentary, views, wording
from scorecard.register import Context
from scorecard.store import text


@pytest.fixture(scope="module")
def card(built_data):
    return views.scorecard(Context.of(built_data[0]), period="2025/26 Q4")


def test_every_measure_gets_a_plain_text_draft(card):
    for row in card.to_dict("records"):
        text = commentary.auto_draft(row)
        assert text.startswith(row["title"]) and text.endswith(".")
        assert "**" not in text and "<" not in text and "nan" not in text.lower().split()


def test_the_draft_says_what_changed_the_trend_the_target_gap_and_the_benchmark(card):
    rows = card[card["previous_value"].notna() & card["target"].notna() & card["rank"].notna()].to_dict("records")
    assert rows
    row = rows[0]
    text = commentary.auto_draft(row)
    unit, decimals = row["unit"], row["decimals"]
    assert wording.format_value(row["value"], unit, decimals) in text
    assert f"{wording.format_value(row['previous_value'], unit, decimals)} in {row['previous_period']}" in text
    assert wording.DIRECTION[row["direction"]][0].lower() in text
    assert wording.trend_text(row["trend"], row["trend_reason"], row["period_kind"], row["series_break"]) in text
    assert f"target of {wording.format_value(row['target'], unit, decimals)}" in text
    assert wording.rag_text(row["rag"]) in text
    assert f"Rank {int(row['rank'])} of {int(row['group_size'])}" in text
    if pd.notna(row["england_value"]):
        assert f"England: {wording.format_value(row['england_value'], unit, decimals)}" in text


def test_the_target_gap_follows_polarity():
    base = {
        "title": "T",
        "unit": "percent",
        "decimals": 1,
        "value": 80.0,
        "period_label": "2025/26 Q4",
        "rag": "red",
        "target": 90.0,
        "target_basis": "fixed",
        "target_tolerance": 2.0,
        "direction": "not_comparable",
        "trend": "not_applied",
        "trend_reason": "sub_annual",
        "period_kind": "quarter",
    }
    assert "10.0 percentage points worse than the target" in commentary.auto_draft(
        base | {"polarity": "higher_is_better"}
    )
    lower = base | {"polarity": "lower_is_better", "rag": "green"}
    assert "10.0 percentage points better than the target" in commentary.auto_draft(lower)


def test_red_or_amber_without_commentary():
    written = commentary.has_commentary(
        ["", None, "Why it fell", "   ", "", "", "draft text"], [False, False, False, False, False, False, True]
    )
    flags = exceptions.without_commentary(["red", "amber", "red", "amber", "green", "no_target", "red"], written)
    assert flags.tolist() == [True, True, False, True, False, False, True]  # an unedited auto-draft is none


def test_attach_adds_the_text_and_the_flag(card):
    red = card[card["rag"] == "red"]["measure_id"].tolist()
    said = pd.DataFrame(
        {
            "measure_id": [red[0]],
            "narrative": ["Because."],
            "corrective_action": ["Fix."],
            "action_owner": ["Head of Service"],
            "due_date": [""],
            "author": ["a"],
            "written_at": ["2026-04-01T00:00:00+00:00"],
            "version": [1],
            "auto_drafted": [False],
            "illustrative": [False],
        }
    )
    out = commentary.attach(card, said, register.load()).set_index("measure_id")
    assert out.loc[red[0], "narrative"] == "Because." and not out.loc[red[0], "without_commentary"]
    assert out.loc[red[1:], "without_commentary"].all()
    assert not out.loc[card[card["rag"] == "green"]["measure_id"], "without_commentary"].any()


def test_formula_cells_are_neutralised():
    assert [text.spreadsheet_cell(v) for v in ("=1+1", "+x", "-2", "@x", "\tx", "plain", 5, -3.5, None)] == [
        "'=1+1",
        "'+x",
        "-2",  # a plain number written as text: a spreadsheet reads it as a number, never a formula
        "'@x",
        "'\tx",
        "plain",
        5,
        -3.5,
        None,
    ]
    frame = text.spreadsheet_frame(pd.DataFrame({"a": ["=cmd", "ok"], "n": [-1.0, 2.0]}))
    assert frame["a"].tolist() == ["'=cmd", "ok"] and frame["n"].tolist() == [-1.0, 2.0]
    assert text.csv_bytes(pd.DataFrame({"a": ["@SUM(1)"]})).decode().splitlines()[1] == "'@SUM(1)"


def test_made_up_commentary_says_no_officer_wrote_it():
    """#23: pages read "Written by Illustrative demo content (not a council officer)": an author field, not a
    person. Made-up text says what it is; a person's is credited to them."""
    demo = {"author": "Illustrative demo content (not a council officer)", "illustrative": True, "version": 1}
    assert commentary.written_line(demo) == "Made up for demonstration: not written by a council officer"
    real = {"author": "Head of Service", "illustrative": False, "written_at": "2026-04-12T09:00:00", "version": 2}
    assert commentary.written_line(real) == "Written by Head of Service on 2026-04-12 (version 2)"
