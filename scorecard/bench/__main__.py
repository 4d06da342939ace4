"""``python -m scorecard.bench generate|run|pages``: synthetic national data and the figures that matter.

``run`` prints one line per figure. Each timed figure runs in a fresh child process so that its
peak RSS is its own; ratios are computed within one run, as the machine is noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from scorecard.bench import baseline, peers, synthetic
from scorecard.evaluation import evaluate
from scorecard.ingest import build, sources
from scorecard.register import Context
from scorecard.store import db, storage

PERIOD = {"quarterly": "2025/26 Q4", "monthly": "2025/26 Q4", "financial_year": "2025/26 Q4"}
CSV_ROWS = 20_000_000
WARM_RUNS = 20
PINNED = "3df3bec"
"""The engine before the judgements rework (#22), whose full evaluation ``run`` times beside this tree's on the
same data, alternately, so a regression shows in one run whatever the machine is doing."""
AB_ROUNDS = 3
"""One council's warm figure is the median of this many runs after the cold one (the machine is noisy)."""
PEERS = {"polars": peers.polars_core, "duckdb": peers.duckdb_core}
"""The core of the scorecard computed by plainer programs (:mod:`scorecard.bench.peers`)."""
COMPARED = [
    "value",
    "previous_value",
    "direction",
    "rag",
    "trend",
    "benchmark_median",
    "rank",
    "quartile",
    "significance",
    "target",
    "group_size",
    "direction_year_on_year",
    "trend_chi2",
    "trend_reason",
    "exception_severity",
]


def _rss_mb() -> float:
    """This process's peak resident set (VmHWM; unlike ru_maxrss it is not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _spec(size: str) -> dict:
    return synthetic.SIZES[size]


def _data_dir(size: str, root: str | None) -> Path:
    return Path(root or Path(tempfile.gettempdir()) / "scorecard-bench") / size


def _generate(size: str, root: str | None) -> dict:
    spec = _spec(size)
    out = _data_dir(size, root)
    started = time.perf_counter()
    synthetic.generate(out, spec["councils"], spec["measures"], spec["periods"], spec["frequency"])
    seconds = time.perf_counter() - started
    rows = pd.read_parquet(storage.table_path(out, "batches"))["rows"].iloc[0]
    return {"seconds": seconds, "rows": int(rows), "rss_mb": _rss_mb(), "dir": str(out)}


def _measure(what: str, size: str, root: str | None) -> dict:
    """One figure, measured in this (fresh) process."""
    spec = _spec(size)
    folder = _data_dir(size, root)
    reg = synthetic.register(spec["measures"], spec["frequency"])
    period = PERIOD[spec["frequency"]]
    if what == "generate":
        return _generate(size, root)
    if what == "full":
        started = time.perf_counter()
        frame = evaluate.evaluate(Context(folder, reg), period, areas=None)
        seconds = time.perf_counter() - started
        frame[["measure_id", "area_code", *COMPARED]].to_parquet(folder / "engine_result.parquet")
        return {"seconds": seconds, "rows": len(frame), "rss_mb": _rss_mb()}
    if what == "council":
        area = synthetic.council_codes(1)[0]
        times = []
        for _ in range(1 + WARM_RUNS):
            started = time.perf_counter()
            evaluate.evaluate(Context(folder, reg), period, areas=[area])
            times.append(time.perf_counter() - started)
        return {"cold": times[0], "warm": statistics.median(times[1:]), "rss_mb": _rss_mb()}
    if what == "pandas":
        obs = pd.read_parquet(storage.table_path(folder, "observations"))
        groups = pd.read_parquet(storage.table_path(folder, "comparator_groups"))
        started = time.perf_counter()
        frame = baseline.evaluate(obs, groups, reg, period)
        seconds = time.perf_counter() - started
        frame.to_parquet(folder / "pandas_result.parquet")
        return {"seconds": seconds, "rows": len(frame), "rss_mb": _rss_mb()}
    if what in PEERS:
        started = time.perf_counter()
        frame = PEERS[what](folder, reg, period)
        seconds = time.perf_counter() - started
        frame.to_parquet(folder / f"{what}_result.parquet")
        return {"seconds": seconds, "rows": len(frame), "rss_mb": _rss_mb()}
    if what == "build":
        source_dir = sources.default_sources_dir()
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            build.build(sources_dir=source_dir, data_dir=out)
            seconds = time.perf_counter() - started
            rows = len(pd.read_parquet(storage.table_path(Path(out), "observations")))
        return {"seconds": seconds, "rows": rows, "rss_mb": _rss_mb()}
    if what == "csv":  # at most CSV_ROWS rows, so the stress size does not need a 20 GB CSV
        obs = storage.table_path(folder, "observations").as_posix()
        con = db.duckdb.connect()
        with tempfile.TemporaryDirectory() as scratch:
            csv, out = (Path(scratch) / "observations.csv").as_posix(), (Path(scratch) / "out.parquet").as_posix()
            con.execute(f"COPY (SELECT * FROM read_parquet('{obs}') LIMIT {CSV_ROWS}) TO '{csv}' (HEADER)")
            started = time.perf_counter()
            con.execute(
                f"COPY (SELECT * FROM read_csv('{csv}') ORDER BY area_code, measure_id, period_end) "
                f"TO '{out}' (FORMAT parquet, ROW_GROUP_SIZE {storage.ROW_GROUP_ROWS})"
            )
            seconds = time.perf_counter() - started
            rows = db.scalar(con, f"SELECT count(*) FROM read_parquet('{out}')")
        return {"seconds": seconds, "rows": rows, "rss_mb": _rss_mb()}
    raise ValueError(f"unknown measurement {what!r}")


def _child(what: str, size: str, root: str | None, tree: Path | None = None) -> dict:
    """One figure measured in a fresh process: of this tree, or of another commit's source in ``tree``."""
    command = [sys.executable, "-m", "scorecard.bench", "measure", what, "--size", size]
    if root:
        command += ["--root", root]
    env = os.environ.copy() if tree is None else {**os.environ, "PYTHONPATH": str(tree)}  # its code, not ours
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tree)
    if done.returncode != 0:
        raise RuntimeError(f"measurement {what} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def same_run_ab(size: str, root: str | None, commit: str = PINNED, rounds: int = AB_ROUNDS) -> tuple[list, list]:
    """The full evaluation's seconds for ``commit`` (its source exported by ``git archive``) and for this tree,
    alternately ``rounds`` times on the same data. The pinned commit's measurement writes its own result file,
    so this runs before this tree's result is kept for the peers' comparison."""
    pinned, ours = [], []
    with tempfile.TemporaryDirectory() as scratch:
        top = Path(__file__).resolve().parents[2]  # the repository (git archive in a subfolder exports only it)
        archive = subprocess.run(["git", "archive", commit], capture_output=True, check=True, cwd=top)
        subprocess.run(["tar", "-x", "-C", scratch], input=archive.stdout, check=True)
        for _ in range(rounds):
            pinned.append(_child("full", size, root and str(Path(root).resolve()), Path(scratch))["seconds"])
            ours.append(_child("full", size, root)["seconds"])
    return pinned, ours


def compare(folder: Path, sample: int = 5000, seed: int = 7) -> int:
    """Rows where the pandas baseline and the engine agree on every judgement; raises on any difference."""
    engine = pd.read_parquet(folder / "engine_result.parquet")
    pandas = pd.read_parquet(folder / "pandas_result.parquet")
    return peers.compare(engine, pandas.sample(min(sample, len(pandas)), random_state=seed), "pandas", COMPARED)


def compare_peer(folder: Path, name: str) -> int:
    """Rows where a peer (:data:`PEERS`) and the engine agree on every shared field; raises on any difference."""
    engine = pd.read_parquet(folder / "engine_result.parquet")
    return peers.compare(engine, pd.read_parquet(folder / f"{name}_result.parquet"), name, peers.CORE, every_row=True)


def _throughput(label: str, result: dict) -> None:
    print(
        f"{label}: {result['rows']:,} rows in {result['seconds']:.1f} s "
        f"({result['rows'] / result['seconds']:,.0f} rows/s), peak RSS {result['rss_mb']:,.0f} MB",
        flush=True,
    )


def run(size: str, root: str | None, with_pandas: bool = True) -> None:
    """Print the figures for one size."""
    spec = _spec(size)
    print(
        f"size {size}: {spec['councils']} councils x {spec['measures']} measures x {spec['periods']} "
        f"{spec['frequency']} periods; {os.cpu_count()} cores",
        flush=True,
    )
    _throughput("generate", _child("generate", size, root))
    _throughput("ingest CSV -> sorted Parquet (DuckDB)", _child("csv", size, root))
    if sources.default_sources_dir().is_dir():
        _throughput("build-data on the real extracts", _child("build", size, root))
    pinned, ours = same_run_ab(size, root)
    print(
        f"full evaluation, same run, alternately: {PINNED} {', '.join(f'{x:.2f}' for x in pinned)} s; this tree "
        f"{', '.join(f'{x:.2f}' for x in ours)} s; median ratio this tree / {PINNED}: "
        f"{statistics.median(ours) / statistics.median(pinned):.2f}",
        flush=True,
    )
    full = _child("full", size, root)
    print(
        f"full evaluation (every council x every measure): {full['rows']:,} rows in {full['seconds']:.2f} s, "
        f"peak RSS {full['rss_mb']:,.0f} MB",
        flush=True,
    )
    for name, label in (("polars", "polars core"), ("duckdb", "naive DuckDB core")):
        peer = _child(name, size, root)
        rows = compare_peer(_data_dir(size, root), name)
        print(
            f"{label} peer (latest, previous, direction, CIPFA median and rank, trend): {peer['rows']:,} rows in "
            f"{peer['seconds']:.2f} s, peak RSS {peer['rss_mb']:,.0f} MB; equal to the engine on {rows:,} rows; "
            f"full evaluation / {label}: {full['seconds'] / peer['seconds']:.2f}",
            flush=True,
        )
    council = _child("council", size, root)
    print(
        f"one council's scorecard: cold {council['cold'] * 1000:.0f} ms, warm {council['warm'] * 1000:.0f} ms "
        f"(median of {WARM_RUNS}), peak RSS {council['rss_mb']:,.0f} MB",
        flush=True,
    )
    if with_pandas:
        pandas = _child("pandas", size, root)
        rows = compare(_data_dir(size, root))
        print(
            f"pandas baseline (groupby/apply per measure): {pandas['rows']:,} rows in {pandas['seconds']:.1f} s, "
            f"peak RSS {pandas['rss_mb']:,.0f} MB; identical judgements on a sample of {rows:,} rows",
            flush=True,
        )
        print(f"speed-up over pandas: {pandas['seconds'] / full['seconds']:.1f}x", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scorecard.bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write a synthetic national dataset")
    gen.add_argument("--councils", type=int, default=320)
    gen.add_argument("--measures", type=int, default=1000)
    gen.add_argument("--periods", type=int, default=40)
    gen.add_argument("--frequency", choices=("quarterly", "monthly", "financial_year"), default="quarterly")
    gen.add_argument("--seed", type=int, default=2024)
    gen.add_argument("--out", required=True)
    bench = commands.add_parser("run", help="print the benchmark figures")
    bench.add_argument("--size", choices=sorted(synthetic.SIZES), default="national")
    bench.add_argument("--root", default=None, help="where generated data goes (default: a temp folder)")
    bench.add_argument("--no-pandas", action="store_true", help="skip the pandas baseline (e.g. for stress)")
    pages = commands.add_parser("pages", help="server CPU and time until usable per page view, and a load figure")
    pages.add_argument("--views", type=int, default=5, help="views per page (each a new session)")
    pages.add_argument("--sessions", type=int, default=8, help="concurrent sessions for the load figure")
    pages.add_argument("--load-rounds", type=int, default=1, help="times each load session visits every page")
    pages.add_argument("--port", type=int, default=None, help="first of three loopback ports (default: free ones)")
    pages.add_argument(
        "--through-proxy", action="store_true", help="also the public view through the production profile (nginx)"
    )
    measure = commands.add_parser("measure", help=argparse.SUPPRESS)
    measure.add_argument("what")
    measure.add_argument("--size", default="national")
    measure.add_argument("--root", default=None)
    args = parser.parse_args(argv)
    if args.command == "generate":
        started = time.perf_counter()
        synthetic.generate(args.out, args.councils, args.measures, args.periods, args.frequency, args.seed)
        print(f"wrote {args.out} in {time.perf_counter() - started:.1f} s")
    elif args.command == "run":
        run(args.size, args.root, with_pandas=not args.no_pandas)
    elif args.command == "pages":
        from scorecard.bench import pages as page_views

        page_views.report(page_views.run(args.views, args.sessions, args.load_rounds, args.port, args.through_proxy))
    else:
        print(json.dumps(_measure(args.what, args.size, args.root)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
