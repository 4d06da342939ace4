"""Publishing a reporting quarter: freeze the evaluated scorecard in an immutable, content-addressed snapshot.

``python -m scorecard publish --period "2025/26 Q4" [--release-to-members]``

* The snapshot holds Sefton's evaluated scorecard for the quarter with every comparator group (one row per
  measure × group; ``snapshot_group`` "" is each measure's own benchmark group) and, when a ``commentary``
  table exists, the *approved* commentary for the quarter.
* It is written once to ``data/snapshots/<period>-<sha256>.parquet`` — the sha256 of the file's bytes is in
  its name — and never rewritten (an identical freeze reuses the same file; a different one gets a new name).
* ``data/snapshots/index.json`` maps period → state (``released_to_members`` | ``published``), the current
  snapshot and its history (who, when). Publishing an already-published quarter is refused: the figures a
  CPOR showed stay reproducible whatever happens to the data later.
* Reading a snapshot checks its hash; a tampered file is refused (:class:`SnapshotError`).
* :func:`revisions` compares a snapshot with the current evaluation: the pages show "revised since
  publication" with both values, never silently replacing the published one.
* Every publish / release is written to the audit log (:mod:`scorecard.governance.audit`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from scorecard import SEFTON, register
from scorecard.evaluation import evaluate
from scorecard.governance import access, audit
from scorecard.present import views
from scorecard.store import periods, storage
from scorecard.store.geography import GROUP_LABELS

FOLDER = "snapshots"
INDEX = "index.json"
OWN_GROUP = ""
"""``snapshot_group`` of the rows evaluated against each measure's own benchmark group (``group=None``)."""
SNAPSHOT_NAME = re.compile(r"^(\d{4}-\d{2}_Q[1-4])-(card|series|commentary)-([0-9a-f]{64})\.parquet$")


class PublishError(ValueError):
    """A publish / release that is not allowed (unknown period, already published...)."""


class SnapshotError(RuntimeError):
    """A snapshot that is missing or fails its integrity check."""


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


# ---- index -----------------------------------------------------------------------------------------------


def read_index(data_dir: str | Path | None = None) -> dict:
    """``{"periods": {label: entry}}`` (empty when nothing has been released or published)."""
    path = folder(data_dir) / INDEX
    if not path.is_file():
        return {"periods": {}}
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise SnapshotError(f"{path} is unreadable: {err}") from None
    index.setdefault("periods", {})
    return index


def states(data_dir: str | Path | None = None) -> dict[str, str]:
    """period label → ``released_to_members`` | ``published`` (unlisted periods are draft)."""
    return {label: entry["state"] for label, entry in read_index(data_dir)["periods"].items()}


def state(period: str, data_dir: str | Path | None = None) -> str:
    return states(data_dir).get(period, access.DRAFT)


