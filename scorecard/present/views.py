"""The read-only queries and shaped tables the app's pages show (never imports streamlit).

Pages render what these functions return and do no arithmetic on figures themselves: every value,
median, position and count they show comes from :mod:`scorecard.evaluation.evaluate` or from here. All SQL values
are bound as parameters.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scorecard import ENGLAND, SEFTON, register
from scorecard.store import db, periods

EXCEPTION_CATEGORIES = {
    "Red against target": "Red / amber against target",
    "Amber against target": "Red / amber against target",
    "Worsening since the previous period": "Worsening",
    "Significantly worse than benchmark and worsening (red-red)": "Red-red (worse than benchmark and worsening)",
    "Missing data": "Missing / stale data",
    "Stale data": "Missing / stale data",
    "Exceeding target": "Exceeding target",
}
"""Exception reason (as written by the engine) → the Strategic Performance Group's heading."""

STATUS_MARKS = {
    "illustrative": "Illustrative",
    "provisional": "Provisional",
    "suppressed": "Suppressed",
    "revised": "Revised",
}
"""Observation status → the badge shown next to a figure ('ok' shows none)."""


def _end_of(period: str | None) -> pd.Timestamp | None:
    return pd.Timestamp(periods.parse_label(period).end) if period else None


def _group_for(measure_id: str, group: str | None, reg: register.Register | None) -> str:
    if group:
        return group
    reg = reg or register.load()
    return reg.measure(measure_id).benchmark_group


def measure_series(
    measure_id: str,
    area: str = SEFTON,
    group: str | None = None,
    period: str | None = None,
    data_dir: str | Path | None = None,
    reg: register.Register | None = None,
) -> pd.DataFrame:
    """Time series for a measure, one row per period (oldest first) up to the reporting ``period``:
    the area's value, status and 95% CI, England's value and the comparator group's median
    (council excluded, as the evaluation does)."""
    frame = series_table({measure_id: _group_for(measure_id, group, reg)}, area, period, data_dir)
    return frame.drop(columns="measure_id")


SERIES_COLUMNS = [
    "period_label",
    "period_kind",
    "period_start",
    "period_end",
    "value",
    "status",
    "lower_ci",
    "upper_ci",
    "numerator",
    "denominator",
    "source_id",
    "batch_id",
    "england_value",
    "england_status",
    "group_median",
    "group_count",
    "group",
]


def series_table(
    groups: dict[str, str], area: str = SEFTON, period: str | None = None, data_dir: str | Path | None = None
) -> pd.DataFrame:
    """:func:`measure_series` of several measures at once (``groups``: measure id → comparator group), with a
    ``measure_id`` column: one query for a published snapshot's every measure × group."""
    if not groups:
        return pd.DataFrame(columns=["measure_id", *SERIES_COLUMNS])
    ids = {f"m{i}": measure_id for i, measure_id in enumerate(groups)}
    group_ids = {f"g{i}": group for i, group in enumerate(groups.values())}
    listed = ", ".join(f"${name}" for name in ids)  # bound values: a constant list the Parquet scan can use
    pairs = ", ".join(f"(${m}, ${g})" for m, g in zip(ids, group_ids))
    con = db.connect(data_dir)
    frame = con.execute(
        f"""
        WITH wanted_series(measure_id, group_id) AS (VALUES {pairs}),
        periods_seen AS (
            SELECT DISTINCT o.measure_id, o.period_label, o.period_kind, o.period_start, o.period_end, o.period_seq
            FROM observations o
            WHERE o.measure_id IN ({listed}) AND o.area_code IN ($a, $e) AND ($end IS NULL OR o.period_end <= $end)
        ),
        med AS (
            SELECT o.measure_id, o.period_label, median(o.value) AS group_median, count(*) AS group_count
            FROM observations o
            JOIN wanted_series w ON w.measure_id = o.measure_id
            JOIN comparator_groups g ON g.member_code = o.area_code AND g.group_id = w.group_id AND g.area_code = $a
            WHERE o.measure_id IN ({listed}) AND o.value IS NOT NULL
            GROUP BY o.measure_id, o.period_label
        )
        SELECT p.measure_id, p.period_label, p.period_kind, p.period_start, p.period_end,
               a.value, a.status, a.lower_ci, a.upper_ci, a.numerator, a.denominator, a.source_id, a.batch_id,
               e.value AS england_value, e.status AS england_status,
               med.group_median, med.group_count, w.group_id AS "group"
        FROM periods_seen p
        JOIN wanted_series w ON w.measure_id = p.measure_id
        LEFT JOIN observations a ON a.measure_id = p.measure_id AND a.area_code = $a AND a.period_label = p.period_label
        LEFT JOIN observations e ON e.measure_id = p.measure_id AND e.area_code = $e AND e.period_label = p.period_label
        LEFT JOIN med ON med.measure_id = p.measure_id AND med.period_label = p.period_label
        ORDER BY p.measure_id, p.period_end, p.period_start
    """,
        {"a": area, "e": ENGLAND, "end": _end_of(period), **ids, **group_ids},
    ).df()
    frame["status"] = frame["status"].fillna("missing")
    return frame.reset_index(drop=True)


