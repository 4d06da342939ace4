"""Display tables: the evaluated figures as people read them — words and symbols (never colour alone),
formatted values with their period, and the marks a figure needs (illustrative, proxy, suppressed…).

Pages and their chart alternatives show these tables and format nothing themselves; every word comes from
:mod:`scorecard.present.wording`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pandas as pd

from scorecard.present import commentary, wording
from scorecard.register import plan
from scorecard.store import frames
from scorecard.store.geography import GROUP_LABELS

GROUP_NAMES = {
    "combined_authority": "Liverpool City Region (combined authority)",
    "region": "North West (region)",
    "same_type": "Metropolitan districts",
    "england": "All English councils",
}


def group_name(group: str) -> str:
    """The comparator group as Sefton's users know it (``Liverpool City Region (combined authority)``)."""
    return GROUP_NAMES.get(group, GROUP_LABELS[group])


def measure_link(measure_id: str, period: str | None = None) -> str:
    """Relative link to a measure page, keeping the reporting quarter (for link columns and permalinks)."""
    return "/measure?" + urlencode({"measure": measure_id} | ({"period": period} if period else {}))


def _present(value) -> bool:
    return not (value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)))


def marks(row) -> list[str]:
    """Marks for a figure that needs care: illustrative, provisional, suppressed, revised, stale, proxy,
    revised since publication."""
    out = []
    if row.get("status") in wording.STATUS_MARKS:
        out.append(wording.STATUS_MARKS[row["status"]])
    if row.get("rag") == "stale":
        out.append("Stale")
    if row.get("data_match") == "proxy":
        out.append("Proxy")
        unit_note = wording.shown_as(str(row.get("title", "")), str(row.get("unit", "")))
        if unit_note:
            out.append(unit_note[:1].upper() + unit_note[1:])
    if row.get("revised_since_publication") in (True,):  # numpy or Python True; NaN / missing is not
        out.append("Revised since publication")
    return out


def value_text(row) -> str:
    """The row's figure in its unit (``21.0%``)."""
    return wording.format_value(row.get("value"), row.get("unit"), row.get("decimals", 1))


def rank_text(row) -> str:
    """``3 of 16`` (empty when not ranked)."""
    return f"{int(row['rank'])} of {int(row['group_size'])}" if _present(row.get("rank")) else ""


def trend_text(row) -> str:
    """The recent trend and, where there is none, why."""
    return wording.trend_text(
        row.get("trend"), row.get("trend_reason"), row.get("period_kind"), row.get("series_break")
    )


def direction_sentence(row) -> str:
    """The direction of travel as a sentence, saying why where there is none."""
    previous = row.get("previous_period") if _present(row.get("previous_period")) else None
    if row.get("direction") == "not_comparable":
        if previous and _present(row.get("series_break")):
            return f"Not comparable with the previous period ({previous}): series break in {row['series_break']}."
        return "No previous value to compare with."
    return f"**{wording.direction_text(row.get('direction'))}** since the previous period ({previous})."


def forecast_status_text(code) -> str:
    """``⚠ At risk`` (empty when there is no status)."""
    if not _present(code) or code not in wording.FORECAST_STATUS:
        return ""
    label, symbol = wording.FORECAST_STATUS[code]
    return f"{symbol} {label}"


def forecast_text(row) -> str:
    """The year-end forecast with its 80% interval and status, or why there is none (empty for measures
    reported annually)."""
    unit, decimals = row.get("unit"), row.get("decimals", 1)
    if not _present(row.get("forecast_value")):
        reason = row.get("forecast_reason")
        if not _present(reason) or reason == "not_in_year":
            return ""
        return f"No forecast: {wording.FORECAST_REASON.get(reason, reason)}"
    what = "year total" if row.get("forecast_figure") == "total" else "year-end"
    text = (
        f"{row['forecast_year']} {what}: {wording.format_value(row['forecast_value'], unit, decimals)} "
        f"(80% interval {wording.format_value(row['forecast_lower'], unit, decimals)} to "
        f"{wording.format_value(row['forecast_upper'], unit, decimals)})"
    )
    status = forecast_status_text(row.get("forecast_status"))
    return text + (f" · {status} against {wording.format_value(row['target'], unit, decimals)}" if status else "")


