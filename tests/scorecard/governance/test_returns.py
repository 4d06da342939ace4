"""What a quarter still owes (#26 item 3): each measure's next step, who takes it, when it is due, overdue."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd

from scorecard.__main__ import main
from scorecard.governance import returns, workflow
from scorecard.register import Context

PERIOD = "2025/26 Q4"


def test_the_chase_list_puts_the_overdue_first_and_drops_the_signed_off(data_dir, real_register):
    ctx = Context.of(data_dir)
    measure, other = real_register.measures[0].id, real_register.measures[1].id
    workflow.take(ctx, "submit", measure, PERIOD, "Service manager", "data_owner")
    before_qa = returns.status(ctx, PERIOD, date(2026, 4, 12)).set_index("item_id")
    assert before_qa.at[measure, "state"] == "submitted" and before_qa.at[measure, "next_step"] == "check"
    assert before_qa.at[measure, "taken_by"] == "bi" and before_qa.at[measure, "days_overdue"] == 0
    assert before_qa.at[other, "next_step"] == "submit" and before_qa.at[other, "days_overdue"] == 2  # due 10 Apr
    assert before_qa.at[other, "directorate"] and before_qa.at[other, "owner"]
    table = returns.status(ctx, PERIOD, date(2026, 4, 12))
    assert list(table["days_overdue"].iloc[:2]) == [2, 2] and table["days_overdue"].iloc[-1] == 0  # overdue first
    workflow.take(ctx, "check", measure, PERIOD, "BI analyst", "bi")
    workflow.take(ctx, "sign_off", measure, PERIOD, "AD", "assistant_director")
    after = returns.status(ctx, PERIOD, date(2026, 4, 30))
    signed = after.set_index("item_id").loc[measure]
    assert signed["state"] == "signed_off" and pd.isna(signed["next_step"]) and pd.isna(signed["days_overdue"])
    chase = returns.outstanding(after)
    every = len(real_register.measures) + len(real_register.priority_actions)
    assert measure not in set(chase["item_id"]) and len(chase) == every - 1


def test_the_returns_command_writes_the_chase_list(data_dir, capsys, real_register):
    base = ["returns", "--period", PERIOD, "--as-of", "2026-04-12", "--data-dir", str(data_dir)]
    every = len(real_register.measures) + len(real_register.priority_actions)  # 86 + 40
    assert main(base) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"{PERIOD} on 12 Apr 2026: {every} of {every} measures and priority actions outstanding")
    assert main([*base, "--format", "csv"]) == 0
    chase = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(chase.columns) == returns.COLUMNS and len(chase) == every and set(chase["days_overdue"]) == {2}
    assert chase["item_kind"].value_counts().to_dict() == {"measure": 86, "action": 40}
    assert main(["returns", "--period", "2025/26", "--data-dir", str(data_dir)]) == 2
    signed = real_register.measures[0].id  # signed off in the test above: no RAG needing commentary
    for step, duty in (("submit", "data_owner"), ("check", "bi"), ("sign_off", "assistant_director")):
        workflow.take(Context.of(data_dir), step, signed, PERIOD, "someone", duty)
    capsys.readouterr()
    assert main([*base, "--all"]) == 0  # every measure, a signed-off one too, without a traceback
    assert f"measure  {signed:<48} signed_off signed off" in capsys.readouterr().out
