"""Every write path of the command line (ingest, publish, export, template, build-data) meets a disk that is full,
a folder that is read-only or a permission it lacks: one clear line on stderr, exit code 1, no traceback, and
``data/`` byte-identical. First with the operating system's error injected; then for real, on a read-only bind
mount and a full tmpfs in a private mount namespace (skipped where ``unshare`` is not permitted)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scorecard import __main__ as cli
from scorecard.store import storage
from tests.scorecard.ingest._ingest_helpers import csv_bytes, digest, row

PROJECT = Path(__file__).resolve().parents[2]
Q = "2025/26 Q2"
pytestmark = pytest.mark.slow


def _refuse(code: int):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return refuse


def _commands(data_dir: Path, tmp_path: Path) -> dict[str, list[str]]:
    path = tmp_path / "q2.csv"
    path.write_bytes(csv_bytes([row(value="91.5")]))
    out = tmp_path / "out"
    return {
        "ingest": ["ingest", str(path), "--data-dir", str(data_dir)],
        "publish": ["publish", "--period", Q, "--data-dir", str(data_dir)],
        "export": [
            "export",
            "--period",
            Q,
            "--format",
            "xlsx",
            "--out",
            str(out / "pack.xlsx"),
            "--data-dir",
            str(data_dir),
        ],
        "template": ["template", "--all", "--period", Q, "--out", str(out / "return.csv"), "--data-dir", str(data_dir)],
    }


@pytest.mark.parametrize("command", ["ingest", "publish", "export", "template"])
@pytest.mark.parametrize(
    "code,reason",
    [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "the folder is read-only"), (errno.EACCES, "permission denied")],
)
def test_an_os_refusal_is_one_clear_line_and_data_is_intact(
    data_dir, tmp_path, monkeypatch, capsys, command, code, reason
):
    args = _commands(data_dir, tmp_path)[command]
    before = digest(data_dir)
    monkeypatch.setattr(storage, "_fsync", _refuse(code))  # every staged file is fsynced before it is used
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("error: could not write to ") and f": {reason}. Nothing was changed." in err
    assert digest(data_dir) == before
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())  # no half-written file


def _unshare_works() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


needs_unshare = pytest.mark.skipif(not _unshare_works(), reason="needs root and unshare -m (mount namespaces)")


def _in_namespace(script: str) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace (its mounts vanish when it ends)."""
    return subprocess.run(
        ["unshare", "-m", "sh", "-ec", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
        cwd=PROJECT,
        timeout=300,
    )


@needs_unshare
@pytest.mark.parametrize("command", ["ingest", "publish", "export", "build-data"])
def test_a_read_only_data_folder_for_real(data_dir, tmp_path, command):
    args = _commands(data_dir, tmp_path).get(command) or ["build-data", "--data-dir", str(data_dir)]
    if command == "export":  # the output folder is the read-only one
        args[args.index("--out") + 1] = str(data_dir / "pack.xlsx")
    before = digest(data_dir)
    done = _in_namespace(
        f"""
        mount --bind '{data_dir}' '{data_dir}'
        mount -o remount,bind,ro '{data_dir}'
        exec '{sys.executable}' -m scorecard {" ".join(f"'{a}'" for a in args)}
        """
    )
    assert done.returncode == 1, done.stderr
    assert "could not write to" in done.stderr and "the folder is read-only" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert digest(data_dir) == before


@needs_unshare
def test_a_full_disk_for_real(data_dir, tmp_path):
    """The data on a tmpfs with a few KB to spare: the ingest's new tables do not fit."""
    path = tmp_path / "q2.csv"
    path.write_bytes(csv_bytes([row(value="91.5")]))
    size_kb = sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file()) // 1024 + 256
    disk = tmp_path / "disk"
    disk.mkdir()
    script = tmp_path / "digest.py"
    script.write_text(
        "import json, sys\n"
        "from tests.scorecard.ingest._ingest_helpers import digest\n"
        "print(json.dumps(digest(__import__('pathlib').Path(sys.argv[1]))))\n"
    )
    check = f"'{sys.executable}' '{script}' '{disk}/data'"
    done = _in_namespace(
        f"""
        mount -t tmpfs -o size={size_kb}k none '{disk}'
        cp -a '{data_dir}' '{disk}/data'
        {check} > '{tmp_path}/before.json'
        set +e
        '{sys.executable}' -m scorecard ingest '{path}' --data-dir '{disk}/data'
        echo "exit $?"
        set -e
        {check} > '{tmp_path}/after.json'
        """
    )
    assert "exit 1" in done.stdout, (done.stdout, done.stderr)
    assert "the disk is full" in done.stderr and "Nothing was changed" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "before.json").read_text() == (tmp_path / "after.json").read_text()
