"""scorecard.present.views against the real data in data/: the figures pages show agree with the evaluation."""

import pandas as pd
import pytest

from scorecard import register
from scorecard.evaluation import evaluate
from scorecard.present import views, wording
from scorecard.register import Context

MEASURE = "cyp_persistent_absence_pct"


@pytest.fixture(scope="module")
def reg():
    return register.load()


@pytest.fixture(scope="module")
def card(reg):
    return views.scorecard(Context.of(None, reg))


def test_measure_series_ends_on_the_evaluated_value(card, reg):
    row = card.set_index("measure_id").loc[MEASURE]
    series = views.measure_series(Context.of(None, reg), MEASURE)
    assert list(series["period_end"]) == sorted(series["period_end"])
    last = series[series["value"].notna()].iloc[-1]
    assert last["period_label"] == row["period_label"]
    assert last["value"] == pytest.approx(row["value"])
    assert series.iloc[-1]["england_value"] == pytest.approx(row["england_value"])
    assert series.iloc[-1]["group_median"] == pytest.approx(row["benchmark_median"])


def test_measure_series_respects_the_reporting_period(reg):
    quarters = evaluate.reporting_quarters(Context.of())
    old = views.measure_series(Context.of(None, reg), MEASURE, period=quarters[-1])
    new = views.measure_series(Context.of(None, reg), MEASURE)
    assert len(old) < len(new)
    assert old["period_end"].max() <= new["period_end"].max()


def test_group_values_rank_matches_evaluation(card, reg):
    row = card.set_index("measure_id").loc[MEASURE]
    members = views.group_values(Context.of(None, reg), MEASURE, row["period_label"])
    assert members["is_area"].sum() == 1
    assert len(members) == int(row["group_size"])
    sefton = members[members["is_area"]].iloc[0]
    assert sefton["value"] == pytest.approx(row["value"])
    assert sefton["position"] == int(row["rank"])  # lower is better: ranked best first
    values = members["value"].tolist()
    assert values == sorted(values)
    others = members[~members["is_area"]]["value"]
    assert others.median() == pytest.approx(row["benchmark_median"])


def test_a_count_compared_as_a_rate_lists_every_council_s_rate(card, reg):
    """#27: households in temporary accommodation across the group are each council's rate per 1,000 households,
    ranked as the evaluation ranks Sefton, whose rate and the members' median are the scorecard's."""
    measure = "com_households_temp_accommodation"
    row = card.set_index("measure_id").loc[measure]
    members = views.group_values(Context.of(None, reg), measure, row["period_label"])
    sefton = members[members["is_area"]].iloc[0]
    assert sefton["value"] == pytest.approx(row["compared_value"]) and sefton["position"] == int(row["rank"])
    assert members.loc[~members["is_area"], "value"].median() == pytest.approx(row["compared_median"])
    assert members["value"].tolist() == sorted(members["value"])  # lower is better: best first
    assert reg.measure(measure).compared == ("rate_per_1000", 2, "per 1,000 households")


def test_group_values_for_every_group(reg):
    sizes = {}
    for group in ("cipfa_nn", "dfe_sn", "combined_authority", "region", "same_type", "england"):
        sizes[group] = len(views.group_values(Context.of(None, reg), MEASURE, "AY 2024/25", group))
    assert sizes["cipfa_nn"] == 16 and sizes["combined_authority"] == 6 and sizes["dfe_sn"] == 11
    assert 150 < sizes["england"] < 160  # upper-tier councils only: absence is published for them, not districts


def test_sparklines_end_on_latest_value(card):
    spark = views.sparklines(Context.of())
    row = card.set_index("measure_id").loc[MEASURE]
    assert spark[MEASURE][-1] == pytest.approx(row["value"])
    assert all(len(v) <= 8 for v in spark.values())


def test_theme_tiles_counts_and_lists(card, reg):
    tiles = views.theme_tiles(card, reg)
    assert [t["theme"] for t in tiles] == [t.id for t in reg.themes]
    by_id = card.set_index("measure_id")
    for tile in tiles:
        rag_total = sum(tile[k] for k in tile if k.startswith("rag_"))
        assert rag_total == tile["measures"] == len(views.theme_measures(tile["theme"], reg))
        assert len(tile["red"]) == tile["rag_red"] + tile["rag_amber"]
        assert all(r["rag"] in ("red", "amber") and tile["theme"] in r["themes"] for r in tile["red"])
        theme = card[card["themes"].map(lambda themes, t=tile["theme"]: t in themes)]
        assert tile["exceptions"] == int((theme["exception_reasons"].map(len) > 0).sum())
        assert all(by_id.loc[r["measure_id"], "rag"] == r["rag"] for r in tile["red"])


