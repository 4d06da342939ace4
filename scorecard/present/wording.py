"""How judgements and figures are written for people: labels with symbols (never colour alone),
formatted values, and the one-sentence summary of each measure."""

from __future__ import annotations

import math

RAG = {
    "green": ("Green", "✔", "Target met"),
    "amber": ("Amber", "▲", "Target missed, within tolerance"),
    "red": ("Red", "✖", "Target missed, beyond tolerance"),
    "no_target": ("No target", "○", "No target set"),
    "not_rated": ("Not rated", "–", "Contextual indicator, not rated"),
    "missing": ("Missing", "?", "No data for this period"),
    "suppressed": ("Suppressed", "∗", "Value suppressed by the publisher"),
    "stale": ("Stale", "◷", "Latest data is out of date"),
    "awaiting": ("Awaiting return", "…", "Awaiting the service's return"),
}
"""rag code → (label, symbol, meaning)."""
RAG_COLOURS = {
    "green": "#1b7837",
    "amber": "#b35806",
    "red": "#b2182b",
    "no_target": "#6b6b6b",
    "not_rated": "#6b6b6b",
    "missing": "#4d4d4d",
    "suppressed": "#4d4d4d",
    "stale": "#5e3c99",
    "awaiting": "#4d4d4d",
}
"""Colour-blind-safe hues (ColorBrewer PuOr/RdBu/PRGn ends); always shown with the label and symbol."""

DIRECTION = {
    "improving": ("Improving", "↑"),
    "worsening": ("Worsening", "↓"),
    "no_change": ("No change", "→"),
    "increasing": ("Increasing", "↗"),
    "decreasing": ("Decreasing", "↘"),
    "not_comparable": ("Not comparable", "·"),
}
TREND = {
    "increasing_getting_better": "Increasing and getting better",
    "increasing_getting_worse": "Increasing and getting worse",
    "decreasing_getting_better": "Decreasing and getting better",
    "decreasing_getting_worse": "Decreasing and getting worse",
    "increasing": "Increasing",
    "decreasing": "Decreasing",
    "no_significant_change": "No significant change",
    "cannot_be_calculated": "Cannot be calculated",
    "not_applied": "Not tested",
}
TREND_REASON = {
    "sub_annual": "{kind} data — not tested",
    "pooled": "pooled multi-year periods — not tested",
    "count": "a count — not tested",
    "clustered": "units clustered in a shared rating — not tested",
    "series_break": "series break in {series_break} — not tested",
    "too_few_points": "fewer than five consecutive values",
    "no_counts_or_intervals": "no counts or confidence intervals to test",
}
"""Why no recent trend (:data:`scorecard.evaluation.judgements.trend.NOT_APPLIED` and ``CANNOT``)."""
TREND_METHOD = {
    "proportions": "chi-squared test for trend in proportions",
    "weighted_regression": "inverse-variance weighted regression",
}
PERIOD_KIND = {
    "quarter": "quarterly",
    "month": "monthly",
    "financial_year": "financial-year",
    "academic_year": "academic-year",
    "calendar_year": "calendar-year",
    "snapshot": "snapshot",
    "multi_year": "pooled multi-year",
    "rolling_year": "rolling-year",
}
POLARITY = {
    "higher_is_better": "Higher is better",
    "lower_is_better": "Lower is better",
    "no_judgement": "No judgement (context)",
}
EXCEPTION = {
    "red_red": ("Significantly worse than the benchmark and worsening (red-red)", "Red-red"),
    "persistent_red": ("Red against target in two reports running, on different figures", "Red against target"),
    "red": ("Red against target", "Red against target"),
    "material_deterioration": ("Materially worse than the previous period", "Deteriorating"),
    "trend_worsening": ("Recent trend getting worse", "Deteriorating"),
    "context_deterioration": (
        "A contextual measure materially worse (the borough, not the council's performance)",
        "Context worsening",
    ),
    "no_commentary": ("Red or amber with no commentary for the quarter", "Commentary needed"),
    "missing": ("No figure for the quarter", "Missing or stale data"),
    "stale": ("The latest figure is out of date", "Missing or stale data"),
    "amber": ("Amber against target", "Amber against target"),
    "exceeding_target": ("Exceeding target by more than its tolerance", "Exceeding target"),
}
"""Exception reason code → (the reason as written, the Strategic Performance Group's heading)."""
TIER = {
    "for_decision": (
        "For decision",
        "red, red-red, persistent red, a red measure getting materially worse, or an amber one getting worse "
        "beyond chance or two periods running",
    ),
    "watch": (
        "Watch",
        "amber, missing or out-of-date figures, a green measure getting worse or an amber one after a single "
        "fall, the borough's context worsening",
    ),
    "going_well": ("Going well", "exceeding target by more than its tolerance"),
}
"""Exception tier (DESIGN.md §5) → (heading, what puts a measure there)."""
DETERIORATION = {
    "significant": "outside the previous figure's 95% confidence interval, so unlikely to be chance",
    "material": "by more than the measure's materiality of {size}",
    "material_within_interval": (
        "by more than the measure's materiality of {size}, but inside the previous figure's 95% confidence "
        "interval: chance alone could give a change this size"
    ),
    "sustained": "worse {run} periods running",
}
"""Why a change counts as a material deterioration (:data:`scorecard.evaluation.judgements.exceptions.BASES`)."""
SEARCH_SYNONYMS = (
    ("gcse", "gcses", "ks4", "key stage 4", "attainment 8", "progress 8"),
    ("ks2", "key stage 2", "sats"),
    ("school", "schools", "pupil"),
    ("absence", "absent", "attendance"),
    ("neet", "not in education"),
    ("send", "special educational needs", "sen support", "ehcp", "education, health and care"),
    ("cared for", "looked after", "cla", "children in care"),
    ("obesity", "obese", "overweight", "ncmp"),
    ("mmr", "vaccination", "vaccinations", "immunisation"),
    ("homeless", "homelessness", "temporary accommodation"),
)
"""Words people search by → the words the register uses (any word of a group finds the others)."""


