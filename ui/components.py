"""Small building blocks shared by the pages: RAG and status badges (label + symbol + colour, never colour
alone), accessible charts (alt text + table alternative), downloads, the illustrative-data banner, footer."""

from __future__ import annotations

import html
import os
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from scorecard.evaluation.judgements import rag
from scorecard.ingest.conversation import MAX_LENGTH
from scorecard.present import commentary as commentary_text
from scorecard.present import risks, tables, views, wording
from scorecard.present.finance import NOTE
from scorecard.register import releases
from scorecard.store import frames, periods, text
from ui import charts, data
from ui.state import escape_markdown

RAG_ORDER = [*rag.RATED[::-1], *[code for code in rag.CODES if code not in rag.RATED]]
"""RAG codes in the order badges are shown: red first."""


def rag_badge(code: str, count: int | None = None) -> str:
    """HTML badge: symbol + label (+ count) on the colour-blind-safe colour."""
    label, symbol, meaning = wording.RAG.get(code, (code, "", ""))
    text = f"{symbol} {label}" + (f": {count}" if count is not None else "")
    return _badge(text, meaning, wording.RAG_COLOURS.get(code, "#4d4d4d"))


def _badge(text: str, meaning: str, colour: str) -> str:
    return (
        f'<span title="{html.escape(meaning)}" style="background:{colour};color:#fff;padding:1px 8px;'
        f'border-radius:10px;margin-right:4px;white-space:nowrap;font-size:0.9em">{html.escape(text)}</span>'
    )


def marks_markdown(row) -> str:
    colours = {
        "Illustrative": "orange",
        "Provisional": "blue",
        "Suppressed": "gray",
        "Proxy": "violet",
        "Stale": "violet",
        "Revised": "blue",
        "Revised since publication": "red",
    }
    return " ".join(f":{colours.get(m, 'gray')}-badge[{m}]" for m in tables.marks(row))


def illustrative_banner(card: pd.DataFrame) -> None:
    count = int((card["status"] == "illustrative").sum())
    if count:
        st.info(
            f"**Illustrative figures.** {count} of the {len(card)} measures come from council systems that "
            "are not published. Until the services send their quarterly returns, these show **made-up "
            "demonstration figures**, marked with an :orange-badge[Illustrative] badge wherever they appear. "
            "Do not quote them.",
            icon="ℹ️",
        )
    awaiting = int((card["status"] == rag.AWAITING).sum())
    if awaiting:  # a published quarter: the demo figures were withheld (scorecard.governance.withhold)
        st.info(
            f"**Awaiting returns.** {awaiting} of the {len(card)} measures come from council systems whose figures "
            "for this report had not been returned by the service; they read **Awaiting return**, with no figure.",
            icon="ℹ️",
        )


def revisions_notice(card: pd.DataFrame) -> None:
    """Published figures that the current data has since revised: both values, the published one first.
    (Only snapshot cards — public and member views — carry ``revised_since_publication``.)"""
    if "revised_since_publication" not in card or not card["revised_since_publication"].any():
        return
    part = card[card["revised_since_publication"].astype(bool)]
    st.warning(
        f"**Revised since publication.** {len(part)} of the figures published for this quarter have "
        "since been revised. Every page shows the figure **as published**; the revised figure is listed "
        "below for information.",
        icon="✏️",
    )
    with st.expander(f"Figures revised since publication ({len(part)})"):
        st.dataframe(
            pd.DataFrame(
                {
                    "Measure": part["title"],
                    "Published figure": [
                        wording.format_value(v, u, d) for v, u, d in zip(part["value"], part["unit"], part["decimals"])
                    ],
                    "Published period": part["period_label"].fillna(""),
                    "Revised figure": [
                        wording.format_value(v, u, d)
                        for v, u, d in zip(part["current_value"], part["unit"], part["decimals"])
                    ],
                    "Revised period": part["current_period"].fillna(""),
                }
            ),
            hide_index=True,
        )


def chart(fig, alt: str, table: pd.DataFrame, key: str, table_title: str = "Table of the figures in this chart"):
    """A plotly chart with its alt text as a caption and the same figures as a table. Narrow margins unless
    the chart sets its own (the positions chart needs room for its axis labels)."""
    fig.update_layout(
        margin=dict(l=10, r=10, t=40, b=10) | fig.layout.margin.to_plotly_json(),
        font=charts.FONT,
        template="plotly_white",
    )
    st.plotly_chart(fig, key=key, config={"displayModeBar": False}, theme=None)
    st.caption(f"Chart description: {alt}")
    with st.expander(table_title):
        st.dataframe(table, hide_index=True)


