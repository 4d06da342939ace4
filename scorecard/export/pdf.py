"""The CPOR pack as a PDF committee report (reportlab).

A4 portrait, "Page N of M" on every page, a running header, PDF bookmarks for every heading, tables
whose header rows repeat across pages, RAG as symbol + word (DejaVu Sans, shipped with matplotlib, has
every symbol), and a text description under every chart (reportlab cannot tag images with alt text, so the
description is printed). ``invariant=1`` keeps the bytes stable for the same data.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from scorecard.export import charts as charts_mod
from scorecard.export import content
from scorecard.present import wording

FONT = "DejaVuSans"
DARK = colors.HexColor("#1F4E79")
GREY = colors.HexColor("#505050")
BAND = colors.HexColor("#F2F2F2")
RULE = colors.HexColor("#A6A6A6")
PAGE_W, PAGE_H = A4
MARGIN = 2 * cm
FRAME_W = PAGE_W - 2 * MARGIN
APPENDIX_WIDTHS = (6.6, 3.2, 2.2, 1.7, 1.8, 1.5)


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    faces = {
        FONT: "DejaVuSans.ttf",
        f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
        f"{FONT}-Oblique": "DejaVuSans-Oblique.ttf",
        f"{FONT}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
    }
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, f"{FONT}-Bold")
    addMapping(FONT, 0, 1, f"{FONT}-Oblique")
    addMapping(FONT, 1, 1, f"{FONT}-BoldOblique")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("Body", fontName=FONT, fontSize=9.5, leading=13, spaceAfter=4, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("Small", parent=base, fontSize=8, leading=10.5, textColor=GREY),
        "caption": ParagraphStyle("Caption", parent=base, fontSize=7.5, leading=9.5, textColor=GREY, spaceAfter=10),
        "bullet": ParagraphStyle("Bullet", parent=base, leftIndent=14, bulletIndent=4, spaceAfter=1),
        "council": ParagraphStyle(
            "Council", parent=base, fontName=f"{FONT}-Bold", fontSize=20, leading=24, textColor=DARK, spaceAfter=30
        ),
        "title": ParagraphStyle(
            "Title", parent=base, fontName=f"{FONT}-Bold", fontSize=24, leading=30, textColor=DARK, spaceAfter=10
        ),
        "subtitle": ParagraphStyle("Subtitle", parent=base, fontSize=15, leading=20, textColor=DARK, spaceAfter=24),
        "h1": ParagraphStyle(
            "Heading1",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=15,
            leading=19,
            textColor=DARK,
            spaceBefore=6,
            spaceAfter=8,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "Heading2",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=12,
            leading=15,
            textColor=DARK,
            spaceBefore=10,
            spaceAfter=5,
        ),
        "h3": ParagraphStyle(
            "Heading3",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=10,
            leading=13,
            textColor=colors.HexColor("#262626"),
            spaceBefore=10,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("Cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "cell_small": ParagraphStyle("CellSmall", parent=base, fontSize=7, leading=8.5, spaceAfter=0),
        "cell_head_small": ParagraphStyle(
            "CellHeadSmall",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=7,
            leading=8.5,
            spaceAfter=0,
            textColor=colors.white,
        ),
        "toc1": ParagraphStyle("TOC1", parent=base, fontName=f"{FONT}-Bold", leftIndent=0, spaceAfter=2),
        "toc2": ParagraphStyle("TOC2", parent=base, fontSize=8.5, leftIndent=14, spaceAfter=0),
        "cell_head": ParagraphStyle(
            "CellHead",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=8,
            leading=10,
            spaceAfter=0,
            textColor=colors.white,
        ),
    }


S: dict[str, ParagraphStyle] = {}


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), S[style])


def _h1(text: str) -> Paragraph:
    """A first-level heading: :func:`_numbered` numbers it in the order laid out, so no number is ever typed."""
    return _p(text, "h1")


def _numbered(story: list) -> list:
    """The story with its first-level headings numbered 1, 2, 3… in order."""
    out, n = [], 0
    for flowable in story:
        if isinstance(flowable, Paragraph) and flowable.style.name == "Heading1":
            n += 1
            flowable = Paragraph(f"{n}. {escape(flowable.getPlainText())}", flowable.style)
        out.append(flowable)
    return out


def _h2(text: str) -> list:
    """A second-level heading that starts a new page rather than sit alone at the foot of one."""
    return [CondPageBreak(4 * cm), _p(text, "h2")]


def _cell(lines, bold_first: bool = False, colour: str | None = None, style: str = "cell") -> Paragraph:
    if isinstance(lines, str):
        lines = [lines]
    lines = [line for line in lines if line] or [""]
    parts = []
    for i, line in enumerate(lines):
        text = escape(line)
        if i == 0 and bold_first:
            text = f"<b>{text}</b>"
        if i == 0 and colour:
            text = f'<font color="{colour}">{text}</font>'
        if i > 0:
            text = f'<font color="#505050">{text}</font>'
        parts.append(text)
    return Paragraph("<br/>".join(parts), S[style])


def _table(
    headers, rows, widths, centre_from: int | None = None, bold_last: bool = False, small: bool = False
) -> Table:
    """A ruled table with a repeating header row; ``small``: the compact pack's 7-point cells."""
    body, head = ("cell_small", "cell_head_small") if small else ("cell", "cell_head")
    data = [[Paragraph(escape(h), S[head]) for h in headers]]
    for values in rows:
        cells = []
        for value in values:
            if isinstance(value, tuple):
                lines, colour = value
                cells.append(_cell(lines, bold_first=True, colour=colour, style=body))
            else:
                cells.append(_cell(value, style=body))
        data.append(cells)
    table = Table(data, colWidths=[w * cm for w in widths], repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), DARK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5 if small else 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 if small else 3),
    ]
    for i in range(2, len(data), 2):
        style.append(("BACKGROUND", (0, i), (-1, i), BAND))
    if centre_from is not None:
        for row in data:
            for cell in row[centre_from:]:
                cell.style = ParagraphStyle(f"{cell.style.name}C", parent=cell.style, alignment=1)
    if bold_last:
        data[-1] = [Paragraph(f"<b>{cell.text}</b>", cell.style) for cell in data[-1]]
        style.append(("LINEABOVE", (0, -1), (-1, -1), 1.0, DARK))
    table.setStyle(TableStyle(style))
    return table


