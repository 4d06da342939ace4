"""``python -m scorecard fetch-sources``: the public extracts without ``../shared``, from one versioned bundle.

Design: one bundle (a gzipped tar of ``data-sources/`` and ``reference/`` as the maintainers hold them),
whose address, sha256 and size, and the sha256 of every file in it, are recorded in one place:
``data-sources.lock.json``. Not a download per file from each recorded origin, because most of the files the
build reads were reshaped by the research helper (converted from ``.rds``/``.dta``/``.xlsx``, filtered,
transcribed or extracted from 31 workbooks): they have no origin URL of their own, and redoing those
conversions byte for byte would need originals this project does not hold, from a dozen third-party
repositories that may not stay online. A bundle is also one 8 MB file to publish or mirror instead of 57 MB
in over a hundred requests, and it pins the data and the register's provenance to one version.

The repository ships the bundle the lock pins, ``data/data-sources.tar.gz`` (open data: OGL and the publishers'
terms, attributed in its ``data-sources/README.md``); it is read when no address is set, checked like a
download, so a clone with no ``../shared`` and no network builds the same tables; ``../shared``,
``$SCORECARD_SOURCES``, ``$SCORECARD_SOURCES_URL`` and ``--url`` (a newer bundle, or a mirror) take precedence.

Every file is checked against its recorded sha256 into a local cache (``.sources-cache/``, or
``$SCORECARD_SOURCES_CACHE``), which ``build-data`` reads, checking it again. Any failure — offline, not
found, a download that is not the expected bundle, a damaged or missing file — is one
:class:`SourcesError` sentence, and the cache is left as it was.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from scorecard.store import storage

LOCK = storage.PROJECT_DIR / "data-sources.lock.json"
"""The bundle's address, sha256 and size, and every file's sha256 (hashes only: no data is committed)."""
FOLDERS = ("data-sources", "reference")
"""What the bundle holds: the extracts, and the reference folder (the council's own published figures that
``build-data`` loads, and the measure map the tests check against)."""
MARKER = ".bundle-sha256"
"""Written into the cache after every file was checked: which bundle the cache holds."""
SHIPPED = storage.PROJECT_DIR / "data" / "data-sources.tar.gz"
"""The bundle the repository ships, read when no address is given (checked like a download)."""
TIMEOUT_SECONDS = 30
"""Longest wait for the server to answer or send the next bytes."""
DEADLINE_SECONDS = 600
"""Longest the whole download may take (the 8 MB bundle needs well under a minute on any council network): a
server that trickles bytes is dropped, the partial file removed, nothing changed."""


class SourcesError(Exception):
    """Why the extracts cannot be had: one sentence, for the command line and ``make run``."""


def default_cache() -> Path:
    """``$SCORECARD_SOURCES_CACHE``, else ``.sources-cache/`` in the project."""
    return Path(os.environ.get("SCORECARD_SOURCES_CACHE") or storage.PROJECT_DIR / ".sources-cache")


def read_lock(path: Path = LOCK) -> dict:
    """The lock file: ``{"version", "url", "bundle": {"sha256", "bytes"}, "files": {path: {"sha256", "bytes"}}}``."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SourcesError(f"Cannot read {path.name} ({err}), which records the public extracts to fetch.") from None


def differences(root: Path, lock: dict) -> list[str]:
    """How the folders under ``root`` differ from the lock: missing, changed and unexpected files."""
    problems = []
    for name, expected in sorted(lock["files"].items()):
        path = root / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif path.stat().st_size != expected["bytes"] or storage.sha256(path) != expected["sha256"]:
            problems.append(f"{name} does not match its recorded sha256")
    present = {p.relative_to(root).as_posix() for f in FOLDERS if (root / f).is_dir() for p in (root / f).rglob("*")}
    problems += [
        f"{name} is not in the lock" for name in sorted(present - set(lock["files"])) if (root / name).is_file()
    ]
    return problems


