"""The CPOR pack as a Word document (python-docx).

Accessibility: real Word heading styles (Title, Heading 1–3), table header rows marked to repeat
(``w:tblHeader``) so screen readers announce column headers, alt text on every chart (``wp:docPr/@descr``),
RAG always as symbol + word, document language en-GB. Deterministic: core properties and zip entry
times are fixed to the data date, so the same data and period give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from scorecard.export import charts as charts_mod
from scorecard.export import content
from scorecard.present import wording

FONT = "Arial"
DARK = RGBColor(0x1F, 0x4E, 0x79)
HEADER_FILL = "1F4E79"
BAND_FILL = "F2F2F2"


def _hex(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _set_font(style, size: float, bold: bool | None = None, colour: RGBColor | None = None) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    if colour is not None:
        style.font.color.rgb = colour
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _styles(doc) -> None:
    styles = doc.styles
    _set_font(styles["Normal"], 10.5)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-GB")
    styles["Normal"].element.get_or_add_rPr().append(lang)
    styles["Normal"].paragraph_format.space_after = Pt(4)
    _set_font(styles["Title"], 26, True, DARK)
    _set_font(styles["Subtitle"], 15, False, DARK)
    _set_font(styles["Heading 1"], 16, True, DARK)
    _set_font(styles["Heading 2"], 13, True, DARK)
    _set_font(styles["Heading 3"], 11, True, RGBColor(0x26, 0x26, 0x26))
    _set_font(styles["Caption"], 9, False, RGBColor(0x40, 0x40, 0x40))
    _set_font(styles["List Bullet"], 10.5)
    styles["Heading 1"].paragraph_format.space_before = Pt(12)
    styles["Heading 1"].paragraph_format.page_break_before = False
    _number_headings(doc)


HEADING_NUMBERING = "90"
"""The ids of the numbering definition that numbers Heading 1 ("1.", "2." …): the numbers come from the style,
so Word renumbers the sections when one is added or moved; none is typed."""


def _number_headings(doc) -> None:
    numbering = doc.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), HEADING_NUMBERING)
    level = OxmlElement("w:lvl")
    level.set(qn("w:ilvl"), "0")
    for tag, value in (("w:start", "1"), ("w:numFmt", "decimal"), ("w:pStyle", "Heading1"), ("w:lvlText", "%1.")):
        el = OxmlElement(tag)
        el.set(qn("w:val"), value)
        level.append(el)
    abstract.append(level)
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)  # every abstractNum before the first num (the schema's order)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), HEADING_NUMBERING)
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), HEADING_NUMBERING)
    num.append(ref)
    numbering.append(num)
    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", "0"), ("w:numId", HEADING_NUMBERING)):
        el = OxmlElement(tag)
        el.set(qn("w:val"), value)
        num_pr.append(el)
    doc.styles["Heading 1"].element.get_or_add_pPr().insert(0, num_pr)


def _contents(doc) -> None:
    """A contents page: Word's TOC field over Heading 1–2, which Word fills in when the document opens
    (``w:updateFields`` asks it to)."""
    doc.add_paragraph("Contents", style="TOC Heading")
    _field(doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', "The contents are built when Word opens the document.")
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A simple Word field (PAGE, NUMPAGES) that Word fills in on open."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _footer(doc, pack: content.Pack) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run(f"{pack.council} · CPOR {pack.period} · Data as at {pack.data_as_at_text} · Page ")
    run.font.size = Pt(8)
    _field(para, "PAGE", "1")
    para.add_run(" of ").font.size = Pt(8)
    _field(para, "NUMPAGES", "1")


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _mark_header(row) -> None:
    """Repeat this row at the top of each page and tell assistive technology it holds column headers."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def _no_split(row) -> None:
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _cell_text(
    cell, lines, size: float = 9, bold_first: bool = False, colour: RGBColor | None = None, bold: bool = False
) -> None:
    """Fill a cell with one paragraph per line (first line optionally bold)."""
    if isinstance(lines, str):
        lines = [lines]
    lines = [line for line in lines if line] or [""]
    cell.paragraphs[0].text = ""
    for i, line in enumerate(lines):
        para = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        para.paragraph_format.space_after = Pt(0)
        run = para.add_run(line)
        run.font.size = Pt(size)
        run.bold = bold or (bold_first and i == 0)
        if colour is not None and i == 0:
            run.font.color.rgb = colour
        if i > 0 and not bold:
            run.font.color.rgb = RGBColor(0x50, 0x50, 0x50)