MEMBER_COLUMNS = ["area_code", "name", "value", "status", "lower_ci", "upper_ci", "is_area", "position"]


def group_values(
    measure_id: str,
    area: str = SEFTON,
    period_label: str | None = None,
    group: str | None = None,
    data_dir: str | Path | None = None,
    reg: register.Register | None = None,
) -> pd.DataFrame:
    """Every member of the area's comparator group (and the area itself) at one period, best first by the
    measure's polarity (highest first for no-judgement measures); ``is_area`` marks the council. Without
    a ``period_label`` (the area has no figure for the reporting period) there is nothing to compare:
    no rows — never another period's figures."""
    group = _group_for(measure_id, group, reg)
    if not isinstance(period_label, str) or not period_label:
        return pd.DataFrame(columns=[*MEMBER_COLUMNS, "period_label", "group"])
    frame = members_table({measure_id: period_label}, group, area, data_dir, reg)
    return frame.drop(columns="measure_id")


def members_table(
    labels: dict[str, str],
    group: str,
    area: str = SEFTON,
    data_dir: str | Path | None = None,
    reg: register.Register | None = None,
) -> pd.DataFrame:
    """:func:`group_values` of several measures at once (``labels``: measure id → the period of the area's
    figure), with a ``measure_id`` column: one query for a published snapshot's every measure."""
    if not labels:
        return pd.DataFrame(columns=["measure_id", *MEMBER_COLUMNS, "period_label", "group"])
    reg = reg or register.load()
    ids = {f"m{i}": measure_id for i, measure_id in enumerate(labels)}
    periods_of = {f"p{i}": label for i, label in enumerate(labels.values())}
    pairs = ", ".join(f"(${m}, ${p})" for m, p in zip(ids, periods_of))
    con = db.connect(data_dir)
    frame = con.execute(
        f"""
        WITH wanted_members(measure_id, period_label) AS (VALUES {pairs}),
        members AS (
            SELECT member_code AS code FROM comparator_groups WHERE group_id = $g AND area_code = $a
            UNION SELECT $a
        )
        SELECT w.measure_id, m.code AS area_code, ar.name, o.value, coalesce(o.status, 'missing') AS status,
               o.lower_ci, o.upper_ci, m.code = $a AS is_area, w.period_label
        FROM wanted_members w CROSS JOIN members m
        LEFT JOIN areas ar ON ar.code = m.code
        LEFT JOIN observations o
               ON o.measure_id = w.measure_id AND o.area_code = m.code AND o.period_label = w.period_label
    """,
        {"g": group, "a": area, **ids, **periods_of},
    ).df()
    lower_first = {m.id for m in reg.measures if m.polarity == "lower_is_better"}
    frame["_order"] = frame["value"].where(frame["measure_id"].isin(lower_first), -frame["value"])
    frame = frame.sort_values(["measure_id", "_order", "name"], na_position="last", kind="stable")
    frame["position"] = frame.groupby("measure_id").cumcount() + 1
    frame["group"] = group
    columns = ["measure_id", *MEMBER_COLUMNS, "period_label", "group"]
    return frame[columns].reset_index(drop=True)


def sparklines(
    area: str = SEFTON,
    period: str | None = None,
    points: int = 8,
    data_dir: str | Path | None = None,
    reg: register.Register | None = None,
) -> dict[str, list[float]]:
    """measure_id → the area's last ``points`` values (oldest first) up to the reporting period."""
    reg = reg or register.load()
    series = series_table({m.id: m.benchmark_group for m in reg.measures}, area, period, data_dir)
    return sparklines_from(series, points)


def sparklines_from(series: pd.DataFrame, points: int = 8) -> dict[str, list[float]]:
    """measure_id → the last ``points`` values (oldest first) of a :func:`series_table` (live or frozen)."""
    held = series[series["value"].notna()].sort_values(["measure_id", "period_end"], kind="stable")
    return {
        measure_id: [float(v) for v in part["value"].tail(points)] for measure_id, part in held.groupby("measure_id")
    }


