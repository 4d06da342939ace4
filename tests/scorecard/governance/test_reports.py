"""The gate (#22): each role × each part × each publication state — staff read the current data of any
quarter; members the frozen snapshot of a released or published one; the public the frozen snapshot of a
published one; nobody else anything ("not published")."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from scorecard.governance import access, publish, reports
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db
from tests.conftest import PUBLISHED

RELEASED, DRAFT = "2025/26 Q3", "2025/26 Q4"
STATES = {PUBLISHED: access.PUBLISHED, RELEASED: access.RELEASED, DRAFT: access.DRAFT}
ROLES = ("public", "member", "officer", "admin")
PARTS = {
    "scorecard": lambda role, period, folder: reports.scorecard_for(Context.of(folder), role, period),
    "series": lambda role, period, folder: reports.series_for(Context.of(folder), role, period),
    "members": lambda role, period, folder: reports.members_for(Context.of(folder), role, period, "cipfa_nn"),
    "footer": lambda role, period, folder: reports.footer_for(Context.of(folder), role, period),
}


@pytest.fixture(scope="module")
def gated(published_once, tmp_path_factory):
    """2025/26 Q2 published, Q3 released to members, Q4 a draft."""
    folder = tmp_path_factory.mktemp("gate") / "data"
    shutil.copytree(published_once[0], folder)
    db.reset()
    publish.publish(Context.of(folder), RELEASED, who="test admin", release_to_members=True)
    db.reset()
    return folder


def _may_read(role: str, state: str) -> bool:
    return role in ("officer", "admin") or state == access.PUBLISHED or (role == "member" and state == access.RELEASED)


def test_the_states_are_as_set(gated):
    assert reports.check(gated) == {PUBLISHED: access.PUBLISHED, RELEASED: access.RELEASED}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("period", list(STATES))
@pytest.mark.parametrize("part", list(PARTS))
def test_each_role_reads_each_part_only_where_it_may(gated, role, period, part):
    ctx = Context.of(gated)
    read = PARTS[part]
    if not _may_read(role, STATES[period]):
        with pytest.raises(reports.NotPublished):
            read(role, period, gated)
        assert reports.embargoed(ctx, role, period)
        return
    got = read(role, period, gated)
    assert not reports.embargoed(ctx, role, period)
    if part == "footer":
        assert got["published"] is access.reads_snapshot(role)
    elif part == "scorecard":
        assert len(got) == 86 and set(got["report_period"]) == {period}
    else:
        assert isinstance(got, pd.DataFrame) and len(got)


@pytest.mark.parametrize("role", ["public", "member"])
def test_members_and_the_public_read_the_frozen_card_not_the_live_one(gated, role):
    ctx = Context.of(gated)
    frozen = publish.load(PUBLISHED, None, gated).set_index("measure_id")
    got = reports.scorecard_for(ctx, role, PUBLISHED).set_index("measure_id")
    assert got["value"].equals(frozen["value"]) and got["rag"].equals(frozen["rag"])
    live = views.scorecard(ctx, period=PUBLISHED).set_index("measure_id")
    withheld = frozen["rag"] == "awaiting"  # illustrative figures are never published
    assert withheld.any() and not (live.loc[withheld.index[withheld], "rag"] == "awaiting").any()


def test_staff_read_the_current_data_of_every_quarter(gated):
    ctx = Context.of(gated)
    for period in STATES:
        live = views.scorecard(ctx, period=period)
        for role in ("officer", "admin"):
            pd.testing.assert_frame_equal(reports.scorecard_for(ctx, role, period), live)


@pytest.mark.parametrize(
    "role, quarters",
    [("public", [PUBLISHED]), ("member", [RELEASED, PUBLISHED])],
)
def test_the_quarters_offered_are_only_those_readable(gated, role, quarters):
    assert reports.quarters_for(Context.of(gated), role) == quarters


def test_staff_are_offered_the_latest_eight_and_no_default_leaks_a_draft(gated):
    ctx = Context.of(gated)
    assert reports.quarters_for(ctx, "officer")[:3] == [DRAFT, RELEASED, PUBLISHED]
    assert reports.scorecard_for(ctx, "public", None)["report_period"].iloc[0] == PUBLISHED
    assert reports.scorecard_for(ctx, "member", None)["report_period"].iloc[0] == RELEASED


@pytest.mark.parametrize("role", ROLES)
def test_the_load_history_is_for_staff_only(gated, role):
    ctx = Context.of(gated)
    if access.sees_draft(role):
        fresh, batches = reports.loads_for(ctx, role)
        assert len(fresh) and len(batches)
    else:
        with pytest.raises(reports.NotPublished):
            reports.loads_for(ctx, role)


@pytest.mark.parametrize("role, period, under", [("member", RELEASED, True), ("member", PUBLISHED, False),
                                                ("public", RELEASED, False), ("officer", RELEASED, False)])  # fmt: skip
def test_only_a_member_reading_a_release_is_under_embargo(role, period, under):
    assert access.under_embargo(role, STATES[period]) is under