def _table(
    doc,
    headers,
    rows,
    widths,
    caption: str | None = None,
    centre_from: int | None = None,
    bold_last: bool = False,
    size: float = 9,
):
    """A grid table with a repeating, marked header row; ``rows`` are lists of cell contents
    (str, list of lines, or (lines, colour) for a coloured bold first line); ``size``: the cells' points."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if caption:
        tbl_pr = table._tbl.tblPr
        cap = OxmlElement("w:tblCaption")
        cap.set(qn("w:val"), caption)
        tbl_pr.append(cap)
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)  # w:gridCol, which LibreOffice and Word's layout use
    head = table.rows[0]
    _mark_header(head)
    for cell, text, width in zip(head.cells, headers, widths):
        _cell_text(cell, text, size=min(8, size), bold=True, colour=RGBColor(0xFF, 0xFF, 0xFF))
        _shade(cell, HEADER_FILL)
        cell.width = Cm(width)
    for n, values in enumerate(rows):
        row = table.add_row()
        _no_split(row)
        for cell, value, width in zip(row.cells, values, widths):
            cell.width = Cm(width)
            if isinstance(value, tuple):
                lines, colour = value
                _cell_text(cell, lines, size=size, colour=colour, bold_first=True)
            else:
                _cell_text(cell, value, size=size)
            if n % 2 == 1:
                _shade(cell, BAND_FILL)
    if centre_from is not None:
        for row in table.rows:
            for cell in row.cells[centre_from:]:
                for para in cell.paragraphs:
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if bold_last and len(table.rows) > 1:
        for cell in table.rows[-1].cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.bold = True
    return table


def _rag_colour(code: str) -> RGBColor | None:
    colour = wording.RAG_COLOURS.get(code)
    return _hex(colour) if colour else None


def scorecard_cells(row: content.Row) -> list:
    value = [row.value_text, row.period_label, row.value_note]
    target = [row.target_text, row.target_note]
    return [
        row.display_title,
        value,
        target,
        ([row.rag_text], _rag_colour(row.rag)),
        row.direction_text,
        row.benchmark_text,
    ]


def _theme_table(doc, pack: content.Pack, theme: content.ThemeSection, size: float = 9) -> None:
    """The theme's scorecard table, captioned with the theme and period."""
    _table(
        doc,
        content.SCORECARD_HEADERS,
        [scorecard_cells(r) for r in theme.rows],
        content.SCORECARD_WIDTHS,
        caption=f"{theme.title} scorecard, {pack.period}",
        size=size,
    )


def _title_page(doc, pack: content.Pack) -> None:
    para = doc.add_paragraph()
    para.paragraph_format.space_before = Pt(120)
    run = para.add_run(pack.council)
    run.bold = True
    run.font.size = Pt(20)
    run.font.color.rgb = DARK
    doc.add_paragraph(pack.title, style="Title")
    doc.add_paragraph(f"Reporting period: {pack.period}", style="Subtitle")
    _facts(doc, pack.cover_facts())
    _cover_end(doc, pack, space_before=24)


def _facts(doc, facts: list[tuple[str, str]], space_after: float | None = None) -> None:
    """Labelled facts of a cover, one paragraph each: ``Label: text``."""
    for label, text in facts:
        p = doc.add_paragraph()
        if space_after is not None:
            p.paragraph_format.space_after = Pt(space_after)
        p.add_run(f"{label}: ").bold = True
        p.add_run(text)


