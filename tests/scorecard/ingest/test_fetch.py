"""``fetch-sources`` end to end against a loopback HTTP server (no other network): a good bundle, a corrupted
one, a missing one, no server at all, a damaged cache; and a clone with no ``../shared`` builds, through
``make``, the same tables as ``build-data`` from ``../shared``."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from scorecard.bench.app_server import free_port, served
from scorecard.ingest import build, fetch, sources
from scorecard.store import storage

PROJECT = storage.PROJECT_DIR


@pytest.fixture(scope="module")
def shared_root():
    root = sources.default_sources_dir().parent  # ../shared, or a fetched copy (the same files and dates)
    if not (root / "data-sources").is_dir():
        pytest.skip(f"no public extracts at {root}")
    return root


@pytest.fixture(scope="module")
def www(tmp_path_factory, shared_root):
    """A web root with the bundle made from ../shared, a corrupted copy (one byte changed) and its lock."""
    root = tmp_path_factory.mktemp("www")
    lock = fetch.make_bundle(shared_root, root / "bundle.tar.gz")
    data = bytearray((root / "bundle.tar.gz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (root / "corrupt.tar.gz").write_bytes(bytes(data))
    return root, lock


class _Handler(SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.requests.append(self.path)
        if self.path == "/trickle.tar.gz":  # the red team's server: a byte at a time, for ever
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(www):
    root, _ = www
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def _one_sentence(message: str) -> None:
    assert "\n" not in message and message.endswith(".") and "Traceback" not in message, message


def test_committed_lock_matches_the_shared_extracts_file_by_file(shared_root):
    assert fetch.differences(shared_root, fetch.read_lock()) == []
    assert len(fetch.read_lock()["files"]) > 100


def test_the_bundle_is_the_same_bytes_every_time(www, shared_root, tmp_path):
    _, lock = www
    again = fetch.make_bundle(shared_root, tmp_path / "again.tar.gz")
    assert again["bundle"] == lock["bundle"] and again["files"] == fetch.read_lock()["files"]


def test_fetch_checks_every_file_into_the_cache_and_then_has_nothing_to_do(server, www, tmp_path, shared_root):
    _, lock = www
    cache = tmp_path / "cache"
    messages: list[str] = []
    found = fetch.fetch(f"{server}/bundle.tar.gz", cache, lock, messages.append)
    assert found == cache / "data-sources" and fetch.differences(cache, lock) == []
    assert _tree_digest(cache / "data-sources") == _tree_digest(shared_root / "data-sources")
    assert messages[-1].startswith(f"{len(lock['files'])} files checked against data-sources.lock.json")
    before = len(_Handler.requests)
    fetch.fetch(f"{server}/bundle.tar.gz", cache, lock, messages.append)
    assert len(_Handler.requests) == before and "complete" in messages[-1]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("corrupt.tar.gz", "is not the public-extracts bundle this version expects"),
        ("missing.tar.gz", "is not at http://127.0.0.1:"),
    ],
)
def test_a_corrupted_or_missing_bundle_is_one_sentence_and_changes_nothing(server, www, tmp_path, name, message):
    _, lock = www
    cache = tmp_path / "cache"
    fetch.fetch(f"{server}/bundle.tar.gz", cache, lock)
    (cache / fetch.MARKER).write_text("an older bundle\n")  # so the next fetch must download
    before = _tree_digest(cache)
    with pytest.raises(fetch.SourcesError, match=message) as caught:
        fetch.fetch(f"{server}/{name}", cache, lock)
    _one_sentence(str(caught.value))
    assert _tree_digest(cache) == before
    assert not list(tmp_path.glob("cache.fetch-*"))  # the partial download is cleaned away


def test_a_download_that_trickles_is_stopped_at_the_deadline_and_changes_nothing(server, www, tmp_path, monkeypatch):
    _, lock = www
    cache = tmp_path / "cache"
    fetch.fetch(f"{server}/bundle.tar.gz", cache, lock)
    (cache / fetch.MARKER).write_text("an older bundle\n")
    before = _tree_digest(cache)
    monkeypatch.setattr(fetch, "DEADLINE_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(fetch.SourcesError, match="took longer than 1 seconds") as caught:
        fetch.fetch(f"{server}/trickle.tar.gz", cache, lock)
    assert time.monotonic() - started < 5
    _one_sentence(str(caught.value))
    assert _tree_digest(cache) == before and not list(tmp_path.glob("cache.fetch-*"))


def test_offline_is_one_sentence(www, tmp_path):
    _, lock = www
    with pytest.raises(fetch.SourcesError, match="Could not download the public extracts") as caught:
        fetch.fetch(f"http://127.0.0.1:{_closed_port()}/bundle.tar.gz", tmp_path / "cache", lock)
    _one_sentence(str(caught.value))
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("damage", ["corrupt", "delete"])
def test_build_refuses_a_damaged_cache_and_fetch_repairs_it(server, www, tmp_path, damage):
    _, lock = www
    cache = tmp_path / "cache"
    fetch.fetch(f"{server}/bundle.tar.gz", cache, lock)
    victim = cache / "data-sources" / "defra-recycling-env18" / "recycling.csv"
    if damage == "corrupt":
        victim.write_text(victim.read_text().replace("33.2", "99.9"))
    else:
        victim.unlink()
    with pytest.raises(fetch.SourcesError, match="defra-recycling-env18/recycling.csv") as caught:
        fetch.verify_cache(cache, lock)
    _one_sentence(str(caught.value))
    assert ("is missing" if damage == "delete" else "does not match") in str(caught.value)
    fetch.fetch(f"{server}/bundle.tar.gz", cache, lock)
    assert fetch.differences(cache, lock) == []


def test_build_reads_a_fetched_copy_only_after_checking_it(server, www, tmp_path, monkeypatch):
    _, lock = www
    cache = tmp_path / "cache"
    fetch.fetch(f"{server}/bundle.tar.gz", cache, lock)
    (cache / "reference" / "seed_figures.csv").write_text("changed\n")
    monkeypatch.setattr(fetch, "read_lock", lambda path=fetch.LOCK: lock)
    with pytest.raises(fetch.SourcesError, match="reference/seed_figures.csv does not match"):
        build.build(sources_dir=cache / "data-sources", data_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _clone(tmp_path: Path, lock: dict | None) -> Path:
    """The project's files (tracked and new, not ignored) in a folder with no
    ../shared beside it, with the test bundle's lock (None: the repository's own), and the test's Python
    environment as .venv."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    clone = tmp_path / "fresh" / "project"
    for name in listed:
        source = PROJECT / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    if lock is not None:
        fetch.write_lock({**lock, "url": ""}, clone / fetch.LOCK.name)
    (clone / ".venv").symlink_to(Path(sys.prefix))
    assert not (clone.parent / "shared").exists()
    return clone


