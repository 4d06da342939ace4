"""Fixtures for the CPOR pack tests: the real extracts built fresh for the session (never whatever is in
data/), the evaluated scorecard as the oracle, and each pack format built once per session (timed)."""

from __future__ import annotations

import time

import pytest

from scorecard import register
from scorecard.present import commentary, conversation, views
from scorecard.register import Context
from scorecard.store import ledger

PERIOD = "2025/26 Q4"
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="session")
def reg():
    return register.load()


@pytest.fixture(scope="session")
def pack_dir(built_data):
    """The data folder every pack in these tests is built from."""
    return built_data[0]


@pytest.fixture(scope="session")
def oracle(reg, pack_dir):
    """The engine's scorecard for the period with the quarter's commentary: what every pack must show."""
    card = views.scorecard(Context.of(pack_dir, reg), period=PERIOD)
    return commentary.attach(card, conversation.current(ledger.COMMENTARY, PERIOD, pack_dir), reg)


def _timed_build(fmt: str, reg, label: str, pack_dir, **kwargs) -> tuple[bytes, list[tuple[float, str]]]:
    from scorecard.export import build_pack

    calls: list[tuple[float, str]] = []
    start = time.perf_counter()
    data = build_pack(
        Context.of(pack_dir, reg), fmt, period=PERIOD, progress=lambda f, m: calls.append((f, m)), **kwargs
    )
    TIMINGS[label] = time.perf_counter() - start
    return data, calls


@pytest.fixture(scope="session")
def docx_build(oracle, reg, pack_dir):
    """The detailed pack (``--full``): every theme in full, the definitions."""
    return _timed_build("docx", reg, "docx", pack_dir, full=True)


@pytest.fixture(scope="session")
def pdf_build(oracle, reg, pack_dir):
    """The detailed pack (``--full``): every theme in full, the definitions."""
    return _timed_build("pdf", reg, "pdf", pack_dir, full=True)


@pytest.fixture(scope="session")
def cpor_pdf(oracle, reg, pack_dir):
    """The default CPOR: the compact report in the Cabinet frame."""
    return _timed_build("pdf", reg, "cpor pdf", pack_dir)[0]


@pytest.fixture(scope="session")
def cpor_docx(oracle, reg, pack_dir):
    """The default CPOR: the compact report in the Cabinet frame."""
    return _timed_build("docx", reg, "cpor docx", pack_dir)[0]


@pytest.fixture(scope="session")
def xlsx_build(oracle, reg, pack_dir):
    return _timed_build("xlsx", reg, "xlsx", pack_dir)


@pytest.fixture(scope="session")
def docx_bytes(docx_build):
    return docx_build[0]


@pytest.fixture(scope="session")
def pdf_bytes(pdf_build):
    return pdf_build[0]


@pytest.fixture(scope="session")
def xlsx_bytes(xlsx_build):
    return xlsx_build[0]


@pytest.fixture(scope="session")
def timings():
    return TIMINGS


@pytest.fixture(scope="session")
def expected(oracle):
    """Per measure, the texts the engine's wording gives (computed here from the oracle, not by the export)."""
    import pandas as pd

    from scorecard.present import wording

    out = []
    for rec in oracle.to_dict("records"):
        value = None if pd.isna(rec["value"]) else float(rec["value"])
        out.append(
            {
                "measure_id": rec["measure_id"],
                "themes": [t.strip() for t in str(rec["themes"]).split(",")],
                "title": wording.marked_title(rec["title"], rec["data_match"], rec["unit"]),
                "value": value,
                "unit": rec["unit"],
                "decimals": int(rec["decimals"]),
                "value_text": wording.format_value(rec["value"], rec["unit"], rec["decimals"]),
                "period": "" if pd.isna(rec["period_label"]) else str(rec["period_label"]),
                "rag_text": wording.rag_text(rec["rag"]),
                "direction_text": wording.direction_text(None if pd.isna(rec["direction"]) else rec["direction"]),
                "illustrative": rec["status"] == "illustrative",
                "proxy": rec["data_match"] == "proxy",
                "exception": len(rec["exception_reasons"]) > 0,
                "reasons": [wording.exception_text(code) for code in rec["exception_reasons"]],
                "severity": int(rec["exception_severity"]),
                "tier": rec["exception_tier"],
            }
        )
    return out


@pytest.fixture(scope="session")
def charted(oracle, expected, pack_dir):
    """Exception measures that have at least one value to chart up to the reporting period (from the data)."""
    from scorecard import SEFTON
    from scorecard.store import db

    end = oracle["report_end"].iloc[0]
    con = db.connect(pack_dir)
    out = []
    for e in expected:
        if e["exception"]:
            (n,) = con.execute(
                "SELECT count(value) FROM observations WHERE measure_id = ? AND area_code = ? AND period_end <= ?",
                [e["measure_id"], SEFTON, end],
            ).fetchone()
            if n:
                out.append(e["measure_id"])
    return out
