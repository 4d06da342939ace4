"""Sefton Council performance scorecard — Corporate Plan 2024–27.

Entry point: ``streamlit run app.py``. Pages live in ``pages/`` and are wired with ``st.navigation``
(which turns off Streamlit's automatic pages/ discovery, so each page appears once in the menu).
"""
from __future__ import annotations

import streamlit as st

from ui import components, data, state

st.set_page_config(page_title="Sefton performance scorecard", page_icon="📊", layout="wide")

PAGES = {
    "overview": st.Page("pages/overview.py", title="CPOR overview", icon=":material/dashboard:", default=True),
    "theme": st.Page("pages/theme.py", title="Theme scorecard", icon=":material/table_chart:", url_path="theme"),
    "measure": st.Page("pages/measure.py", title="Measure", icon=":material/show_chart:", url_path="measure"),
    "exceptions": st.Page("pages/exceptions.py", title="Exceptions", icon=":material/report:",
                          url_path="exceptions"),
    "benchmarking": st.Page("pages/benchmarking.py", title="Benchmarking", icon=":material/leaderboard:",
                            url_path="benchmarking"),
    "explore": st.Page("pages/explore.py", title="Explore measures", icon=":material/search:", url_path="explore"),
    "data": st.Page("pages/data.py", title="Data & definitions", icon=":material/dataset:", url_path="data"),
}

page = st.navigation({
    "Cabinet": [PAGES["overview"], PAGES["theme"], PAGES["measure"]],
    "Strategic Performance Group": [PAGES["exceptions"], PAGES["benchmarking"]],
    "Scrutiny and BI team": [PAGES["explore"], PAGES["data"]],
})

# ``?page=measure&measure=…`` (or just ``?measure=…`` / ``?theme=…`` on the home URL) opens that page.
wanted = st.query_params.get("page")
if page is PAGES["overview"]:
    target = wanted if wanted in PAGES else None
    if wanted and wanted not in PAGES:
        state.not_found("page", wanted)
    elif target is None and "measure" in st.query_params:
        target = "measure"
    elif target is None and "theme" in st.query_params:
        target = "theme"
    if target and target != "overview":
        params = {k: v for k, v in st.query_params.to_dict().items() if k != "page"}
        st.switch_page(PAGES[target], query_params=params)

with st.sidebar:
    st.markdown("**Sefton Council**  \nCorporate Plan 2024–27 scorecard")
    quarters = data.quarters(state.AREA)
    period = state.url_select("period", "Reporting quarter", quarters, default=quarters[0], kind="quarter",
                              help="Figures are the latest published up to the end of this quarter.")
    st.caption("Every view's address (URL) can be copied and shared: it keeps the page, theme, measure, "
               "quarter and comparator group.")

components.illustrative_banner(data.card(state.AREA, period))
page.run()
components.footer()
