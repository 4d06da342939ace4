"""Publishing a reporting quarter: freeze what the public will read in an immutable, content-addressed snapshot.

``python -m scorecard publish --period "2025/26 Q4" [--release-to-members]``

* A snapshot is a set of frozen **parts** (:data:`PARTS`), each a Parquet file
  ``data/snapshots/<period>-<part>-<sha256>.parquet`` — the sha256 of the file's bytes is in its name —
  written once, read-only, never rewritten (an identical freeze reuses the same file): the evaluated
  ``card`` against every comparator group, every measure's ``series`` (the trend chart, per group), the
  comparator ``members`` (benchmark bars), and the quarter's ``commentary`` — the conversation: commentary
  written by people, action updates and the targets in force (:func:`scorecard.present.conversation.for_quarter`).
  A new part is one function added to :data:`PARTS`.
* Publishing takes the data folder's writer lock (the one ingest and build take), so everything it freezes
  is read from one data version, recorded in the snapshot (``data_version``); the snapshot files, the index
  and the audit entry are written by one journalled commit.
* ``data/snapshots/index.json`` maps period → state (``released_to_members`` | ``published``), the parts and
  their history. Publishing a quarter the audit log says was published is refused — even if the index has
  been deleted: the figures a CPOR showed stay reproducible whatever happens to the data later.
* Reading checks everything against the hash-chained audit log (:mod:`scorecard.governance.audit`): the
  index must agree with the log's record of every publication, and each part's bytes with its hash.
  Anything else is a :class:`SnapshotError` (an integrity failure), never forged or live figures.
* :func:`revisions` compares a snapshot with the current evaluation: the pages show "revised since
  publication" with both values, never silently replacing the published one.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scorecard import register
from scorecard.evaluation import evaluate
from scorecard.governance import access, audit, withhold
from scorecard.present import conversation, views
from scorecard.store import ledger, periods, storage
from scorecard.store.geography import GROUP_LABELS

FOLDER = "snapshots"
INDEX = "index.json"
OWN_GROUP = ""
"""``snapshot_group`` of the card rows evaluated against each measure's own benchmark group (``group=None``)."""
SNAPSHOT_NAME = re.compile(r"^(\d{4}-\d{2}_Q[1-4])-([a-z_]+)-([0-9a-f]{64})\.parquet$")


class PublishError(ValueError):
    """A publish / release that is not allowed (unknown period, already published...)."""


class SnapshotError(audit.IntegrityError):
    """A snapshot or its index that is missing, or fails its integrity check."""


def folder(data_dir: str | Path | None = None) -> Path:
    return Path(data_dir or storage.default_data_dir()) / FOLDER


def quarter_label(period: str) -> str:
    """The canonical label of a reporting quarter, or PublishError."""
    try:
        parsed = periods.parse_label(period)
    except ValueError as err:
        raise PublishError(str(err)) from None
    if parsed.kind != "quarter" or parsed.label != period:
        raise PublishError(f"{period!r} is not a reporting quarter label such as '2025/26 Q4'")
    return parsed.label


def _slug(label: str) -> str:
    return label.replace("/", "-").replace(" ", "_")


# ---- the parts of a snapshot -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Freezing:
    """What every part is frozen from: one quarter of one context (a council, one data version under the writer
    lock)."""

    period: str
    ctx: register.Context


