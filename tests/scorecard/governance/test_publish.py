"""Publishing: immutable content-addressed snapshots, the period index, the audit log, revisions after
publication, and a DuckDB connection confined to the data folder."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import duckdb
import pandas as pd
import pytest

from scorecard import SEFTON
from scorecard import __main__ as cli
from scorecard.governance import access, audit, publish
from scorecard.ingest import ingest
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db, ledger, periods, storage
from tests.conftest import PUBLISHED as Q
from tests.scorecard.ingest._ingest_helpers import QUARTERLY, csv_bytes, digest


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def revise(data_dir, measure_id: str, period_label: str, value: float) -> None:
    """Change one of Sefton's observations in place (as a later corrected return would)."""
    path = data_dir / "observations.parquet"
    frame = pd.read_parquet(path)
    hit = (frame["measure_id"] == measure_id) & (frame["area_code"] == SEFTON) & (frame["period_label"] == period_label)
    assert hit.sum() == 1
    frame.loc[hit, "value"] = value
    frame.to_parquet(path, index=False)
    db.reset()


def test_publish_freezes_a_content_addressed_snapshot(data_dir, capsys):
    ctx = Context.of(data_dir)
    assert cli.main(["publish", "--period", Q, "--user", "ada@sefton.gov.uk", "--data-dir", str(data_dir)]) == 0
    assert "Published: 2025/26 Q2" in capsys.readouterr().out
    entry = publish.read_index(data_dir)["periods"][Q]
    assert entry["state"] == access.PUBLISHED and entry["published_by"] == "ada@sefton.gov.uk"
    assert set(entry["parts"]) == {"card", "series", "members", "commentary", "recommendations"}
    for part in entry["parts"].values():
        path = data_dir / "snapshots" / part["file"]
        assert _sha(path) == part["sha256"] and part["sha256"] in path.name
        assert not path.stat().st_mode & 0o222  # read-only
    # the figures were read from the data version before the publish's own commit
    assert entry["data_version"] == storage.version_record(data_dir)["parent"]
    # what the quarter reported, for later quarters' persistent red: each measure's RAG as frozen
    told = ledger.read(ledger.REPORTED, data_dir).set_index("measure_id")
    card = publish.load(Q, None, data_dir).set_index("measure_id")
    assert len(told) == len(card) and set(told["period"]) == {Q} and set(told["state"]) == {access.PUBLISHED}
    assert told["rag"].to_dict() == card["rag"].astype(str).to_dict()
    assert publish.states(data_dir) == {Q: "published"}
    frozen = publish.load(Q, data_dir=data_dir)
    live = views.scorecard(ctx, period=Q)
    real = live["status"].ne("illustrative")  # an illustrative figure is withheld (governance/test_withhold.py)
    pd.testing.assert_series_equal(frozen["value"][real], live["value"][real], check_names=False)
    assert frozen["value"][~real].isna().all() and (frozen["rag"][~real] == "awaiting").all()
    assert (frozen["report_period"] == Q).all()
    for group in ("england", "dfe_sn"):
        assert publish.load(Q, group, data_dir)["benchmark_median"].tolist() == pytest.approx(
            views.scorecard(ctx, period=Q, group=group)["benchmark_median"].tolist(), nan_ok=True
        )
    log = [e for e in audit.entries(data_dir) if e["action"] != "build-data"]
    assert [(e["who"], e["action"], e["detail"]["period"]) for e in log] == [("ada@sefton.gov.uk", "publish", Q)]
    assert log[0]["detail"]["parts"] == {name: part["sha256"] for name, part in entry["parts"].items()}


def test_published_quarter_is_never_rewritten(published_data):
    data_dir, first = published_data
    with pytest.raises(publish.PublishError, match="cannot be re-published"):
        publish.publish(Context.of(data_dir), Q, who="b")
    with pytest.raises(publish.PublishError):
        publish.publish(Context.of(data_dir), Q, who="b", release_to_members=True)
    assert publish.read_index(data_dir)["periods"][Q]["parts"] == first["parts"]
    assert cli.main(["publish", "--period", Q, "--data-dir", str(data_dir)]) == 2


def test_release_then_publish(data_dir):
    ctx = Context.of(data_dir)
    released = publish.publish(ctx, "2025/26 Q3", who="a", release_to_members=True)
    assert publish.state("2025/26 Q3", data_dir) == access.RELEASED
    done = publish.publish(ctx, "2025/26 Q3", who="b")
    assert done["state"] == access.PUBLISHED and done["parts"] == released["parts"]  # same content, same files
    assert [h["state"] for h in done["history"]] == [access.RELEASED, access.PUBLISHED]
    assert len(list((data_dir / "snapshots").glob("*-card-*.parquet"))) == 1
    assert len(list((data_dir / "snapshots").glob("*-series-*.parquet"))) == 1
    assert [e["action"] for e in audit.entries(data_dir)][-2:] == ["release_to_members", "publish"]


