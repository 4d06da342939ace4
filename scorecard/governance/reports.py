"""What each role may read — the one place that decides, so no page can reach a live figure by another route.

Officers and admins read the current (draft) evaluation. The public and councillors read only the frozen
snapshot of a published quarter (councillors also of a quarter released to them): the scorecard, the trend
series, the comparator members, the sparklines, the footer and the sources all come from its parts. The one
live comparison they see is deliberate and labelled: a published figure the current data has since revised is
marked "revised since publication", with both values (:func:`publish.with_revisions`).

A period the role may not see is :class:`NotPublished` (the pages say "not published"); a piece the snapshot
does not hold is an empty table (the pages say "not in the published report"); a snapshot or index that
fails its integrity check is :class:`audit.IntegrityError` (the pages say what failed to staff, and
"temporarily unavailable" to the public). Nothing here imports Streamlit: ``ui/data.py`` caches these
results keyed on :func:`data_key` and lays them out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

from scorecard.evaluation import evaluate
from scorecard.governance import access, publish
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import periods, storage

T = TypeVar("T")


class NotPublished(LookupError):
    """The role may not see this period (not released or published to it)."""


def _live(ctx: Context, read: Callable[[], T]) -> T:
    """A read of the current data, all of one data version (run again when a commit overlapped it)."""
    return storage.consistent(ctx.folder, read)


def data_key(folder: Path) -> tuple:
    """What a cached page result depends on: the data version (every build, ingest and publish) and the
    identity of the commit record, the audit log and every kept file (so an edit outside a commit is checked
    again at once)."""
    files = [folder / storage.VERSION, folder / storage.LOG, *(folder / name for name in storage.kept_files(folder))]
    stats = []
    for path in files:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        stats.append((path.name, stat.st_ino, stat.st_mtime_ns, stat.st_size))
    return storage.version(folder), tuple(stats)


def check(folder: Path) -> dict[str, str]:
    """Verify the audit log, the snapshot index and every snapshot file against each other, then every kept
    file against the commit record (:func:`storage.check`: what people wrote, accepted returns);
    :class:`audit.IntegrityError` naming what failed. Returns period → publication state."""
    index = publish.read_index(folder)["periods"]
    for label, entry in index.items():
        for name in entry.get("parts") or {}:
            publish.part_bytes(label, name, folder, entry)
    storage.check(folder)
    return {label: entry["state"] for label, entry in index.items()}


def _newest_first(labels) -> list[str]:
    return sorted(labels, key=lambda label: periods.parse_label(label).seq, reverse=True)


def quarters_for(ctx: Context, role: str) -> list[str]:
    """The reporting quarters ``role`` may choose, newest first: staff the latest eight held plus every
    released or published one (however old); the public every published quarter, members also released."""
    states = publish.states(ctx.folder)
    if access.sees_draft(role):
        quarters = _live(ctx, lambda: evaluate.reporting_quarters(ctx))
        return _newest_first(set(quarters) | set(states))
    return _newest_first(label for label, state in states.items() if access.can_view(role, state))


def embargoed(ctx: Context, role: str, period: str | None) -> bool:
    """True when ``period`` is a quarter held (draft or released) that ``role`` may not see: the pages then
    say "not published" rather than "not found"."""
    if not period or access.sees_draft(role):
        return False
    held = set(evaluate.reporting_quarters(ctx)) | set(publish.states(ctx.folder))
    return period in held and period not in quarters_for(ctx, role)


def _entry(ctx: Context, role: str, period: str | None) -> tuple[str, dict]:
    """The snapshot index entry of a period ``role`` may see (None = the newest it may see)."""
    index = publish.read_index(ctx.folder)["periods"]
    if period is None:
        visible = _newest_first(label for label, entry in index.items() if access.can_view(role, entry["state"]))
        period = next(iter(visible), None)
    entry = index.get(period) if period else None
    if period is None or entry is None or not access.can_view(role, entry["state"]):
        raise NotPublished(period)
    return period, entry


def _gated(ctx: Context, role: str, period: str | None, live: Callable[[], T], frozen: Callable[[str, dict], T]) -> T:
    """The gate, written once: staff read ``live()`` (the current data, one data version); the public and
    members ``frozen(period, entry)`` of a quarter they may see (:class:`NotPublished` otherwise)."""
    if access.sees_draft(role):
        return _live(ctx, live)
    return frozen(*_entry(ctx, role, period))


def scorecard_for(ctx: Context, role: str, period: str | None, group: str | None = None) -> pd.DataFrame:
    """The scorecard ``role`` may see: staff the current evaluation; the public and members the frozen card
    of a published (members: or released) quarter, marked where the current data has since revised it."""

    def frozen(period: str, entry: dict) -> pd.DataFrame:
        current = _live(ctx, lambda: views.scorecard(ctx.at(entry["area"]), period, group))
        return publish.with_revisions(publish.load(period, group, ctx.folder, entry), current)

    return _gated(ctx, role, period, lambda: views.scorecard(ctx, period, group), frozen)


def _own_groups(ctx: Context, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of a per-group frozen table for each measure's own benchmark group."""
    own = pd.Series({m.id: m.benchmark_group for m in ctx.reg.measures})
    return frame[frame["group"] == frame["measure_id"].map(own)]


