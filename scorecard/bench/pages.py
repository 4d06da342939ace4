"""``python -m scorecard.bench pages``: what a page view costs the server, and how long until it is usable.

Starts three servers on loopback over a private copy of the data with its latest quarter published: the
app as an officer, the app as the public, and a one-line Streamlit page (the framework's own floor). Each
view is a new browser session (a new Chromium context, so Streamlit runs the whole script for it), visited
in rounds, every page once per round, so that all pages meet the same background load. Per page it prints:

- **server CPU per view**: the server process's CPU time (user + system, ``/proc/PID/stat``) from just
  before the visit until the session is closed, so rendering in the browser is not counted;
- **time until usable**: from navigation until the main heading is shown, the page's first table or chart
  is drawn (when it has one in view) and the script has finished (Streamlit's running state is over);

and both as ratios to the one-line page's figures in the same run; and **time until usable on a repeat visit**
(a new session in a browser that has the page's static files cached). With ``through_proxy`` it also measures
the public view through the production profile (``tools/serve/serve.py``: nginx and two app processes; server
CPU is theirs together). The load average is printed before and after: figures from a busy machine are not
evidence. The load figure opens ``sessions``
concurrent sessions from one Chromium (several contexts) against one server, and reports the server's CPU
per view apart from the browser's, and the capacity that implies.
"""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from scorecard.bench.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, memory_mb, running_app, running_proxy
from scorecard.store import storage

TICKS = os.sysconf("SC_CLK_TCK")
FLOOR_SCRIPT = 'import streamlit as st\n\nst.title("One line")\n'


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    content: str | None
    """CSS selector of the drawn table or chart that must be in view, or None for a page with none in view."""
    staff_only: bool = False


CHART = '[data-testid="stPlotlyChart"] .main-svg'
TABLE = '[data-testid="stDataFrame"] canvas'
PAGES = [
    Page("overview", "/", TABLE),
    Page("theme", "/theme?theme=adult_social_care", TABLE),
    Page("measure", "/measure?measure=cyp_persistent_absence_pct", CHART),
    Page("actions", "/actions", None),
    Page("exceptions", "/exceptions", None),
    Page("benchmarking", "/benchmarking?group=cipfa_nn", CHART),
    Page("explore", "/explore", TABLE),
    Page("data", "/data", TABLE),
    Page("golden thread", "/golden_thread", None),
    Page("QSR (directorate)", "/qsr?kind=directorate&directorate=adult_social_care_health", TABLE),
    Page("upload", "/upload", None, staff_only=True),
    Page("targets", "/targets", TABLE, staff_only=True),
    Page("returns", "/returns", TABLE, staff_only=True),
    Page("scrutiny", "/scrutiny", None),
]
FLOOR = Page("one-line page", "/", None)

USABLE = """([content]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !main.querySelector('h1')) return false;
  return !content || [...main.querySelectorAll(content)].some(e => e.getClientRects().length > 0);
}"""
"""True once the script has finished, the main heading is shown and (if any) the first table or chart drawn."""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def tree_cpu(root: int, exclude: set[int]) -> float:
    """CPU seconds of ``root``'s descendants (with the children they have reaped), except ``exclude``'s trees."""
    parent, cpu = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = sum(int(f) for f in fields[11:15]) / TICKS
    total = 0.0
    for pid in cpu:
        chain, up = [], pid
        while up in parent and up != root and up not in exclude:
            chain.append(up)
            up = parent[up]
        if up == root and chain:
            total += cpu[pid]
    return total


async def _usable(context, url: str, page: Page, timeout_ms: int) -> float:
    """Seconds from navigation in a new tab of ``context`` until the page is usable (the tab is closed)."""
    tab = await context.new_page()
    try:
        started = time.perf_counter()
        await tab.goto(url + page.path, timeout=timeout_ms)
        await tab.wait_for_function(USABLE, arg=[page.content], timeout=timeout_ms, polling=50)
        return time.perf_counter() - started
    finally:
        await tab.close()


