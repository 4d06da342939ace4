"""Cached access to what the current user may read. :mod:`scorecard.governance.reports` decides what each role
sees (the published snapshot for the public and councillors, the current data for staff); this module only
caches its answers and lays out the "not published" message.

Every cached result is keyed on the data version (:func:`reports.data_key`: the commit id written by every
build, ingest and publish, and the identity of the audit log and snapshot files), so the next page run after
any change — from this app or from the command line — reads the new data, and a file altered outside a commit
is checked again at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from scorecard import SEFTON, register
from scorecard.export import Inputs
from scorecard.governance import access, reports, workflow
from scorecard.governance import conversation as talk
from scorecard.governance import recommendations as scrutiny
from scorecard.present import actions, commentary, finance, front_sheet, risks, thread, views
from scorecard.register import releases
from scorecard.store import periods, storage
from ui import auth


@st.cache_resource(show_spinner=False)
def reg() -> register.Register:
    """The validated KPI register."""
    return register.load()


def _folder() -> str:
    return str(storage.default_data_dir())


def _context(folder: str, area: str = SEFTON) -> register.Context:
    """What a cached read is of: the folder it is keyed on, the register, the council."""
    return register.Context(Path(folder), reg(), area)


def context(area: str = SEFTON) -> register.Context:
    """The current data folder, the register and ``area``: what this page run's reads, writes and packs are of."""
    return _context(_folder(), area)


def key() -> tuple:
    """The data version every cached result below is keyed on (a few ``stat`` calls)."""
    return reports.data_key(Path(_folder()))


@st.cache_data(show_spinner=False, max_entries=8)
def _states(folder: str, version: tuple) -> dict[str, str]:
    return reports.check(Path(folder))


def publication_states() -> dict[str, str]:
    """period → released_to_members | published, after the audit log, snapshot index and snapshot files have
    been checked against each other (:class:`audit.IntegrityError` when they disagree)."""
    return _states(_folder(), key())


@st.cache_data(show_spinner=False, max_entries=32)
def _quarters(role: str, area: str, folder: str, version: tuple) -> list[str]:
    return reports.quarters_for(_context(folder, area), role)


def visible_quarters(role: str, area: str = SEFTON) -> list[str]:
    """The reporting quarters ``role`` may choose, newest first (published ones however old)."""
    return _quarters(role, area, _folder(), key())


@st.cache_data(show_spinner=False, max_entries=64)
def _embargoed(role: str, period: str, area: str, folder: str, version: tuple) -> bool:
    return reports.embargoed(_context(folder, area), role, period)


def embargoed(role: str, period: str | None, area: str = SEFTON) -> bool:
    """A quarter held that ``role`` may not see (the page says "not published", not "not found")."""
    return bool(period) and _embargoed(role, str(period), area, _folder(), key())