class _NumberedCanvas(rl_canvas.Canvas):
    """Draws "Page N of M" once the page count is known (pages are buffered until save)."""

    pack: content.Pack  # set on a subclass per document (see render)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 (reportlab API)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        pack = self.pack
        page = self._pageNumber
        self.saveState()
        self.setFont(FONT, 7.5)
        self.setFillColor(GREY)
        if page > 1:
            y = PAGE_H - MARGIN + 0.6 * cm
            self.drawString(MARGIN, y, f"{pack.council} – {pack.title}")
            self.drawRightString(PAGE_W - MARGIN, y, pack.period)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, y - 0.2 * cm, PAGE_W - MARGIN, y - 0.2 * cm)
        y = MARGIN - 0.9 * cm
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, y + 0.45 * cm, PAGE_W - MARGIN, y + 0.45 * cm)
        self.drawString(MARGIN, y, f"Data as at {pack.data_as_at_text}")
        self.drawRightString(PAGE_W - MARGIN, y, f"Page {page} of {total}")
        self.restoreState()


class _Doc(SimpleDocTemplate):
    """Adds a PDF bookmark and a contents entry for every heading."""

    def afterFlowable(self, flowable):  # noqa: N802 (reportlab API)
        if isinstance(flowable, Paragraph) and flowable.style.name in ("Heading1", "Heading2"):
            level = 0 if flowable.style.name == "Heading1" else 1
            text = flowable.getPlainText()
            key = f"h{self.seq.nextf('heading')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
            self.notify("TOCEntry", (level, text, self.page, key))


def _rag_colour(code: str) -> str | None:
    return wording.RAG_COLOURS.get(code)


def scorecard_cells(row: content.Row) -> list:
    return [
        row.display_title,
        [row.value_text, row.period_label, row.value_note],
        [row.target_text, row.target_note],
        ([row.rag_text], _rag_colour(row.rag)),
        row.direction_text,
        row.benchmark_text,
    ]


