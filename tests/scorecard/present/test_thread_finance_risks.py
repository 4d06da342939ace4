"""The golden thread tree, the financial position and the risks as the pages and packs read them."""

from __future__ import annotations

import pandas as pd
import pytest

from scorecard.present import actions, conversation, finance, risks, thread, wording
from scorecard.register import Context
from scorecard.store import ledger

PERIOD = "2025/26 Q4"


@pytest.fixture(scope="module")
def tree(built_data, real_register):
    from scorecard.present import views

    folder = built_data[0]
    card = views.scorecard(Context.of(folder, real_register), period=PERIOD)
    updates = actions.for_quarter(real_register, conversation.current(ledger.ACTION_UPDATES, PERIOD, folder))
    held = risks.held(real_register, conversation.risks(PERIOD, folder))
    return card, thread.nodes(real_register, card, updates, held)


def test_every_measure_and_priority_action_is_on_the_thread_with_its_status(tree, real_register):
    card, nodes = tree
    measures = {n.ref.split(":", 1)[1]: n for n in nodes if n.kind == "measure"}
    acts = [n for n in nodes if n.kind == "action"]
    assert set(measures) == {m.id for m in real_register.measures} and len(measures) == 86
    assert [n.ref for n in acts] == [
        f"action:{a.id}" for t in real_register.themes for a in real_register.theme_actions(t.id)
    ]
    assert len(acts) == 40
    rag = card.set_index("measure_id")["rag"]
    for measure_id, node in measures.items():
        assert node.status == rag[measure_id] and node.status_text == wording.rag_text(rag[measure_id])
        assert node.link(PERIOD) == f"/measure?measure={measure_id}&period=2025%2F26+Q4"
    assert all(n.status_text.split()[0] in {s for _, s, _ in wording.ACTION_STATUS.values()} for n in acts)
    assert [n.kind for n in nodes[:2]] == ["vision", "purpose"] and nodes[0].title == "Sefton Vision 2030"
    assert [n.title for n in nodes if n.kind == "theme"] == [t.title for t in real_register.themes]


def test_the_tree_s_parents_come_first_and_a_subtree_is_one_branch(tree, real_register):
    _, nodes = tree
    seen: set[str] = set()
    for node in nodes:
        assert node.parent is None or node.parent in seen
        seen.add(node.id)
    assert len(seen) == len(nodes)  # ids unique although a measure may sit under two actions
    branch = thread.subtree(nodes, "theme:adult_social_care")
    theme_measures = {m.id for m in real_register.measures if "adult_social_care" in m.themes}
    assert {n.ref.split(":", 1)[1] for n in branch if n.kind == "measure"} >= theme_measures
    assert {n.kind for n in branch} == {"theme", "action", "measure", "evidence"} - (
        set() if any(n.kind == "evidence" for n in branch) else {"evidence"}
    )
    table = thread.table(branch, PERIOD)
    assert len(table) == len(branch) and table["Within"].iloc[1].endswith("Adult Social Care")
    with pytest.raises(KeyError):
        thread.subtree(nodes, "theme:nope")


def test_a_risk_is_shown_beside_what_it_links_to_and_marked_illustrative(tree, built_data):
    _, nodes = tree
    send = next(n for n in nodes if n.ref == "action:cyp_pa_send_services")
    assert send.risks and all("ILLUS-01" in r or "(illustrative)" in r for r in send.risks)
    assert any("High risk (score 20: likelihood 4 × impact 5)" in r for r in send.risks)
    linked = {m for r in ledger.read(ledger.RISKS, built_data[0])["measures"] for m in r.split("; ") if m}
    with_risk = {n.ref.split(":", 1)[1] for n in nodes if n.kind == "measure" and n.risks}
    assert with_risk == linked  # beside exactly the measures a risk names


def test_the_financial_position_says_adverse_in_words(built_data, real_register):
    pos = finance.position(real_register, conversation.finance(PERIOD, built_data[0]), PERIOD)
    assert pos.period == "2024/25 Q1" and pos.stale  # the latest return held forecasts an earlier year
    assert pos.totals() == pytest.approx({"budget": 301.418, "forecast_outturn": 306.798, "variance": 5.380})
    table = pos.table().set_index("Service line")
    assert table.loc["Adult Social Care", "Position"] == "▲ Adverse — forecast overspend"
    assert table.loc["Children's Social Care", "Variance"] == "+£3.500m"
    assert table.loc["Health & Wellbeing", "Position"].startswith("▼ Favourable")
    assert table.loc["Property and Building Services", "Budget"] == "-£0.530m"
    assert table.loc["Adult Social Care", "Source"].startswith("Sefton Council, Cabinet 25 July 2024")
    assert "seed" not in " ".join(table["Source"]) and "line" not in " ".join(table["Commentary"])
    assert "Adverse: Adult Social Care +£2.000m; Children's Social Care +£3.500m" in pos.sentence()
    assert "forecasts 2024/25, not 2025/26" in pos.sentence()
    same_year = finance.position(real_register, conversation.finance("2024/25 Q3", built_data[0]), "2024/25 Q3")
    assert not same_year.stale and "not 2024/25" not in same_year.sentence()
    scoped = finance.position(real_register, conversation.finance(PERIOD, built_data[0]), PERIOD, ["health_wellbeing"])
    assert list(scoped.lines["service_line"]) == ["health_wellbeing"] and "Adverse" not in scoped.sentence()
    before = finance.position(real_register, conversation.finance("2023/24 Q4", built_data[0]), "2023/24 Q4")
    assert not before.held and "No revenue budget monitoring return" in before.sentence()


def test_the_variance_is_recomputed_not_taken_on_trust(real_register):
    held = pd.DataFrame(
        [
            {
                "service_line": "communities",
                "period": "2025/26 Q1",
                "budget": 10.0,
                "forecast_outturn": 9.0,
                "variance": 5.0,
                "commentary": None,
                "reference": "test",
                "illustrative": True,
            }
        ]
    )
    pos = finance.position(real_register, held, "2025/26 Q1")
    assert pos.lines.iloc[0]["variance"] == pytest.approx(-1.0) and pos.lines.iloc[0]["position"] == "underspend"
    assert pos.illustrative and pos.table().iloc[0]["Source"] == "test (illustrative)"
