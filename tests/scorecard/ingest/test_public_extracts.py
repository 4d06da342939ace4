"""Public extracts read against the raw files: DEFRA ENV18 recycling (README §18) and ONS/Home Office
recorded crime by Community Safety Partnership (§19), and the reader for spreadsheet sheets saved as CSV."""

from __future__ import annotations

import csv
from collections import defaultdict

import duckdb
import pandas as pd
import pytest

from scorecard import SEFTON
from scorecard.evaluation import evaluate
from scorecard.ingest import sources, titled_table
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db, storage

RECYCLING = "defra-recycling-env18/recycling.csv"
CRIME = "ons-recorded-crime-csp/policeforceareatablesyejune25final_TableC2.csv"
TOTAL = "Total recorded crime (excluding fraud)"


@pytest.fixture(scope="module")
def observations(built_data):
    return pd.read_parquet(storage.table_path(built_data[0], "observations"))


@pytest.fixture(scope="module")
def sefton(built_data):
    db.reset()
    return views.scorecard(Context.of(built_data[0])).set_index("measure_id")


def _raw_crime_rows() -> tuple[list[str], list[list[str]]]:
    """The crime sheet read with the csv module alone: header is the first row with more than one cell filled."""
    with (sources.default_sources_dir() / CRIME).open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    at = next(i for i, record in enumerate(records) if sum(bool(cell.strip()) for cell in record) > 1)
    return [" ".join(cell.split()) for cell in records[at]], records[at + 1 :]


def _count(cell: str) -> int:
    return int(cell.strip().replace(",", ""))


def test_recycling_is_defra_env18_with_nine_years_for_sefton(observations, sefton):
    with (sources.default_sources_dir() / RECYCLING).open(encoding="utf-8") as handle:
        raw = {r["period"]: float(r["value"]) for r in csv.DictReader(handle) if r["area_code"] == SEFTON}
    ours = observations[(observations["measure_id"] == "com_household_recycling_rate")]
    mine = ours[ours["area_code"] == SEFTON].set_index("period_label")["value"].to_dict()
    assert mine == raw and len(mine) == 9
    assert min(mine) == "2015/16" and mine["2023/24"] == 33.2
    assert not ours["area_code"].str.match(r"[WSN]").any()  # Welsh/Scottish rows (calendar years) not read
    got = sefton.loc["com_household_recycling_rate"]
    assert got["data_match"] == "exact" and got["period_label"] == "2023/24" and got["value"] == 33.2
    assert got["benchmark_group"] == "cipfa_nn" and got["group_size"] == 16 and pd.notna(got["rank"])


def test_crime_is_the_raw_count_labelled_as_a_proxy_and_not_ranked(observations, sefton):
    header, rows = _raw_crime_rows()
    code, total = header.index("Local Authority code"), header.index(TOTAL)
    assert [_count(r[total]) for r in rows if r[code] == SEFTON] == [21_753]
    got = sefton.loc["com_recorded_crime_rate"]
    assert got["value"] == 21_753 and got["period_label"] == "YE Jun 2025" and got["unit"] == "count"
    assert got["data_match"] == "proxy" and "COUNT" in got["proxy_for"]
    assert pd.isna(got["rank"]) and pd.isna(got["quartile"]) and got["significance"] == "not_compared"
    assert got["summary"].startswith(f"{got['title']} (proxy; shown as a count) was 21,753 in the year ending Jun 2025")


def test_crime_councils_with_several_partnerships_are_the_sum_of_their_rows(observations):
    header, rows = _raw_crime_rows()
    code, total = header.index("Local Authority code"), header.index(TOTAL)
    expected: dict[str, int] = defaultdict(int)
    for row in rows:
        if row[code].startswith("E0"):
            expected[row[code]] += _count(row[total])
    crime = observations[observations["measure_id"] == "com_recorded_crime_rate"]
    assert crime.set_index("area_code")["value"].to_dict() == expected
    assert expected["E06000058"] == 18_801 + 9_539  # Bournemouth, Christchurch and Poole: two partnerships


