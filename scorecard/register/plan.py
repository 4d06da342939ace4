"""The golden thread as the register records it: which measures evidence which priority action, and who owns
what — the directorate and Cabinet portfolio of every theme, measure, priority action and budget service line.

A measure or action is owned by its theme's directorate (portfolio), and by any directorate (portfolio) that lists
it; where neither is recorded its owner is ``to be confirmed`` (an empty list here), never guessed. A directorate's
or portfolio's :class:`Scope` is what its Quarterly Service Report covers (framework, seed 001 ~1731, ~1834).
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecard.register.definitions import TO_BE_CONFIRMED, Register

KINDS = ("directorate", "portfolio")
"""The two kinds of owner: a directorate (led by an Executive Director) and a Cabinet portfolio."""
KIND_LABELS = {"directorate": "Directorate", "portfolio": "Cabinet portfolio"}


def _owners(reg: Register, kind: str) -> list:
    if kind not in KINDS:
        raise KeyError(f"{kind!r} is not one of {', '.join(KINDS)}")
    return reg.directorates if kind == "directorate" else reg.portfolios


def _add(found: list[str], ident: str) -> None:
    if ident != TO_BE_CONFIRMED and ident not in found:
        found.append(ident)


def measure_owners(reg: Register, kind: str) -> dict[str, list[str]]:
    """measure id → ids of the directorates (or portfolios) that own it, in register order; [] = to be confirmed."""
    of_theme = {t.id: getattr(t, kind) for t in reg.themes}
    owned: dict[str, list[str]] = {m.id: [] for m in reg.measures}
    for measure in reg.measures:
        for theme in measure.themes:
            _add(owned[measure.id], of_theme[theme])
    for owner in _owners(reg, kind):
        for measure_id in owner.measures:
            _add(owned[measure_id], owner.id)
    return owned


def action_owners(reg: Register, kind: str) -> dict[str, list[str]]:
    """priority action id → ids of the directorates (or portfolios) that own it; [] = to be confirmed."""
    of_theme = {t.id: getattr(t, kind) for t in reg.themes}
    owned: dict[str, list[str]] = {a.id: [] for a in reg.priority_actions}
    for action in reg.priority_actions:
        _add(owned[action.id], of_theme[action.theme])
    for owner in _owners(reg, kind):
        for action_id in owner.actions:
            _add(owned[action_id], owner.id)
    return owned


def titles(reg: Register, kind: str) -> dict[str, str]:
    """The register's ``measure``, priority ``action`` or ``theme`` items: id → title."""
    if kind == "measure":
        return {m.id: m.title for m in reg.measures}
    if kind == "action":
        return {a.id: a.title for a in reg.priority_actions}
    return {t.id: t.title for t in reg.themes}


def directorates_of(reg: Register, kind: str, ident: str) -> list[str]:
    """The directorates that own a ``measure``, priority ``action`` or ``theme`` ([] = to be confirmed): whose
    Assistant or Executive Director signs it off and answers scrutiny on it (:mod:`scorecard.governance.access`).
    KeyError for one the register does not hold."""
    if kind == "measure":
        return measure_owners(reg, "directorate")[ident]
    if kind == "action":
        return action_owners(reg, "directorate")[ident]
    found: list[str] = []
    _add(found, reg.theme(ident).directorate)
    return found


def action_measures(reg: Register) -> dict[str, list[str]]:
    """priority action id → the measures that evidence it, in register order."""
    linked: dict[str, list[str]] = {a.id: [] for a in reg.priority_actions}
    for measure in reg.measures:
        for action_id in measure.priority_actions:
            linked[action_id].append(measure.id)
    return linked


def theme_level_measures(reg: Register, theme_id: str) -> list[str]:
    """A theme's measures that evidence none of its priority actions (they evidence the theme as a whole)."""
    own = {a.id for a in reg.theme_actions(theme_id)}
    return [m.id for m in reg.measures if theme_id in m.themes and not own & set(m.priority_actions)]


@dataclass(frozen=True)
class Scope:
    """What one directorate's or portfolio's Quarterly Service Report covers."""

    kind: str
    id: str
    title: str
    post: str
    basis: str
    themes: list[str]
    measures: list[str]
    actions: list[str]
    service_lines: list[str]

    @property
    def label(self) -> str:
        """``Directorate: Adult Social Care and Health``."""
        return f"{KIND_LABELS[self.kind]}: {self.title}"


def scope(reg: Register, kind: str, ident: str) -> Scope:
    """The themes, measures (register order), priority actions (plan order) and budget service lines a
    directorate or portfolio owns (KeyError for an unknown kind or id)."""
    owner = next((o for o in _owners(reg, kind) if o.id == ident), None)
    if owner is None:
        raise KeyError(ident)
    measures, actions = measure_owners(reg, kind), action_owners(reg, kind)
    return Scope(
        kind=kind,
        id=owner.id,
        title=owner.title,
        post=owner.lead if kind == "directorate" else owner.holder,
        basis=owner.basis,
        themes=[t.id for t in reg.themes if getattr(t, kind) == ident],
        measures=[m for m, owners in measures.items() if ident in owners],
        actions=[a for a, owners in actions.items() if ident in owners],
        service_lines=[s.id for s in reg.service_lines if getattr(s, kind) == ident],
    )


def scopes(reg: Register, kind: str) -> list[Scope]:
    """Every directorate's (or portfolio's) scope, in register order."""
    return [scope(reg, kind, owner.id) for owner in _owners(reg, kind)]
