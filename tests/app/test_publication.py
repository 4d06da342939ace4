"""Publish → revise → the public still sees the published figure, marked "revised since publication" with
both values; the snapshot file is unchanged. And an admin publishes from the app, into the audit log."""

from __future__ import annotations

import hashlib

from scorecard.governance import audit, publish
from scorecard.present import wording
from tests.app.conftest import run_app
from tests.conftest import PUBLISHED as Q
from tests.scorecard.governance.test_publish import revise


def test_public_keeps_the_published_figure_after_a_revision(published_app_data, monkeypatch):
    data_dir, entry = published_app_data
    frozen = publish.load(Q, data_dir=data_dir)
    row = frozen[frozen["value"].notna() & frozen["info_type"].ne("contextual")].iloc[0]
    published_text = wording.format_value(row["value"], row["unit"], row["decimals"])
    new_value = row["value"] * 1.5 + 7
    revised_text = wording.format_value(new_value, row["unit"], row["decimals"])
    assert published_text != revised_text
    revise(data_dir, row["measure_id"], row["period_label"], new_value)

    at = run_app(monkeypatch, "public", "measure", measure=row["measure_id"], period=Q)
    headline = at.metric[0]
    assert headline.value == published_text  # the published figure, not the revised one
    assert any("Revised since publication" in w.value for w in at.warning)
    assert "Revised since publication" in " ".join(m.value for m in at.markdown)  # badge beside the figure
    revisions = [d.value for d in at.dataframe if "Published figure" in d.value.columns][0]
    line = revisions.set_index("Measure").loc[row["title"]]
    assert (line["Published figure"], line["Revised figure"]) == (published_text, revised_text)
    figures = [d.value for d in at.dataframe if {"period_label", "value", "status"} <= set(d.value.columns)][0]
    assert figures.set_index("period_label").loc[row["period_label"], "value"] == row["value"]  # frozen trend too
    for part in entry["parts"].values():  # every frozen file is still the one published
        frozen_file = data_dir / "snapshots" / part["file"]
        assert hashlib.sha256(frozen_file.read_bytes()).hexdigest() == part["sha256"]

    other = run_app(monkeypatch, "public", "measure", measure=row["measure_id"], period=Q, group="england")
    assert other.metric[0].value == published_text
    figures = [d.value for d in other.dataframe if {"period_label", "value", "status"} <= set(d.value.columns)][0]
    assert figures.set_index("period_label").loc[row["period_label"], "value"] == row["value"]

    officer = run_app(monkeypatch, "officer", "measure", measure=row["measure_id"], period=Q)
    assert officer.metric[0].value == revised_text  # staff work on the current data


def test_admin_publishes_from_the_app(app_data, monkeypatch):
    at = run_app(monkeypatch, "admin")
    at.switch_page("pages/publish.py")
    at.run()
    assert [t.value for t in at.title] == ["Publish a quarter"]
    at.selectbox(key="publish_period").set_value(Q).run()
    at.checkbox(key="publish_confirm").check().run()
    [button] = [b for b in at.button if b.label == "Publish"]
    button.click().run()
    assert not at.exception
    assert any(Q in s.value for s in at.success)
    assert publish.state(Q, app_data) == "published"
    [entry] = [e for e in audit.entries(app_data) if e["action"] != "build-data"]
    assert entry["action"] == "publish" and entry["detail"]["period"] == Q and entry["who"].startswith("demo admin")

    public = run_app(monkeypatch, "public")
    assert [t.value for t in public.title] == [f"Corporate Plan overview — {Q}"]
