"""Data & definitions: the KPI register, the sources and licences behind the figures, and coverage — for
everyone; per-source freshness and every data batch (files, checksums, who loaded them) for council staff."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.governance import access
from scorecard.present import views
from ui import auth, components, data, state

period = state.current_period()
card = data.card(state.AREA, period)
staff = access.sees_draft(auth.role())

st.title("Data & definitions")
names = ["KPI register", "Sources and licences", "Coverage"] + (["Freshness", "Batches"] if staff else [])
tabs = dict(zip(names, st.tabs(names)))
with tabs["KPI register"]:
    register = data.register_table()
    st.markdown(f"The {len(register)} measures of the KPI register (`kpi_definitions.yaml`).")
    st.dataframe(register, hide_index=True)
    components.csv_download(register, "sefton_kpi_register.csv", "Download the register (CSV)")
with tabs["Sources and licences"]:
    st.markdown(
        f"Where the figures for {period} come from: each data set, its publisher and licence, how many "
        "measures it feeds and the newest period among them."
    )
    st.dataframe(views.report_sources(card, data.reg()).drop(columns="newest_end"), hide_index=True)
with tabs["Coverage"]:
    no_data = card[card["rag"] == "missing"]
    illustrative = card[card["status"] == "illustrative"]
    stale = card[card["rag"] == "stale"]
    proxy = card[card["data_match"] == "proxy"]
    c = st.columns(4)
    c[0].metric("No data", len(no_data))
    c[1].metric("Illustrative figures", len(illustrative))
    c[2].metric("Stale (out of date)", len(stale))
    c[3].metric("Proxy measures", len(proxy))
    for label, part in [
        ("Measures with no data", no_data),
        ("Measures showing illustrative figures", illustrative),
        ("Measures with stale data", stale),
        ("Proxy measures", proxy),
    ]:
        with st.expander(f"{label} ({len(part)})"):
            st.dataframe(
                part[
                    [
                        "measure_id",
                        "title",
                        "period_label",
                        "status",
                        "data_match",
                        "proxy_for",
                        "metric_responsibility",
                    ]
                ],
                hide_index=True,
            )
if staff:  # who loaded what, and the current data's freshness: never on a public page
    fresh, batches = data.loads()
    with tabs["Freshness"]:
        st.markdown(
            "For each source: the newest period held for Sefton (draft included), how many measures it feeds, "
            "and the batches (files and SHA-256 checksums) it was loaded from."
        )
        st.dataframe(fresh, hide_index=True)
    with tabs["Batches"]:
        st.markdown("Every load of data: nothing is overwritten; a revision is a new batch.")
        st.dataframe(batches, hide_index=True)
