"""Exceptions (Strategic Performance Group): the measures that are really exceptional this quarter, most
severe first — one card per measure with all its reasons, its owner, a one-line "why this is here" and the
service's commentary; red or amber measures without commentary flagged."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.evaluation.judgements import exceptions as exception_rules
from scorecard.present import tables, views, wording
from scorecard.store import frames
from ui import components, data, state

reg = data.reg()
period = state.current_period()
card = data.said(state.AREA, period)
found = views.exception_list(card)
said = {r["measure_id"]: r for r in frames.records(card[card["measure_id"].isin(found["measure_id"])])}
counts = views.rule_counts(card, reg)

st.title(f"Exceptions — {period}")
tiers = found["exception_tier"].value_counts()
st.markdown(
    f"**{len(found)} of {len(card)} measures** are exceptions this quarter under the register's exception policy "
    "(reporting to the Strategic Performance Group is by exception): "
    + ", ".join(f"**{tiers.get(code, 0)}** {wording.TIER[code][0].lower()}" for code in exception_rules.TIERS)
    + ". Each measure is listed once, in its tier, most severe first, with every reason it is here."
)
st.markdown(" · ".join(f"{wording.exception_text(code)}: **{n}**" for code, n in counts.items()))

c1, c2, c3 = st.columns(3)
theme_titles = {t.id: t.title for t in reg.themes}
themes = c1.multiselect("Theme", list(theme_titles), format_func=lambda t: theme_titles[t], placeholder="All themes")
owners = c2.multiselect("Owner", sorted(found["metric_responsibility"].dropna().unique()), placeholder="All owners")
rules = c3.multiselect("Reason", list(counts), format_func=wording.exception_text, placeholder="All reasons")
shown = views.filter_rows(found, reg, themes, metric_responsibility=owners)
if rules:
    shown = shown[shown["exception_reasons"].map(lambda codes: bool(set(codes) & set(rules)))]

silent = views.filter_rows(card[card["without_commentary"]], reg, themes, metric_responsibility=owners)
with st.container(border=True):
    st.markdown(
        f"{components.no_commentary_badge()} **{len(silent)} measure(s)** red or amber against target have no "
        f"commentary for {period}: the service has not said what happened or what is being done."
    )
    listed = st.expander(f"The {len(silent)} measure(s)", expanded=len(silent) <= 5)
    for r in frames.records(silent):
        listed.page_link(
            "pages/measure.py",
            label=f"{wording.rag_text(r['rag'])} — {r['title']} (owner: {r['metric_responsibility']})",
            query_params={"measure": r["measure_id"], "period": period},
        )

if shown.empty:
    st.info("No exceptions match these filters.")
for code in exception_rules.TIERS:
    rows = frames.records(shown[shown["exception_tier"] == code])
    heading, what = wording.TIER[code]
    if code == "for_decision":  # read first, in full: what happened, what is being done
        st.subheader(f"{heading} ({len(rows)})")
        st.caption(f"{what[0].upper()}{what[1:]}.")
        for r in rows:
            with st.container(border=True):
                a, b = st.columns([3, 1])
                a.page_link(
                    "pages/measure.py", label=r["title"], query_params={"measure": r["measure_id"], "period": period}
                )
                a.markdown(f"**Why this is here:** {r['why']}. {r['summary']} {components.marks_markdown(r)}")
                a.caption(f"**Reasons:** {'; '.join(r['reasons'])} · **Owner:** {r['metric_responsibility']}")
                with a:
                    components.commentary(said[r["measure_id"]])
                b.markdown(components.rag_badge(r["rag"]), unsafe_allow_html=True)
                b.markdown(wording.direction_text(r["direction"]))
        continue
    with st.expander(f"{heading} ({len(rows)}): {what}"):  # the other tiers collapsed, one entry each
        for r in rows:
            st.page_link(
                "pages/measure.py",
                label=f"{wording.rag_text(r['rag'])} — {r['title']}",
                query_params={"measure": r["measure_id"], "period": period},
            )
            st.caption(f"{r['why']} · **Owner:** {r['metric_responsibility']} {components.marks_markdown(r)}")

found_rows = views.exceptions(views.filter_rows(card, reg, themes, metric_responsibility=owners))
table = tables.exceptions(found_rows).assign(
    commentary=[tables.commentary_cell(said[m]) for m in found_rows["measure_id"]]
)
with st.expander("All exceptions as a table (one row per reason)"):
    st.dataframe(table, hide_index=True)
components.csv_download(table, f"sefton_exceptions_{period}.csv", "Download exceptions (CSV)")
