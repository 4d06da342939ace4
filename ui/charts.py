"""The Plotly charts the pages share, each with its text alternative (alt text); the figures behind each
chart are in the matching table of :mod:`scorecard.present.tables`. Shapes and patterns as well as colours,
so no chart relies on colour alone."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from scorecard.present import tables, wording
from scorecard.store import frames

AREA_COLOUR, OTHER_COLOUR, ENGLAND_COLOUR, MEDIAN_COLOUR, TARGET_COLOUR = (
    "#2166ac",
    "#bababa",
    "#4d4d4d",
    "#b35806",
    "#1b7837",
)
FONT = dict(family='"Source Sans", sans-serif', size=13, color="#111111")
"""The app's own font and text colour (Streamlit's and ``.streamlit/config.toml``'s), on Plotly's white template:
Streamlit's chart theme draws axis labels and legends in grey, 3.7:1 on white, below WCAG 2.2 AA's 4.5:1 for
text (1.4.3)."""
MOST_BARS = 60
"""Above this many councils a bar chart is unreadable: pages show the table only."""


def trend(series: pd.DataFrame, row: dict, title: str, unit: str, group: str) -> tuple[go.Figure, str]:
    """Sefton's series with its 95% interval, England, the comparator median and the target."""
    fig = go.Figure()
    x = series["period_label"].tolist()
    if series["lower_ci"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=series["upper_ci"],
                mode="lines",
                line=dict(width=0),
                showlegend=False,
                name="Upper 95% CI",
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=series["lower_ci"],
                mode="lines",
                line=dict(width=0),
                fill="tonexty",
                fillcolor="rgba(33,102,172,0.18)",
                name="Sefton 95% confidence interval",
            )
        )
    symbols = [
        "circle-open" if s == "illustrative" else "diamond" if s == "provisional" else "circle"
        for s in series["status"]
    ]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=series["value"],
            mode="lines+markers",
            name="Sefton",
            line=dict(color=AREA_COLOUR, width=3),
            marker=dict(size=9, symbol=symbols),
        )
    )
    if series["england_value"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=series["england_value"],
                mode="lines+markers",
                name="England",
                line=dict(color=ENGLAND_COLOUR, dash="dash"),
                marker=dict(symbol="square", size=6),
            )
        )
    if series["group_median"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=series["group_median"],
                mode="lines+markers",
                name=f"{tables.group_name(group)} median",
                line=dict(color=MEDIAN_COLOUR, dash="dot"),
                marker=dict(symbol="triangle-up", size=7),
            )
        )
    has_target = pd.notna(row.get("target"))
    if has_target:
        fig.add_trace(
            go.Scatter(
                x=[x[0], x[-1]],
                y=[row["target"], row["target"]],
                mode="lines",
                name=f"Target ({row['period_label']})",
                line=dict(color=TARGET_COLOUR, dash="longdash"),
            )
        )
    forecast = row.get("forecast_figure") == "year_end" and pd.notna(row.get("forecast_value"))
    if forecast:
        known = series.dropna(subset=["value"])
        fig.add_trace(
            go.Scatter(
                x=[known["period_label"].iloc[-1], row["forecast_label"]],
                y=[known["value"].iloc[-1], row["forecast_value"]],
                mode="lines+markers",
                name=f"Forecast, {row['forecast_year']} year-end (80% interval)",
                line=dict(color=AREA_COLOUR, dash="dot", width=2),
                marker=dict(symbol=["circle", "diamond-open"], size=[1, 11]),
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=[0, row["forecast_upper"] - row["forecast_value"]],
                    arrayminus=[0, row["forecast_value"] - row["forecast_lower"]],
                    thickness=2,
                    width=8,
                ),
            )
        )
    fig.update_layout(
        height=380,
        legend=dict(orientation="h", y=-0.2),
        xaxis=dict(type="category"),
        yaxis_title=wording.UNIT_SUFFIX.get(unit, unit).strip(),
        title=f"{title}: Sefton over time",
    )
    drawn = [
        name
        for name, shown in (
            ("England", series["england_value"].notna().any()),
            (f"the {tables.group_name(group)} median", series["group_median"].notna().any()),
        )
        if shown
    ]
    alt = (
        f"Line chart of {title} for Sefton from {x[0]} to {x[-1]}, latest {tables.value_text(row)} in "
        f"{row['period_label']}"
        + (f", with {' and '.join(drawn)} for comparison" if drawn else ", with no comparator figures")
        + (" and the target as a horizontal line" if has_target else "")
        + (". Open circles are illustrative figures." if (series["status"] == "illustrative").any() else ".")
        + (f" The dotted line leads to the forecast: {tables.forecast_text(row)}." if forecast else "")
    )
    return fig, alt


