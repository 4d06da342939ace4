"""Explore (Scrutiny self-serve): search and filter every measure, open its page, download the table."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.present import tables, views, wording
from ui import components, data, state

reg = data.reg()
period = state.current_period()
card = data.card(state.AREA, period)

st.title("Explore the measures")
st.markdown(
    "Search every measure by words in its title or definition, filter, and open a measure to see its "
    "trend, benchmark and definition. The page address of a measure can be cited in committee."
)
words = st.text_input("Search words", placeholder="e.g. absence, homeless, recycling")
c1, c2, c3, c4, c5 = st.columns(5)
theme_titles = {t.id: t.title for t in reg.themes}
themes = c1.multiselect("Theme", list(theme_titles), format_func=lambda t: theme_titles[t], placeholder="All")
types = c2.multiselect("Type", list(wording.INFO_TYPE), format_func=lambda t: wording.INFO_TYPE[t], placeholder="All")
rags = c3.multiselect("RAG", list(wording.RAG), format_func=wording.rag_text, placeholder="All")
directions = c4.multiselect("Direction", list(wording.DIRECTION), format_func=wording.direction_text, placeholder="All")
owners = c5.multiselect("Owner", sorted(card["metric_responsibility"].unique()), placeholder="All")

found = views.filter_rows(
    views.search(card, words, reg),
    reg,
    themes,
    info_type=types,
    rag=rags,
    direction=directions,
    metric_responsibility=owners,
)

st.markdown(f"**{len(found)} of {len(card)} measures** match.")
table = tables.scorecard(found, period)
st.dataframe(table, hide_index=True, column_config=components.scorecard_column_config())
components.csv_download(
    tables.scorecard_csv(found, period, components.base_url()),
    f"sefton_measures_{period}.csv",
    "Download these measures (CSV)",
)
st.caption("The CSV gives values as numbers with their unit in a separate column, and each measure's full address.")
