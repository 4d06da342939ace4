"""Measure page: trend with target, confidence band, England and comparator median; benchmark against the
group's members; full definition and lineage; every figure shown, downloadable."""

from ui.shell import ensure_shell

ensure_shell()

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from scorecard.present import wording
from scorecard.store.geography import GROUP_LABELS
from ui import components, data, state

reg = data.reg()
period = state.current_period()
ids = [m.id for m in reg.measures]
left, right = st.columns([3, 2])
measure_id = state.url_select(
    "measure", "Measure", ids, format_func=lambda i: reg.measure(i).title, container=left, kind="measure"
)
m = reg.measure(measure_id)
group = state.url_select(
    "group",
    "Compare with",
    list(GROUP_LABELS),
    default=m.benchmark_group,
    format_func=components.group_name,
    container=right,
    kind="comparator group",
)
card = data.card(state.AREA, period, group)
row = card.set_index("measure_id").loc[measure_id].to_dict() | {"measure_id": measure_id}

st.title(m.title)
themes = " · ".join(reg.theme(t).title for t in m.themes)
badge = components.marks_markdown(row)
st.markdown(f"{themes} · {components.INFO_TYPES[m.info_type]} · reporting quarter {period} {badge}")
if m.source.match == "proxy":
    st.warning(
        f"**Proxy measure.** No published figure matches this measure exactly, so it is shown using "
        f"published data on **{m.source.proxy_for}**.",
        icon="🔁",
    )
if row["status"] == "illustrative":
    st.warning(
        "**Illustrative figures.** This measure comes from council systems; the figures shown are "
        "made-up demonstration values until the service sends its quarterly return.",
        icon="⚠️",
    )
st.markdown(f"**{row['summary']}**")

cols = st.columns(4)
cols[0].metric(
    f"Sefton, {row['period_label'] if pd.notna(row['period_label']) else 'no data'}", components.value_text(row)
)
cols[1].metric("Target", "–" if pd.isna(row["target"]) else wording.format_value(row["target"], m.unit, m.decimals))
cols[2].metric(
    "England", "–" if pd.isna(row["england_value"]) else wording.format_value(row["england_value"], m.unit, m.decimals)
)
rank = "–" if pd.isna(row["rank"]) else f"{int(row['rank'])} of {int(row['group_size'])}"
cols[3].metric("Rank (1 = best)", rank, help=f"Among Sefton and the {components.group_name(group)}")
st.markdown(
    f"{components.rag_badge(row['rag'])} {wording.RAG[row['rag']][2]}. "
    f"**{wording.direction_text(row['direction']) or 'No previous value'}** since the previous period"
    + (f" ({row['previous_period']}). " if pd.notna(row.get('previous_period')) else ". ")
    + f"Recent trend: {wording.TREND.get(row['trend'], row['trend'])}. "
    f"Compared with the group median: {wording.SIGNIFICANCE.get(row['significance'], '')}.",
    unsafe_allow_html=True,
)

# ---- time series -----------------------------------------------------------------------------------------
series = data.series(measure_id, state.AREA, group, period)
st.subheader("Trend")
if series["value"].notna().any() or series["england_value"].notna().any():
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
            line=dict(color="#2166ac", width=3),
            marker=dict(size=9, symbol=symbols),
            customdata=series["status"],
            hovertemplate="%{x}: %{y} (%{customdata})",
        )
    )
    if series["england_value"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=series["england_value"],
                mode="lines+markers",
                name="England",
                line=dict(color="#4d4d4d", dash="dash"),
                marker=dict(symbol="square", size=6),
            )
        )
    if series["group_median"].notna().any():
        fig.add_trace(
            go.Scatter(
                x=x,
                y=series["group_median"],
                mode="lines+markers",
                name=f"{components.group_name(group)} median",
                line=dict(color="#b35806", dash="dot"),
                marker=dict(symbol="triangle-up", size=7),
            )
        )
    if pd.notna(row["target"]):
        fig.add_trace(
            go.Scatter(
                x=[x[0], x[-1]],
                y=[row["target"], row["target"]],
                mode="lines",
                name=f"Target ({row['period_label']})",
                line=dict(color="#1b7837", dash="longdash"),
            )
        )
    fig.update_layout(
        height=380,
        legend=dict(orientation="h", y=-0.2),
        yaxis_title=wording.UNIT_SUFFIX.get(m.unit, m.unit).strip(),
        xaxis=dict(type="category"),
        title=f"{m.title}: Sefton over time",
    )
    latest = components.value_text(row)
    alt = (
        f"Line chart of {m.title} for Sefton from {x[0]} to {x[-1]}, latest {latest} in {row['period_label']}, "
        f"with England and the {components.group_name(group)} median for comparison"
        + (" and the target as a horizontal line" if pd.notna(row["target"]) else "")
        + (". Open circles are illustrative figures." if (series["status"] == "illustrative").any() else ".")
    )
    trend_table = pd.DataFrame(
        {
            "Period": x,
            "Sefton": [wording.format_value(v, m.unit, m.decimals) for v in series["value"]],
            "Sefton status": series["status"],
            "Lower 95% CI": [wording.format_value(v, m.unit, m.decimals) for v in series["lower_ci"]],
            "Upper 95% CI": [wording.format_value(v, m.unit, m.decimals) for v in series["upper_ci"]],
            "England": [wording.format_value(v, m.unit, m.decimals) for v in series["england_value"]],
            f"{components.group_name(group)} median": [
                wording.format_value(v, m.unit, m.decimals) for v in series["group_median"]
            ],
        }
    )
    components.chart(fig, alt, trend_table, key="trend")
