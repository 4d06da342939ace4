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

from scorecard import SEFTON, register
from scorecard.evaluation import evaluate
from scorecard.governance import access, publish
from scorecard.present import views
from scorecard.store import periods, storage

T = TypeVar("T")


class NotPublished(LookupError):
    """The role may not see this period (not released or published to it)."""


def _folder(data_dir: str | Path | None) -> Path:
    return Path(data_dir or storage.default_data_dir())


def _live(data_dir: str | Path | None, read: Callable[[], T]) -> T:
    """A read of the current data, all of one data version (run again when a commit overlapped it)."""
    return storage.consistent(_folder(data_dir), read)


def data_key(data_dir: str | Path | None = None) -> tuple:
    """What a cached page result depends on: the data version (every build, ingest and publish) and the
    identity of the commit record, the audit log and every kept file (so an edit outside a commit is checked
    again at once)."""
    folder = _folder(data_dir)
    files = [folder / storage.VERSION, folder / storage.LOG, *(folder / name for name in storage.kept_files(folder))]
    stats = []
    for path in files:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        stats.append((path.name, stat.st_ino, stat.st_mtime_ns, stat.st_size))
    return storage.version(folder), tuple(stats)


def check(data_dir: str | Path | None = None) -> dict[str, str]:
    """Verify the audit log, the snapshot index and every snapshot file against each other, then every kept
    file against the commit record (:func:`storage.check`: what people wrote, accepted returns);
    :class:`audit.IntegrityError` naming what failed. Returns period → publication state."""
    index = publish.read_index(data_dir)["periods"]
    for label, entry in index.items():
        for name in entry.get("parts") or {}:
            publish.part_bytes(label, name, data_dir, entry)
    storage.check(_folder(data_dir))
    return {label: entry["state"] for label, entry in index.items()}


def _newest_first(labels) -> list[str]:
    return sorted(labels, key=lambda label: periods.parse_label(label).seq, reverse=True)


def quarters_for(role: str, area: str = SEFTON, data_dir: str | Path | None = None) -> list[str]:
    """The reporting quarters ``role`` may choose, newest first: staff the latest eight held plus every
    released or published one (however old); the public every published quarter, members also released."""
    states = publish.states(data_dir)
    if access.sees_draft(role):
        return _newest_first(set(_live(data_dir, lambda: evaluate.reporting_quarters(area, data_dir))) | set(states))
    return _newest_first(label for label, state in states.items() if access.can_view(role, state))


def embargoed(role: str, period: str | None, area: str = SEFTON, data_dir: str | Path | None = None) -> bool:
    """True when ``period`` is a quarter held (draft or released) that ``role`` may not see: the pages then
    say "not published" rather than "not found"."""
    if not period or access.sees_draft(role):
        return False
    held = set(evaluate.reporting_quarters(area, data_dir)) | set(publish.states(data_dir))
    return period in held and period not in quarters_for(role, area, data_dir)


def _entry(role: str, period: str | None, data_dir: str | Path | None) -> tuple[str, dict]:
    """The snapshot index entry of a period ``role`` may see (None = the newest it may see)."""
    index = publish.read_index(data_dir)["periods"]
    if period is None:
        visible = _newest_first(label for label, entry in index.items() if access.can_view(role, entry["state"]))
        period = next(iter(visible), None)
    entry = index.get(period) if period else None
    if period is None or entry is None or not access.can_view(role, entry["state"]):
        raise NotPublished(period)
    return period, entry


def _gated(
    role: str,
    period: str | None,
    data_dir: str | Path | None,
    live: Callable[[], T],
    frozen: Callable[[str, dict], T],
) -> T:
    """The gate, written once: staff read ``live()`` (the current data, one data version); the public and
    members ``frozen(period, entry)`` of a quarter they may see (:class:`NotPublished` otherwise)."""
    if access.sees_draft(role):
        return _live(data_dir, live)
    return frozen(*_entry(role, period, data_dir))


def scorecard_for(
    role: str,
    period: str | None,
    group: str | None = None,
    area: str = SEFTON,
    data_dir: str | Path | None = None,
    reg: register.Register | None = None,
) -> pd.DataFrame:
    """The scorecard ``role`` may see: staff the current evaluation; the public and members the frozen card
    of a published (members: or released) quarter, marked where the current data has since revised it."""

    def frozen(period: str, entry: dict) -> pd.DataFrame:
        current = _live(data_dir, lambda: views.scorecard(entry["area"], period, group, data_dir, reg))
        return publish.with_revisions(publish.load(period, group, data_dir, entry), current)

    return _gated(role, period, data_dir, lambda: views.scorecard(area, period, group, data_dir, reg), frozen)