def scorecard(card: pd.DataFrame, period: str | None = None, spark: dict | None = None) -> pd.DataFrame:
    """The scorecard table: one row per measure with its figure, target, RAG, direction, trend and rank."""
    rows = []
    for r in frames.records(card):
        quartile: Any = r.get("quartile")
        row = {
            "Measure": r["title"],
            "Open": measure_link(r["measure_id"], period),
            "Value": value_text(r),
            "Data notes": ", ".join(marks(r)),
            "Period": r["period_label"] if _present(r.get("period_label")) else "",
            "Target": wording.format_value(r.get("target"), r["unit"], r["decimals"]),
            "RAG": wording.rag_text(r["rag"]),
            "Direction": wording.direction_text(r["direction"]),
            "Trend (last 5 points)": trend_text(r),
            "Year-end forecast": forecast_text(r),
            "Rank": rank_text(r),
            "Quartile": wording.QUARTILE[int(quartile)].capitalize() if _present(quartile) else "",
            "Type": wording.INFO_TYPE[r["info_type"]],
            "Compared with": r["benchmark_group_name"],
            "Owner": r["metric_responsibility"],
        }
        if "narrative" in r:  # with the quarter's commentary (scorecard.present.commentary.attach), after Direction
            at = list(row).index("Direction") + 1
            row = dict([*list(row.items())[:at], ("Commentary", commentary_cell(r)), *list(row.items())[at:]])
        if spark is not None:
            row["Recent values"] = spark.get(r["measure_id"], [])
        rows.append(row)
    return pd.DataFrame(rows)


def _numbers(records: list[dict], column: str, dtype: str) -> pd.api.extensions.ExtensionArray:
    """A column of numbers that may be missing, as a nullable array (written as numbers, blank when missing)."""
    return pd.array([r.get(column) if _present(r.get(column)) else None for r in records], dtype=dtype)


def scorecard_csv(card: pd.DataFrame, period: str | None, base_url: str) -> pd.DataFrame:
    """The scorecard as a citable download: numbers as numbers with the unit in its own column, statuses in
    words, and each measure's absolute address (``base_url`` + :func:`measure_link`) so a committee paper can
    cite it."""
    records = frames.records(card)
    return pd.DataFrame(
        {
            "Measure": [r["title"] for r in records],
            "Period": [r["period_label"] if _present(r.get("period_label")) else "" for r in records],
            "Value": _numbers(records, "value", "Float64"),
            "Unit": [wording.UNIT_LABEL.get(r["unit"], r["unit"]) for r in records],
            "Data notes": [", ".join(marks(r)) for r in records],
            "Target": _numbers(records, "target", "Float64"),
            "RAG": [wording.RAG.get(r["rag"], (r["rag"],))[0] for r in records],
            "Direction": [wording.DIRECTION.get(r["direction"], (r["direction"],))[0] for r in records],
            "Rank": _numbers(records, "rank", "Int64"),
            "Group size": _numbers(records, "group_size", "Int64"),
            "Compared with": [r.get("benchmark_group_name") or "" for r in records],
            "Owner": [r["metric_responsibility"] for r in records],
            "Link": [base_url.rstrip("/") + measure_link(r["measure_id"], period) for r in records],
        }
    )


COMMENTARY_CELL = 160
"""Characters of the narrative shown in a table cell (the measure page has the whole text)."""


def commentary_cell(r) -> str:
    """The service's narrative, shortened, with its badges; or the red-or-amber-without-commentary flag."""
    text = "" if r.get("commentary_auto_drafted") else " ".join(str(r.get("narrative") or "").split())
    if not text:
        return f"⚠ {wording.NO_COMMENTARY}" if r.get("without_commentary") else ""
    short = text if len(text) <= COMMENTARY_CELL else text[: COMMENTARY_CELL - 1] + "…"
    marks = commentary.marks(r)
    return short + (f" [{', '.join(marks)}]" if marks else "")