def search_alternatives(word: str) -> tuple[str, ...]:
    """The texts a searched word matches: itself and its group in :data:`SEARCH_SYNONYMS`."""
    word = word.lower()
    return next((group for group in SEARCH_SYNONYMS if word in group), (word,))


FORECAST_STATUS = {"on_track": ("On track", "✔"), "at_risk": ("At risk", "⚠"), "off_track": ("Off track", "✖")}
"""Year-end forecast against the year's target, judged on the forecast's 50% band (FORECAST_RULE)."""
FORECAST_RULE = (
    "on track when the middle half of the likely outcomes (the 50% band) meets the target, off track when it "
    "misses it, at risk when the target lies inside it; forecasts on illustrative figures get no status. The "
    "intervals are widened by how far past forecasts of the council's real series missed"
)
FORECAST_REASON = {
    "not_in_year": "reported annually",
    "year_complete": "the year is complete",
    "no_data_this_year": "no figure yet this year",
    "gap_in_year": "a period of this year is missing",
    "history_too_short": "needs a complete earlier year of figures",
    "no_variation": "the figures do not vary, so no interval can be estimated",
}
FORECAST_METHOD = {
    "drift": "this year's mean so far, moved on by the yearly change of earlier years",
    "year_mean": "this year's mean so far",
    "latest": "the latest figure carried forward",
    "profile": "last year's in-year profile",
}
ACTION_STATUS = {
    "RED": ("Red", "✖", "At risk of not being completed"),
    "AMBER": ("Amber", "▲", "Being progressed but delayed"),
    "GREEN": ("Green", "▶", "Being progressed as planned"),
    "BLUE": ("Blue", "✔", "Complete"),
    "NEW": ("New", "✚", "New action identified in this update"),
    "no_update": ("Awaiting return", "?", "Awaiting the service's return for this quarter"),
}
"""Annual-action status in the council's own key (seed 000, lines 1–9) → (label, symbol, meaning)."""
ACTION_COLOURS = {
    "RED": "#b2182b",
    "AMBER": "#b35806",
    "GREEN": "#1b7837",
    "BLUE": "#2166ac",
    "NEW": "#5e3c99",
    "no_update": "#4d4d4d",
}
BUDGET = {
    "overspend": ("Adverse", "▲", "Forecast overspend"),
    "on_budget": ("On budget", "●", "Forecast outturn equals the budget"),
    "underspend": ("Favourable", "▼", "Forecast underspend"),
    "no_forecast": ("No forecast", "?", "No forecast outturn given"),
}
"""Budget position (:mod:`scorecard.evaluation.judgements.budget`) → (label, symbol, meaning): an overspend is
*adverse* in words, never colour alone."""
RISK_BAND = {"high": ("High", "●●●"), "medium": ("Medium", "●●○"), "low": ("Low", "●○○")}
"""Risk band (:mod:`scorecard.evaluation.judgements.risk`) → (label, symbol)."""
PUBLICATION_STATE = {"draft": "Draft", "released_to_members": "Released to members", "published": "Published"}
"""A quarter's publication state (:mod:`scorecard.governance.access`: ``DRAFT``, ``RELEASED``, ``PUBLISHED``)."""
ROLE = {
    "public": "Public view",
    "member": "Councillor (member)",
    "officer": "Council officer",
    "admin": "Administrator",
}
"""A role (:data:`scorecard.governance.access.ROLES`) as the sidebar names it."""
QA_RESULT = {"pass": "✔ Pass", "attention": "⚠ Needs attention", "n/a": "– Not applicable"}
"""A QA checklist result (:mod:`scorecard.governance.qa`) in words and a symbol."""
SCRUTINY_STATUS = {
    "open": "Open — awaiting the owner's response",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "in_progress": "In progress",
    "done": "Done",
}
"""A scrutiny recommendation's status (:mod:`scorecard.governance.recommendations`) in words."""
SCRUTINY_SUBJECT = {"measure": "Measure", "action": "Priority action", "theme": "Theme"}
DUTY = {
    "data_owner": "Data owner",
    "bi": "Business Intelligence",
    "assistant_director": "Assistant Director",
    "executive_director": "Executive Director",
    "audit": "Audit",
    "scrutiny": "Scrutiny member",
}
"""A framework duty (:mod:`scorecard.governance.access`) as the council names the post."""
TARGET_STATUS = {
    "approved": "Approved",
    "proposed": "Proposed — awaiting approval",
    "illustrative": "Illustrative — not a council target",
    "contextual": "No target — contextual indicators are never target-set",
    "none": "No target set",
}
TARGET_BASIS = {
    "fixed": "Fixed value",
    "cipfa_median": "CIPFA nearest-neighbour median",
    "england": "England value",
    "previous_year": "Same period last year",
}
TARGET_BASIS_NOTE = {
    "fixed": "",
    "cipfa_median": "neighbour median",
    "england": "England value",
    "previous_year": "same period last year",
}
"""The short note beside a target in a table cell (none for a fixed value)."""
INFO_TYPE = {
    "key_result": "Key result",
    "performance_indicator": "Performance indicator",
    "contextual": "Contextual indicator",
}
DATA_MATCH = {"exact": "Published data", "proxy": "Proxy (published data)", "none": "Council return"}
"""How a measure's figures are had (the register's ``source.match``)."""
STATUS = {
    "ok": "Published",
    "illustrative": "Illustrative",
    "suppressed": "Suppressed",
    "provisional": "Provisional",
    "revised": "Revised",
    "missing": "Missing",
    "awaiting": "Awaiting the service's return",
}
"""An observation's status (and a withheld one's) in words."""
STATUS_MARKS = {code: STATUS[code] for code in ("illustrative", "provisional", "suppressed", "revised")}
"""The statuses shown as a badge next to a figure ('ok' shows none)."""
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 (ONS, DfE, Ofsted, "
    "MHCLG/DLUHC, DEFRA, OHID, NHS England/NHS Digital, UKHSA). Local authority names/codes © mySociety, "
    "CC BY 4.0. Affordable housing extract © Open Innovations, CC BY 4.0 (from MHCLG data). Nearest-neighbour "
    "groupings: CIPFA Nearest Neighbours Model, as republished by Oflog (MHCLG)."
)
"""The attribution every page, pack and download carries."""
COMMENTARY_MARKS = {
    "illustrative": "Illustrative",
    "auto_drafted": "Auto-drafted",
    "updated_since_publication": "Updated since publication",
}
"""Badges beside commentary and action updates: made up for demonstration; the engine's technical
commentary saved unedited (never published as the service's narrative); edited after the quarter was
published (the public still sees the published text)."""
NO_COMMENTARY = "Red or amber without commentary"
NO_ACTION = "Awaiting the service's action"
NO_FORECAST_AT_RISK = "No measure with a year-end forecast is at risk of missing its target."
SIGNIFICANCE = {
    "better": "Better",
    "worse": "Worse",
    "similar": "Similar",
    "higher": "Higher",
    "lower": "Lower",
    "not_compared": "Not compared",
}
NOT_TESTED = {
    "count": "a raw count: councils differ in size, so it is not ranked or set against the group's median",
    "clustered": (
        "the units counted are clustered ({by}), so they are not independent and an interval treating them as "
        "independent would be too narrow: no significance test is made"
    ),
}
"""Why a figure is not compared with its group (:func:`scorecard.evaluation.judgements.benchmark.not_tested`)."""


