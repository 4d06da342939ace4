"""Reminders (#26 item 4) against a local SMTP server (aiosmtpd): before a step is due, when it is overdue,
escalated to the Assistant Director and then to BI; never sent twice; a server that is down or a post with no
mailbox loses nothing."""

from __future__ import annotations

import json
from datetime import date

from scorecard.__main__ import main
from scorecard.governance import audit, reminders, workflow
from scorecard.register import Context
from scorecard.store import ledger
from tests.scorecard.governance.conftest import Inbox, free_port, smtp_to

Q = "2025/26 Q4"  # returns due 10 Apr 2026, QA 15 Apr, sign-off 20 Apr; reminders 3 days before, escalation after 5


def _items(reg) -> int:
    """Every measure and priority action owes a return each quarter."""
    return len(reg.measures) + len(reg.priority_actions)


def _kinds(folder) -> dict[str, int]:
    sent = ledger.read(ledger.REMINDERS, folder)
    return sent.groupby("kind").size().to_dict() if len(sent) else {}


def _bodies(box: Inbox) -> list[str]:
    return [m.get_payload(decode=True).decode() for m in box.messages]


def test_a_quarter_is_chased_then_escalated_and_nothing_is_sent_twice(data_dir, inbox, boxes, real_register):
    ctx = Context.of(data_dir)
    box, controller = inbox
    smtp, found = smtp_to(controller), boxes[0]
    late = "cyp_sw_turnover_rate"  # Children's Social Care and Education
    for day in (date(2026, 4, 6), date(2026, 4, 8), date(2026, 4, 8)):  # too early, then due soon (twice)
        reminders.remind(ctx, Q, day, smtp, found, "scheduler")
    assert _kinds(data_dir) == {"reminder": _items(real_register)}  # one reminder per item, though the day ran twice
    posts = {m.metric_responsibility for m in real_register.measures}
    posts |= {real_register.theme(a.theme).responsibility for a in real_register.priority_actions}
    assert len(box.messages) == len(posts)  # one email per post
    assert all(m["Subject"].startswith("Sefton performance scorecard: ") for m in box.messages)
    reminders.remind(ctx, Q, date(2026, 4, 11), smtp, found, "scheduler")  # a day overdue
    assert _kinds(data_dir)["overdue"] == _items(real_register)
    for m in real_register.measures:  # everyone but one submits after the overdue notice
        if m.id != late:
            workflow.take(ctx, "submit", m.id, Q, "data owner", "data_owner")
    for a in real_register.priority_actions:
        workflow.take(ctx, "submit", a.id, Q, "data owner", "data_owner", kind="action")
    reminders.remind(ctx, Q, date(2026, 4, 15), smtp, found, "scheduler")  # five days late: escalation
    assert _kinds(data_dir)["escalation"] == 1  # only the late measure is escalated, to its director
    assert any(
        t.startswith("To: assistant_director:children_education") and late in t and "[escalation]" in t
        for t in _bodies(box)
    )
    reminders.remind(ctx, Q, date(2026, 4, 20), smtp, found, "scheduler")  # ten days late: BI
    assert any(t.startswith("To: bi") and late in t and "[escalation_bi]" in t for t in _bodies(box))
    entries = [e for e in audit.entries(data_dir) if e["action"] == reminders.ACTION]
    assert entries and all("@" not in json.dumps(e["detail"]) for e in entries)  # posts, never addresses


def test_a_server_that_is_down_or_a_post_with_no_mailbox_loses_nothing(data_dir, inbox, boxes, real_register):
    ctx = Context.of(data_dir)
    box, controller = inbox
    found = dict(boxes[0])
    down = reminders.Smtp("127.0.0.1", free_port(), "none", "scorecard@example.gov.uk")  # nothing listens there
    items, outcome = reminders.remind(ctx, Q, date(2026, 4, 8), down, found, "scheduler")
    assert len(items) == _items(real_register) and not outcome.sent and outcome.not_sent
    assert all("tried again next run" in why for _, why in outcome.not_sent)
    assert _kinds(data_dir) == {}  # nothing recorded, so the next run sends it
    missing = "Public Health performance lead (named officer to be confirmed)"
    del found[missing]
    items, outcome = reminders.remind(ctx, Q, date(2026, 4, 8), smtp_to(controller), found, "scheduler")
    assert [mailbox for mailbox, _ in outcome.not_sent] == [missing]
    every = _items(real_register)
    assert _kinds(data_dir)["reminder"] == every - int((items["mailbox"] == missing).sum()) < every
    assert box.messages


def test_the_command_line_dry_run_sends_and_records_nothing(data_dir, inbox, boxes, monkeypatch, capsys, real_register):
    box, controller = inbox
    base = ["remind", "--period", Q, "--as-of", "2026-04-08", "--data-dir", str(data_dir)]
    assert main([*base, "--dry-run"]) == 0
    said = capsys.readouterr().out
    assert f"would send {_items(real_register)} item(s)" in said and not box.messages and _kinds(data_dir) == {}
    assert main(base) == 2 and "SCORECARD_SMTP_HOST" in capsys.readouterr().err
    monkeypatch.setenv("SCORECARD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SCORECARD_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("SCORECARD_SMTP_TLS", "none")
    monkeypatch.setenv("SCORECARD_SMTP_SENDER", "scorecard@example.gov.uk")
    monkeypatch.setenv("SCORECARD_MAILBOXES", str(boxes[1]))
    assert main(base) == 0 and "sent " in capsys.readouterr().out
    assert _kinds(data_dir) == {"reminder": _items(real_register)}


def test_nothing_is_chased_where_nothing_can_be_done(data_dir, real_register, monkeypatch):
    ctx = Context.of(data_dir)
    listed = real_register.measures[0].id
    due_day = reminders.due_items(ctx, Q, date(2026, 4, 10))
    assert set(due_day["kind"]) == {"reminder"} and len(due_day) == _items(real_register)  # the due day reminds
    workflow.take(ctx, workflow.NOT_SIGNED_OFF, listed, Q, "BI analyst", "bi", "provider's data late")
    assert listed not in set(reminders.due_items(ctx, Q, date(2026, 4, 20))["item_id"])
    monkeypatch.setattr(reminders.publish, "state", lambda period, data_dir=None: "published")
    assert reminders.due_items(ctx, Q, date(2026, 4, 20)).empty  # a published quarter is closed
    assert reminders.next_period(date(2026, 5, 14)) == Q  # still chased in the month after its Cabinet
    assert reminders.next_period(date(2026, 7, 1)) == "2026/27 Q1"
