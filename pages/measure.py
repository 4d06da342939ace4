"""Measure page: trend with target, confidence band, England and comparator median; benchmark against the
group's members; full definition and lineage; every figure shown, downloadable."""

from ui.shell import ensure_shell

ensure_shell()

import pandas as pd
import streamlit as st

from scorecard.present import tables, wording
from scorecard.store.geography import GROUP_LABELS
from ui import charts, components, data, state

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
    format_func=tables.group_name,
    container=right,
    kind="comparator group",
)
card = data.card(state.AREA, period, group)
row = card.set_index("measure_id").loc[measure_id].to_dict() | {"measure_id": measure_id}

st.title(m.title)
themes = " · ".join(reg.theme(t).title for t in m.themes)
st.markdown(
    f"{themes} · {tables.INFO_TYPES[m.info_type]} · reporting quarter {period} {components.marks_markdown(row)}"
)
if m.source.match == "proxy":
    st.warning(
        f"**Proxy measure.** No published figure matches this measure exactly, so it is shown using "
        f"published data on **{m.source.proxy_for.rstrip('.')}**.",
        icon="🔁",
    )
if m.framework_polarity != m.polarity:
    st.warning(
        f"**Polarity differs from the framework.** The framework's scorecard says "
        f"“{wording.POLARITY[m.framework_polarity].lower()}”; this proxy is judged as "
        f"“{wording.POLARITY[m.polarity].lower()}”, because that is what it actually measures. See the caveats.",
        icon="↕️",
    )
if row["status"] == "illustrative":
    st.warning(
        "**Illustrative figures.** This measure comes from council systems; the figures shown are "
        "made-up demonstration values until the service sends its quarterly return.",
        icon="⚠️",
    )
st.markdown(f"**{row['summary']}**")

cols = st.columns(4)
cols[0].metric(f"Sefton, {row['period_label'] if pd.notna(row['period_label']) else 'no data'}", tables.value_text(row))
cols[1].metric("Target", wording.format_value(row["target"], m.unit, m.decimals))
cols[2].metric("England", wording.format_value(row["england_value"], m.unit, m.decimals))
cols[3].metric("Rank (1 = best)", tables.rank_text(row) or "–", help=f"Among Sefton and the {tables.group_name(group)}")
st.markdown(
    f"{components.rag_badge(row['rag'])} {wording.RAG[row['rag']][2]}. {tables.direction_sentence(row)} "
    f"Recent trend: {tables.trend_text(row)}. "
    f"Compared with the group median: {wording.SIGNIFICANCE.get(row['significance'], '')}.",
    unsafe_allow_html=True,
)

if tables.forecast_text(row):
    st.markdown(f"**Year-end forecast:** {tables.forecast_text(row)}.")
    if pd.notna(row.get("forecast_method")):
        st.caption(
            f"Forecast from {wording.FORECAST_METHOD[row['forecast_method']]}, with its 80% prediction interval: "
            "on track when the whole interval meets the target, at risk when it straddles it, off track when it "
            "misses it. See *Data & definitions* for how well the method has forecast past years."
        )

# ---- time series -----------------------------------------------------------------------------------------
series = data.series(measure_id, state.AREA, group, period)
st.subheader("Trend")
if series["value"].notna().any() or series["england_value"].notna().any():
    fig, alt = charts.trend(series, row, m.title, m.unit, group)
    components.chart(fig, alt, tables.trend(series, m.unit, m.decimals, group), key="trend")
else:
    components.nothing_to_show("no trend figures for this measure up to this quarter")

# ---- benchmark -------------------------------------------------------------------------------------------
st.subheader(f"Sefton and the {tables.group_name(group)}")
members = data.members(measure_id, state.AREA, group, period)
shown = members.dropna(subset=["value"])
if len(shown) > 1:
    table = tables.members(shown, m.unit, m.decimals)
    if len(shown) > charts.MOST_BARS:
        st.caption("Many councils: showing the table only; the chart would be unreadable.")
        st.dataframe(table, hide_index=True)
    else:
        order = "best first" if m.polarity != "no_judgement" else "highest first"
        heading = f"{members['period_label'].iloc[0]}, {order}"
        fig, alt = charts.group_bars(shown, m.title, m.unit, m.decimals, group, heading, row["england_value"])
        components.chart(fig, alt, table, key="benchmark")
else:
    components.nothing_to_show("no comparable figures from other councils for this measure and quarter")

# ---- definition --------------------------------------------------------------------------------------------
st.subheader("Definition and source")
st.markdown("  \n".join(tables.definition_lines(m, reg, row.get("batch_id"))))
if m.caveats:
    st.markdown("**Caveats:**\n" + "\n".join(f"- {c}" for c in m.caveats))

# ---- every figure shown ------------------------------------------------------------------------------------
st.subheader("Every figure on this page")
figures = series.drop(columns=["period_start", "period_end"]).assign(measure_id=measure_id, area="Sefton")
st.dataframe(figures, hide_index=True, column_config=tables.FIGURE_COLUMNS)
components.csv_download(figures, f"sefton_{measure_id}.csv", "Download trend figures (CSV)", key="dl_series")
components.csv_download(
    members, f"sefton_{measure_id}_{group}.csv", "Download comparator figures (CSV)", key="dl_members"
)
