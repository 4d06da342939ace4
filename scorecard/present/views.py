"""The read-only queries and shaped tables the app's pages show (never imports streamlit).

Pages render what these functions return and do no arithmetic on figures themselves: every value,
median, position and count they show comes from :mod:`scorecard.evaluation.evaluate` or from here. All SQL values
are bound as parameters.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from scorecard import ENGLAND, register
from scorecard.evaluation import evaluate, finished, forecast
from scorecard.evaluation.judgements import benchmark, direction, polarity, rag
from scorecard.evaluation.judgements import exceptions as exception_rules
from scorecard.present import wording
from scorecard.register import Context, releases
from scorecard.register.definitions import TO_BE_CONFIRMED
from scorecard.store import db, frames, periods
from scorecard.store.geography import group_label


def _group_for(reg: register.Register, measure_id: str, group: str | None) -> str:
    """The comparator group to show: the measure's benchmark group unless one is chosen."""
    return group or reg.measure(measure_id).benchmark_group


def measure_series(ctx: Context, measure_id: str, period: str | None = None, group: str | None = None) -> pd.DataFrame:
    """Time series for a measure, one row per period (oldest first) up to the reporting ``period`` (as released
    by its report, :func:`scorecard.evaluation.evaluate.shown_through`):
    the area's value, status and 95% CI, England's value and the comparator group's median
    (council excluded, as the evaluation does)."""
    frame = series_table(ctx, {measure_id: _group_for(ctx.reg, measure_id, group)}, period)
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


