"""The golden thread and QSR pages and the overview's financial position, for an officer (draft) and the
public (only what was published, from the frozen snapshot — finance and risks included)."""

from __future__ import annotations

import shutil

import pytest

from scorecard.governance import publish
from scorecard.ingest import ingest
from scorecard.register import Context
from scorecard.store import db
from tests.app.conftest import open_as
from tests.scorecard.ingest._ingest_helpers import csv_bytes

Q = "2025/26 Q2"


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_golden_thread_links_every_node_and_keeps_the_branch_in_the_url(open_app):
    at = open_app("overview", page="golden_thread", node="theme:adult_social_care")
    assert not at.exception, [e.value for e in at.exception]
    text = _markdown(at)
    assert '<a href="/theme?theme=adult_social_care&amp;period=' in text and ">Adult Social Care</a>" in text
    assert '<a href="/measure?measure=asc_msp_outcomes_met_pct&amp;period=' in text
    assert "Children &amp; Young People</a>" not in text
    shown = text.replace("\\", "")  # as read: markdown escapes removed
    assert "⚠ ILLUS-02 · ●●● High risk (score 16" in shown and "(illustrative)" in shown  # beside its action
    table = next(d.value for d in at.dataframe if "Within" in d.value.columns)
    assert table["Open"].str.startswith("/").all() and (table["Kind"] == "Measure").sum() >= 14
    assert at.query_params["node"] == "theme:adult_social_care"


def test_the_whole_thread_holds_every_measure(open_app, real_register):
    at = open_app("overview", page="golden_thread")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Within" in d.value.columns)
    opened = set(table.loc[table["Kind"] == "Measure", "Open"].str.extract(r"measure=([a-z0-9_]+)")[0])
    assert opened == {m.id for m in real_register.measures}
    assert (table["Kind"] == "Priority action").sum() == 40


def test_a_directorate_s_qsr_page(open_app, real_register):
    at = open_app("overview", page="qsr", kind="directorate", directorate="adult_social_care_health")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value.startswith("Quarterly Service Report — Adult Social Care and Health")
    measures = next(d.value for d in at.dataframe if "Measure" in d.value.columns and "RAG" in d.value.columns)
    assert set(measures["Measure"]) == {m.title for m in real_register.measures if "adult_social_care" in m.themes}
    finance = next(d.value for d in at.dataframe if "Forecast outturn" in d.value.columns)
    assert finance.iloc[0]["Service line"] == "Adult Social Care"
    assert finance.iloc[0]["Position"] == "▲ Adverse — forecast overspend" and finance.iloc[0]["Variance"] == "+£2.000m"
    assert any("Prepare" in b.label for b in at.button)  # the QSR pack, for staff


def test_an_unknown_owner_in_the_url_is_a_friendly_message(open_app):
    at = open_app("overview", page="qsr", kind="portfolio", portfolio="nobody")
    assert not at.exception
    assert any("Not found" in w.value for w in at.warning)


@pytest.fixture
def data_dir(built_data, tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(built_data[0], folder)
    monkeypatch.setenv("SCORECARD_DATA", str(folder))
    db.reset()
    yield folder
    db.reset()


def test_the_public_sees_only_the_published_quarter_s_thread_and_finance(data_dir, monkeypatch, tmp_path):
    ctx = Context.of(data_dir)
    nothing = open_as(monkeypatch, "public", page="golden_thread")
    assert ">Sefton Vision 2030</a>" in _markdown(nothing)  # nothing published: the plan's structure only,
    assert "border-radius" not in _markdown(nothing)  # without a single status badge
    publish.publish(ctx, Q, who="test admin")
    later = tmp_path / "finance_later.csv"
    header = ["service_line", "period", "budget", "forecast_outturn", "commentary", "reference"]
    row = {"service_line": "communities", "period": Q, "budget": "11.387", "forecast_outturn": "12.500"}
    later.write_bytes(csv_bytes([row | {"commentary": "Draft forecast", "reference": "draft"}], header=header))
    assert ingest(ctx, [later], user="officer").loaded  # a forecast written after publication

    public = open_as(monkeypatch, "public", page="golden_thread", period=Q)
    assert ">Sefton Vision 2030</a>" in _markdown(public)
    assert "ILLUS" not in _markdown(public)  # the shipped risks are illustrative: never published
    overview = open_as(monkeypatch, "public", period=Q)
    finance = next(d.value for d in overview.dataframe if "Forecast outturn" in d.value.columns)
    assert len(finance) == 12 and "£11.387m" in set(finance["Forecast outturn"])  # as published (2024/25 Q1)
    assert "Draft forecast" not in set(finance["Commentary"])
    qsr = open_as(monkeypatch, "public", page="qsr", period=Q)
    assert any("Prepare" in b.label for b in qsr.button)  # the QSR as published (tests/app/test_withheld.py)
    assert "The published report" in _markdown(qsr)

    officer = open_as(monkeypatch, "officer", period=Q)
    finance = next(d.value for d in officer.dataframe if "Forecast outturn" in d.value.columns)
    assert set(finance["Commentary"]) >= {"Draft forecast"}  # staff see the current return
    assert "⚠ ILLUS\\-0" in _markdown(open_as(monkeypatch, "officer", page="golden_thread", period=Q))
