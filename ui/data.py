"""Cached access to the engine: the register once per process, evaluated scorecards per (area, period, group)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from scorecard import SEFTON, evaluate, register, views


@st.cache_resource(show_spinner=False)
def reg() -> register.Register:
    """The validated KPI register."""
    return register.load()


@st.cache_data(show_spinner=False)
def quarters(area: str = SEFTON) -> list[str]:
    """Reporting quarters, newest first."""
    return evaluate.reporting_quarters(area)


@st.cache_data(show_spinner="Evaluating the scorecard…")
def card(area: str = SEFTON, period: str | None = None, group: str | None = None) -> pd.DataFrame:
    """The evaluated scorecard for one area, reporting period and comparator group."""
    return evaluate.scorecard(area=area, period=period, group=group, reg=reg())


@st.cache_data(show_spinner=False)
def series(measure_id: str, area: str, group: str | None, period: str | None) -> pd.DataFrame:
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
def data_built() -> str:
    return views.data_built()


@st.cache_data(show_spinner=False)
def register_table() -> pd.DataFrame:
    return views.register_table(reg())
