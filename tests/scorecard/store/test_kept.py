"""One integrity model (#24): every file a commit writes in a kept folder is hashed into ``version.json``;
:func:`storage.check` and :func:`storage.read_kept` refuse a changed, deleted, planted or truncated file and a
missing or unreadable record; every writer refuses over a failed check; :func:`storage.reseal` accepts a
folder after an investigation, with an audit entry."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scorecard.register import Context
from scorecard.store import chain, ledger, storage
from tests.scorecard.ingest._ingest_helpers import digest

NOTE = "conversation/note.parquet"
LOG = [{"who": "tester", "action": "commentary", "detail": {}}]


@pytest.fixture
def folder(tmp_path):
    storage.write_tables(tmp_path, {"conversation/note": pd.DataFrame({"text": ["first", "second"]})}, log=LOG)
    storage.write_tables(tmp_path, {}, files={"snapshots/a.bin": b"frozen"}, frozen=["snapshots/a.bin"], log=LOG)
    return tmp_path


def _truncate(path):
    path.write_bytes(path.read_bytes()[:-40])


TAMPERS = {
    "changed": (lambda f: (f / NOTE).write_bytes((f / NOTE).read_bytes().replace(b"second", b"forged")), "changed"),
    "truncated": (lambda f: _truncate(f / NOTE), "changed after it was written"),
    "deleted": (lambda f: (f / NOTE).unlink(), f"{NOTE} was deleted"),
    "planted": (lambda f: (f / "conversation" / "risks.parquet").write_bytes(b"x"), "added from outside"),
    "snapshot deleted": (lambda f: (f / "snapshots" / "a.bin").unlink(), "snapshots/a.bin was deleted"),
    "record deleted": (lambda f: (f / storage.VERSION).unlink(), "version.json is missing"),
    "record garbage": (lambda f: (f / storage.VERSION).write_text("{oops"), "version.json is unreadable"),
    "record not a record": (lambda f: (f / storage.VERSION).write_text('{"files": []}'), "not a commit record"),
}


def test_every_commit_records_the_hash_of_each_kept_file(folder):
    files = storage.version_record(folder)["files"]
    assert set(files) == {NOTE, "snapshots/a.bin"}
    assert files[NOTE] == storage.sha256(folder / NOTE) and files["snapshots/a.bin"] == storage.sha256(b"frozen")
    assert "observations.parquet" not in files  # rebuilt tables are not records
    assert storage.read_kept(folder, NOTE) == (folder / NOTE).read_bytes()
    assert storage.read_kept(folder, "conversation/other.parquet") is None  # never written


@pytest.mark.parametrize("tamper", list(TAMPERS))
def test_a_tampered_folder_fails_its_check_and_no_writer_goes_on(folder, tamper):
    edit, message = TAMPERS[tamper]
    edit(folder)
    with pytest.raises(storage.IntegrityError, match=message):
        storage.check(folder)
    before = digest(folder)
    with pytest.raises(storage.IntegrityError, match="integrity check failed"):
        storage.write_tables(folder, {"conversation/other": pd.DataFrame({"x": [1]})}, log=LOG)
    assert digest(folder) == before


@pytest.mark.parametrize("tamper", ["changed", "truncated", "deleted", "record deleted", "record garbage"])
def test_a_reader_of_a_kept_file_refuses_it(folder, tamper):
    edit, message = TAMPERS[tamper]
    edit(folder)
    with pytest.raises(storage.IntegrityError, match=message):
        storage.read_kept(folder, NOTE)


def test_a_deleted_record_and_a_shortened_log_cannot_hide_the_end_of_the_log(folder):
    """The red team's case: version.json deleted and the last log line removed — the log read is refused."""
    (folder / storage.VERSION).unlink()
    log = folder / storage.LOG
    log.write_bytes(b"\n".join(log.read_bytes().splitlines()[:-1]) + b"\n")
    with pytest.raises(storage.IntegrityError, match="version.json is missing"):
        storage.read_log(folder)