def freeze_card(f: Freezing, parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The evaluated scorecard at the quarter against every comparator group (``snapshot_group``), without
    anything illustrative (:func:`scorecard.governance.withhold.card`)."""
    frames = []
    for group in (None, *GROUP_LABELS):
        frame = views.scorecard(f.ctx, f.period, group)
        frame.insert(0, "snapshot_group", group or OWN_GROUP)
        frames.append(frame)
    card = withhold.card(pd.concat(frames, ignore_index=True), f.ctx.reg)
    card["neutral_band"] = pd.to_numeric(card["neutral_band"], errors="coerce")
    return card


def freeze_series(f: Freezing, parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every measure's time series up to the quarter against every comparator group (column ``group``), as
    the measure page charts it, so a published trend chart is reproducible for any group."""
    return withhold.rows(
        pd.concat(
            [views.series_table(f.ctx, {m.id: g for m in f.ctx.reg.measures}, f.period) for g in GROUP_LABELS],
            ignore_index=True,
        )
    )


def freeze_members(f: Freezing, parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every comparator group's members at the period of each measure's published figure (benchmark bars
    and their CSV). A measure without a figure has no rows: nothing to compare."""
    card = parts["card"]
    own = card[(card["snapshot_group"] == OWN_GROUP) & card["period_label"].notna()]
    labels = dict(zip(own["measure_id"], own["period_label"]))
    return withhold.rows(
        pd.concat(
            [views.members_table(f.ctx, labels, group) for group in GROUP_LABELS],
            ignore_index=True,
        )
    )


def freeze_commentary(f: Freezing, parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The quarter's conversation: commentary written by people, action updates and the targets in force
    (auto-drafted text is never frozen as the service's narrative; illustrative text never)."""
    return withhold.rows(conversation.for_quarter(f.period, f.ctx.folder))


def freeze_recommendations(f: Freezing, parts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Overview and Scrutiny's recommendations raised at or before the quarter, with the responses they had when it
    was published (:mod:`scorecard.governance.recommendations`): who answered by post, never a person's name or
    address (who raised and who answered stay in the audit log)."""
    return conversation.recommendations(f.period, f.ctx.folder).drop(columns=["raised_by", "responded_by"])


PARTS: dict[str, Callable[[Freezing, dict[str, pd.DataFrame]], pd.DataFrame | None]] = {
    "card": freeze_card,
    "series": freeze_series,
    "members": freeze_members,
    "commentary": freeze_commentary,
    "recommendations": freeze_recommendations,
}
"""Each part's name → the function that freezes it (given the parts frozen before it; None = nothing to
freeze). Adding frozen data (targets, annual actions...) is one more entry here."""


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow", compression="zstd")
    return buffer.getvalue()


# ---- the index, checked against the audit log ------------------------------------------------------------


def _check(index_bytes: bytes | None, log: bytes, head: str | None) -> dict:
    """The index, after checking that it agrees with the audit log's record of every publication."""
    done = audit.publications(audit.verified(log, head))
    where = f"{FOLDER}/{INDEX}"
    if index_bytes is None:
        if done:
            raise SnapshotError(
                f"the snapshot index ({where}) is missing, but the audit log records the release or "
                f"publication of {', '.join(sorted(done))}"
            )
        return {"periods": {}}
    try:
        index = json.loads(index_bytes)
        if not isinstance(index, dict) or not isinstance(index.get("periods"), dict):
            raise ValueError("no 'periods' mapping")
    except ValueError as err:
        raise SnapshotError(f"the snapshot index ({where}) is unreadable: {err}") from None
    listed = index["periods"]
    for label, logged in sorted(done.items()):
        entry = listed.get(label)
        recorded = logged["detail"]
        if not isinstance(entry, dict):
            raise SnapshotError(
                f"{label} is missing from the snapshot index, but the audit log records its {logged['action']} "
                f"on {logged['at']} by {logged['who']}"
            )
        hashes = {name: part.get("sha256") for name, part in (entry.get("parts") or {}).items()}
        if entry.get("state") != recorded.get("state") or hashes != recorded.get("parts"):
            raise SnapshotError(
                f"the snapshot index entry for {label} differs from the audit log's record of its "
                f"{logged['action']} on {logged['at']} (its state or snapshot hashes were changed)"
            )
    unrecorded = sorted(set(listed) - set(done))
    if unrecorded:
        raise SnapshotError(
            f"the snapshot index lists {', '.join(map(str, unrecorded))}, which the audit log never recorded "
            "as released or published"
        )
    return index


def read_index(data_dir: str | Path | None = None) -> dict:
    """``{"periods": {label: entry}}``, checked against the audit log (:class:`SnapshotError` or
    :class:`audit.IntegrityError` when they disagree). Index and log are read as one data version."""
    data_dir = Path(data_dir or storage.default_data_dir())
    path = folder(data_dir) / INDEX

    def read() -> tuple[bytes | None, bytes, str | None]:
        index_bytes = path.read_bytes() if path.is_file() else None
        return (index_bytes, *storage.read_log(data_dir))

    return _check(*storage.consistent(data_dir, read))


def states(data_dir: str | Path | None = None) -> dict[str, str]:
    """period label → ``released_to_members`` | ``published`` (unlisted periods are draft)."""
    return {label: entry["state"] for label, entry in read_index(data_dir)["periods"].items()}


def reported_years(data_dir: str | Path | None = None) -> frozenset[str]:
    """Financial years with a quarter released to members or published: their targets are what was reported."""
    return frozenset(periods.financial_year(periods.parse_label(label).seq // 4).label for label in states(data_dir))


def state(period: str, data_dir: str | Path | None = None) -> str:
    return states(data_dir).get(period, access.DRAFT)


# ---- freezing --------------------------------------------------------------------------------------------


def publish(ctx: register.Context, period: str, who: str | None = None, release_to_members: bool = False) -> dict:
    """Freeze the context's council's ``period`` and mark it ``published`` (or only ``released_to_members``);
    returns its index entry.

    Refuses a quarter the audit log says was published (a re-publish, or a release of a published one)."""
    label = quarter_label(period)
    data_dir, area = ctx.folder, ctx.area
    who = who or os.environ.get("SCORECARD_USER") or os.environ.get("USER") or "unknown"
    target = access.RELEASED if release_to_members else access.PUBLISHED
    action = audit.RELEASE if release_to_members else audit.PUBLISH
    with storage.locked(data_dir):
        storage.recover(data_dir, sweep=True)
        index = read_index(data_dir)
        done = audit.publications(audit.entries(data_dir)).get(label)
        if done and done["detail"].get("state") == access.PUBLISHED:
            raise PublishError(
                f"{label} was published on {done['at']} by {done['who']}; "
                "published figures are frozen and cannot be re-published"
            )
        if label not in evaluate.reporting_quarters(ctx, count=40):
            raise PublishError(f"no data for {label}: choose one of the reporting quarters held")
        version = ctx.version
        freezing = Freezing(label, ctx)
        frozen: dict[str, pd.DataFrame] = {}
        for name, freeze in PARTS.items():
            frame = freeze(freezing, frozen)
            if frame is not None:
                frozen[name] = frame
        files, parts = {}, {}
        for name, frame in frozen.items():
            payload = _parquet_bytes(frame)
            digest = storage.sha256(payload)
            file = f"{_slug(label)}-{name}-{digest}.parquet"
            files[f"{FOLDER}/{file}"] = payload
            parts[name] = {"file": file, "sha256": digest, "rows": len(frame)}
        hashes = {name: part["sha256"] for name, part in parts.items()}
        now = storage.now()
        entry = dict(index["periods"].get(label) or {"period": label, "area": area, "history": []})
        entry.update({"state": target, "data_version": version, "parts": parts})
        prefix = "released" if release_to_members else "published"
        entry[f"{prefix}_at"], entry[f"{prefix}_by"] = now, who
        entry["history"] = [
            *entry.get("history", []),
            {"state": target, "at": now, "by": who, "data_version": version, "parts": hashes},
        ]
        index["periods"][label] = entry
        snapshots = list(files)
        files[f"{FOLDER}/{INDEX}"] = json.dumps(index, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")
        detail = {
            "period": label,
            "state": target,
            "data_version": version,
            "parts": hashes,
            "measures": int(frozen["card"]["measure_id"].nunique()),
        }
        storage.write_tables(
            data_dir,
            {ledger.REPORTED: _reported(data_dir, label, area, target, frozen["card"])},
            files=files,
            frozen=snapshots,
            schemas={ledger.REPORTED: ledger.SCHEMAS[ledger.REPORTED]},
            log=[{"who": who, "action": action, "detail": detail}],
        )
    return entry


def _reported(data_dir: Path, label: str, area: str, state: str, card: pd.DataFrame) -> pd.DataFrame:
    """The reported-RAG table with the quarter's frozen RAGs added (its own comparator group's rows): what
    :func:`scorecard.evaluation.evaluate.previous_release` reads as the RAG reported then."""
    own = card[card["snapshot_group"] == OWN_GROUP]
    rows = [
        {"period": label, "area_code": area, "measure_id": m, "rag": str(r), "state": state}
        | {"period_label": None if pd.isna(p) else str(p)}
        for m, r, p in zip(own["measure_id"], own["rag"], own["period_label"])
    ]
    return ledger.appended(ledger.REPORTED, ledger.read(ledger.REPORTED, data_dir), rows)


# ---- reading ---------------------------------------------------------------------------------------------


def part(period: str, name: str, data_dir: str | Path | None = None, entry: dict | None = None) -> pd.DataFrame | None:
    """One frozen part of a released or published quarter (hash-checked), or None when the snapshot has no
    such part. :class:`SnapshotError` when the quarter has no snapshot or a file is missing or altered."""
    payload = part_bytes(period, name, data_dir, entry)
    return None if payload is None else pd.read_parquet(io.BytesIO(payload))


def part_bytes(period: str, name: str, data_dir: str | Path | None = None, entry: dict | None = None) -> bytes | None:
    """The bytes of one frozen part, checked against the hash the index (and so the audit log) records."""
    data_dir = Path(data_dir or storage.default_data_dir())
    entry = entry or read_index(data_dir)["periods"].get(period)
    if not entry:
        raise SnapshotError(f"{period} has not been released or published")
    info = (entry.get("parts") or {}).get(name)
    if info is None:
        return None
    file, digest = str(info.get("file")), str(info.get("sha256"))
    found = SNAPSHOT_NAME.fullmatch(file)
    if not found or found.groups() != (_slug(period), name, digest):
        raise SnapshotError(f"the snapshot index entry {file!r} for the {name} of {period} is not valid")
    try:
        payload = (folder(data_dir) / file).read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"the published {name} of {period} is missing ({FOLDER}/{file})") from None
    if storage.sha256(payload) != digest:
        raise SnapshotError(
            f"the published {name} of {period} fails its integrity check: {FOLDER}/{file} is not the file "
            "that was published (sha256 differs)"
        )
    return payload


def load(
    period: str, group: str | None = None, data_dir: str | Path | None = None, entry: dict | None = None
) -> pd.DataFrame:
    """The frozen scorecard of a released or published quarter (one row per measure) for a comparator
    group (None = each measure's own benchmark group). SnapshotError when there is none."""
    card = part(period, "card", data_dir, entry)
    if card is None:
        raise SnapshotError(f"the snapshot of {period} has no scorecard")
    return card_for_group(card, group)


def card_for_group(card: pd.DataFrame, group: str | None) -> pd.DataFrame:
    """The rows of a frozen card for one comparator group (None = each measure's own)."""
    out = card[card["snapshot_group"] == (group or OWN_GROUP)].drop(columns="snapshot_group")
    out = out.assign(exception_reasons=out["exception_reasons"].map(list))
    return out.reset_index(drop=True)


def conversation_frame(
    period: str, data_dir: str | Path | None = None, entry: dict | None = None
) -> pd.DataFrame | None:
    """The conversation frozen with a released or published quarter (hash-checked), or None. ``entry``: the
    quarter's index entry when the caller has already read (and so checked) the index."""
    entry = entry or read_index(data_dir)["periods"].get(period)
    return None if entry is None else part(period, "commentary", data_dir, entry)


def revisions(published: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Measures whose figure differs now from the published snapshot: both values, both periods. An
    illustrative current figure is never a revision (it was withheld, and stays so)."""
    cols = ["measure_id", "value", "period_label", "status"]
    both = published[cols + ["title"]].merge(
        current[cols], on="measure_id", how="left", suffixes=("_published", "_current")
    )
    changed = ~(
        ((both["value_published"] - both["value_current"]).abs() <= 1e-9)
        | (both["value_published"].isna() & both["value_current"].isna())
    )
    changed |= both["period_label_published"].fillna("") != both["period_label_current"].fillna("")
    changed &= both["status_current"].ne("illustrative")
    return (
        both[changed]
        .rename(
            columns={
                "value_published": "published_value",
                "value_current": "current_value",
                "period_label_published": "published_period",
                "period_label_current": "current_period",
                "status_published": "published_status",
                "status_current": "current_status",
            }
        )
        .reset_index(drop=True)
    )


def with_revisions(published: pd.DataFrame, current: pd.DataFrame | None) -> pd.DataFrame:
    """The published card plus ``revised_since_publication``, ``current_value`` and ``current_period``."""
    card = published.copy()
    card["revised_since_publication"] = False
    card["current_value"] = float("nan")
    card["current_period"] = None
    if current is None or current.empty:
        return card
    changed = revisions(published, current).set_index("measure_id")
    card["revised_since_publication"] = card["measure_id"].isin(changed.index)
    card["current_value"] = pd.to_numeric(card["measure_id"].map(changed["current_value"]), errors="coerce")
    card["current_period"] = card["measure_id"].map(changed["current_period"])
    return card
