"""The performance conversation in a real browser (Chromium), on two real servers over a private copy of the
data: an officer writes commentary on a measure page, reloads and sees it, while the public does not see it
until the quarter is published; and the upload flow — choose a file with Playwright's file chooser, read the
validation report, confirm, see the batch history — for a commentary and an actions return. Hostile text is
shown literally (no link, image or script is created)."""

from __future__ import annotations

import os
import re
import shutil
from urllib.parse import quote

import pytest

from scorecard.bench.app_server import CHROMIUM, running_app
from scorecard.governance import publish
from scorecard.ingest import batch_history
from scorecard.register import Context
from scorecard.store import db, ledger
from tests.browser.conftest import log_path, open_page, settle
from tests.browser.test_app_browser import _no_errors

pytestmark = pytest.mark.browser

Q = "2025/26 Q4"
MEASURE = "asc_casework_audits_good_pct"  # red at 2025/26 Q4, no demo commentary
WRITTEN = "Audits slipped while two auditors were on leave <img src=x onerror=alert(1)> [more](http://evil.example)"


@pytest.fixture(scope="module")
def servers(built_data, tmp_path_factory):
    """(officer url, public url, data folder): two servers sharing one private copy of the data."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent")
    data = tmp_path_factory.mktemp("talk-browser") / "data"
    shutil.copytree(built_data[0], data)
    db.reset()
    with running_app(log_path("talk-officer"), {"SCORECARD_DATA": str(data), "SCORECARD_DEMO_ROLE": "officer"}) as (
        officer,
        _,
    ):
        with running_app(log_path("talk-public"), {"SCORECARD_DATA": str(data), "SCORECARD_DEMO_ROLE": "public"}) as (
            public,
            _,
        ):
            yield officer, public, data


def _measure(base: str) -> str:
    return f"{base}/measure?measure={MEASURE}&period={quote(Q)}"


def test_officer_writes_commentary_and_the_public_sees_it_once_published(page, servers):
    officer, public, data = servers
    open_page(page, _measure(officer))
    page.get_by_role("textbox", name="What happened and why").fill(WRITTEN)
    page.get_by_role("textbox", name="Corrective action — what is being done").fill(
        "Temporary cover agreed with audit."
    )
    page.get_by_role("textbox", name="Action owner (a role, e.g. Service Manager)").fill("Head of Service")
    page.get_by_role("button", name="Save commentary").click()
    page.get_by_text("Saved as version 1").wait_for()
    page.reload()
    settle(page)
    shown = page.locator('[data-testid="stText"]').filter(has_text="Audits slipped while two auditors")
    shown.first.wait_for()
    assert shown.first.inner_text().strip() == WRITTEN  # exactly as written
    assert page.locator('[data-testid="stMain"] a[href*="evil.example"]').count() == 0
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
    _no_errors(page, "commentary_officer")
    versions = ledger.read(ledger.COMMENTARY, data)
    assert versions[(versions["measure_id"] == MEASURE) & (versions["period"] == Q)]["narrative"].tolist() == [WRITTEN]

    open_page(page, _measure(public))  # a draft quarter: not offered to the public at all
    page.get_by_text(re.compile("Not published|No figures published yet")).first.wait_for()
    assert page.get_by_text("Audits slipped while two auditors").count() == 0

    publish.publish(Context.of(data), Q, who="test admin")
    open_page(page, _measure(public))
    page.get_by_text("Audits slipped while two auditors").first.wait_for()
    assert page.get_by_role("textbox", name="What happened and why").count() == 0  # the public reads, never writes
    assert page.locator('[data-testid="stMain"] a[href*="evil.example"]').count() == 0
    _no_errors(page, "commentary_public")


def _upload(page, officer: str, path, rows: int) -> None:
    open_page(page, f"{officer}/upload")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile("Browse files|Upload")).first.click()
    chooser.value.set_files(str(path))
    page.get_by_text("Good rows").wait_for(timeout=60_000)  # the validation report
    page.get_by_role("button", name=f"Load {rows} row(s)").click()
    page.get_by_text(re.compile(rf"Loaded {re.escape(path.name)} \(")).wait_for(timeout=60_000)
    settle(page)


def test_upload_commentary_and_actions_returns_in_the_browser(page, servers, tmp_path):
    officer, _, data = servers
    commentary = tmp_path / "q4_commentary.csv"
    commentary.write_text(
        "measure_id,period,narrative,corrective_action,action_owner,due_date\n"
        f"asc_clients_good_outstanding_care_homes_pct,{Q},Two homes were downgraded by CQC.,"
        "Quality team visits both homes monthly.,Head of Commissioning,2026-07-31\n",
        encoding="utf-8",
    )
    actions = tmp_path / "q4_actions.csv"
    actions.write_text(
        "action_id,period,status,percent_complete,narrative\n"
        f"asc_pa_workforce,{Q},AMBER,55,Recruitment fair held; two offers accepted.\n",
        encoding="utf-8",
    )
    _upload(page, officer, commentary, 1)
    _no_errors(page, "upload_commentary")
    _upload(page, officer, actions, 1)
    page.get_by_text("Loaded returns").wait_for()
    _no_errors(page, "upload_actions")
    history = batch_history(data)
    assert {"q4_commentary.csv": "commentary", "q4_actions.csv": "actions"}.items() <= dict(
        zip(history["file"], history["kind"])
    ).items()

    open_page(page, f"{officer}/measure?measure=asc_clients_good_outstanding_care_homes_pct&period={quote(Q)}")
    page.get_by_text("Two homes were downgraded by CQC.").first.wait_for()
    open_page(page, f"{officer}/actions?theme=adult_social_care&period={quote(Q)}")
    page.get_by_text("Recruitment fair held; two offers accepted.").first.wait_for()
    page.get_by_text("55% complete").first.wait_for()
