"""One vocabulary (#22): every code a judgement, the register or the store can give has its words in
:mod:`scorecard.present.wording`, and the packs and pages use those tables (no second copy)."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from scorecard.evaluation import forecast
from scorecard.evaluation.judgements import benchmark, budget, direction, exceptions, polarity, rag, risk, trend
from scorecard.governance import access
from scorecard.ingest import conversation
from scorecard.present import actions, wording
from scorecard.register import definitions, targets
from scorecard.store import periods

ROOT = Path(__file__).resolve().parents[3]

VOCABULARIES = {
    "RAG": (wording.RAG, rag.CODES),
    "direction": (wording.DIRECTION, direction.CODES),
    "trend": (wording.TREND, trend.CODES),
    "trend reason": (wording.TREND_REASON, (*trend.NOT_APPLIED, *trend.CANNOT)),
    "trend method": (wording.TREND_METHOD, trend.METHODS),
    "exception": (wording.EXCEPTION, exceptions.CODES),
    "tier": (wording.TIER, exceptions.TIERS),
    "deterioration": (wording.DETERIORATION, exceptions.BASES),
    "significance": (wording.SIGNIFICANCE, benchmark.SIGNIFICANCE),
    "not tested": (wording.NOT_TESTED, ("count", "clustered")),
    "quartile": (wording.QUARTILE, (1, 2, 3, 4)),
    "forecast status": (wording.FORECAST_STATUS, forecast.STATUSES),
    "forecast reason": (wording.FORECAST_REASON, forecast.REASONS),
    "forecast method": (wording.FORECAST_METHOD, forecast.METHODS),
    "budget": (wording.BUDGET, budget.CODES),
    "risk band": (wording.RISK_BAND, risk.CODES),
    "action status": (wording.ACTION_STATUS, (*conversation.ACTION_STATUSES, *actions.STATUS_ORDER)),
    "target status": (wording.TARGET_STATUS, (*targets.STATUSES, "contextual", "none")),
    "target basis": (wording.TARGET_BASIS, rag.BASES),
    "target basis note": (wording.TARGET_BASIS_NOTE, typing.get_args(definitions.TargetBasis)),
    "polarity": (wording.POLARITY, tuple(polarity.SIGN)),
    "info type": (wording.INFO_TYPE, typing.get_args(definitions.InfoType)),
    "data match": (wording.DATA_MATCH, ("exact", "proxy", "none")),
    "observation status": (wording.STATUS, ("ok", "illustrative", "suppressed", "provisional", "revised", "missing")),
    "period kind": (wording.PERIOD_KIND, periods.KINDS),
    "role": (wording.ROLE, access.ROLES),
    "publication state": (wording.PUBLICATION_STATE, (access.DRAFT, access.RELEASED, access.PUBLISHED)),
}


@pytest.mark.parametrize("name", list(VOCABULARIES))
def test_every_code_has_its_words(name):
    table, codes = VOCABULARIES[name]
    assert set(codes) <= set(table), f"{name}: no words for {sorted(map(str, set(codes) - set(table)))}"


def test_the_data_match_agrees_with_the_register():
    match = definitions.Source.model_fields["match"].annotation
    assert set(typing.get_args(match)) == set(wording.DATA_MATCH)


def test_no_second_copy_of_a_vocabulary_or_the_attribution():
    """The tables that once lived twice (packs, pages) are defined in wording only."""
    copies = []
    for folder in ("scorecard", "ui", "pages"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "wording.py":
                continue
            source = path.read_text(encoding="utf-8")
            for marker in (
                '"Contains public sector information',
                '"performance_indicator": "',
                '"higher_is_better": "',
            ):
                if marker in source:
                    copies.append(f"{path.relative_to(ROOT)}: {marker}")
    assert copies == []
