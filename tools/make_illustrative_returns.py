"""Write data/returns/illustrative_returns.csv: MADE-UP council returns for demonstration.

Measures that only council systems can supply have no public data. So that the scorecard is
complete before services send real returns, this writes seeded, deterministic ILLUSTRATIVE
figures (status ``illustrative``) for 2024/25 Q1 to 2025/26 Q4, and proposes illustrative
fixed targets. None of these numbers is real; the app says so wherever they appear.
Run: ``python tools/make_illustrative_returns.py`` (rewrites the file byte-identically).
"""

from __future__ import annotations

import csv
import random
import sys
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
    out = ROOT / "data" / "returns" / "illustrative_returns.csv"
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} illustrative rows to {out}")


if __name__ == "__main__":
    main()