def base_url() -> str:
    """The address the app is reached at, for links that leave it (downloads, permalinks): the configured
    ``SCORECARD_BASE_URL`` (behind a proxy), else the scheme and host of the page the browser is on."""
    configured = os.environ.get("SCORECARD_BASE_URL", "").strip()
    if configured:
        return configured.rstrip("/")
    here = urlsplit(st.context.url or "")
    return f"{here.scheme}://{here.netloc}" if here.scheme and here.netloc else ""


def csv_download(frame: pd.DataFrame, file_name: str, label: str = "Download CSV", key: str | None = None):
    """A CSV download of ``frame``, its text neutralised against spreadsheet formulas, written only when the
    button is clicked (not on every page view)."""
    st.download_button(
        label,
        lambda: text.csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        key=key or file_name,
        icon=":material/download:",
        on_click="ignore",  # a download does not re-run the page
    )


def scorecard_column_config(with_spark: bool = False) -> dict:
    config = {
        "Open": st.column_config.LinkColumn("Open", display_text="Open ↗", help="Open the measure page", width="small"),
        "Measure": st.column_config.TextColumn(width="medium"),
        "RAG": st.column_config.TextColumn(
            help="Against target: ✔ Green met · ▲ Amber within tolerance · "
            "✖ Red beyond tolerance · ○ No target · – Not rated"
        ),
        "Direction": st.column_config.TextColumn(help="Latest value compared with the previous period"),
        "Commentary": st.column_config.TextColumn(
            width="large", help="The service's commentary for the quarter (the measure page has it all)"
        ),
    }
    if with_spark:
        config["Recent values"] = st.column_config.LineChartColumn("Recent values (up to 8 periods)", width="small")
    return config


def footer(period: str | None) -> None:
    """Freshness and attribution: of the published report for the public and members (never a draft
    period), of the current data for staff."""
    from scorecard.governance import reports
    from ui import data, state

    st.divider()
    try:
        facts = data.footer(state.AREA, period)
    except reports.NotPublished:
        facts = None
    if facts and facts["published"]:
        st.caption(
            f"**Published report:** figures as published on {facts['as_of']} from {facts['sources']} sources; "
            f"newest figure for Sefton in this report: {facts['newest_period']} ({facts['newest_publisher']}). "
            "See *Data & definitions* for every source and licence."
        )
    elif facts:
        st.caption(
            f"**Data freshness:** {facts['sources']} sources loaded; data as at {facts['as_of']}; "
            f"newest figure for Sefton: {facts['newest_period']} ({facts['newest_publisher']}). "
            "See *Data & definitions* for every source, batch and checksum."
        )
    st.caption(wording.ATTRIBUTION)


def nothing_to_show(what: str) -> None:
    """The message for a piece of a page with no figures: for the public and councillors, that the published
    report does not hold it (never a live figure instead)."""
    from scorecard.governance import access
    from ui import auth

    if access.reads_snapshot(auth.role()):
        st.info(f"**Not in the published report:** {what}.", icon="📄")
    else:
        st.info(f"No figures: {what}.")


def integrity_failed(role: str, err: Exception) -> None:
    """Instead of any figure when stored records contradict each other: staff see what failed; the public
    and councillors only that the figures are temporarily unavailable."""
    from scorecard.governance import access
    from ui.state import plain

    if access.sees_draft(role):
        st.error(
            f"**Integrity check failed.** {plain(str(err).removeprefix('integrity check failed: '), limit=800)}"
            "\n\nNo figures are shown and nothing can be saved, loaded or published until this is resolved. "
            "The audit log, the commit record (`version.json`), what people wrote and the published snapshots "
            "must agree: find out how the files were changed, then restore `data/` from a backup or, for "
            "changes found to be genuine, a BI administrator re-seals it (`python -m scorecard reseal`).",
            icon="🛑",
        )
    else:
        st.warning(
            "**The published figures are temporarily unavailable.** Please try again later.",
            icon="⏳",
        )
    st.divider()
    st.caption(wording.ATTRIBUTION)


def _advance(bar, fraction: float, message: str) -> None:
    bar.progress(min(max(fraction, 0.0), 1.0), text=message)