def not_tested_text(row) -> str:
    """Why the figure is not tested against its group (empty where it can be)."""
    why = row.get("not_tested")
    return "" if _missing(why) or why not in NOT_TESTED else NOT_TESTED[why].format(by=row.get("clustered_by") or "")


def significance_text(row) -> str:
    """``Similar``, or ``Not compared: <why>`` where the benchmark gives a reason; for a count compared as a rate,
    the rate and the group's median rate (``Worse, as a rate per 1,000 households: 1.59 against 1.24``)."""
    label, why = SIGNIFICANCE.get(row.get("significance") or "", ""), not_tested_text(row)
    if why:
        return f"{label}: {why}"
    rate, median = row.get("compared_value"), row.get("compared_median")
    if _missing(row.get("compared_as")) or _missing(rate) or _missing(median):
        return label
    return f"{label}, as a rate {row['compared_as']}: {rate:,.2f} against {median:,.2f}"


QUARTILE = {1: "best quartile", 2: "second quartile", 3: "third quartile", 4: "worst quartile"}
UNIT_LABEL = {
    "percent": "%",
    "proportion": "proportion",
    "count": "count",
    "rate_per_1000": "per 1,000",
    "rate_per_10k": "per 10,000",
    "rate_per_100k": "per 100,000",
    "score": "score",
    "ratio": "ratio",
    "gbp": "£",
    "gbp_thousands": "£ thousands",
    "miles": "miles",
    "kwp": "kWp",
    "tco2e": "tCO2e",
    "tonnes": "tonnes",
}
"""A unit in words, for a column beside numeric values (spreadsheets, CSV)."""
UNIT_SUFFIX = {
    "percent": "%",
    "rate_per_1000": " per 1,000",
    "rate_per_10k": " per 10,000",
    "rate_per_100k": " per 100,000",
    "miles": " miles",
    "kwp": " kWp",
    "tco2e": " tCO2e",
    "tonnes": " tonnes",
}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def rag_text(code: str) -> str:
    """``✖ Red`` — the symbol and the word, for tables and exports."""
    label, symbol, _ = RAG.get(code, (code, "", ""))
    return f"{symbol} {label}".strip()