async def pack_seconds(browser, url: str, timeout_ms: int = 120_000) -> float:
    """Seconds from clicking "Prepare PDF" on the overview (officer: the current quarter's CPOR) until the PDF
    has been downloaded to the browser — the committee pack as a member of staff gets it in the app."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        tab = await context.new_page()
        await tab.goto(url + "/", timeout=timeout_ms)
        prepare = tab.get_by_role("button", name="Prepare PDF")
        await prepare.wait_for(timeout=timeout_ms)
        started = time.perf_counter()
        await prepare.click()
        download = tab.get_by_role("button", name="Download PDF")
        await download.wait_for(timeout=timeout_ms)
        async with tab.expect_download(timeout=timeout_ms) as arrived:
            await download.click()
        await (await arrived.value).path()
        return time.perf_counter() - started
    finally:
        await context.close()


async def visit(
    browser, url: str, page: Page, server_cpu: Callable[[], float], timeout_ms: int = 60_000
) -> tuple[float, float]:
    """One new session on one page in a new browser (nothing cached): (seconds until usable, server CPU
    seconds for it, ``server_cpu()`` read before and after the session is closed)."""
    before = server_cpu()
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        usable = await _usable(context, url, page, timeout_ms)
    finally:
        await context.close()
    await asyncio.sleep(0.3)  # the server closes the session
    return usable, server_cpu() - before


def published_copy(folder: Path, source: Path | None = None) -> str:
    """A private copy of the data (``source``, default the app's) with its latest quarter published, which
    the public view needs; returns that quarter."""
    from scorecard import register
    from scorecard.evaluation import evaluate
    from scorecard.governance import publish

    shutil.copytree(source or storage.default_data_dir(), folder)
    ctx = register.Context.of(folder)
    latest = evaluate.reporting_quarters(ctx)[0]
    if publish.states(folder).get(latest) != "published":
        publish.publish(ctx, latest, who="benchmark")
    return latest


async def _rounds(servers: dict, views: int) -> dict:
    """Per (server, page): ``views`` rounds of (first-visit seconds, server CPU seconds, repeat-visit seconds);
    round 0 warms each server's caches and each repeat browser's, and is not counted."""
    from playwright.async_api import async_playwright

    timings: dict[tuple[str, str], list[tuple[float, float, float]]] = {
        (who, p.name): [] for who, (_, _, pages) in servers.items() for p in pages
    }
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            warm = {who: await browser.new_context(viewport={"width": 1400, "height": 1000}) for who in servers}
            for round_ in range(views + 1):
                for who, (url, cpu, pages) in servers.items():
                    for p in pages:
                        first, used = await visit(browser, url, p, cpu)
                        repeat = await _usable(warm[who], url, p, 60_000)
                        if round_:
                            timings[(who, p.name)].append((first, used, repeat))
        finally:
            await browser.close()
    return timings


async def _pack(url: str, times: int) -> list[float]:
    """:func:`pack_seconds` ``times`` times, each in a new session (the first may build what later ones reuse)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            return [await pack_seconds(browser, url) for _ in range(times)]
        finally:
            await browser.close()


async def _load(url: str, pid: int, pages: list[Page], sessions: int, rounds: int) -> dict:
    """``sessions`` concurrent sessions from one Chromium, each visiting ``pages`` ``rounds`` times."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:

            async def user(offset: int) -> list[float]:
                order = pages[offset % len(pages) :] + pages[: offset % len(pages)]
                cpu = functools.partial(cpu_seconds, pid)
                return [(await visit(browser, url, p, cpu, 180_000))[0] for _ in range(rounds) for p in order]

            server0, browser0, started = cpu_seconds(pid), tree_cpu(os.getpid(), {pid}), time.perf_counter()
            times = [t for one in await asyncio.gather(*(user(i) for i in range(sessions))) for t in one]
            wall = time.perf_counter() - started
            server, chromium = cpu_seconds(pid) - server0, tree_cpu(os.getpid(), {pid}) - browser0
        finally:
            await browser.close()
    times.sort()
    return {
        "sessions": sessions,
        "views": len(times),
        "wall": wall,
        "server_cpu_per_view": server / len(times),
        "browser_cpu_per_view": chromium / len(times),
        "p50": statistics.median(times),
        "p95": times[max(0, round(0.95 * len(times)) - 1)],
        "server_memory": memory_mb(pid),
    }


def run(
    views: int = 5, sessions: int = 8, load_rounds: int = 1, port: int | None = None, through_proxy: bool = False
) -> dict:
    """Start the servers (on ``port``, ``port`` + 1 and + 2 if given, else free ports; with ``through_proxy``
    the production profile too, public view), measure every page ``views`` times, then the load figure;
    returns the figures with the load average before and after."""
    load_before = os.getloadavg()
    logs = ROOT / "test-artefacts"
    with tempfile.TemporaryDirectory(prefix="scorecard-pages-") as scratch, ExitStack() as stack:
        data = Path(scratch) / "data"
        published = published_copy(data)
        floor = Path(scratch) / "floor"
        floor.mkdir()
        (floor / "app.py").write_text(FLOOR_SCRIPT)
        env = {"SCORECARD_DATA": str(data)}
        servers: dict[str, tuple[str, Callable[[], float], list[Page]]] = {}
        pids: dict[str, int] = {}
        ports = [port + i if port else None for i in range(3)]
        for who, at in zip(("officer", "public"), ports):
            url, pid = stack.enter_context(
                running_app(logs / f"bench-{who}.log", env | {"SCORECARD_DEMO_ROLE": who}, port=at, timeout=60)
            )
            pids[who] = pid
            servers[who] = (
                url,
                functools.partial(cpu_seconds, pid),
                [p for p in PAGES if who == "officer" or not p.staff_only],
            )
        if through_proxy:
            url, pid = stack.enter_context(
                running_proxy(logs / "bench-proxy.log", env | {"SCORECARD_DEMO_ROLE": "public"})
            )
            servers["proxy"] = (url, functools.partial(tree_cpu, pid, set()), servers["public"][2])
        url, pid = stack.enter_context(running_app(logs / "bench-floor.log", port=ports[2], script=floor / "app.py"))
        servers["floor"] = (url, functools.partial(cpu_seconds, pid), [FLOOR])
        if through_proxy:  # the same one-line page through the same proxy: the floor of the proxy's ratios
            url, pid = stack.enter_context(running_proxy(logs / "bench-proxy-floor.log", script=floor / "app.py"))
            servers["proxy floor"] = (url, functools.partial(tree_cpu, pid, set()), [FLOOR])
        idle0 = {who: cpu() for who, (_, cpu, _) in servers.items()}
        time.sleep(5)
        idle = {who: (cpu() - idle0[who]) / 5 for who, (_, cpu, _) in servers.items()}
        timings = asyncio.run(_rounds(servers, views))
        pack = asyncio.run(_pack(servers["officer"][0], views))
        load = asyncio.run(_load(servers["officer"][0], pids["officer"], servers["officer"][2], sessions, load_rounds))
    return {
        "published": published,
        "views": views,
        "idle": idle,
        "timings": timings,
        "pack": pack,
        "load": load,
        "load_average": (load_before, os.getloadavg()),
    }


def report(result: dict) -> None:
    """Print the figures of :func:`run`."""
    timings = result["timings"]
    (one, five, _), (after, _, _) = result["load_average"]
    print(f"load average before {one:.2f} (5 min {five:.2f}), after {after:.2f} on {os.cpu_count()} cores")
    if five > 0.5 * (os.cpu_count() or 1):
        print("WARNING: the machine was busy before the run: these figures are not evidence of idle-machine times")
    floors = {
        who: (statistics.median(c for _, c, _ in runs), statistics.median(u for u, _, _ in runs))
        for (who, _), runs in timings.items()
        if who in ("floor", "proxy floor")
    }
    print(
        f"{result['views']} views per page, each a new session (medians); public view of {result['published']} "
        f"(published for the run); server CPU when idle: "
        + ", ".join(f"{who} {rate * 1000:.0f} ms/s" for who, rate in result["idle"].items()),
        flush=True,
    )
    print("x floor: against the one-line page served the same way (direct, or through the proxy)")
    print(f"{'page':<30}{'server CPU/view':>16}{'x floor':>9}{'usable after':>14}{'x floor':>9}{'repeat visit':>14}")
    for (who, name), runs in timings.items():
        cpu = statistics.median(c for _, c, _ in runs)
        usable = statistics.median(u for u, _, _ in runs)
        repeat = statistics.median(r for _, _, r in runs)
        floor_cpu, floor_usable = floors["proxy floor" if who.startswith("proxy") else "floor"]
        print(
            f"{name if who == 'floor' else who + ' ' + name:<30}{cpu:>14.3f} s{cpu / floor_cpu:>8.1f}x"
            f"{usable:>12.2f} s{usable / floor_usable:>8.1f}x{repeat:>12.2f} s"
        )
    print(
        "CPOR PDF in the app (officer, Prepare PDF until downloaded): "
        + ", ".join(f"{seconds:.1f}" for seconds in result["pack"])
        + f" s; median {statistics.median(result['pack']):.1f} s"
    )
    load = result["load"]
    per_core = 1 / load["server_cpu_per_view"]
    print(
        f"load: {load['sessions']} concurrent sessions (one Chromium, one context each) over the officer pages, "
        f"{load['views']} views in {load['wall']:.1f} s ({load['views'] / load['wall']:.2f} views/s with the "
        f"browser on the same cores); usable after p50 {load['p50']:.2f} s, p95 {load['p95']:.2f} s; "
        f"server CPU {load['server_cpu_per_view']:.3f} s per view, browser CPU {load['browser_cpu_per_view']:.3f} s "
        f"per view (reported apart); server RSS {load['server_memory']['VmRSS']:,.0f} MB (peak "
        f"{load['server_memory']['VmHWM']:,.0f} MB); implied capacity {per_core:.1f} views/s per core, "
        f"{2 * per_core:.1f} views/s on two cores (two server processes: one Streamlit process holds the GIL)"
    )
