"""Commentary on a measure: the auto-drafted technical commentary, the service's commentary beside each
scorecard row, and the flag for a red or amber measure without commentary.

The auto-draft is the Business Intelligence team's "technical commentary on suitable indicators and
interpretation of trends" (framework, seed 001 ~1847), written from the judgements' codes — what changed and
whether the change counts, the statistical trend, the target gap, the position against neighbours and
England — with every word from :mod:`scorecard.present.wording`; it never re-judges. An officer edits it into
the service's narrative; text saved unedited stays "auto-drafted" and is never published as the narrative.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scorecard import register
from scorecard.evaluation import evaluate
from scorecard.evaluation.judgements import direction, exceptions, polarity, rag
from scorecard.present import wording

ATTACHED = {
    "narrative": "narrative",
    "corrective_action": "corrective_action",
    "action_owner": "action_owner",
    "due_date": "due_date",
    "author": "author",
    "written_at": "written_at",
    "commentary_version": "version",
    "commentary_auto_drafted": "auto_drafted",
    "commentary_illustrative": "illustrative",
    "commentary_updated_since_publication": "updated_since_publication",
    "published_narrative": "published_narrative",
}
"""Columns :func:`attach` adds to a scorecard (besides ``without_commentary``) ← the commentary's fields."""
FLAGS = ("commentary_auto_drafted", "commentary_illustrative", "commentary_updated_since_publication")


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _amount(size: float, unit: str, decimals: int) -> str:
    """A difference in the measure's unit: ``3.2 percentage points``, ``£120k``, ``4.1 per 1,000``."""
    if unit == "percent":
        return f"{size:,.{int(decimals)}f} percentage points"
    return wording.format_value(size, unit, decimals)


def _change_text(change: float, unit: str, decimals: int) -> str:
    """``+3.2 percentage points``, ``−£120k``: a signed difference."""
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    return sign + _amount(abs(change), unit, decimals)


def _moved(value: float, reference: float) -> str:
    return "up from" if value > reference else "down from" if value < reference else "the same as"


def auto_draft(row: dict) -> str:
    """A plain-text technical commentary on one evaluated scorecard row (see the module docstring)."""
    unit, decimals = row["unit"], int(row["decimals"])

    def figure(value) -> str:
        return wording.format_value(value, unit, decimals)

    area = row.get("area_name") or "the council"
    if _missing(row.get("value")):
        return f"{row['title']}: {wording.RAG[row['rag']][2]} up to {row['report_period']}, so nothing to interpret."
    value = float(row["value"])
    sentences = []
    first = f"{row['title']}: {figure(value)} in {row['period_label']}"
    previous = row.get("previous_value")
    code = row.get("direction")
    if not _missing(previous) and code != "not_comparable":
        previous = float(row["previous_value"])
        band = float(direction.neutral_band([previous], [row.get("neutral_band")])[0])
        first += (
            f", {_moved(value, previous)} {figure(previous)} in {row['previous_period']} "
            f"({_change_text(value - previous, unit, decimals)}; the measure's no-change band is ±"
            f"{_amount(band, unit, decimals)}): {wording.DIRECTION[row['direction']][0].lower()}"
        )
    elif code == "not_comparable":
        first += " — no earlier comparable value (a first figure, or a break in the series)"
    sentences.append(first + ".")
    year_code = row.get("direction_year_on_year")
    if not _missing(year_code) and not _missing(row.get("last_year_value")):
        sentences.append(
            f"A year earlier ({row['last_year_period']}) it was {figure(row['last_year_value'])}: "
            f"{wording.DIRECTION[row['direction_year_on_year']][0].lower()}."
        )
    trend = wording.trend_text(
        row.get("trend"), row.get("trend_reason"), row.get("period_kind"), row.get("series_break")
    )
    method = wording.TREND_METHOD.get(row.get("trend_method") or "")
    sentences.append(f"Recent trend (last five points): {trend}" + (f", by the {method} at 99.8%." if method else "."))
    if not _missing(row.get("target")):
        good = int(polarity.good_sign([row["polarity"]])[0])
        gap = float(rag.margin([value], [row["target"]], [good])[0])
        basis = wording.TARGET_BASIS.get(row.get("target_basis") or "", "")
        side = "better than" if gap > 0 else "worse than"
        sentences.append(
            f"Against the target of {figure(row['target'])} ({basis.lower()}, tolerance "
            f"{_amount(row.get('target_tolerance') or 0, unit, decimals)}): "
            + (f"{_amount(abs(gap), unit, decimals)} {side} the target" if gap else "exactly on target")
            + f" — {wording.rag_text(row['rag'])} ({wording.RAG[row['rag']][2].lower()})."
        )
    elif row.get("rag") in ("not_rated", "no_target"):
        sentences.append(f"{wording.RAG[row['rag']][2]}.")
    if not _missing(row.get("rank")) and not _missing(row.get("group_size")):
        quartile = row.get("quartile")
        where = f" ({wording.QUARTILE[int(row['quartile'])]})" if not _missing(quartile) else ""
        among = f"Rank {int(row['rank'])} of {int(row['group_size'])}{where} among {area} and the "
        among += f"{row.get('benchmark_group_name') or 'comparator group'}"
        if _missing(row.get("compared_as")):
            among += f"; the group's median ({area} excluded) {figure(row['benchmark_median'])}, range "
            among += f"{figure(row['benchmark_min'])} to {figure(row['benchmark_max'])}."
        else:  # a count compared as a rate: the group's statistics are of the rate
            among += f", as a rate {row['compared_as']}: {area} {row['compared_value']:,.2f}, the group's median "
            among += f"({area} excluded) {row['compared_median']:,.2f}."
        sentences.append(among)
    significance = row.get("significance")
    if significance in ("better", "worse", "higher", "lower"):
        sentences.append(
            f"Significantly {wording.SIGNIFICANCE[significance].lower()} than the group median "
            f"(the median lies outside {area}'s 95% confidence interval)."
        )
    elif significance == "similar":
        sentences.append(f"Similar to the group median (it lies inside {area}'s 95% confidence interval).")
    elif row.get("not_tested") == "clustered":
        sentences.append(f"Not tested against the group: {wording.not_tested_text(row)}.")
    if not _missing(row.get("england_value")):
        sentences.append(f"England: {figure(row['england_value'])}.")
    worse = row.get("deterioration")
    if not _missing(worse):
        size = _amount(row.get("materiality_size") or 0, unit, decimals)
        when = "" if _missing(row.get("new_figure")) or row["new_figure"] else " (reported when first shown)"
        sentences.append(
            f"Materially worse{when}: "
            + wording.DETERIORATION[str(worse)].format(size=size, run=row.get("worse_run"))
            + "."
        )
    reasons = list(row.get("exception_reasons") or [])
    if reasons:
        sentences.append("An exception: " + "; ".join(wording.exception_text(c) for c in reasons) + ".")
    if row.get("status") == "illustrative":
        sentences.append("The figure is illustrative — made up for demonstration, not a council figure.")
    return " ".join(sentences)


