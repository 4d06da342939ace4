"""``python -m scorecard audit-sample``: the Audit team's yearly sample test of KPIs (framework, seed 001,
"Performance Management Structure": the Audit team sample-tests KPIs every year; #26 item 7).

The population is every measure with a figure for the area whose period ends within the financial year; the
sample is drawn from it reproducibly (``random.Random(seed)`` over the measure ids in order), so the same year,
size and seed give the same measures for as long as the data hold the same figures. Each figure gets a lineage
sheet: where it came from (publisher, licence, repository and commit, the file and its sha256 as loaded, and
whether the file held here still has that hash), who loaded it and when, every earlier value it replaced
(``observation_history``), and the QA and sign-off trail (:mod:`scorecard.governance.workflow`).
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from scorecard import register
from scorecard.governance import audit
from scorecard.ingest import load, sources
from scorecard.register import plan
from scorecard.store import db, ledger, periods, storage, text

AUDIT = "audit"
"""The duty that draws the sample (:mod:`scorecard.governance.access`)."""
NO_WORKFLOW = "None recorded: no quarter of the year was submitted, checked by BI or signed off for this measure"
"""The QA and sign-off trail of a measure with no step in :mod:`scorecard.governance.workflow` in the year."""
ILLUSTRATIVE = "illustrative"
"""The status of the demo's made-up figures: never in a sample (there is nothing real to test)."""


def population(ctx: register.Context, year: str) -> pd.DataFrame:
    """The latest figure of each measure of the register for the context's council whose period ends within the
    financial year ``year`` (e.g. ``2025/26``), by measure id, with its batch; illustrative figures (made up for the
    demo) left out."""
    fy = periods.parse_label(year)
    if fy.kind != "financial_year":
        raise ValueError(f"{year!r} is not a financial year: write it as '2025/26'")
    found = (
        db.connect(ctx.folder)
        .execute(
            """
        SELECT * EXCLUDE (rn) FROM (
            SELECT o.*, row_number() OVER (PARTITION BY measure_id ORDER BY period_end DESC) AS rn
            FROM observations o WHERE area_code = ? AND period_end BETWEEN ? AND ? AND status <> ?)
        WHERE rn = 1 ORDER BY measure_id
        """,
            [ctx.area, fy.start, fy.end, ILLUSTRATIVE],
        )
        .df()
    )
    return found[found["measure_id"].isin(plan.titles(ctx.reg, "measure"))].reset_index(drop=True)


def draw(figures: pd.DataFrame, size: int, seed: int) -> pd.DataFrame:
    """``size`` figures of a :func:`population` (all of them when it holds fewer), drawn with ``seed``."""
    if size < 1:
        raise ValueError("the sample size must be at least 1")
    chosen = random.Random(seed).sample(list(figures["measure_id"]), min(size, len(figures)))
    return figures.set_index("measure_id").loc[chosen].reset_index()


def _held(file: str) -> Path | None:
    """The loaded file on this machine: under the public extracts, the project, or the folder above both."""
    extracts = sources.default_sources_dir()
    for root in (extracts, storage.default_data_dir().parent, extracts.parent.parent):
        if (root / file).is_file():
            return root / file
    return None


def _file_check(batch: pd.Series, folder: Path) -> str:
    """Whether the loaded file still has the hash recorded at load — or, for a council return, where its accepted
    rows are kept (the original file is not; the kept copy is under the data folder's integrity check)."""
    if batch["kind"] == load.INGEST_KIND:
        kept = sorted((folder / "accepted").glob(f"*_{batch.name}.parquet"))
        return f"Original not kept; its accepted rows are in {kept[0].relative_to(folder)}" if kept else "Not kept"
    path = _held(batch["file"])
    if path is None:
        return "Not held on this machine: check against the publisher's copy"
    now = storage.sha256(path)
    return "Matches the hash recorded at load" if now == batch["sha256"] else f"Differs: the file now hashes to {now}"


def _loaded(batch: pd.Series, log: list[dict]) -> tuple[str, str]:
    """Who loaded a batch and when: an ingest records both on the batch; a build, in its audit entry."""
    if batch["user"]:
        return batch["user"], str(batch["loaded_at"])
    built = [e for e in log if e.get("action") == "build-data"]
    return (built[-1]["who"], built[-1]["at"]) if built else ("not recorded", "not recorded")


