import re

import pytest

from scorecard import register
from scorecard.__main__ import main


def test_real_register_has_six_themes_and_every_measure(real_register):
    assert len(real_register.themes) == 6
    assert len(real_register.measures) >= 86
    ids = [m.id for m in real_register.measures]
    assert len(ids) == len(set(ids))


def test_cross_theme_workforce_measures_are_defined_per_population(real_register):
    for stem in ("sw_turnover_rate", "agency_workers_pct", "sw_average_caseload"):
        children, adults = real_register.measure(f"cyp_{stem}"), real_register.measure(f"asc_{stem}")
        assert children.population and adults.population
        assert children.population != adults.population


def test_a_proxy_takes_the_polarity_of_what_it_measures_and_keeps_the_framework_s(real_register):
    preventions = real_register.measure("com_homelessness_preventions_pct")
    assert (preventions.polarity, preventions.seed_polarity) == ("higher_is_better", "lower_is_better")
    assert any("polarity" in caveat.lower() for caveat in preventions.caveats)
    differing = [m.id for m in real_register.measures if m.framework_polarity != m.polarity]
    assert differing == ["com_homelessness_preventions_pct"]


def test_series_breaks_are_recorded(real_register):
    assert real_register.measure("cyp_good_outstanding_school_pct").breaks == ["AY 2024/25"]
    assert real_register.measure("cyp_sw_average_caseload").breaks == ["30 Sep 2017"]


def test_every_proxy_says_what_it_measures(real_register):
    proxies = [m for m in real_register.measures if m.source.match == "proxy"]
    assert proxies and all(m.source.proxy_for for m in proxies)


def _broken(tmp_path, replacements):
    text = register.DEFAULT_PATH.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "kpi_definitions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


def test_typo_duplicate_and_bad_polarity_are_three_file_line_errors(tmp_path, capsys):
    path = _broken(
        tmp_path,
        [
            ("  what_good_looks_like:", "  what_good_look_like:"),
            ("- id: cyp_agency_workers_pct", "- id: cyp_sw_turnover_rate"),
            ("polarity: higher_is_better", "polarity: high"),
        ],
    )
    with pytest.raises(register.RegisterError) as caught:
        register.load(path)
    problems = caught.value.problems
    typo = _line_of(path, "what_good_look_like:")
    duplicate = (
        _line_of(path, "- id: cyp_sw_turnover_rate")
        and [i for i, line in enumerate(path.read_text().splitlines(), 1) if "- id: cyp_sw_turnover_rate" in line][1]
    )
    polarity = _line_of(path, "polarity: high")
    assert any(
        p.startswith(f"kpi_definitions.yaml:{typo}: ") and "unknown key 'what_good_look_like'" in p for p in problems
    )
    assert any(p.startswith(f"kpi_definitions.yaml:{duplicate}: ") and "duplicate id" in p for p in problems)
    assert any(p.startswith(f"kpi_definitions.yaml:{polarity}: ") and "polarity" in p for p in problems)
    assert all(re.match(r"kpi_definitions\.yaml:\d+: \S+: .+", p) for p in problems)
    assert main(["validate", str(path)]) == 1
    assert "kpi_definitions.yaml:" in capsys.readouterr().err


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("  - children_young_people\n", "  - children\n", "unknown theme 'children'"),
        ("    denominator_column: episodes_with_assessment_factor\n", "", "needs a denominator"),
        (
            "  info_type: performance_indicator\n",
            "  info_type: contextual\n",
            "contextual indicators are never target-set",
        ),
        (
            "- id: asc_clients_qol_improved_pct\n",
            "- id: asc_clients_qol_improved_pct\n  benchmark_group: dfe_sn\n",
            "not in comparator_groups",
        ),
        ("    file: dfe-lait/lait_scorecard_subset.csv\n", "", "file: required"),
        ("    tier: upper\n", "", "tier: say whether the publisher's figures are for upper-tier councils"),
        ("    title_contains: year ending June 2025\n", "", "must name the text its title gives"),
        ("    layout: titled_table\n", "", "only a titled_table layout has title rows"),
        ("    denominator_rows:\n      placement_stability: Total children\n", "", "give both numerator_rows"),
        (
            "    period_format: financial_year\n    value_column: value\n",
            "    period_format: financial_year\n    value_column: value\n    combine: sum\n",
            "only counts can be added up",
        ),
    ],
)
def test_impossible_combinations_are_errors(tmp_path, old, new, message):
    path = _broken(tmp_path, [(old, new)])
    with pytest.raises(register.RegisterError) as caught:
        register.load(path)
    assert any(message in p for p in caught.value.problems), caught.value.problems


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "kpi_definitions.yaml"
    path.write_text("version: 1\nthemes: [\n  - oops: : :\n", encoding="utf-8")
    with pytest.raises(register.RegisterError) as caught:
        register.load(path)
    assert caught.value.problems[0].startswith("kpi_definitions.yaml:")