def _cover_end(doc, pack: content.Pack, space_before: float | None = None) -> None:
    """The note on the marks beside figures, then the page break that ends a cover."""
    note = doc.add_paragraph()
    if space_before is not None:
        note.paragraph_format.space_before = Pt(space_before)
    run = note.add_run(pack.marks_note)
    run.italic = True
    run.font.size = Pt(9)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _summary(doc, pack: content.Pack) -> None:
    doc.add_heading("Summary", level=1)
    doc.add_paragraph(content.summary_paragraph(pack))
    doc.add_heading("RAG ratings by theme", level=2)
    _table(
        doc,
        content.RAG_SUMMARY_HEADERS,
        content.summary_cells(content.rag_summary(pack)),
        content.RAG_SUMMARY_WIDTHS,
        caption="RAG ratings by theme",
        centre_from=1,
        bold_last=len(pack.themes) > 1,
    )
    doc.add_heading("Direction of travel by theme", level=2)
    body = content.summary_cells(content.direction_summary(pack))
    _table(
        doc,
        content.DIRECTION_SUMMARY_HEADERS,
        body,
        content.DIRECTION_SUMMARY_WIDTHS,
        caption="Direction of travel by theme",
        centre_from=1,
    )
    _at_risk(doc, pack)


def _at_risk(doc, pack: content.Pack) -> None:
    """The year-end forecasts at risk, or at the year's last quarter the year's outturn against its target."""
    if pack.year_outturn:
        doc.add_heading("The year's outturn against its target", level=2)
        doc.add_paragraph(pack.outturn_sentence())
        if pack.outturn_cells():
            _table(
                doc,
                content.OUTTURN_HEADERS,
                pack.outturn_cells(),
                content.OUTTURN_WIDTHS,
                caption="The year's outturn",
                size=8,
            )
        return
    doc.add_heading("At risk of missing the year-end target", level=2)
    risky = pack.forecasts_at_risk
    if not risky:
        doc.add_paragraph(content.NO_FORECAST_AT_RISK)
        return
    cells = [[r.marked_title, r.forecast_text, r.forecast_status_text] for r in risky]
    _table(doc, content.FORECAST_HEADERS, cells, content.FORECAST_WIDTHS, caption="Year-end forecasts at risk", size=8)


def _finance(doc, pack: content.Pack) -> None:
    doc.add_heading("Financial position", level=1)
    doc.add_paragraph(pack.finance.sentence())
    cells = pack.finance_cells(_hex(wording.RAG_COLOURS["red"]))
    if cells:
        caption = "Revenue budget monitoring by service line (£ million)"
        _table(doc, content.FINANCE_HEADERS, cells, content.FINANCE_WIDTHS, caption=caption, bold_last=True)
        doc.add_paragraph(pack.finance_note())


def _risks(doc, pack: content.Pack) -> None:
    doc.add_heading("Risks beside the measures and actions", level=1)
    if pack.risks.empty:
        doc.add_paragraph(content.NO_RISKS)
        return
    if pack.risk_note:
        doc.add_paragraph(pack.risk_note).runs[0].italic = True
    _table(
        doc,
        content.RISK_HEADERS,
        pack.risk_cells(),
        content.RISK_WIDTHS,
        caption="Risks linked to the measures and actions",
    )


def _how_to_read(doc, pack: content.Pack) -> None:
    doc.add_heading("How to read this report", level=1)
    doc.add_paragraph(
        "Each theme has a scorecard table, then the measures that are exceptions this period with "
        "the reasons and the responsible officer, and a chart of the council's recent values "
        "against the target. Every value shows the period it relates to."
    )
    for heading, items in pack.how_to_read():
        doc.add_heading(heading, level=2)
        _table(doc, ("Label", "Meaning"), [[term, meaning] for term, meaning in items], (4.0, 13.0), caption=heading)


