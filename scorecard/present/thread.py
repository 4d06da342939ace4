"""The golden thread as a tree people read (framework, seed 001 ~1580: "links the Council's objectives, through
to individual appraisals"): Sefton Vision 2030 → the Council's Core Purpose → the Corporate Plan's six themes →
each theme's priority actions → the measures that evidence them (:mod:`scorecard.register.plan`), and under
each theme the measures that evidence it as a whole.

Every node carries the status already judged for it — a measure's RAG rating, an action's status in the
council's key, a group's RAG counts — as symbol + word (:mod:`scorecard.present.wording`), the risks linked to
it (:mod:`scorecard.present.risks`), and the page it opens. A measure linked to two priority actions appears
under both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd

from scorecard.evaluation.judgements import rag
from scorecard.present import risks as risk_views
from scorecard.present import tables, views, wording
from scorecard.register import Register, plan
from scorecard.register.definitions import Plan
from scorecard.store import frames

ROOT = "vision"
PURPOSE = "core_purpose"
PAGES = {"thread": "golden_thread", "theme": "theme", "actions": "actions", "measure": "measure"}
"""Node page → the app's URL path."""
KIND_LABELS = {
    "vision": "Vision",
    "purpose": "Core Purpose",
    "theme": "Theme",
    "action": "Priority action",
    "evidence": "Theme as a whole",
    "measure": "Measure",
}


@dataclass(frozen=True)
class Node:
    """One node of the tree: ``id`` is unique (a path for a measure under an action), ``ref`` the permalink
    id (``theme:…``, ``action:…``, ``measure:…``), ``page`` and ``params`` the page it opens."""

    id: str
    parent: str | None
    depth: int
    kind: str
    ref: str
    title: str
    status: str
    status_text: str
    detail: str
    page: str
    params: dict = field(default_factory=dict)
    marks: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()

    def link(self, period: str | None = None) -> str:
        """Relative URL of the node's page, keeping the reporting quarter."""
        return f"/{PAGES[self.page]}?" + urlencode(self.params | ({"period": period} if period else {}))


def plan_of(reg: Register) -> Plan:
    """The register's plan (Vision 2030, Core Purpose…); ValueError for a register without one."""
    if reg.plan is None:
        raise ValueError("the KPI register has no plan: section, so there is no golden thread to show")
    return reg.plan


def rag_summary(card: pd.DataFrame) -> str:
    """``✖ Red 3 · ▲ Amber 2 · ✔ Green 5 · – Not rated 4``: the RAG counts of a group of measures, red first
    (:func:`scorecard.present.views.headline_counts`)."""
    counts = views.headline_counts(card)
    order = [*rag.RATED[::-1], *[c for c in rag.CODES if c not in rag.RATED]]
    return " · ".join(f"{wording.rag_text(c)} {counts[f'rag_{c}']}" for c in order if counts[f"rag_{c}"])


def _risk_lines(held: list[dict], measures=(), actions=()) -> tuple[str, ...]:
    return tuple(risk_views.line(r) for r in held if risk_views.is_linked(r, measures, actions))


