"""Serve the scorecard as in production: nginx (Debian's package) in front of N Streamlit processes on loopback.

``make serve`` runs this. nginx serves Streamlit's static bundle from disk (pre-compressed, cached for a year),
proxies the app and its websocket, keeps each browser on one process (a route cookie), limits uploads, sends the
security headers and answers ``/healthz``; the app processes share ``data/`` through its writer lock. Everything
it writes goes to the run folder (``.serve/`` by default): the filled ``nginx.conf``, ``headers.conf``, the static
copy and the logs. Ctrl-C (or SIGTERM) stops nginx and every app process; if one of them exits, so does this.

Run: ``.venv/bin/python tools/serve/serve.py [--processes 2] [--port 8080] [--listen 127.0.0.1] [--hsts]``
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gzip
import hashlib
import importlib.util
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
TEMPLATE = Path(__file__).with_name("nginx.conf")
COMPRESSED = (".js", ".css", ".html", ".json", ".svg", ".txt", ".map", ".ttf", ".mjs")
"""Static files written pre-compressed beside the original (nginx ``gzip_static``); woff2 and images already are."""
FIRST_APP_PORT = 8601
STARTUP_SECONDS = 90


def streamlit_static() -> Path:
    """The installed Streamlit's static bundle (found without importing Streamlit)."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise SystemExit("Streamlit is not installed in this environment: run `make venv` first")
    return Path(spec.origin).parent / "static"


def copy_static(source: Path, into: Path) -> None:
    """``source`` copied to ``into`` with a ``.gz`` beside every compressible file; skipped when ``into`` already
    holds this bundle (the marker names the sha256 of its ``index.html``)."""
    marker = into / ".bundle"
    stamp = hashlib.sha256((source / "index.html").read_bytes()).hexdigest()
    if marker.is_file() and marker.read_text() == stamp:
        return
    shutil.rmtree(into, ignore_errors=True)
    shutil.copytree(source, into)
    for path in into.rglob("*"):
        if path.is_file() and path.suffix in COMPRESSED and path.stat().st_size >= 1024:
            path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes(), 9, mtime=0))
    marker.write_text(stamp)


def inline_script_hashes(index_html: str) -> list[str]:
    """CSP source expressions (``'sha256-…'``) for each inline ``<script>`` of Streamlit's ``index.html``, so the
    policy allows exactly those and no other inline script."""
    bodies = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", index_html, re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'" for body in bodies]


def security_headers(script_hashes: list[str], hsts: bool) -> str:
    """The ``add_header`` lines every response carries. The Content-Security-Policy is what Streamlit and the
    app need and no more: scripts from the site (and Streamlit's own inline ones, by hash); inline styles
    (Streamlit's styling library writes them); images, fonts and the websocket from the site; no framing."""
    policy = "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {' '.join(script_hashes)}".strip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    lines = [
        f'add_header Content-Security-Policy "{policy}" always;',
        'add_header X-Content-Type-Options "nosniff" always;',
        'add_header Referrer-Policy "same-origin" always;',
        'add_header X-Frame-Options "DENY" always;',
        'add_header Permissions-Policy "camera=(), microphone=(), geolocation=()" always;',
    ]
    if hsts:  # only behind TLS: a browser then refuses plain HTTP to this host for a year
        lines.append('add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;')
    return "\n".join(lines) + "\n"