def _write_index(data_dir: Path | str | None, index: dict) -> None:
    path = folder(data_dir) / INDEX
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(index, handle, indent=2, sort_keys=True, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


@contextlib.contextmanager
def _locked(data_dir: str | Path | None):
    path = folder(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    with open(path / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# ---- freezing --------------------------------------------------------------------------------------------


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow", compression="zstd")
    return buffer.getvalue()


def freeze_card(
    period: str, area: str = SEFTON, data_dir: str | Path | None = None, reg: register.Register | None = None
) -> pd.DataFrame:
    """The evaluated scorecard at ``period`` against every comparator group, as stored in a snapshot."""
    reg = reg or register.load()
    parts = []
    for group in (None, *GROUP_LABELS):
        frame = views.scorecard(area=area, period=period, group=group, data_dir=data_dir, reg=reg)
        frame.insert(0, "snapshot_group", group or OWN_GROUP)
        parts.append(frame)
    card = pd.concat(parts, ignore_index=True)
    card["exception_reasons"] = card["exception_reasons"].map(lambda r: [str(x) for x in r])
    card["neutral_band"] = pd.to_numeric(card["neutral_band"], errors="coerce")
    return card


def freeze_series(
    period: str, area: str = SEFTON, data_dir: str | Path | None = None, reg: register.Register | None = None
) -> pd.DataFrame:
    """Every measure's time series up to ``period`` as the measure page charts it (against the measure's own
    benchmark group), so a published trend chart is reproducible too. Sefton's and England's values do not
    depend on the group; only the group median does (see :func:`series_for_group`)."""
    reg = reg or register.load()
    parts = []
    for m in reg.measures:
        frame = views.measure_series(m.id, area, m.benchmark_group, period, data_dir=data_dir, reg=reg)
        if len(frame):
            frame.insert(0, "measure_id", m.id)
            parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def series_for_group(frozen: pd.DataFrame, live: pd.DataFrame, group: str) -> pd.DataFrame:
    """A frozen series shown against another comparator group: the published periods and Sefton / England
    figures, with that group's median from the current data."""
    if len(frozen) and frozen["group"].iloc[0] == group:
        return frozen
    medians = live[["period_label", "group_median", "group_count"]]
    out = frozen.drop(columns=["group_median", "group_count", "group"]).merge(medians, on="period_label", how="left")
    out["group"] = group
    return out[frozen.columns]


def freeze_commentary(period: str, data_dir: str | Path | None = None) -> pd.DataFrame | None:
    """Approved commentary for the quarter, when a ``commentary`` table exists (drafts are never frozen)."""
    path = storage.table_path(Path(data_dir or storage.default_data_dir()), "commentary")
    if not path.is_file():
        return None
    frame = pd.read_parquet(path)
    if "period" in frame:
        frame = frame[frame["period"].astype(str) == period]
    if "status" in frame:
        frame = frame[frame["status"].astype(str).str.lower() == "approved"]
    return frame.reset_index(drop=True)


def _store(data_dir: str | Path | None, label: str, kind: str, payload: bytes) -> tuple[str, str]:
    """Write ``payload`` once under its content address; returns (file name, sha256)."""
    digest = hashlib.sha256(payload).hexdigest()
    name = f"{_slug(label)}-{kind}-{digest}.parquet"
    final = folder(data_dir) / name
    if final.exists():
        if hashlib.sha256(final.read_bytes()).hexdigest() != digest:
            raise SnapshotError(f"{final} exists but does not match its sha256: refusing to touch it")
        return name, digest
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".snap-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o444)
        os.link(tmp, final)  # fails if the name exists: never overwrites
    finally:
        os.unlink(tmp)
    return name, digest


def publish(
    period: str,
    who: str | None = None,
    release_to_members: bool = False,
    area: str = SEFTON,
    data_dir: str | Path | None = None,
    reg: register.Register | None = None,
) -> dict:
    """Freeze ``period`` and mark it ``published`` (or only ``released_to_members``); returns its index entry.

    Refuses an already-published quarter and a release of a published one."""
    label = quarter_label(period)
    who = who or os.environ.get("SCORECARD_USER") or os.environ.get("USER") or "unknown"
    if label not in evaluate.reporting_quarters(area, data_dir, count=40):
        raise PublishError(f"no data for {label}: choose one of the reporting quarters held")
    target = access.RELEASED if release_to_members else access.PUBLISHED
    with _locked(data_dir):
        index = read_index(data_dir)
        entry = index["periods"].get(label)
        if entry and entry["state"] == access.PUBLISHED:
            raise PublishError(
                f"{label} was published on {entry['published_at']} by {entry['published_by']}; "
                "published figures are frozen and cannot be re-published"
            )
        card = freeze_card(label, area, data_dir, reg)
        name, digest = _store(data_dir, label, "card", _parquet_bytes(card))
        series = _store(data_dir, label, "series", _parquet_bytes(freeze_series(label, area, data_dir, reg)))
        commentary = freeze_commentary(label, data_dir)
        comment = (
            _store(data_dir, label, "commentary", _parquet_bytes(commentary))
            if commentary is not None
            else (None, None)
        )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        entry = dict(entry or {"period": label, "area": area, "history": []})
        entry.update(
            {
                "state": target,
                "snapshot": name,
                "sha256": digest,
                "series_snapshot": series[0],
                "series_sha256": series[1],
                "commentary_snapshot": comment[0],
                "commentary_sha256": comment[1],
            }
        )
        prefix = "released" if release_to_members else "published"
        entry[f"{prefix}_at"], entry[f"{prefix}_by"] = now, who
        entry["history"] = [
            *entry.get("history", []),
            {"state": target, "snapshot": name, "sha256": digest, "at": now, "by": who},
        ]
        index["periods"][label] = entry
        _write_index(data_dir, index)
    audit.record(
        who,
        "release_to_members" if release_to_members else "publish",
        {"period": label, "snapshot": name, "sha256": digest, "measures": int(card["measure_id"].nunique())},
        data_dir=data_dir,
    )
    return entry


# ---- reading ---------------------------------------------------------------------------------------------


def _read_verified(data_dir: str | Path | None, name: str | None, digest: str | None) -> bytes:
    if not name or not SNAPSHOT_NAME.match(name) or not digest or name.rsplit("-", 1)[1][:64] != digest:
        raise SnapshotError(f"the snapshot index entry {name!r} is not valid")
    path = folder(data_dir) / name
    if not path.is_file():
        raise SnapshotError(f"snapshot {name} is missing")
    payload = path.read_bytes()
    if hashlib.sha256(payload).hexdigest() != digest:
        raise SnapshotError(f"snapshot {name} fails its integrity check (sha256 differs)")
    return payload


def load(period: str, group: str | None = None, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The frozen scorecard of a released or published quarter (one row per measure) for a comparator
    group (None = each measure's own benchmark group). SnapshotError when there is none."""
    entry = read_index(data_dir)["periods"].get(period)
    if not entry:
        raise SnapshotError(f"{period} has not been released or published")
    card = pd.read_parquet(io.BytesIO(_read_verified(data_dir, entry["snapshot"], entry["sha256"])))
    card = card[card["snapshot_group"] == (group or OWN_GROUP)].drop(columns="snapshot_group")
    card["exception_reasons"] = card["exception_reasons"].map(list)
    return card.reset_index(drop=True)


def series_frame(period: str, data_dir: str | Path | None = None) -> pd.DataFrame | None:
    """Every frozen series of the quarter (hash-checked), or None."""
    entry = read_index(data_dir)["periods"].get(period) or {}
    if not entry.get("series_snapshot"):
        return None
    return pd.read_parquet(io.BytesIO(_read_verified(data_dir, entry["series_snapshot"], entry["series_sha256"])))


def revisions(published: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Measures whose figure differs now from the published snapshot: both values, both periods."""
    cols = ["measure_id", "value", "period_label", "status"]
    both = published[cols + ["title"]].merge(
        current[cols], on="measure_id", how="left", suffixes=("_published", "_current")
    )
    changed = ~(
        ((both["value_published"] - both["value_current"]).abs() <= 1e-9)
        | (both["value_published"].isna() & both["value_current"].isna())
    )
    changed |= both["period_label_published"].fillna("") != both["period_label_current"].fillna("")
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