def test_a_ledger_table_is_read_only_as_its_commit_wrote_it(tmp_path):
    fields = dict.fromkeys(ledger.SCHEMAS[ledger.KEY_MESSAGES].names, "")
    rows = [{**fields, "period": "2025/26 Q4", "going_well": "Good", "author": "BI", "illustrative": False}]
    table = ledger.appended(ledger.KEY_MESSAGES, ledger.empty(ledger.KEY_MESSAGES), rows)
    ledger.write(tmp_path, {ledger.KEY_MESSAGES: table})
    assert ledger.read(ledger.KEY_MESSAGES, tmp_path)["going_well"].tolist() == ["Good"]
    path = storage.table_path(tmp_path, ledger.KEY_MESSAGES)
    forged = table.assign(going_well="Forged", author="Chief Executive", version=99)
    forged.to_parquet(path, index=False)
    with pytest.raises(storage.IntegrityError, match="key_messages.parquet was changed"):
        ledger.read(ledger.KEY_MESSAGES, tmp_path)


def test_a_new_folder_needs_no_record(tmp_path):
    assert storage.check(tmp_path) == ({}, b"")
    assert storage.read_kept(tmp_path, NOTE) is None


def test_a_reseal_accepts_the_folder_as_it_is_and_says_so_in_the_log(folder):
    (folder / NOTE).write_bytes(b"restored from last night's backup")
    log = folder / storage.LOG
    log.write_bytes(log.read_bytes().splitlines(keepends=True)[0])  # the last entry removed
    differed = storage.reseal(folder, "BI administrator", "restored note.parquet after the disk fault")
    assert differed == [
        f"{storage.LOG} ends at line 1, not line 2 as recorded",
        f"{NOTE} was changed after it was written (sha256 differs)",
    ]
    record, data = storage.check(folder)  # passes now
    [*_, entry] = chain.verify(data, record["log_head"])
    assert entry["action"] == storage.RESEAL and entry["who"] == "BI administrator"
    assert entry["detail"] == {"reason": "restored note.parquet after the disk fault", "differed": differed}
    storage.write_tables(folder, {}, log=LOG)  # writers go on again


def test_a_reseal_cannot_mend_a_broken_chain_nor_go_without_a_reason(folder):
    log = folder / storage.LOG
    first, second = log.read_bytes().splitlines()
    log.write_bytes(first.replace(b"tester", b"mallory") + b"\n" + second + b"\n")
    before = digest(folder)
    with pytest.raises(storage.IntegrityError, match="which a re-seal cannot mend"):
        storage.reseal(folder, "BI administrator", "looked at it")
    with pytest.raises(ValueError, match="say why"):
        storage.reseal(folder, "BI administrator", "  ")
    assert digest(folder) == before


def test_a_reseal_of_a_deleted_record_says_so(folder):
    (folder / storage.VERSION).unlink()
    differed = storage.reseal(folder, "BI administrator", "version.json lost in a bad copy; files checked")
    assert differed[0].startswith("version.json is missing")
    assert json.loads((folder / storage.VERSION).read_text())["files"].keys() == {NOTE, "snapshots/a.bin"}


def test_a_workflow_table_written_before_actions_had_a_workflow_reads_as_measures(data_dir):
    from scorecard.governance import workflow

    old = pd.DataFrame(
        [{"measure_id": "cyp_sw_turnover_rate", "period": "2025/26 Q4", "step": "submit", "state": "submitted",
          "duty": "data_owner", "who": "owner", "at": "2026-04-09T08:00:00+00:00", "reason": "", "version": 1}]
    )  # fmt: skip
    with storage.locked(data_dir):
        storage.write_tables(data_dir, {ledger.WORKFLOW: old})
    assert workflow.state_of("cyp_sw_turnover_rate", "2025/26 Q4", data_dir) == "submitted"
    workflow.take(Context.of(data_dir), "check", "cyp_sw_turnover_rate", "2025/26 Q4", "BI analyst", "bi")
    held = ledger.read(ledger.WORKFLOW, data_dir)
    assert list(held[["item_kind", "item_id", "state"]].itertuples(index=False)) == [
        ("measure", "cyp_sw_turnover_rate", "submitted"),
        ("measure", "cyp_sw_turnover_rate", "checked"),
    ]
