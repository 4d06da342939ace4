"""Tamper evidence: the audit log's chain, the snapshot index checked against it, each frozen part against its
hash — and a quarter the log says was published is never published again, even with the index gone."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from scorecard import __main__ as cli
from scorecard.governance import audit, publish, reports
from scorecard.governance import conversation as talk
from scorecard.register import Context
from scorecard.store import storage
from tests.conftest import PUBLISHED as Q
from tests.scorecard.ingest._ingest_helpers import QUARTERLY, csv_bytes, digest, row


def _index(data_dir) -> tuple:
    path = data_dir / "snapshots" / "index.json"
    return path, json.loads(path.read_text())


def test_a_forged_card_with_a_matching_index_hash_is_refused(published_data):
    """Replace the card with other figures and make the index point at them, hash and all: the audit log
    still holds the hash that was published."""
    data_dir, entry = published_data
    card = publish.part(Q, "card", data_dir)
    forged = card.assign(value=card["value"] * 2)
    payload = publish._parquet_bytes(forged)
    digest_ = storage.sha256(payload)
    name = f"2025-26_Q2-card-{digest_}.parquet"
    (data_dir / "snapshots" / name).write_bytes(payload)
    path, index = _index(data_dir)
    index["periods"][Q]["parts"]["card"] = {"file": name, "sha256": digest_, "rows": len(forged)}
    path.write_text(json.dumps(index))
    with pytest.raises(publish.SnapshotError, match="differs from the audit log's record of its publish"):
        publish.load(Q, data_dir=data_dir)
    with pytest.raises(audit.IntegrityError):
        reports.scorecard_for(Context.of(data_dir), "public", Q)


def test_a_replaced_part_file_is_refused(published_data):
    data_dir, entry = published_data
    path = data_dir / "snapshots" / entry["parts"]["series"]["file"]
    path.chmod(0o644)
    path.write_bytes(publish._parquet_bytes(pd.DataFrame({"measure_id": ["x"]})))
    with pytest.raises(publish.SnapshotError, match="the published series of 2025/26 Q2 fails its integrity check"):
        reports.check(data_dir)


def test_a_missing_part_file_is_refused(published_data):
    data_dir, entry = published_data
    (data_dir / "snapshots" / entry["parts"]["members"]["file"]).unlink()
    with pytest.raises(publish.SnapshotError, match=r"the published members of 2025/26 Q2 is missing"):
        reports.check(data_dir)


def test_a_deleted_index_is_evident_and_the_quarter_is_not_published_again(published_data, capsys):
    data_dir, _ = published_data
    (data_dir / "snapshots" / "index.json").unlink()
    with pytest.raises(publish.SnapshotError, match="index.json\\) is missing, but the audit log records"):
        publish.states(data_dir)
    before = digest(data_dir)
    with pytest.raises(audit.IntegrityError):
        publish.publish(Context.of(data_dir), Q, who="mallory")
    assert cli.main(["publish", "--period", Q, "--data-dir", str(data_dir)]) == 1
    assert "integrity check failed" in capsys.readouterr().err
    assert digest(data_dir) == before


def test_the_log_alone_refuses_a_republication(published_data):
    """Even an index rewritten to forget the publication cannot make the quarter publishable again."""
    data_dir, _ = published_data
    path, index = _index(data_dir)
    del index["periods"][Q]
    path.write_text(json.dumps(index))
    with pytest.raises(publish.SnapshotError, match="2025/26 Q2 is missing from the snapshot index, but the audit"):
        publish.publish(Context.of(data_dir), Q, who="mallory")


@pytest.mark.parametrize(
    "corrupt",
    [b"{not json", b"[]", b'{"periods": []}'],
)
def test_a_corrupt_index_is_an_integrity_failure(published_data, corrupt):
    data_dir, _ = published_data
    (data_dir / "snapshots" / "index.json").write_bytes(corrupt)
    with pytest.raises(publish.SnapshotError, match="is unreadable"):
        reports.check(data_dir)


def test_an_index_entry_the_log_never_recorded_is_refused(published_data):
    data_dir, entry = published_data
    path, index = _index(data_dir)
    index["periods"]["2025/26 Q3"] = {**entry, "period": "2025/26 Q3"}
    path.write_text(json.dumps(index))
    with pytest.raises(publish.SnapshotError, match="lists 2025/26 Q3, which the audit log never recorded"):
        reports.check(data_dir)


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda lines: [lines[0].replace(b'"build-data"', b'"build-date"'), *lines[1:]], "line 2: does not follow"),
        (lambda lines: lines[:-1], "ends at line 1"),  # the publication's own line removed
        (
            lambda lines: [*lines[:-1], lines[-1].replace(b'"test admin"', b'"bob"')],
            "ends at line 2",
        ),  # the last changed
    ],
)
def test_an_edited_audit_log_is_evident_and_blocks_every_writer(published_data, tmp_path, capsys, edit, message):
    data_dir, _ = published_data
    log = data_dir / storage.LOG
    log.write_bytes(b"\n".join(edit(log.read_bytes().splitlines())) + b"\n")
    with pytest.raises(audit.IntegrityError, match=message):
        audit.entries(data_dir)
    with pytest.raises(audit.IntegrityError, match=message):
        reports.check(data_dir)
    before = digest(data_dir)
    path = tmp_path / "q2.csv"
    path.write_bytes(csv_bytes([row(value="91.5")]))
    assert cli.main(["ingest", str(path), "--data-dir", str(data_dir)]) == 1  # never extends a tampered log
    assert "integrity check failed" in capsys.readouterr().err
    assert digest(data_dir) == before


def test_the_log_records_every_load_and_publication_with_the_data_version(published_data, tmp_path):
    data_dir, entry = published_data
    path = tmp_path / "q3.csv"
    path.write_bytes(csv_bytes([row(value="90", period="2025/26 Q3")]))
    assert cli.main(["ingest", str(path), "--user", "officer one", "--data-dir", str(data_dir)]) == 0
    log = audit.entries(data_dir)
    assert [e["action"] for e in log] == ["build-data", "publish", "ingest"]
    assert log[1]["detail"]["data_version"] == entry["data_version"]
    assert log[2]["who"] == "officer one" and log[2]["detail"]["file"] == "q3.csv"
    assert storage.version_record(data_dir)["log_lines"] == 3


def _forge_commentary(data_dir):
    """The red team's forged row: version 99 by "Chief Executive", written straight into the ledger."""
    path = data_dir / "conversation" / "commentary.parquet"
    table = pd.read_parquet(path)
    forged = table.tail(1).assign(version=99, author="Chief Executive", narrative="All is well.")
    pd.concat([table, forged]).to_parquet(path, index=False)


