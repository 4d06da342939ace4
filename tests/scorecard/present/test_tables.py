"""Tables for people and downloads: the citable CSV (#23: values were text like "62.9%", links relative)."""

import io

import pandas as pd
import pytest

from scorecard.present import tables, views, wording
from scorecard.register import Context
from scorecard.store import text


@pytest.fixture(scope="module")
def card(built_data, real_register):
    return views.scorecard(Context.of(built_data[0], real_register), "2025/26 Q4")


def test_the_csv_has_numbers_a_unit_column_and_absolute_links(card):
    table = tables.scorecard_csv(card, "2025/26 Q4", "https://scorecard.example.gov.uk/")
    back = pd.read_csv(io.BytesIO(text.csv_bytes(table)))
    assert len(back) == len(card) and pd.api.types.is_float_dtype(back["Value"])
    row = back.set_index("Measure").loc[card.set_index("measure_id").loc["cyp_persistent_absence_pct", "title"]]
    assert row["Value"] == pytest.approx(21.02, abs=0.01) and row["Unit"] == wording.UNIT_LABEL["percent"]
    assert (
        row["Link"] == "https://scorecard.example.gov.uk/measure?measure=cyp_persistent_absence_pct&period=2025%2F26+Q4"
    )
    assert back["Link"].str.startswith("https://scorecard.example.gov.uk/measure?").all()
    assert not back["Value"].astype(str).str.contains("%").any()


def test_a_proxy_in_another_unit_says_what_its_figure_is(card):
    """ "Percentage of Clients … 0.40" and "crime rate per 1,000 = 21,753" said what they are not."""
    rows = card.set_index("measure_id")
    crime = rows.loc["com_recorded_crime_rate"].to_dict()
    assert "Shown as a count" in tables.marks(crime)
    assert wording.summary(crime).startswith(
        "Total recorded crime excluding fraud (crime rate per 1,000 for headline offences) (proxy; shown as a count) "
        "was 21,753"
    )
    quality = rows.loc["asc_clients_qol_improved_pct"].to_dict()
    assert wording.marked_title(quality["title"], "proxy", quality["unit"]).endswith("(proxy; shown as a score)")
    shown = [tables.marks(r) for r in card.to_dict("records")]
    assert sum("Shown as a count" in m or "Shown as a score" in m for m in shown) == 3  # and no other measure


def test_a_duty_reads_as_the_post_that_holds_it(real_register):
    assert tables.post_text("assistant_director:adult_social_care_health", real_register) == (
        "Assistant Director, Adult Social Care and Health"
    )
    assert tables.post_text("executive_director", real_register) == "Executive Director"
    assert tables.post_text("", real_register) == ""


def test_scrutiny_recommendations_read_in_words_with_the_answering_post(real_register):
    held = pd.DataFrame(
        [
            {"rec_id": "SR-1", "period": "2025/26 Q3", "subject_kind": "measure", "subject_id": "cyp_sw_turnover_rate",
             "kind": "question", "text": "Why?", "status": "open", "response": "", "responded_duty": "",
             "responded_at": ""},
            {"rec_id": "SR-2", "period": "2025/26 Q3", "subject_kind": "theme", "subject_id": "children_young_people",
             "kind": "recommendation", "text": "Do it.", "status": "in_progress", "response": "Under way.",
             "responded_duty": "executive_director:children_education", "responded_at": "2026-12-03T10:00:00+00:00"},
        ]
    )  # fmt: skip
    shown = tables.recommendations(held, real_register)
    assert shown["About"].tolist() == [
        "Measure: Social Worker Staff Turnover Rate (children's social care)",
        "Theme: Children & Young People",
    ]
    assert shown["Status"].tolist() == ["Open — awaiting the owner's response", "In progress"]
    assert shown["Answered by"].tolist() == ["", "Executive Director, Children's Social Care and Education"]
    assert shown["Answered on"].tolist() == ["", "3 December 2026"]


def test_a_group_s_figures_are_in_the_rate_only_where_the_part_holds_rates():
    """A members part frozen before counts were compared as rates holds counts: shown as counts, never as
    "200 per 1,000 households"."""
    from scorecard import register

    measure = register.load().measure("com_households_temp_accommodation")
    rates = pd.DataFrame({"value": [1.59], "compared_as": ["per 1,000 households"]})
    assert tables.compared(measure, rates) == ("rate_per_1000", 2, "per 1,000 households")
    assert tables.compared(measure, pd.DataFrame({"value": [200.0]})) == ("count", 0, "")