def test_validate_command_passes_on_the_real_register(capsys):
    assert main(["validate"]) == 0
    assert "6 themes, 86 measures" in capsys.readouterr().out


def test_impossible_polarity_and_break_combinations_are_file_line_errors(tmp_path):
    path = _broken(
        tmp_path,
        [
            # an exact match may not be judged by a polarity other than the framework's
            (
                "  polarity: lower_is_better\n  unit: percent\n  decimals: 1\n  frequency: annual\n"
                "  calculation: value\n  population: >-\n    Children and family social workers employed",
                "  polarity: lower_is_better\n  seed_polarity: higher_is_better\n  unit: percent\n"
                "  decimals: 1\n  frequency: annual\n  calculation: value\n"
                "  population: >-\n    Children and family social workers employed",
            ),
            ("  breaks:\n  - 30 Sep 2017", "  breaks:\n  - 31 Sept 2017"),
        ],
    )
    with pytest.raises(register.RegisterError) as caught:
        register.load(path)
    problems = caught.value.problems
    turnover = _line_of(path, "- id: cyp_sw_turnover_rate")
    caseload = _line_of(path, "- id: cyp_sw_average_caseload")
    assert any(
        re.match(r"kpi_definitions.yaml:(\d+): measures\[cyp_sw_turnover_rate\].seed_polarity: only a proxy", p)
        and turnover < int(p.split(":")[1]) < caseload
        for p in problems
    ), problems
    assert any("measures[cyp_sw_average_caseload].breaks:" in p and "31 Sept 2017" in p for p in problems), problems


def test_a_control_character_in_any_text_is_a_file_line_error(tmp_path):
    """A vertical tab pasted from Excel into a title broke the Word export: the register now refuses it."""
    path = _broken(
        tmp_path,
        [
            (
                "  title: Percentage of Child Assessments involving Exploitation\n",
                '  title: "Percentage of Child\\vAssessments"\n',
            )
        ],
    )
    with pytest.raises(register.RegisterError) as caught:
        register.load(path)
    line = _line_of(path, "Percentage of Child\\vAssessments")
    assert caught.value.problems == [
        f"kpi_definitions.yaml:{line}: measures[cyp_assessments_exploitation_pct].title: "
        "contains the control character U+000B; remove it"
    ]


def _plausible(tmp_path, measure_id: str, low: float, high: float):
    line = f"- id: {measure_id}\n"
    return _broken(tmp_path, [(line, f"{line}  plausible: {{min: {low:g}, max: {high:g}}}\n")])


def test_plausible_ranges_by_unit_or_by_measure(tmp_path, real_register):
    count = real_register.measure("asc_assistive_tech_telecare_clients")
    assert count.plausible_range == register.definitions.PLAUSIBLE["count"] == (0.0, 1e9)
    narrowed = register.load(_plausible(tmp_path, count.id, 0, 5000)).measure(count.id)
    assert narrowed.plausible_range == (0, 5000)
    with pytest.raises(register.RegisterError, match="max: 5 must be above min 10"):
        register.load(_plausible(tmp_path, count.id, 10, 5))
    with pytest.raises(register.RegisterError, match="target.value: 38 is outside the plausible range 0–30"):
        register.load(_plausible(tmp_path, "cyp_plan_survey_response_rate", 0, 30))


def test_returns_write_only_council_measures_for_the_areas_allowed(real_register):
    council = [m for m in real_register.measures if m.takes_returns]
    assert council == [m for m in real_register.measures if m.source.match == "none"] != []
    assert all(m.source.return_areas == ["E08000014"] for m in council)  # Sefton only, unless the register says
    assert not real_register.measure("cyp_persistent_absence_pct").takes_returns
