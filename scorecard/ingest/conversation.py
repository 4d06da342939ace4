"""Returns of the performance conversation — commentary and corrective action, annual-action updates,
targets, and the finance (revenue budget monitoring) and risks reported beside performance — checked row by row
like figures (each problem names file, sheet, row and column, and a file with
any error loads nothing) and loaded as new versions in the ledger (:mod:`scorecard.store.ledger`): nothing
is ever overwritten. The same row checks validate what officers write in the app.

Commentary is text: it is stored as written (only line endings are normalised) and every page and pack
shows it as literal text.
"""

from __future__ import annotations

import difflib
import re
import typing
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

import pandas as pd

from scorecard.evaluation.judgements import budget, risk
from scorecard.ingest.reader import Table
from scorecard.ingest.validate import Context, Issue, Validated, implausible, parse_number
from scorecard.register import Measure, Register, targets
from scorecard.register.definitions import TargetBasis
from scorecard.store import frames, ledger, periods
from scorecard.store import text as text_rules

KINDS = ("commentary", "actions", "targets", "finance", "risks")
ACTION_STATUSES = ("RED", "AMBER", "GREEN", "BLUE", "NEW")
"""The council's key for annual actions (seed 000, lines 1–9): RED at risk of not being completed, AMBER
delayed, GREEN progressing as planned, BLUE complete, NEW identified in this update."""
MAX_LENGTH = {
    "narrative": 4000,
    "corrective_action": 2000,
    "action_owner": 120,
    "author": 120,
    "rationale": 2000,
    "approved_by": 120,
    "commentary": 4000,
    "reference": 300,
    "title": 300,
    "owner_role": 120,
    "mitigation": 2000,
    "going_well": 1500,
    "going_badly": 1500,
    "being_done": 1500,
}
"""Characters a text cell may hold (a CPOR exception is read in a minute, not a page)."""
EDITABLE = {
    "commentary": ("narrative", "corrective_action", "action_owner", "due_date"),
    "actions": ("status", "percent_complete", "narrative"),
    "targets": ("target", "basis", "tolerance", "rationale", "approved_by", "approved_on"),
    "finance": ("budget", "forecast_outturn", "variance", "commentary"),
    "risks": ("likelihood", "impact", "score", "mitigation"),
}
"""The cells an officer fills in: a row with all of them blank is a template row left blank, not an error."""
LEDGER = {
    "commentary": ledger.COMMENTARY,
    "actions": ledger.ACTION_UPDATES,
    "targets": ledger.TARGET_VERSIONS,
    "finance": ledger.FINANCE,
    "risks": ledger.RISKS,
    "key_messages": ledger.KEY_MESSAGES,
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y")
_YES, _NO = ("yes", "y", "true", "1", "illustrative"), ("", "no", "n", "false", "0")
RISK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,29}$")
"""A risk's id in the council's risk register (e.g. CRR-07): letters, digits, ``_ . -``, at most 30."""
LINK_SEPARATOR = re.compile(r"[;,\s]+")
MAX_MONEY = 1000.0
"""The largest £m a service line's budget, forecast or variance may be (Sefton's largest, Adult Social Care, is
£121.7m of a £301m net budget, seed 001 ~2354): beyond it is a figure in pounds, or nonsense."""

Problems = list[tuple[str, str]]
KEY_MESSAGE_FIELDS = {
    "going_well": "message on what is going well",
    "going_badly": "message on what is going badly",
    "being_done": "message on what is being done",
}
"""The front sheet's key messages (:mod:`scorecard.present.front_sheet`) → what is missing when one is blank."""


