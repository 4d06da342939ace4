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
        workflow.take(step, measure, PERIOD, who, duty, data_dir=data_dir)
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
    measure = measures["green"]
    *before, (step, duty) = steps
    for earlier, earlier_duty in before:
        workflow.take(earlier, measure, PERIOD, "someone", earlier_duty, data_dir=data_dir)
    held = digest(data_dir)
    with pytest.raises(workflow.WorkflowError, match=message.replace("(", r"\(")):
        workflow.take(step, measure, PERIOD, "someone", duty, data_dir=data_dir)
    assert digest(data_dir) == held


def test_a_step_back_with_a_reason_returns_the_measure_one_state(data_dir, measures):
    measure = measures["green"]
    for step, duty in (("submit", "data_owner"), ("check", "bi")):
        workflow.take(step, measure, PERIOD, "someone", duty, data_dir=data_dir)
    workflow.take("step_back", measure, PERIOD, "AD", "assistant_director", "denominator missing", data_dir=data_dir)
    assert workflow.state_of(measure, PERIOD, data_dir) == "submitted"
    last = [e for e in audit.entries(data_dir) if e["action"] == workflow.ACTION][-1]
    assert last["detail"]["reason"] == "denominator missing" and last["detail"]["to"] == "submitted"


def test_red_cannot_be_signed_off_until_a_person_writes_its_commentary(data_dir, measures):
    measure = measures["red"]
    for step, duty in (("submit", "data_owner"), ("check", "bi")):
        workflow.take(step, measure, PERIOD, "someone", duty, data_dir=data_dir)
    with pytest.raises(workflow.WorkflowError, match="red or amber for 2025/26 Q4: write its commentary first"):
        workflow.take("sign_off", measure, PERIOD, "AD", "assistant_director", data_dir=data_dir)
    fields = {"narrative": "Fewer completions than planned; two schemes slipped to Q1.", "corrective_action": ""}
    conversation.save_commentary(
        measure, PERIOD, fields | {"action_owner": "", "due_date": ""}, "officer", data_dir=data_dir
    )
    workflow.take("sign_off", measure, PERIOD, "AD", "assistant_director", data_dir=data_dir)
    assert workflow.state_of(measure, PERIOD, data_dir) == "signed_off"


def test_a_published_quarter_is_closed(published_data):
    folder, _ = published_data
    with pytest.raises(workflow.WorkflowError, match=f"{PUBLISHED} is published"):
        workflow.take("submit", "ig_claimant_rate", PUBLISHED, "someone", "data_owner", data_dir=folder)


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
    measure = measures["green"]
    held = digest(data_dir)
    for duty, reason, message in (
        ("assistant_director", "late data", "listed as not signed off by bi"),
        ("bi", "", "say why it goes to Cabinet without sign-off"),
    ):
        with pytest.raises(workflow.WorkflowError, match=message):
            workflow.take(workflow.NOT_SIGNED_OFF, measure, PERIOD, "BI analyst", duty, reason, data_dir=data_dir)
    assert digest(data_dir) == held
    workflow.take(
        workflow.NOT_SIGNED_OFF, measure, PERIOD, "BI analyst", "bi", "provider's data late", data_dir=data_dir
    )
    assert workflow.state_of(measure, PERIOD, data_dir) == "awaiting"  # the state is unchanged