def report_sources(card: pd.DataFrame, reg: register.Register | None = None) -> pd.DataFrame:
    """The data sets a scorecard's figures (live or published) come from, one row each: title, publisher,
    licence, where our copy came from, how many measures, and the newest period among those figures —
    sources and licences, never who loaded what. Newest period first."""
    reg = reg or register.load()
    datasets = {d.id: d for d in reg.datasets}
    held = card[card["value"].notna() & card["source_id"].isin(list(datasets))]
    rows = []
    for source_id, part in held.groupby("source_id"):
        newest = part.sort_values("period_end", kind="stable").iloc[-1]
        dataset = datasets[source_id]
        rows.append(
            {
                "source": dataset.title,
                "publisher": dataset.publisher,
                "licence": dataset.licence,
                "repository": dataset.repository,
                "measures": int(part["measure_id"].nunique()),
                "newest_period": newest["period_label"],
                "newest_end": newest["period_end"],
            }
        )
    columns = ["source", "publisher", "licence", "repository", "measures", "newest_period", "newest_end"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["newest_end", "source"], ascending=[False, True], kind="stable").reset_index(drop=True)


def theme_measures(theme_id: str, reg: register.Register | None = None) -> list[str]:
    """Ids of every measure in a theme (a measure may sit in two themes), in register order."""
    reg = reg or register.load()
    return [m.id for m in reg.measures if theme_id in m.themes]


def theme_summary(card: pd.DataFrame, reg: register.Register | None = None) -> pd.DataFrame:
    """Per theme: how many measures, how many in each RAG status, improving / worsening, exceptions."""
    reg = reg or register.load()
    rows = []
    for theme in reg.themes:
        part = card[card["measure_id"].isin(theme_measures(theme.id, reg))]
        rags = part["rag"].value_counts()
        directions = part["direction"].value_counts()
        rows.append(
            {
                "theme": theme.id,
                "title": theme.title,
                "responsibility": theme.responsibility,
                "measures": len(part),
                **{
                    f"rag_{code}": int(rags.get(code, 0))
                    for code in ("green", "amber", "red", "no_target", "not_rated", "missing", "suppressed", "stale")
                },
                "improving": int(directions.get("improving", 0)),
                "worsening": int(directions.get("worsening", 0)),
                "no_change": int(directions.get("no_change", 0)),
                "exceptions": int(sum(len(r) > 0 for r in part["exception_reasons"])),
                "illustrative": int((part["status"] == "illustrative").sum()),
            }
        )
    return pd.DataFrame(rows)


def exceptions(card: pd.DataFrame) -> pd.DataFrame:
    """One row per measure × exception reason, with the Strategic Performance Group heading and owner."""
    rows = []
    for record in card.to_dict("records"):
        for reason in list(record["exception_reasons"]):
            rows.append(
                {
                    **{
                        k: record[k]
                        for k in (
                            "measure_id",
                            "title",
                            "theme",
                            "themes",
                            "info_type",
                            "value",
                            "unit",
                            "decimals",
                            "period_label",
                            "status",
                            "data_match",
                            "target",
                            "rag",
                            "direction",
                            "significance",
                            "metric_responsibility",
                            "summary",
                        )
                    },
                    "reason": reason,
                    "category": EXCEPTION_CATEGORIES.get(reason, reason),
                }
            )
    columns = [
        "measure_id",
        "title",
        "theme",
        "themes",
        "info_type",
        "value",
        "unit",
        "decimals",
        "period_label",
        "status",
        "data_match",
        "target",
        "rag",
        "direction",
        "significance",
        "metric_responsibility",
        "summary",
        "reason",
        "category",
    ]
    return pd.DataFrame(rows, columns=columns)


def spine(card: pd.DataFrame) -> pd.DataFrame:
    """Where the area stands on each ranked measure, as a position from 0 (worst in the group) to 1 (best),
    from its rank among the group members with a value. Only measures with a polarity and a rank."""
    part = card[card["rank"].notna() & (card["group_size"] > 1) & (card["polarity"] != "no_judgement")].copy()
    part["position"] = (part["group_size"] - part["rank"]) / (part["group_size"] - 1)
    return part[
        [
            "measure_id",
            "title",
            "theme",
            "value",
            "unit",
            "decimals",
            "period_label",
            "rank",
            "group_size",
            "quartile",
            "significance",
            "benchmark_median",
            "benchmark_min",
            "benchmark_max",
            "status",
            "benchmark_group_name",
            "position",
        ]
    ].reset_index(drop=True)


