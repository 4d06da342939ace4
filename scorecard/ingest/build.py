"""``python -m scorecard build-data``: public extracts + council returns → Parquet tables in ``data/``.

One batch per source file, with its provenance (publisher, repository path, commit, licence)
and sha256. The output depends only on the inputs, so a rebuild gives identical tables. Council returns in
``data/returns/`` and the council's own published figures go through the same reader and validator as
``python -m scorecard ingest`` (a return that would be refused there stops the build, naming every error).
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from scorecard import register
from scorecard.ingest import conversation, fetch, reader, sources
from scorecard.ingest import load as ingest_load
from scorecard.ingest.validate import Context
from scorecard.register import Register, targets
from scorecard.store import geography, ledger, storage


def _batch(path: Path, dataset, kind: str, rows: pd.DataFrame, display_path: str) -> dict:
    digest = storage.sha256(path)
    return {
        "batch_id": f"b{digest[:12]}",
        "source_id": dataset.id,
        "kind": kind,
        "file": display_path,
        "sha256": digest,
        "rows": len(rows),
        "rows_suppressed": int((rows["status"] == "suppressed").sum()),
        "publisher": dataset.publisher,
        "licence": dataset.licence,
        "repository": dataset.repository,
        "commit": dataset.commit,
        "source_modified": datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat(),
    }


def targets_table(reg: Register, loaded: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``targets`` table the evaluation joins: the register's targets and every version ``loaded`` since
    (``ledger.TARGET_VERSIONS``), each in force over its dates (:func:`scorecard.register.targets.in_force`)."""
    return targets.in_force(targets.versions(reg, loaded))


