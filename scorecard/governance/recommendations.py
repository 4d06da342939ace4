"""Overview and Scrutiny's recommendations and questions (framework, seed 001: "Overview and Scrutiny
Committees scrutinise the CPOR and make recommendations"; #26 item 6).

A councillor holding the ``scrutiny`` duty records a recommendation or a question against a measure, a priority
action or a theme, at a quarter released to members or published (the CPOR they scrutinised). The owner answers
it — an Assistant Director or Executive Director — with a response and a status: accepted, rejected, in progress
or done; it is ``open`` until then, and a response can be updated (in progress, then done). Each write is a new
version in ``data/conversation/recommendations`` with an audit-log entry, in one commit.

Staff and members read the list as it stands. The public reads the list frozen with a published quarter
(:data:`scorecard.governance.publish.PARTS`): every recommendation raised at or before it, with the response it
had when the quarter was published.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from scorecard import register
from scorecard.governance import access, publish
from scorecard.present import conversation
from scorecard.register import plan
from scorecard.store import ledger, periods, storage, text

KINDS = ("recommendation", "question")
SUBJECTS = ("measure", "action", "theme")
OPEN = "open"
RESPONSES = ("accepted", "rejected", "in_progress", "done")
"""The statuses an owner's response sets (``open`` until the first)."""
RAISED_BY = "scrutiny"
ANSWERED_BY = ("assistant_director", "executive_director")
TEXT_LIMIT = 2000
"""The longest recommendation, question or response (a longer one is refused, never cut)."""
ACTION = "scrutiny"
"""The audit-log action of every write."""


class RecommendationError(ValueError):
    """A write under the wrong duty, about something the register does not hold, at a quarter members cannot see,
    or with text missing or too long; nothing is written."""


def _clean(value: str, what: str) -> str:
    value = text.without_controls(value).strip()
    if not value:
        raise RecommendationError(f"write the {what}")
    if len(value) > TEXT_LIMIT:
        raise RecommendationError(f"the {what} is {len(value):,} characters: at most {TEXT_LIMIT:,}")
    return value


def raise_(
    ctx: register.Context, period: str, subject_kind: str, subject_id: str, kind: str, words: str, who: str, duty: str
) -> dict:
    """Record scrutiny's recommendation or question; returns it (version 1, status ``open``)."""
    reg = ctx.reg
    folder = ctx.folder
    if duty != RAISED_BY:
        raise RecommendationError(f"recommendations are recorded by a scrutiny member, not {duty}")
    if kind not in KINDS:
        raise RecommendationError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    if subject_kind not in SUBJECTS:
        raise RecommendationError(f"unknown subject {subject_kind!r}: one of {', '.join(SUBJECTS)}")
    if subject_id not in plan.titles(reg, subject_kind):
        raise RecommendationError(f"the register has no {subject_kind} {subject_id!r}")
    if periods.parse_label(period).kind != "quarter":
        raise RecommendationError(f"{period!r} is not a reporting quarter: write it as '2025/26 Q4'")
    if not access.can_view("member", publish.state(period, folder)):
        raise RecommendationError(f"{period} is not yet released to members: there is no CPOR to scrutinise")
    words, who = _clean(words, kind), text.without_controls(who).strip()
    if not who:
        raise RecommendationError("say who is recording it")
    with storage.locked(folder):
        held = ledger.read(ledger.RECOMMENDATIONS, folder)
        rec_id = f"SR-{held['rec_id'].nunique() + 1}"
        row = {"rec_id": rec_id, "period": period, "subject_kind": subject_kind, "subject_id": subject_id}
        row |= {
            "kind": kind,
            "text": words,
            "raised_by": who,
            "raised_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        row |= {"status": OPEN, "response": "", "responded_by": "", "responded_duty": "", "responded_at": ""}
        return _write(
            folder, held, row, who, {"rec_id": rec_id, "raised": kind, "about": f"{subject_kind} {subject_id}"}
        )


def respond(ctx: register.Context, rec_id: str, status: str, words: str, who: str, duty: str) -> dict:
    """Record the owner's response and the status it sets (under a duty bound to the subject's directorate, or
    unbound); returns the new version."""
    folder = ctx.folder
    reg = ctx.reg
    if access.duty_name(duty) not in ANSWERED_BY:
        raise RecommendationError(f"scrutiny is answered by {' or '.join(ANSWERED_BY)}, not {duty}")
    if status not in RESPONSES:
        raise RecommendationError(f"unknown status {status!r}: one of {', '.join(RESPONSES)}")
    words, who = _clean(words, "response"), text.without_controls(who).strip()
    if not who:
        raise RecommendationError("say who is responding")
    with storage.locked(folder):
        held = ledger.read(ledger.RECOMMENDATIONS, folder)
        now = ledger.latest(held[held["rec_id"] == rec_id], ledger.RECOMMENDATIONS)
        if now.empty:
            raise RecommendationError(f"there is no recommendation {rec_id!r}")
        kind, subject = now.iloc[0]["subject_kind"], now.iloc[0]["subject_id"]
        if subject not in plan.titles(reg, kind):
            raise RecommendationError(f"{rec_id} is about {kind} {subject!r}, which the register no longer holds")
        if answerer([duty], kind, subject, reg) is None:
            raise RecommendationError(f"{rec_id} is for another directorate to answer, not {duty}")
        row = now.iloc[0].drop("version").to_dict() | {"status": status, "response": words, "responded_by": who}
        row |= {"responded_duty": duty, "responded_at": datetime.now(UTC).isoformat(timespec="seconds")}
        return _write(folder, held, row, who, {"rec_id": rec_id, "status": status, "duty": duty})


def answerer(held, subject_kind: str, subject_id: str, reg: register.Register) -> str | None:
    """The duty among ``held`` that answers scrutiny on this subject: an Assistant or Executive Director's, bound to
    the subject's directorate or unbound; None when the person may not answer it."""
    try:
        owners = plan.directorates_of(reg, subject_kind, subject_id)
    except KeyError:  # a measure, action or theme the register no longer holds: nobody's to answer
        return None
    return access.covering(held, ANSWERED_BY, owners)


def _write(folder: Path, held: pd.DataFrame, row: dict, who: str, detail: dict) -> dict:
    table = ledger.appended(ledger.RECOMMENDATIONS, held, [row])
    written = table.iloc[-1].to_dict()
    detail["version"] = int(written["version"])
    ledger.write(folder, {ledger.RECOMMENDATIONS: table}, log=[{"who": who, "action": ACTION, "detail": detail}])
    return written


def for_role(role: str, period: str | None, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The recommendations ``role`` may read at ``period``: staff and members the current list up to the quarter;
    the public the list frozen with it when it is published (empty otherwise)."""
    if not period:
        return ledger.empty(ledger.RECOMMENDATIONS)
    if access.reads_recommendations_live(role, publish.state(period, data_dir)):
        return conversation.recommendations(period, data_dir)
    if publish.state(period, data_dir) != access.PUBLISHED:
        return ledger.empty(ledger.RECOMMENDATIONS)
    frozen = publish.part(period, "recommendations", data_dir)
    return frozen if frozen is not None else ledger.empty(ledger.RECOMMENDATIONS)
