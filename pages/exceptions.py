"""Exceptions (Strategic Performance Group): red/amber, worsening, red-red, missing/stale, exceeding target —
each with its reason, owner and the service's commentary; red or amber measures without commentary flagged."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.present import commentary, tables, views, wording
from ui import components, data, state

reg = data.reg()
period = state.current_period()
card = commentary.attach(data.card(state.AREA, period), data.conversation(period).commentary)
said = card.set_index("measure_id")
found = views.exceptions(card)

st.title(f"Exceptions — {period}")
st.markdown(
    "Measures the Strategic Performance Group should look at: red or amber against target, worsening, "
    "significantly worse than the benchmark **and** worsening (red-red), missing or out-of-date data, and "
    "measures comfortably **exceeding** target."
)

c1, c2, c3 = st.columns(3)
theme_titles = {t.id: t.title for t in reg.themes}
themes = c1.multiselect("Theme", list(theme_titles), format_func=lambda t: theme_titles[t], placeholder="All themes")
owners = c2.multiselect("Owner", sorted(found["metric_responsibility"].dropna().unique()), placeholder="All owners")
headings = list(dict.fromkeys(heading for _, heading in wording.EXCEPTION.values()))
categories = c3.multiselect("Kind of exception", headings, placeholder="All kinds")
found = views.filter_rows(found, reg, themes, metric_responsibility=owners, category=categories)

counts = views.exception_counts(found)
st.markdown(" · ".join(f"**{c}:** {n}" for c, n in counts.items()) or "No exceptions match these filters.")

silent = views.filter_rows(card[card["without_commentary"]], reg, themes, metric_responsibility=owners)
with st.container(border=True):
    st.markdown(
        f"{components.no_commentary_badge()} **{len(silent)} measure(s)** red or amber against target have no "
        f"commentary for {period}: the service has not said what happened or what is being done."
    )
    listed = st.expander(f"The {len(silent)} measure(s)", expanded=len(silent) <= 5)
    for r in silent.to_dict("records"):
        listed.page_link(
            "pages/measure.py",
            label=f"{wording.rag_text(r['rag'])} — {r['title']} (owner: {r['metric_responsibility']})",
            query_params={"measure": r["measure_id"], "period": period},
        )

for category in headings:
    part = found[found["category"] == category]
    if part.empty:
        continue
    st.subheader(f"{category} ({counts[category]})")
    for r in part.drop_duplicates("measure_id").to_dict("records"):
        reasons = "; ".join(part.loc[part["measure_id"] == r["measure_id"], "reason"])
        with st.container(border=True):
            a, b = st.columns([3, 1])
            a.page_link(
                "pages/measure.py", label=r["title"], query_params={"measure": r["measure_id"], "period": period}
            )
            a.markdown(f"{r['summary']} {components.marks_markdown(r)}")
            a.caption(f"**Reason:** {reasons} · **Owner:** {r['metric_responsibility']}")
            with a:
                components.commentary(said.loc[r["measure_id"]].to_dict())
            b.markdown(components.rag_badge(r["rag"]), unsafe_allow_html=True)
            b.markdown(wording.direction_text(r["direction"]))

table = tables.exceptions(found).assign(
    commentary=[tables.commentary_cell(said.loc[m].to_dict()) for m in found["measure_id"]]
)
with st.expander("All exceptions as a table"):
    st.dataframe(table, hide_index=True)
components.csv_download(table, f"sefton_exceptions_{period}.csv", "Download exceptions (CSV)")
