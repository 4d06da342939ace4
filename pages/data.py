"""Data & definitions: the KPI register, the sources and licences behind the figures, and coverage — for
everyone; per-source freshness and every data batch (files, checksums, who loaded them) for council staff."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.governance import access
from scorecard.present import views
from scorecard.register import releases
from ui import auth, components, data, state

period = state.period_if_any()  # None: nothing published yet, so the definitions only
staff = access.sees_draft(auth.role())

st.title("Data & definitions")
names = ["KPI register"]
if period:
    card = data.card(state.AREA, period)
    names += ["Sources and licences", "Coverage", "Release calendar"] + (["Freshness", "Batches"] if staff else [])
tabs = dict(zip(names, st.tabs(names)))
with tabs["KPI register"]:
    register = data.register_table()
    st.markdown(f"The {len(register)} measures of the KPI register (`kpi_definitions.yaml`).")
    st.dataframe(register, hide_index=True)
    components.csv_download(register, "sefton_kpi_register.csv", "Download the register (CSV)")
    gaps = views.ownership_gaps(data.reg())
    with st.expander(f"Ownership gaps ({len(gaps)}): where the council's documents do not say who owns what"):
        st.markdown(
            "Owners are recorded as posts, never named people. These themes, budget service lines and measures "
            "have no post in the documents the register was built from; each stays *to be confirmed* until the "
            "council says."
        )
        st.dataframe(gaps.rename(columns=str.capitalize), hide_index=True)
if period:  # the rest describes the figures of a quarter
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
    with tabs["Release calendar"]:
        calendar = data.release_calendar()
        st.markdown(
            "When each public data set's next figures are expected, from the publisher's usual release month recorded "
            "in the register (`release` of each data set; the basis of each is given). Deep dives can be timed to them."
        )
        st.subheader("Upcoming releases by month")
        upcoming = releases.upcoming_by_month(calendar)
        st.dataframe(
            upcoming[["month", "title", "publisher", "latest_period", "state", "due"]],
            hide_index=True,
            column_config={
                "month": "Expected",
                "title": "Measure",
                "publisher": "Publisher",
                "latest_period": "Latest held",
                "state": "Data now",
                "due": st.column_config.CheckboxColumn("Earlier figures due, not loaded"),
            },
        )
        st.subheader("Stale or soon stale: when the next figures are expected")
        st.dataframe(
            releases.stale_or_soon(calendar)[["title", "latest_period", "state", "expected", "basis"]],
            hide_index=True,
            column_config={
                "title": "Measure",
                "latest_period": "Latest held",
                "state": "Data now",
                "expected": "Next figures",
                "basis": "Release months from",
            },
        )
        components.csv_download(calendar, "sefton_release_calendar.csv", "Download the release calendar (CSV)")
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
