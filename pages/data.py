"""Data & definitions (BI team): the KPI register, per-source freshness, coverage and every data batch."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from ui import components, data, state

period = state.current_period()
card = data.card(state.AREA, period)

st.title("Data & definitions")
tab_register, tab_fresh, tab_cover, tab_batches = st.tabs(["KPI register", "Freshness", "Coverage", "Batches"])
with tab_register:
    register = data.register_table()
    st.markdown(f"The {len(register)} measures of the KPI register (`kpi_definitions.yaml`).")
    st.dataframe(register, hide_index=True)
    components.csv_download(register, "sefton_kpi_register.csv", "Download the register (CSV)")
with tab_fresh:
    fresh = data.freshness(state.AREA)
    st.markdown(
        "For each source: the newest period held for Sefton, how many measures it feeds, and the batches "
        "(files and SHA-256 checksums) it was loaded from."
    )
    st.dataframe(fresh, hide_index=True)
with tab_cover:
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
with tab_batches:
    batches = data.batches()
    st.markdown("Every load of data: nothing is overwritten; a revision is a new batch.")
    st.dataframe(batches, hide_index=True)