def test_crime_partnership_rows_add_up_to_each_police_force_total():
    """Why adding partnerships up is sound: in every police force area of the raw sheet, the partnership rows
    (with the unassigned and combined ones) add up to the force's own total row. (The City of London force
    has no total row: its one row is its only partnership.)"""
    header, rows = _raw_crime_rows()
    force, partnership, total = (
        header.index("Police Force Area name"),
        header.index("Community Safety Partnership name"),
        header.index(TOTAL),
    )
    totals, parts = {}, defaultdict(int)
    for row in rows:
        name = row[force].split(" [")[0].strip()
        if row[partnership].strip():
            parts[name] += _count(row[total]) if row[total].strip() else 0
        else:
            totals[name] = _count(row[total])
    assert len(totals) == 42 and totals == {name: parts[name] for name in totals}
    assert set(parts) - set(totals) == {"City of London"}


SHEET = (
    '"Table C2: Number of crimes, year ending June 2025 [note 1]",,,\n'
    "Some shorthand is used in this table.,,,\n"
    ",,,\n"
    '"Local Authority\ncode","Local Authority\nname","Total recorded crime\n (excluding fraud)",Robbery\n'
    'E08000014,Sefton,"21,753 ",181\n'
    "E08000015,Wirral,[x],12\n"
)


def _write(tmp_path, text: str):
    path = tmp_path / "sheet.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _read(path, **kwargs):
    args = {"required": ["Local Authority code", TOTAL], "numeric": [TOTAL], "title_contains": "year ending June 2025"}
    return titled_table.read(path, "sheet.csv", **{**args, **kwargs})


def test_titled_table_reads_headers_with_line_breaks_and_keeps_cells_as_published(tmp_path):
    frame = _read(_write(tmp_path, SHEET))
    assert list(frame.columns) == ["Local Authority code", "Local Authority name", TOTAL, "Robbery"]
    assert frame[TOTAL].tolist() == ["21,753 ", "[x]"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SHEET.replace("Some shorthand", ",Some shorthand"), r"sheet\.csv:2: .*first cell only, found it in column 2"),
        (SHEET.replace("year ending June 2025", "year ending September 2025"), r"sheet\.csv:1: .*do not say"),
        (
            SHEET.replace("Local Authority\ncode", "LA code"),
            r"sheet\.csv:4: header has no column 'Local Authority code'",
        ),
        (SHEET.replace("Sefton,", "Sefton,extra,"), r"sheet\.csv:8: 5 cells, but the header at line 4 has 4"),
        (SHEET.replace('"21,753 "', "twenty"), r"sheet\.csv:8: column 'Total .*'twenty' is neither a figure"),
        (SHEET.replace('"21,753 "', '"21,75,3"'), r"sheet\.csv:8: .*neither a figure"),
        (SHEET + ",,,\nNote 1: a footnote,,,\n", r"sheet\.csv:11: text after the table.* line 10"),
        ("title only,,\n,,\n", r"sheet\.csv:3: no header row"),
        (
            SHEET.split('"Local')[0] + '"Local Authority code",x,"Local Authority code",y\n',
            r"sheet\.csv:4: header names",
        ),
        (SHEET.split("E08000014")[0], r"sheet\.csv:4: the header is followed by no data rows"),
    ],
)
def test_titled_table_refuses_a_layout_it_does_not_expect_naming_file_and_line(tmp_path, text, message):
    with pytest.raises(titled_table.LayoutError, match=message):
        _read(_write(tmp_path, text))


def test_titled_table_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes(SHEET.encode("utf-8") + b"\xff\xfe")
    with pytest.raises(titled_table.LayoutError, match=r"sheet\.csv: not UTF-8"):
        _read(path)


def test_the_real_crime_sheet_has_the_layout_the_reader_expects():
    frame = titled_table.read(
        sources.default_sources_dir() / CRIME,
        CRIME,
        required=["Local Authority code", TOTAL],
        numeric=[TOTAL],
        title_contains="year ending June 2025",
    )
    assert frame.loc[frame["Local Authority code"] == SEFTON, TOTAL].str.strip().tolist() == ["21,753"]


CSC = "dfe-csc-outcomes/placement_changes_data.csv"


