"""The KPI register (``kpi_definitions.yaml``): themes, data sets and measures, validated on load.

Every problem is reported as ``FILE:LINE: field: what is wrong`` and all of them are
collected in one pass, so the BI team fixes a register in one go, not error by error.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scorecard import SEFTON
from scorecard.store import periods, text

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "kpi_definitions.yaml"

InfoType = Literal["key_result", "performance_indicator", "contextual"]
Polarity = Literal["higher_is_better", "lower_is_better", "no_judgement"]
Unit = Literal[
    "percent",
    "proportion",
    "count",
    "rate_per_1000",
    "rate_per_10k",
    "rate_per_100k",
    "score",
    "ratio",
    "gbp",
    "gbp_thousands",
    "miles",
    "kwp",
    "tco2e",
    "tonnes",
]
PLAUSIBLE = {
    "percent": (0.0, 100.0),
    "proportion": (0.0, 1.0),
    "count": (0.0, 1e9),
    "rate_per_1000": (0.0, 1e5),
    "rate_per_10k": (0.0, 1e6),
    "rate_per_100k": (0.0, 1e7),
    "score": (-1e6, 1e6),
    "ratio": (0.0, 1e6),
    "gbp": (-1e12, 1e12),
    "gbp_thousands": (-1e9, 1e9),
    "miles": (0.0, 1e7),
    "kwp": (0.0, 1e8),
    "tco2e": (0.0, 1e9),
    "tonnes": (0.0, 1e9),
}
"""The range a returned figure of each unit may take (a measure's ``plausible:`` narrows or moves it): wide
enough for any English council, narrow enough that a slip (``1e308`` for a count) is refused at ingest."""
Frequency = Literal["monthly", "quarterly", "financial_year", "academic_year", "calendar_year", "annual"]
GroupId = Literal["cipfa_nn", "dfe_sn", "combined_authority", "region", "same_type", "england"]
TargetBasis = Literal["fixed", "cipfa_median", "england", "previous_year"]
Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,47}$")]
TO_BE_CONFIRMED = "to be confirmed"
"""An owner the council's documents do not name: recorded as such, never guessed."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Theme(_Strict):
    """A Corporate Plan 2024–27 theme, with the directorate and the Cabinet portfolio that own it (an id from
    ``directorates`` / ``portfolios``, or ``to be confirmed`` where the council's documents do not say)."""

    id: Slug
    title: str
    corporate_plan_title: str
    responsibility: str
    directorate: str = TO_BE_CONFIRMED
    portfolio: str = TO_BE_CONFIRMED


class Release(_Strict):
    """When a publisher usually releases new figures (the release calendar, :mod:`scorecard.register.releases`).

    ``months``: the months (1-12) in which figures for a new period first appear: one for an annual release, four
    (three apart) for a quarterly one, none for a monthly one. ``lag_months``: how many months after the month a
    period ends its figures can first appear (negative when a publication precedes the end of the period it is
    labelled with, as for January school-census figures labelled with the academic year). ``basis``: where the
    months come from, so the BI team can check them."""

    frequency: Literal["annual", "quarterly", "monthly", "irregular", "discontinued", "varies"]
    months: list[int] = []
    lag_months: int = Field(0, ge=-11, le=60)
    basis: str = Field(min_length=10)

    @model_validator(mode="after")
    def _months_fit(self) -> Release:
        if any(not 1 <= m <= 12 for m in self.months) or len(set(self.months)) != len(self.months):
            raise ValueError("months: distinct month numbers 1-12")
        wanted = {"annual": 1, "quarterly": 4}.get(self.frequency, 0)
        if len(self.months) != wanted:
            raise ValueError(f"months: a {self.frequency} release gives {wanted} month(s), not {len(self.months)}")
        steps = sorted(self.months)
        if self.frequency == "quarterly" and any(b - a != 3 for a, b in zip(steps, steps[1:])):
            raise ValueError("months: quarterly release months are three months apart, e.g. [1, 4, 7, 10]")
        return self


class Dataset(_Strict):
    """A published data set: who publishes it, under what licence, where our copy came from, and when the
    publisher usually releases new figures (``varies`` when each measure gives its own ``source.release``)."""

    id: Slug
    title: str
    publisher: str
    licence: str
    folder: str
    repository: str
    commit: str = ""
    url: str = ""
    release: Release


class SeedFigure(_Strict):
    """A figure the council itself published (``reference/seed_figures.csv``), real for its period."""

    line: int = Field(ge=2)
    period: str
    area_code: str = "E08000014"


class Source(_Strict):
    """Where a measure's figures come from and how to read them."""

    match: Literal["exact", "proxy", "none"]
    proxy_for: str = ""
    dataset: str = ""
    file: str = ""
    layout: Literal["table", "titled_table"] = "table"
    title_contains: str = ""
    filters: dict[str, str] = {}
    area_column: str = ""
    area_name_column: str = ""
    area_code_type: Literal["ons", "dfe"] = "ons"
    tier: Literal["upper", "lower", ""] = ""
    period_column: str = ""
    period_format: str = ""
    fixed_period: str = ""
    value_column: str = ""
    numerator_column: str = ""
    denominator_column: str = ""
    numerator_rows: dict[str, str] = {}
    denominator_rows: dict[str, str] = {}
    lower_ci_column: str = ""
    upper_ci_column: str = ""
    status_column: str = ""
    combine: Literal["none", "sum"] = "none"
    release: Release | None = None
    seed_figures: list[SeedFigure] = []
    returns: Literal["council", "illustrative", "none"] = "none"
    return_areas: list[str] = [SEFTON]
    """Areas a council return may write for this measure (returns never write England's or other
    councils' figures unless listed here)."""

    @model_validator(mode="after")
    def _complete(self) -> Source:
        if self.match == "proxy" and not self.proxy_for:
            raise ValueError("proxy_for: a proxy must say what it actually measures")
        if self.match != "none":
            for name in ("dataset", "file", "area_column"):
                if not getattr(self, name):
                    raise ValueError(f"{name}: required when match is {self.match!r}")
            if not self.tier:
                raise ValueError(
                    "tier: say whether the publisher's figures are for upper-tier councils (counties, unitaries, "
                    "metropolitan and London boroughs) or district level ('upper' or 'lower'); comparisons use "
                    "that tier only"
                )
            if not self.value_column and not (self.numerator_column and self.denominator_column):
                raise ValueError("value_column: give a value column, or numerator and denominator columns")
            if bool(self.period_column) == bool(self.fixed_period):
                raise ValueError("period_column: give either period_column (with period_format) or fixed_period")
            if self.period_column and self.period_format not in periods.PARSERS:
                raise ValueError(f"period_format: {self.period_format!r} is not one of {sorted(periods.PARSERS)}")
        if bool(self.numerator_rows) != bool(self.denominator_rows):
            raise ValueError("numerator_rows: give both numerator_rows and denominator_rows, or neither")
        if self.numerator_rows and (self.value_column or not self.numerator_column or not self.denominator_column):
            raise ValueError(
                "numerator_rows: the value is computed from the two rows' counts: give numerator_column and "
                "denominator_column (the count column of those rows) and no value_column"
            )
        if self.title_contains and self.layout != "titled_table":
            raise ValueError("title_contains: only a titled_table layout has title rows to check")
        if self.layout == "titled_table" and self.fixed_period and not self.title_contains:
            raise ValueError(
                "title_contains: a titled table with a fixed_period must name the text its title gives for that "
                "period (e.g. 'year ending June 2025'), so a file for another period is refused"
            )
        if self.release is not None and self.release.frequency == "varies":
            raise ValueError("release.frequency: 'varies' is for a data set; a measure gives its own schedule")
        if self.match == "none" and self.returns == "none":
            raise ValueError("returns: a measure with no public data must come from council returns")
        return self


class Target(_Strict):
    """How the target is set: a fixed value per financial year, or derived from a benchmark."""

    basis: TargetBasis
    value: float | None = None
    tolerance: float = Field(0.0, ge=0)
    financial_year: str = ""
    rationale: str
    set_by: str
    illustrative: bool = False

    @model_validator(mode="after")
    def _value_for_fixed(self) -> Target:
        if self.basis == "fixed" and self.value is None:
            raise ValueError("value: a fixed target needs a value")
        if self.basis != "fixed" and self.value is not None:
            raise ValueError(f"value: a {self.basis} target is derived, do not give a value")
        return self


class Range(_Strict):
    """A closed range of plausible values."""

    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.min < self.max:
            raise ValueError(f"max: {self.max:g} must be above min {self.min:g}")
        return self


class RateComparison(_Strict):
    """How a count is set against other councils: ``value / denominator × multiplier``, read as ``label``."""

    multiplier: float = Field(gt=0)
    unit: Literal["rate_per_1000", "rate_per_10k", "rate_per_100k"]
    label: str = Field(min_length=1)
    """What the rate is per, as a reader says it ("per 1,000 households")."""
    decimals: int = Field(2, ge=0, le=4)


class Measure(_Strict):
    """One scorecard measure."""

    id: Slug
    title: str
    scorecard_text: str
    themes: list[Slug] = Field(min_length=1)
    info_type: InfoType
    polarity: Polarity
    seed_polarity: Polarity | None = None
    unit: Unit
    decimals: int = Field(1, ge=0, le=4)
    frequency: Frequency
    calculation: Literal["value", "proportion", "rate"] = "value"
    clustered_by: str = ""
    """How the counted units are clustered, as a phrase ("every place in a school shares the school's Ofsted
    grade"). Such a proportion gets no interval and no significance test
    (:mod:`scorecard.evaluation.judgements.benchmark`)."""
    multiplier: float = 1.0
    compare_as_rate: RateComparison | None = None
    """A count compared across councils as a rate of its source's denominator (#27: councils differ in size)."""
    population: str = ""
    definition: str
    what_good_looks_like: str
    caveats: list[str] = []
    source: Source
    comparator_groups: list[GroupId] = ["cipfa_nn", "england"]
    benchmark_group: GroupId = "cipfa_nn"
    neutral_band: float | None = Field(None, ge=0)
    target: Target | None = None
    theme_responsibility: str
    metric_responsibility: str
    stale_after_months: int = Field(24, ge=1)
    breaks: list[str] = []
    materiality: float | None = Field(None, gt=0)
    year_figure: Literal["year_end", "total"] = "year_end"
    priority_actions: list[Slug] = []
    """The Corporate Plan priority actions whose progress the measure evidences (an action of another theme
    too): the golden thread's link from an action down to its measures. None: it evidences its theme as a whole."""
    plausible: Range | None = None
    """The range a returned figure may take, when the unit's default (:data:`PLAUSIBLE`) does not fit."""

    @property
    def framework_polarity(self) -> Polarity:
        """The polarity the framework's scorecard gives (``seed_polarity`` where a proxy differs)."""
        return self.seed_polarity or self.polarity

    @property
    def plausible_range(self) -> tuple[float, float]:
        return (self.plausible.min, self.plausible.max) if self.plausible else PLAUSIBLE[self.unit]

    @property
    def compared(self) -> tuple[str, int, str]:
        """How councils are compared on the measure: (unit, decimals, what it is per — "" for its own figures);
        a count compared as a rate is compared in the rate's."""
        rate = self.compare_as_rate
        return (rate.unit, rate.decimals, rate.label) if rate else (self.unit, self.decimals, "")

    @property
    def takes_returns(self) -> bool:
        """Council returns may write this measure: it has no public extract (``source.match: none``)."""
        return self.source.match == "none"

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        if self.calculation in ("proportion", "rate") and self.source.match != "none":
            if not self.source.denominator_column:
                raise ValueError(f"source.denominator_column: a {self.calculation} needs a denominator")
        if self.compare_as_rate and (self.unit != "count" or not self.source.denominator_column):
            raise ValueError("compare_as_rate: only a count with a source.denominator_column can be compared as a rate")
        if self.source.combine == "sum" and self.unit != "count":
            raise ValueError("source.combine: only counts can be added up across a source's rows for one area")
        if self.info_type == "contextual" and self.target is not None:
            raise ValueError("target: contextual indicators are never target-set")
        if self.seed_polarity not in (None, self.polarity) and self.source.match != "proxy":
            raise ValueError(
                "seed_polarity: only a proxy is judged by a polarity other than the framework's "
                "(the polarity of what the proxy actually measures)"
            )
        if self.target is not None and self.polarity == "no_judgement":
            raise ValueError("target: a measure with no polarity (no_judgement) cannot be rated against a target")
        for label in self.breaks:
            try:
                periods.parse_label(label)
            except ValueError as err:
                raise ValueError(f"breaks: {err}") from None
        if self.benchmark_group not in self.comparator_groups:
            raise ValueError(f"benchmark_group: {self.benchmark_group!r} is not in comparator_groups")
        low, high = self.plausible_range
        if self.target is not None and self.target.value is not None and not low <= self.target.value <= high:
            raise ValueError(f"target.value: {self.target.value:g} is outside the plausible range {low:g}–{high:g}")
        return self


ExceptionRule = Literal[
    "red_red",
    "persistent_red",
    "red",
    "material_deterioration",
    "trend_worsening",
    "no_commentary",
    "missing",
    "context_deterioration",
    "stale",
    "amber",
    "exceeding_target",
]
DeteriorationBasis = Literal["significant", "material", "material_within_interval", "sustained"]
"""Why a figure is a material deterioration (:data:`scorecard.evaluation.judgements.exceptions.BASES`)."""


class ExceptionPolicy(_Strict):
    """What makes a measure an exception for the Strategic Performance Group, tuned by the BI team
    (:mod:`scorecard.evaluation.judgements.exceptions`)."""

    severity: dict[ExceptionRule, int]
    materiality: dict[Unit, float] = {}
    relative_materiality: float = Field(0.05, gt=0)
    amber_for_decision: list[DeteriorationBasis] = list(get_args(DeteriorationBasis))
    """The bases on which an amber measure's material deterioration is *for decision*; on any other basis it is
    watched (DESIGN.md §5 as written puts every basis up for decision)."""

    @model_validator(mode="after")
    def _sensible(self) -> ExceptionPolicy:
        bad = {rule: rank for rule, rank in self.severity.items() if not 1 <= rank <= 9}
        if bad:
            raise ValueError(f"severity: ranks run from 1 (most severe) to 9, not {bad}")
        bad_sizes = {unit: size for unit, size in self.materiality.items() if size <= 0}
        if bad_sizes:
            raise ValueError(f"materiality: a material change must be above 0, not {bad_sizes}")
        return self


class PriorityAction(_Strict):
    """A Corporate Plan 2024–27 priority action ("Our priority actions — over the course of this plan we
    will…"), verbatim from the plan with its line there; the annual actions register updated each quarter
    (framework, seed 001 ~2043: "narrative, extent of completion and a self-reported RAG status")."""

    id: Slug
    theme: Slug
    title: str
    seed_file: str
    line: int = Field(ge=1)


class SeedQuote(_Strict):
    """Words of the council's own documents, with the file and line they stand at."""

    text: str
    seed_file: str
    line: int = Field(ge=1)


class Vision(SeedQuote):
    """The Sefton Vision 2030 (framework, seed 001 ~1370): the top of the golden thread."""

    title: str
    agreed: str


class CorePurpose(_Strict):
    """One element of the Council's Core Purpose, "its role in delivering the 2030 vision" (seed 001 ~1384)."""

    id: Slug
    title: str
    seed_file: str
    line: int = Field(ge=1)


class Plan(_Strict):
    """The golden thread above the themes (framework, seed 001 ~1550: "the 'golden thread' … links the
    Council's objectives, through to individual appraisals"): Vision 2030 → Core Purpose → Corporate Plan
    aspiration → themes → priority actions → measures. ``links_basis`` says how measures were linked to
    priority actions (the plan itself does not say)."""

    vision: Vision
    core_purpose: list[CorePurpose] = Field(min_length=1)
    aspiration: SeedQuote
    links_basis: str


class Owner(_Strict):
    """A directorate or a Cabinet portfolio: the post that leads it (never a person), where the council's
    documents name it, and the measures and priority actions it owns beyond its themes' (with why)."""

    id: Slug
    title: str
    basis: str
    seed_file: str
    line: int = Field(ge=1)
    measures: list[Slug] = []
    actions: list[Slug] = []


class Directorate(Owner):
    """A directorate: its Quarterly Service Report covers "performance and progress against the commitments
    made in their annual service plans" (framework, seed 001 ~1731)."""

    lead: str


class Portfolio(Owner):
    """A Cabinet portfolio: each Cabinet Member reviews "the QSR for relevant portfolio area" (seed 001 ~1834)."""

    holder: str


class ServiceLine(_Strict):
    """A service line of the council's revenue budget monitoring (seed 001 ~2349), with the directorate and
    portfolio it reports to (ids, or ``to be confirmed``) and why (``basis``)."""

    id: Slug
    title: str
    directorate: str = TO_BE_CONFIRMED
    portfolio: str = TO_BE_CONFIRMED
    basis: str = ""
    seed_file: str
    line: int = Field(ge=1)


class RiskPolicy(_Strict):
    """How a risk's score (likelihood × impact, each 1 to ``scale``) is banded
    (:mod:`scorecard.evaluation.judgements.risk`): ``high`` from this score, ``medium`` from that, else low."""

    scale: int = Field(5, ge=2, le=10)
    high: int = Field(15, ge=1)
    medium: int = Field(5, ge=1)
    basis: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> RiskPolicy:
        if not self.medium < self.high <= self.scale * self.scale:
            raise ValueError(f"high: bands need medium < high <= {self.scale * self.scale} (scale squared)")
        return self


class Cycle(_Strict):
    """The quarterly return timetable (#26 item 3), in days after a quarter ends. The framework's strategic
    planning cycle (seed 001 ~1772) gives the month each quarter goes to Cabinet — the month after it — but not
    the days within it; these are the council's to set. Each step must fall within the month after the
    quarter, before Cabinet: ``returns_due_days`` + ``qa_days`` + ``sign_off_days`` ≤ 28."""

    returns_due_days: int = Field(10, ge=1)
    qa_days: int = Field(5, ge=1)
    sign_off_days: int = Field(5, ge=1)
    reminder_days_before: int = Field(3, ge=0)
    escalate_after_days: int = Field(5, ge=1)
    basis: str = ""

    @model_validator(mode="after")
    def _before_cabinet(self) -> Cycle:
        total = self.returns_due_days + self.qa_days + self.sign_off_days
        if total > 28:
            raise ValueError(
                f"sign_off_days: returns, QA and sign-off take {total} days after the quarter ends; they must fit "
                "in the month it goes to Cabinet (at most 28)"
            )
        return self


def _by_id(items: list, ident: str):
    """The item of ``items`` with this ``id`` (KeyError if none)."""
    for item in items:
        if item.id == ident:
            return item
    raise KeyError(ident)


class Register(_Strict):
    """The whole register."""

    version: int
    exception_policy: ExceptionPolicy
    plan: Plan | None = None
    themes: list[Theme]
    priority_actions: list[PriorityAction] = []
    directorates: list[Directorate] = []
    portfolios: list[Portfolio] = []
    service_lines: list[ServiceLine] = []
    risk_policy: RiskPolicy = Field(default_factory=lambda: RiskPolicy.model_validate({}))
    cycle: Cycle = Field(default_factory=lambda: Cycle.model_validate({}))
    datasets: list[Dataset]
    measures: list[Measure]

    def measure(self, measure_id: str) -> Measure:
        """The measure with this id (KeyError if none)."""
        return _by_id(self.measures, measure_id)

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id (KeyError if none)."""
        return _by_id(self.themes, theme_id)

    def action(self, action_id: str) -> PriorityAction:
        """The priority action with this id (KeyError if none)."""
        return _by_id(self.priority_actions, action_id)

    def theme_actions(self, theme_id: str) -> list[PriorityAction]:
        """A theme's priority actions, in the plan's order."""
        return [a for a in self.priority_actions if a.theme == theme_id]

    def dataset(self, dataset_id: str) -> Dataset:
        """The data set with this id (KeyError if none)."""
        return _by_id(self.datasets, dataset_id)

    def directorate(self, directorate_id: str) -> Directorate:
        """The directorate with this id (KeyError if none)."""
        return _by_id(self.directorates, directorate_id)

    def portfolio(self, portfolio_id: str) -> Portfolio:
        """The Cabinet portfolio with this id (KeyError if none)."""
        return _by_id(self.portfolios, portfolio_id)

    def service_line(self, line_id: str) -> ServiceLine:
        """The budget service line with this id (KeyError if none)."""
        return _by_id(self.service_lines, line_id)


@dataclass
class RegisterError(Exception):
    """Every problem found in a register file, each as ``FILE:LINE: field: message``."""

    problems: list[str]

    def __str__(self) -> str:
        return "\n".join(self.problems)


LISTS = ("themes", "priority_actions", "directorates", "portfolios", "service_lines", "datasets", "measures")
"""The register's lists of items with an ``id``."""


class _Lines:
    """Line numbers of every node of a YAML document, keyed by path (tuple of keys / indexes)."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.by_path: dict[tuple, int] = {}
        self.problems: list[str] = []
        self.names: dict[tuple, str] = {}

    def name_items(self, data: dict) -> None:
        """Remember each list item's id so messages say ``measures[cyp_x]`` rather than ``measures[3]``."""
        for kind in LISTS:
            for i, item in enumerate(data.get(kind) or []):
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    self.names[(kind, i)] = item["id"]

    def to_python(self, node: yaml.Node, path: tuple = ()) -> Any:
        self.by_path[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                key = key_node.value
                if key in result:
                    self.problems.append(
                        f"{self.file_name}:{key_node.start_mark.line + 1}: {_dotted(path + (key,))}: duplicate key"
                    )
                self.by_path[path + (key,)] = key_node.start_mark.line + 1
                result[key] = self.to_python(value_node, path + (key,))
                self.by_path[path + (key,)] = key_node.start_mark.line + 1
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.to_python(child, path + (i,)) for i, child in enumerate(node.value)]
        return yaml.SafeLoader.construct_object(_SCALAR_LOADER, node)

    def line(self, path: tuple) -> int:
        while path and path not in self.by_path:
            path = path[:-1]
        return self.by_path.get(path, 1)

    def error(self, path: tuple, message: str) -> None:
        shown = path
        if len(path) >= 2 and path[:2] in self.names:
            shown = (path[0], self.names[path[:2]]) + path[2:]
        self.problems.append(f"{self.file_name}:{self.line(path)}: {_dotted(shown)}: {message}")


_SCALAR_LOADER = yaml.SafeLoader("")


def _dotted(path: tuple) -> str:
    """``('measures', 3, 'source', 'file')`` → ``measures[3].source.file``."""
    text = ""
    for part in path:
        if isinstance(part, int) or (text in LISTS and part):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


def _control_characters(node: Any, lines: _Lines, path: tuple = ()) -> None:
    """Text the pack and pages cannot hold: a control character (e.g. a vertical tab pasted from Excel)."""
    if isinstance(node, str):
        found = text.CONTROL.search(node)
        if found:
            lines.error(path, f"contains the control character U+{ord(found.group()):04X}; remove it")
    elif isinstance(node, dict):
        for key, value in node.items():
            _control_characters(value, lines, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _control_characters(value, lines, path + (i,))


def _cross_checks(data: dict, lines: _Lines) -> None:
    themes = {t.get("id") for t in data.get("themes", []) if isinstance(t, dict)}
    datasets = {d.get("id") for d in data.get("datasets", []) if isinstance(d, dict)}
    varies = {
        d.get("id")
        for d in data.get("datasets", []) or []
        if isinstance(d, dict) and isinstance(d.get("release"), dict) and d["release"].get("frequency") == "varies"
    }
    seen: dict[str, int] = {}
    for i, measure in enumerate(data.get("measures", []) or []):
        if not isinstance(measure, dict):
            continue
        mid = str(measure.get("id") or "")
        if mid in seen:
            lines.error(("measures", i, "id"), f"duplicate id {mid!r} (first defined at line {seen[mid]})")
        elif mid:
            seen[mid] = lines.line(("measures", i, "id"))
        for j, theme in enumerate(measure.get("themes", []) or []):
            if theme not in themes:
                lines.error(
                    ("measures", i, "themes", j), f"unknown theme {theme!r}; themes are {sorted(map(str, themes))}"
                )
        source = measure.get("source") or {}
        if isinstance(source, dict) and source.get("dataset") and source["dataset"] not in datasets:
            lines.error(("measures", i, "source", "dataset"), f"unknown dataset {source['dataset']!r}")
        if isinstance(source, dict) and source.get("dataset") in varies and not source.get("release"):
            lines.error(
                ("measures", i, "source", "dataset"),
                f"release: data set {source['dataset']!r} releases each indicator on its own schedule: give "
                "source.release",
            )
    for i, action in enumerate(data.get("priority_actions", []) or []):
        if isinstance(action, dict) and action.get("theme") not in themes:
            lines.error(
                ("priority_actions", i, "theme"),
                f"unknown theme {action.get('theme')!r}; themes are {sorted(map(str, themes))}",
            )
    for kind in ("themes", "priority_actions", "directorates", "portfolios", "service_lines", "datasets"):
        ids: set[object] = set()
        for i, item in enumerate(data.get(kind, []) or []):
            if isinstance(item, dict) and item.get("id") in ids:
                lines.error((kind, i, "id"), f"duplicate id {item['id']!r}")
            elif isinstance(item, dict):
                ids.add(item.get("id"))
    _plan_checks(data, lines)


def _ids(data: dict, kind: str) -> dict[object, dict]:
    """A register list's items by id."""
    return {item.get("id"): item for item in data.get(kind, []) or [] if isinstance(item, dict)}


def _plan_checks(data: dict, lines: _Lines) -> None:
    """The golden thread's links: owners named by a theme or service line exist (or are ``to be confirmed``),
    and the measures and priority actions that owners and measures name exist."""
    actions, measures = _ids(data, "priority_actions"), _ids(data, "measures")
    owners = {"directorate": _ids(data, "directorates"), "portfolio": _ids(data, "portfolios")}
    for kind in ("themes", "service_lines"):
        for i, item in enumerate(data.get(kind, []) or []):
            for field, known in owners.items():
                value = item.get(field, TO_BE_CONFIRMED) if isinstance(item, dict) else TO_BE_CONFIRMED
                if value != TO_BE_CONFIRMED and value not in known:
                    lines.error(
                        (kind, i, field),
                        f"unknown {field} {value!r}; expected one of {sorted(map(str, known))} or {TO_BE_CONFIRMED!r}",
                    )
    for kind in ("directorates", "portfolios"):
        for i, owner in enumerate(data.get(kind, []) or []):
            if not isinstance(owner, dict):
                continue
            for field, known, what in (("measures", measures, "measure"), ("actions", actions, "priority action")):
                for j, ident in enumerate(owner.get(field) or []):
                    if ident not in known:
                        lines.error((kind, i, field, j), f"unknown {what} {ident!r}")
    for i, measure in enumerate(data.get("measures", []) or []):
        if not isinstance(measure, dict):
            continue
        for j, ident in enumerate(measure.get("priority_actions") or []):
            if ident not in actions:
                lines.error(("measures", i, "priority_actions", j), f"unknown priority action {ident!r}")
    purposes = ((data.get("plan") or {}) if isinstance(data.get("plan"), dict) else {}).get("core_purpose") or []
    seen: set[object] = set()
    for i, item in enumerate(purposes):
        if isinstance(item, dict) and item.get("id") in seen:
            lines.error(("plan", "core_purpose", i, "id"), f"duplicate id {item['id']!r}")
        elif isinstance(item, dict):
            seen.add(item.get("id"))


def load(path: str | Path = DEFAULT_PATH) -> Register:
    """Load and validate a register file; raise :class:`RegisterError` listing every problem.

    The file is read every time; the same text is parsed and validated once per process and the one
    :class:`Register` is shared (callers treat it as read-only; a changed file is parsed afresh)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise RegisterError([f"{path.name}:1: (document): cannot read: {err}"]) from None
    return _parse(path.name, text)


# LibYAML's parser when PyYAML was built with it (its nodes carry the same line marks), else PyYAML's own
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=8)
def _parse(name: str, text: str) -> Register:
    lines = _Lines(name)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RegisterError([f"{name}:{line}: (document): not valid YAML: {getattr(err, 'problem', err)}"]) from None
    if not isinstance(root, yaml.MappingNode):
        raise RegisterError([f"{name}:1: (document): expected a mapping with themes, datasets and measures"])
    data = lines.to_python(root)
    lines.name_items(data)
    _control_characters(data, lines)
    _cross_checks(data, lines)
    try:
        register = Register.model_validate(data)
    except ValidationError as err:
        for problem in err.errors():
            loc = tuple(problem["loc"])
            message = problem["msg"].removeprefix("Value error, ")
            if problem["type"] == "extra_forbidden":
                message = f"unknown key {loc[-1]!r}"
            field, _, rest = message.partition(": ")
            if rest and " " not in field:
                loc, message = loc + tuple(field.split(".")), rest
            lines.error(loc, message)
    if lines.problems:
        raise RegisterError(sorted(set(lines.problems), key=_line_order))
    return register


def _line_order(problem: str) -> tuple[int, str]:
    parts = problem.split(":")
    return (int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0, problem)