def test_exceptions_one_row_per_reason(card):
    found = views.exceptions(card)
    assert len(found) == sum(len(r) for r in card["exception_reasons"])
    assert set(found["category"]) <= {heading for _, heading in wording.EXCEPTION.values()}
    assert list(found["reason"]) == [wording.exception_text(code) for code in found["reason_code"]]
    assert found["metric_responsibility"].notna().all()


def test_spine_positions(card):
    spine = views.spine(card)
    assert ((spine["position"] >= 0) & (spine["position"] <= 1)).all()
    best = spine[spine["rank"] == 1]
    assert (best["position"] == 1).all()


def test_freshness_and_batches():
    fresh = views.freshness(Context.of())
    batches = views.batches(Context.of())
    assert set(fresh["source_id"]) == set(batches["source_id"])
    assert fresh["sha256"].str.len().min() >= 64
    assert views.data_as_at(Context.of()) is not None


def test_register_table(reg):
    table = views.register_table(reg)
    assert len(table) == len(reg.measures) == 86
    assert not table["metric_responsibility"].eq("").any()


def test_search(card, reg):
    hits = views.search(card, "persistent absence", reg)
    assert MEASURE in set(hits["measure_id"])
    assert len(views.search(card, "", reg)) == len(card)
    assert views.search(card, "zzzznotaword", reg).empty


@pytest.mark.parametrize(
    "words, found",
    [
        ("GCSE", {"cyp_ks4_attainment8", "cyp_ks4_progress8"}),
        ("school absence", {"cyp_persistent_absence_pct"}),
        ("NEET", {"cyp_care_leavers_19_21_neet_pct"}),
        ("looked after", {"cyp_cla_stable_placements_pct", "cyp_cla_placed_with_parents_pct"}),
    ],
)
def test_search_by_the_words_people_use(card, reg, words, found):
    """#23: "GCSE" and "school absence" found nothing."""
    assert found <= set(views.search(card, words, reg)["measure_id"])


def test_filter_rows_by_theme_and_columns(real_register):
    card = pd.DataFrame(
        {
            "measure_id": ["cyp_ks4_attainment8", "com_trees_planted", "com_rough_sleepers"],
            "rag": ["red", "green", "stale"],
        }
    )
    assert views.filter_rows(card, real_register)["measure_id"].tolist() == card["measure_id"].tolist()
    picked = views.filter_rows(card, real_register, ["communities"], rag=["green", "red"])
    assert picked["measure_id"].tolist() == ["com_trees_planted"]


def test_at_the_year_s_last_quarter_the_outturn_replaces_the_forecast(reg):
    """#23: Q4's "at risk of missing the year-end target" said "none" because the year was over."""
    q4 = views.scorecard(Context.of(None, reg), "2025/26 Q4")
    outturn = views.year_outturn(q4)
    assert len(outturn) > 0 and views.forecasts_at_risk(q4).empty
    assert set(outturn["forecast_reason"]) == {"year_complete"} and set(outturn["target_basis"]) == {"fixed"}
    order = outturn["rag"].map({"red": 0, "amber": 1, "green": 2}).tolist()
    assert order == sorted(order)  # missed first
    assert views.year_outturn(views.scorecard(Context.of(None, reg), "2025/26 Q2")).empty  # mid-year: a forecast


def test_ownership_gaps_list_what_the_council_s_documents_leave_unowned(real_register):
    gaps = views.ownership_gaps(real_register)
    by_kind = gaps.groupby("kind").size().to_dict()
    generic = [m for m in real_register.measures if m.metric_responsibility.startswith(views.GENERIC_POST)]
    assert by_kind["Measure"] == len(generic) > 0
    assert set(gaps.loc[gaps["kind"] == "Measure", "title"]) == {m.title for m in generic}
    unowned = [t for t in real_register.themes if "to be confirmed" in (t.directorate, t.portfolio)]
    assert by_kind["Theme"] == len(unowned) and by_kind["Budget service line"] > 0
    named = real_register.measure("asc_agency_workers_pct")  # "Assistant Director, Adult Social Care"
    assert named.title not in set(gaps["title"])
