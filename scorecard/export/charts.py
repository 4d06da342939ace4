"""Static trend charts for a pack: the council's values over time beside England, the comparator median and the target.

Drawn with matplotlib's Agg backend (no display, no streamlit) as PNG bytes, each with alt text that
reads out the plotted values, so the chart is never the only way to get the figures.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import matplotlib
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from scorecard.export.content import Row  # noqa: E402
from scorecard.present import views, wording  # noqa: E402
from scorecard.register import Context  # noqa: E402
from scorecard.store import frames, periods  # noqa: E402

MAX_POINTS = 12
"""At most this many of the latest periods are plotted."""
LINE = "#1f4e79"
TARGET = "#404040"
ENGLAND = "#808080"
MEDIAN = "#b35806"


@dataclass
class Chart:
    png: bytes
    alt_text: str
    width_in: float
    height_in: float


class Point(NamedTuple):
    """One plotted period: the council's value and status, England's value and the comparator group's median."""

    label: str
    value: float | None
    status: str
    england: float | None
    median: float | None


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def series(ctx: Context, row: Row, read: Callable[[str], pd.DataFrame] | None = None) -> list[Point]:
    """The last :data:`MAX_POINTS` periods of the measure's trend as the measure page shows it
    (:func:`scorecard.present.views.measure_series`: up to the reporting period as released by its report,
    against the measure's own comparator group) — or as ``read`` gives it (a published quarter's frozen
    trend) — oldest first; none for a measure not in the register."""
    report = periods.quarter_of(row.report_end).label if row.report_end else None
    try:
        frame = read(row.measure_id) if read else views.measure_series(ctx, row.measure_id, report)
    except KeyError:
        return []
    frame = frame.tail(MAX_POINTS)
    return [
        Point(
            r["period_label"], _number(r["value"]), r["status"], _number(r["england_value"]), _number(r["group_median"])
        )
        for r in frames.records(frame)
    ]


COMPARED = (
    ("england", "England", ENGLAND, ":", "dotted line"),
    ("median", "Comparator group median", MEDIAN, "-.", "dash-dot line"),
)
"""The comparison lines: point field, legend label, colour, line style (never colour alone) and its words."""


def alt_text(row: Row, points: list[Point], area_name: str) -> str:
    """A sentence describing the chart and every plotted value."""
    shown = [p for p in points if p.value is not None]
    values = "; ".join(f"{p.label}: {wording.format_value(p.value, row.unit, row.decimals)}" for p in shown)
    text = (
        f"Line chart of {row.display_title} for {area_name}, {shown[0].label} to {shown[-1].label}. Values: {values}."
    )
    for field, name, _colour, _style, drawn in COMPARED:
        compared = [p for p in points if getattr(p, field) is not None]
        if compared:
            text += (
                f" {name} ({drawn}), latest {compared[-1].label}: "
                + wording.format_value(getattr(compared[-1], field), row.unit, row.decimals)
                + "."
            )
    if row.target is not None:
        text += f" Target {row.target_cell} shown as a dashed line."
    else:
        text += " No target is set."
    if any(p.status == "illustrative" for p in points):
        text += " Figures are illustrative."
    text += f" Rating: {row.rag_text}; direction: {row.direction_text}."
    return text


def draw(
    ctx: Context,
    row: Row,
    area_name: str,
    width_in: float = 5.5,
    height_in: float = 2.4,
    read: Callable[[str], pd.DataFrame] | None = None,
) -> Chart | None:
    """The trend chart of one measure as PNG bytes, with its alt text (None when there is no value to plot): the
    council's line, England's and the comparator group's median where published, and the target; the value
    axis starts at zero for figures that cannot be negative, so a small change is not drawn as a large one; the
    legend sits below the plot, never over the data."""
    points = series(ctx, row, read)
    if not any(p.value is not None for p in points):
        return None
    labels = [p.label for p in points]
    xs = list(range(len(points)))
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=150)
    try:
        for field, label, colour, style, _ in COMPARED:
            line = [(x, getattr(p, field)) for x, p in zip(xs, points) if getattr(p, field) is not None]
            if line:
                ax.plot(
                    [x for x, _ in line],
                    [v for _, v in line],
                    color=colour,
                    linestyle=style,
                    linewidth=1.3,
                    label=label,
                    zorder=2,
                )
        present = [(x, p.value) for x, p in zip(xs, points) if p.value is not None]
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
        plotted = [v for _, v in present] + [
            getattr(p, f) for p in points for f, *_ in COMPARED if getattr(p, f) is not None
        ]
        if min(plotted + ([row.target] if row.target is not None else [])) >= 0:
            ax.set_ylim(bottom=0)
        ax.set_xticks(xs)
        step = max(1, (len(xs) + 5) // 6)
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
        ax.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=4)
        if any(p.status == "illustrative" for p in points):
            ax.set_title("Illustrative figures", fontsize=7, color="#6b6b6b", style="italic", loc="right")
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    finally:
        plt.close(fig)
    return Chart(buffer.getvalue(), alt_text(row, points, area_name), width_in, height_in)


def draw_exceptions(pack, progress, start: float, end: float) -> dict[str, Chart]:
    """A chart per exception measure the pack shows (:attr:`~scorecard.export.content.Pack.charted`) with any
    value to plot, keyed by measure id; progress runs from start to end."""
    rows = pack.charted
    charts = {}
    for i, row in enumerate(rows, start=1):
        chart = draw(pack.ctx, row, pack.area_name, read=pack.series)
        if chart is not None:
            charts[row.measure_id] = chart
        if i == len(rows) or i % 5 == 0:
            progress(start + (end - start) * i / len(rows), f"Charts drawn: {i} of {len(rows)}")
    return charts