def _flip_a_byte(path):
    path.chmod(0o644)
    payload = bytearray(path.read_bytes())
    payload[len(payload) // 2] ^= 0xFF
    path.write_bytes(bytes(payload))


def _shorten_log(data_dir):
    log = data_dir / storage.LOG
    log.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:-1]))


KEPT_TAMPERS = {
    "forged commentary": (_forge_commentary, "conversation/commentary.parquet was changed"),
    "latest commentary row deleted": (
        lambda d: (
            pd.read_parquet(d / "conversation/commentary.parquet")
            .iloc[:-1]
            .to_parquet(d / "conversation/commentary.parquet", index=False)
        ),
        "conversation/commentary.parquet was changed",
    ),
    "commentary deleted": (
        lambda d: (d / "conversation/commentary.parquet").unlink(),
        "conversation/commentary.parquet was deleted",
    ),
    "commentary truncated": (
        lambda d: (d / "conversation/commentary.parquet").write_bytes(
            (d / "conversation/commentary.parquet").read_bytes()[:500]
        ),
        "conversation/commentary.parquet was changed",
    ),
    "finance edited": (
        lambda d: (
            pd.read_parquet(d / "conversation/finance.parquet")
            .assign(variance=0.0)
            .to_parquet(d / "conversation/finance.parquet", index=False)
        ),
        "conversation/finance.parquet was changed",
    ),
    "risks truncated": (
        lambda d: (d / "conversation/risks.parquet").write_bytes((d / "conversation/risks.parquet").read_bytes()[:300]),
        "conversation/risks.parquet was changed",
    ),
    "action updates deleted": (
        lambda d: (d / "conversation/action_updates.parquet").unlink(),
        "conversation/action_updates.parquet was deleted",
    ),
    "card snapshot deleted": (
        lambda d: next((d / "snapshots").glob("*-card-*")).unlink(),
        "card of 2025/26 Q2 is missing",
    ),
    "commentary snapshot byte flipped": (
        lambda d: _flip_a_byte(next((d / "snapshots").glob("*-commentary-*"))),
        "commentary of 2025/26 Q2 fails its integrity check",
    ),
    "version record deleted, log shortened": (
        lambda d: ((d / storage.VERSION).unlink(), _shorten_log(d)),
        "version.json is missing",
    ),
    "version record garbage, log shortened": (
        lambda d: ((d / storage.VERSION).write_text("garbage"), _shorten_log(d)),
        "version.json is unreadable",
    ),
}


@pytest.mark.parametrize("tamper", list(KEPT_TAMPERS))
def test_every_kept_record_is_checked_before_use_and_every_writer_refuses(published_data, tmp_path, capsys, tamper):
    """The red team's tampers (#24 items 1 and 2): the check names the file; the command-line ingest, a
    publication of another quarter and a commentary saved in the app write nothing."""
    data_dir, _ = published_data
    edit, message = KEPT_TAMPERS[tamper]
    edit(data_dir)
    with pytest.raises(audit.IntegrityError, match=message):
        reports.check(data_dir)
    before = digest(data_dir)
    path = tmp_path / "q3.csv"
    path.write_bytes(csv_bytes([row(value="90", period="2025/26 Q3")]))
    assert cli.main(["ingest", str(path), "--data-dir", str(data_dir)]) == 1
    assert cli.main(["publish", "--period", "2025/26 Q3", "--data-dir", str(data_dir)]) == 1
    assert capsys.readouterr().err.count("integrity check failed") == 2
    with pytest.raises(audit.IntegrityError):
        talk.save_commentary(Context.of(data_dir), QUARTERLY, "2025/26 Q3", {"narrative": "Fine."}, "officer")
    assert digest(data_dir) == before


def test_a_reseal_from_the_command_line_lets_writers_go_on_and_is_audited(published_data, capsys):
    data_dir, _ = published_data
    _forge_commentary(data_dir)
    reason = "forged row found; the service confirmed the text"
    assert cli.main(["reseal", "--reason", reason, "--user", "BI administrator", "--data-dir", str(data_dir)]) == 0
    assert "conversation/commentary.parquet was changed" in capsys.readouterr().out
    reports.check(data_dir)
    [*_, entry] = audit.entries(data_dir)
    assert (entry["action"], entry["who"], entry["detail"]["reason"]) == ("reseal", "BI administrator", reason)
