"""Every page renders on the real data; labels are text; permalinks reproduce views; charts match the engine."""

import base64
import json
import re

import numpy as np
import pytest

from scorecard import register
from scorecard.evaluation import evaluate
from scorecard.governance import conversation as talk
from scorecard.present import commentary, views, wording
from scorecard.register import Context, releases
from scorecard.store import periods
from tests.app.conftest import PAGES, run_app
from ui import charts

ATTRIBUTION_START = "Contains public sector information licensed under the Open Government Licence v3.0"


def _text(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.title]
    parts += [e.value for e in at.info] + [e.value for e in at.warning]
    parts += [str(e.label) + " " + str(e.value) for e in at.metric]
    return "\n".join(str(p) for p in parts)


def _decode(value):
    """Plotly 6+ sends numeric arrays as base64 typed arrays ({"dtype", "bdata"})."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"])).tolist()
    return value


def _figures(at) -> list[dict]:
    figures = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    for figure in figures:
        for trace in figure["data"]:
            for axis in ("x", "y"):
                if axis in trace:
                    trace[axis] = _decode(trace[axis])
    return figures


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(open_app, page):
    at = open_app(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} has no title"
    text = _text(at)
    assert ATTRIBUTION_START in text and "© mySociety, CC BY 4.0" in text
    assert "Data freshness" in text
    assert "Illustrative figures" in text  # banner explaining the made-up council figures
    for artefact in ("seed 00", ".txt, line", "Illustrative demo content"):  # #23: no development artefacts
        assert artefact not in text, (page, artefact)
    assert not re.search(r"action id \S*_pa_", text), page


def test_overview_shows_rag_labels_as_text_and_six_themes(open_app):
    at = open_app("overview")
    text = _text(at)
    for code in ("green", "amber", "red"):
        label, symbol, _ = wording.RAG[code]
        assert f"{symbol} {label}" in text
    for theme in register.load().themes:
        assert theme.title in text
    assert "improving" in text and "worsening" in text


def test_theme_table_has_text_rag_and_sparklines(open_app):
    at = open_app("theme", theme="adult_social_care")
    assert "Adult Social Care" in at.title[0].value
    table = at.dataframe[0].value
    assert {"RAG", "Direction", "Rank", "Recent values", "Open", "Data notes"} <= set(table.columns)
    labels = {wording.rag_text(code) for code in wording.RAG}
    assert table["RAG"].isin(labels).all()
    ids = [m.id for m in register.load().measures if "adult_social_care" in m.themes]
    assert len(table) == len(ids)


def test_permalink_opens_the_measure(open_app):
    at = open_app("measure", measure="cyp_persistent_absence_pct")
    assert not at.exception
    assert at.title[0].value == register.load().measure("cyp_persistent_absence_pct").title
    assert at.selectbox(key="_url_measure").value == "cyp_persistent_absence_pct"


def test_home_url_with_measure_param_opens_the_measure(open_app):
    at = open_app("overview", measure="cyp_persistent_absence_pct")
    assert not at.exception
    assert at.title[0].value == register.load().measure("cyp_persistent_absence_pct").title


def test_page_param_and_period_param_are_honoured(open_app):
    quarters = evaluate.reporting_quarters(Context.of())
    at = open_app("overview", page="exceptions", period=quarters[2])
    assert at.title[0].value == f"Exceptions — {quarters[2]}"
    assert at.query_params["period"] in (quarters[2], [quarters[2]])


@pytest.mark.parametrize(
    "params",
    [
        {"measure": "no_such_measure"},
        {"theme": "no_such_theme"},
        {"period": "1999/00 Q1"},
        {"group": "nonsense"},
        {"page": "nowhere"},
    ],
)
def test_unknown_ids_give_friendly_not_found(open_app, params):
    # ?measure= / ?theme= on the home URL redirect to their page; group is only used on a page
    page = "benchmarking" if "group" in params else "overview"
    at = open_app(page, **params)
    assert not at.exception
    assert any("Not found" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "page, params", [("measure", {"measure": "cyp_persistent_absence_pct"}), ("benchmarking", {"group": "cipfa_nn"})]
)
def test_charts_are_drawn_in_the_apps_font_without_streamlits_theme(open_app, page, params):
    """Axis labels and legends in the app's text colour (Streamlit's chart theme draws them grey, 3.7:1 on white,
    below WCAG AA for text): the app's font and colour on Plotly's white template, not Streamlit's theme."""
    at = open_app(page, **params)
    charts_sent = at.get("plotly_chart")
    assert charts_sent
    for chart, figure in zip(charts_sent, _figures(at)):
        assert chart.proto.theme == ""
        assert figure["layout"]["font"] == charts.FONT
        assert figure["layout"]["template"]["layout"]["plot_bgcolor"] == "white"  # Plotly's default: #E5ECF6