def _own_groups(frame: pd.DataFrame, reg: register.Register) -> pd.DataFrame:
    """Rows of a per-group frozen table for each measure's own benchmark group."""
    own = pd.Series({m.id: m.benchmark_group for m in reg.measures})
    return frame[frame["group"] == frame["measure_id"].map(own)]


def series_for(
    role: str,
    period: str | None,
    group: str | None = None,
    area: str = SEFTON,
    data_dir: str | Path | None = None,
    reg: register.Register | None = None,
) -> pd.DataFrame:
    """Every measure's trend series (column ``measure_id``) against ``group`` (None = each measure's own),
    up to the quarter: live for staff, frozen for the public and members (empty when not frozen)."""
    reg = reg or register.load()
    groups = {m.id: group or m.benchmark_group for m in reg.measures}

    def frozen(period: str, entry: dict) -> pd.DataFrame:
        part = publish.part(period, "series", data_dir, entry)
        if part is None:
            return pd.DataFrame(columns=["measure_id", *views.SERIES_COLUMNS])
        return (part[part["group"] == group] if group else _own_groups(part, reg)).reset_index(drop=True)

    return _gated(role, period, data_dir, lambda: views.series_table(groups, area, period, data_dir, reg), frozen)


def members_for(
    role: str,
    period: str | None,
    group: str,
    area: str = SEFTON,
    data_dir: str | Path | None = None,
    reg: register.Register | None = None,
) -> pd.DataFrame:
    """Every measure's comparator-group members (column ``measure_id``) at the period of the council's
    figure for the quarter, best first: live for staff, frozen for the public and members. A measure with
    no figure (or a snapshot without this part) has no rows — never another period's figures."""
    reg = reg or register.load()

    def live() -> pd.DataFrame:
        card = views.scorecard(area=area, period=period, group=group, data_dir=data_dir, reg=reg)
        held = card[card["period_label"].notna()]
        labels = dict(zip(held["measure_id"], held["period_label"]))
        return views.members_table(labels, group, area, data_dir, reg)

    def frozen(period: str, entry: dict) -> pd.DataFrame:
        part = publish.part(period, "members", data_dir, entry)
        if part is None:
            return pd.DataFrame(columns=["measure_id", *views.MEMBER_COLUMNS, "period_label", "group"])
        return part[part["group"] == group].reset_index(drop=True)

    return _gated(role, period, data_dir, live, frozen)


def sparklines_for(
    role: str,
    period: str | None,
    area: str = SEFTON,
    data_dir: str | Path | None = None,
    reg: register.Register | None = None,
) -> dict[str, list[float]]:
    """measure id → the council's last eight figures up to the quarter (from the frozen series for the
    public and members)."""
    return views.sparklines_from(series_for(role, period, None, area, data_dir, reg))


def footer_for(
    role: str,
    period: str | None,
    area: str = SEFTON,
    data_dir: str | Path | None = None,
    reg: register.Register | None = None,
) -> dict:
    """The facts of the page footer: how many sources, as of when, and the council's newest figure — of
    the current data for staff, of the published report for the public and members (never a draft period).
    Keys: ``published`` (bool), ``sources``, ``as_of``, ``newest_period``, ``newest_publisher``."""

    def live() -> dict:
        fresh, built = views.freshness(area, data_dir), views.data_as_at(data_dir)
        latest = fresh.dropna(subset=["latest_end_area"]).sort_values("latest_end_area").iloc[-1:]
        return {
            "published": False,
            "sources": len(fresh),
            "as_of": built,
            "newest_period": latest["latest_period_area"].iloc[0] if len(latest) else "",
            "newest_publisher": latest["publisher"].iloc[0] if len(latest) else "",
        }

    def frozen(period: str, entry: dict) -> dict:
        sources = views.report_sources(publish.load(period, None, data_dir, entry), reg)
        state = "published" if entry["state"] == access.PUBLISHED else "released"
        return {
            "published": True,
            "sources": len(sources),
            "as_of": str(entry.get(f"{state}_at", ""))[:10],
            "newest_period": sources["newest_period"].iloc[0] if len(sources) else "",
            "newest_publisher": sources["publisher"].iloc[0] if len(sources) else "",
        }

    return _gated(role, period, data_dir, live, frozen)


def loads_for(role: str, data_dir: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-source freshness and every data batch (files, checksums, who loaded them): staff only."""
    if not access.sees_draft(role):
        raise NotPublished("the load history is for council staff")
    return _live(data_dir, lambda: (views.freshness(SEFTON, data_dir), views.batches(data_dir)))