def nginx_conf(run: Path, static: Path, listen: str, ports: list[int]) -> str:
    """The template filled in for this run folder, static copy, address and app ports."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports)
    text = TEMPLATE.read_text(encoding="utf-8")
    for field, value in {"run": run, "static": static, "listen": listen, "servers": servers}.items():
        text = text.replace("{{" + field + "}}", str(value))
    return text


def readable_by_workers(folder: Path) -> None:
    """Started as root, nginx's workers run as ``nobody``: every folder above the static copy must let others
    through, or each static file is a 403. Stops with the folder to fix (or another ``--run-dir``)."""
    if os.geteuid() != 0:
        return  # workers run as the user who started nginx
    for parent in [folder, *folder.parents]:
        if not parent.stat().st_mode & stat.S_IXOTH:
            raise SystemExit(
                f"nginx's workers (user nobody) cannot enter {parent}: choose a --run-dir they can reach, "
                f"or `chmod o+x {parent}`"
            )


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def start_apps(ports: list[int], run: Path, script: Path) -> list[subprocess.Popen]:
    """One Streamlit process of ``script`` per port, on loopback only, each logging to the run folder."""
    apps = []
    for port in ports:
        log = (run / f"app-{port}.log").open("ab")
        command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--server.port", str(port),
                   "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"]  # fmt: skip
        apps.append(subprocess.Popen(command, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT))
    return apps


def wait_until_healthy(ports: list[int], apps: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    waiting = set(ports)
    while waiting:
        for port, app in zip(ports, apps):
            if app.poll() is not None:
                raise SystemExit(f"the app process on port {port} exited (see its log in the run folder)")
        waiting = {port for port in waiting if not _healthy(port)}
        if waiting and time.monotonic() > deadline:
            raise SystemExit(f"the app processes on ports {sorted(waiting)} did not answer within {STARTUP_SECONDS} s")
        time.sleep(0.3)


WARM_PAGE = "/"
"""What each app process is sent once before nginx lets anyone in: the overview, as an anonymous visitor."""


def warm(ports: list[int]) -> None:
    """One view of :data:`WARM_PAGE` on every process at once, so no visitor waits for a process's imports, its
    data connection and its first cached scorecard (the first visit after a start showed its heading after 5.3 s,
    a later one after 1.1–1.5 s: BENCHMARKS.md). A failed warm-up is reported, not fatal: the process still serves."""
    from visit import view  # this folder: one visit on the wire, as a browser makes it

    async def each(port: int) -> str:
        try:
            seconds, _ = await view(f"http://127.0.0.1:{port}", WARM_PAGE, "")
        except Exception as err:  # any failure: say so, and serve anyway
            return f"could not warm the app process on port {port}: {err}"
        return f"warmed the app process on port {port} ({WARM_PAGE} in {seconds:.1f} s)"

    async def every() -> list[str]:
        return await asyncio.gather(*(each(port) for port in ports))

    for line in asyncio.run(every()):
        print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2, help="Streamlit processes behind nginx (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="the port nginx listens on (default 8080)")
    parser.add_argument("--listen", default="127.0.0.1", help="the address nginx listens on (default loopback)")
    parser.add_argument("--first-app-port", type=int, default=FIRST_APP_PORT)
    parser.add_argument("--run-dir", default=str(PROJECT / ".serve"))
    parser.add_argument("--hsts", action="store_true", help="send Strict-Transport-Security (only behind TLS)")
    parser.add_argument("--script", default=str(PROJECT / "app.py"), help=argparse.SUPPRESS)  # the benchmark's floor
    args = parser.parse_args(argv)
    if not shutil.which("nginx"):
        raise SystemExit("nginx is not installed: `make system-deps` (Debian's nginx package)")
    run = Path(args.run_dir).resolve()
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run / folder).mkdir(parents=True, exist_ok=True)
    static = streamlit_static()
    copy_static(static, run / "static")
    readable_by_workers(run / "static")
    hashes = inline_script_hashes((static / "index.html").read_text(encoding="utf-8"))
    (run / "headers.conf").write_text(security_headers(hashes, args.hsts))
    ports = [args.first_app_port + n for n in range(args.processes)]
    conf = run / "nginx.conf"
    conf.write_text(nginx_conf(run, run / "static", f"{args.listen}:{args.port}", ports))
    checked = subprocess.run(["nginx", "-t", "-q", "-c", str(conf), "-p", str(run), "-e", str(run / "error.log")])
    if checked.returncode:
        raise SystemExit(f"nginx refused {conf} (its message is above, and in {run / 'error.log'})")

    apps = start_apps(ports, run, Path(args.script))
    children = list(apps)
    names = [f"the app process on port {port}" for port in ports]

    def stop(code: int = 0):
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        raise SystemExit(code)

    signal.signal(signal.SIGTERM, lambda *_: stop(0))
    signal.signal(signal.SIGINT, lambda *_: stop(0))
    try:
        wait_until_healthy(ports, apps)
        warm(ports)
        nginx = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(run), "-e", str(run / "error.log")])
        children.append(nginx)
        names.append("nginx")
        print(f"Serving on http://{args.listen}:{args.port}/ — {len(ports)} app processes, health check /healthz; "
              f"logs in {run}", flush=True)  # fmt: skip
        while all(child.poll() is None for child in children):
            time.sleep(1)
        gone = next(n for n, child in enumerate(children) if child.poll() is not None)
        print(f"{names[gone]} exited ({children[gone].returncode}): stopping", file=sys.stderr)
        stop(1)
    except SystemExit as done:
        if done.code not in (0, None, 1):
            print(done.code, file=sys.stderr)
        for child in children:
            if child.poll() is None:
                child.terminate()
        return 0 if done.code in (0, None) else 1
    return 1


if __name__ == "__main__":
    sys.exit(main())
