"""Tier-aware comparator groups: no group used in a comparison holds an area together with an area that
contains it or that it contains (containment from the la-lookup extract: counties and their districts,
councils replaced by or merged into successors, combined authorities and their members)."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard import SEFTON
from scorecard.evaluation import evaluate
from scorecard.ingest import sources
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db, geography, storage

LANCASHIRE = "E10000017"


def _containment() -> pd.DataFrame:
    """(inner, outer) GSS code pairs: a district in its county, a council in its combined authority, and a
    former council and its successor (either way round: one contains the other)."""
    lookup = pd.read_csv(sources.default_sources_dir() / "la-lookup" / "uk_local_authorities_current.csv", dtype=str)
    lookup = lookup[lookup["gss-code"].fillna("").str.startswith("E")]
    gss = dict(zip(lookup["local-authority-code"], lookup["gss-code"]))
    pairs = []
    for row in lookup.itertuples(index=False):
        code = row[lookup.columns.get_loc("gss-code")]
        county, combined = row[lookup.columns.get_loc("county-la")], row[lookup.columns.get_loc("combined-authority")]
        successors = row[lookup.columns.get_loc("replaced-by")]
        for outer in (county, combined):
            if isinstance(outer, str) and outer in gss:
                pairs.append((code, gss[outer]))
        if isinstance(successors, str):
            pairs += [(code, gss[s]) for s in successors.split(",") if s in gss]
            pairs += [(gss[s], code) for s in successors.split(",") if s in gss]
    return pd.DataFrame(pairs, columns=["inner", "outer"]).drop_duplicates()


@pytest.fixture(scope="module")
def groups(built_data):
    return pd.read_parquet(storage.table_path(built_data[0], "comparator_groups"))


def test_the_lookup_knows_counties_districts_and_successors():
    pairs = set(map(tuple, _containment().to_numpy()))
    assert ("E07000117", LANCASHIRE) in pairs  # Burnley in Lancashire
    assert ("E07000026", "E06000063") in pairs and ("E06000063", "E07000026") in pairs  # Allerdale → Cumberland
    assert (SEFTON, "E47000004") in pairs  # Sefton in the Liverpool City Region


@pytest.mark.parametrize("tier", ["upper", "lower"])
def test_no_group_used_for_a_measure_of_either_tier_holds_an_area_and_one_containing_it(groups, tier):
    used = groups[groups["tier"].isin([tier, "both"])]  # the rows the evaluation reads for this tier
    keys = ["group_id", "area_code"]
    selves = used[keys].drop_duplicates().assign(member_code=lambda f: f["area_code"])
    members = pd.concat([used[[*keys, "member_code"]], selves], ignore_index=True)
    pairs = _containment()
    inner = members.merge(pairs, left_on="member_code", right_on="inner")
    both = inner.merge(members, left_on=[*keys, "outer"], right_on=[*keys, "member_code"])
    assert both.empty, both.head().to_dict("records")
    assert len(members) > 30_000  # every council's groups were checked, not an empty table


def test_every_group_row_says_which_tier_of_measure_it_counts_for(groups):
    assert set(groups["tier"]) == {"upper", "lower", "both"}
    counties = groups[groups["area_code"].str.startswith("E10")]
    assert set(counties["tier"]) == {"upper"}
    assert not groups[groups["area_code"].str.startswith("E07") & groups["member_code"].str.startswith("E10")].any(
        axis=None
    )


def test_a_district_level_comparison_uses_district_level_councils_only(built_data, real_register):
    folder = built_data[0]
    db.reset()
    card = evaluate.evaluate(Context.of(folder, real_register), group="region", areas=[SEFTON, LANCASHIRE])
    card = card.set_index(["area_code", "measure_id"])
    claimant, absence = (
        views.group_values(Context.of(folder, real_register), m, card.loc[(SEFTON, m), "period_label"], group="region")
        for m in ("ig_claimant_rate", "cyp_persistent_absence_pct")
    )
    assert not claimant["area_code"].str.startswith("E10").any() and claimant["area_code"].str.startswith("E07").any()
    assert LANCASHIRE in set(absence["area_code"]) and not absence["area_code"].str.startswith("E07").any()
    compared = claimant["value"].notna().sum()
    assert card.loc[(SEFTON, "ig_claimant_rate"), "group_size"] == compared  # Sefton and the members with values
    assert pd.isna(card.loc[(LANCASHIRE, "ig_claimant_rate"), "group_size"])  # a county: no district-level group
    assert pd.notna(card.loc[(LANCASHIRE, "ig_claimant_rate"), "value"])  # its own figure is still shown
    assert card.loc[(LANCASHIRE, "cyp_persistent_absence_pct"), "group_size"] > 1


def test_pair_tier():
    assert geography.pair_tier(SEFTON, "E08000015") == "both"
    assert geography.pair_tier(LANCASHIRE, "E06000008") == "upper"
    assert geography.pair_tier("E07000117", "E06000008") == "lower"
    assert geography.pair_tier(LANCASHIRE, "E07000117") is None
    assert geography.pair_tier("E47000004", "E47000001") == "both"
    assert geography.pair_tier("E47000004", SEFTON) is None


def test_a_measure_registered_at_the_wrong_tier_is_refused():
    districts = pd.Series(["E07000117", SEFTON, LANCASHIRE])
    assert "use tier: lower" in geography.tier_mismatch("upper", districts)
    assert geography.tier_mismatch("lower", districts) is None
    assert "use tier: upper" in geography.tier_mismatch("lower", pd.Series([LANCASHIRE, SEFTON]))