def pack_downloads(period: str | None, theme: str | None = None, scope=None) -> None:
    """Build the CPOR committee pack (Word, PDF or Excel) — or, with ``scope``, a directorate's or portfolio's
    Quarterly Service Report — with a progress bar, then offer it to download: the same file as
    ``python -m scorecard export``. The public and members get the quarter as published (the gate's frozen
    card, conversation and trends: :func:`ui.data.pack_inputs`), never the current data."""
    from scorecard import export

    inputs = data.pack_inputs(period) if period else None  # the public and members: the published quarter
    which = f"{scope.kind}-{scope.id}" if scope else (theme or "all")
    which += "-published" if inputs is not None else ""
    options: dict = {}
    with st.container(border=True):
        st.markdown(
            "**Committee pack** — the same figures as a document for the agenda papers."
            if inputs is None
            else "**The published report** — the figures as published, as a document (Word, PDF or Excel)."
        )
        if scope is None and theme is None and inputs is None:  # staff choose the CPOR's thematic deep dive
            reg = data.reg()
            themes = [t.id for t in reg.themes]
            suggested = releases.deep_dive(reg, periods.parse_label(period)) if period else themes[0]
            left, right = st.columns([2, 1])
            options["deep_dive"] = left.selectbox(
                "Thematic deep dive",
                themes,
                index=themes.index(suggested),
                format_func=lambda t: (
                    reg.theme(t).title + (" (suggested: national data published)" if t == suggested else "")
                ),
                key=f"deep-dive-{period}",
            )
            options["full"] = right.checkbox(
                "Detailed pack", key=f"full-pack-{period}", help="Every theme in full, with the definitions"
            )
            which += f"-{options['deep_dive']}-{'full' if options['full'] else 'cpor'}"
        columns = st.columns(len(export.FORMATS))
        for column, fmt in zip(columns, export.FORMATS):
            key = f"pack-{fmt}-{period}-{which}"
            if column.button(f"Prepare {fmt.upper()}", key=f"prepare-{key}"):
                bar = st.progress(0.0, text=f"Building the {fmt.upper()} pack…")
                if "deep_dive" in options:  # the CPOR staff build: draft, or final for Cabinet, as it is now
                    options["sign_off"] = data.cpor_status(period) if period else None
                st.session_state[key] = export.build_pack(
                    data.context(),
                    fmt,
                    period=period,
                    theme=theme,
                    progress=lambda fraction, message: _advance(bar, fraction, message),
                    scope=scope,
                    inputs=inputs,
                    **options,
                )
                bar.empty()
            if key in st.session_state:
                column.download_button(
                    f"Download {fmt.upper()}",
                    st.session_state[key],
                    file_name=export.file_name(fmt, period, theme, scope),
                    mime=export.MIME_TYPES[fmt],
                    key=f"download-{key}",
                    icon=":material/download:",
                    on_click="ignore",
                )


MARK_COLOURS = {"Illustrative": "orange", "Auto-drafted": "gray", "Updated since publication": "red"}


def length_help(column: str) -> str:
    """The help beside a text box: its limit, which a save checks (a longer text is refused with a message and
    stays in the box to shorten — never cut without a word, as a box's own limit would)."""
    return f"At most {MAX_LENGTH[column]:,} characters."


def literal(text: str) -> str:
    """Short text as markdown that shows it as written (every markdown and HTML character escaped, line
    breaks kept) — for captions beside it; the commentary itself is shown with ``st.text``, never parsed."""
    return "  \n".join(escape_markdown(line) for line in str(text or "").split("\n"))


def scrutiny_items(shown: pd.DataFrame) -> None:
    """Scrutiny's recommendations (:func:`scorecard.present.tables.recommendations`), each in a box: what it is
    about and its status first, then the text and the owner's response as written (never parsed)."""
    for r in shown.to_dict("records"):
        with st.container(border=True):
            st.markdown(
                f"**{r['Ref']} · {r['Type']}** · {literal(r['About'])} · raised at {r['Quarter']}  \n"
                f"**Status:** {r['Status']}"
            )
            st.text(r["Recommendation or question"])
            if r["Response"]:
                st.markdown(f"**Response** — {r['Answered by']}, {r['Answered on']}")
                st.text(r["Response"])


def conversation_marks(row) -> str:
    """Badges for commentary or an action update: illustrative, auto-drafted, updated since publication."""
    return " ".join(f":{MARK_COLOURS.get(m, 'gray')}-badge[{m}]" for m in commentary_text.marks(row))


