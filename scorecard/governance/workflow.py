"""The quarter as a workflow per measure and per priority action (framework, seed 001, "Performance Management
Structure"; #26 item 2): service and team managers enter the data and narrative (a priority action's quarterly
update: its narrative, extent of completion and RAG), the Business Intelligence team quality-assures it, the
Assistant Director signs it off, and only then does it go to Cabinet in the CPOR.

=============  ==========================  =====================  ==================================
state          reached by step             under the duty          from
=============  ==========================  =====================  ==================================
awaiting       (no step yet)               —                       —
submitted      ``submit``                  ``data_owner``          awaiting
checked        ``check``                   ``bi``                  submitted
signed_off     ``sign_off``                ``assistant_director``  checked
=============  ==========================  =====================  ==================================

A priority action's quarterly update goes through the same states (``kind="action"``), without the commentary
rule or the QA checklist (its update is its own narrative, extent of completion and RAG).

``not_signed_off`` (BI, with a reason) lists an item that goes to Cabinet without sign-off, its state unchanged; the
CPOR is *final for Cabinet* only when every measure is signed off or so listed (:func:`cpor_status`), else it is a
draft. ``step_back`` returns an item one state (signed off → checked → submitted → awaiting), under the BI or the
Assistant Director duty, and needs a reason. A duty bound to a directorate (:mod:`scorecard.governance.access`)
takes steps only on that directorate's measures and actions. A red or amber measure cannot be signed off without
commentary for the quarter written by a person. A published quarter's workflow is closed. Every step is a new
version in ``data/conversation/workflow`` with an audit-log entry (who, when, the duty, the states), in one commit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from scorecard import register
from scorecard.governance import access, publish, qa
from scorecard.present import commentary, conversation, views
from scorecard.register import plan
from scorecard.store import ledger, periods, storage, text

STATES = ("awaiting", "submitted", "checked", "signed_off")
"""In order: each step forward moves a measure (or priority action) one state on."""
STEPS = {
    "submit": ("awaiting", "data_owner"),
    "check": ("submitted", "bi"),
    "sign_off": ("checked", "assistant_director"),
}
"""Each step forward: the state it starts from and the framework duty that takes it."""
STEP_BACK = "step_back"
NOT_SIGNED_OFF = "not_signed_off"
"""BI's note that a measure goes to Cabinet without sign-off, and why (any state but signed off; state unchanged)."""
STEPS_BACK_BY = ("bi", "assistant_director")
"""Who may return a measure a step: the checker and the signatory."""
REASON_LIMIT = 1000
"""The longest reason a step takes (a longer one is refused, never cut)."""
ACTION = "workflow"
"""The audit-log action of every step."""


class WorkflowError(ValueError):
    """A step out of order, under the wrong duty, without a needed reason or commentary, or on a closed quarter."""


KINDS = ("measure", "action")
"""What goes through the workflow: a measure's figures and commentary, a priority action's quarterly update."""


def states(period: str, data_dir: str | Path | None = None, kind: str = "measure") -> pd.DataFrame:
    """Each measure's (or priority action's) current state for the quarter, by ``item_id`` (none listed for an item
    with no step: it is ``awaiting``)."""
    held = conversation.current(ledger.WORKFLOW, period, data_dir)
    return held[held["item_kind"] == kind].reset_index(drop=True)


def state_of(item_id: str, period: str, data_dir: str | Path | None = None, kind: str = "measure") -> str:
    """One measure's (or priority action's) state for the quarter."""
    held = states(period, data_dir, kind)
    found = held.loc[held["item_id"] == item_id, "state"]
    return str(found.iloc[0]) if len(found) else STATES[0]


def _unexplained(ctx: register.Context, measure_id: str, period: str) -> bool:
    """Red or amber with no commentary written by a person for the quarter: the ``no_commentary`` rule, as
    :func:`scorecard.present.commentary.attach` applies it to the scorecard."""
    card = views.scorecard(ctx, period)
    said = commentary.attach(card, conversation.current(ledger.COMMENTARY, period, ctx.folder), ctx.reg)
    return bool(said.set_index("measure_id").at[measure_id, "without_commentary"])