def group_bars(
    members: pd.DataFrame, title: str, unit: str, decimals: int, group: str, heading: str, england: float | None = None
) -> tuple[go.Figure, str]:
    """One measure across a comparator group, best first; Sefton's bar blue, hatched and labelled."""
    fig = go.Figure(
        go.Bar(
            y=[("► " + n + " (Sefton)") if a else n for n, a in zip(members["name"], members["is_area"])],
            x=members["value"],
            orientation="h",
            marker=dict(
                color=[AREA_COLOUR if a else OTHER_COLOUR for a in members["is_area"]],
                pattern=dict(shape=["/" if a else "" for a in members["is_area"]]),
            ),
            text=[wording.format_value(v, unit, decimals) for v in members["value"]],
            textposition="outside",
            cliponaxis=False,  # the longest bar's label is drawn in the right margin, not cut at the axis
            name=title,
        )
    )
    if england is not None and pd.notna(england):
        fig.add_vline(
            x=england,
            line_dash="dash",
            line_color=ENGLAND_COLOUR,
            annotation_text=f"England {wording.format_value(england, unit, decimals)}",
        )
    fig.update_layout(
        height=max(300, 26 * len(members)),
        yaxis=dict(autorange="reversed"),
        title=heading,
        showlegend=False,
        margin=dict(r=110),
    )
    sefton = members[members["is_area"]]
    position = (
        f"; Sefton is {tables.rank_text({'rank': sefton['position'].iloc[0], 'group_size': len(members)})}"
        if len(sefton) and pd.notna(sefton["position"].iloc[0])
        else ""
    )
    alt = (
        f"Bar chart of {title} for Sefton and {len(members) - 1} members of the {tables.group_name(group)} with a "
        f"figure ({heading}). Sefton's bar is blue, hatched and labelled{position} (1 = best)."
    )
    return fig, alt


QUARTILE_SYMBOLS = {1: "circle", 2: "diamond", 3: "square", 4: "x"}


def positions(spine: pd.DataFrame, group: str) -> tuple[go.Figure, str]:
    """Sefton's position in the group on each ranked measure, worst (left) to best (right)."""
    labels = [f"{t} ({p})" for t, p in zip(spine["title"], spine["period_label"])]
    records = frames.records(spine)
    fig = go.Figure()
    fig.add_vline(x=0.5, line_dash="dot", line_color=ENGLAND_COLOUR, annotation_text="Middle of the group")
    fig.add_trace(
        go.Scatter(
            x=spine["position"],
            y=labels,
            mode="markers",
            name="Sefton",
            marker=dict(
                size=12,
                color=AREA_COLOUR,
                symbol=[
                    QUARTILE_SYMBOLS.get(int(q), "circle-open") if pd.notna(q) else "circle-open"
                    for q in spine["quartile"]
                ],
            ),
            customdata=[f"rank {tables.rank_text(r)}, {tables.quartile_text(r.get('quartile'))}" for r in records],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(
        height=max(400, 24 * len(spine)),
        yaxis=dict(autorange="reversed"),
        showlegend=False,
        xaxis=dict(
            range=[-0.05, 1.05],
            tickvals=[0, 0.5, 1],
            ticktext=["Worst in group", "Middle", "Best in group"],
        ),
        title="Sefton's position on each measure",
        margin=dict(b=60, r=50),  # "Best in group" overhangs the plot's right edge: Plotly drops a label it cuts
    )
    alt = (
        f"Dot chart with one row per measure showing Sefton's rank within the {tables.group_name(group)}, from "
        "worst (left) to best (right). Marker shape shows the quartile: circle best, diamond second, square "
        "third, cross worst."
    )
    return fig, alt
