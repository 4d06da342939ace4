"""CPOR overview (Cabinet): one screen per quarter — six themes, RAG counts, what improved or worsened,
exceptions with the service's commentary, annual actions, and the engine's headline sentences."""

from ui.shell import ensure_shell

ensure_shell()

import html

import streamlit as st

from scorecard.governance import access
from scorecard.governance import conversation as talk_store
from scorecard.present import actions, tables, views, wording
from scorecard.store import frames
from ui import auth, components, data, state

reg = data.reg()
period = state.current_period()
card = data.said(state.AREA, period)
counts = views.headline_counts(card)
tiles = data.theme_tiles(state.AREA, period)

st.title(f"Corporate Plan overview — {period}")
st.markdown(
    f"How Sefton Council is doing on its {counts['measures']} Corporate Plan 2024–27 measures, using the latest "
    f"figures published up to the end of **{period}**. Each coloured label also carries a symbol and a word."
)

sheet = data.sheet(period)
st.markdown(f"**{sheet.headline()}**")
st.subheader("Key messages")
st.markdown(
    f"- **Going well.** {components.literal(sheet.going_well)}\n"
    f"- **Going badly.** {components.literal(sheet.going_badly)}\n"
    f"- **Being done.** {components.literal(sheet.being_done)}"
)
st.caption(sheet.written_line)
if access.can_publish(auth.role()):  # BI, who produce the CPOR, edit its key messages; every save is a version
    with st.expander("Edit the key messages"):
        with st.form(f"key-messages-{period}"):
            fields = {
                name: st.text_area(label, value=getattr(sheet, name), help=components.length_help(name))
                for name, label in (
                    ("going_well", "Going well"),
                    ("going_badly", "Going badly"),
                    ("being_done", "Being done"),
                )
            }
            if st.form_submit_button("Save the key messages"):
                try:
                    talk_store.save_key_messages(data.context(), period, fields, auth.user_name())
                except talk_store.ConversationError as err:
                    st.error(f"Not saved: {err}")
                else:
                    st.rerun()  # the data version changed: every cached read is read afresh
left, right = st.columns(2)
for column, heading, rows in (
    (left, "The three biggest concerns", sheet.concerns),
    (right, "The three best results", sheet.best),
):
    with column.container(border=True):
        st.markdown(f"**{heading}**")
        if not rows:
            st.caption("None this quarter.")
        for r in rows:
            marks = ", ".join(tables.marks(r))
            link = html.escape(tables.measure_link(r["measure_id"], period))
            st.markdown(
                f'{components.rag_badge(r["rag"])} <a href="{link}" target="_self"><b>{html.escape(r["title"])}</b></a>'
                f": {tables.value_text(r)}  \n{r['why']}" + (f" · {marks}" if marks else ""),
                unsafe_allow_html=True,
            )
st.markdown(f"{sheet.actions}  \n{sheet.finance}")
cols = st.columns(5)
for column, (code, label) in zip(
    cols,
    [
        *((c, wording.rag_text(c)) for c in ("green", "amber", "red")),
        ("improving", "↑ Improving"),
        ("worsening", "↓ Worsening"),
    ],
):
    column.metric(label, sheet.real[code], help="Measures with real figures only")
st.caption(
    f"Real figures only. Of all {counts['measures']} measures, not RAG-rated: {counts['rag_no_target']} with no "
    f"target set, {counts['rag_not_rated']} contextual, {counts['rag_stale']} with out-of-date data, "
    f"{counts['rag_missing']} with no data, {counts['rag_suppressed']} suppressed by the publisher"
    + (f", {counts['rag_awaiting']} awaiting the service's return." if counts["rag_awaiting"] else ".")
)

components.pack_downloads(period)


def measure_links(rows, label) -> None:
    """A link to each measure's page, labelled by ``label(row)`` with the row's marks."""
    for r in frames.records(rows):
        marks = f" ({', '.join(tables.marks(r)).lower()})" if tables.marks(r) else ""
        st.page_link(
            "pages/measure.py",
            label=label(r, marks),
            query_params={"measure": r["measure_id"], "period": period},
        )


risky, outturn = views.forecasts_at_risk(card), views.year_outturn(card)
if len(outturn):  # the year's last quarter: nothing left to forecast, so the year's result
    st.subheader("The year's outturn against its target")
    st.markdown(views.outturn_sentence(outturn))
    measure_links(
        outturn[outturn["rag"] != "green"],
        lambda r, marks: (
            f"{wording.rag_text(r['rag'])} — {r['title']}{marks}: {tables.value_text(r)} against "
            + wording.format_value(r["target"], r["unit"], r["decimals"])
        ),
    )
else:
    st.subheader("At risk of missing the year-end target")
    if len(risky):
        st.caption("Forecasts for this financial year, judged " + wording.FORECAST_RULE + ".")
        measure_links(
            risky,
            lambda r, marks: (
                f"{tables.forecast_status_text(r['forecast_status'])} — {r['title']}{marks}: " + tables.forecast_text(r)
            ),
        )
    else:
        st.markdown(wording.NO_FORECAST_AT_RISK)

st.subheader("The six themes")
for start in range(0, len(tiles), 2):
    columns = st.columns(2)
    for column, tile in zip(columns, tiles[start : start + 2]):
        with column.container(border=True):
            st.markdown(f"#### {tile['title']}")
            st.caption(
                f"{tile['measures']} measures · {tile['illustrative']} with illustrative figures"
                + (f" · {tile['rag_awaiting']} awaiting return" if tile["rag_awaiting"] else "")
            )
            badges = "".join(
                components.rag_badge(code, tile[f"rag_{code}"]) for code in components.RAG_ORDER if tile[f"rag_{code}"]
            )
            st.markdown(badges, unsafe_allow_html=True)
            st.markdown(
                f"**↑ {tile['improving']} improving · ↓ {tile['worsening']} worsening** "
                f"· → {tile['no_change']} no change"
            )
            if tile["red"]:  # one block of links that wrap (a page link cuts a long name mid-word)
                st.markdown(
                    "**Red or amber against target:**\n"
                    + "".join(
                        f"\n- {wording.rag_text(r['rag'])}"
                        + (" · ⚠ no commentary" if r["without_commentary"] else "")
                        + f' — <a href="{html.escape(tables.measure_link(r["measure_id"], period))}" target="_self">'
                        f"{html.escape(r['title'])}</a>"
                        for r in tile["red"]
                    ),
                    unsafe_allow_html=True,
                )
            else:
                st.markdown("No measure is red or amber.")
            st.page_link(  # each measure's summary, reasons and commentary: the theme scorecard, Exceptions
                "pages/theme.py",
                label=f"Open the {tile['title']} scorecard ({tile['exceptions']} exceptions) →",
                query_params={"theme": tile["theme"], "period": period},
                icon=":material/table_chart:",
            )

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
components.financial_position(data.finance_position(period), "all")

st.subheader("Headlines")
st.caption("One sentence per key result, written by the scorecard engine from the figures.")
st.markdown(  # one list, not an element per sentence: fewer elements for the browser to lay out
    "\n".join(
        f"- {wording.rag_text(r['rag'])} · {wording.direction_text(r['direction'])} — {r['summary']} "
        f"{components.marks_markdown(r)}"
        for r in frames.records(views.filter_rows(card, reg, info_type=["key_result"]))
    )
)
