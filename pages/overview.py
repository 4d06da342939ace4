"""CPOR overview (Cabinet): one screen per quarter — six themes, RAG counts, what improved or worsened,
exceptions, and the engine's headline sentences."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.present import views, wording
from ui import components, data, state

reg = data.reg()
period = state.current_period()
card = data.card(state.AREA, period)
summary = views.theme_summary(card, reg)

st.title(f"Corporate Plan overview — {period}")
st.markdown(
    f"How Sefton Council is doing on its {len(card)} Corporate Plan 2024–27 measures, using the latest "
    f"figures published up to the end of **{period}**. Each coloured label also carries a symbol and a word."
)

rags = card["rag"].value_counts()
directions = card["direction"].value_counts()
cols = st.columns(5)
cols[0].metric("✔ Green — target met", int(rags.get("green", 0)))
cols[1].metric("▲ Amber — just missed", int(rags.get("amber", 0)))
cols[2].metric("✖ Red — target missed", int(rags.get("red", 0)))
cols[3].metric("↑ Improving", int(directions.get("improving", 0)))
cols[4].metric("↓ Worsening", int(directions.get("worsening", 0)))
st.caption(
    f"Not RAG-rated: {int(rags.get('no_target', 0))} with no target set, "
    f"{int(rags.get('not_rated', 0))} contextual, {int(rags.get('stale', 0))} with out-of-date data, "
    f"{int(rags.get('missing', 0))} with no data."
)

components.pack_downloads(period)

st.subheader("The six themes")
for start in range(0, len(summary), 2):
    columns = st.columns(2)
    for column, tile in zip(columns, summary.iloc[start : start + 2].to_dict("records")):
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
            part = card[card["measure_id"].isin(views.theme_measures(tile["theme"], reg))]
            red = part[part["rag"].isin(["red", "amber"])]
            if len(red):
                st.markdown("**Red or amber against target:**")
                for r in red.to_dict("records"):
                    st.page_link(
                        "pages/measure.py",
                        label=f"{wording.rag_text(r['rag'])} — {r['title']}",
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
                for r in part[part["exception_reasons"].map(len) > 0].to_dict("records"):
                    note = " " + components.marks_markdown(r) if components.marks(r) else ""
                    st.markdown(f"- {r['summary']}{note}  \n  *Why flagged:* {'; '.join(r['exception_reasons'])}")

st.subheader("Headlines")
st.caption("One sentence per key result, written by the scorecard engine from the figures.")
for r in card[card["info_type"] == "key_result"].to_dict("records"):
    note = " " + components.marks_markdown(r) if components.marks(r) else ""
    st.markdown(f"- {wording.rag_text(r['rag'])} · {wording.direction_text(r['direction'])} — {r['summary']}{note}")