def verify_cache(cache: Path | None = None, lock: dict | None = None) -> Path:
    """The cache's ``data-sources`` folder once every file matches the lock; else :class:`SourcesError`."""
    cache = cache or default_cache()
    lock = lock or read_lock()
    if not (cache / MARKER).is_file():
        raise SourcesError(
            f"No fetched copy of the public extracts in {cache}: run `python -m scorecard fetch-sources` "
            "(or put ../shared/data-sources beside the project)."
        )
    problems = differences(cache, lock)
    if problems:
        raise SourcesError(
            f"The fetched public extracts in {cache} are damaged ({problems[0]}"
            + (f", and {len(problems) - 1} more" if len(problems) > 1 else "")
            + "): run `python -m scorecard fetch-sources` to repair them."
        )
    return cache / "data-sources"


def _download(url: str, expected: dict, into: Path) -> None:
    """Stream ``url`` to a file within :data:`DEADLINE_SECONDS` in all, refusing anything but the expected
    bundle (size, then sha256)."""
    digest, size, deadline = hashlib.sha256(), 0, DEADLINE_SECONDS
    stop = time.monotonic() + deadline
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response, into.open("wb") as out:
            for block in iter(lambda: response.read1(1 << 20), b""):  # what has arrived, not a full megabyte
                size += len(block)
                if size > expected["bytes"]:
                    break
                if time.monotonic() > stop:
                    raise SourcesError(
                        f"The download from {url} took longer than {deadline:,.0f} seconds ({size:,} of "
                        f"{expected['bytes']:,} bytes), so it was stopped and nothing was changed: try again, or "
                        "set SCORECARD_SOURCES_URL to a faster mirror."
                    )
                digest.update(block)
                out.write(block)
    except urllib.error.HTTPError as err:
        raise SourcesError(
            f"The public-extracts bundle is not at {url} (HTTP {err.code} {err.reason}): check the address in "
            "data-sources.lock.json or SCORECARD_SOURCES_URL."
        ) from None
    except ValueError as err:
        raise SourcesError(f"{url!r} is not a download address ({err}): fix SCORECARD_SOURCES_URL.") from None
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise SourcesError(
            f"Could not download the public extracts from {url} ({reason}): check the network connection, or set "
            "SCORECARD_SOURCES_URL to a mirror of the bundle."
        ) from None
    if size != expected["bytes"] or digest.hexdigest() != expected["sha256"]:
        got = digest.hexdigest()[:12] if size <= expected["bytes"] else f"more than {expected['bytes']:,} bytes"
        raise SourcesError(
            f"The file at {url} is not the public-extracts bundle this version expects (got {got}, expected "
            f"sha256 {expected['sha256'][:12]}, {expected['bytes']:,} bytes), so nothing was changed."
        )


