"""Annual actions: the Corporate Plan's priority actions per theme, each with its quarterly update — narrative,
extent of completion and a self-reported status in the council's own key (word + symbol, never colour
alone), and a progress bar with its figure as text. Officers add an update here or with the actions return."""

from ui.shell import ensure_shell

ensure_shell()

import streamlit as st

from scorecard.governance import access
from scorecard.governance import conversation as talk
from scorecard.ingest.conversation import ACTION_STATUSES
from scorecard.present import actions, commentary, wording
from scorecard.store import frames, ledger
from ui import auth, components, data, state

reg = data.reg()
period = state.current_period()
ALL = "all"
themes = [ALL, *[t.id for t in reg.themes]]
theme_id = state.url_select(
    "theme", "Theme", themes, format_func=lambda t: "All themes" if t == ALL else reg.theme(t).title, kind="theme"
)
staff = access.sees_draft(auth.role())
frame = data.progress(period, None if theme_id == ALL else theme_id)

st.title(f"Annual actions — {period}")
st.markdown(
    "The Corporate Plan 2024–27's priority actions (*“Over the course of this plan we will…”*), each updated "
    "every quarter with a narrative, the extent of completion and a self-reported status in the council's key."
)
st.markdown(
    " ".join(components.action_badge(code) for code in actions.STATUS_ORDER)
    + "<br>"
    + " · ".join(wording.action_status_text(code) for code in actions.STATUS_ORDER),
    unsafe_allow_html=True,
)
counts = actions.status_counts(frame)
st.markdown(
    f"**{len(frame)} priority actions:** "
    + "".join(components.action_badge(code, n) for code, n in counts.items() if n),
    unsafe_allow_html=True,
)
if len(frame) and frame["illustrative"].any():
    st.info(
        "**Illustrative updates.** The progress updates marked :orange-badge[Illustrative] are made up for "
        "demonstration until services send their quarterly actions return. Do not quote them.",
        icon="ℹ️",
    )
if "action_saved" in st.session_state:
    st.success(st.session_state.pop("action_saved"))

for theme in reg.themes:
    if theme_id not in (ALL, theme.id):
        continue
    st.subheader(theme.title)
    part = frame[frame["theme"] == theme.id] if len(frame) else frame
    if part.empty:
        st.caption("The Corporate Plan lists no priority actions for this theme.")
        continue
    for r in frames.records(part):
        with st.container(border=True):
            left, right = st.columns([3, 1])
            left.markdown(f"**{components.literal(r['title'])}**")
            left.caption(r["plan_reference"])
            right.markdown(components.action_badge(r["status"]), unsafe_allow_html=True)
            if r["percent_complete"] is not None and r["status"] != "no_update":
                right.markdown(components.action_progress(r["percent_complete"], r["status"]), unsafe_allow_html=True)
            if r["narrative"]:
                left.text(r["narrative"])
                left.markdown(components.conversation_marks(r) + " " + components.literal(commentary.written_line(r)))
            else:
                left.caption(f"{wording.ACTION_STATUS['no_update'][2]} ({period}).")

table = actions.table(frame)
with st.expander("All actions as a table"):
    st.dataframe(table, hide_index=True)
components.csv_download(table, f"sefton_annual_actions_{period}.csv", "Download the actions (CSV)")

if staff:
    st.subheader(f"Update an action for {period}")
    choices = frame["action_id"].tolist()
    chosen = st.selectbox("Priority action", choices, format_func=lambda a: reg.action(a).title, key="action_choice")
    if chosen:
        now = frame.set_index("action_id").loc[chosen]
        versions = talk.history(ledger.ACTION_UPDATES, chosen, period)
        with st.form(f"action-{chosen}-{period}"):
            status = st.selectbox(
                "Status",
                ACTION_STATUSES,
                index=ACTION_STATUSES.index(now["status"]) if now["status"] in ACTION_STATUSES else 2,
                format_func=wording.action_status_text,
            )
            percent = st.number_input(
                "% complete",
                min_value=0,
                max_value=100,
                step=5,
                value=int(now["percent_complete"]) if now["status"] != "no_update" else 0,
            )
            narrative = st.text_area(
                "Progress this quarter", value=now["narrative"], height=120, help=components.length_help("narrative")
            )
            if st.form_submit_button("Save update", type="primary"):
                try:
                    saved = talk.save_action_update(
                        data.context(),
                        chosen,
                        period,
                        {"status": status, "percent_complete": percent, "narrative": narrative},
                        auth.user_name(),
                    )
                except talk.ConversationError as err:
                    st.error("Not saved: " + "; ".join(f"{c.replace('_', ' ')}: {m}" for c, m in err.problems))
                else:
                    st.session_state["action_saved"] = f"Saved update version {int(saved['version'])} for {chosen}."
                    st.rerun()
        if len(versions):
            with st.expander(f"Every version for {period} ({len(versions)}) — nothing is overwritten"):
                st.dataframe(
                    versions[["version", "written_at", "author", "status", "percent_complete", "narrative"]],
                    hide_index=True,
                )