def _environment(**env) -> dict[str, str]:
    """This process's environment without the project's own settings, plus ``env``."""
    return {k: v for k, v in os.environ.items() if not k.startswith("SCORECARD_")} | env


def _make_data(clone: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-o", ".venv/.installed", "data"], cwd=clone, capture_output=True, text=True, env=_environment(**env)
    )


@pytest.mark.slow
def test_a_clone_without_shared_fetches_from_a_mirror_and_builds_the_same_tables(server, www, tmp_path, built_data):
    _, lock = www
    clone = _clone(tmp_path, lock)
    done = _make_data(clone, SCORECARD_SOURCES_URL=f"{server}/bundle.tar.gz")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "fetch-sources" in done.stdout and "files checked" in done.stdout
    _same_tables(clone, built_data[0])


def _same_tables(clone: Path, built: Path) -> None:
    for name in storage.TABLES:
        ours = storage.table_path(clone / "data", name).read_bytes()
        theirs = storage.table_path(built, name).read_bytes()
        assert hashlib.sha256(ours).digest() == hashlib.sha256(theirs).digest(), name


def test_the_repository_ships_the_bundle_the_lock_pins():
    lock = fetch.read_lock()
    assert lock["url"] == ""  # no address needed: the bundle is in the repository
    assert fetch.SHIPPED.stat().st_size == lock["bundle"]["bytes"]
    assert storage.sha256(fetch.SHIPPED) == lock["bundle"]["sha256"]
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", str(fetch.SHIPPED)], cwd=PROJECT)
    assert tracked.returncode == 0, "data/data-sources.tar.gz is not committed"