def has_commentary(narratives, auto_drafted) -> np.ndarray:
    """True where a person has written commentary for the quarter (not empty, not the auto-draft saved
    unedited)."""
    text = pd.Series(narratives, dtype=object).fillna("").astype(str).str.strip().to_numpy()
    auto = pd.Series(auto_drafted, dtype=object).fillna(False).astype(bool).to_numpy()
    return (text != "") & ~auto


def attach(card: pd.DataFrame, commentary: pd.DataFrame, reg: register.Register) -> pd.DataFrame:
    """The scorecard with each measure's current commentary for its reporting quarter (``ATTACHED``), its
    exceptions re-judged now that commentary is known (the policy's ``no_commentary`` rule, with the previous
    quarter's RAG the card carries for persistent red) and ``without_commentary``: red or amber with no
    commentary written by a person (:func:`scorecard.evaluation.judgements.exceptions.without_commentary`).
    ``commentary`` is one row per measure of that quarter (see :mod:`scorecard.governance.conversation`)."""
    out = card.drop(columns=[c for c in [*ATTACHED, "without_commentary"] if c in card])
    by_measure = commentary.set_index("measure_id") if len(commentary) else pd.DataFrame()
    for column, field in ATTACHED.items():
        values = out["measure_id"].map(by_measure[field]) if field in by_measure else pd.Series(None, index=out.index)
        blank = False if column in FLAGS else ""
        out[column] = values.astype(object).where(values.notna(), blank)
        if column in FLAGS:
            out[column] = out[column].astype(bool)
    written = has_commentary(out["narrative"], out["commentary_auto_drafted"])
    out["without_commentary"] = exceptions.without_commentary(out["rag"], written)
    if "deteriorated" in out:  # an evaluated card (snapshots frozen before the policy carry only their reasons)
        previous = out["previous_rag"] if "previous_rag" in out else None
        new = out["new_figure"] if "new_figure" in out else None
        out[evaluate.EXCEPTION_COLUMNS] = evaluate.exceptions_of(out, reg, previous, written, new)
    return out


ILLUSTRATIVE_AUTHOR = "Made up for demonstration: not written by a council officer"


def marks(row) -> list[str]:
    """Badges for a piece of commentary or an action update: illustrative, auto-drafted, updated since
    publication (words from :data:`scorecard.present.wording.COMMENTARY_MARKS`)."""
    flags = {
        "illustrative": row.get("illustrative", row.get("commentary_illustrative")),
        "auto_drafted": row.get("auto_drafted", row.get("commentary_auto_drafted")),
        "updated_since_publication": row.get(
            "updated_since_publication", row.get("commentary_updated_since_publication")
        ),
    }
    return [wording.COMMENTARY_MARKS[k] for k, on in flags.items() if on is True or on is np.True_]


def owner_line(row) -> str:
    """``Corrective action owner: Service Manager · due 2026-06-30`` (empty when neither is given)."""
    parts = []
    if row.get("action_owner"):
        parts.append(f"Owner: {row['action_owner']}")
    if row.get("due_date"):
        parts.append(f"due {row['due_date']}")
    return " · ".join(parts)


def written_line(row) -> str:
    """``Written by Head of Service on 2026-04-12 (version 2)``; for made-up demo content, that no officer wrote
    it (its author field names no person: #23 found "Written by Illustrative demo content" on pages)."""
    if not row.get("author"):
        return ""
    if wording.COMMENTARY_MARKS["illustrative"] in marks(row):
        return ILLUSTRATIVE_AUTHOR
    when = str(row.get("written_at") or "")[:10]
    version = row.get("commentary_version", row.get("version"))
    text = f"Written by {row['author']}" + (f" on {when}" if when else "")
    return text + (f" (version {int(version)})" if not _missing(version) and version else "")