def series_table(ctx: Context, groups: dict[str, str], period: str | None = None) -> pd.DataFrame:
    """:func:`measure_series` of several measures at once (``groups``: measure id → comparator group), with a
    ``measure_id`` column: one query for a published snapshot's every measure × group. A group's median is
    over the members of the measure's tier (:func:`scorecard.store.geography.tier_mismatch`)."""
    if not groups:
        return pd.DataFrame(columns=["measure_id", *SERIES_COLUMNS])
    reg = ctx.reg
    ids = {f"m{i}": measure_id for i, measure_id in enumerate(groups)}
    group_ids = {f"g{i}": group for i, group in enumerate(groups.values())}
    tiers = {f"t{i}": reg.measure(measure_id).source.tier for i, measure_id in enumerate(groups)}
    through = evaluate.shown_through(ctx, period)
    until = {f"u{i}": through[measure_id] if period else None for i, measure_id in enumerate(groups)}
    listed = ", ".join(f"${name}" for name in ids)  # bound values: a constant list the Parquet scan can use
    pairs = ", ".join(f"(${m}, ${g}, ${t}, CAST(${u} AS DATE))" for m, g, t, u in zip(ids, group_ids, tiers, until))
    con = db.connect(ctx.folder)
    frame = con.execute(
        f"""
        WITH wanted_series(measure_id, group_id, tier, until) AS (VALUES {pairs}),
        periods_seen AS (
            SELECT DISTINCT o.measure_id, o.period_label, o.period_kind, o.period_start, o.period_end, o.period_seq
            FROM observations o JOIN wanted_series w ON w.measure_id = o.measure_id
            WHERE o.measure_id IN ({listed}) AND o.area_code IN ($a, $e)
              AND (w.until IS NULL OR o.period_end <= w.until)
        ),
        med AS (
            SELECT o.measure_id, o.period_label, median(o.value) AS group_median, count(*) AS group_count
            FROM observations o
            JOIN wanted_series w ON w.measure_id = o.measure_id
            JOIN comparator_groups g ON g.member_code = o.area_code AND g.group_id = w.group_id AND g.area_code = $a
                                     AND g.tier IN (w.tier, 'both')
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
        {"a": ctx.area, "e": ENGLAND, **ids, **group_ids, **tiers, **until},
    ).df()
    frame["status"] = frame["status"].fillna("missing")
    units = frame["measure_id"].map({m.id: m.unit for m in reg.measures})
    frame.loc[~benchmark.summarised(units), "group_median"] = None  # no median of raw counts
    return frame.reset_index(drop=True)


MEMBER_COLUMNS = [
    "area_code", "name", "value", "status", "lower_ci", "upper_ci", "is_area", "position", "compared_as"
]  # fmt: skip
"""``compared_as``: what the values are per where they are a count's rates (absent from parts frozen before)."""


def group_values(ctx: Context, measure_id: str, period_label: str | None, group: str | None = None) -> pd.DataFrame:
    """Every member of the area's comparator group (and the area itself) at one period, best first by the
    measure's polarity (highest first for no-judgement measures); ``is_area`` marks the council. Without
    a ``period_label`` (the area has no figure for the reporting period) there is nothing to compare:
    no rows — never another period's figures."""
    group = _group_for(ctx.reg, measure_id, group)
    if not isinstance(period_label, str) or not period_label:
        return pd.DataFrame(columns=[*MEMBER_COLUMNS, "period_label", "group"])
    frame = members_table(ctx, {measure_id: period_label}, group)
    return frame.drop(columns="measure_id")


def members_table(ctx: Context, labels: dict[str, str], group: str) -> pd.DataFrame:
    """:func:`group_values` of several measures at once (``labels``: measure id → the period of the area's
    figure), with a ``measure_id`` column: one query for a published snapshot's every measure."""
    if not labels:
        return pd.DataFrame(columns=["measure_id", *MEMBER_COLUMNS, "period_label", "group"])
    reg = ctx.reg
    ids = {f"m{i}": measure_id for i, measure_id in enumerate(labels)}
    periods_of = {f"p{i}": label for i, label in enumerate(labels.values())}
    tiers = {f"t{i}": reg.measure(measure_id).source.tier for i, measure_id in enumerate(labels)}
    pairs = ", ".join(f"(${m}, ${p}, ${t})" for m, p, t in zip(ids, periods_of, tiers))
    con = db.connect(ctx.folder)
    frame = con.execute(
        f"""
        WITH wanted_members(measure_id, period_label, tier) AS (VALUES {pairs}),
        members AS (
            SELECT w.measure_id, w.period_label, g.member_code AS code
            FROM wanted_members w JOIN comparator_groups g
              ON g.group_id = $g AND g.area_code = $a AND g.tier IN (w.tier, 'both')
            UNION SELECT w.measure_id, w.period_label, $a FROM wanted_members w
        )
        SELECT m.measure_id, m.code AS area_code, ar.name, o.value, coalesce(o.status, 'missing') AS status,
               o.lower_ci, o.upper_ci, m.code = $a AS is_area, m.period_label, o.denominator
        FROM members m
        LEFT JOIN areas ar ON ar.code = m.code
        LEFT JOIN observations o
               ON o.measure_id = m.measure_id AND o.area_code = m.code AND o.period_label = m.period_label
    """,
        {"g": group, "a": ctx.area, **ids, **periods_of, **tiers},
    ).df()
    measures = {m.id: m for m in reg.measures}
    good = dict(zip(measures, polarity.good_sign([m.polarity for m in measures.values()])))
    frame["position"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["compared_as"] = pd.Series(None, index=frame.index, dtype=object)
    for measure_id, rows in frame.groupby("measure_id").groups.items():  # ties share the better rank, as the engine's
        rate = measures[measure_id].compare_as_rate
        frame.loc[rows, "compared_as"] = rate.label if rate else None
        if rate:  # a count compared as a rate of its denominator: every council's rate, as the engine ranks it
            scale = benchmark.rate_scale(rate.multiplier, frame.loc[rows, "denominator"])
            frame.loc[rows, ["value", "lower_ci", "upper_ci"]] = frame.loc[rows, ["value", "lower_ci", "upper_ci"]].mul(
                scale, axis=0
            )
        frame.loc[rows, "position"] = benchmark.rank_within(
            frame.loc[rows, "value"], int(good[measure_id]), measures[measure_id].compared[0]
        )
    frame = frame.sort_values(["measure_id", "position", "name"], na_position="last", kind="stable")
    frame["group"] = group
    columns = ["measure_id", *MEMBER_COLUMNS, "period_label", "group"]
    return frame[columns].reset_index(drop=True)


def sparklines(ctx: Context, period: str | None = None, points: int = 8) -> dict[str, list[float]]:
    """measure_id → the area's last ``points`` values (oldest first) up to the reporting period."""
    series = series_table(ctx, {m.id: m.benchmark_group for m in ctx.reg.measures}, period)
    return sparklines_from(series, points)


def sparklines_from(series: pd.DataFrame, points: int = 8) -> dict[str, list[float]]:
    """measure_id → the last ``points`` values (oldest first) of a :func:`series_table` (live or frozen)."""
    held = series[series["value"].notna()].sort_values(["measure_id", "period_end"], kind="stable")
    return {
        measure_id: [float(v) for v in part["value"].tail(points)] for measure_id, part in held.groupby("measure_id")
    }


def report_sources(card: pd.DataFrame, reg: register.Register) -> pd.DataFrame:
    """The data sets a scorecard's figures (live or published) come from, one row each: title, publisher,
    licence, where our copy came from, how many measures, and the newest period among those figures —
    sources and licences, never who loaded what. Newest period first."""
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


def theme_measures(theme_id: str, reg: register.Register) -> list[str]:
    """Ids of every measure in a theme (a measure may sit in two themes), in register order."""
    return [m.id for m in reg.measures if theme_id in m.themes]


def headline_counts(card: pd.DataFrame) -> dict[str, int]:
    """How many measures, in each RAG status (every code of :data:`rag.CODES`, suppressed on its own), in each
    direction of travel, with an exception and with illustrative figures: the one count behind the CPOR
    overview, the theme tiles and the committee pack."""
    rags, directions = card["rag"].value_counts(), card["direction"].value_counts()
    return {
        "measures": len(card),
        **{f"rag_{code}": int(rags.get(code, 0)) for code in rag.CODES},
        **{code: int(directions.get(code, 0)) for code in direction.CODES},
        "exceptions": int(sum(len(reasons) > 0 for reasons in card["exception_reasons"])),
        "illustrative": int((card["status"] == "illustrative").sum()),
    }


def theme_tiles(card: pd.DataFrame, reg: register.Register) -> list[dict]:
    """Per theme, in the plan's order: its :func:`headline_counts`, and the rows the CPOR overview lists under
    it — ``red`` (red or amber against target), in card order."""
    tiles = []
    for t in reg.themes:
        part = filter_rows(card, reg, [t.id])
        tiles.append(
            {"theme": t.id, "title": t.title, "responsibility": t.responsibility}
            | headline_counts(part)
            | {"red": frames.records(filter_rows(part, reg, rag=["red", "amber"]))}
        )
    return tiles


EXCEPTION_COLUMNS = [
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
]


def exceptions(card: pd.DataFrame) -> pd.DataFrame:
    """One row per measure × exception reason: the reason code, the reason as written and the Strategic
    Performance Group heading it falls under, with the measure's figure and owner."""
    part = card[card["exception_reasons"].map(len) > 0]
    frame = part[EXCEPTION_COLUMNS].assign(reason_code=part["exception_reasons"].map(list)).explode("reason_code")
    frame["reason"] = frame["reason_code"].map(wording.exception_text)
    frame["category"] = frame["reason_code"].map(wording.exception_heading)
    return frame.reset_index(drop=True)


def exception_list(card: pd.DataFrame) -> pd.DataFrame:
    """One row per exception measure, by tier (for decision, watch, going well), most severe first within each
    (then in register order): its tier, reason codes, the reasons as written, the heading of its most severe
    reason and a one-line "why this is here". A snapshot frozen before tiers gets them from its reasons."""
    part = card[card["exception_reasons"].map(len) > 0].copy()
    if "exception_tier" not in part:
        part["exception_tier"] = exception_rules.tier(part["exception_reasons"], part["rag"], part.get("deterioration"))
    part["reasons"] = [[wording.exception_text(code) for code in codes] for codes in part["exception_reasons"]]
    part["heading"] = [wording.exception_heading(codes[0]) for codes in part["exception_reasons"]]
    part["why"] = [why(codes) for codes in part["exception_reasons"]]
    order = part["exception_tier"].map(exception_rules.TIERS.index)
    return (
        part.assign(order=order)
        .sort_values(["order", "exception_severity"], kind="stable")
        .drop(columns="order")
        .reset_index(drop=True)
    )


def why(codes: tuple) -> str:
    """ "Why this is here" in one line: the most severe reason that put the measure in its tier, how many more,
    and "no commentary yet" (a chase item, not a reason of its own)."""
    facts = [code for code in codes if code != "no_commentary"] or list(codes)
    more = len(facts) - 1
    text = wording.exception_text(facts[0]) + (f", and {more} more reason{'s' if more > 1 else ''}" if more else "")
    return text + ("; no commentary yet" if "no_commentary" in codes and facts[0] != "no_commentary" else "")


def rule_counts(card: pd.DataFrame, reg: register.Register) -> dict[str, int]:
    """Exception rule code → how many measures it flags: every rule of the register's exception policy, most
    severe first."""
    severity = reg.exception_policy.severity
    flagged = pd.Series([code for codes in card["exception_reasons"] for code in codes], dtype=object)
    counts = flagged.value_counts()
    ordered = sorted(severity, key=lambda code: (severity[code], exception_rules.CODES.index(code)))
    return {code: int(counts.get(code, 0)) for code in ordered}


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


GENERIC_POST = "Service manager for the measure"
"""The register's words for a measure whose responsible post the council's documents do not name."""


def ownership_gaps(reg: register.Register) -> pd.DataFrame:
    """Where the council's documents do not say who owns what (#26 item 1; owners are posts, never people): themes
    and budget service lines whose directorate or Cabinet portfolio is to be confirmed, and measures whose
    responsible post is not named — one row each (``kind``, ``title``, ``gap``)."""
    rows = []
    for kind, items in (("Theme", reg.themes), ("Budget service line", reg.service_lines)):
        for item in items:
            missing = [name for name in ("directorate", "portfolio") if getattr(item, name) == TO_BE_CONFIRMED]
            if missing:
                words = " and ".join("Cabinet portfolio" if name == "portfolio" else name for name in missing)
                rows.append((kind, item.title, f"{words[:1].upper()}{words[1:]} to be confirmed"))
    rows += [
        ("Measure", m.title, "Responsible post not named (recorded as a service manager)")
        for m in reg.measures
        if not m.metric_responsibility or m.metric_responsibility.startswith(GENERIC_POST)
    ]
    return pd.DataFrame(rows, columns=["kind", "title", "gap"])


def register_table(reg: register.Register) -> pd.DataFrame:
    """The KPI register, one row per measure, for the BI team."""
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


def batches(ctx: Context) -> pd.DataFrame:
    """Every data load (batch): file, sha256, rows accepted and suppressed, publisher, licence, lineage."""
    con = db.connect(ctx.folder)
    return con.execute("SELECT * FROM batches ORDER BY source_id, file").df()


def freshness(ctx: Context) -> pd.DataFrame:
    """Per source: the latest period it holds for the area (and overall), how many measures it feeds,
    its batches (ids, files, sha256) and when the source was last modified."""
    con = db.connect(ctx.folder)
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
        {"a": ctx.area},
    ).df()


def data_as_at(ctx: Context) -> date | None:
    """The date of the newest source or load behind the data (the footer's and the packs' "data as at"; never
    the time of viewing or export), else of the latest period held (None when there is no data)."""
    con = db.connect(ctx.folder)
    latest = db.scalar(con, "SELECT max(source_modified) FROM batches")
    if latest:
        return pd.Timestamp(latest).date()
    latest = db.scalar(con, "SELECT max(period_end) FROM observations")
    return pd.Timestamp(latest).date() if latest is not None else None


def search(card: pd.DataFrame, words: str, reg: register.Register) -> pd.DataFrame:
    """Rows of the scorecard whose title, scorecard text or definition contain every word (case-insensitive),
    or one of its synonyms (:func:`scorecard.present.wording.search_alternatives`: GCSE finds KS4)."""
    terms = [wording.search_alternatives(w) for w in words.lower().split() if w]
    if not terms:
        return card
    texts = {
        m.id: " ".join([m.id, m.title, m.scorecard_text, m.definition, m.what_good_looks_like]).lower()
        for m in reg.measures
    }
    keep = [all(any(a in texts.get(mid, "") for a in t) for t in terms) for mid in card["measure_id"]]
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


def release_calendar(ctx: Context, as_of: date | None = None) -> pd.DataFrame:
    """:func:`scorecard.register.releases.calendar` on the latest period each measure holds (any area), with
    a sentence per measure (``expected``): when its next figures are expected, as of ``as_of`` (today)."""
    con = db.connect(ctx.folder)
    latest = con.execute(
        """SELECT measure_id, arg_max(period_kind, period_end), arg_max(period_label, period_end),
                  arg_max(period_start, period_end), max(period_end), arg_max(period_seq, period_end)
           FROM observations WHERE value IS NOT NULL GROUP BY measure_id"""
    ).fetchall()
    held = {
        mid: periods.Period(kind, label, pd.Timestamp(start).date(), pd.Timestamp(end).date(), int(seq))
        for mid, kind, label, start, end, seq in latest
    }
    table = releases.calendar(ctx.reg, held, as_of or date.today())
    table["expected"] = [wording.release_text(row) for row in frames.records(table)]
    return table


def sources_summary(ctx: Context, as_of: date | None = None) -> pd.DataFrame:
    """One row per data set of the register: observation rows held, latest period, next expected release (as
    of ``as_of``, today by default; a compilation's earliest among its measures) and licence."""
    as_of = as_of or date.today()
    con = db.connect(ctx.folder)
    held = {
        source: (rows, periods.Period(kind, label, pd.Timestamp(start).date(), pd.Timestamp(end).date(), int(seq)))
        for source, rows, kind, label, start, end, seq in con.execute(
            """SELECT source_id, count(*), arg_max(period_kind, period_end), arg_max(period_label, period_end),
                      arg_max(period_start, period_end), max(period_end), arg_max(period_seq, period_end)
               FROM observations GROUP BY source_id"""
        ).fetchall()
    }
    calendar = release_calendar(ctx, as_of)
    rows = []
    for dataset in ctx.reg.datasets:
        count, latest = held.get(dataset.id, (0, None))
        if dataset.release.frequency == "varies":
            measures = calendar[calendar["dataset_id"] == dataset.id]
            soonest = measures["next_release"].dropna()
            following = wording.release_varies(soonest.min() if not soonest.empty else None)
        else:
            following = wording.release_short(
                dataset.release.frequency, releases.expected(dataset.release, latest, as_of)
            )
        rows.append(
            {
                "dataset": dataset.id,
                "rows": count,
                "latest_period": latest.label if latest else "",
                "next_release": following,
                "licence": dataset.licence,
            }
        )
    return pd.DataFrame(rows)


def scorecard(ctx: Context, period: str | None = None, group: str | None = None) -> pd.DataFrame:
    """One area's finished scorecard (:func:`scorecard.evaluation.finished.scorecard`: judgements, exceptions,
    forecasts) in register order, with the area's and groups' names and a plain-English summary per measure."""
    reg = ctx.reg
    frame = finished.scorecard(ctx, period, group)
    con = db.connect(ctx.folder)
    area_row = con.execute("SELECT * FROM areas WHERE code = ?", [ctx.area]).df()
    if area_row.empty:
        raise LookupError(f"unknown area {ctx.area!r}")
    place = area_row.iloc[0].to_dict()
    frame["area_name"] = place["name"]
    frame["benchmark_group_name"] = [group_label(g, place) for g in frame["benchmark_group"]]
    order = {m.id: i for i, m in enumerate(reg.measures)}
    frame = frame.sort_values("measure_id", key=lambda s: s.map(order)).reset_index(drop=True)
    frame["summary"] = [wording.summary(row) for row in frames.records(frame)]
    return frame


def forecasts_at_risk(card: pd.DataFrame) -> pd.DataFrame:
    """Measures whose year-end forecast is off track or at risk against the year's target, off track first."""
    if "forecast_status" not in card:  # a snapshot frozen before forecasts existed
        return card.iloc[0:0]
    part = card[card["forecast_status"].isin(["off_track", "at_risk"])]
    return part.sort_values("forecast_status", key=lambda s: s.map({"off_track": 0, "at_risk": 1}), kind="stable")


def year_outturn(card: pd.DataFrame) -> pd.DataFrame:
    """At the year's last quarter, when there is nothing left to forecast: the in-year measures with a fixed
    target for the year, judged by their outturn (the year's last figure) — missed (red, then amber) first."""
    if "forecast_reason" not in card:  # a snapshot frozen before forecasts existed
        return card.iloc[0:0]
    done = (card["forecast_reason"] == "year_complete") & card["rag"].isin(rag.RATED)
    part = card[done & (card["target_basis"] == "fixed")]
    return part.sort_values("rag", key=lambda s: s.map({code: i for i, code in enumerate(rag.RATED[::-1])}))


def outturn_sentence(outturn: pd.DataFrame) -> str:
    """How many of :func:`year_outturn`'s measures met the year's target (ending ":" when some did not)."""
    missed = int((outturn["rag"] != "green").sum())
    year = outturn["forecast_year"].iloc[0]
    if not missed:
        return f"{year} is complete: all {len(outturn)} measures reported during the year with a target for it met it."
    return (
        f"{year} is complete. Of the {len(outturn)} measures reported during the year with a target for it, "
        f"{len(outturn) - missed} met it and {missed} did not:"
    )


def backtest_summary(tested: pd.DataFrame) -> pd.DataFrame:
    """Per method and kind of series (real or illustrative): forecasts made, the share of outturns inside the
    normal 80% interval and inside the calibrated one judged on held-out years
    (:func:`scorecard.evaluation.forecast.held_out`), and the mean absolute error in units of each series'
    period noise σ (the same scale for every method, comparable across units)."""
    parts = [forecast.held_out(tested, method) for method in forecast.METHODS]
    judged = pd.concat(parts, ignore_index=True).assign(
        series=lambda t: t["illustrative"].map({True: "illustrative", False: "real"}),
        scaled=lambda t: t["error"].abs() / t["sigma"],
    )
    return (
        judged.groupby(["series", "method"])
        .agg(
            forecasts=("error", "size"),
            inside_80=("inside", "mean"),
            inside_80_calibrated=("inside_calibrated", "mean"),
            scaled_mae=("scaled", "mean"),
        )
        .reset_index()
        .sort_values(["series", "scaled_mae"], ascending=[False, True])
        .reset_index(drop=True)
    )