def parse_date(text: str) -> date | None:
    """A date written as ``2026-02-12``, ``12/02/2026`` or ``12 February 2026``; None when it is none."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def clean_text(row: dict, column: str, problems: Problems, required: str = "") -> str:
    """A text cell: line endings normalised (Excel's vertical tab is a line break), no other control
    characters, at most :data:`MAX_LENGTH`; ``required`` says what is missing when it is blank."""
    text = str(row.get(column) or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").strip()
    bad = text_rules.CONTROL.search(text)
    if bad:
        problems.append(
            (column, f"contains a control or text-direction character (U+{ord(bad.group()):04X}); remove it")
        )
    limit = MAX_LENGTH.get(column)
    if limit and len(text) > limit:
        problems.append((column, f"is {len(text):,} characters long; at most {limit:,} are allowed — shorten it"))
    if not visible(text):
        text = ""  # only spaces or invisible characters (e.g. zero-width spaces): nothing was written
    if required and not text:
        problems.append((column, f"no {required}"))
    return text


def visible(text: str) -> bool:
    """True when ``text`` holds a character a reader can see (not only spaces or format characters such as
    U+200B zero-width space, which would otherwise count as commentary)."""
    return any(not (ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp")) for ch in text)


def _date(row: dict, column: str, problems: Problems, today: date | None = None) -> str:
    text = str(row.get(column) or "").strip()
    if not text:
        return ""
    day = parse_date(text)
    if day is None:
        problems.append((column, f"{text!r} is not a date; write it as 2026-02-12 or 12/02/2026"))
        return ""
    if today is not None and day > today:
        problems.append((column, f"{day.isoformat()} is after today ({today.isoformat()})"))
    return day.isoformat()


def _quarter(row: dict, problems: Problems, today: date) -> str:
    label = str(row.get("period") or "").strip()
    if not label:
        problems.append(("period", "no period; expected a reporting quarter like '2025/26 Q2'"))
        return ""
    try:
        period = periods.parse_label(label)
    except ValueError as err:
        problems.append(("period", str(err)))
        return ""
    if period.kind != "quarter":
        problems.append(("period", f"{label!r} is not a reporting quarter; expected a label like '2025/26 Q2'"))
        return ""
    if period.start > today:
        problems.append(("period", f"{period.label} has not started yet (it starts on {period.start.isoformat()})"))
    return period.label


def _known(row: dict, column: str, known, problems: Problems, what: str):
    """The register item named in ``column`` (None, with a problem, when unknown)."""
    ident = str(row.get(column) or "").strip()
    if not ident:
        problems.append((column, f"no {what} id"))
        return None
    if ident in known:
        return known[ident]
    close = difflib.get_close_matches(ident, list(known), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    problems.append((column, f"unknown {what} {ident!r}{hint}; expected an id from kpi_definitions.yaml"))
    return None


def _flag(row: dict, problems: Problems) -> bool:
    text = str(row.get("illustrative") or "").strip().lower()
    if text in _YES:
        return True
    if text not in _NO:
        problems.append(("illustrative", f"{text!r} is not yes or no"))
    return False


def check_commentary(row: dict, reg: Register, today: date) -> tuple[dict, Problems, Problems]:
    """One commentary row → (values, problems, warnings)."""
    problems: Problems = []
    measure = _known(row, "measure_id", {m.id: m for m in reg.measures}, problems, "measure")
    values = {
        "measure_id": measure.id if measure else "",
        "period": _quarter(row, problems, today),
        "narrative": clean_text(row, "narrative", problems, "narrative; say what happened and why"),
        "corrective_action": clean_text(row, "corrective_action", problems),
        "action_owner": clean_text(row, "action_owner", problems),
        "due_date": _date(row, "due_date", problems),
        "author": clean_text(row, "author", problems),
        "illustrative": _flag(row, problems),
    }
    return values, problems, []


def check_key_messages(row: dict, reg: Register, today: date) -> tuple[dict, Problems, Problems]:
    """The CPOR front sheet's three key messages for a quarter, as written by BI (all three needed)."""
    problems: Problems = []
    values = {"period": _quarter(row, problems, today), "illustrative": False}
    for column, what in KEY_MESSAGE_FIELDS.items():
        values[column] = clean_text(row, column, problems, required=what)
    return values, problems, []


def check_action_update(row: dict, reg: Register, today: date) -> tuple[dict, Problems, Problems]:
    """One annual-action update → (values, problems, warnings)."""
    problems: Problems = []
    warnings: Problems = []
    action = _known(row, "action_id", {a.id: a for a in reg.priority_actions}, problems, "priority action")
    status = str(row.get("status") or "").strip().upper()
    if status not in ACTION_STATUSES:
        problems.append(
            ("status", f"{row.get('status')!r} is not a status; expected one of {', '.join(ACTION_STATUSES)}")
        )
    text = str(row.get("percent_complete") or "").strip().removesuffix("%").strip()
    percent = parse_number(text) if text else None
    if not text:
        problems.append(("percent_complete", "no % complete; expected a number from 0 to 100"))
    elif percent is None:
        problems.append(("percent_complete", f"expected a number from 0 to 100, got {row.get('percent_complete')!r}"))
    elif not 0 <= percent <= 100:
        problems.append(("percent_complete", f"{percent:g} is outside 0–100"))
    elif status == "BLUE" and percent < 100:
        warnings.append(("percent_complete", f"status BLUE (complete) but {percent:g}% complete"))
    values = {
        "action_id": action.id if action else "",
        "period": _quarter(row, problems, today),
        "status": status,
        "percent_complete": percent,
        "narrative": clean_text(row, "narrative", problems, "narrative; say what progress was made"),
        "author": clean_text(row, "author", problems),
        "illustrative": _flag(row, problems),
    }
    return values, problems, warnings


def check_target(row: dict, reg: Register, today: date) -> tuple[dict, Problems, Problems]:
    """One target → (values, problems, warnings): a value (fixed) or a basis, for a financial year."""
    problems: Problems = []
    measure = _known(row, "measure_id", {m.id: m for m in reg.measures}, problems, "measure")
    if measure is not None and measure.info_type == "contextual":
        problems.append(
            ("measure_id", f"{measure.id} is a contextual indicator; contextual indicators are never target-set")
        )
    elif measure is not None and measure.polarity == "no_judgement":
        problems.append(
            ("measure_id", f"{measure.id} has no polarity (no_judgement), so it cannot be rated against a target")
        )
    year = str(row.get("financial_year") or "").strip()
    try:
        fy = periods.parse_label(year) if year else None
    except ValueError:
        fy = None
    if fy is None or fy.kind != "financial_year":
        problems.append(("financial_year", f"{year!r} is not a financial year; expected a label like '2026/27'"))
    elif fy.end < today:
        problems.append(
            (
                "financial_year",
                f"{fy.label} ended on {fy.end:%d %B %Y}: its quarters have been reported to Cabinet, so its target "
                f"cannot change now (set the target of {periods.financial_year(fy.seq + 1).label} or later)",
            )
        )
    bases = typing.get_args(TargetBasis)
    value_text = str(row.get("target") or "").strip()
    basis = str(row.get("basis") or "").strip().lower() or ("fixed" if value_text else "")
    value = parse_number(value_text.removesuffix("%").strip()) if value_text else None
    if basis not in bases:
        problems.append(
            ("basis", f"{row.get('basis')!r} is not a basis; give a target value, or one of {', '.join(bases[1:])}")
        )
    elif basis == "fixed" and value is None:
        problems.append(("target", f"expected a number, got {value_text!r}" if value_text else "no target value"))
    elif basis != "fixed" and value_text:
        problems.append(("target", f"a {basis} target is derived from the benchmark; leave the target blank"))
    if value is not None and measure is not None and (why := implausible(measure, value)):
        problems.append(("target", why))
    tolerance_text = str(row.get("tolerance") or "").strip()
    tolerance = parse_number(tolerance_text) if tolerance_text else 0.0
    if tolerance is None or tolerance < 0:
        problems.append(("tolerance", f"expected a number of 0 or more, got {tolerance_text!r}"))
    approved_by = clean_text(row, "approved_by", problems)
    approved_on = _date(row, "approved_on", problems, today)
    if bool(approved_by) != bool(approved_on) and not any(c == "approved_on" for c, _ in problems):
        missing = "approved_on" if approved_by else "approved_by"
        problems.append((missing, "give who approved the target and when, both or neither (neither = proposed)"))
    values = {
        "measure_id": measure.id if measure else "",
        "financial_year": fy.label if fy is not None and fy.kind == "financial_year" else "",
        "basis": basis,
        "value": value if basis == "fixed" else None,
        "tolerance": tolerance,
        "rationale": clean_text(row, "rationale", problems, "rationale; say why this target (the council's reason)"),
        "approved_by": approved_by,
        "approved_on": approved_on,
        "illustrative": False,
    }
    return values, problems, []


def _money(row: dict, column: str, problems: Problems, required: bool = True) -> float | None:
    """A £m figure (may be negative: a service line can be net income); None when blank or not a number."""
    text = str(row.get(column) or "").strip().removeprefix("£").removesuffix("m").strip()
    if not text:
        if required:
            problems.append((column, "no figure; give £ million, e.g. 121.738"))
        return None
    value = parse_number(text)
    if value is None:
        problems.append((column, f"expected £ million as a number (e.g. 121.738), got {row.get(column)!r}"))
    elif abs(value) > MAX_MONEY:
        problems.append(
            (
                column,
                f"£{value:,.3f}m is not plausible for one service line (at most £{MAX_MONEY:,.0f}m either way); "
                "figures are in £ million — write £121,738,000 as 121.738",
            )
        )
        return None
    return value


def check_finance(row: dict, reg: Register, today: date) -> tuple[dict, Problems, Problems]:
    """One service line's revenue budget monitoring for a quarter → (values, problems, warnings). The variance
    is forecast outturn − budget (:func:`scorecard.evaluation.judgements.budget.variance`); one given must agree."""
    problems: Problems = []
    line = _known(row, "service_line", {s.id: s for s in reg.service_lines}, problems, "budget service line")
    amount, forecast = _money(row, "budget", problems), _money(row, "forecast_outturn", problems)
    given = _money(row, "variance", problems, required=False)
    computed = float(budget.variance(amount, forecast)[0]) if amount is not None and forecast is not None else None
    if given is not None and computed is not None and not budget.consistent(given, amount, forecast)[0]:
        problems.append(
            ("variance", f"{given:g} is not forecast_outturn − budget ({computed:.3f}); correct it or leave it blank")
        )
    elif computed is not None and abs(computed) > MAX_MONEY:  # each figure plausible, their difference not
        problems.append(
            (
                "variance",
                f"forecast_outturn − budget is £{computed:,.3f}m, not plausible for one service line (at most "
                f"£{MAX_MONEY:,.0f}m either way); check both figures are in £ million",
            )
        )
        computed = None
    values = {
        "service_line": line.id if line else "",
        "period": _quarter(row, problems, today),
        "budget": amount,
        "forecast_outturn": forecast,
        "variance": round(computed, 6) if computed is not None else None,
        "commentary": clean_text(row, "commentary", problems),
        "reference": clean_text(row, "reference", problems),
        "author": clean_text(row, "author", problems),
        "illustrative": _flag(row, problems),
    }
    return values, problems, []


def _links(row: dict, column: str, known: dict, problems: Problems, what: str) -> str:
    """Ids separated by ``;`` (or commas or spaces), each known to the register, joined with ``"; "``."""
    found = []
    for ident in (i for i in LINK_SEPARATOR.split(str(row.get(column) or "").strip()) if i):
        if _known({column: ident}, column, known, problems, what) is not None and ident not in found:
            found.append(ident)
    return "; ".join(found)


def _level(row: dict, column: str, scale: int, problems: Problems) -> int | None:
    text = str(row.get(column) or "").strip()
    value = parse_number(text) if text else None
    if value is None or value != int(value) or not 1 <= value <= scale:
        problems.append((column, f"expected a whole number from 1 to {scale}, got {text!r}"))
        return None
    return int(value)


def check_risk(row: dict, reg: Register, today: date) -> tuple[dict, Problems, Problems]:
    """One risk as reviewed in a quarter → (values, problems, warnings): likelihood and impact on the register's
    scale, the score their product (:func:`scorecard.evaluation.judgements.risk.score`), and at least one linked
    measure or priority action so the risk can be shown beside them."""
    problems: Problems = []
    ident = str(row.get("risk_id") or "").strip()
    if not RISK_ID.match(ident):
        problems.append(("risk_id", f"{ident!r} is not a risk id; use the risk register's, e.g. CRR-07"))
    scale = reg.risk_policy.scale
    likelihood, impact = _level(row, "likelihood", scale, problems), _level(row, "impact", scale, problems)
    scored = int(risk.score(likelihood, impact)[0]) if likelihood and impact else None
    given = str(row.get("score") or "").strip()
    if given and scored is not None and parse_number(given) != scored:
        problems.append(("score", f"{given!r} is not likelihood × impact ({scored}); correct it or leave it blank"))
    measures = _links(row, "linked_measures", {m.id: m for m in reg.measures}, problems, "measure")
    actions = _links(row, "linked_actions", {a.id: a for a in reg.priority_actions}, problems, "priority action")
    if not measures and not actions and not any(c.startswith("linked_") for c, _ in problems):
        problems.append(
            ("linked_measures", "link the risk to at least one measure or priority action, so it is shown beside them")
        )
    values = {
        "risk_id": ident,
        "period": _quarter(row, problems, today),
        "title": clean_text(row, "title", problems, "title; say what might happen"),
        "owner_role": clean_text(
            row, "owner_role", problems, "owner_role; give the post that owns the risk (never a person's name)"
        ),
        "likelihood": likelihood,
        "impact": impact,
        "score": scored,
        "measures": measures,
        "actions": actions,
        "mitigation": clean_text(row, "mitigation", problems),
        "reference": clean_text(row, "reference", problems),
        "author": clean_text(row, "author", problems),
        "illustrative": _flag(row, problems),
    }
    return values, problems, []


CHECKS: dict[str, Callable[[dict, Register, date], tuple[dict, Problems, Problems]]] = {
    "commentary": check_commentary,
    "actions": check_action_update,
    "targets": check_target,
    "finance": check_finance,
    "risks": check_risk,
}
KEY = {
    "commentary": ("measure_id", "period"),
    "actions": ("action_id", "period"),
    "targets": ("measure_id", "financial_year"),
    "finance": ("service_line", "period"),
    "risks": ("risk_id", "period"),
}


PERCENT_COLUMNS = {"actions": ("percent_complete",), "targets": ("target", "tolerance")}
"""Cells read as a percentage when Excel formats them so: % complete always, a target and its tolerance when
the measure is a percentage."""


def _as_shown(row: dict, number: int, table: Table, measures: dict[str, Measure]) -> dict:
    """The row as the officer saw it: an XLSX cell formatted as a percentage (Excel keeps 50% as 0.5) read as
    50, the way the figures return reads one (:func:`scorecard.ingest.validate.validate`)."""
    columns = [c for c in PERCENT_COLUMNS.get(table.kind, ()) if (number, c) in table.percent_cells]
    if table.kind == "targets":
        measure = measures.get(str(row.get("measure_id") or "").strip())
        columns = columns if measure is not None and measure.unit == "percent" else []
    shown = dict(row)
    for column in columns:
        value = parse_number(str(row[column]))
        if value is not None:
            shown[column] = repr(round(value * 100, 10))
    return shown


def validate(table: Table, ctx: Context) -> Validated:
    """Check every row of a commentary, actions or targets return; never raises on bad content."""
    kind = table.kind
    issues: list[Issue] = []
    rejected: dict[int, list[str]] = {}
    good: list[dict] = []
    seen: dict[tuple, int] = {}
    skipped = 0
    for row, number in zip(table.rows, table.numbers):
        if not any(str(row.get(c) or "").strip() for c in EDITABLE[kind]):
            skipped += 1
            continue
        row = _as_shown(row, number, table, ctx.measures)
        values, problems, warnings = CHECKS[kind](row, ctx.reg, ctx.today)
        if kind == "targets" and values["financial_year"] in ctx.reported:
            problems.append(
                (
                    "financial_year",
                    f"a quarter of {values['financial_year']} has been released to members or published: its "
                    "target is what was reported and cannot change now",
                )
            )
        if kind == "targets" and values["approved_by"] and not ctx.may_approve:
            problems.append(
                (
                    "approved_by",
                    "only a BI administrator records a target's approval; leave approved_by and approved_on "
                    "blank to propose this target",
                )
            )
        key = tuple(values[k] for k in KEY[kind])
        if all(key):
            if key in seen:
                problems.append((KEY[kind][1], f"duplicate: {' '.join(key)} is already given in row {seen[key]}"))
            else:
                seen[key] = number
        issues.extend(Issue("warning", table.file, table.sheet, number, c, m) for c, m in warnings)
        if problems:
            rejected[number] = [f"{c}: {m}" for c, m in problems]
            issues.extend(Issue("error", table.file, table.sheet, number, c, m) for c, m in problems)
        else:
            good.append(values)
    if skipped:
        issues.append(
            Issue("warning", table.file, table.sheet, None, None, f"{skipped} blank template row(s) were skipped")
        )
    if not good and not rejected:
        issues.append(
            Issue("error", table.file, table.sheet, None, EDITABLE[kind][0], "nothing to load: every row is blank")
        )
    return Validated(pd.DataFrame(good), issues, rejected, skipped)


def new_rows(kind: str, accepted: pd.DataFrame, user: str, written_at: str, batch_id: str, source: str) -> list[dict]:
    """Accepted rows as ledger versions: written by ``user`` (unless a row names its author) at ``written_at``."""
    rows = []
    for values in frames.records(accepted):
        row = {**values, "written_at": written_at, "source": source, "batch_id": batch_id}
        if kind == "targets":
            row["set_by"] = user if values["approved_by"] else f"{user} (proposed)"  # who loaded it, never "Cabinet"
        else:
            row["author"] = values.get("author") or user
        if kind == "commentary":
            row["auto_drafted"] = bool(values.get("auto_drafted", False))
        rows.append(row)
    return rows


def stage(reports: list, data_dir, reg: Register, user: str, loaded_at: str) -> dict[str, pd.DataFrame]:
    """The ledger tables with every report's rows added (and ``targets`` re-derived when targets changed),
    ready for one journalled commit; each report is a :class:`scorecard.ingest.load.FileReport`."""
    tables: dict[str, pd.DataFrame] = {}
    batches = []
    for report in reports:
        name = LEDGER[report.kind]
        held = tables[name] if name in tables else ledger.read(name, data_dir)
        rows = new_rows(report.kind, report.accepted, user, loaded_at, report.batch_id, "return")
        tables[name] = ledger.appended(name, held, rows)
        batches.append(
            {
                "batch_id": report.batch_id,
                "kind": report.kind,
                "file": report.file,
                "sha256": report.sha256,
                "rows": report.rows_accepted,
                "rows_rejected": report.rows_rejected,
                "user": user,
                "loaded_at": loaded_at,
            }
        )
    if batches:
        tables[ledger.BATCHES] = ledger.appended(ledger.BATCHES, ledger.read(ledger.BATCHES, data_dir), batches)
    if ledger.TARGET_VERSIONS in tables:
        tables["targets"] = targets.in_force(targets.versions(reg, tables[ledger.TARGET_VERSIONS]))
    return tables


def figure_notes(
    accepted: pd.DataFrame, data_dir, batch_id: str, loaded_at: str, held: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The figure-notes ledger with the notes of a figures return's accepted rows added (a note is kept as
    the figure's note, a new version when it changes)."""
    held = ledger.read(ledger.FIGURE_NOTES, data_dir) if held is None else held
    noted = (
        accepted[accepted["note"].fillna("").astype(str).str.strip() != ""]
        if "note" in accepted
        else accepted.iloc[0:0]
    )
    rows = [
        {
            "measure_id": r["measure_id"],
            "area_code": r["area_code"],
            "period_label": r["period_label"],
            "note": str(r["note"]).strip(),
            "batch_id": batch_id,
            "written_at": loaded_at,
        }
        for r in frames.records(noted)
    ]
    return ledger.appended(ledger.FIGURE_NOTES, held, rows)
