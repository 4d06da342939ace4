"""Benchmarking: where Sefton stands on every ranked measure within a chosen comparator group, and one
measure across all the group's members. No composite league table of councils."""

from ui.shell import ensure_shell

ensure_shell()

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from scorecard.present import views, wording
from scorecard.store.geography import GROUP_LABELS
from ui import components, data, state

reg = data.reg()
period = state.current_period()
group = state.url_select(
    "group",
    "Comparator group",
    list(GROUP_LABELS),
    default="cipfa_nn",
    format_func=components.group_name,
    kind="comparator group",
)
card = data.card(state.AREA, period, group)
spine = views.spine(card)

st.title(f"Benchmarking — Sefton and the {components.group_name(group)}")
st.markdown(
    f"Where Sefton ranks on each measure with published figures for other councils ({len(spine)} of "
    f"{len(card)} measures), using the latest figure up to **{period}**. Right = better than the group; "
    "left = worse. This is not a league table: councils are compared measure by measure only."
)

theme_titles = {t.id: t.title for t in reg.themes}
chosen = st.multiselect("Themes", list(theme_titles), format_func=theme_titles.get, placeholder="All themes")
if chosen:
    spine = spine[spine["theme"].isin(chosen)]

if len(spine):
    symbols = {1: "circle", 2: "diamond", 3: "square", 4: "x"}
    labels = [f"{t} ({p})" for t, p in zip(spine["title"], spine["period_label"])]
    quartiles = [
        wording.QUARTILE.get(int(q), "") if pd.notna(q) else "group too small for quartiles" for q in spine["quartile"]
    ]
    fig = go.Figure()
    fig.add_vline(x=0.5, line_dash="dot", line_color="#4d4d4d", annotation_text="Middle of the group")
    fig.add_trace(
        go.Scatter(
            x=spine["position"],
            y=labels,
            mode="markers",
            marker=dict(
                size=12,
                color="#2166ac",
                symbol=[
                    symbols.get(int(q), "circle-open") if pd.notna(q) else "circle-open" for q in spine["quartile"]
                ],
            ),
            customdata=[
                f"rank {int(r)} of {int(n)}, {q}" for r, n, q in zip(spine["rank"], spine["group_size"], quartiles)
            ],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
            name="Sefton",
        )
    )
    fig.update_layout(
        height=max(400, 24 * len(spine)),
        xaxis=dict(range=[-0.05, 1.05], tickvals=[0, 0.5, 1], ticktext=["Worst in group", "Middle", "Best in group"]),
        yaxis=dict(autorange="reversed"),
        title="Sefton's position on each measure",
        showlegend=False,
    )
    table = pd.DataFrame(
        {
            "Measure": spine["title"],
            "Period": spine["period_label"],
            "Sefton": [
                wording.format_value(v, u, d) for v, u, d in zip(spine["value"], spine["unit"], spine["decimals"])
            ],
            "Rank": [f"{int(r)} of {int(n)}" for r, n in zip(spine["rank"], spine["group_size"])],
            "Quartile": quartiles,
            "Group median": [
                wording.format_value(v, u, d)
                for v, u, d in zip(spine["benchmark_median"], spine["unit"], spine["decimals"])
            ],
            "Compared with median": spine["significance"].map(wording.SIGNIFICANCE),
            "Data notes": [", ".join(components.marks(r)) for r in spine.to_dict("records")],
        }
    )
    components.chart(
        fig,
        f"Dot chart with one row per measure showing Sefton's rank within the "
        f"{components.group_name(group)}, from worst (left) to best (right). Marker shape shows "
        f"the quartile: circle best, diamond second, square third, cross worst.",
        table,
        key="spine",
        table_title="Table: Sefton's rank on each measure",
    )
else:
    st.info("No measure has comparable figures for this group.")

st.subheader("One measure across the group")
ranked = list(dict.fromkeys(spine["measure_id"])) or [m.id for m in reg.measures]
measure_id = state.url_select(
    "measure", "Measure", ranked, format_func=lambda i: reg.measure(i).title, kind="measure in this comparison"
)
m = reg.measure(measure_id)
row = card.set_index("measure_id").loc[measure_id]
members = data.members(measure_id, state.AREA, group, period).dropna(subset=["value"])
if members.empty:
    components.nothing_to_show(f"no figures for {m.title} across the {components.group_name(group)}")
else:
    fig = go.Figure(
        go.Bar(
            y=[("► " + n + " (Sefton)") if a else n for n, a in zip(members["name"], members["is_area"])],
            x=members["value"],
            orientation="h",
            marker=dict(
                color=["#2166ac" if a else "#bababa" for a in members["is_area"]],
                pattern=dict(shape=["/" if a else "" for a in members["is_area"]]),
            ),
            text=[wording.format_value(v, m.unit, m.decimals) for v in members["value"]],
            textposition="outside",
        )
    )
    fig.update_layout(
        height=max(300, 22 * len(members)),
        yaxis=dict(autorange="reversed"),
        showlegend=False,
        title=f"{m.title}, {row['period_label']} (best first)",
    )
    table = pd.DataFrame(
        {
            "Position": members["position"],
            "Council": members["name"],
            "Value": [wording.format_value(v, m.unit, m.decimals) for v in members["value"]],
            "Status": members["status"],
        }
    )
    if len(members) > 60:
        st.caption(f"{len(members)} councils — too many for a readable chart; the table lists them all.")
        st.dataframe(table, hide_index=True)
    else:
        components.chart(
            fig,
            f"Bar chart of {m.title} for Sefton and the {components.group_name(group)}, best first; "
            f"Sefton's bar is blue, hatched and labelled.",
            table,
            key="members",
        )
    st.page_link(
        "pages/measure.py",
        label=f"Open the full page for {m.title} →",
        query_params={"measure": measure_id, "period": period, "group": group},
    )
    components.csv_download(table, f"sefton_{measure_id}_{group}.csv", "Download (CSV)")
