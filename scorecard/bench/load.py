"""Concurrent users: N real browser sessions open the CPOR overview at once on the running app.

Prints p50/p95 seconds until the overview's heading is rendered, and the server's resident memory.
Traffic stays on loopback (the app is started here, on 127.0.0.1); every wait is bounded.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

from scorecard.bench.app_server import CHROMIUM, CHROMIUM_ARGS, ROOT, memory_mb, running_app

HEADING = "Corporate Plan overview"


async def _one_user(browser, url: str, timeout_ms: int) -> float:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        started = time.perf_counter()
        await page.goto(url, timeout=timeout_ms)
        await page.get_by_role("heading", name=HEADING).first.wait_for(timeout=timeout_ms)
        return time.perf_counter() - started
    finally:
        await context.close()


async def _users(url: str, users: int, timeout_ms: int) -> list[float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            await _one_user(browser, url, timeout_ms)  # warm the server's caches once
            return list(await asyncio.gather(*(_one_user(browser, url, timeout_ms) for _ in range(users))))
        finally:
            await browser.close()


def run(users: int = 10, timeout_s: float = 120) -> dict:
    """Start the app, open ``users`` sessions at once, return the timings and the server's memory."""
    log = ROOT / "test-artefacts" / "load-server.log"
    with running_app(Path(log), {"SCORECARD_DEMO_ROLE": "officer"}) as (url, pid):
        times = sorted(asyncio.run(_users(url, users, int(timeout_s * 1000))))
        memory = memory_mb(pid)
    return {
        "users": users,
        "p50": statistics.median(times),
        "p95": times[max(0, round(0.95 * len(times)) - 1)],
        "max": times[-1],
        "server_rss_mb": memory.get("VmRSS"),
        "server_peak_mb": memory.get("VmHWM"),
    }
