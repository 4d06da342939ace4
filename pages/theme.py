"""Theme scorecard: every measure of a theme in one sortable, filterable table with sparklines."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.present import views
from ui import components, data, state

reg = data.reg()
period = state.current_period()
themes = [t.id for t in reg.themes]
theme_id = state.url_select("theme", "Theme", themes, format_func=lambda t: reg.theme(t).title, kind="theme")
theme = reg.theme(theme_id)
card = data.card(state.AREA, period)
part = card[card["measure_id"].isin(views.theme_measures(theme_id, reg))]

st.title(f"{theme.title} — {period}")
st.caption(f"Corporate Plan theme: {theme.corporate_plan_title} · Responsible: {theme.responsibility}")

types = st.multiselect(
    "Show information types",
    list(components.INFO_TYPES),
    default=list(components.INFO_TYPES),
    format_func=components.INFO_TYPES.get,
)
part = part[part["info_type"].isin(types)]
summary = views.theme_summary(part, reg).set_index("theme").loc[theme_id]
st.markdown(
    "".join(components.rag_badge(c, summary[f"rag_{c}"]) for c in components.RAG_ORDER if summary[f"rag_{c}"]),
    unsafe_allow_html=True,
)
st.markdown(
    f"↑ {summary['improving']} improving · ↓ {summary['worsening']} worsening · → {summary['no_change']} no change"
)

table = components.scorecard_table(part, reg, period, spark=data.sparklines(state.AREA, period))
st.dataframe(
    table,
    hide_index=True,
    column_config=components.scorecard_column_config(with_spark=True),
    height=min(35 * (len(table) + 1) + 3, 900),
)
st.caption(
    "Click a column heading to sort. “Open measure” shows the trend, benchmark, definition and source. "
    "Rank is among Sefton and its comparator group (1 = best). Recent values are Sefton's last published "
    "figures, oldest on the left."
)
components.csv_download(
    table.drop(columns=["Recent values"]), f"sefton_{theme_id}_{period}.csv", "Download this table (CSV)"
)
components.pack_downloads(period, theme_id)