def _theme(doc, pack: content.Pack, theme, charts: dict, figure: list[int], heading: str | None = None) -> None:
    doc.add_heading(heading or theme.title, level=1).paragraph_format.page_break_before = True
    intro = doc.add_paragraph()
    intro.add_run(theme.corporate_plan_title).italic = True
    doc.add_paragraph(f"Theme responsibility: {theme.responsibility}")
    c = theme.rag_counts()
    doc.add_paragraph(", ".join(f"{wording.rag_text(k)}: {c[k]}" for k in content.SUMMARY_RAGS if c[k]) + ".")
    doc.add_heading(f"{theme.title}: scorecard", level=2)
    _theme_table(doc, pack, theme)
    doc.add_heading(f"{theme.title}: exceptions", level=2)
    if not theme.exceptions:
        doc.add_paragraph("No exceptions for this theme in this period.")
    missing = [r.display_title for r in theme.rows if r.without_commentary]
    if missing:
        doc.add_paragraph(f"{wording.NO_COMMENTARY} ({len(missing)}): " + "; ".join(missing) + ".")
    for row in theme.exceptions:
        doc.add_heading(row.display_title, level=3)
        p = doc.add_paragraph()
        p.add_run("Value: ")
        p.add_run(row.value_cell).bold = True
        p.add_run(" | RAG: ")
        run = p.add_run(row.rag_text)
        run.bold = True
        colour = _rag_colour(row.rag)
        if colour is not None:
            run.font.color.rgb = colour
        p.add_run(f" | Direction: {row.direction_text}")
        doc.add_paragraph(row.summary)
        doc.add_paragraph(f"Tier: {row.exception_tier_text}")
        doc.add_paragraph("Reasons this is an exception:")
        for reason in row.exception_reasons:
            doc.add_paragraph(reason, style="List Bullet")
        if row.target is not None:
            doc.add_paragraph(f"Target: {row.target_cell}. {row.target_rationale}".strip())
        doc.add_paragraph(f"Responsible officer: {row.owner}")
        _commentary(doc, row)
        chart = charts.get(row.measure_id)
        if chart is None:
            doc.add_paragraph(f"No values to chart for {pack.area_name} up to {pack.period}.")
        else:
            figure[0] += 1
            _picture(doc, chart, f"Figure {figure[0]}: {row.display_title}")
            doc.add_paragraph(
                f"Figure {figure[0]}: {row.display_title} – {pack.area_name}, recent values"
                + (" and target" if row.target is not None else ""),
                style="Caption",
            )


def _picture(doc, chart, title: str, width_cm: float | None = None) -> None:
    """A centred chart with its alt text (``wp:docPr/@descr``) and title."""
    shape = doc.add_picture(io.BytesIO(chart.png), width=Cm(width_cm or chart.width_in * 2.54))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", chart.alt_text)
    doc_pr.set("title", title)
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _commentary(doc, row: content.Row) -> None:
    """The service's commentary and corrective action (literal text), or the flag when there is none."""
    if row.narrative:
        marks = f" [{', '.join(row.commentary_marks)}]" if row.commentary_marks else ""
        p = doc.add_paragraph()
        p.add_run(f"Commentary{marks}: ").bold = True
        p.add_run(row.narrative)
        if row.corrective_action:
            p = doc.add_paragraph()
            p.add_run("Corrective action: ").bold = True
            p.add_run(row.corrective_action + (f" ({row.action_owner_line})" if row.action_owner_line else ""))
        doc.add_paragraph(row.commentary_written, style="Caption")
    elif row.without_commentary:
        p = doc.add_paragraph()
        p.add_run(f"⚠ {wording.NO_COMMENTARY}: ").bold = True
        p.add_run("the service has given no commentary or corrective action for this quarter.")


def _actions(doc, pack: content.Pack, theme) -> None:
    doc.add_heading(f"{theme.title}: annual actions", level=2)
    if not theme.actions:
        doc.add_paragraph("The Corporate Plan lists no priority actions for this theme.")
        return
    body = [
        [
            a.title,
            ([a.status_text], _action_colour(a.status)),
            a.percent_text,
            [a.narrative, a.written, ", ".join(a.marks)],
        ]
        for a in theme.actions
    ]
    _table(
        doc,
        ("Priority action", "Status", "Progress", "Update"),
        body,
        (5.5, 3.2, 2.0, 6.3),
        caption=f"{theme.title} annual actions, {pack.period}",
    )


def _action_colour(code: str) -> RGBColor | None:
    colour = wording.ACTION_COLOURS.get(code)
    return _hex(colour) if colour else None


