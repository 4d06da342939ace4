"""``python -m scorecard remind``: emails that chase the quarter's outstanding steps (#26 item 4), run from a
scheduler (cron or a systemd timer, README).

For each measure and priority action still waiting for a step (:func:`scorecard.governance.returns.status`), by the
register's ``cycle`` (:mod:`scorecard.register.calendar`):

- ``reminder``: from ``reminder_days_before`` days before the step is due, to the post that takes it;
- ``overdue``: from the day after it was due, to the same post;
- ``escalation``: ``escalate_after_days`` after it was due, to the Assistant Director of its directorate;
- ``escalation_bi``: twice that long after, to the Business Intelligence team.

Mailboxes are posts, never people: a JSON file named by ``SCORECARD_MAILBOXES`` (kept out of the repository) maps
each post — a measure's owner post or a priority action's theme lead, as the register writes them,
``assistant_director:<directorate id>`` and ``bi`` — to an address. SMTP comes from the environment (:class:`Smtp`).
Each post gets one email a run listing its items; an item is recorded (``data/conversation/reminders``, with an
audit entry) only once its email was accepted by the server, so nothing is sent twice and a refused or unreachable
server, or a post with no mailbox, loses nothing: the item is tried again on the next run.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from scorecard import register
from scorecard.governance import access, publish, returns, workflow
from scorecard.register import plan
from scorecard.register.definitions import TO_BE_CONFIRMED
from scorecard.store import ledger, periods, storage

KINDS = ("reminder", "overdue", "escalation", "escalation_bi")
BI = "bi"
"""The Business Intelligence team's mailbox key."""
SMTP_TIMEOUT = 15
"""Seconds a mail server may take to answer before the post's email is left for the next run."""
ACTION = "reminders sent"
"""The audit-log action of a delivered email."""
ITEM_COLUMNS = ["item_kind", "item_id", "title", "step", "kind", "mailbox", "due", "days_late"]


class ReminderError(ValueError):
    """The mail set-up is missing or unreadable (said before anything is sent)."""