def test_measure_chart_matches_engine_value(open_app):
    measure_id = "cyp_persistent_absence_pct"
    at = open_app("measure", measure=measure_id)
    row = views.scorecard(Context.of()).set_index("measure_id").loc[measure_id]
    trend = next(f for f in _figures(at) if any(t.get("name") == "Sefton" for t in f["data"]))
    sefton = next(t for t in trend["data"] if t.get("name") == "Sefton")
    assert sefton["x"][-1] == row["period_label"]
    assert sefton["y"][-1] == pytest.approx(row["value"])
    england = next(t for t in trend["data"] if t.get("name") == "England")
    assert england["y"][-1] == pytest.approx(row["england_value"])
    bars = next(f for f in _figures(at) if f["data"][0].get("type") == "bar")["data"][0]
    sefton_bar = [x for y, x in zip(bars["y"], bars["x"]) if "(Sefton)" in y]
    assert sefton_bar == [pytest.approx(row["value"])]
    text = _text(at)
    assert wording.format_value(row["value"], row["unit"], row["decimals"]) in text


def test_proxy_and_illustrative_measures_are_labelled(open_app):
    reg = register.load()
    proxy = next(m for m in reg.measures if m.source.match == "proxy")
    at = open_app("measure", measure=proxy.id)
    assert any("Proxy measure" in w.value and proxy.source.proxy_for.rstrip(".") in w.value for w in at.warning)
    council = next(m for m in reg.measures if m.source.returns == "illustrative")
    at = open_app("measure", measure=council.id)
    assert any("Illustrative figures" in w.value for w in at.warning)


def test_a_proxy_judged_by_another_polarity_shows_the_framework_s_beside_it(open_app):
    at = open_app("measure", measure="com_homelessness_preventions_pct")
    notes = [w.value for w in at.warning if "Polarity differs from the framework" in w.value]
    assert len(notes) == 1 and "lower is better" in notes[0] and "higher is better" in notes[0]
    assert "Higher is better (the framework's scorecard says: lower is better)" in _text(at)
    at = open_app("measure", measure="cyp_persistent_absence_pct")
    assert not any("Polarity differs" in w.value for w in at.warning)


@pytest.mark.parametrize("measure", register.load().measures, ids=lambda m: m.id)
def test_every_measure_page_renders(monkeypatch, measure):
    """Each measure page in one run, opened straight by its URL (``?page=measure&measure=…``)."""
    at = run_app(monkeypatch, "officer", "measure", measure=measure.id)  # fails on a page exception
    assert [t.value for t in at.title][:1] == [measure.title]


@pytest.mark.parametrize("group", ["cipfa_nn", "dfe_sn", "combined_authority", "region", "same_type", "england"])
def test_benchmarking_every_group(open_app, group):
    at = open_app("benchmarking", group=group)
    assert not at.exception
    assert at.selectbox(key="_url_group").value == group


def test_exceptions_and_explore_offer_downloads(open_app):
    for page in ("exceptions", "explore", "theme"):
        at = open_app(page)
        assert at.get("download_button"), page


