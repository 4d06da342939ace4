"""Measure page: trend with target, confidence band, England and comparator median; benchmark against the
group's members; full definition and lineage; every figure shown, downloadable."""

from ui.shell import ensure_shell

ensure_shell()

import pandas as pd
import streamlit as st

from scorecard.governance import access
from scorecard.governance import conversation as talk
from scorecard.present import commentary, conversation, risks, tables, wording
from scorecard.store import frames, ledger
from scorecard.store.geography import GROUP_LABELS
from ui import auth, charts, components, data, state

reg = data.reg()
period = state.current_period()
ids = [m.id for m in reg.measures]
left, right = st.columns([3, 2])
measure_id = state.url_select(
    "measure", "Measure", ids, format_func=lambda i: reg.measure(i).title, container=left, kind="measure"
)
m = reg.measure(measure_id)
group = state.url_select(
    "group",
    "Compare with",
    list(GROUP_LABELS),
    default=m.benchmark_group,
    format_func=tables.group_name,
    container=right,
    kind="comparator group",
)
card = data.said(state.AREA, period, group)
row = frames.records(card[card["measure_id"] == measure_id])[0]

st.title(m.title)
themes = " · ".join(reg.theme(t).title for t in m.themes)
st.markdown(
    f"{themes} · {wording.INFO_TYPE[m.info_type]} · reporting quarter {period} {components.marks_markdown(row)}"
)
if m.source.match == "proxy":
    st.warning(
        f"**Proxy measure.** No published figure matches this measure exactly, so it is shown using "
        f"published data on **{m.source.proxy_for.rstrip('.')}**.",
        icon="🔁",
    )
if m.framework_polarity != m.polarity:
    st.warning(
        f"**Polarity differs from the framework.** The framework's scorecard says "
        f"“{wording.POLARITY[m.framework_polarity].lower()}”; this proxy is judged as "
        f"“{wording.POLARITY[m.polarity].lower()}”, because that is what it actually measures. See the caveats.",
        icon="↕️",
    )
if row["status"] == "illustrative":
    st.warning(
        "**Illustrative figures.** This measure comes from council systems; the figures shown are "
        "made-up demonstration values until the service sends its quarterly return.",
        icon="⚠️",
    )
st.markdown(f"**{row['summary']}**")
if m.source.match != "none":
    expected = data.release_calendar().set_index("measure_id")
    if measure_id in expected.index:
        st.markdown(f"**Next figures:** {expected.loc[measure_id, 'expected']}")

cols = st.columns(4)
cols[0].metric(f"Sefton, {row['period_label'] if pd.notna(row['period_label']) else 'no data'}", tables.value_text(row))
cols[1].metric("Target", wording.format_value(row["target"], m.unit, m.decimals))
cols[2].metric("England", wording.format_value(row["england_value"], m.unit, m.decimals))
cols[3].metric("Rank (1 = best)", tables.rank_text(row) or "–", help=f"Among Sefton and the {tables.group_name(group)}")
st.markdown(
    f"{components.rag_badge(row['rag'])} {wording.RAG[row['rag']][2]}. {tables.direction_sentence(row)} "
    f"Recent trend: {tables.trend_text(row)}. "
    f"Compared with the group median (Sefton excluded): {wording.significance_text(row)}.",
    unsafe_allow_html=True,
)

if tables.forecast_text(row):
    st.markdown(f"**Year-end forecast:** {tables.forecast_text(row)}.")
    if pd.notna(row.get("forecast_method")):
        st.caption(
            f"Forecast from {wording.FORECAST_METHOD[row['forecast_method']]}, with its 80% prediction interval: "
            f"{wording.FORECAST_RULE}."
        )
# ---- commentary and corrective action ---------------------------------------------------------------------
staff = access.sees_draft(auth.role())
st.subheader(f"Commentary and corrective action — {period}")
if "commentary_saved" in st.session_state:
    st.success(st.session_state.pop("commentary_saved"))
components.commentary(row, staff=staff)
if not row["narrative"] and not row["without_commentary"]:
    st.caption(f"No commentary for {period}." + ("" if staff else " Commentary appears here when it is published."))
