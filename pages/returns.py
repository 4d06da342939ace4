"""Returns (staff): what the reporting quarter still owes — each measure's workflow state, the step it waits for
(submit by the data owner, check by BI, sign-off by the Assistant Director), when that step is due and how late
it is — by directorate and owner post, with the chase list to download. Steps are taken with
``python -m scorecard workflow``; the public sees none of the workflow."""

from ui.shell import ensure_shell

ensure_shell()

from datetime import date

import streamlit as st

from scorecard.governance import access, returns
from scorecard.register import calendar
from ui import auth, components, data, state

st.title("Returns")
if not access.sees_draft(auth.role()):
    st.error("The quarter's returns and sign-off are for council staff.")
    st.stop()

period = state.current_period()
dates = calendar.quarter(data.reg(), period)
table = returns.status(period, date.today())
waiting = returns.outstanding(table)
st.markdown(
    f"**{period}** — returns due {dates.returns_due:%d %B %Y}, quality assurance by BI by {dates.qa_due:%d %B}, "
    f"sign-off by the Assistant Directors by {dates.sign_off_due:%d %B}; the CPOR goes to Cabinet in "
    f"{dates.cabinet_month:%B %Y} (strategic planning cycle)."
)
left, middle, right = st.columns(3)
left.metric("Outstanding", f"{len(waiting)} of {len(table)}")
middle.metric("Overdue", int((waiting["days_overdue"] > 0).sum()))
right.metric("Signed off", len(table) - len(waiting))
directorates = ["All directorates", *sorted(set(waiting["directorate"]))]
chosen = st.selectbox("Directorate", directorates, key=f"returns-directorate-{period}")
shown = waiting if chosen == directorates[0] else waiting[waiting["directorate"] == chosen]
labels = {
    "title": "Measure",
    "directorate": "Directorate",
    "owner": "Owner (post)",
    "state": "State",
    "next_step": "Next step",
    "taken_by": "Taken by",
    "due": "Due",
    "days_overdue": "Days overdue",
}
view = shown[list(labels)].rename(columns=labels)
view["State"] = view["State"].str.replace("_", " ")
view["Next step"] = view["Next step"].str.replace("_", " ")
st.dataframe(view, hide_index=True, column_config={"Measure": st.column_config.TextColumn(width="large")})
components.csv_download(
    shown, f"sefton_returns_{period.replace('/', '-').replace(' ', '_')}.csv", "Download the chase list (CSV)"
)
st.caption(
    "A step is recorded with who took it and when, in the audit log: `python -m scorecard workflow submit|check|"
    "sign_off|step_back --measure ID --period QUARTER --duty data_owner|bi|assistant_director`. Red or amber "
    "measures are signed off only once their commentary is written."
)
