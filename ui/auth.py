"""Who is using the app: Streamlit's built-in OIDC sign-in (``st.login`` / ``st.user`` / ``st.logout``) and
the role that decides what they see (see :mod:`scorecard.governance.access`).

Configuration lives in ``.streamlit/secrets.toml`` (never committed)::

    [auth]
    redirect_uri = "https://scorecard.example/oauth2callback"
    cookie_secret = "…long random string…"
    client_id = "…"
    client_secret = "…"
    server_metadata_url = "https://login.example/.well-known/openid-configuration"

    [roles]
    claim = "scorecard_role"          # identity-token claim holding the role (optional)
    [roles.users]                     # council mapping, wins over the claim (optional)
    "chair.scrutiny@sefton.gov.uk" = "member"
    [duties]                          # framework duties (scorecard/governance/access.py): staff hold data_owner,
                                      # bi, assistant_director, executive_director, audit; members scrutiny
    claim = "scorecard_duties"        # identity-token claim holding them (optional)
    [duties.users]                    # council mapping, wins over the claim (optional)
    "ad.adults@sefton.gov.uk" = ["assistant_director"]

Safe default: without a complete ``[auth]`` section everyone is ``public`` — unless the demo variable
``SCORECARD_DEMO_ROLE`` (or the older ``SCORECARD_OFFICER=1``) is set, which is honoured **only when
sign-in is not configured** (a laptop demo or a test), never on a server with sign-in; so is
``SCORECARD_DEMO_DUTIES`` (comma-separated duties).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st

from scorecard.governance import access
from scorecard.present import wording

AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
DEMO_ENV = "SCORECARD_DEMO_ROLE"
DEMO_DUTIES_ENV = "SCORECARD_DEMO_DUTIES"


def _secrets_section(name: str) -> Mapping:
    try:
        section = st.secrets.get(name)
    except Exception:  # no secrets file at all, or an unreadable one: treat as absent
        return {}
    return section if isinstance(section, Mapping) else {}


def configured() -> bool:
    """True when ``[auth]`` has every setting the default OIDC provider needs."""
    section = _secrets_section("auth")
    return all(isinstance(section.get(key), str) and section.get(key) for key in AUTH_KEYS)


def demo_role(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    role = access.normalise(env.get(DEMO_ENV, ""))
    if role is None and env.get("SCORECARD_OFFICER") == "1":
        role = "officer"
    return role


def resolve_role(
    is_configured: bool, logged_in: bool, claims: Mapping[str, object], roles_config: Mapping, env: Mapping[str, str]
) -> str:
    """The role, from everything that decides it (pure: unit-tested in tests/app/test_roles.py)."""
    if not is_configured:
        return demo_role(env) or access.DEFAULT_ROLE
    if not logged_in:
        return access.DEFAULT_ROLE
    users = roles_config.get("users") if isinstance(roles_config.get("users"), Mapping) else {}
    configured = roles_config.get("claim")
    claim = configured if isinstance(configured, str) else access.ROLE_CLAIM
    return access.role_from_claims(claims, users, claim)


def _logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def role() -> str:
    """The current user's role (``public`` unless proven otherwise)."""
    is_configured = configured()
    logged_in = is_configured and _logged_in()
    claims = st.user.to_dict() if logged_in else {}
    return resolve_role(is_configured, logged_in, claims, _secrets_section("roles"), os.environ)


def resolve_duties(
    role: str, is_configured: bool, logged_in: bool, claims: Mapping[str, object], config: Mapping, env: Mapping
) -> frozenset[str]:
    """The workflow duties, from everything that decides them (pure: unit-tested in tests/app/test_roles.py)."""
    if not is_configured:
        return access.duties_from_claims(role, {access.DUTY_CLAIM: env.get(DEMO_DUTIES_ENV, "").split(",")})
    if not logged_in:
        return frozenset()
    users = config.get("users") if isinstance(config.get("users"), Mapping) else {}
    named = config.get("claim")
    claim = named if isinstance(named, str) else access.DUTY_CLAIM
    return access.duties_from_claims(role, claims, users, claim)


def duties() -> frozenset[str]:
    """The current user's workflow duties (none unless proven otherwise)."""
    is_configured = configured()
    logged_in = is_configured and _logged_in()
    claims = st.user.to_dict() if logged_in else {}
    return resolve_duties(role(), is_configured, logged_in, claims, _secrets_section("duties"), os.environ)


def user_name() -> str:
    """Who to record in the audit log."""
    if configured() and _logged_in():
        info = st.user.to_dict()
        return str(info.get("email") or info.get("name") or info.get("sub") or "signed-in user")
    return os.environ.get("SCORECARD_USER") or f"demo {role()} (no sign-in configured)"


def controls(current: str) -> None:
    """Sidebar: who you are, and a sign-in / sign-out button."""
    if configured():
        if _logged_in():
            st.caption(f"Signed in as **{_plain(user_name())}** · {wording.ROLE[current]}")
            if st.button("Sign out", key="_sign_out", icon=":material/logout:"):
                st.logout()
        else:
            st.caption(f"{wording.ROLE[current]}: published quarters only.")
            if st.button("Sign in (councillors and staff)", key="_sign_in", icon=":material/login:"):
                st.login()
    elif not access.is_default(current):
        st.caption(f"Demo role: **{wording.ROLE[current]}** (sign-in is not configured; set by {DEMO_ENV}).")
    else:
        st.caption("Public view: published quarters only.")


def _plain(text: str) -> str:
    """Text safe to put inside markdown (no links, emphasis or HTML from an identity provider's claims)."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!<>|~$" else ch for ch in str(text)[:80])
