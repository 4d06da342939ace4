"""``.venv/bin/python tools/serve/load.py``: many simulated users against the production profile, with one and with
two app processes, so the scaling shows — officers and the public at once, on the same processes.

A simulated user does what a browser does on the wire, without drawing anything (a browser per user would
measure Chromium on the same two cores, not the server): it fetches the page's HTML through nginx (keeping its
route cookie, so it stays on one process), opens the app's websocket and asks for the page's script run
(Streamlit's ``BackMsg.rerun_script`` with the page's name and query string), and reads every message until
``script_finished``. Each view is a new session, as a new visit is.

Half the users are signed-in officers, half the public, as in production: sign-in is configured (a scratch
``secrets.toml`` with ``[auth]`` and a ``[roles.users]`` mapping, given to the app by ``STREAMLIT_SECRETS_FILES``),
so the demo role is ignored and each session's role comes from ``st.user``. An officer carries the identity
cookie Streamlit's own OIDC callback would have set (``_streamlit_user``, signed with the configured
``cookie_secret`` by Streamlit's own signing function); the exchange with an identity provider is the one step
not exercised (there is none on loopback). The public read the published quarter; officers every page, the
staff-only ones too. Per run it prints views, errors, the p50 and p95 of time until the script finished (what
"usable" costs the server and the network; drawing in the browser adds to it) for each role and in all, and
the server CPU per view (nginx and every app process together), beside the load average before and after.
Before measuring it checks that the officers' sessions are officers' (their navigation lists the upload page)
and the public's are not. It speaks Streamlit's wire protocol, so it imports Streamlit's message classes: it
lives here, beside the production profile, not in the engine (``scorecard/`` never imports Streamlit).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from streamlit.web.server.server_util import AUTH_COOKIE_NAME
from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project, when run as a script

from visit import view  # this folder (on the path when load.py is run or imported as a script)

from scorecard.bench.app_server import ROOT, running_proxy
from scorecard.bench.pages import PAGES, published_copy, tree_cpu

OFFICER = "officer@load.invalid"
"""The simulated officers' sign-in address (a reserved domain: nobody's)."""


def secrets(cookie_secret: str) -> str:
    """A ``secrets.toml`` that configures sign-in (no identity provider is ever asked: nobody logs in through
    it) and maps :data:`OFFICER` to the officer role."""
    return (
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "scorecard-load"\n'
        'client_secret = "unused"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n'
        "[roles.users]\n"
        f'"{OFFICER}" = "officer"\n'
    )


def signed_in(url: str, cookie_secret: str) -> str:
    """The cookie Streamlit's OIDC callback sets for :data:`OFFICER` at ``url``'s origin."""
    value = json.dumps({"email": OFFICER, "origin": url, "is_logged_in": True, "provider": "default"})
    return f"{AUTH_COOKIE_NAME}={create_signed_value(cookie_secret, AUTH_COOKIE_NAME, value).decode()}"


ROLES = ("officer", "public")
"""Every other simulated user is a signed-in officer; the rest are the public."""


def role_paths() -> dict[str, list[str]]:
    """The pages each role browses in turn: officers every page of ``bench pages``, the public all but staff's."""
    return {
        "officer": [page.path for page in PAGES],
        "public": [page.path for page in PAGES if not page.staff_only],
    }


async def _users(url: str, users: int, seconds: float, identity: str) -> tuple[dict[str, list[float]], int]:
    stop = time.monotonic() + seconds
    times: dict[str, list[float]] = {role: [] for role in ROLES}
    paths = role_paths()
    errors = 0

    async def user(number: int) -> None:
        nonlocal errors
        role = ROLES[number % len(ROLES)]
        cookie, n = "", number
        while time.monotonic() < stop:
            try:
                took, cookie = await view(url, paths[role][n % len(paths[role])], cookie, _identity(role, identity))
                times[role].append(took)
            except Exception:  # counted, never hidden: any failed view is an error of the run
                errors += 1
            n += 1

    await asyncio.gather(*(user(i) for i in range(users)))
    return times, errors


def _identity(role: str, officer: str) -> str:
    return officer if role == "officer" else ""


def _quantiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "views": len(times),
        "p50": statistics.median(times) if times else float("nan"),
        "p95": times[max(0, round(0.95 * len(times)) - 1)] if times else float("nan"),
    }


def run(users: int = 20, seconds: float = 120, processes: tuple[int, ...] = (1, 2)) -> list[dict]:
    """The load figures for each number of app processes: officers and the public browsing at once."""
    results = []
    with tempfile.TemporaryDirectory(prefix="scorecard-load-") as scratch:
        data = Path(scratch) / "data"
        published_copy(data)
        cookie_secret = os.urandom(24).hex()
        (Path(scratch) / "secrets.toml").write_text(secrets(cookie_secret))
        env = {"SCORECARD_DATA": str(data), "STREAMLIT_SECRETS_FILES": str(Path(scratch) / "secrets.toml")}
        for count in processes:
            log = ROOT / "test-artefacts" / f"bench-load-{count}.log"
            with running_proxy(log, env, processes=count) as (url, pid):
                officer = signed_in(url, cookie_secret)
                for role in ROLES:
                    offered: set[str] = set()
                    asyncio.run(view(url, "/", "", _identity(role, officer), offered))
                    if ("upload" in offered) != (role == "officer"):
                        raise SystemExit(f"the simulated {role}s were not served as {role}s: pages {sorted(offered)}")
                for role, paths in role_paths().items():  # warm the caches: each page in new sessions, at random
                    for path in paths:
                        for _ in range(count * 3):
                            asyncio.run(view(url, path, "", _identity(role, officer)))
                cpu = functools.partial(tree_cpu, pid, set())
                load_before, cpu_before, started = os.getloadavg(), cpu(), time.perf_counter()
                times, errors = asyncio.run(_users(url, users, seconds, officer))
                wall, used = time.perf_counter() - started, cpu() - cpu_before
            every = [t for role in ROLES for t in times[role]]
            results.append(
                {
                    "processes": count,
                    "users": users,
                    "errors": errors,
                    "wall": wall,
                    **_quantiles(every),
                    "roles": {role: _quantiles(times[role]) for role in ROLES},
                    "cpu_per_view": used / max(len(every), 1),
                    "load_average": (load_before, os.getloadavg()),
                }
            )
    return results


def report(results: list[dict]) -> None:
    print(
        "simulated users on the wire (HTML through nginx, the app's websocket, every message until the script "
        "finished; no drawing), half signed-in officers and half the public, each browsing its pages in turn, "
        "each view a new session"
    )
    for r in results:
        (before, _, _), (after, _, _) = r["load_average"]
        by_role = "; ".join(
            f"{role} {q['views']} views, p50 {q['p50']:.2f} s, p95 {q['p95']:.2f} s" for role, q in r["roles"].items()
        )
        print(
            f"{r['processes']} app process(es), {r['users']} users, {r['wall']:.0f} s: {r['views']} views "
            f"({r['views'] / r['wall']:.1f}/s), {r['errors']} errors; script finished after p50 {r['p50']:.2f} s, "
            f"p95 {r['p95']:.2f} s ({by_role}); server CPU {r['cpu_per_view']:.3f} s per view (nginx and app "
            f"processes); load average {before:.2f} before, {after:.2f} after on {os.cpu_count()} cores"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    report(run(args.users, args.seconds, tuple(args.processes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
