"""Who sees what: roles and which reporting quarters each role may see (never imports streamlit).

Quarterly figures are embargoed until the CPOR is published in the Cabinet agenda:

========  ==========================================================================================
role      sees
========  ==========================================================================================
public    published quarters only, read from the frozen snapshot; no draft commentary (no sign-in)
member    councillors: published quarters + quarters released to members ahead of the meeting
officer   every quarter on the current (draft) data, and the upload page
admin     as officer, and may publish a quarter (and manage targets)
========  ==========================================================================================

Anything unknown — a missing claim, an unrecognised role name, a user not in the mapping — is ``public``:
the safe default never shows a draft figure.

What a person may *do* in the performance cycle is a separate matter from what they see: their **duties**, the
rows of the framework's "Performance Management Structure" (seed 001), from the identity provider's
``scorecard_duties`` claim or the council's mapping. None is implied by a role:

===================  ========  ====================================================================================
duty                 held by   does
===================  ========  ====================================================================================
data_owner           staff     submits a measure's figures and narrative (:mod:`~scorecard.governance.workflow`)
bi                   staff     checks a return, steps it back with a reason, lists a measure as not signed off
assistant_director   staff     signs a measure off, steps it back with a reason, answers scrutiny
executive_director   staff     answers scrutiny for the directorate (:mod:`~scorecard.governance.recommendations`);
                               the QSR review itself is a meeting, outside the app
audit                staff     draws the yearly audit sample of KPIs with each figure's lineage
scrutiny             members   records Overview and Scrutiny's recommendations and questions
===================  ========  ====================================================================================

A staff duty may be bound to one directorate, as the post is: ``assistant_director:children_education`` signs off
and answers only for that directorate's measures, actions and themes; an unbound duty covers every directorate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

ROLES = ("public", "member", "officer", "admin")
"""From least to most privileged."""
DEFAULT_ROLE = "public"
ROLE_CLAIM = "scorecard_role"
"""The identity-token claim read for the role when the users → roles mapping has no entry."""

DRAFT = "draft"
RELEASED = "released_to_members"
PUBLISHED = "published"


def normalise(role: object) -> str | None:
    """A known role name (case and spaces ignored), else None."""
    text = str(role).strip().lower() if isinstance(role, str) else ""
    return text if text in ROLES else None


def highest(roles: Iterable[object]) -> str | None:
    """The most privileged known role in ``roles`` (None if none is known)."""
    known = [r for r in (normalise(x) for x in roles) if r]
    return max(known, key=ROLES.index) if known else None


def role_from_claims(
    claims: Mapping[str, object], users: Mapping[str, object] | None = None, claim: str = ROLE_CLAIM
) -> str:
    """The role of a signed-in user: the council's users → roles mapping (by email, then subject) wins;
    otherwise the ``claim`` in the identity token (a string or a list: the highest known role);
    otherwise ``public``."""
    users = {str(k).strip().lower(): v for k, v in (users or {}).items()}
    for key in ("email", "sub"):
        ident = claims.get(key)
        if isinstance(ident, str) and ident.strip().lower() in users:
            return normalise(users[ident.strip().lower()]) or DEFAULT_ROLE
    value = claims.get(claim)
    values = value if isinstance(value, (list, tuple)) else [value]
    return highest(values) or DEFAULT_ROLE


STAFF_DUTIES = ("data_owner", "bi", "assistant_director", "executive_director", "audit")
"""The duties of council staff (officer, admin): the workflow's three in the order a quarter's steps are taken,
then the Executive Director's and the Audit team's."""
MEMBER_DUTIES = ("scrutiny",)
"""The duties of councillors (member)."""
DUTIES = STAFF_DUTIES + MEMBER_DUTIES
DUTY_CLAIM = "scorecard_duties"


def holdable(role: str) -> tuple[str, ...]:
    """The duties ``role`` may hold: staff's, members' or (the public) none."""
    return STAFF_DUTIES if sees_draft(role) else MEMBER_DUTIES if role == "member" else ()


def duties_from_claims(
    role: str, claims: Mapping[str, object], users: Mapping[str, object] | None = None, claim: str = DUTY_CLAIM
) -> frozenset[str]:
    """The duties of a signed-in person: the council's users → duties mapping (by email, then subject) wins, else
    the ``claim`` (a name or a list); names unknown, or not for the role (:func:`holdable`), are dropped."""
    allowed = holdable(role)
    users = {str(k).strip().lower(): v for k, v in (users or {}).items()}
    value = claims.get(claim)
    for key in ("email", "sub"):
        ident = claims.get(key)
        if isinstance(ident, str) and ident.strip().lower() in users:
            value = users[ident.strip().lower()]
            break
    values = value if isinstance(value, (list, tuple)) else [value]
    named = (str(v).strip().lower() for v in values)  # bound ("name:directorate") only for staff, never empty
    bindable = role != "member"
    return frozenset(v for v in named if duty_name(v) in allowed and (":" not in v or (bindable and v.split(":")[1])))


def duty_name(duty: str) -> str:
    """The duty without its directorate: ``assistant_director:adults`` → ``assistant_director``."""
    return duty.split(":", 1)[0]


def covering(held: Iterable[str], names: Iterable[str], directorates: Iterable[str]) -> str | None:
    """The first duty among ``held`` named one of ``names`` (in their order) that covers something owned by
    ``directorates`` — bound to one of them, or unbound — else None."""
    ordered, owners = sorted(held), list(directorates)
    for name in names:
        accepted = {name, *(f"{name}:{owner}" for owner in owners)}
        if found := next((d for d in ordered if d in accepted), None):
            return found
    return None


def sees_draft(role: str) -> bool:
    """Officers and admins work on the current (draft) data."""
    return role in ("officer", "admin")


def reads_snapshot(role: str) -> bool:
    """Public and members only ever see frozen snapshots."""
    return not sees_draft(role)


def reads_recommendations_live(role: str, state: str) -> bool:
    """Overview and Scrutiny's recommendations as they stand: staff, and the members who raise them, at a quarter
    they may see; the public read them as frozen with the published quarter."""
    return (sees_draft(role) or role == "member") and can_view(role, state)


def is_default(role: str) -> bool:
    """The role of anyone not signed in (:data:`DEFAULT_ROLE`)."""
    return role == DEFAULT_ROLE


def can_upload(role: str) -> bool:
    return role in ("officer", "admin")


def can_publish(role: str) -> bool:
    return role == "admin"


def can_view(role: str, state: str) -> bool:
    """May ``role`` see a quarter in publication ``state``?"""
    if sees_draft(role):
        return True
    if role == "member":
        return state in (RELEASED, PUBLISHED)
    return state == PUBLISHED


def under_embargo(role: str, state: str | None) -> bool:
    """Whether ``role`` reads a quarter released to members ahead of its publication (figures embargoed until
    the CPOR is published in the Cabinet agenda)."""
    return reads_snapshot(role) and state == RELEASED and can_view(role, state)


def visible_periods(role: str, quarters: Iterable[str], states: Mapping[str, str]) -> list[str]:
    """The quarters (in the given order) that ``role`` may see, given each period's publication state."""
    return [q for q in quarters if can_view(role, states.get(q, DRAFT))]