def direction_text(code: str | None) -> str:
    """``↑ Improving`` (empty when there is no direction, e.g. a withheld figure)."""
    if _missing(code) or not code:
        return ""
    label, symbol = DIRECTION.get(code, (code, ""))
    return f"{symbol} {label}".strip()


def trend_text(
    code: str | None, reason: str | None = None, period_kind: str | None = None, series_break: str | None = None
) -> str:
    """``Not tested (quarterly data — not tested)``: the trend and, where there is none, why."""
    text = TREND.get(code or "", code or "")
    if not _missing(reason) and reason in TREND_REASON:
        kind = PERIOD_KIND.get(period_kind or "", "sub-annual").capitalize()
        return f"{text} ({TREND_REASON[reason].format(kind=kind, series_break=series_break or 'the series')})"
    return text


def action_status_label(code: str | None) -> str:
    """``▶ Green``: the symbol and the council's word."""
    label, symbol, _ = ACTION_STATUS.get(code or "no_update", (code, "", ""))
    return f"{symbol} {label}".strip()


def action_status_text(code: str | None) -> str:
    """``▶ Green — being progressed as planned``: symbol, the council's word and its meaning."""
    meaning = ACTION_STATUS.get(code or "no_update", (code, "", "?"))[2]
    return f"{action_status_label(code)} — {meaning[0].lower()}{meaning[1:]}"


