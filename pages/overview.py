"""CPOR overview (Cabinet): one screen per quarter — six themes, RAG counts, what improved or worsened,
exceptions with the service's commentary, annual actions, and the engine's headline sentences."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.present import actions, finance, tables, views, wording
from scorecard.store import frames
from ui import components, data, state

reg = data.reg()
period = state.current_period()
talk = data.conversation(period)
card = data.said(state.AREA, period)
counts = views.headline_counts(card)
tiles = data.theme_tiles(state.AREA, period)

st.title(f"Corporate Plan overview — {period}")
st.markdown(
    f"How Sefton Council is doing on its {counts['measures']} Corporate Plan 2024–27 measures, using the latest "
    f"figures published up to the end of **{period}**. Each coloured label also carries a symbol and a word."
)

cols = st.columns(5)
cols[0].metric("✔ Green — target met", counts["rag_green"])
cols[1].metric("▲ Amber — just missed", counts["rag_amber"])
cols[2].metric("✖ Red — target missed", counts["rag_red"])
cols[3].metric("↑ Improving", counts["improving"])
cols[4].metric("↓ Worsening", counts["worsening"])
st.caption(
    f"Not RAG-rated: {counts['rag_no_target']} with no target set, {counts['rag_not_rated']} contextual, "
    f"{counts['rag_stale']} with out-of-date data, {counts['rag_missing']} with no data, "
    f"{counts['rag_suppressed']} suppressed by the publisher."
)

components.pack_downloads(period)

risky = views.forecasts_at_risk(card)
st.subheader("At risk of missing the year-end target")
if len(risky):
    st.caption("Forecasts for this financial year, judged " + wording.FORECAST_RULE + ".")
    for r in frames.records(risky):
        st.page_link(
            "pages/measure.py",
            label=f"{tables.forecast_status_text(r['forecast_status'])} — {r['title']}"
            + (f" ({', '.join(tables.marks(r)).lower()})" if tables.marks(r) else "")
            + f": {tables.forecast_text(r)}",
            query_params={"measure": r["measure_id"], "period": period},
        )
else:
    st.markdown("No measure with a year-end forecast is at risk of missing its target.")

st.subheader("The six themes")
for start in range(0, len(tiles), 2):
    columns = st.columns(2)
    for column, tile in zip(columns, tiles[start : start + 2]):
        with column.container(border=True):
            st.markdown(f"#### {tile['title']}")
            st.caption(f"{tile['measures']} measures · {tile['illustrative']} with illustrative figures")
            badges = "".join(
                components.rag_badge(code, tile[f"rag_{code}"]) for code in components.RAG_ORDER if tile[f"rag_{code}"]
            )
            st.markdown(badges, unsafe_allow_html=True)
            st.markdown(
                f"**↑ {tile['improving']} improving · ↓ {tile['worsening']} worsening** "
                f"· → {tile['no_change']} no change"
            )
            if tile["red"]:
                st.markdown("**Red or amber against target:**")
                for r in tile["red"]:
                    st.page_link(
                        "pages/measure.py",
                        label=wording.rag_text(r["rag"])
                        + (" · ⚠ no commentary" if r["without_commentary"] else "")
                        + f" — {r['title']}",
                        query_params={"measure": r["measure_id"], "period": period},
                    )
            else:
                st.markdown("No measure is red or amber.")
            st.page_link(
                "pages/theme.py",
                label=f"Open the {tile['title']} scorecard →",
                query_params={"theme": tile["theme"], "period": period},
                icon=":material/table_chart:",
            )
            with st.expander(f"Headlines and exceptions ({tile['exceptions']})"):
                for r in tile["flagged"]:
                    reasons = "; ".join(wording.exception_text(code) for code in r["exception_reasons"])
                    st.markdown(f"- {r['summary']} {components.marks_markdown(r)}  \n  *Why flagged:* {reasons}")
                    components.commentary(r)

st.subheader("Annual actions")
updates = data.progress(period)
status = actions.status_counts(updates)
st.markdown(
    f"Progress on the Corporate Plan's {len(updates)} priority actions in {period}, in the council's own key: "
    + "".join(components.action_badge(code, n) for code, n in status.items() if n),
    unsafe_allow_html=True,
)
per_theme = [
    {"Theme": reg.theme(t).title}
    | {wording.action_status_label(code): n for code, n in actions.status_counts(part).items()}
    for t, part in (updates.groupby("theme", sort=False) if len(updates) else [])
]
if per_theme:
    st.dataframe(per_theme, hide_index=True)
if len(updates) and updates["illustrative"].any():
    st.markdown(":orange-badge[Illustrative] The action updates shown are made up for demonstration.")
st.page_link(
    "pages/actions.py", label="Open the annual actions →", query_params={"period": period}, icon=":material/checklist:"
)

st.subheader("Financial position")
st.caption("The council's revenue budget monitoring beside performance: each service line's forecast outturn.")
components.financial_position(finance.position(reg, talk.finance, period), "all")

st.subheader("Headlines")
st.caption("One sentence per key result, written by the scorecard engine from the figures.")
for r in frames.records(views.filter_rows(card, reg, info_type=["key_result"])):
    st.markdown(
        f"- {wording.rag_text(r['rag'])} · {wording.direction_text(r['direction'])} — {r['summary']} "
        f"{components.marks_markdown(r)}"
    )
