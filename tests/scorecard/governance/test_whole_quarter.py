"""A whole quarter of the cycle (#26, "what it must show"), on a register of three measures and one priority
action: returns requested by reminder; one submitted late after two reminders and an escalation to its Assistant
Director (every email captured by a local SMTP server); BI's check; the Assistant Director's sign-off, refused
for a red measure until its commentary is written; the action's update submitted, checked and signed off; one
measure left unsigned by BI with its reason; the CPOR final for Cabinet, and the Word pack listing the unsigned
measure in its report header."""

from __future__ import annotations

import io
from datetime import date

import docx

from scorecard import export
from scorecard.governance import audit, conversation, reminders, workflow
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db
from tests.scorecard.governance.conftest import smtp_to

Q = "2025/26 Q4"  # returns due Fri 10 Apr 2026; reminders from 7 Apr; escalation 5 days late


def _to(box, mailbox: str) -> list[str]:
    """The [kind]s of the items each email to ``mailbox`` carried, one list per email."""
    bodies = [m.get_payload(decode=True).decode().replace("\r\n", "\n") for m in box.messages]
    return [
        [line.split("[")[-1].rstrip("]") for line in b.splitlines() if line.startswith("- ")]
        for b in bodies
        if b.startswith(f"To: {mailbox}\n")
    ]


def test_a_whole_quarter_from_returns_requested_to_a_final_cpor(data_dir, inbox, boxes, real_register):
    box, controller = inbox
    smtp, found = smtp_to(controller), boxes[0]
    db.reset()
    card = views.scorecard(Context.of(data_dir), Q)
    rag = dict(zip(card["measure_id"], card["rag"]))
    late = "cyp_sw_turnover_rate"  # red at Q4; Children's Social Care and Education
    on_time = next(m for m, r in rag.items() if r == "green")
    unsigned = next(m for m, r in rag.items() if r == "green" and m != on_time)
    action = "cyp_pa_csc_improvement_priorities"  # a priority action: its quarterly update goes the same way
    three = real_register.model_copy(
        update={
            "measures": [real_register.measure(m) for m in (late, on_time, unsigned)],
            "priority_actions": [real_register.action(action)],
        }
    )
    owner = three.measure(late).metric_responsibility
    director = f"assistant_director:{three.theme(three.measure(late).themes[0]).directorate}"

    def remind(day: date) -> None:
        reminders.remind(Context.of(data_dir, three), Q, day, smtp, found, "scheduler")

    remind(date(2026, 4, 7))  # returns requested: a reminder for each of the three, three days before due
    assert _to(box, owner) == [["reminder"] * 3]  # one email to the post that owns all three
    assert _to(box, three.theme("children_young_people").responsibility) == [["reminder"]]  # the action's owner
    workflow.take(Context.of(data_dir), "submit", action, Q, "data owner (test)", "data_owner", kind="action")
    for m in (on_time, unsigned):
        workflow.take(Context.of(data_dir), "submit", m, Q, "data owner (test)", "data_owner")
    remind(date(2026, 4, 11))  # a day overdue: the late return's second reminder
    remind(date(2026, 4, 15))  # five days late: escalated to its Assistant Director
    remind(date(2026, 4, 15))  # the scheduler runs again: nothing is sent twice
    assert _to(box, owner) == [["reminder"] * 3, ["overdue"]]  # the late return's second email
    assert [k for kinds in _to(box, director) for k in kinds] == ["escalation"]
    workflow.take(Context.of(data_dir), "submit", late, Q, "data owner (test)", "data_owner")

    for m in (late, on_time, unsigned):
        workflow.take(Context.of(data_dir), "check", m, Q, "BI analyst (test)", "bi")
    workflow.take(Context.of(data_dir), "check", action, Q, "BI analyst (test)", "bi", kind="action")
    workflow.take(Context.of(data_dir), "sign_off", action, Q, "AD (test)", "assistant_director", kind="action")
    assert workflow.state_of(action, Q, data_dir, "action") == "signed_off"
    assert workflow.cpor_status(Context.of(data_dir, three), Q).startswith("Draft: 3 of 3")
    try:
        workflow.take(Context.of(data_dir), "sign_off", late, Q, "AD (test)", "assistant_director")
    except workflow.WorkflowError as err:
        assert "write its commentary first" in str(err)
    else:
        raise AssertionError("a red measure was signed off without commentary")
    fields = {"narrative": "Turnover rose with two teams restructured.", "corrective_action": "Retention offer."}
    conversation.save_commentary(Context.of(data_dir), late, Q, fields | {"action_owner": "", "due_date": ""}, "owner")
    for m in (late, on_time):
        workflow.take(Context.of(data_dir), "sign_off", m, Q, "AD (test)", "assistant_director")
    why = "provider's figures disputed; resubmitted next quarter"
    workflow.take(Context.of(data_dir), workflow.NOT_SIGNED_OFF, unsigned, Q, "BI analyst (test)", "bi", why)

    status = workflow.cpor_status(Context.of(data_dir, three), Q)
    assert status == f"Final for Cabinet. Not signed off: {three.measure(unsigned).title} ({why})"
    pack = docx.Document(io.BytesIO(export.build_pack(Context.of(data_dir, three), "docx", Q, sign_off=status)))
    said = [p.text for p in pack.paragraphs] + [c.text for t in pack.tables for row in t.rows for c in row.cells]
    assert any(status in text for text in said), [t for t in said if "Status" in t]  # the report header
    trail = [
        (e["detail"]["item_id"], e["detail"]["step"], e["who"])
        for e in audit.entries(data_dir)
        if e["action"] == workflow.ACTION and e["detail"]["item_id"] == late
    ]
    assert trail == [
        (late, "submit", "data owner (test)"),
        (late, "check", "BI analyst (test)"),
        (late, "sign_off", "AD (test)"),
    ]
    remind(date(2026, 4, 25))  # after sign-off nothing is chased, the unsigned measure included
    assert [k for kinds in _to(box, director) for k in kinds] == ["escalation"]
