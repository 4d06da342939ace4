"""Golden thread: from Sefton Vision 2030 through the Core Purpose and the Corporate Plan's themes to each
priority action and the measures that evidence it — every node with its status as symbol + word, the risks
linked to it, and a link to its page; the same tree as a table. ``?node=`` keeps the branch shown in the URL."""

from ui.shell import ensure_shell

ensure_shell()

import html

import streamlit as st

from scorecard.present import risks, thread
from ui import components, data, state

reg = data.reg()
top = thread.plan_of(reg)
period = state.period_if_any()  # None: nothing published yet, so the plan's structure without figures
held = risks.held(reg, data.conversation(period).risks) if period else None
tree = data.golden_thread(state.AREA, period) if period else thread.nodes(reg, None, None, None)
branches = {n.ref: n for n in tree if n.kind in ("vision", "purpose", "theme", "action")}
focus = state.url_select(
    "node",
    "Show the thread from",
    list(branches),
    default=thread.ROOT,
    format_func=lambda ref: f"{thread.KIND_LABELS[branches[ref].kind]}: {branches[ref].title[:90]}",
    kind="part of the golden thread",
)
shown = thread.subtree(tree, focus)

st.title("The golden thread" + (f" — {period}" if period else ""))
st.markdown(
    f"How **{top.vision.title}** is delivered: the Council's Core Purpose, the Corporate Plan 2024–27's "
    "themes and priority actions, and the measures that evidence each action"
    + (
        f" in {period}. Every status shows a symbol and a word; each title opens its page."
        if period
        else ". Their figures and statuses appear here once a quarter's report is published."
    )
    + " A measure that evidences two actions appears under both."
)
with st.expander("Where this comes from"):
    st.markdown(
        components.literal(
            f"{top.vision.title} (agreed {top.vision.agreed}): “{top.vision.text}”. The Council's Core Purpose: "
            + "; ".join(p.title for p in top.core_purpose)
            + f". The Corporate Plan 2024–27's aspiration: “{top.aspiration.text}”. Source: Sefton Corporate Plan "
            "2024–27 and the Service Planning and Performance Management framework (Cabinet, 25 July 2024)."
        )
    )
    st.caption(components.literal(top.links_basis))
if focus != thread.ROOT:
    st.page_link(
        "pages/golden_thread.py",
        label="Show the whole thread",
        query_params={"node": thread.ROOT} | ({"period": period} if period else {}),
        icon=":material/account_tree:",
    )

# The levels above the priority actions are headings (a screen reader can jump between them); each action, or the
# theme's own measures, is a list with its measures nested under it.
HEADINGS = {"vision": "###", "purpose": "####", "theme": "#####"}


def item(node: thread.Node, depth: int) -> str:
    """One node: the linked title, its status (symbol + word) and detail, its marks, and the risks linked to it."""
    badge = (
        ""
        if not node.status  # the plan's structure, with nothing published
        else components.rag_badge(node.status)
        if node.kind == "measure"
        else components.action_badge(node.status)
        if node.kind == "action"
        else ""
    )
    status = badge or components.literal(node.status_text)
    marks = f" *({components.literal(', '.join(node.marks).lower())})*" if node.marks else ""
    detail = f" — {components.literal(node.detail)}" if node.detail and node.kind in ("measure", "action") else ""
    link = f'<a href="{html.escape(node.link(period))}" target="_self">{html.escape(node.title)}</a>'
    if node.kind in HEADINGS:
        return f"{HEADINGS[node.kind]} {link}\n\n{status}"
    indent = "    " * depth
    line = f"{indent}- {link} {status}{detail}{marks}"
    for risk in node.risks:
        line += f"\n{indent}    - {components.literal(risk)}"
    return line


block: list[str] = []
for node in shown:
    if node.kind in HEADINGS or node.kind in ("action", "evidence"):
        if block:
            st.markdown("\n".join(block), unsafe_allow_html=True)
        block = [item(node, 0)]
    else:
        block.append(item(node, 1))
st.markdown("\n".join(block), unsafe_allow_html=True)
if held is not None and any(n.risks for n in shown):
    st.caption(
        "⚠ marks a risk linked to the action or measure above it."
        + (" There is no public risk register: these risks are illustrative." if held["illustrative"].all() else "")
    )

table = thread.table(shown, period)
with st.expander("The golden thread as a table"):
    st.dataframe(
        table,
        hide_index=True,
        column_config={"Open": st.column_config.LinkColumn("Open", display_text="Open ↗", width="small")},
    )
components.csv_download(table, f"sefton_golden_thread_{period or 'plan'}.csv", "Download the golden thread (CSV)")
