"""Round trip: template → filled → ingest → evaluated scorecard; revisions; no-op reloads; rebuild; partial."""

from __future__ import annotations

import openpyxl
import pandas as pd
from _ingest_helpers import QUARTERLY, csv_bytes, digest, row

from scorecard import SEFTON
from scorecard.__main__ import main
from scorecard.governance import audit
from scorecard.ingest import build, ingest, load, sources, templates
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db, storage


def _value(data_dir, measure=QUARTERLY, period="2025/26 Q2"):
    db.reset()
    card = views.scorecard(Context.of(data_dir), period=period)
    return card.set_index("measure_id").loc[measure]


def test_filled_xlsx_template_changes_the_scorecard(data_dir, tmp_path, capsys):
    before = _value(data_dir)
    assert before["period_label"] == "2025/26 Q2"
    out = tmp_path / "return.xlsx"
    assert (
        main(
            [
                "template",
                "--theme",
                "adult_social_care",
                "--period",
                "2025/26 Q2",
                "--out",
                str(out),
                "--data-dir",
                str(data_dir),
            ]
        )
        == 0
    )
    book = openpyxl.load_workbook(out)
    sheet = book["figures"]
    header = [c.value for c in sheet[1]]
    filled = 0
    for cells in sheet.iter_rows(min_row=2):
        if cells[0].value == QUARTERLY:
            assert cells[header.index("period")].value == "2025/26 Q2"
            assert cells[header.index("last_value")].value is not None
            cells[header.index("value")].value = 97.25
            cells[header.index("note")].value = "Q2 audit"
            filled += 1
    assert filled == 1
    book.save(out)
    assert main(["ingest", str(out), "--user", "tester", "--data-dir", str(data_dir)]) == 0
    assert "loaded as batch" in capsys.readouterr().out
    after = _value(data_dir)
    assert after["value"] == 97.25 and after["value"] != before["value"]
    assert after["status"] == "revised"


def test_revision_keeps_history_and_reload_is_a_no_op(data_dir, tmp_path):
    ctx = Context.of(data_dir)
    first, second = tmp_path / "q2.csv", tmp_path / "q2_revised.csv"
    first.write_bytes(csv_bytes([row(value="93.5", period="2025/26 Q1"), row(value="94.0")]))
    second.write_bytes(csv_bytes([row(value="90.1")]))
    held = pd.read_parquet(storage.table_path(data_dir, "observations"))
    original = held[(held.measure_id == QUARTERLY) & (held.area_code == SEFTON) & (held.period_label == "2025/26 Q2")]
    assert len(original) == 1

    result = ingest(ctx, [first], user="a")
    assert result.loaded and result.files[0].rows_revised == 2
    snapshot = digest(data_dir)
    again = ingest(ctx, [first], user="a")
    assert not again.loaded and again.files[0].outcome == "already loaded" and again.ok
    assert digest(data_dir) == snapshot

    assert ingest(ctx, [second], user="b").loaded
    obs = pd.read_parquet(storage.table_path(data_dir, "observations"))
    assert not obs.duplicated(["measure_id", "area_code", "period_end"]).any()
    current = obs[(obs.measure_id == QUARTERLY) & (obs.area_code == SEFTON) & (obs.period_label == "2025/26 Q2")]
    assert current[["value", "status"]].values.tolist() == [[90.1, "revised"]]
    history = load.history(data_dir, QUARTERLY)
    q2 = history[history.period_label == "2025/26 Q2"].sort_values("superseded_at", kind="stable")
    assert sorted(q2["value"]) == sorted([original["value"].iloc[0], 94.0])
    assert set(q2["superseded_by"]) == {result.files[0].batch_id, f"b{storage.sha256(second)[:12]}"}
    batches = load.loaded_batches(data_dir)
    assert list(batches["user"]) == ["b", "a"]  # newest first, even when both loads fall in the same second
    log = audit.entries(data_dir)
    assert [(e["action"], e["who"], e["detail"]["via"]) for e in log[-2:]] == [
        ("ingest", "a", "command line"),
        ("ingest", "b", "command line"),
    ]

    # accepted returns survive a rebuild, re-applied in load order
    build.build(sources_dir=sources.default_sources_dir(), data_dir=data_dir)
    rebuilt = pd.read_parquet(storage.table_path(data_dir, "observations"))
    pd.testing.assert_frame_equal(rebuilt, obs, check_dtype=False)
    assert len(load.history(data_dir)) == 3
    assert len(load.loaded_batches(data_dir)) == 2


def test_allow_partial_loads_good_rows_and_quarantines_the_rest(data_dir, tmp_path, capsys):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        csv_bytes([row(value="93.5", period="2025/26 Q1"), row(value="abc"), row(value="101", period="2024/25 Q4")])
    )
    snapshot = digest(data_dir)
    assert main(["ingest", str(path), "--data-dir", str(data_dir)]) == 1
    assert "nothing loaded" in capsys.readouterr().err
    assert digest(data_dir) == snapshot
    assert main(["ingest", str(path), "--allow-partial", "--data-dir", str(data_dir)]) == 1
    out = capsys.readouterr().out
    quarantine = list((data_dir / "quarantine").glob("*.csv"))
    assert len(quarantine) == 1 and str(quarantine[0]) in out
    rejected = pd.read_csv(quarantine[0], dtype=str)
    assert rejected["row"].tolist() == ["3", "4"]
    assert "expected a number" in rejected["errors"][0] and "0–100" in rejected["errors"][1]
    assert _value(data_dir, period="2025/26 Q1")["value"] == 93.5


def test_one_bad_file_among_several_loads_nothing(data_dir, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes([row(value="93.5")]))
    bad.write_bytes(csv_bytes([row(measure_id="nope")]))
    snapshot = digest(data_dir)
    result = ingest(Context.of(data_dir), [good, bad])
    assert not result.loaded and digest(data_dir) == snapshot
    assert [f.outcome for f in result.files] == ["valid", "rejected"]


def test_templates_of_every_kind(data_dir, tmp_path, real_register):
    for kind in templates.KINDS:
        for fmt in ("csv", "xlsx"):
            out = tmp_path / f"{kind}.{fmt}"
            assert (
                main(
                    [
                        "template",
                        "--all",
                        "--kind",
                        kind,
                        "--period",
                        "2025/26 Q2",
                        "--format",
                        fmt,
                        "--out",
                        str(out),
                        "--data-dir",
                        str(data_dir),
                    ]
                )
                == 0
            )
            assert out.stat().st_size > 0
    figures = pd.read_csv(tmp_path / "figures.csv", dtype=str, keep_default_na=False)
    assert set(figures["measure_id"]) == {m.id for m in real_register.measures}
    monthly = figures[figures["frequency"] == "monthly"]
    assert {"Jul 2025", "Aug 2025", "Sep 2025"} <= set(monthly["period"])
    # an unfilled template loads nothing and is not an error about any row
    result = ingest(Context.of(data_dir), [tmp_path / "figures.csv"])
    assert not result.loaded and "every row is blank" in str(result.files[0].errors[0])
    assert main(["template", "--measure", "nope", "--period", "2025/26 Q2", "--out", str(tmp_path / "x.csv")]) == 2