def register_table(reg: register.Register | None = None) -> pd.DataFrame:
    """The KPI register, one row per measure, for the BI team."""
    reg = reg or register.load()
    rows = []
    for m in reg.measures:
        dataset = reg.dataset(m.source.dataset) if m.source.dataset else None
        rows.append(
            {
                "measure_id": m.id,
                "title": m.title,
                "themes": ", ".join(reg.theme(t).title for t in m.themes),
                "info_type": m.info_type,
                "polarity": m.polarity,
                "unit": m.unit,
                "decimals": m.decimals,
                "frequency": m.frequency,
                "data_match": m.source.match,
                "proxy_for": m.source.proxy_for,
                "dataset": dataset.title if dataset else "",
                "publisher": dataset.publisher if dataset else "",
                "licence": dataset.licence if dataset else "",
                "returns": m.source.returns,
                "benchmark_group": m.benchmark_group,
                "comparator_groups": ", ".join(m.comparator_groups),
                "target_basis": m.target.basis if m.target else "",
                "target_value": m.target.value if m.target else None,
                "target_tolerance": m.target.tolerance if m.target else None,
                "target_illustrative": m.target.illustrative if m.target else None,
                "theme_responsibility": m.theme_responsibility,
                "metric_responsibility": m.metric_responsibility,
                "definition": m.definition,
                "what_good_looks_like": m.what_good_looks_like,
                "caveats": " ".join(m.caveats),
            }
        )
    return pd.DataFrame(rows)


def batches(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every data load (batch): file, sha256, rows accepted and suppressed, publisher, licence, lineage."""
    con = db.connect(data_dir)
    return con.execute("SELECT * FROM batches ORDER BY source_id, file").df()


def freshness(area: str = SEFTON, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Per source: the latest period it holds for the area (and overall), how many measures it feeds,
    its batches (ids, files, sha256) and when the source was last modified."""
    con = db.connect(data_dir)
    return con.execute(
        """
        WITH obs AS (
            SELECT source_id,
                   arg_max(period_label, period_end) FILTER (WHERE area_code = $a) AS latest_period_area,
                   max(period_end) FILTER (WHERE area_code = $a) AS latest_end_area,
                   arg_max(period_label, period_end) AS latest_period_any,
                   count(DISTINCT measure_id) AS measures, count(*) AS observations
            FROM observations GROUP BY source_id
        ),
        b AS (
            SELECT source_id, any_value(publisher) AS publisher, any_value(licence) AS licence,
                   string_agg(DISTINCT repository, ', ') AS repository,
                   string_agg(batch_id, ', ' ORDER BY file) AS batch_ids,
                   string_agg(file, ', ' ORDER BY file) AS files,
                   string_agg(sha256, ', ' ORDER BY file) AS sha256,
                   sum(rows) AS rows, sum(rows_suppressed) AS rows_suppressed,
                   max(source_modified) AS source_modified
            FROM batches GROUP BY source_id
        )
        SELECT b.source_id, b.publisher, b.licence, obs.latest_period_area, obs.latest_end_area,
               obs.latest_period_any, obs.measures, obs.observations, b.rows, b.rows_suppressed,
               b.batch_ids, b.files, b.sha256, b.repository, b.source_modified
        FROM b LEFT JOIN obs USING (source_id)
        ORDER BY b.source_id
    """,
        {"a": area},
    ).df()


def data_built(data_dir: str | Path | None = None) -> str:
    """When the newest source was modified (for the footer's 'data as of')."""
    con = db.connect(data_dir)
    (latest,) = con.execute("SELECT max(source_modified) FROM batches").fetchone()
    return str(latest or "")


def search(card: pd.DataFrame, words: str = "", reg: register.Register | None = None) -> pd.DataFrame:
    """Rows of the scorecard whose title, scorecard text or definition contain every word (case-insensitive)."""
    reg = reg or register.load()
    terms = [w for w in words.lower().split() if w]
    if not terms:
        return card
    texts = {
        m.id: " ".join([m.id, m.title, m.scorecard_text, m.definition, m.what_good_looks_like]).lower()
        for m in reg.measures
    }
    keep = [all(t in texts.get(mid, "") for t in terms) for mid in card["measure_id"]]
    return card[keep]


def filter_rows(frame: pd.DataFrame, reg: register.Register, themes=(), **chosen) -> pd.DataFrame:
    """Rows in any of ``themes`` whose columns take one of the chosen values (an empty choice keeps all):
    ``filter_rows(card, reg, ["communities"], rag=["red", "amber"])``."""
    if themes:
        frame = frame[frame["measure_id"].isin({mid for t in themes for mid in theme_measures(t, reg)})]
    for column, values in chosen.items():
        if values:
            frame = frame[frame[column].isin(values)]
    return frame
