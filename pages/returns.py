"""Returns (staff): what the reporting quarter still owes — each measure's (or priority action's) workflow state,
the step it waits for
(submit by the data owner, check by BI, sign-off by the Assistant Director), when that step is due and how late
it is — by directorate and owner post, with the chase list to download — and, for staff whose sign-in carries a
workflow duty, the buttons that take their steps (submit, check, sign off, step back, and BI's "not signed off"
with its reason), as ``python -m scorecard workflow`` does. The public and
members see none of the workflow."""

from ui.shell import ensure_shell

ensure_shell()

from datetime import date

import pandas as pd
import streamlit as st

from scorecard.governance import access, audit_sample, qa, returns, workflow
from scorecard.present import wording
from scorecard.register import calendar
from scorecard.store import periods, storage
from ui import auth, components, data, state

st.title("Returns")
if not access.sees_draft(auth.role()):
    st.error("The quarter's returns and sign-off are for council staff.")
    st.stop()

period = state.current_period()
FLASH = "returns-flash"
if FLASH in st.session_state:  # the step just taken, said after the rerun that shows its new state
    st.success(st.session_state.pop(FLASH))
dates = calendar.quarter(data.reg(), period)
everything = returns.status(data.context(), period, date.today())
st.markdown(
    f"**{period}** — returns due {dates.returns_due:%d %B %Y}, quality assurance by BI by {dates.qa_due:%d %B}, "
    f"sign-off by the Assistant Directors by {dates.sign_off_due:%d %B}; the CPOR goes to Cabinet in "
    f"{dates.cabinet_month:%B %Y} (strategic planning cycle)."
)
NOUN = {kind: wording.SCRUTINY_SUBJECT[kind] for kind in workflow.KINDS}  # Measure, Priority action
kind = st.radio(
    "Returns of", list(NOUN), format_func=lambda k: f"{NOUN[k]}s", horizontal=True, key=f"returns-kind-{period}"
)
table = everything[everything["item_kind"] == kind].reset_index(drop=True)
waiting = returns.outstanding(table)
left, middle, right = st.columns(3)
left.metric("Outstanding", f"{len(waiting)} of {len(table)}")
middle.metric("Overdue", int((waiting["days_overdue"] > 0).sum()))
right.metric("Signed off", len(table) - len(waiting))
directorates = ["All directorates", *sorted(set(waiting["directorate"]))]
chosen = st.selectbox("Directorate", directorates, key=f"returns-directorate-{period}")
shown = waiting if chosen == directorates[0] else waiting[waiting["directorate"] == chosen]
labels = {  # what to do first, then whose it is; the measure's or action's name pinned and never cut short
    "title": NOUN[kind],
    "days_overdue": "Days overdue",
    "next_step": "Next step",
    "taken_by": "Taken by",
    "due": "Due",
    "state": "State",
    "owner": "Owner (post)",
    "directorate": "Directorate",
}
view = shown[list(labels)].rename(columns=labels)
view["State"] = view["State"].str.replace("_", " ")
view["Next step"] = view["Next step"].str.replace("_", " ")
st.dataframe(
    view,
    hide_index=True,
    column_config={
        NOUN[kind]: st.column_config.TextColumn(width="large", pinned=True),
        "Owner (post)": st.column_config.TextColumn(width="large"),
    },
)
components.csv_download(
    shown, f"sefton_returns_{kind}s_{period.replace('/', '-').replace(' ', '_')}.csv", "Download the chase list (CSV)"
)
held = auth.duties()
if audit_sample.AUDIT in {access.duty_name(d) for d in held}:  # the Audit team's yearly sample, with lineage
    st.subheader("Audit sample")
    year = periods.financial_year(periods.parse_label(period).seq // 4).label
    left, right = st.columns(2)
    size = left.number_input("How many KPIs", min_value=1, max_value=30, value=10, key="audit-size")
    seed = right.number_input("Seed (the same seed draws the same sample)", min_value=0, value=1, key="audit-seed")
    ctx = data.context()  # resolved in the page run: the download is built after it
    st.download_button(
        f"Download the {year} audit sample (XLSX)",
        lambda: audit_sample.book(ctx, year, int(size), int(seed))[0],
        file_name=f"sefton_audit_sample_{year.replace('/', '-')}_seed{int(seed)}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/download:",
    )
st.subheader("Record a step")
if not held:
    st.caption(
        "Steps are taken by the data owner (submit), the Business Intelligence team (check) and the Assistant "
        "Director (sign off): your sign-in carries none of these duties."
    )
    st.stop()
titles = dict(zip(table["item_id"], table["title"]))
chosen_id = st.selectbox(
    NOUN[kind],
    list(titles),
    format_func=lambda item_id: titles[item_id],
    key=f"returns-{kind}-{period}",
    index=None,
)
if chosen_id is None:
    st.stop()
row = table.set_index("item_id").loc[chosen_id]
now = str(row["state"])
step = row["next_step"] if pd.notna(row["next_step"]) else None
st.markdown(f"**State:** {now.replace('_', ' ')}" + (f" · next: {step.replace('_', ' ')}" if step else ""))
if step == "check" and kind == "measure":  # BI's checklist before the check is recorded
    checks = qa.checklist(data.context(), chosen_id, period, card=data.card(state.AREA, period))  # cached card
    st.markdown("**Quality-assurance checklist**")
    checks["result"] = checks["result"].map(wording.QA_RESULT)
    st.dataframe(checks.rename(columns=str.capitalize), hide_index=True)
reason = st.text_input(
    "Reason (needed to step back, or to list it as not signed off)",
    key=f"returns-reason-{period}-{chosen_id}",
    help=f"At most {workflow.REASON_LIMIT:,} characters.",
)
reg = data.reg()
possible = [(step, step.replace("_", " ").capitalize())] if step else []
if now != workflow.STATES[0]:
    possible.append((workflow.STEP_BACK, "Step back"))
if now != workflow.STATES[-1]:  # BI: to Cabinet unsigned, and why
    possible.append((workflow.NOT_SIGNED_OFF, "Not signed off"))
buttons = []
for name, label in possible:
    if duty := workflow.duty_for(held, name, chosen_id, reg, kind):
        buttons.append((name, duty, label))
if not buttons:
    st.caption(f"The next step is not yours to take (your duties: {', '.join(sorted(held)).replace('_', ' ')}).")
for column, (name, duty, label) in zip(st.columns(max(len(buttons), 1)), buttons):
    if column.button(label, key=f"returns-{name}-{period}-{chosen_id}"):
        try:
            written = workflow.take(data.context(), name, chosen_id, period, auth.user_name(), duty, reason, kind)
        except (workflow.WorkflowError, storage.WriteError) as err:  # a refused step, or a disk that refused it
            st.error(str(err))
        else:
            said = "listed as not signed off" if name == workflow.NOT_SIGNED_OFF else written["state"].replace("_", " ")
            st.session_state[FLASH] = f"{titles[chosen_id]}: {said} (in the audit log)."
            st.rerun()
