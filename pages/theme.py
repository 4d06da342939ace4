"""Theme scorecard: every measure of a theme in one sortable, filterable table with sparklines."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.present import tables, views, wording
from ui import components, data, state

reg = data.reg()
period = state.current_period()
themes = [t.id for t in reg.themes]
theme_id = state.url_select("theme", "Theme", themes, format_func=lambda t: reg.theme(t).title, kind="theme")
theme = reg.theme(theme_id)
card = data.said(state.AREA, period)

st.title(f"{theme.title} — {period}")
st.caption(f"Corporate Plan theme: {theme.corporate_plan_title} · Responsible: {theme.responsibility}")

types = st.multiselect(
    "Show information types",
    list(wording.INFO_TYPE),
    default=list(wording.INFO_TYPE),
    format_func=lambda code: wording.INFO_TYPE[code],
)
part = views.filter_rows(card, reg, [theme_id], info_type=types)
components.measure_counts(part)

table = tables.scorecard(part, period, spark=data.sparklines(state.AREA, period))
st.dataframe(
    table,
    hide_index=True,
    column_config=components.scorecard_column_config(with_spark=True),
    height=min(35 * (len(table) + 1) + 3, 900),
)
st.caption(
    "Click a column heading to sort. “Open measure” shows the trend, benchmark, definition, source and the "
    "whole commentary. "
    "Rank is among Sefton and its comparator group (1 = best). Recent values are Sefton's last published "
    "figures, oldest on the left."
)
components.csv_download(
    table.drop(columns=["Recent values"]), f"sefton_{theme_id}_{period}.csv", "Download this table (CSV)"
)
st.page_link(
    "pages/actions.py",
    label=f"Annual actions for {theme.title} →",
    query_params={"theme": theme_id, "period": period},
    icon=":material/checklist:",
)
components.pack_downloads(period, theme_id)