def _theme_table(theme: content.ThemeSection, widths, small: bool = False) -> Table:
    """The theme's scorecard table."""
    return _table(content.SCORECARD_HEADERS, [scorecard_cells(r) for r in theme.rows], widths, small=small)


def _facts_table(facts: list[tuple[str, str]]) -> Table:
    """A two-column table of labelled facts (the cover's), ruled above and below."""
    table = Table(
        [[Paragraph(f"<b>{escape(k)}</b>", S["body"]), Paragraph(escape(v), S["body"])] for k, v in facts],
        colWidths=[5.0 * cm, FRAME_W - 5.0 * cm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, 0), (-1, 0), 1.2, DARK),
                ("LINEBELOW", (0, -1), (-1, -1), 1.2, DARK),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _cover_end(pack: content.Pack) -> list:
    """The note on the marks beside figures, then the page break that ends a cover."""
    return [_p(pack.marks_note, "small"), PageBreak()]


def _title_page(pack: content.Pack) -> list:
    story = [
        Spacer(1, 3.5 * cm),
        _p(pack.council, "council"),
        _p(pack.title, "title"),
        _p(f"Reporting period: {pack.period}", "subtitle"),
    ]
    story += [
        _facts_table(pack.cover_facts()),
        Spacer(1, 1.2 * cm),
        *_cover_end(pack),
    ]
    return story


def _summary(pack: content.Pack) -> list:
    many = len(pack.themes) > 1
    story = [_h1("Summary"), _p(content.summary_paragraph(pack)), *_h2("RAG ratings by theme")]
    story.append(
        _table(
            content.RAG_SUMMARY_HEADERS,
            content.summary_cells(content.rag_summary(pack)),
            content.RAG_SUMMARY_WIDTHS,
            centre_from=1,
            bold_last=many,
        )
    )
    story += _h2("Direction of travel by theme")
    body = content.summary_cells(content.direction_summary(pack))
    story.append(_table(content.DIRECTION_SUMMARY_HEADERS, body, content.DIRECTION_SUMMARY_WIDTHS, centre_from=1))
    return story + _at_risk(pack)


def _at_risk(pack: content.Pack) -> list:
    """The year-end forecasts at risk, or at the year's last quarter the year's outturn against its target."""
    if pack.year_outturn:
        story = [*_h2("The year's outturn against its target"), _p(pack.outturn_sentence())]
        cells = pack.outturn_cells()
        return story + (
            [_table(content.OUTTURN_HEADERS, cells, content.OUTTURN_WIDTHS, small=pack.compact)] if cells else []
        )
    story = _h2("At risk of missing the year-end target")
    risky = pack.forecasts_at_risk
    if not risky:
        return story + [_p(content.NO_FORECAST_AT_RISK)]
    cells = [[r.marked_title, r.forecast_text, r.forecast_status_text] for r in risky]
    return story + [_table(content.FORECAST_HEADERS, cells, content.FORECAST_WIDTHS, small=pack.compact)]


def _finance(pack: content.Pack) -> list:
    story = [CondPageBreak(8 * cm), _h1("Financial position"), _p(pack.finance.sentence())]
    cells = pack.finance_cells(wording.RAG_COLOURS["red"])
    if not cells:
        return story
    return story + [
        _table(content.FINANCE_HEADERS, cells, content.FINANCE_WIDTHS, bold_last=True, small=pack.compact),
        _p(pack.finance_note()),
    ]


def _risks(pack: content.Pack) -> list:
    story = [CondPageBreak(6 * cm), _h1("Risks beside the measures and actions")]
    if pack.risks.empty:
        return story + [_p(content.NO_RISKS)]
    if pack.risk_note:
        story.append(_p(pack.risk_note))
    return story + [_table(content.RISK_HEADERS, pack.risk_cells(), content.RISK_WIDTHS, small=pack.compact)]


def _how_to_read(pack: content.Pack) -> list:
    story = [
        CondPageBreak(8 * cm),
        _h1("How to read this report"),
        _p(
            "Each theme has a scorecard table, then the measures that are exceptions this period with the reasons "
            "and the responsible officer, and a chart of the council's recent values against the target. Every "
            "value shows the period it relates to."
        ),
    ]
    for heading, items in pack.how_to_read():
        story += _h2(heading)
        story.append(_table(("Label", "Meaning"), [[t, m] for t, m in items], (4.0, 13.0)))
    return story


