"""Write data/returns/illustrative_*.csv: MADE-UP council returns for demonstration.

Measures that only council systems can supply have no public data. So that the scorecard is
complete before services send real returns, this writes seeded, deterministic ILLUSTRATIVE
figures (status ``illustrative``) for 2024/25 Q1 to 2025/26 Q4, and proposes illustrative
fixed targets. None of these numbers is real; the app says so wherever they appear.

So that a new user sees the CPOR as it will look, it also writes illustrative commentary (on the
illustrative figures of two measures per theme, for the last two quarters) and illustrative progress
updates for every Corporate Plan priority action (2025/26 Q1–Q4): each row is marked illustrative and says
so in its text; owners and authors are role names, never people.
Run: ``python tools/make_illustrative_returns.py`` (rewrites the files byte-identically).
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scorecard import SEFTON, register  # noqa: E402
from scorecard.store import periods  # noqa: E402

# measure id -> (typical monthly/quarterly/annual level, relative noise); percent levels in points.
LEVELS = {
    "cyp_plan_survey_response_rate": (38, 0.08),
    "cyp_cla_permanent_sw_pct": (78, 0.04),
    "cyp_cla_visits_casework_up_to_date_pct": (88, 0.03),
    "cyp_send_survey_positive_pct": (61, 0.05),
    "asc_msp_outcomes_met_pct": (91, 0.02),
    "asc_sw_average_caseload": (21, 0.06),
    "asc_agency_workers_pct": (9, 0.12),
    "asc_assistive_tech_telecare_clients": (4100, 0.03),
    "asc_asksara_visits": (620, 0.15),
    "asc_clients_safeguarding_episode_pct": (3.2, 0.1),
    "asc_clients_good_outstanding_care_homes_pct": (74, 0.03),
    "asc_carers_do_what_they_want_pct": (28, 0.08),
    "asc_casework_audits_good_pct": (68, 0.07),
    "asc_clients_carers_asked_experience_pct": (55, 0.08),
    "hw_domestic_violence_incidents": (410, 0.08),
    "hw_open_space_visitors": (95000, 0.25),
    "hw_active_sefton_leisure_visits": (88000, 0.08),
    "hw_library_visits": (52000, 0.07),
    "hw_community_centre_visits": (9800, 0.1),
    "com_safer_routes_schemes": (6, 0.3),
    "com_recorded_crime_rate": (21.5, 0.05),  # public data since #16: see NOW_PUBLIC
    "com_affordable_pct_qualifying_sites": (24, 0.12),
    "com_contact_centre_answered_pct": (84, 0.04),
    "com_one_stop_shop_visitors": (4200, 0.08),
    "com_website_visitors": (310000, 0.08),
    "com_top5pct_earners_women_pct": (56, 0.03),
    "com_top5pct_earners_bme_pct": (3.1, 0.1),
    "com_top5pct_earners_lgbtq_pct": (3.6, 0.12),
    "com_top5pct_earners_disabled_pct": (6.2, 0.1),
    "com_lgsco_upheld_pct": (62, 0.1),
    "com_complaints_in_timescale_pct": (71, 0.06),
    "com_minor_planning_in_time_pct": (83, 0.05),
    "com_major_planning_in_time_pct": (88, 0.06),
    "com_staff_not_commuting_pct": (34, 0.06),
    "com_business_miles_non_electric": (96000, 0.06),
    "com_council_renewable_capacity_kwp": (1450, 0.05),
    "com_council_scope1_2_emissions_tco2e": (11800, 0.04),
    "com_low_carbon_road_material_tonnes": (5200, 0.12),
    "com_trees_planted": (7400, 0.15),
    "com_highways_fleet_converted_electric": (14, 0.2),
    "ig_visitor_numbers": (11_900_000, 0.04),
    "ig_parade_vacant_units_pct": (14.5, 0.06),
    "fin_unrecovered_debt_gbp000": (2300, 0.08),
    "fin_s106_income_recovered": (410000, 0.25),
    "fin_council_tax_collection_pct": (95.4, 0.004),
    "fin_business_rates_collection_pct": (97.6, 0.004),
    "fin_debt_outstanding_pct_gross": (9.5, 0.08),
    "fin_total_debt_pct_core_spending": (78, 0.03),
    "fin_transformation_savings_achieved": (1_150_000, 0.2),
}

NOW_PUBLIC = {"com_recorded_crime_rate": "quarterly"}
"""Measures that had illustrative figures until public data was wired in, with the frequency they had then:
their random draws are still taken and thrown away, so every other illustrative figure stays the same."""


def report_periods(frequency: str) -> list[periods.Period]:
    """The periods a service would have reported between April 2024 and March 2026."""
    if frequency == "monthly":
        return [periods.month(2024 + (m + 3) // 12, (m + 3) % 12 + 1) for m in range(24)]
    if frequency == "quarterly":
        return [periods.quarter(fy, q) for fy in (2024, 2025) for q in (1, 2, 3, 4)]
    return [periods.financial_year(fy) for fy in (2022, 2023, 2024, 2025)]


def main() -> None:
    reg = register.load()
    rng = random.Random(20240401)
    rows = []
    for measure in reg.measures:
        if measure.source.match != "none":
            if measure.id in NOW_PUBLIC:
                for _ in report_periods(NOW_PUBLIC[measure.id]):
                    rng.gauss(0, 1)
            continue
        level, noise = LEVELS[measure.id]
        for period in report_periods(measure.frequency):
            value = level * (1 + rng.gauss(0, noise))
            if measure.unit == "percent":
                value = min(max(value, 0.0), 100.0)
            rows.append(
                {
                    "measure_id": measure.id,
                    "area_code": SEFTON,
                    "period": period.label,
                    "value": round(value, measure.decimals),
                    "status": "illustrative",
                    "note": "ILLUSTRATIVE: made up for demonstration, not a council figure",
                }
            )
    _write(ROOT / "data" / "returns" / "illustrative_returns.csv", rows)
    _write(ROOT / "data" / "returns" / "illustrative_commentary.csv", commentary_rows(reg))
    _write(ROOT / "data" / "returns" / "illustrative_actions.csv", action_rows(reg))


def _write(out: Path, rows: list[dict]) -> None:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} illustrative rows to {out}")


DEMO_AUTHOR = "Illustrative demo content (not a council officer)"
COMMENTARY_QUARTERS = ("2025/26 Q3", "2025/26 Q4")
COMMENTARY_PER_THEME = 2
OWNERS = ("Service Manager", "Head of Service", "Assistant Director")
NARRATIVES = (
    "Illustrative example, not a council statement: the figure moved with demand this quarter; the service "
    "has checked the data with the team that records it and found no recording problem.",
    "Illustrative example, not a council statement: staffing gaps earlier in the quarter slowed the work; "
    "the position recovered in the final month as new starters completed induction.",
    "Illustrative example, not a council statement: a change of process in the quarter affected the "
    "figure; the service expects it to settle over the next two quarters.",
)
ACTIONS_TAKEN = (
    "Illustrative example: weekly review of open cases by the service manager, with a report to the "
    "Strategic Performance Group next quarter.",
    "Illustrative example: recruitment to two vacant posts and a temporary reallocation of work within the team.",
    "Illustrative example: a short audit of recent cases to confirm the new process is followed.",
)
PROGRESS = (
    "Illustrative progress update (made up for demonstration): scoping complete and a project group set up.",
    "Illustrative progress update (made up for demonstration): the plan was agreed and the first milestone met.",
    "Illustrative progress update (made up for demonstration): delivery under way; one milestone moved back "
    "a quarter while a partner confirms funding.",
    "Illustrative progress update (made up for demonstration): most milestones met; the remaining work is "
    "planned for next year.",
)
ACTION_QUARTERS = ("2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4")


def commentary_rows(reg) -> list[dict]:
    """Illustrative commentary on illustrative figures: the first rated council-return measures of each theme,
    for the last two quarters (the rest are left without, as in a real quarter some would be)."""
    rng = random.Random(20260401)
    rows = []
    for theme in reg.themes:
        chosen = [
            m
            for m in reg.measures
            if m.themes[0] == theme.id and m.info_type != "contextual" and m.source.match == "none"
        ]
        for measure in chosen[:COMMENTARY_PER_THEME]:
            for quarter in COMMENTARY_QUARTERS:
                end = periods.parse_label(quarter).end
                rows.append(
                    {
                        "measure_id": measure.id,
                        "period": quarter,
                        "narrative": rng.choice(NARRATIVES),
                        "corrective_action": rng.choice(ACTIONS_TAKEN),
                        "action_owner": rng.choice(OWNERS),
                        "due_date": date(end.year + (end.month > 6), (end.month + 6 - 1) % 12 + 1, 28).isoformat(),
                        "author": DEMO_AUTHOR,
                        "illustrative": "yes",
                    }
                )
    return rows


def action_rows(reg) -> list[dict]:
    """Illustrative quarterly updates for every priority action: progress that grows through the year, in
    the council's status key (RED at risk, AMBER delayed, GREEN as planned, BLUE complete, NEW)."""
    rng = random.Random(20250401)
    rows = []
    for action in reg.priority_actions:
        percent = 0
        for number, quarter in enumerate(ACTION_QUARTERS):
            percent = min(100, percent + rng.choice((10, 15, 20, 25, 30)))
            status = "BLUE" if percent == 100 else rng.choices(("GREEN", "AMBER", "RED"), weights=(6, 3, 1))[0]
            if number == 0 and rng.random() < 0.1:
                status = "NEW"
            rows.append(
                {
                    "action_id": action.id,
                    "period": quarter,
                    "status": status,
                    "percent_complete": percent,
                    "narrative": PROGRESS[min(number, len(PROGRESS) - 1)],
                    "author": DEMO_AUTHOR,
                    "illustrative": "yes",
                }
            )
    return rows


if __name__ == "__main__":
    main()