def _formatted(values, unit: str, decimals: int) -> list[str]:
    return [wording.format_value(v, unit, decimals) for v in values]


def trend(series: pd.DataFrame, unit: str, decimals: int, group: str, area_name: str = "Sefton") -> pd.DataFrame:
    """A measure's time series (:func:`scorecard.present.views.measure_series`) as the trend chart's table."""
    return pd.DataFrame(
        {
            "Period": series["period_label"],
            area_name: _formatted(series["value"], unit, decimals),
            f"{area_name} status": series["status"],
            "Lower 95% CI": _formatted(series["lower_ci"], unit, decimals),
            "Upper 95% CI": _formatted(series["upper_ci"], unit, decimals),
            "England": _formatted(series["england_value"], unit, decimals),
            f"{group_name(group)} median": _formatted(series["group_median"], unit, decimals),
        }
    )


def compared(measure, members: pd.DataFrame) -> tuple[str, int, str]:
    """The unit, decimals and "per …" a comparator group's figures are in: the rate's where ``members`` holds a
    count's rates (:meth:`~scorecard.register.definitions.Measure.compared`), else the measure's own — as in a
    members part frozen before counts were compared as rates."""
    rated = "compared_as" in members and members["compared_as"].notna().any()
    return measure.compared if rated else (measure.unit, measure.decimals, "")


def members(frame: pd.DataFrame, unit: str, decimals: int) -> pd.DataFrame:
    """A comparator group's figures at one period (:func:`scorecard.present.views.group_values`), best first."""
    return pd.DataFrame(
        {
            "Position": frame["position"],
            "Council": frame["name"],
            "Value": _formatted(frame["value"], unit, decimals),
            "Status": frame["status"],
            "Sefton": ["Yes" if is_area else "" for is_area in frame["is_area"]],
        }
    )


def positions(spine: pd.DataFrame) -> pd.DataFrame:
    """Where the council ranks on each measure (:func:`scorecard.present.views.spine`)."""
    records = frames.records(spine)
    return pd.DataFrame(
        {
            "Measure": spine["title"],
            "Period": spine["period_label"],
            "Sefton": [value_text(r) for r in records],
            "Rank": [rank_text(r) for r in records],
            "Quartile": [quartile_text(r.get("quartile")) for r in records],
            "Group median (Sefton excluded)": _formatted_rows(records, "benchmark_median"),
            "Compared with median": [wording.significance_text(r) for r in records],
            "Data notes": [", ".join(marks(r)) for r in records],
        }
    )


def quartile_text(quartile) -> str:
    """``best quartile`` … ``worst quartile``, or why there is none."""
    return wording.QUARTILE[int(quartile)] if _present(quartile) else "group too small for quartiles"


def _formatted_rows(records: list[dict], column: str) -> list[str]:
    return [wording.format_value(r.get(column), r["unit"], r["decimals"]) for r in records]


def post_text(duty: str, reg) -> str:
    """A framework duty as the post that holds it: ``assistant_director:adult_social_care_health`` → "Assistant
    Director, Adult Social Care and Health" ("" for none)."""
    name, _, directorate = str(duty or "").partition(":")
    known = {d.id: d.title for d in reg.directorates}
    return ", ".join(x for x in (wording.DUTY.get(name, name), known.get(directorate, directorate)) if x)


def recommendations(held: pd.DataFrame, reg) -> pd.DataFrame:
    """Overview and Scrutiny's recommendations as members read them: what each is about by the register's name,
    the status in words and who answered by post (never a person's name or address)."""
    named = {kind: plan.titles(reg, kind) for kind in wording.SCRUTINY_SUBJECT}
    return pd.DataFrame(
        {
            "Ref": held["rec_id"],
            "Quarter": held["period"],
            "About": [
                f"{wording.SCRUTINY_SUBJECT[k]}: {named[k].get(i, i)}"  # one the register no longer holds: its id
                for k, i in zip(held["subject_kind"], held["subject_id"])
            ],
            "Type": held["kind"].str.capitalize(),
            "Recommendation or question": held["text"],
            "Status": held["status"].map(wording.SCRUTINY_STATUS),
            "Response": held["response"],
            "Answered by": [post_text(d, reg) for d in held["responded_duty"]],
            "Answered on": pd.to_datetime(held["responded_at"].replace("", None), utc=True, errors="coerce")
            .dt.strftime("%-d %B %Y")
            .fillna(""),
        }
    )


