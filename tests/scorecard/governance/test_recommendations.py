"""Overview and Scrutiny's recommendations (#26 item 6): a scrutiny member records one against a measure, action
or theme; its owner answers with a status; staff and members read the list as it stands, the public only as it
was frozen with a published quarter; wrong duties, unknown subjects and unreleased quarters refused, nothing
written."""

from __future__ import annotations

import pytest

from scorecard.__main__ import main
from scorecard.governance import audit, publish, recommendations
from scorecard.present import tables
from scorecard.register import Context
from scorecard.store import db, ledger
from tests.conftest import PUBLISHED

MEASURE = "cyp_sw_turnover_rate"
NEXT = "2025/26 Q3"  # not published in published_data


def _raise(folder, words="Bring a workforce plan to the next meeting.", **kw):
    args = {"period": PUBLISHED, "subject_kind": "measure", "subject_id": MEASURE, "kind": "recommendation"}
    args |= kw
    return recommendations.raise_(Context.of(folder), words=words, who="Cllr (scrutiny, test)", duty="scrutiny", **args)


def test_a_recommendation_is_raised_answered_and_tracked_each_write_recorded(published_data):
    folder = published_data[0]
    first = _raise(folder)
    assert (first["rec_id"], first["status"], first["version"]) == ("SR-1", "open", 1)
    second = _raise(
        folder, "Why did agency use rise?", subject_kind="theme", subject_id="children_young_people", kind="question"
    )
    assert second["rec_id"] == "SR-2"
    for status in ("accepted", "in_progress", "done"):
        answer = f"Workforce plan {status.replace('_', ' ')}."
        written = recommendations.respond(
            Context.of(folder), "SR-1", status, answer, "AD Children (test)", "assistant_director"
        )
    assert (written["status"], written["version"], written["responded_duty"]) == ("done", 4, "assistant_director")
    for role in ("officer", "member"):
        held = recommendations.for_role(role, PUBLISHED, folder)
        assert list(held["rec_id"]) == ["SR-1", "SR-2"] and list(held["status"]) == ["done", "open"]
    assert recommendations.for_role("member", NEXT, folder).empty  # a draft quarter: members see nothing of it
    logged = [e["detail"] for e in audit.entries(folder) if e["action"] == recommendations.ACTION]
    assert [d.get("status", d.get("raised")) for d in logged] == [
        "recommendation",
        "question",
        "accepted",
        "in_progress",
        "done",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"duty": "data_owner"}, "recorded by a scrutiny member, not data_owner"),
        ({"subject_id": "no_such_measure"}, "no measure 'no_such_measure'"),
        ({"subject_kind": "service"}, "unknown subject 'service'"),
        ({"period": NEXT}, "not yet released to members"),
        ({"words": "   "}, "write the recommendation"),
        ({"words": "x" * 2001}, "2,001 characters: at most 2,000"),
        ({"kind": "complaint"}, "unknown kind"),
    ],
)
def test_what_cannot_be_raised_is_refused_with_nothing_written(published_data, change, message):
    folder = published_data[0]
    args = {"period": PUBLISHED, "subject_kind": "measure", "subject_id": MEASURE, "kind": "recommendation"}
    args |= {"words": "A recommendation.", "who": "Cllr (test)", "duty": "scrutiny"} | change
    with pytest.raises(recommendations.RecommendationError, match=message):
        recommendations.raise_(Context.of(folder), **args)
    assert ledger.read(ledger.RECOMMENDATIONS, folder).empty


def test_only_its_owner_answers_and_only_with_a_known_status(published_data):
    folder = published_data[0]
    _raise(folder)
    for duty in ("bi", "data_owner", "scrutiny", "audit"):
        with pytest.raises(recommendations.RecommendationError, match=f"not {duty}"):
            recommendations.respond(Context.of(folder), "SR-1", "accepted", "Yes.", "someone", duty)
    with pytest.raises(recommendations.RecommendationError, match="unknown status 'maybe'"):
        recommendations.respond(Context.of(folder), "SR-1", "maybe", "Yes.", "someone", "executive_director")
    with pytest.raises(recommendations.RecommendationError, match="no recommendation 'SR-9'"):
        recommendations.respond(Context.of(folder), "SR-9", "accepted", "Yes.", "someone", "executive_director")
    with pytest.raises(recommendations.RecommendationError, match="for another directorate to answer"):
        recommendations.respond(
            Context.of(folder), "SR-1", "accepted", "Yes.", "ED Adults", "executive_director:adult_social_care_health"
        )
    assert len(ledger.read(ledger.RECOMMENDATIONS, folder)) == 1
    bound = recommendations.respond(
        Context.of(folder), "SR-1", "accepted", "Yes.", "ED", "executive_director:children_education"
    )
    assert bound["responded_duty"] == "executive_director:children_education"


def test_the_public_reads_the_list_frozen_with_a_published_quarter(published_data):
    folder = published_data[0]
    _raise(folder)
    recommendations.respond(
        Context.of(folder), "SR-1", "accepted", "A plan in May.", "AD Children (test)", "assistant_director"
    )
    assert recommendations.for_role("public", PUBLISHED, folder).empty  # raised after Q2 was frozen
    assert recommendations.for_role("public", NEXT, folder).empty  # not published
    db.reset()
    publish.publish(Context.of(folder), NEXT, who="test admin")
    recommendations.respond(
        Context.of(folder), "SR-1", "done", "The plan went to Cabinet.", "AD Children (test)", "assistant_director"
    )
    frozen = recommendations.for_role("public", NEXT, folder)
    assert list(frozen[["rec_id", "status", "response"]].itertuples(index=False)) == [
        ("SR-1", "accepted", "A plan in May.")
    ]  # as it stood when the quarter was published
    assert not {"raised_by", "responded_by"} & set(frozen.columns)  # posts are published, never people's names
    assert recommendations.for_role("officer", NEXT, folder)["status"].tolist() == ["done"]


def test_a_recommendation_about_what_the_register_no_longer_holds_is_named_by_its_id(published_data, real_register):
    folder = published_data[0]
    _raise(folder)
    without = real_register.model_copy(update={"measures": [m for m in real_register.measures if m.id != MEASURE]})
    shown = tables.recommendations(recommendations.for_role("officer", PUBLISHED, folder), without)
    assert shown["About"].tolist() == [f"Measure: {MEASURE}"]
    assert recommendations.answerer(frozenset({"executive_director"}), "measure", MEASURE, without) is None
    with pytest.raises(recommendations.RecommendationError, match="the register no longer holds"):
        recommendations.respond(Context.of(folder, without), "SR-1", "done", "Retired.", "ED", "executive_director")


def test_the_command_line_raises_answers_and_lists(published_data, capsys):
    folder = str(published_data[0])
    base = ["--data-dir", folder, "--user", "clerk (test)"]
    raise_ = ["scrutiny", "raise", "--period", PUBLISHED, "--action", "nope", "--text", "Why?", "--duty", "scrutiny"]
    assert main([*raise_, *base]) == 2 and "no action 'nope'" in capsys.readouterr().err
    raise_[4] = "--measure"
    raise_[5] = MEASURE
    assert main([*raise_, *base]) == 0 and "SR-1: open (version 1)" in capsys.readouterr().out
    answer = ["scrutiny", "respond", "SR-1", "--status", "in_progress", "--text", "Under way.", "--duty"]
    assert main([*answer, "assistant_director", *base]) == 0 and "SR-1: in progress" in capsys.readouterr().out
    assert main(["scrutiny", "list", "--period", PUBLISHED, "--format", "csv", *base]) == 0
    assert "Under way." in capsys.readouterr().out