def lineage(
    figure: pd.Series,
    reg: register.Register,
    batches: pd.DataFrame,
    history: pd.DataFrame,
    log: list[dict],
    folder: Path,
    steps: pd.DataFrame,
) -> pd.DataFrame:
    """One figure's lineage sheet: (section, item, detail) rows. ``steps``: the year's workflow steps (every
    version, :data:`scorecard.store.ledger.WORKFLOW`)."""
    measure = reg.measure(figure["measure_id"])
    batch = batches.loc[figure["batch_id"]]
    who, when = _loaded(batch, log)
    rows = [
        ("Measure", "Measure", f"{measure.title} ({measure.id})"),
        ("Measure", "Responsible post", measure.metric_responsibility or "to be confirmed"),
        ("Figure", "Period", figure["period_label"]),
        ("Figure", "Value", "suppressed" if pd.isna(figure["value"]) else f"{figure['value']:g} ({measure.unit})"),
        (
            "Figure",
            "Numerator / denominator",
            "not given" if pd.isna(figure["denominator"]) else f"{figure['numerator']:g} / {figure['denominator']:g}",
        ),
        ("Figure", "Status", figure["status"]),
        ("Source", "Data set", figure["source_id"]),
        ("Source", "Publisher", batch["publisher"]),
        ("Source", "Licence", batch["licence"]),
        ("Source", "Repository and commit", f"{batch['repository']} @ {batch['commit']}".strip(" @")),
        ("Source", "File", batch["file"]),
        ("Source", "sha256 at load", batch["sha256"]),
        ("Source", "File check now", _file_check(batch, folder)),
        ("Load", "Batch", figure["batch_id"]),
        ("Load", "Kind", batch["kind"]),
        ("Load", "Loaded by", who),
        ("Load", "Loaded at", when),
        ("Load", "Rows in the batch", str(batch["rows"])),
    ]
    trail = steps[(steps["item_kind"] == "measure") & (steps["item_id"] == figure["measure_id"])]
    rows += [
        (
            "QA and sign-off",
            f"{r.period}: {r.step.replace('_', ' ')}",
            f"{r.state.replace('_', ' ')}, by {r.who} ({r.duty.replace('_', ' ')}) at {r.at}"
            + (f"; reason: {r.reason}" if r.reason else ""),
        )
        for r in trail.itertuples()
    ] or [("QA and sign-off", "Trail", NO_WORKFLOW)]
    earlier = history[
        (history["measure_id"] == figure["measure_id"])
        & (history["area_code"] == figure["area_code"])
        & (history["period_label"] == figure["period_label"])
    ]
    rows += [
        (
            "Revisions since",
            f"Replaced at {r.superseded_at}",
            f"{'suppressed' if pd.isna(r.value) else f'{r.value:g}'} (batch {r.batch_id}), replaced by batch "
            f"{r.superseded_by}",
        )
        for r in earlier.itertuples()
    ] or [("Revisions since", "Revisions", "None: the figure is as first loaded")]
    return pd.DataFrame(rows, columns=["section", "item", "detail"])


def workbook(
    ctx: register.Context, year: str, size: int, seed: int
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], int]:
    """The sample (one row per figure drawn), a lineage sheet per figure by measure id, and how many real
    figures the population held."""
    figures = population(ctx, year)
    sample = draw(figures, size, seed)
    folder, reg = ctx.folder, ctx.reg
    batches = pd.read_parquet(storage.table_path(folder, "batches")).set_index("batch_id")
    history, log = load.history(folder), audit.entries(folder)
    steps = ledger.read(ledger.WORKFLOW, folder)
    steps = steps[steps["period"].str.startswith(f"{year} Q")]
    sheets = {
        row["measure_id"]: lineage(row, reg, batches, history, log, folder, steps) for _, row in sample.iterrows()
    }
    summary = sample[["measure_id", "period_label", "value", "status", "source_id", "batch_id"]].copy()
    summary.insert(1, "title", [reg.measure(m).title for m in summary["measure_id"]])
    return summary, sheets, len(figures)


def book(ctx: register.Context, year: str, size: int, seed: int) -> tuple[bytes, str, list[str]]:
    """The Audit team's workbook as XLSX bytes — the sample, then a lineage sheet per figure — with its title and
    the measure ids drawn (the command line's ``audit-sample`` and the Returns page's download)."""
    summary, sheets, held = workbook(ctx, year, size, seed)
    title = (
        f"Audit sample of KPIs reported in {year}: {len(summary)} of the {held} real figures, drawn with seed "
        f"{seed} (illustrative figures are never sampled)"
    )
    titles = summary.set_index("measure_id")["title"]
    sheets_in_order = [("Sample", summary, title)] + [
        (f"{n} {measure_id}", sheet, f"Lineage: {titles[measure_id]} ({measure_id})")  # unique when cut to 31
        for n, (measure_id, sheet) in enumerate(sheets.items(), start=1)
    ]
    return text.xlsx_book(sheets_in_order), title, list(summary["measure_id"])