@st.cache_data(show_spinner="Reading the scorecard…", max_entries=64)
def _card(role: str, area: str, period: str | None, group: str | None, folder: str, version: tuple) -> pd.DataFrame:
    return _plain(reports.scorecard_for(_context(folder, area), role, period, group))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects, in consolidated blocks: pages select rows of the card many times per
    view, and Arrow-backed text takes one step per column where numpy takes one per block (about ten times
    faster for the card's 86 rows)."""
    return frame.astype({c: object for c, t in frame.dtypes.items() if isinstance(t, pd.StringDtype)}).copy()


def card(area: str = SEFTON, period: str | None = None, group: str | None = None) -> pd.DataFrame:
    """The scorecard the current user may see for one reporting quarter and comparator group; for a quarter
    they may not see, the page stops with a "not published" message."""
    return _visible(_card, area, period, group)


def _visible(cached, area: str, period: str | None, *rest):
    """``cached(role, area, period, *rest, folder, version)`` for the current user; for a quarter they may not
    see, the page stops with the "not published" message."""
    try:
        return cached(auth.role(), area, period, *rest, _folder(), key())
    except reports.NotPublished:
        not_published(period)
        st.stop()


def not_published(period: str | None) -> None:
    """The friendly message instead of figures for a quarter this user may not see, with when its report (or the
    next one) goes to Cabinet by the strategic planning cycle (:func:`scorecard.register.releases.report_month`)."""
    if period:
        due = releases.report_month(periods.parse_label(period))
        st.info(
            f"**Not published.** The figures for {period} have not been published yet. Quarterly figures "
            "are published with the Corporate Plan Overview Report in the Cabinet agenda; the report for "
            f"{period} is due at Cabinet in {due:%B %Y}. Choose a published quarter in the sidebar.",
            icon="🔒",
        )
    else:
        quarter, due = releases.next_report(date.today())
        st.info(
            "**No figures published yet.** Quarterly figures appear here once the Corporate Plan Overview "
            f"Report for the quarter has been published in the Cabinet agenda. The next is for {quarter.label}, "
            f"due at Cabinet in {due:%B %Y}.",
            icon="🔒",
        )


@st.cache_data(show_spinner=False, max_entries=64)
def _said(role: str, area: str, period: str | None, group: str | None, folder: str, version: tuple) -> pd.DataFrame:
    card = _card(role, area, period, group, folder, version)
    return _plain(commentary.attach(card, _conversation(role, period, folder, version).commentary, reg()))


def said(area: str = SEFTON, period: str | None = None, group: str | None = None) -> pd.DataFrame:
    """:func:`card` with the quarter's commentary this user may see attached and the exceptions re-judged
    (:func:`scorecard.present.commentary.attach`), built once per data version rather than on every view."""
    return _visible(_said, area, period, group)


@st.cache_data(show_spinner=False, max_entries=32)
def _position(role: str, period: str, lines: tuple[str, ...] | None, folder: str, version: tuple) -> finance.Position:
    held = _conversation(role, period, folder, version).finance
    return finance.position(reg(), held, period, list(lines) if lines is not None else None)


def finance_position(period: str, lines: list[str] | None = None) -> finance.Position:
    """The financial position at ``period`` this user may read (:func:`scorecard.present.finance.position`),
    limited to the service lines ``lines`` (default all), built once per data version."""
    return _position(auth.role(), period, tuple(lines) if lines is not None else None, _folder(), key())


@st.cache_data(show_spinner=False, max_entries=32)
def _sheet(role: str, area: str, period: str, folder: str, version: tuple) -> front_sheet.FrontSheet:
    card = _said(role, area, period, None, folder, version)
    written = _conversation(role, period, folder, version).written_messages
    position = _position(role, period, None, folder, version)
    return front_sheet.build(card, _progress(role, period, folder, version), position, period, written)


def sheet(period: str, area: str = SEFTON) -> front_sheet.FrontSheet:
    """The CPOR's front sheet (:func:`scorecard.present.front_sheet.build`) of what this user may see, built
    once per data version rather than on every view."""
    return _visible(_sheet, area, period)


@st.cache_data(show_spinner=False, max_entries=16)
def _tiles(role: str, area: str, period: str | None, folder: str, version: tuple) -> list[dict]:
    return views.theme_tiles(_said(role, area, period, None, folder, version), reg())


def theme_tiles(area: str = SEFTON, period: str | None = None) -> list[dict]:
    """Per theme, the headline counts and listed rows of :func:`said` (:func:`views.theme_tiles`)."""
    return _tiles(auth.role(), area, period, _folder(), key())


@st.cache_data(show_spinner=False, max_entries=32)
def _progress(role: str, period: str | None, folder: str, version: tuple) -> pd.DataFrame:
    return actions.for_quarter(reg(), _conversation(role, period, folder, version).updates)


def progress(period: str | None, theme: str | None = None) -> pd.DataFrame:
    """Every priority action (of ``theme``, or all) with the quarter's update this user may see
    (:func:`scorecard.present.actions.for_quarter`)."""
    frame = _progress(auth.role(), period, _folder(), key())
    return frame[frame["theme"] == theme].reset_index(drop=True) if theme else frame


@st.cache_data(show_spinner=False, max_entries=16)
def _thread(role: str, area: str, period: str | None, folder: str, version: tuple) -> list[thread.Node]:
    card = _card(role, area, period, None, folder, version)
    talk = _conversation(role, period, folder, version)
    return thread.nodes(reg(), card, _progress(role, period, folder, version), risks.held(reg(), talk.risks))


def golden_thread(area: str = SEFTON, period: str | None = None) -> list[thread.Node]:
    """The golden thread of the quarter this user may see (:func:`scorecard.present.thread.nodes`)."""
    return _visible(_thread, area, period)


@st.cache_data(show_spinner=False, max_entries=32)
def _series(role: str, area: str, period: str | None, group: str | None, folder: str, version: tuple) -> pd.DataFrame:
    return reports.series_for(_context(folder, area), role, period, group)


def pack_inputs(period: str, area: str = SEFTON) -> Inputs | None:
    """What a committee pack is built from for the current user: None for staff (the current data); for the
    public and members the published (members: or released) quarter's frozen card, conversation and trends —
    the same the pages show, so a downloaded pack never holds what the reader may not see."""
    role = auth.role()
    if access.sees_draft(role):
        return None
    said = conversation(period)
    return Inputs(
        card(area, period),
        said.commentary,
        said.updates,
        said.finance,
        said.risks,
        said.written_messages,
        lambda measure_id: series(measure_id, area, None, period),
    )


def series(measure_id: str, area: str, group: str | None, period: str | None) -> pd.DataFrame:
    """A measure's trend against ``group`` up to the quarter (frozen for the public and members)."""
    frame = _series(auth.role(), area, period, group, _folder(), key())
    return frame[frame["measure_id"] == measure_id].drop(columns="measure_id").reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=32)
