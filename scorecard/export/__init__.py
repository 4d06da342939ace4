"""CPOR committee-pack export: the evaluated scorecard as Word, PDF or Excel.

``build_pack("docx", period="2025/26 Q4")`` returns the file's bytes; the command line
(``python -m scorecard export``) and the app's download buttons both call it, so they produce the
same file. Output is deterministic: the only date in it is the data's "as at" date.
"""

from __future__ import annotations

import importlib

from scorecard.export.content import Inputs, Pack, Progress
from scorecard.export.content import build as build_content
from scorecard.register import Context
from scorecard.register.plan import Scope
from scorecard.store import text

FORMATS = ("docx", "pdf", "xlsx")
MIME_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

__all__ = ["FORMATS", "MIME_TYPES", "Inputs", "Pack", "build_pack", "file_name"]


def file_name(fmt: str, period: str | None, theme: str | None = None, scope: Scope | None = None) -> str:
    """A download name such as ``Sefton_CPOR_2025-26_Q4.docx`` or ``Sefton_QSR_2025-26_Q4_directorate_….pdf``."""
    stem = ("Sefton_QSR_" if scope else "Sefton_CPOR_") + (period or "latest").replace("/", "-").replace(" ", "_")
    if theme:
        stem += f"_{theme}"
    if scope:
        stem += f"_{scope.kind}_{scope.id}"
    return f"{stem}.{fmt}"


def build_pack(
    ctx: Context,
    fmt: str,
    period: str | None = None,
    theme: str | None = None,
    progress: Progress | None = None,
    *,
    scope: Scope | None = None,
    full: bool = False,
    deep_dive: str | None = None,
    inputs: Inputs | None = None,
    sign_off: str | None = None,
) -> bytes:
    """The CPOR pack of the context's council for ``period`` (default: latest quarter) as ``fmt`` (docx | pdf |
    xlsx) bytes.

    ``theme`` limits the pack to one theme id; ``scope`` (:func:`scorecard.register.plan.scope`) makes it that
    directorate's or portfolio's Quarterly Service Report, by the same builder; the whole council's CPOR is the
    compact report in the Cabinet frame with one thematic ``deep_dive`` unless ``full`` asks for every theme in
    full (:func:`scorecard.export.content.build`); ``inputs``: what the reader may see, from the gate (default:
    the current data, for staff); ``sign_off``: the CPOR's state for its report header (draft or final for
    Cabinet, :func:`scorecard.governance.workflow.cpor_status`); ``progress(fraction, message)`` is called as
    work proceeds (fraction from 0 to 1), e.g. to drive a progress bar.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(max(float(fraction), 0.0), 1.0), message)

    # Word and the PDF markup are XML: no control character may reach them (the Excel pack writes every
    # text as a string cell, never as a formula)
    pack = text.cleaned(
        build_content(
            ctx,
            period=period,
            theme=theme,
            progress=report,
            scope=scope,
            full=full,
            deep_dive=deep_dive,
            inputs=inputs,
            sign_off=sign_off,
        )
    )
    data = _writer(fmt).render(pack, report)
    report(1.0, f"{fmt.upper()} pack ready ({len(data):,} bytes)")
    return data


def _writer(fmt: str):
    """The module that writes a format (imported only when that format is asked for)."""
    return importlib.import_module(f"scorecard.export.{ {'docx': 'word', 'pdf': 'pdf', 'xlsx': 'excel'}[fmt] }")
