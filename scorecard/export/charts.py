"""Static trend charts for the exceptions in a pack: the council's values over time and the target line.

Drawn with matplotlib's Agg backend (no display, no streamlit) as PNG bytes, each with alt text that
reads out the plotted values, so the chart is never the only way to get the figures.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from scorecard.evaluation import evaluate  # noqa: E402
from scorecard.export.content import Row  # noqa: E402
from scorecard.present import wording  # noqa: E402
from scorecard.store import db, periods

MAX_POINTS = 12
"""At most this many of the latest periods are plotted."""
LINE = "#1f4e79"
TARGET = "#404040"


@dataclass
class Chart:
    png: bytes
    alt_text: str
    width_in: float
    height_in: float


def series(row: Row, area: str, data_dir: str | Path | None = None) -> list[tuple[str, float | None, str]]:
    """(period label, value, status) of the area's observations up to the reporting period as released by its
    report (:func:`scorecard.evaluation.evaluate.shown_through`), oldest first."""
    con = db.connect(data_dir)
    through = None
    if row.report_end:
        shown = evaluate.shown_through(area, periods.quarter_of(row.report_end).label, data_dir)
        through = shown.get(row.measure_id, pd.Timestamp(row.report_end))
    sql = (
        "SELECT period_label, value, status FROM observations WHERE measure_id = ? AND area_code = ? "
        + ("AND period_end <= ? " if through is not None else "")
        + "ORDER BY period_end DESC, period_start DESC LIMIT ?"
    )
    params = [row.measure_id, area] + ([through] if through is not None else []) + [MAX_POINTS]
    points = con.execute(sql, params).fetchall()
    return [(label, None if value is None else float(value), status) for label, value, status in reversed(points)]


def alt_text(row: Row, points: list[tuple[str, float | None, str]], area_name: str) -> str:
    """A sentence describing the chart and every plotted value."""
    shown = [(p, v) for p, v, _ in points if v is not None]
    values = "; ".join(f"{p}: {wording.format_value(v, row.unit, row.decimals)}" for p, v in shown)
    text = f"Line chart of {row.display_title} for {area_name}, {shown[0][0]} to {shown[-1][0]}. Values: {values}."
    if row.target is not None:
        text += f" Target {row.target_cell} shown as a dashed line."
    else:
        text += " No target is set."
    if any(s == "illustrative" for _, _, s in points):
        text += " Figures are illustrative."
    text += f" Rating: {row.rag_text}; direction: {row.direction_text}."
    return text


def draw(
    row: Row,
    area: str,
    area_name: str,
    data_dir: str | Path | None = None,
    width_in: float = 5.5,
    height_in: float = 2.0,
) -> Chart | None:
    """The trend chart of one measure as PNG bytes, with its alt text (None when there is no value to plot)."""
    points = series(row, area, data_dir)
    if not any(v is not None for _, v, _ in points):
        return None
    labels = [p for p, _, _ in points]
    xs = list(range(len(points)))
    values = [v for _, v, _ in points]
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=150)
    try:
        present = [(x, v) for x, v in zip(xs, values) if v is not None]
        if present:
            ax.plot(
                [x for x, _ in present],
                [v for _, v in present],
                color=LINE,
                marker="o",
                linewidth=2,
                markersize=4,
                label=area_name,
                zorder=3,
            )
            last_x, last_v = present[-1]
            ax.annotate(
                wording.format_value(last_v, row.unit, row.decimals),
                (last_x, last_v),
                textcoords="offset points",
                xytext=(0, 8),
                ha="center",
                fontsize=8,
                color=LINE,
                fontweight="bold",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
                zorder=4,
            )
        if row.target is not None:
            ax.axhline(
                row.target,
                color=TARGET,
                linestyle="--",
                linewidth=1.2,
                label=f"Target {wording.format_value(row.target, row.unit, row.decimals)}",
                zorder=2,
            )
        ax.set_xticks(xs)
        step = max(1, (len(xs) + 7) // 8)
        last = len(xs) - 1
        ax.set_xticklabels(
            [lab if (last - i) % step == 0 else "" for i, lab in enumerate(labels)], fontsize=7, rotation=0
        )
        ax.set_xlim(-0.6, last + 0.6)
        ax.tick_params(axis="y", labelsize=7)
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _pos: wording.format_value(v, row.unit, max(0, min(row.decimals, 1))))
        )
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.legend(fontsize=7, frameon=False, loc="best")
        if any(s == "illustrative" for _, _, s in points):
            ax.text(
                1.0,
                -0.22,
                "Illustrative figures",
                transform=ax.transAxes,
                ha="right",
                fontsize=7,
                color="#6b6b6b",
                style="italic",
            )
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    finally:
        plt.close(fig)
    return Chart(buffer.getvalue(), alt_text(row, points, area_name), width_in, height_in)


def draw_exceptions(pack, progress, start: float, end: float) -> dict[str, Chart]:
    """A chart per exception measure with any value to plot, keyed by measure id; progress runs from start to end."""
    rows = []
    seen = set()
    for _theme, row in pack.exceptions:
        if row.measure_id not in seen:
            seen.add(row.measure_id)
            rows.append(row)
    charts = {}
    for i, row in enumerate(rows, start=1):
        chart = draw(row, pack.area_code, pack.area_name, pack.data_dir)
        if chart is not None:
            charts[row.measure_id] = chart
        if i == len(rows) or i % 5 == 0:
            progress(start + (end - start) * i / len(rows), f"Charts drawn: {i} of {len(rows)}")
    return charts