def _members(role: str, area: str, period: str | None, group: str, folder: str, version: tuple) -> pd.DataFrame:
    return reports.members_for(_context(folder, area), role, period, group)


def members(measure_id: str, area: str, group: str, period: str | None) -> pd.DataFrame:
    """The comparator group's members for a measure, best first (no rows when there is nothing to compare,
    or — for the public — when the published report does not hold them)."""
    frame = _members(auth.role(), area, period, group, _folder(), key())
    return frame[frame["measure_id"] == measure_id].drop(columns="measure_id").reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=16)
def _sparklines(role: str, area: str, period: str | None, folder: str, version: tuple) -> dict[str, list[float]]:
    return reports.sparklines_for(_context(folder, area), role, period)


def sparklines(area: str, period: str | None) -> dict[str, list[float]]:
    return _sparklines(auth.role(), area, period, _folder(), key())


@st.cache_data(show_spinner=False, max_entries=16)
def _footer(role: str, area: str, period: str | None, folder: str, version: tuple) -> dict:
    return reports.footer_for(_context(folder, area), role, period)


def footer(area: str = SEFTON, period: str | None = None) -> dict:
    """The footer's facts: of the published report for the public and members, of the current data for staff."""
    return _footer(auth.role(), area, period, _folder(), key())


@st.cache_data(show_spinner=False, max_entries=4)
def _loads(role: str, folder: str, version: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    return reports.loads_for(_context(folder), role)


def loads() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-source freshness and every batch (who loaded what): staff only (:class:`reports.NotPublished`)."""
    return _loads(auth.role(), _folder(), key())


def cpor_status(period: str) -> str:
    """The CPOR's sign-off state for the report header of a pack staff build (the public's and members' packs
    are of the published quarter and show none of the workflow): read when the pack is built, never cached."""
    return workflow.cpor_status(context(), period)


@st.cache_data(show_spinner=False)
def register_table() -> pd.DataFrame:
    return views.register_table(reg())


def conversation(period: str | None) -> talk.Conversation:
    """The quarter's commentary and action updates this user may see (staff: current text; public and
    members: the published text), re-read whenever anything is written or published (the data version)."""
    return _conversation(auth.role(), period, _folder(), key())


@st.cache_data(show_spinner=False, max_entries=64)
def _conversation(role: str, period: str | None, folder: str, version: tuple) -> talk.Conversation:
    return talk.for_role(role, period, folder)


def recommendations(period: str | None) -> pd.DataFrame:
    """Overview and Scrutiny's recommendations this user may read at ``period`` (staff and members: as they stand;
    the public: as frozen with the published quarter), re-read whenever anything is written or published."""
    return _recommendations(auth.role(), period, _folder(), key())


@st.cache_data(show_spinner=False, max_entries=32)
def _recommendations(role: str, period: str | None, folder: str, version: tuple) -> pd.DataFrame:
    return scrutiny.for_role(role, period, folder)


@st.cache_data(show_spinner=False, ttl=3600)
def release_calendar() -> pd.DataFrame:
    """When each public measure's next figures are expected, as of today (see scorecard.register.releases)."""
    return views.release_calendar(context())