def _theme(pack: content.Pack, theme, charts: dict, figure: list[int], heading: str | None = None) -> list:
    c = theme.rag_counts()
    story = [
        PageBreak(),
        _h1(heading or theme.title),
        Paragraph(f"<i>{escape(theme.corporate_plan_title)}</i>", S["body"]),
        _p(f"Theme responsibility: {theme.responsibility}"),
        _p(", ".join(f"{wording.rag_text(k)}: {c[k]}" for k in content.SUMMARY_RAGS if c[k]) + "."),
        *_h2(f"{theme.title}: scorecard"),
        _theme_table(theme, content.SCORECARD_WIDTHS),
        *_h2(f"{theme.title}: exceptions"),
    ]
    if not theme.exceptions:
        story.append(_p("No exceptions for this theme in this period."))
    missing = [r.display_title for r in theme.rows if r.without_commentary]
    if missing:
        story.append(_p(f"{wording.NO_COMMENTARY} ({len(missing)}): " + "; ".join(missing) + "."))
    for row in theme.exceptions:
        colour = _rag_colour(row.rag) or "#000000"
        facts = [("Tier", escape(row.exception_tier_text))]
        facts.append(("Reasons", "<br/>".join(f"• {escape(r)}" for r in row.exception_reasons)))
        if row.target is not None:
            facts.append(("Target", escape(f"{row.target_cell}. {row.target_rationale}".strip())))
        facts.append(("Responsible officer", escape(row.owner)))
        facts += _commentary_facts(row)
        table = Table(
            [[Paragraph(f"<b>{k}</b>", S["cell"]), Paragraph(v, S["cell"])] for k, v in facts],
            colWidths=[3.3 * cm, FRAME_W - 3.3 * cm],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.3, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        block = [
            _p(row.display_title, "h3"),
            Paragraph(
                f"Value: <b>{escape(row.value_cell)}</b> | RAG: <font color='{colour}'><b>"
                f"{escape(row.rag_text)}</b></font> | Direction: {escape(row.direction_text)}",
                S["body"],
            ),
            _p(row.summary),
            table,
        ]
        chart = charts.get(row.measure_id)
        if chart is None:
            block.append(_p(f"No values to chart for {pack.area_name} up to {pack.period}.", "small"))
        else:
            figure[0] += 1
            width = chart.width_in * 2.54 * cm
            image = Image(io.BytesIO(chart.png), width=width, height=width * chart.height_in / chart.width_in)
            image.hAlign = "CENTER"
            block += [
                Spacer(1, 4),
                image,
                _p(f"Figure {figure[0]}: {row.display_title}. Chart description: {chart.alt_text}", "caption"),
            ]
        story.append(KeepTogether(block))
    return story


def _commentary_facts(row: content.Row) -> list[tuple[str, str]]:
    """(label, escaped text) lines: the service's commentary and corrective action, or the flag."""
    if row.narrative:
        marks = f" [{', '.join(row.commentary_marks)}]" if row.commentary_marks else ""
        facts = [(f"Commentary{marks}", escape(row.narrative).replace("\n", "<br/>"))]
        if row.corrective_action:
            owner = f" ({row.action_owner_line})" if row.action_owner_line else ""
            facts.append(("Corrective action", escape(row.corrective_action + owner).replace("\n", "<br/>")))
        facts.append(("Written", escape(row.commentary_written)))
        return facts
    if row.without_commentary:
        return [("Commentary", f"<b>⚠ {escape(wording.NO_COMMENTARY)}</b>: none given for this quarter.")]
    return []


def _actions(pack: content.Pack, theme) -> list:
    story = _h2(f"{theme.title}: annual actions")
    if not theme.actions:
        return story + [_p("The Corporate Plan lists no priority actions for this theme.")]
    body = [
        [
            a.title,
            ([a.status_text], wording.ACTION_COLOURS.get(a.status)),
            a.percent_text,
            [a.narrative, a.written, ", ".join(a.marks)],
        ]
        for a in theme.actions
    ]
    return story + [_table(("Priority action", "Status", "Progress", "Update"), body, (5.2, 3.2, 2.0, 6.6))]


def _definitions(pack: content.Pack) -> list:
    story = [PageBreak(), _h1("Appendix: measure definitions and sources")]
    by_id = {d.measure_id: d for d in pack.definitions}
    for theme in pack.themes:
        story += _h2(theme.title)
        for row in theme.rows:
            d = by_id[row.measure_id]
            block = [
                _p(row.display_title, "h3"),
                _p(d.definition),
                Paragraph(
                    f"<b>Source:</b> {escape(f'{d.publisher} – {d.dataset} ({d.licence}). Match: {d.source_match}.')}",
                    S["body"],
                ),
            ]
            if d.proxy_for:
                block.append(Paragraph(f"<b>Proxy for:</b> {escape(d.proxy_for)}", S["body"]))
            block.append(
                Paragraph(
                    f"<b>Type:</b> {escape(f'{d.info_type}; {d.polarity.lower()}; {d.frequency}.')} "
                    f"<b>Target:</b> {escape(f'{d.target_basis}. {d.target_rationale}'.strip())}",
                    S["body"],
                )
            )
            story.append(KeepTogether(block))
    return story


def _attribution(pack: content.Pack) -> list:
    story = [
        CondPageBreak(6 * cm),
        _h1("Sources and attribution"),
        _p(wording.ATTRIBUTION),
        _p(
            f"Data as at {pack.data_as_at_text} (the date of the latest data load). Figures are those of the "
            f"evaluated scorecard for {pack.period}; they match the online scorecard."
        ),
        *_h2("Data sets used"),
    ]
    seen = sorted({f"{d.publisher} – {d.dataset} ({d.licence})" for d in pack.definitions})
    story += [Paragraph(escape(item), S["bullet"], bulletText="•") for item in seen]
    return story


def _contents() -> list:
    toc = TableOfContents()
    toc.levelStyles = [S["toc1"], S["toc2"]]
    return [_p("Contents", "subtitle"), toc, PageBreak()]


def _cabinet_cover(pack: content.Pack) -> list:
    """The first page in the council's Cabinet report frame: the header, the summary and the recommendations."""
    story = [
        _p(pack.council, "council"),
        _p(f"{pack.title} — {pack.period}", "title"),
        _facts_table(pack.cabinet_frame()),
        Spacer(1, 0.4 * cm),
        _p("Summary", "h3"),
        _p(pack.summary()),
        _p("Recommendation(s)", "h3"),
        _p("Cabinet is recommended to:"),
        *[
            Paragraph(escape(text), S["bullet"], bulletText=f"({n})")
            for n, text in enumerate(pack.recommendations(), 1)
        ],
        Spacer(1, 0.3 * cm),
        *_cover_end(pack),
    ]
    return story


def _front_sheet(pack: content.Pack) -> list:
    front = pack.front
    story = [_h1("Key messages")]
    if front is None:
        return story + [_p(f"No figures for {pack.period}.")]
    story += [
        _p(front.headline()),
        Paragraph(f"<b>Going well.</b> {escape(front.going_well)}", S["body"]),
        Paragraph(f"<b>Going badly.</b> {escape(front.going_badly)}", S["body"]),
        Paragraph(f"<b>Being done.</b> {escape(front.being_done)}", S["body"]),
    ]
    for heading, cells in content.front_cells(front):
        story += _h2(heading)
        story.append(_table(content.FRONT_HEADERS, cells, content.FRONT_WIDTHS))
    story += [*_at_risk(pack), Spacer(1, 0.3 * cm), _p(front.actions), _p(front.finance)]
    return story


def _exceptions(pack: content.Pack) -> list:
    story = [PageBreak(), _h1("Exceptions")]
    decision = pack.decision_cells()
    story += _h2(f"For decision ({len(decision)})")
    story.append(
        _table(
            content.DECISION_HEADERS,
            decision or [["None this quarter."] + [""] * 7],
            content.DECISION_WIDTHS,
            small=True,
        )
    )
    for tier, label in (("watch", "To watch"), ("going_well", "Going well")):
        cells = pack.tier_cells(tier)
        story += _h2(f"{label} ({len(cells)})")
        story.append(
            _table(content.TIER_HEADERS, cells or [["None this quarter.", "", "", ""]], content.TIER_WIDTHS, small=True)
        )
    return story


def _deep_dive(pack: content.Pack, charts: dict, figure: list[int]) -> list:
    """The deep-dive theme: its scorecard, then every measure's chart (two abreast) with its summary."""
    theme = pack.theme_section(pack.deep_dive)
    if theme is None:
        return []
    story = [
        PageBreak(),
        _h1(f"Deep dive: {theme.title}"),
        Paragraph(f"<i>{escape(theme.corporate_plan_title)}</i>", S["body"]),
        _p(f"Theme responsibility: {theme.responsibility}"),
        _theme_table(theme, APPENDIX_WIDTHS, small=True),
        *_h2(f"{theme.title}: the measures charted"),
    ]
    width = FRAME_W / 2 - 0.2 * cm
    cells = []
    for row in theme.rows:
        chart = charts.get(row.measure_id)
        if chart is None:
            continue
        figure[0] += 1
        image = Image(io.BytesIO(chart.png), width=width, height=width * chart.height_in / chart.width_in)
        cells.append(
            [
                _p(row.display_title, "h3"),
                image,
                _p(f"Figure {figure[0]}. {chart.alt_text}", "caption"),
            ]
        )
    grid = [cells[i : i + 2] + [[]] * (2 - len(cells[i : i + 2])) for i in range(0, len(cells), 2)]
    if grid:
        table = Table(grid, colWidths=[FRAME_W / 2] * 2, hAlign="LEFT")
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story.append(table)
    return story


def _all_actions(pack: content.Pack) -> list:
    cells = [
        [t, a, ([st], wording.ACTION_COLOURS.get(code)), pct]
        for (t, a, st, pct), code in zip(pack.action_cells(), [a.status for _, a in pack.actions])
    ]
    return [
        PageBreak(),
        _h1("Annual actions"),
        _p(pack.front.actions if pack.front else ""),
        _table(content.ACTION_HEADERS, cells, content.ACTION_WIDTHS),
    ]


def _appendix(pack: content.Pack) -> list:
    story = [PageBreak(), _h1("Appendix: the whole scorecard")]
    for theme in pack.themes:
        story += _h2(theme.title)
        story.append(_theme_table(theme, APPENDIX_WIDTHS, small=True))
    story += [
        Spacer(1, 0.3 * cm),
        _p(content.DEFINITIONS_LINK),
    ]
    return story


def _story(pack: content.Pack, charts: dict) -> list:
    """The compact CPOR (Cabinet frame, key messages, exceptions, one deep dive, appendices) or, for ``--full``
    and the QSRs, every theme in full."""
    figure = [0]
    if pack.compact:
        return [
            *_cabinet_cover(pack),
            *_contents(),
            *_front_sheet(pack),
            *_exceptions(pack),
            *_deep_dive(pack, charts, figure),
            *_all_actions(pack),
            PageBreak(),
            *_finance(pack),
            PageBreak(),
            *_risks(pack),
            *_appendix(pack),
            *_attribution(pack),
        ]
    story = [*_title_page(pack), *_contents(), *_summary(pack), *_finance(pack), *_risks(pack), *_how_to_read(pack)]
    for theme in pack.themes:
        story += _theme(pack, theme, charts, figure) + _actions(pack, theme)
    return story + _definitions(pack) + _attribution(pack)


def render(pack: content.Pack, progress: content.Progress) -> bytes:
    """The pack as PDF bytes."""
    _register_fonts()
    S.update(_styles())
    charts = charts_mod.draw_exceptions(pack, progress, 0.1, 0.7)
    progress(0.72, "Laying out the PDF")
    story = _numbered(_story(pack, charts))
    buffer = io.BytesIO()
    doc = _Doc(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{pack.title} – {pack.period}",
        author=pack.council,
        subject=f"{pack.council} Corporate Plan performance, {pack.period}; {pack.scope_text}",
        creator=pack.council,
        keywords=["CPOR", "performance", "scorecard"],
        invariant=1,
        lang="en-GB",
        displayDocTitle=1,
    )

    class _Canvas(_NumberedCanvas):
        pass

    _Canvas.pack = pack
    doc.multiBuild(story, canvasmaker=_Canvas)
    progress(0.97, "PDF laid out")
    return buffer.getvalue()
