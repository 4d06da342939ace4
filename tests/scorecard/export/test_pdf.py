"""The PDF pack, read back with pypdf (and one page rendered with pdftoppm), against the evaluated scorecard."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from scorecard.export.content import data_as_at, long_date
from scorecard.present.wording import ATTRIBUTION
from scorecard.register import Context

ARTEFACTS = Path(__file__).resolve().parents[3] / "test-artefacts" / "export"


def _squash(text: str) -> str:
    """Text without whitespace: table cells wrap, so words may be split across lines."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def reader(pdf_bytes):
    return PdfReader(io.BytesIO(pdf_bytes))


@pytest.fixture(scope="module")
def all_pages(reader):
    return [page.extract_text() or "" for page in reader.pages]


@pytest.fixture(scope="module")
def pages(all_pages):
    """Every page's text after the title page and the contents (whose dotted leaders name every section too)."""
    contents = [i for i, text in enumerate(all_pages) if " .  .  . " in text]
    assert contents and contents[0] == 1
    return all_pages[contents[-1] + 1 :]


FIRST_THEME = 5
"""Section number of the first theme: after 1. Summary, 2. Financial position, 3. Risks, 4. How to read."""


def test_every_measure_in_order_in_its_theme_section(pages, expected, reg):
    """Within each theme's section, each measure's title is followed by its value, period, RAG and direction."""
    text = _squash("\n".join(pages))
    starts = []
    for n, theme in enumerate(reg.themes, start=FIRST_THEME):
        at = text.find(_squash(f"{n}. {theme.title}"))
        assert at >= 0, theme.title
        starts.append(at)
    starts.append(len(text))
    for theme, begin, end in zip(reg.themes, starts, starts[1:]):
        section = text[begin:end]
        pos = 0
        for e in (e for e in expected if theme.id in e["themes"]):
            for needle in (e["title"], e["value_text"], e["period"], e["rag_text"], e["direction_text"]):
                found = section.find(_squash(needle), pos)
                assert found >= 0, f"{e['measure_id']}: {needle!r} not found in order in {theme.title}"
                pos = found + len(_squash(needle))


def test_illustrative_and_proxy_marked(pages, expected):
    text = _squash("\n".join(pages))
    for e in expected:
        if e["proxy"]:
            assert _squash(e["title"]) in text
    assert text.count("(illustrative)") >= sum(e["illustrative"] for e in expected)


def test_page_numbers_on_every_page(all_pages):
    total = len(all_pages)
    assert total > 10
    for n, page in enumerate(all_pages, start=1):
        assert f"Page {n} of {total}" in page


def test_scorecard_table_header_repeats_on_every_page_it_spans(pages, expected, reg):
    """Every page where a measure's scorecard row first appears carries the table's header row (counting from
    the first theme's section: the risks table before it names measures too)."""
    squashed = [_squash(p) for p in pages]
    first = next(i for i, p in enumerate(squashed) if _squash(f"{FIRST_THEME}. {reg.themes[0].title}") in p)
    first_pages = set()
    for e in expected:
        needle = _squash(e["title"])
        first_pages.add(next(i for i, p in enumerate(squashed) if i >= first and needle in p))
    assert len(first_pages) > 6  # at least one table runs over a page
    for i in first_pages:
        assert "Value(period)" in squashed[i] and "Neighbourquartile" in squashed[i], f"page {i + 1}"


def test_charts_described_and_attribution(pages, reader, charted, pack_dir):
    text = "\n".join(pages)
    assert _squash(text).count("Chartdescription:") == len(charted)
    images = sum(len(page.images) for page in reader.pages)
    assert images == len(charted)
    assert _squash(ATTRIBUTION) in _squash(text)
    assert "How to read this report" in text
    assert f"Data as at {long_date(data_as_at(Context.of(pack_dir)))}" in text
    meta = reader.metadata
    assert meta.title.startswith("Corporate Plan Overview Report (CPOR)")
    assert meta.author == "Sefton Council"


def test_outline_has_every_theme(reader, reg):
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    for theme in reg.themes:
        assert any(t.endswith(theme.title) for t in titles)


def test_render_a_page_to_png(pdf_bytes):
    """Render the first theme page for a person to look at (test-artefacts/export/)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed (apt-get install -y poppler-utils)")
    from PIL import Image

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTEFACTS / "cpor.pdf"
    pdf.write_bytes(pdf_bytes)
    for page in (1, 2, 4, 6):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                str(pdf),
                str(ARTEFACTS / f"cpor_page{page}"),
            ],
            check=True,
            timeout=60,
        )
        image = Image.open(ARTEFACTS / f"cpor_page{page}.png").convert("L")
        width, height = image.size
        assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
        dark = sum(image.histogram()[:128])
        assert dark > 0.005 * width * height, f"page {page} looks blank"