def _definitions(doc, pack: content.Pack) -> None:
    doc.add_heading("Appendix: measure definitions and sources", level=1).paragraph_format.page_break_before = True
    by_id = {d.measure_id: d for d in pack.definitions}
    for theme in pack.themes:
        doc.add_heading(theme.title, level=2)
        for row in theme.rows:
            d = by_id[row.measure_id]
            doc.add_heading(row.display_title, level=3)
            doc.add_paragraph(d.definition)
            p = doc.add_paragraph()
            p.add_run("Source: ").bold = True
            p.add_run(f"{d.publisher} – {d.dataset} ({d.licence}). Match: {d.source_match}.")
            if d.proxy_for:
                p = doc.add_paragraph()
                p.add_run("Proxy for: ").bold = True
                p.add_run(d.proxy_for)
            p = doc.add_paragraph()
            p.add_run("Type: ").bold = True
            p.add_run(f"{d.info_type}; {d.polarity.lower()}; {d.frequency}. ")
            p.add_run("Target: ").bold = True
            p.add_run(f"{d.target_basis}. {d.target_rationale}".strip())


def _attribution(doc, pack: content.Pack) -> None:
    doc.add_heading("Sources and attribution", level=1)
    doc.add_paragraph(wording.ATTRIBUTION)
    doc.add_paragraph(
        f"Data as at {pack.data_as_at_text} (the date of the latest data load). Figures are those "
        f"of the evaluated scorecard for {pack.period}; they match the online scorecard."
    )
    seen = []
    for d in pack.definitions:
        item = f"{d.publisher} – {d.dataset} ({d.licence})"
        if item not in seen:
            seen.append(item)
    doc.add_heading("Data sets used", level=2)
    for item in sorted(seen):
        doc.add_paragraph(item, style="List Bullet")


def _cabinet_cover(doc, pack: content.Pack) -> None:
    """The first page in the council's Cabinet report frame: the header, the summary and the recommendations."""
    run = doc.add_paragraph().add_run(pack.council)
    run.bold = True
    run.font.size = Pt(20)
    run.font.color.rgb = DARK
    doc.add_paragraph(f"{pack.title} — {pack.period}", style="Title")
    _facts(doc, pack.cabinet_frame(), space_after=2)
    for heading, text in (("Summary", pack.summary()), ("Recommendation(s)", "Cabinet is recommended to:")):
        doc.add_paragraph().add_run(heading).bold = True
        doc.add_paragraph(text)
    for n, text in enumerate(pack.recommendations(), start=1):
        doc.add_paragraph(f"({n}) {text}")
    _cover_end(doc, pack)


def _front_sheet(doc, pack: content.Pack) -> None:
    doc.add_heading("Key messages", level=1)
    front = pack.front
    if front is None:
        doc.add_paragraph(f"No figures for {pack.period}.")
        return
    doc.add_paragraph(front.headline())
    for label, text in (
        ("Going well.", front.going_well),
        ("Going badly.", front.going_badly),
        ("Being done.", front.being_done),
    ):
        p = doc.add_paragraph()
        p.add_run(label + " ").bold = True
        p.add_run(text)
    for heading, cells in content.front_cells(front):
        doc.add_heading(heading, level=2)
        _table(doc, content.FRONT_HEADERS, cells, content.FRONT_WIDTHS, caption=heading, size=8)
    _at_risk(doc, pack)
    doc.add_paragraph(front.actions)
    doc.add_paragraph(front.finance)


def _exceptions(doc, pack: content.Pack) -> None:
    doc.add_heading("Exceptions", level=1).paragraph_format.page_break_before = True
    decision = pack.decision_cells()
    doc.add_heading(f"For decision ({len(decision)})", level=2)
    _table(
        doc,
        content.DECISION_HEADERS,
        decision or [["None this quarter."] + [""] * 7],
        content.DECISION_WIDTHS,
        caption="Measures for decision",
        size=7.5,
    )
    for tier, label in (("watch", "To watch"), ("going_well", "Going well")):
        cells = pack.tier_cells(tier)
        doc.add_heading(f"{label} ({len(cells)})", level=2)
        _table(
            doc,
            content.TIER_HEADERS,
            cells or [["None this quarter.", "", "", ""]],
            content.TIER_WIDTHS,
            caption=label,
            size=7.5,
        )