else:
    components.nothing_to_show("no trend figures for this measure up to this quarter")

# ---- benchmark -------------------------------------------------------------------------------------------
st.subheader(f"Sefton and the {components.group_name(group)}")
members = data.members(measure_id, state.AREA, group, period)
if members["value"].notna().sum() > 1:
    shown = members.dropna(subset=["value"])
    order = "best first" if m.polarity != "no_judgement" else "highest first"
    fig = go.Figure(
        go.Bar(
            y=[("► " + n + " (Sefton)") if a else n for n, a in zip(shown["name"], shown["is_area"])],
            x=shown["value"],
            orientation="h",
            marker=dict(
                color=["#2166ac" if a else "#bababa" for a in shown["is_area"]],
                pattern=dict(shape=["/" if a else "" for a in shown["is_area"]]),
            ),
            text=[wording.format_value(v, m.unit, m.decimals) for v in shown["value"]],
            textposition="outside",
            name=m.title,
        )
    )
    if pd.notna(row["england_value"]):
        fig.add_vline(
            x=row["england_value"],
            line_dash="dash",
            line_color="#4d4d4d",
            annotation_text=f"England {wording.format_value(row['england_value'], m.unit, m.decimals)}",
        )
    fig.update_layout(
        height=max(300, 26 * len(shown)),
        yaxis=dict(autorange="reversed"),
        title=f"{members['period_label'].iloc[0]}, {order}",
        showlegend=False,
    )
    alt = (
        f"Bar chart of {m.title} in {members['period_label'].iloc[0]} for Sefton and {len(shown) - 1} "
        f"members of the {components.group_name(group)} with a figure, {order}. Sefton's bar is blue, "
        f"hatched and labelled; it is {rank} (1 = best)."
    )
    table = pd.DataFrame(
        {
            "Position": shown["position"],
            "Council": shown["name"],
            "Value": [wording.format_value(v, m.unit, m.decimals) for v in shown["value"]],
            "Status": shown["status"],
            "Sefton": ["Yes" if a else "" for a in shown["is_area"]],
        }
    )
    if len(shown) > 60:
        st.caption("Many councils: showing the table only; the chart would be unreadable.")
        st.dataframe(table, hide_index=True)
    else:
        components.chart(fig, alt, table, key="benchmark")
else:
    components.nothing_to_show("no comparable figures from other councils for this measure and quarter")

# ---- definition --------------------------------------------------------------------------------------------
st.subheader("Definition and source")
dataset = reg.dataset(m.source.dataset) if m.source.dataset else None
target = m.target
lines = [
    f"**Definition:** {m.definition}",
    f"**What good looks like:** {m.what_good_looks_like}",
    "**Source:** "
    + (
        f"{dataset.title} — {dataset.publisher} ({dataset.licence})"
        if dataset
        else "Council quarterly return ("
        + ("illustrative demonstration figures" if m.source.returns == "illustrative" else "council data")
        + ")"
    ),
    f"**Data match:** {components.DATA_MATCH[m.source.match]}"
    + (f" — measures {m.source.proxy_for}" if m.source.match == "proxy" else ""),
    f"**Frequency:** {m.frequency.replace('_', ' ')} · **Polarity:** {m.polarity.replace('_', ' ')}",
    f"**Owner (metric responsibility):** {m.metric_responsibility}",
    f"**Theme responsibility:** {m.theme_responsibility}",
    "**How the target was set:** "
    + (
        f"{target.basis.replace('_', ' ')}"
        + (f" {wording.format_value(target.value, m.unit, m.decimals)}" if target.value is not None else "")
        + f", tolerance {target.tolerance:g}. {target.rationale} Set by {target.set_by}."
        + (" *The target is illustrative.*" if target.illustrative else "")
        if target
        else "No target is set"
        + (" — contextual indicators are never target-set." if m.info_type == "contextual" else ".")
    ),
]
if dataset and dataset.repository:
    lines.append(
        f"**Lineage:** {dataset.repository}"
        + (f" @ {dataset.commit[:12]}" if dataset.commit else "")
        + f" · batch {row['batch_id']}"
    )
st.markdown("  \n".join(lines))
if m.caveats:
    st.markdown("**Caveats:**\n" + "\n".join(f"- {c}" for c in m.caveats))

# ---- every figure shown ------------------------------------------------------------------------------------
st.subheader("Every figure on this page")
figures = series.drop(columns=["period_start", "period_end"]).assign(measure_id=measure_id, area="Sefton")
st.dataframe(
    figures,
    hide_index=True,
    column_config={
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
    },
)
components.csv_download(figures, f"sefton_{measure_id}.csv", "Download trend figures (CSV)", key="dl_series")
components.csv_download(
    members, f"sefton_{measure_id}_{group}.csv", "Download comparator figures (CSV)", key="dl_members"
)
