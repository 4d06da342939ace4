"""Command line: ``python -m scorecard validate | build-data | fetch-sources | sources | evaluate | export | ingest |
template | publish | targets | forecast-backtest``."""

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
    from scorecard.ingest import build, fetch

    try:
        build.build(sources_dir=args.sources, data_dir=args.data_dir, register_path=args.register, progress=print)
    except (FileNotFoundError, fetch.SourcesError) as err:
        print(err, file=sys.stderr)
        return 1
    return 0


def _fetch_sources(args: argparse.Namespace) -> int:
    from scorecard.ingest import fetch

    cache = Path(args.cache) if args.cache else None
    try:
        if args.make_bundle:
            url = fetch.read_lock().get("url", "") if fetch.LOCK.is_file() else ""
            out = Path(args.make_bundle) if args.make_bundle is not True else fetch.SHIPPED
            lock = fetch.make_bundle(Path(args.root), out, url)
            fetch.write_lock(lock)
            print(f"wrote {out}: {len(lock['files'])} files, sha256 {lock['bundle']['sha256']}")
            print(f"recorded in {fetch.LOCK.name}; commit both (or upload the bundle to the lock's url)")
        elif args.check:
            problems = fetch.differences(Path(args.check), fetch.read_lock())
            for problem in problems:
                print(problem)
            print(f"{args.check}: {'matches' if not problems else 'differs from'} {fetch.LOCK.name}")
            return 1 if problems else 0
        else:
            fetch.fetch(url=args.url, cache=cache, progress=print)
    except fetch.SourcesError as err:
        print(err, file=sys.stderr)
        return 1
    return 0


def _context(args: argparse.Namespace) -> register.Context:
    """The command's context: its ``--data-dir`` (default the app's data) and ``--area`` where it takes one."""
    return register.Context.of(args.data_dir, area=getattr(args, "area", SEFTON))


def _evaluate(args: argparse.Namespace) -> int:
    from scorecard.present import output, views
    from scorecard.store import storage

    ctx = _context(args)
    # one data version, even while an ingest or build commits
    frame = storage.consistent(ctx.folder, lambda: views.scorecard(ctx, args.period))
    sys.stdout.write(output.render(frame, args.format))
    return 0


def _export(args: argparse.Namespace) -> int:
    from scorecard import export
    from scorecard.store import storage

    def progress(fraction: float, message: str) -> None:
        print(f"[{fraction:4.0%}] {message}", flush=True)

    from scorecard.register import plan

    ctx = _context(args)
    reg = ctx.reg
    themes = [t.id for t in reg.themes]
    for asked in (args.theme, args.deep_dive):
        if asked is not None and asked not in themes:
            print(f"unknown theme {asked!r}: choose one of {', '.join(themes)}", file=sys.stderr)
            return 2
    scope = None
    for kind, ident in (("directorate", args.directorate), ("portfolio", args.portfolio)):
        if ident is None:
            continue
        known = [s.id for s in plan.scopes(reg, kind)]
        if ident not in known:
            print(f"unknown {kind} {ident!r}: choose one of {', '.join(known)}", file=sys.stderr)
            return 2
        scope = plan.scope(reg, kind, ident)
    sign_off = None
    if scope is None and args.theme is None:  # the council's CPOR says whether it is final for Cabinet
        from scorecard.evaluation import evaluate
        from scorecard.governance import workflow

        quarter = args.period or evaluate.latest_period(ctx).label
        sign_off = workflow.cpor_status(ctx, quarter)
    data = export.build_pack(
        ctx,
        args.format,
        period=args.period,
        theme=args.theme,
        progress=progress,
        scope=scope,
        full=args.full,
        deep_dive=args.deep_dive,
        sign_off=sign_off,
    )
    out = Path(args.out)
    storage.atomic_write(out, data)
    print(f"Wrote {out} ({len(data):,} bytes)")
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from scorecard import ingest
    from scorecard.governance import publish

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        print(f"file not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    result = ingest.ingest(
        _context(args),
        args.files,
        user=args.user,
        allow_partial=args.allow_partial,
        progress=lambda message: print(message, flush=True),
        dry_run=args.check,
        reported=publish.reported_years(args.data_dir),
    )
    for report in result.files:
        for issue in report.issues:
            print(issue, file=sys.stderr if issue.severity == "error" else sys.stdout)
        line = f"{report.file}: {report.outcome}"
        if report.outcome in ("loaded", "partial"):
            line += (
                f" as batch {report.batch_id} — {report.rows_accepted:,} rows accepted "
                f"({report.rows_revised:,} revisions), {report.rows_rejected:,} rejected"
            )
        if report.quarantine:
            line += f"; rejected rows written to {report.quarantine}"
        print(line)
    if not result.loaded and not args.check and any(r.errors for r in result.files):
        hint = "" if args.allow_partial else " (use --allow-partial to load the good rows and quarantine the rest)"
        print(f"nothing loaded: fix the errors above and load again{hint}", file=sys.stderr)
    return 0 if result.ok else 1