def test_counts_from_two_rows_of_the_dfe_long_format_give_value_interval_and_england(observations):
    with (sources.default_sources_dir() / CSC).open(encoding="utf-8") as handle:
        raw = [r for r in csv.DictReader(handle) if r["cla_group"].startswith("Children looked after continuously")]
    counts = {(r["geo_breakdown"], r["placement_stability"]): r["Number"] for r in raw if r["time_period"] == "2025"}
    ours = observations[
        (observations["measure_id"] == "cyp_cla_stable_placements_pct") & (observations["period_label"] == "2024/25")
    ].set_index("area_code")
    for area, name in ((SEFTON, "Sefton"), ("E92000001", "National"), ("E12000002", "North West")):
        got = ours.loc[area]
        numerator = int(counts[(name, "Living with the same carer for at least 2 years")])
        denominator = int(counts[(name, "Total children")])
        assert (got["numerator"], got["denominator"]) == (numerator, denominator)
        assert got["value"] == pytest.approx(100 * numerator / denominator)
        assert got["lower_ci"] < got["value"] < got["upper_ci"]
    assert (ours.loc[SEFTON, "numerator"], ours.loc[SEFTON, "denominator"]) == (163, 238)
    assert not ours.index.isin(["Statistical neighbours (median)"]).any()


def _long_format(tmp_path, rows: list[str]):
    folder = tmp_path / "dfe-csc-outcomes"
    folder.mkdir(exist_ok=True)
    header = "time_period,geographic_level,geo_breakdown,new_la_code,cla_group,placement_stability,Number\n"
    (folder / "placement_changes_data.csv").write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return tmp_path


def _read_long(real_register, folder):
    measure = real_register.measure("cyp_cla_stable_placements_pct")
    group = measure.source.filters["cla_group"]
    raw = sources.read_raw(duckdb.connect(), measure, folder)
    return sources.normalise(raw, measure, {}, {"national": "E92000001"}), group


def test_long_format_counts_refuse_two_rows_for_one_count_and_keep_withheld_counts_suppressed(real_register, tmp_path):
    group = real_register.measure("cyp_cla_stable_placements_pct").source.filters["cla_group"]
    same, total = "Living with the same carer for at least 2 years", "Total children"
    rows = [
        f'2025,Local authority,Sefton,E08000014,"{group}",{same},c',
        f'2025,Local authority,Sefton,E08000014,"{group}",{total},238',
        f'2025,National,National,,"{group}",{same},19680',
        f'2025,National,National,,"{group}",{total},28710',
        f'2025,Statistical neighbours (median),Statistical neighbours (median),,"{group}",{same},1',
        f'2025,Statistical neighbours (median),Statistical neighbours (median),,"{group}",{same},2',
    ]
    frame, _ = _read_long(real_register, _long_format(tmp_path, rows))
    by_area = frame.set_index("area_code")
    assert by_area.loc[SEFTON, "status"] == "suppressed" and pd.isna(by_area.loc[SEFTON, "value"])
    assert by_area.loc["E92000001", "value"] == pytest.approx(100 * 19680 / 28710)
    assert set(by_area.index) == {SEFTON, "E92000001"}  # neighbour-median rows name no area
    rows.append(f'2025,Local authority,Sefton,E08000014,"{group}",{same},160')
    with pytest.raises(ValueError, match=r"2 rows match numerator_rows for area E08000014 period 2025"):
        _read_long(real_register, _long_format(tmp_path, rows))


def test_crime_comparators_are_listed_by_name_not_ranked(built_data, real_register):
    db.reset()
    card = evaluate.evaluate(Context.of(built_data[0], real_register), group="region", areas=[SEFTON])
    label = card.set_index("measure_id").loc["com_recorded_crime_rate", "period_label"]
    members = views.group_values(
        Context.of(built_data[0], real_register), "com_recorded_crime_rate", label, group="region"
    )
    assert len(members) > 30 and members["position"].isna().all()
    assert members["name"].tolist() == sorted(members["name"])
    assert not members["area_code"].str.startswith("E10").any()  # district-level: no county beside its districts
