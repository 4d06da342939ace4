"""``python -m scorecard evaluate``: the evaluated scorecard — one row per measure × area at a period.

Two steps: DuckDB gathers the facts (:mod:`scorecard.evaluation.facts_sql`, the comparator groups' statistics
from :mod:`scorecard.evaluation.group_stats`), then :func:`judge` applies each
judgement of :mod:`scorecard.evaluation.judgements` to them. Codes only; words come from
:mod:`scorecard.present.wording`.
"""

from __future__ import annotations

import warnings
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from scorecard import ENGLAND, register
from scorecard.evaluation import group_stats
from scorecard.evaluation.facts_sql import (
    DEEP_SQL,
    FACTS_SQL,
    KNOWN,
    MEMBERS_SQL,
    NEEDED_FILTER,
    RATES,
    SCOPE_FILTER,
    VALUES_SQL,
    depth,
)
from scorecard.evaluation.judgements import benchmark, breaks, direction, exceptions, polarity, rag, trend
from scorecard.evaluation.judgements.arrays import floats, texts
from scorecard.register import releases
from scorecard.store import db, ledger, periods, storage

PRUNE_UP_TO = 64
"""An evaluation of at most this many councils also reads only the areas their benchmarks need."""
ANY_REACH = 1_000_000_000
"""``$reach`` when no bound has been computed (see :func:`_reach`)."""
CHUNK_AREAS = 80
"""A larger evaluation is gathered per this many areas (consecutive in storage order), so DuckDB's working memory
stays that of a chunk (national size: a peak of 1.1-1.2 GB with one chunk read ahead, against 1.2-1.3 GB with two
chunks evaluated at once in the same runs; 2.8 GB as one query, measured when the group statistics were still in
it)."""
READ_AHEAD = 1
"""Chunks whose facts DuckDB reads ahead of the one being judged: one thread reads chunk after chunk while the
caller's thread finishes and judges the last read, so DuckDB's threads and the judgements' Python share the two
cores throughout. Two chunks evaluated side by side each did the same step at once (both queries, then both in
Python under the interpreter lock, a core idle): at national size 2.6-2.7 s a fresh process's evaluation instead of
2.8-3.3 s, measured alternately (#22)."""

_NULLABLE = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}


def measures_frame(reg: register.Register) -> pd.DataFrame:
    """The register as a table for SQL: one row per measure."""
    return pd.DataFrame(
        [
            {
                "measure_id": m.id,
                "title": m.title,
                "theme": m.themes[0],
                "themes": ", ".join(m.themes),
                "info_type": m.info_type,
                "polarity": m.polarity,
                "seed_polarity": m.framework_polarity,
                "unit": m.unit,
                "decimals": m.decimals,
                "frequency": m.frequency,
                "benchmark_group": m.benchmark_group,
                "neutral_band": m.neutral_band,
                "materiality": m.materiality,
                "stale_after_months": m.stale_after_months,
                "data_match": m.source.match,
                "tier": m.source.tier,
                "proxy_for": m.source.proxy_for,
                "clustered_by": m.clustered_by,
                "compared_as": m.compare_as_rate.label if m.compare_as_rate else None,
                "rate_multiplier": m.compare_as_rate.multiplier if m.compare_as_rate else None,
                "metric_responsibility": m.metric_responsibility,
            }
            for m in reg.measures
        ]
    )


def latest_period(ctx: register.Context, any_area: bool = False) -> periods.Period:
    """The latest reporting quarter in which the context's council (``any_area``: any area) has any observation."""
    con = db.connect(ctx.folder)
    if any_area:
        last = db.scalar(con, "SELECT max(period_end) FROM observations")
    else:
        last = db.scalar(con, "SELECT max(period_end) FROM observations WHERE area_code = ?", [ctx.area])
    if last is None:
        raise LookupError("no observations" + ("" if any_area else f" for area {ctx.area}"))
    return periods.quarter_of(pd.Timestamp(last).date())


def reporting_quarters(ctx: register.Context, count: int = 8) -> list[str]:
    """The context's council's latest ``count`` reporting quarters, newest first (for period pickers)."""
    seq = latest_period(ctx).seq
    return [periods.quarter_at(seq - i).label for i in range(count)]