def no_commentary_badge() -> str:
    return f":red-badge[⚠ {wording.NO_COMMENTARY}]"


def commentary(row, staff: bool = False) -> None:
    """The service's commentary on a measure for the quarter — narrative, corrective action, its owner and
    due date, who wrote it — as literal text with its badges; or the flag when a red or amber measure has
    none. ``row`` is a scorecard row with :func:`scorecard.present.commentary.attach`'s columns."""
    narrative = row.get("narrative") or ""
    if narrative:
        st.markdown(f"**What happened and why** {conversation_marks(row)}")
        st.text(narrative)  # never parsed: no markdown, HTML or link (not even a bare URL) is made of it
        if row.get("corrective_action"):
            st.markdown("**Corrective action**")
            st.text(row["corrective_action"])
        details = " · ".join(x for x in (commentary_text.owner_line(row), commentary_text.written_line(row)) if x)
        if details:
            st.caption(literal(details))
        if staff and row.get("commentary_updated_since_publication") and row.get("published_narrative"):
            with st.expander("The text as published"):
                st.text(row["published_narrative"])
    elif row.get("without_commentary"):
        st.markdown(no_commentary_badge() + " The service has given no commentary for this quarter.")


def action_badge(code: str, count: int | None = None) -> str:
    """HTML badge for an annual action's status: symbol + the council's word (+ count), never colour alone."""
    label, symbol, meaning = wording.ACTION_STATUS.get(code, (code, "", ""))
    text = f"{symbol} {label}" + (f": {count}" if count is not None else "")
    return _badge(text, meaning, wording.ACTION_COLOURS.get(code, "#4d4d4d"))


def action_progress(percent, code: str) -> str:
    """HTML progress bar for an annual action, filled in its status colour (a complete BLUE action is blue, not
    the theme's red), with the figure as text and as ``role="progressbar"`` values for screen readers."""
    value = max(0, min(100, int(round(float(percent)))))
    text = html.escape(wording.percent_text(percent))
    colour = wording.ACTION_COLOURS.get(code, "#4d4d4d")
    return (
        f'<div role="progressbar" aria-valuenow="{value}" aria-valuemin="0" aria-valuemax="100" '
        f'aria-label="{text}" style="background:#e6e6e6;border-radius:4px;height:8px;margin:4px 0">'
        f'<div style="background:{colour};width:{value}%;height:8px;border-radius:4px"></div></div>'
        f'<span style="font-size:0.9em">{text}</span>'
    )


def measure_counts(part: pd.DataFrame) -> None:
    """A group of measures in two lines: RAG badges (symbol + word + count), then directions and how many red
    or amber measures have no commentary (``part``: scorecard rows with the quarter's commentary attached)."""
    counts = views.headline_counts(part)
    st.markdown(
        "".join(rag_badge(c, counts[f"rag_{c}"]) for c in RAG_ORDER if counts[f"rag_{c}"]), unsafe_allow_html=True
    )
    st.markdown(
        f"↑ {counts['improving']} improving · ↓ {counts['worsening']} worsening · → {counts['no_change']} no change"
        f" · ⚠ {int(part['without_commentary'].sum())} red or amber without commentary"
    )


def financial_position(position, key: str) -> None:
    """The financial position (:class:`scorecard.present.finance.Position`): its sentence, then every service
    line's budget, forecast outturn and variance with the position in words (adverse, never colour alone) and
    the report line the figures come from."""
    st.markdown(literal(position.sentence()))
    if position.lines.empty:
        return
    if position.illustrative:
        st.caption(":orange-badge[Illustrative] Some of these figures are made up for demonstration.")
    table = position.table()
    total = pd.DataFrame([position.total_row()], columns=table.columns)
    st.dataframe(
        pd.concat([table, total], ignore_index=True),
        hide_index=True,
        column_config={
            "Commentary": st.column_config.TextColumn(width="large"),
            "Source": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption(NOTE)
    csv_download(table, f"sefton_financial_position_{position.period}_{key}.csv", "Download the financial position")


def risk_lines(frame: pd.DataFrame) -> None:
    """Risks beside a measure or an action, one line each: id, band and score in words, what might happen,
    and the illustrative mark (there is no public risk register)."""

    for r in frames.records(frame):
        st.markdown(literal(risks.line(r)))
