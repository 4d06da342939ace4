"""The golden thread in the register (Vision 2030 → Core Purpose → themes → priority actions → measures;
directorates, portfolios, budget service lines): broken links are file:line errors, owners never guessed."""

from __future__ import annotations

import re

import pytest

from scorecard import register
from scorecard.register import plan
from scorecard.register.definitions import TO_BE_CONFIRMED

SEED = register.DEFAULT_PATH.parents[1] / "shared" / "seeds"


def _broken(tmp_path, old: str, new: str):
    text = register.DEFAULT_PATH.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path = tmp_path / "kpi_definitions.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    "old, new, needle, message",
    [
        (
            "  priority_actions:\n  - cyp_pa_csc_improvement_priorities\n  info_type: contextual",
            "  priority_actions:\n  - cyp_pa_no_such_action\n  info_type: contextual",
            "- cyp_pa_no_such_action",
            "unknown priority action 'cyp_pa_no_such_action'",
        ),
        (
            "  directorate: public_health\n",
            "  directorate: public_healht\n",
            "directorate: public_healht",
            "unknown directorate 'public_healht'",
        ),
        (
            "  portfolio: corporate_services\n",
            "  portfolio: corporate_servics\n",
            "portfolio: corporate_servics",
            "unknown portfolio 'corporate_servics'",
        ),
        (
            "  - com_contact_centre_answered_pct\n",
            "  - com_contact_centre_answerd_pct\n",
            "- com_contact_centre_answerd_pct",
            "unknown measure 'com_contact_centre_answerd_pct'",
        ),
        (
            "  - com_pa_cost_of_living\n",
            "  - com_pa_cost_of_livin\n",
            "- com_pa_cost_of_livin",
            "unknown priority action 'com_pa_cost_of_livin'",
        ),
    ],
    ids=["measure→action", "theme→directorate", "theme→portfolio", "portfolio→measure", "portfolio→action"],
)
def test_a_broken_golden_thread_link_is_a_file_line_error(tmp_path, old, new, needle, message):
    path = _broken(tmp_path, old, new)
    with pytest.raises(register.RegisterError) as caught:
        register.load(path)
    line = _line_of(path, needle)
    assert any(p.startswith(f"kpi_definitions.yaml:{line}: ") and message in p for p in caught.value.problems), (
        caught.value.problems
    )
    assert all(re.match(r"kpi_definitions\.yaml:\d+: ", p) for p in caught.value.problems)


def test_the_plan_is_the_council_s_own_words_at_the_lines_cited(real_register):
    """Vision 2030, each Core Purpose element, the aspiration and each directorate's basis line exist in the
    seed files at the line the register gives (the vision and purposes verbatim there)."""
    p = real_register.plan
    if not (SEED / p.vision.seed_file).is_file():
        pytest.skip(f"the council's documents are not at {SEED}")
    lines = (SEED / p.vision.seed_file).read_text(encoding="utf-8").splitlines()
    assert " ".join(p.vision.text.split()) in " ".join(" ".join(lines[p.vision.line - 1 : p.vision.line + 2]).split())
    assert len(p.core_purpose) == 8
    for purpose in p.core_purpose:
        assert purpose.title.lower() in lines[purpose.line - 1].lower(), (purpose.id, lines[purpose.line - 1])
    assert p.aspiration.text[:40] in " ".join(lines[p.aspiration.line - 1 : p.aspiration.line + 1])


def test_every_theme_measure_action_and_service_line_has_owners_or_is_to_be_confirmed(real_register):
    for kind in plan.KINDS:
        known = {o.id for o in (real_register.directorates if kind == "directorate" else real_register.portfolios)}
        for theme in real_register.themes:
            assert getattr(theme, kind) in known | {TO_BE_CONFIRMED}
        for owners in plan.measure_owners(real_register, kind).values():
            assert set(owners) <= known
        for owners in plan.action_owners(real_register, kind).values():
            assert set(owners) <= known
    every_directorate = plan.measure_owners(real_register, "directorate")
    assert all(every_directorate.values()), "every theme has a directorate, so every measure has one"
    assert len(real_register.service_lines) == 11


def test_a_directorate_scope_is_its_themes_measures_and_actions(real_register):
    adults = plan.scope(real_register, "directorate", "adult_social_care_health")
    assert adults.themes == ["adult_social_care"]
    assert adults.measures == [m.id for m in real_register.measures if "adult_social_care" in m.themes]
    assert adults.actions == [a.id for a in real_register.theme_actions("adult_social_care")]
    assert adults.service_lines == ["adult_social_care"]
    assert adults.label == "Directorate: Adult Social Care and Health"
    services = plan.scope(real_register, "portfolio", "corporate_services")
    assert "com_contact_centre_answered_pct" in services.measures  # listed by the portfolio beyond its theme
    with pytest.raises(KeyError):
        plan.scope(real_register, "directorate", "no_such_directorate")


def test_every_measure_and_action_hangs_somewhere_on_the_thread(real_register):
    linked = plan.action_measures(real_register)
    under_actions = {m for ms in linked.values() for m in ms}
    whole = {m for t in real_register.themes for m in plan.theme_level_measures(real_register, t.id)}
    assert under_actions | whole == {m.id for m in real_register.measures}
    assert len(real_register.measures) == 86 and len(linked) == len(real_register.priority_actions) == 40


def test_who_owns_a_measure_action_or_theme_for_sign_off(real_register):
    from scorecard.governance import access

    assert plan.directorates_of(real_register, "measure", "cyp_sw_turnover_rate") == ["children_education"]
    assert plan.directorates_of(real_register, "action", "cyp_pa_csc_improvement_priorities") == ["children_education"]
    assert plan.directorates_of(real_register, "theme", "children_young_people") == ["children_education"]
    listing = {"measures": ["cyp_sw_turnover_rate"]}
    adults = real_register.directorate("adult_social_care_health").model_copy(update=listing)
    shared = real_register.model_copy(
        update={"directorates": [adults if d.id == adults.id else d for d in real_register.directorates]}
    )
    owners = plan.directorates_of(shared, "measure", "cyp_sw_turnover_rate")
    assert owners == ["children_education", "adult_social_care_health"]  # listed by a second directorate: both
    assert access.covering({"assistant_director:adult_social_care_health"}, ["assistant_director"], owners)
    assert access.covering({"assistant_director:public_health"}, ["assistant_director"], owners) is None
    with pytest.raises(KeyError):
        plan.directorates_of(real_register, "measure", "no_such_measure")