def exceptions(found: pd.DataFrame) -> pd.DataFrame:
    """Exceptions (:func:`scorecard.present.views.exceptions`) as a table for download."""
    records = frames.records(found)
    return pd.DataFrame(
        {
            "category": found["category"],
            "reason": found["reason"],
            "title": found["title"],
            "value": [value_text(r) for r in records],
            "period_label": found["period_label"],
            "status": found["status"],
            "rag": found["rag"].map(wording.rag_text),
            "direction": found["direction"].map(wording.direction_text),
            "metric_responsibility": found["metric_responsibility"],
            "themes": found["themes"],
            "measure_id": found["measure_id"],
        }
    )


FIGURE_COLUMNS = {
    "period_label": "Period",
    "period_kind": "Kind of period",
    "value": "Sefton",
    "status": "Status",
    "lower_ci": "Lower 95% CI",
    "upper_ci": "Upper 95% CI",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "source_id": "Source",
    "batch_id": "Load batch",
    "england_value": "England",
    "england_status": "England status",
    "group_median": "Comparator median",
    "group_count": "Comparators with data",
    "group": "Comparator group",
    "measure_id": "Measure id",
    "area": "Area",
    "note": "Note (from the return)",
}
"""Readable headings for the measure page's table of every figure (the CSV keeps the field names)."""


def definition_lines(m, reg, batch_id=None) -> list[str]:
    """The measure's definition, source, polarity, owners, target basis and lineage, one markdown line each."""
    dataset = reg.dataset(m.source.dataset) if m.source.dataset else None
    returned = "illustrative demonstration figures" if m.source.returns == "illustrative" else "council data"
    polarity = wording.POLARITY[m.polarity]
    if m.framework_polarity != m.polarity:
        polarity += f" (the framework's scorecard says: {wording.POLARITY[m.framework_polarity].lower()})"
    lines = [
        f"**Definition:** {m.definition}",
        f"**What good looks like:** {m.what_good_looks_like}",
        "**Source:** "
        + (
            f"{dataset.title} — {dataset.publisher} ({dataset.licence})"
            if dataset
            else f"Council quarterly return ({returned})"
        ),
        f"**Data match:** {wording.DATA_MATCH[m.source.match]}"
        + (f" — measures {m.source.proxy_for}" if m.source.match == "proxy" else ""),
        f"**Frequency:** {m.frequency.replace('_', ' ')} · **Polarity:** {polarity}",
        f"**Owner (metric responsibility):** {m.metric_responsibility}",
        f"**Theme responsibility:** {m.theme_responsibility}",
        "**How the target was set:** " + target_text(m),
    ]
    if m.breaks:
        lines.append(
            f"**Series breaks:** not comparable across {', '.join(m.breaks)} (no trend or direction across them)"
        )
    if dataset and dataset.repository:
        lines.append(
            f"**Lineage:** {dataset.repository}"
            + (f" @ {dataset.commit[:12]}" if dataset.commit else "")
            + (f" · batch {batch_id}" if _present(batch_id) else "")
        )
    return lines


def target_text(m) -> str:
    """How the measure's target is set, with its rationale (or why there is none)."""
    target = m.target
    if target is None:
        return "No target is set" + (
            " — contextual indicators are never target-set." if m.info_type == "contextual" else "."
        )
    value = f" {wording.format_value(target.value, m.unit, m.decimals)}" if target.value is not None else ""
    return (
        f"{target.basis.replace('_', ' ')}{value}, tolerance {target.tolerance:g}. {target.rationale} "
        f"Set by {target.set_by}." + (" *The target is illustrative.*" if target.illustrative else "")
    )