@pytest.mark.slow
def test_a_clone_without_shared_or_a_network_runs_the_app_on_the_same_tables(tmp_path, built_data):
    """The repository as it is (its own lock and shipped bundle), no ../shared, no address, nothing listening:
    ``make run`` builds the data and the app answers; the tables are those built from ../shared, but for each
    source file's date (``batches.source_modified``: the date of the copy read, the bundle's or ../shared's)."""
    clone = _clone(tmp_path, None)
    port = free_port()
    log_path = tmp_path / "make-run.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            ["make", "-o", ".venv/.installed", "run"],
            cwd=clone,
            env=_environment(STREAMLIT_SERVER_PORT=str(port)),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make, its shell and Streamlit: stopped together below
        )
        try:
            with served(proc, "make run", f"http://127.0.0.1:{port}", "/_stcore/health", 240, log_path, 10) as (url, _):
                with urllib.request.urlopen(url + "/", timeout=30) as page:
                    assert page.status == 200 and b"<noscript>" in page.read()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    said = log_path.read_text()
    assert "data/data-sources.tar.gz" in said and "files checked" in said, said
    for name in storage.TABLES:
        ours, theirs = (pd.read_parquet(storage.table_path(folder, name)) for folder in (clone / "data", built_data[0]))
        if name == "batches":
            assert (ours["source_modified"].str.len() == 10).all()
            ours, theirs = ours.drop(columns="source_modified"), theirs.drop(columns="source_modified")
        pd.testing.assert_frame_equal(ours, theirs, check_exact=True, obj=name)


@pytest.mark.slow
def test_a_clone_without_shared_a_mirror_or_the_shipped_bundle_stops_with_one_sentence(tmp_path):
    clone = _clone(tmp_path, None)
    (clone / "data" / fetch.SHIPPED.name).unlink()
    done = _make_data(clone)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if not line.startswith("make")]
    assert errors == [
        "The public-extracts bundle the repository ships (data/data-sources.tar.gz) is missing and no address is "
        "set in data-sources.lock.json: restore it from git, set SCORECARD_SOURCES_URL to a copy of it, or put "
        "../shared/data-sources beside the project."
    ]


def _bundle(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, payload in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return path


LOCK = {"files": {"data-sources/a.csv": {"bytes": 3, "sha256": hashlib.sha256(b"a,b").hexdigest()}}}


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"data-sources": b"x"}, "unexpected entry 'data-sources'"),  # #24: a plain file where a folder goes
        ({"data-sources/b.csv": b"x" * 50}, "'data-sources/b.csv' is not in the lock"),  # never written out
        ({"data-sources/a.csv": b"a,b,c,d"}, "is 7 bytes, not 3"),
    ],
)
def test_a_malformed_bundle_is_one_sentence_and_writes_nothing(tmp_path, members, message):
    into = tmp_path / "cache"
    with pytest.raises(fetch.SourcesError, match=re.escape(message)) as err:
        fetch._extract(_bundle(tmp_path / "b.tar.gz", members), into, LOCK)
    _one_sentence(str(err.value))
    assert not into.exists() or not any(p.is_file() for p in into.rglob("*"))


def test_a_bundle_that_is_not_gzip_is_one_sentence(tmp_path):
    bundle = tmp_path / "b.tar.gz"
    bundle.write_bytes(b"PK\x03\x04 not a tar at all")
    with pytest.raises(fetch.SourcesError, match="not a readable gzipped tar") as err:
        fetch._extract(bundle, tmp_path / "cache", LOCK)
    _one_sentence(str(err.value))