def _extract(bundle: Path, into: Path, lock: dict) -> None:
    """Unpack the bundle's regular files (keeping their dates) under ``into``; nothing outside it, nothing the
    lock does not list, and no file of another size than the lock's (checked before a byte is written). A
    bundle that is not a gzipped tar is a :class:`SourcesError`, never a traceback."""
    try:
        with tarfile.open(bundle, "r:gz") as archive:
            for member in archive.getmembers():
                name = PurePosixPath(member.name)
                if member.isdir():
                    continue
                if (
                    not member.isfile()
                    or name.is_absolute()
                    or ".." in name.parts
                    or len(name.parts) < 2
                    or name.parts[0] not in FOLDERS
                ):
                    raise SourcesError(f"The bundle holds an unexpected entry {member.name!r}, so nothing was changed.")
                expected = lock["files"].get(name.as_posix())
                if expected is None or member.size != expected["bytes"]:
                    why = (
                        "is not in the lock"
                        if expected is None
                        else f"is {member.size:,} bytes, not {expected['bytes']:,}"
                    )
                    raise SourcesError(f"The bundle's {member.name!r} {why}, so nothing was changed.")
                target = into.joinpath(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                assert source is not None  # a regular file (checked above)
                with source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
                os.utime(target, (member.mtime, member.mtime))
    except (tarfile.TarError, EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise SourcesError(f"The bundle is not a readable gzipped tar ({err}), so nothing was changed.") from None
    problems = differences(into, lock)
    if problems:
        raise SourcesError(f"The bundle's files do not match the lock ({problems[0]}), so nothing was changed.")


def fetch(
    url: str | None = None,
    cache: Path | None = None,
    lock: dict | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Path:
    """Make the cache hold the locked bundle, checked file by file; returns its ``data-sources`` folder.
    Does nothing if it already does. ``url``: ``$SCORECARD_SOURCES_URL``, else the lock's."""
    cache = cache or default_cache()
    lock = lock or read_lock()
    try:
        if (cache / MARKER).read_text().strip() == lock["bundle"]["sha256"]:
            found = verify_cache(cache, lock)
            progress(f"the public extracts in {cache} are complete and match data-sources.lock.json")
            return found
    except (OSError, SourcesError):
        pass  # absent or damaged: fetch again
    url = url or os.environ.get("SCORECARD_SOURCES_URL") or lock.get("url")
    if not url and SHIPPED.is_file():
        url = SHIPPED.as_uri()
    if not url:
        raise SourcesError(
            f"The public-extracts bundle the repository ships ({SHIPPED.relative_to(storage.PROJECT_DIR)}) is missing "
            "and no address is set in data-sources.lock.json: restore it from git, set SCORECARD_SOURCES_URL to a "
            "copy of it, or put ../shared/data-sources beside the project."
        )
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache.parent, prefix=f"{cache.name}.fetch-") as work:
        bundle, staged = Path(work) / "bundle.tar.gz", Path(work) / "cache"
        progress(
            f"{'reading' if url.startswith('file:') else 'downloading'} {url} ({lock['bundle']['bytes'] / 1e6:.1f} MB)"
        )
        _download(url, lock["bundle"], bundle)
        _extract(bundle, staged, lock)
        (staged / MARKER).write_text(lock["bundle"]["sha256"] + "\n")
        old = Path(work) / "old"
        if cache.exists():
            cache.rename(old)
        staged.rename(cache)
    progress(f"{len(lock['files'])} files checked against data-sources.lock.json into {cache}")
    return cache / "data-sources"


def make_bundle(root: Path, out: Path, url: str = "") -> dict:
    """Write the bundle of ``root``'s folders (byte-for-byte the same for the same files and dates) and return
    the lock describing it. For maintainers, after the extracts change: commit ``out`` (:data:`SHIPPED`) with the
    lock, or upload it and put its address in the lock's ``url``."""
    files = sorted(p for folder in FOLDERS for p in (root / folder).rglob("*") if p.is_file())
    with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped:
        with tarfile.open(fileobj=zipped, mode="w", format=tarfile.USTAR_FORMAT) as archive:
            for path in files:
                info = tarfile.TarInfo(path.relative_to(root).as_posix())
                info.size, info.mtime, info.mode = path.stat().st_size, int(path.stat().st_mtime), 0o644
                with path.open("rb") as handle:
                    archive.addfile(info, handle)
    return {
        "version": 1,
        "url": url,
        "bundle": {"sha256": storage.sha256(out), "bytes": out.stat().st_size},
        "files": {
            p.relative_to(root).as_posix(): {"sha256": storage.sha256(p), "bytes": p.stat().st_size} for p in files
        },
    }


ABOUT = (
    "The public extracts (data-sources/ and reference/) as one bundle: url, sha256 and size of the bundle, and "
    "the sha256 of every file in it. `python -m scorecard fetch-sources --make-bundle` writes the bundle the "
    "repository ships (data/data-sources.tar.gz) and this file; url, when set, is where a newer bundle or a mirror "
    "is (SCORECARD_SOURCES_URL overrides it)."
)


def write_lock(lock: dict, path: Path = LOCK) -> None:
    """Write the lock file: one line per file, sorted, so a new version of the extracts reads as a small diff."""
    files = ",\n".join(
        f"  {json.dumps(name)}: {json.dumps(entry, sort_keys=True)}" for name, entry in sorted(lock["files"].items())
    )
    head = {key: lock[key] for key in ("version", "url", "bundle")}
    lines = [f" {json.dumps(key)}: {json.dumps(value, sort_keys=True)}," for key, value in head.items()]
    text = "{\n" + f" \"about\": {json.dumps(ABOUT)},\n" + "\n".join(lines) + '\n "files": {\n' + files + "\n }\n}\n"
    path.write_text(text, encoding="utf-8")