def test_revision_after_publication_keeps_the_published_figure(published_data):
    data_dir, _ = published_data
    entry = publish.read_index(data_dir)["periods"][Q]
    path = data_dir / "snapshots" / entry["parts"]["card"]["file"]
    before = _sha(path)
    frozen = publish.load(Q, data_dir=data_dir)
    row = frozen.dropna(subset=["value"]).iloc[0]
    revise(data_dir, row["measure_id"], row["period_label"], row["value"] + 12.5)

    assert _sha(path) == before == entry["parts"]["card"]["sha256"]
    again = publish.load(Q, data_dir=data_dir)
    assert again.loc[again["measure_id"] == row["measure_id"], "value"].item() == row["value"]
    live = views.scorecard(Context.of(data_dir), period=Q)
    changed = publish.revisions(again, live)
    assert changed["measure_id"].tolist() == [row["measure_id"]]
    assert changed.iloc[0]["published_value"] == row["value"]
    assert changed.iloc[0]["current_value"] == pytest.approx(row["value"] + 12.5)
    marked = publish.with_revisions(again, live).set_index("measure_id")
    assert marked.loc[row["measure_id"], "revised_since_publication"]
    assert marked["revised_since_publication"].sum() == 1


def test_tampered_snapshot_is_refused(published_data):
    data_dir, entry = published_data
    path = data_dir / "snapshots" / entry["parts"]["card"]["file"]
    path.chmod(0o644)
    original = path.read_bytes()
    path.write_bytes(original + b"x")
    with pytest.raises(publish.SnapshotError, match="integrity"):
        publish.load(Q, data_dir=data_dir)
    path.write_bytes(original)
    index_path = data_dir / "snapshots" / "index.json"
    index = json.loads(index_path.read_text())
    index["periods"][Q]["parts"]["card"]["file"] = "../../observations.parquet"
    index_path.write_text(json.dumps(index))
    with pytest.raises(publish.SnapshotError, match="not valid"):
        publish.load(Q, data_dir=data_dir)


@pytest.mark.parametrize(
    "bad",
    ["../../etc/passwd", "2025/26 Q5", "2025/26", "'; DROP TABLE observations; --", "2025/26 Q2\n", "2030/31 Q1", ""],
)
def test_publish_refuses_anything_but_a_held_quarter(data_dir, bad):
    with pytest.raises(publish.PublishError):
        publish.publish(Context.of(data_dir), bad, who="a")
    assert not (data_dir / "snapshots" / "index.json").exists()


def test_roles_see_the_right_periods():
    quarters = ["2025/26 Q4", "2025/26 Q3", "2025/26 Q2"]
    states = {"2025/26 Q3": access.RELEASED, "2025/26 Q2": access.PUBLISHED}
    assert access.visible_periods("public", quarters, states) == ["2025/26 Q2"]
    assert access.visible_periods("member", quarters, states) == ["2025/26 Q3", "2025/26 Q2"]
    assert access.visible_periods("officer", quarters, states) == quarters
    assert access.visible_periods("nobody", quarters, states) == ["2025/26 Q2"]
    assert access.role_from_claims({"email": "X@Y.org", "scorecard_role": "admin"}, {"x@y.org": "member"}) == "member"
    assert access.role_from_claims({"scorecard_role": ["member", "officer"]}) == "officer"
    assert access.role_from_claims({"scorecard_role": "superuser"}) == "public"
    assert access.role_from_claims({}) == "public"


def test_duckdb_is_confined_to_the_data_folder(data_dir, tmp_path):
    con = db.connect(data_dir)
    assert con.execute("SELECT count(*) FROM observations").fetchone()[0] > 0
    assert con.execute("SELECT count(*) FROM read_parquet(?)", [str(data_dir / "areas.parquet")]).fetchone()[0] > 0
    for sql in [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/hostname')",
        f"COPY (SELECT 1) TO '{tmp_path}/out.csv'",
        f"ATTACH '{tmp_path}/x.duckdb'",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        "SET allowed_directories = ['/']",
        "SELECT * FROM read_parquet('https://example.org/x.parquet')",
    ]:
        with pytest.raises(duckdb.Error):
            con.execute(sql).fetchall()
    assert not (tmp_path / "out.csv").exists()
    assert periods.parse_label(Q).kind == "quarter"


def test_a_target_for_a_year_with_a_published_quarter_is_refused(published_data, tmp_path):
    """#24: 2025/26 Q2 was published, so the 2025/26 target is what was reported; a return may not change
    it, even while the year runs (the same return loads where nothing of the year was released)."""
    data_dir, _ = published_data
    assert publish.reported_years(data_dir) == {"2025/26"}
    path = tmp_path / "targets.csv"
    row = {"measure_id": QUARTERLY, "financial_year": "2025/26", "target": "1", "rationale": "Revised"}
    path.write_bytes(csv_bytes([row], header=list(row)))
    before = digest(data_dir)
    during_the_year = date(2025, 11, 1)
    refused = ingest(Context.of(data_dir), [path], today=during_the_year, reported=publish.reported_years(data_dir))
    assert not refused.loaded and digest(data_dir) == before
    [error] = refused.files[0].errors
    assert error.column == "financial_year" and "a quarter of 2025/26 has been released" in error.message
    assert ingest(Context.of(data_dir), [path], today=during_the_year, dry_run=True).files[0].outcome == "valid"