def known_ends(ctx: register.Context, report: periods.Period, latest: periods.Period) -> pd.DataFrame:
    """What was known then (#27): for a quarter before the latest, each measure with held figures that were not
    yet out by the quarter's report, with the last period end known by then. A published figure is out when its
    publisher's calendar released it (:func:`scorecard.register.releases.known_end` at
    :func:`~scorecard.register.releases.report_month`); a council return's figure when its return was loaded
    (:func:`returned_ends`). Empty for the latest quarter, which shows every figure held."""
    if report.seq >= latest.seq:
        return pd.DataFrame({"measure_id": pd.Series(dtype=str), "known_end": pd.Series(dtype="datetime64[ns]")})
    month = releases.report_month(report)
    rows, council_only = [], set()
    for measure in ctx.reg.measures:
        release = releases.release_for(measure, ctx.reg)
        end = releases.known_end(release, month)
        if end is not None and end < report.end:
            rows.append((measure.id, pd.Timestamp(end)))
        if release is None:
            council_only.add(measure.id)
    returned = returned_ends(ctx, report)
    rows += [(m, end) for m, end in returned.items() if m in council_only]
    return pd.DataFrame(rows, columns=["measure_id", "known_end"]).astype({"known_end": "datetime64[ns]"})


COUNCIL_TIME = "Europe/London"
"""A load's time is read on the council's clock: a return loaded at 00:30 BST on 1 August is August's."""
NEVER = pd.Timestamp("1900-01-01")
"""The known end of a measure none of whose figures had been returned by the report: nothing shown."""


def returned_ends(ctx: register.Context, report: periods.Period) -> dict[str, pd.Timestamp]:
    """For council returns (#27: "load time for returns"), by measure id, the last period end up to the
    quarter's end returned by the end of its report month (:func:`~scorecard.register.releases.report_month`),
    for each measure with a figure for the quarter or before that was first loaded later. A figure's load time
    is its return's ``loaded_at`` (``batches``); a figure built with the data (the shipped illustrative returns,
    which stand for returns made on time) has none and counts as known. A figure whose earlier version was held
    by then (``observation_history``) was known: the revision shows as a revision, not as a new figure."""
    con = db.connect(ctx.folder)
    loads = con.execute("SELECT * FROM batches").df()  # one row per load: small
    if "loaded_at" not in loads:  # a folder written before loads were timed
        return {}
    loads = loads[loads["loaded_at"].fillna("") != ""]
    by = pd.Timestamp(releases.report_month(report)) + pd.DateOffset(months=1)
    at = pd.to_datetime(loads["loaded_at"], utc=True).dt.tz_convert(COUNCIL_TIME).dt.tz_localize(None)
    late = set(loads.loc[at >= by, "batch_id"])
    if not late:
        return {}
    key = ["measure_id", "area_code", "period_end"]
    sql = "SELECT measure_id, area_code, period_end, batch_id FROM observations WHERE period_end <= ? AND {} IN ?"
    touched = con.execute(sql.format("batch_id"), [report.end, sorted(late)]).df()["measure_id"].unique()
    if not len(touched):
        return {}
    held = con.execute(sql.format("measure_id"), [report.end, sorted(touched)]).df()
    path = storage.table_path(ctx.folder, storage.HISTORY)
    if path.is_file():  # earlier versions of a figure, each with the batch that loaded it
        earlier = pd.read_parquet(path, columns=[*key, "batch_id"])
        earlier = earlier[earlier["measure_id"].isin(touched) & (earlier["period_end"] <= pd.Timestamp(report.end))]
        held = pd.concat([held, earlier], ignore_index=True)
    held["known"] = ~held["batch_id"].isin(late)
    known = held.groupby(key)["known"].any().reset_index()
    measures = set(known.loc[~known["known"], "measure_id"])
    ends = known[known["known"]].groupby("measure_id")["period_end"].max()
    return {m: pd.Timestamp(ends.get(m, NEVER)) for m in sorted(measures)}


def shown_through(ctx: register.Context, period: str | None) -> pd.Series:
    """By measure id, the last period end a report at ``period`` shows: the quarter's end, or earlier where the
    later figures were not yet released by its report (:func:`known_ends`) — for series and charts to stop
    where the scorecard's figure does. NaT for every measure when no period is given (every figure held)."""
    ids = [m.id for m in ctx.reg.measures]
    if not period:
        return pd.Series(pd.NaT, index=ids, dtype="datetime64[ns]")
    report = periods.parse_label(period)
    cut = known_ends(ctx, report, latest_period(ctx, any_area=True)).set_index("measure_id")["known_end"]
    return cut.reindex(ids).fillna(pd.Timestamp(report.end)).astype("datetime64[ns]")


