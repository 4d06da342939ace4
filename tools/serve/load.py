"""``.venv/bin/python tools/serve/load.py``: many simulated users against the production profile, with one and with
two app processes, so the scaling shows.

A simulated user does what a browser does on the wire, without drawing anything (a browser per user would
measure Chromium on the same two cores, not the server): it fetches the page's HTML through nginx (keeping its
route cookie, so it stays on one process), opens the app's websocket and asks for the page's script run
(Streamlit's ``BackMsg.rerun_script`` with the page's name and query string), and reads every message until
``script_finished``. Each view is a new session, as a new visit is. Per run it prints views, errors, the p50
and p95 of time until the script finished (what "usable" costs the server and the network; drawing in the
browser adds to it), and the server CPU per view (nginx and every app process together), beside the load
average before and after. It speaks Streamlit's wire protocol, so it imports Streamlit's message classes: it
lives here, beside the production profile, not in the engine (``scorecard/`` never imports Streamlit).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.typing import Subprotocol

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project, when run as a script

from scorecard.bench.app_server import ROOT, running_proxy
from scorecard.bench.pages import PAGES, published_copy, tree_cpu

STREAM = "/_stcore/stream"


def _get(url: str, cookie: str) -> str:
    """GET ``url`` with the route cookie; returns the cookie to keep (nginx's, or the one sent)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        sent = response.headers.get("Set-Cookie", "")
    return sent.split(";", 1)[0] if sent.startswith("scorecard_route=") else cookie


async def view(url: str, path: str, cookie: str) -> tuple[float, str]:
    """One visit of ``path`` (a new session): (seconds until the script finished, the route cookie)."""
    page, _, query = path.lstrip("/").partition("?")
    started = time.perf_counter()
    cookie = await asyncio.to_thread(_get, url + path, cookie)
    headers = {"Cookie": cookie, "Origin": url}
    async with websockets.connect(
        url.replace("http", "ws", 1) + STREAM,
        subprotocols=[Subprotocol("streamlit")],
        additional_headers=headers,
        max_size=None,
    ) as socket:
        ask = BackMsg()
        ask.rerun_script.query_string = query
        ask.rerun_script.page_name = page
        await socket.send(ask.SerializeToString())
        while True:
            message = ForwardMsg.FromString(await asyncio.wait_for(socket.recv(), 120))
            if message.WhichOneof("type") == "script_finished":
                break
    return time.perf_counter() - started, cookie


async def _users(url: str, paths: list[str], users: int, seconds: float) -> tuple[list[float], int]:
    stop = time.monotonic() + seconds
    times: list[float] = []
    errors = 0

    async def user(offset: int) -> None:
        nonlocal errors
        cookie, n = "", offset
        while time.monotonic() < stop:
            try:
                took, cookie = await view(url, paths[n % len(paths)], cookie)
                times.append(took)
            except Exception:  # counted, never hidden: any failed view is an error of the run
                errors += 1
            n += 1

    await asyncio.gather(*(user(i) for i in range(users)))
    return times, errors


def run(users: int = 20, seconds: float = 120, processes: tuple[int, ...] = (1, 2)) -> list[dict]:
    """The load figures for each number of app processes, officer pages (the heavier view)."""
    paths = [page.path for page in PAGES]
    results = []
    with tempfile.TemporaryDirectory(prefix="scorecard-load-") as scratch:
        data = Path(scratch) / "data"
        published_copy(data)
        env = {"SCORECARD_DATA": str(data), "SCORECARD_DEMO_ROLE": "officer"}
        for count in processes:
            log = ROOT / "test-artefacts" / f"bench-load-{count}.log"
            with running_proxy(log, env, processes=count) as (url, pid):
                for path in paths:  # warm the processes' caches: each page in new sessions, routed at random
                    for _ in range(count * 3):
                        asyncio.run(view(url, path, ""))
                cpu = functools.partial(tree_cpu, pid, set())
                load_before, cpu_before, started = os.getloadavg(), cpu(), time.perf_counter()
                times, errors = asyncio.run(_users(url, paths, users, seconds))
                wall, used = time.perf_counter() - started, cpu() - cpu_before
            times.sort()
            results.append(
                {
                    "processes": count,
                    "users": users,
                    "views": len(times),
                    "errors": errors,
                    "wall": wall,
                    "p50": statistics.median(times) if times else float("nan"),
                    "p95": times[max(0, round(0.95 * len(times)) - 1)] if times else float("nan"),
                    "cpu_per_view": used / max(len(times), 1),
                    "load_average": (load_before, os.getloadavg()),
                }
            )
    return results


def report(results: list[dict]) -> None:
    print(
        "simulated users on the wire (HTML through nginx, the app's websocket, every message until the script "
        "finished; no drawing), officer pages in turn, each view a new session"
    )
    for r in results:
        (before, _, _), (after, _, _) = r["load_average"]
        print(
            f"{r['processes']} app process(es), {r['users']} users, {r['wall']:.0f} s: {r['views']} views "
            f"({r['views'] / r['wall']:.1f}/s), {r['errors']} errors; script finished after p50 {r['p50']:.2f} s, "
            f"p95 {r['p95']:.2f} s; server CPU {r['cpu_per_view']:.3f} s per view (nginx and app processes); "
            f"load average {before:.2f} before, {after:.2f} after on {os.cpu_count()} cores"
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
