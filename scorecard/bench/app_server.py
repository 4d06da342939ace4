"""Start the real Streamlit app on a free loopback port, for browser tests and the load benchmark."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(
    log_path: Path,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    port: int | None = None,
    host: str = "127.0.0.1",
    drop_env: tuple[str, ...] = (),
    timeout: float = 30,
    script: Path | str = "app.py",
) -> Iterator[tuple[str, int]]:
    """Yield (url, pid) of a running ``streamlit run app.py`` (or another ``script``; extra ``args``, ``env``;
    ``drop_env`` names variables to unset); stops it afterwards (bounded waits)."""
    port = port or free_port()
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    for name in drop_env:
        environment.pop(name, None)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--browser.gatherUsageStats",
                "false",
                *args,
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        with served(proc, "streamlit", f"http://{host}:{port}", "/_stcore/health", timeout, log_path, 10) as started:
            yield started


@contextlib.contextmanager
def served(
    proc: subprocess.Popen, what: str, url: str, health: str, timeout: float, log_path: Path, grace: float
) -> Iterator[tuple[str, int]]:
    """(url, pid) once ``url + health`` answers 200 (:class:`RuntimeError` naming the log if ``proc`` exits or
    ``timeout`` passes); SIGTERM afterwards, SIGKILL after ``grace`` seconds."""
    try:
        _wait_healthy(url + health, proc, timeout, f"{what} did not start; see {log_path}")
        yield url, proc.pid
    finally:
        _stop(proc, signal.SIGTERM, grace)


def _wait_healthy(health: str, proc: subprocess.Popen, timeout: float, failure: str) -> None:
    """Poll ``health`` until it answers 200; :class:`RuntimeError` ``failure`` if ``proc`` exits or time runs out."""
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(health, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError(failure)
        time.sleep(0.3)


def _stop(proc: subprocess.Popen, how: int, grace: float) -> None:
    proc.send_signal(how)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def memory_mb(pid: int) -> dict[str, float]:
    """Current and peak resident memory of a process, in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            found[line.split(":")[0]] = int(line.split()[1]) / 1024
    return found


@contextlib.contextmanager
def running_proxy(
    log_path: Path,
    env: dict[str, str] | None = None,
    processes: int = 2,
    timeout: float = 120,
    script: Path | str = "app.py",
) -> Iterator[tuple[str, int]]:
    """Yield (url, pid of ``tools/serve/serve.py``) of the production profile — nginx in front of
    ``processes`` app processes (or ones of another ``script``; the run folder beside ``log_path``); stops it
    afterwards."""
    port, first = free_port(), free_port()
    while any(_taken(first + n) for n in range(processes)):
        first = free_port()
    run = log_path.with_suffix(".run")
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(ROOT / "tools" / "serve" / "serve.py"), "--processes", str(processes),
               "--port", str(port), "--first-app-port", str(first), "--run-dir", str(run),
               "--script", str(ROOT / script)]  # fmt: skip
    with open(log_path, "w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        with served(
            proc, "the production profile", f"http://127.0.0.1:{port}", "/healthz", timeout, log_path, 30
        ) as started:
            yield started


def _taken(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False