if staff:
    draft = commentary.auto_draft(row)
    with st.expander("Technical commentary — auto-drafted from the scorecard's judgements"):
        st.markdown(components.literal(draft))
        st.caption(
            "Written by the scorecard from the figures (change, trend, target gap, neighbours, England). The form "
            "below starts from it: edit it into the service's narrative. Saved unedited, it stays marked "
            "*Auto-drafted* and is never published as the service's narrative."
        )
    versions = talk.history(ledger.COMMENTARY, measure_id, period)
    if len(versions):
        with st.expander(f"Every version for {period} ({len(versions)}) — nothing is overwritten"):
            st.dataframe(
                versions[
                    ["version", "written_at", "author", "narrative", "corrective_action", "action_owner", "due_date"]
                ].assign(notes=[", ".join(commentary.marks(v)) for v in frames.records(versions)]),
                hide_index=True,
            )
    with st.form(f"commentary-{measure_id}-{period}"):
        st.markdown(f"**Write the commentary for {period}** (plain text; saved as a new version)")
        narrative = st.text_area(
            "What happened and why",
            value=row["narrative"] or draft,
            height=170,
            help=components.length_help("narrative"),
        )
        corrective = st.text_area(
            "Corrective action — what is being done",
            value=row["corrective_action"],
            height=90,
            help=components.length_help("corrective_action"),
        )
        left_box, right_box = st.columns(2)
        owner = left_box.text_input(
            "Action owner (a role, e.g. Service Manager)",
            value=row["action_owner"],
            help=components.length_help("action_owner"),
        )
        due = right_box.text_input("Due date (e.g. 2026-06-30)", value=row["due_date"])
        buttons = st.container(horizontal=True)  # each button as wide as its label (a column cut it)
        preview = buttons.form_submit_button("Preview")
        save = buttons.form_submit_button("Save commentary", type="primary")
    if preview:
        with st.container(border=True):
            st.caption("Preview — as readers will see it")
            components.commentary(
                {"narrative": narrative, "corrective_action": corrective, "action_owner": owner, "due_date": due}
            )
    if save:
        try:
            saved = talk.save_commentary(
                data.context(),
                measure_id,
                period,
                {"narrative": narrative, "corrective_action": corrective, "action_owner": owner, "due_date": due},
                auth.user_name(),
                auto_draft=draft,
            )
        except talk.ConversationError as err:
            st.error("Not saved: " + "; ".join(f"{c.replace('_', ' ')}: {m}" for c, m in err.problems))
        else:
            st.session_state["commentary_saved"] = f"Saved as version {int(saved['version'])} by {saved['author']}" + (
                " — unedited, so marked auto-drafted." if saved["auto_drafted"] else "."
            )
            st.rerun()

# ---- risks linked to the measure -------------------------------------------------------------------------
threats = risks.linked(risks.held(reg, data.conversation(period).risks), measures=[measure_id])
if len(threats):
    st.subheader(f"Risks linked to this measure ({len(threats)})")
    components.risk_lines(threats)

# ---- Overview and Scrutiny --------------------------------------------------------------------------------
asked = data.recommendations(period)
asked = asked[(asked["subject_kind"] == "measure") & (asked["subject_id"] == measure_id)]
if len(asked):
    st.subheader(f"Scrutiny recommendations on this measure ({len(asked)})")
    components.scrutiny_items(tables.recommendations(asked, reg))
    st.page_link("pages/scrutiny.py", label="Every scrutiny recommendation and question", icon=":material/gavel:")

# ---- time series -----------------------------------------------------------------------------------------
series = data.series(measure_id, state.AREA, group, period)
st.subheader("Trend")
if series["value"].notna().any() or series["england_value"].notna().any():
    fig, alt = charts.trend(series, row, m.title, m.unit, group)
    components.chart(fig, alt, tables.trend(series, m.unit, m.decimals, group), key="trend")
else:
    components.nothing_to_show("no trend figures for this measure up to this quarter")

# ---- benchmark -------------------------------------------------------------------------------------------
st.subheader(f"Sefton and the {tables.group_name(group)}")
members = data.members(measure_id, state.AREA, group, period)
shown = members.dropna(subset=["value"])
if len(shown) > 1:
    unit, decimals, per = tables.compared(m, shown)  # a count compared as a rate: its rates, and no England count
    table = tables.members(shown, unit, decimals)
    if len(shown) > charts.MOST_BARS:
        st.caption("Many councils: showing the table only; the chart would be unreadable.")
        st.dataframe(table, hide_index=True)
    else:
        heading = f"{members['period_label'].iloc[0]}, {wording.group_order(unit, m.polarity)}"
        heading = f"{per}, {heading}" if per else heading
        england = None if per else row["england_value"]
        fig, alt = charts.group_bars(shown, m.title, unit, decimals, group, heading, england)
        components.chart(fig, alt, table, key="benchmark")
else:
    components.nothing_to_show("no comparable figures from other councils for this measure and quarter")

# ---- definition --------------------------------------------------------------------------------------------
st.subheader("Definition and source")
st.markdown("  \n".join(tables.definition_lines(m, reg, row.get("batch_id"))))
if m.caveats:
    st.markdown("**Caveats:**\n" + "\n".join(f"- {c}" for c in m.caveats))

# ---- every figure shown ------------------------------------------------------------------------------------
st.subheader("Every figure on this page")
figures = series.drop(columns=["period_start", "period_end"]).assign(measure_id=measure_id, area="Sefton")
if staff:  # the notes sent with returned figures (officers' notes are not published)
    figures = figures.merge(conversation.figure_notes(measure_id, state.AREA), on="period_label", how="left")
st.dataframe(figures, hide_index=True, column_config=tables.FIGURE_COLUMNS)
components.csv_download(figures, f"sefton_{measure_id}.csv", "Download trend figures (CSV)", key="dl_series")
components.csv_download(
    members, f"sefton_{measure_id}_{group}.csv", "Download comparator figures (CSV)", key="dl_members"
)