def _deep_dive(doc, pack: content.Pack, charts: dict, figure: list[int]) -> None:
    """The deep-dive theme: its scorecard, then every measure's chart with its description."""
    theme = pack.theme_section(pack.deep_dive)
    if theme is None:
        return
    doc.add_heading(f"Deep dive: {theme.title}", level=1).paragraph_format.page_break_before = True
    doc.add_paragraph().add_run(theme.corporate_plan_title).italic = True
    doc.add_paragraph(f"Theme responsibility: {theme.responsibility}")
    _theme_table(doc, pack, theme, size=8)
    doc.add_heading(f"{theme.title}: the measures charted", level=2)
    drawn = [(row, charts[row.measure_id]) for row in theme.rows if row.measure_id in charts]
    grid = doc.add_table(rows=0, cols=2)  # a layout table: two charts abreast, each with its title and caption
    for start in range(0, len(drawn), 2):
        cells = grid.add_row().cells
        for cell, (row, chart) in zip(cells, drawn[start : start + 2]):
            figure[0] += 1
            cell.paragraphs[0].add_run(row.display_title).bold = True
            shape = cell.add_paragraph().add_run().add_picture(io.BytesIO(chart.png), width=Cm(8.2))
            shape._inline.docPr.set("descr", chart.alt_text)
            shape._inline.docPr.set("title", f"Figure {figure[0]}: {row.display_title}")
            caption = cell.add_paragraph(f"Figure {figure[0]}. {row.summary}", style="Caption")
            caption.runs[0].font.size = Pt(8)


def _all_actions(doc, pack: content.Pack) -> None:
    doc.add_heading("Annual actions", level=1).paragraph_format.page_break_before = True
    if pack.front:
        doc.add_paragraph(pack.front.actions)
    cells = [
        [theme, title, ([status], _action_colour(a.status)), progress]
        for (theme, title, status, progress), (_, a) in zip(pack.action_cells(), pack.actions)
    ]
    _table(doc, content.ACTION_HEADERS, cells, content.ACTION_WIDTHS, caption="Annual actions", size=7.5)


def _appendix(doc, pack: content.Pack) -> None:
    doc.add_heading("Appendix: the whole scorecard", level=1).paragraph_format.page_break_before = True
    for theme in pack.themes:
        doc.add_heading(theme.title, level=2)
        _theme_table(doc, pack, theme, size=7.5)
    doc.add_paragraph(content.DEFINITIONS_LINK)


def _normalise_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite the package with fixed entry times so the same content gives the same bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render(pack: content.Pack, progress: content.Progress) -> bytes:
    """The pack as .docx bytes."""
    charts = charts_mod.draw_exceptions(pack, progress, 0.1, 0.75)
    progress(0.78, "Writing the Word document")
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin = section.bottom_margin = Cm(2.0)
    _styles(doc)
    when = datetime(pack.data_as_at.year, pack.data_as_at.month, pack.data_as_at.day, tzinfo=UTC)
    props = doc.core_properties
    props.title = f"{pack.title} – {pack.period}"
    props.subject = f"{pack.council} Corporate Plan performance, {pack.period}; {pack.scope_text}"
    props.author = pack.council
    props.last_modified_by = pack.council
    props.keywords = "CPOR; performance; scorecard"
    props.language = "en-GB"
    props.revision = 1
    props.created = when
    props.modified = when
    props.last_printed = when
    props.comments = f"Data as at {pack.data_as_at_text}"
    _footer(doc, pack)
    figure = [0]
    if pack.compact:
        _cabinet_cover(doc, pack)
        _contents(doc)
        _front_sheet(doc, pack)
        _exceptions(doc, pack)
        _deep_dive(doc, pack, charts, figure)
        _all_actions(doc, pack)
        _finance(doc, pack)
        _risks(doc, pack)
        _appendix(doc, pack)
        _attribution(doc, pack)
    else:
        _title_page(doc, pack)
        _contents(doc)
        _summary(doc, pack)
        _finance(doc, pack)
        _risks(doc, pack)
        _how_to_read(doc, pack)
        for i, theme in enumerate(pack.themes, start=1):
            _theme(doc, pack, theme, charts, figure)
            _actions(doc, pack, theme)
            progress(0.78 + 0.15 * i / len(pack.themes), f"Word: theme {i} of {len(pack.themes)} written")
        _definitions(doc, pack)
        _attribution(doc, pack)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _normalise_zip(buffer.getvalue(), when)
