"""Who reads what, as :mod:`scorecard.governance.access` decides it (the rest of the gate is tested in
test_reports.py and, role by role on the pages, in tests/app/test_roles.py)."""

from __future__ import annotations

import pytest

from scorecard.governance import access

STATES = (access.DRAFT, access.RELEASED, access.PUBLISHED)


@pytest.mark.parametrize(
    "role, live",
    [
        ("public", ()),
        ("member", (access.RELEASED, access.PUBLISHED)),
        ("officer", STATES),
        ("admin", STATES),
    ],
)
def test_scrutiny_recommendations_are_read_live_by_staff_and_members_at_a_quarter_they_may_see(role, live):
    assert {state for state in STATES if access.reads_recommendations_live(role, state)} == set(live)


def test_only_the_role_of_anyone_not_signed_in_is_the_default():
    assert [role for role in access.ROLES if access.is_default(role)] == ["public"]
