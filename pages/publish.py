"""Publish a quarter (admins): release a quarter to councillors ahead of the meeting, or publish it with the
CPOR — freezing an immutable snapshot the public will see. Every action goes to the audit log."""

from ui.shell import ensure_shell

ensure_shell()

import pandas as pd
import streamlit as st

from scorecard.governance import access, audit, publish
from scorecard.present import wording
from scorecard.store import storage
from ui import auth, data, state

st.title("Publish a quarter")
if not access.can_publish(auth.role()):
    st.error("Only administrators can publish a quarter.")
    st.stop()

st.markdown(
    "Publishing freezes the quarter's evaluated scorecard — with its commentary, annual-action updates and the "
    "targets in force — in a snapshot that is never rewritten: the public "
    "and councillors then see exactly those figures, and any later revision is shown beside them as "
    "*revised since publication*. **Release to members** lets councillors see the quarter before the "
    "Cabinet meeting; **Publish** makes it public. A published quarter cannot be re-published."
)

states = data.publication_states()
index = publish.read_index()["periods"]
quarters = data.visible_quarters(auth.role(), state.AREA)
st.dataframe(
    pd.DataFrame(
        {
            "Quarter": quarters,
            "State": [wording.PUBLICATION_STATE[states.get(q, access.DRAFT)] for q in quarters],
            "Snapshot": [index.get(q, {}).get("parts", {}).get("card", {}).get("file", "") for q in quarters],
            "Data version": [index.get(q, {}).get("data_version", "") for q in quarters],
            "Published": [
                f"{index[q].get('published_at', '')} {index[q].get('published_by', '')}".strip() if q in index else ""
                for q in quarters
            ],
        }
    ),
    hide_index=True,
)

choices = [q for q in quarters if states.get(q) != access.PUBLISHED]
if not choices:
    st.info("Every quarter held has been published.")
else:
    period = st.selectbox("Quarter", choices, key="publish_period")
    confirm = st.checkbox(f"I confirm the figures for {period} are approved for release", key="publish_confirm")
    a, b = st.columns(2)
    action = None
    if a.button("Release to members", disabled=not confirm or states.get(period) == access.RELEASED):
        action = True
    if b.button("Publish", type="primary", disabled=not confirm):
        action = False
    if action is not None:
        try:
            with st.spinner("Freezing the snapshot…"):
                entry = publish.publish(data.context(), period, who=auth.user_name(), release_to_members=action)
        except (publish.PublishError, storage.WriteError) as err:
            st.error(str(err))
        else:
            st.success(
                f"{'Released to members' if action else 'Published'}: {period} — snapshot "
                f"`{entry['parts']['card']['file']}` of data version `{entry['data_version']}`."
            )

with st.expander("Audit log (newest first)"):
    log = audit.entries()[::-1]
    st.dataframe(
        pd.DataFrame(
            [
                {"When": e.get("at"), "Who": e.get("who"), "What": e.get("action"), "Detail": str(e.get("detail"))}
                for e in log
            ]
        ),
        hide_index=True,
    )