def _template(args: argparse.Namespace) -> int:
    from scorecard.ingest import templates
    from scorecard.store import storage

    reg = register.load()
    try:
        measures = templates.select(reg, measure=args.measure, theme=args.theme)
        table = templates.frame(args.kind, args.period, measures, reg, data_dir=args.data_dir)
    except KeyError as err:
        print(f"unknown measure or theme {err}", file=sys.stderr)
        return 2
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    fmt = args.format or ("xlsx" if str(args.out).lower().endswith(".xlsx") else "csv")
    data = templates.render(table, args.kind, fmt, args.period)
    out = Path(args.out)
    storage.atomic_write(out, data)
    print(f"Wrote {out}: {args.kind} template for {args.period}, {len(table)} rows ({fmt})")
    return 0


def _targets(args: argparse.Namespace) -> int:
    from scorecard.present import targets as shown
    from scorecard.register import targets
    from scorecard.store import ledger, text

    reg = register.load()
    try:
        year = targets.for_year(
            reg, targets.versions(reg, ledger.read(ledger.TARGET_VERSIONS, args.data_dir)), args.year
        )
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    table = shown.table(year, {t.id: t.title for t in reg.themes})
    fmt = args.format or ("xlsx" if str(args.out).lower().endswith(".xlsx") else "csv")
    title = f"Sefton Council — Corporate Plan measures: targets for {args.year}"
    data = (
        text.xlsx_bytes(table, f"Targets {args.year}".replace("/", "-"), title)
        if fmt == "xlsx"
        else text.csv_bytes(table)
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    counts = ", ".join(f"{n} {code}" for code, n in shown.counts(year).items())
    print(f"Wrote {out}: targets for {args.year}, {len(table)} measures ({counts})")
    return 0


def _forecast_backtest(args: argparse.Namespace) -> int:
    from scorecard.evaluation import forecast, year_end
    from scorecard.present import views

    tested = forecast.backtest(year_end.in_year_series(_context(args)))
    if tested.empty:
        print("no measure has two complete financial years of monthly or quarterly data to test on")
        return 1
    summary = views.backtest_summary(tested)
    print(
        f"{len(tested) // len(forecast.METHODS)} forecasts per method, {tested['measure_id'].nunique()} measures, "
        f"each past year forecast from its first 1, 2 and 3 quarters (3, 6, 9 months):"
    )
    print(summary.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    used = tested[tested["method"] == forecast.METHOD["year_end"]]
    per_measure = used.groupby("measure_id").agg(
        forecasts=("error", "size"), mae=("error", lambda e: e.abs().mean()), inside_80=("inside", "mean")
    )
    print(f"\nmethod in use: {forecast.METHOD}; per measure (MAE in the measure's unit):")
    print(per_measure.to_string(float_format=lambda x: f"{x:,.3f}"))
    return 0


def _publish(args: argparse.Namespace) -> int:
    from scorecard.governance import access, publish
    from scorecard.present import wording

    try:
        entry = publish.publish(
            _context(args),
            args.period,
            who=args.user,
            release_to_members=args.release_to_members,
        )
    except publish.PublishError as err:
        print(err, file=sys.stderr)
        return 2
    what = wording.PUBLICATION_STATE[access.RELEASED if args.release_to_members else access.PUBLISHED]
    card = entry["parts"]["card"]
    print(f"{what}: {entry['period']} — snapshot {card['file']} (data version {entry['data_version']})")
    return 0


def _who(args: argparse.Namespace) -> str:
    """Who runs a command that records a person: ``--user``, else $SCORECARD_USER, else the login name."""
    import os

    return args.user or os.environ.get("SCORECARD_USER") or os.environ.get("USER") or "unknown"


def _workflow(args: argparse.Namespace) -> int:
    from scorecard.governance import workflow

    try:
        kind, item = ("measure", args.measure) if args.measure else ("action", args.action)
        written = workflow.take(_context(args), args.step, item, args.period, _who(args), args.duty, args.reason, kind)
    except ValueError as err:  # WorkflowError, or a period label that does not parse
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{item}, {args.period}: {written['state'].replace('_', ' ')} (version {written['version']})")
    if "qa" in written:
        print("QA checklist: " + ("; ".join(written["qa"]) or "nothing needs attention"))
    return 0


def _scrutiny(args: argparse.Namespace) -> int:
    from scorecard.governance import recommendations
    from scorecard.store import text

    try:
        if args.do == "raise":
            kind, subject = next((k, getattr(args, k)) for k in recommendations.SUBJECTS if getattr(args, k))
            who, ctx = _who(args), _context(args)
            written = recommendations.raise_(ctx, args.period, kind, subject, args.kind, args.text, who, args.duty)
        elif args.do == "respond":
            written = recommendations.respond(_context(args), args.id, args.status, args.text, _who(args), args.duty)
        else:
            held = recommendations.for_role("officer", args.period, args.data_dir)
            if args.format == "csv":
                sys.stdout.write(text.csv_bytes(held).decode("utf-8"))
                return 0
            print(f"{len(held)} recommendation(s) and question(s) raised at or before {args.period}")
            for r in held.itertuples():
                print(f"  {r.rec_id:<6} {r.period:<11} {r.subject_kind} {r.subject_id}: {r.status.replace('_', ' ')}")
            return 0
    except (ValueError, StopIteration) as err:  # RecommendationError, or a period label that does not parse
        print(f"error: {err or 'name what it is about: --measure, --action or --theme'}", file=sys.stderr)
        return 2
    print(f"{written['rec_id']}: {written['status'].replace('_', ' ')} (version {written['version']})")
    return 0


def _calendar(args: argparse.Namespace) -> int:
    from scorecard.register import calendar

    try:
        events = calendar.year(register.load(), args.year)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for when, what in events:
        print(f"{f'{when:%B %Y}' if what.endswith('(month)') else f'{when:%a %d %b %Y}':<17}{what}")
    return 0


def _returns(args: argparse.Namespace) -> int:
    from datetime import date

    import pandas as pd

    from scorecard.governance import returns
    from scorecard.store import text

    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
        table = returns.status(_context(args), args.period, as_of)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    shown = table if args.all else returns.outstanding(table)
    if args.format == "csv":
        sys.stdout.write(text.csv_bytes(shown).decode("utf-8"))
        return 0
    waiting = returns.outstanding(table)
    overdue = int((waiting["days_overdue"] > 0).sum())
    print(
        f"{args.period} on {as_of:%d %b %Y}: {len(waiting)} of {len(table)} measures and priority actions "
        f"outstanding, {overdue} overdue"
    )
    for row in shown.itertuples():
        if pd.notna(row.next_step):
            late = f"{row.days_overdue} days overdue" if row.days_overdue > 0 else "not yet due"
            step = f"{row.next_step} by the {row.taken_by}, due {row.due:%d %b}"
        else:
            late, step = "", "signed off"
        print(f"  {row.item_kind:<8} {row.item_id:<48} {row.state:<10} {step:<48} {late:<18} {row.owner}")
    return 0


def _remind(args: argparse.Namespace) -> int:
    from datetime import date

    from scorecard.governance import reminders

    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
        period = args.period or reminders.next_period(as_of)
        smtp = None if args.dry_run else reminders.Smtp.from_env()
        boxes = {} if args.dry_run else reminders.mailboxes()
        items, outcome = reminders.remind(_context(args), period, as_of, smtp, boxes, _who(args))
    except ValueError as err:  # ReminderError, or a date or period that does not parse
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.dry_run:
        print(f"{period} on {as_of:%d %b %Y}: would send {len(items)} item(s) to {items['mailbox'].nunique()} post(s)")
        for row in items.itertuples():
            print(f"  {row.kind:<14} {row.mailbox:<60} {row.item_id} ({row.step.replace('_', ' ')})")
        return 0
    for mailbox, count in outcome.sent:
        print(f"sent {count} item(s) to {mailbox}")
    for mailbox, why in outcome.not_sent:
        print(f"not sent to {mailbox}: {why}", file=sys.stderr)
    return 1 if outcome.not_sent else 0


def _reseal(args: argparse.Namespace) -> int:
    from scorecard.store import storage

    who = _who(args)
    data_dir = args.data_dir or storage.default_data_dir()
    try:
        differed = storage.reseal(data_dir, who, args.reason)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"Re-sealed {data_dir} as it is now; recorded in the audit log with the reason given.")
    for what in differed or ["nothing differed from the last commit's record"]:
        print(f"  {what}")
    return 0


def _audit_sample(args: argparse.Namespace) -> int:
    from scorecard.governance import audit_sample
    from scorecard.store import storage

    try:
        workbook, title, drawn = audit_sample.book(_context(args), args.year, args.size, args.seed)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    storage.atomic_write(out, workbook)
    print(f"Wrote {out}: {title}")
    for measure_id in drawn:
        print(f"  {measure_id}")
    return 0


def _sources(args: argparse.Namespace) -> int:
    from datetime import date

    from scorecard.present import views

    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    table = views.sources_summary(_context(args), as_of)
    if args.format == "csv":
        sys.stdout.write(table.to_csv(index=False))
    else:
        headers = {
            "dataset": "data set",
            "rows": "rows",
            "latest_period": "latest period",
            "next_release": "next expected release",
            "licence": "licence",
        }
        cells = [list(headers.values())] + [
            [str(v) for v in row] for row in table[list(headers)].itertuples(index=False)
        ]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        for row in cells:
            print(
                "  ".join(
                    cell.rjust(w) if i == 1 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))
                ).rstrip()
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m scorecard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("validate", help="check a KPI register file")
    check.add_argument("path", nargs="?", default=str(register.DEFAULT_PATH))
    check.set_defaults(run=_validate)

    build_cmd = commands.add_parser("build-data", help="build data/ from the public extracts")
    build_cmd.add_argument(
        "--sources", default=None, help="data-sources folder (default: $SCORECARD_SOURCES or ../shared/data-sources)"
    )
    build_cmd.add_argument("--data-dir", default=None, help="output folder (default: data/)")
    build_cmd.add_argument("--register", default=str(register.DEFAULT_PATH))
    build_cmd.set_defaults(run=_build_data)

    fetch_cmd = commands.add_parser(
        "fetch-sources", help="get the public extracts (when ../shared/data-sources is absent), checked by sha256"
    )
    fetch_cmd.add_argument(
        "--url", default=None, help="bundle address (default: $SCORECARD_SOURCES_URL, else the lock's)"
    )
    fetch_cmd.add_argument("--cache", default=None, help="where to keep them (default: .sources-cache/)")
    fetch_cmd.add_argument(
        "--check",
        metavar="DIR",
        default=None,
        help="compare a folder holding data-sources/ and reference/ with the lock",
    )
    fetch_cmd.add_argument(
        "--make-bundle",
        metavar="OUT",
        nargs="?",
        const=True,
        default=None,
        help="maintainers: write the bundle of --root (default: the shipped data/data-sources.tar.gz) and record it "
        "in the lock",
    )
    fetch_cmd.add_argument(
        "--root",
        default=str(Path(__file__).resolve().parents[2] / "shared"),
        help="folder holding data-sources/ and reference/ (for --make-bundle)",
    )
    fetch_cmd.set_defaults(run=_fetch_sources)

    ev = commands.add_parser("evaluate", help="evaluate the scorecard for an area and period")
    ev.add_argument("--area", default=SEFTON)
    ev.add_argument("--period", default=None, help="reporting quarter, e.g. '2025/26 Q2' (default: latest)")
    ev.add_argument("--format", choices=("table", "csv", "json"), default="table")
    ev.add_argument("--data-dir", default=None)
    ev.set_defaults(run=_evaluate)

    exp = commands.add_parser(
        "export", help="write the CPOR committee pack, or a directorate's or portfolio's QSR, as Word, PDF or Excel"
    )
    exp.add_argument("--period", default=None, help="reporting quarter, e.g. '2025/26 Q4' (default: latest)")
    exp.add_argument("--format", choices=("docx", "pdf", "xlsx"), required=True)
    exp.add_argument("--out", required=True, help="output file")
    scoped = exp.add_mutually_exclusive_group()
    scoped.add_argument("--theme", default=None, help="one theme id only (default: all themes)")
    scoped.add_argument("--directorate", default=None, help="a directorate's Quarterly Service Report (QSR)")
    scoped.add_argument("--portfolio", default=None, help="a Cabinet portfolio's Quarterly Service Report (QSR)")
    exp.add_argument(
        "--full", action="store_true", help="every theme in full with definitions (default: the compact CPOR)"
    )
    exp.add_argument(
        "--deep-dive", default=None, help="the theme id of the CPOR's deep dive (default: suggested from releases)"
    )
    exp.add_argument("--area", default=SEFTON)
    exp.add_argument("--data-dir", default=None)
    exp.set_defaults(run=_export)

    ing = commands.add_parser("ingest", help="validate and load council returns (CSV or XLSX)")
    ing.add_argument("files", nargs="+", metavar="FILE")
    ing.add_argument(
        "--allow-partial", action="store_true", help="load the good rows; rejected rows go to data/quarantine/"
    )
    ing.add_argument("--user", default=None, help="who is loading (default: $SCORECARD_USER or login name)")
    ing.add_argument("--check", action="store_true", help="validate only, write nothing")
    ing.add_argument("--data-dir", default=None)
    ing.set_defaults(run=_ingest)

    tpl = commands.add_parser("template", help="write a pre-filled return template")
    which = tpl.add_mutually_exclusive_group(required=True)
    which.add_argument("--measure", default=None)
    which.add_argument("--theme", default=None)
    which.add_argument("--all", action="store_true")
    tpl.add_argument("--period", required=True, help="reporting quarter, e.g. '2025/26 Q2'")
    tpl.add_argument(
        "--kind", choices=("figures", "targets", "commentary", "actions", "finance", "risks"), default="figures"
    )
    tpl.add_argument("--format", choices=("csv", "xlsx"), default=None, help="default: from --out's extension")
    tpl.add_argument("--out", required=True)
    tpl.add_argument("--data-dir", default=None)
    tpl.set_defaults(run=_template)

    fb = commands.add_parser("forecast-backtest", help="forecast every past year from part of it: errors and coverage")
    fb.add_argument("--area", default=SEFTON)
    fb.add_argument("--data-dir", default=None)
    fb.set_defaults(run=_forecast_backtest)

    pub = commands.add_parser("publish", help="freeze a quarter's scorecard: publish it (or release it to members)")
    pub.add_argument("--period", required=True, help="reporting quarter, e.g. '2025/26 Q4'")
    pub.add_argument(
        "--release-to-members",
        action="store_true",
        help="release to councillors ahead of the meeting instead of publishing",
    )
    pub.add_argument("--user", default=None, help="who is publishing (default: $SCORECARD_USER or login name)")
    pub.add_argument("--area", default=SEFTON)
    pub.add_argument("--data-dir", default=None)
    pub.set_defaults(run=_publish)

    seal = commands.add_parser(
        "reseal",
        help="BI administrators, after an investigation: accept data/ as it now is (audited) when an integrity "
        "check failed",
    )
    seal.add_argument("--reason", required=True, help="what was investigated and why the files are accepted")
    seal.add_argument("--user", default=None, help="who re-seals (default: $SCORECARD_USER or login name)")
    seal.add_argument("--data-dir", default=None)
    seal.set_defaults(run=_reseal)

    tgt = commands.add_parser("targets", help="list every measure's target for a financial year (CSV or XLSX)")
    tgt.add_argument("--year", required=True, help="financial year, e.g. '2026/27'")
    tgt.add_argument("--out", required=True, help="output file (.csv or .xlsx)")
    tgt.add_argument("--format", choices=("csv", "xlsx"), default=None, help="default: from --out's extension")
    tgt.add_argument("--data-dir", default=None)
    tgt.set_defaults(run=_targets)

    flow = commands.add_parser(
        "workflow",
        help="a measure's or priority action's quarter: submit (data owner), check (BI), sign off (Assistant Director)",
    )
    flow.add_argument("step", choices=("submit", "check", "sign_off", "step_back", "not_signed_off"))
    flow_item = flow.add_mutually_exclusive_group(required=True)
    flow_item.add_argument("--measure", default=None, help="a measure's register id")
    flow_item.add_argument("--action", default=None, help="a priority action's register id (its quarterly update)")
    flow.add_argument("--period", required=True, help="reporting quarter, e.g. '2025/26 Q4'")
    flow.add_argument(
        "--duty",
        required=True,
        help="data_owner, bi or assistant_director, optionally bound: assistant_director:children_education",
    )
    flow.add_argument("--reason", default="", help="why (needed for a step back or not_signed_off)")
    flow.add_argument("--user", default=None, help="who takes the step (default: $SCORECARD_USER or login name)")
    flow.add_argument("--data-dir", default=None)
    flow.set_defaults(run=_workflow)

    scr = commands.add_parser("scrutiny", help="Overview and Scrutiny's recommendations and the owners' responses")
    scr_do = scr.add_subparsers(dest="do", required=True)
    rai = scr_do.add_parser("raise", help="record a recommendation or question (a scrutiny member)")
    rai.add_argument("--period", required=True, help="the CPOR quarter scrutinised, e.g. '2025/26 Q4'")
    about = rai.add_mutually_exclusive_group(required=True)
    for subject in ("measure", "action", "theme"):
        about.add_argument(f"--{subject}", default=None, help=f"the register id of the {subject}")
    rai.add_argument("--kind", choices=("recommendation", "question"), default="recommendation")
    rai.add_argument("--text", required=True)
    rai.add_argument("--duty", required=True, choices=("scrutiny",))
    res = scr_do.add_parser("respond", help="the owner's response and status (an Assistant or Executive Director)")
    res.add_argument("id", help="e.g. SR-3")
    res.add_argument("--status", required=True, choices=("accepted", "rejected", "in_progress", "done"))
    res.add_argument("--text", required=True, help="the response")
    res.add_argument(
        "--duty", required=True, help="assistant_director or executive_director, optionally bound to a directorate"
    )
    lst = scr_do.add_parser("list", help="every recommendation raised at or before a quarter, as it stands")
    lst.add_argument("--period", required=True)
    lst.add_argument("--format", choices=("table", "csv"), default="table")
    for sub in (rai, res, lst):
        sub.add_argument("--user", default=None, help="who records it (default: $SCORECARD_USER or login name)")
        sub.add_argument("--data-dir", default=None)
    scr.set_defaults(run=_scrutiny)

    cal = commands.add_parser("calendar", help="a financial year's return, QA, sign-off and Cabinet dates")
    cal.add_argument("--year", required=True, help="financial year, e.g. '2025/26'")
    cal.set_defaults(run=_calendar)

    ret = commands.add_parser("returns", help="what a quarter still owes: each measure's next step, who, when due")
    ret.add_argument("--period", required=True, help="reporting quarter, e.g. '2025/26 Q4'")
    ret.add_argument("--as-of", default=None, help="the date overdue is counted on (default: today)")
    ret.add_argument("--all", action="store_true", help="every measure, signed off ones too")
    ret.add_argument("--format", choices=("table", "csv"), default="table", help="csv: the chase list to send")
    ret.add_argument("--data-dir", default=None)
    ret.set_defaults(run=_returns)

    rem = commands.add_parser("remind", help="email the posts whose steps are due or overdue (run from a scheduler)")
    rem.add_argument("--period", default=None, help="reporting quarter (default: the one going to Cabinet next)")
    rem.add_argument("--as-of", default=None, help="the date counted from (default: today)")
    rem.add_argument("--dry-run", action="store_true", help="print what would be sent; send and record nothing")
    rem.add_argument("--user", default=None, help="recorded as the sender (default: $SCORECARD_USER or login name)")
    rem.add_argument("--data-dir", default=None)
    rem.set_defaults(run=_remind)

    aud = commands.add_parser(
        "audit-sample", help="the Audit team's yearly sample of KPIs, drawn reproducibly, with each figure's lineage"
    )
    aud.add_argument("--year", required=True, help="financial year, e.g. '2025/26'")
    aud.add_argument("--size", type=int, default=10)
    aud.add_argument("--seed", type=int, required=True, help="the same seed draws the same sample")
    aud.add_argument("--out", required=True, help="output workbook (.xlsx): the sample, then a sheet per figure")
    aud.add_argument("--area", default=SEFTON)
    aud.add_argument("--data-dir", default=None)
    aud.set_defaults(run=_audit_sample)

    src = commands.add_parser("sources", help="each data set: rows, latest period, next expected release, licence")
    src.add_argument("--as-of", default=None, help="date the next release is counted from (default: today)")
    src.add_argument("--format", choices=("table", "csv"), default="table")
    src.add_argument("--data-dir", default=None)
    src.set_defaults(run=_sources)

    args = parser.parse_args(argv)
    from scorecard.governance import audit
    from scorecard.store import chain, storage

    try:
        return args.run(args)
    except storage.WriteError as err:  # disk full, read-only or no permission: one line, data intact
        print(f"error: {err}", file=sys.stderr)
        return 1
    except (audit.IntegrityError, chain.ChainError) as err:
        print(f"integrity check failed: {str(err).removeprefix('integrity check failed: ')}", file=sys.stderr)
        print(
            "nothing was written; restore data/ from a backup, or ask the BI team to investigate "
            "(then `python -m scorecard reseal --reason ...`)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
