"""``build_pack`` and ``python -m scorecard export``: progress, formats, CLI, timings, no streamlit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scorecard.__main__ import main
from scorecard.export import FORMATS, build_pack, file_name
from scorecard.register import Context

PERIOD = "2025/26 Q4"


@pytest.mark.parametrize("fixture", ["docx_build", "pdf_build", "xlsx_build"])
def test_progress_reported(request, fixture):
    data, calls = request.getfixturevalue(fixture)
    assert data
    fractions = [f for f, _ in calls]
    assert len(calls) >= 5
    assert fractions == sorted(fractions)
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions[-1] == 1.0
    assert all(isinstance(m, str) and m for _, m in calls)


def test_file_signatures(docx_bytes, pdf_bytes, xlsx_bytes):
    assert docx_bytes[:2] == b"PK" and xlsx_bytes[:2] == b"PK"
    assert pdf_bytes.startswith(b"%PDF-")


def test_unknown_format():
    with pytest.raises(ValueError):
        build_pack(Context.of(), "odt", period=PERIOD)
    assert FORMATS == ("docx", "pdf", "xlsx")
    assert file_name("docx", PERIOD) == "Sefton_CPOR_2025-26_Q4.docx"


def test_cli_writes_the_same_file(tmp_path, capsys, xlsx_bytes, pack_dir):
    out = tmp_path / "pack.xlsx"
    assert main(["export", "--period", PERIOD, "--format", "xlsx", "--out", str(out), "--data-dir", str(pack_dir)]) == 0
    printed = capsys.readouterr().out
    assert "[100%]" in printed and "Wrote" in printed
    assert out.read_bytes() == xlsx_bytes


def test_cli_rejects_unknown_theme(tmp_path, capsys):
    assert main(["export", "--format", "pdf", "--out", str(tmp_path / "x.pdf"), "--theme", "nope"]) == 2
    assert "unknown theme" in capsys.readouterr().err


def test_engine_never_imports_streamlit():
    code = (
        "import sys, scorecard.export, scorecard.export.word, scorecard.export.pdf, scorecard.export.excel, "
        "scorecard.export.charts; assert 'streamlit' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_full_pack_timings(timings, docx_build, pdf_build, xlsx_build, capsys):
    with capsys.disabled():
        print(
            "\nFull CPOR pack (all six themes) build times: "
            + ", ".join(f"{fmt} {seconds:.1f} s" for fmt, seconds in sorted(timings.items()))
        )
    for fmt in ("docx", "pdf", "xlsx"):
        assert timings[fmt] < 60, fmt
