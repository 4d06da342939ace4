"""Load validated returns: each accepted file is a batch; a changed figure is a revision.

Storage (all in the data folder, written in one journalled commit, see :mod:`scorecard.store.storage`):

- ``observations.parquet`` keeps exactly one row per (measure_id, area_code, period_end): the current
  figure. A figure that replaces a different published one gets status ``revised``.
- ``observation_history.parquet``: every superseded row, unchanged, plus ``superseded_by`` (the batch that
  replaced it) and ``superseded_at``.
- ``batches.parquet``: one row per load (file, sha256, user, loaded_at, rows accepted/rejected/revised).
- ``accepted/NNNNN_<batch_id>.parquet`` + ``.json``: the accepted normalised rows and the batch record, so
  ``build-data`` re-applies every accepted return, in load order, on top of the public extracts.
- ``quarantine/<file stem>.<batch_id>.rejected.csv``: rows refused under ``--allow-partial``, with reasons
  (text neutralised against spreadsheet formulas).
- ``audit_log.jsonl``: one entry per accepted file, appended by the same commit (the command line and the
  upload page alike).

``build-data`` reads ``data/returns/*.csv`` through the same reader and validator (:func:`valid_rows`,
:func:`observation_rows`), so a shipped return obeys exactly the rules of a loaded one.
"""

from __future__ import annotations

import getpass
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from scorecard import register
from scorecard.ingest import conversation, reader, sources
from scorecard.ingest.validate import Context, HasIssues, Issue, validate
from scorecard.store import ledger, storage, text

HISTORY_COLUMNS = sources.OBSERVATION_COLUMNS + ["superseded_by", "superseded_at"]
BATCH_EXTRA = {"user": "", "loaded_at": "", "rows_rejected": 0, "rows_revised": 0}
"""Columns every batch row has (empty for build batches, so the table's schema never changes)."""
KEY = ["measure_id", "area_code", "period_end"]
INGEST_KIND = "council return (ingest)"


@dataclass
class FileReport(HasIssues):
    """What happened to one file."""

    file: str
    sha256: str
    kind: str = "figures"  # figures | commentary | actions | targets (reader.KIND_COLUMNS)
    outcome: str = "rejected"  # rejected | loaded | partial | already loaded | valid (dry run)
    issues: list[Issue] = field(default_factory=list)
    rows_total: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_revised: int = 0
    rows_unchanged: int = 0
    batch_id: str = ""
    quarantine: str = ""
    accepted: pd.DataFrame | None = None
    rejected: dict[int, list[str]] = field(default_factory=dict)
    table: reader.Table | None = None

    def issues_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [i.as_dict() for i in self.issues], columns=["severity", "file", "sheet", "row", "column", "message"]
        )


@dataclass
class IngestResult:
    """All files of one ``ingest`` run; ``loaded`` is False when nothing was written."""

    files: list[FileReport]
    loaded: bool = False

    @property
    def ok(self) -> bool:
        return all(f.outcome in ("loaded", "already loaded", "valid") for f in self.files)


def _read_table(data_dir: Path, name: str) -> pd.DataFrame | None:
    path = storage.table_path(data_dir, name)
    return pd.read_parquet(path) if path.is_file() else None


def empty_history(observations: pd.DataFrame) -> pd.DataFrame:
    """No superseded rows yet, typed like the observations (so the Parquet schema is stable)."""
    frame = observations.iloc[0:0][sources.OBSERVATION_COLUMNS].copy()
    frame["superseded_by"] = pd.Series(dtype="str")
    frame["superseded_at"] = pd.Series(dtype="str")
    return frame.reset_index(drop=True)


def with_batch_columns(batches: pd.DataFrame) -> pd.DataFrame:
    """Batches with every column of :data:`BATCH_EXTRA` (filled for batches that predate them)."""
    batches = batches.copy()
    for column, default in BATCH_EXTRA.items():
        if column not in batches:
            batches[column] = default
        batches[column] = batches[column].fillna(default).astype(type(default))
    return batches


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    a, b = a.to_numpy(dtype="float64"), b.to_numpy(dtype="float64")
    return (a == b) | (np.isnan(a) & np.isnan(b))