def budget_text(code: str) -> str:
    """``▲ Adverse — forecast overspend``: symbol, word and meaning."""
    label, symbol, meaning = BUDGET.get(code, (code, "", ""))
    return f"{symbol} {label} — {meaning[:1].lower()}{meaning[1:]}".strip(" —")


def money_text(value, signed: bool = False) -> str:
    """A £ million figure as the council's budget monitoring writes it: ``£121.738m``, ``-£0.530m``; ``signed``
    (a variance) also marks a positive figure: ``+£2.000m``."""
    if _missing(value):
        return "–"
    sign = "-" if round(value, 3) < 0 else ("+" if signed and round(value, 3) > 0 else "")
    return f"{sign}£{abs(value):,.3f}m"


def risk_text(band: str, score, likelihood, impact) -> str:
    """``●●● High risk (score 20: likelihood 4 × impact 5)``."""
    label, symbol = RISK_BAND.get(band, (band, ""))
    return f"{symbol} {label} risk (score {score:.0f}: likelihood {likelihood:.0f} × impact {impact:.0f})".strip()


def percent_text(value) -> str:
    """``45% complete``."""
    return "–" if _missing(value) else f"{value:.0f}% complete"


def exception_text(code: str) -> str:
    """The reason an exception is flagged, as written for people."""
    return EXCEPTION.get(code, (code, code))[0]


def exception_heading(code: str) -> str:
    """The Strategic Performance Group heading a reason falls under."""
    return EXCEPTION.get(code, (code, code))[1]


def format_value(value, unit: str, decimals: int = 1) -> str:
    """A figure as the council writes it: ``21.0%``, ``1,234``, ``£2,300k``, ``41.2 per 100,000``."""
    if _missing(value):
        return "–"
    decimals = int(decimals)
    if unit == "gbp":
        return f"£{value:,.{decimals}f}"
    if unit == "gbp_thousands":
        return f"£{value:,.{decimals}f}k"
    return f"{value:,.{decimals}f}{UNIT_SUFFIX.get(unit, '')}"


TITLE_UNITS = {"percent": ("percent", "proportion"), "rate": ("rate_per_1000", "rate_per_10k", "rate_per_100k")}
"""What a title promises ("Percentage of…", "…rate per 1,000…") → the units that keep the promise."""


def shown_as(title: str, unit: str) -> str:
    """``"a count"`` where a measure's title promises a percentage or a rate but its figure (a proxy's) is in
    another unit, so no page reads "Percentage … 0.40" or "rate per 1,000 = 21,753" unexplained; else ``""``."""
    text = title.lower()
    promised = "percent" if text.startswith("percentage") or "%" in text else "rate" if "rate per" in text else None
    if promised is None or unit in TITLE_UNITS[promised]:
        return ""
    word = UNIT_LABEL.get(unit, unit)
    return f"shown as a {word}" if word[:1].isalpha() else f"shown in {word}"


def marked_title(title: str, data_match: str | None, unit: str) -> str:
    """The title with "(proxy)" — and what the figure is shown as, when that is not what the title says."""
    if data_match != "proxy":
        return title
    unit_note = shown_as(title, unit)
    return f"{title} (proxy" + (f"; {unit_note})" if unit_note else ")")


