"""The quarterly workflow in a real browser (#26): on two servers over one private copy of the data, a data owner
uploads a red measure's figure, writes its narrative on its measure page and submits it on the Returns page; BI's
check is recorded; the Assistant Director signs it off on the Returns page. Each step is in the audit log under
its person."""

from __future__ import annotations

import os
import shutil
from urllib.parse import quote

import pandas as pd
import pytest

from scorecard import register
from scorecard.bench.app_server import CHROMIUM, running_app
from scorecard.governance import audit, workflow
from scorecard.register import Context
from scorecard.store import db
from tests.browser.conftest import log_path, open_page, settle
from tests.browser.test_app_browser import _no_errors
from tests.browser.test_conversation_browser import _upload

pytestmark = pytest.mark.browser

Q = "2025/26 Q4"
MEASURE = "asc_casework_audits_good_pct"  # red at 2025/26 Q4, no demo commentary


@pytest.fixture(scope="module")
def servers(built_data, tmp_path_factory):
    """(data owner's url, Assistant Director's url, data folder): two officers with different duties."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent")
    data = tmp_path_factory.mktemp("workflow-browser") / "data"
    shutil.copytree(built_data[0], data)
    db.reset()
    base = {"SCORECARD_DATA": str(data), "SCORECARD_DEMO_ROLE": "officer"}
    owner_env = base | {"SCORECARD_DEMO_DUTIES": "data_owner", "SCORECARD_USER": "Service manager (test)"}
    director_env = base | {"SCORECARD_DEMO_DUTIES": "assistant_director", "SCORECARD_USER": "Assistant Director (test)"}
    with running_app(log_path("workflow-owner"), owner_env) as (owner, _):
        with running_app(log_path("workflow-director"), director_env) as (director, _):
            yield owner, director, data


def _take(page, base: str, title: str, button: str, done: str) -> None:
    open_page(page, f"{base}/returns?period={quote(Q)}")
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Measure")
    picker.click()
    page.keyboard.type(title[:40])
    page.get_by_role("option", name=title).click()
    settle(page)
    page.get_by_role("button", name=button).click()
    page.get_by_text(done).wait_for(timeout=60_000)
    settle(page)


def test_a_data_owner_submits_and_the_assistant_director_signs_off(page, servers, tmp_path):
    owner, director, data = servers
    title = register.load().measure(MEASURE).title
    figure = tmp_path / "q4_figures.csv"
    figure.write_text(f"measure_id,area_code,period,value\n{MEASURE},E08000014,{Q},58.5\n", encoding="utf-8")
    _upload(page, owner, figure, 1)  # the figure, as the data owner returns it
    held = pd.read_parquet(data / "observations.parquet")
    assert held.loc[(held["measure_id"] == MEASURE) & (held["period_label"] == Q), "value"].tolist() == [58.5]
    open_page(page, f"{owner}/measure?measure={MEASURE}&period={quote(Q)}")
    page.get_by_role("textbox", name="What happened and why").fill("Two auditors on leave; audits resume in May.")
    page.get_by_role("button", name="Save commentary").click()
    page.get_by_text("Saved as version 1").wait_for()
    _take(page, owner, title, "Submit", f"{title}: submitted (in the audit log).")
    assert page.get_by_role("button", name="Sign off").count() == 0  # not the data owner's step
    workflow.take(Context.of(data), "check", MEASURE, Q, "BI analyst", "bi")  # BI's check, as the command line does
    _take(page, director, title, "Sign off", f"{title}: signed off (in the audit log).")
    _no_errors(page, "workflow_director")
    assert workflow.state_of(MEASURE, Q, data) == "signed_off"
    steps = [(e["who"], e["detail"]["step"]) for e in audit.entries(data) if e["action"] == workflow.ACTION]
    assert steps == [
        ("Service manager (test)", "submit"),
        ("BI analyst", "check"),
        ("Assistant Director (test)", "sign_off"),
    ]