def take(
    ctx: register.Context,
    step: str,
    item_id: str,
    period: str,
    who: str,
    duty: str,
    reason: str = "",
    kind: str = "measure",
) -> dict:
    """Take ``step`` for a measure's quarter as ``who`` under ``duty``; returns the new version (for a check, with
    ``qa``: BI's checklist items needing attention, :mod:`scorecard.governance.qa`, also in the audit entry).
    ``kind``: ``measure`` or a priority ``action`` (whose sign-off needs no commentary, and no QA checklist applies).
    Raises :class:`WorkflowError` saying what is wrong, with nothing written."""
    folder, reg = ctx.folder, ctx.reg
    if kind not in KINDS:
        raise WorkflowError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    if item_id not in plan.titles(reg, kind):
        raise WorkflowError(f"unknown {kind} {item_id!r}")
    if periods.parse_label(period).kind != "quarter":
        raise WorkflowError(f"{period!r} is not a reporting quarter: write it as '2025/26 Q4'")
    name, owners = access.duty_name(duty), plan.directorates_of(reg, kind, item_id)
    bound = duty.partition(":")[2]
    if bound and bound not in {d.id for d in reg.directorates}:
        raise WorkflowError(f"{duty!r} is bound to {bound!r}, which is not a directorate in the register")
    if access.covering([duty], [name], owners) is None:
        whose = " or ".join(owners) or "no"
        raise WorkflowError(f"{item_id} is a {kind} of the {whose} directorate: {duty} is another's post")
    if publish.state(period, folder) == access.PUBLISHED:
        raise WorkflowError(f"{period} is published: its workflow is closed")
    who, reason = text.without_controls(who).strip(), text.without_controls(reason).strip()
    if not who:
        raise WorkflowError("say who is taking the step")
    if len(reason) > REASON_LIMIT:
        raise WorkflowError(f"the reason is {len(reason):,} characters: at most {REASON_LIMIT:,}")
    # judged before the lock is taken (an evaluation reads the data folder, which may recover under it)
    is_measure = kind == "measure"
    unexplained = is_measure and step == "sign_off" and _unexplained(ctx, item_id, period)
    attention = qa.needing_attention(qa.checklist(ctx, item_id, period)) if is_measure and step == "check" else None
    with storage.locked(folder):
        if publish.state(period, folder) == access.PUBLISHED:  # again under the lock: a publish may have won
            raise WorkflowError(f"{period} is published: its workflow is closed")
        now = state_of(item_id, period, folder, kind)
        if step == NOT_SIGNED_OFF:
            if name != "bi":
                raise WorkflowError(f"an item is listed as not signed off by bi, not {duty}")
            if now == STATES[-1]:
                raise WorkflowError(f"{item_id} is signed off for {period}")
            if not reason:
                raise WorkflowError("say why it goes to Cabinet without sign-off")
            after = now
        elif step == STEP_BACK:
            if name not in STEPS_BACK_BY:
                raise WorkflowError(f"a step back is taken by {' or '.join(STEPS_BACK_BY)}, not {duty}")
            if now == STATES[0]:
                raise WorkflowError(f"{item_id} is awaiting its return for {period}: there is no step to go back")
            if not reason:
                raise WorkflowError("a step back needs a reason")
            after = STATES[STATES.index(now) - 1]
        elif step in STEPS:
            start, owner = STEPS[step]
            if name != owner:
                raise WorkflowError(f"{step.replace('_', ' ')} is taken by the {owner.replace('_', ' ')}, not {duty}")
            if now != start:
                raise WorkflowError(f"{item_id} is {now.replace('_', ' ')} for {period}: {step} needs it {start}")
            if unexplained:
                raise WorkflowError(f"{item_id} is red or amber for {period}: write its commentary first")
            after = STATES[STATES.index(start) + 1]
        else:
            raise WorkflowError(f"unknown step {step!r}: one of {', '.join([*STEPS, STEP_BACK, NOT_SIGNED_OFF])}")
        at = datetime.now(UTC).isoformat(timespec="seconds")
        row = {"item_kind": kind, "item_id": item_id, "period": period, "step": step, "state": after, "duty": duty}
        row |= {"who": who, "at": at, "reason": reason}
        table = ledger.appended(ledger.WORKFLOW, ledger.read(ledger.WORKFLOW, folder), [row])
        written = table.iloc[-1].to_dict()
        detail: dict[str, object] = {"item_kind": kind, "item_id": item_id, "period": period, "step": step}
        detail["from"] = now
        detail |= {"to": after, "duty": duty, "reason": reason, "version": int(written["version"])}
        if attention is not None:
            detail["qa"] = attention
        ledger.write(folder, {ledger.WORKFLOW: table}, log=[{"who": who, "action": ACTION, "detail": detail}])
    return written if attention is None else written | {"qa": attention}


def duty_for(
    held: frozenset[str], step: str, item_id: str, reg: register.Register, kind: str = "measure"
) -> str | None:
    """The duty among ``held`` (a person's, from sign-in) under which they may take ``step`` on the measure or
    priority action: the step's duty (BI's for not signed off, BI's or the Assistant Director's for a step back),
    bound to its directorate or unbound; None when they may not."""
    names = {STEP_BACK: STEPS_BACK_BY, NOT_SIGNED_OFF: ("bi",)}.get(step) or (STEPS[step][1],)
    return access.covering(held, names, plan.directorates_of(reg, kind, item_id))


def cpor_status(ctx: register.Context, period: str) -> str:
    """The CPOR's state for the pack's report header: *final for Cabinet* when every measure is signed off or
    listed by BI as not signed off (each named with its reason), else a draft saying how many are neither."""
    reg = ctx.reg
    current = states(period, ctx.folder)
    held = current.set_index("item_id") if len(current) else pd.DataFrame()
    unsigned, open_ = [], 0
    for m in reg.measures:
        row = held.loc[m.id] if m.id in held.index else None
        if row is not None and row["state"] == STATES[-1]:
            continue
        if row is not None and row["step"] == NOT_SIGNED_OFF:
            unsigned.append(f"{m.title} ({row['reason']})")
        else:
            open_ += 1
    if open_:
        return (
            f"Draft: {open_} of {len(reg.measures)} measures are neither signed off by their Assistant Director nor "
            "listed as not signed off — not yet for Cabinet"
        )
    return "Final for Cabinet" + (
        f". Not signed off: {'; '.join(unsigned)}" if unsigned else ": every measure signed off"
    )