def build(
    sources_dir: str | Path | None = None,
    data_dir: str | Path | None = None,
    register_path: str | Path = register.DEFAULT_PATH,
    returns_dir: str | Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, int]:
    """Build every table; returns rows per source. Raises with the measure and file named on bad input."""
    started = time.perf_counter()
    source_dir = Path(sources_dir) if sources_dir else sources.default_sources_dir()
    out_dir = Path(data_dir) if data_dir else storage.default_data_dir()
    if (source_dir.parent / fetch.MARKER).exists():
        fetch.verify_cache(source_dir.parent)  # a fetched copy: every file checked against the lock first
    if not source_dir.is_dir():
        raise FileNotFoundError(
            f"data-sources folder not found: {source_dir} (set --sources or SCORECARD_SOURCES, or run "
            "`python -m scorecard fetch-sources`)"
        )
    reg = register.load(register_path)
    areas = geography.areas(source_dir)
    groups = geography.comparator_groups(source_dir, areas)
    code_map = pd.read_csv(source_dir / "dfe-statistical-neighbours" / "dfe_la_code_map.csv", dtype=str)
    dfe_to_ons = dict(code_map.dropna(subset=["new_la_code"])[["old_la_code", "new_la_code"]].values)

    names = geography.area_names(areas)

    frames: list[pd.DataFrame] = []
    batches: dict[Path, dict] = {}
    con = duckdb.connect()
    public = [m for m in reg.measures if m.source.match != "none"]
    for number, measure in enumerate(public, start=1):
        rows = sources.normalise(sources.read_raw(con, measure, source_dir), measure, dfe_to_ons, names)
        mismatch = geography.tier_mismatch(measure.source.tier, rows.loc[rows["value"].notna(), "area_code"])
        if mismatch:
            raise ValueError(f"{measure.id}: {measure.source.file}: {mismatch}")
        path = source_dir / measure.source.file
        batch = batches.get(path) or _batch(
            path, reg.dataset(measure.source.dataset), "public extract", rows.iloc[0:0], measure.source.file
        )
        batch["rows"] += len(rows)
        batch["rows_suppressed"] += int((rows["status"] == "suppressed").sum())
        batches[path] = batch
        rows["source_id"], rows["batch_id"] = measure.source.dataset, batch["batch_id"]
        frames.append(rows)
        progress(f"[{number}/{len(public)}] {measure.id}: {len(rows)} rows from {measure.source.file}")

    council = Context(reg, set(areas["code"]), today=date.today())
    talk = []  # commentary and action-update returns (the shipped demo's are illustrative)
    for path in sorted(Path(returns_dir or storage.PROJECT_DIR / "data" / "returns").glob("*.csv")):
        display = f"data/returns/{path.name}"
        try:
            table = reader.read(path, display)
            if table.kind != "figures":
                talk.append(path)
                continue
            rows = ingest_load.valid_rows(table, council)
        except reader.FileProblem as err:
            raise ValueError(str(err)) from None
        batch = _batch(path, reg.dataset("council_returns"), "council return", rows, display)
        frames.append(ingest_load.observation_rows(rows, reg, "council_returns", batch["batch_id"]))
        batches[path] = batch
        progress(f"return {path.name}: {len(rows)} rows")
    seed_file = source_dir.parent / "reference" / "seed_figures.csv"
    if seed_file.is_file():
        display = "shared/reference/seed_figures.csv"
        try:
            rows = ingest_load.valid_rows(reader.seed_table(reg, seed_file, display), council)
        except reader.FileProblem as err:
            raise ValueError(str(err)) from None
        batch = _batch(seed_file, reg.dataset("council_published"), "council publication", rows, display)
        frames.append(ingest_load.observation_rows(rows, reg, "council_published", batch["batch_id"]))
        batches[seed_file] = batch
        progress(f"council-published figures: {len(rows)} rows")

    observations = pd.concat(frames, ignore_index=True)[sources.OBSERVATION_COLUMNS]
    clash = observations[observations.duplicated(["measure_id", "area_code", "period_end"], keep=False)]
    if not clash.empty:
        first = clash.iloc[0]
        raise ValueError(
            f"{first['measure_id']}: {len(clash)} rows share an area and period end with another "
            f"period (e.g. {first['area_code']} {first['period_label']}); one period kind per measure"
        )
    known = set(areas["code"])
    unknown = sorted(set(observations["area_code"]) - known)
    if unknown:
        areas = pd.concat([areas, _former_areas(unknown)], ignore_index=True)
    batch_table = pd.DataFrame(sorted(batches.values(), key=lambda b: b["file"]))
    with storage.locked(out_dir):
        storage.recover(out_dir, sweep=True)
        storage.check(out_dir)  # before reading the accepted returns and the ledger it rebuilds on
        # returns accepted by `python -m scorecard ingest` survive a rebuild: re-applied in load order
        observations, history, accepted = ingest_load.reapply_accepted(
            out_dir, observations, set(batch_table["sha256"]), reg, progress
        )
        conversation_tables = _conversation_returns(talk, out_dir, reg)
        loaded_targets = conversation_tables.get(ledger.TARGET_VERSIONS, ledger.read(ledger.TARGET_VERSIONS, out_dir))
        batch_table = ingest_load.with_batch_columns(batch_table)
        if accepted:
            batch_table = pd.concat(
                [batch_table, ingest_load.with_batch_columns(pd.DataFrame(accepted))], ignore_index=True
            )
        storage.write_tables(
            out_dir,
            {
                **conversation_tables,
                "areas": areas,
                "comparator_groups": groups,
                "observations": observations,
                "targets": targets_table(reg, loaded_targets),
                "batches": batch_table,
                storage.HISTORY: history,
            },
            schemas={name: ledger.SCHEMAS[name] for name in conversation_tables if name in ledger.SCHEMAS},
            log=[
                {
                    "who": getpass.getuser(),
                    "action": "build-data",
                    "detail": {"sources": str(source_dir), "rows": int(len(observations))},
                }
            ],
        )
    counts = dict(zip(batch_table["file"], batch_table["rows"]))
    seconds = time.perf_counter() - started
    progress(
        f"built {len(observations)} observations for {observations['measure_id'].nunique()} measures, "
        f"{len(areas)} areas, {len(groups)} comparator-group rows in {seconds:.1f}s → {out_dir}"
    )
    return counts


def _conversation_returns(paths: list[Path], data_dir: Path, reg: Register) -> dict[str, pd.DataFrame]:
    """The ledger with the commentary and action-update returns in ``data/returns/`` added — each file once
    (by sha256), so a rebuild adds nothing and nothing written since is touched. A bad file stops the build."""
    known = set(ledger.read(ledger.BATCHES, data_dir)["sha256"])
    ctx = Context(reg, set())
    reports = []
    for path in paths:
        report = ingest_load.check_file(path, ctx, f"data/returns/{path.name}", dict.fromkeys(known, ""))
        if report.outcome == "already loaded":
            continue
        if report.errors:
            raise ValueError("\n".join(str(issue) for issue in report.errors))
        reports.append(report)
    loaded_at = datetime.now(UTC).isoformat(timespec="seconds")
    return conversation.stage(reports, data_dir, reg, "build-data", loaded_at)


def _former_areas(codes: list[str]) -> pd.DataFrame:
    """Areas a source still reports that are no longer councils (e.g. pre-2023 counties)."""
    return pd.DataFrame({"code": codes, "name": codes, "type": "former or other"})