@dataclass(frozen=True)
class Smtp:
    """Where mail goes: ``SCORECARD_SMTP_HOST``, ``_PORT`` (587), ``_TLS`` (``starttls``, ``ssl`` or ``none``),
    ``_SENDER``, and ``_USER`` / ``_PASSWORD`` when the server needs a login."""

    host: str
    port: int
    tls: str
    sender: str
    user: str = ""
    password: str = ""

    @classmethod
    def from_env(cls, env: dict | None = None) -> Smtp:
        env = dict(os.environ if env is None else env)
        missing = [k for k in ("SCORECARD_SMTP_HOST", "SCORECARD_SMTP_SENDER") if not env.get(k)]
        if missing:
            raise ReminderError(f"set {' and '.join(missing)} to send reminders (or use --dry-run)")
        tls = env.get("SCORECARD_SMTP_TLS", "starttls")
        if tls not in ("starttls", "ssl", "none"):
            raise ReminderError(f"SCORECARD_SMTP_TLS is {tls!r}: use starttls, ssl or none")
        return cls(
            env["SCORECARD_SMTP_HOST"],
            int(env.get("SCORECARD_SMTP_PORT", "587")),
            tls,
            env["SCORECARD_SMTP_SENDER"],
            env.get("SCORECARD_SMTP_USER", ""),
            env.get("SCORECARD_SMTP_PASSWORD", ""),
        )

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server (raises OSError or smtplib.SMTPException when it cannot)."""
        context = ssl.create_default_context()
        server = (
            smtplib.SMTP_SSL(self.host, self.port, timeout=SMTP_TIMEOUT, context=context)
            if self.tls == "ssl"
            else smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT)
        )
        with server:
            if self.tls == "starttls":
                server.starttls(context=context)
            if self.user:
                server.login(self.user, self.password)
            server.send_message(message)


def mailboxes(path: str | Path | None = None) -> dict[str, str]:
    """Post → address, from ``path`` or the file ``SCORECARD_MAILBOXES`` names."""
    path = path or os.environ.get("SCORECARD_MAILBOXES")
    if not path:
        raise ReminderError("set SCORECARD_MAILBOXES to the JSON file of post → address (or use --dry-run)")
    try:
        found = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ReminderError(f"{path}: cannot read the mailboxes ({err})") from err
    if not isinstance(found, dict) or not all(isinstance(v, str) and "@" in v for v in found.values()):
        raise ReminderError(f"{path}: expected a JSON object of post → email address")
    return found


def due_items(ctx: register.Context, period: str, as_of: date) -> pd.DataFrame:
    """What should have been sent by ``as_of`` and has not: one row per (measure or priority action, step, kind)
    with the mailbox (post) it goes to, the step's due date and the item's title."""
    reg = ctx.reg
    cycle = reg.cycle
    if publish.state(period, ctx.folder) == access.PUBLISHED:  # a closed quarter: nothing can be done
        return pd.DataFrame(columns=ITEM_COLUMNS)
    waiting = returns.outstanding(returns.status(ctx, period, as_of))
    listed = set()  # what BI listed as going to Cabinet unsigned, and why: nothing more can be done for it
    for kind in workflow.KINDS:
        steps = workflow.states(period, ctx.folder, kind)
        listed |= {(kind, i) for i in steps.loc[steps["step"] == workflow.NOT_SIGNED_OFF, "item_id"]}
    waiting = waiting[[(k, i) not in listed for k, i in zip(waiting["item_kind"], waiting["item_id"])]]
    sent = ledger.read(ledger.REMINDERS, ctx.folder)
    done = set(zip(sent["item_kind"], sent["item_id"], sent["period"], sent["step"], sent["kind"]))
    rows = []
    for item in waiting.itertuples():
        late = (as_of - item.due).days
        owner = (plan.directorates_of(reg, item.item_kind, item.item_id) or [TO_BE_CONFIRMED])[0]
        director = f"assistant_director:{owner}"
        taker = {"submit": item.owner, "check": BI}.get(item.next_step, director)  # sign-off: the director
        kinds = {
            "reminder": (-cycle.reminder_days_before <= late <= 0, taker),
            "overdue": (late >= 1, taker),
            "escalation": (late >= cycle.escalate_after_days, director),
            "escalation_bi": (late >= 2 * cycle.escalate_after_days, BI),
        }
        for kind, (due_now, mailbox) in kinds.items():
            if due_now and (item.item_kind, item.item_id, period, item.next_step, kind) not in done:
                rows.append((item.item_kind, item.item_id, item.title, item.next_step, kind, mailbox, item.due, late))
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def message(sender: str, address: str, mailbox: str, period: str, items: pd.DataFrame) -> EmailMessage:
    """One email to a post: its items for the quarter, most overdue first."""
    email = EmailMessage()
    late = int((items["days_late"] > 0).sum())
    email["Subject"] = f"Sefton performance scorecard: {len(items)} item(s) for {period}" + (
        f", {late} overdue" if late else ""
    )
    email["From"], email["To"] = sender, address
    lines = [f"To: {mailbox}", "", f"These steps of the {period} performance return are waiting:", ""]
    for row in items.sort_values("days_late", ascending=False).itertuples():
        when = f"{row.days_late} day(s) overdue" if row.days_late > 0 else f"due {row.due:%d %B %Y}"
        lines.append(f"- {row.title} ({row.item_id}): {row.step.replace('_', ' ')}, {when} [{row.kind}]")
    lines += ["", "Record each step in the scorecard (python -m scorecard workflow ...)."]
    email.set_content("\n".join(lines))
    return email


@dataclass
class Outcome:
    sent: list[tuple[str, int]]  # (mailbox, items)
    not_sent: list[tuple[str, str]]  # (mailbox, why)


def remind(
    ctx: register.Context, period: str, as_of: date, smtp: Smtp | None, boxes: dict[str, str], who: str
) -> tuple[pd.DataFrame, Outcome]:
    """Send what is due (nothing with ``smtp`` None: a dry run) and record each item its email delivered. The
    whole run holds the data folder's lock, so two overlapping runs cannot both send an item (the second waits,
    then finds it recorded); writers wait meanwhile, at most :data:`SMTP_TIMEOUT` per post when the server
    hangs. An item whose email was accepted but whose record could not be written (a disk fault) is sent
    again by the next run: the one way a reminder can go twice."""
    with storage.locked(ctx.folder):
        return _remind(ctx, period, as_of, smtp, boxes, who)


def _remind(
    ctx: register.Context, period: str, as_of: date, smtp: Smtp | None, boxes: dict[str, str], who: str
) -> tuple[pd.DataFrame, Outcome]:
    items, folder = due_items(ctx, period, as_of), ctx.folder
    outcome = Outcome([], [])
    for mailbox, group in items.groupby("mailbox", sort=True):
        address = boxes.get(mailbox)
        if smtp is None:
            continue
        if not address:
            outcome.not_sent.append((mailbox, "no mailbox for this post in SCORECARD_MAILBOXES; tried again next run"))
            continue
        try:
            smtp.send(message(smtp.sender, address, mailbox, period, group))
        except (OSError, smtplib.SMTPException) as err:
            outcome.not_sent.append((mailbox, f"the mail server did not take it ({err}); tried again next run"))
            continue
        _record(folder, period, group, who)
        outcome.sent.append((mailbox, len(group)))
    return items, outcome


def _record(folder: Path, period: str, group: pd.DataFrame, who: str) -> None:
    """Record the items of one delivered email, with an audit entry (the post, never the address)."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    fields = ["item_kind", "item_id", "step", "kind", "mailbox"]
    rows = [dict(zip(fields, values)) | {"period": period, "sent_at": at} for values in group[fields].itertuples(False)]
    detail = {"period": period, "mailbox": rows[0]["mailbox"], "items": len(rows)}
    with storage.locked(folder):
        table = ledger.appended(ledger.REMINDERS, ledger.read(ledger.REMINDERS, folder), rows)
        ledger.write(folder, {ledger.REMINDERS: table}, log=[{"who": who, "action": ACTION, "detail": detail}])


def next_period(today: date) -> str:
    """The quarter whose returns are being chased by default: the last one that ended (its returns fall due
    after it ends, and stay chased until it is published or a later quarter ends)."""
    return periods.quarter_at(periods.quarter_of(today).seq - 1).label
