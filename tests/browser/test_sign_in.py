"""A real sign-in: Streamlit's built-in OIDC (``st.login``) against a real OIDC provider on loopback
(``oidc-provider-mock``), driven in Chromium — for a councillor (role from the identity-token claim) and an
officer (role from the ``[roles.users]`` mapping in secrets). Each sees its own quarters and pages; the
public (signed out) sees only the published quarter. ``SCORECARD_DEMO_ROLE=admin`` is set on the server to
prove it is ignored once sign-in is configured."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from scorecard.bench.app_server import CHROMIUM, free_port, running_app
from scorecard.governance import publish
from scorecard.register import Context
from scorecard.store import db
from tests.browser.conftest import SCREENSHOTS, open_page, settle

pytestmark = pytest.mark.browser
oidc = pytest.importorskip("oidc_provider_mock", reason="pip install oidc-provider-mock")

PUBLISHED, RELEASED, DRAFT = "2025/26 Q2", "2025/26 Q3", "2025/26 Q4"
MEMBER = oidc.User(
    sub="cllr.member", claims={"email": "cllr.member@sefton.example", "name": "Cllr Member", "scorecard_role": "member"}
)
OFFICER = oidc.User(sub="officer.one", claims={"email": "officer.one@sefton.example", "name": "Officer One"})


@pytest.fixture(scope="module")
def provider():
    with oidc.run_server_in_thread(port=0, user_claims=[MEMBER, OFFICER]) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signed_app(provider, built_data, tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is absent")
    work = tmp_path_factory.mktemp("signin")
    data = work / "data"
    shutil.copytree(built_data[0], data)
    db.reset()
    publish.publish(Context.of(data), PUBLISHED, who="test admin")
    publish.publish(Context.of(data), RELEASED, who="test admin", release_to_members=True)
    port = free_port()
    secrets = work / "secrets.toml"
    secrets.write_text(f'''
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "test-only-cookie-secret-0123456789abcdef"
client_id = "sefton-scorecard"
client_secret = "test-only-client-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[roles]
claim = "scorecard_role"
[roles.users]
"officer.one@sefton.example" = "officer"
''')
    env = {"SCORECARD_DATA": str(data), "SCORECARD_DEMO_ROLE": "admin"}
    with running_app(
        work / "server.log",
        env,
        ("--secrets.files", str(secrets)),
        port=port,
        host="localhost",
        drop_env=("SCORECARD_OFFICER",),
    ) as (url, _):
        yield url


@pytest.fixture(scope="module")
def chromium(signed_app, browser):
    """The session's Chromium (one Playwright per process: a second sync_playwright() would clash)."""
    return browser


def _main_text(tab, waiting_for: str, area: str = "stMain") -> str:
    """The text of an area of the page once ``waiting_for`` has appeared in it (or after 20 s, when the
    caller's assert fails): a busy machine can take a few seconds to run the page."""
    main = tab.locator(f'[data-testid="{area}"]')
    try:
        main.get_by_text(waiting_for).first.wait_for(timeout=20_000)
    except PlaywrightTimeout:
        pass
    return main.inner_text()


def _heading(tab) -> str:
    return tab.locator("h1").first.inner_text(timeout=15_000)


def _sign_in(tab, app: str, sub: str):
    open_page(tab, app)
    tab.get_by_role("button", name="Sign in (councillors and staff)").click()
    tab.wait_for_url("**/oauth2/authorize**", timeout=20_000)  # the provider's own login form
    tab.locator(f'button[name="sub"][value="{sub}"]').first.click()
    tab.wait_for_url(f"{app}/**", timeout=20_000)
    settle(tab)


def _nav(tab) -> str:
    return tab.locator('[data-testid="stSidebarNav"]').inner_text()


@pytest.mark.parametrize("who", ["member", "officer"])
def test_sign_in_shows_the_role_specific_quarters_and_pages(chromium, signed_app, who):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    try:
        # signed out: the public view, whatever SCORECARD_DEMO_ROLE says
        open_page(tab, signed_app)
        assert _heading(tab) == f"Corporate Plan overview — {PUBLISHED}"
        assert "Upload a return" not in _nav(tab) and "Publish a quarter" not in _nav(tab)
        open_page(tab, f"{signed_app}/?period={RELEASED.replace(' ', '+').replace('/', '%2F')}")
        assert "Not published" in _main_text(tab, "Not published")

        _sign_in(tab, signed_app, MEMBER.sub if who == "member" else OFFICER.sub)
        sidebar = _main_text(tab, "Signed in as", area="stSidebar")
        email = MEMBER.claims["email"] if who == "member" else OFFICER.claims["email"]
        assert "Signed in as" in sidebar and email in sidebar
        assert ("Councillor (member)" if who == "member" else "Council officer") in sidebar
        tab.screenshot(path=str(SCREENSHOTS / f"signed_in_{who}.png"))

        quarter = lambda q: q.replace(" ", "+").replace("/", "%2F")  # noqa: E731
        open_page(tab, f"{signed_app}/?period={quarter(RELEASED)}")
        assert _heading(tab) == f"Corporate Plan overview — {RELEASED}"  # members: released ahead of Cabinet
        open_page(tab, f"{signed_app}/?period={quarter(DRAFT)}")
        main = _main_text(tab, "Not published" if who == "member" else "is draft")
        if who == "member":
            assert "Not published" in main and tab.locator("h1").count() == 0
            assert "Upload a return" not in _nav(tab)
        else:
            assert _heading(tab) == f"Corporate Plan overview — {DRAFT}" and "is draft" in main
            assert "Upload a return" in _nav(tab)
            open_page(tab, f"{signed_app}/upload")
            assert _heading(tab) == "Upload a return"
        assert "Publish a quarter" not in _nav(tab)  # admins only; the demo role is ignored

        tab.get_by_role("button", name="Sign out").click()
        tab.wait_for_url("**/oauth2/end_session**", timeout=20_000)  # RP-initiated logout at the provider
        open_page(tab, f"{signed_app}/?period={quarter(RELEASED)}")
        assert "Not published" in _main_text(tab, "Not published")
    finally:
        context.close()
