"""The annual actions register: the Corporate Plan's priority actions, verbatim, validated like the KPI register."""

from __future__ import annotations

import pytest

from scorecard import register
from scorecard.ingest import sources
from tests.scorecard.register.test_definitions import _broken

SEEDS = sources.default_sources_dir().parent / "seeds"
PER_THEME = {
    "children_young_people": 7,
    "adult_social_care": 9,
    "health_wellbeing": 7,  # five "over the course of this plan" and two "and we will"
    "communities": 11,
    "inclusive_growth": 6,
    "financial_sustainability": 0,  # the plan lists none
}


def test_every_priority_action_of_the_plan_once(real_register):
    actions = real_register.priority_actions
    assert len(actions) == sum(PER_THEME.values()) == 40
    assert len({a.id for a in actions}) == len(actions)
    for theme, count in PER_THEME.items():
        assert len(real_register.theme_actions(theme)) == count, theme
    assert real_register.action("com_pa_carbon_emissions").theme == "communities"
    with pytest.raises(KeyError):
        real_register.action("nope")


def test_titles_are_verbatim_from_the_plan_at_their_line(real_register):
    if not SEEDS.is_dir():
        pytest.skip(f"seeds not found at {SEEDS}")
    for action in real_register.priority_actions:
        lines = (SEEDS / action.seed_file).read_text(encoding="utf-8").splitlines()
        assert lines[action.line - 1] == f"- {action.title}", action.id
        heading = next(lines[i] for i in range(action.line - 1, 0, -1) if lines[i].startswith("Our priority actions"))
        assert heading == "Our priority actions"


@pytest.mark.parametrize(
    "old, new, message, needle",
    [
        (
            "  theme: adult_social_care\n  title:",
            "  theme: adults\n  title:",
            "unknown theme 'adults'",
            "theme: adults",
        ),
        ("- id: asc_pa_workforce\n", "- id: asc_pa_support_at_home\n", "duplicate id", "- id: asc_pa_support_at_home"),
        ("  line: 924\n", "  line: 0\n", "greater than or equal to 1", "line: 0"),
        ("  line: 924\n", "  line: 924\n  owner: someone\n", "unknown key 'owner'", "owner: someone"),
    ],
)
def test_a_broken_action_is_a_file_line_error(tmp_path, old, new, message, needle):
    path = _broken(tmp_path, [(old, new)])
    with pytest.raises(register.RegisterError) as caught:
        register.load(path)
    lines = [i for i, text in enumerate(path.read_text().splitlines(), start=1) if needle in text]
    assert any(
        message in p and p.startswith(f"kpi_definitions.yaml:{line}: priority_actions")
        for p in caught.value.problems
        for line in lines
    ), caught.value.problems