def valid_rows(table: reader.Table, ctx: Context) -> pd.DataFrame:
    """Every row of a table that must load whole (build-data's returns and the council's published figures),
    validated as any return is: :class:`ValueError` listing every error (file, sheet, row, column)."""
    checked = validate(table, ctx)
    if checked.errors:
        raise ValueError("\n".join(str(issue) for issue in checked.errors))
    return checked.rows


def observation_rows(rows: pd.DataFrame, reg: register.Register, source_id: str, batch_id: str) -> pd.DataFrame:
    """Validated return rows as observations of a batch, with 95% intervals filled as for a public extract."""
    parts = [
        sources._with_intervals(part.copy(), reg.measure(measure_id))
        for measure_id, part in rows.groupby("measure_id", sort=False)
    ]
    out = pd.concat(parts) if parts else rows.copy()
    out = out.assign(
        source_id=source_id,
        batch_id=batch_id,
        period_start=pd.to_datetime(out["period_start"]),
        period_end=pd.to_datetime(out["period_end"]),
    )
    return out[sources.OBSERVATION_COLUMNS]


def apply_rows(
    observations: pd.DataFrame, history: pd.DataFrame, rows: pd.DataFrame, batch_id: str, loaded_at: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Put a batch's rows (observation columns) into the current table: new figures are added, a changed
    figure for a held period replaces it (the old row goes to history; the new one says ``revised`` when
    its value changed), an identical figure is left alone. One row per (measure, area, period_end) stays."""
    rows = rows.copy()
    for column in ("period_start", "period_end"):
        rows[column] = pd.to_datetime(rows[column])
        if column in observations and len(observations):
            rows[column] = rows[column].astype(observations[column].dtype)
    held = observations[KEY + ["value", "numerator", "denominator", "status"]].reset_index(names="_at")
    held["_status"] = held["status"].replace("revised", "ok")
    merged = rows.reset_index(drop=True).merge(held.drop(columns=["status"]), on=KEY, how="left", suffixes=("", "_old"))
    matched = merged["_at"].notna().to_numpy()
    same_numbers = (
        _same(merged["value"], merged["value_old"])
        & _same(merged["numerator"], merged["numerator_old"])
        & _same(merged["denominator"], merged["denominator_old"])
    )
    unchanged = matched & same_numbers & (merged["status"].to_numpy() == merged["_status"].to_numpy())
    replace = matched & ~unchanged
    revised = replace & ~same_numbers & (merged["status"].to_numpy() != "suppressed")
    new_rows = rows.reset_index(drop=True)
    new_rows.loc[revised, "status"] = "revised"
    old_at = merged.loc[replace, "_at"].astype("int64").to_numpy()
    superseded = observations.loc[old_at].copy()
    superseded["superseded_by"] = batch_id
    superseded["superseded_at"] = loaded_at
    keep = new_rows[~unchanged]
    current = pd.concat([observations.drop(index=old_at), keep[sources.OBSERVATION_COLUMNS]], ignore_index=True)
    if len(history):
        history = pd.concat([history, superseded[HISTORY_COLUMNS]], ignore_index=True)
    else:
        history = superseded[HISTORY_COLUMNS].reset_index(drop=True)
    counts = {"added": int((~matched).sum()), "revised": int(replace.sum()), "unchanged": int(unchanged.sum())}
    return current, history, counts


def _accepted_files(data_dir: Path) -> list[Path]:
    folder = Path(data_dir) / "accepted"
    return sorted(folder.glob("[0-9]*_b*.json")) if folder.is_dir() else []


def reapply_accepted(
    data_dir: Path,
    observations: pd.DataFrame,
    known_sha: set[str],
    reg: register.Register,
    progress: Callable[[str], None] = lambda _: None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """``build-data``: re-apply every accepted return in ``data/accepted/``, in load order — only the rows a
    return may still write under the current register (a measure that has since gained a public source,
    or an area no longer allowed, is left out and reported)."""
    history, batch_rows = empty_history(observations), []
    allowed = {(m.id, area) for m in reg.measures if m.takes_returns for area in m.source.return_areas}
    for meta_path in _accepted_files(data_dir):
        batch = json.loads(meta_path.read_text(encoding="utf-8"))
        if batch["sha256"] in known_sha:
            progress(f"accepted return {batch['file']}: same file as a source already built, skipped")
            continue
        rows = pd.read_parquet(meta_path.with_suffix(".parquet"))
        gone = ~pd.Series([pair in allowed for pair in zip(rows["measure_id"], rows["area_code"])], index=rows.index)
        if gone.any():
            progress(
                f"accepted return {batch['file']}: {int(gone.sum())} rows left out (measures no longer in the "
                "register or no longer from council returns, or areas a return may not write)"
            )
            rows = rows[~gone]
        rows = observation_rows(rows, reg, batch["source_id"], batch["batch_id"])
        observations, history, counts = apply_rows(observations, history, rows, batch["batch_id"], batch["loaded_at"])
        batch_rows.append(batch)
        known_sha.add(batch["sha256"])
        progress(
            f"accepted return {batch['file']} ({batch['batch_id']}): {counts['added']} added, "
            f"{counts['revised']} revised"
        )
    return observations, history, batch_rows


def context_for(
    data_dir: Path,
    reg: register.Register,
    today: date | None = None,
    observations: pd.DataFrame | None = None,
    may_approve: bool = True,
    reported: frozenset[str] = frozenset(),
) -> Context:
    """What rows are validated against: the register, the built areas, each measure's period kind."""
    data_dir = Path(data_dir)
    areas = set(pd.read_parquet(storage.table_path(data_dir, "areas"), columns=["code"])["code"])
    if observations is None:
        observations = pd.read_parquet(
            storage.table_path(data_dir, "observations"), columns=["measure_id", "period_kind"]
        )
    kinds = observations.groupby("measure_id")["period_kind"].unique()
    return Context(reg, areas, {k: set(v) for k, v in kinds.items()}, today or date.today(), may_approve, reported)


def check_file(
    path: Path,
    ctx: Context,
    name: str | None = None,
    known_sha: dict[str, str] | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> FileReport:
    """Read and validate one file (no writing)."""
    path = Path(path)
    name = name or path.name
    digest = storage.sha256(path)
    report = FileReport(name, digest, batch_id=f"b{digest[:12]}")
    if known_sha and digest in known_sha:
        report.outcome = "already loaded"
        report.issues.append(
            Issue(
                "warning",
                name,
                None,
                None,
                None,
                f"this exact file (sha256 {digest[:12]}…) was already loaded as batch "
                f"{known_sha[digest]}; nothing to do",
            )
        )
        return report
    try:
        table = reader.read(path, name)
    except reader.FileProblem as err:
        text = str(err)
        found = re.match(
            re.escape(name) + r"(?:, sheet '([^']*)')?(?:, row (\d+))?(?:, column '([^']*)')?: (.*)", text, re.S
        )
        sheet, row, column, message = found.groups() if found else (None, None, None, text)
        report.issues.append(Issue("error", name, sheet, int(row) if row else None, column, message))
        return report
    report.table = table
    report.kind = table.kind
    report.rows_total = len(table.rows)

    def tick(done: int, total: int) -> None:
        if total >= 10_000:
            progress(f"{name}: validated {done:,}/{total:,} rows ({done / total:.0%})")

    checked = validate(table, ctx, tick) if table.kind == "figures" else conversation.validate(table, ctx)
    report.issues.extend(checked.issues)
    report.accepted, report.rejected = checked.rows, checked.rejected
    report.rows_accepted, report.rows_rejected = len(checked.rows), len(checked.rejected)
    report.outcome = "valid" if not report.errors else "rejected"
    return report


def _quarantine_csv(report: FileReport) -> bytes:
    table = report.table
    assert table is not None  # only a file that was read has rejected rows
    records = []
    for row, number in zip(table.rows, table.numbers):
        if number in report.rejected:
            records.append({"row": number, **row, "errors": "; ".join(report.rejected[number])})
    return text.csv_bytes(pd.DataFrame(records, columns=["row", *table.columns, "errors"]))


def _quarantine(report: FileReport, files: dict[str, bytes], data_dir: Path) -> None:
    """Rows refused under ``--allow-partial`` go to ``quarantine/`` with their reasons (nothing is lost)."""
    if report.rejected:
        report.quarantine = f"quarantine/{Path(report.file).stem}.{report.batch_id}.rejected.csv"
        files[report.quarantine] = _quarantine_csv(report)
        report.quarantine = str(data_dir / report.quarantine)


def _schema(data_dir: Path, name: str, frame: pd.DataFrame):
    path = storage.table_path(data_dir, name)
    if not path.is_file():
        return None
    schema = pq.read_schema(path)
    return schema if sorted(schema.names) == sorted(frame.columns) else None


def ingest(
    ctx: register.Context,
    paths: list[str | Path],
    user: str | None = None,
    allow_partial: bool = False,
    progress: Callable[[str], None] = lambda _: None,
    today: date | None = None,
    names: list[str] | None = None,
    dry_run: bool = False,
    via: str = "command line",
    may_approve: bool = True,
    reported: frozenset[str] = frozenset(),
) -> IngestResult:
    """Validate every file against the context's register, then (unless any error, or with ``allow_partial``) load them
    all into its data folder in one commit, with an audit entry per file. ``names`` gives display names (an upload's
    original file name) for ``paths``; ``via`` says where the load came from (``command line`` | ``upload page``);
    ``may_approve``: whether the user may record a target's approval (the upload page passes the role's right);
    ``reported``: the financial years whose targets were reported (their quarters released or published), which no
    target return may change (the command line and the upload page pass :func:`publish.reported_years`). A refusal of
    the operating system is a :class:`storage.WriteError`; nothing is then written."""
    data_dir, reg = ctx.folder, ctx.reg
    if not storage.is_built(data_dir):
        raise FileNotFoundError(f"no scorecard data in {data_dir}: run `python -m scorecard build-data` first")
    user = user or os.environ.get("SCORECARD_USER") or getpass.getuser()
    names = names or [Path(p).name for p in paths]
    with storage.locked(data_dir):
        storage.recover(data_dir, sweep=True)
        observations = pd.read_parquet(storage.table_path(data_dir, "observations"))
        batches = pd.read_parquet(storage.table_path(data_dir, "batches"))
        history = _read_table(data_dir, storage.HISTORY)
        history = empty_history(observations) if history is None else history
        against = context_for(data_dir, reg, today, observations, may_approve, reported)
        talked = ledger.read(ledger.BATCHES, data_dir)
        known = dict(zip(batches["sha256"], batches["batch_id"])) | dict(zip(talked["sha256"], talked["batch_id"]))
        reports = []
        for number, (path, name) in enumerate(zip(paths, names), start=1):
            progress(f"[{number}/{len(paths)}] checking {name}")
            report = check_file(Path(path), against, name, known, progress)
            if report.outcome != "already loaded":
                known[report.sha256] = report.batch_id
            reports.append(report)
            progress(
                f"[{number}/{len(paths)}] {name}: {report.rows_accepted:,} good rows, "
                f"{report.rows_rejected:,} rejected, {len(report.errors)} error(s), "
                f"{len(report.warnings)} warning(s)"
            )
        result = IngestResult(reports)
        loadable = [
            r
            for r in reports
            if r.outcome == "valid"
            or (allow_partial and r.outcome == "rejected" and r.accepted is not None and r.rows_accepted)
        ]
        if dry_run or not loadable or (not allow_partial and any(r.outcome == "rejected" for r in reports)):
            return result

        loaded_at = storage.now()
        dataset = reg.dataset("council_returns")
        batches = with_batch_columns(batches)
        seq = len(_accepted_files(data_dir))
        files: dict[str, bytes] = {}
        figures = [r for r in loadable if r.kind == "figures"]
        tables = conversation.stage([r for r in loadable if r.kind != "figures"], data_dir, reg, user, loaded_at)
        for report in figures:
            seq += 1
            accepted = report.accepted
            assert accepted is not None  # every loadable file was read and validated
            rows = observation_rows(accepted, reg, "council_returns", report.batch_id)
            observations, history, counts = apply_rows(observations, history, rows, report.batch_id, loaded_at)
            report.rows_revised, report.rows_unchanged = counts["revised"], counts["unchanged"]
            batch = {
                "batch_id": report.batch_id,
                "source_id": "council_returns",
                "kind": INGEST_KIND,
                "file": report.file,
                "sha256": report.sha256,
                "rows": report.rows_accepted,
                "rows_suppressed": int((accepted["status"] == "suppressed").sum()),
                "publisher": dataset.publisher,
                "licence": dataset.licence,
                "repository": "",
                "commit": "",
                "source_modified": loaded_at[:10],
                "user": user,
                "loaded_at": loaded_at,
                "rows_rejected": report.rows_rejected,
                "rows_revised": counts["revised"],
            }
            batches = pd.concat([batches, pd.DataFrame([batch])], ignore_index=True)
            stem = f"accepted/{seq:05d}_{report.batch_id}"
            buffer = io.BytesIO()
            accepted.to_parquet(buffer, index=False)
            files[f"{stem}.parquet"] = buffer.getvalue()
            files[f"{stem}.json"] = json.dumps(batch, indent=1, sort_keys=True).encode("utf-8")
            _quarantine(report, files, data_dir)
            tables[ledger.FIGURE_NOTES] = conversation.figure_notes(
                accepted, data_dir, report.batch_id, loaded_at, tables.get(ledger.FIGURE_NOTES)
            )
            report.outcome = "partial" if report.rejected else "loaded"
            progress(
                f"{report.file}: batch {report.batch_id}: {counts['added']:,} added, {counts['revised']:,} "
                f"revised, {counts['unchanged']:,} unchanged"
            )
        for report in loadable:
            if report.kind != "figures":
                _quarantine(report, files, data_dir)
                report.outcome = "partial" if report.rejected else "loaded"
                progress(f"{report.file}: batch {report.batch_id}: {report.rows_accepted:,} {report.kind} row(s) added")
        if figures:
            tables |= {"observations": observations, "batches": batches, storage.HISTORY: history}
            progress(f"writing {len(observations):,} observations, {len(history):,} history rows")
        log = [
            {
                "who": user,
                "action": "ingest",
                "detail": {
                    "via": via,
                    "kind": report.kind,
                    "file": report.file,
                    "sha256": report.sha256,
                    "batch_id": report.batch_id,
                    "rows_accepted": report.rows_accepted,
                    "rows_rejected": report.rows_rejected,
                    "rows_revised": report.rows_revised,
                    "quarantine": report.quarantine,
                },
            }
            for report in loadable
        ]
        storage.write_tables(
            data_dir,
            tables,
            files=files,
            schemas={name: s for name, frame in tables.items() if (s := _schema(data_dir, name, frame)) is not None}
            | {name: ledger.SCHEMAS[name] for name in tables if name in ledger.SCHEMAS},
            log=log,
        )
        result.loaded = True
    try:
        from scorecard.store import db

        db.reset()
    except Exception:  # pragma: no cover - a reader may hold a connection; the next connect sees new files
        pass
    return result


def loaded_batches(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Returns loaded by ``ingest`` (newest first): batch, file, user, time, rows accepted/rejected/revised."""
    data_dir = Path(data_dir) if data_dir else storage.default_data_dir()
    storage.recover(data_dir)
    batches = with_batch_columns(pd.read_parquet(storage.table_path(data_dir, "batches")))
    loads = batches[batches["kind"] == INGEST_KIND]
    # appended in load order: reversed, then a stable sort keeps two loads in the same second newest first
    return (
        loads.iloc[::-1]
        .sort_values("loaded_at", ascending=False, kind="stable")[
            ["batch_id", "file", "user", "loaded_at", "rows", "rows_rejected", "rows_revised", "sha256"]
        ]
        .reset_index(drop=True)
    )


def history(data_dir: str | Path | None = None, measure_id: str | None = None) -> pd.DataFrame:
    """Superseded figures (every value a revision replaced), newest first."""
    data_dir = Path(data_dir) if data_dir else storage.default_data_dir()
    storage.recover(data_dir)
    path = storage.table_path(data_dir, storage.HISTORY)
    if not path.is_file():
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    frame = pd.read_parquet(path)
    if measure_id:
        frame = frame[frame["measure_id"] == measure_id]
    return frame.sort_values("superseded_at", ascending=False).reset_index(drop=True)


def batch_history(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every return loaded, newest first, with its ``kind``: figures (:func:`loaded_batches`) and commentary,
    actions and targets (``ledger.BATCHES``; the shipped demo content is part of the build, not a load)."""
    data_dir = Path(data_dir) if data_dir else storage.default_data_dir()
    talk = ledger.read(ledger.BATCHES, data_dir)
    talk = talk[talk["user"] != "build-data"].drop(columns=["rows_rejected"]).assign(rows_revised=0)
    both = pd.concat([loaded_batches(data_dir).assign(kind="figures"), talk], ignore_index=True)
    columns = ["batch_id", "kind", "file", "user", "loaded_at", "rows", "rows_revised", "sha256"]
    return both.sort_values("loaded_at", ascending=False)[columns].reset_index(drop=True)
