"""Quarterly Service Report (QSR) for a directorate or a Cabinet portfolio (framework, seed 001 ~1731, ~1834):
its measures, exceptions with the service's commentary, progress on its priority actions, its budget service
lines and the risks linked to them — the same content as ``python -m scorecard export --directorate ID``."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.present import actions, risks, tables, views, wording
from scorecard.register import plan
from scorecard.store import frames
from ui import components, data, state

reg = data.reg()
period = state.current_period()
left, right = st.columns(2)
kind = state.url_select(
    "kind", "Report for", list(plan.KINDS), format_func=lambda k: plan.KIND_LABELS[k], container=left, kind="kind"
)
owners = {s.id: s for s in plan.scopes(reg, kind)}
scope = owners[
    state.url_select(
        kind, plan.KIND_LABELS[kind], list(owners), format_func=lambda i: owners[i].title, container=right, kind=kind
    )
]
talk = data.conversation(period)
card = data.said(state.AREA, period)
part = card[card["measure_id"].isin(scope.measures)]

st.title(f"Quarterly Service Report — {scope.title}, {period}")
st.caption(
    components.literal(
        f"{scope.label} · led by {scope.post} · themes: "
        + (", ".join(reg.theme(t).title for t in scope.themes) or "none of its own")
        + f" · why these: {scope.basis}"
    )
)

st.subheader(f"Measures ({len(part)})")
if part.empty:
    st.markdown("The register records no measure as this report's.")
else:
    components.measure_counts(part)
    table = tables.scorecard(part, period)
    st.dataframe(table, hide_index=True, column_config=components.scorecard_column_config())
    components.csv_download(table, f"sefton_qsr_{scope.kind}_{scope.id}_{period}.csv", "Download the measures (CSV)")

found = views.exception_list(part)
st.subheader(f"Exceptions ({len(found)})")
said = {r["measure_id"]: r for r in frames.records(part)}
held = risks.held(reg, talk.risks)
for r in frames.records(found):
    with st.container(border=True):
        st.page_link("pages/measure.py", label=r["title"], query_params={"measure": r["measure_id"], "period": period})
        st.markdown(
            f"{components.rag_badge(r['rag'])} {wording.direction_text(r['direction'])} · **Why this is here:** "
            f"{r['why']}. {r['summary']} {components.marks_markdown(r)}",
            unsafe_allow_html=True,
        )
        components.commentary(said[r["measure_id"]])
        components.risk_lines(risks.linked(held, measures=[r["measure_id"]]))
if found.empty:
    st.markdown("No measure of this report is an exception this quarter.")

progress = data.progress(period)
progress = progress[progress["action_id"].isin(scope.actions)] if len(progress) else progress
st.subheader(f"Priority actions ({len(progress)})")
if progress.empty:
    st.markdown("The register records no priority action as this report's.")
else:
    st.markdown(
        "".join(components.action_badge(c, n) for c, n in actions.status_counts(progress).items() if n),
        unsafe_allow_html=True,
    )
    st.dataframe(actions.table(progress), hide_index=True)
    if progress["illustrative"].any():
        st.caption(":orange-badge[Illustrative] The action updates shown are made up for demonstration.")

st.subheader("Financial position")
components.financial_position(data.finance_position(period, scope.service_lines), f"{scope.kind}_{scope.id}")

linked = risks.linked(held, scope.measures, scope.actions)
st.subheader(f"Risks ({len(linked)})")
if linked.empty:
    st.markdown("No risk held is linked to this report's measures or priority actions.")
else:
    st.dataframe(risks.table(linked, reg), hide_index=True)
    if linked["illustrative"].all():
        st.caption("There is no public risk register: these risks are illustrative, made up for demonstration.")

st.page_link(
    "pages/golden_thread.py",
    label="See the golden thread →",
    query_params={"period": period},
    icon=":material/account_tree:",
)
components.pack_downloads(period, scope=scope)
