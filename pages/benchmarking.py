"""Benchmarking: where Sefton stands on every ranked measure within a chosen comparator group, and one
measure across all the group's members. No composite league table of councils."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.present import tables, views, wording
from scorecard.store.geography import GROUP_LABELS
from ui import charts, components, data, state

reg = data.reg()
period = state.current_period()
group = state.url_select(
    "group",
    "Comparator group",
    list(GROUP_LABELS),
    default="cipfa_nn",
    format_func=tables.group_name,
    kind="comparator group",
)
card = data.card(state.AREA, period, group)
spine = views.spine(card)

st.title(f"Benchmarking — Sefton and the {tables.group_name(group)}")
st.markdown(
    f"Where Sefton ranks on each measure with published figures for other councils ({len(spine)} of "
    f"{len(card)} measures), using the latest figure up to **{period}**. Right = better than the group; "
    "left = worse. This is not a league table: councils are compared measure by measure only."
)

theme_titles = {t.id: t.title for t in reg.themes}
chosen = st.multiselect("Themes", list(theme_titles), format_func=lambda t: theme_titles[t], placeholder="All themes")
spine = views.filter_rows(spine, reg, chosen)

if len(spine):
    fig, alt = charts.positions(spine, group)
    components.chart(fig, alt, tables.positions(spine), key="spine", table_title="Table: Sefton's rank on each measure")
else:
    st.info("No measure has comparable figures for this group.")

st.subheader("One measure across the group")
ranked = list(dict.fromkeys(spine["measure_id"])) or [m.id for m in reg.measures]
measure_id = state.url_select(
    "measure", "Measure", ranked, format_func=lambda i: reg.measure(i).title, kind="measure in this comparison"
)
m = reg.measure(measure_id)
row = card.set_index("measure_id").loc[measure_id]
members = data.members(measure_id, state.AREA, group, period).dropna(subset=["value"])
unit, decimals, per = tables.compared(m, members)  # a count compared as a rate: every council's rate
table = tables.members(members, unit, decimals)
if len(members) > charts.MOST_BARS:
    st.caption(f"{len(members)} councils — too many for a readable chart; the table lists them all.")
    st.dataframe(table, hide_index=True)
elif len(members):
    named = f"{m.title} {per}".strip()
    heading = f"{named}, {row['period_label']} ({wording.group_order(unit, m.polarity)})"
    fig, alt = charts.group_bars(members, m.title, unit, decimals, group, heading)
    components.chart(fig, alt, table, key="members")
else:
    components.nothing_to_show(f"no figures for {m.title} across the {tables.group_name(group)}")
st.page_link(
    "pages/measure.py",
    label=f"Open the full page for {m.title} →",
    query_params={"measure": measure_id, "period": period or "", "group": group},
)
components.csv_download(table, f"sefton_{measure_id}_{group}.csv", "Download (CSV)")
