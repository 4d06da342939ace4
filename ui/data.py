"""Cached access to the engine: the register once per process, evaluated scorecards per (area, period, group)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scorecard import SEFTON, register
from scorecard.evaluation import evaluate
from scorecard.governance import access, publish
from scorecard.governance import conversation as talk
from scorecard.present import views
from scorecard.store import ledger, storage
from ui import auth


@st.cache_resource(show_spinner=False)
def reg() -> register.Register:
    """The validated KPI register."""
    return register.load()


@st.cache_data(show_spinner=False)
def quarters(area: str = SEFTON) -> list[str]:
    """Reporting quarters, newest first."""
    return evaluate.reporting_quarters(area)


@st.cache_data(show_spinner="Evaluating the scorecard…")
def live_card(area: str = SEFTON, period: str | None = None, group: str | None = None) -> pd.DataFrame:
    """The evaluated scorecard on the current (draft) data — officers only; see :func:`card`."""
    return _plain(views.scorecard(area=area, period=period, group=group, reg=reg()))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects, in consolidated blocks: pages select rows of the card many times per
    view, and Arrow-backed text takes one step per column where numpy takes one per block (about ten times
    faster for the card's 86 rows)."""
    return frame.astype({c: object for c, t in frame.dtypes.items() if isinstance(t, pd.StringDtype)}).copy()


def card(area: str = SEFTON, period: str | None = None, group: str | None = None) -> pd.DataFrame:
    """The scorecard the current user may see for one area, reporting period and comparator group.

    Officers and admins: the current evaluation (draft included). Public and members: the frozen snapshot of
    a published (members: or released) quarter, with figures revised since marked — never the draft; for any
    other quarter the page stops with a "not published" message."""
    role = auth.role()
    if access.sees_draft(role):
        return live_card(area, period, group)
    states = publication_states()
    period = period or next(iter(access.visible_periods(role, quarters(area), states)), None)
    if period is None or not access.can_view(role, states.get(period, access.DRAFT)):
        not_published(period)
        st.stop()
    entry = publish.read_index()["periods"][period]
    try:
        return published_card(period, group, entry["sha256"], str(storage.default_data_dir()))
    except publish.SnapshotError as err:
        st.error(f"The published figures for {period} cannot be shown: {err}. Please contact the performance team.")
        st.stop()


@st.cache_data(show_spinner=False)
def published_card(period: str, group: str | None, sha256: str, data_dir: str) -> pd.DataFrame:
    """A snapshot (keyed by its hash) with ``revised_since_publication`` against the current data."""
    frozen = publish.load(period, group, data_dir=data_dir)
    if frozen.empty:
        return frozen
    return _plain(publish.with_revisions(frozen, live_card(SEFTON, period, group)))


def publication_states() -> dict[str, str]:
    """period → released_to_members | published (read every run: publishing must show at once)."""
    return publish.states()


def visible_quarters(role: str, area: str = SEFTON) -> list[str]:
    """The reporting quarters ``role`` may choose, newest first."""
    return access.visible_periods(role, quarters(area), publication_states())


def not_published(period: str | None) -> None:
    """The friendly message instead of figures for a quarter this user may not see."""
    if period:
        st.info(
            f"**Not published.** The figures for {period} have not been published yet. Quarterly figures "
            "are published with the Corporate Plan Overview Report in the Cabinet agenda; choose a published "
            "quarter in the sidebar.",
            icon="🔒",
        )
    else:
        st.info(
            "**No figures published yet.** Quarterly figures appear here once the Corporate Plan Overview "
            "Report for the quarter has been published in the Cabinet agenda.",
            icon="🔒",
        )


def series(measure_id: str, area: str, group: str | None, period: str | None) -> pd.DataFrame:
    """A measure's trend: for public and members the frozen series of the published / released quarter."""
    if access.reads_snapshot(auth.role()) and period:
        entry = publish.read_index()["periods"].get(period)
        if entry and entry.get("series_snapshot") and access.can_view(auth.role(), entry["state"]):
            frozen = published_series(period, entry["series_sha256"], str(storage.default_data_dir()))
            part = frozen[frozen["measure_id"] == measure_id].drop(columns="measure_id").reset_index(drop=True)
            group = group or reg().measure(measure_id).benchmark_group
            return publish.series_for_group(part, live_series(measure_id, area, group, period), group)
    return live_series(measure_id, area, group, period)


@st.cache_data(show_spinner=False)
def published_series(period: str, sha256: str, data_dir: str) -> pd.DataFrame:
    """All frozen series of a quarter (keyed by the snapshot's hash; integrity-checked on read)."""
    return publish.series_frame(period, data_dir)


@st.cache_data(show_spinner=False)
def live_series(measure_id: str, area: str, group: str | None, period: str | None) -> pd.DataFrame:
    return views.measure_series(measure_id, area, group, period, reg=reg())


@st.cache_data(show_spinner=False)
def members(measure_id: str, area: str, period_label: str | None, group: str | None) -> pd.DataFrame:
    return views.group_values(measure_id, area, period_label, group, reg=reg())


@st.cache_data(show_spinner=False)
def sparklines(area: str, period: str | None) -> dict[str, list[float]]:
    return views.sparklines(area, period)


@st.cache_data(show_spinner=False)
def freshness(area: str = SEFTON) -> pd.DataFrame:
    return views.freshness(area)


@st.cache_data(show_spinner=False)
def batches() -> pd.DataFrame:
    return views.batches()


@st.cache_data(show_spinner=False)
def data_as_at():
    return views.data_as_at()


@st.cache_data(show_spinner=False)
def register_table() -> pd.DataFrame:
    return views.register_table(reg())


def conversation(period: str | None) -> talk.Conversation:
    """The quarter's commentary and action updates this user may see (staff: current text; public and
    members: the published text), re-read whenever anything is written or published."""
    index = storage.default_data_dir() / publish.FOLDER / publish.INDEX
    published = index.stat().st_mtime_ns if index.is_file() else 0
    return _conversation(auth.role(), period, ledger.signature(), published)


@st.cache_data(show_spinner=False, max_entries=64)
def _conversation(role: str, period: str | None, signature: tuple, published: int) -> talk.Conversation:
    return talk.for_role(role, period)


@st.cache_data(show_spinner=False, ttl=3600)
def release_calendar() -> pd.DataFrame:
    """When each public measure's next figures are expected, as of today (see scorecard.register.releases)."""
    return views.release_calendar(reg=reg())