def test_the_cpor_is_final_only_when_every_measure_is_signed_off_or_listed(data_dir, measures, real_register):
    green, red = measures["green"], measures["red"]
    two = real_register.model_copy(update={"measures": [real_register.measure(green), real_register.measure(red)]})
    assert workflow.cpor_status(PERIOD, data_dir, two).startswith("Draft: 2 of 2 measures are neither signed off")
    for step, duty in (("submit", "data_owner"), ("check", "bi"), ("sign_off", "assistant_director")):
        workflow.take(step, green, PERIOD, "someone", duty, data_dir=data_dir)
    assert workflow.cpor_status(PERIOD, data_dir, two).startswith("Draft: 1 of 2")
    workflow.take(workflow.NOT_SIGNED_OFF, red, PERIOD, "BI analyst", "bi", "figure disputed", data_dir=data_dir)
    title = real_register.measure(red).title
    assert (
        workflow.cpor_status(PERIOD, data_dir, two) == f"Final for Cabinet. Not signed off: {title} (figure disputed)"
    )
    workflow.take("submit", red, PERIOD, "someone", "data_owner", data_dir=data_dir)  # a later step: listed no more
    assert workflow.cpor_status(PERIOD, data_dir, two).startswith("Draft: 1 of 2")
    with pytest.raises(workflow.WorkflowError, match="is signed off"):
        workflow.take(workflow.NOT_SIGNED_OFF, green, PERIOD, "BI analyst", "bi", "why", data_dir=data_dir)


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
    measure = "cyp_sw_turnover_rate"  # Children's Social Care and Education
    for step, duty in (("submit", "data_owner"), ("check", "bi:children_education")):
        workflow.take(step, measure, PERIOD, "someone", duty, data_dir=data_dir)
    conversation.save_commentary(
        measure, PERIOD, {"narrative": "Two teams restructured.", "corrective_action": "", "action_owner": "",
                          "due_date": ""}, "officer", data_dir=data_dir
    )  # fmt: skip
    held = digest(data_dir)
    wrong = "assistant_director:adult_social_care_health"
    with pytest.raises(workflow.WorkflowError, match="children_education directorate: assistant_director:adult"):
        workflow.take("sign_off", measure, PERIOD, "AD Adults", wrong, data_dir=data_dir)
    assert digest(data_dir) == held
    people = frozenset({wrong, "bi"})
    assert workflow.duty_for(people, "sign_off", measure, real_register) is None
    assert workflow.duty_for(people, workflow.STEP_BACK, measure, real_register) == "bi"
    with pytest.raises(workflow.WorkflowError, match="'adults', which is not a directorate in the register"):
        workflow.take("sign_off", measure, PERIOD, "AD", "assistant_director:adults", data_dir=data_dir)
    right = "assistant_director:children_education"
    assert workflow.duty_for(people | {right}, "sign_off", measure, real_register) == right
    workflow.take("sign_off", measure, PERIOD, "AD Children", right, data_dir=data_dir)
    assert workflow.states(PERIOD, data_dir).iloc[-1][["state", "duty"]].tolist() == ["signed_off", right]


def test_a_priority_actions_update_goes_through_the_same_steps(data_dir, real_register):
    action = "cyp_pa_csc_improvement_priorities"  # Children's Social Care and Education
    with pytest.raises(workflow.WorkflowError, match="unknown action 'nope'"):
        workflow.take("submit", "nope", PERIOD, "owner", "data_owner", data_dir=data_dir, kind="action")
    with pytest.raises(workflow.WorkflowError, match="unknown measure"):  # an action id is not a measure's
        workflow.take("submit", action, PERIOD, "owner", "data_owner", data_dir=data_dir)
    for step, duty in (("submit", "data_owner"), ("check", "bi")):
        workflow.take(step, action, PERIOD, "someone", duty, data_dir=data_dir, kind="action")
    with pytest.raises(workflow.WorkflowError, match="another's post"):
        workflow.take("sign_off", action, PERIOD, "AD Adults", "assistant_director:adult_social_care_health",
                      data_dir=data_dir, kind="action")  # fmt: skip
    workflow.take("sign_off", action, PERIOD, "AD", "assistant_director:children_education", data_dir=data_dir,
                  kind="action")  # fmt: skip
    assert workflow.state_of(action, PERIOD, data_dir, "action") == "signed_off"
    assert workflow.state_of(action, PERIOD, data_dir) == "awaiting"  # not a measure's state
    assert main(["workflow", "step_back", "--action", action, "--period", PERIOD, "--duty", "bi", "--reason",
                 "RAG disputed", "--data-dir", str(data_dir)]) == 0  # fmt: skip
    assert workflow.state_of(action, PERIOD, data_dir, "action") == "checked"