def summary(row: dict) -> str:
    """One plain-English sentence, e.g. "Persistent absence was 21.0% in AY 2024/25, worse than the
    previous year and in the worst quartile of Sefton's 15 CIPFA nearest neighbours."."""
    title = marked_title(row["title"], row.get("data_match"), row["unit"])
    if _missing(row.get("value")):
        if row.get("rag") == "suppressed":
            return f"{title}: the latest figure ({row['period_label']}) is suppressed by the publisher."
        if row.get("rag") == "awaiting":
            return f"{title}: awaiting the service's return for {row['report_period']}."
        return f"{title}: no data for {row.get('area_name', 'this area')} up to {row['report_period']}."
    figure = format_value(row["value"], row["unit"], row["decimals"])
    when = "at" if row.get("period_kind") == "snapshot" else "in"
    label = row["period_label"]
    if row.get("period_kind") == "rolling_year":
        label = "the year ending " + label.removeprefix("YE ")
    parts = [f"{title} was {figure} {when} {label}"]
    if row.get("status") == "illustrative":
        parts[0] += " (illustrative figure)"
    phrases = {
        "improving": "better than {}",
        "worsening": "worse than {}",
        "no_change": "about the same as {}",
        "increasing": "higher than {}",
        "decreasing": "lower than {}",
    }
    if row.get("direction") in phrases:
        parts.append(phrases[row["direction"]].format(row["previous_period"]))
    if not _missing(row.get("direction_year_on_year")) and row["direction_year_on_year"] in phrases:
        parts.append(phrases[row["direction_year_on_year"]].format(f"a year earlier ({row['last_year_period']})"))
    if row.get("rag") in ("green", "amber", "red"):
        parts.append(
            {
                "green": "meeting its target",
                "amber": "just short of its target (within tolerance)",
                "red": "missing its target",
            }[row["rag"]]
        )
    quartile = row.get("quartile")
    if quartile is not None and not _missing(quartile) and row.get("group_size"):
        size, group = int(row.get("group_size") or 0), row.get("benchmark_group_name", "comparators")
        if row.get("benchmark_group") == "cipfa_nn":
            compared = f"{row.get('area_name', 'the council')} and its {size - 1} CIPFA nearest neighbours"
        else:
            compared = f"the {size} councils compared ({group})"
        rate = "" if _missing(row.get("compared_as")) else f" as a rate {row['compared_as']}"
        parts.append(f"in the {QUARTILE[int(quartile)]} of {compared}{rate}")
    sentence = parts[0]
    if len(parts) > 2:
        sentence += ", " + ", ".join(parts[1:-1]) + " and " + parts[-1]
    elif len(parts) == 2:
        sentence += ", " + parts[1]
    if row.get("rag") == "stale":
        sentence += "; this is the latest published figure, and it is out of date"
    elif row.get("rag") == "awaiting":
        sentence += "; its target is awaiting the service's return"
    elif not _missing(row.get("new_figure")) and not row["new_figure"]:  # absent from older snapshots
        sentence += "; no new figure this quarter"
    return sentence + "."


def _month(day) -> str:
    return day.strftime("%B %Y")


def release_text(row: dict) -> str:
    """When a measure's next figures are expected, from a row of the release calendar
    (:func:`scorecard.register.releases.calendar`): e.g. "Next figures expected around December 2026."."""
    if row["frequency"] == "discontinued":
        return f"No further figures are expected: {row['basis']}."
    if _missing(row.get("next_figures")):
        return f"No usual release month is recorded: {row['basis']}."
    if row["due"]:
        return (
            f"Figures after {row['latest_period']} were expected around {_month(row['next_figures'])} and are not "
            f"loaded yet: check the publisher and refresh the extract. The next usual release after that is "
            f"around {_month(row['next_release'])}."
        )
    return f"Next figures expected around {_month(row['next_figures'])}."


def release_short(frequency: str, expected) -> str:
    """The next expected release in a few words (``python -m scorecard sources``): ``Dec 2026``, ``due Dec 2025,
    not loaded; next Dec 2026``, ``none (discontinued)`` or ``no usual month (irregular)``."""
    if frequency == "discontinued":
        return "none (discontinued)"
    if frequency == "irregular":
        return "no usual month (irregular)"
    if expected.next_figures is None:
        return "no data held yet"
    if expected.due:
        return f"due {expected.next_figures:%b %Y}, not loaded; next {expected.next_release:%b %Y}"
    return f"{expected.next_figures:%b %Y}"


def release_varies(soonest) -> str:
    """A compilation's next release: each measure has its own; the soonest of them."""
    return "varies by measure" + (f"; soonest {soonest:%b %Y}" if soonest is not None else "")


def group_order(unit: str, polarity: str) -> str:
    """How a comparator group's members are listed: best first, highest first for no-judgement measures, by
    name for raw counts (not ranked: councils differ in size; see the benchmark judgement's ``rank``)."""
    if unit == "count":
        return "by name: a count is not ranked, councils differ in size"
    return "best first" if polarity != "no_judgement" else "highest first"