def test_overview_builds_the_committee_pack_on_request(open_app):
    at = open_app("overview")
    period = evaluate.reporting_quarters(Context.of())[0]
    prepare = next(b for b in at.button if b.label == "Prepare XLSX")
    assert not any(d.proto.label == "Download XLSX" for d in at.get("download_button"))
    prepare.click().run()
    assert not at.exception
    downloads = [d for d in at.get("download_button") if d.proto.label == "Download XLSX"]
    assert downloads, "no download offered after preparing the pack"
    suggested = releases.deep_dive(register.load(), periods.parse_label(period))
    assert at.selectbox(key=f"deep-dive-{period}").value == suggested  # the theme whose national data came out
    key = f"pack-xlsx-{period}-all-{suggested}-cpor"
    assert key in at.session_state
    assert at.session_state[key][:2] == b"PK"  # an xlsx is a zip file


def test_measure_page_says_when_the_next_figures_are_expected(open_app):
    at = open_app("measure", measure="com_household_recycling_rate")
    expected = (
        views.release_calendar(Context.of()).set_index("measure_id").loc["com_household_recycling_rate", "expected"]
    )
    assert f"**Next figures:** {expected}" in [e.value for e in at.markdown]
    council = next(m for m in register.load().measures if m.source.match == "none")
    assert not any("Next figures" in e.value for e in open_app("measure", measure=council.id).markdown)


def test_data_page_lists_upcoming_releases_by_month(open_app):
    at = open_app("data")
    assert not at.exception
    assert any(s.value == "Upcoming releases by month" for s in at.subheader)
    calendar = views.release_calendar(Context.of())
    tables = [e.value for e in at.dataframe]
    upcoming = next(t for t in tables if "month" in t.columns and "due" in t.columns)
    engine = releases.upcoming_by_month(calendar)
    assert upcoming["title"].tolist() == engine["title"].tolist() and len(upcoming) > 5
    assert upcoming["month"].iloc[0] == engine["next_release"].min().strftime("%B %Y")
    stale = next(t for t in tables if "expected" in t.columns)
    title = register.load().measure("com_household_recycling_rate").title
    assert title in stale["title"].tolist()


def test_exceptions_page_lists_each_measure_once_most_severe_first_with_counts_per_rule(open_app):
    reg = register.load()
    said = talk.for_role("officer", "2025/26 Q4").commentary  # the app's demo role sees the current text
    card = commentary.attach(views.scorecard(Context.of(None, reg), period="2025/26 Q4"), said, reg)
    at = open_app("exceptions", period="2025/26 Q4")
    text = _text(at)
    expected = views.exception_list(card)
    assert f"{len(expected)} of 86 measures" in text
    for code, n in views.rule_counts(card, reg).items():
        assert f"{wording.exception_text(code)}: **{n}**" in text
    decision = expected[expected["exception_tier"] == "for_decision"]
    assert 0 < len(decision) < len(expected) and decision["rag"].eq("red").sum() == card["rag"].eq("red").sum()
    titles = set(expected["title"])
    cards = [link.label for link in at.get("page_link") if link.label in titles]  # for decision: full cards
    assert cards == list(decision["title"])  # once each, in severity order
    rows = [link.label for link in at.get("page_link") if " — " in link.label]
    rest = expected[expected["exception_tier"] != "for_decision"]
    assert [label.split(" — ", 1)[1] for label in rows[-len(rest) :]] == list(rest["title"])
    assert [e.label.split(" (")[0] for e in at.expander if e.label.startswith(("Watch", "Going well"))] == [
        "Watch",
        "Going well",
    ]


def test_measure_page_shows_the_year_end_forecast_with_its_band(open_app):
    at = open_app("measure", measure="com_contact_centre_answered_pct", period="2025/26 Q2")
    assert "Year-end forecast:" in _text(at) and "80% interval" in _text(at)
    trend = next(f for f in _figures(at) if any("Forecast" in str(t.get("name")) for t in f["data"]))
    line = next(t for t in trend["data"] if "Forecast" in str(t.get("name")))
    assert line["line"]["dash"] == "dot" and line["x"][-1] == "Mar 2026"
    assert line["error_y"]["array"][-1] > 0 and line["error_y"]["arrayminus"][-1] > 0


def test_the_q4_overview_gives_the_year_s_outturn_not_an_empty_forecast(open_app):
    at = open_app("overview", period="2025/26 Q4")
    headings = [h.value for h in at.subheader]
    assert "The year's outturn against its target" in headings
    assert "At risk of missing the year-end target" not in headings
