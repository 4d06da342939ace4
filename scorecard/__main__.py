"""Command line: ``python -m scorecard validate | build-data | evaluate``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scorecard import SEFTON, register


def _validate(args: argparse.Namespace) -> int:
    try:
        reg = register.load(args.path)
    except register.RegisterError as err:
        print(err, file=sys.stderr)
        print(f"{len(err.problems)} problem(s) in {args.path}", file=sys.stderr)
        return 1
    print(f"{args.path}: OK — {len(reg.themes)} themes, {len(reg.measures)} measures, {len(reg.datasets)} data sets")
    return 0


def _build_data(args: argparse.Namespace) -> int:
    from scorecard import build

    build.build(sources_dir=args.sources, data_dir=args.data_dir, register_path=args.register, progress=print)
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from scorecard import evaluate, output

    frame = evaluate.scorecard(area=args.area, period=args.period, data_dir=args.data_dir)
    sys.stdout.write(output.render(frame, args.format))
    return 0


def _export(args: argparse.Namespace) -> int:
    from scorecard import export

    def progress(fraction: float, message: str) -> None:
        print(f"[{fraction:4.0%}] {message}", flush=True)

    reg = register.load()
    themes = [t.id for t in reg.themes]
    if args.theme is not None and args.theme not in themes:
        print(f"unknown theme {args.theme!r}: choose one of {', '.join(themes)}", file=sys.stderr)
        return 2
    data = export.build_pack(args.format, period=args.period, theme=args.theme, progress=progress,
                             area=args.area, data_dir=args.data_dir, reg=reg)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Wrote {out} ({len(data):,} bytes)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m scorecard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("validate", help="check a KPI register file")
    check.add_argument("path", nargs="?", default=str(register.DEFAULT_PATH))
    check.set_defaults(run=_validate)

    build_cmd = commands.add_parser("build-data", help="build data/ from the public extracts")
    build_cmd.add_argument("--sources", default=None, help="data-sources folder (default: $SCORECARD_SOURCES or ../shared/data-sources)")
    build_cmd.add_argument("--data-dir", default=None, help="output folder (default: data/)")
    build_cmd.add_argument("--register", default=str(register.DEFAULT_PATH))
    build_cmd.set_defaults(run=_build_data)

    ev = commands.add_parser("evaluate", help="evaluate the scorecard for an area and period")
    ev.add_argument("--area", default=SEFTON)
    ev.add_argument("--period", default=None, help="reporting quarter, e.g. '2025/26 Q2' (default: latest)")
    ev.add_argument("--format", choices=("table", "csv", "json"), default="table")
    ev.add_argument("--data-dir", default=None)
    ev.set_defaults(run=_evaluate)

    exp = commands.add_parser("export", help="write the CPOR committee pack as Word, PDF or Excel")
    exp.add_argument("--period", default=None, help="reporting quarter, e.g. '2025/26 Q4' (default: latest)")
    exp.add_argument("--format", choices=("docx", "pdf", "xlsx"), required=True)
    exp.add_argument("--out", required=True, help="output file")
    exp.add_argument("--theme", default=None, help="one theme id only (default: all themes)")
    exp.add_argument("--area", default=SEFTON)
    exp.add_argument("--data-dir", default=None)
    exp.set_defaults(run=_export)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
