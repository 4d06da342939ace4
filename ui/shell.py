"""The app shell shared by ``app.py`` and every page: page config, ``st.navigation`` over pages/,
the sidebar quarter picker, the illustrative-data banner and the footer.

Why pages call :func:`ensure_shell`: Streamlit treats an app with a ``pages/`` folder as an old-style
multipage app until the first ``st.navigation`` call of the process, so the very first request for, say,
``/measure`` (and every AppTest run) executes ``pages/measure.py`` on its own. The page then runs the
shell itself, which renders the page once through ``st.navigation`` and stops the direct run — so each page
appears once in the menu and always has its sidebar, banner and footer.
"""

from __future__ import annotations

import threading

import streamlit as st

from scorecard.governance import access, audit
from scorecard.present import wording
from ui import auth, components, data, state

_inside = threading.local()


FIGURE_FREE = ("data", "golden_thread")
"""Pages that still show what needs no figures when nothing is published: the definitions and the plan."""


def ensure_shell() -> None:
    """Call first in every page: when the page was run directly, run the whole app instead, then stop."""
    if getattr(_inside, "active", False):
        return
    main()
    st.stop()


def main() -> None:
    """Build the navigation and run the chosen page inside the shell."""
    st.set_page_config(page_title="Sefton performance scorecard", page_icon="📊", layout="wide")

    PAGES = {
        "overview": st.Page("pages/overview.py", title="CPOR overview", icon=":material/dashboard:", default=True),
        "theme": st.Page("pages/theme.py", title="Theme scorecard", icon=":material/table_chart:", url_path="theme"),
        "measure": st.Page("pages/measure.py", title="Measure", icon=":material/show_chart:", url_path="measure"),
        "actions": st.Page("pages/actions.py", title="Annual actions", icon=":material/checklist:", url_path="actions"),
        "golden_thread": st.Page(
            "pages/golden_thread.py", title="Golden thread", icon=":material/account_tree:", url_path="golden_thread"
        ),
        "qsr": st.Page("pages/qsr.py", title="Service reports (QSR)", icon=":material/domain:", url_path="qsr"),
        "exceptions": st.Page(
            "pages/exceptions.py", title="Exceptions", icon=":material/report:", url_path="exceptions"
        ),
        "benchmarking": st.Page(
            "pages/benchmarking.py", title="Benchmarking", icon=":material/leaderboard:", url_path="benchmarking"
        ),
        "explore": st.Page("pages/explore.py", title="Explore measures", icon=":material/search:", url_path="explore"),
        "data": st.Page("pages/data.py", title="Data & definitions", icon=":material/dataset:", url_path="data"),
        "scrutiny": st.Page(
            "pages/scrutiny.py", title="Scrutiny recommendations", icon=":material/gavel:", url_path="scrutiny"
        ),
    }

    role = auth.role()
    page = st.navigation(
        {
            "Cabinet": [PAGES[name] for name in ("overview", "golden_thread", "theme", "measure", "actions", "qsr")],
            "Strategic Performance Group": [PAGES["exceptions"], PAGES["benchmarking"]],
            "Scrutiny and BI team": [PAGES["explore"], PAGES["data"], PAGES["scrutiny"]]
            + (
                [
                    st.Page("pages/upload.py", title="Upload a return", icon=":material/upload:", url_path="upload"),
                    st.Page("pages/targets.py", title="Targets", icon=":material/flag:", url_path="targets"),
                    st.Page("pages/returns.py", title="Returns", icon=":material/pending_actions:", url_path="returns"),
                ]
                if access.can_upload(role)
                else []
            )  # officers and admins only
            + (
                [st.Page("pages/publish.py", title="Publish a quarter", icon=":material/publish:", url_path="publish")]
                if access.can_publish(role)
                else []
            ),  # admins only
        },
        expanded=True,  # every page listed: Streamlit folds all but ten under "View more", hiding staff pages
    )

    # ``?page=measure&measure=…`` (or just ``?measure=…`` / ``?theme=…`` on the home URL) opens that page.
    wanted = st.query_params.get("page")
    if page is PAGES["overview"]:
        target = wanted if wanted in PAGES else None
        if wanted and wanted not in PAGES:
            state.not_found("page", wanted)
        elif target is None and "measure" in st.query_params:
            target = "measure"
        elif target is None and "theme" in st.query_params:
            target = "theme"
        if target and target != "overview":
            params = {k: v for k, v in st.query_params.to_dict().items() if k != "page"}
            st.switch_page(PAGES[target], query_params=params)

    try:
        _run(page, role, figure_free=any(page is PAGES[name] for name in FIGURE_FREE))
    except audit.IntegrityError as err:  # never a traceback, never forged figures
        components.integrity_failed(role, err)


def _run(page, role: str, figure_free: bool = False) -> None:
    """The sidebar, the notices and the chosen page (``figure_free``: one that shows what it can with no quarter)."""
    with st.sidebar:
        st.markdown("**Sefton Council**  \nCorporate Plan 2024–27 scorecard")
        auth.controls(role)
        states = data.publication_states()  # checks the audit log, snapshot index and snapshot files first
        quarters = data.visible_quarters(role, state.AREA)  # public: published only; members: + released
        blocked = st.query_params.get("period")
        blocked = blocked if data.embargoed(role, blocked, state.AREA) else None
        if blocked:
            del st.query_params["period"]  # never offered, never echoed back: the picker falls back to the default
        period = (
            state.url_select(
                "period",
                "Reporting quarter",
                quarters,
                default=quarters[0],
                kind="quarter",
                format_func=lambda q: (
                    q
                    if access.reads_snapshot(role)
                    else f"{q} · {wording.PUBLICATION_STATE[states.get(q, access.DRAFT)]}"
                ),
                help="Figures are the latest published up to the end of this quarter.",
            )
            if quarters
            else None
        )
        st.caption(
            "Every view's address (URL) can be copied and shared: it keeps the page, theme, measure, "
            "quarter and comparator group."
        )

    if blocked or period is None:  # an embargoed quarter asked for by URL, or nothing published yet: no figures
        data.not_published(blocked)
        if period is None and not blocked and figure_free:
            st.session_state["_url_period"] = None  # pages that hold no quarter's figures: definitions, the plan
            _run_page(page)
        components.footer(None)
        return
    if access.sees_draft(role) and states.get(period) != access.PUBLISHED:
        st.warning(
            f"**{period} is {wording.PUBLICATION_STATE[states.get(period, access.DRAFT)].lower()}** — draft figures "
            "for council staff. The public cannot see this quarter until it is published.",
            icon="📝",
        )
    if access.under_embargo(role, states.get(period)):
        st.warning(
            f"**{period} is released to councillors ahead of the Cabinet meeting.** These figures are "
            "embargoed: not for publication until the CPOR is published in the Cabinet agenda.",
            icon="🔐",
        )
    shown = data.card(state.AREA, period)
    components.illustrative_banner(shown)
    components.revisions_notice(shown)
    _run_page(page)
    components.footer(period)


def _run_page(page) -> None:
    _inside.active = True
    try:
        page.run()
    finally:
        _inside.active = False
