"""Scrutiny recommendations: what Overview and Scrutiny recommended or asked about a measure, a priority action
or a theme, and the owner's response and status. A councillor with the scrutiny duty records one; an Assistant
or Executive Director answers it; the public read the list frozen with a published quarter
(:mod:`scorecard.governance.recommendations`)."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.governance import access
from scorecard.governance import recommendations as scrutiny
from scorecard.present import tables, wording
from scorecard.register import plan
from scorecard.store import storage
from ui import auth, components, data, state

reg = data.reg()
period = state.current_period()
role, held = auth.role(), auth.duties()
FLASH = "scrutiny-flash"

st.title("Scrutiny recommendations")
st.markdown(
    f"Recommendations and questions from Overview and Scrutiny on the CPOR, raised at or before **{period}**, "
    "with the response of the measure's, action's or theme's owner."
    + (
        ""
        if access.reads_recommendations_live(role, data.publication_states().get(period, access.DRAFT))
        else " As they stood when the quarter was published."
    )
)
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))
found = data.recommendations(period)
shown = tables.recommendations(found, reg)
if shown.empty:
    st.caption(f"No recommendation or question has been recorded at or before {period}.")
else:
    left, right = st.columns(2)
    statuses = ["Any status", *[wording.SCRUTINY_STATUS[s] for s in (scrutiny.OPEN, *scrutiny.RESPONSES)]]
    status = left.selectbox("Status", statuses, key=f"scrutiny-status-{period}")
    kinds = ["Measures, actions and themes", *wording.SCRUTINY_SUBJECT.values()]
    about = right.selectbox("About", kinds, key=f"scrutiny-about-{period}")
    if status != statuses[0]:
        shown = shown[shown["Status"] == status]
    if about != kinds[0]:
        shown = shown[shown["About"].str.startswith(f"{about}: ")]
    st.caption(f"{len(shown)} of {len(found)} shown.")
    components.scrutiny_items(shown)
    components.csv_download(
        shown, f"sefton_scrutiny_{period.replace('/', '-').replace(' ', '_')}.csv", "Download the list (CSV)"
    )

if scrutiny.RAISED_BY in held:
    st.subheader("Record a recommendation or question")
    kind_of = st.radio(
        "About a",
        list(wording.SCRUTINY_SUBJECT),
        format_func=wording.SCRUTINY_SUBJECT.get,
        horizontal=True,
        key="scrutiny-subject-kind",
    )
    titles = plan.titles(reg, kind_of)
    with st.form("scrutiny-raise", clear_on_submit=True):
        subject = st.selectbox(
            wording.SCRUTINY_SUBJECT[kind_of], list(titles), format_func=lambda i: titles[i], index=None
        )
        kind = st.radio("Type", scrutiny.KINDS, format_func=str.capitalize, horizontal=True)
        words = st.text_area("Recommendation or question", max_chars=scrutiny.TEXT_LIMIT)
        if st.form_submit_button("Record it", type="primary"):
            try:
                if subject is None:
                    raise scrutiny.RecommendationError(f"choose the {wording.SCRUTINY_SUBJECT[kind_of].lower()}")
                written = scrutiny.raise_(
                    data.context(), period, kind_of, subject, kind, words, auth.user_name(), "scrutiny"
                )
            except (scrutiny.RecommendationError, storage.WriteError) as err:
                st.error(str(err))
            else:
                st.session_state[FLASH] = f"Recorded as {written['rec_id']} (in the audit log)."
                st.rerun()

duties = {  # each recommendation this person may answer → the duty they answer it under (none: no form)
    r.rec_id: duty for r in found.itertuples() if (duty := scrutiny.answerer(held, r.subject_kind, r.subject_id, reg))
}
if duties:
    st.subheader("Answer a recommendation or question")
    refs = {r.rec_id: r.text for r in found.itertuples() if r.rec_id in duties}
    with st.form("scrutiny-respond", clear_on_submit=True):
        rec = st.selectbox("Recommendation", list(refs), format_func=lambda r: f"{r}: {refs[r][:80]}", index=None)
        answer = st.selectbox(
            "Status", list(scrutiny.RESPONSES), format_func=lambda code: wording.SCRUTINY_STATUS[code]
        )
        words = st.text_area("Response", max_chars=scrutiny.TEXT_LIMIT)
        if st.form_submit_button("Answer", type="primary"):
            try:
                if rec is None:
                    raise scrutiny.RecommendationError("choose the recommendation")
                written = scrutiny.respond(data.context(), rec, answer, words, auth.user_name(), duties[rec])
            except (scrutiny.RecommendationError, storage.WriteError) as err:
                st.error(str(err))
            else:
                st.session_state[FLASH] = f"{rec}: {wording.SCRUTINY_STATUS[written['status']]} (in the audit log)."
                st.rerun()