def _known_sql(sql: str, known: pd.DataFrame) -> str:
    """A query of :mod:`~scorecard.evaluation.facts_sql` with its :data:`~scorecard.evaluation.facts_sql.KNOWN`
    conditions when ``known`` cuts any measure (the table must then be registered as ``known_ends``)."""
    for marker, condition in KNOWN.items():
        sql = sql.replace(marker, condition if len(known) else "")
    return sql


def _in_list(keys) -> str:
    return ", ".join(str(int(key)) for key in sorted(keys))


def _chunks(con, areas: list[str] | None) -> list[tuple[list[str], str]]:
    """The areas to evaluate in chunks of :data:`CHUNK_AREAS`, each with its area-key range condition; an unknown
    area is an error (as for a few councils, :meth:`_Gather._few`), not left out."""
    if areas:
        rows = con.execute(
            "SELECT code, area_key FROM areas WHERE code IN (SELECT * FROM unnest(?)) ORDER BY area_key", [list(areas)]
        ).fetchall()
        missing = sorted(set(areas) - {code for code, _ in rows})
        if missing:
            raise LookupError(f"unknown area {missing[0]!r}")
    else:
        rows = con.execute("SELECT code, area_key FROM areas ORDER BY area_key").fetchall()
    count = -(-len(rows) // CHUNK_AREAS)
    size = -(-len(rows) // max(count, 1))  # equal chunks: 321 areas in 5 of up to 65, not 4 of 80 and 1 of 1
    return [
        (
            [code for code, _ in rows[start : start + size]],
            f"AND o.area_key BETWEEN {int(rows[start][1])} AND {int(rows[start : start + size][-1][1])}",
        )
        for start in range(0, len(rows), size)
    ]


def _reach(con, report: periods.Period, known: pd.DataFrame) -> int:
    """``$reach`` of the evaluation SQL: the most stored periods any series has after the report's end or not
    yet released then (0 when reporting the latest period). Any larger number is also correct, only slower."""
    sql = "SELECT coalesce(max(recency), 0) FROM observations o /*KNOWN_JOIN*/ WHERE o.period_end > ? /*KNOWN_AFTER*/"
    con.register("known_ends", known)
    return int(db.scalar(con, _known_sql(sql, known), [report.end]))


# ``execute`` then Arrow measured faster here than DuckDB's suggested ``con.sql`` (which tokenises and binds
# the long query in Python first), so that advice is silenced (here, not per call: chunks run in threads)
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)


def _arrow(con, sql: str, params: dict) -> pa.Table:
    """The result as an Arrow table."""
    return con.execute(sql, params).to_arrow_reader().read_all()


def evaluate(
    ctx: register.Context, period: str | None = None, group: str | None = None, *, areas: list[str] | None
) -> pd.DataFrame:
    """Evaluate every measure for the given ``areas`` (None = every area; the context gives the data folder and
    the register) at a reporting period, one row per area × measure in that order: gathered (:class:`_Gather`) at
    once for a few councils, else per chunk of :data:`CHUNK_AREAS`. A quarter before the latest is evaluated on what
    was released by its report (:func:`known_ends`)."""
    reg = ctx.reg
    con = db.connect(ctx.folder)
    latest = latest_period(ctx, any_area=True)  # the data's latest quarter: one cut for every council evaluated
    report = periods.parse_label(period) if period else latest
    measures = measures_frame(reg)
    known = known_ends(ctx, report, latest)
    groups = sorted({group} if group else set(measures["benchmark_group"].dropna())) + [group_stats.CIPFA]
    few = list(areas) if areas and len(areas) <= PRUNE_UP_TO else None  # read as one, with constant key lists
    reach = ANY_REACH if few else _reach(con, report, known)  # a few councils' rows are read anyway: no bound
    params: dict[str, object] = {"period_end": report.end, "group": group, "reach": reach}
    deep = None if few else [int(key) for (key,) in con.execute(DEEP_SQL, {"reach": reach}).fetchall()]
    gather = _Gather(measures, known, params, groups, con.execute("SELECT code, area_key FROM areas").df(), deep)
    if few:
        parts = [judge(gather.finish(con, gather.read(con, few)), reg)]
    else:
        cursor = con.cursor()  # the reading thread's own cursor on the same connection, with its own registered tables
        parts = _pipelined(
            lambda chunk: gather.read(cursor, *chunk),
            lambda read: judge(gather.finish(con, read), reg),
            _chunks(con, areas),
        )
    # chunks follow area order, so the rows stay by area then measure
    frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    frame["report_period"] = report.label
    return frame


def _pipelined(read, finish, items: list) -> list:
    """``finish(read(item))`` of each item in order, each ``read`` in one other thread up to :data:`READ_AHEAD`
    items ahead of the ``finish`` in this one."""
    done: list = []
    pending: deque[Future] = deque()
    with ThreadPoolExecutor(1) as reader:
        for item in items:
            pending.append(reader.submit(read, item))
            if len(pending) > READ_AHEAD:
                done.append(finish(pending.popleft().result()))
        done.extend(finish(future.result()) for future in pending)
    return done


class _Read(NamedTuple):
    """A chunk's facts as DuckDB read them, before the group statistics."""

    facts: pa.Table
    members: pd.DataFrame
    needed: str


class _Gather:
    """The facts of some councils: :data:`~scorecard.evaluation.facts_sql.FACTS_SQL`, with their comparator
    groups' statistics (:func:`scorecard.evaluation.group_stats.group_stats`) in place."""

    def __init__(
        self, measures: pd.DataFrame, known: pd.DataFrame, params: dict, groups: list[str], areas, deep: list | None
    ):
        self.measures, self.known, self.params, self.groups, self.areas = measures, known, params, groups, areas
        self.rated = bool(measures["rate_multiplier"].notna().any())
        self.depth = depth(deep)

    def _sql(self, sql: str) -> str:
        """The query with :data:`~scorecard.evaluation.facts_sql.RATES`' rate comparison where some measure is
        a count compared as a rate, the :data:`~scorecard.evaluation.facts_sql.DEPTH` read of each series, and
        :data:`~scorecard.evaluation.facts_sql.KNOWN`'s conditions when :func:`known_ends` cuts any measure."""
        for marker, (with_rates, without) in RATES.items():
            sql = sql.replace(marker, with_rates if self.rated else without)
        for marker, condition in self.depth.items():
            sql = sql.replace(marker, condition)
        return _known_sql(sql, self.known)

    def _few(self, areas: list[str], members: pd.DataFrame) -> tuple[str, str]:
        """For a few councils, :data:`~scorecard.evaluation.facts_sql.SCOPE_FILTER` and
        :data:`~scorecard.evaluation.facts_sql.NEEDED_FILTER`: constant lists of their area keys and of every area
        their benchmarks read (their comparator groups' members and England); an unknown area is an error."""
        keys = dict(zip(self.areas["code"], self.areas["area_key"]))
        missing = sorted((set(areas) | {ENGLAND}) - set(keys))
        if missing:
            raise LookupError(f"unknown area {missing[0]!r}")
        own = {keys[area] for area in areas}
        read = own | set(members["member_key"]) | {keys[ENGLAND]}
        return f"AND o.area_key IN ({_in_list(own)})", f"AND v.area_key IN ({_in_list(read)})"

    def read(self, con, areas: list[str], scope: str | None = None) -> _Read:
        """The facts of ``areas`` (a chunk's, ``scope`` its area-key condition, or a few councils', None) as read,
        with their comparator groups' members."""
        con.register("measures_view", self.measures)
        con.register("known_ends", self.known)
        con.register("scope_areas", pd.DataFrame({"area_code": areas}))
        members = con.execute(MEMBERS_SQL, {"groups": self.groups}).df()
        scope, needed = self._few(areas, members) if scope is None else (scope, "")
        return _Read(_arrow(con, self._sql(FACTS_SQL.replace(SCOPE_FILTER, scope)), self.params), members, needed)

    def finish(self, con, read: _Read) -> pd.DataFrame:
        """The facts read, with the comparator groups' statistics in place."""
        facts = _frame(read.facts)
        shown = facts[facts["period_end"].notna()].drop_duplicates(["measure_key", "period_end"])
        con.register(
            "shown_periods",
            pa.table(
                {
                    "measure_key": shown["measure_key"].to_numpy(dtype=np.int64),
                    "period_end": shown["period_end"].to_numpy(dtype="datetime64[D]"),
                    "rate_multiplier": pa.array(floats(shown["rate_multiplier"]), from_pandas=True),  # NaN: null
                }
            ),
        )
        values = _frame(_arrow(con, self._sql(VALUES_SQL.replace(NEEDED_FILTER, read.needed)), {}))
        stats = group_stats.group_stats(facts, values, read.members, self.areas, self.rated)
        at = facts.columns.get_loc("compared_value")
        for offset, name in enumerate(group_stats.GROUP_STATS):
            facts.insert(at + offset, name, stats[name])
        facts.insert(at + len(group_stats.GROUP_STATS) + 1, "compared_median", stats["compared_median"])
        return facts.drop(columns=["measure_key", "area_key"])  # the stored keys, for the statistics only


def _frame(table: pa.Table) -> pd.DataFrame:
    """Arrow converts text several times faster than DuckDB's own ``.df()``; integers and booleans keep
    pandas' nullable types."""
    return table.to_pandas(types_mapper=_NULLABLE.get)


RECENT = [
    f"{column}_{k}"
    for k in range(trend.POINTS, 0, -1)
    for column in ("value", "numerator", "denominator", "lower_ci", "upper_ci")
]
"""The facts' last five periods, oldest first (used by :func:`judge`, not returned)."""
FACTS_ONLY = [
    *RECENT,
    "recent_points",
    "recent_span",
    "previous_start",
    "third_start",
    "fourth_start",
    "oldest_start",
    "last_year_start",
    "target_fixed",
    "cipfa_median",
    "benchmark_members",
    "benchmark_above",
    "benchmark_below",
    "rate_multiplier",
]


def _points(frame: pd.DataFrame, column: str) -> np.ndarray:
    """The last five periods' ``column`` as a (rows × 5) array, oldest first."""
    return frame[[f"{column}_{k}" for k in range(trend.POINTS, 0, -1)]].to_numpy(dtype=float, na_value=np.nan)


def _since_break(frame: pd.DataFrame, series_breaks: dict) -> np.ndarray:
    """The last five values (rows × 5, oldest first) with those before a series break blanked: a break after
    the oldest point's start leaves the latest four, after the fourth's the latest three, after the third's
    the latest two."""
    points = _points(frame, "value").copy()
    for start, keep in (("oldest_start", 4), ("fourth_start", 3), ("third_start", 2)):
        crossed = breaks.crosses(frame["measure_id"], frame[start], frame["period_start"], series_breaks)
        points[np.asarray(crossed, dtype=bool), : trend.POINTS - keep] = np.nan
    return points


def previous_release(ctx: register.Context, frame: pd.DataFrame) -> pd.DataFrame:
    """For each red measure of the context's council's evaluated scorecard, the RAG of the figure reported before the
    current one: ``previous_rag`` and ``previous_rag_period`` (that figure's own period), by ``measure_id``. Persistent
    red counts the measure's own reporting periods, never the same value twice (DESIGN.md §5): a yearly figure stands in
    the report for four quarters or more, so the quarter compared is the last one that ended before the current figure's
    period did — the last report that could not show it (for a monthly measure, the month shown then, not the month
    before). That report's RAG is the one it reported where it was released or published
    (:data:`scorecard.store.ledger.REPORTED`, written with its snapshot: a later revision does not change what Cabinet
    was told), else it is evaluated as known then (:func:`known_ends`: only what the publishers' calendars had released
    by it). Only red measures get one (persistence is red twice); none where that report had no figure either."""
    red = frame[(frame["rag"] == "red") & frame["period_end"].notna()]
    rows = []
    told = ledger.latest(ledger.read(ledger.REPORTED, ctx.folder), ledger.REPORTED) if len(red) else None
    for before, measures in red.groupby(red["period_end"].map(lambda end: periods.quarter_of(end).seq - 1)):
        then = _reported(ctx, before)
        label = periods.quarter_at(before).label
        mine = None if told is None else told[(told["period"] == label) & (told["area_code"] == ctx.area)]
        if mine is not None and len(mine):  # what that quarter's report said
            said = mine.set_index("measure_id")[["rag", "period_label"]]
            then = pd.concat([said, then[~then.index.isin(said.index)]])
        for measure_id, now in zip(measures["measure_id"], measures["period_label"]):
            shown = then.at[measure_id, "period_label"]
            if pd.notna(shown) and shown != now:
                rows.append((measure_id, then.at[measure_id, "rag"], shown))
    return pd.DataFrame(rows, columns=["measure_id", "previous_rag", "previous_rag_period"], dtype=object)


def new_figures(ctx: register.Context, frame: pd.DataFrame) -> pd.Series:
    """For each row of the context's council's evaluated scorecard, whether its figure is new this quarter: a different
    period from the one the previous quarter's report showed (#27: a quarter with no new release keeps its RAG, marked
    "no new figure this quarter", and raises no new deterioration). The previous report is evaluated as known then, as
    in :func:`previous_release`. False where there is no figure."""
    report = periods.parse_label(frame["report_period"].iloc[0])
    then = _reported(ctx, report.seq - 1)
    shown = frame["measure_id"].map(then["period_label"])
    return frame["period_label"].notna() & (shown.isna() | (shown != frame["period_label"]))


_REPORTED: dict[tuple, tuple[register.Register, pd.DataFrame]] = {}


def _reported(ctx: register.Context, seq: int) -> pd.DataFrame:
    """Each measure's RAG and figure's period reported at the quarter numbered ``seq`` (by ``measure_id``). A RAG
    does not depend on the comparator group, so one evaluation serves every group; kept per data identity and
    register (:func:`scorecard.store.db.kept`)."""
    label = periods.quarter_at(seq).label
    return db.kept(
        _REPORTED,
        (ctx.area, label),
        ctx.folder,
        ctx.reg,
        lambda _: evaluate(ctx, label, areas=[ctx.area]).set_index("measure_id")[["rag", "period_label"]],
        64,
    )


EXCEPTION_COLUMNS = ["exception_reasons", "exception_severity", "exception_tier"]
"""What :func:`exceptions_of` gives each row."""


def exceptions_of(frame: pd.DataFrame, reg: register.Register, previous_rag=None, has_commentary=None, new_figure=None):
    """The register's exception policy applied to an evaluated scorecard: :data:`EXCEPTION_COLUMNS` — reasons,
    severity and tier (:func:`scorecard.evaluation.judgements.exceptions.tier`) — per row. The
    rules that need the previous quarter's RAG or the quarter's commentary apply only when those are given;
    with ``new_figure`` (:func:`new_figures`), a figure carried over from the last report raises no deterioration
    or worsening trend again (its RAG, red-red and persistent red stand)."""
    policy = reg.exception_policy
    carried_new = np.ones(len(frame), dtype=bool) if new_figure is None else np.asarray(new_figure, dtype=bool)
    basis = frame["deterioration"] if "deterioration" in frame else None  # None: a card frozen before it
    found = exceptions.reasons(
        frame["rag"],
        frame["direction"],
        frame["significance"],
        np.where(carried_new, frame["trend"], None),
        frame["value"],
        frame["target"],
        frame["target_tolerance"],
        polarity.good_sign(frame["polarity"]),
        frame["deteriorated"] & carried_new,
        frame["info_type"],
        policy.severity,
        previous_rag,
        has_commentary,
    )
    return pd.DataFrame(
        {
            "exception_reasons": found,
            "exception_severity": exceptions.severity_of(found, policy.severity),
            "exception_tier": exceptions.tier(found, frame["rag"], basis, policy.amber_for_decision),
        },
        index=frame.index,
    )


REGISTER_NUMBERS = ("neutral_band", "materiality", "rate_multiplier")
"""The register's number fields in :func:`measures_frame`: read as numbers by :class:`_Columns` even when no
measure sets one (the column is then None in every row, which pandas and DuckDB hold as objects)."""


class _Columns:
    """The scorecard being judged, read as numpy: each fact column converted once on first use (text as
    :func:`~scorecard.evaluation.judgements.arrays.texts`, numbers as floats, dates as ``datetime64[ns]``), and
    each judgement written to the frame and kept as computed. The judgements then convert nothing, where they
    converted the same column at every use (national size: 1.1 s → 0.4 s per chunk of 65,000 rows)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame, self.index = frame, frame.index
        self.done: dict[str, object] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.frame

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, name: str):
        if name not in self.done:
            column = self.frame[name]
            kind = column.dtype.kind
            if kind in "iuf" or name in REGISTER_NUMBERS:
                self.done[name] = floats(column)
            elif kind == "M":
                self.done[name] = column.to_numpy(dtype="datetime64[ns]")
            elif kind == "b":
                self.done[name] = column.to_numpy(dtype=bool, na_value=False)
            else:
                self.done[name] = texts(column)
        return self.done[name]

    def __setitem__(self, name: str, values) -> None:
        self.frame[name] = self.done[name] = values


def judge(facts: pd.DataFrame, reg: register.Register) -> pd.DataFrame:
    """The evaluated scorecard from the facts: every judgement of DESIGN.md §5 as a code column."""
    frame = facts
    col = _Columns(frame)
    good = polarity.good_sign(frame["polarity"])
    series_breaks = {m.id: m.breaks for m in reg.measures if m.breaks}
    col["target"] = rag.target_in_force(
        col["target_basis"],
        col["target_fixed"],
        col["cipfa_median"],
        col["england_value"],
        col["last_year_value"],
    )
    stale = rag.is_stale(col["period_end"], frame["report_end"].iloc[0], col["stale_after_months"])
    col["rag"] = rag.rate(
        col["value"], col["target"], col["target_tolerance"], good, col["info_type"], col["status"], stale
    )
    col["direction"] = direction.compare(
        col["value"],
        col["previous_value"],
        good,
        col["neutral_band"],
        ~breaks.crosses(col["measure_id"], col["previous_start"], col["period_start"], series_breaks),
    )
    col["direction_year_on_year"] = direction.year_on_year(
        col["value"],
        col["last_year_value"],
        good,
        col["neutral_band"],
        col["period_kind"],
        ~breaks.crosses(col["measure_id"], col["last_year_start"], col["period_start"], series_breaks),
    )
    reason = trend.reasons(
        col["period_kind"],
        col["unit"],
        col["recent_points"],
        col["recent_span"],
        breaks.crosses(col["measure_id"], col["oldest_start"], col["period_start"], series_breaks),
        col["clustered_by"],
    )
    tested = pd.isna(reason)
    chi2, slope = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    method, significant = np.full(len(frame), None, dtype=object), np.zeros(len(frame), dtype=bool)
    if tested.any():
        part = frame[tested]
        chi2[tested], slope[tested], method[tested], significant[tested] = trend.test(
            *(_points(part, column) for column in ("numerator", "denominator", "value", "lower_ci", "upper_ci"))
        )
    col["trend_reason"] = trend.reason_with_method(reason, np.where(tested, method, "n/a"))
    col["series_break"] = breaks.latest(col["measure_id"], col["period_start"], series_breaks)
    col["trend"] = trend.code(col["trend_reason"], method, chi2, slope, significant, good)
    frame["trend_chi2"], frame["trend_method"] = chi2, method
    unit = benchmark.compared_unit(col["unit"], col["compared_as"])
    rated = unit != col["unit"]
    scale = np.where(rated, benchmark.rate_scale(col["rate_multiplier"], col["denominator"]), 1.0)  # the interval
    col["rank"] = benchmark.rank(
        col["compared_value"], col["benchmark_above"], col["benchmark_below"], col["benchmark_members"], good, unit
    )
    col["group_size"] = benchmark.group_size(col["compared_value"], col["benchmark_members"])
    col["quartile"] = benchmark.quartile(col["rank"], col["group_size"], good, unit)
    col["significance"] = benchmark.significance(
        col["compared_value"],
        floats(col["lower_ci"]) * scale,
        floats(col["upper_ci"]) * scale,
        col["compared_median"],
        good,
        unit,
        col["clustered_by"],
    )
    col["not_tested"] = benchmark.not_tested(unit, col["clustered_by"])
    frame.loc[~benchmark.summarised(col["unit"]), list(benchmark.GROUP_SUMMARY)] = np.nan
    frame.loc[~rated, ["compared_value", "compared_median"]] = np.nan
    policy = reg.exception_policy
    size = exceptions.materiality(
        col["unit"], col["materiality"], col["previous_value"], policy.materiality, policy.relative_materiality
    )
    recent = _since_break(frame, series_breaks)
    col["deterioration"] = exceptions.deterioration(
        col["direction"], good, col["lower_ci_2"], col["upper_ci_2"], size, col["neutral_band"], recent
    )
    col["deteriorated"] = pd.notna(col["deterioration"])
    col["materiality_size"], col["worse_run"] = size, exceptions.worse_run(recent, good)
    frame[EXCEPTION_COLUMNS] = exceptions_of(col, reg)
    return frame.drop(columns=FACTS_ONLY)
