"""The quarter as a workflow per measure (#26 item 2): submitted by the data owner, checked by BI, signed off by
the Assistant Director; out-of-order steps, wrong duties and closed quarters refused with nothing written."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard.__main__ import main
from scorecard.governance import audit, conversation, workflow
from scorecard.present import views
from scorecard.register import Context
from scorecard.store import db, ledger
from tests.conftest import PUBLISHED
from tests.scorecard.ingest._ingest_helpers import digest

PERIOD = "2025/26 Q4"


@pytest.fixture(scope="module")
def measures(built_data):
    """By RAG (green, red): a measure with it at :data:`PERIOD` and no commentary written by a person for it."""
    folder = built_data[0]
    db.reset()
    card = views.scorecard(Context.of(folder), PERIOD)
    held = ledger.latest(ledger.read(ledger.COMMENTARY, folder), ledger.COMMENTARY)
    written = set(held.loc[(held["period"] == PERIOD) & ~held["auto_drafted"], "measure_id"]) if len(held) else set()
    return {
        rag: next(m for m, r in zip(card["measure_id"], card["rag"]) if r == rag and m not in written)
        for rag in ("green", "red")
    }


def test_a_measure_goes_from_return_to_sign_off_each_step_recorded(data_dir, measures):
    measure = measures["green"]
    assert workflow.state_of(measure, PERIOD, data_dir) == "awaiting"
    steps = [
        ("submit", "data_owner", "Service manager"),
        ("check", "bi", "BI analyst"),
        ("sign_off", "assistant_director", "AD"),
    ]
    for step, duty, who in steps:
        workflow.take(Context.of(data_dir), step, measure, PERIOD, who, duty)
    assert workflow.state_of(measure, PERIOD, data_dir) == "signed_off"
    versions = ledger.read(ledger.WORKFLOW, data_dir)
    assert list(versions["version"]) == [1, 2, 3] and list(versions["who"]) == ["Service manager", "BI analyst", "AD"]
    entries = [e for e in audit.entries(data_dir) if e["action"] == workflow.ACTION]
    assert [(e["who"], e["detail"]["from"], e["detail"]["to"], e["detail"]["duty"]) for e in entries] == [
        ("Service manager", "awaiting", "submitted", "data_owner"),
        ("BI analyst", "submitted", "checked", "bi"),
        ("AD", "checked", "signed_off", "assistant_director"),
    ]
    assert all(e["at"] for e in entries)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([("check", "bi")], "is awaiting for 2025/26 Q4: check needs it submitted"),
        ([("submit", "bi")], "submit is taken by the data owner, not bi"),
        ([("submit", "data_owner"), ("sign_off", "assistant_director")], "sign_off needs it checked"),
        (
            [("submit", "data_owner"), ("check", "assistant_director")],
            "check is taken by the bi, not assistant_director",
        ),
        ([("step_back", "bi")], "there is no step to go back"),
        ([("submit", "data_owner"), ("step_back", "data_owner")], "a step back is taken by bi or assistant_director"),
        ([("submit", "data_owner"), ("step_back", "bi")], "a step back needs a reason"),
        ([("publish", "bi")], "unknown step 'publish'"),
    ],
)
def test_a_step_out_of_order_or_under_the_wrong_duty_is_refused_with_nothing_written(
    data_dir, measures, steps, message
):
    ctx = Context.of(data_dir)
    measure = measures["green"]
    *before, (step, duty) = steps
    for earlier, earlier_duty in before:
        workflow.take(ctx, earlier, measure, PERIOD, "someone", earlier_duty)
    held = digest(data_dir)
    with pytest.raises(workflow.WorkflowError, match=message.replace("(", r"\(")):
        workflow.take(ctx, step, measure, PERIOD, "someone", duty)
    assert digest(data_dir) == held


def test_a_step_back_with_a_reason_returns_the_measure_one_state(data_dir, measures):
    ctx = Context.of(data_dir)
    measure = measures["green"]
    for step, duty in (("submit", "data_owner"), ("check", "bi")):
        workflow.take(ctx, step, measure, PERIOD, "someone", duty)
    workflow.take(ctx, "step_back", measure, PERIOD, "AD", "assistant_director", "denominator missing")
    assert workflow.state_of(measure, PERIOD, data_dir) == "submitted"
    last = [e for e in audit.entries(data_dir) if e["action"] == workflow.ACTION][-1]
    assert last["detail"]["reason"] == "denominator missing" and last["detail"]["to"] == "submitted"


def test_red_cannot_be_signed_off_until_a_person_writes_its_commentary(data_dir, measures):
    ctx = Context.of(data_dir)
    measure = measures["red"]
    for step, duty in (("submit", "data_owner"), ("check", "bi")):
        workflow.take(ctx, step, measure, PERIOD, "someone", duty)
    with pytest.raises(workflow.WorkflowError, match="red or amber for 2025/26 Q4: write its commentary first"):
        workflow.take(ctx, "sign_off", measure, PERIOD, "AD", "assistant_director")
    fields = {"narrative": "Fewer completions than planned; two schemes slipped to Q1.", "corrective_action": ""}
    conversation.save_commentary(ctx, measure, PERIOD, fields | {"action_owner": "", "due_date": ""}, "officer")
    workflow.take(ctx, "sign_off", measure, PERIOD, "AD", "assistant_director")
    assert workflow.state_of(measure, PERIOD, data_dir) == "signed_off"


def test_a_published_quarter_is_closed(published_data):
    folder, _ = published_data
    with pytest.raises(workflow.WorkflowError, match=f"{PUBLISHED} is published"):
        workflow.take(Context.of(folder), "submit", "ig_claimant_rate", PUBLISHED, "someone", "data_owner")


def test_the_command_line_takes_a_step_and_names_what_is_wrong(data_dir, measures, capsys):
    measure = measures["green"]
    base = ["--period", PERIOD, "--user", "Service manager", "--data-dir", str(data_dir)]
    assert main(["workflow", "submit", "--measure", measure, "--duty", "data_owner", *base]) == 0
    assert f"{measure}, {PERIOD}: submitted (version 1)" in capsys.readouterr().out
    assert main(["workflow", "submit", "--measure", "no_such_measure", "--duty", "data_owner", *base]) == 2
    assert "unknown measure 'no_such_measure'" in capsys.readouterr().err
    bad = [
        "workflow",
        "submit",
        "--measure",
        measure,
        "--duty",
        "data_owner",
        "--period",
        "Q4",
        "--data-dir",
        str(data_dir),
    ]
    assert main(bad) == 2 and capsys.readouterr().err.startswith("error: ")
    assert pd.Series(ledger.read(ledger.WORKFLOW, data_dir)["state"]).tolist() == ["submitted"]


def test_bi_lists_a_measure_as_not_signed_off_with_its_reason(data_dir, measures):
    ctx = Context.of(data_dir)
    measure = measures["green"]
    held = digest(data_dir)
    for duty, reason, message in (
        ("assistant_director", "late data", "listed as not signed off by bi"),
        ("bi", "", "say why it goes to Cabinet without sign-off"),
    ):
        with pytest.raises(workflow.WorkflowError, match=message):
            workflow.take(ctx, workflow.NOT_SIGNED_OFF, measure, PERIOD, "BI analyst", duty, reason)
    assert digest(data_dir) == held
    workflow.take(ctx, workflow.NOT_SIGNED_OFF, measure, PERIOD, "BI analyst", "bi", "provider's data late")
    assert workflow.state_of(measure, PERIOD, data_dir) == "awaiting"  # the state is unchanged


def test_the_cpor_is_final_only_when_every_measure_is_signed_off_or_listed(data_dir, measures, real_register):
    ctx = Context.of(data_dir)
    green, red = measures["green"], measures["red"]
    two = real_register.model_copy(update={"measures": [real_register.measure(green), real_register.measure(red)]})
    assert workflow.cpor_status(Context.of(data_dir, two), PERIOD).startswith(
        "Draft: 2 of 2 measures are neither signed off"
    )
    for step, duty in (("submit", "data_owner"), ("check", "bi"), ("sign_off", "assistant_director")):
        workflow.take(ctx, step, green, PERIOD, "someone", duty)
    assert workflow.cpor_status(Context.of(data_dir, two), PERIOD).startswith("Draft: 1 of 2")
    workflow.take(ctx, workflow.NOT_SIGNED_OFF, red, PERIOD, "BI analyst", "bi", "figure disputed")
    title = real_register.measure(red).title
    assert (
        workflow.cpor_status(Context.of(data_dir, two), PERIOD)
        == f"Final for Cabinet. Not signed off: {title} (figure disputed)"
    )
    workflow.take(ctx, "submit", red, PERIOD, "someone", "data_owner")  # a later step: listed no more
    assert workflow.cpor_status(Context.of(data_dir, two), PERIOD).startswith("Draft: 1 of 2")
    with pytest.raises(workflow.WorkflowError, match="is signed off"):
        workflow.take(ctx, workflow.NOT_SIGNED_OFF, green, PERIOD, "BI analyst", "bi", "why")


def test_the_cpor_pack_carries_its_state_in_the_report_header(data_dir, monkeypatch, tmp_path):
    from scorecard import export

    seen: dict = {}
    monkeypatch.setattr(export, "build_pack", lambda ctx, fmt, **kwargs: seen.update(kwargs, ctx=ctx) or b"pack")
    out = str(tmp_path / "pack.pdf")
    assert main(["export", "--period", PERIOD, "--format", "pdf", "--out", out, "--data-dir", str(data_dir)]) == 0
    assert seen["sign_off"].startswith("Draft: 86 of 86 measures are neither signed off")
    assert seen["ctx"].folder == data_dir  # the command's --data-dir, resolved once
    pack = export.content.build(Context.of(data_dir), period=PERIOD, sign_off=seen["sign_off"])
    assert dict(pack.cabinet_frame())["Status"] == seen["sign_off"]
    qsr = ["export", "--directorate", "adult_social_care_health", "--format", "pdf", "--out", out]
    assert main([*qsr, "--period", PERIOD, "--data-dir", str(data_dir)]) == 0
    assert seen["sign_off"] is None  # a QSR is not the CPOR


def test_a_sign_off_by_another_directorates_post_is_refused(data_dir, real_register):
    ctx = Context.of(data_dir)
    measure = "cyp_sw_turnover_rate"  # Children's Social Care and Education
    for step, duty in (("submit", "data_owner"), ("check", "bi:children_education")):
        workflow.take(ctx, step, measure, PERIOD, "someone", duty)
    fields = {"narrative": "Two teams restructured.", "corrective_action": "", "action_owner": "", "due_date": ""}
    conversation.save_commentary(ctx, measure, PERIOD, fields, "officer")
    held = digest(data_dir)
    wrong = "assistant_director:adult_social_care_health"
    with pytest.raises(workflow.WorkflowError, match="children_education directorate: assistant_director:adult"):
        workflow.take(ctx, "sign_off", measure, PERIOD, "AD Adults", wrong)
    assert digest(data_dir) == held
    people = frozenset({wrong, "bi"})
    assert workflow.duty_for(people, "sign_off", measure, real_register) is None
    assert workflow.duty_for(people, workflow.STEP_BACK, measure, real_register) == "bi"
    with pytest.raises(workflow.WorkflowError, match="'adults', which is not a directorate in the register"):
        workflow.take(ctx, "sign_off", measure, PERIOD, "AD", "assistant_director:adults")
    right = "assistant_director:children_education"
    assert workflow.duty_for(people | {right}, "sign_off", measure, real_register) == right
    workflow.take(ctx, "sign_off", measure, PERIOD, "AD Children", right)
    assert workflow.states(PERIOD, data_dir).iloc[-1][["state", "duty"]].tolist() == ["signed_off", right]


def test_a_priority_actions_update_goes_through_the_same_steps(data_dir, real_register):
    ctx = Context.of(data_dir)
    action = "cyp_pa_csc_improvement_priorities"  # Children's Social Care and Education
    with pytest.raises(workflow.WorkflowError, match="unknown action 'nope'"):
        workflow.take(ctx, "submit", "nope", PERIOD, "owner", "data_owner", kind="action")
    with pytest.raises(workflow.WorkflowError, match="unknown measure"):  # an action id is not a measure's
        workflow.take(ctx, "submit", action, PERIOD, "owner", "data_owner")
    for step, duty in (("submit", "data_owner"), ("check", "bi")):
        workflow.take(ctx, step, action, PERIOD, "someone", duty, kind="action")
    with pytest.raises(workflow.WorkflowError, match="another's post"):
        workflow.take(
            ctx, "sign_off", action, PERIOD, "AD Adults", "assistant_director:adult_social_care_health", "", "action"
        )
    workflow.take(ctx, "sign_off", action, PERIOD, "AD", "assistant_director:children_education", kind="action")
    assert workflow.state_of(action, PERIOD, data_dir, "action") == "signed_off"
    assert workflow.state_of(action, PERIOD, data_dir) == "awaiting"  # not a measure's state
    assert main(["workflow", "step_back", "--action", action, "--period", PERIOD, "--duty", "bi", "--reason",
                 "RAG disputed", "--data-dir", str(data_dir)]) == 0  # fmt: skip
    assert workflow.state_of(action, PERIOD, data_dir, "action") == "checked"
