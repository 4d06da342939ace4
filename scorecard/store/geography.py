"""Areas (every English council, region and England) and comparator groups for every council.

Groups, for each council: CIPFA nearest neighbours (as republished by Oflog), DfE children's
services statistical neighbours (2025), the combined authority, the region, councils of the
same type (e.g. metropolitan districts) and all English councils. Members exclude the council
itself; ``rank`` is the source's closeness rank where it has one.

Groups are tier-aware: a figure published for upper-tier councils (counties, unitaries, metropolitan and
London boroughs) is compared only among those, and a district-level figure only among districts and the
single-tier councils, so a group never holds a county together with its own districts. Each member row
says for which tier of measure it counts (``tier``: ``upper``, ``lower`` or ``both`` when both councils
are single-tier); a county has no district-level group and a district no upper-tier group.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from scorecard import ENGLAND

GROUP_LABELS = {
    "cipfa_nn": "CIPFA nearest neighbours",
    "dfe_sn": "DfE statistical neighbours",
    "combined_authority": "Combined authority",
    "region": "Region",
    "same_type": "Councils of the same type",
    "england": "All English councils",
}
TYPE_NAMES = {
    "MD": "metropolitan districts",
    "UA": "unitary authorities",
    "LBO": "London boroughs",
    "NMD": "non-metropolitan districts",
    "CTY": "county councils",
    "CC": "City of London",
}
AREA_TYPES = {
    "MD": "met",
    "UA": "unitary",
    "LBO": "london",
    "NMD": "district",
    "CTY": "county",
    "CC": "london",
    "COMB": "combined authority",
    "SRA": "combined authority",
}


TIERS = {
    "E10": ("upper",),
    "E07": ("lower",),
    "E06": ("upper", "lower"),
    "E08": ("upper", "lower"),
    "E09": ("upper", "lower"),
}
"""Tiers a council serves, by its GSS code's entity prefix (current and former councils alike): counties
(E10) the upper tier (education, social care), non-metropolitan districts (E07) the lower tier (housing, waste
collection, planning); unitaries (E06), metropolitan districts (E08) and London boroughs with the City of
London (E09) both."""
COMBINED = ("E47", "E61")
"""Combined authorities and the GLA: compared only with each other (they contain councils)."""


def areas(sources_dir: Path) -> pd.DataFrame:
    """code, name, type, la_type, region, region_code, combined_authority, combined_authority_code."""
    las = pd.read_csv(sources_dir / "la-lookup" / "england_current_las.csv", dtype=str)
    codes = pd.read_csv(sources_dir / "dfe-statistical-neighbours" / "dfe_la_code_map.csv", dtype=str)
    regions = codes[codes["new_la_code"].fillna("").str.startswith("E12")]
    region_code = {name.lower(): code for name, code in zip(regions["la_name"], regions["new_la_code"])}
    ca_code = dict(
        zip(las.loc[las["la_type"] == "COMB", "mysociety_code"], las.loc[las["la_type"] == "COMB", "area_code"])
    )
    ca_name = dict(zip(las["area_code"], las["area_name"]))
    frame = pd.DataFrame(
        {
            "code": las["area_code"],
            "name": las["area_name"],
            "type": las["la_type"].map(AREA_TYPES).fillna("other"),
            "la_type": las["la_type"],
            "region": las["region"],
            "region_code": las["region"].str.lower().map(region_code),
            "combined_authority_code": las["combined_authority"].map(ca_code),
        }
    )
    frame["combined_authority"] = frame["combined_authority_code"].map(ca_name)
    extra = pd.DataFrame(
        {
            "code": list(regions["new_la_code"]) + [ENGLAND],
            "name": list(regions["la_name"]) + ["England"],
            "type": ["region"] * len(regions) + ["country"],
        }
    )
    extra["region"] = extra["name"].where(extra["type"] == "region")
    extra["region_code"] = extra["code"].where(extra["type"] == "region")
    return pd.concat([frame, extra], ignore_index=True).sort_values("code").reset_index(drop=True)


def area_names(area_table: pd.DataFrame) -> dict[str, str]:
    """Lower-case name → code of England and the regions, for source rows that carry a name but no code
    (DfE's "National" is England)."""
    named = area_table[area_table["type"].isin(["region", "country"])]
    return {**{name.lower(): code for name, code in zip(named["name"], named["code"])}, "national": ENGLAND}


def _pairs(group_id: str, pairs: Sequence[tuple[str, str, int | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(pairs, columns=["area_code", "member_code", "rank"])
    frame.insert(0, "group_id", group_id)
    return frame[frame["area_code"] != frame["member_code"]].drop_duplicates(["area_code", "member_code"])


def _same_value_groups(group_id: str, councils: pd.DataFrame, column: str) -> pd.DataFrame:
    keyed = councils.dropna(subset=[column])[["code", column]]
    joined = keyed.merge(keyed, on=column, suffixes=("", "_member"))
    return _pairs(group_id, list(zip(joined["code"], joined["code_member"], [None] * len(joined))))


def pair_tier(area_code: str, member_code: str) -> str | None:
    """For which tier of measure ``member`` is compared with ``area``: ``upper``, ``lower``, ``both`` (two
    single-tier councils, or two combined authorities), or None (a county and a district, or not a council)."""
    area, member = area_code[:3], member_code[:3]
    if area in COMBINED or member in COMBINED:
        return "both" if area in COMBINED and member in COMBINED else None
    shared = set(TIERS.get(area, ())) & set(TIERS.get(member, ()))
    return "both" if len(shared) == 2 else next(iter(shared), None)


def tier_mismatch(tier: str, area_codes: pd.Series) -> str | None:
    """Why figures for these areas contradict a measure registered at ``tier`` (None if they do not): an
    upper-tier measure with district (E07) figures, or a district-level one with county figures and no district."""
    prefixes = set(area_codes.str[:3])
    if tier == "upper" and "E07" in prefixes:
        example = sorted(area_codes[area_codes.str.startswith("E07")])[0]
        return f"registered as upper tier, but the source has district figures (e.g. {example}): use tier: lower"
    if tier == "lower" and "E10" in prefixes and "E07" not in prefixes:
        return "registered as district level, but the source has county figures and none for districts: use tier: upper"
    return None


def comparator_groups(sources_dir: Path, area_table: pd.DataFrame) -> pd.DataFrame:
    """group_id, tier, area_code, member_code, rank — one row per member of each council's group, for the
    tier of measure it counts for (see the module's docstring)."""
    councils = area_table[area_table["la_type"].isin(list(TYPE_NAMES))]
    nn = json.loads((sources_dir / "cipfa-nearest-neighbours" / "oflog_NN.json").read_text())
    cipfa = [(area, member, None) for area, members in nn.items() for member in sorted(set(members))]
    sn = pd.read_csv(sources_dir / "dfe-statistical-neighbours" / "dfe_statistical_neighbours_2025.csv", dtype=str)
    sn = sn.dropna(subset=["new_la_code", "sn_new_la_code"])
    dfe = list(zip(sn["new_la_code"], sn["sn_new_la_code"], sn["sn_rank"].astype(int)))
    everyone = councils["code"].tolist()
    england = [(area, member, None) for area in everyone for member in everyone]
    frames = [
        _pairs("cipfa_nn", cipfa),
        _pairs("dfe_sn", dfe),
        _same_value_groups("combined_authority", councils, "combined_authority_code"),
        _same_value_groups("region", councils, "region_code"),
        _same_value_groups("same_type", councils, "la_type"),
        _pairs("england", england),
    ]
    result = pd.concat(frames, ignore_index=True)
    result.insert(1, "tier", [pair_tier(a, b) for a, b in zip(result["area_code"], result["member_code"])])
    result = result.dropna(subset=["tier"])
    result["rank"] = result["rank"].astype("Int64")
    return result.sort_values(["group_id", "tier", "area_code", "member_code"]).reset_index(drop=True)


def group_label(group_id: str, area: pd.Series | dict) -> str:
    """What the council calls a group for this area, e.g. ``Liverpool City Region`` or ``North West``."""
    if group_id == "combined_authority" and area.get("combined_authority"):
        return str(area["combined_authority"])
    if group_id == "region" and area.get("region"):
        return str(area["region"])
    if group_id == "same_type" and area.get("la_type") in TYPE_NAMES:
        return TYPE_NAMES[area["la_type"]].capitalize()
    return GROUP_LABELS[group_id]