def series_for(ctx: Context, role: str, period: str | None, group: str | None = None) -> pd.DataFrame:
    """Every measure's trend series (column ``measure_id``) against ``group`` (None = each measure's own),
    up to the quarter: live for staff, frozen for the public and members (empty when not frozen)."""
    groups = {m.id: group or m.benchmark_group for m in ctx.reg.measures}

    def live() -> pd.DataFrame:
        return views.series_table(ctx, groups, period)

    def frozen(period: str, entry: dict) -> pd.DataFrame:
        part = publish.part(period, "series", ctx.folder, entry)
        if part is None:
            return pd.DataFrame(columns=["measure_id", *views.SERIES_COLUMNS])
        return (part[part["group"] == group] if group else _own_groups(ctx, part)).reset_index(drop=True)

    return _gated(ctx, role, period, live, frozen)


def members_for(ctx: Context, role: str, period: str | None, group: str) -> pd.DataFrame:
    """Every measure's comparator-group members (column ``measure_id``) at the period of the council's
    figure for the quarter, best first: live for staff, frozen for the public and members. A measure with
    no figure (or a snapshot without this part) has no rows — never another period's figures."""

    def live() -> pd.DataFrame:
        card = views.scorecard(ctx, period, group)
        held = card[card["period_label"].notna()]
        labels = dict(zip(held["measure_id"], held["period_label"]))
        return views.members_table(ctx, labels, group)

    def frozen(period: str, entry: dict) -> pd.DataFrame:
        part = publish.part(period, "members", ctx.folder, entry)
        if part is None:
            return pd.DataFrame(columns=["measure_id", *views.MEMBER_COLUMNS, "period_label", "group"])
        return part[part["group"] == group].reset_index(drop=True)

    return _gated(ctx, role, period, live, frozen)


def sparklines_for(ctx: Context, role: str, period: str | None) -> dict[str, list[float]]:
    """measure id → the council's last eight figures up to the quarter (from the frozen series for the
    public and members)."""
    return views.sparklines_from(series_for(ctx, role, period))


def footer_for(ctx: Context, role: str, period: str | None) -> dict:
    """The facts of the page footer: how many sources, as of when, and the council's newest figure — of
    the current data for staff, of the published report for the public and members (never a draft period).
    Keys: ``published`` (bool), ``sources``, ``as_of``, ``newest_period``, ``newest_publisher``."""

    def live() -> dict:
        fresh, built = views.freshness(ctx), views.data_as_at(ctx)
        latest = fresh.dropna(subset=["latest_end_area"]).sort_values("latest_end_area").iloc[-1:]
        return {
            "published": False,
            "sources": len(fresh),
            "as_of": built,
            "newest_period": latest["latest_period_area"].iloc[0] if len(latest) else "",
            "newest_publisher": latest["publisher"].iloc[0] if len(latest) else "",
        }

    def frozen(period: str, entry: dict) -> dict:
        sources = views.report_sources(publish.load(period, None, ctx.folder, entry), ctx.reg)
        state = "published" if entry["state"] == access.PUBLISHED else "released"
        return {
            "published": True,
            "sources": len(sources),
            "as_of": str(entry.get(f"{state}_at", ""))[:10],
            "newest_period": sources["newest_period"].iloc[0] if len(sources) else "",
            "newest_publisher": sources["publisher"].iloc[0] if len(sources) else "",
        }

    return _gated(ctx, role, period, live, frozen)


def loads_for(ctx: Context, role: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-source freshness (for the context's council) and every data batch (files, checksums, who loaded
    them): staff only."""
    if not access.sees_draft(role):
        raise NotPublished("the load history is for council staff")
    return _live(ctx, lambda: (views.freshness(ctx), views.batches(ctx)))