def nodes(
    reg: Register, card: pd.DataFrame | None, updates: pd.DataFrame | None, risks: pd.DataFrame | None
) -> list[Node]:
    """The whole tree, depth first in the register's order. ``card``: the evaluated scorecard (one row per
    measure); ``updates``: :func:`scorecard.present.actions.for_quarter`; ``risks``: :func:`risks.held`. With
    no card (nothing published) it is the plan's structure alone: every action and measure, no figure, status
    or risk."""
    top = plan_of(reg)
    structure = card is None
    card = pd.DataFrame({"measure_id": pd.Series(dtype=str)}) if card is None else card

    def summarise(part: pd.DataFrame) -> str:
        return "" if structure else rag_summary(part)

    by_measure = {r["measure_id"]: r for r in frames.records(card)}
    by_action = {} if updates is None else {r["action_id"]: r for r in frames.records(updates)}
    held = [] if risks is None else frames.records(risks)

    def shown(measure_id: str) -> bool:
        return structure or measure_id in by_measure

    linked = plan.action_measures(reg)
    out = [
        Node(
            ROOT,
            None,
            0,
            "vision",
            ROOT,
            top.vision.title,
            "",
            summarise(card),
            top.vision.text,
            "thread",
            {"node": ROOT},
        ),
        Node(
            PURPOSE,
            ROOT,
            1,
            "purpose",
            PURPOSE,
            "The Council's Core Purpose",
            "",
            summarise(card),
            "; ".join(p.title for p in top.core_purpose),
            "thread",
            {"node": PURPOSE},
        ),
    ]

    def measure(parent: str, measure_id: str, depth: int) -> Node:
        if structure:
            title = reg.measure(measure_id).title
            return Node(
                f"{parent}/measure:{measure_id}",
                parent,
                depth,
                "measure",
                f"measure:{measure_id}",
                title,
                "",
                "",
                "",
                "measure",
                {"measure": measure_id},
            )
        row = by_measure[measure_id]
        return Node(
            f"{parent}/measure:{measure_id}",
            parent,
            depth,
            "measure",
            f"measure:{measure_id}",
            row["title"],
            row["rag"],
            wording.rag_text(row["rag"]),
            f"{tables.value_text(row)} · {wording.direction_text(row['direction'])}",
            "measure",
            {"measure": measure_id},
            tuple(tables.marks(row)),
            _risk_lines(held, measures=[measure_id]),
        )

    for theme in reg.themes:
        tid = f"theme:{theme.id}"
        in_theme = card[card["measure_id"].isin(views.theme_measures(theme.id, reg))]
        out.append(
            Node(
                tid,
                PURPOSE,
                2,
                "theme",
                tid,
                theme.title,
                "",
                summarise(in_theme),
                theme.corporate_plan_title,
                "theme",
                {"theme": theme.id},
            )
        )
        for action in reg.theme_actions(theme.id):
            aid = f"action:{action.id}"
            update = by_action.get(action.id, {})
            code = "" if structure else update.get("status") or "no_update"
            percent = update.get("percent_complete")
            out.append(
                Node(
                    aid,
                    tid,
                    3,
                    "action",
                    aid,
                    action.title,
                    code,
                    wording.action_status_label(code) if code else "",
                    ""
                    if structure
                    else (
                        wording.percent_text(percent) if code != "no_update" else wording.ACTION_STATUS["no_update"][2]
                    ),
                    "actions",
                    {"theme": theme.id},
                    ("Illustrative",) if update.get("illustrative") else (),
                    _risk_lines(held, actions=[action.id]),
                )
            )
            out.extend(measure(aid, m, 4) for m in linked[action.id] if shown(m))
        whole = [m for m in plan.theme_level_measures(reg, theme.id) if shown(m)]
        if whole:
            eid = f"{tid}/whole"
            out.append(
                Node(
                    eid,
                    tid,
                    3,
                    "evidence",
                    f"{tid}/whole",
                    "Measures of the theme as a whole",
                    "",
                    summarise(card[card["measure_id"].isin(whole)]),
                    "Measures that evidence none of this theme's priority actions",
                    "theme",
                    {"theme": theme.id},
                )
            )
            out.extend(measure(eid, m, 4) for m in whole)
    return out


def subtree(tree: list[Node], ref: str) -> list[Node]:
    """The first node with permalink id ``ref`` and everything under it (KeyError if none)."""
    top = next((n for n in tree if n.ref == ref), None)
    if top is None:
        raise KeyError(ref)
    keep, out = {top.id}, [top]
    for node in tree:
        if node.parent in keep and node.id not in keep:
            keep.add(node.id)
            out.append(node)
    return out


def table(tree: list[Node], period: str | None = None) -> pd.DataFrame:
    """The tree as a table (the text alternative, and the download): one row per node, its path from the top."""
    titles = {n.id: n.title for n in tree}
    parents = {n.id: n.parent for n in tree}

    def path(node_id: str | None) -> str:
        chain = []
        while node_id is not None and node_id in titles:
            chain.append(titles[node_id])
            node_id = parents[node_id]
        return " › ".join(reversed(chain[1:]))

    return pd.DataFrame(
        {
            "Level": [n.depth for n in tree],
            "Kind": [KIND_LABELS[n.kind] for n in tree],
            "Title": [n.title for n in tree],
            "Status": [n.status_text for n in tree],
            "Detail": [n.detail for n in tree],
            "Notes": [", ".join(n.marks) for n in tree],
            "Risks": ["; ".join(n.risks) for n in tree],
            "Within": [path(n.id) for n in tree],
            "Open": [n.link(period) for n in tree],
        }
    )
