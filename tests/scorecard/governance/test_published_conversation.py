"""Publishing freezes the quarter's conversation with its figures; the public and members see only published
text (marked when updated since); staff see the current text beside the published one."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard.governance import access, audit, publish
from scorecard.governance import conversation as talk
from scorecard.present import conversation
from scorecard.register import Context
from scorecard.store import ledger

Q = "2025/26 Q2"
MEASURE = "asc_msp_outcomes_met_pct"
ACTION = "asc_pa_workforce"


def _text(conv: talk.Conversation, measure: str = MEASURE) -> str | None:
    rows = conv.commentary[conv.commentary["measure_id"] == measure]
    return rows["narrative"].iloc[0] if len(rows) else None


def test_public_sees_commentary_only_once_published(data_dir):
    ctx = Context.of(data_dir)
    talk.save_commentary(ctx, MEASURE, Q, {"narrative": "Published text."}, "officer")
    assert _text(talk.for_role("officer", Q, data_dir)) == "Published text."
    for role in ("public", "member"):
        assert _text(talk.for_role(role, Q, data_dir)) is None  # a draft quarter: nothing

    publish.publish(ctx, Q, who="admin", release_to_members=True)
    assert _text(talk.for_role("member", Q, data_dir)) == "Published text."
    assert _text(talk.for_role("public", Q, data_dir)) is None  # released to members only

    publish.publish(ctx, Q, who="admin")
    public = talk.for_role("public", Q, data_dir)
    assert public.published and _text(public) == "Published text."
    assert not public.commentary["updated_since_publication"].any()

    talk.save_commentary(ctx, MEASURE, Q, {"narrative": "Edited after publication."}, "officer")
    public = talk.for_role("public", Q, data_dir)
    row = public.commentary.set_index("measure_id").loc[MEASURE]
    assert row["narrative"] == "Published text." and row["updated_since_publication"]
    staff = talk.for_role("officer", Q, data_dir).commentary.set_index("measure_id").loc[MEASURE]
    assert staff["narrative"] == "Edited after publication." and staff["updated_since_publication"]
    assert staff["published_narrative"] == "Published text."


def test_the_snapshot_holds_commentary_action_updates_and_targets(data_dir):
    ctx = Context.of(data_dir)
    draft = "The engine's draft."
    talk.save_commentary(ctx, MEASURE, Q, {"narrative": draft}, "officer", auto_draft=draft)
    talk.save_commentary(ctx, "asc_sw_average_caseload", Q, {"narrative": "By a person."}, "officer")
    talk.save_action_update(ctx, ACTION, Q, {"status": "RED", "percent_complete": 10, "narrative": "At risk."}, "o")
    entry = publish.publish(ctx, Q, who="admin")
    frozen = publish.conversation_frame(Q, data_dir)
    parts = {"commentary", "action_update", "target", "finance"}  # the shipped risks are illustrative: withheld
    assert "commentary" in entry["parts"] and set(frozen["part"]) == parts
    assert not frozen["illustrative"].fillna(False).astype(bool).any()
    assert len(conversation.part(frozen, "finance")) == 11  # the budget monitoring in force (2024/25 Q1)
    said = conversation.part(frozen, "commentary")
    assert "By a person." in said["narrative"].tolist()
    assert draft not in said["narrative"].tolist()  # an unedited auto-draft is never published as the narrative
    updates = conversation.part(frozen, "action_update").set_index("action_id")
    assert updates.loc[ACTION, ["status", "narrative"]].tolist() == ["RED", "At risk."]
    frozen_targets = conversation.part(frozen, "target")
    held = conversation.targets_in_force(Q, data_dir)
    held = held[~held["illustrative"].astype(bool)]
    assert len(held) and sorted(frozen_targets["measure_id"]) == sorted(held["measure_id"])
    # later versions never change what was published
    talk.save_action_update(
        ctx, ACTION, Q, {"status": "GREEN", "percent_complete": 30, "narrative": "Back on track."}, "o"
    )
    public = talk.for_role("public", Q, data_dir).updates.set_index("action_id")
    assert public.loc[ACTION, "narrative"] == "At risk." and public.loc[ACTION, "updated_since_publication"]


def test_members_and_public_never_see_a_draft_quarters_text(data_dir):
    talk.save_action_update(
        Context.of(data_dir), ACTION, Q, {"status": "NEW", "percent_complete": 0, "narrative": "Draft only."}, "o"
    )
    for role in ("public", "member"):
        conv = talk.for_role(role, Q, data_dir)
        assert conv.updates.empty and conv.commentary.empty and conv.state == access.DRAFT
    officer = talk.for_role("officer", Q, data_dir).updates
    assert "Draft only." in officer["narrative"].tolist()


def test_compared_flags_only_changed_text():
    live = pd.DataFrame(
        {
            "measure_id": ["a", "b", "c"],
            "narrative": ["same", "changed", "new"],
            "corrective_action": ["", "", ""],
            "action_owner": ["", "", ""],
            "due_date": ["", "", ""],
        }
    )
    published = live.iloc[:2].assign(narrative=["same", "before"])
    out = conversation.compared(live, published, "commentary").set_index("measure_id")
    assert out["updated_since_publication"].to_dict() == {"a": False, "b": True, "c": True}
    assert out.loc["b", "published_narrative"] == "before"
    assert list(ledger.empty(ledger.COMMENTARY).columns) == ledger.SCHEMAS[ledger.COMMENTARY].names


def test_key_messages_are_versions_frozen_with_the_quarter(data_dir):
    ctx = Context.of(data_dir)
    words = {"going_well": "Placements are stable.", "going_badly": "Turnover is high.", "being_done": "Recruiting."}
    with pytest.raises(talk.ConversationError) as err:
        talk.save_key_messages(ctx, Q, {**words, "being_done": "  "}, "bi")
    assert err.value.problems == [("being_done", "no message on what is being done")]
    first = talk.save_key_messages(ctx, Q, words, "bi")
    assert first["version"] == 1 and first["author"] == "bi"
    assert talk.for_role("public", Q, data_dir).written_messages is None  # a draft quarter: nothing
    publish.publish(ctx, Q, who="admin")
    talk.save_key_messages(ctx, Q, {**words, "going_well": "Edited after publication."}, "bi")
    assert talk.for_role("public", Q, data_dir).written_messages["going_well"] == "Placements are stable."
    staff = talk.for_role("officer", Q, data_dir).written_messages
    assert staff["going_well"] == "Edited after publication." and staff["version"] == 2
    assert [e["action"] for e in audit.entries(data_dir)][-3:] == ["key_messages", "publish", "key_messages"]
